/* The decisions of the rules in force today that /api/me gives the signed-in user, so that a page
 * hides a form the API would refuse without deciding anything itself. */
#include "api/rights.h"

#include "core/prescription.h"
#include "rules/delivery.h"

/* The roles that request or enter orders are the rule engine's enum role (api.h). */
static bool orders(enum user_role r)
{
	return (unsigned)r < (unsigned)ROLE__COUNT;
}

/* The roles on whose behalf the user asks for a kind of delivery: customer service orders for the
 * patient or a prescriber or municipal staff, everyone else for themselves. */
static uint32_t requesters(enum role r)
{
	if (r == ROLE_CUSTOMER_SERVICE)
		return ((1u << ROLE__COUNT) - 1) & ~(1u << ROLE_CUSTOMER_SERVICE);
	return 1u << r;
}

/* Decision 2024-10-24 item 3d: the refusal of a withdrawal entered today by role for itself, or
 * NULL when the rules let the role enter one. */
static json_t *entry_refusal(const struct api_ctx *ctx, enum role r)
{
	struct order_facts f;
	struct delivery_decision d;
	struct lmn_err err;
	struct buf msg;
	json_t *o;

	order_facts_init(&f);
	f.received_day = ctx->today;
	f.received_sec = ctx->now_sec;
	f.requested_by = f.entered_by = r;
	if (delivery_decide(ctx->app->params, &f, &d, &err) != LMN_EREFUSED ||
	    d.code != DELIVERY_ENTRY_NOT_ALLOWED)
		return NULL;
	buf_init(&msg, 4096);
	delivery_message(&d, &msg);
	o = json_pack("{s:s, s:s}", "message", msg.data ? msg.data : "", "rule",
		      d.rs->src[d.refused_by]->ref);
	buf_release(&msg);
	return o;
}

json_t *rights_ordering(const struct api_ctx *ctx)
{
	const struct rule_set *rs;
	json_t *o, *kinds, *refusal;
	enum role r;

	if (!orders(ctx->user.role))
		return NULL;
	r = (enum role)ctx->user.role;
	rs = ctx->app->params ? params_at(ctx->app->params, ctx->today) : NULL;
	kinds = json_array();
	for (int k = 0; k < KIND__COUNT; k++)
		if (delivery_kind_open(rs, (enum order_kind)k, requesters(r)))
			json_array_append_new(kinds, json_string(kind_name((enum order_kind)k)));
	/* Spec B 3:1: the lead time in working days (0 when no rules are in force). */
	o = json_pack("{s:o, s:I}", "kinds", kinds, "lead_time_working_days",
		      (json_int_t)(rs ? rs->v[P_LEAD_TIME_WORKING_DAYS].i : 0));
	refusal = entry_refusal(ctx, r);
	if (refusal)
		json_object_set_new(o, "entry_refused", refusal);
	return o;
}

json_t *rights_prescribing(const struct api_ctx *ctx)
{
	const struct rule_set *rs;
	char last[11];
	int months;

	if (ctx->user.role != UR_PRESCRIBER && ctx->user.role != UR_MUNICIPAL_PRESCRIBER)
		return NULL;
	rs = ctx->app->params ? params_at(ctx->app->params, ctx->today) : NULL;
	if (!rs)
		return NULL;
	months = (int)rs->v[P_PRESCRIPTION_MAX_VALIDITY_MONTHS].i;
	date_format(rx_last_valid_latest(ctx->today, months), last);
	return json_pack("{s:i, s:s}", "max_validity_months", months, "last_valid_latest", last);
}
