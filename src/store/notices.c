/* The outbox of notices to patients (migration 21) and the patient's choice of channel. */
#include "store/notices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The recipient is the patient's address for the channel they chose; no row when they chose none
 * or have none. */
static const char enqueue_sql[] =
	"INSERT INTO outbox (patient_id, order_id, kind, channel, recipient, subject, body, "
	"created_at) "
	"SELECT p.id, nullif($2, 0), $3, p.notice_channel, "
	"CASE p.notice_channel WHEN 'sms' THEN p.phone ELSE p.email END, $4, $5, $6 "
	"FROM patients p WHERE p.id = $1 AND p.notice_channel <> 'none' "
	"AND coalesce(CASE p.notice_channel WHEN 'sms' THEN p.phone ELSE p.email END, '') <> ''";

enum lmn_rc notices_enqueue(struct db_conn *c, int64_t patient_id, int64_t order_id,
			    enum notice_kind kind, const struct notice_facts *f, const char *now,
			    bool *queued, struct lmn_err *err)
{
	struct buf subject, body;
	struct db_stmt *st;
	enum lmn_rc rc;

	if (queued)
		*queued = false;
	buf_init(&subject, 1024);
	buf_init(&body, 4096);
	notice_text(kind, f, &subject, &body);
	if (subject.failed || body.failed) {
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((rc = db_prepare(c, enqueue_sql, &st, err)) != LMN_OK)
		goto out;
	db_bind_int(st, 1, patient_id);
	db_bind_int(st, 2, order_id);
	db_bind_text(st, 3, notice_kind_name(kind));
	db_bind_text(st, 4, subject.data);
	db_bind_text(st, 5, body.data);
	db_bind_text(st, 6, now);
	rc = db_run(st, err);
	if (rc == LMN_OK && queued)
		*queued = db_changes(c) > 0;
out:
	buf_release(&subject);
	buf_release(&body);
	return rc;
}

/* The patient's channel and address now, for a row of the outbox. */
#define CHANNEL_NOW "(SELECT p.notice_channel FROM patients p WHERE p.id = outbox.patient_id)"
#define ADDRESS_NOW                                                                    \
	"(SELECT CASE p.notice_channel WHEN 'sms' THEN p.phone ELSE p.email END FROM " \
	"patients p WHERE p.id = outbox.patient_id)"
/* Of the rows chosen ($1), those not sent and not claimed by a server now ($2). */
#define FOLLOWING " AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2)"
/* Those whose patient has no channel or no address for it now are withdrawn. */
#define WITHDRAW(which)                                                \
	"DELETE FROM outbox WHERE " which FOLLOWING " AND NOT EXISTS " \
	"(SELECT 1 FROM patients p WHERE p.id = outbox.patient_id "    \
	"AND p.notice_channel <> 'none' AND coalesce(" ADDRESS_NOW ", '') <> '')"
/* The others go by the patient's channel to their address now. A notice still to be sent that
 * changes address starts its attempts again (those failed at the old one); a dead one keeps its
 * record, and the administration's "Försök igen" sends it to the new address. */
#define READDRESS(which)                                                                          \
	"UPDATE outbox SET channel = " CHANNEL_NOW ", recipient = " ADDRESS_NOW                   \
	", attempts = CASE WHEN dead_at IS NULL THEN 0 ELSE attempts END"                         \
	", next_attempt_at = CASE WHEN dead_at IS NULL THEN 0 ELSE next_attempt_at END"           \
	", last_error = CASE WHEN dead_at IS NULL THEN NULL ELSE last_error END"                  \
	" WHERE " which FOLLOWING " AND (channel <> " CHANNEL_NOW " OR recipient <> " ADDRESS_NOW \
	")"

enum lmn_rc notices_readdress(struct db_conn *c, int64_t patient_id, int64_t now_s,
			      struct lmn_err *err)
{
	enum lmn_rc rc = db_do(c, err, WITHDRAW("patient_id = $1"), "ii", patient_id, now_s);

	if (rc != LMN_OK)
		return rc;
	return db_do(c, err, READDRESS("patient_id = $1"), "ii", patient_id, now_s);
}

/* Notice id, given back by the server that had it claimed: it follows its patient's contact
 * details as they are now (they may have changed while it was claimed). */
static enum lmn_rc follow_patient(struct db_conn *c, int64_t id, struct lmn_err *err)
{
	/* Its claim was just cleared: any time passes for "not claimed now" unless another server
	 * claimed it meanwhile, so 1 (a second after 1970). */
	enum lmn_rc rc = db_do(c, err, WITHDRAW("id = $1"), "ii", id, (int64_t)1);

	if (rc != LMN_OK)
		return rc;
	return db_do(c, err, READDRESS("id = $1"), "ii", id, (int64_t)1);
}

/* The claim's condition is repeated outside the subquery: PostgreSQL, under READ COMMITTED,
 * rechecks only the outer condition on a row another server's claim updated while this statement
 * waited for it, and skips it then; SQLite has one writer. */
#define CLAIMABLE                                                        \
	"sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $3 " \
	"AND (claimed_until IS NULL OR claimed_until < $3) "

enum lmn_rc notices_claim(struct db_conn *c, const char *server, int64_t now_s, int64_t until,
			  bool email, bool sms, struct notice_row *rows, size_t max, size_t *n,
			  struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*n = 0;
	rc = db_prepare(c,
			"UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE " CLAIMABLE
			"AND id IN (SELECT id FROM outbox WHERE " CLAIMABLE
			"AND ((channel = 'email' AND $5 = 1) OR (channel = 'sms' AND $6 = 1)) "
			"ORDER BY next_attempt_at, id LIMIT $4) "
			"RETURNING id, channel, recipient, subject, body, attempts",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, server);
	db_bind_int(st, 2, until);
	db_bind_int(st, 3, now_s);
	db_bind_int(st, 4, (int64_t)max);
	db_bind_int(st, 5, email);
	db_bind_int(st, 6, sms);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct notice_row *r;
		if (*n == max)
			continue; /* cannot happen (LIMIT); the statement runs to its end */
		r = &rows[(*n)++];
		r->id = db_col_int(st, 0);
		db_col_copy(st, 1, r->channel, sizeof(r->channel));
		db_col_copy(st, 2, r->recipient, sizeof(r->recipient));
		db_col_copy(st, 3, r->subject, sizeof(r->subject));
		db_col_copy(st, 4, r->body, sizeof(r->body));
		r->attempts = db_col_int(st, 5);
	}
	db_done(st);
	return rc;
}

