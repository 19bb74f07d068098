/* Reports as HTML with SVG charts: see report_html.h. Everything written goes through the escaping
 * HTML writer; coordinates are integers computed here. */
#include "web/report_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

extern const char web_css[];

static const char *const figure_keys[] = { "phone_accessibility",
					   "delivery_reliability",
					   "delivered_order_lines",
					   "share_1177",
					   "own_pages_share",
					   "contact_cases",
					   "past_contact_date",
					   "partial_deliveries",
					   "returns",
					   NULL };

/* "86.51" as "86,51 %"; "–" when there was nothing to measure. */
static void percent_sv(const char *share, char out[32])
{
	char *c;

	if (!share || !*share) {
		snprintf(out, 32, "–");
		return;
	}
	snprintf(out, 32, "%s\xc2\xa0%%", share); /* a no-break space: "80,00 %" never wraps */
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
		html_f(h, "<td class=\"num\" data-label=\"Värde\">%lld</td>",
		       (long long)web_i(f, "count"));
		return;
	}
	percent_sv(web_s(f, "share"), p);
	html_f(h, "<td class=\"num\" data-label=\"Värde\">%s</td>", p);
}

static void figure_row(struct html *h, json_t *f, const char *label, bool sub)
{
	char t[32];

	html_f(h, "<tr%s><th scope=\"row\" data-label=\"Nyckeltal\">%s</th>",
	       sub ? " class=\"part\"" : "", label);
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
		char cite[96];

		web_rule_cite(NULL, web_s(f, "rule"), cite);
		html_f(h, " <span class=\"muted\">(%s)</span></td>", cite);
		if (json_is_boolean(json_object_get(f, "met")))
			html_f(h,
			       "<td data-label=\"Uppfyllt\"><span class=\"status %s\">%s</span></td>",
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

	html_f(h, "<table class=\"responsive\">\n<caption>Nyckeltal %s, totalt</caption>\n",
	       period);
	html_lit(
		h,
		"<thead><tr><th scope=\"col\">Nyckeltal</th><th scope=\"col\" class=\"num\">Värde</th>"
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
	html_f(h,
	       "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"%s\">\n"
	       "<table class=\"responsive\">\n<caption>%s</caption>\n"
	       "<thead><tr><th scope=\"col\">%s</th>",
	       caption, caption, strcmp(kind, "area") == 0 ? "Produktområde" : "Vårdgivare");
	for (const char *const *k = figure_keys + 1; *k; k++) {
		json_t *f =
			json_object_get(json_object_get(json_array_get(json_object_get(report,
										       "groups"),
								       0),
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
				html_f(h, "<td class=\"num\" data-label=\"%s\">%lld</td>",
				       web_s(f, "title"), (long long)web_i(f, "count"));
			} else {
				percent_sv(web_s(f, "share"), p);
				html_f(h, "<td class=\"num\" data-label=\"%s\">%s",
				       web_s(f, "title"), p);
				if (json_is_boolean(json_object_get(f, "met")) && !web_b(f, "met"))
					html_lit(
						h,
						" <span class=\"status missed\">under målet</span>");
				html_lit(h, "</td>");
			}
		}
		html_lit(h, "</tr>\n");
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n");
}

/* ---- Charts ---- */

#define CW     640 /* the chart's width in SVG units */
#define NBSP   "\xc2\xa0"
#define CHAR_W 7 /* the width of a digit or sign of .tick text (12px), rounded up */

/* The value axis of a chart (issue 20): from a round value below the smallest value and target to
 * one at or above the largest, in steps of 1, 2, 5, 10, 20 or 25 percentage points with at most
 * six steps, so that 93 % and 95 % differ visibly; in hundredths of a percent. */
struct axis {
	long lo, hi, step;
};

static void axis_choose(const long *v, size_t n, struct axis *a)
{
	static const long steps[] = { 100, 200, 500, 1000, 2000, 2500 };
	long min = 10000, max = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] >= 0) {
			min = v[i] < min ? v[i] : min;
			max = v[i] > max ? v[i] : max;
		}
	if (max < min)
		min = 0, max = 10000;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		long s = steps[i], below = min - s / 2;
		a->step = s;
		a->lo = below <= 0 ? 0 : below / s * s;
		a->hi = (max + s - 1) / s * s;
		if (a->hi > 10000)
			a->hi = 10000;
		if (a->hi <= a->lo)
			a->hi = a->lo + s;
		if ((a->hi - a->lo) / s <= 6)
			return;
	}
}

