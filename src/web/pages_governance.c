/* Governance pages (GOVERNANCE.md): the bodies and their meetings, a meeting with its agenda and
 * the quorum of every item as recorded so far, outcomes, attendance and written participation,
 * minutes and their approval, and the change log with the specification on a date and the
 * difference of two versions. Everything goes through the API, which decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pages.h"

static const char *sv(const char *v)
{
	static const char *const names[] = {
		"decision",
		"beslutsärende",
		"information",
		"information och dialog",
		"without_presentation",
		"ärende utan föredragning",
		"procedural",
		"formalia",
		"decided",
		"beslutat",
		"remitted",
		"återremitterat",
		"struck",
		"avfört",
		"deferred",
		"bordlagt",
		"noted",
		"noterat",
		"proposed",
		"förslag till rådet",
		"chair",
		"ordförande",
		"vice_chair",
		"vice ordförande",
		"member",
		"ledamot",
		"adjunct",
		"adjungerad",
		"secretary",
		"sekreterare",
		"supplier",
		"försörjare",
		"invited",
		"inbjuden",
		"in_person",
		"fysiskt möte",
		"digital",
		"digitalt",
		"political",
		"politiskt organ",
		"council",
		"ledningsråd",
		"preparation",
		"beredningsgrupp",
		"forum",
		"forum",
		"coordination",
		"samordning",
		NULL,
	};
	for (size_t i = 0; names[i]; i += 2)
		if (strcmp(names[i], v) == 0)
			return names[i + 1];
	return v;
}

static bool is_secretary(struct web_ctx *w)
{
	return strcmp(w->role, "secretary") == 0;
}

/* A path with one id; fmt is a literal with one %lld. */
#define ID_PATH(out, fmt, id) snprintf((out), sizeof(out), fmt, (long long)(id))

static void meeting_form(struct web_ctx *w, json_t *bodies);
static void item_form(struct web_ctx *w, int64_t meeting);

static int page_governance_status(struct web_ctx *w, unsigned status);

int page_governance(struct web_ctx *w)
{
	return page_governance_status(w, 200);
}

/* The meetings, latest first, each with a link to its page. */
static void meetings_table(struct web_ctx *w, json_t *meetings)
{
	json_t *m;
	size_t i;

	html_lit(&w->h,
		 "<h2>Möten</h2>\n<table class=\"responsive\">\n<caption>Möten, senaste först"
		 "</caption>\n<thead><tr><th scope=\"col\">Datum</th><th scope=\"col\">Organ</th>"
		 "<th scope=\"col\">Form</th><th scope=\"col\">Punkter</th>"
		 "<th scope=\"col\">Anteckningar</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(meetings, "meetings"), i, m) {
		json_t *body = json_object_get(m, "body");
		char starts[48];

		web_when(starts, web_s(m, "starts_at"));
		html_f(&w->h,
		       "<tr><td data-label=\"Datum\"><a href=\"/styrning/moten/%lld\">%s</a></td>"
		       "<td data-label=\"Organ\">%s</td><td data-label=\"Form\">%s</td>"
		       "<td data-label=\"Punkter\">%lld</td><td data-label=\"Anteckningar\">%s</td>"
		       "</tr>\n",
		       (long long)web_i(m, "id"), starts, web_s(body, "name"), sv(web_s(m, "form")),
		       (long long)web_i(m, "items"),
		       web_i(m, "minutes_approved_version") ? "godkända" : "–");
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
}

/* Counts the open and the done actions, and confirms the one just marked done (?klar=id). */
static void actions_count(struct web_ctx *w, json_t *actions, size_t *nopen, size_t *ndone)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(actions, "actions"), i, a) {
		if (*web_s(a, "done_on"))
			(*ndone)++;
		else
			(*nopen)++;
		if (web_query(w, "klar") &&
		    web_i(a, "id") == strtoll(web_query(w, "klar"), NULL, 10))
			html_f(&w->h,
			       "<div class=\"notice\" role=\"status\"><p><strong>Åtgärden är "
			       "markerad som klar:</strong> %s</p></div>\n",
			       web_s(a, "description"));
	}
}

/* One open action's row; the secretary gets a button to mark it done. */
static void open_action_row(struct web_ctx *w, json_t *a)
{
	json_t *mt = json_object_get(a, "meeting"), *it = json_object_get(a, "item");
	char day[11], due[48];

	/* html_f knows %s, not %.10s: the date is cut here. */
	snprintf(day, sizeof(day), "%s", web_s(mt, "starts_at"));
	web_when(due, web_s(a, "due_on"));
	html_f(&w->h, "<tr><td data-label=\"Senast\">%s", *web_s(a, "due_on") ? due : "–");
	if (web_b(a, "overdue"))
		html_lit(&w->h, " <strong class=\"warn\">försenad</strong>");
	html_f(&w->h,
	       "</td><td data-label=\"Ansvarig\">%s</td>"
	       "<td data-label=\"Åtgärd\">%s</td><td data-label=\"Möte och punkt\">"
	       "<a href=\"/styrning/moten/%lld\">%s %s, punkt %s</a></td>"
	       "<td data-label=\"Klar\">",
	       web_s(a, "owner"), web_s(a, "description"), (long long)web_i(mt, "id"),
	       web_s(json_object_get(a, "body"), "code"), day, web_s(it, "number"));
	if (is_secretary(w)) {
		char path[64];
		ID_PATH(path, "/styrning/atgarder/%lld/klar", web_i(a, "id"));
		web_form(w, path, false);
		html_f(&w->h,
		       "<button type=\"submit\" class=\"secondary\">Markera som klar"
		       "<span class=\"sr\">: %s</span></button>\n</form>\n",
		       web_s(a, "description"));
	} else {
		html_lit(&w->h, "–");
	}
	html_lit(&w->h, "</td></tr>\n");
}

/* The actions not yet done, from every meeting. */
static void open_actions_table(struct web_ctx *w, json_t *actions, size_t nopen)
{
	json_t *a;
	size_t i;

	if (!nopen)
		html_lit(&w->h, "<p>Inga öppna åtgärder.</p>\n");
	else
		html_lit(&w->h,
			 "<table class=\"responsive\">\n<caption>Åtgärder som inte är klara, "
			 "från alla möten</caption>\n<thead><tr><th scope=\"col\">Senast</th>"
			 "<th scope=\"col\">Ansvarig</th><th scope=\"col\">Åtgärd</th>"
			 "<th scope=\"col\">Möte och punkt</th><th scope=\"col\">Klar</th></tr>"
			 "</thead>\n<tbody>\n");
	json_array_foreach(json_object_get(actions, "actions"), i, a) {
		if (!*web_s(a, "done_on"))
			open_action_row(w, a);
	}
	if (nopen)
		html_lit(&w->h, "</tbody>\n</table>\n");
}

/* The actions done, from every meeting. */
static void done_actions_table(struct web_ctx *w, json_t *actions)
{
	json_t *a;
	size_t i;

	html_lit(&w->h, "<h2>Klara åtgärder</h2>\n<table class=\"responsive\">\n<caption>"
			"Åtgärder som är klara, från alla möten</caption>\n<thead><tr>"
			"<th scope=\"col\">Klar</th><th scope=\"col\">Ansvarig</th>"
			"<th scope=\"col\">Åtgärd</th><th scope=\"col\">Möte och punkt</th></tr>"
			"</thead>\n<tbody>\n");
	json_array_foreach(json_object_get(actions, "actions"), i, a) {
		json_t *mt = json_object_get(a, "meeting"), *it = json_object_get(a, "item");
		char day[11], done[48];
		if (!*web_s(a, "done_on"))
			continue;
		snprintf(day, sizeof(day), "%s", web_s(mt, "starts_at"));
		web_when(done, web_s(a, "done_on"));
		html_f(&w->h,
		       "<tr><td data-label=\"Klar\">%s</td><td data-label=\"Ansvarig\">%s"
		       "</td><td data-label=\"Åtgärd\">%s</td><td data-label=\"Möte och "
		       "punkt\"><a href=\"/styrning/moten/%lld\">%s %s, punkt %s</a></td>"
		       "</tr>\n",
		       done, web_s(a, "owner"), web_s(a, "description"), (long long)web_i(mt, "id"),
		       web_s(json_object_get(a, "body"), "code"), day, web_s(it, "number"));
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
}

/* The bodies of the agreement, each with its kind and how often it meets. */
static void agreement_bodies(struct web_ctx *w, json_t *bodies)
{
	json_t *b;
	size_t i;

	html_lit(&w->h, "<h2>Organ</h2>\n<ul>\n");
	json_array_foreach(json_object_get(bodies, "bodies"), i, b) {
		html_f(&w->h, "<li><a href=\"/styrning/organ/%lld\">%s</a> (%s)",
		       (long long)web_i(b, "id"), web_s(b, "name"), sv(web_s(b, "kind")));
		if (web_i(b, "min_meetings"))
			html_f(&w->h, ", minst %lld möten per år",
			       (long long)web_i(b, "min_meetings"));
		if (*web_s(b, "active_until"))
			html_f(&w->h, ", verksamt till %s", web_s(b, "active_until"));
		html_lit(&w->h, "</li>\n");
	}
	html_lit(&w->h, "</ul>\n");
}

static int page_governance_status(struct web_ctx *w, unsigned status)
{
	json_t *bodies = NULL, *meetings = NULL, *actions = NULL;
	size_t nopen = 0, ndone = 0;

	if (web_api(w, "GET", "/api/bodies", NULL, NULL, &bodies) != 200 ||
	    web_api(w, "GET", "/api/meetings", NULL, NULL, &meetings) != 200 ||
	    web_api(w, "GET", "/api/actions", NULL, NULL, &actions) != 200) {
		json_decref(bodies);
		json_decref(meetings);
		json_decref(actions);
		return web_message(w, 500, "Styrningen kunde inte visas",
				   "Försök igen om en stund.");
	}
	web_begin(w, "Styrning och möten");
	html_lit(&w->h,
		 "<p>Samverkansavtalets organ, deras möten, beslut och uppföljning. "
		 "Beslut som ändrar en specifikation förs in i <a href=\"/styrning/andringslogg\">"
		 "ändringsloggen</a> och gäller då i beställningssystemet från sitt datum. "
		 "<a href=\"/styrning/vad-hander-om\">Vad händer om</a> en regel ändras?</p>\n");
	meetings_table(w, meetings);
	html_lit(&w->h, "<h2 id=\"atgarder\">Öppna åtgärder</h2>\n");
	actions_count(w, actions, &nopen, &ndone);
	open_actions_table(w, actions, nopen);
	if (ndone)
		done_actions_table(w, actions);
	agreement_bodies(w, bodies);
	if (is_secretary(w))
		meeting_form(w, bodies);
	json_decref(bodies);
	json_decref(meetings);
	json_decref(actions);
	return web_end(w, status);
}

static const char *person_name(json_t *meeting, int64_t id)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(meeting, "people"), i, p)
		if (web_i(p, "id") == id)
			return web_s(p, "name");
	return "";
}

/* The quorum of an item in words, e.g. "Beslutsmässigt (VGR 2 av 4, VGK 3 av 6)". */
static void quorum_text(struct web_ctx *w, json_t *q)
{
	const char *party;
	json_t *v;
	bool first = true;

	html_f(&w->h, "<strong class=\"%s\">%s</strong> (", web_b(q, "quorate") ? "ok" : "warn",
	       web_b(q, "quorate") ? "Beslutsmässigt" : "Inte beslutsmässigt");
	json_object_foreach(json_object_get(q, "parties"), party, v) {
		html_f(&w->h, "%s%s %lld av %lld", first ? "" : ", ", party,
		       (long long)web_i(v, "counted"), (long long)web_i(v, "appointed"));
		if (web_i(v, "lacking"))
			html_f(&w->h, ", saknar %lld", (long long)web_i(v, "lacking"));
		first = false;
	}
	html_lit(&w->h, ")");
}

