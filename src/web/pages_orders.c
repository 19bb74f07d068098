/* One order, for everyone who may see it (the API decides): its status, lines, delivery and the
 * rule versions that set its dates; cancelling it before it ships. */
#include <stdio.h>
#include <string.h>

#include "web/pages.h"

int page_order(struct web_ctx *w)
{
	char path[64], title[64], received[17];
	json_t *o = NULL, *l, *d, *r;
	size_t i;
	int status;

	snprintf(path, sizeof(path), "/api/orders/%lld", (long long)w->id[0]);
	status = web_api(w, "GET", path, NULL, NULL, &o);
	if (status != 200) {
		json_decref(o);
		return web_message(w, status == 403 ? 403 : 404, "Beställningen finns inte",
				   "Beställningen finns inte, eller så får du inte se den.");
	}
	snprintf(title, sizeof(title), "Beställning %lld", (long long)w->id[0]);
	web_begin(w, title);
	if (web_query(w, "ny"))
		html_lit(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>Tack! Beställningen "
				"har kommit in.</strong></p></div>\n");
	if (web_query(w, "makulerad"))
		html_lit(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>Beställningen är "
				"makulerad.</strong></p></div>\n");
	snprintf(received, sizeof(received), "%.16s", web_s(o, "received_at"));
	if (received[10] == 'T')
		received[10] = ' ';
	html_f(&w->h, "<dl class=\"facts\">\n<dt>Status</dt><dd><span class=\"status\">%s</span></dd>\n"
		      "<dt>Beställd</dt><dd>%s</dd>\n<dt>Levereras senast</dt><dd>%s</dd>\n"
		      "<dt>Typ</dt><dd>%s</dd>\n<dt>Leverans</dt><dd>%s</dd>\n",
	       web_sv(web_s(o, "status")), received, web_s(o, "due"), web_sv(web_s(o, "kind")),
	       web_sv(web_s(o, "delivery_method")));
	d = json_object_get(o, "delivery");
	if (*web_s(d, "address"))
		html_f(&w->h, "<dt>Adress</dt><dd>%s, %s %s</dd>\n", web_s(d, "address"),
		       web_s(d, "postal_code"), web_s(d, "city"));
	if (*web_s(o, "reason"))
		html_f(&w->h, "<dt>Skäl (kundtjänst)</dt><dd>%s</dd>\n", web_s(o, "reason"));
	html_lit(&w->h, "<dt>Regler som gällde</dt><dd>");
	json_array_foreach(json_object_get(o, "rules"), i, r)
		html_f(&w->h, "%s<code>%s</code>", i ? ", " : "", json_string_value(r));
	html_lit(&w->h, "</dd>\n</dl>\n");
	html_lit(&w->h, "<table class=\"responsive\">\n<caption>Rader</caption>\n<thead><tr>"
			"<th scope=\"col\">Artikel</th><th scope=\"col\">Namn</th>"
			"<th scope=\"col\" class=\"num\">Antal</th><th scope=\"col\" class=\"num\">Skickat</th>"
			"<th scope=\"col\">Restnoterad</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(o, "lines"), i, l)
		html_f(&w->h, "<tr><td data-label=\"Artikel\">%s</td><td data-label=\"Namn\">%s</td>"
			      "<td data-label=\"Antal\" class=\"num\">%lld</td>"
			      "<td data-label=\"Skickat\" class=\"num\">%lld</td>"
			      "<td data-label=\"Restnoterad\">%s</td></tr>\n",
		       web_s(l, "article_number"), web_s(l, "name"), (long long)web_i(l, "quantity"),
		       (long long)web_i(l, "shipped_quantity"), web_b(l, "backordered") ? "ja" : "nej");
	html_lit(&w->h, "</tbody>\n</table>\n");
	if (strcmp(web_s(o, "status"), "received") == 0 && strcmp(w->role, "distributor") != 0) {
		snprintf(path, sizeof(path), "/bestallningar/%lld/makulera", (long long)w->id[0]);
		web_form(w, path, false);
		web_form_end(w, "Makulera beställningen");
	}
	json_decref(o);
	return web_end(w, 200);
}

int page_order_cancel(struct web_ctx *w)
{
	char path[64];
	json_t *out = NULL;
	int status;

	snprintf(path, sizeof(path), "/api/orders/%lld/cancel", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	if (status != 200) {
		web_problem(w, out, NULL);
		json_decref(out);
		return page_order(w);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/bestallningar/%lld?makulerad=1", (long long)w->id[0]);
	return web_redirect(w, path);
}