/* Where v lies on an axis of length len (0 at lo), within [0, len]. */
static int axis_pos(const struct axis *a, long v, int len)
{
	if (v <= a->lo)
		return 0;
	if (v >= a->hi)
		return len;
	return (int)((v - a->lo) * len / (a->hi - a->lo));
}

/* "93,3 %" of hundredths, to a tenth: the charts' value labels (the tables have the hundredths). */
static int percent_short(long hundredths, char out[32])
{
	long tenths = (hundredths + 5) / 10;

	snprintf(out, 32, "%ld,%ld" NBSP "%%", tenths / 10, tenths % 10);
	return (int)(strlen(out) - 1) * CHAR_W; /* the no-break space is two bytes, one glyph */
}

/* A target as hundredths, -1 when there is none. */
static long target_h(json_t *f)
{
	const char *s = web_s(f, "target");
	char *end;

	return *s ? (long)(strtod(s, &end) * 100 + 0.5) : -1;
}

/* The frame of a chart: title and description. */
static void chart_begin(struct html *h, const char *id, int height, const char *title,
			const char *desc)
{
	html_f(h,
	       "<figure class=\"chart\">\n<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	       "aria-labelledby=\"%s-t %s-d\" xmlns=\"http://www.w3.org/2000/svg\">\n"
	       "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n",
	       CW, height, id, id, id, title, id, desc);
}

/* Where the axis starts, for the description and the caption, when it is not at 0. */
static void axis_note(const struct axis *a, char out[96])
{
	if (a->lo > 0)
		snprintf(out, 96,
			 " Axeln börjar vid %ld" NBSP "%%, inte vid 0, så att skillnaderna "
			 "syns.",
			 a->lo / 100);
	else
		out[0] = '\0';
}

/* The trend's plot area: a top margin for the value labels above the bars. */
#define TX0 64
#define TY0 48
#define TW  556
#define TH  200

static int trend_y(const struct axis *a, long v)
{
	return TY0 + TH - axis_pos(a, v, TH);
}

static void trend_axis(struct html *h, const struct axis *a)
{
	for (long v = a->lo; v <= a->hi; v += a->step) {
		int y = trend_y(a, v);
		html_f(h,
		       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
		       "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%ld" NBSP
		       "%%</text>\n",
		       TX0, y, TX0 + TW, y, TX0 - 6, y + 4, v / 100);
	}
	html_f(h,
	       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>"
	       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n",
	       TX0, TY0, TX0, TY0 + TH, TX0, TY0 + TH, TX0 + TW, TY0 + TH);
	html_f(h,
	       "<text x=\"14\" y=\"%d\" class=\"label\" transform=\"rotate(-90 14 %d)\" "
	       "text-anchor=\"middle\">Andel (procent)</text>\n",
	       TY0 + TH / 2, TY0 + TH / 2);
}

/* The trend's two series: phone accessibility and delivery reliability. */
static const struct {
	const char *key, *name, *cls;
} trend_series[] = { { "phone_accessibility", "Telefontillgänglighet", "s1" },
		     { "delivery_reliability", "Leveranssäkerhet", "s2" } };

/* The trend's value axis, from every share and target of both series. */
static void trend_axis_choose(json_t *trend, struct axis *ax)
{
	long values[64];
	size_t nv = 0, i;
	json_t *t;

	json_array_foreach(trend, i, t)
		for (int s = 0; s < 2 && nv + 2 <= sizeof(values) / sizeof(values[0]); s++) {
			json_t *f =
				json_object_get(json_object_get(t, "figures"), trend_series[s].key);
			values[nv++] = share_h(f);
			values[nv++] = target_h(f);
		}
	axis_choose(values, nv, ax);
}