/* The secretary's form for a new agenda item. */
static void item_form(struct web_ctx *w, int64_t meeting)
{
	static const char *const types[] = {
		"decision",
		"beslutsärende",
		"information",
		"information och dialog",
		"without_presentation",
		"ärende utan föredragning",
		"procedural",
		"formalia",
		NULL,
	};
	static const char *const matters[] = {
		"other",
		"annat",
		"assortment",
		"sortiment",
		"handbook_editorial",
		"redaktionell ändring i handboken",
		"handbook",
		"ändring i sak i handboken",
		"service_steps",
		"hur servicesteg utförs",
		"it_adaptation",
		"IT-anpassning",
		NULL,
	};
	char path[64];

	html_lit(&w->h, "<h2>Ny punkt på dagordningen</h2>\n");
	ID_PATH(path, "/styrning/moten/%lld/punkter", meeting);
	web_form(w, path, false);
	web_input(w, "nummer", "Nummer", "text", NULL, true, "Till exempel 3 eller 3a");
	web_select(w, "typ", "Typ", types, NULL);
	web_input(w, "rubrik", "Rubrik", "text", NULL, true, NULL);
	web_input(w, "foredragande", "Föredragande", "text", NULL, false, NULL);
	web_input(w, "text", "Text", "text", NULL, false, NULL);
	web_select(w, "arende", "Vad ärendet gäller (för en beredningsgrupps mandat)", matters,
		   NULL);
	web_input(w, "kostnad", "Kostnad i kronor", "number", NULL, false,
		  "För IT-anpassningar: en beredningsgrupp beslutar upp till sin gräns.");
	web_form_end(w, "Lägg till punkten");
}

static const char *const stance_options[] = {
	"endorse", "ställer sig bakom förslaget", "abstain", "avstår", "object", "invänder", NULL,
};

/* The secretary records written participation that came in before the meeting (an e-mail), with
 * when it was given and its stance; the form opens by itself when the API refused it, the reason
 * by its field. */
static void written_form(struct web_ctx *w, json_t *m, json_t *it)
{
	const char *opts[2 * 64 + 1];
	char ids[64][24], names[64][160], path[64], person[40], given[40], stance[40];
	int64_t id = web_i(it, "id");
	size_t n = 0, i;
	json_t *s;

	snprintf(person, sizeof(person), "skriftligt-person-%lld", (long long)id);
	snprintf(given, sizeof(given), "skriftligt-lamnat-%lld", (long long)id);
	snprintf(stance, sizeof(stance), "skriftligt-stallning-%lld", (long long)id);
	json_array_foreach(json_object_get(m, "seats"), i, s) {
		const char *role = web_s(s, "role");
		if (n == 64 || web_b(s, "vacant") ||
		    (strcmp(role, "member") && strcmp(role, "chair") && strcmp(role, "vice_chair")))
			continue;
		snprintf(ids[n], sizeof(ids[n]), "%lld", (long long)web_i(s, "person_id"));
		snprintf(names[n], sizeof(names[n]), "%s (%s%s%s)",
			 person_name(m, web_i(s, "person_id")), sv(role),
			 *web_s(s, "party") ? ", " : "", web_s(s, "party"));
		opts[2 * n] = ids[n];
		opts[2 * n + 1] = names[n];
		n++;
	}
	opts[2 * n] = NULL;
	html_f(&w->h,
	       "<details%s>\n<summary>Registrera skriftligt deltagande "
	       "<span class=\"sr\">i punkt %s</span></summary>\n",
	       web_error_for(w, person) || web_error_for(w, given) || web_error_for(w, stance)
		       ? " open"
		       : "",
	       web_s(it, "number"));
	ID_PATH(path, "/styrning/punkter/%lld/skriftligt", id);
	web_form(w, path, false);
	web_select(w, person, "Ledamot", opts, NULL);
	web_select(w, stance, "Ställningstagande", stance_options, NULL);
	web_input(w, given, "Lämnat", "datetime-local", NULL, true,
		  "När deltagandet lämnades, till exempel när mejlet skickades. Det räknas bara om "
		  "det lämnades före mötets start.");
	web_form_end(w, "Registrera det skriftliga deltagandet");
	html_lit(&w->h, "</details>\n");
}

/* An item's text as paragraphs, one per line of it. */
static void paragraphs(struct web_ctx *w, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		size_t k = n;
		while (k && (text[k - 1] == '\r' || text[k - 1] == ' '))
			k--;
		if (k) {
			html_lit(&w->h, "<p>");
			html_textn(&w->h, text, k);
			html_lit(&w->h, "</p>\n");
		}
		text += n + (text[n] == '\n');
	}
}

/* The written participation of an item: who took part (endorsing or objecting), who abstained. */
static void written_lists(struct web_ctx *w, json_t *m, json_t *it, bool abstained)
{
	json_t *given = json_object_get(it, "written_given_at");
	json_t *stances = json_object_get(it, "written_stance"), *pid;
	size_t k, n = 0;

	json_array_foreach(json_object_get(it, "written"), k, pid) {
		char key[24], at[48];
		const char *when, *st;
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(pid));
		st = web_s(stances, key);
		if ((strcmp(st, "abstain") == 0) != abstained)
			continue;
		if (n++ == 0)
			html_f(&w->h, "<p>%s skriftligt: ", abstained ? "Avstod" : "Deltog");
		else
			html_lit(&w->h, ", ");
		when = web_s(given, key);
		/* "lämnat 24 oktober 2024 kl. 09.12", when it was given. */
		web_when(at, when);
		html_f(&w->h, "%s", person_name(m, (int64_t)json_integer_value(pid)));
		if (strcmp(st, "object") == 0)
			html_f(&w->h, " (<strong>invänder</strong>%s%s)", *when ? ", lämnat " : "",
			       *when ? at : "");
		else if (*when)
			html_f(&w->h, " (lämnat %s)", at);
	}
	if (n)
		html_lit(&w->h, "</p>\n");
}

/* The member's own written participation in an item before the meeting: three buttons, and
 * what they have given so far. Shown only where it can work (before the start, undecided). */
static void member_written(struct web_ctx *w, json_t *m, json_t *it, bool started)
{
	int64_t id = web_i(it, "id"), me = web_i(json_object_get(w->me, "user"), "person_id");
	char field[32], key[24], path[64], at[48];
	const char *mine;

	snprintf(field, sizeof(field), "skriftligt-%lld", (long long)id);
	snprintf(key, sizeof(key), "%lld", (long long)me);
	mine = web_s(json_object_get(it, "written_stance"), key);
	if (started || *web_s(it, "outcome")) {
		/* A refusal of a form sent anyway is shown where the buttons were. */
		web_field_error(w, field);
		return;
	}
	ID_PATH(path, "/styrning/punkter/%lld/skriftligt", id);
	html_f(&w->h,
	       "<form method=\"post\" action=\"%s\" class=\"written\">\n"
	       "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n<fieldset>\n"
	       "<legend>Delta skriftligt i avgörandet före mötet "
	       "<span class=\"sr\">i punkt %s</span></legend>\n",
	       path, web_s(w->me, "csrf_token"), web_s(it, "number"));
	if (*mine) {
		web_when(at, web_s(json_object_get(it, "written_given_at"), key));
		html_f(&w->h,
		       "<p>Du har svarat: <strong>%s</strong> (%s). Du kan ändra ditt svar "
		       "fram till mötet.</p>\n",
		       strcmp(mine, "object") == 0    ? "Jag invänder"
		       : strcmp(mine, "abstain") == 0 ? "Jag avstår"
						      : "Jag ställer mig bakom förslaget",
		       at);
	}
	web_field_error(w, field);
	html_f(&w->h,
	       "<div class=\"written-choices\">\n<button type=\"submit\" name=\"stance\" "
	       "value=\"endorse\" id=\"%s\"",
	       field);
	if (web_error_for(w, field))
		html_f(&w->h, " aria-describedby=\"%s-fel\"", field);
	html_f(&w->h,
	       ">Jag ställer mig bakom förslaget</button>\n"
	       "<button type=\"submit\" name=\"stance\" value=\"abstain\" class=\"secondary\" "
	       "id=\"%s-avstar\">Jag avstår</button>\n"
	       "<button type=\"submit\" name=\"stance\" value=\"object\" class=\"secondary\" "
	       "id=\"%s-invander\">Jag invänder</button>\n</div>\n",
	       field, field);
	html_f(&w->h,
	       "<p class=\"hint\">Att ställa sig bakom förslaget eller invända räknas som "
	       "deltagande i avgörandet%s; den som avstår räknas inte. Svaret räknas bara om "
	       "det lämnas före mötets start.</p>\n</fieldset>\n</form>\n",
	       web_b(m, "objection_blocks") ? ", och en invändning gör att punkten inte kan "
					      "beslutas i enighet"
					    : "");
}

/* Where someone was present: "hela mötet", "från punkt 2", "till och med punkt 3b",
 * "punkt 2–3b" or a list. */
static void presence_text(json_t *m, int64_t person, char *out, size_t n)
{
	json_t *items = json_object_get(m, "items"), *it, *pid;
	size_t i, k, total = json_array_size(items), first = SIZE_MAX, last = 0, count = 0;
	bool *in = calloc(total ? total : 1, sizeof(*in));

	out[0] = '\0';
	if (!in)
		return;
	json_array_foreach(items, i, it)
		json_array_foreach(json_object_get(it, "present"), k, pid)
			if (json_integer_value(pid) == person) {
				in[i] = true;
				count++;
				if (first == SIZE_MAX)
					first = i;
				last = i;
			}
	if (count && count == last - first + 1) {
		const char *a = web_s(json_array_get(items, first), "number");
		const char *b = web_s(json_array_get(items, last), "number");
		if (count == total)
			snprintf(out, n, "hela mötet");
		else if (last == total - 1)
			snprintf(out, n, "från punkt %s", a);
		else if (first == 0)
			snprintf(out, n, "till och med punkt %s", b);
		else if (first == last)
			snprintf(out, n, "punkt %s", a);
		else
			snprintf(out, n, "punkt %s–%s", a, b);
	} else if (count) {
		size_t len = (size_t)snprintf(out, n, "punkt ");
		for (i = 0; i < total && len < n; i++)
			if (in[i])
				len += (size_t)snprintf(out + len, n - len, "%s%s",
							len > 6 ? ", " : "",
							web_s(json_array_get(items, i), "number"));
	}
	free(in);
}

/* The people of the meeting's seats, each once, in seat order: ids[k] and the seat's index. */
static size_t seat_people(json_t *m, int64_t *ids, size_t *seat, size_t max)
{
	json_t *s;
	size_t i, n = 0;

	json_array_foreach(json_object_get(m, "seats"), i, s) {
		bool dup = false;
		if (web_b(s, "vacant") || n == max)
			continue;
		for (size_t k = 0; k < n; k++)
			dup |= ids[k] == web_i(s, "person_id");
		if (dup)
			continue;
		ids[n] = web_i(s, "person_id");
		seat[n++] = i;
	}
	return n;
}

/* Who is recorded present, with the items where partial, and for the secretary a button to
 * remove an entry (it asks first). */
