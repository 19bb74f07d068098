/* What-if (decision support for the council): replays the orders received in a past period under
 * a proposed rule-parameter value, beside the rules that were in force, and shows how the key
 * figures would have differed — due dates, delivery reliability, delay contacts. Nothing is
 * written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/governance.h"
#include "governance/whatif.h"
#include "rules/delivery.h"
#include "store/rules_files.h"
#include "store/rules_store.h"

#define WHATIF_MAX_ORDERS 200000

/* The proposed value parsed the way a change-log entry is: as a version of its section on a
 * day after every real one, then read back from the set of that day. */
static bool proposed_value(struct api_ctx *ctx, const char *dir, enum param_id id, const char *value,
			   union param_value *out)
{
	const struct param_def *d = param_def(id);
	struct params p;
	struct buf text;
	lmn_day far;
	enum lmn_rc rc;

	buf_init(&text, 4096);
	buf_addf(&text, "section = %s\n[2199-01-01]\nbody = \"Förslag\"\nreference = \"Vad händer om\"\n"
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
			api_problem(ctx, 422, "invalid_value", "value", NULL, "%s", ctx->err.message);
		else
			api_fail(ctx, rc);
		return false;
	}
	return true;
}

static bool facts_of(struct db_stmt *st, struct order_facts *f)
{
	const char *at = db_col_text(st, 1), *kind = db_col_text(st, 2);
	const char *req = db_col_text(st, 3), *ent = db_col_text(st, 4), *area = db_col_text(st, 5);
	int k = kind_parse(kind, strlen(kind)), r = role_parse(req, strlen(req));
	int e = role_parse(ent, strlen(ent));

	order_facts_init(f);
	if (date_parse(db_col_text(st, 0), 10, &f->received_day) != LMN_OK || strlen(at) < 16 ||
	    k < 0 || r < 0 || e < 0)
		return false;
	f->received_sec = ((at[11] - '0') * 10 + (at[12] - '0')) * 3600 +
			  ((at[14] - '0') * 10 + (at[15] - '0')) * 60;
	f->kind = (enum order_kind)k;
	f->requested_by = (enum role)r;
	f->entered_by = (enum role)e;
	f->area = *area ? area_parse(area, strlen(area)) : AREA_UNKNOWN;
	f->stocked = db_col_int(st, 6) != 0;
	f->acute_assortment = db_col_int(st, 7) != 0;
	f->special = db_col_int(st, 8) != 0;
	return true;
}

static json_t *figures_json(long on_time, long contacts, long orders)
{
	return json_pack("{s:i, s:i, s:f}", "on_time", (int)on_time, "delay_contacts", (int)contacts,
			 "reliability_percent", orders ? 100.0 * (double)on_time / (double)orders : 0.0);
}

