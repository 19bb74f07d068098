/* Responses of the API: JSON, problem details (RFC 9457), and reading fields of the JSON body. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"

int api_json(struct api_ctx *ctx, unsigned status, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;

	json_decref(v);
	ctx->resp->status = status;
	ctx->resp->type = "application/json";
	buf_reset(&ctx->resp->body);
	if (!text) {
		ctx->resp->status = 500;
		buf_adds(&ctx->resp->body, "{}");
		return 500;
	}
	buf_adds(&ctx->resp->body, text);
	buf_addc(&ctx->resp->body, '\n');
	free(text);
	return (int)status;
}

int api_json_text(struct api_ctx *ctx, unsigned status, struct buf *body)
{
	buf_addc(body, '\n');
	if (body->failed) {
		buf_release(body);
		return api_fail(ctx, lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL,
						 "the answer did not fit in memory"));
	}
	buf_release(&ctx->resp->body);
	ctx->resp->body = *body;
	buf_init(body, body->max);
	ctx->resp->status = status;
	ctx->resp->type = "application/json";
	return (int)status;
}

int api_problem(struct api_ctx *ctx, unsigned status, const char *code, const char *field,
		 const char *rule, const char *fmt, ...)
{
	static const struct {
		unsigned status;
		const char *title;
	} titles[] = {
		{ 400, "Felaktig begäran" }, { 401, "Inloggning krävs" },
		{ 403, "Åtkomst nekad" },    { 404, "Finns inte" },
		{ 405, "Metoden stöds inte" }, { 409, "Konflikt" },
		{ 413, "För stor begäran" }, { 422, "Regeln tillåter inte begäran" },
		{ 500, "Internt fel" },      { 503, "Tjänsten är inte tillgänglig" },
		{ 507, "Lagringsutrymmet är slut" },
	};
	const char *title = "Fel";
	char detail[768];
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			title = titles[i].title;
	o = json_pack("{s:s, s:s, s:I, s:s}", "type", "about:blank", "title", title, "status",
		      (json_int_t)status, "detail", detail);
	if (!o) /* the detail quoted bytes that are not UTF-8: say it without them */
		o = json_pack("{s:s, s:s, s:I, s:s}", "type", "about:blank", "title", title,
			      "status", (json_int_t)status, "detail",
			      "Begäran innehåller tecken som inte är giltig UTF-8.");
	if (o && code)
		json_object_set_new(o, "code", json_string(code));
	if (o && field && *field)
		json_object_set_new(o, "field", json_string(field));
	if (o && rule && *rule)
		json_object_set_new(o, "rule", json_string(rule));
	api_json(ctx, status, o);
	ctx->resp->status = status;
	ctx->resp->type = "application/problem+json";
	return (int)status;
}

int api_fail(struct api_ctx *ctx, enum lmn_rc rc)
{
	struct lmn_err *e = &ctx->err;

	switch (rc) {
	case LMN_EINVAL:
		return api_problem(ctx, 400, "invalid_input", e->field, e->rule, "%s", e->message);
	case LMN_ENOTFOUND:
		return api_problem(ctx, 404, "not_found", e->field, NULL, "%s", e->message);
	case LMN_EREFUSED:
		return api_problem(ctx, 422, *e->rule ? "rule_refused" : "refused", e->field, e->rule,
				   "%s", e->message);
	case LMN_EFULL:
		/* Nothing was stored; it passes by itself once room is made (no restart). */
		fprintf(stderr, "lmn: %s %s: %s: %s\n", ctx->req->method, ctx->req->path,
			lmn_rc_name(rc), e->message);
		return api_problem(ctx, 507, "storage_full", NULL, NULL, "%s", API_STORAGE_FULL);
	default:
		/* The detail may hold SQL or paths: log it by code, show a plain message. */
		fprintf(stderr, "lmn: %s %s: %s: %s\n", ctx->req->method, ctx->req->path,
			lmn_rc_name(rc), e->message);
		return api_problem(ctx, 500, "internal", NULL, NULL,
				   "Ett internt fel inträffade. Försök igen om en stund.");
	}
}

static json_t *field(struct api_ctx *ctx, const char *key, bool required)
{
	json_t *v = ctx->body ? json_object_get(ctx->body, key) : NULL;

	if ((!v || json_is_null(v)) && required) {
		api_problem(ctx, 400, "invalid_input", key, NULL, "Fältet \"%s\" saknas.", key);
		return NULL;
	}
	return v && !json_is_null(v) ? v : NULL;
}

bool api_str(struct api_ctx *ctx, const char *key, bool required, const char **out)
{
	json_t *v = field(ctx, key, required);

	*out = NULL;
	if (!v)
		return !required;
	if (!json_is_string(v)) {
		api_problem(ctx, 400, "invalid_input", key, NULL, "Fältet \"%s\" ska vara text.", key);
		return false;
	}
	*out = json_string_value(v);
	if (required && !**out) {
		api_problem(ctx, 400, "invalid_input", key, NULL, "Fältet \"%s\" får inte vara tomt.",
			    key);
		return false;
	}
	return true;
}

bool api_int(struct api_ctx *ctx, const char *key, bool required, int64_t min, int64_t max,
	     int64_t *out)
{
	json_t *v = field(ctx, key, required);

	if (!v)
		return !required;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "Fältet \"%s\" ska vara ett heltal %lld–%lld.", key, (long long)min,
			    (long long)max);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

bool api_bool(struct api_ctx *ctx, const char *key, bool *out)
{
	json_t *v = field(ctx, key, false);

	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "Fältet \"%s\" ska vara true eller false.", key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

bool api_query_int(struct api_ctx *ctx, const char *key, int64_t def, int64_t min, int64_t max,
		   int64_t *out)
{
	const char *s = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, key);
	char *end;
	long long v;

	*out = def;
	if (!s)
		return true;
	v = strtoll(s, &end, 10);
	if (!*s || *end || v < min || v > max) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "Parametern \"%s\" ska vara ett heltal %lld–%lld.", key, (long long)min,
			    (long long)max);
		return false;
	}
	*out = v;
	return true;
}
