/* The administration's follow-up and money pages: the key figures of a tertial or year with charts,
 * the monthly invoice basis with the year's surplus repayment, and the fee tables. Aggregates only:
 * no patient data is shown. */
#include <stdio.h>
#include <string.h>

#include "codec/assortment_csv.h"
#include "util/localtime.h"
#include "web/pages.h"
#include "web/report_html.h"

/* Links to the same data as files, straight from the API (the session cookie signs them in). */
static void downloads(struct web_ctx *w, const char *path, const char *query)
{
	html_f(&w->h,
	       "<p>Ladda ner: <a href=\"%s?%s&amp;format=csv\">CSV</a> · "
	       "<a href=\"%s?%s\">JSON</a></p>\n",
	       path, query, path, query);
}

int page_admin_reports(struct web_ctx *w)
{
	static const char *const tertials[] = { "1", "T1 (januari–april)",
						"2", "T2 (maj–augusti)",
						"3", "T3 (september–december)",
						"0", "Helår",
						NULL };
	const char *year = web_query(w, "ar"), *tertial = web_query(w, "tertial");
	const char *map[] = { "year", "ar", "tertial", "tertial", NULL };
	char y[16], t[16], qs[64], title[64];
	json_t *out = NULL;
	int status;

	if (!year || !*year) {
		lmn_day today;
		int yy, mm, dd;
		if (localtime_today(&today) != LMN_OK)
			today = 0;
		date_to_ymd(today, &yy, &mm, &dd);
		/* The last tertial that has ended. */
		snprintf(y, sizeof(y), "%d", mm <= 4 ? yy - 1 : yy);
		snprintf(t, sizeof(t), "%d", mm <= 4 ? 3 : mm <= 8 ? 1 : 2);
		year = y;
		if (!tertial || !*tertial)
			tertial = t;
	}
	if (!tertial || !*tertial)
		tertial = "0";
	const char *query[] = { "year", year, "tertial", tertial, NULL };
	status = web_api(w, "GET", "/api/reports/key-figures", query, NULL, &out);
	if (status != 200)
		web_problem(w, out, map);
	snprintf(title, sizeof(title), "Uppföljning %s",
		 status == 200 ? web_s(json_object_get(out, "period"), "label") : "");
	web_begin(w, title);
	html_lit(&w->h, "<p>Nyckeltalen i specifikation B avsnitt 6 för ett tertial eller ett år, "
			"var och ett mot målet som gällde under perioden.</p>\n"
			"<form method=\"get\" action=\"/admin/rapporter\">\n");
	web_input(w, "ar", "År", "number", year, true, NULL);
	web_select(w, "tertial", "Period", tertials, tertial);
	html_lit(&w->h, "<button type=\"submit\">Visa</button>\n</form>\n");
	if (status != 200) {
		json_decref(out);
		return web_end(w, status >= 400 && status < 500 ? (unsigned)status : 500);
	}
	snprintf(qs, sizeof(qs), "year=%s&tertial=%s", year, tertial);
	downloads(w, "/api/reports/key-figures", qs);
	report_html_keyfigures(&w->h, out);
	json_decref(out);
	return web_end(w, 200);
}

