/* The delivery-rule engine (Spec B 3:1, 3:3, 3:6 and the ordering rights of DOMAIN.md §5).
 *
 * Pure functions: given the facts of an order, the due date, the date from which the patient must be
 * contacted about a delay, and the rule versions that decided, or a refusal naming the rule. */
#ifndef LMN_DELIVERY_H
#define LMN_DELIVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/date.h"
#include "rules/params.h"
#include "util/buf.h"
#include "util/rc.h"

enum order_kind { KIND_NORMAL, KIND_ACUTE, KIND_EXPRESS, KIND__COUNT };

const char *kind_name(enum order_kind k);
int kind_parse(const char *s, size_t n); /* -1 when unknown */
const char *role_name_sv(enum role r);

struct order_facts {
	lmn_day received_day; /* local (Europe/Stockholm) date of receipt */
	int32_t received_sec; /* local seconds since midnight, 0–86399 */
	enum order_kind kind;
	enum role requested_by;
	enum role entered_by;
	int area; /* an area index (rules/areas.h), AREA_UNKNOWN or AREA_OTHER */
	bool stocked;
	bool acute_assortment;
	bool special; /* a special product that is not stocked */
	/* The patient lives in municipal housing: asked only when municipal staff enter the order
	 * and municipal_entry_housing_only is on (DOMAIN.md §5). */
	bool municipal_housing;
};

/* Defaults of DOMAIN.md / the eval interface: normal, requested and entered by the patient, stocked,
 * and (the eval interface does not say) in municipal housing. */
void order_facts_init(struct order_facts *f);

/* Checked in this order; the first that applies is the answer. */
enum delivery_code {
	DELIVERY_OK,
	DELIVERY_INVALID_INPUT,
	DELIVERY_ENTRY_NOT_ALLOWED,
	DELIVERY_KIND_NOT_OFFERED,
	DELIVERY_REQUESTER_NOT_ALLOWED,
	DELIVERY_ARTICLE_NOT_ELIGIBLE,
	DELIVERY_AFTER_CUTOFF,
};

const char *delivery_code_name(enum delivery_code c);

#define DELIVERY_MAX_RULES 8

struct delivery_decision {
	enum delivery_code code;
	lmn_day due;
	lmn_day contact_from; /* LMN_DAY_NONE: exempt from delay contact */
	const struct param_source *rules[DELIVERY_MAX_RULES]; /* distinct, in order of use */
	int nrules;
	const struct rule_set *rs;
	enum param_id refused_by; /* the parameter that refused, when code is a refusal */
	const struct order_facts *facts;
};

/* LMN_OK with a due date, LMN_EREFUSED with a refusal in out->code, or LMN_EINVAL (with err) when
 * no rules are in force on the day of receipt or a date leaves the calendar's range. */
LMN_MUST_USE enum lmn_rc delivery_decide(const struct params *p, const struct order_facts *f,
					 struct delivery_decision *out, struct lmn_err *err);

/* Spec B 3:3: whether the rules of rs offer kind k to one of the requesting roles (a bit set of
 * enum role) at all, before the articles and the hour are known; every kind when rs is NULL. */
bool delivery_kind_open(const struct rule_set *rs, enum order_kind k, uint32_t requesters);

/* The refusal's message for people, in Swedish. */
void delivery_message(const struct delivery_decision *d, struct buf *out);

#endif
