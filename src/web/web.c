/* The web layer's machinery: dispatch, forms, in-process API calls, page frame and form pieces. */
#include "web/web.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/areas.h"
#include "rules/date.h"
#include "rules/params.h"

extern const char web_css[];

/* ---- Forms: libmicrohttpd's post processor reads urlencoded and multipart bodies ---- */

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *filename, const char *content_type,
				const char *transfer_encoding, const char *data, uint64_t off,
				size_t size)
{
	struct web_ctx *w = cls;
	struct web_field *f = w->nfields ? &w->fields[w->nfields - 1] : NULL;
	char *v;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (off == 0 || !f || strcmp(f->name, key) != 0) {
		if (w->nfields == WEB_MAX_FIELDS)
			return MHD_NO;
		f = &w->fields[w->nfields++];
		memset(f, 0, sizeof(*f));
		f->name = strdup(key);
		f->filename = filename ? strdup(filename) : NULL;
		f->value = calloc(1, 1);
		if (!f->name || !f->value || (filename && !f->filename))
			return MHD_NO;
	}
	if (size == 0)
		return MHD_YES;
	v = realloc(f->value, f->len + size + 1);
	if (!v)
		return MHD_NO;
	memcpy(v + f->len, data, size);
	f->len += size;
	v[f->len] = '\0';
	f->value = v;
	return MHD_YES;
}

static bool read_form(struct web_ctx *w)
{
	struct MHD_PostProcessor *pp;
	bool ok;

	if (w->req->body_len == 0)
		return true;
	pp = MHD_create_post_processor(w->req->conn, 16384, on_field, w);
	if (!pp)
		return false; /* not a form's content type */
	ok = MHD_post_process(pp, w->req->body, w->req->body_len) == MHD_YES;
	return MHD_destroy_post_processor(pp) == MHD_YES && ok;
}

static void free_form(struct web_ctx *w)
{
	for (size_t i = 0; i < w->nfields; i++) {
		free(w->fields[i].name);
		free(w->fields[i].value);
		free(w->fields[i].filename);
	}
	w->nfields = 0;
}

const char *web_field(struct web_ctx *w, const char *name)
{
	for (size_t i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i].name, name) == 0)
			return w->fields[i].value;
	return strcmp(w->req->method, "GET") == 0 ? web_query(w, name) : NULL;
}

const struct web_field *web_file(struct web_ctx *w, const char *name)
{
	for (size_t i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i].name, name) == 0)
			return &w->fields[i];
	return NULL;
}

const char *web_query(struct web_ctx *w, const char *name)
{
	return w->req->lookup(w->req->conn, HTTP_QUERY, name);
}

void web_error(struct web_ctx *w, const char *field, const char *fmt, ...)
{
	struct web_error *e;
	va_list ap;

	if (w->nerrors == WEB_MAX_ERRORS)
		return;
	e = &w->errors[w->nerrors++];
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

const char *web_error_for(struct web_ctx *w, const char *field)
{
	for (size_t i = 0; i < w->nerrors; i++)
		if (strcmp(w->errors[i].field, field) == 0)
			return w->errors[i].message;
	return NULL;
}

/* ---- In-process API calls ---- */

struct inner {
	struct web_ctx *w;
	const char *const *query;
	const char *content_type;
};

static const char *inner_lookup(void *conn, enum http_lookup kind, const char *key)
{
	struct inner *in = conn;
	struct web_ctx *w = in->w;

	switch (kind) {
	case HTTP_QUERY:
		for (const char *const *q = in->query; q && q[0]; q += 2)
			if (strcmp(q[0], key) == 0)
				return q[1];
		return NULL;
	case HTTP_HEADER:
		if (strcasecmp(key, "Content-Type") == 0)
			return in->content_type;
		/* The page checked the form's _csrf against the session before calling. */
		if (strcasecmp(key, "X-CSRF-Token") == 0)
			return w->me ? web_s(w->me, "csrf_token") : NULL;
		if (strcasecmp(key, "Idempotency-Key") == 0)
			return w->idempotency_key;
		if (strcasecmp(key, "Authorization") == 0)
			return NULL;
		return w->req->lookup(w->req->conn, kind, key); /* the trusted proxy's header */
	case HTTP_COOKIE:
		return w->req->lookup(w->req->conn, kind, key);
	}
	return NULL;
}

int web_api(struct web_ctx *w, const char *method, const char *path, const char *const *query,
	    json_t *body, json_t **out)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int status;

	json_decref(body);
	status = web_api_raw(w, method, path, query, "application/json", text,
			     text ? strlen(text) : 0, out);
	free(text);
	return status;
}

