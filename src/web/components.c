/* Pieces several roles' pages show: a patient's prescriptions and orders. */
#include <stdio.h>
#include <string.h>

#include "rules/date.h"
#include "web/pages.h"

void day_in_words(const char *iso, const char *ref, char out[48])
{
	static const char *const weekdays[] = { "måndag", "tisdag", "onsdag", "torsdag",
						"fredag", "lördag", "söndag" };
	static const char *const months[] = { "januari",   "februari", "mars",	   "april",
					      "maj",	   "juni",     "juli",	   "augusti",
					      "september", "oktober",  "november", "december" };
	lmn_day day;
	int y, m, d;

	if (!iso || strlen(iso) < 10 || date_parse(iso, 10, &day) != LMN_OK) {
		snprintf(out, 48, "%s", iso ? iso : "");
		return;
	}
	date_to_ymd(day, &y, &m, &d);
	if (ref && strlen(ref) >= 4 && strncmp(ref, iso, 4) == 0)
		snprintf(out, 48, "%s %d %s", weekdays[date_weekday(day) - 1], d, months[m - 1]);
	else
		snprintf(out, 48, "%s %d %s %d", weekdays[date_weekday(day) - 1], d, months[m - 1],
			 y);
}

void package_text(json_t *article, long long count, char out[64])
{
	static const char *const nouns[] = { "förp", "förpackning", "förpackningar",
					     "burk", "burk",	    "burkar",
					     NULL };
	const char *unit = web_s(article, "unit"), *one = unit, *many = unit;
	long long size = (long long)web_i(article, "package_size");

	for (const char *const *n = nouns; *n; n += 3)
		if (strcmp(unit, n[0]) == 0) {
			one = n[1];
			many = n[2];
		}
	if (count == 0 && size > 1)
		snprintf(out, 64, "%s om %lld st", one, size);
	else if (count == 0)
		snprintf(out, 64, "%s", one);
	else if (size > 1)
		snprintf(out, 64, "%lld %s om %lld st", count, count == 1 ? one : many, size);
	else
		snprintf(out, 64, "%lld %s", count, count == 1 ? one : many);
}

void number_in_words(int n, char out[16])
{
	static const char *const words[] = { "noll", "en",   "två", "tre", "fyra", "fem", "sex",
					     "sju",  "åtta", "nio", "tio", "elva", "tolv" };

	if (n >= 0 && n <= 12)
		snprintf(out, 16, "%s", words[n]);
	else
		snprintf(out, 16, "%d", n);
}

/* Spec B 3:1: the lead time in working days as in force today, as /api/me gives it. */
int lead_time_today(struct web_ctx *w)
{
	return (int)web_i(json_object_get(w->me, "ordering"), "lead_time_working_days");
}

/* The item of a patient's list with this id (0: none), and the item this one replaced. */
static json_t *item_by_id(json_t *list, int64_t id)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(list, "items"), i, it)
		if (id && web_i(it, "id") == id)
			return it;
	return NULL;
}

static json_t *replaced_item(json_t *list, int64_t id)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(list, "items"), i, it)
		if (web_i(it, "replaced_by") == id)
			return it;
	return NULL;
}

