/* The distributor's pages: the pick list by due date, shipping an order (in full, or partially only
 * for lines the supplier has backordered; the rule's refusal is shown next to the line), and
 * registering what became of a shipment: delivered (a deviation outside the window is shown) or
 * returned / not collected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "web/pages.h"

#define MAX_LINES 50

/* Today's date and the local time now as a datetime-local value ("YYYY-MM-DDTHH:MM"). */
static void now_local(char today[11], char minute[17])
{
	struct clock_now now;
	struct lmn_err err;

	if (clock_now(&now, &err) != LMN_OK) {
		today[0] = minute[0] = '\0';
		return;
	}
	date_format(now.day, today);
	snprintf(minute, 17, "%.16s", now.iso); /* "2026-11-22T14:05:09+01:00" */
}

/* "2026-11-23T10:05:00+01:00" as "2026-11-23 10:05". */
static void short_time(char out[17], const char *iso)
{
	snprintf(out, 17, "%.16s", iso);
	if (out[10] == 'T')
		out[10] = ' ';
}

/* A pickup point's notification channel in Swedish (DOMAIN.md §3: e-mail, letter, phone, SMS). */
static const char *notification_sv(const char *n)
{
	static const char *const names[] = { "email",	"e-post", "letter", "brev", "phone",
					     "telefon", "sms",	  "sms",    NULL };

	for (const char *const *p = names; *p; p += 2)
		if (strcmp(*p, n) == 0)
			return p[1];
	return n;
}

/* Where an order goes, as the API gives it: a home address (o's "address" object, or the order's
 * "delivery"), a pickup point (the pick list's "pickup_point" with its name and address) or a
 * care unit. */
static void delivery_cell(struct web_ctx *w, json_t *o)
{
	const char *method = web_s(o, "delivery_method");
	json_t *a = json_object_get(o, "address");
	json_t *d = json_object_get(o, "delivery");
	json_t *pp = json_object_get(o, "pickup_point"), *unit = json_object_get(o, "unit");
	const char *notification =
		*web_s(o, "notification") ? web_s(o, "notification") : web_s(d, "notification");

	if (!a && strcmp(method, "home") == 0)
		a = json_object_get(o, "delivery");
	html_f(&w->h, "%s", web_sv(method));
	if (strcmp(method, "home") == 0 && *web_s(a, "address")) {
		html_f(&w->h, ": %s, %s %s", web_s(a, "address"), web_s(a, "postal_code"),
		       web_s(a, "city"));
		if (*web_s(a, "phone"))
			html_f(&w->h, ", tel. %s", web_s(a, "phone"));
		if (*web_s(a, "door_code"))
			html_f(&w->h, ", portkod %s", web_s(a, "door_code"));
	} else if (strcmp(method, "home") == 0) {
		html_lit(&w->h, " (adressen visas inte)");
	}
	int64_t ppid = web_i(o, "pickup_point_id") ? web_i(o, "pickup_point_id")
						   : web_i(d, "pickup_point_id");
	int64_t unit_id = web_i(o, "unit_id") ? web_i(o, "unit_id") : web_i(d, "unit_id");
	if (strcmp(method, "pickup_point") == 0 && *web_s(pp, "name"))
		html_f(&w->h, ": %s, %s, %s %s", web_s(pp, "name"), web_s(pp, "address"),
		       web_s(pp, "postal_code"), web_s(pp, "city"));
	else if (strcmp(method, "pickup_point") == 0 && ppid)
		html_f(&w->h, ": nr %lld", (long long)ppid);
	if (strcmp(method, "pickup_point") == 0 && *notification)
		html_f(&w->h, ", avisering med %s", notification_sv(notification));
	if (strcmp(method, "care_unit") == 0 && *web_s(unit, "name")) {
		html_f(&w->h, ": %s", web_s(unit, "name"));
		if (*web_s(unit, "address"))
			html_f(&w->h, ", %s %s", web_s(unit, "address"),
			       web_s(unit, "postal_code"));
	} else if (strcmp(method, "care_unit") == 0 && unit_id) {
		html_f(&w->h, ": enhet %lld", (long long)unit_id);
	}
	if (web_b(o, "rural_route"))
		html_lit(&w->h, " <strong>(lantbrevbärarlinje)</strong>");
}

/* ---- The pick list ---- */

enum pick_group { PG_LATE, PG_DAY, PG_BACKORDERED };

/* Starts a group of the pick list: the late orders (due before today, with their due dates),
 * those due on one day, or those waiting for the supplier (with their due dates). */