int web_api_raw(struct web_ctx *w, const char *method, const char *path, const char *const *query,
		const char *content_type, const char *data, size_t len, json_t **out)
{
	struct inner in = { .w = w, .query = query, .content_type = content_type };
	struct http_req req = { .method = method,
				.path = path,
				.body = data,
				.body_len = len,
				.lookup = inner_lookup,
				.conn = &in,
				.peer = w->req->peer,
				.arrived_ms = w->req->arrived_ms };
	struct http_resp resp = { .status = 500 };

	buf_init(&resp.body, 0);
	api_dispatch(w->app, &req, &resp);
	if (resp.status == 507)
		w->storage_full = true;
	if (out)
		*out = resp.body.len ? json_loadb(resp.body.data, resp.body.len, 0, NULL) : NULL;
	/* Pass the session cookie of a sign-in or sign-out on. */
	for (int i = 0; i < resp.nheaders; i++)
		if (strcmp(resp.headers[i].name, "Set-Cookie") == 0 &&
		    w->resp->nheaders < HTTP_MAX_HEADERS)
			w->resp->headers[w->resp->nheaders++] = resp.headers[i];
	buf_release(&resp.body);
	return (int)resp.status;
}

void web_problem(struct web_ctx *w, json_t *problem, const char *const *map)
{
	const char *field = web_s(problem, "field"), *detail = web_s(problem, "detail");
	const char *rule = web_s(problem, "rule");
	json_t *errors = json_object_get(problem, "errors"), *e;
	size_t i;

	/* A problem with every fault at once: each next to its field. */
	if (json_array_size(errors)) {
		json_array_foreach(errors, i, e) {
			json_t *one = json_pack("{s:s, s:s}", "field", web_s(e, "field"), "detail",
						web_s(e, "detail"));
			web_problem(w, one, map);
			json_decref(one);
		}
		return;
	}

	for (const char *const *m = map; m && m[0]; m += 2)
		if (strcmp(m[0], field) == 0) {
			field = m[1];
			break;
		}
	if (!*detail)
		detail = "Något gick fel. Försök igen.";
	if (*rule) {
		char cite[96];

		web_rule_cite(w->app->params, rule, cite);
		web_error(w, field, "%s (%s)", detail, cite);
	} else
		web_error(w, field, "%s", detail);
}

/* ---- Page frame ---- */

struct nav_item {
	unsigned roles;
	const char *href, *text;
};

#define R(r) ROLE_BIT(UR_##r)
static const struct nav_item nav[] = {
	{ R(PATIENT), "/mina-sidor", "Mina förskrivningar" },
	{ R(PATIENT), "/mina-bestallningar", "Mina beställningar" },
	{ R(PATIENT), "/mina-uppgifter", "Mina uppgifter" },
	{ R(PATIENT), "/vem-har-last", "Vem har läst mina uppgifter" },
	{ R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) | R(MUNICIPAL_ORDERER) | R(CUSTOMER_SERVICE),
	  "/patienter", "Patienter" },
	{ R(CUSTOMER_SERVICE), "/kontaktarenden", "Förseningar att ringa" },
	{ R(CUSTOMER_SERVICE), "/samtal", "Samtalslogg" },
	{ R(DISTRIBUTOR), "/plocklista", "Plocklista" },
	{ R(DISTRIBUTOR), "/leveranser", "Leveranser att registrera" },
	{ R(ADMIN), "/admin/sortiment", "Sortiment och priser" },
	{ R(ADMIN), "/admin/anvandare", "Användare" },
	{ R(ADMIN), "/admin/regler", "Regler" },
	{ R(ADMIN), "/admin/rapporter", "Uppföljning" },
	{ R(ADMIN), "/admin/fakturaunderlag", "Fakturaunderlag" },
	{ R(ADMIN), "/admin/drift", "Drift" },
	{ R(SECRETARY) | R(MEMBER), "/styrning", "Styrning och möten" },
	{ R(SECRETARY) | R(MEMBER) | R(ADMIN), "/styrning/andringslogg", "Ändringslogg" },
};
#undef R

