/* Reports as HTML with SVG charts: see report_html.h. Everything written goes through the escaping
 * HTML writer; coordinates are integers computed here. */
#include "web/report_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

extern const char web_css[];

static const char *const figure_keys[] = { "phone_accessibility", "delivery_reliability",
					   "delivered_order_lines", "share_1177",
					   "own_pages_share", "contact_cases", "past_contact_date",
					   "partial_deliveries", "returns", NULL };

/* "86.51" as "86,51 %"; "–" when there was nothing to measure. */
static void percent_sv(const char *share, char out[32])
{
	char *c;

	if (!share || !*share) {
		snprintf(out, 32, "–");
		return;
	}
	snprintf(out, 32, "%s %%", share);
	if ((c = strchr(out, '.')))
		*c = ',';
}

/* A share as hundredths of a percent (0–10000), -1 when absent. */
static long share_h(json_t *f)
{
	const char *s = web_s(f, "share");
	char *end;
	double v;

	if (!*s)
		return -1;
	v = strtod(s, &end);
	return v < 0 ? 0 : v > 100 ? 10000 : (long)(v * 100 + 0.5);
}

static void value_cell(struct html *h, json_t *f)
{
	char p[32];

	if (json_object_get(f, "count")) {
		html_f(h, "<td class=\"num\" data-label=\"Värde\">%lld</td>", (long long)web_i(f, "count"));
		return;
	}
	percent_sv(web_s(f, "share"), p);
	html_f(h, "<td class=\"num\" data-label=\"Värde\">%s</td>", p);
}

static void figure_row(struct html *h, json_t *f, const char *label, bool sub)
{
	char t[32];

	html_f(h, "<tr%s><th scope=\"row\" data-label=\"Nyckeltal\">%s</th>", sub ? " class=\"part\"" : "",
	       label);
	value_cell(h, f);
	if (json_object_get(f, "denominator"))
		html_f(h, "<td class=\"num\" data-label=\"Underlag\">%lld av %lld</td>",
		       (long long)web_i(f, "numerator"), (long long)web_i(f, "denominator"));
	else
		html_lit(h, "<td class=\"num\" data-label=\"Underlag\"></td>");
	if (*web_s(f, "target")) {
		percent_sv(web_s(f, "target"), t);
		html_f(h, "<td data-label=\"Mål\">%s", t);
		if (json_object_get(f, "within_minutes"))
			html_f(h, " inom %lld min", (long long)web_i(f, "within_minutes"));
		html_f(h, " <span class=\"muted\">(%s)</span></td>", web_s(f, "rule"));
		if (json_is_boolean(json_object_get(f, "met")))
			html_f(h, "<td data-label=\"Uppfyllt\"><span class=\"status %s\">%s</span></td>",
			       web_b(f, "met") ? "met" : "missed", web_b(f, "met") ? "Ja" : "Nej");
		else
			html_lit(h, "<td data-label=\"Uppfyllt\">–</td>");
	} else if (json_object_get(f, "parts")) {
		html_lit(h, "<td data-label=\"Mål\">Målet ändrades under perioden: se delarna</td>"
			    "<td data-label=\"Uppfyllt\"></td>");
	} else {
		html_lit(h, "<td data-label=\"Mål\">–</td><td data-label=\"Uppfyllt\"></td>");
	}
	html_lit(h, "</tr>\n");
}

static void total_table(struct html *h, json_t *group, const char *period)
{
	json_t *figs = json_object_get(group, "figures");

	html_f(h, "<table class=\"responsive\">\n<caption>Nyckeltal %s, totalt</caption>\n", period);
	html_lit(h, "<thead><tr><th scope=\"col\">Nyckeltal</th><th scope=\"col\" class=\"num\">Värde</th>"
		    "<th scope=\"col\" class=\"num\">Underlag</th><th scope=\"col\">Mål i kraft</th>"
		    "<th scope=\"col\">Uppfyllt</th></tr></thead>\n<tbody>\n");
	for (const char *const *k = figure_keys; *k; k++) {
		json_t *f = json_object_get(figs, *k), *p;
		size_t i;

		if (!f)
			continue;
		figure_row(h, f, web_s(f, "title"), false);
		json_array_foreach(json_object_get(f, "parts"), i, p) {
			char label[64];
			snprintf(label, sizeof(label), "%s–%s", web_s(p, "from"), web_s(p, "to"));
			figure_row(h, p, label, true);
		}
	}
	html_lit(h, "</tbody>\n</table>\n");
}

