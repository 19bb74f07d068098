/* The supply administration's pages: the assortment with the prices in force, importing an
 * assortment file (with its progress and every error), setting one article's price (a one-row
 * import, so the rule that past prices stay as they were is the import's), staff accounts and
 * their API tokens, and every rule parameter as in force on a chosen date with its source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/assortment_csv.h"
#include "codec/csv.h"
#include "rules/areas.h"
#include "util/clock.h"
#include "web/pages.h"

static void today_text(char out[11])
{
	struct clock_now now;
	struct lmn_err err;

	if (clock_now(&now, &err) == LMN_OK)
		date_format(now.day, out);
	else
		out[0] = '\0';
}

static void short_time(char out[17], const char *iso)
{
	snprintf(out, 17, "%.16s", iso);
	if (out[10] == 'T')
		out[10] = ' ';
}

static void notice(struct web_ctx *w, const char *text)
{
	html_f(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>%s</strong></p></div>\n",
	       text);
}

/* An import error's message without its "rad N, kolumn X: " or "rad N: ", which the table's own
 * columns show (issue 20); the message itself when it has neither. */
static const char *error_text(const char *msg)
{
	const char *p = msg;

	if (strncmp(p, "rad ", 4) != 0)
		return msg;
	p += 4;
	if (*p < '0' || *p > '9')
		return msg;
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, ", kolumn ", 9) == 0 && strstr(p, ": "))
		p = strstr(p, ": ");
	if (strncmp(p, ": ", 2) != 0)
		return msg;
	return p + 2;
}

/* ---- Assortment and prices ---- */

/* The area filter's options: all, then every product area of the list (issue 18: data). */
static void area_options(const char **opts)
{
	int n = 0, count = area_count();

	opts[n++] = "";
	opts[n++] = "Alla områden";
	for (int a = 0; a < count; a++) {
		opts[n++] = area_name(a);
		opts[n++] = area_title(a);
	}
	opts[n] = NULL;
}

/* The assortment file's format, in Swedish (issue 20). The English headings of older files
 * (article_number …) are read as well. */
static void format_table(struct web_ctx *w)
{
	static const char *const cols[][3] = {
		{ "artikelnummer",
		  "1–32 tecken: A–Z, a–z, 0–9, bindestreck, punkt, snedstreck eller "
		  "understreck. Ett nummer får finnas en gång i filen.",
		  "ja" },
		{ "namn", "Artikelns namn, som förskrivare och patienter ser det.", "ja" },
		{ "område", "Produktområdets namn, till exempel Nutrition eller Inkontinens.",
		  "ja" },
		{ "enhet", "Förpackningens enhet, till exempel förp eller st.", "ja" },
		{ "förpackningsstorlek", "Antal per förpackning, ett heltal.", "ja" },
		{ "leverantör", "Leverantörens namn.", "ja" },
		{ "lagerlagd", "ja eller nej.", "ja" },
		{ "akutsortiment", "ja eller nej; ja bara för en lagerlagd artikel. Tomt är nej.",
		  "nej" },
		{ "specialprodukt",
		  "ja eller nej. En specialprodukt är inte lagerlagd. Tomt är nej.", "nej" },
		{ "pris", "Pris i kronor med högst två decimaler, till exempel 81,55.", "ja" },
		{ "pris_från", "Datum ÅÅÅÅ-MM-DD då priset börjar gälla. Tomt: datumet ovan.",
		  "nej" },
	};

	html_lit(&w->h,
		 "<h3>Filens format</h3>\n<p>Semikolon eller komma mellan fälten, en artikel "
		 "per rad, kolumnerna i valfri ordning. Stora eller små bokstäver spelar ingen "
		 "roll, och å, ä och ö kan skrivas a, a och o. Äldre filer med engelska "
		 "kolumnnamn läses också.</p>\n");
	html_lit(&w->h, "<table class=\"responsive\">\n<caption>Kolumnerna i sortimentsfilen"
			"</caption>\n<thead><tr><th scope=\"col\">Kolumn</th>"
			"<th scope=\"col\">Innehåll</th><th scope=\"col\">Krävs</th></tr></thead>\n"
			"<tbody>\n");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		html_f(&w->h,
		       "<tr><th scope=\"row\" data-label=\"Kolumn\"><code>%s</code></th>"
		       "<td data-label=\"Innehåll\">%s</td><td data-label=\"Krävs\">%s</td></tr>\n",
		       cols[i][0], cols[i][1], cols[i][2]);
	html_lit(&w->h, "</tbody>\n</table>\n");
}

static void upload_form(struct web_ctx *w)
{
	const char *e = web_error_for(w, "fil");

	html_lit(&w->h,
		 "<h2>Importera en sortimentsfil</h2>\n<p>Filen är en CSV-fil med rubrikrad "
		 "(till exempel en export från Excel som ”CSV UTF-8”). Alla rader importeras, "
		 "eller ingen: finns det fel visas vart och ett med sin rad.</p>\n");
	web_form(w, "/admin/sortiment/import", true);
	html_f(&w->h, "<div class=\"field%s\">\n<label for=\"fil\">Sortimentsfil (CSV)</label>\n",
	       e ? " invalid" : "");
	html_lit(&w->h,
		 "<p class=\"hint\" id=\"fil-hint\">Rubrikraden har kolumnerna artikelnummer, "
		 "namn, område, enhet, förpackningsstorlek, leverantör, lagerlagd och pris, och "
		 "kan ha akutsortiment, specialprodukt och pris_från. Se filens format "
		 "nedan.</p>\n");
	web_field_error(w, "fil");
	html_lit(&w->h,
		 "<input id=\"fil\" name=\"fil\" type=\"file\" accept=\".csv,text/csv\" required");
	if (e)
		html_lit(&w->h,
			 " aria-describedby=\"fil-hint fil-fel\" aria-invalid=\"true\">\n</div>\n");
	else
		html_lit(&w->h, " aria-describedby=\"fil-hint\">\n</div>\n");
	web_input(w, "pris_fran", "Priserna gäller från (för rader utan pris_från)", "date", NULL,
		  false,
		  "Lämna tomt för i dag. Ett pris som redan har gällt kan inte ändras i "
		  "efterhand.");
	web_form_end(w, "Ladda upp och importera");
	html_lit(&w->h, "<p><a href=\"/admin/importer\">Tidigare importer</a></p>\n");
	format_table(w);
}

static void articles_table(struct web_ctx *w)
{
	const char *area = web_query(w, "omrade"), *q = web_query(w, "q");
	const char *query[7] = { "limit", "1000", NULL, NULL, NULL, NULL, NULL };
	size_t nq = 2, i;
	json_t *out = NULL, *a;

	if (area && *area) {
		query[nq++] = "area";
		query[nq++] = area;
	}
	if (q && *q) {
		query[nq++] = "q";
		query[nq++] = q;
	}
	html_lit(&w->h, "<h2>Artiklar</h2>\n<form method=\"get\" action=\"/admin/sortiment\">\n");
	const char *areas[2 + 2 * AREA_MAX + 1];
	area_options(areas);
	web_select(w, "omrade", "Produktområde", areas, area ? area : "");
	web_input(w, "q", "Sök på namn", "search", q ? q : "", false, NULL);
	html_lit(&w->h, "<button type=\"submit\">Sök</button>\n</form>\n");
	if (web_api(w, "GET", "/api/articles", query, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "articles"))) {
		html_lit(&w->h, "<p>Inga artiklar matchar.</p>\n");
		json_decref(out);
		return;
	}
	/* A scroll region of its own, so a wide table never widens the page (issue 20). */
	html_lit(&w->h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
			"aria-label=\"Artiklar och priser\">\n");
	html_f(&w->h,
	       "<table class=\"responsive compact\">\n<caption>%zu artiklar med priset som "
	       "gäller %s</caption>\n",
	       json_array_size(json_object_get(out, "articles")), web_s(out, "prices_on"));
	html_lit(&w->h, "<thead><tr><th scope=\"col\">Artikelnummer</th><th scope=\"col\">Namn</th>"
			"<th scope=\"col\">Område</th><th scope=\"col\">Förpackning</th>"
			"<th scope=\"col\">Leverantör</th><th scope=\"col\">Lagerlagd</th>"
			"<th scope=\"col\">Akutsortiment</th><th scope=\"col\">Specialprodukt</th>"
			"<th scope=\"col\" class=\"num\">Pris i dag</th><th scope=\"col\">Pris</th>"
			"</tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(out, "articles"), i, a) {
		char price[32] = "saknas";
		json_t *p = json_object_get(a, "price_ore");
		if (json_is_integer(p))
			web_money(price, json_integer_value(p));
		html_f(&w->h,
		       "<tr><th scope=\"row\" data-label=\"Artikelnummer\">%s</th>"
		       "<td data-label=\"Namn\">%s</td><td data-label=\"Område\">%s</td>"
		       "<td data-label=\"Förpackning\">%lld %s</td>"
		       "<td data-label=\"Leverantör\">%s</td><td data-label=\"Lagerlagd\">%s</td>"
		       "<td data-label=\"Akutsortiment\">%s</td>"
		       "<td data-label=\"Specialprodukt\">%s</td>"
		       "<td data-label=\"Pris i dag\" class=\"num\">%s</td>"
		       "<td data-label=\"Pris\"><a href=\"/admin/priser?artikel=%s\">Sätt pris "
		       "<span class=\"sr\">för %s</span></a></td></tr>\n",
		       web_s(a, "article_number"), web_s(a, "name"), web_sv(web_s(a, "area")),
		       (long long)web_i(a, "package_size"), web_s(a, "unit"), web_s(a, "supplier"),
		       web_b(a, "stocked") ? "ja" : "nej",
		       web_b(a, "acute_assortment") ? "ja" : "nej",
		       web_b(a, "special") ? "ja" : "nej", price, web_s(a, "article_number"),
		       web_s(a, "name"));
	}
	html_lit(&w->h, "</tbody>\n</table>\n</div>\n");
	if (json_array_size(json_object_get(out, "articles")) == 1000)
		html_lit(&w->h,
			 "<p>Bara de första 1 000 artiklarna visas. Välj ett produktområde eller "
			 "sök på namn för att hitta andra.</p>\n");
	json_decref(out);
}

