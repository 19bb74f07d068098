/* Customer service's own pages: the delay-contact queue (Spec B 3:6), with a form per case to
 * record the call, and the call log of a day with a form to log a call (Spec B 6.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/areas.h"
#include "util/clock.h"
#include "util/localtime.h"
#include "web/pages.h"

static const char *const outcomes[] = { "reached", "not_reached", "message_left", NULL };
static const char *const topics[] = {
	"order",	"Beställning", "delivery", "Leverans",	    "prescription",
	"Förskrivning", "product",     "Produkt",  "delay_contact", "Försening (kontaktärende)",
	"other",	"Övrigt",      NULL
};

static bool one_of(const char *s, const char *const *list, size_t step)
{
	for (; s && *list; list += step)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static void notice(struct web_ctx *w, const char *text)
{
	html_f(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>%s</strong></p></div>\n",
	       text);
}

/* ---- The delay-contact queue ---- */

/* Cases on a page of the queue. */
#define QUEUE_PAGE 25

static const char *const sort_options[] = {
	"today",    "Dagens först",	  "oldest", "Äldst först", "newest", "Nyast först",
	"attempts", "Flest samtal först", NULL
};
static const char *const attempt_options[] = { "",  "Alla", "0", "Inga än",	   "1", "Ett",
					       "2", "Två",  "3", "Tre eller fler", NULL };

/* The queue's state, from the query (a GET) or the form's hidden fields (a POST). */
struct queue_state {
	const char *sort, *area, *provider, *attempts;
	long page;
};

static const char *state_value(struct web_ctx *w, const char *name, const char *const *allowed)
{
	const char *v = web_field(w, name);

	if (!v || !*v)
		return "";
	if (allowed) {
		for (; *allowed; allowed += 2)
			if (strcmp(*allowed, v) == 0)
				return v;
		return "";
	}
	return v;
}

static void queue_state(struct web_ctx *w, struct queue_state *q)
{
	const char *page = web_field(w, "sida");
	const char *provider = state_value(w, "vardgivare", NULL);
	const char *area = state_value(w, "omrade", NULL);

	q->sort = state_value(w, "ordning", sort_options);
	q->attempts = state_value(w, "samtal", attempt_options);
	q->area = area_parse(area, strlen(area)) >= 0 ? area : "";
	q->provider = strspn(provider, "0123456789") == strlen(provider) && strlen(provider) < 12
			      ? provider
			      : "";
	q->page = page ? strtol(page, NULL, 10) : 1;
	if (q->page < 1 || q->page > 100000)
		q->page = 1;
}

/* The queue's query string for state q on page (without "?"), the filters that are set:
 * "ordning=oldest&sida=2". */
static void queue_query(const struct queue_state *q, long page, char *out, size_t n)
{
	const char *names[] = { "ordning", "omrade", "vardgivare", "samtal" };
	const char *values[] = { q->sort, q->area, q->provider, q->attempts };
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < 4 && len < n; i++)
		if (*values[i])
			len += (size_t)snprintf(out + len, n - len, "%s=%s&", names[i], values[i]);
	if (len < n)
		snprintf(out + len, n - len, "sida=%ld", page);
}

static void queue_hidden(struct web_ctx *w, const struct queue_state *q, long long next)
{
	html_f(&w->h,
	       "<input type=\"hidden\" name=\"ordning\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"omrade\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"vardgivare\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"samtal\" value=\"%s\">\n"
	       "<input type=\"hidden\" name=\"sida\" value=\"%ld\">\n"
	       "<input type=\"hidden\" name=\"till\" value=\"%lld\">\n",
	       q->sort, q->area, q->provider, q->attempts, q->page, next);
}

static const char *reason_text(const char *reason)
{
	static const char *const names[] = {
		"delivered_late",
		"levererad, men efter leveransdagen",
		"backordered",
		"restnoterad hos leverantören",
		"not_shipped",
		"inte skickad än",
		"not_collected",
		"inte uthämtad på utlämningsstället",
		"returned",
		"returnerad",
		"in_transit",
		"skickad men inte levererad",
		NULL,
	};

	for (const char *const *n = names; *n; n += 2)
		if (strcmp(n[0], reason) == 0)
			return n[1];
	return "okänt skäl";
}