/* A table of the groups of one kind: a row each, a column per figure (no phone: calls have no area
 * or care provider). */
static void groups_table(struct html *h, json_t *report, const char *kind, const char *caption)
{
	json_t *g;
	size_t i;

	/* A region that may scroll sideways takes the keyboard's focus (WCAG 2.1.1), named as its
	 * table is. */
	html_f(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"%s\">\n"
		  "<table class=\"responsive\">\n<caption>%s</caption>\n"
		  "<thead><tr><th scope=\"col\">%s</th>",
	       caption, caption, strcmp(kind, "area") == 0 ? "Produktområde" : "Vårdgivare");
	for (const char *const *k = figure_keys + 1; *k; k++) {
		json_t *f = json_object_get(json_object_get(json_array_get(json_object_get(report, "groups"), 0),
							    "figures"),
					    *k);
		html_f(h, "<th scope=\"col\" class=\"num\">%s</th>", web_s(f, "title"));
	}
	html_lit(h, "</tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(report, "groups"), i, g) {
		if (strcmp(web_s(g, "kind"), kind) != 0)
			continue;
		html_f(h, "<tr><th scope=\"row\">%s</th>", web_s(g, "name"));
		for (const char *const *k = figure_keys + 1; *k; k++) {
			json_t *f = json_object_get(json_object_get(g, "figures"), *k);
			char p[32];
			if (json_object_get(f, "count")) {
				html_f(h, "<td class=\"num\" data-label=\"%s\">%lld</td>", web_s(f, "title"),
				       (long long)web_i(f, "count"));
			} else {
				percent_sv(web_s(f, "share"), p);
				html_f(h, "<td class=\"num\" data-label=\"%s\">%s", web_s(f, "title"), p);
				if (json_is_boolean(json_object_get(f, "met")) && !web_b(f, "met"))
					html_lit(h, " <span class=\"status missed\">under målet</span>");
				html_lit(h, "</td>");
			}
		}
		html_lit(h, "</tr>\n");
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n");
}

/* ---- Charts ---- */

#define CW 640  /* the chart's width and height in SVG units */
#define PX0 64  /* the plot area */
#define PY0 16
#define PW 556
#define PH 200

static int y_of(long hundredths)
{
	return PY0 + PH - (int)(hundredths * PH / 10000);
}

/* The frame of a chart: title, description, the y axis in percent with grid lines, its label. */
static void chart_begin(struct html *h, const char *id, int height, const char *title,
			const char *desc)
{
	html_f(h, "<figure class=\"chart\">\n<svg viewBox=\"0 0 %d %d\" role=\"img\" "
		  "aria-labelledby=\"%s-t %s-d\" xmlns=\"http://www.w3.org/2000/svg\">\n"
		  "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n",
	       CW, height, id, id, id, title, id, desc);
}

static void y_axis(struct html *h)
{
	for (int v = 0; v <= 100; v += 20) {
		int y = y_of(v * 100L);
		html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
			  "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%d %%</text>\n",
		       PX0, y, PX0 + PW, y, PX0 - 6, y + 4, v);
	}
	html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>"
		  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n",
	       PX0, PY0, PX0, PY0 + PH, PX0, PY0 + PH, PX0 + PW, PY0 + PH);
	html_f(h, "<text x=\"14\" y=\"%d\" class=\"label\" transform=\"rotate(-90 14 %d)\" "
		  "text-anchor=\"middle\">Andel (procent)</text>\n",
	       PY0 + PH / 2, PY0 + PH / 2);
}

/* The trend of eight tertials: phone accessibility and delivery reliability side by side, with the
 * target of each tertial (when it had one) marked. */