static void picklist_table_start(struct web_ctx *w, enum pick_group g, const char *due,
				 const char *today)
{
	if (g == PG_LATE) {
		html_lit(&w->h, "<h2>Försenade</h2>\n<table class=\"responsive picklist\">\n");
		html_f(&w->h,
		       "<caption>Beställningar vars leveransdag har passerat (före %s), äldsta "
		       "först</caption>\n",
		       today);
	} else if (g == PG_BACKORDERED) {
		html_lit(&w->h,
			 "<h2 id=\"restnoterade\">Restnoterade hos leverantören</h2>\n"
			 "<p>Beställningar som väntar på en restnoterad vara. Det som inte var "
			 "restnoterat är redan skickat; resten skickas när leverantören "
			 "levererar.</p>\n<table class=\"responsive picklist\">\n"
			 "<caption>Beställningar med restnoterade rader, äldsta först</caption>\n");
	} else {
		html_f(&w->h,
		       "<h2>Leveransdag senast %s%s</h2>\n<table class=\"responsive picklist\">\n"
		       "<caption>Beställningar som ska levereras senast %s</caption>\n",
		       due, strcmp(due, today) == 0 ? " (i dag)" : "", due);
	}
	html_lit(&w->h, "<thead><tr><th scope=\"col\">Beställning</th>");
	if (g != PG_DAY)
		html_lit(&w->h, "<th scope=\"col\">Leveransdag</th>");
	html_lit(&w->h, "<th scope=\"col\">Typ</th><th scope=\"col\">Mottagare</th>"
			"<th scope=\"col\">Leverans</th><th scope=\"col\">Rader</th>"
			"<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
}

static void picklist_row(struct web_ctx *w, json_t *o, bool with_due)
{
	json_t *l;
	size_t j;

	html_f(&w->h,
	       "<tr><td data-label=\"Beställning\"><a href=\"/plocka/%lld\">Plocka "
	       "<span class=\"sr\">beställning </span>%lld</a></td>",
	       (long long)web_i(o, "id"), (long long)web_i(o, "id"));
	if (with_due)
		html_f(&w->h, "<td data-label=\"Leveransdag\">%s</td>", web_s(o, "due"));
	html_f(&w->h,
	       "<td data-label=\"Typ\">%s</td><td data-label=\"Mottagare\">%s</td>"
	       "<td data-label=\"Leverans\">",
	       web_sv(web_s(o, "kind")), web_s(o, "recipient"));
	delivery_cell(w, o);
	html_lit(&w->h, "</td><td data-label=\"Rader\"><ul>");
	json_array_foreach(json_object_get(o, "lines"), j, l) {
		html_f(&w->h, "<li>%lld × %s %s", (long long)web_i(l, "quantity"),
		       web_s(l, "article_number"), web_s(l, "name"));
		if (web_i(l, "shipped_quantity"))
			html_f(&w->h, " (%lld skickade)", (long long)web_i(l, "shipped_quantity"));
		if (web_b(l, "backordered"))
			html_lit(&w->h, " (restnoterad)");
		html_lit(&w->h, "</li>");
	}
	html_f(&w->h,
	       "</ul></td><td data-label=\"Status\"><span class=\"status\">%s</span></td></tr>\n",
	       web_sv(web_s(o, "status")));
}

/* The open shipments: sent, with no delivery, return or parcel not collected registered yet. */
static void open_shipments(struct web_ctx *w, const char *heading)
{
	const char *q[] = { "open", "1", NULL };
	json_t *out = NULL, *s;
	size_t i;

	html_f(&w->h, "<h2 id=\"sandningar\">%s</h2>\n", heading);
	if (web_api(w, "GET", "/api/shipments", q, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "shipments"))) {
		html_lit(
			&w->h,
			"<p>Alla skickade sändningar har en registrerad leverans eller retur.</p>\n");
		json_decref(out);
		return;
	}
	html_lit(&w->h,
		 "<table class=\"responsive\">\n<caption>Skickade sändningar utan registrerad "
		 "leverans eller retur, äldsta först</caption>\n<thead><tr>"
		 "<th scope=\"col\">Sändning</th><th scope=\"col\">Beställning</th>"
		 "<th scope=\"col\">Skickad</th><th scope=\"col\">Mottagare</th>"
		 "<th scope=\"col\">Leverans</th><th scope=\"col\">Delsändning</th></tr></thead>\n"
		 "<tbody>\n");
	json_array_foreach(json_object_get(out, "shipments"), i, s) {
		char at[17];
		short_time(at, web_s(s, "shipped_at"));
		html_f(&w->h,
		       "<tr><td data-label=\"Sändning\"><a href=\"/leveranser/%lld\">Registrera "
		       "<span class=\"sr\">leverans eller retur för </span>sändning %lld</a></td>"
		       "<td data-label=\"Beställning\">%lld</td><td data-label=\"Skickad\">%s</td>"
		       "<td data-label=\"Mottagare\">%s</td><td data-label=\"Leverans\">",
		       (long long)web_i(s, "id"), (long long)web_i(s, "id"),
		       (long long)web_i(s, "order_id"), at, web_s(s, "recipient"));
		delivery_cell(w, s);
		html_f(&w->h, "</td><td data-label=\"Delsändning\">%s</td></tr>\n",
		       web_b(s, "partial") ? "ja" : "nej");
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(out);
}

/* The search by order number: 303 to the order's pick page, or the status of the pick list
 * with the error next to the field (400: no number, 404: no such order to deliver). */
static int picklist_search(struct web_ctx *w, const char *number)
{
	char path[64];
	json_t *out = NULL;
	long long id;
	char *end;
	int st;

	while (*number == ' ')
		number++;
	id = strtoll(number, &end, 10);
	while (*end == ' ')
		end++;
	if (!*number || *end || id < 1) {
		web_error(w, "bestallning",
			  "Ange beställningens nummer med siffror, till exempel 5457.");
		return 400;
	}
	snprintf(path, sizeof(path), "/api/fulfilment/orders/%lld", id);
	st = web_api(w, "GET", path, NULL, NULL, &out);
	json_decref(out);
	if (st == 200) {
		snprintf(path, sizeof(path), "/plocka/%lld", id);
		return web_redirect(w, path);
	}
	web_error(w, "bestallning",
		  "Det finns ingen beställning nummer %lld att plocka eller "
		  "leverera. Kontrollera numret.",
		  id);
	return 404;
}

int page_picklist(struct web_ctx *w)
{
	const char *till = web_query(w, "till"), *number = web_query(w, "bestallning");
	const char *q[] = { "until", till, NULL };
	char today[11], minute[17], due[11] = "";
	json_t *out = NULL, *o;
	size_t i;
	enum pick_group group = PG_DAY;
	size_t nback = 0;
	bool open = false;
	int status, search = 0;

	now_local(today, minute);
	if (number) {
		search = picklist_search(w, number);
		if (search == 303)
			return search;
	}
	status = web_api(w, "GET", "/api/fulfilment/orders", till && *till ? q : NULL, NULL, &out);
	if (status != 200) {
		const char *map[] = { "until", "till", NULL };
		web_problem(w, out, map);
	}
	web_begin(w, "Plocklista");
	html_lit(&w->h, "<form method=\"get\" action=\"/plocklista\" class=\"search\" "
			"role=\"search\" aria-label=\"Sök beställning\">\n");
	web_input(w, "bestallning", "Gå till beställning nummer", "text", NULL, false, NULL);
	html_lit(&w->h, "<button type=\"submit\">Sök</button>\n</form>\n");
	html_lit(&w->h, "<p class=\"actions\"><a href=\"/plocklista/artiklar\">Plocksumma per "
			"artikel</a> · <a href=\"#restnoterade\">Restnoterade</a> · "
			"<a href=\"#sandningar\">Sändningar utan registrerad leverans</a></p>\n");
	html_lit(&w->h, "<form method=\"get\" action=\"/plocklista\">\n");
	web_input(w, "till", "Visa beställningar med leveransdag senast", "date",
		  status == 200 ? web_s(out, "until") : NULL, false,
		  "Utan datum visas en vecka framåt.");
	html_lit(&w->h, "<button type=\"submit\">Visa plocklistan</button>\n</form>\n");
	/* The API lists those waiting for the supplier last: none to pick when the first waits. */
	if (status == 200 &&
	    (!json_array_size(json_object_get(out, "orders")) ||
	     web_b(json_array_get(json_object_get(out, "orders"), 0), "backordered")))
		html_f(&w->h, "<p>Inga beställningar att plocka med leveransdag senast %s.</p>\n",
		       web_s(out, "until"));
	/* The API sorts the orders to pick by due date, then those waiting for the supplier: first
	 * the late ones in one group, then a group per day, then the backordered in their own. */
	json_array_foreach(status == 200 ? json_object_get(out, "orders") : NULL, i, o) {
		const char *d = web_s(o, "due");
		enum pick_group g = web_b(o, "backordered")	     ? PG_BACKORDERED
				    : *today && strcmp(d, today) < 0 ? PG_LATE
								     : PG_DAY;

		if (g == PG_BACKORDERED)
			nback++;
		if (!open || g != group || (g == PG_DAY && strcmp(due, d) != 0)) {
			if (open)
				html_lit(&w->h, "</tbody>\n</table>\n");
			/* What waits for the supplier cannot be picked: not printed. */
			if (g == PG_BACKORDERED)
				html_lit(&w->h, "<section class=\"no-print\" "
						"aria-labelledby=\"restnoterade\">\n");
			group = g;
			snprintf(due, sizeof(due), "%s", d);
			picklist_table_start(w, g, due, today);
			open = true;
		}
		picklist_row(w, o, g != PG_DAY);
	}
	if (open)
		html_lit(&w->h, "</tbody>\n</table>\n");
	if (nback)
		html_f(&w->h,
		       "</section>\n<p class=\"print-only\">%zu restnoterade beställningar "
		       "finns inte med i utskriften.</p>\n",
		       nback);
	if (status == 200 && group != PG_BACKORDERED)
		html_lit(&w->h, "<h2 id=\"restnoterade\">Restnoterade hos leverantören</h2>\n"
				"<p>Inga beställningar väntar på restnoterade varor.</p>\n");
	json_decref(out);
	/* Not what is picked: left out of the printed pick list. */
	html_lit(&w->h, "<section class=\"no-print\" aria-labelledby=\"sandningar\">\n");
	open_shipments(w, "Sändningar utan registrerad leverans");
	html_lit(&w->h, "</section>\n");
	return web_end(w, search ? (unsigned)search : status == 200 ? 200 : 400);
}

/* The wave's totals per article, for picking by article before packing per order. */
int page_pick_totals(struct web_ctx *w)
{
	const char *till = web_query(w, "till");
	const char *q[] = { "until", till, NULL };
	json_t *out = NULL, *a;
	size_t i;
	int status;

	status = web_api(w, "GET", "/api/fulfilment/totals", till && *till ? q : NULL, NULL, &out);
	if (status != 200) {
		const char *map[] = { "until", "till", NULL };
		web_problem(w, out, map);
	}
	web_begin(w, "Plocksumma per artikel");
	html_lit(&w->h, "<p>Det som ska plockas till dagens våg: det som återstår att skicka av de "
			"beställningar som ska levereras senast den valda dagen, försenade "
			"medräknade. Restnoterade rader räknas inte.</p>\n");
	html_lit(&w->h, "<form method=\"get\" action=\"/plocklista/artiklar\">\n");
	web_input(w, "till", "Leveransdag senast", "date",
		  status == 200 ? web_s(out, "until") : NULL, false,
		  "Utan datum: nästa arbetsdag, det som skickas i dag levereras då.");
	html_lit(&w->h, "<button type=\"submit\">Visa summan</button>\n</form>\n");
	if (status == 200 && !json_array_size(json_object_get(out, "articles")))
		html_f(&w->h, "<p>Inget att plocka med leveransdag senast %s.</p>\n",
		       web_s(out, "until"));
	if (status == 200 && json_array_size(json_object_get(out, "articles"))) {
		html_f(&w->h,
		       "<table class=\"responsive picklist\">\n<caption>Att plocka per artikel, "
		       "leveransdag senast %s</caption>\n<thead><tr>"
		       "<th scope=\"col\">Artikelnummer</th><th scope=\"col\">Namn</th>"
		       "<th scope=\"col\" class=\"num\">Antal</th><th scope=\"col\">Enhet</th>"
		       "<th scope=\"col\" class=\"num\">Beställningar</th></tr></thead>\n<tbody>\n",
		       web_s(out, "until"));
		json_array_foreach(json_object_get(out, "articles"), i, a)
			html_f(&w->h,
			       "<tr><td data-label=\"Artikelnummer\">%s</td>"
			       "<td data-label=\"Namn\">%s</td>"
			       "<td data-label=\"Antal\" class=\"num\">%lld</td>"
			       "<td data-label=\"Enhet\">%s</td>"
			       "<td data-label=\"Beställningar\" class=\"num\">%lld</td></tr>\n",
			       web_s(a, "article_number"), web_s(a, "name"),
			       (long long)web_i(a, "quantity"), web_s(a, "unit"),
			       (long long)web_i(a, "orders"));
		html_lit(&w->h, "</tbody>\n</table>\n");
		html_f(&w->h,
		       "<p class=\"actions\"><a href=\"/api/fulfilment/packing-slips?until=%s\">"
		       "Följesedlar med adressetiketter för vågen (PDF, en sida per "
		       "beställning)</a></p>\n",
		       web_s(out, "until"));
	}
	html_lit(&w->h, "<p><a href=\"/plocklista\">Tillbaka till plocklistan</a></p>\n");
	json_decref(out);
	return web_end(w, status == 200 ? 200 : 400);
}

int page_open_shipments(struct web_ctx *w)
{
	web_begin(w, "Leveranser att registrera");
	html_lit(&w->h, "<p>Sändningar som har skickats men ännu inte har en registrerad leverans, "
			"retur eller ej uthämtad försändelse.</p>\n");
	open_shipments(w, "Skickade sändningar");
	return web_end(w, 200);
}

/* ---- Shipping an order ---- */

/* The order's shipments so far, each linking to where its outcome is registered. */
static void order_shipments(struct web_ctx *w, int64_t order_id)
{
	char id[24];
	const char *q[] = { "order_id", id, NULL };
	json_t *out = NULL, *s;
	size_t i;

	snprintf(id, sizeof(id), "%lld", (long long)order_id);
	if (web_api(w, "GET", "/api/shipments", q, NULL, &out) != 200 ||
	    !json_array_size(json_object_get(out, "shipments"))) {
		json_decref(out);
		return;
	}
	html_lit(&w->h,
		 "<h2>Sändningar</h2>\n<table class=\"responsive\">\n<caption>Beställningens "
		 "sändningar</caption>\n<thead><tr><th scope=\"col\">Sändning</th>"
		 "<th scope=\"col\">Skickad</th><th scope=\"col\">Delsändning</th>"
		 "<th scope=\"col\">Utfall</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(out, "shipments"), i, s) {
		char at[17];
		const char *outcome = web_s(s, "outcome");
		short_time(at, web_s(s, "shipped_at"));
		html_f(&w->h,
		       "<tr><td data-label=\"Sändning\"><a href=\"/leveranser/%lld\">Sändning "
		       "%lld</a></td><td data-label=\"Skickad\">%s</td>"
		       "<td data-label=\"Delsändning\">%s</td><td data-label=\"Utfall\">%s</td></tr>\n",
		       (long long)web_i(s, "id"), (long long)web_i(s, "id"), at,
		       web_b(s, "partial") ? "ja" : "nej",
		       *outcome ? web_sv(outcome) : "inte registrerat ännu");
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(out);
}

static bool order_open(json_t *o)
{
	const char *s = web_s(o, "status");

	return strcmp(s, "received") == 0 || strcmp(s, "partially_shipped") == 0 ||
	       strcmp(s, "partially_delivered") == 0;
}

/* Whether the checkbox name was ticked in the submitted form. */
static bool ticked(struct web_ctx *w, const char *name)
{
	return strcmp(w->req->method, "POST") == 0 && web_field(w, name) != NULL;
}

static void ship_form(struct web_ctx *w, json_t *o)
{
	char action[48];
	json_t *l;
	size_t i, open_lines = 0;

	snprintf(action, sizeof(action), "/plocka/%lld", (long long)w->id[0]);
	html_lit(&w->h,
		 "<h2>Skicka</h2>\n<p>Skicka hela beställningen på en gång. En rad får bara "
		 "skickas med färre än det som återstår om leverantören har restnoterat "
		 "resten; kryssa då i <em>Restnoterad</em> för raden (specifikation B 3:1).</p>\n");
	web_form(w, action, false);
	json_array_foreach(json_object_get(o, "lines"), i, l) {
		int64_t id = web_i(l, "id"),
			left = web_i(l, "quantity") - web_i(l, "shipped_quantity");
		char qty[32], rest[32], dflt[24], hint[96];

		html_f(&w->h, "<fieldset>\n<legend>%s %s</legend>\n", web_s(l, "article_number"),
		       web_s(l, "name"));
		if (left <= 0) {
			html_f(&w->h, "<p>Alla %lld är skickade.</p>\n</fieldset>\n",
			       (long long)web_i(l, "quantity"));
			continue;
		}
		open_lines++;
		snprintf(qty, sizeof(qty), "antal-%lld", (long long)id);
		snprintf(rest, sizeof(rest), "rest-%lld", (long long)id);
		snprintf(dflt, sizeof(dflt), "%lld", (long long)left);
		snprintf(hint, sizeof(hint), "Beställt %lld, skickat tidigare %lld, återstår %lld.",
			 (long long)web_i(l, "quantity"), (long long)web_i(l, "shipped_quantity"),
			 (long long)left);
		web_input(w, qty, "Antal att skicka nu", "number",
			  strcmp(w->req->method, "POST") == 0 ? NULL : dflt, true, hint);
		html_f(&w->h,
		       "<label class=\"choice\"><input type=\"checkbox\" id=\"%s\" name=\"%s\" "
		       "value=\"1\"",
		       rest, rest);
		if (ticked(w, rest))
			html_lit(&w->h, " checked");
		html_lit(&w->h,
			 "> <span>Restnoterad hos leverantören (det som inte skickas nu)</span>"
			 "</label>\n</fieldset>\n");
	}
	if (open_lines) {
		web_input(w, "kollinummer", "Transportörens kollinummer (om det finns)", "text",
			  NULL, false,
			  "Patienten får det i sitt meddelande om att paketet är skickat.");
		web_form_end(w, "Registrera sändningen");
	} else
		html_lit(&w->h, "<p>Allt är skickat.</p>\n</form>\n");
}

static int pick_page(struct web_ctx *w, unsigned status)
{
	char path[48], title[64];
	json_t *o = NULL, *l;
	size_t i;
	int st;

	snprintf(path, sizeof(path), "/api/fulfilment/orders/%lld", (long long)w->id[0]);
	st = web_api(w, "GET", path, NULL, NULL, &o);
	if (st != 200) {
		json_decref(o);
		return web_message(w, st == 403 ? 403 : 404, "Beställningen finns inte",
				   "Beställningen finns inte, eller så får du inte se den.");
	}
	snprintf(title, sizeof(title), "Plocka beställning %lld", (long long)w->id[0]);
	web_begin(w, title);
	html_f(&w->h,
	       "<dl class=\"facts\">\n<dt>Status</dt><dd><span class=\"status\">%s</span></dd>\n"
	       "<dt>Levereras senast</dt><dd>%s</dd>\n<dt>Typ</dt><dd>%s</dd>\n"
	       "<dt>Mottagare</dt><dd>%s</dd>\n<dt>Leverans</dt><dd>",
	       web_sv(web_s(o, "status")), web_s(o, "due"), web_sv(web_s(o, "kind")),
	       web_s(o, "recipient"));
	delivery_cell(w, o);
	html_lit(&w->h, "</dd>\n</dl>\n");
	html_f(&w->h,
	       "<p class=\"actions\"><a href=\"/api/orders/%lld/packing-slip\">Följesedel "
	       "med adressetikett (PDF)</a></p>\n",
	       (long long)w->id[0]);
	html_lit(&w->h, "<table class=\"responsive\">\n<caption>Rader</caption>\n<thead><tr>"
			"<th scope=\"col\">Artikel</th><th scope=\"col\">Namn</th>"
			"<th scope=\"col\" class=\"num\">Beställt</th>"
			"<th scope=\"col\" class=\"num\">Skickat</th>"
			"<th scope=\"col\">Restnoterad</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(o, "lines"), i, l)
		html_f(&w->h,
		       "<tr><td data-label=\"Artikel\">%s</td><td data-label=\"Namn\">%s</td>"
		       "<td data-label=\"Beställt\" class=\"num\">%lld</td>"
		       "<td data-label=\"Skickat\" class=\"num\">%lld</td>"
		       "<td data-label=\"Restnoterad\">%s</td></tr>\n",
		       web_s(l, "article_number"), web_s(l, "name"),
		       (long long)web_i(l, "quantity"), (long long)web_i(l, "shipped_quantity"),
		       web_b(l, "backordered") ? "ja" : "nej");
	html_lit(&w->h, "</tbody>\n</table>\n");
	if (order_open(o))
		ship_form(w, o);
	order_shipments(w, w->id[0]);
	html_lit(&w->h, "<p><a href=\"/plocklista\">Tillbaka till plocklistan</a></p>\n");
	json_decref(o);
	return web_end(w, status);
}

int page_pick(struct web_ctx *w)
{
	return pick_page(w, 200);
}

int page_pick_post(struct web_ctx *w)
{
	char path[48], names[MAX_LINES][32];
	json_t *o = NULL, *out = NULL, *lines, *l, *body;
	const char *tracking;
	size_t i, n = 0;
	int status;

	snprintf(path, sizeof(path), "/api/orders/%lld", (long long)w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &o) != 200) {
		json_decref(o);
		return pick_page(w, 404);
	}
	/* Every line of the order, in order, so that the API's lines[i] is the i-th line here. */
	lines = json_array();
	json_array_foreach(json_object_get(o, "lines"), i, l) {
		int64_t id = web_i(l, "id"),
			left = web_i(l, "quantity") - web_i(l, "shipped_quantity");
		long long qty = 0;
		char rest[32];

		if (n == MAX_LINES)
			break;
		snprintf(names[n], sizeof(names[n]), "antal-%lld", (long long)id);
		snprintf(rest, sizeof(rest), "rest-%lld", (long long)id);
		if (left > 0) {
			const char *v = web_field(w, names[n]);
			char *end;
			qty = v ? strtoll(v, &end, 10) : -1;
			if (!v || !*v || *end || qty < 0 || qty > left) {
				web_error(w, names[n], "Ange ett antal från 0 till %lld.",
					  (long long)left);
				qty = 0;
			}
		}
		json_array_append_new(lines, json_pack("{s:I, s:I, s:b}", "line_id", (json_int_t)id,
						       "quantity", (json_int_t)qty, "backordered",
						       left > 0 && web_field(w, rest) != NULL));
		n++;
	}
	json_decref(o);
	if (w->nerrors) {
		json_decref(lines);
		return pick_page(w, 400);
	}
	snprintf(path, sizeof(path), "/api/orders/%lld/shipments", (long long)w->id[0]);
	body = json_pack("{s:o}", "lines", lines);
	tracking = web_field(w, "kollinummer");
	if (tracking && *tracking)
		json_object_set_new(body, "tracking_number", json_string(tracking));
	status = web_api(w, "POST", path, NULL, body, &out);
	if (status != 201) {
		/* lines[i] is the i-th line of the order: its quantity field; "lines" is the whole
		 * shipment (nothing to ship), an error of the page. */
		const char *f = web_s(out, "field");
		const char *map[] = { "lines", "",  "tracking_number", "kollinummer", NULL,
				      NULL,    NULL };
		size_t li;
		if (sscanf(f, "lines[%zu]", &li) == 1 && li < n) {
			map[4] = f;
			map[5] = names[li];
		}
		web_problem(w, out, map);
		json_decref(out);
		return pick_page(w, status >= 400 ? (unsigned)status : 422);
	}
	snprintf(path, sizeof(path), "/leveranser/%lld?ny=1", (long long)web_i(out, "id"));
	json_decref(out);
	return web_redirect(w, path);
}

/* ---- A shipment: registering delivery or return ---- */

static const char *const outcomes[] = { "returned", "Returnerad till lagret", "not_collected",
					"Inte uthämtad på utlämningsstället", NULL };

/* What was just registered on the shipment: sent, delivered, or returned. */
static void shipment_notices(struct web_ctx *w, json_t *s)
{
	const char *outcome = web_s(s, "outcome");

	if (web_query(w, "ny"))
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>Sändningen är "
		       "registrerad%s.</strong></p></div>\n",
		       web_b(s, "partial") ? " som delsändning (restnoterade rader skickas senare)"
					   : "");
	if (web_query(w, "levererad") && strcmp(outcome, "delivered") == 0)
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>Leveransen är "
		       "registrerad%s.</strong></p></div>\n",
		       web_b(s, "deviation") ? " som en avvikelse" : " utan avvikelse");
	if (web_query(w, "retur") && *outcome && strcmp(outcome, "delivered") != 0)
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>Registrerat: %s."
		       "</strong></p></div>\n",
		       web_sv(outcome));
}