static void fact(struct web_ctx *w, const char *term, const char *value)
{
	html_f(&w->h, "<div><dt>%s</dt><dd>%s</dd></div>\n", term, value);
}

/* The patient's phone as a link to call (a tel: URI takes digits and a leading +), or why not. */
static void case_phone(struct web_ctx *w, json_t *c)
{
	if (web_b(c, "protected_identity"))
		fact(w, "Telefon",
		     "Visas inte (skyddad identitet). Följ rutinen för skyddad "
		     "identitet.");
	else if (*web_s(c, "phone")) {
		const char *phone = web_s(c, "phone");
		char tel[32];
		size_t n = 0;

		for (const char *p = phone; *p && n + 1 < sizeof(tel); p++)
			if ((*p >= '0' && *p <= '9') || (*p == '+' && n == 0))
				tel[n++] = *p;
		tel[n] = '\0';
		html_f(&w->h, "<div><dt>Telefon</dt><dd><a href=\"tel:%s\">%s</a></dd></div>\n",
		       tel, phone);
	} else
		fact(w, "Telefon", "saknas");
}

/* The case's facts: phone, dates, product area, care provider and calls so far. */
static void case_facts(struct web_ctx *w, json_t *c)
{
	char words[48], count[16];

	html_lit(&w->h, "<dl class=\"case-facts\">\n");
	case_phone(w, c);
	web_when(words, web_s(c, "received_at"));
	fact(w, "Beställd", words);
	web_when(words, web_s(c, "due"));
	fact(w, "Skulle ha levererats senast", words);
	web_when(words, web_s(c, "opened_on"));
	fact(w, "Ska ringas från", words);
	if (*web_s(c, "area"))
		fact(w, "Produktområde", web_sv(web_s(c, "area")));
	if (json_object_get(c, "care_provider"))
		fact(w, "Vårdgivare", web_s(json_object_get(c, "care_provider"), "name"));
	snprintf(count, sizeof(count), "%lld", (long long)web_i(c, "attempts"));
	fact(w, "Samtal hittills", web_i(c, "attempts") ? count : "inga");
	html_lit(&w->h, "</dl>\n");
}

/* What is missing, and why. */
static void case_missing(struct web_ctx *w, json_t *c)
{
	json_t *x;
	char words[48];
	size_t i;

	html_lit(&w->h, "<h4>Det här är försenat</h4>\n<ul class=\"late-lines\">\n");
	json_array_foreach(json_object_get(c, "missing"), i, x) {
		long long ordered = (long long)web_i(x, "ordered");
		long long delivered = (long long)web_i(x, "delivered");
		const char *reason = web_s(x, "reason");

		html_f(&w->h, "<li>%s (%s): %lld av %lld förp. levererade, %s",
		       web_s(x, "article_name"), web_s(x, "article_number"), delivered, ordered,
		       reason_text(reason));
		if (strcmp(reason, "delivered_late") == 0 && *web_s(x, "delivered_at")) {
			web_when(words, web_s(x, "delivered_at"));
			html_f(&w->h, " (%s)", words);
		} else if ((strcmp(reason, "in_transit") == 0 ||
			    strcmp(reason, "not_collected") == 0) &&
			   *web_s(x, "shipped_at")) {
			web_when(words, web_s(x, "shipped_at"));
			html_f(&w->h, " (skickad %s)", words);
		}
		html_lit(&w->h, "</li>\n");
	}
	html_lit(&w->h, "</ul>\n");
}

/* The calls made about the case so far, if any. */
static void case_calls(struct web_ctx *w, json_t *calls)
{
	json_t *x;
	char words[48];
	size_t i;

	if (!json_array_size(calls))
		return;
	html_lit(&w->h, "<h4>Samtal</h4>\n<ol class=\"call-history\">\n");
	json_array_foreach(calls, i, x) {
		web_when(words, web_s(x, "called_at"));
		html_f(&w->h, "<li>%s, %s: %s", words, web_s(x, "called_by"),
		       web_sv(web_s(x, "outcome")));
		if (*web_s(x, "note"))
			html_f(&w->h, ". <q>%s</q>", web_s(x, "note"));
		html_lit(&w->h, "</li>\n");
	}
	html_lit(&w->h, "</ol>\n");
}