enum lmn_rc notices_claimable(struct db_conn *c, int64_t now_s, bool email, bool sms, bool *any,
			      struct lmn_err *err)
{
	return db_exists(
		c, any, err,
		"SELECT 1 FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL "
		"AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) "
		"AND ((channel = 'email' AND $2 = 1) OR (channel = 'sms' AND $3 = 1)) LIMIT 1",
		"iii", now_s, (int64_t)email, (int64_t)sms);
}

enum lmn_rc notices_unclaim(struct db_conn *c, const char *server, int64_t id, struct lmn_err *err)
{
	enum lmn_rc rc = db_do(c, err,
			       "UPDATE outbox SET claimed_until = NULL "
			       "WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL",
			       "it", id, server);

	return rc == LMN_OK ? follow_patient(c, id, err) : rc;
}

enum lmn_rc notices_mark_sent(struct db_conn *c, int64_t id, const char *at, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	rc = db_prepare(
		c,
		"UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL, "
		"claimed_until = NULL "
		"WHERE id = $1",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, at);
	return db_run(st, err);
}

enum lmn_rc notices_mark_failed(struct db_conn *c, int64_t id, bool dead, int64_t next_s,
				const char *at, const char *why, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, "
			"dead_at = $3, last_error = $4, claimed_until = NULL WHERE id = $1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, next_s);
	db_bind_text(st, 3, dead ? at : NULL);
	db_bind_text(st, 4, why);
	if ((rc = db_run(st, err)) != LMN_OK)
		return rc;
	return follow_patient(c, id, err);
}

enum lmn_rc notices_last_case(struct db_conn *c, int64_t *id, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*id = 0;
	if ((rc = db_prepare(c, "SELECT coalesce(max(id), 0) FROM contact_cases", &st, err)) !=
	    LMN_OK)
		return rc;
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

struct delayed {
	int64_t order_id, patient_id;
};

enum lmn_rc notices_enqueue_delayed(struct db_conn *c, int64_t after, lmn_day since,
				    const char *now, int64_t *queued, struct lmn_err *err)
{
	struct db_stmt *st;
	struct delayed *d = NULL;
	size_t n = 0, cap = 0;
	char day[11];
	bool row;
	enum lmn_rc rc;

	*queued = 0;
	date_format(since, day);
	rc = db_prepare(c,
			"SELECT o.id, o.patient_id FROM contact_cases k "
			"JOIN orders o ON o.id = k.order_id "
			"JOIN patients p ON p.id = o.patient_id "
			"WHERE k.id > $1 AND o.contact_from >= $2 AND p.notice_channel <> 'none' "
			"ORDER BY k.id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, after);
	db_bind_text(st, 2, day);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct delayed *a = realloc(d, ncap * sizeof(*a));
			if (!a) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			d = a;
			cap = ncap;
		}
		d[n].order_id = db_col_int(st, 0);
		d[n].patient_id = db_col_int(st, 1);
		n++;
	}
	db_done(st);
	for (size_t i = 0; rc == LMN_OK && i < n; i++) {
		struct notice_facts f = { .order_id = d[i].order_id, .day = LMN_DAY_NONE };
		bool q;
		rc = notices_enqueue(c, d[i].patient_id, d[i].order_id, NOTICE_DELAYED, &f, now, &q,
				     err);
		*queued += q;
	}
	free(d);
	return rc;
}

