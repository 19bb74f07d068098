/* Money of the invoice basis (Spec A, DOMAIN.md §7): fees of effective-dated fee tables and the
 * pro-rata repayment of a year's surplus, in öre, so that every total adds up to the öre. Pure. */
#ifndef LMN_MONEY_H
#define LMN_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/date.h"
#include "util/rc.h"

enum fee_kind {
	FEE_DELIVERY,	    /* per delivered shipment of an ordinary order */
	FEE_ACUTE_DELIVERY, /* per delivered shipment of an acute (or express) order, instead */
	FEE_ORDER_LINE,	    /* per delivered order line */
	FEE_RETURN,	    /* per return or parcel not collected */
	FEE__COUNT
};

const char *fee_kind_name(enum fee_kind k);	/* "delivery" … */
const char *fee_kind_title_sv(enum fee_kind k); /* "Leveransavgift" … */
int fee_kind_parse(const char *s);		/* -1 when unknown */

/* One version of a fee: in force from its date until the next version of the same kind. */
struct fee_version {
	enum fee_kind kind;
	lmn_day from;
	int64_t amount_ore;
	bool example; /* a demo amount, labelled "exempelbelopp" */
};

/* The version of kind in force on day among v[0, n) (any order), or NULL when none is. */
const struct fee_version *fee_at(const struct fee_version *v, size_t n, enum fee_kind kind,
				 lmn_day day);

/* A month "YYYY-MM" as the days [from, until). */
LMN_MUST_USE enum lmn_rc invoice_month_parse(const char *s, lmn_day *from, lmn_day *until,
					     struct lmn_err *err);

/* One line of the invoice basis: a care provider's cost centre in a month. */
struct invoice_line {
	int64_t provider_id;
	char provider[128];
	char cost_centre[32];
	char cost_centre_name[128]; /* the unit's name */
	int64_t product_ore;	    /* articles at the price in force on the delivery day */
	int64_t count[FEE__COUNT];  /* deliveries, acute deliveries, order lines, returns */
	int64_t fee_ore[FEE__COUNT];
	int64_t total_ore;
	bool example;	  /* some fee charged was an example amount */
	bool missing_fee; /* something was counted on a day with no fee of its kind */
};

/* Adds what a day brought: count[k] things of each kind, each at the fee in force that day. */
void invoice_add_day(struct invoice_line *l, const struct fee_version *fees, size_t nfees,
		     lmn_day day, const int64_t count[FEE__COUNT]);
/* Sets total_ore from the product cost and the fees. */
void invoice_total(struct invoice_line *l);

/* Splits total (öre, >= 0) pro rata to weights (>= 0) so the parts add up to total exactly: each gets
 * the floor of its exact share, and the öre left over go one each to the largest remainders (ties: the
 * earlier index). LMN_EINVAL for a negative total or weight, or a total to split over weights that are
 * all zero. */
LMN_MUST_USE enum lmn_rc alloc_pro_rata(int64_t total, const int64_t *weights, size_t n,
					int64_t *out, struct lmn_err *err);

/* A care provider's share of a year's surplus. */
struct repayment {
	int64_t provider_id;
	char provider[128];
	int64_t charged_ore;
	int64_t repaid_ore;
};

/* Formats öre as kronor with dec as the decimal mark, for files: "1234.50" or "1234,50". */
void money_format(int64_t ore, char dec, char out[32]);

#endif