/* The call's outcome as a group of radios named name; the first has the group's id, so the error
 * summary's link reaches it. */
static void call_outcomes(struct web_ctx *w, const char *name, long long order)
{
	const char *e = web_error_for(w, name);

	html_lit(&w->h, "<fieldset");
	if (e)
		html_f(&w->h, " class=\"invalid\" aria-describedby=\"%s-fel\"", name);
	html_f(&w->h, ">\n<legend>Hur gick samtalet om beställning %lld?</legend>\n", order);
	web_field_error(w, name);
	for (size_t k = 0; outcomes[k]; k++) {
		const char *sent = web_field(w, name);
		if (k == 0)
			html_f(&w->h, "<label class=\"choice\"><input type=\"radio\" id=\"%s\"",
			       name);
		else
			html_f(&w->h, "<label class=\"choice\"><input type=\"radio\" id=\"%s-%s\"",
			       name, outcomes[k]);
		html_f(&w->h, " name=\"%s\" value=\"%s\"", name, outcomes[k]);
		if (sent && strcmp(sent, outcomes[k]) == 0)
			html_lit(&w->h, " checked");
		html_f(&w->h, "> %s</label>\n", web_sv(outcomes[k]));
	}
	html_lit(&w->h, "</fieldset>\n");
}

static void contact_case_card(struct web_ctx *w, json_t *c, const struct queue_state *q,
			      long long next)
{
	long long id = (long long)web_i(c, "id"), order = (long long)web_i(c, "order_id");
	long long patient = (long long)web_i(c, "patient_id");
	bool protected_id = web_b(c, "protected_identity");
	char name[32], note[32], action[64], label[96];

	snprintf(name, sizeof(name), "utfall-%lld", id);
	snprintf(note, sizeof(note), "anteckning-%lld", id);
	snprintf(action, sizeof(action), "/kontaktarenden/%lld/samtal", id);
	html_f(&w->h, "<li class=\"case\" id=\"arende-%lld\">\n<h3>Beställning %lld: ", id, order);
	html_f(&w->h, "<a href=\"/patienter/%lld\">%s</a></h3>\n", patient,
	       protected_id ? "Skyddad identitet" : web_s(c, "patient_name"));
	case_facts(w, c);
	case_missing(w, c);
	case_calls(w, json_object_get(c, "calls"));
	html_f(&w->h, "<p><a href=\"/bestallningar/%lld\">Visa beställning %lld</a></p>\n", order,
	       order);

	web_form(w, action, false);
	queue_hidden(w, q, next);
	call_outcomes(w, name, order);
	snprintf(label, sizeof(label), "Anteckning om samtalet, beställning %lld (frivillig)",
		 order);
	web_input(w, note, label, "text", NULL, false, NULL);
	html_f(&w->h,
	       "<button type=\"submit\">Registrera samtalet <span class=\"sr\">om beställning "
	       "%lld</span></button>\n</form>\n</li>\n",
	       order);
}