int page_admin_invoice(struct web_ctx *w)
{
	const char *month = web_query(w, "manad"), *ryear = web_query(w, "ar");
	const char *surplus = web_query(w, "overskott");
	const char *map[] = { "month", "manad", "year", "ar", "surplus_ore", "overskott", NULL };
	char m[32], qs[64], title[64], ore_s[24];
	json_t *out = NULL, *rep = NULL, *p;
	int status, rstatus = 0;
	size_t i;

	if (!month || !*month) {
		lmn_day today;
		int yy, mm, dd;
		if (localtime_today(&today) != LMN_OK)
			today = 0;
		date_to_ymd(today, &yy, &mm, &dd);
		snprintf(m, sizeof(m), "%04d-%02d", mm == 1 ? yy - 1 : yy, mm == 1 ? 12 : mm - 1);
		month = m;
	}
	const char *query[] = { "month", month, NULL };
	status = web_api(w, "GET", "/api/reports/invoice-basis", query, NULL, &out);
	if (status != 200)
		web_problem(w, out, map);
	if (ryear && *ryear && surplus && *surplus) {
		int64_t ore;
		struct lmn_err err;
		if (assortment_parse_price(surplus, strlen(surplus), &ore, &err) != LMN_OK) {
			web_error(w, "overskott",
				  "Ange överskottet i kronor med högst två decimaler.");
		} else {
			snprintf(ore_s, sizeof(ore_s), "%lld", (long long)ore);
			const char *rq[] = { "year", ryear, "surplus_ore", ore_s, NULL };
			rstatus =
				web_api(w, "GET", "/api/reports/surplus-repayment", rq, NULL, &rep);
			if (rstatus != 200)
				web_problem(w, rep, map);
		}
	}
	snprintf(title, sizeof(title), "Fakturaunderlag %s", month);
	web_begin(w, title);
	html_lit(&w->h, "<p>Vad varje vårdgivare och kostnadsställe ska faktureras för en månad: "
			"levererade artiklar till priset som gällde leveransdagen och avgifterna i "
			"avgiftstabellen (<a href=\"/admin/avgifter\">avgifter</a>).</p>\n"
			"<form method=\"get\" action=\"/admin/fakturaunderlag\">\n");
	web_input(w, "manad", "Månad", "month", month, true, "ÅÅÅÅ-MM");
	html_lit(&w->h, "<button type=\"submit\">Visa</button>\n</form>\n");
	if (status == 200) {
		snprintf(qs, sizeof(qs), "month=%s", month);
		downloads(w, "/api/reports/invoice-basis", qs);
		report_html_invoice(&w->h, out);
	}
	html_lit(&w->h, "<h2>Återbetalning av årets överskott</h2>\n<p>Överskottet fördelas på "
			"vårdgivarna i proportion till vad var och en fakturerades under året; "
			"beloppen summerar exakt till överskottet.</p>\n"
			"<form method=\"get\" action=\"/admin/fakturaunderlag\">\n");
	html_f(&w->h, "<input type=\"hidden\" name=\"manad\" value=\"%s\">\n", month);
	web_input(w, "ar", "År", "number", ryear, true, NULL);
	web_input(w, "overskott", "Överskott i kronor", "text", surplus, true,
		  "Till exempel 3800000");
	html_lit(&w->h, "<button type=\"submit\">Fördela</button>\n</form>\n");
	if (rstatus == 200) {
		char c[32], r[32];
		html_f(&w->h,
		       "<table>\n<caption>Återbetalning %lld</caption>\n<thead><tr>"
		       "<th scope=\"col\">Vårdgivare</th><th scope=\"col\" class=\"num\">Fakturerat</th>"
		       "<th scope=\"col\" class=\"num\">Återbetalas</th></tr></thead>\n<tbody>\n",
		       (long long)web_i(rep, "year"));
		json_array_foreach(json_object_get(rep, "care_providers"), i, p) {
			web_money(c, web_i(p, "charged_ore"));
			web_money(r, web_i(p, "repaid_ore"));
			html_f(&w->h,
			       "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td>"
			       "<td class=\"num\">%s</td></tr>\n",
			       web_s(p, "care_provider"), c, r);
		}
		web_money(c, web_i(rep, "charged_ore"));
		web_money(r, web_i(rep, "repaid_ore"));
		html_f(&w->h,
		       "</tbody>\n<tfoot><tr><th scope=\"row\">Summa</th><td class=\"num\">%s</td>"
		       "<td class=\"num\"><strong>%s</strong></td></tr></tfoot>\n</table>\n",
		       c, r);
	}
	json_decref(out);
	json_decref(rep);
	return web_end(w, status == 200 && (rstatus == 0 || rstatus == 200) ? 200 : 400);
}

static const char *const fee_kinds[] = {
	"delivery",   "Leveransavgift",	     "acute_delivery", "Avgift för akutleverans",
	"order_line", "Avgift per orderrad", "return",	       "Returavgift",
	NULL
};

static const char *fee_kind_sv(const char *kind)
{
	for (const char *const *k = fee_kinds; *k; k += 2)
		if (strcmp(k[0], kind) == 0)
			return k[1];
	return "Avgiften";
}

/* After saving (issue 20): what was saved, as the fee table now has it. */
static void fee_saved(struct web_ctx *w, json_t *fees)
{
	const char *kind = web_query(w, "sparad"), *from = web_query(w, "fran");
	json_t *f;
	size_t i;

	if (!kind || !from)
		return;
	json_array_foreach(fees, i, f)
		if (strcmp(web_s(f, "kind"), kind) == 0 &&
		    strcmp(web_s(f, "valid_from"), from) == 0) {
			char m[32];
			web_money(m, web_i(f, "amount_ore"));
			html_f(&w->h,
			       "<div class=\"notice\" role=\"status\"><p><strong>Avgiften är %s: "
			       "%s %s från %s.</strong></p></div>\n",
			       web_query(w, "ersatt") ? "ersatt" : "sparad", fee_kind_sv(kind), m,
			       from);
		}
}