static void trend_chart(struct html *h, json_t *trend)
{
	static const struct {
		const char *key, *name, *cls;
	} series[] = { { "phone_accessibility", "Telefontillgänglighet", "s1" },
		       { "delivery_reliability", "Leveranssäkerhet", "s2" } };
	size_t n = json_array_size(trend);
	int slot = n ? PW / (int)n : PW;
	json_t *t;
	size_t i;

	if (n == 0)
		return;
	html_lit(h, "<div class=\"chart-stack\">\n");
	chart_begin(h, "trend", PY0 + PH + 64,
		    "Trend: telefontillgänglighet och leveranssäkerhet per tertial",
		    "Stapeldiagram över de senaste tertialen. Varje tertial har en stapel för "
		    "telefontillgänglighet och en för leveranssäkerhet, i procent; ett streck över "
		    "stapeln visar målet som gällde. Samma siffror står i tabellen bredvid.");
	y_axis(h);
	json_array_foreach(trend, i, t) {
		int x = PX0 + (int)i * slot;
		for (int s = 0; s < 2; s++) {
			json_t *f = json_object_get(json_object_get(t, "figures"), series[s].key);
			long v = share_h(f);
			int bx = x + slot / 2 - 22 + s * 22, y = v < 0 ? PY0 + PH : y_of(v);
			char p[32];

			percent_sv(web_s(f, "share"), p);
			html_f(h, "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"%d\" class=\"%s\">"
				  "<title>%s %s: %s</title></rect>\n",
			       bx, y, PY0 + PH - y, series[s].cls, web_s(t, "label"), series[s].name, p);
			if (*web_s(f, "target")) {
				char *end;
				long tv = (long)(strtod(web_s(f, "target"), &end) * 100 + 0.5);
				html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"/>\n",
				       bx - 2, y_of(tv), bx + 22, y_of(tv));
			}
		}
		html_f(h, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
		       x + slot / 2, PY0 + PH + 18, web_s(t, "label"));
	}
	html_f(h, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">Tertial</text>\n",
	       PX0 + PW / 2, PY0 + PH + 38);
	html_f(h, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" class=\"s1\"/>"
		  "<text x=\"%d\" y=\"%d\" class=\"tick\">Telefontillgänglighet</text>"
		  "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" class=\"s2\"/>"
		  "<text x=\"%d\" y=\"%d\" class=\"tick\">Leveranssäkerhet</text>"
		  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"/>"
		  "<text x=\"%d\" y=\"%d\" class=\"tick\">Mål</text>\n",
	       PX0, PY0 + PH + 48, PX0 + 16, PY0 + PH + 58, PX0 + 200, PY0 + PH + 48, PX0 + 216,
	       PY0 + PH + 58, PX0 + 370, PY0 + PH + 54, PX0 + 390, PY0 + PH + 54, PX0 + 396,
	       PY0 + PH + 58);
	html_lit(h, "</svg>\n<figcaption>Telefontillgänglighet och leveranssäkerhet, de senaste "
		    "tertialen, mot målen som gällde.</figcaption>\n</figure>\n");
	html_lit(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Trend per tertial\">\n"
		    "<table>\n<caption>Trend per tertial</caption>\n"
		    "<thead><tr><th scope=\"col\">Tertial</th>"
		    "<th scope=\"col\" class=\"num\">Telefontillgänglighet</th><th scope=\"col\">Mål</th>"
		    "<th scope=\"col\" class=\"num\">Leveranssäkerhet</th><th scope=\"col\">Mål</th>"
		    "<th scope=\"col\" class=\"num\">Levererade orderrader</th>"
		    "<th scope=\"col\" class=\"num\">Andel via 1177</th>"
		    "<th scope=\"col\" class=\"num\">Andel via egna patientsidor</th>"
		    "</tr></thead>\n"
		    "<tbody>\n");
	json_array_foreach(trend, i, t) {
		json_t *figs = json_object_get(t, "figures");
		char a[32], at[32], b[32], bt[32], d[32], e[32];

		percent_sv(web_s(json_object_get(figs, "phone_accessibility"), "share"), a);
		percent_sv(web_s(json_object_get(figs, "phone_accessibility"), "target"), at);
		percent_sv(web_s(json_object_get(figs, "delivery_reliability"), "share"), b);
		percent_sv(web_s(json_object_get(figs, "delivery_reliability"), "target"), bt);
		percent_sv(web_s(json_object_get(figs, "share_1177"), "share"), d);
		percent_sv(web_s(json_object_get(figs, "own_pages_share"), "share"), e);
		html_f(h, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td>%s</td>"
			  "<td class=\"num\">%s</td><td>%s</td><td class=\"num\">%lld</td>"
			  "<td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
		       web_s(t, "label"), a, *web_s(json_object_get(figs, "phone_accessibility"), "target") ? at : "delat",
		       b, bt,
		       (long long)web_i(json_object_get(figs, "delivered_order_lines"), "count"), d,
		       e);
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n</div>\n");
}

