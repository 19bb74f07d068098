/* One order, for everyone who may see it (the API decides): its status, lines, delivery and the
 * rule versions that set its dates; cancelling it before it ships. The patient's (or delegate's)
 * receipt says where and how in words, and asks before cancelling. */
#include <stdio.h>
#include <string.h>

#include "web/pages.h"

static bool patient_role(struct web_ctx *w)
{
	return strcmp(w->role, "patient") == 0;
}

/* How the patient is told the parcel can be collected, in words. */
static const char *notification_sv(const char *method)
{
	static const char *const names[] = { "sms",  "sms",   "email",	 "e-post", "letter",
					     "brev", "phone", "telefon", NULL };

	for (const char *const *n = names; *n; n += 2)
		if (strcmp(n[0], method) == 0)
			return n[1];
	return method;
}

/* The receipt's delivery for the patient or delegate: where and how, in words (issue 20). */
static void patient_delivery(struct web_ctx *w, json_t *o)
{
	json_t *d = json_object_get(o, "delivery"), *pp = json_object_get(d, "pickup_point");
	const char *method = web_s(o, "delivery_method");
	char due[48];

	day_in_words(web_s(o, "due"), web_s(o, "received_at"), due);
	html_f(&w->h,
	       "<dt>Levereras</dt><dd>senast <time datetime=\"%s\">%s</time></dd>\n"
	       "<dt>Leverans</dt><dd>%s</dd>\n",
	       web_s(o, "due"), due,
	       strcmp(method, "home") == 0	     ? "Hem till dig"
	       : strcmp(method, "pickup_point") == 0 ? "Till ett utlämningsställe"
						     : web_sv(method));
	if (pp)
		html_f(&w->h, "<dt>Utlämningsställe</dt><dd>%s<br>%s<br>%s %s</dd>\n",
		       web_s(pp, "name"), web_s(pp, "address"), web_s(pp, "postal_code"),
		       web_s(pp, "city"));
	if (*web_s(d, "notification"))
		html_f(&w->h,
		       "<dt>Avisering</dt><dd>Du får besked med %s när paketet kan hämtas."
		       "</dd>\n",
		       notification_sv(web_s(d, "notification")));
	if (*web_s(d, "address"))
		html_f(&w->h, "<dt>Adress</dt><dd>%s, %s %s</dd>\n", web_s(d, "address"),
		       web_s(d, "postal_code"), web_s(d, "city"));
	if (*web_s(d, "door_code"))
		html_f(&w->h, "<dt>Portkod</dt><dd>%s</dd>\n", web_s(d, "door_code"));
}

