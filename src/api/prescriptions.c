/* Prescriptions and their items (DOMAIN.md §3): what a patient may order now and when next. */
#include <string.h>

#include "api/api.h"
#include "core/prescription.h"
#include "store/articles.h"
#include "store/prescriptions.h"

/* The list being built, and the request it answers. */
struct items_json {
	struct api_ctx *ctx;
	json_t *list;
};

static enum lmn_rc item_json_add(void *arg, const struct prescription_list_row *r,
				 struct lmn_err *err)
{
	const struct items_json *ij = arg;
	struct api_ctx *ctx = ij->ctx;
	enum rx_status status = rx_status_on(&r->it, ctx->today);
	bool may_now = status == RX_ACTIVE &&
		       (r->it.next_earliest == LMN_DAY_NONE || r->it.next_earliest <= ctx->today);
	char last[11], next[11], on[11];

	(void)err;
	date_format(r->it.last_valid, last);
	date_format(r->it.prescribed_on, on);
	json_t *o = json_pack(
		"{s:I, s:I, s:{s:I, s:s, s:s, s:s, s:s, s:I}, s:s, s:s, s:s, s:s, s:I, s:I, s:I, "
		"s:I, s:b}",
		"id", (json_int_t)r->item_id, "prescription_id", (json_int_t)r->prescription_id,
		"article", "id", (json_int_t)r->article_id, "article_number", r->article_number,
		"name", r->article_name, "area", r->area, "unit", r->unit, "package_size",
		(json_int_t)r->package_size, "prescriber", r->prescriber, "unit", r->unit_name,
		"prescribed_on", on, "last_valid", last, "withdrawals_allowed",
		(json_int_t)r->it.withdrawals_allowed, "withdrawals_remaining",
		(json_int_t)r->it.withdrawals_remaining, "quantity_per_withdrawal",
		(json_int_t)r->it.quantity_per_withdrawal, "period_days",
		(json_int_t)r->it.period_days, "may_order_now", may_now);
	json_object_set_new(o, "status", json_string(rx_status_name(status)));
	json_object_set_new(o, "renewal_requestable",
			    json_boolean(rx_renewal_requestable(&r->it, ctx->today)));
	if (r->replaced_by)
		json_object_set_new(o, "replaced_by", json_integer(r->replaced_by));
	/* Only the prescribing unit may cancel: the pages offer "Makulera" by this. */
	json_object_set_new(o, "unit_id", json_integer(r->unit_id));
	if (r->it.next_earliest != LMN_DAY_NONE) {
		date_format(r->it.next_earliest, next);
		json_object_set_new(o, "next_earliest", json_string(next));
	} else {
		json_object_set_new(o, "next_earliest", json_null());
	}
	json_array_append_new(ij->list, o);
	return LMN_OK;
}

int prescriptions_list(struct api_ctx *ctx)
{
	json_t *list = json_array();
	struct items_json ij = { ctx, list };
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		goto fail;
	if (!access_patient_or_reply(ctx, ctx->id[0])) {
		json_decref(list);
		return (int)ctx->resp->status;
	}
	rc = prescription_items_each(ctx->c, ctx->id[0], item_json_add, &ij, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, ctx->id[0], ACCESS_READ, "förskrivningar");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		goto fail;
	return api_json(ctx, 200, json_pack("{s:o}", "items", list));
fail:
	json_decref(list);
	return api_fail(ctx, rc);
}

