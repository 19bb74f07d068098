/* The customer-service call log: queued, answered or abandoned, topic — the data of the phone key
 * figure (Spec B 6.1). */
#include <string.h>

#include "api/api.h"
#include "store/calls.h"
#include "util/clock.h"
#include "util/localtime.h"

static const char *const topics[] = { "order",	 "delivery",	  "prescription",
				      "product", "delay_contact", "other",
				      NULL };

/* Reads an optional timestamp field into ISO form with offset. */
static bool when_or_reply(struct api_ctx *ctx, const char *key, bool required, char out[32],
			  lmn_day *day, int32_t *sec)
{
	const char *s;

	out[0] = '\0';
	if (!api_str_or_reply(ctx, key, required, &s))
		return false;
	if (!s)
		return true;
	if (localtime_parse(s, strlen(s), day, sec, &ctx->err) != LMN_OK) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "%s ska vara en tidpunkt ÅÅÅÅ-MM-DDTtt:mm[:ss].", key);
		return false;
	}
	clock_format(*day, *sec, out);
	return true;
}

int calls_create(struct api_ctx *ctx)
{
	const char *topic;
	char queued[32], answered[32], abandoned[32];
	lmn_day qd = 0, ad = 0, bd = 0;
	int32_t qs = 0, as = 0, bs = 0;
	int64_t patient = 0, id;
	bool known = false, still_queued = false;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "topic", true, &topic) ||
	    !when_or_reply(ctx, "queued_at", true, queued, &qd, &qs) ||
	    !when_or_reply(ctx, "answered_at", false, answered, &ad, &as) ||
	    !when_or_reply(ctx, "abandoned_at", false, abandoned, &bd, &bs) ||
	    !api_bool_or_reply(ctx, "still_queued", &still_queued) ||
	    !api_int_or_reply(ctx, "patient_id", false, 1, INT64_MAX, &patient))
		return (int)ctx->resp->status;
	for (const char *const *t = topics; *t; t++)
		known = known || strcmp(*t, topic) == 0;
	if (!known)
		return api_problem(ctx, 400, "invalid_input", "topic", NULL,
				   "topic ska vara order, delivery, prescription, product, "
				   "delay_contact eller other.");
	if (*answered && *abandoned)
		return api_problem(ctx, 400, "invalid_input", "abandoned_at", NULL,
				   "Ett samtal är antingen besvarat eller avbrutet, inte båda.");
	if ((*answered && (ad < qd || (ad == qd && as < qs))) ||
	    (*abandoned && (bd < qd || (bd == qd && bs < qs))))
		return api_problem(ctx, 400, "invalid_input",
				   *answered ? "answered_at" : "abandoned_at", NULL,
				   "Samtalet kan inte sluta innan det ställdes i kö.");
	/* A call is answered or abandoned, with its time, or explicitly still queued (issue 18). */
	if (!*answered && !*abandoned && !still_queued)
		return api_problem(ctx, 422, "call_outcome_missing", "answered_at", NULL,
				   "Ange när samtalet besvarades eller avbröts, eller att det "
				   "fortfarande står i kö.");
	if (still_queued && (*answered || *abandoned))
		return api_problem(ctx, 422, "call_outcome_missing", "still_queued", NULL,
				   "Ett samtal som står i kö är varken besvarat eller avbrutet.");
	/* No time of a call lies in the future (sources audit §5). */
	if (qd > ctx->today || (qd == ctx->today && qs > ctx->now_sec))
		return api_problem(ctx, 422, "impossible_time", "queued_at", NULL,
				   "Tiden då samtalet ställdes i kö kan inte ligga i framtiden.");
	if (*answered && (ad > ctx->today || (ad == ctx->today && as > ctx->now_sec)))
		return api_problem(ctx, 422, "impossible_time", "answered_at", NULL,
				   "Tiden då samtalet besvarades kan inte ligga i framtiden.");
	if (*abandoned && (bd > ctx->today || (bd == ctx->today && bs > ctx->now_sec)))
		return api_problem(ctx, 422, "impossible_time", "abandoned_at", NULL,
				   "Tiden då samtalet avbröts kan inte ligga i framtiden.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (patient && !access_patient_or_reply(ctx, patient))
		return (int)ctx->resp->status;
	struct call_row r = { .queued_at = queued,
			      .answered_at = *answered ? answered : NULL,
			      .abandoned_at = *abandoned ? abandoned : NULL,
			      .topic = topic,
			      .agent_id = ctx->user.id,
			      .patient_id = patient };
	rc = calls_insert(ctx->c, &r, &id, &ctx->err);
	if (rc == LMN_OK && patient)
		rc = access_record(ctx, patient, ACCESS_CREATE, "samtal loggat");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static enum lmn_rc call_json(const struct call_row *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "queued_at", r->queued_at,
			      "topic", r->topic);

	if (*r->answered_at)
		json_object_set_new(o, "answered_at", json_string(r->answered_at));
	if (*r->abandoned_at)
		json_object_set_new(o, "abandoned_at", json_string(r->abandoned_at));
	json_array_append_new(arg, o);
	return LMN_OK;
}

int calls_list(struct api_ctx *ctx)
{
	const char *on = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "date");
	json_t *list = json_array();
	lmn_day d = ctx->today;
	char day[11], next[11];
	enum lmn_rc rc;

	if (on && (strlen(on) != 10 || date_parse(on, 10, &d) != LMN_OK)) {
		json_decref(list);
		return api_problem(ctx, 400, "invalid_input", "date", NULL,
				   "date ska vara ett datum ÅÅÅÅ-MM-DD.");
	}
	date_format(d, day);
	date_format(d + 1, next);
	if ((rc = calls_each(ctx->c, day, next, call_json, list, &ctx->err)) != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:s, s:o}", "date", day, "calls", list));
}