/* Delivery reliability per product area and care provider, as horizontal bars against the target. */
static void groups_chart(struct html *h, json_t *report)
{
	json_t *groups = json_object_get(report, "groups"), *g;
	size_t i, n = json_array_size(groups);
	int row = 28, height = PY0 + (int)n * row + 48;
	const int lx = 230, bw = CW - lx - 64;
	long target = -1;

	if (n == 0)
		return;
	html_lit(h, "<div class=\"chart-pair\">\n");
	chart_begin(h, "groups", height, "Leveranssäkerhet totalt, per produktområde och per vårdgivare",
		    "Liggande staplar med andelen beställningar levererade senast på leveransdagen, i "
		    "procent, för varje grupp; en lodrät linje visar målet. Samma siffror står i tabellen "
		    "bredvid.");
	json_array_foreach(groups, i, g) {
		json_t *f = json_object_get(json_object_get(g, "figures"), "delivery_reliability");
		long v = share_h(f);
		int y = PY0 + (int)i * row, w = v < 0 ? 0 : (int)(v * bw / 10000);
		char p[32];

		if (*web_s(f, "target") && target < 0) {
			char *end;
			target = (long)(strtod(web_s(f, "target"), &end) * 100 + 0.5);
		}
		percent_sv(web_s(f, "share"), p);
		html_f(h, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>"
			  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" class=\"s2\"><title>%s: %s</title></rect>"
			  "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>\n",
		       lx - 8, y + 14, web_s(g, "name"), lx, y, w, web_s(g, "name"), p, lx + w + 4, y + 14, p);
	}
	for (int v = 0; v <= 100; v += 20)
		html_f(h, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%d %%</text>\n",
		       lx + v * bw / 100, PY0 + (int)n * row + 14, v);
	html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", lx, PY0, lx,
	       PY0 + (int)n * row);
	html_f(h, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">Levererade senast på "
		  "leveransdagen (procent)</text>\n",
	       lx + bw / 2, PY0 + (int)n * row + 36);
	if (target >= 0)
		html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"><title>Mål</title></line>\n",
		       lx + (int)(target * bw / 10000), PY0 - 4, lx + (int)(target * bw / 10000),
		       PY0 + (int)n * row);
	html_lit(h, "</svg>\n<figcaption>Leveranssäkerhet per grupp mot målet.</figcaption>\n</figure>\n");
	html_lit(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Leveranssäkerhet per grupp\">\n");
	html_lit(h, "<table>\n<caption>Leveranssäkerhet per grupp</caption>\n<thead><tr>"
		    "<th scope=\"col\">Grupp</th><th scope=\"col\" class=\"num\">Andel</th>"
		    "<th scope=\"col\" class=\"num\">Underlag</th></tr></thead>\n<tbody>\n");
	json_array_foreach(groups, i, g) {
		json_t *f = json_object_get(json_object_get(g, "figures"), "delivery_reliability");
		char p[32];
		percent_sv(web_s(f, "share"), p);
		html_f(h, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td>"
			  "<td class=\"num\">%lld av %lld</td></tr>\n",
		       web_s(g, "name"), p, (long long)web_i(f, "numerator"),
		       (long long)web_i(f, "denominator"));
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n</div>\n");
}