int what_if(struct api_ctx *ctx)
{
	const char *param, *value, *from, *to;
	const char *dir = ctx->app->cfg.rules ? rules_live_dir(ctx->app->cfg.rules)
					      : rules_files_default_dir();
	struct params cand;
	union param_value v;
	struct whatif_order *orders = NULL;
	struct whatif_figures fig;
	size_t n = 0, cap = 0;
	lmn_day d_from, d_to;
	struct db_stmt *st;
	bool row;
	int id;
	enum lmn_rc rc;

	if (!api_str(ctx, "parameter", true, &param) || !api_str(ctx, "value", true, &value) ||
	    !api_str(ctx, "from", true, &from) || !api_str(ctx, "to", true, &to))
		return (int)ctx->resp->status;
	if ((id = param_lookup(param, strlen(param))) < 0)
		return api_problem(ctx, 400, "invalid_input", "parameter", NULL,
				   "Regelparametern %s finns inte (se Regler).", param);
	if (!gov_date_ok(from) || !gov_date_ok(to) || strcmp(from, to) > 0 ||
	    date_parse(from, 10, &d_from) != LMN_OK || date_parse(to, 10, &d_to) != LMN_OK)
		return api_problem(ctx, 400, "invalid_input", gov_date_ok(from) ? "to" : "from", NULL,
				   "from och to ska vara datum ÅÅÅÅ-MM-DD, from först.");
	if (strchr(value, '\n'))
		return api_problem(ctx, 400, "invalid_input", "value", NULL,
				   "Värdet får inte innehålla radbrytningar.");
	if (d_to >= ctx->today)
		return api_problem(ctx, 400, "invalid_input", "to", NULL,
				   "Perioden ska ha passerat: to ska vara före i dag.");
	if (!proposed_value(ctx, dir, (enum param_id)id, value, &v))
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
	rc = db_prepare(
		ctx->c,
		"SELECT o.received_day, o.received_at, o.kind, o.requested_by, o.entered_by, "
		"coalesce((SELECT a.area FROM order_lines l JOIN articles a ON a.id = l.article_id "
		"WHERE l.order_id = o.id ORDER BY l.id LIMIT 1), ''), "
		"coalesce((SELECT min(a.stocked) FROM order_lines l JOIN articles a ON a.id = l.article_id "
		"WHERE l.order_id = o.id), 1), "
		"coalesce((SELECT min(a.acute_assortment) FROM order_lines l JOIN articles a ON "
		"a.id = l.article_id WHERE l.order_id = o.id), 0), "
		"coalesce((SELECT max(a.special) FROM order_lines l JOIN articles a ON a.id = l.article_id "
		"WHERE l.order_id = o.id), 0), "
		"CASE WHEN o.status = 'delivered' THEN (SELECT max(substr(s.delivered_at, 1, 10)) FROM "
		"shipments s WHERE s.order_id = o.id AND s.delivered_at IS NOT NULL) END "
		"FROM orders o WHERE o.received_day BETWEEN $1 AND $2 AND o.status <> 'cancelled' "
		"ORDER BY o.id",
		&st, &ctx->err);
	if (rc != LMN_OK) {
		params_release(&cand);
		return api_fail(ctx, rc);
	}
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		struct order_facts f;
		struct delivery_decision base, alt;
		struct whatif_order *o;
		if (!facts_of(st, &f))
			continue;
		if (delivery_decide(ctx->app->params, &f, &base, &ctx->err) != LMN_OK ||
		    delivery_decide(&cand, &f, &alt, &ctx->err) != LMN_OK)
			continue; /* refused then or under the proposal: not a delivered order to compare */
		if (n == WHATIF_MAX_ORDERS)
			break;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct whatif_order *no = realloc(orders, nc * sizeof(*no));
			if (!no) {
				rc = lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			orders = no;
			cap = nc;
		}
		o = &orders[n++];
		o->due_base = base.due;
		o->due_alt = alt.due;
		o->contact_base = base.contact_from;
		o->contact_alt = alt.contact_from;
		if (db_col_null(st, 9) || date_parse(db_col_text(st, 9), 10, &o->completed) != LMN_OK)
			o->completed = LMN_DAY_NONE;
	}
	db_done(st);
	params_release(&cand);
	if (rc != LMN_OK) {
		free(orders);
		return api_fail(ctx, rc);
	}
	whatif_tally(orders, n, ctx->today, &fig);
	free(orders);
	struct buf shown;
	buf_init(&shown, 256);
	param_format((enum param_id)id, v, &shown);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:{s:I, s:I, s:I}, s:b}",
			      "parameter", param, "value", shown.data ? shown.data : "", "from", from,
			      "to", to, "orders", (json_int_t)fig.orders, "in_force",
			      figures_json(fig.on_time_base, fig.contacts_base, fig.orders), "proposal",
			      figures_json(fig.on_time_alt, fig.contacts_alt, fig.orders), "due_dates",
			      "changed", (json_int_t)fig.due_changed, "earlier",
			      (json_int_t)fig.due_earlier, "later", (json_int_t)fig.due_later,
			      "capped", n == WHATIF_MAX_ORDERS);
	buf_release(&shown);
	return api_json(ctx, 200, o);
}