static void attendance_table(struct web_ctx *w, json_t *m, int64_t id, bool edit)
{
	json_t *p;
	size_t i, n = 0;
	char path[64], where[200];

	json_array_foreach(json_object_get(m, "people"), i, p) {
		json_t *s, *role = NULL;
		size_t k;
		presence_text(m, web_i(p, "id"), where, sizeof(where));
		if (!*where)
			continue;
		if (n++ == 0) {
			html_lit(&w->h,
				 "<table class=\"responsive\">\n<caption>Registrerade som "
				 "närvarande</caption>\n<thead><tr><th scope=\"col\">Namn</th>"
				 "<th scope=\"col\">Part</th><th scope=\"col\">Roll</th>"
				 "<th scope=\"col\">Närvarande</th>");
			if (edit)
				html_lit(&w->h, "<th scope=\"col\">Rätta</th>");
			html_lit(&w->h, "</tr></thead>\n<tbody>\n");
		}
		json_array_foreach(json_object_get(m, "seats"), k, s)
			if (!role && web_i(s, "person_id") == web_i(p, "id"))
				role = s;
		html_f(&w->h,
		       "<tr><th scope=\"row\" data-label=\"Namn\">%s</th>"
		       "<td data-label=\"Part\">%s</td><td data-label=\"Roll\">%s</td>"
		       "<td data-label=\"Närvarande\">%s</td>",
		       web_s(p, "name"), role && *web_s(role, "party") ? web_s(role, "party") : "–",
		       role ? sv(web_s(role, "role")) : "inbjuden", where);
		if (edit) {
			ID_PATH(path, "/styrning/moten/%lld/narvaro", id);
			html_lit(&w->h, "<td data-label=\"Rätta\">");
			web_form(w, path, false);
			html_f(&w->h,
			       "<input type=\"hidden\" name=\"ta-bort\" value=\"%lld\">\n"
			       "<button type=\"submit\" class=\"secondary\">Ta bort <span "
			       "class=\"sr\">närvaron för %s</span></button>\n</form></td>",
			       (long long)web_i(p, "id"), web_s(p, "name"));
		}
		html_lit(&w->h, "</tr>\n");
	}
	if (n)
		html_lit(&w->h, "</tbody>\n</table>\n");
	else
		html_lit(&w->h, "<p>Ingen är registrerad som närvarande än.</p>\n");
}

/* Attendance for many at once: a checkbox per person with a seat in force, each optionally from
 * and until an item. */
static void attendance_form(struct web_ctx *w, json_t *m, int64_t id)
{
	const char *from_opts[2 * 64 + 3], *until_opts[2 * 64 + 3];
	int64_t ids[96];
	size_t seat[96], n = seat_people(m, ids, seat, 96), k, i, o = 0;
	char path[64], numbers[64][8];
	json_t *it;

	from_opts[0] = "";
	from_opts[1] = "mötets början";
	until_opts[0] = "";
	until_opts[1] = "mötets slut";
	json_array_foreach(json_object_get(m, "items"), i, it) {
		if (o == 64)
			break;
		snprintf(numbers[o], sizeof(numbers[o]), "%s", web_s(it, "number"));
		from_opts[2 + 2 * o] = until_opts[2 + 2 * o] = numbers[o];
		from_opts[3 + 2 * o] = until_opts[3 + 2 * o] = numbers[o];
		o++;
	}
	from_opts[2 + 2 * o] = until_opts[2 + 2 * o] = NULL;
	ID_PATH(path, "/styrning/moten/%lld/narvaro", id);
	web_form(w, path, false);
	html_lit(&w->h,
		 "<fieldset class=\"attendance\">\n<legend>Registrera närvaro</legend>\n"
		 "<p class=\"hint\">Markera alla som är närvarande och spara en gång. Den som kom "
		 "senare eller gick tidigare får från och med punkt och till och med punkt. Den "
		 "som redan är registrerad får det du anger nu.</p>\n");
	web_field_error(w, "narvaro");
	for (k = 0; k < n; k++) {
		json_t *s = json_array_get(json_object_get(m, "seats"), seat[k]);
		char box[40], from[40], until[40];
		snprintf(box, sizeof(box), "narvarande-%lld", (long long)ids[k]);
		snprintf(from, sizeof(from), "fran-%lld", (long long)ids[k]);
		snprintf(until, sizeof(until), "till-%lld", (long long)ids[k]);
		html_f(&w->h,
		       "<div class=\"attend-row\" role=\"group\" aria-labelledby=\"%s-namn\">\n"
		       "<div class=\"check\"><input type=\"checkbox\" id=\"%s\" name=\"%s\" "
		       "value=\"1\"%s><label for=\"%s\" id=\"%s-namn\">%s <span "
		       "class=\"role\">(%s%s%s)</span></label></div>\n",
		       box, box, box, web_field(w, box) ? " checked" : "", box, box,
		       person_name(m, ids[k]), sv(web_s(s, "role")), *web_s(s, "party") ? ", " : "",
		       web_s(s, "party"));
		web_select(w, from, "Från punkt", from_opts, NULL);
		web_select(w, until, "Till och med punkt", until_opts, NULL);
		html_lit(&w->h, "</div>\n");
	}
	html_lit(&w->h, "</fieldset>\n");
	web_form_end(w, "Spara närvaron");
}

/* When and how the meeting is held, and whether its notice went out in time. */
static void meeting_when(struct web_ctx *w, json_t *m)
{
	/* "10 december 2026 kl. 09.00–12.00" (html_f has no %.Ns). */
	const char *from = web_s(m, "starts_at"), *until = web_s(m, "ends_at");
	char when[80], start_words[48];
	web_when(start_words, from);
	snprintf(when, sizeof(when), "%s%s%.2s%s%.2s", start_words, *until ? "–" : "",
		 strlen(until) >= 16 ? until + 11 : "", strlen(until) >= 16 ? "." : "",
		 strlen(until) >= 16 ? until + 14 : "");
	html_f(&w->h, "<p>Tid: %s. Mötesform: %s%s%s.</p>\n", when, sv(web_s(m, "form")),
	       *web_s(m, "place") ? ", " : "", web_s(m, "place"));
	json_t *notice = json_object_get(m, "notice");
	if (notice && !web_b(notice, "ok")) {
		if (json_object_get(notice, "days_ahead"))
			html_f(&w->h,
			       "<div class=\"notice refused\"><p><strong>Kallelsen gick ut %lld "
			       "%s före mötet; kallelsen med dagordning ska gå ut minst %lld dagar "
			       "före.</strong></p></div>\n",
			       (long long)web_i(notice, "days_ahead"),
			       web_i(notice, "days_ahead") == 1 ? "dag" : "dagar",
			       (long long)web_i(notice, "days_required"));
		else
			html_f(&w->h,
			       "<p>Ingen kallelse är registrerad; kallelsen med dagordning ska "
			       "gå ut minst %lld dagar före mötet.</p>\n",
			       (long long)web_i(notice, "days_required"));
	}
}

/* How the body's quorum is counted, or that it has no quorum rule. */
static void quorum_rule_text(struct web_ctx *w, json_t *m)
{
	if (web_b(json_object_get(m, "quorum_rule"), "required"))
		html_lit(&w->h,
			 "<p>Beslutsmässigheten räknas per punkt: för varje part ska minst "
			 "hälften av de utsedda representanterna vara närvarande eller ha "
			 "deltagit i avgörandet skriftligt före mötet. De utsedda är partens "
			 "ledamotsplatser, vakanta platser medräknade (till exempel 3 av 5); "
			 "ordförande och vice ordförande räknas inte, inte heller adjungerade, "
			 "sekreterare, försörjare och inbjudna. Skriftligt deltagande som "
			 "lämnats när mötet har börjat räknas inte.</p>\n");
	else
		html_lit(&w->h,
			 "<p>Organet har ingen regel om beslutsmässighet; alla beslut fattas i "
			 "enighet. Antalet deltagande per part visas ändå.</p>\n");
}

/* The secretary's form for an item's outcome, once the meeting has started. */
static void outcome_form(struct web_ctx *w, json_t *it, bool started)
{
	char field[32], path[96];

	snprintf(field, sizeof(field), "utfall-%lld", (long long)web_i(it, "id"));
	if (started) {
		const char *opts[2 * 8 + 1];
		size_t k, n = 0;
		json_t *o;
		json_array_foreach(json_object_get(it, "outcomes"), k, o) {
			if (n == 8)
				break;
			opts[2 * n] = json_string_value(o);
			opts[2 * n + 1] = sv(json_string_value(o));
			n++;
		}
		opts[2 * n] = NULL;
		ID_PATH(path, "/styrning/punkter/%lld/utfall", web_i(it, "id"));
		web_form(w, path, false);
		web_select(w, field, "Utfall", opts, web_s(it, "outcome"));
		web_form_end(w, "Spara utfallet");
	} else {
		web_field_error(w, field);
	}
}

/* What an item says: its type, presenter, text, quorum, written answers, position and outcome. */
static void item_body(struct web_ctx *w, json_t *m, json_t *it)
{
	html_f(&w->h,
	       "<section class=\"card\" aria-labelledby=\"punkt-%lld\">\n"
	       "<h3 id=\"punkt-%lld\">%s. %s</h3>\n<p>%s",
	       (long long)web_i(it, "id"), (long long)web_i(it, "id"), web_s(it, "number"),
	       web_s(it, "title"), sv(web_s(it, "type")));
	if (*web_s(it, "presenter"))
		html_f(&w->h, ". Föredragande: %s", web_s(it, "presenter"));
	html_lit(&w->h, ".</p>\n");
	if (*web_s(it, "text")) {
		html_lit(&w->h, "<div class=\"item-text\">\n");
		paragraphs(w, web_s(it, "text"));
		html_lit(&w->h, "</div>\n");
	}
	html_lit(&w->h, "<p>");
	quorum_text(w, json_object_get(it, "quorum"));
	html_lit(&w->h, "</p>\n");
	written_lists(w, m, it, false);
	written_lists(w, m, it, true);
	if (*web_s(it, "position"))
		html_f(&w->h, "<p><strong>Ställningstagande:</strong> %s</p>\n",
		       web_s(it, "position"));
	if (*web_s(it, "outcome"))
		html_f(&w->h, "<p>Utfall: <strong>%s</strong></p>\n", sv(web_s(it, "outcome")));
}

/* One agenda item as a card, with the forms the caller's role may use on it. */
static void agenda_item(struct web_ctx *w, json_t *m, json_t *it, int64_t id, bool started)
{
	bool secretary = is_secretary(w);

	item_body(w, m, it);
	if (secretary && strcmp(web_s(it, "type"), "decision") == 0 &&
	    strcmp(web_s(it, "outcome"), "decided") == 0)
		html_f(&w->h,
		       "<p><a href=\"/styrning/andringslogg?mote=%lld&amp;arende=%lld#for-in\">"
		       "För in beslutet i ändringsloggen <span class=\"sr\">(punkt %s)</span>"
		       "</a></p>\n",
		       (long long)id, (long long)web_i(it, "id"), web_s(it, "number"));
	if (secretary) {
		outcome_form(w, it, started);
		if (strcmp(web_s(it, "type"), "decision") == 0)
			written_form(w, m, it);
	} else if (strcmp(w->role, "member") == 0 && strcmp(web_s(it, "type"), "decision") == 0) {
		member_written(w, m, it, started);
	}
	html_lit(&w->h, "</section>\n");
}

