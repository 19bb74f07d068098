/* The web pages: server-rendered HTML in Swedish for every role, on top of the JSON API.
 *
 * A page never touches the store. It calls the API in-process (web_api), so every rule, every
 * authorisation check and every access-log entry is the API's, and a refusal comes back as the
 * API's problem with its field and rule, which the page shows next to that field.
 *
 * Every form works without JavaScript: a POST carries the session's CSRF token as the hidden field
 * _csrf, and answers with a redirect (303) on success or the same page with the errors. */
#ifndef LMN_WEB_H
#define LMN_WEB_H

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"
#include "web/html.h"

/* Customer service's phone, as the pages show it (fictional, like all demo contact data). */
#define WEB_CUSTOMER_SERVICE_PHONE "010-000 00 00"

#define WEB_MAX_FIELDS 128
#define WEB_MAX_ERRORS 16

struct web_field {
	char *name, *value; /* decoded; value may hold NUL bytes for a file, see len */
	size_t len;
	char *filename; /* for a file upload (multipart), else NULL */
};

struct web_error {
	char field[64]; /* the form field at fault ("" for the page as a whole) */
	char message[768];
};

struct web_ctx {
	const struct app *app;
	struct http_req *req;
	struct http_resp *resp;
	struct html h;
	json_t *me;	  /* GET /api/me: {"user":{…}, "csrf_token"}; NULL when not signed in */
	const char *role; /* me.user.role, or "" */
	int64_t id[2];	  /* {id} segments of the page's path */
	struct web_field fields[WEB_MAX_FIELDS];
	size_t nfields;
	struct web_error errors[WEB_MAX_ERRORS];
	size_t nerrors;
	const char *idempotency_key; /* passed to the API on the next web_api call, if set */
	bool english;
	int refresh;	   /* > 0: the page reloads itself after this many seconds (meta refresh) */
	bool storage_full; /* an API call found no room to store (507): so does the page */
};

/* Pages, in web/pages_*.c. Roles as in api.h (ROLE_BIT); 0: anyone, signed in or not. */
typedef int (*web_page_fn)(struct web_ctx *w);
struct web_page {
	const char *method;  /* "GET" or "POST" */
	const char *pattern; /* "/patienter/{id}" */
	web_page_fn fn;
	unsigned roles;
};
const struct web_page *web_pages(size_t *n);

/* Serves a request that is not for /api/ or /healthz. */
void web_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp);

/* ---- Calling the API ---- */

/* Calls the API in-process as the signed-in user: method, path, query (NULL or pairs of key and
 * value ending with NULL), body (a JSON object, stolen; may be NULL). *out gets the answer (owned
 * by the caller, may be NULL). Returns the HTTP status. */
int web_api(struct web_ctx *w, const char *method, const char *path, const char *const *query,
	    json_t *body, json_t **out);
/* As web_api, with a body that is not JSON: data[0, len) sent as content_type (e.g. "text/csv"). */
int web_api_raw(struct web_ctx *w, const char *method, const char *path, const char *const *query,
		const char *content_type, const char *data, size_t len, json_t **out);
/* After a refused call: records the problem as an error of the form (its field, its message, and
 * the rule it names), mapped to the form's field names by the pairs in map ("api_field",
 * "form_field", …, NULL); unmapped fields keep their name. */
void web_problem(struct web_ctx *w, json_t *problem, const char *const *map);

/* ---- The request ---- */

/* A form field (urlencoded or multipart) or, for GET, a query argument; NULL when absent. */
const char *web_field(struct web_ctx *w, const char *name);
const struct web_field *web_file(struct web_ctx *w, const char *name);
/* A query argument. */
const char *web_query(struct web_ctx *w, const char *name);
/* Adds an error for a field (printf-style message). */
void web_error(struct web_ctx *w, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *web_error_for(struct web_ctx *w, const char *field);

/* ---- Answers ---- */

/* Starts a page: doctype, head, skip link, header with navigation for the role, <main>. */
void web_begin(struct web_ctx *w, const char *title);
/* Ends it: the error summary is written by web_begin when there are errors; footer, </html>. */
int web_end(struct web_ctx *w, unsigned status);
/* 303 See Other to a local path. */
int web_redirect(struct web_ctx *w, const char *path);
/* A whole page with a message (404, 403 …). */
int web_message(struct web_ctx *w, unsigned status, const char *title, const char *text);

/* ---- Form pieces (accessible: labels, errors tied to fields with aria-describedby) ---- */

/* <form method=post action=…> with the CSRF token; close with web_form_end. */
void web_form(struct web_ctx *w, const char *action, bool multipart);
void web_form_end(struct web_ctx *w, const char *button);
/* A labelled input; type is "text", "date", "number", "password", "tel" …; value may be NULL
 * (then the submitted value is kept). hint may be NULL. */
void web_input(struct web_ctx *w, const char *name, const char *label, const char *type,
	       const char *value, bool required, const char *hint);
/* A <select>: options are pairs of value and text ending with NULL. */
void web_select(struct web_ctx *w, const char *name, const char *label, const char *const *options,
		const char *selected);
/* A <select> of the rule parameters by their Swedish names (values: their keys); none is the text
 * of the first choice, which has no value. */
void web_param_select(struct web_ctx *w, const char *name, const char *label, const char *none);
/* A labelled <textarea> of five rows, keeping the submitted text. */
void web_textarea(struct web_ctx *w, const char *name, const char *label, bool required,
		  const char *hint);
/* The error message of a field, if any (id "NAME-fel"), for custom controls. */
void web_field_error(struct web_ctx *w, const char *name);

/* ---- Formatting ---- */

/* "182 223,00 kr" from öre, grouped with no-break spaces. */
void web_money(char out[32], int64_t ore);
/* "2026-11-23" or "2026-11-23T10:05…" as "23 november 2026" or "23 november 2026 kl. 10.05". */
void web_when(char out[48], const char *iso);
/* The Swedish name of a rule parameter ("lead_time_working_days": "Leveranstid, arbetsdagar efter
 * mottagningsdagen"); an unknown key as it is. */
const char *web_param_sv(const char *key);
/* A rule version ("B3:1@2023-06-21") as people cite it: "Specifikation B 3:1, beslut 2023-06-21",
 * "Beställningsrätt, beslut 2024-10-24" or "…, sedan före ändringsloggen". */
void web_rule_cite(const struct params *p, const char *ref, char out[96]);
/* A value of a JSON object as text ("" when absent), integer or bool. */
const char *web_s(json_t *o, const char *key);
int64_t web_i(json_t *o, const char *key);
bool web_b(json_t *o, const char *key);
/* Swedish names of API enumerations (status, kind, method, role, area …); unknown: the value. */
const char *web_sv(const char *value);

#endif