/* The filter form: a GET of the page itself. */
static void queue_filters(struct web_ctx *w, const struct queue_state *q, json_t *providers)
{
	const char *areas[2 * (AREA_MAX + 1) + 1];
	const char **prov;
	char(*names)[160];
	size_t n = json_array_size(providers), k = 0, i;
	json_t *x;

	areas[k++] = "";
	areas[k++] = "Alla";
	for (int a = 0; a < area_count() && a < AREA_MAX; a++) {
		areas[k++] = area_name(a);
		areas[k++] = area_title(a);
	}
	areas[k] = NULL;
	prov = calloc(2 * n + 3, sizeof(*prov));
	names = calloc(n + 1, sizeof(*names));
	html_lit(&w->h, "<form method=\"get\" action=\"/kontaktarenden\" class=\"queue-filters\">\n"
			"<fieldset>\n<legend>Visa ärenden</legend>\n");
	web_select(w, "ordning", "Ordning", sort_options, *q->sort ? q->sort : "today");
	web_select(w, "omrade", "Produktområde", areas, q->area);
	if (prov && names) {
		k = 0;
		prov[k++] = "";
		prov[k++] = "Alla";
		json_array_foreach(providers, i, x) {
			snprintf(names[i], sizeof(names[i]), "%s (%lld)", web_s(x, "name"),
				 (long long)web_i(x, "open"));
			prov[k++] = web_s(x, "id_text");
			prov[k++] = names[i];
		}
		prov[k] = NULL;
		web_select(w, "vardgivare", "Vårdgivare", prov, q->provider);
	}
	web_select(w, "samtal", "Samtal hittills", attempt_options, q->attempts);
	html_lit(&w->h, "<button type=\"submit\">Visa</button>\n</fieldset>\n</form>\n");
	free(prov);
	free(names);
}

static void queue_pager(struct web_ctx *w, const struct queue_state *q, long pages)
{
	char query[256];

	if (pages <= 1)
		return;
	html_lit(&w->h, "<nav class=\"pager\" aria-label=\"Sidor i kön\">\n");
	if (q->page > 1) {
		queue_query(q, q->page - 1, query, sizeof(query));
		html_f(&w->h, "<a href=\"/kontaktarenden?%s\" rel=\"prev\">Föregående sida</a>\n",
		       query);
	}
	html_f(&w->h, "<span>Sida %ld av %ld</span>\n", q->page, pages);
	if (q->page < pages) {
		queue_query(q, q->page + 1, query, sizeof(query));
		html_f(&w->h, "<a href=\"/kontaktarenden?%s\" rel=\"next\">Nästa sida</a>\n",
		       query);
	}
	html_lit(&w->h, "</nav>\n");
}

static int contact_cases_page(struct web_ctx *w, unsigned status)
{
	struct queue_state q;
	json_t *out = NULL, *c, *cases, *providers;
	const char *done = web_field(w, "registrerat"), *outcome = web_field(w, "utfall");
	const char *to = web_field(w, "till");
	char limit[24], offset[24], text[200];
	long long total, to_id = to ? strtoll(to, NULL, 10) : 0;
	long pages;
	bool noted = false;
	int st;
	size_t i;

	queue_state(w, &q);
	snprintf(limit, sizeof(limit), "%d", QUEUE_PAGE);
	snprintf(offset, sizeof(offset), "%ld", (q.page - 1) * QUEUE_PAGE);
	{
		const char *query_args[] = { "limit",
					     limit,
					     "offset",
					     offset,
					     "sort",
					     *q.sort ? q.sort : "today",
					     "area",
					     q.area,
					     "care_provider",
					     *q.provider ? q.provider : "0",
					     "attempts",
					     *q.attempts ? q.attempts : "-1",
					     NULL };
		st = web_api(w, "GET", "/api/contact-cases", query_args, NULL, &out);
	}
	cases = json_object_get(out, "cases");
	providers = json_object_get(out, "care_providers");
	web_begin(w, "Förseningar att ringa");
	html_lit(&w->h,
		 "<p>Beställningar som inte har levererats i sin helhet inom fem arbetsdagar. "
		 "Ring patienten och registrera hur samtalet gick. Ärendet avslutas när du har "
		 "nått patienten.</p>\n");
	if (st != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		return web_end(w, status == 200 ? 500 : status);
	}
	/* The providers' ids as text, for the filter's options. */
	json_array_foreach(providers, i, c) {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)web_i(c, "id"));
		json_object_set_new(c, "id_text", json_string(id));
	}
	queue_filters(w, &q, providers);
	total = (long long)web_i(out, "total");
	pages = (long)((total + QUEUE_PAGE - 1) / QUEUE_PAGE);
	if (status == 200 && done && one_of(outcome, outcomes, 1))
		snprintf(text, sizeof(text), "Samtalet i ärende %ld är registrerat: %s. %s",
			 strtol(done, NULL, 10), web_sv(outcome),
			 strcmp(outcome, "reached") == 0 ? "Ärendet är avslutat."
							 : "Ärendet ligger kvar; ring igen.");
	else
		done = NULL;
	/* The outcome is told at the case that followed the one called, when it is on this page;
	 * else at the top. */
	json_array_foreach(cases, i, c)
		noted = noted || (done && (long long)web_i(c, "id") == to_id);
	if (done && !noted)
		notice(w, text);
	html_f(&w->h, "<h2>Att ringa: %lld %s</h2>\n", total, total == 1 ? "ärende" : "ärenden");
	if (!json_array_size(cases)) {
		html_lit(&w->h, "<p>Inga ärenden att ringa med det här urvalet.</p>\n");
		json_decref(out);
		return web_end(w, status);
	}
	html_f(&w->h, "<p>Visar %ld–%ld.</p>\n", (q.page - 1) * QUEUE_PAGE + 1,
	       (q.page - 1) * QUEUE_PAGE + (long)json_array_size(cases));
	queue_pager(w, &q, pages);
	html_lit(&w->h, "<ul class=\"queue\">\n");
	json_array_foreach(cases, i, c) {
		json_t *after = json_array_get(cases, i + 1);
		long long id = (long long)web_i(c, "id");

		/* After a call the agent is taken to the case that followed it. */
		if (noted && id == to_id) {
			html_lit(&w->h, "<li class=\"queue-notice\">");
			notice(w, text);
			html_lit(&w->h, "</li>\n");
		}
		contact_case_card(w, c, &q, after ? (long long)web_i(after, "id") : id);
	}
	html_lit(&w->h, "</ul>\n");
	queue_pager(w, &q, pages);
	json_decref(out);
	return web_end(w, status);
}

