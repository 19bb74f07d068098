/* The SQL of follow-up and money: key-figure counts per day, the invoice basis per care provider and
 * cost centre, and the fee tables. A few aggregate queries each; the arithmetic is in report/. */
#ifndef LMN_STORE_REPORTS_H
#define LMN_STORE_REPORTS_H

#include <stddef.h>

#include "report/keyfigures.h"
#include "report/money.h"
#include "rules/delivery.h"
#include "store/db.h"
#include "util/rc.h"

/* Adds the counts of every report's period (reports initialised by kf_report_init) and names the
 * care providers. asof is the day the report is made: an order due before it that has no delivery
 * counts as late; one due later is not settled yet. */
LMN_MUST_USE enum lmn_rc reports_keyfigures(struct db_conn *c, struct kf_report *const *r, size_t n,
					    lmn_day asof, struct lmn_err *err);

/* An order the key-figure report counts, as a what-if replay needs it: its facts for the delivery
 * rules (facts_ok false when a stored value no longer parses) and what the report counts of it. */
struct replay_order {
	struct order_facts facts;
	bool facts_ok;
	struct kf_order kf;
};

typedef enum lmn_rc (*replay_order_fn)(void *arg, const struct replay_order *o,
				       struct lmn_err *err);

/* Calls fn for every order received in [from, until) that the report
 * counts (not cancelled, with a line), in one read transaction; stops at fn's first failure. */
LMN_MUST_USE enum lmn_rc reports_replay_orders(struct db_conn *c, lmn_day from, lmn_day until,
					       replay_order_fn fn, void *arg, struct lmn_err *err);

#define REPORT_TREND 8

/* A report with the trend of the last REPORT_TREND tertials up to its end (oldest first; tertials
 * before the first rules are left out). */
struct kf_bundle {
	struct kf_report *report;
	struct kf_report *trend[REPORT_TREND];
	size_t ntrend;
};

/* Builds the report of a tertial (1–3) or a year (0) as of asof, with its trend. */
LMN_MUST_USE enum lmn_rc reports_build(struct db_conn *c, const struct params *p, int year,
				       int tertial, lmn_day asof, struct kf_bundle *out,
				       struct lmn_err *err);
void reports_bundle_release(struct kf_bundle *b);

/* Every version of every fee, by kind and date. The caller frees *out. */
LMN_MUST_USE enum lmn_rc fees_load(struct db_conn *c, struct fee_version **out, size_t *n,
				   struct lmn_err *err);
/* Adds or replaces the version of kind from day (in the caller's write transaction). */
LMN_MUST_USE enum lmn_rc fees_set(struct db_conn *c, enum fee_kind kind, lmn_day from,
				  int64_t amount_ore, bool example, const char *note,
				  const char *now, struct lmn_err *err);

/* What orders of one day, care provider and area add to the key-figure report's daily sums
 * (migration 8's report_order_days): how many, and of them digital, via 1177 and exempt. */
struct report_order_day {
	const char *day; /* YYYY-MM-DD */
	int64_t care_provider_id;
	const char *area;
	int64_t orders, digital, via_1177, exempt;
};
/* Adds d to the daily sums, as the triggers on orders do for each order (the history import sets
 * them aside and adds its sums at the end), in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc report_order_days_add(struct db_conn *c, const struct report_order_day *d,
					       struct lmn_err *err);

/* The invoice basis of [from, until): a line per care provider and cost centre that had deliveries
 * or returns, sorted by provider and cost centre, totals set. The caller frees *out. */
LMN_MUST_USE enum lmn_rc reports_invoice(struct db_conn *c, lmn_day from, lmn_day until,
					 struct invoice_line **out, size_t *n, struct lmn_err *err);

/* The repayment of a year's surplus to the care providers pro rata to what each was charged that
 * year (the sum of their invoice lines). */
LMN_MUST_USE enum lmn_rc reports_repayment(struct db_conn *c, int year, int64_t surplus_ore,
					   struct repayment **out, size_t *n, struct lmn_err *err);

#endif