/* Who attends: what was just saved or removed, the table, and the secretary's form. */
static void attendance_section(struct web_ctx *w, json_t *m, int64_t id, unsigned status,
			       bool started)
{
	bool secretary = is_secretary(w);

	html_lit(&w->h, "<h2 id=\"narvaro-rubrik\">Närvaro</h2>\n");
	if (web_query(w, "narvaro") && status == 200) {
		long long n = strtoll(web_query(w, "narvaro"), NULL, 10);
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>Närvaron är sparad för "
		       "%lld %s.</strong></p></div>\n",
		       n, n == 1 ? "person" : "personer");
	}
	if (web_query(w, "borttagen") && status == 200)
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>Närvaron för %s är "
		       "borttagen.</strong></p></div>\n",
		       person_name(m, strtoll(web_query(w, "borttagen"), NULL, 10)));
	attendance_table(w, m, id, secretary && started);
	if (secretary && started)
		attendance_form(w, m, id);
	else if (secretary)
		html_lit(&w->h, "<p>Närvaron registreras när mötet har börjat.</p>\n");
}

/* The seats on the day of the meeting and who holds them. */
static void meeting_seats(struct web_ctx *w, json_t *m)
{
	json_t *s;
	size_t i;

	html_lit(&w->h, "<h2>Platser</h2>\n<table class=\"responsive\">\n<caption>Platserna på "
			"mötesdagen</caption>\n<thead><tr><th scope=\"col\">Roll</th>"
			"<th scope=\"col\">Part</th><th scope=\"col\">Representerar</th>"
			"<th scope=\"col\">Innehavare</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(m, "seats"), i, s)
		html_f(&w->h,
		       "<tr><td data-label=\"Roll\">%s</td><td data-label=\"Part\">%s</td>"
		       "<td data-label=\"Representerar\">%s</td><td data-label=\"Innehavare\">%s"
		       "</td></tr>\n",
		       sv(web_s(s, "role")), web_s(s, "party"), web_s(s, "title"),
		       web_b(s, "vacant") ? "vakant" : person_name(m, web_i(s, "person_id")));
	html_lit(&w->h, "</tbody>\n</table>\n");
}

static int meeting_page(struct web_ctx *w, int64_t id, unsigned status)
{
	json_t *m = NULL, *it;
	char path[96], title[200];
	bool started, secretary = is_secretary(w);
	size_t i;

	ID_PATH(path, "/api/meetings/%lld", id);
	if (web_api(w, "GET", path, NULL, NULL, &m) != 200) {
		json_decref(m);
		return web_message(w, 404, "Mötet finns inte",
				   "Mötet finns inte eller är inte ditt organs.");
	}
	started = web_b(m, "started");
	snprintf(title, sizeof(title), "%s %.10s", web_s(json_object_get(m, "body"), "name"),
		 web_s(m, "starts_at"));
	web_begin(w, title);
	meeting_when(w, m);
	if (web_query(w, "skriftligt") && status == 200)
		html_lit(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>Ditt svar är "
				"registrerat.</strong></p></div>\n");
	quorum_rule_text(w, m);
	ID_PATH(path, "/styrning/moten/%lld", id);
	html_f(&w->h,
	       "<p><a href=\"%s\">Uppdatera beslutsmässigheten</a> (räknas om med den närvaro "
	       "som registrerats hittills).</p>\n<h2>Dagordning</h2>\n",
	       path);
	if (!started)
		html_f(&w->h,
		       "<p>Mötet har inte börjat. Underlaget finns under varje punkt.%s</p>\n",
		       secretary ? " Närvaro och utfall registreras när mötet har börjat." : "");
	json_array_foreach(json_object_get(m, "items"), i, it)
		agenda_item(w, m, it, id, started);
	attendance_section(w, m, id, status, started);
	meeting_seats(w, m);
	if (secretary) {
		item_form(w, id);
		if (started) {
			ID_PATH(path, "/styrning/moten/%lld/anteckningar", id);
			web_form(w, path, false);
			web_form_end(w, "Skapa mötesanteckningar");
		}
	}
	ID_PATH(path, "/styrning/moten/%lld/anteckningar", id);
	html_f(&w->h, "<p><a href=\"%s\">Mötesanteckningar och godkännande</a></p>\n", path);
	json_decref(m);
	return web_end(w, status);
}

int page_governance_meeting(struct web_ctx *w)
{
	/* The quorum is computed at every load. The page does not reload itself (a timed refresh
	 * takes the reader's place away, WCAG 2.2.1); it offers a link to do so. */
	return meeting_page(w, w->id[0], 200);
}

/* The meeting an agenda item belongs to, found through the meetings the caller sees. */
static int64_t item_meeting(struct web_ctx *w, int64_t item)
{
	json_t *ms = NULL, *m, *full, *it;
	size_t i, k;
	int64_t found = 0;
	char path[64];

	if (web_api(w, "GET", "/api/meetings", NULL, NULL, &ms) != 200) {
		json_decref(ms);
		return 0;
	}
	json_array_foreach(json_object_get(ms, "meetings"), i, m) {
		full = NULL;
		ID_PATH(path, "/api/meetings/%lld", web_i(m, "id"));
		if (web_api(w, "GET", path, NULL, NULL, &full) == 200)
			json_array_foreach(json_object_get(full, "items"), k, it)
				if (web_i(it, "id") == item)
					found = web_i(m, "id");
		json_decref(full);
		if (found)
			break;
	}
	json_decref(ms);
	return found;
}

/* map: the API's fields to the form's (NULL: the problem's field names the outcome's). */
static int after_item_post(struct web_ctx *w, int status, json_t *out, const char *field,
			   const char *const *map)
{
	int64_t meeting = item_meeting(w, w->id[0]);
	char path[64];

	if (status != 200) {
		const char *outcome_map[] = { "outcome", field, "person_id", field, NULL };
		web_problem(w, out, map ? map : outcome_map);
		json_decref(out);
		return meeting ? meeting_page(w, meeting, status >= 400 ? (unsigned)status : 422)
			       : web_message(w, 404, "Ärendet finns inte", "Ärendet finns inte.");
	}
	json_decref(out);
	ID_PATH(path, "/styrning/moten/%lld", meeting);
	return web_redirect(w, path);
}

int page_governance_outcome_post(struct web_ctx *w)
{
	char field[32], path[64];
	const char *v;
	json_t *out = NULL;

	snprintf(field, sizeof(field), "utfall-%lld", (long long)w->id[0]);
	v = web_field(w, field);
	ID_PATH(path, "/api/agenda-items/%lld/outcome", w->id[0]);
	int status =
		web_api(w, "POST", path, NULL, json_pack("{s:s}", "outcome", v ? v : ""), &out);
	return after_item_post(w, status, out, field, NULL);
}

int page_governance_written_post(struct web_ctx *w)
{
	char field[32], person[40], given[40], stance[40], path[64];
	json_t *body, *out = NULL;
	const char *st;
	int status;

	snprintf(field, sizeof(field), "skriftligt-%lld", (long long)w->id[0]);
	snprintf(person, sizeof(person), "skriftligt-person-%lld", (long long)w->id[0]);
	snprintf(given, sizeof(given), "skriftligt-lamnat-%lld", (long long)w->id[0]);
	snprintf(stance, sizeof(stance), "skriftligt-stallning-%lld", (long long)w->id[0]);
	/* The member takes part now; the secretary records someone's, with when it was given. */
	const char *member_map[] = { "", field, "person_id", field, "stance", field, NULL };
	const char *secretary_map[] = { "person_id", person, "given_at", given, "stance",
					stance,	     "",     given,	 NULL };
	if (is_secretary(w)) {
		const char *p = web_field(w, person), *g = web_field(w, given);
		body = json_pack("{s:I}", "person_id", (json_int_t)(p ? strtoll(p, NULL, 10) : 0));
		if (g && *g)
			json_object_set_new(body, "given_at", json_string(g));
		st = web_field(w, stance);
	} else {
		body = json_object();
		st = web_field(w, "stance");
	}
	if (st && *st)
		json_object_set_new(body, "stance", json_string(st));
	ID_PATH(path, "/api/agenda-items/%lld/written", w->id[0]);
	status = web_api(w, "POST", path, NULL, body, &out);
	if (status == 200 && !is_secretary(w)) {
		/* The member is told it was registered, at the item they answered. */
		int64_t meeting = item_meeting(w, w->id[0]);
		char to[96];
		json_decref(out);
		snprintf(to, sizeof(to), "/styrning/moten/%lld?skriftligt=1#punkt-%lld",
			 (long long)meeting, (long long)w->id[0]);
		return web_redirect(w, to);
	}
	return after_item_post(w, status, out, field, is_secretary(w) ? secretary_map : member_map);
}

/* Removing a person's attendance asks first (no JavaScript: a page of its own). */
static int attendance_remove(struct web_ctx *w, int64_t person)
{
	json_t *m = NULL, *out = NULL;
	char path[96], title[200];
	const char *name;
	int status;

	ID_PATH(path, "/api/meetings/%lld", w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &m) != 200) {
		json_decref(m);
		return web_message(w, 404, "Mötet finns inte",
				   "Mötet finns inte eller är inte ditt organs.");
	}
	name = person_name(m, person);
	if (!*name) {
		json_decref(m);
		return web_message(w, 404, "Personen finns inte", "Personen finns inte på mötet.");
	}
	if (!web_field(w, "bekraftad")) {
		char where[200];
		presence_text(m, person, where, sizeof(where));
		snprintf(title, sizeof(title), "Ta bort närvaron för %s?", name);
		web_begin(w, title);
		html_f(&w->h,
		       "<p>%s är registrerad som närvarande: %s. Om du tar bort närvaron räknas "
		       "hen inte längre som deltagande, och beslutsmässigheten räknas om.</p>\n"
		       "<div class=\"confirm-actions\">\n",
		       name, *where ? where : "inga punkter");
		ID_PATH(path, "/styrning/moten/%lld/narvaro", w->id[0]);
		web_form(w, path, false);
		html_f(&w->h,
		       "<input type=\"hidden\" name=\"ta-bort\" value=\"%lld\">\n"
		       "<input type=\"hidden\" name=\"bekraftad\" value=\"1\">\n"
		       "<button type=\"submit\" class=\"secondary\">Ja, ta bort närvaron</button>\n"
		       "</form>\n<p><a class=\"button\" href=\"/styrning/moten/%lld#narvaro-rubrik\">"
		       "Nej, behåll den</a></p>\n</div>\n",
		       (long long)person, (long long)w->id[0]);
		json_decref(m);
		return web_end(w, 200);
	}
	json_decref(m);
	ID_PATH(path, "/api/meetings/%lld/attendance", w->id[0]);
	status = web_api(w, "PUT", path, NULL,
			 json_pack("{s:I, s:s}", "person_id", (json_int_t)person, "items", "none"),
			 &out);
	if (status != 200) {
		web_problem(w, out, NULL);
		json_decref(out);
		return meeting_page(w, w->id[0], status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/styrning/moten/%lld?borttagen=%lld#narvaro-rubrik",
		 (long long)w->id[0], (long long)person);
	return web_redirect(w, path);
}

/* Attendance of everyone ticked, in one call; a refusal names the person's field. */
int page_governance_attendance_post(struct web_ctx *w)
{
	const char *remove = web_field(w, "ta-bort");
	json_t *m = NULL, *people, *out = NULL;
	const char *map[3 * 96 * 2 + 1];
	char keys[96][3][2][40];
	int64_t ids[96];
	size_t seat[96], n, k, nm = 0, entries = 0;
	char path[96];
	int status;

	if (remove && *remove)
		return attendance_remove(w, strtoll(remove, NULL, 10));
	ID_PATH(path, "/api/meetings/%lld", w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &m) != 200) {
		json_decref(m);
		return web_message(w, 404, "Mötet finns inte",
				   "Mötet finns inte eller är inte ditt organs.");
	}
	n = seat_people(m, ids, seat, 96);
	json_decref(m);
	people = json_array();
	for (k = 0; k < n; k++) {
		char box[40];
		const char *f, *u;
		snprintf(box, sizeof(box), "narvarande-%lld", (long long)ids[k]);
		if (!web_field(w, box))
			continue;
		snprintf(keys[k][0][1], 40, "fran-%lld", (long long)ids[k]);
		snprintf(keys[k][1][1], 40, "till-%lld", (long long)ids[k]);
		snprintf(keys[k][2][1], 40, "%s", box);
		snprintf(keys[k][0][0], 40, "people[%zu].from", entries);
		snprintf(keys[k][1][0], 40, "people[%zu].until", entries);
		snprintf(keys[k][2][0], 40, "people[%zu].person_id", entries);
		for (int j = 0; j < 3; j++) {
			map[nm++] = keys[k][j][0];
			map[nm++] = keys[k][j][1];
		}
		json_t *e = json_pack("{s:I}", "person_id", (json_int_t)ids[k]);
		if ((f = web_field(w, keys[k][0][1])) && *f)
			json_object_set_new(e, "from", json_string(f));
		if ((u = web_field(w, keys[k][1][1])) && *u)
			json_object_set_new(e, "until", json_string(u));
		json_array_append_new(people, e);
		entries++;
	}
	map[nm] = NULL;
	if (!entries) {
		json_decref(people);
		web_error(w, "narvaro", "Markera minst en person som är närvarande.");
		return meeting_page(w, w->id[0], 400);
	}
	ID_PATH(path, "/api/meetings/%lld/attendance", w->id[0]);
	status = web_api(w, "PUT", path, NULL, json_pack("{s:o}", "people", people), &out);
	if (status != 200) {
		web_problem(w, out, map);
		json_decref(out);
		return meeting_page(w, w->id[0], status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/styrning/moten/%lld?narvaro=%zu#narvaro-rubrik",
		 (long long)w->id[0], entries);
	return web_redirect(w, path);
}

/* Whether an item is only the heading of a group ("6" above "6b"): nothing is decided under it,
 * and the minutes do not count attendance for it. */
static bool group_heading(json_t *m, json_t *item)
{
	const char *n = web_s(item, "number");
	size_t len = strlen(n), i;
	json_t *it;

	if (!len || strspn(n, "0123456789") != len)
		return false;
	json_array_foreach(json_object_get(m, "items"), i, it) {
		const char *o = web_s(it, "number");
		if (strncmp(o, n, len) == 0 && o[len] >= 'a' && o[len] <= 'z')
			return true;
	}
	return false;
}

/* Quorum per agenda item beside the minutes, for those who approve them: each party's "3 av 5". */
static void quorum_table(struct web_ctx *w, int64_t meeting)
{
	json_t *m = NULL, *it, *v, *first;
	const char *party;
	char path[64];
	size_t i;
	bool rule;

	ID_PATH(path, "/api/meetings/%lld", meeting);
	if (web_api(w, "GET", path, NULL, NULL, &m) != 200 ||
	    !(first = json_array_get(json_object_get(m, "items"), 0))) {
		json_decref(m);
		return;
	}
	rule = web_b(json_object_get(m, "quorum_rule"), "required");
	html_f(&w->h,
	       "<h2>Beslutsmässighet per punkt</h2>\n<p>%s</p>\n"
	       "<table class=\"responsive\">\n<caption>Utsedda representanter som deltog, "
	       "per part och punkt</caption>\n<thead><tr><th scope=\"col\">Punkt</th>",
	       rule ? "Minst hälften av varje parts ledamotsplatser, vakanta medräknade, ska ha "
		      "deltagit: närvarande eller skriftligt före mötet."
		    : "Organet har ingen regel om beslutsmässighet; deltagandet visas ändå.");
	json_object_foreach(json_object_get(json_object_get(first, "quorum"), "parties"), party, v)
		html_f(&w->h, "<th scope=\"col\">%s</th>", party);
	if (rule)
		html_lit(&w->h, "<th scope=\"col\">Beslutsmässigt</th>");
	html_lit(&w->h, "<th scope=\"col\">Utfall</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(m, "items"), i, it) {
		json_t *q = json_object_get(it, "quorum");
		if (group_heading(m, it))
			continue;
		html_f(&w->h, "<tr><th scope=\"row\" data-label=\"Punkt\">%s. %s</th>",
		       web_s(it, "number"), web_s(it, "title"));
		json_object_foreach(json_object_get(q, "parties"), party, v) {
			html_f(&w->h, "<td data-label=\"%s\">%lld av %lld", party,
			       (long long)web_i(v, "counted"), (long long)web_i(v, "appointed"));
			if (rule && web_i(v, "lacking"))
				html_f(&w->h, ", saknar %lld", (long long)web_i(v, "lacking"));
			html_lit(&w->h, "</td>");
		}
		if (rule)
			html_f(&w->h,
			       "<td data-label=\"Beslutsmässigt\"><span class=\"%s\">%s</span></td>",
			       web_b(q, "quorate") ? "ok" : "warn",
			       web_b(q, "quorate") ? "ja" : "nej");
		html_f(&w->h, "<td data-label=\"Utfall\">%s</td></tr>\n",
		       *web_s(it, "outcome") ? sv(web_s(it, "outcome")) : "–");
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(m);
}

/* Approving a version: the secretary records the approval of someone whose approval counts and
 * how it was given; a member sees the button only where their own approval counts. */
static void approval_form(struct web_ctx *w, json_t *mn, json_t *full)
{
	static const char *const hows[] = {
		"at_meeting", "muntligt på mötet", "email", "via e-post", "signed", "signerat", NULL
	};
	int64_t me = web_i(json_object_get(w->me, "user"), "person_id"), mid = web_i(mn, "id");
	json_t *approvers = json_object_get(full, "approvers"), *a;
	char path[64], person[40], how[40];
	size_t k;

	ID_PATH(path, "/styrning/anteckningar/%lld/godkann", mid);
	if (is_secretary(w)) {
		const char *opts[2 * 32 + 1];
		char ids[32][24], names[32][200];
		size_t n = 0;
		if (!json_array_size(approvers))
			return;
		json_array_foreach(approvers, k, a) {
			const char *as = web_s(a, "as");
			if (n == 32)
				break;
			snprintf(ids[n], sizeof(ids[n]), "%lld", (long long)web_i(a, "person_id"));
			snprintf(names[n], sizeof(names[n]), "%s (%s%s%s)", web_s(a, "name"),
				 strcmp(as, "chair") == 0	  ? "ordförande"
				 : strcmp(as, "other_party") == 0 ? "ledamot från den andra parten"
								  : sv(web_s(a, "role")),
				 *web_s(a, "party") ? ", " : "", web_s(a, "party"));
			opts[2 * n] = ids[n];
			opts[2 * n + 1] = names[n];
			n++;
		}
		opts[2 * n] = NULL;
		snprintf(person, sizeof(person), "godkant-av-%lld", (long long)mid);
		snprintf(how, sizeof(how), "godkant-hur-%lld", (long long)mid);
		html_lit(&w->h,
			 "<h3>Registrera ett godkännande</h3>\n<p>Registrera godkännandet för "
			 "den som har godkänt anteckningarna, och hur det lämnades.</p>\n");
		web_form(w, path, false);
		web_select(w, person, "Godkänt av", opts, NULL);
		web_select(w, how, "Hur godkännandet lämnades", hows, NULL);
		web_form_end(w, "Registrera godkännandet");
		return;
	}
	json_array_foreach(approvers, k, a)
		if (me && web_i(a, "person_id") == me) {
			web_form(w, path, false);
			web_form_end(w, "Godkänn mötesanteckningarna");
			return;
		}
	html_lit(&w->h, "<p>Ditt godkännande behövs inte för den här versionen; den godkänns av "
			"dem som står ovan.</p>\n");
}

static int minutes_page(struct web_ctx *w, unsigned status);

int page_governance_minutes(struct web_ctx *w)
{
	return minutes_page(w, 200);
}

static int minutes_page(struct web_ctx *w, unsigned status)
{
	json_t *list = NULL, *mn, *full, *a;
	char path[96];
	size_t i, k;

	ID_PATH(path, "/api/meetings/%lld/minutes", w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &list) != 200) {
		json_decref(list);
		return web_message(w, 404, "Mötet finns inte",
				   "Mötet finns inte eller är inte ditt organs.");
	}
	web_begin(w, "Mötesanteckningar");
	ID_PATH(path, "/styrning/moten/%lld", w->id[0]);
	html_f(&w->h, "<p><a href=\"%s\">Till mötet</a></p>\n", path);
	if (json_array_size(json_object_get(list, "minutes")) == 0)
		html_lit(&w->h, "<p>Inga mötesanteckningar har skapats än.</p>\n");
	json_array_foreach(json_object_get(list, "minutes"), i, mn) {
		full = NULL;
		ID_PATH(path, "/api/minutes/%lld", web_i(mn, "id"));
		if (web_api(w, "GET", path, NULL, NULL, &full) != 200) {
			json_decref(full);
			continue;
		}
		html_f(&w->h, "<section class=\"card\"><h2>Version %lld</h2>\n",
		       (long long)web_i(mn, "version"));
		char at[48];
		web_when(at, web_s(full, "approved_at"));
		if (*web_s(full, "approved_at"))
			html_f(&w->h,
			       "<p>Godkänd %s; kan inte ändras (en rättelse blir en ny "
			       "version).</p>\n",
			       at);
		web_when(at, web_s(full, "published_at"));
		if (*web_s(full, "published_at"))
			html_f(&w->h, "<p>Publicerad %s.</p>\n", at);
		else if (*web_s(full, "approved_at"))
			html_lit(&w->h, "<p>Inte publicerad än.</p>\n");
		if (web_query(w, "godkand") &&
		    web_i(mn, "id") == strtoll(web_query(w, "godkand"), NULL, 10))
			html_lit(&w->h,
				 "<div class=\"notice\" role=\"status\"><p><strong>Godkännandet "
				 "är registrerat.</strong></p></div>\n");
		json_array_foreach(json_object_get(full, "approvals"), k, a) {
			const char *as = web_s(a, "as"), *how = web_s(a, "how");
			web_when(at, web_s(a, "approved_at"));
			html_f(&w->h, "<p>Godkänd av %s%s%s%s %s%s%s%s</p>\n", web_s(a, "name"),
			       *as ? " (" : "",
			       strcmp(as, "chair") == 0		? "ordförande"
			       : strcmp(as, "other_party") == 0 ? "ledamot från den andra parten"
			       : strcmp(as, "secretary") == 0	? "sekreterare"
								: "",
			       *as ? ")" : "", at,
			       strcmp(how, "at_meeting") == 0 ? ", muntligt på mötet"
			       : strcmp(how, "email") == 0    ? ", via e-post"
			       : strcmp(how, "signed") == 0   ? ", signerat"
							      : "",
			       *how ? " (registrerat av sekreteraren)" : "",
			       web_b(a, "counts") ? "" : ". Räknas inte enligt organets regel.");
		}
		if (json_array_size(json_object_get(full, "missing_approvals"))) {
			html_lit(&w->h, "<p>Ska godkännas av: ");
			json_array_foreach(json_object_get(full, "missing_approvals"), k, a)
				html_f(&w->h, "%s%s", k ? ", " : "", json_string_value(a));
			html_lit(&w->h, "</p>\n");
			approval_form(w, mn, full);
		}
		html_f(&w->h,
		       "<p><a href=\"/api/minutes/%lld/document\">Läs mötesanteckningarna</a>"
		       " · <a href=\"/api/minutes/%lld/pdf\">PDF</a></p>\n</section>\n",
		       (long long)web_i(mn, "id"), (long long)web_i(mn, "id"));
		json_decref(full);
	}
	json_decref(list);
	quorum_table(w, w->id[0]);
	return web_end(w, status);
}

int page_governance_minutes_post(struct web_ctx *w)
{
	json_t *out = NULL;
	char path[64];
	int status;

	ID_PATH(path, "/api/meetings/%lld/minutes", w->id[0]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	json_decref(out);
	if (status != 200 && status != 201)
		return web_message(w, (unsigned)status, "Mötesanteckningarna kunde inte skapas",
				   "Försök igen.");
	ID_PATH(path, "/styrning/moten/%lld/anteckningar", w->id[0]);
	return web_redirect(w, path);
}

int page_governance_approve_post(struct web_ctx *w)
{
	char person[40], how[40], path[96];
	json_t *out = NULL, *mn = NULL, *body = json_object();
	const char *p, *h;
	int status;

	snprintf(person, sizeof(person), "godkant-av-%lld", (long long)w->id[0]);
	snprintf(how, sizeof(how), "godkant-hur-%lld", (long long)w->id[0]);
	const char *map[] = { "person_id", person, "how", how, "", person, NULL };
	if (is_secretary(w)) {
		p = web_field(w, person);
		h = web_field(w, how);
		json_object_set_new(body, "person_id", json_integer(p ? strtoll(p, NULL, 10) : 0));
		if (h && *h)
			json_object_set_new(body, "how", json_string(h));
	}
	ID_PATH(path, "/api/minutes/%lld/approve", w->id[0]);
	status = web_api(w, "POST", path, NULL, body, &out);
	ID_PATH(path, "/api/minutes/%lld", w->id[0]);
	if (web_api(w, "GET", path, NULL, NULL, &mn) != 200) {
		json_decref(out);
		json_decref(mn);
		return web_message(w, 404, "Mötesanteckningarna finns inte",
				   "Mötesanteckningarna finns inte eller är inte ditt organs.");
	}
	int64_t meeting = web_i(mn, "meeting_id");
	json_decref(mn);
	if (status != 200) {
		web_problem(w, out, map);
		json_decref(out);
		w->id[0] = meeting;
		return minutes_page(w, status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/styrning/moten/%lld/anteckningar?godkand=%lld",
		 (long long)meeting, (long long)w->id[0]);
	return web_redirect(w, path);
}

/* The decision item a rule change is entered from (?mote=M&arende=I, the link on the meeting page):
 * its meeting's day, body and title fill the form, and the entry cites the item. */
static void change_log_form(struct web_ctx *w)
{
	const char *meeting = web_field(w, "mote"), *item = web_field(w, "arende");
	const char *day = NULL, *body = NULL, *title = NULL;
	char path[48], date[11] = "";
	json_t *m = NULL, *it;
	size_t i;

	html_lit(&w->h,
		 "<h2 id=\"for-in\">För in ett beslut</h2>\n<p>Ett beslut som ändrar en regel "
		 "som systemet tillämpar får en regel och ett datum då den börjar gälla. "
		 "Beställningar från det datumet följer den nya regeln, utan omstart. En "
		 "regeländring förs in från beslutspunkten på mötessidan (”För in beslutet i "
		 "ändringsloggen”), så att posten hänvisar till beslutet.</p>\n");
	if (meeting && item) {
		snprintf(path, sizeof(path), "/api/meetings/%lld", strtoll(meeting, NULL, 10));
		if (web_api(w, "GET", path, NULL, NULL, &m) == 200)
			json_array_foreach(json_object_get(m, "items"), i, it)
				if (web_i(it, "id") == strtoll(item, NULL, 10)) {
					snprintf(date, sizeof(date), "%s", web_s(m, "starts_at"));
					day = date;
					body = web_s(json_object_get(m, "body"), "name");
					title = web_s(it, "title");
					html_f(&w->h,
					       "<p class=\"notice\">Beslutet i punkt %s, ”%s”, vid "
					       "mötet %s med %s.</p>\n",
					       web_s(it, "number"), title, date, body);
				}
	}
	web_form(w, "/styrning/andringslogg#for-in", false);
	if (day) {
		html_f(&w->h,
		       "<input type=\"hidden\" name=\"mote\" value=\"%s\">\n"
		       "<input type=\"hidden\" name=\"arende\" value=\"%s\">\n",
		       meeting, item);
	}
	web_input(w, "beslutad", "Beslutsdatum", "date", web_field(w, "beslutad") ? NULL : day,
		  true, NULL);
	web_input(w, "galler", "Gäller från", "date", NULL, false, "Tomt: från beslutsdagen.");
	web_input(w, "organ", "Beslutande organ", "text", web_field(w, "organ") ? NULL : body, true,
		  NULL);
	web_input(w, "rubrik", "Rubrik (specifikation och avsnitt)", "text",
		  web_field(w, "rubrik") ? NULL : title, true, NULL);
	/* Not "avsnitt": the form that shows a section's text beside it has that field. */
	web_input(w, "beslutsavsnitt", "Avsnitt", "text", NULL, false, "Till exempel B3:1");
	web_textarea(w, "ursprunglig", "Ursprunglig text", false, NULL);
	web_textarea(w, "ny", "Ny text", false, NULL);
	web_param_select(w, "parameter", "Regel som ändras", "Ingen (bara texten ändras)");
	web_input(w, "varde", "Nytt värde", "text", NULL, false, "Till exempel 3");
	web_form_end(w, "För in beslutet");
	json_decref(m);
}

static int change_log_page(struct web_ctx *w, unsigned status)
{
	const char *section = web_query(w, "avsnitt"), *from = web_query(w, "fran");
	const char *to = web_query(w, "till");
	json_t *log = NULL, *e, *d = NULL, *s;
	size_t i;

	if (web_api(w, "GET", "/api/change-log", NULL, NULL, &log) != 200) {
		json_decref(log);
		return web_message(w, 500, "Ändringsloggen kunde inte visas", "Försök igen.");
	}
	if (section && *section) {
		const char *q[] = { "section", section, "from", from && *from ? from : NULL,
				    NULL,      NULL,	NULL };
		const char *map[] = { "section", "avsnitt", "from", "fran", "to", "till", NULL };
		size_t n = 2;
		if (from && *from)
			n = 4;
		q[n] = to && *to ? "to" : NULL;
		q[n + 1] = to && *to ? to : NULL;
		if (web_api(w, "GET", "/api/specification/diff", q, NULL, &d) != 200) {
			web_problem(w, d, map);
			json_decref(d);
			d = NULL;
		}
	}
	web_begin(w, "Ändringslogg");
	html_lit(&w->h,
		 "<table class=\"responsive\">\n<caption>Beslut som ändrat specifikationerna"
		 "</caption>\n<thead><tr><th scope=\"col\">Beslutad</th><th scope=\"col\">Organ"
		 "</th><th scope=\"col\">Rubrik</th><th scope=\"col\">Avsnitt</th>"
		 "<th scope=\"col\">Gäller från</th><th scope=\"col\">Regler</th></tr></thead>\n"
		 "<tbody>\n");
	json_array_foreach(json_object_get(log, "entries"), i, e)
		html_f(&w->h,
		       "<tr><td data-label=\"Beslutad\">%s</td><td data-label=\"Organ\">%s</td>"
		       "<td data-label=\"Rubrik\">%s</td><td data-label=\"Avsnitt\">"
		       "<a href=\"/styrning/andringslogg?avsnitt=%s\">%s</a></td>"
		       "<td data-label=\"Gäller från\">%s</td><td data-label=\"Regler\">%s</td>"
		       "</tr>\n",
		       web_s(e, "decided_on"), web_s(e, "body"), web_s(e, "heading"),
		       web_s(e, "section"), web_s(e, "section"), web_s(e, "effective_on"),
		       *web_s(e, "rules") ? "nya parameterversioner"
					  : (web_b(e, "rules_in_files") ? "i regelfilerna" : "–"));
	html_lit(&w->h, "</tbody>\n</table>\n<h2>Specifikationen på ett datum</h2>\n"
			"<form method=\"get\" action=\"/styrning/andringslogg\">\n");
	web_input(w, "avsnitt", "Avsnitt", "text", section, true, "Till exempel B3:3");
	web_input(w, "fran", "Jämför texten som gällde den", "date", from, false, NULL);
	web_input(w, "till", "med texten som gällde den", "date", to, false, "Tomt: i dag.");
	html_lit(&w->h, "<button type=\"submit\">Visa skillnaden</button>\n</form>\n");
	if (d) {
		json_t *a = json_object_get(d, "from"), *b = json_object_get(d, "to");
		html_f(&w->h,
		       "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
		       "aria-label=\"Texterna sida vid sida\">\n"
		       "<table class=\"diff\">\n<caption>%s: texten %s och %s sida vid sida"
		       "</caption>\n<thead><tr><th scope=\"col\">Gällde %s</th>"
		       "<th scope=\"col\">Gällde %s</th></tr></thead>\n<tbody><tr><td>",
		       web_s(d, "section"), web_s(a, "on"), web_s(b, "on"), web_s(a, "on"),
		       web_s(b, "on"));
		json_array_foreach(json_object_get(d, "diff"), i, s) {
			if (strcmp(web_s(s, "op"), "same") == 0)
				html_text(&w->h, web_s(s, "text"));
			else if (strcmp(web_s(s, "op"), "del") == 0)
				html_f(&w->h, "<del>%s</del>", web_s(s, "text"));
		}
		html_lit(&w->h, "</td><td>");
		json_array_foreach(json_object_get(d, "diff"), i, s) {
			if (strcmp(web_s(s, "op"), "same") == 0)
				html_text(&w->h, web_s(s, "text"));
			else if (strcmp(web_s(s, "op"), "add") == 0)
				html_f(&w->h, "<ins>%s</ins>", web_s(s, "text"));
		}
		html_lit(&w->h, "</td></tr></tbody>\n</table>\n</div>\n");
		json_decref(d);
	}
	if (is_secretary(w))
		change_log_form(w);
	json_decref(log);
	return web_end(w, status);
}

int page_governance_change_log(struct web_ctx *w)
{
	return change_log_page(w, 200);
}

int page_governance_change_log_post(struct web_ctx *w)
{
	const char *map[] = { "decided_on",	"beslutad",   "effective_on",
			      "galler",		"body",	      "organ",
			      "heading",	"rubrik",     "section",
			      "beslutsavsnitt", "parameters", "parameter",
			      "item_id",	"parameter",  NULL };
	const char *names[][2] = { { "decided_on", "beslutad" },
				   { "effective_on", "galler" },
				   { "body", "organ" },
				   { "heading", "rubrik" },
				   { "section", "beslutsavsnitt" },
				   { "original_text", "ursprunglig" },
				   { "new_text", "ny" } };
	const char *param = web_field(w, "parameter"), *value = web_field(w, "varde");
	json_t *body = json_object(), *out = NULL;
	int status;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = web_field(w, names[i][1]);
		if (v && *v)
			json_object_set_new(body, names[i][0], json_string(v));
	}
	if (param && *param) {
		if (!value || !*value) {
			json_decref(body);
			web_error(w, "varde", "Ange regelns nya värde.");
			return change_log_page(w, 400);
		}
		json_object_set_new(body, "parameters", json_pack("{s:s}", param, value));
	}
	if (web_field(w, "arende") && strtoll(web_field(w, "arende"), NULL, 10) > 0)
		json_object_set_new(body, "item_id",
				    json_integer(strtoll(web_field(w, "arende"), NULL, 10)));
	status = web_api(w, "POST", "/api/change-log", NULL, body, &out);
	if (status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return change_log_page(w, status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	return web_redirect(w, "/styrning/andringslogg");
}

/* The options of a <select> (web_select) from a list of objects with "id" and "name": at most max
 * of them, ids written in ids; opts needs 2 * max + 1 places. Returns how many. */
static size_t id_name_options(json_t *list, const char **opts, char (*ids)[24], size_t max)
{
	json_t *o;
	size_t i, n = 0;

	json_array_foreach(list, i, o) {
		if (n == max)
			break;
		snprintf(ids[n], sizeof(ids[n]), "%lld", (long long)web_i(o, "id"));
		opts[2 * n] = ids[n];
		opts[2 * n + 1] = web_s(o, "name");
		n++;
	}
	opts[2 * n] = NULL;
	return n;
}

/* A body's seats with who holds them and for which term; the secretary fills a vacant seat and
 * ends a term (asked first). */
static void seats_section(struct web_ctx *w, int64_t body)
{
	json_t *b = NULL, *people = NULL, *s;
	char path[64], when[48], to[48];
	const char *opts[2 * 200 + 1];
	char ids[200][24];
	size_t i, n = 0;

	ID_PATH(path, "/api/bodies/%lld", body);
	if (web_api(w, "GET", path, NULL, NULL, &b) != 200) {
		json_decref(b);
		return;
	}
	opts[0] = NULL;
	if (is_secretary(w) && web_api(w, "GET", "/api/people", NULL, NULL, &people) == 200)
		n = id_name_options(json_object_get(people, "people"), opts, ids, 200);
	web_when(when, web_s(b, "on"));
	html_f(&w->h, "<h2 id=\"platser\">Platser och mandatperioder</h2>\n");
	if (web_query(w, "mandat")) {
		const char *what = web_query(w, "mandat");
		html_f(&w->h,
		       "<div class=\"notice\" role=\"status\"><p><strong>%s</strong></p></div>\n",
		       strcmp(what, "avslutat") == 0 ? "Mandatperioden är avslutad."
						     : "Platsen är tillsatt.");
	}
	html_f(&w->h,
	       "<table class=\"responsive seats\">\n<caption>Platserna den %s</caption>\n"
	       "<thead><tr><th scope=\"col\">Roll</th><th scope=\"col\">Part</th>"
	       "<th scope=\"col\">Representerar</th><th scope=\"col\">Innehavare</th>"
	       "<th scope=\"col\">Mandatperiod</th>",
	       when);
	if (is_secretary(w))
		html_lit(&w->h, "<th scope=\"col\">Ändra</th>");
	html_lit(&w->h, "</tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(b, "seats"), i, s) {
		json_t *h = json_object_get(s, "holder");
		char term[120] = "–";
		if (h) {
			web_when(when, web_s(h, "from"));
			web_when(to, web_s(h, "to"));
			snprintf(term, sizeof(term), "från %s%s%s", when,
				 *web_s(h, "to") ? " till och med " : "",
				 *web_s(h, "to") ? to : "");
		}
		html_f(&w->h,
		       "<tr><td data-label=\"Roll\">%s</td><td data-label=\"Part\">%s</td>"
		       "<td data-label=\"Representerar\">%s</td><td data-label=\"Innehavare\">%s"
		       "</td><td data-label=\"Mandatperiod\">%s</td>",
		       sv(web_s(s, "role")), *web_s(s, "party") ? web_s(s, "party") : "–",
		       *web_s(s, "title") ? web_s(s, "title") : "–",
		       h ? web_s(h, "name") : "vakant", term);
		if (is_secretary(w)) {
			char field[40], label[200];
			html_lit(&w->h, "<td data-label=\"Ändra\">");
			if (h) {
				ID_PATH(path, "/styrning/mandat/%lld/avsluta", web_i(h, "term_id"));
				snprintf(field, sizeof(field), "sista-%lld",
					 (long long)web_i(h, "term_id"));
				snprintf(label, sizeof(label), "Sista dag för %s",
					 web_s(h, "name"));
				html_f(&w->h,
				       "<details%s><summary>Avsluta <span class=\"sr\">"
				       "mandatperioden för %s</span></summary>\n",
				       web_error_for(w, field) ? " open" : "", web_s(h, "name"));
				web_form(w, path, false);
				html_f(&w->h,
				       "<input type=\"hidden\" name=\"organ\" value=\"%lld\">\n",
				       (long long)body);
				web_input(w, field, label, "date", NULL, true, NULL);
				web_form_end(w, "Avsluta mandatperioden");
				html_lit(&w->h, "</details>\n");
			} else if (n) {
				char from[40];
				ID_PATH(path, "/styrning/platser/%lld/mandat", web_i(s, "id"));
				snprintf(field, sizeof(field), "person-%lld",
					 (long long)web_i(s, "id"));
				snprintf(from, sizeof(from), "fran-%lld",
					 (long long)web_i(s, "id"));
				snprintf(label, sizeof(label), "Ny innehavare (%s, %s)",
					 sv(web_s(s, "role")),
					 *web_s(s, "title") ? web_s(s, "title")
							    : web_s(s, "party"));
				web_form(w, path, false);
				html_f(&w->h,
				       "<input type=\"hidden\" name=\"organ\" value=\"%lld\">\n",
				       (long long)body);
				web_select(w, field, label, opts, NULL);
				web_input(w, from, "Från och med", "date", NULL, true, NULL);
				web_form_end(w, "Tillsätt platsen");
			}
			html_lit(&w->h, "</td>");
		}
		html_lit(&w->h, "</tr>\n");
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(people);
	json_decref(b);
}

static int compliance_page(struct web_ctx *w, unsigned page_status);

int page_governance_compliance(struct web_ctx *w)
{
	return compliance_page(w, 200);
}

/* After a seat or term form: back to the body's page, or the page again with the refusal. */
static int after_seat_post(struct web_ctx *w, int status, json_t *out, const char *const *map,
			   const char *done)
{
	const char *organ = web_field(w, "organ");
	int64_t body = organ ? strtoll(organ, NULL, 10) : 0;
	char path[96];

	if (body <= 0) {
		json_decref(out);
		return web_message(w, 404, "Organet finns inte", "Organet finns inte.");
	}
	w->id[0] = body;
	if (status != 200 && status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return compliance_page(w, status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	snprintf(path, sizeof(path), "/styrning/organ/%lld?mandat=%s#platser", (long long)body,
		 done);
	return web_redirect(w, path);
}

int page_governance_term_post(struct web_ctx *w)
{
	char person[40], from[40], path[64];
	const char *p, *f;
	json_t *out = NULL;

	snprintf(person, sizeof(person), "person-%lld", (long long)w->id[0]);
	snprintf(from, sizeof(from), "fran-%lld", (long long)w->id[0]);
	const char *map[] = { "person_id", person, "from", from, "to", from, NULL };
	p = web_field(w, person);
	f = web_field(w, from);
	ID_PATH(path, "/api/seats/%lld/terms", w->id[0]);
	int status =
		web_api(w, "POST", path, NULL,
			json_pack("{s:I, s:s}", "person_id",
				  (json_int_t)(p ? strtoll(p, NULL, 10) : 0), "from", f ? f : ""),
			&out);
	return after_seat_post(w, status, out, map, "tillsatt");
}

int page_governance_term_end_post(struct web_ctx *w)
{
	char field[40], path[64];
	const char *to, *organ = web_field(w, "organ");
	json_t *out = NULL;

	snprintf(field, sizeof(field), "sista-%lld", (long long)w->id[0]);
	to = web_field(w, field);
	const char *map[] = { "to", field, NULL };
	if (to && *to && !web_field(w, "bekraftad")) {
		/* Ending a term makes the seat vacant after the day: asked first, without JavaScript. */
		char day[48], title[120];
		web_when(day, to);
		snprintf(title, sizeof(title), "Avsluta mandatperioden den %s?", day);
		web_begin(w, title);
		html_f(&w->h,
		       "<p>Platsen blir vakant från dagen efter %s, tills någon annan tillsätts. "
		       "Beslutsmässigheten räknas då med platsen som vakant.</p>\n"
		       "<div class=\"confirm-actions\">\n",
		       day);
		ID_PATH(path, "/styrning/mandat/%lld/avsluta", w->id[0]);
		web_form(w, path, false);
		html_f(&w->h,
		       "<input type=\"hidden\" name=\"organ\" value=\"%s\">\n"
		       "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n"
		       "<input type=\"hidden\" name=\"bekraftad\" value=\"1\">\n"
		       "<button type=\"submit\" class=\"secondary\">Ja, avsluta mandatperioden"
		       "</button>\n</form>\n<p><a class=\"button\" href=\"/styrning/organ/%s#platser\">"
		       "Nej, behåll den</a></p>\n</div>\n",
		       organ ? organ : "", field, to, organ ? organ : "");
		return web_end(w, 200);
	}
	ID_PATH(path, "/api/terms/%lld/end", w->id[0]);
	int status = web_api(w, "POST", path, NULL, json_pack("{s:s}", "to", to ? to : ""), &out);
	return after_seat_post(w, status, out, map, "avslutat");
}

static int compliance_page(struct web_ctx *w, unsigned page_status)
{
	const char *year = web_query(w, "ar");
	const char *q[] = { "year", year, NULL };
	const char *map[] = { "year", "ar", NULL };
	json_t *o = NULL, *x;
	char path[64], title[240];
	size_t i;
	int status;

	ID_PATH(path, "/api/bodies/%lld/compliance", w->id[0]);
	status = web_api(w, "GET", path, year && *year ? q : NULL, NULL, &o);
	if (status == 404 || status == 403) {
		json_decref(o);
		return web_message(w, (unsigned)status, "Organet finns inte",
				   "Organet finns inte eller är inte ditt.");
	}
	if (status != 200)
		web_problem(w, o, map);
	snprintf(title, sizeof(title), "Uppföljning: %s",
		 status == 200 ? web_s(o, "body") : "organ");
	web_begin(w, title);
	ID_PATH(path, "/styrning/organ/%lld", w->id[0]);
	html_f(&w->h, "<form method=\"get\" action=\"%s\">\n", path);
	web_input(w, "ar", "År", "number", NULL, false, "Tomt: i år.");
	html_lit(&w->h, "<button type=\"submit\">Visa</button>\n</form>\n");
	if (status != 200) {
		json_decref(o);
		return web_end(w, 400);
	}
	json_t *m = json_object_get(o, "meetings");
	html_f(&w->h,
	       "<h2>%lld</h2>\n<dl>\n<dt>Möten</dt><dd>%s (%lld hållna, %lld planerade)</dd>\n",
	       (long long)web_i(o, "year"), web_s(m, "verdict"), (long long)web_i(m, "held"),
	       (long long)web_i(m, "planned"));
	if (json_object_get(o, "alternation"))
		html_f(&w->h, "<dt>Ordförandeskap</dt><dd>%s</dd>\n",
		       web_s(json_object_get(o, "alternation"), "verdict"));
	html_f(&w->h, "<dt>Sammansättning den %s</dt><dd><ul>\n", web_s(o, "composition_on"));
	json_array_foreach(json_object_get(o, "composition"), i, x)
		html_f(&w->h, "<li>%s %s: %lld %s, %lld %s</li>\n", web_s(x, "party"),
		       sv(web_s(x, "role")), (long long)web_i(x, "seats"),
		       web_i(x, "seats") == 1 ? "plats" : "platser", (long long)web_i(x, "vacant"),
		       web_i(x, "vacant") == 1 ? "vakant" : "vakanta");
	html_lit(&w->h, "</ul></dd>\n</dl>\n<h2>Avvikelser</h2>\n");
	if (json_array_size(json_object_get(o, "findings")) == 0)
		html_lit(&w->h, "<p>Inga avvikelser.</p>\n");
	else
		html_lit(&w->h, "<ul>\n");
	json_array_foreach(json_object_get(o, "findings"), i, x)
		html_f(&w->h, "<li>%s</li>\n", json_string_value(x));
	if (json_array_size(json_object_get(o, "findings")))
		html_lit(&w->h, "</ul>\n");
	json_decref(o);
	seats_section(w, w->id[0]);
	return web_end(w, page_status);
}

static int what_if_page(struct web_ctx *w, json_t *result, unsigned status)
{
	web_begin(w, "Vad händer om?");
	html_lit(&w->h,
		 "<p>Beslutsstöd: spela upp en passerad periods beställningar med ett "
		 "föreslaget värde på en regelparameter och jämför nyckeltalen med reglerna som "
		 "gällde.</p>\n");
	web_form(w, "/styrning/vad-hander-om", false);
	web_param_select(w, "parameter", "Regel", "Välj en regel");
	web_input(w, "varde", "Föreslaget värde", "text", NULL, true, "Till exempel 3");
	web_input(w, "fran", "Från", "date", NULL, true, NULL);
	web_input(w, "till", "Till och med", "date", NULL, true, "Perioden ska ha passerat.");
	web_form_end(w, "Spela upp perioden");
	if (result) {
		json_t *a = json_object_get(result, "in_force"),
		       *b = json_object_get(result, "proposal");
		json_t *d = json_object_get(result, "due_dates");
		/* The share as the tertial report writes it, with a decimal comma. */
		char ra[32], rb[32], *c;
		snprintf(ra, sizeof(ra), "%s", web_s(a, "reliability"));
		snprintf(rb, sizeof(rb), "%s", web_s(b, "reliability"));
		if ((c = strchr(ra, '.')))
			*c = ',';
		if ((c = strchr(rb, '.')))
			*c = ',';
		html_f(&w->h,
		       "<table class=\"responsive\">\n<caption>%lld beställningar %s – %s med "
		       "”%s” = %s</caption>\n"
		       "<thead><tr><th scope=\"col\">Nyckeltal</th><th scope=\"col\">Reglerna som "
		       "gällde</th><th scope=\"col\">Förslaget</th></tr></thead>\n<tbody>\n",
		       (long long)web_i(result, "orders"), web_s(result, "from"),
		       web_s(result, "to"), web_param_sv(web_s(result, "parameter")),
		       web_s(result, "value"));
		html_f(&w->h,
		       "<tr><th scope=\"row\">Leveranssäkerhet</th>"
		       "<td data-label=\"Reglerna som gällde\">%s&nbsp;%%</td>"
		       "<td data-label=\"Förslaget\">%s&nbsp;%%</td></tr>\n"
		       "<tr><th scope=\"row\">Levererade i tid</th>"
		       "<td data-label=\"Reglerna som gällde\">%lld av %lld</td>"
		       "<td data-label=\"Förslaget\">%lld av %lld</td></tr>\n"
		       "<tr><th scope=\"row\">Kontaktärenden vid försening</th>"
		       "<td data-label=\"Reglerna som gällde\">%lld</td>"
		       "<td data-label=\"Förslaget\">%lld</td></tr>\n</tbody>\n</table>\n",
		       *ra ? ra : "–", *rb ? rb : "–", (long long)web_i(a, "on_time"),
		       (long long)web_i(a, "settled"), (long long)web_i(b, "on_time"),
		       (long long)web_i(b, "settled"), (long long)web_i(a, "delay_contacts"),
		       (long long)web_i(b, "delay_contacts"));
		html_f(&w->h,
		       "<p>Leveranssäkerhet: %s %% med reglerna som gällde, %s %% med "
		       "förslaget. Förfallodagen ändras för %lld beställningar (%lld tidigare, "
		       "%lld senare).</p>\n",
		       *ra ? ra : "–", *rb ? rb : "–", (long long)web_i(d, "changed"),
		       (long long)web_i(d, "earlier"), (long long)web_i(d, "later"));
		html_f(&w->h,
		       "<p>Leveranssäkerheten räknas som i tertialrapporten: beställningar "
		       "levererade senast förfallodagen av dem som levererats eller passerat "
		       "förfallodagen. %lld beställningar av specialprodukter som inte lagerförs "
		       "räknas inte med.</p>\n",
		       (long long)web_i(a, "exempt"));
		if (web_i(result, "refused_by_proposal") > 0)
			html_f(&w->h,
			       "<p>Förslaget hade inte tagit emot %lld av beställningarna; de "
			       "räknas inte i förslagets kolumn.</p>\n",
			       (long long)web_i(result, "refused_by_proposal"));
	}
	return web_end(w, status);
}

int page_governance_what_if(struct web_ctx *w)
{
	return what_if_page(w, NULL, 200);
}

int page_governance_what_if_post(struct web_ctx *w)
{
	const char *map[] = { "parameter", "parameter", "value", "varde", "from",
			      "fran",	   "to",	"till",	 NULL };
	const char *p = web_field(w, "parameter"), *v = web_field(w, "varde");
	const char *f = web_field(w, "fran"), *t = web_field(w, "till");
	json_t *out = NULL;
	int status, rc;

	status = web_api(w, "POST", "/api/what-if", NULL,
			 json_pack("{s:s, s:s, s:s, s:s}", "parameter", p ? p : "", "value",
				   v ? v : "", "from", f ? f : "", "to", t ? t : ""),
			 &out);
	if (status != 200) {
		web_problem(w, out, map);
		json_decref(out);
		return what_if_page(w, NULL, status >= 400 ? (unsigned)status : 422);
	}
	rc = what_if_page(w, out, 200);
	json_decref(out);
	return rc;
}

/* The secretary's form for a new meeting, on the governance page. */
static void meeting_form(struct web_ctx *w, json_t *bodies)
{
	static const char *const forms[] = { "digital", "digitalt", "in_person", "fysiskt möte",
					     NULL };
	const char *opts[2 * 32 + 1];
	char ids[32][24];

	id_name_options(json_object_get(bodies, "bodies"), opts, ids, 32);
	html_lit(&w->h, "<h2>Nytt möte</h2>\n");
	web_form(w, "/styrning/moten", false);
	web_select(w, "organ", "Organ", opts, NULL);
	web_input(w, "start", "Börjar", "datetime-local", NULL, true, NULL);
	web_input(w, "slut", "Slutar", "datetime-local", NULL, false, NULL);
	web_select(w, "form", "Mötesform", forms, NULL);
	web_input(w, "plats", "Plats eller verktyg", "text", NULL, false, "Till exempel Teams");
	web_input(w, "kallelse", "Kallelsen skickades", "date", NULL, false,
		  "Forum: minst 14 dagar före mötet.");
	web_form_end(w, "Skapa mötet");
}

int page_governance_meeting_post(struct web_ctx *w)
{
	const char *map[] = { "starts_at", "start", "ends_at",	      "slut",	  "form", "form",
			      "place",	   "plats", "notice_sent_on", "kallelse", NULL };
	const char *body = web_field(w, "organ"), *start = web_field(w, "start");
	const char *end = web_field(w, "slut"), *form = web_field(w, "form");
	const char *place = web_field(w, "plats"), *notice = web_field(w, "kallelse");
	json_t *o = json_pack("{s:s, s:s, s:s}", "starts_at", start ? start : "", "form",
			      form ? form : "", "place", place ? place : ""),
	       *out = NULL;
	char path[64];
	int status;

	if (end && *end)
		json_object_set_new(o, "ends_at", json_string(end));
	if (notice && *notice)
		json_object_set_new(o, "notice_sent_on", json_string(notice));
	ID_PATH(path, "/api/bodies/%lld/meetings", body ? strtoll(body, NULL, 10) : 0);
	status = web_api(w, "POST", path, NULL, o, &out);
	if (status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return page_governance_status(w, status >= 400 ? (unsigned)status : 422);
	}
	ID_PATH(path, "/styrning/moten/%lld", web_i(out, "id"));
	json_decref(out);
	return web_redirect(w, path);
}

int page_governance_item_post(struct web_ctx *w)
{
	const char *map[] = { "number", "nummer",    "type",	     "typ",	"title",
			      "rubrik", "presenter", "foredragande", "text",	"text",
			      "matter", "arende",    "cost_ore",     "kostnad", NULL };
	const char *names[][2] = { { "number", "nummer" }, { "type", "typ" },
				   { "title", "rubrik" },  { "presenter", "foredragande" },
				   { "text", "text" },	   { "matter", "arende" } };
	const char *cost = web_field(w, "kostnad");
	json_t *o = json_object(), *out = NULL;
	char path[64];
	int status;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = web_field(w, names[i][1]);
		if (v && *v)
			json_object_set_new(o, names[i][0], json_string(v));
	}
	if (cost && *cost) {
		char *end;
		long long kr = strtoll(cost, &end, 10);
		if (*end || kr < 0) {
			json_decref(o);
			web_error(w, "kostnad",
				  "Kostnaden anges i hela kronor, till exempel 35000.");
			return meeting_page(w, w->id[0], 400);
		}
		json_object_set_new(o, "cost_ore", json_integer(kr * 100));
	}
	ID_PATH(path, "/api/meetings/%lld/items", w->id[0]);
	status = web_api(w, "POST", path, NULL, o, &out);
	if (status != 201) {
		web_problem(w, out, map);
		json_decref(out);
		return meeting_page(w, w->id[0], status >= 400 ? (unsigned)status : 422);
	}
	json_decref(out);
	ID_PATH(path, "/styrning/moten/%lld", w->id[0]);
	return web_redirect(w, path);
}

int page_governance_action_done_post(struct web_ctx *w)
{
	json_t *out = NULL, *all = NULL, *a, *found = NULL;
	char path[64];
	size_t i;
	int status;

	if (web_api(w, "GET", "/api/actions", NULL, NULL, &all) == 200)
		json_array_foreach(json_object_get(all, "actions"), i, a)
			if (web_i(a, "id") == w->id[0])
				found = a;
	if (!found) {
		json_decref(all);
		return web_message(w, 404, "Åtgärden finns inte", "Åtgärden finns inte.");
	}
	if (!web_field(w, "bekraftad")) {
		/* Closing an action asks first (no JavaScript: a page of its own). */
		web_begin(w, "Markera åtgärden som klar?");
		html_f(&w->h,
		       "<p><strong>%s</strong> (ansvarig: %s).</p>\n<p>Åtgärden flyttas till "
		       "de klara åtgärderna med dagens datum.</p>\n<div class=\"confirm-actions\">\n",
		       web_s(found, "description"), web_s(found, "owner"));
		ID_PATH(path, "/styrning/atgarder/%lld/klar", w->id[0]);
		web_form(w, path, false);
		html_lit(&w->h,
			 "<input type=\"hidden\" name=\"bekraftad\" value=\"1\">\n"
			 "<button type=\"submit\">Ja, den är klar</button>\n</form>\n"
			 "<p><a class=\"button secondary\" href=\"/styrning#atgarder\">Nej, den är "
			 "inte klar</a></p>\n</div>\n");
		json_decref(all);
		return web_end(w, 200);
	}
	json_decref(all);
	ID_PATH(path, "/api/actions/%lld/done", w->id[0]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	json_decref(out);
	if (status != 200)
		return web_message(w, (unsigned)status, "Åtgärden kunde inte markeras som klar",
				   "Åtgärden finns inte.");
	snprintf(path, sizeof(path), "/styrning?klar=%lld#atgarder", (long long)w->id[0]);
	return web_redirect(w, path);
}