void web_begin(struct web_ctx *w, const char *title)
{
	int role = w->me ? user_role_parse(w->role) : -1;

	html_f(&w->h,
	       "<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<title>%s%s – LMN</title>\n"
	       "<link rel=\"stylesheet\" href=\"/static/lmn.css\">\n",
	       w->nerrors ? "Fel: " : "", title);
	if (w->refresh > 0)
		html_f(&w->h, "<meta http-equiv=\"refresh\" content=\"%d\">\n", w->refresh);
	html_lit(&w->h,
		 "</head>\n<body>\n"
		 "<a class=\"skip\" href=\"#innehall\">Hoppa till innehållet</a>\n"
		 "<header class=\"top\">\n<div class=\"wrap\">\n"
		 "<a class=\"brand\" href=\"/\">LMN <span>läkemedelsnära produkter</span></a>\n");
	if (role >= 0) {
		json_t *u = json_object_get(w->me, "user");
		html_lit(&w->h, "<nav aria-label=\"Huvudmeny\">\n<ul>\n");
		for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
			if (!(nav[i].roles & ROLE_BIT(role)))
				continue;
			bool here = strncmp(w->req->path, nav[i].href, strlen(nav[i].href)) == 0;
			/* html_f escapes every %s, so the attribute is written as markup. */
			html_f(&w->h, "<li><a href=\"%s\"", nav[i].href);
			if (here)
				html_lit(&w->h, " aria-current=\"page\"");
			html_f(&w->h, ">%s</a></li>\n", nav[i].text);
		}
		html_lit(&w->h, "</ul>\n</nav>\n");
		html_f(&w->h, "<div class=\"who\"><span>%s (%s)</span>\n", web_s(u, "display_name"),
		       web_b(u, "delegate") ? "ombud" : web_sv(w->role));
		web_form(w, "/logga-ut", false);
		html_lit(
			&w->h,
			"<button type=\"submit\" class=\"link\">Logga ut</button>\n</form>\n</div>\n");
	}
	html_lit(&w->h,
		 "</div>\n</header>\n<main id=\"innehall\" class=\"wrap\" tabindex=\"-1\">\n");
	html_f(&w->h, "<h1>%s</h1>\n", title);
	if (w->nerrors) {
		html_lit(&w->h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
				"aria-labelledby=\"fel-rubrik\">\n<h2 id=\"fel-rubrik\">");
		html_f(&w->h, "%s</h2>\n<ul>\n",
		       w->nerrors == 1 ? "Det finns ett fel" : "Det finns fel");
		for (size_t i = 0; i < w->nerrors; i++) {
			if (*w->errors[i].field)
				html_f(&w->h, "<li><a href=\"#%s\">%s</a></li>\n",
				       w->errors[i].field, w->errors[i].message);
			else
				html_f(&w->h, "<li>%s</li>\n", w->errors[i].message);
		}
		html_lit(&w->h, "</ul>\n</div>\n");
	}
}

int web_end(struct web_ctx *w, unsigned status)
{
	html_lit(&w->h, "</main>\n<footer class=\"wrap\"><p>LMN – beställning och försörjning av "
			"läkemedelsnära produkter. Kundtjänst: " WEB_CUSTOMER_SERVICE_PHONE
			" (vardagar 8–17).</p>"
			"</footer>\n</body>\n</html>\n");
	w->resp->status = status;
	w->resp->type = "text/html; charset=utf-8";
	return (int)status;
}

int web_redirect(struct web_ctx *w, const char *path)
{
	struct http_resp *r = w->resp;

	buf_reset(&w->h.b);
	r->status = 303;
	r->type = "text/plain; charset=utf-8";
	if (r->nheaders < HTTP_MAX_HEADERS) {
		r->headers[r->nheaders].name = "Location";
		snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value), "%s", path);
		r->nheaders++;
	}
	return 303;
}

int web_message(struct web_ctx *w, unsigned status, const char *title, const char *text)
{
	buf_reset(&w->h.b);
	web_begin(w, title);
	html_f(&w->h, "<p>%s</p>\n<p><a href=\"/\">Till startsidan</a></p>\n", text);
	return web_end(w, status);
}

/* ---- Form pieces ---- */

