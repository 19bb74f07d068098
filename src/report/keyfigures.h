/* The key figures of quality follow-up (Spec B 6, DOMAIN.md §6): report periods (tertials and
 * years), splitting a period where a target changes, shares and their evaluation against the target
 * in force. Pure: the store hands in counts per day, this module adds them up and judges them.
 *
 * Interpretations (documented in docs/reports.md):
 * - order figures count the orders received in the period (day of receipt); an order's product area
 *   and care provider are those of its first line (the article's area, the prescribing unit's care
 *   provider), so groups add up to the total;
 * - delivery reliability: orders delivered (a shipment registered as delivered) on or before their
 *   due date, over orders that are settled (delivered, or due before the day the report is made);
 *   orders exempt from delay contact (special products, Spec B 3:1 as of 2023-06-21) are left out
 *   and counted apart. A shipment may leave out only backordered lines, so the first delivered
 *   shipment is the order "in full, backorders excepted";
 * - telephone accessibility: calls queued in the period, answered within N minutes of queueing, with
 *   N and the target as in force on the day of the call; abandoned calls count as not answered;
 * - delivered order lines and returns count by the day of delivery / of the return, for the area
 *   and care provider of their order. */
#ifndef LMN_KEYFIGURES_H
#define LMN_KEYFIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/date.h"
#include "rules/params.h"
#include "util/rc.h"

/* A report period [from, until). */
struct report_period {
	int year;
	int tertial; /* 1–3, or 0 for the whole year */
	lmn_day from, until;
	char label[16]; /* "2023 T3", "2023" */
};

/* T1 January–April, T2 May–August, T3 September–December; tertial 0 is the whole year. */
LMN_MUST_USE enum lmn_rc report_period_make(int year, int tertial, struct report_period *out,
					    struct lmn_err *err);
/* The tertial before (year, tertial) (tertial 1–3). */
void report_period_prev(int *year, int *tertial);

/* A part of a period during which the given parameters each keep one value. */
struct period_part {
	lmn_day from, until;
	const struct rule_set *rs;
};

#define REPORT_MAX_PARTS 8

/* Splits [from, until) at the days on which any of ids changes value. LMN_EINVAL when no rules are in
 * force on some day of the period or it has more than max parts. */
LMN_MUST_USE enum lmn_rc period_split(const struct params *p, lmn_day from, lmn_day until,
				      const enum param_id *ids, size_t nids,
				      struct period_part *out, size_t max, size_t *n,
				      struct lmn_err *err);

/* num / den in hundredths of a percent, rounded half up; -1 when den is 0. */
int64_t share_hundredths(int64_t num, int64_t den);
/* Whether num / den reaches a target in hundredths of a percent, compared exactly. */
bool share_meets(int64_t num, int64_t den, int64_t target_hundredths);

/* Counts of one group (total, area or care provider) over one part of a period. */
struct kf_counts {
	int64_t orders;
	int64_t orders_1177;		  /* channel 1177: the national patient portal */
	int64_t own_pages_orders;	  /* channel digital: lmn's own patient pages */
	int64_t settled, on_time, exempt; /* delivery reliability */
	int64_t contact_cases,
		past_contact;	/* delays: cases opened; orders not delivered by the contact date */
	int64_t partial_orders; /* orders shipped partially (supplier backorders) */
	int64_t delivered_lines, returns;
	int64_t calls, answered_in_time, abandoned;
};

void kf_counts_add(struct kf_counts *to, const struct kf_counts *from);

/* One order as the delivery figures see it: its due date, its delay-contact day (LMN_DAY_NONE:
 * exempt from delay contact) and the day its first shipment was delivered (LMN_DAY_NONE: none). */
struct kf_order {
	lmn_day due, contact_from, first_delivered;
};

/* Counts one order into c as of the day asof: orders; exempt, or settled, on_time and past_contact.
 * The one definition of delivery reliability and of orders past their contact date (see above):
 * the what-if replay counts with it, and the report's daily sums (migration 0008) and its orders
 * not delivered yet (store/reports.c) are the same definition in SQL, held equal by
 * tests/cli/test_governance_api.sh. */
