/* Follow-up and money for the administration: the key-figure report of a tertial or a year, the
 * monthly invoice basis, the year's surplus repayment (JSON, or CSV with format=csv), and the fee
 * tables. Reports are aggregates: no patient data, so nothing goes to the access log. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "report/render.h"
#include "store/reports.h"

/* format=json (default) or csv; false (with a 400 sent) for anything else. */
static bool want_csv_or_reply(struct api_ctx *ctx, bool *csv)
{
	const char *f = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "format");

	*csv = f && strcmp(f, "csv") == 0;
	if (f && !*csv && strcmp(f, "json") != 0) {
		api_problem(ctx, 400, "invalid_input", "format", NULL,
			    "format ska vara json eller csv.");
		return false;
	}
	return true;
}

static int send_csv(struct api_ctx *ctx, struct buf *b, const char *filename)
{
	struct http_resp *r = ctx->resp;

	if (b->failed) {
		buf_release(b);
		return api_fail(ctx, lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL,
						 "the file grew too large"));
	}
	r->status = 200;
	r->type = "text/csv; charset=utf-8";
	buf_reset(&r->body);
	buf_add(&r->body, b->data ? b->data : "", b->len);
	buf_release(b);
	if (r->nheaders < HTTP_MAX_HEADERS) {
		r->headers[r->nheaders].name = "Content-Disposition";
		snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value),
			 "attachment; filename=\"%s\"", filename);
		r->nheaders++;
	}
	return 200;
}

