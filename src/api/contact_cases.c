/* Delay follow-up (Spec B 3:6): an order not delivered in full by the end of working day 5 becomes a
 * contact case on its contact date; customer service calls the patient and records the outcome.
 * Lines of special non-stocked products are exempt where the rules in force on the order's day of
 * receipt said so: the order's contact date is then NULL, or the exempt lines do not count. The
 * cases are opened by lmn serve's job (api/jobs.c, store/contact_cases.c). */
#include <string.h>

#include "api/api.h"

/* The queue: a read of the open cases (an index), no writing but its access-log entry. The
 * cases are opened by lmn serve's job (api/jobs.c), not by this read. */
int contact_cases_list(struct api_ctx *ctx)
{
	struct db_stmt *st;
	json_t *list = json_array();
	bool row;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		goto fail;
	rc = db_prepare(ctx->c,
			"SELECT c.id, c.order_id, c.opened_on, o.due, o.received_at, o.patient_id, "
			"p.given_name || ' ' || p.family_name, coalesce(p.phone, ''), "
			"p.protected_identity, coalesce(c.outcome, ''), coalesce(c.called_at, '') "
			"FROM contact_cases c JOIN orders o ON o.id = c.order_id "
			"JOIN patients p ON p.id = o.patient_id WHERE c.closed_at IS NULL "
			"ORDER BY c.opened_on, c.id LIMIT 500",
			&st, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		goto fail;
	}
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		bool protected_id = db_col_int(st, 8) != 0;
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:b}", "id",
				      (json_int_t)db_col_int(st, 0), "order_id",
				      (json_int_t)db_col_int(st, 1), "opened_on", db_col_text(st, 2),
				      "due", db_col_text(st, 3), "received_at", db_col_text(st, 4),
				      "patient_id", (json_int_t)db_col_int(st, 5), "protected_identity",
				      protected_id);
		/* A protected identity's phone is not shown; the case says so and is handled by the
		 * routine for protected identities. */
		if (!protected_id) {
			json_object_set_new(o, "patient_name", json_string(db_col_text(st, 6)));
			json_object_set_new(o, "phone", json_string(db_col_text(st, 7)));
		}
		if (*db_col_text(st, 9)) {
			json_object_set_new(o, "last_outcome", json_string(db_col_text(st, 9)));
			json_object_set_new(o, "last_called_at", json_string(db_col_text(st, 10)));
		}
		json_array_append_new(list, o);
	}
	db_done(st);
	db_rollback(ctx->c);
	if (rc == LMN_OK)
		rc = access_record_list_read(ctx, list, "patient_id", "kontaktärende");
	if (rc != LMN_OK)
		goto fail;
	return api_json(ctx, 200, json_pack("{s:o}", "cases", list));
fail:
	json_decref(list);
	return api_fail(ctx, rc);
}

int contact_cases_call(struct api_ctx *ctx)
{
	const char *outcome, *note = NULL;
	struct db_stmt *st;
	int64_t patient = 0;
	bool row, closed = false, reached;
	enum lmn_rc rc;

	if (!api_str(ctx, "outcome", true, &outcome) || !api_str(ctx, "note", false, &note))
		return (int)ctx->resp->status;
	if (strcmp(outcome, "reached") != 0 && strcmp(outcome, "not_reached") != 0 &&
	    strcmp(outcome, "message_left") != 0)
		return api_problem(ctx, 400, "invalid_input", "outcome", NULL,
				   "outcome ska vara reached, not_reached eller message_left.");
	reached = strcmp(outcome, "reached") == 0;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = db_prepare(ctx->c,
			"SELECT o.patient_id, c.closed_at IS NOT NULL FROM contact_cases c "
			"JOIN orders o ON o.id = c.order_id WHERE c.id = $1",
			&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	rc = db_step(st, &row, &ctx->err);
	if (row) {
		patient = db_col_int(st, 0);
		closed = db_col_int(st, 1) != 0;
	}
	db_done(st);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!row)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Kontaktärendet finns inte.");
	if (closed)
		return api_problem(ctx, 409, "closed", NULL, NULL, "Kontaktärendet är redan avslutat.");
	rc = db_prepare(ctx->c,
			"UPDATE contact_cases SET called_at = $2, called_by = $3, outcome = $4, note = $5, "
			"closed_at = CASE WHEN $6 THEN $2 END WHERE id = $1",
			&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		db_bind_text(st, 2, ctx->now);
		db_bind_int(st, 3, ctx->user.id);
		db_bind_text(st, 4, outcome);
		db_bind_text(st, 5, note);
		db_bind_int(st, 6, reached);
		rc = db_run(st, &ctx->err);
	}
	if (rc == LMN_OK)
		rc = access_record(ctx, patient, ACCESS_UPDATE, "kontaktärende: samtal");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)ctx->id[0],
					    "outcome", outcome, "closed", reached));
}