/* One bar of series s at x, its target's mark and its value turned above it. */
static void trend_bar(struct html *h, const struct axis *ax, json_t *t, int s, int x, int slot)
{
	json_t *f = json_object_get(json_object_get(t, "figures"), trend_series[s].key);
	long v = share_h(f), tv = target_h(f);
	int bx = x + slot / 2 - 22 + s * 22, y = v < 0 ? TY0 + TH : trend_y(ax, v);
	char p[32], label[32];

	percent_sv(web_s(f, "share"), p);
	html_f(h,
	       "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"%d\" class=\"%s\">"
	       "<title>%s %s: %s</title></rect>\n",
	       bx, y, TY0 + TH - y, trend_series[s].cls, web_s(t, "label"), trend_series[s].name,
	       p);
	if (tv >= 0)
		html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"/>\n",
		       bx - 1, trend_y(ax, tv), bx + 21, trend_y(ax, tv));
	if (v < 0)
		return;
	/* The label runs upwards from base: above the bar, or above the target's mark when the
	 * mark would cross it. */
	int len = percent_short(v, label), base = y - 5;
	if (tv >= 0 && tv > v) {
		int yt = trend_y(ax, tv);
		if (base - len - 3 <= yt)
			base = yt - 5;
	}
	html_f(h,
	       "<text x=\"%d\" y=\"%d\" class=\"tick\" transform=\"rotate(-90 %d %d)\" "
	       "aria-hidden=\"true\">%s</text>\n",
	       bx + 14, base, bx + 14, base, label);
}

/* The trend's axis title and the legend of its series and the target's mark. */
static void trend_legend(struct html *h)
{
	html_f(h, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">Tertial</text>\n",
	       TX0 + TW / 2, TY0 + TH + 38);
	html_f(h,
	       "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" class=\"s1\"/>"
	       "<text x=\"%d\" y=\"%d\" class=\"tick\">Telefontillgänglighet</text>"
	       "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" class=\"s2\"/>"
	       "<text x=\"%d\" y=\"%d\" class=\"tick\">Leveranssäkerhet</text>"
	       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"/>"
	       "<text x=\"%d\" y=\"%d\" class=\"tick\">Mål som gällde</text>\n",
	       TX0, TY0 + TH + 48, TX0 + 16, TY0 + TH + 58, TX0 + 200, TY0 + TH + 48, TX0 + 216,
	       TY0 + TH + 58, TX0 + 370, TY0 + TH + 54, TX0 + 390, TY0 + TH + 54, TX0 + 396,
	       TY0 + TH + 58);
}

