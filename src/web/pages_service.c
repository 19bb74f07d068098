/* Customer service's own pages: the delay-contact queue (Spec B 3:6), with a form per case to
 * record the call, and the call log of a day with a form to log a call (Spec B 6.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/localtime.h"
#include "web/pages.h"

static const char *const outcomes[] = { "reached", "not_reached", "message_left", NULL };
static const char *const topics[] = { "order", "Beställning", "delivery", "Leverans",
				      "prescription", "Förskrivning", "product", "Produkt",
				      "delay_contact", "Försening (kontaktärende)", "other", "Övrigt",
				      NULL };

static bool one_of(const char *s, const char *const *list, size_t step)
{
	for (; s && *list; list += step)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static void notice(struct web_ctx *w, const char *text)
{
	html_f(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>%s</strong></p></div>\n", text);
}

/* "2026-11-23T10:05:00+01:00" as "2026-11-23 10:05". */
static void short_time(char out[17], const char *iso)
{
	snprintf(out, 17, "%.16s", iso);
	if (out[10] == 'T')
		out[10] = ' ';
}

/* ---- The delay-contact queue ---- */

static void contact_case_card(struct web_ctx *w, json_t *c)
{
	long long id = (long long)web_i(c, "id"), order = (long long)web_i(c, "order_id");
	long long patient = (long long)web_i(c, "patient_id");
	bool protected_id = web_b(c, "protected_identity");
	char received[17], name[32], note[32], action[64];
	const char *e;

	snprintf(name, sizeof(name), "utfall-%lld", id);
	snprintf(note, sizeof(note), "anteckning-%lld", id);
	snprintf(action, sizeof(action), "/kontaktarenden/%lld/samtal", id);
	short_time(received, web_s(c, "received_at"));
	html_f(&w->h, "<li class=\"card\">\n<h3>Beställning %lld</h3>\n<dl class=\"facts\">\n"
		      "<dt>Patient</dt><dd><a href=\"/patienter/%lld\">%s</a></dd>\n",
	       order, patient, protected_id ? "Skyddad identitet" : web_s(c, "patient_name"));
	if (protected_id)
		html_lit(&w->h, "<dt>Telefon</dt><dd>Visas inte (skyddad identitet). Följ rutinen "
				"för skyddad identitet.</dd>\n");
	else
		html_f(&w->h, "<dt>Telefon</dt><dd>%s</dd>\n",
		       *web_s(c, "phone") ? web_s(c, "phone") : "saknas");
	html_f(&w->h, "<dt>Beställd</dt><dd>%s</dd>\n<dt>Skulle ha levererats senast</dt><dd>%s</dd>\n"
		      "<dt>Ärende</dt><dd>%lld, öppnat %s</dd>\n",
	       received, web_s(c, "due"), id, web_s(c, "opened_on"));
	if (*web_s(c, "last_outcome")) {
		char at[17];
		short_time(at, web_s(c, "last_called_at"));
		html_f(&w->h, "<dt>Senaste samtal</dt><dd>%s: %s</dd>\n", at,
		       web_sv(web_s(c, "last_outcome")));
	}
	html_f(&w->h, "</dl>\n<p><a href=\"/bestallningar/%lld\">Visa beställning %lld</a></p>\n",
	       order, order);

	web_form(w, action, false);
	e = web_error_for(w, name);
	html_lit(&w->h, "<fieldset");
	if (e)
		html_f(&w->h, " class=\"invalid\" aria-describedby=\"%s-fel\"", name);
	html_f(&w->h, ">\n<legend>Hur gick samtalet om beställning %lld?</legend>\n", order);
	web_field_error(w, name);
	for (size_t i = 0; outcomes[i]; i++) {
		const char *sent = web_field(w, name);
		/* The first radio has the group's id, so the error summary's link reaches it. */
		if (i == 0)
			html_f(&w->h, "<label class=\"choice\"><input type=\"radio\" id=\"%s\"", name);
		else
			html_f(&w->h, "<label class=\"choice\"><input type=\"radio\" id=\"%s-%s\"", name,
			       outcomes[i]);
		html_f(&w->h, " name=\"%s\" value=\"%s\"", name, outcomes[i]);
		if (sent && strcmp(sent, outcomes[i]) == 0)
			html_lit(&w->h, " checked");
		html_f(&w->h, "> %s</label>\n", web_sv(outcomes[i]));
	}
	html_lit(&w->h, "</fieldset>\n");
	char label[96];
	snprintf(label, sizeof(label), "Anteckning om samtalet, beställning %lld (frivillig)", order);
	web_input(w, note, label, "text", NULL, false, NULL);
	html_f(&w->h, "<button type=\"submit\">Registrera samtalet <span class=\"sr\">om beställning "
		      "%lld</span></button>\n</form>\n</li>\n", order);
}