int page_contact_cases(struct web_ctx *w)
{
	return contact_cases_page(w, 200);
}

int page_contact_case_call(struct web_ctx *w)
{
	struct queue_state q;
	char name[32], note[32], path[96], query[256], back[400];
	const char *outcome, *text, *to;
	json_t *body, *out = NULL;
	long long next;
	int status;

	snprintf(name, sizeof(name), "utfall-%lld", (long long)w->id[0]);
	snprintf(note, sizeof(note), "anteckning-%lld", (long long)w->id[0]);
	outcome = web_field(w, name);
	text = web_field(w, note);
	if (!one_of(outcome, outcomes, 1)) {
		web_error(w, name, "Välj hur samtalet gick.");
		return contact_cases_page(w, 400);
	}
	body = json_pack("{s:s}", "outcome", outcome);
	if (text && *text)
		json_object_set_new(body, "note", json_string(text));
	snprintf(path, sizeof(path), "/api/contact-cases/%lld/call", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, body, &out);
	if (status == 200) {
		json_decref(out);
		queue_state(w, &q);
		queue_query(&q, q.page, query, sizeof(query));
		/* Back where the agent was: at the case that followed this one (or this one). */
		to = web_field(w, "till");
		next = to ? strtoll(to, NULL, 10) : 0;
		if (next <= 0)
			next = (long long)w->id[0];
		snprintf(back, sizeof(back),
			 "/kontaktarenden?%s&registrerat=%lld&utfall=%s&till=%lld#arende-%lld",
			 query, (long long)w->id[0], outcome, next, next);
		return web_redirect(w, back);
	}
	{
		const char *map[] = { "outcome", name, "note", note, NULL };
		web_problem(w, out, map);
	}
	json_decref(out);
	return contact_cases_page(w, status >= 400 ? (unsigned)status : 422);
}

/* ---- The call log ---- */

/* Seconds from one ISO timestamp to another (both with the same offset or a day apart), or -1. */
static long seconds_between(const char *from, const char *to)
{
	lmn_day d1, d2;
	int32_t s1, s2;
	struct lmn_err err;

	if (!*from || !*to || localtime_parse(from, strlen(from), &d1, &s1, &err) != LMN_OK ||
	    localtime_parse(to, strlen(to), &d2, &s2, &err) != LMN_OK)
		return -1;
	return (long)(d2 - d1) * 86400L + (long)(s2 - s1);
}