/* Reads one item of the request; sends a problem naming items[i].field and returns false if wrong. */
static bool item_input_or_reply(struct api_ctx *ctx, json_t *in, size_t i, lmn_day prescribed_on,
				int64_t *article_id, struct rx_item *it)
{
	json_t *saved = ctx->body;
	int64_t allowed, qty, period;
	const char *last = NULL;
	bool ok;

	if (!json_is_object(in)) {
		api_problem(ctx, 400, "invalid_input", "items", NULL,
			    "items[%zu] ska vara ett objekt.", i);
		return false;
	}
	ctx->body = in;
	ok = api_int_or_reply(ctx, "article_id", true, 1, INT64_MAX, article_id) &&
	     api_int_or_reply(ctx, "withdrawals_allowed", true, 1, 100, &allowed) &&
	     api_int_or_reply(ctx, "quantity_per_withdrawal", true, 1, 10000, &qty) &&
	     api_int_or_reply(ctx, "period_days", true, 1, 366, &period) &&
	     api_str_or_reply(ctx, "last_valid", true, &last);
	ctx->body = saved;
	if (!ok)
		return false;
	memset(it, 0, sizeof(*it));
	it->prescribed_on = prescribed_on;
	it->withdrawals_allowed = (int)allowed;
	it->withdrawals_remaining = (int)allowed;
	it->quantity_per_withdrawal = (int)qty;
	it->period_days = (int)period;
	it->next_earliest = LMN_DAY_NONE;
	if (date_parse(last, strlen(last), &it->last_valid) != LMN_OK || strlen(last) != 10) {
		api_problem(ctx, 400, "invalid_input", "last_valid", NULL,
			    "items[%zu].last_valid ska vara ett datum ÅÅÅÅ-MM-DD.", i);
		return false;
	}
	enum rx_refusal why;
	if (rx_validate_new(it, ctx->app->params, &why, &ctx->err) != LMN_OK) {
		api_problem(ctx, why == RX_BAD_VALUE ? 400 : 422, rx_refusal_code(why),
			    ctx->err.field, ctx->err.rule, "items[%zu]: %s", i, ctx->err.message);
		return false;
	}
	return true;
}

int prescriptions_create(struct api_ctx *ctx)
{
	json_t *items = ctx->body ? json_object_get(ctx->body, "items") : NULL;
	int64_t rx_id, unit = ctx->user.unit_id;
	char today[11];
	bool row;
	enum lmn_rc rc;

	if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 50)
		return api_problem(ctx, 400, "invalid_input", "items", NULL,
				   "items ska vara en lista med 1–50 artiklar.");
	date_format(ctx->today, today);
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	/* Prescribing needs the relationship first (a prescription of the unit, or a care
	 * relationship it recorded), refused as a read outside it is. */
	if (!access_patient_or_reply(ctx, ctx->id[0]))
		return (int)ctx->resp->status;
	const struct prescription_row pr = { .patient_id = ctx->id[0],
					     .prescriber_id = ctx->user.id,
					     .unit_id = unit,
					     .prescribed_on = today,
					     .created_at = ctx->now };
	if ((rc = prescriptions_insert(ctx->c, &pr, &rx_id, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	for (size_t i = 0; i < json_array_size(items); i++) {
		struct rx_item it;
		int64_t article, item;
		char last[11];

		if (!item_input_or_reply(ctx, json_array_get(items, i), i, ctx->today, &article,
					 &it))
			return (int)ctx->resp->status;
		rc = article_active(ctx->c, article, &row, &ctx->err);
		if (rc != LMN_OK)
			return api_fail(ctx, rc);
		if (!row)
			return api_problem(ctx, 422, "article_not_found", "article_id", NULL,
					   "items[%zu]: artikeln finns inte i sortimentet.", i);
		date_format(it.last_valid, last);
		const struct prescription_item_row ir = {
			.prescription_id = rx_id,
			.article_id = article,
			.withdrawals_allowed = it.withdrawals_allowed,
			.quantity_per_withdrawal = it.quantity_per_withdrawal,
			.period_days = it.period_days,
			.last_valid = last,
		};
		if ((rc = prescription_items_insert(ctx->c, &ir, &item, &ctx->err)) != LMN_OK ||
		    (rc = prescription_items_replace(ctx->c, ctx->id[0], article, item, today,
						     ctx->now, &ctx->err)) != LMN_OK)
			return api_fail(ctx, rc);
	}
	rc = access_record(ctx, ctx->id[0], ACCESS_CREATE, "förskrivning");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201, json_pack("{s:I}", "id", (json_int_t)rx_id));
}

int prescription_items_cancel(struct api_ctx *ctx)
{
	int64_t patient = 0, unit = 0;
	bool row, cancelled = false;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = prescription_item_owner(ctx->c, ctx->id[0], &patient, &unit, &cancelled, &row,
				     &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!row)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Förskrivningen finns inte.");
	if (unit != ctx->user.unit_id)
		return api_problem(ctx, 403, "not_own_unit", NULL, NULL,
				   "Bara den förskrivande enheten kan makulera förskrivningen.");
	if (cancelled)
		return api_problem(ctx, 409, "already_cancelled", NULL, NULL,
				   "Förskrivningen är redan makulerad.");
	rc = prescription_item_cancel(ctx->c, ctx->id[0], ctx->now, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, patient, ACCESS_UPDATE, "förskrivning makulerad");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200,
			json_pack("{s:I, s:s}", "id", (json_int_t)ctx->id[0], "status",
				  "cancelled"));
}