int reports_keyfigures_get(struct api_ctx *ctx)
{
	int64_t year, tertial;
	struct kf_bundle b;
	enum lmn_rc rc;
	bool csv;

	if (!api_query_int_or_reply(ctx, "year", date_year(ctx->today), 1900, 2199, &year) ||
	    !api_query_int_or_reply(ctx, "tertial", 0, 0, 3, &tertial) ||
	    !want_csv_or_reply(ctx, &csv))
		return (int)ctx->resp->status;
	if ((rc = reports_build(ctx->c, ctx->app->params, (int)year, (int)tertial, ctx->today, &b,
				&ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (csv) {
		struct buf out;
		char name[64];

		buf_init(&out, BUF_DEFAULT_MAX);
		render_keyfigures_csv(b.report, b.trend, b.ntrend, &out);
		snprintf(name, sizeof(name), "nyckeltal-%lld%s%lld.csv", (long long)year,
			 tertial ? "-T" : "", tertial ? (long long)tertial : 0LL);
		if (!tertial)
			snprintf(name, sizeof(name), "nyckeltal-%lld.csv", (long long)year);
		reports_bundle_release(&b);
		return send_csv(ctx, &out, name);
	}
	json_t *o = render_keyfigures_json(b.report, b.trend, b.ntrend, ctx->today);
	reports_bundle_release(&b);
	return api_json(ctx, 200, o);
}

int reports_invoice_get(struct api_ctx *ctx)
{
	const char *month = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "month");
	struct invoice_line *lines;
	lmn_day from, until;
	size_t n;
	enum lmn_rc rc;
	bool csv;

	if (!want_csv_or_reply(ctx, &csv))
		return (int)ctx->resp->status;
	if (invoice_month_parse(month, &from, &until, &ctx->err) != LMN_OK)
		return api_problem(ctx, 400, "invalid_input", "month", NULL, "%s",
				   ctx->err.message);
	if ((rc = reports_invoice(ctx->c, from, until, &lines, &n, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (csv) {
		struct buf out;
		char name[64];

		buf_init(&out, BUF_DEFAULT_MAX);
		render_invoice_csv(lines, n, &out);
		free(lines);
		snprintf(name, sizeof(name), "fakturaunderlag-%.7s.csv", month);
		return send_csv(ctx, &out, name);
	}
	json_t *o = render_invoice_json(month, lines, n);
	free(lines);
	return api_json(ctx, 200, o);
}

int reports_repayment_get(struct api_ctx *ctx)
{
	int64_t year, surplus;
	struct repayment *r;
	size_t n;
	enum lmn_rc rc;
	bool csv;

	if (!api_query_int_or_reply(ctx, "year", date_year(ctx->today) - 1, 1900, 2199, &year) ||
	    !api_query_int_or_reply(ctx, "surplus_ore", -1, 0, INT64_MAX / 4, &surplus) ||
	    !want_csv_or_reply(ctx, &csv))
		return (int)ctx->resp->status;
	if (surplus < 0)
		return api_problem(ctx, 400, "invalid_input", "surplus_ore", NULL,
				   "Ange årets överskott i öre (surplus_ore).");
	if ((rc = reports_repayment(ctx->c, (int)year, surplus, &r, &n, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (csv) {
		struct buf out;
		char name[64];

		buf_init(&out, BUF_DEFAULT_MAX);
		render_repayment_csv(r, n, &out);
		free(r);
		snprintf(name, sizeof(name), "aterbetalning-%lld.csv", (long long)year);
		return send_csv(ctx, &out, name);
	}
	json_t *o = render_repayment_json((int)year, surplus, r, n);
	free(r);
	return api_json(ctx, 200, o);
}

int fees_list(struct api_ctx *ctx)
{
	struct fee_version *v;
	json_t *list = json_array();
	size_t n;
	enum lmn_rc rc;

	if ((rc = fees_load(ctx->c, &v, &n, &ctx->err)) != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	for (size_t i = 0; i < n; i++) {
		const struct fee_version *now = fee_at(v, n, v[i].kind, ctx->today);
		char from[11];

		date_format(v[i].from, from);
		json_array_append_new(list,
				      json_pack("{s:s, s:s, s:s, s:I, s:b, s:b}", "kind",
						fee_kind_name(v[i].kind), "title",
						fee_kind_title_sv(v[i].kind), "valid_from", from,
						"amount_ore", (json_int_t)v[i].amount_ore,
						"example", v[i].example, "in_force", now == &v[i]));
	}
	free(v);
	return api_json(ctx, 200, json_pack("{s:o}", "fees", list));
}

int fees_create(struct api_ctx *ctx)
{
	const char *kind_s, *from_s, *note = NULL;
	int64_t amount, current = -1;
	bool example = false, replace = false;
	struct fee_version *v = NULL;
	size_t n = 0;
	lmn_day from;
	int kind;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "kind", true, &kind_s) ||
	    !api_str_or_reply(ctx, "valid_from", true, &from_s) ||
	    !api_int_or_reply(ctx, "amount_ore", true, 0, 100000000, &amount) ||
	    !api_bool_or_reply(ctx, "example", &example) ||
	    !api_str_or_reply(ctx, "note", false, &note) ||
	    !api_bool_or_reply(ctx, "replace", &replace))
		return (int)ctx->resp->status;
	if ((kind = fee_kind_parse(kind_s)) < 0)
		return api_problem(
			ctx, 400, "invalid_input", "kind", NULL,
			"kind ska vara delivery, acute_delivery, order_line eller return.");
	if (strlen(from_s) != 10 || date_parse(from_s, 10, &from) != LMN_OK)
		return api_problem(ctx, 400, "invalid_input", "valid_from", NULL,
				   "valid_from ska vara ett datum ÅÅÅÅ-MM-DD.");
	/* Invoices already made were charged by the fee then in force. */
	if (from < ctx->today)
		return api_problem(ctx, 422, "fee_in_past", "valid_from", NULL,
				   "En avgift kan inte börja gälla före i dag: fakturaunderlag som "
				   "redan tagits fram bygger på avgiften som gällde då.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	/* A fee of the same kind from the same day is replaced only when asked to (issue 20):
	 * entering a date again must not silently overwrite what was decided. */
	if ((rc = fees_load(ctx->c, &v, &n, &ctx->err)) == LMN_OK) {
		for (size_t i = 0; i < n; i++)
			if (v[i].kind == (enum fee_kind)kind && v[i].from == from)
				current = v[i].amount_ore;
		free(v);
	}
	if (rc == LMN_OK && current >= 0 && current != amount && !replace) {
		db_rollback(ctx->c);
		return api_problem_with(
			ctx, 409, "fee_exists", "valid_from",
			json_pack("{s:I}", "current_amount_ore", (json_int_t)current),
			"%s från %s är redan %lld,%02lld kr. Ersätt med %lld,%02lld kr?",
			fee_kind_title_sv((enum fee_kind)kind), from_s, (long long)(current / 100),
			(long long)(current % 100), (long long)(amount / 100),
			(long long)(amount % 100));
	}
	if (rc == LMN_OK)
		rc = fees_set(ctx->c, (enum fee_kind)kind, from, amount, example, note, ctx->now,
			      &ctx->err);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 201,
			json_pack("{s:s, s:s, s:I, s:b, s:b}", "kind", kind_s, "valid_from", from_s,
				  "amount_ore", (json_int_t)amount, "example", example, "replaced",
				  current >= 0 && current != amount));
}