/* Without JavaScript, cancelling asks first: this page, whose "Ja" posts the confirmed cancel. */
static int cancel_confirm(struct web_ctx *w, json_t *o)
{
	char path[64], title[80], due[48];
	json_t *l;
	size_t i;

	snprintf(title, sizeof(title), "Vill du avbryta beställningen %lld?", (long long)w->id[0]);
	web_begin(w, title);
	day_in_words(web_s(o, "due"), web_s(o, "received_at"), due);
	html_f(&w->h,
	       "<p>Beställningen skulle levereras senast <time datetime=\"%s\">%s</time>. "
	       "Den innehåller:</p>\n<ul>\n",
	       web_s(o, "due"), due);
	json_array_foreach(json_object_get(o, "lines"), i, l)
		html_f(&w->h, "<li>%s, %lld förp.</li>\n", web_s(l, "name"),
		       (long long)web_i(l, "quantity"));
	html_lit(&w->h, "</ul>\n<p>Om du avbryter den skickas ingenting. Du kan beställa igen "
			"när du vill.</p>\n<div class=\"confirm-actions\">\n");
	snprintf(path, sizeof(path), "/bestallningar/%lld/makulera", (long long)w->id[0]);
	web_form(w, path, false);
	html_lit(&w->h,
		 "<input type=\"hidden\" name=\"bekraftad\" value=\"1\">\n"
		 "<button type=\"submit\" class=\"secondary\">Ja, avbryt beställningen</button>\n"
		 "</form>\n");
	html_f(&w->h,
	       "<p><a class=\"button\" href=\"/bestallningar/%lld\">Nej, behåll den</a></p>\n"
	       "</div>\n",
	       (long long)w->id[0]);
	json_decref(o);
	return web_end(w, 200);
}

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
	bool patient = patient_role(w);
	bool open = strcmp(web_s(o, "status"), "received") == 0;
	if (patient && open && web_query(w, "avbryt"))
		return cancel_confirm(w, o);
	snprintf(title, sizeof(title), "Beställning %lld", (long long)w->id[0]);
	web_begin(w, title);
	if (web_query(w, "ny"))
		html_lit(&w->h,
			 "<div class=\"notice\" role=\"status\"><p><strong>Tack! Beställningen "
			 "har kommit in.</strong></p></div>\n");
	if (web_query(w, "makulerad"))
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>Beställningen är "
		       "%s.</strong></p></div>\n",
		       patient ? "avbruten" : "makulerad");
	snprintf(received, sizeof(received), "%.16s", web_s(o, "received_at"));
	if (received[10] == 'T')
		received[10] = ' ';
	if (patient) {
		html_f(&w->h,
		       "<dl class=\"facts\">\n<dt>Status</dt><dd><span class=\"status\">%s"
		       "</span></dd>\n<dt>Beställd</dt><dd>%s</dd>\n",
		       web_sv(web_s(o, "status")), received);
		patient_delivery(w, o);
		html_lit(&w->h, "</dl>\n");
	} else {
		html_f(&w->h,
		       "<dl class=\"facts\">\n<dt>Status</dt><dd><span class=\"status\">%s"
		       "</span></dd>\n<dt>Beställd</dt><dd>%s</dd>\n<dt>Levereras senast</dt>"
		       "<dd>%s</dd>\n<dt>Typ</dt><dd>%s</dd>\n<dt>Leverans</dt><dd>%s</dd>\n",
		       web_sv(web_s(o, "status")), received, web_s(o, "due"),
		       web_sv(web_s(o, "kind")), web_sv(web_s(o, "delivery_method")));
		d = json_object_get(o, "delivery");
		if (*web_s(d, "address"))
			html_f(&w->h, "<dt>Adress</dt><dd>%s, %s %s</dd>\n", web_s(d, "address"),
			       web_s(d, "postal_code"), web_s(d, "city"));
		if (*web_s(o, "reason"))
			html_f(&w->h, "<dt>Skäl (kundtjänst)</dt><dd>%s</dd>\n",
			       web_s(o, "reason"));
		html_lit(&w->h, "<dt>Regler som gällde</dt><dd>");
		json_array_foreach(json_object_get(o, "rules"), i, r) {
			char cite[96];

			web_rule_cite(w->app->params, json_string_value(r), cite);
			html_f(&w->h, "%s%s", i ? "; " : "", cite);
		}
		html_lit(&w->h, "</dd>\n</dl>\n");
	}
	html_lit(
		&w->h,
		"<table class=\"responsive\">\n<caption>Rader</caption>\n<thead><tr>"
		"<th scope=\"col\">Artikel</th><th scope=\"col\">Namn</th>"
		"<th scope=\"col\" class=\"num\">Antal</th><th scope=\"col\" class=\"num\">Skickat</th>"
		"<th scope=\"col\">Restnoterad</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(o, "lines"), i, l)
		html_f(&w->h,
		       "<tr><td data-label=\"Artikel\">%s</td><td data-label=\"Namn\">%s</td>"
		       "<td data-label=\"Antal\" class=\"num\">%lld</td>"
		       "<td data-label=\"Skickat\" class=\"num\">%lld</td>"
		       "<td data-label=\"Restnoterad\">%s</td></tr>\n",
		       web_s(l, "article_number"), web_s(l, "name"),
		       (long long)web_i(l, "quantity"), (long long)web_i(l, "shipped_quantity"),
		       web_b(l, "backordered") ? "ja" : "nej");
	html_lit(&w->h, "</tbody>\n</table>\n");
	if (open && patient) {
		/* A GET to the question first: cancelling is never one click (issue 20). */
		html_f(&w->h,
		       "<form method=\"get\" action=\"/bestallningar/%lld\" class=\"no-print\">\n"
		       "<input type=\"hidden\" name=\"avbryt\" value=\"1\">\n"
		       "<button type=\"submit\" class=\"secondary\">Avbryt beställningen</button>\n"
		       "</form>\n",
		       (long long)w->id[0]);
	} else if (open && strcmp(w->role, "distributor") != 0) {
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

	/* The patient's cancel is confirmed on the question's page; anything else goes there. */
	if (patient_role(w) &&
	    !(web_field(w, "bekraftad") && strcmp(web_field(w, "bekraftad"), "1") == 0)) {
		snprintf(path, sizeof(path), "/bestallningar/%lld?avbryt=1", (long long)w->id[0]);
		return web_redirect(w, path);
	}
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