void web_form(struct web_ctx *w, const char *action, bool multipart)
{
	/* html_f escapes every %s, so the enctype attribute is written as markup. */
	html_f(&w->h, "<form method=\"post\" action=\"%s\"", action);
	if (multipart)
		html_lit(&w->h, " enctype=\"multipart/form-data\"");
	html_f(&w->h, ">\n<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n",
	       w->me ? web_s(w->me, "csrf_token") : "");
}

void web_form_end(struct web_ctx *w, const char *button)
{
	html_f(&w->h, "<button type=\"submit\">%s</button>\n</form>\n", button);
}

void web_field_error(struct web_ctx *w, const char *name)
{
	const char *e = web_error_for(w, name);

	if (e)
		html_f(&w->h,
		       "<p class=\"field-error\" id=\"%s-fel\"><span class=\"sr\">Fel: </span>%s</p>\n",
		       name, e);
}

/* A field's label, hint and error, before its control. */
static void field_start(struct web_ctx *w, const char *name, const char *label, const char *hint,
			const char *e)
{
	html_f(&w->h, "<div class=\"field%s\">\n<label for=\"%s\">%s</label>\n",
	       e ? " invalid" : "", name, label);
	if (hint)
		html_f(&w->h, "<p class=\"hint\" id=\"%s-hint\">%s</p>\n", name, hint);
	web_field_error(w, name);
}

/* The control's attributes that tie it to its hint and error. */
static void field_aria(struct web_ctx *w, const char *name, const char *hint, const char *e)
{
	if (hint || e) {
		html_lit(&w->h, " aria-describedby=\"");
		if (hint)
			html_f(&w->h, "%s-hint", name);
		if (hint && e)
			html_lit(&w->h, " ");
		if (e)
			html_f(&w->h, "%s-fel", name);
		html_lit(&w->h, "\"");
	}
	if (e)
		html_lit(&w->h, " aria-invalid=\"true\"");
}

void web_input(struct web_ctx *w, const char *name, const char *label, const char *type,
	       const char *value, bool required, const char *hint)
{
	const char *e = web_error_for(w, name);

	if (!value)
		value = web_field(w, name);
	field_start(w, name, label, hint, e);
	html_f(&w->h, "<input id=\"%s\" name=\"%s\" type=\"%s\" value=\"%s\"%s", name, name, type,
	       value ? value : "", required ? " required" : "");
	field_aria(w, name, hint, e);
	html_lit(&w->h, ">\n</div>\n");
}

void web_textarea(struct web_ctx *w, const char *name, const char *label, bool required,
		  const char *hint)
{
	const char *e = web_error_for(w, name), *value = web_field(w, name);

	field_start(w, name, label, hint, e);
	html_f(&w->h, "<textarea id=\"%s\" name=\"%s\" rows=\"5\"%s", name, name,
	       required ? " required" : "");
	field_aria(w, name, hint, e);
	html_f(&w->h, ">%s</textarea>\n</div>\n", value ? value : "");
}

void web_select(struct web_ctx *w, const char *name, const char *label, const char *const *options,
		const char *selected)
{
	const char *e = web_error_for(w, name);

	if (!selected)
		selected = web_field(w, name);
	html_f(&w->h, "<div class=\"field%s\">\n<label for=\"%s\">%s</label>\n",
	       e ? " invalid" : "", name, label);
	web_field_error(w, name);
	html_f(&w->h, "<select id=\"%s\" name=\"%s\"", name, name);
	if (e)
		html_f(&w->h, " aria-describedby=\"%s-fel\" aria-invalid=\"true\"", name);
	html_lit(&w->h, ">\n");
	for (const char *const *o = options; o[0]; o += 2)
		html_f(&w->h, "<option value=\"%s\"%s>%s</option>\n", o[0],
		       selected && strcmp(selected, o[0]) == 0 ? " selected" : "", o[1]);
	html_lit(&w->h, "</select>\n</div>\n");
}

void web_param_select(struct web_ctx *w, const char *name, const char *label, const char *none)
{
	const char *opts[2 * P__COUNT + 3];
	size_t n = 0;

	opts[n++] = "";
	opts[n++] = none;
	for (int id = 0; id < P__COUNT; id++) {
		opts[n++] = param_def((enum param_id)id)->key;
		opts[n++] = web_param_sv(param_def((enum param_id)id)->key);
	}
	opts[n] = NULL;
	web_select(w, name, label, opts, NULL);
}

/* ---- Formatting ---- */