/* The trend's figures as a table, beside the chart. */
static void trend_table(struct html *h, json_t *trend)
{
	json_t *t;
	size_t i;

	html_lit(
		h,
		"<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
		"aria-label=\"Trend per tertial\">\n"
		"<table>\n<caption>Trend per tertial</caption>\n"
		"<thead><tr><th scope=\"col\">Tertial</th>"
		"<th scope=\"col\" class=\"num\">Telefontillgänglighet</th><th scope=\"col\" class=\"num\">Mål</th>"
		"<th scope=\"col\" class=\"num\">Leveranssäkerhet</th><th scope=\"col\" class=\"num\">Mål</th>"
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
		html_f(h,
		       "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
		       "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%lld</td>"
		       "<td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
		       web_s(t, "label"), a,
		       *web_s(json_object_get(figs, "phone_accessibility"), "target") ? at
										      : "delat",
		       b, bt,
		       (long long)web_i(json_object_get(figs, "delivered_order_lines"), "count"), d,
		       e);
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n");
}

/* The trend of eight tertials: phone accessibility and delivery reliability side by side, with the
 * target of each tertial (when it had one) marked. Each bar's value stands above it, turned, in
 * the bar's own column (so labels never meet), and above the target's mark when the bar ends just
 * below it. */
static void trend_chart(struct html *h, json_t *trend)
{
	size_t n = json_array_size(trend);
	int slot = n ? TW / (int)n : TW;
	struct axis ax;
	char note[96], desc[640];
	json_t *t;
	size_t i;

	if (n == 0)
		return;
	trend_axis_choose(trend, &ax);
	axis_note(&ax, note);
	snprintf(
		desc, sizeof(desc),
		"Stapeldiagram över de senaste tertialen. Varje tertial har en stapel för "
		"telefontillgänglighet och en för leveranssäkerhet, i procent, med värdet ovanför; "
		"ett rött streck vid stapeln visar målet som gällde.%s Samma siffror står i tabellen "
		"bredvid.",
		note);
	html_lit(h, "<div class=\"chart-stack\">\n");
	chart_begin(h, "trend", TY0 + TH + 64,
		    "Trend: telefontillgänglighet och leveranssäkerhet per tertial", desc);
	trend_axis(h, &ax);
	json_array_foreach(trend, i, t) {
		int x = TX0 + (int)i * slot;
		for (int s = 0; s < 2; s++)
			trend_bar(h, &ax, t, s, x, slot);
		html_f(h,
		       "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
		       x + slot / 2, TY0 + TH + 18, web_s(t, "label"));
	}
	trend_legend(h);
	html_f(h,
	       "</svg>\n<figcaption>Telefontillgänglighet och leveranssäkerhet, de senaste "
	       "tertialen, mot målen som gällde.%s</figcaption>\n</figure>\n",
	       note);
	trend_table(h, trend);
	html_lit(h, "</div>\n");
}

/* The groups chart's layout: row height, top margin, where the bars start, their full length. */
#define GROW 28
#define GTOP 30
#define GLX  230
#define GBW  (CW - GLX - 64)

/* The groups' value axis, from every group's share and the target (the first group's). */
static void groups_axis_choose(json_t *groups, struct axis *ax, long *target)
{
	long values[130];
	size_t nv = 0, i;
	json_t *g;

	*target = -1;
	json_array_foreach(groups, i, g) {
		json_t *f = json_object_get(json_object_get(g, "figures"), "delivery_reliability");
		if (*target < 0)
			*target = target_h(f);
		if (nv < sizeof(values) / sizeof(values[0]) - 1)
			values[nv++] = share_h(f);
	}
	values[nv++] = *target;
	axis_choose(values, nv, ax);
}

/* The vertical grid lines of n rows, each with its percentage below. */
static void groups_grid(struct html *h, const struct axis *ax, size_t n)
{
	for (long v = ax->lo; v <= ax->hi; v += ax->step) {
		int x = GLX + axis_pos(ax, v, GBW);
		html_f(h,
		       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
		       "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%ld" NBSP
		       "%%</text>\n",
		       x, GTOP, x, GTOP + (int)n * GROW, x, GTOP + (int)n * GROW + 14, v / 100);
	}
}

/* Group g's bar on row i with its value after it; xt: where the target line is. */
static void groups_bar(struct html *h, const struct axis *ax, json_t *g, size_t i, int xt)
{
	json_t *f = json_object_get(json_object_get(g, "figures"), "delivery_reliability");
	long v = share_h(f);
	int y = GTOP + (int)i * GROW + 4, w = v < 0 ? 0 : axis_pos(ax, v, GBW);
	char p[32], label[32];

	percent_sv(web_s(f, "share"), p);
	html_f(h,
	       "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>"
	       "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" class=\"s2\"><title>%s: %s</title></rect>\n",
	       GLX - 8, y + 14, web_s(g, "name"), GLX, y, w, web_s(g, "name"), p);
	if (v < 0) {
		html_f(h, "<text x=\"%d\" y=\"%d\" class=\"tick\">inget underlag</text>\n", GLX + 4,
		       y + 14);
		return;
	}
	/* After the bar; where that would cross the target line, inside the bar's end (light on
	 * the bar) when it fits there, else past the line. */
	int len = percent_short(v, label), x = GLX + w + 4;
	bool inside = false;
	if (x - 3 <= xt && xt <= x + len + 3) {
		if (w >= len + 10 && !(GLX + w - 6 - len - 3 <= xt && xt <= GLX + w + 3)) {
			x = GLX + w - 6 - len;
			inside = true;
		} else {
			x = xt + 5;
		}
	}
	html_f(h, "<text x=\"%d\" y=\"%d\" class=\"%s\" aria-hidden=\"true\">%s</text>\n", x,
	       y + 14, inside ? "tick inbar" : "tick", label);
}

/* The target line at xt over n rows, labelled "Mål 95,0 %" above it, inside the picture. */
static void groups_target(struct html *h, long target, int xt, size_t n)
{
	char t[32];
	int len = percent_short(target, t) + 4 * CHAR_W, tx = xt;

	if (tx + len / 2 > CW - 2)
		tx = CW - 2 - len / 2;
	html_f(h,
	       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"><title>Mål</title></line>\n"
	       "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">Mål %s</text>\n",
	       xt, GTOP - 6, xt, GTOP + (int)n * GROW, tx, GTOP - 10, t);
}

/* The groups' delivery reliability as a table, beside the chart. */
static void groups_chart_table(struct html *h, json_t *groups)
{
	json_t *g;
	size_t i;

	html_lit(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Leveranssäkerhet per grupp\">\n");
	html_lit(h, "<table>\n<caption>Leveranssäkerhet per grupp</caption>\n<thead><tr>"
		    "<th scope=\"col\">Grupp</th><th scope=\"col\" class=\"num\">Andel</th>"
		    "<th scope=\"col\" class=\"num\">Underlag</th></tr></thead>\n<tbody>\n");
	json_array_foreach(groups, i, g) {
		json_t *f = json_object_get(json_object_get(g, "figures"), "delivery_reliability");
		char p[32];
		percent_sv(web_s(f, "share"), p);
		html_f(h,
		       "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td>"
		       "<td class=\"num\">%lld av %lld</td></tr>\n",
		       web_s(g, "name"), p, (long long)web_i(f, "numerator"),
		       (long long)web_i(f, "denominator"));
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n");
}

/* Delivery reliability per product area and care provider, as horizontal bars against the target.
 * Each value stands after its bar on the bar's own row, moved past the target line when it would
 * cross it; the target line is labelled above the bars. */
static void groups_chart(struct html *h, json_t *report)
{
	json_t *groups = json_object_get(report, "groups"), *g;
	size_t i, n = json_array_size(groups);
	int height = GTOP + (int)n * GROW + 48;
	long target;
	struct axis ax;
	char note[96], desc[640];

	if (n == 0)
		return;
	groups_axis_choose(groups, &ax, &target);
	axis_note(&ax, note);
	snprintf(desc, sizeof(desc),
		 "Liggande staplar med andelen beställningar levererade senast på leveransdagen, i "
		 "procent, för varje grupp, med värdet efter stapeln; en lodrät röd linje visar "
		 "målet.%s Samma siffror står i tabellen bredvid.",
		 note);
	html_lit(h, "<div class=\"chart-pair\">\n");
	chart_begin(h, "groups", height,
		    "Leveranssäkerhet totalt, per produktområde och per vårdgivare", desc);
	groups_grid(h, &ax, n);
	int xt = target >= 0 ? GLX + axis_pos(&ax, target, GBW) : -1000;
	json_array_foreach(groups, i, g)
		groups_bar(h, &ax, g, i, xt);
	html_f(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", GLX, GTOP,
	       GLX, GTOP + (int)n * GROW);
	html_f(h,
	       "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">Levererade senast på "
	       "leveransdagen (procent)</text>\n",
	       GLX + GBW / 2, GTOP + (int)n * GROW + 36);
	if (target >= 0)
		groups_target(h, target, xt, n);
	html_f(h,
	       "</svg>\n<figcaption>Leveranssäkerhet per grupp mot målet.%s</figcaption>\n"
	       "</figure>\n",
	       note);
	groups_chart_table(h, groups);
	html_lit(h, "</div>\n");
}

void report_html_keyfigures(struct html *h, json_t *r)
{
	json_t *period = json_object_get(r, "period"), *p;
	const char *label = web_s(period, "label");
	size_t i;

	html_f(h,
	       "<p>Perioden %s–%s, uträknad %s. Beställningar räknas efter mottagningsdag, samtal "
	       "efter dag i kö, levererade rader och returer efter leveransdag.</p>\n",
	       web_s(period, "from"), web_s(period, "to"), web_s(r, "as_of"));
	html_lit(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Mål i kraft under perioden\">\n");
	html_lit(
		h,
		"<table>\n<caption>Mål i kraft under perioden</caption>\n<thead><tr>"
		"<th scope=\"col\">Del av perioden</th><th scope=\"col\">Telefontillgänglighet</th>"
		"<th scope=\"col\">Leveranssäkerhet</th><th scope=\"col\">Regel</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(r, "parts"), i, p) {
		char a[32], b[32], cite[96];
		percent_sv(web_s(p, "phone_answer_target"), a);
		percent_sv(web_s(p, "delivery_reliability_target"), b);
		/* The rule as people cite it, from the day its version applies ("Specifikation B 6:1,
		 * från 2023-11-16"): the report's JSON names the version, not its decision. */
		web_rule_cite(NULL, web_s(p, "rule"), cite);
		html_f(h,
		       "<tr><th scope=\"row\">%s–%s</th><td>%s inom %lld minuter</td><td>%s</td>"
		       "<td>%s</td></tr>\n",
		       web_s(p, "from"), web_s(p, "to"), a,
		       (long long)web_i(p, "phone_answer_minutes"), b, cite);
	}
	html_lit(h, "</tbody>\n</table>\n</div>\n");
	if (json_array_size(json_object_get(r, "parts")) > 1)
		html_lit(
			h,
			"<p class=\"notice\">Ett mål ändrades under perioden. Varje del bedöms mot "
			"det mål som gällde då.</p>\n");
	html_lit(h, "<h2>Totalt</h2>\n");
	total_table(h, json_array_get(json_object_get(r, "groups"), 0), label);
	html_lit(h, "<h2>Per produktområde och vårdgivare</h2>\n");
	groups_chart(h, r);
	groups_table(h, r, "area", "Nyckeltal per produktområde");
	groups_table(h, r, "care_provider", "Nyckeltal per vårdgivare");
	html_lit(h,
		 "<p class=\"muted\">Telefontillgängligheten redovisas bara totalt: ett samtal hör "
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
	static const char *const titles[] = { "Leveranser", "Akutleveranser", "Orderrader",
					      "Returer" };
	json_t *l;
	size_t i;
	char m[32];

	if (web_b(inv, "example_amounts"))
		html_lit(
			h,
			"<p class=\"notice\">Avgifterna är <strong>exempelbelopp</strong> (demodata), "
			"inte regionens avgifter.</p>\n");
	if (web_b(inv, "fee_missing"))
		html_lit(
			h,
			"<p class=\"error-summary\">Någon avgift saknades i avgiftstabellen en dag då "
			"den behövdes; den delen är inte debiterad.</p>\n");
	/* A scroll region of its own, so a wide table never widens the page (issue 20). */
	html_lit(h, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		    "aria-label=\"Fakturaunderlag\">\n");
	html_f(h,
	       "<table class=\"responsive compact\">\n<caption>Fakturaunderlag %s per vårdgivare och "
	       "kostnadsställe</caption>\n<thead><tr><th scope=\"col\">Vårdgivare</th>"
	       "<th scope=\"col\">Kostnadsställe</th><th scope=\"col\" class=\"num\">Produkter</th>",
	       web_s(inv, "month"));
	for (int k = 0; k < 4; k++)
		html_f(h, "<th scope=\"col\" class=\"num\">%s</th>", titles[k]);
	html_lit(h, "<th scope=\"col\" class=\"num\">Summa</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(inv, "lines"), i, l) {
		/* The cost centre with its unit's name (issue 20), not a bare number. */
		html_f(h, "<tr><th scope=\"row\">%s</th><td>%s", web_s(l, "care_provider"),
		       web_s(l, "cost_centre"));
		if (*web_s(l, "cost_centre_name"))
			html_f(h, " <span class=\"muted\">%s</span>", web_s(l, "cost_centre_name"));
		html_lit(h, "</td>");
		money_cell(h, l, "product_ore");
		for (int k = 0; k < 4; k++) {
			json_t *f = json_object_get(json_object_get(l, "fees"), fees[k]);
			web_money(m, web_i(f, "amount_ore"));
			html_f(h, "<td class=\"num\">%lld st,<br>%s</td>",
			       (long long)web_i(f, "count"), m);
		}
		money_cell(h, l, "total_ore");
		html_lit(h, "</tr>\n");
	}
	web_money(m, web_i(inv, "total_ore"));
	html_f(h,
	       "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"7\">Summa</th><td class=\"num\">"
	       "<strong>%s</strong></td></tr></tfoot>\n</table>\n</div>\n",
	       m);
}

static void document(struct buf *out, const char *title, void (*body)(struct html *, json_t *),
		     json_t *data)
{
	struct html h = { .b = *out };

	html_f(&h,
	       "<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<title>%s – lmn</title>\n<style>\n",
	       title);
	buf_adds(&h.b,
		 web_css); /* our own style sheet, embedded at build time: not a runtime value */
	html_f(&h, "</style>\n</head>\n<body>\n<main class=\"wrap\">\n<h1>%s</h1>\n", title);
	body(&h, data);
	html_lit(&h, "</main>\n</body>\n</html>\n");
	*out = h.b;
}

void report_html_keyfigures_page(json_t *report, struct buf *out)
{
	char title[96];

	snprintf(title, sizeof(title), "Nyckeltal %s",
		 web_s(json_object_get(report, "period"), "label"));
	document(out, title, report_html_keyfigures, report);
}

void report_html_invoice_page(json_t *invoice, struct buf *out)
{
	char title[96];

	snprintf(title, sizeof(title), "Fakturaunderlag %s", web_s(invoice, "month"));
	document(out, title, report_html_invoice, invoice);
}