/* What a patient's card says when no withdrawal is left to make: why, and whom to contact. */
static void patient_hint(struct web_ctx *w, json_t *it, bool beyond)
{
	const char *status = web_s(it, "status");
	const char *next = web_s(it, "next_earliest"), *last = web_s(it, "last_valid");
	char last_words[48], next_words[48];

	day_in_words(last, NULL, last_words);
	day_in_words(next, NULL, next_words);
	if (strcmp(status, "active") == 0 && beyond && !web_b(it, "may_order_now"))
		html_f(&w->h,
		       "<p class=\"notice\">Nästa uttag skulle bli efter att förskrivningen "
		       "slutar gälla: den gäller till och med <time datetime=\"%s\">%s</time>, "
		       "och nästa uttag får göras tidigast <time datetime=\"%s\">%s</time>. "
		       "De uttag som är kvar kan alltså inte användas. Kontakta "
		       "förskrivaren, %s (%s), om du behöver en ny förskrivning.</p>\n",
		       last, last_words, next, next_words, web_s(it, "prescriber"),
		       web_s(it, "unit"));
	else if (strcmp(status, "expired") == 0)
		html_f(&w->h,
		       "<p class=\"notice\">Förskrivningen gällde till och med "
		       "<time datetime=\"%s\">%s</time>. Kontakta förskrivaren, %s (%s), om "
		       "du behöver en ny förskrivning.</p>\n",
		       last, last_words, web_s(it, "prescriber"), web_s(it, "unit"));
	else if (strcmp(status, "fully_withdrawn") == 0)
		html_f(&w->h,
		       "<p class=\"notice\">Alla uttag är gjorda. Kontakta förskrivaren, %s "
		       "(%s), om du behöver mer.</p>\n",
		       web_s(it, "prescriber"), web_s(it, "unit"));
}

/* Issue 20: the patient may ask the unit to renew an item where the API says they may
 * (renewal_requestable): the button is offered only there. */
static void renewal_button(struct web_ctx *w, json_t *it)
{
	if (!web_b(it, "renewal_requestable"))
		return;
	html_f(&w->h,
	       "<form class=\"renewal-request\" method=\"post\" "
	       "action=\"/mina-sidor/fornyelse/%lld\">\n"
	       "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n"
	       "<button type=\"submit\" class=\"secondary\">Begär förnyelse <span "
	       "class=\"sr\">%s</span></button>\n</form>\n",
	       (long long)web_i(it, "id"), web_s(w->me, "csrf_token"),
	       web_s(json_object_get(it, "article"), "name"));
}

void prescriptions_cards(struct web_ctx *w, int64_t patient_id, bool staff)
{
	char path[64];
	json_t *out = NULL, *it;
	size_t i;

	snprintf(path, sizeof(path), "/api/patients/%lld/prescriptions", (long long)patient_id);
	if (web_api(w, "GET", path, NULL, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "items")))
		html_lit(&w->h, "<p>Det finns inga förskrivningar.</p>\n");
	html_lit(&w->h, "<ul class=\"cards\">\n");
	json_array_foreach(json_object_get(out, "items"), i, it) {
		json_t *a = json_object_get(it, "article");
		const char *status = web_s(it, "status");
		json_t *by = item_by_id(out, web_i(it, "replaced_by"));
		json_t *of = replaced_item(out, web_i(it, "id"));
		char per[64];

		package_text(a, (long long)web_i(it, "quantity_per_withdrawal"), per);

		html_f(&w->h,
		       "<li class=\"card\">\n<h3>%s</h3>\n<dl class=\"facts\">\n"
		       "<dt>Artikel</dt><dd>%s</dd>\n"
		       "<dt>Per uttag</dt><dd>%s</dd>\n"
		       "<dt>Uttag kvar</dt><dd>%lld av %lld</dd>\n"
		       "<dt>Giltig till</dt><dd>%s</dd>\n<dt>Status</dt><dd>",
		       web_s(a, "name"), web_s(a, "article_number"), per,
		       (long long)web_i(it, "withdrawals_remaining"),
		       (long long)web_i(it, "withdrawals_allowed"), web_s(it, "last_valid"));
		/* A replaced item is cancelled ("the same article prescribed in another
		 * prescription", 1177's MAKULERAD): say by what, not only "makulerad". */
		if (by)
			html_f(&w->h, "Ersatt av ny förskrivning <time datetime=\"%s\">%s</time>",
			       web_s(by, "prescribed_on"), web_s(by, "prescribed_on"));
		else if (web_i(it, "replaced_by"))
			html_lit(&w->h, "Ersatt av ny förskrivning");
		else
			html_f(&w->h, "%s", web_sv(status));
		html_lit(&w->h, "</dd>\n");
		if (of)
			html_f(&w->h,
			       "<dt>Ersätter</dt><dd>Förskrivningen från <time datetime=\"%s\">"
			       "%s</time>. Uttag som redan gjorts i perioden räknas.</dd>\n",
			       web_s(of, "prescribed_on"), web_s(of, "prescribed_on"));
		const char *next = web_s(it, "next_earliest"), *last = web_s(it, "last_valid");
		/* ISO dates compare as text: a next withdrawal after the last valid day never
		 * comes. */
		bool beyond = *next && *last && strcmp(next, last) > 0;
		if (web_b(it, "may_order_now"))
			html_lit(
				&w->h,
				"<dt>Nästa uttag</dt><dd><strong>Kan beställas nu</strong></dd>\n");
		else if (*next && strcmp(status, "active") == 0 && !(beyond && !staff))
			html_f(&w->h, "<dt>Nästa uttag</dt><dd>Tidigast %s</dd>\n", next);
		html_f(&w->h, "<dt>Förskrivare</dt><dd>%s, %s</dd>\n", web_s(it, "prescriber"),
		       web_s(it, "unit"));
		html_lit(&w->h, "</dl>\n");
		/* The patient is told in words when no withdrawal is left to make, and whom to ask
		 * (issue 20). */
		if (!staff && !web_i(it, "replaced_by")) {
			patient_hint(w, it, beyond);
			renewal_button(w, it);
		}
		/* Only the prescribing unit may cancel (the API refuses others): no button that
		 * can never succeed (issue 20). */
		int64_t my_unit = web_i(json_object_get(w->me, "user"), "unit_id");
		if (staff && strcmp(status, "active") == 0 && my_unit &&
		    web_i(it, "unit_id") == my_unit) {
			char action[64];
			snprintf(action, sizeof(action), "/forskrivningsrader/%lld/makulera",
				 (long long)web_i(it, "id"));
			html_f(&w->h,
			       "<form method=\"post\" action=\"%s\">\n"
			       "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n"
			       "<input type=\"hidden\" name=\"patient\" value=\"%lld\">\n"
			       "<button type=\"submit\" class=\"secondary\">Makulera "
			       "<span class=\"sr\">%s</span></button>\n</form>\n",
			       action, web_s(w->me, "csrf_token"), (long long)patient_id,
			       web_s(a, "name"));
		}
		html_lit(&w->h, "</li>\n");
	}
	html_lit(&w->h, "</ul>\n");
	json_decref(out);
}