static int fees_page(struct web_ctx *w, unsigned status)
{
	json_t *out = NULL, *f;
	size_t i;
	int st = web_api(w, "GET", "/api/fees", NULL, NULL, &out);

	web_begin(w, "Avgifter");
	if (st == 200)
		fee_saved(w, json_object_get(out, "fees"));
	html_lit(&w->h,
		 "<p>Avgiftstabellerna i specifikation A: varje avgift gäller från sitt datum "
		 "tills nästa av samma slag. Belopp märkta exempelbelopp är påhittade "
		 "(demodata).</p>\n");
	if (st == 200) {
		html_lit(&w->h,
			 "<table class=\"responsive\">\n<caption>Avgifter</caption>\n<thead><tr>"
			 "<th scope=\"col\">Avgift</th><th scope=\"col\">Gäller från</th>"
			 "<th scope=\"col\" class=\"num\">Belopp</th><th scope=\"col\">Status</th>"
			 "</tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(out, "fees"), i, f) {
			char m[32];
			web_money(m, web_i(f, "amount_ore"));
			html_f(&w->h,
			       "<tr><th scope=\"row\" data-label=\"Avgift\">%s</th>"
			       "<td data-label=\"Gäller från\" class=\"date\">%s</td><td class=\"num\" "
			       "data-label=\"Belopp\">%s<span class=\"remark\">%s</span></td>"
			       "<td data-label=\"Status\">%s</td></tr>\n",
			       web_s(f, "title"), web_s(f, "valid_from"), m,
			       web_b(f, "example") ? " (exempelbelopp)" : "",
			       web_b(f, "in_force") ? "gäller i dag" : "");
		}
		html_lit(&w->h, "</tbody>\n</table>\n");
	}
	json_decref(out);
	html_lit(&w->h, "<h2>Ny avgift</h2>\n");
	web_form(w, "/admin/avgifter", false);
	web_select(w, "slag", "Avgift", fee_kinds, web_field(w, "slag"));
	web_input(w, "belopp", "Belopp i kronor", "text", NULL, true, "Till exempel 52,00");
	web_input(w, "giltig_fran", "Gäller från", "date", NULL, true,
		  "I dag eller senare: gjorda fakturaunderlag bygger på avgiften som gällde.");
	web_form_end(w, "Spara avgiften");
	return web_end(w, status);
}

int page_admin_fees(struct web_ctx *w)
{
	return fees_page(w, 200);
}

/* A fee from a day that already has one (issue 20): asks before replacing it, without
 * JavaScript, as a page whose "Ja" posts the same fee again with ersatt=1. */
static int fee_replace_confirm(struct web_ctx *w, const char *kind, const char *amount,
			       const char *from, int64_t current, int64_t ore)
{
	char was[32], now[32], question[192], keep[64];

	web_money(was, current);
	web_money(now, ore);
	snprintf(question, sizeof(question), "%s från %s är %s. Ersätt med %s?", fee_kind_sv(kind),
		 from, was, now);
	web_begin(w, "Ersätta avgiften?");
	html_f(&w->h,
	       "<p><strong>%s</strong></p>\n<p>Det finns redan en avgift av samma slag från "
	       "samma dag. Fakturaunderlag för dagar från %s räknas med den avgift du "
	       "behåller.</p>\n<div class=\"confirm-actions\">\n",
	       question, from);
	web_form(w, "/admin/avgifter", false);
	html_f(&w->h,
	       "<input type=\"hidden\" name=\"slag\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"belopp\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"giltig_fran\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"ersatt\" value=\"1\">\n"
	       "<button type=\"submit\">Ja, ersätt med %s</button>\n</form>\n",
	       kind, amount, from, now);
	snprintf(keep, sizeof(keep), "Nej, behåll %s", was);
	html_f(&w->h, "<p><a class=\"button\" href=\"/admin/avgifter\">%s</a></p>\n</div>\n", keep);
	return web_end(w, 200);
}

int page_admin_fees_post(struct web_ctx *w)
{
	const char *kind = web_field(w, "slag"), *amount = web_field(w, "belopp");
	const char *from = web_field(w, "giltig_fran");
	const char *map[] = { "kind",	    "slag",	   "amount_ore", "belopp",
			      "valid_from", "giltig_fran", NULL };
	bool replace = web_field(w, "ersatt") != NULL;
	struct lmn_err err;
	json_t *out = NULL;
	int64_t ore = 0;
	char path[96];
	int status;

	if (!amount || assortment_parse_price(amount, strlen(amount), &ore, &err) != LMN_OK)
		web_error(w, "belopp",
			  "Ange beloppet i kronor med högst två decimaler, till exempel 52,00.");
	if (w->nerrors)
		return fees_page(w, 400);
	status = web_api(w, "POST", "/api/fees", NULL,
			 json_pack("{s:s, s:s, s:I, s:b}", "kind", kind ? kind : "", "valid_from",
				   from ? from : "", "amount_ore", (json_int_t)ore, "replace",
				   replace),
			 &out);
	if (status == 409 && strcmp(web_s(out, "code"), "fee_exists") == 0) {
		int64_t current = web_i(out, "current_amount_ore");
		json_decref(out);
		return fee_replace_confirm(w, kind, amount, from, current, ore);
	}
	if (status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return fees_page(w, status >= 400 && status < 500 ? (unsigned)status : 500);
	}
	/* kind and date as the API took them: known values, safe in a path. */
	snprintf(path, sizeof(path), "/admin/avgifter?sparad=%s&fran=%s%s", web_s(out, "kind"),
		 web_s(out, "valid_from"), web_b(out, "replaced") ? "&ersatt=1" : "");
	json_decref(out);
	return web_redirect(w, path);
}