void web_money(char out[32], int64_t ore)
{
	/* "182 223,00 kr": groups of three with a no-break space, so an amount never wraps. An
	 * amount too long to group in 32 bytes (over 10^15 kr) is written ungrouped: that fits. */
	uint64_t abs = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
	char digits[24];
	int nd = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(abs / 100));
	size_t need = (ore < 0 ? 3 : 0) + (size_t)nd + 2 * (size_t)((nd - 1) / 3) + 3 + 4 + 1;
	bool group = need <= 32;
	size_t o = 0;

	if (ore < 0) {
		memcpy(out, "\xe2\x88\x92", 3); /* U+2212 MINUS SIGN */
		o = 3;
	}
	for (int i = 0; i < nd; i++) {
		if (group && i > 0 && (nd - i) % 3 == 0) {
			out[o++] = '\xc2';
			out[o++] = '\xa0';
		}
		out[o++] = digits[i];
	}
	out[o++] = ',';
	out[o++] = (char)('0' + abs % 100 / 10);
	out[o++] = (char)('0' + abs % 10);
	memcpy(out + o, "\xc2\xa0kr", 5); /* with its '\0' */
}

void web_when(char out[48], const char *iso)
{
	static const char *const months[] = { "januari",   "februari", "mars",	   "april",
					      "maj",	   "juni",     "juli",	   "augusti",
					      "september", "oktober",  "november", "december" };
	int y, m, d, hh, mm;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
		snprintf(out, 48, "%s", iso);
		return;
	}
	if (strlen(iso) >= 16 && sscanf(iso + 11, "%2d:%2d", &hh, &mm) == 2)
		snprintf(out, 48, "%d %s %d kl. %02d.%02d", d, months[m - 1], y, hh, mm);
	else
		snprintf(out, 48, "%d %s %d", d, months[m - 1], y);
}

/* Swedish names of the rule parameters (data/rules/README.md). */
const char *web_param_sv(const char *key)
{
	static const char *const names[] = {
		"lead_time_working_days",
		"Leveranstid, arbetsdagar efter mottagningsdagen",
		"preparation_it_limit_kr",
		"Beredningsgruppers gräns för IT-anpassningar, kronor",
		"forum_notice_days",
		"Kallelse till Hjälpmedelsforum, dagar före mötet",
		"delivery_window_start",
		"Leveransfönstret börjar",
		"delivery_window_end",
		"Leveransfönstret slutar",
		"partial_delivery_only_backorder",
		"Delleverans bara när leverantören har restnoterat",
		"non_working_eves",
		"Aftnar som inte är arbetsdagar",
		"order_cutoff",
		"Sista tid för akut- och expressbeställning",
		"acute_lead_working_days",
		"Leveranstid för akut leverans, arbetsdagar",
		"acute_requesters",
		"Vem får begära akut leverans",
		"acute_articles",
		"Artiklar som får levereras akut",
		"acute_after_cutoff",
		"Akut beställning efter sista tid eller en helgdag",
		"express_offered",
		"Expressleverans erbjuds",
		"express_areas",
		"Produktområden för expressleverans",
		"express_requesters",
		"Vem får begära expressleverans",
		"express_articles",
		"Artiklar som får levereras express",
		"delay_contact_after_days",
		"Patienten kontaktas när leveransen dröjt mer än, dagar",
		"delay_contact_day_kind",
		"Dagarna räknas som",
		"delay_contact_exempt_special",
		"Specialprodukter som inte lagerförs undantas",
		"phone_answer_minutes",
		"Samtal räknas som besvarat i tid inom, minuter",
		"phone_answer_target",
		"Mål för telefontillgänglighet",
		"delivery_reliability_target",
		"Mål för leveranssäkerhet",
		"withdrawal_entry_roles",
		"Vem får registrera uttag",
		"municipal_entry_housing_only",
		"Kommunal personal registrerar bara för kommunalt boende",
		"prescription_max_validity_months",
		"En förskrivning gäller högst, månader",
		"next_withdrawal_fraction",
		"Nästa uttag tidigast efter denna andel av perioden",
		"care_relationship_days",
		"En vårdrelation som förskrivaren registrerar gäller, dagar",
		"id_number_search_limit",
		"Sökningar på personnummer per användare inom tidsfönstret",
		"id_number_search_window_minutes",
		"Tidsfönstret för sökningar på personnummer, minuter",
		"distributor_history_days",
		"Distributören ser levererade och returnerade beställningar, dagar",
		NULL,
	};

	for (const char *const *n = names; *n; n += 2)
		if (strcmp(n[0], key) == 0)
			return n[1];
	return key;
}