void orders_table(struct web_ctx *w, int64_t patient_id)
{
	char path[64];
	json_t *out = NULL, *o;
	size_t i;

	snprintf(path, sizeof(path), "/api/patients/%lld/orders", (long long)patient_id);
	if (web_api(w, "GET", path, NULL, NULL, &out) != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "orders"))) {
		html_lit(&w->h, "<p>Inga beställningar ännu.</p>\n");
		json_decref(out);
		return;
	}
	html_lit(
		&w->h,
		"<table class=\"responsive\">\n<caption>Beställningar, senaste först</caption>\n"
		"<thead><tr><th scope=\"col\">Nummer</th><th scope=\"col\">Beställd</th>"
		"<th scope=\"col\">Leveransdag senast</th><th scope=\"col\">Typ</th>"
		"<th scope=\"col\">Leverans</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(out, "orders"), i, o) {
		char received[17];
		snprintf(received, sizeof(received), "%.16s", web_s(o, "received_at"));
		if (received[10] == 'T')
			received[10] = ' ';
		html_f(&w->h,
		       "<tr><td data-label=\"Nummer\"><a href=\"/bestallningar/%lld\">%lld</a></td>"
		       "<td data-label=\"Beställd\">%s</td><td data-label=\"Leveransdag senast\">%s</td>"
		       "<td data-label=\"Typ\">%s</td><td data-label=\"Leverans\">%s</td>"
		       "<td data-label=\"Status\"><span class=\"status\">%s</span></td></tr>\n",
		       (long long)web_i(o, "id"), (long long)web_i(o, "id"), received,
		       web_s(o, "due"), web_sv(web_s(o, "kind")),
		       web_sv(web_s(o, "delivery_method")), web_sv(web_s(o, "status")));
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(out);
}
