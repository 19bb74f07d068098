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

/* The problem object (RFC 9457) of status; field, rule and code may be NULL. */
static json_t *problem_object(unsigned status, const char *code, const char *field,
			      const char *rule, const char *detail)
{
	static const struct {
		unsigned status;
		const char *title;
	} titles[] = {
		{ 400, "Felaktig begäran" },
		{ 401, "Inloggning krävs" },
		{ 403, "Åtkomst nekad" },
		{ 404, "Finns inte" },
		{ 405, "Metoden stöds inte" },
		{ 409, "Konflikt" },
		{ 413, "För stor begäran" },
		{ 422, "Regeln tillåter inte begäran" },
		{ 429, "För många förfrågningar" },
		{ 500, "Internt fel" },
		{ 503, "Tjänsten är inte tillgänglig" },
		{ 507, "Lagringsutrymmet är slut" },
	};
	const char *title = "Fel";
	json_t *o;

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
	return o;
}

static int problem_send(struct api_ctx *ctx, unsigned status, json_t *o)
{
	api_json(ctx, status, o);
	ctx->resp->status = status;
	ctx->resp->type = "application/problem+json";
	return (int)status;
}

int api_problem(struct api_ctx *ctx, unsigned status, const char *code, const char *field,
		const char *rule, const char *fmt, ...)
{
	char detail[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return problem_send(ctx, status, problem_object(status, code, field, rule, detail));
}

int api_problem_with(struct api_ctx *ctx, unsigned status, const char *code, const char *field,
		     json_t *extra, const char *fmt, ...)
{
	char detail[768];
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	o = problem_object(status, code, field, NULL, detail);
	if (o && extra)
		json_object_update_missing(o, extra);
	json_decref(extra);
	return problem_send(ctx, status, o);
}

int api_problems(struct api_ctx *ctx, unsigned status, const char *code, json_t *errors)
{
	json_t *first = json_array_get(errors, 0);
	const char *field = json_string_value(json_object_get(first, "field"));
	const char *detail = json_string_value(json_object_get(first, "detail"));
	json_t *o =
		problem_object(status, code, field, NULL, detail ? detail : "Felaktig begäran.");

	if (o)
		json_object_set_new(o, "errors", errors);
	else
		json_decref(errors);
	return problem_send(ctx, status, o);
}

void api_retry_after(struct api_ctx *ctx, long long seconds)
{
	struct http_resp *r = ctx->resp;

	if (r->nheaders == HTTP_MAX_HEADERS)
		return;
	r->headers[r->nheaders].name = "Retry-After";
	snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value), "%lld", seconds);
	r->nheaders++;
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
		return api_problem(ctx, 422, *e->rule ? "rule_refused" : "refused", e->field,
				   e->rule, "%s", e->message);
	case LMN_EFULL:
		/* Nothing was stored; it passes by itself once room is made (no restart). */
		fprintf(stderr, "lmn: %s %s: %s: %s\n", ctx->req->method, ctx->req->path,
			lmn_rc_name(rc), e->message);
		return api_problem(ctx, 507, "storage_full", NULL, NULL, "%s", API_STORAGE_FULL);
	case LMN_EUNAVAIL:
		/* The database's server is down or switching over: nothing was stored. A standby
		 * takes over within seconds; a client retries (with its Idempotency-Key). */
		fprintf(stderr, "lmn: %s %s: %s: %s\n", ctx->req->method, ctx->req->path,
			lmn_rc_name(rc), e->message);
		api_retry_after(ctx, 1);
		return api_problem(ctx, 503, "database_unavailable", NULL, NULL,
				   "Databasen svarar inte just nu. Försök igen om en stund.");
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

/* The longest text each field takes, in characters, and its name in Swedish for the message.
 * Free text is stored, shown and exported: without a bound, one request could store a megabyte
 * in a note. A field not listed (dates, codes, choices, which are checked further by their
 * handlers) takes TEXT_MAX_OTHER. */
#define TEXT_MAX_OTHER 1000

static const struct text_limit {
	const char *key;
	int max;
	const char *name;
} text_limits[] = {
	{ "address", 200, "Adressen" },
	{ "city", 100, "Orten" },
	{ "comment", 500, "Leveranskommentaren" },
	{ "contact_person", 100, "Kontaktpersonen" },
	{ "description", 2000, "Beskrivningen" },
	{ "display_name", 100, "Namnet" },
	{ "door_code", 20, "Portkoden" },
	{ "family_name", 100, "Efternamnet" },
	{ "follow_up", 5000, "Uppföljningen" },
	{ "given_name", 100, "Förnamnet" },
	{ "heading", 300, "Rubriken" },
	{ "invoice_address", 400, "Fakturaadressen" },
	{ "matter", 200, "Ärendet" },
	{ "municipality", 100, "Kommunen" },
	{ "name", 200, "Namnet" },
	{ "new_text", 50000, "Den nya texten" },
	{ "note", 2000, "Anteckningen" },
	{ "notification_receiver", 100, "Mottagaren av aviseringen" },
	{ "organisation", 200, "Organisationen" },
	{ "original_text", 50000, "Den tidigare texten" },
	{ "owner", 200, "Den ansvarige" },
	{ "party", 100, "Partiet" },
	{ "password", 1024, "Lösenordet" },
	{ "phone", 40, "Telefonnumret" },
	{ "place", 200, "Platsen" },
	{ "position", 5000, "Ställningstagandet" },
	{ "postal_code", 10, "Postnumret" },
	{ "presenter", 200, "Föredraganden" },
	{ "reason", 500, "Anledningen" },
	{ "text", 50000, "Texten" },
	{ "title", 300, "Rubriken" },
	{ "username", 64, "Användarnamnet" },
};

/* Characters of UTF-8 text (jansson has checked that it is UTF-8). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Whether text fits its field; else a 422 naming the field and the bound. */
static bool text_fits_or_reply(struct api_ctx *ctx, const char *key, const char *text)
{
	const char *name = NULL;
	int max = TEXT_MAX_OTHER;

	for (size_t i = 0; i < sizeof(text_limits) / sizeof(text_limits[0]); i++)
		if (strcmp(text_limits[i].key, key) == 0) {
			max = text_limits[i].max;
			name = text_limits[i].name;
			break;
		}
	if (strlen(text) <= (size_t)max || utf8_chars(text) <= (size_t)max)
		return true;
	if (name)
		api_problem(ctx, 422, "too_long", key, NULL, "%s får vara högst %d tecken.", name,
			    max);
	else
		api_problem(ctx, 422, "too_long", key, NULL,
			    "Fältet \"%s\" får vara högst %d tecken.", key, max);
	return false;
}

bool api_str_or_reply(struct api_ctx *ctx, const char *key, bool required, const char **out)
{
	json_t *v = field(ctx, key, required);

	*out = NULL;
	if (!v)
		return !required;
	if (!json_is_string(v)) {
		api_problem(ctx, 400, "invalid_input", key, NULL, "Fältet \"%s\" ska vara text.",
			    key);
		return false;
	}
	*out = json_string_value(v);
	if (!text_fits_or_reply(ctx, key, *out)) {
		*out = NULL;
		return false;
	}
	if (required && !**out) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "Fältet \"%s\" får inte vara tomt.", key);
		return false;
	}
	return true;
}

bool api_int_or_reply(struct api_ctx *ctx, const char *key, bool required, int64_t min, int64_t max,
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

bool api_bool_or_reply(struct api_ctx *ctx, const char *key, bool *out)
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

bool api_query_int_or_reply(struct api_ctx *ctx, const char *key, int64_t def, int64_t min,
			    int64_t max, int64_t *out)
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