void report_html_keyfigures(struct html *h, json_t *r)
{
	json_t *period = json_object_get(r, "period"), *p;
	const char *label = web_s(period, "label");
	size_t i;

	html_f(h, "<p>Perioden %s–%s, uträknad %s. Beställningar räknas efter mottagningsdag, samtal "
		  "efter dag i kö, levererade rader och returer efter leveransdag.</p>\n",
	       web_s(period, "from"), web_s(period, "to"), web_s(r, "as_of"));
	html_lit(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Mål i kraft under perioden\">\n");
	html_lit(h, "<table>\n<caption>Mål i kraft under perioden</caption>\n<thead><tr>"
		    "<th scope=\"col\">Del av perioden</th><th scope=\"col\">Telefontillgänglighet</th>"
		    "<th scope=\"col\">Leveranssäkerhet</th><th scope=\"col\">Regelversion</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(r, "parts"), i, p) {
		char a[32], b[32];
		percent_sv(web_s(p, "phone_answer_target"), a);
		percent_sv(web_s(p, "delivery_reliability_target"), b);
		html_f(h, "<tr><th scope=\"row\">%s–%s</th><td>%s inom %lld minuter</td><td>%s</td>"
			  "<td><code>%s</code></td></tr>\n",
		       web_s(p, "from"), web_s(p, "to"), a, (long long)web_i(p, "phone_answer_minutes"), b,
		       web_s(p, "rule"));
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n");
	if (json_array_size(json_object_get(r, "parts")) > 1)
		html_lit(h, "<p class=\"notice\">Ett mål ändrades under perioden. Varje del bedöms mot "
			    "det mål som gällde då.</p>\n");
	html_lit(h, "<h2>Totalt</h2>\n");
	total_table(h, json_array_get(json_object_get(r, "groups"), 0), label);
	html_lit(h, "<h2>Per produktområde och vårdgivare</h2>\n");
	groups_chart(h, r);
	groups_table(h, r, "area", "Nyckeltal per produktområde");
	groups_table(h, r, "care_provider", "Nyckeltal per vårdgivare");
	html_lit(h, "<p class=\"muted\">Telefontillgängligheten redovisas bara totalt: ett samtal hör "
		    "inte till ett produktområde eller en vårdgivare.</p>\n");
	html_lit(h, "<h2>Trend</h2>\n");
	trend_chart(h, json_object_get(r, "trend"));
}

static void money_cell(struct html *h, json_t *o, const char *key)
{
	char m[32];

	web_money(m, web_i(o, key));
	html_f(h, "<td class=\"num\">%s</td>", m);
}

void report_html_invoice(struct html *h, json_t *inv)
{
	static const char *const fees[] = { "delivery", "acute_delivery", "order_line", "return" };
	static const char *const titles[] = { "Leveranser", "Akutleveranser", "Orderrader", "Returer" };
	json_t *l;
	size_t i;
	char m[32];

	if (web_b(inv, "example_amounts"))
		html_lit(h, "<p class=\"notice\">Avgifterna är <strong>exempelbelopp</strong> (demodata), "
			    "inte regionens avgifter.</p>\n");
	if (web_b(inv, "fee_missing"))
		html_lit(h, "<p class=\"error-summary\">Någon avgift saknades i avgiftstabellen en dag då "
			    "den behövdes; den delen är inte debiterad.</p>\n");
	/* A scroll region of its own, so a wide table never widens the page (issue 20). */
	html_lit(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Fakturaunderlag\">\n");
	html_f(h, "<table class=\"responsive compact\">\n<caption>Fakturaunderlag %s per vårdgivare och "
		  "kostnadsställe</caption>\n<thead><tr><th scope=\"col\">Vårdgivare</th>"
		  "<th scope=\"col\">Kostnadsställe</th><th scope=\"col\" class=\"num\">Produkter</th>",
	       web_s(inv, "month"));
	for (int k = 0; k < 4; k++)
		html_f(h, "<th scope=\"col\" class=\"num\">%s</th>", titles[k]);
	html_lit(h, "<th scope=\"col\" class=\"num\">Summa</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(inv, "lines"), i, l) {
		html_f(h, "<tr><th scope=\"row\">%s</th><td>%s</td>", web_s(l, "care_provider"),
		       web_s(l, "cost_centre"));
		money_cell(h, l, "product_ore");
		for (int k = 0; k < 4; k++) {
			json_t *f = json_object_get(json_object_get(l, "fees"), fees[k]);
			web_money(m, web_i(f, "amount_ore"));
			html_f(h, "<td class=\"num\">%lld st,<br>%s</td>", (long long)web_i(f, "count"),
			       m);
		}
		money_cell(h, l, "total_ore");
		html_lit(h, "</tr>\n");
	}
	web_money(m, web_i(inv, "total_ore"));
	html_f(h, "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"7\">Summa</th><td class=\"num\">"
		  "<strong>%s</strong></td></tr></tfoot>\n</table>\n</div>\n",
	       m);
}

static void document(struct buf *out, const char *title, void (*body)(struct html *, json_t *),
		     json_t *data)
{
	struct html h = { .b = *out };

	html_f(&h, "<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>%s – lmn</title>\n<style>\n",
	       title);
	buf_adds(&h.b, web_css); /* our own style sheet, embedded at build time: not a runtime value */
	html_f(&h, "</style>\n</head>\n<body>\n<main class=\"wrap\">\n<h1>%s</h1>\n", title);
	body(&h, data);
	html_lit(&h, "</main>\n</body>\n</html>\n");
	*out = h.b;
}

void report_html_keyfigures_page(json_t *report, struct buf *out)
{
	char title[96];

	snprintf(title, sizeof(title), "Nyckeltal %s", web_s(json_object_get(report, "period"), "label"));
	document(out, title, report_html_keyfigures, report);
}

void report_html_invoice_page(json_t *invoice, struct buf *out)
{
	char title[96];

	snprintf(title, sizeof(title), "Fakturaunderlag %s", web_s(invoice, "month"));
	document(out, title, report_html_invoice, invoice);
}
