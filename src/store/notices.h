/* The outbox of notices to patients (migration 21): queued in the transaction of the event they
 * tell of, sent by lmn serve's notice worker (api/notices.c). The patient's choice of channel is
 * part of the patient's record (store/patients.h). */
#ifndef LMN_STORE_NOTICES_H
#define LMN_STORE_NOTICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/notice.h"
#include "store/db.h"
#include "util/rc.h"

/* Queues a notice of kind about order_id (0: none) to the patient by the channel they chose, to
 * the phone or e-mail address they have now, in the caller's write transaction; nothing when they
 * chose none or have no address for their channel. *queued (may be NULL): whether one was. */
LMN_MUST_USE enum lmn_rc notices_enqueue(struct db_conn *c, int64_t patient_id, int64_t order_id,
					 enum notice_kind kind, const struct notice_facts *f,
					 const char *now, bool *queued, struct lmn_err *err);

/* After patient_id's contact details changed (patient_contact_set), in the same write
 * transaction: their notices not yet sent go by the channel and to the address the record now
 * holds (one still to be sent starts its attempts again), and those it holds none for are
 * withdrawn (removed). So nothing reaches a number or an address the patient gave up, nor a
 * patient who chose no notices. A notice that a server is sending at now_s (seconds since 1970;
 * its claim holds) is left to it, and follows once given back (notices_unclaim,
 * notices_mark_failed). */
LMN_MUST_USE enum lmn_rc notices_readdress(struct db_conn *c, int64_t patient_id, int64_t now_s,
					   struct lmn_err *err);

/* A notice due to be sent. */
struct notice_row {
	int64_t id;
	char channel[8];
	char recipient[256];
	char subject[256];
	char body[2048];
	int64_t attempts;
};

/* Claims up to max notices neither sent nor dead whose next attempt is due at now_s (seconds
 * since 1970) by the channels asked for (email, sms), oldest first, and not claimed by a server
 * until now_s or later: each gets claimed_by = server until `until` (seconds), in one statement,
 * so that two servers never take the same notice while its claim holds (migration 27). The
 * notices claimed into rows; *n how many. In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc notices_claim(struct db_conn *c, const char *server, int64_t now_s,
				       int64_t until, bool email, bool sms, struct notice_row *rows,
				       size_t max, size_t *n, struct lmn_err *err);
/* Whether notices_claim would claim any (a read of the index of what is not sent): the worker
 * writes only then. */
LMN_MUST_USE enum lmn_rc notices_claimable(struct db_conn *c, int64_t now_s, bool email, bool sms,
					   bool *any, struct lmn_err *err);
/* Gives back server's claim on notice id if it is not sent: another server may take it at once
 * (one that stops with notices claimed and not sent); it then follows the patient's contact
 * details as they are now (notices_readdress). In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc notices_unclaim(struct db_conn *c, const char *server, int64_t id,
					 struct lmn_err *err);
/* Records that notice id was sent at (ISO 8601), its claim ended. In the caller's write
 * transaction. */
LMN_MUST_USE enum lmn_rc notices_mark_sent(struct db_conn *c, int64_t id, const char *at,
					   struct lmn_err *err);
/* Records a failed attempt: the next at next_s, or dead (at: ISO 8601) when dead is true; why is
 * what the relay or gateway said, without the recipient or text. The claim ends, and the notice
 * follows the patient's contact details as they are now (notices_readdress). */
LMN_MUST_USE enum lmn_rc notices_mark_failed(struct db_conn *c, int64_t id, bool dead,
					     int64_t next_s, const char *at, const char *why,
					     struct lmn_err *err);

/* The delayed notices for the contact cases opened after case id `after` (their order's patients),
 * for orders whose contact date is on or after since (older cases opened late tell nothing new).
 * In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc notices_last_case(struct db_conn *c, int64_t *id, struct lmn_err *err);
LMN_MUST_USE enum lmn_rc notices_enqueue_delayed(struct db_conn *c, int64_t after, lmn_day since,
						 const char *now, int64_t *queued,
						 struct lmn_err *err);

/* The notices of prescriptions expiring (issue 20): for each prescription of a patient who chose
 * a channel with an item still in force (not cancelled nor replaced, withdrawals left) whose last
 * day is from today to `until`, and not told before, a notice naming the first such day. In the
 * caller's write transaction; *queued: how many. */
LMN_MUST_USE enum lmn_rc notices_enqueue_expiring(struct db_conn *c, lmn_day today, lmn_day until,
						  const char *now, int64_t *queued,
						  struct lmn_err *err);

/* Removes the notices sent before `before` (ISO 8601 local time; their recipient and text are
 * personal data no longer needed). Dead notices stay for the administration. In the caller's
 * write transaction; *removed: how many. */
LMN_MUST_USE enum lmn_rc notices_remove_sent(struct db_conn *c, const char *before,
					     int64_t *removed, struct lmn_err *err);

/* Puts dead notice id back in the queue with its attempts from 0 (the administration, once the
 * relay or gateway is fixed): LMN_ENOTFOUND when there is no such dead notice. In the caller's
 * write transaction. */
LMN_MUST_USE enum lmn_rc notices_retry(struct db_conn *c, int64_t id, struct lmn_err *err);

/* A notice as the administration sees it: no recipient, no text. */
struct notice_status {
	int64_t id, patient_id, order_id, attempts;
	char kind[32], channel[8], created_at[40], sent_at[40], dead_at[40], last_error[256];
	int64_t next_attempt_at;
};
/* Calls fn for up to max notices in state "dead" (dead_at set) or "queued" (neither sent nor
 * dead), newest first; NULL or another state: both. */
typedef void (*notice_status_fn)(void *arg, const struct notice_status *s);
LMN_MUST_USE enum lmn_rc notices_list(struct db_conn *c, const char *state, int64_t max,
				      notice_status_fn fn, void *arg, struct lmn_err *err);

#endif
