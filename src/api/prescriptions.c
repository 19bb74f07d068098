/* Prescriptions and their items (DOMAIN.md §3): what a patient may order now and when next. */
#include <string.h>

#include "api/api.h"
#include "core/prescription.h"

int prescriptions_list(struct api_ctx *ctx)
{
	struct db_stmt *st;
	json_t *list = json_array();
	bool row;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		goto fail;
	if (!access_patient(ctx, ctx->id[0])) {
		json_decref(list);
		return (int)ctx->resp->status;
	}
	rc = db_prepare(
		ctx->c,
		"SELECT " ITEM_COLUMNS ", r.id, a.id, a.article_number, a.name, a.area, a.unit, "
		"a.package_size, coalesce(u.display_name, ''), n.name, coalesce(i.replaced_by, 0), "
		"r.unit_id "
		"FROM prescriptions r JOIN prescription_items i ON i.prescription_id = r.id "
		"JOIN articles a ON a.id = i.article_id JOIN units n ON n.id = r.unit_id "
		"LEFT JOIN users u ON u.id = r.prescriber_id "
		"WHERE r.patient_id = $1 ORDER BY r.prescribed_on DESC, i.id",
		&st, &ctx->err);
	if (rc != LMN_OK)
		goto fail;
	db_bind_int(st, 1, ctx->id[0]);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		struct rx_item it;
		enum rx_status status;
		char last[11], next[11], on[11];
		bool may_now;

		prescription_item_read(st, 0, &it);
		status = rx_status_on(&it, ctx->today);
		may_now = status == RX_ACTIVE &&
			  (it.next_earliest == LMN_DAY_NONE || it.next_earliest <= ctx->today);
		date_format(it.last_valid, last);
		date_format(it.prescribed_on, on);
		json_t *o = json_pack(
			"{s:I, s:I, s:{s:I, s:s, s:s, s:s, s:s, s:I}, s:s, s:s, s:s, s:s, s:I, s:I, s:I, "
			"s:I, s:b}",
			"id", (json_int_t)db_col_int(st, 0), "prescription_id",
			(json_int_t)db_col_int(st, 9), "article", "id",
			(json_int_t)db_col_int(st, 10), "article_number", db_col_text(st, 11),
			"name", db_col_text(st, 12), "area", db_col_text(st, 13), "unit",
			db_col_text(st, 14), "package_size", (json_int_t)db_col_int(st, 15),
			"prescriber", db_col_text(st, 16), "unit", db_col_text(st, 17),
			"prescribed_on", on, "last_valid", last, "withdrawals_allowed",
			(json_int_t)it.withdrawals_allowed, "withdrawals_remaining",
			(json_int_t)it.withdrawals_remaining, "quantity_per_withdrawal",
			(json_int_t)it.quantity_per_withdrawal, "period_days",
			(json_int_t)it.period_days, "may_order_now", may_now);
		json_object_set_new(o, "status", json_string(rx_status_name(status)));
		if (db_col_int(st, 18))
			json_object_set_new(o, "replaced_by", json_integer(db_col_int(st, 18)));
		/* Only the prescribing unit may cancel: the pages offer "Makulera" by this. */
		json_object_set_new(o, "unit_id", json_integer(db_col_int(st, 19)));
		if (it.next_earliest != LMN_DAY_NONE) {
			date_format(it.next_earliest, next);
			json_object_set_new(o, "next_earliest", json_string(next));
		} else {
			json_object_set_new(o, "next_earliest", json_null());
		}
		json_array_append_new(list, o);
	}
	db_done(st);
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
static bool item_input(struct api_ctx *ctx, json_t *in, size_t i, lmn_day prescribed_on,
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
	ok = api_int(ctx, "article_id", true, 1, INT64_MAX, article_id) &&
	     api_int(ctx, "withdrawals_allowed", true, 1, 100, &allowed) &&
	     api_int(ctx, "quantity_per_withdrawal", true, 1, 10000, &qty) &&
	     api_int(ctx, "period_days", true, 1, 366, &period) &&
	     api_str(ctx, "last_valid", true, &last);
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
	struct db_stmt *st;
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
	if (!access_patient(ctx, ctx->id[0]))
		return (int)ctx->resp->status;
	rc = db_prepare(
		ctx->c,
		"INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, "
		"created_at) VALUES ($1, $2, $3, $4, $5)",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_int(st, 2, ctx->user.id);
	db_bind_int(st, 3, unit);
	db_bind_text(st, 4, today);
	db_bind_text(st, 5, ctx->now);
	if ((rc = db_run(st, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rx_id = db_last_id(ctx->c);
	for (size_t i = 0; i < json_array_size(items); i++) {
		struct rx_item it;
		int64_t article;
		char last[11];

		if (!item_input(ctx, json_array_get(items, i), i, ctx->today, &article, &it))
			return (int)ctx->resp->status;
		rc = db_prepare(ctx->c, "SELECT active FROM articles WHERE id = $1", &st,
				&ctx->err);
		if (rc != LMN_OK)
			return api_fail(ctx, rc);
		db_bind_int(st, 1, article);
		rc = db_step(st, &row, &ctx->err);
		row = row && db_col_int(st, 0) == 1;
		db_done(st);
		if (rc != LMN_OK)
			return api_fail(ctx, rc);
		if (!row)
			return api_problem(ctx, 422, "article_not_found", "article_id", NULL,
					   "items[%zu]: artikeln finns inte i sortimentet.", i);
		date_format(it.last_valid, last);
		rc = db_prepare(
			ctx->c,
			"INSERT INTO prescription_items (prescription_id, article_id, "
			"withdrawals_allowed, withdrawals_remaining, quantity_per_withdrawal, "
			"period_days, last_valid) VALUES ($1, $2, $3, $3, $4, $5, $6)",
			&st, &ctx->err);
		if (rc != LMN_OK)
			return api_fail(ctx, rc);
		db_bind_int(st, 1, rx_id);
		db_bind_int(st, 2, article);
		db_bind_int(st, 3, it.withdrawals_allowed);
		db_bind_int(st, 4, it.quantity_per_withdrawal);
		db_bind_int(st, 5, it.period_days);
		db_bind_text(st, 6, last);
		if ((rc = db_run(st, &ctx->err)) != LMN_OK ||
		    (rc = prescription_items_replace(ctx->c, ctx->id[0], article,
						     db_last_id(ctx->c), today, ctx->now,
						     &ctx->err)) != LMN_OK)
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
	struct db_stmt *st;
	int64_t patient = 0, unit = 0;
	bool row, cancelled = false;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = db_prepare(
		ctx->c,
		"SELECT r.patient_id, r.unit_id, i.cancelled_at IS NOT NULL FROM prescription_items i "
		"JOIN prescriptions r ON r.id = i.prescription_id WHERE i.id = $1",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	rc = db_step(st, &row, &ctx->err);
	if (row) {
		patient = db_col_int(st, 0);
		unit = db_col_int(st, 1);
		cancelled = db_col_int(st, 2) != 0;
	}
	db_done(st);
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
	rc = db_prepare(ctx->c, "UPDATE prescription_items SET cancelled_at = $2 WHERE id = $1",
			&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		db_bind_text(st, 2, ctx->now);
		rc = db_run(st, &ctx->err);
	}
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