/* The time of day "HH:MM:SS" of an ISO timestamp ("" when empty). */
static void clock_of(char out[9], const char *iso)
{
	snprintf(out, 9, "%s", strlen(iso) > 11 ? iso + 11 : "");
}

static void calls_table(struct web_ctx *w, json_t *out)
{
	json_t *calls = json_object_get(out, "calls"), *c;
	size_t i, answered = 0, abandoned = 0;

	json_array_foreach(calls, i, c) {
		answered += *web_s(c, "answered_at") != '\0';
		abandoned += *web_s(c, "abandoned_at") != '\0';
	}
	html_f(&w->h, "<p>%zu samtal: %zu %s, %zu %s.</p>\n", json_array_size(calls), answered,
	       answered == 1 ? "besvarat" : "besvarade", abandoned,
	       abandoned == 1 ? "avbrutet" : "avbrutna");
	if (!json_array_size(calls))
		return;
	html_f(&w->h,
	       "<table class=\"responsive\">\n<caption>Samtal %s, i den ordning de ställdes i "
	       "kö</caption>\n<thead><tr><th scope=\"col\">Ställd i kö</th>"
	       "<th scope=\"col\">Besvarat</th><th scope=\"col\">Avbrutet</th>"
	       "<th scope=\"col\" class=\"num\">Väntetid</th><th scope=\"col\">Ämne</th>"
	       "</tr></thead>\n<tbody>\n",
	       web_s(out, "date"));
	json_array_foreach(calls, i, c) {
		const char *q = web_s(c, "queued_at"), *a = web_s(c, "answered_at");
		const char *b = web_s(c, "abandoned_at"), *topic = web_s(c, "topic");
		long wait = seconds_between(q, *a ? a : b);
		char waited[32] = "";
		const char *name = topic;
		char tq[9], ta[9], tb[9];

		for (size_t t = 0; topics[t]; t += 2)
			if (strcmp(topics[t], topic) == 0)
				name = topics[t + 1];
		if (wait >= 0)
			snprintf(waited, sizeof(waited), "%ld min %02ld s", wait / 60, wait % 60);
		clock_of(tq, q);
		clock_of(ta, a);
		clock_of(tb, b);
		html_f(&w->h,
		       "<tr><td data-label=\"Ställd i kö\">%s</td>"
		       "<td data-label=\"Besvarat\">%s</td><td data-label=\"Avbrutet\">%s</td>"
		       "<td data-label=\"Väntetid\" class=\"num\">%s</td>"
		       "<td data-label=\"Ämne\">%s</td></tr>\n",
		       tq, ta, tb, waited, name);
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
}

static int calls_page(struct web_ctx *w, unsigned status)
{
	const char *day = web_query(w, "datum");
	json_t *out = NULL;
	struct clock_now now;
	struct lmn_err err;
	char today[11] = "", minute[17] = "";
	lmn_day d;
	int st;

	if (clock_now(&now, &err) == LMN_OK) {
		date_format(now.day, today);
		snprintf(minute, sizeof(minute), "%.10sT%02u:%02u", today,
			 (unsigned)now.sec / 3600u % 24u, (unsigned)now.sec / 60u % 60u);
	}
	if (!day || !*day)
		day = today;
	if (strlen(day) != 10 || date_parse(day, 10, &d) != LMN_OK) {
		web_error(w, "datum", "Ange dagen som ett datum ÅÅÅÅ-MM-DD, till exempel %s.",
			  today);
		st = 400;
	} else {
		const char *q[] = { "date", day, NULL };
		static const char *const map[] = { "date", "datum", NULL };
		st = web_api(w, "GET", "/api/calls", q, NULL, &out);
		if (st != 200)
			web_problem(w, out, map);
	}
	if (st != 200 && status == 200)
		status = 400;
	web_begin(w, "Samtalslogg");
	if (status == 200 && web_query(w, "loggat"))
		notice(w, "Samtalet är loggat.");
	html_lit(&w->h, "<form method=\"get\" action=\"/samtal\">\n");
	web_input(w, "datum", "Dag", "date", day, false, NULL);
	html_lit(&w->h,
		 "<button type=\"submit\" class=\"secondary\">Visa dagen</button>\n</form>\n");
	if (st == 200)
		calls_table(w, out);
	json_decref(out);

	html_lit(&w->h, "<h2>Logga ett samtal</h2>\n");
	web_form(w, "/samtal", false);
	web_select(w, "amne", "Ämne", topics, NULL);
	web_input(w, "koade", "Ställd i kö (datum och tid)", "datetime-local",
		  web_field(w, "koade") ? NULL : minute, true, NULL);
	web_input(w, "besvarat", "Besvarat (datum och tid)", "datetime-local", NULL, false,
		  "Fyll i antingen när samtalet besvarades eller när den som ringde lade på.");
	web_input(w, "avbrutet", "Avbrutet, den som ringde lade på (datum och tid)",
		  "datetime-local", NULL, false, NULL);
	/* A call without an outcome is logged only when it is said to be still queued. */
	html_f(&w->h,
	       "<label class=\"choice\"><input type=\"checkbox\" id=\"iko\" name=\"iko\" "
	       "value=\"1\"%s> <span>Står fortfarande i kö</span></label>\n",
	       web_field(w, "iko") && strcmp(web_field(w, "iko"), "1") == 0 ? " checked" : "");
	web_form_end(w, "Logga samtalet");
	return web_end(w, status);
}

int page_calls(struct web_ctx *w)
{
	return calls_page(w, 200);
}

/* A datetime-local value ("YYYY-MM-DDTHH:MM"), or an error on the field. */
static bool time_field(struct web_ctx *w, const char *name, bool required, const char **out)
{
	const char *s = web_field(w, name);
	lmn_day day;
	int32_t sec;
	struct lmn_err err;

	*out = s && *s ? s : NULL;
	if (!*out) {
		if (required)
			web_error(w, name, "Ange datum och tid.");
		return !required;
	}
	if (localtime_parse(s, strlen(s), &day, &sec, &err) != LMN_OK) {
		web_error(w, name, "Ange datum och tid som ÅÅÅÅ-MM-DD tt:mm.");
		return false;
	}
	return true;
}

int page_calls_post(struct web_ctx *w)
{
	static const char *const map[] = { "topic",	   "amne",	  "queued_at",
					   "koade",	   "answered_at", "besvarat",
					   "abandoned_at", "avbrutet",	  "still_queued",
					   "iko",	   NULL };
	const char *topic = web_field(w, "amne"), *queued, *answered, *abandoned;
	json_t *body, *out = NULL;
	char path[64];
	int status;

	if (!one_of(topic, topics, 2))
		web_error(w, "amne", "Välj vad samtalet gällde.");
	time_field(w, "koade", true, &queued);
	time_field(w, "besvarat", false, &answered);
	time_field(w, "avbrutet", false, &abandoned);
	if (answered && abandoned)
		web_error(w, "avbrutet",
			  "Ett samtal är antingen besvarat eller avbrutet, inte båda.");
	if (w->nerrors)
		return calls_page(w, 400);
	body = json_pack("{s:s, s:s}", "topic", topic, "queued_at", queued);
	if (answered)
		json_object_set_new(body, "answered_at", json_string(answered));
	if (abandoned)
		json_object_set_new(body, "abandoned_at", json_string(abandoned));
	if (web_field(w, "iko") && strcmp(web_field(w, "iko"), "1") == 0)
		json_object_set_new(body, "still_queued", json_true());
	status = web_api(w, "POST", "/api/calls", NULL, body, &out);
	if (status == 201) {
		json_decref(out);
		snprintf(path, sizeof(path), "/samtal?datum=%.10s&loggat=1", queued);
		return web_redirect(w, path);
	}
	web_problem(w, out, map);
	json_decref(out);
	return calls_page(w, status >= 400 ? (unsigned)status : 422);
}