/* The shipment's outcome and, once delivered, whether it deviated from the delivery window. */
static void shipment_outcome(struct web_ctx *w, json_t *s)
{
	const char *outcome = web_s(s, "outcome");
	char at[17];

	html_lit(&w->h, "</dd>\n<dt>Utfall</dt><dd>");
	if (!*outcome) {
		html_lit(&w->h, "Inte registrerat ännu");
	} else if (strcmp(outcome, "delivered") == 0) {
		short_time(at, web_s(s, "delivered_at"));
		html_f(&w->h, "Levererad %s", at);
	} else {
		short_time(at, web_s(s, "outcome_at"));
		html_f(&w->h, "%s (registrerat %s)", web_sv(outcome), at);
		if (*web_s(s, "note"))
			html_f(&w->h, ": %s", web_s(s, "note"));
	}
	html_lit(&w->h, "</dd>\n");
	if (strcmp(outcome, "delivered") == 0) {
		if (web_b(s, "deviation"))
			html_f(&w->h, "<dt>Avvikelse</dt><dd><strong>Ja:</strong> %s</dd>\n",
			       web_s(s, "deviation_reason"));
		else
			html_lit(
				&w->h,
				"<dt>Avvikelse</dt><dd>Nej, levererad inom leveransfönstret</dd>\n");
	}
}