void web_rule_cite(const struct params *p, const char *ref, char out[96])
{
	const char *at = strchr(ref, '@');
	size_t nsec = at ? (size_t)(at - ref) : strlen(ref);
	const struct param_source *src = NULL;
	const struct rule_section *secs;
	size_t nsecs;
	char name[64], day[11];

	for (size_t i = 0; p && i < p->nsources; i++)
		if (strcmp(p->sources[i]->ref, ref) == 0)
			src = p->sources[i];
	/* A section of the specification ("B3:1") is cited as people cite it: "Specifikation B 3:1". */
	if (nsec >= 1 && nsec < 48 && ref[0] >= 'A' && ref[0] <= 'Z' &&
	    (nsec == 1 || ref[1] == ':' || (ref[1] >= '0' && ref[1] <= '9'))) {
		/* "D:utfall" names a rule of section D: "Specifikation D, utfall" */
		if (nsec > 2 && ref[1] == ':')
			snprintf(name, sizeof(name), "Specifikation %c, %.*s", ref[0],
				 (int)(nsec - 2), ref + 2);
		else
			snprintf(name, sizeof(name), "Specifikation %c%s%.*s", ref[0],
				 nsec > 1 ? " " : "", (int)(nsec - 1), ref + 1);
	} else {
		snprintf(name, sizeof(name), "%s", "Regel");
		secs = rule_sections(&nsecs);
		for (size_t i = 0; i < nsecs; i++)
			if (strlen(secs[i].id) == nsec && memcmp(secs[i].id, ref, nsec) == 0) {
				const char *paren = strstr(secs[i].title, " (");
				int len = paren ? (int)(paren - secs[i].title)
						: (int)strlen(secs[i].title);

				snprintf(name, sizeof(name), "%.*s", len, secs[i].title);
			}
	}
	if (src && src->original)
		snprintf(out, 96, "%s, sedan före ändringsloggen", name);
	else if (src) {
		date_format(src->decided, day);
		snprintf(out, 96, "%s, beslut %s", name, day);
	} else if (at)
		snprintf(out, 96, "%s, från %.10s", name, at + 1);
	else
		snprintf(out, 96, "%s", name);
}