void kf_count_order(struct kf_counts *c, const struct kf_order *o, lmn_day asof);

enum kf_id {
	KF_PHONE,	    /* telephone accessibility, share, target */
	KF_RELIABILITY,	    /* delivery reliability on the lead days, share, target */
	KF_DELIVERED_LINES, /* count */
	KF_SHARE_1177,	    /* digital share via 1177: share, reported */
	KF_OWN_PAGES_SHARE, /* share placed on lmn's own patient pages, reported beside it */
	KF_CONTACT_CASES,   /* count */
	KF_PAST_CONTACT,    /* count of orders past the contact date (5 working days) */
	KF_PARTIAL,	    /* count of partial deliveries */
	KF_RETURNS,	    /* count of returns and parcels not collected */
	KF__COUNT
};

const char *kf_key(enum kf_id id);	/* "phone_accessibility" … */
const char *kf_title_sv(enum kf_id id); /* "Telefontillgänglighet" … */
bool kf_is_share(enum kf_id id);

/* One figure over one part (or the whole period). */
struct kf_value {
	int64_t num, den; /* shares: num of den; counts: num */
	int64_t value; /* shares: hundredths of a percent (-1: nothing to measure); counts: num */
	bool has_target;
	int64_t target;	 /* hundredths of a percent */
	int64_t minutes; /* KF_PHONE: N of "within N minutes" */
	bool met;
	const struct param_source *src; /* the rule version that set the target */
};

/* A figure of a group: per part of the period, and for the whole period. The whole period has a
 * target only when every part has the same one (else each part is judged on its own). */
struct kf_eval {
	struct kf_value parts[REPORT_MAX_PARTS];
	size_t nparts;
	struct kf_value whole;
};

enum kf_group_kind { KG_TOTAL, KG_AREA, KG_PROVIDER };

struct kf_group {
	enum kf_group_kind kind;
	int area;	     /* KG_AREA: an area index (rules/areas.h) */
	int64_t provider_id; /* KG_PROVIDER */
	char name[128];
	struct kf_counts parts[REPORT_MAX_PARTS];
};

#define REPORT_MAX_PROVIDERS 256

/* One period's report: its parts and the counts of every group. */
struct kf_report {
	struct report_period period;
	struct period_part parts[REPORT_MAX_PARTS];
	size_t nparts;
	struct kf_group total;
	struct kf_group areas[AREA_MAX]; /* every product area of the list, in its order */
	int nareas;
	struct kf_group providers[REPORT_MAX_PROVIDERS];
	size_t nproviders;
};

/* The parameters a key-figure report splits its period at. */
extern const enum param_id kf_target_params[3];

/* Prepares an empty report of the period, split at the targets' change dates. */
LMN_MUST_USE enum lmn_rc kf_report_init(struct kf_report *r, const struct params *p,
					const struct report_period *period, struct lmn_err *err);
/* The part of the report that holds day, or -1 when day is outside the period. */
int kf_report_part(const struct kf_report *r, lmn_day day);
/* Adds counts of a day for a care provider (0: none known) and area (-1: none) to the total and
 * the groups. A provider beyond REPORT_MAX_PROVIDERS is LMN_ERANGE. Days outside the period are
 * ignored. */
LMN_MUST_USE enum lmn_rc kf_report_add(struct kf_report *r, lmn_day day, int64_t provider_id,
				       int area, const struct kf_counts *c, struct lmn_err *err);
/* Adds a day's calls: count calls that ended after wait_minutes (the wait in whole minutes rounded
 * up; -1: abandoned or never answered). Whether they count as answered in time follows the N in
 * force on that day. */
void kf_report_add_calls(struct kf_report *r, lmn_day day, int64_t wait_minutes, int64_t count);
/* Names a care provider group (once its counts are in). */
void kf_report_name_provider(struct kf_report *r, int64_t provider_id, const char *name);
/* Orders the care provider groups by id, for stable output. */
void kf_report_sort_providers(struct kf_report *r);

/* Evaluates one figure of one group of the report. */
void kf_evaluate(const struct kf_report *r, const struct kf_group *g, enum kf_id id,
		 struct kf_eval *out);

#endif