static int assortment_page(struct web_ctx *w, unsigned status)
{
	web_begin(w, "Sortiment och priser");
	if (web_query(w, "pris"))
		notice(w, "Det nya priset är sparat.");
	upload_form(w);
	articles_table(w);
	return web_end(w, status);
}

int page_admin_assortment(struct web_ctx *w)
{
	return assortment_page(w, 200);
}

int page_admin_import_post(struct web_ctx *w)
{
	const struct web_field *f = web_file(w, "fil");
	const char *from = web_field(w, "pris_fran");
	const char *query[5] = { NULL, NULL, NULL, NULL, NULL };
	const char *map[] = { "price_from", "pris_fran", "body", "fil", "Content-Type",
			      "fil",	    "filename",	 "fil",	 NULL };
	size_t nq = 0;
	json_t *out = NULL;
	char path[48];
	int status;

	lmn_day day;

	if (!f || f->len == 0)
		web_error(w, "fil", "Välj en CSV-fil med sortimentet att ladda upp.");
	if (from && *from && date_parse(from, strlen(from), &day) != LMN_OK)
		web_error(w, "pris_fran", "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-01.");
	if (w->nerrors)
		return assortment_page(w, 400);
	if (f->filename && *f->filename) {
		query[nq++] = "filename";
		query[nq++] = f->filename;
	}
	if (from && *from) {
		query[nq++] = "price_from";
		query[nq++] = from;
	}
	status = web_api_raw(w, "POST", "/api/article-imports", query, "text/csv", f->value, f->len,
			     &out);
	if (status != 202) {
		web_problem(w, out, map);
		json_decref(out);
		return assortment_page(w, status >= 400 ? (unsigned)status : 422);
	}
	snprintf(path, sizeof(path), "/admin/importer/%lld", (long long)web_i(out, "id"));
	json_decref(out);
	return web_redirect(w, path);
}

/* Finds an article of the assortment by its number; *out is the article (owned by the caller). */
static bool find_article(struct web_ctx *w, const char *number, json_t **out)
{
	const char *query[] = { "limit", "1000", NULL };
	json_t *list = NULL, *a;
	size_t i;

	*out = NULL;
	if (!number || web_api(w, "GET", "/api/articles", query, NULL, &list) != 200) {
		json_decref(list);
		return false;
	}
	json_array_foreach(json_object_get(list, "articles"), i, a)
		if (strcmp(web_s(a, "article_number"), number) == 0) {
			*out = json_incref(a);
			break;
		}
	json_decref(list);
	return *out != NULL;
}

static int price_page(struct web_ctx *w, json_t *a, unsigned status)
{
	char price[32] = "inget pris", today[11], title[96];
	json_t *p = json_object_get(a, "price_ore");

	today_text(today);
	if (json_is_integer(p))
		web_money(price, json_integer_value(p));
	snprintf(title, sizeof(title), "Sätt pris för %s", web_s(a, "article_number"));
	web_begin(w, title);
	html_f(&w->h,
	       "<dl class=\"facts\">\n<dt>Artikel</dt><dd>%s %s</dd>\n<dt>Förpackning</dt>"
	       "<dd>%lld %s</dd>\n<dt>Leverantör</dt><dd>%s</dd>\n<dt>Pris i dag</dt><dd>%s</dd>\n"
	       "</dl>\n",
	       web_s(a, "article_number"), web_s(a, "name"), (long long)web_i(a, "package_size"),
	       web_s(a, "unit"), web_s(a, "supplier"), price);
	html_lit(&w->h,
		 "<p>Det nya priset sparas som en import av en rad och gäller från det datum du "
		 "anger. Ett pris som redan har gällt kan inte ändras i efterhand, eftersom "
		 "leveranser kan vara prissatta med det.</p>\n");
	web_form(w, "/admin/priser", false);
	html_f(&w->h, "<input type=\"hidden\" name=\"artikel\" value=\"%s\">\n",
	       web_s(a, "article_number"));
	web_input(w, "pris", "Nytt pris i kronor", "text", NULL, true,
		  "Högst två decimaler, till exempel 81,55.");
	web_input(w, "giltig_fran", "Gäller från", "date",
		  strcmp(w->req->method, "POST") == 0 ? NULL : today, true,
		  "I dag eller ett senare datum.");
	web_form_end(w, "Spara priset");
	html_lit(&w->h, "<p><a href=\"/admin/sortiment\">Tillbaka till sortimentet</a></p>\n");
	return web_end(w, status);
}

int page_admin_price(struct web_ctx *w)
{
	json_t *a = NULL;
	int rc;

	if (!find_article(w, web_query(w, "artikel"), &a))
		return web_message(w, 404, "Artikeln finns inte",
				   "Det finns ingen aktiv artikel med det artikelnumret.");
	rc = price_page(w, a, 200);
	json_decref(a);
	return rc;
}

/* A CSV field, quoted (RFC 4180), so that a ';' or '"' in a name cannot shift the columns, and
 * the separator after it (';', or the line end when last). */
static void csv_field(struct buf *b, const char *s, bool last)
{
	csv_add_field_verbatim(b, s, ';');
	buf_adds(b, last ? "\r\n" : ";");
}

/* Waits briefly for a one-row import to finish; returns its final state (owned by the caller), or
 * NULL when it is still running. */
