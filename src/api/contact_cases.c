/* Delay follow-up (Spec B 3:6): an order not delivered in full by the end of working day 5 becomes a
 * contact case on its contact date; customer service calls the patient and records the outcome.
 * Lines of special non-stocked products are exempt where the rules in force on the order's day of
 * receipt said so: the order's contact date is then NULL, or the exempt lines do not count. The
 * cases are opened by lmn serve's job (api/jobs.c, store/contact_cases.c). */
#include <string.h>

#include "api/api.h"
#include "rules/areas.h"
#include "store/contact_cases.h"

static const char *const sorts[] = {
	[CONTACT_SORT_TODAY] = "today",
	[CONTACT_SORT_OLDEST] = "oldest",
	[CONTACT_SORT_NEWEST] = "newest",
	[CONTACT_SORT_ATTEMPTS] = "attempts",
};

/* A page of the queue, as JSON, with each case's late lines and calls, read for the whole page
 * at once after its cases (n of them: their orders, ids and arrays). */
struct queue_page {
	struct api_ctx *ctx;
	json_t *cases;
	size_t n, at; /* at: the case the last line or call was added to */
	int64_t orders[CONTACT_CASES_AT_ONCE], ids[CONTACT_CASES_AT_ONCE];
	json_t *lines[CONTACT_CASES_AT_ONCE], *calls[CONTACT_CASES_AT_ONCE];
};

/* The array of the case whose key (pg->orders or pg->ids) is key; the rows come grouped by it. */
static json_t *case_array(struct queue_page *pg, const int64_t *keys, json_t **arrays, int64_t key)
{
	if (pg->at < pg->n && keys[pg->at] == key)
		return arrays[pg->at];
	for (pg->at = 0; pg->at < pg->n; pg->at++)
		if (keys[pg->at] == key)
			return arrays[pg->at];
	return NULL;
}

static enum lmn_rc add_line(const struct contact_case_line *l, void *arg)
{
	struct queue_page *pg = arg;
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:s}", "article_number",
			      l->article_number, "article_name", l->article_name, "ordered",
			      (json_int_t)l->ordered, "shipped", (json_int_t)l->shipped,
			      "delivered", (json_int_t)l->delivered, "backordered", l->backordered,
			      "reason", l->reason);

	if (*l->shipped_at)
		json_object_set_new(o, "shipped_at", json_string(l->shipped_at));
	if (*l->delivered_at)
		json_object_set_new(o, "delivered_at", json_string(l->delivered_at));
	json_array_append_new(case_array(pg, pg->orders, pg->lines, l->order_id), o);
	return LMN_OK;
}

static enum lmn_rc add_call(const struct contact_call_row *k, void *arg)
{
	struct queue_page *pg = arg;
	json_t *o = json_pack("{s:s, s:s, s:s}", "called_at", k->called_at, "outcome", k->outcome,
			      "called_by", k->called_by);

	if (*k->note)
		json_object_set_new(o, "note", json_string(k->note));
	json_array_append_new(case_array(pg, pg->ids, pg->calls, k->case_id), o);
	return LMN_OK;
}

static enum lmn_rc add_case(const struct contact_case_row *r, void *arg)
{
	struct queue_page *pg = arg;
	json_t *lines = json_array(), *calls = json_array();
	json_t *o =
		json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:b, s:I, s:s}", "id", (json_int_t)r->id,
			  "order_id", (json_int_t)r->order_id, "opened_on", r->opened_on, "due",
			  r->due, "received_at", r->received_at, "patient_id",
			  (json_int_t)r->patient_id, "protected_identity", r->protected_identity,
			  "attempts", (json_int_t)r->attempts, "area", r->area);

	json_array_append_new(pg->cases, o);
	/* A protected identity's phone is not shown; the case says so and is handled by the
	 * routine for protected identities. */
	if (!r->protected_identity) {
		json_object_set_new(o, "patient_name", json_string(r->patient_name));
		json_object_set_new(o, "phone", json_string(r->phone));
	}
	if (*r->last_outcome) {
		json_object_set_new(o, "last_outcome", json_string(r->last_outcome));
		json_object_set_new(o, "last_called_at", json_string(r->last_called_at));
	}
	if (r->care_provider_id)
		json_object_set_new(o, "care_provider",
				    json_pack("{s:I, s:s}", "id", (json_int_t)r->care_provider_id,
					      "name", r->care_provider));
	json_object_set_new(o, "missing", lines);
	json_object_set_new(o, "calls", calls);
	if (pg->n == CONTACT_CASES_AT_ONCE)
		return lmn_err_set(&pg->ctx->err, LMN_EINVAL, NULL, NULL,
				   "more than %d cases on a page", CONTACT_CASES_AT_ONCE);
	pg->orders[pg->n] = r->order_id;
	pg->ids[pg->n] = r->id;
	pg->lines[pg->n] = lines;
	pg->calls[pg->n++] = calls;
	return LMN_OK;
}