const char *web_s(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

int64_t web_i(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

bool web_b(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

const char *web_sv(const char *value)
{
	static const char *const names[] = {
		"patient",
		"patient",
		"prescriber",
		"förskrivare",
		"municipal_prescriber",
		"kommunal förskrivare",
		"municipal_orderer",
		"kommunal beställare",
		"customer_service",
		"kundtjänst",
		"distributor",
		"distributör",
		"admin",
		"förvaltning",
		"secretary",
		"sekreterare",
		"member",
		"ledamot",
		"normal",
		"normal",
		"acute",
		"akut",
		"express",
		"express",
		"received",
		"mottagen",
		"partially_shipped",
		"delvis skickad",
		"shipped",
		"skickad",
		"partially_delivered",
		"delvis levererad",
		"delivered",
		"levererad",
		"returned",
		"returnerad",
		"not_collected",
		"ej uthämtad",
		"cancelled",
		"makulerad",
		"home",
		"hemleverans",
		"pickup_point",
		"utlämningsställe",
		"care_unit",
		"vårdenhet",
		"active",
		"aktiv",
		"expired",
		"utgången",
		"fully_withdrawn",
		"alla uttag gjorda",
		"used_up",
		"förbrukad",
		"digital",
		"digitalt",
		"municipal",
		"kommunen",
		"read",
		"läste",
		"create",
		"registrerade",
		"update",
		"ändrade",
		"running",
		"pågår",
		"done",
		"klar",
		"failed",
		"misslyckades",
		"reading",
		"läser filen",
		"writing",
		"sparar artiklarna",
		"stocked",
		"lagerlagda artiklar",
		"acute_assortment",
		"akutsortimentet",
		"next_working_day",
		"räknas som mottagen nästa arbetsdag",
		"refuse",
		"avvisas",
		"working_days",
		"arbetsdagar",
		"calendar_days",
		"kalenderdagar",
		"midsummer_eve",
		"midsommarafton",
		"christmas_eve",
		"julafton",
		"new_years_eve",
		"nyårsafton",
		"none",
		"ingen",
		"reached",
		"nådde patienten",
		"not_reached",
		"nådde inte patienten",
		"message_left",
		"lämnade meddelande",
		NULL,
	};

	for (const char *const *n = names; *n; n += 2)
		if (strcmp(n[0], value) == 0)
			return n[1];
	/* A product area by its Swedish name from the list (issue 18: the areas are data). */
	int a = area_parse(value, strlen(value));
	return a >= 0 ? area_title(a) : value;
}

/* ---- Dispatch ---- */

static bool csrf_ok(struct web_ctx *w)
{
	const char *sent = web_field(w, "_csrf");
	const char *want = w->me ? web_s(w->me, "csrf_token") : "";

	return sent && *want && strlen(sent) == strlen(want) &&
	       sodium_memcmp(sent, want, strlen(want)) == 0;
}

void web_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp)
{
	struct web_ctx w;
	const struct web_page *pages, *p = NULL;
	size_t n;
	bool path_known = false;
	int role;

	if (strcmp(req->path, "/static/lmn.css") == 0) {
		resp->status = 200;
		resp->type = "text/css; charset=utf-8";
		buf_adds(&resp->body, web_css);
		return;
	}
	memset(&w, 0, sizeof(w));
	/* The rule set in force when the page starts, as the API reads it per request
	 * (api/router.c); a decision recorded meanwhile applies from the next request. */
	struct app snapshot;
	if (app->cfg.rules) {
		snapshot = *app;
		snapshot.params = api_params_now(app);
		app = &snapshot;
	}
	w.app = app;
	w.req = req;
	w.resp = resp;
	w.h.b = resp->body;
	if (web_api(&w, "GET", "/api/me", NULL, NULL, &w.me) != 200) {
		json_decref(w.me);
		w.me = NULL;
	}
	w.role = w.me ? web_s(json_object_get(w.me, "user"), "role") : "";
	role = w.me ? user_role_parse(w.role) : -1;

	pages = web_pages(&n);
	for (size_t i = 0; i < n && !p; i++) {
		int64_t id[2] = { 0, 0 };
		if (!api_match(pages[i].pattern, req->path, id))
			continue;
		path_known = true;
		if (strcmp(req->method, pages[i].method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 && strcmp(pages[i].method, "GET") == 0)) {
			p = &pages[i];
			memcpy(w.id, id, sizeof(id));
		}
	}
	if (!p) {
		web_message(&w, path_known ? 405 : 404,
			    path_known ? "Det går inte att göra så här" : "Sidan finns inte",
			    path_known
				    ? "Sidan kan inte ta emot den här sortens begäran."
				    : "Adressen finns inte i LMN. Kontrollera den, eller gå till "
				      "startsidan.");
		goto out;
	}
	if (p->roles && role < 0) {
		web_redirect(&w, "/logga-in");
		goto out;
	}
	if (p->roles && !(p->roles & ROLE_BIT(role))) {
		web_message(&w, 403, "Du har inte behörighet",
			    "Din roll får inte använda den här sidan.");
		goto out;
	}
	if (strcmp(req->method, "POST") == 0) {
		if (!read_form(&w)) {
			web_message(&w, 400, "Formuläret kunde inte läsas",
				    "Skicka formuläret från sidan igen.");
			goto out;
		}
		if (w.me && !csrf_ok(&w)) {
			web_message(&w, 403, "Formuläret har gått ut",
				    "Ladda om sidan och skicka formuläret igen.");
			goto out;
		}
	}
	p->fn(&w);
out:
	/* Whatever the page made of it (a 500, or a sign-in page when /api/me could not log the
	 * session's use), the user is told that the storage is full. */
	if (w.storage_full) {
		int kept = 0;

		for (int i = 0; i < resp->nheaders; i++) /* no redirect */
			if (strcmp(resp->headers[i].name, "Location") != 0)
				resp->headers[kept++] = resp->headers[i];
		resp->nheaders = kept;
		web_message(&w, 507, "Lagringsutrymmet är slut", API_STORAGE_FULL);
	}
	resp->body = w.h.b;
	if (!resp->type)
		resp->type = "text/html; charset=utf-8";
	json_decref(w.me);
	free_form(&w);
}