static json_t *import_outcome(struct web_ctx *w, int64_t id)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char path[48];

	snprintf(path, sizeof(path), "/api/article-imports/%lld", (long long)id);
	for (int i = 0; i < 100; i++) {
		json_t *o = NULL;
		if (web_api(w, "GET", path, NULL, NULL, &o) == 200 &&
		    strcmp(web_s(o, "state"), "running") != 0)
			return o;
		json_decref(o);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int page_admin_price_post(struct web_ctx *w)
{
	const char *number = web_field(w, "artikel"), *price = web_field(w, "pris");
	const char *from = web_field(w, "giltig_fran");
	const char *map[] = { "price", "pris", "price_from", "giltig_fran", "body", "pris", NULL };
	json_t *a = NULL, *out = NULL, *e;
	struct lmn_err err;
	struct buf csv;
	lmn_day day;
	int64_t ore, id;
	size_t i;
	char path[64];
	int status;

	if (!find_article(w, number, &a))
		return web_message(w, 404, "Artikeln finns inte",
				   "Det finns ingen aktiv artikel med det artikelnumret.");
	if (!price || assortment_parse_price(price, strlen(price), &ore, &err) != LMN_OK)
		web_error(w, "pris",
			  "Ange priset i kronor med högst två decimaler, till exempel 81,55.");
	if (!from || date_parse(from, strlen(from), &day) != LMN_OK)
		web_error(w, "giltig_fran", "Ange från vilket datum priset gäller (ÅÅÅÅ-MM-DD).");
	if (w->nerrors) {
		status = price_page(w, a, 400);
		json_decref(a);
		return status;
	}
	/* The article as it is, with the new price: a one-row assortment file. */
	buf_init(&csv, 1 << 16);
	buf_adds(&csv, "article_number;name;area;unit;package_size;supplier;stocked;"
		       "acute_assortment;special;price;price_from\r\n");
	csv_field(&csv, web_s(a, "article_number"), false);
	csv_field(&csv, web_s(a, "name"), false);
	csv_field(&csv, web_s(a, "area"), false);
	csv_field(&csv, web_s(a, "unit"), false);
	buf_addf(&csv, "%lld;", (long long)web_i(a, "package_size"));
	csv_field(&csv, web_s(a, "supplier"), false);
	buf_addf(&csv, "%s;%s;%s;", web_b(a, "stocked") ? "ja" : "nej",
		 web_b(a, "acute_assortment") ? "ja" : "nej", web_b(a, "special") ? "ja" : "nej");
	csv_field(&csv, price, false);
	csv_field(&csv, from, true);
	snprintf(path, sizeof(path), "pris-%s.csv", web_s(a, "article_number"));
	const char *query[] = { "filename", path, NULL };
	status = csv.failed ? 500
			    : web_api_raw(w, "POST", "/api/article-imports", query, "text/csv",
					  csv.data, csv.len, &out);
	buf_release(&csv);
	if (status != 202) {
		web_problem(w, out, map);
		json_decref(out);
		status = price_page(w, a, status >= 400 ? (unsigned)status : 500);
		json_decref(a);
		return status;
	}
	id = web_i(out, "id");
	json_decref(out);
	out = import_outcome(w, id);
	if (!out) {
		json_decref(a);
		snprintf(path, sizeof(path), "/admin/importer/%lld", (long long)id);
		return web_redirect(w, path);
	}
	if (strcmp(web_s(out, "state"), "done") != 0) {
		/* Show the import's errors next to the form's fields. */
		json_array_foreach(json_object_get(out, "errors"), i, e) {
			const char *col = web_s(e, "column"),
				   *msg = error_text(web_s(e, "message"));
			web_error(w,
				  strcmp(col, "price_from") == 0 ? "giltig_fran"
				  : strcmp(col, "price") == 0	 ? "pris"
								 : "",
				  "Priset kunde inte sparas: %s", msg);
		}
		if (!w->nerrors)
			web_error(w, "", "Priset kunde inte sparas.");
		json_decref(out);
		status = price_page(w, a, 422);
		json_decref(a);
		return status;
	}
	json_decref(out);
	json_decref(a);
	return web_redirect(w, "/admin/sortiment?pris=1");
}

/* ---- Imports ---- */

int page_admin_imports(struct web_ctx *w)
{
	json_t *out = NULL, *im;
	size_t i;

	web_begin(w, "Importer av sortiment");
	html_lit(&w->h, "<p><a href=\"/admin/sortiment\">Importera en ny fil</a></p>\n");
	if (web_api(w, "GET", "/api/article-imports", NULL, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
	} else if (!json_array_size(json_object_get(out, "imports"))) {
		html_lit(&w->h, "<p>Inga importer ännu.</p>\n");
	} else {
		html_lit(
			&w->h,
			"<table class=\"responsive\">\n<caption>De senaste importerna, nyaste "
			"först</caption>\n<thead><tr><th scope=\"col\">Import</th>"
			"<th scope=\"col\">Uppladdad</th><th scope=\"col\">Fil</th>"
			"<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">Nya artiklar</th>"
			"<th scope=\"col\" class=\"num\">Ändrade artiklar</th>"
			"<th scope=\"col\" class=\"num\">Priser satta</th>"
			"<th scope=\"col\" class=\"num\">Fel</th></tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(out, "imports"), i, im) {
			char at[17];
			short_time(at, web_s(im, "created_at"));
			html_f(&w->h,
			       "<tr><td data-label=\"Import\"><a href=\"/admin/importer/%lld\">"
			       "Import %lld</a></td><td data-label=\"Uppladdad\">%s</td>"
			       "<td data-label=\"Fil\">%s</td><td data-label=\"Status\">%s</td>"
			       "<td data-label=\"Nya artiklar\" class=\"num\">%lld</td>"
			       "<td data-label=\"Ändrade artiklar\" class=\"num\">%lld</td>"
			       "<td data-label=\"Priser satta\" class=\"num\">%lld</td>"
			       "<td data-label=\"Fel\" class=\"num\">%lld</td></tr>\n",
			       (long long)web_i(im, "id"), (long long)web_i(im, "id"), at,
			       web_s(im, "filename"), web_sv(web_s(im, "state")),
			       (long long)web_i(im, "articles_created"),
			       (long long)web_i(im, "articles_updated"),
			       (long long)web_i(im, "prices_set"),
			       (long long)web_i(im, "error_count"));
		}
		html_lit(&w->h, "</tbody>\n</table>\n");
	}
	json_decref(out);
	return web_end(w, 200);
}

int page_admin_import(struct web_ctx *w)
{
	char path[48], title[48];
	json_t *o = NULL, *e;
	const char *state;
	size_t i;
	int status;

	snprintf(path, sizeof(path), "/api/article-imports/%lld", (long long)w->id[0]);
	status = web_api(w, "GET", path, NULL, NULL, &o);
	if (status != 200) {
		json_decref(o);
		return web_message(w, 404, "Importen finns inte",
				   "Det finns ingen import med det numret.");
	}
	state = web_s(o, "state");
	snprintf(title, sizeof(title), "Import %lld", (long long)w->id[0]);
	/* While it runs, the page reloads itself every second only when the reader asked for it
	 * (WCAG 2.2.1: no automatic refresh the user did not choose). */
	if (strcmp(state, "running") == 0 && web_query(w, "folj"))
		w->refresh = 1;
	web_begin(w, title);
	if (strcmp(state, "running") == 0) {
		int64_t pct = web_i(o, "percent");
		html_lit(&w->h, "<div role=\"status\">\n");
		html_f(&w->h, "<p id=\"forlopp-text\">Importen pågår: %s, %lld %% klart.",
		       web_sv(web_s(o, "phase")), (long long)pct);
		if (strcmp(web_s(o, "phase"), "writing") == 0)
			html_f(&w->h, " %lld av %lld rader sparade.",
			       (long long)web_i(o, "rows_done"), (long long)web_i(o, "rows_total"));
		else
			html_f(&w->h, " %lld rader lästa.", (long long)web_i(o, "rows_done"));
		html_lit(&w->h, "</p>\n</div>\n");
		html_f(&w->h,
		       "<progress max=\"100\" value=\"%lld\" aria-labelledby=\"forlopp-text\">"
		       "%lld %%</progress>\n",
		       (long long)pct, (long long)pct);
		if (w->refresh)
			html_f(&w->h,
			       "<p>Sidan uppdateras varje sekund tills importen är klar. "
			       "<a href=\"/admin/importer/%lld\">Sluta uppdatera "
			       "automatiskt</a></p>\n",
			       (long long)w->id[0]);
		else
			html_f(&w->h,
			       "<p><a href=\"/admin/importer/%lld\">Uppdatera sidan</a> för att se "
			       "hur långt importen har kommit, eller <a href=\"?folj=1\">följ "
			       "importen automatiskt</a>.</p>\n",
			       (long long)w->id[0]);
	} else if (strcmp(state, "done") == 0) {
		html_lit(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>Importen är klar."
				"</strong></p></div>\n");
		html_f(&w->h,
		       "<dl class=\"facts\">\n<dt>Fil</dt><dd>%s</dd>\n<dt>Rader</dt><dd>%lld</dd>\n"
		       "<dt>Nya artiklar</dt><dd>%lld</dd>\n<dt>Ändrade artiklar</dt><dd>%lld</dd>\n"
		       "<dt>Priser satta</dt><dd>%lld</dd>\n<dt>Priser utan datum gäller från</dt>"
		       "<dd>%s</dd>\n</dl>\n",
		       web_s(o, "filename"), (long long)web_i(o, "rows_total"),
		       (long long)web_i(o, "articles_created"),
		       (long long)web_i(o, "articles_updated"), (long long)web_i(o, "prices_set"),
		       web_s(o, "price_from"));
	} else {
		size_t shown = json_array_size(json_object_get(o, "errors"));
		int64_t total = web_i(o, "error_count");
		html_f(&w->h,
		       "<div class=\"error-summary\" role=\"alert\"><h2>Importen misslyckades"
		       "</h2>\n<p>Filen %s har %lld fel. <strong>Ingenting importerades</strong>: "
		       "rätta felen och ladda upp filen igen.</p></div>\n",
		       web_s(o, "filename"), (long long)total);
		html_lit(&w->h,
			 "<table class=\"responsive\">\n<caption>Fel i filen, i radordning"
			 "</caption>\n<thead><tr><th scope=\"col\" class=\"num\">Rad</th>"
			 "<th scope=\"col\">Kolumn</th><th scope=\"col\">Fel</th></tr></thead>\n"
			 "<tbody>\n");
		json_array_foreach(json_object_get(o, "errors"), i, e) {
			char line[24] = "–";
			if (web_i(e, "line"))
				snprintf(line, sizeof(line), "%lld", (long long)web_i(e, "line"));
			html_f(&w->h,
			       "<tr><td data-label=\"Rad\" class=\"num\">%s</td>"
			       "<td data-label=\"Kolumn\">%s</td><td data-label=\"Fel\">%s</td></tr>\n",
			       line, *web_s(e, "column") ? web_s(e, "column") : "–",
			       error_text(web_s(e, "message")));
		}
		html_lit(&w->h, "</tbody>\n</table>\n");
		if (total > (int64_t)shown)
			html_f(&w->h, "<p>Ytterligare %lld fel visas inte.</p>\n",
			       (long long)(total - (int64_t)shown));
	}
	html_lit(&w->h, "<p><a href=\"/admin/importer\">Alla importer</a> · "
			"<a href=\"/admin/sortiment\">Sortimentet</a></p>\n");
	json_decref(o);
	return web_end(w, 200);
}

/* ---- Staff accounts and API tokens ---- */

static const char *const roles[] = {
	"prescriber",
	"Förskrivare (regionen)",
	"municipal_prescriber",
	"Kommunal förskrivare",
	"municipal_orderer",
	"Kommunal beställare",
	"customer_service",
	"Kundtjänst",
	"distributor",
	"Distributör",
	"admin",
	"Förvaltning (administratör)",
	"secretary",
	"Sekreterare (samverkansfunktionen)",
	"member",
	"Ledamot",
	NULL,
};

/* An integration account is a system with no person behind it: no password, API keys made by
 * the administration. */
static const char *const kinds[] = {
	"person",      "En person",
	"integration", "Integrationskonto (ett system, ingen person, inget lösenord)",
	NULL,
};

/* What the account form chooses from, as the API lists them (issue 20: names, never numbers or
 * free text): the units, the agreement's municipalities and the people of the governance. */
struct account_lists {
	json_t *units, *municipalities, *people;
};

static void account_lists_load(struct web_ctx *w, struct account_lists *l)
{
	json_t *out = NULL;

	l->units = l->municipalities = l->people = NULL;
	if (web_api(w, "GET", "/api/units", NULL, NULL, &out) == 200)
		l->units = json_incref(json_object_get(out, "units"));
	json_decref(out);
	out = NULL;
	if (web_api(w, "GET", "/api/municipalities", NULL, NULL, &out) == 200)
		l->municipalities = json_incref(json_object_get(out, "municipalities"));
	json_decref(out);
	out = NULL;
	if (web_api(w, "GET", "/api/people", NULL, NULL, &out) == 200)
		l->people = json_incref(json_object_get(out, "people"));
	json_decref(out);
}

static void account_lists_release(struct account_lists *l)
{
	json_decref(l->units);
	json_decref(l->municipalities);
	json_decref(l->people);
}

/* The name of unit id, or "" when unknown. */
static void unit_name(const struct account_lists *l, int64_t id, char *out, size_t size)
{
	json_t *u;
	size_t i;

	out[0] = '\0';
	json_array_foreach(l->units, i, u)
		if (web_i(u, "id") == id)
			snprintf(out, size, "%s", web_s(u, "name"));
}

/* A <select> with a hint, its options from a list: value "" first with text none, then each
 * item's value and text as fn writes them. The submitted value is kept. */
typedef void (*option_fn)(json_t *item, char *value, size_t vsize, char *text, size_t tsize);

static void list_select(struct web_ctx *w, const char *name, const char *label, const char *hint,
			const char *none, json_t *list, option_fn fn)
{
	const char *e = web_error_for(w, name), *selected = web_field(w, name);
	json_t *item;
	size_t i;

	html_f(&w->h, "<div class=\"field%s\">\n<label for=\"%s\">%s</label>\n",
	       e ? " invalid" : "", name, label);
	html_f(&w->h, "<p class=\"hint\" id=\"%s-hint\">%s</p>\n", name, hint);
	web_field_error(w, name);
	if (e)
		html_f(&w->h,
		       "<select id=\"%s\" name=\"%s\" aria-describedby=\"%s-hint %s-fel\" "
		       "aria-invalid=\"true\">\n",
		       name, name, name, name);
	else
		html_f(&w->h, "<select id=\"%s\" name=\"%s\" aria-describedby=\"%s-hint\">\n", name,
		       name, name);
	html_f(&w->h, "<option value=\"\">%s</option>\n", none);
	json_array_foreach(list, i, item) {
		char value[32], text[256];
		fn(item, value, sizeof(value), text, sizeof(text));
		html_f(&w->h, "<option value=\"%s\"%s>%s</option>\n", value,
		       selected && strcmp(selected, value) == 0 ? " selected" : "", text);
	}
	html_lit(&w->h, "</select>\n</div>\n");
}

static void unit_option(json_t *u, char *value, size_t vsize, char *text, size_t tsize)
{
	snprintf(value, vsize, "%lld", (long long)web_i(u, "id"));
	snprintf(text, tsize, "%s – %s, kostnadsställe %s", web_s(u, "name"),
		 web_s(u, "care_provider"), web_s(u, "cost_centre"));
}

static void municipality_option(json_t *m, char *value, size_t vsize, char *text, size_t tsize)
{
	snprintf(value, vsize, "%s", json_string_value(m) ? json_string_value(m) : "");
	snprintf(text, tsize, "%s", value);
}

static void person_option(json_t *p, char *value, size_t vsize, char *text, size_t tsize)
{
	snprintf(value, vsize, "%lld", (long long)web_i(p, "id"));
	if (*web_s(p, "organisation"))
		snprintf(text, tsize, "%s (%s)", web_s(p, "name"), web_s(p, "organisation"));
	else
		snprintf(text, tsize, "%s", web_s(p, "name"));
}

/* What the admin may do to account u: its API keys, and closing it (asked first) or reopening it. */
static void user_actions(struct web_ctx *w, json_t *u, int64_t me)
{
	int64_t id = web_i(u, "id");
	bool active = web_b(u, "active");
	char action[64];

	html_f(&w->h,
	       "<td data-label=\"Åtgärder\"><a href=\"/admin/anvandare/%lld/nycklar\">"
	       "API-nycklar <span class=\"sr\">för %s</span></a>\n",
	       (long long)id, web_s(u, "username"));
	if (active && id != me) {
		/* Closing asks first (issue 20): a page whose "Ja" closes it. */
		html_f(&w->h,
		       "<a href=\"/admin/anvandare/%lld/stang\">Stäng kontot "
		       "<span class=\"sr\">%s</span></a>\n",
		       (long long)id, web_s(u, "username"));
	} else if (!active) {
		snprintf(action, sizeof(action), "/admin/anvandare/%lld/oppna", (long long)id);
		web_form(w, action, false);
		html_f(&w->h,
		       "<button type=\"submit\" class=\"secondary\">Öppna kontot igen "
		       "<span class=\"sr\">%s</span></button>\n</form>\n",
		       web_s(u, "username"));
	}
	html_lit(&w->h, "</td></tr>\n");
}

/* One account's row: who, which role, unit and municipality, status, and what may be done. */
static void user_row(struct web_ctx *w, const struct account_lists *lists, json_t *u, int64_t me)
{
	char unit[320] = "", created[11];

	snprintf(created, sizeof(created), "%s", web_s(u, "created_at"));
	if (web_i(u, "unit_id")) {
		unit_name(lists, web_i(u, "unit_id"), unit, sizeof(unit));
		if (!*unit)
			snprintf(unit, sizeof(unit), "Enhet %lld", (long long)web_i(u, "unit_id"));
	}
	html_f(&w->h,
	       "<tr><th scope=\"row\" data-label=\"Användarnamn\">%s</th>"
	       "<td data-label=\"Namn\">%s%s</td><td data-label=\"Roll\">%s</td>"
	       "<td data-label=\"Enhet och kommun\">%s",
	       web_s(u, "username"), web_s(u, "display_name"),
	       strcmp(web_s(u, "kind"), "integration") == 0 ? " (integrationskonto)" : "",
	       web_sv(web_s(u, "role")), unit);
	if (*web_s(u, "municipality") && *unit)
		html_lit(&w->h, "<br>");
	if (*web_s(u, "municipality"))
		html_f(&w->h, "Kommun: %s", web_s(u, "municipality"));
	html_f(&w->h,
	       "</td><td data-label=\"Status\">%s</td><td data-label=\"Skapat\" "
	       "class=\"date\">%s</td>",
	       web_b(u, "active") ? "aktivt" : "stängt", created);
	user_actions(w, u, me);
}

/* The staff's accounts, in a scroll region of their own so the table never widens the page. */
static void users_table(struct web_ctx *w, const struct account_lists *lists, json_t *out)
{
	int64_t me = web_i(json_object_get(w->me, "user"), "id");
	json_t *u;
	size_t i;

	html_lit(&w->h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
			"aria-label=\"Personalens konton\">\n");
	html_lit(&w->h,
		 "<table class=\"responsive compact\">\n<caption>Personalens konton "
		 "(patienter loggar in med regionens inloggning)</caption>\n<thead><tr>"
		 "<th scope=\"col\">Användarnamn</th><th scope=\"col\">Namn</th>"
		 "<th scope=\"col\">Roll</th><th scope=\"col\">Enhet och kommun</th>"
		 "<th scope=\"col\">Status</th>"
		 "<th scope=\"col\">Skapat</th><th scope=\"col\">Åtgärder</th></tr></thead>\n"
		 "<tbody>\n");
	json_array_foreach(json_object_get(out, "users"), i, u)
		user_row(w, lists, u, me);
	html_lit(&w->h, "</tbody>\n</table>\n</div>\n");
}

/* The form that creates an account. */
static void user_create_form(struct web_ctx *w, const struct account_lists *lists)
{
	html_lit(&w->h, "<h2>Skapa ett konto</h2>\n");
	web_form(w, "/admin/anvandare", false);
	web_input(w, "anvandarnamn", "Användarnamn", "text", NULL, true,
		  "3–63 tecken: a–z, 0–9, punkt, understreck eller bindestreck.");
	web_input(w, "namn", "Namn och titel", "text", NULL, true, NULL);
	web_select(w, "roll", "Roll", roles, NULL);
	web_select(w, "typ", "Typ av konto", kinds, NULL);
	list_select(w, "enhet", "Enhet", "Krävs för förskrivare och kommunala förskrivare.",
		    "Ingen enhet", lists->units, unit_option);
	list_select(w, "kommun", "Kommun",
		    "Krävs för kommunala förskrivare och kommunala beställare. Bara avtalets "
		    "kommuner kan väljas.",
		    "Ingen kommun", lists->municipalities, municipality_option);
	list_select(w, "person", "Person i styrningen",
		    "Krävs för ledamöter: personen vars uppdrag kontot visar. En sekreterare kan "
		    "också kopplas till en person.",
		    "Ingen person", lists->people, person_option);
	web_input(w, "losenord", "Lösenord", "password", "", false,
		  "Minst 10 tecken. Lämna tomt om personen bara loggar in via regionens "
		  "inloggning.");
	web_form_end(w, "Skapa kontot");
}

static int users_page(struct web_ctx *w, unsigned status)
{
	json_t *out = NULL;
	struct account_lists lists;

	account_lists_load(w, &lists);
	web_begin(w, "Användare");
	if (web_query(w, "ny"))
		notice(w, "Kontot är skapat.");
	if (web_query(w, "stangd"))
		notice(w, "Kontot är stängt. Inloggning, sessioner och API-nycklar slutade gälla.");
	if (web_query(w, "oppnad"))
		notice(w, "Kontot är öppnat igen. Personen loggar in med sitt tidigare lösenord; "
			  "API-nycklarna är fortfarande återkallade.");
	if (web_api(w, "GET", "/api/users", NULL, NULL, &out) != 200)
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
	else
		users_table(w, &lists, out);
	json_decref(out);
	user_create_form(w, &lists);
	account_lists_release(&lists);
	return web_end(w, status);
}

int page_admin_users(struct web_ctx *w)
{
	return users_page(w, 200);
}

/* A form's id field (unit, person) into the body as key; false when it is not a number. */
static bool id_field(json_t *body, const char *key, const char *value)
{
	char *end;
	long long n;

	if (!value || !*value)
		return true;
	n = strtoll(value, &end, 10);
	if (*end || n < 1)
		return false;
	json_object_set_new(body, key, json_integer(n));
	return true;
}

int page_admin_users_post(struct web_ctx *w)
{
	const char *map[] = {
		"username", "anvandarnamn", "display_name", "namn",   "role",	  "roll",
		"unit_id",  "enhet",	    "municipality", "kommun", "password", "losenord",
		"kind",	    "typ",	    "person_id",    "person", NULL
	};
	const char *kind = web_field(w, "typ"), *municipality = web_field(w, "kommun");
	const char *password = web_field(w, "losenord");
	json_t *body, *out = NULL;
	char path[64];
	int status;

	body = json_pack("{s:s, s:s, s:s}", "username",
			 web_field(w, "anvandarnamn") ? web_field(w, "anvandarnamn") : "",
			 "display_name", web_field(w, "namn") ? web_field(w, "namn") : "", "role",
			 web_field(w, "roll") ? web_field(w, "roll") : "");
	if (!body) {
		web_error(w, "namn", "Texten kunde inte läsas (ogiltig UTF-8).");
		return users_page(w, 400);
	}
	if (!id_field(body, "unit_id", web_field(w, "enhet")))
		web_error(w, "enhet", "Välj en enhet i listan.");
	if (!id_field(body, "person_id", web_field(w, "person")))
		web_error(w, "person", "Välj en person i listan.");
	if (w->nerrors) {
		json_decref(body);
		return users_page(w, 400);
	}
	if (municipality && *municipality)
		json_object_set_new(body, "municipality", json_string(municipality));
	if (password && *password)
		json_object_set_new(body, "password", json_string(password));
	if (kind && *kind)
		json_object_set_new(body, "kind", json_string(kind));
	status = web_api(w, "POST", "/api/users", NULL, body, &out);
	if (status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return users_page(w, status >= 400 ? (unsigned)status : 422);
	}
	snprintf(path, sizeof(path), "/admin/anvandare?ny=%lld", (long long)web_i(out, "id"));
	json_decref(out);
	return web_redirect(w, path);
}

static json_t *staff_user(struct web_ctx *w, int64_t id);

/* Without JavaScript, closing an account asks first: this page, whose "Ja" posts the confirmed
 * close (issue 20). */
static int deactivate_confirm(struct web_ctx *w)
{
	json_t *u = staff_user(w, w->id[0]);
	char path[64], title[128];

	if (!u)
		return web_message(w, 404, "Användaren finns inte",
				   "Det finns inget personalkonto med det numret.");
	if (!web_b(u, "active")) {
		json_decref(u);
		return web_redirect(w, "/admin/anvandare");
	}
	if (web_i(u, "id") == web_i(json_object_get(w->me, "user"), "id")) {
		json_decref(u);
		return web_message(w, 409, "Ditt eget konto",
				   "Du kan inte stänga ditt eget konto.");
	}
	snprintf(title, sizeof(title), "Vill du stänga kontot %s?", web_s(u, "username"));
	web_begin(w, title);
	html_f(&w->h,
	       "<p>%s (%s). När kontot stängs kan det inte längre logga in, dess "
	       "sessioner avslutas och dess API-nycklar återkallas, på en gång.</p>\n"
	       "<p>Du kan öppna kontot igen senare; då gäller det tidigare lösenordet, men "
	       "API-nycklarna förblir återkallade.</p>\n<div class=\"confirm-actions\">\n",
	       web_s(u, "display_name"), web_sv(web_s(u, "role")));
	snprintf(path, sizeof(path), "/admin/anvandare/%lld/stang", (long long)w->id[0]);
	web_form(w, path, false);
	html_lit(&w->h,
		 "<input type=\"hidden\" name=\"bekraftad\" value=\"1\">\n"
		 "<button type=\"submit\" class=\"secondary\">Ja, stäng kontot</button>\n"
		 "</form>\n<p><a class=\"button\" href=\"/admin/anvandare\">Nej, behåll det</a>"
		 "</p>\n</div>\n");
	json_decref(u);
	return web_end(w, 200);
}

int page_admin_user_deactivate_confirm(struct web_ctx *w)
{
	return deactivate_confirm(w);
}

/* Closes or reopens the account (the API's ACTION), then back to the list saying so (?DONE=id). */
static int user_action(struct web_ctx *w, const char *action, const char *done)
{
	char path[64];
	json_t *out = NULL;
	int status;

	snprintf(path, sizeof(path), "/api/users/%lld/%s", (long long)w->id[0], action);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	if (status != 200) {
		web_problem(w, out, NULL);
		json_decref(out);
		return users_page(w, status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/admin/anvandare?%s=%lld", done, (long long)w->id[0]);
	return web_redirect(w, path);
}

int page_admin_user_deactivate(struct web_ctx *w)
{
	if (!web_field(w, "bekraftad"))
		return deactivate_confirm(w);
	return user_action(w, "deactivate", "stangd");
}

int page_admin_user_reopen(struct web_ctx *w)
{
	return user_action(w, "reopen", "oppnad");
}

/* The staff user {id} from the list (owned by the caller), or NULL. */
static json_t *staff_user(struct web_ctx *w, int64_t id)
{
	json_t *out = NULL, *u, *found = NULL;
	size_t i;

	if (web_api(w, "GET", "/api/users", NULL, NULL, &out) == 200)
		json_array_foreach(json_object_get(out, "users"), i, u)
			if (web_i(u, "id") == id)
				found = json_incref(u);
	json_decref(out);
	return found;
}

/* The tokens page; secret and its name are shown once, right after creating it. */
static int tokens_page(struct web_ctx *w, unsigned status, const char *secret, const char *name)
{
	char path[64], title[128];
	json_t *u = staff_user(w, w->id[0]), *out = NULL, *t;
	bool integration;
	size_t i;

	if (!u)
		return web_message(w, 404, "Användaren finns inte",
				   "Det finns inget personalkonto med det numret.");
	snprintf(title, sizeof(title), "API-nycklar för %s", web_s(u, "username"));
	web_begin(w, title);
	if (secret) {
		html_lit(
			&w->h,
			"<div class=\"notice\" role=\"status\">\n<h2>Kopiera nyckeln nu</h2>\n"
			"<p><strong>Nyckeln visas bara den här gången.</strong> LMN sparar inte "
			"nyckeln, bara ett kontrollvärde, och kan inte visa den igen. Kommer den bort "
			"får du återkalla den och skapa en ny. Förvara den som ett lösenord.</p>\n");
		html_f(&w->h,
		       "<div class=\"field\">\n<label for=\"ny-nyckel\">Nyckeln ”%s”</label>\n"
		       "<input id=\"ny-nyckel\" type=\"text\" readonly value=\"%s\" size=\"70\" "
		       "autocomplete=\"off\" spellcheck=\"false\">\n</div>\n</div>\n",
		       name, secret);
	}
	if (web_query(w, "aterkallad"))
		notice(w, "Nyckeln är återkallad och fungerar inte längre.");
	integration = strcmp(web_s(u, "kind"), "integration") == 0;
	html_f(&w->h,
	       "<p>%s (%s). En API-nyckel låter ett annat system anropa LMN:s API som den här "
	       "användaren.</p>\n",
	       web_s(u, "display_name"), web_sv(web_s(u, "role")));
	if (!integration)
		html_lit(&w->h,
			 "<p>Det här är en persons konto. Förvaltningen skapar API-nycklar bara "
			 "för integrationskonton; personen skapar sina egna. Du kan återkalla "
			 "nycklarna.</p>\n");
	snprintf(path, sizeof(path), "/api/users/%lld/tokens", (long long)w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
	} else if (!json_array_size(json_object_get(out, "tokens"))) {
		html_lit(&w->h, "<p>Användaren har inga API-nycklar.</p>\n");
	} else {
		html_lit(&w->h,
			 "<table class=\"responsive\">\n<caption>Nycklar (hemligheterna visas "
			 "aldrig)</caption>\n<thead><tr><th scope=\"col\">Namn</th>"
			 "<th scope=\"col\">Skapad</th><th scope=\"col\">Status</th>"
			 "<th scope=\"col\">Åtgärd</th></tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(out, "tokens"), i, t) {
			char at[17], action[96];
			short_time(at, web_s(t, "created_at"));
			html_f(&w->h,
			       "<tr><th scope=\"row\" data-label=\"Namn\">%s</th>"
			       "<td data-label=\"Skapad\">%s</td><td data-label=\"Status\">",
			       web_s(t, "name"), at);
			if (*web_s(t, "revoked_at")) {
				short_time(at, web_s(t, "revoked_at"));
				html_f(&w->h,
				       "återkallad %s</td><td data-label=\"Åtgärd\"></td></tr>\n",
				       at);
				continue;
			}
			html_lit(&w->h, "gäller</td><td data-label=\"Åtgärd\">");
			snprintf(action, sizeof(action),
				 "/admin/anvandare/%lld/nycklar/%lld/aterkalla",
				 (long long)w->id[0], (long long)web_i(t, "id"));
			web_form(w, action, false);
			html_f(&w->h,
			       "<button type=\"submit\" class=\"secondary\">Återkalla "
			       "<span class=\"sr\">nyckeln %s</span></button>\n</form>\n</td></tr>\n",
			       web_s(t, "name"));
		}
		html_lit(&w->h, "</tbody>\n</table>\n");
	}
	json_decref(out);
	if (web_b(u, "active") && integration) {
		html_lit(&w->h, "<h2>Skapa en nyckel</h2>\n");
		snprintf(path, sizeof(path), "/admin/anvandare/%lld/nycklar", (long long)w->id[0]);
		web_form(w, path, false);
		web_input(w, "namn", "Vad nyckeln ska användas till", "text", secret ? "" : NULL,
			  true, "Till exempel: journalsystemet på Sjukhuset Väst.");
		web_form_end(w, "Skapa nyckel");
	}
	html_lit(&w->h, "<p><a href=\"/admin/anvandare\">Tillbaka till användarna</a></p>\n");
	json_decref(u);
	return web_end(w, status);
}

int page_admin_tokens(struct web_ctx *w)
{
	return tokens_page(w, 200, NULL, NULL);
}

int page_admin_tokens_post(struct web_ctx *w)
{
	const char *name = web_field(w, "namn");
	const char *map[] = { "name", "namn", NULL };
	char path[64];
	json_t *out = NULL;
	int status;

	if (!name || !*name) {
		web_error(w, "namn", "Skriv vad nyckeln ska användas till.");
		return tokens_page(w, 400, NULL, NULL);
	}
	snprintf(path, sizeof(path), "/api/users/%lld/tokens", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, json_pack("{s:s}", "name", name), &out);
	if (status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return tokens_page(w, status >= 400 ? (unsigned)status : 422, NULL, NULL);
	}
	/* Not a redirect: the secret exists only in this answer (which, like every answer, is sent
	 * with Cache-Control: no-store by http/server.c). */
	status = tokens_page(w, 201, web_s(out, "token"), web_s(out, "name"));
	json_decref(out);
	return status;
}

int page_admin_token_revoke(struct web_ctx *w)
{
	char path[80];
	json_t *out = NULL, *t;
	bool mine = false;
	size_t i;
	int status;

	/* Only a token of the user in the path. */
	snprintf(path, sizeof(path), "/api/users/%lld/tokens", (long long)w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &out) == 200)
		json_array_foreach(json_object_get(out, "tokens"), i, t)
			mine = mine || web_i(t, "id") == w->id[1];
	json_decref(out);
	out = NULL;
	if (!mine)
		return web_message(w, 404, "Nyckeln finns inte",
				   "Användaren har ingen nyckel med det numret.");
	snprintf(path, sizeof(path), "/api/api-tokens/%lld/revoke", (long long)w->id[1]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	if (status != 200) {
		web_problem(w, out, NULL);
		json_decref(out);
		return tokens_page(w, status >= 400 ? (unsigned)status : 422, NULL, NULL);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/admin/anvandare/%lld/nycklar?aterkallad=1",
		 (long long)w->id[0]);
	return web_redirect(w, path);
}

/* ---- Rules as in force on a date ---- */

/* A value in the rule-file syntax, in Swedish. */
static void param_value(struct web_ctx *w, const char *type, const char *value)
{
	if (strcmp(type, "boolean") == 0) {
		html_f(&w->h, "%s", strcmp(value, "true") == 0 ? "ja" : "nej");
	} else if (strcmp(type, "percent") == 0 || strcmp(type, "fraction") == 0) {
		char v[32];
		snprintf(v, sizeof(v), "%s", value);
		for (char *p = v; *p; p++)
			if (*p == '.')
				*p = ',';
		html_f(&w->h, "%s%s", v, strcmp(type, "percent") == 0 ? " %" : "");
	} else if (strcmp(type, "roles") == 0 || strcmp(type, "areas") == 0 ||
		   strcmp(type, "choice") == 0 || strcmp(type, "eves") == 0) {
		const char *p = value;
		bool first = true;
		while (*p) {
			char word[64];
			size_t n = strcspn(p, ",");
			size_t s = 0;
			while (s < n && p[s] == ' ')
				s++;
			snprintf(word, sizeof(word), "%.*s", (int)(n - s), p + s);
			html_f(&w->h, "%s%s", first ? "" : ", ", web_sv(word));
			first = false;
			p += n;
			if (*p == ',')
				p++;
		}
	} else {
		html_f(&w->h, "%s", value);
	}
}

/* The length of what must stay on one line at s: a date ("2018-05-01") or a section of a
 * specification ("B 3:1"); 0 for anything else. */
static size_t unbreakable(const char *s)
{
	size_t d;

	if (strspn(s, "0123456789") == 4 && s[4] == '-' && strspn(s + 5, "0123456789") == 2 &&
	    s[7] == '-' && strspn(s + 8, "0123456789") == 2)
		return 10;
	if (s[0] >= 'A' && s[0] <= 'D' && s[1] == ' ' && (d = strspn(s + 2, "0123456789")) > 0 &&
	    s[2 + d] == ':' && strspn(s + 3 + d, "0123456789") > 0)
		return 3 + d + strspn(s + 3 + d, "0123456789");
	return 0;
}

/* Text with every date and section in it kept on one line: a cell never breaks "2018-05-01" at
 * its hyphens (issue 20), nor "B 3:1" after its letter. */
static void text_dates_nowrap(struct web_ctx *w, const char *s)
{
	const char *p = s;

	while (*p) {
		const char *q = p;
		size_t n = 0;
		for (q = p;
		     *q && !((q == s || q[-1] == ' ' || q[-1] == '(') && (n = unbreakable(q)));)
			q++;
		html_textn(&w->h, p, (size_t)(q - p));
		if (!*q)
			break;
		html_lit(&w->h, "<span class=\"nowrap\">");
		html_textn(&w->h, q, n);
		html_lit(&w->h, "</span>");
		p = q + n;
	}
}

/* Since when, and until when, the rules shown have been in force. */
static void rules_period(struct web_ctx *w, json_t *out)
{
	/* The first set has no start date: its versions precede the change log. */
	if (*web_s(out, "set_from"))
		html_f(&w->h,
		       "<p>Reglerna i kraft <strong>%s</strong>. Samma värden gäller från "
		       "<span class=\"nowrap\">%s</span>",
		       web_s(out, "on"), web_s(out, "set_from"));
	else
		html_f(&w->h,
		       "<p>Reglerna i kraft <strong>%s</strong>. Samma värden gäller sedan före "
		       "ändringsloggen",
		       web_s(out, "on"));
	if (*web_s(out, "next_change")) {
		lmn_day next;
		char last[11];
		if (date_parse(web_s(out, "next_change"), 10, &next) == LMN_OK) {
			date_format(next - 1, last);
			html_f(&w->h, " till och med <span class=\"nowrap\">%s</span>", last);
		}
	}
	html_lit(&w->h, ".</p>\n");
}

/* One parameter of section sec: its value, and the decision it comes from. */
static void rule_param_row(struct web_ctx *w, json_t *sec, json_t *p)
{
	json_t *s = NULL, *src;
	char cite[96];
	size_t k;

	json_array_foreach(json_object_get(sec, "sources"), k, src)
		if (strcmp(web_s(src, "ref"), web_s(p, "source")) == 0)
			s = src;
	web_rule_cite(w->app->params, web_s(p, "source"), cite);
	html_f(&w->h,
	       "<tr id=\"regel-%s\"><th scope=\"row\" data-label=\"Parameter\">"
	       "%s</th><td data-label=\"Värde\">",
	       web_s(p, "key"), web_param_sv(web_s(p, "key")));
	param_value(w, web_s(p, "type"), web_s(p, "value"));
	html_f(&w->h,
	       "</td><td data-label=\"Gäller från\" class=\"date\">%s</td>"
	       "<td data-label=\"Beslutad\" class=\"date\">%s</td><td data-label=\"Beslutad av\">%s</td>"
	       "<td data-label=\"Beslut\">",
	       *web_s(s, "effective") ? web_s(s, "effective") : "före ändringsloggen",
	       *web_s(s, "decided") ? web_s(s, "decided") : "före ändringsloggen",
	       web_s(s, "body"));
	text_dates_nowrap(w, cite);
	html_lit(&w->h, "</td></tr>\n");
}

/* The decisions behind the values of section sec (named name). */
static void rule_sources(struct web_ctx *w, json_t *sec, const char *name)
{
	json_t *src;
	size_t j;

	html_lit(&w->h, "<h3>Beslut bakom värdena i ");
	text_dates_nowrap(w, name);
	html_lit(&w->h, "</h3>\n<dl class=\"facts\">\n");
	json_array_foreach(json_object_get(sec, "sources"), j, src) {
		char cite[96];

		web_rule_cite(w->app->params, web_s(src, "ref"), cite);
		html_lit(&w->h, "<dt>");
		text_dates_nowrap(w, cite);
		html_lit(&w->h, "</dt>");
		if (*web_s(src, "decided"))
			html_f(&w->h, "<dd>Beslutad <span class=\"nowrap\">%s</span> av %s. ",
			       web_s(src, "decided"), web_s(src, "body"));
		else
			html_f(&w->h, "<dd>Sedan före ändringsloggen: %s. ", web_s(src, "body"));
		text_dates_nowrap(w, web_s(src, "reference"));
		html_lit(&w->h, "</dd>\n");
	}
	html_lit(&w->h, "</dl>\n");
}

/* A section of the rules on the day shown: its parameters' table and the decisions behind them. */
static void rule_section(struct web_ctx *w, json_t *out, json_t *sec)
{
	const char *id = web_s(sec, "id");
	json_t *p;
	size_t j;
	/* A specification's section ("B3:1") is named with its title; the others by title. */
	char name[160];
	snprintf(name, sizeof(name), "%s%s%s", id[0] >= 'A' && id[0] <= 'D' ? id : "",
		 id[0] >= 'A' && id[0] <= 'D' ? " " : "", web_s(sec, "title"));
	html_lit(&w->h, "<h2>");
	text_dates_nowrap(w, name);
	html_lit(&w->h, "</h2>\n<table class=\"responsive\">\n<caption>");
	text_dates_nowrap(w, name);
	html_f(&w->h, ": parametrarna den <span class=\"nowrap\">%s</span></caption>\n",
	       web_s(out, "on"));
	html_lit(&w->h,
		 "<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Värde</th>"
		 "<th scope=\"col\">Gäller från</th><th scope=\"col\">Beslutad</th>"
		 "<th scope=\"col\">Beslutad av</th><th scope=\"col\">Beslut</th></tr></thead>\n"
		 "<tbody>\n");
	json_array_foreach(json_object_get(sec, "parameters"), j, p)
		rule_param_row(w, sec, p);
	html_lit(&w->h, "</tbody>\n</table>\n");
	rule_sources(w, sec, name);
}

int page_admin_rules(struct web_ctx *w)
{
	const char *date = web_query(w, "datum");
	const char *query[] = { "on", date, NULL };
	const char *map[] = { "on", "datum", NULL };
	json_t *out = NULL, *sec;
	size_t i;
	int status;

	status = web_api(w, "GET", "/api/rules", date && *date ? query : NULL, NULL, &out);
	if (status != 200)
		web_problem(w, out, map);
	web_begin(w, "Regler");
	html_lit(&w->h,
		 "<p>Reglerna i specifikationerna är parametrar med datum: varje värde gäller "
		 "från ett beslut. Välj ett datum för att se vad som gällde då och varifrån "
		 "varje värde kommer.</p>\n<form method=\"get\" action=\"/admin/regler\">\n");
	web_input(w, "datum", "Visa reglerna som gällde den", "date",
		  status == 200 ? web_s(out, "on") : NULL, false,
		  "Utan datum visas dagens regler.");
	html_lit(&w->h, "<button type=\"submit\">Visa reglerna</button>\n</form>\n");
	if (status != 200) {
		json_decref(out);
		return web_end(w, status >= 400 && status < 500 ? (unsigned)status : 400);
	}
	rules_period(w, out);
	json_array_foreach(json_object_get(out, "sections"), i, sec)
		rule_section(w, out, sec);
	json_decref(out);
	return web_end(w, 200);
}

/* ---- Operations: the 1177 contracts' traffic of the day ---- */

/* The contracts' interactions as the administration knows them: what the e-service asks for. */
static const char *interaction_sv(const char *name)
{
	static const char *const names[] = {
		"GetMedicalSupplyPrescriptions",
		"Förskrivningar",
		"GetMedicalSupplyDeliveryPoints",
		"Utlämningsställen",
		"RegisterMedicalSupplyOrder",
		"Beställningar",
		NULL,
	};

	for (const char *const *n = names; *n; n += 2)
		if (strcmp(n[0], name) == 0)
			return n[1];
	return "Okänd tjänst";
}

static const char *notice_kind_sv(const char *kind)
{
	static const char *const names[][2] = {
		{ "order_received", "Beställningen har kommit in" },
		{ "shipped", "Beställningen har skickats" },
		{ "ready_for_pickup", "Kan hämtas" },
		{ "delayed", "Försenad" },
		{ "prescription_expiring", "Förskrivningen går snart ut" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(kind, names[i][0]) == 0)
			return names[i][1];
	return "Meddelande";
}

/* The notices to patients that were not sent (issue 20): dead letters first, then those waiting
 * for another attempt; ids only, never the recipient or the text. */
static void notices_section(struct web_ctx *w)
{
	static const char *const states[] = { "dead", "queued" };
	static const char *const captions[] = {
		"Meddelanden som inte gick att skicka (alla försök gjorda)",
		"Meddelanden som väntar på att skickas",
	};
	json_t *out = NULL, *n;
	size_t i;

	html_lit(&w->h, "<h2>Meddelanden till patienter</h2>\n<p>Patienter som valt sms eller "
			"e-post får meddelanden om sina beställningar. Ett meddelande som inte går "
			"att skicka försöks igen med allt längre mellanrum; efter sista försöket "
			"står det här som ej skickat. Mottagare och text visas inte.</p>\n");
	for (int k = 0; k < 2; k++) {
		const char *query[] = { "state", states[k], "limit", "100", NULL };
		size_t count;

		if (web_api(w, "GET", "/api/notices", query, NULL, &out) != 200) {
			html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
			json_decref(out);
			return;
		}
		count = json_array_size(json_object_get(out, "notices"));
		if (count == 0) {
			html_f(&w->h, "<p>%s: inga.</p>\n", captions[k]);
			json_decref(out);
			out = NULL;
			continue;
		}
		html_f(&w->h,
		       "<table class=\"responsive\">\n<caption>%s</caption>\n<thead><tr>"
		       "<th scope=\"col\" class=\"num\">Nr</th><th scope=\"col\">Skapat</th>"
		       "<th scope=\"col\">Meddelande</th><th scope=\"col\">Sätt</th>"
		       "<th scope=\"col\" class=\"num\">Patient</th>"
		       "<th scope=\"col\" class=\"num\">Beställning</th>"
		       "<th scope=\"col\" class=\"num\">Försök</th>"
		       "<th scope=\"col\">Senaste fel</th>%s</tr></thead>\n<tbody>\n",
		       captions[k], k == 0 ? "<th scope=\"col\">Åtgärd</th>" : "");
		json_array_foreach(json_object_get(out, "notices"), i, n) {
			char created[17];
			snprintf(created, sizeof(created), "%.16s", web_s(n, "created_at"));
			if (created[10] == 'T')
				created[10] = ' ';
			html_f(&w->h,
			       "<tr><td class=\"num\" data-label=\"Nr\">%lld</td>"
			       "<td data-label=\"Skapat\">%s</td>"
			       "<td data-label=\"Meddelande\">%s</td>"
			       "<td data-label=\"Sätt\">%s</td>"
			       "<td class=\"num\" data-label=\"Patient\">%lld</td>",
			       (long long)web_i(n, "id"), created, notice_kind_sv(web_s(n, "kind")),
			       strcmp(web_s(n, "channel"), "sms") == 0 ? "Sms" : "E-post",
			       (long long)web_i(n, "patient_id"));
			if (web_i(n, "order_id"))
				html_f(&w->h,
				       "<td class=\"num\" data-label=\"Beställning\">%lld</td>",
				       (long long)web_i(n, "order_id"));
			else
				html_lit(&w->h,
					 "<td class=\"num\" data-label=\"Beställning\">–</td>");
			html_f(&w->h,
			       "<td class=\"num\" data-label=\"Försök\">%lld</td>"
			       "<td data-label=\"Senaste fel\">%s</td>",
			       (long long)web_i(n, "attempts"),
			       *web_s(n, "last_error") ? web_s(n, "last_error")
						       : "Inte försökt än");
			if (k ==
			    0) { /* a dead notice may be queued again once the fault is fixed */
				char action[80];
				snprintf(action, sizeof(action),
					 "/admin/drift/meddelanden/%lld/forsok-igen",
					 (long long)web_i(n, "id"));
				html_lit(&w->h, "<td>");
				web_form(w, action, false);
				web_form_end(w, "Försök igen");
				html_lit(&w->h, "</td>");
			}
			html_lit(&w->h, "</tr>\n");
		}
		html_lit(&w->h, "</tbody>\n</table>\n");
		json_decref(out);
		out = NULL;
	}
}

int page_admin_notice_retry(struct web_ctx *w)
{
	char path[64];
	json_t *out = NULL;
	int status;

	snprintf(path, sizeof(path), "/api/notices/%lld/retry", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	if (status != 200) {
		status = web_message(w, status >= 400 ? (unsigned)status : 500, "Drift",
				     web_s(out, "detail"));
		json_decref(out);
		return status;
	}
	json_decref(out);
	return web_redirect(w, "/admin/drift");
}

int page_admin_operations(struct web_ctx *w)
{
	json_t *out = NULL, *row, *total;
	size_t i;

	web_begin(w, "Drift");
	html_lit(&w->h, "<h2>1177-tjänsternas trafik i dag</h2>\n");
	if (web_api(w, "GET", "/api/rivta/traffic", NULL, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		notices_section(w);
		return web_end(w, 200);
	}
	html_f(&w->h,
	       "<p>E-tjänsten på 1177 anropar lmn när patienter ser sina "
	       "förskrivningar, söker utlämningsställen och beställer. Siffrorna gäller %s "
	       "och räknas av den här servern sedan den startade; de börjar om varje "
	       "dag.</p>\n",
	       web_s(out, "day"));
	if (!web_b(out, "served"))
		html_lit(&w->h, "<p>Den här servern tar inte emot anrop från 1177: tjänsterna är "
				"inte påslagna här.</p>\n");
	html_lit(&w->h, "<table class=\"responsive\">\n<caption>Anrop från 1177 i dag per tjänst "
			"och version</caption>\n<thead><tr><th scope=\"col\">Tjänst</th>"
			"<th scope=\"col\" class=\"num\">Version</th>"
			"<th scope=\"col\" class=\"num\">Anrop</th>"
			"<th scope=\"col\" class=\"num\">Fel</th>"
			"<th scope=\"col\" class=\"num\">Tekniska fel</th></tr></thead>\n"
			"<tbody>\n");
	json_array_foreach(json_object_get(out, "interactions"), i, row) {
		html_f(&w->h,
		       "<tr><th scope=\"row\">%s</th>"
		       "<td class=\"num\" data-label=\"Version\">%lld</td>"
		       "<td class=\"num\" data-label=\"Anrop\">%lld</td>"
		       "<td class=\"num\" data-label=\"Fel\">%lld</td>"
		       "<td class=\"num\" data-label=\"Tekniska fel\">%lld</td></tr>\n",
		       interaction_sv(web_s(row, "interaction")), (long long)web_i(row, "version"),
		       (long long)web_i(row, "calls"), (long long)web_i(row, "errors"),
		       (long long)web_i(row, "faults"));
	}
	total = json_object_get(out, "total");
	html_f(&w->h,
	       "</tbody>\n<tfoot><tr><th scope=\"row\">Totalt</th>"
	       "<td class=\"num\" data-label=\"Version\">1 och 2</td>"
	       "<td class=\"num\" data-label=\"Anrop\">%lld</td>"
	       "<td class=\"num\" data-label=\"Fel\">%lld</td>"
	       "<td class=\"num\" data-label=\"Tekniska fel\">%lld</td></tr></tfoot>\n"
	       "</table>\n",
	       (long long)web_i(total, "calls"), (long long)web_i(total, "errors"),
	       (long long)web_i(total, "faults"));
	html_lit(&w->h, "<p><strong>Fel</strong> är anrop som fick svaret att frågan eller "
			"beställningen inte gick att genomföra, med en förklaring som patienten "
			"ser (till exempel att nästa uttag inte får göras än). <strong>Tekniska "
			"fel</strong> är anrop som inte gick att besvara: en felaktig begäran, fel "
			"logisk adress eller ett fel i lmn. E-tjänsten får bara ett "
			"referensnummer; serverns logg har samma nummer med orsaken.</p>\n");
	json_decref(out);
	notices_section(w);
	return web_end(w, 200);
}