struct expiring {
	int64_t prescription_id, patient_id;
	lmn_day last;
};

enum lmn_rc notices_enqueue_expiring(struct db_conn *c, lmn_day today, lmn_day until,
				     const char *now, int64_t *queued, struct lmn_err *err)
{
	struct db_stmt *st;
	struct expiring *e = NULL;
	size_t n = 0, cap = 0;
	char from[11], to[11];
	bool row;
	enum lmn_rc rc;

	*queued = 0;
	date_format(today, from);
	date_format(until, to);
	rc = db_prepare(c,
			"SELECT r.id, r.patient_id, min(i.last_valid) FROM patients p "
			"JOIN prescriptions r ON r.patient_id = p.id "
			"JOIN prescription_items i ON i.prescription_id = r.id "
			"WHERE p.notice_channel <> 'none' AND i.cancelled_at IS NULL "
			"AND i.replaced_by IS NULL AND i.withdrawals_remaining > 0 "
			"AND i.last_valid >= $1 AND i.last_valid <= $2 "
			"AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.prescription_id = r.id) "
			"GROUP BY r.id ORDER BY r.id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct expiring *a = realloc(e, ncap * sizeof(*a));
			if (!a) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			e = a;
			cap = ncap;
		}
		e[n].prescription_id = db_col_int(st, 0);
		e[n].patient_id = db_col_int(st, 1);
		if (date_parse(db_col_text(st, 2), 10, &e[n].last) != LMN_OK)
			e[n].last = LMN_DAY_NONE;
		n++;
	}
	db_done(st);
	for (size_t i = 0; rc == LMN_OK && i < n; i++) {
		struct notice_facts f = { .order_id = 0, .day = e[i].last };
		bool q;
		rc = notices_enqueue(c, e[i].patient_id, 0, NOTICE_PRESCRIPTION_EXPIRING, &f, now,
				     &q, err);
		if (rc == LMN_OK && q) {
			rc = db_prepare(c, "UPDATE outbox SET prescription_id = $1 WHERE id = $2",
					&st, err);
			if (rc == LMN_OK) {
				db_bind_int(st, 1, e[i].prescription_id);
				db_bind_int(st, 2, db_last_id(c));
				rc = db_run(st, err);
			}
			*queued += 1;
		}
	}
	free(e);
	return rc;
}

enum lmn_rc notices_remove_sent(struct db_conn *c, const char *before, int64_t *removed,
				struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	*removed = 0;
	rc = db_prepare(c, "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1", &st,
			err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, before);
	if ((rc = db_run(st, err)) == LMN_OK)
		*removed = db_changes(c);
	return rc;
}

enum lmn_rc notices_retry(struct db_conn *c, int64_t id, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = 0, "
			"claimed_until = NULL "
			"WHERE id = $1 AND dead_at IS NOT NULL",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	if ((rc = db_run(st, err)) == LMN_OK && db_changes(c) == 0)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL,
				 "Det finns inget meddelande nr %lld som inte gick att skicka.",
				 (long long)id);
	return rc;
}

enum lmn_rc notices_list(struct db_conn *c, const char *state, int64_t max, notice_status_fn fn,
			 void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;
	int which = state && strcmp(state, "dead") == 0	    ? 1
		    : state && strcmp(state, "queued") == 0 ? 2
							    : 0;

	rc = db_prepare(c,
			"SELECT id, patient_id, coalesce(order_id, 0), kind, channel, created_at, "
			"attempts, next_attempt_at, coalesce(sent_at, ''), coalesce(dead_at, ''), "
			"coalesce(last_error, '') FROM outbox "
			"WHERE sent_at IS NULL AND (($1 = 1 AND dead_at IS NOT NULL) "
			"OR ($1 = 2 AND dead_at IS NULL) OR $1 = 0) ORDER BY id DESC LIMIT $2",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, which);
	db_bind_int(st, 2, max);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct notice_status s;
		memset(&s, 0, sizeof(s));
		s.id = db_col_int(st, 0);
		s.patient_id = db_col_int(st, 1);
		s.order_id = db_col_int(st, 2);
		db_col_copy(st, 3, s.kind, sizeof(s.kind));
		db_col_copy(st, 4, s.channel, sizeof(s.channel));
		db_col_copy(st, 5, s.created_at, sizeof(s.created_at));
		s.attempts = db_col_int(st, 6);
		s.next_attempt_at = db_col_int(st, 7);
		db_col_copy(st, 8, s.sent_at, sizeof(s.sent_at));
		db_col_copy(st, 9, s.dead_at, sizeof(s.dead_at));
		db_col_copy(st, 10, s.last_error, sizeof(s.last_error));
		fn(arg, &s);
	}
	db_done(st);
	return rc;
}
