/* What-if (decision support for the council): replays the orders received in a past period under
 * a proposed rule-parameter value, beside the rules that were in force, and shows how the key
 * figures would have differed — due dates, delivery reliability, delay contacts. The rules in
 * force are counted as the tertial report counts them (kf_count_order over the due dates stored
 * with the orders), so the baseline is the report's own figure for the period. Nothing is
 * written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/governance.h"
#include "governance/whatif.h"
#include "report/render.h"
#include "rules/delivery.h"
#include "store/reports.h"
#include "store/rules_files.h"
#include "store/rules_store.h"

#define WHATIF_MAX_ORDERS 200000

/* The proposed value parsed the way a change-log entry is: as a version of its section on a
 * day after every real one, then read back from the set of that day. */
static bool proposed_value_or_reply(struct api_ctx *ctx, const char *dir, enum param_id id,
				    const char *value, union param_value *out)
{
	const struct param_def *d = param_def(id);
	struct params p;
	struct buf text;
	lmn_day far;
	enum lmn_rc rc;

	buf_init(&text, 4096);
	buf_addf(&text,
		 "section = %s\n[2199-01-01]\nbody = \"Förslag\"\nreference = \"Vad händer om\"\n"
		 "%s = %s\n",
		 d->section, d->key, value);
	params_init(&p);
	rc = rules_store_load(&p, dir, ctx->c, text.data, &ctx->err);
	buf_release(&text);
	if (rc == LMN_OK && date_parse("2199-01-01", 10, &far) == LMN_OK && params_at(&p, far))
		*out = params_at(&p, far)->v[id];
	params_release(&p);
	if (rc != LMN_OK) {
		if (rc == LMN_EINVAL)
			api_problem(ctx, 422, "invalid_value", "value", NULL, "%s",
				    ctx->err.message);
		else
			api_fail(ctx, rc);
		return false;
	}
	return true;
}

/* The replay of one order: as the report counts it under the rules in force, and as decided
 * again under the proposal. */
struct replay {
	const struct params *cand;
	struct whatif_order *orders;
	size_t n, cap;
};

static enum lmn_rc replay_one(void *arg, const struct replay_order *ro, struct lmn_err *err)
{
	struct replay *r = arg;
	struct delivery_decision alt;
	struct lmn_err ignored;
	struct whatif_order *o;

	if (r->n == WHATIF_MAX_ORDERS)
		return LMN_OK;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 1024;
		struct whatif_order *no = realloc(r->orders, nc * sizeof(*no));
		if (!no)
			return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		r->orders = no;
		r->cap = nc;
	}
	o = &r->orders[r->n++];
	o->due_base = ro->kf.due;
	o->contact_base = ro->kf.contact_from;
	o->completed = ro->kf.first_delivered;
	o->refused_alt =
		!ro->facts_ok || delivery_decide(r->cand, &ro->facts, &alt, &ignored) != LMN_OK;
	o->due_alt = o->refused_alt ? o->due_base : alt.due;
	o->contact_alt = o->refused_alt ? o->contact_base : alt.contact_from;
	return LMN_OK;
}

/* A figure of one side: delivery reliability as the report gives it (hundredths of a percent,
 * rounded half up), and the orders past their contact date. */
static json_t *figures_json(const struct kf_counts *c)
{
	int64_t h = share_hundredths(c->on_time, c->settled);
	char share[32];
	json_t *o =
		json_pack("{s:I, s:I, s:I, s:I, s:I}", "orders", (json_int_t)c->orders, "exempt",
			  (json_int_t)c->exempt, "settled", (json_int_t)c->settled, "on_time",
			  (json_int_t)c->on_time, "delay_contacts", (json_int_t)c->past_contact);

	render_share(h, '.', share);
	json_object_set_new(o, "reliability", h < 0 ? json_null() : json_string(share));
	json_object_set_new(o, "reliability_percent",
			    h < 0 ? json_null() : json_real((double)h / 100.0));
	return o;
}

int what_if(struct api_ctx *ctx)
{
	const char *param, *value, *from, *to;
	const char *dir = ctx->app->cfg.rules ? rules_live_dir(ctx->app->cfg.rules)
					      : rules_files_default_dir();
	struct params cand;
	union param_value v;
	struct whatif_figures fig;
	struct replay r = { .cand = &cand };
	lmn_day d_from, d_to;
	int id;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "parameter", true, &param) ||
	    !api_str_or_reply(ctx, "value", true, &value) ||
	    !api_str_or_reply(ctx, "from", true, &from) || !api_str_or_reply(ctx, "to", true, &to))
		return (int)ctx->resp->status;
	if ((id = param_lookup(param, strlen(param))) < 0)
		return api_problem(ctx, 400, "invalid_input", "parameter", NULL,
				   "Regelparametern %s finns inte (se Regler).", param);
	if (!gov_date_ok(from) || !gov_date_ok(to) || strcmp(from, to) > 0 ||
	    date_parse(from, 10, &d_from) != LMN_OK || date_parse(to, 10, &d_to) != LMN_OK)
		return api_problem(ctx, 400, "invalid_input", gov_date_ok(from) ? "to" : "from",
				   NULL, "from och to ska vara datum ÅÅÅÅ-MM-DD, from först.");
	if (strchr(value, '\n'))
		return api_problem(ctx, 400, "invalid_input", "value", NULL,
				   "Värdet får inte innehålla radbrytningar.");
	if (d_to >= ctx->today)
		return api_problem(ctx, 400, "invalid_input", "to", NULL,
				   "Perioden ska ha passerat: to ska vara före i dag.");
	if (!proposed_value_or_reply(ctx, dir, (enum param_id)id, value, &v))
		return (int)ctx->resp->status;
	/* The proposal: the rules as in force, with the one value changed over the whole period. */
	params_init(&cand);
	if ((rc = rules_store_load(&cand, dir, ctx->c, NULL, &ctx->err)) != LMN_OK) {
		params_release(&cand);
		return api_fail(ctx, rc);
	}
	for (size_t i = 0; i < cand.nsets; i++)
		if (cand.sets[i].from <= d_to &&
		    (cand.sets[i].until == LMN_DAY_NONE || cand.sets[i].until > d_from))
			cand.sets[i].v[id] = v;
	/* The period's last day is included: the report's [from, until) ends the day after. */
	rc = reports_replay_orders(ctx->c, d_from, d_to + 1, replay_one, &r, &ctx->err);
	params_release(&cand);
	if (rc != LMN_OK) {
		free(r.orders);
		return api_fail(ctx, rc);
	}
	whatif_tally(r.orders, r.n, ctx->today, &fig);
	free(r.orders);
	struct buf shown;
	buf_init(&shown, 256);
	param_format((enum param_id)id, v, &shown);
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:{s:I, s:I, s:I}, s:b}",
			  "parameter", param, "value", shown.data ? shown.data : "", "from", from,
			  "to", to, "orders", (json_int_t)fig.orders, "refused_by_proposal",
			  (json_int_t)fig.refused_alt, "in_force", figures_json(&fig.base),
			  "proposal", figures_json(&fig.alt), "due_dates", "changed",
			  (json_int_t)fig.due_changed, "earlier", (json_int_t)fig.due_earlier,
			  "later", (json_int_t)fig.due_later, "capped", r.n == WHATIF_MAX_ORDERS);
	buf_release(&shown);
	return api_json(ctx, 200, o);
}