static int contact_cases_page(struct web_ctx *w, unsigned status)
{
	json_t *out = NULL, *c;
	const char *done = web_query(w, "registrerat"), *outcome = web_query(w, "utfall");
	int st = web_api(w, "GET", "/api/contact-cases", NULL, NULL, &out);
	json_t *cases = json_object_get(out, "cases");
	size_t i;

	web_begin(w, "Förseningar att ringa");
	if (status == 200 && done && one_of(outcome, outcomes, 1)) {
		char text[200];
		snprintf(text, sizeof(text), "Samtalet i ärende %ld är registrerat: %s. %s",
			 strtol(done, NULL, 10), web_sv(outcome),
			 strcmp(outcome, "reached") == 0 ? "Ärendet är avslutat."
							 : "Ärendet ligger kvar; ring igen.");
		notice(w, text);
	}
	html_lit(&w->h, "<p>Beställningar som inte har levererats i sin helhet inom fem arbetsdagar. "
			"Ring patienten och registrera hur samtalet gick. Ärendet avslutas när du har "
			"nått patienten.</p>\n");
	if (st != 200) {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
		json_decref(out);
		return web_end(w, status == 200 ? 500 : status);
	}
	html_f(&w->h, "<h2>Att ringa (%zu)</h2>\n", json_array_size(cases));
	if (!json_array_size(cases))
		html_lit(&w->h, "<p>Inga ärenden att ringa just nu.</p>\n");
	else
		html_lit(&w->h, "<ul class=\"cards\">\n");
	json_array_foreach(cases, i, c)
		contact_case_card(w, c);
	if (json_array_size(cases))
		html_lit(&w->h, "</ul>\n");
	json_decref(out);
	return web_end(w, status);
}

int page_contact_cases(struct web_ctx *w)
{
	return contact_cases_page(w, 200);
}

int page_contact_case_call(struct web_ctx *w)
{
	char name[32], note[32], path[96];
	const char *outcome, *text;
	json_t *body, *out = NULL;
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
		snprintf(path, sizeof(path), "/kontaktarenden?registrerat=%lld&utfall=%s",
			 (long long)w->id[0], outcome);
		return web_redirect(w, path);
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
	html_f(&w->h, "<table class=\"responsive\">\n<caption>Samtal %s, i den ordning de ställdes i "
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
		html_f(&w->h, "<tr><td data-label=\"Ställd i kö\">%s</td>"
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
		web_error(w, "datum", "Ange dagen som ett datum ÅÅÅÅ-MM-DD, till exempel %s.", today);
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
	html_lit(&w->h, "<button type=\"submit\" class=\"secondary\">Visa dagen</button>\n</form>\n");
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
	html_f(&w->h, "<label class=\"choice\"><input type=\"checkbox\" id=\"iko\" name=\"iko\" "
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
	static const char *const map[] = { "topic", "amne", "queued_at", "koade", "answered_at",
					   "besvarat", "abandoned_at", "avbrutet", "still_queued", "iko",
					   NULL };
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
		web_error(w, "avbrutet", "Ett samtal är antingen besvarat eller avbrutet, inte båda.");
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