/* The shipment's facts: order, when sent, recipient, delivery, tracking and outcome. */
static void shipment_facts(struct web_ctx *w, json_t *s)
{
	char at[17];

	short_time(at, web_s(s, "shipped_at"));
	html_f(&w->h,
	       "<dl class=\"facts\">\n<dt>Beställning</dt><dd><a href=\"/plocka/%lld\">%lld</a> "
	       "(%s, levereras senast %s)</dd>\n<dt>Skickad</dt><dd>%s</dd>\n"
	       "<dt>Delsändning</dt><dd>%s</dd>\n<dt>Mottagare</dt><dd>%s</dd>\n"
	       "<dt>Leverans</dt><dd>",
	       (long long)web_i(s, "order_id"), (long long)web_i(s, "order_id"),
	       web_sv(web_s(s, "order_status")), web_s(s, "due"), at,
	       web_b(s, "partial") ? "ja" : "nej", web_s(s, "recipient"));
	delivery_cell(w, s);
	if (*web_s(s, "tracking_number"))
		html_f(&w->h, "</dd>\n<dt>Kollinummer</dt><dd>%s", web_s(s, "tracking_number"));
	shipment_outcome(w, s);
	html_lit(&w->h, "</dl>\n");
}

/* The lines sent, against those ordered. */
static void shipment_lines(struct web_ctx *w, json_t *s)
{
	json_t *l;
	size_t i;

	html_lit(&w->h, "<table class=\"responsive\">\n<caption>Innehåll</caption>\n<thead><tr>"
			"<th scope=\"col\">Artikel</th><th scope=\"col\">Namn</th>"
			"<th scope=\"col\" class=\"num\">Skickat</th>"
			"<th scope=\"col\" class=\"num\">Beställt</th>"
			"<th scope=\"col\">Restnoterad</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(s, "lines"), i, l)
		html_f(&w->h,
		       "<tr><td data-label=\"Artikel\">%s</td><td data-label=\"Namn\">%s</td>"
		       "<td data-label=\"Skickat\" class=\"num\">%lld</td>"
		       "<td data-label=\"Beställt\" class=\"num\">%lld</td>"
		       "<td data-label=\"Restnoterad\">%s</td></tr>\n",
		       web_s(l, "article_number"), web_s(l, "name"),
		       (long long)web_i(l, "quantity"), (long long)web_i(l, "ordered"),
		       web_b(l, "backordered") ? "ja" : "nej");
	html_lit(&w->h, "</tbody>\n</table>\n");
}

/* The forms that register the shipment's delivery, or its return. */
static void shipment_forms(struct web_ctx *w)
{
	char path[48], today[11], minute[17];

	now_local(today, minute);
	snprintf(path, sizeof(path), "/leveranser/%lld/levererad", (long long)w->id[0]);
	html_lit(&w->h, "<h2>Registrera leverans</h2>\n");
	web_form(w, path, false);
	web_input(w, "levererad", "Levererad (datum och tid)", "datetime-local",
		  web_field(w, "levererad") ? NULL : minute, true,
		  "Leveranser ska ske vardagar 08.00–19.00. En leverans vid annan tid "
		  "registreras som en avvikelse.");
	web_form_end(w, "Registrera leverans");
	snprintf(path, sizeof(path), "/leveranser/%lld/retur", (long long)w->id[0]);
	html_lit(&w->h, "<h2>Registrera retur eller ej uthämtad</h2>\n");
	web_form(w, path, false);
	web_select(w, "utfall", "Vad hände med sändningen?", outcomes, NULL);
	web_input(w, "anteckning", "Anteckning (frivillig)", "text", NULL, false, NULL);
	web_form_end(w, "Registrera retur");
}

static int shipment_page(struct web_ctx *w, unsigned status)
{
	char path[48], title[48];
	json_t *s = NULL;
	int st;

	snprintf(path, sizeof(path), "/api/shipments/%lld", (long long)w->id[0]);
	st = web_api(w, "GET", path, NULL, NULL, &s);
	if (st != 200) {
		json_decref(s);
		return web_message(w, st == 403 ? 403 : 404, "Sändningen finns inte",
				   "Det finns ingen sändning med det numret.");
	}
	snprintf(title, sizeof(title), "Sändning %lld", (long long)w->id[0]);
	web_begin(w, title);
	shipment_notices(w, s);
	shipment_facts(w, s);
	shipment_lines(w, s);
	if (!*web_s(s, "outcome"))
		shipment_forms(w);
	html_lit(&w->h, "<p><a href=\"/leveranser\">Alla sändningar att registrera</a> · "
			"<a href=\"/plocklista\">Plocklistan</a></p>\n");
	json_decref(s);
	return web_end(w, status);
}

int page_shipment(struct web_ctx *w)
{
	return shipment_page(w, 200);
}

int page_shipment_delivered(struct web_ctx *w)
{
	const char *at = web_field(w, "levererad");
	const char *map[] = { "delivered_at", "levererad", NULL };
	char path[64];
	json_t *out = NULL;
	int status;

	if (!at || !*at) {
		web_error(w, "levererad", "Ange när sändningen levererades.");
		return shipment_page(w, 400);
	}
	snprintf(path, sizeof(path), "/api/shipments/%lld/delivered", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, json_pack("{s:s}", "delivered_at", at), &out);
	if (status != 200) {
		web_problem(w, out, map);
		json_decref(out);
		return shipment_page(w, status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/leveranser/%lld?levererad=1", (long long)w->id[0]);
	return web_redirect(w, path);
}

int page_shipment_returned(struct web_ctx *w)
{
	const char *outcome = web_field(w, "utfall"), *note = web_field(w, "anteckning");
	const char *map[] = { "outcome", "utfall", "note", "anteckning", NULL };
	char path[64];
	json_t *out = NULL, *body;
	int status;

	if (!outcome || !*outcome) {
		web_error(w, "utfall", "Välj vad som hände med sändningen.");
		return shipment_page(w, 400);
	}
	body = json_pack("{s:s}", "outcome", outcome);
	if (note && *note)
		json_object_set_new(body, "note", json_string(note));
	snprintf(path, sizeof(path), "/api/shipments/%lld/returned", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, body, &out);
	if (status != 200) {
		web_problem(w, out, map);
		json_decref(out);
		return shipment_page(w, status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/leveranser/%lld?retur=1", (long long)w->id[0]);
	return web_redirect(w, path);
}