static enum lmn_rc add_provider(int64_t id, const char *name, int64_t open, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "name", name,
					     "open", (json_int_t)open));
	return LMN_OK;
}

/* The queue: a page of the open cases (chosen by an index), no writing but one access-log entry
 * naming the patients of the page, as a list view. The cases are opened by lmn serve's job
 * (api/jobs.c), not by this read. */
int contact_cases_list(struct api_ctx *ctx)
{
	const char *sort = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "sort");
	const char *area = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "area");
	struct contact_queue q = { .area = area, .attempts = -1 };
	struct queue_page pg = { .ctx = ctx, .cases = json_array() };
	json_t *providers = json_array();
	int64_t total = 0, attempts;
	char today[11];
	enum lmn_rc rc;

	if (!api_query_int_or_reply(ctx, "limit", 500, 1, 500, &q.limit) ||
	    !api_query_int_or_reply(ctx, "offset", 0, 0, INT64_MAX, &q.offset) ||
	    !api_query_int_or_reply(ctx, "care_provider", 0, 0, INT64_MAX, &q.care_provider) ||
	    !api_query_int_or_reply(ctx, "attempts", -1, -1, 3, &attempts))
		goto refused;
	q.attempts = (int)attempts;
	q.sort = CONTACT_SORT_TODAY;
	if (sort) {
		size_t i = 0;

		while (i < sizeof(sorts) / sizeof(*sorts) && strcmp(sorts[i], sort) != 0)
			i++;
		if (i == sizeof(sorts) / sizeof(*sorts)) {
			api_problem(ctx, 400, "invalid_input", "sort", NULL,
				    "Ordningen ska vara today, oldest, newest eller attempts.");
			goto refused;
		}
		q.sort = (enum contact_sort)i;
	}
	if (area && *area && area_parse(area, strlen(area)) < 0) {
		api_problem(ctx, 400, "invalid_input", "area", NULL,
			    "Produktområdet finns inte i förteckningen.");
		goto refused;
	}
	date_format(ctx->today, today);
	q.today = today;
	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		goto fail;
	rc = contact_cases_queue(ctx->c, &q, add_case, &pg, &total, &ctx->err);
	if (rc == LMN_OK)
		rc = contact_case_lines(ctx->c, pg.orders, pg.n, add_line, &pg, &ctx->err);
	if (rc == LMN_OK)
		rc = contact_case_calls(ctx->c, pg.ids, pg.n, add_call, &pg, &ctx->err);
	if (rc == LMN_OK)
		rc = contact_cases_providers(ctx->c, add_provider, providers, &ctx->err);
	db_rollback(ctx->c);
	if (rc == LMN_OK)
		rc = access_record_list_read(ctx, pg.cases, "patient_id", "kontaktärenden (kön)");
	if (rc != LMN_OK)
		goto fail;
	return api_json(ctx, 200,
			json_pack("{s:o, s:I, s:I, s:I, s:s, s:o}", "cases", pg.cases, "total",
				  (json_int_t)total, "limit", (json_int_t)q.limit, "offset",
				  (json_int_t)q.offset, "sort", sorts[q.sort], "care_providers",
				  providers));
fail:
	json_decref(pg.cases);
	json_decref(providers);
	return api_fail(ctx, rc);
refused:
	json_decref(pg.cases);
	json_decref(providers);
	return (int)ctx->resp->status;
}

int contact_cases_call(struct api_ctx *ctx)
{
	const char *outcome, *note = NULL;
	int64_t patient = 0;
	bool closed = false, reached;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "outcome", true, &outcome) ||
	    !api_str_or_reply(ctx, "note", false, &note))
		return (int)ctx->resp->status;
	if (strcmp(outcome, "reached") != 0 && strcmp(outcome, "not_reached") != 0 &&
	    strcmp(outcome, "message_left") != 0)
		return api_problem(ctx, 400, "invalid_input", "outcome", NULL,
				   "outcome ska vara reached, not_reached eller message_left.");
	reached = strcmp(outcome, "reached") == 0;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = contact_case_state(ctx->c, ctx->id[0], &patient, &closed, &ctx->err);
	if (rc == LMN_ENOTFOUND)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Kontaktärendet finns inte.");
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (closed)
		return api_problem(ctx, 409, "closed", NULL, NULL,
				   "Kontaktärendet är redan avslutat.");
	rc = contact_case_record_call(ctx->c, ctx->id[0], ctx->now, ctx->user.id, outcome, note,
				      reached, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, patient, ACCESS_UPDATE, "kontaktärende: samtal");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200,
			json_pack("{s:I, s:s, s:b}", "id", (json_int_t)ctx->id[0], "outcome",
				  outcome, "closed", reached));
}
