/* The patient's pages (also a delegate's, for the patient they act for): prescriptions with what
 * may be ordered now and when next, ordering, orders and where they are, and who read their data. */
#include <stdio.h>
#include <string.h>

#include "web/pages.h"

static int64_t my_patient(struct web_ctx *w)
{
	return web_i(json_object_get(w->me, "user"), "patient_id");
}

/* A delegate (ombud) acts for the patient: *name gets the patient's name (a read of their data,
 * access-logged as any). False for the patient themself. */
static bool acting_for(struct web_ctx *w, char name[160])
{
	char path[64];
	json_t *p = NULL;

	*name = '\0';
	if (!web_b(json_object_get(w->me, "user"), "delegate"))
		return false;
	snprintf(path, sizeof(path), "/api/patients/%lld", (long long)my_patient(w));
	if (web_api(w, "GET", path, NULL, NULL, &p) == 200)
		snprintf(name, 160, "%s %s", web_s(p, "given_name"), web_s(p, "family_name"));
	json_decref(p);
	if (!*name)
		snprintf(name, 160, "patienten");
	return true;
}

int page_my_prescriptions(struct web_ctx *w)
{
	char name[160], title[200];

	if (acting_for(w, name)) {
		snprintf(title, sizeof(title), "Förskrivningar för %s", name);
		web_begin(w, title);
		html_f(&w->h,
		       "<p class=\"acting-for\">Du är ombud för %s.</p>\n<p>Här ser du vad "
		       "%s har fått förskrivet, vad du kan beställa nu och när du kan beställa "
		       "nästa gång.</p>\n<p><a class=\"button\" href=\"/bestall\">Beställ</a></p>\n"
		       "<h2>Artiklar som %s har fått förskrivna</h2>\n",
		       name, name, name);
	} else {
		web_begin(w, "Mina förskrivningar");
		html_lit(&w->h,
			 "<p>Här ser du vad du har fått förskrivet, vad du kan beställa nu och "
			 "när du kan beställa nästa gång.</p>\n<p><a class=\"button\" "
			 "href=\"/bestall\">Beställ</a></p>\n<h2>Artiklar du har fått förskrivna"
			 "</h2>\n");
	}
	if (web_query(w, "fornyelse"))
		html_lit(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>Din begäran om "
				"förnyelse är skickad till förskrivaren.</strong></p></div>\n");
	prescriptions_cards(w, my_patient(w), false);
	return web_end(w, 200);
}

static int order_page(struct web_ctx *w, unsigned status)
{
	char name[160], days[16];
	int lead = lead_time_today(w);

	web_begin(w, "Beställ");
	if (acting_for(w, name))
		html_f(&w->h, "<p class=\"acting-for\">Du beställer för %s.</p>\n", name);
	/* Spec B 3:1: the lead time of the rules in force today, not a number in the text. */
	number_in_words(lead, days);
	html_f(&w->h,
	       "<p>Välj vad du vill beställa och hur du vill få det. Leveransen kommer "
	       "senast %s %s efter att beställningen kommit in.</p>\n",
	       days, lead == 1 ? "arbetsdag" : "arbetsdagar");
	order_form(w, my_patient(w), "/bestall", 0);
	return web_end(w, status);
}

int page_my_order(struct web_ctx *w)
{
	return order_page(w, 200);
}

int page_my_order_post(struct web_ctx *w)
{
	int64_t order;
	int status = order_submit(w, my_patient(w), 0, &order);
	char path[64];

	if (status != 200 && status != 201)
		return order_page(w, status >= 400 ? (unsigned)status : 422);
	snprintf(path, sizeof(path), "/bestallningar/%lld?ny=1", (long long)order);
	return web_redirect(w, path);
}

int page_my_orders(struct web_ctx *w)
{
	char name[160], title[200];

	if (acting_for(w, name)) {
		snprintf(title, sizeof(title), "Beställningar för %s", name);
		web_begin(w, title);
	} else {
		web_begin(w, "Mina beställningar");
	}
	orders_table(w, my_patient(w));
	return web_end(w, 200);
}

/* A link to a page of the access log: before is "" for the newest. */
static void access_log_link(struct web_ctx *w, const char *before, bool others, const char *text)
{
	html_f(&w->h, "<a href=\"/vem-har-last?fore=%s%s\">%s</a>", before,
	       others ? "&amp;andra=1" : "", text);
}

int page_my_access_log(struct web_ctx *w)
{
	char path[64];
	const char *before = web_query(w, "fore");
	bool others = web_query(w, "andra") && strcmp(web_query(w, "andra"), "1") == 0;
	const char *q[] = { "others", others ? "1" : "0", before && *before ? "before" : NULL,
			    before, NULL };
	json_t *out = NULL, *e;
	size_t i;
	int status;

	char name[160], title[200];

	if (acting_for(w, name)) {
		snprintf(title, sizeof(title), "Vem har läst uppgifterna om %s", name);
		web_begin(w, title);
		html_f(&w->h,
		       "<p>Varje gång någon läser eller ändrar uppgifterna om %s i LMN sparas "
		       "det, också när du gör det som ombud. Här ser du vem, när och vad, 100 "
		       "åtkomster per sida.</p>\n",
		       name);
	} else {
		web_begin(w, "Vem har läst mina uppgifter");
		html_lit(&w->h,
			 "<p>Varje gång någon läser eller ändrar dina uppgifter i LMN sparas "
			 "det. Här ser du vem, när och vad, 100 åtkomster per sida.</p>\n");
	}
	/* A GET form: the filter works without JavaScript and can be bookmarked. */
	html_f(&w->h,
	       "<form method=\"get\" action=\"/vem-har-last\" class=\"paging\">\n"
	       "<label class=\"choice\"><input type=\"checkbox\" name=\"andra\" value=\"1\"%s>"
	       " Visa bara andra än jag</label>\n"
	       "<button type=\"submit\" class=\"secondary\">Visa</button>\n</form>\n",
	       others ? " checked" : "");
	snprintf(path, sizeof(path), "/api/patients/%lld/access-log", (long long)my_patient(w));
	status = web_api(w, "GET", path, q, NULL, &out);
	if (status == 200 && !json_array_size(json_object_get(out, "entries"))) {
		html_f(&w->h, "<p>%s</p>\n",
		       others ? "Ingen annan än du har läst uppgifterna."
			      : "Det finns inga åtkomster.");
	} else if (status == 200) {
		html_f(&w->h,
		       "<table class=\"responsive\">\n<caption>%s</caption>\n"
		       "<thead><tr><th scope=\"col\">När</th><th scope=\"col\">Vem</th>"
		       "<th scope=\"col\">Roll</th><th scope=\"col\">Vad</th></tr></thead>\n"
		       "<tbody>\n",
		       before && *before ? (others ? "Äldre åtkomster av andra än du, senaste först"
						   : "Äldre åtkomster, senaste först")
		       : others		 ? "Åtkomster av andra än du, senaste först"
					 : "Åtkomster, senaste först");
		json_array_foreach(json_object_get(out, "entries"), i, e) {
			char at[17];
			snprintf(at, sizeof(at), "%.16s", web_s(e, "at"));
			if (at[10] == 'T')
				at[10] = ' ';
			html_f(&w->h, "<tr><td data-label=\"När\">%s</td><td data-label=\"Vem\">%s",
			       at, web_s(e, "who"));
			/* An access through an API token names the token (a system, not a person). */
			if (json_object_get(e, "token_id"))
				html_f(&w->h, " (via API-nyckeln %s, nr %lld)", web_s(e, "token"),
				       (long long)web_i(e, "token_id"));
			html_f(&w->h,
			       "</td><td data-label=\"Roll\">%s</td><td data-label=\"Vad\">%s %s"
			       "</td></tr>\n",
			       web_sv(web_s(e, "role")), web_sv(web_s(e, "action")),
			       web_s(e, "what"));
		}
		html_lit(&w->h, "</tbody>\n</table>\n");
	} else if (status == 400) {
		/* A hand-edited fore=: the API's message names its parameters, the page does not. */
		html_lit(&w->h,
			 "<p>Den sidan finns inte. <a href=\"/vem-har-last\">Visa de senaste "
			 "åtkomsterna</a>.</p>\n");
	} else {
		html_f(&w->h, "<p>%s</p>\n", web_s(out, "detail"));
	}
	if (status == 200 && (*web_s(out, "older") || (before && *before))) {
		html_lit(&w->h, "<nav class=\"paging\" aria-label=\"Sidor\">\n");
		if (before && *before)
			access_log_link(w, "", others, "Senaste åtkomsterna");
		if (*web_s(out, "older"))
			access_log_link(w, web_s(out, "older"), others, "Äldre åtkomster");
		html_lit(&w->h, "\n</nav>\n");
	}
	json_decref(out);
	return web_end(w, 200);
}

/* "Mina uppgifter" (issue 20): the phone and e-mail the patient is told at, and how. */
static int contact_page(struct web_ctx *w, unsigned status, json_t *now)
{
	static const char *const channels[] = { "email", "E-post",	     "sms", "Sms",
						"none",	 "Inga meddelanden", NULL };
	const char *channel = now ? web_s(now, "notice_channel") : web_field(w, "meddelanden");

	web_begin(w, "Mina uppgifter");
	if (status == 200 && web_query(w, "sparat"))
		html_lit(&w->h,
			 "<p class=\"notice\" role=\"status\">Dina uppgifter är sparade.</p>\n");
	html_lit(&w->h,
		 "<p>Vi kan skicka ett meddelande när din beställning har kommit in, när den "
		 "har skickats, när den kan hämtas och om den blir försenad. Välj hur du vill "
		 "få meddelanden. Meddelandena innehåller aldrig ditt personnummer.</p>\n");
	web_form(w, "/mina-uppgifter", false);
	web_input(w, "telefon", "Mobilnummer", "tel", now ? web_s(now, "phone") : NULL, false,
		  "Till exempel 070-123 45 67. Sms skickas hit.");
	web_input(w, "epost", "E-postadress", "email", now ? web_s(now, "email") : NULL, false,
		  "Till exempel namn@example.se.");
	web_select(w, "meddelanden", "Meddelanden om dina beställningar", channels,
		   channel && *channel ? channel : "none");
	html_lit(&w->h,
		 "<fieldset>\n<legend>Tillfällig leveransadress</legend>\n<p>Ska du vara "
		 "någon annanstans en tid? Hemleveranser av beställningar som görs de dagarna "
		 "går då till den här adressen. Lämna fälten tomma om du inte behöver "
		 "någon.</p>\n");
	json_t *t = now ? json_object_get(now, "temporary_address") : NULL;
	web_input(w, "tillf_adress", "Gatuadress", "text", now ? web_s(t, "address") : NULL, false,
		  NULL);
	web_input(w, "tillf_postnummer", "Postnummer", "text", now ? web_s(t, "postal_code") : NULL,
		  false, "Fem siffror, till exempel 413 01.");
	web_input(w, "tillf_ort", "Ort", "text", now ? web_s(t, "city") : NULL, false, NULL);
	web_input(w, "tillf_fran", "Första dagen", "date", now ? web_s(t, "from") : NULL, false,
		  NULL);
	web_input(w, "tillf_till", "Sista dagen", "date", now ? web_s(t, "until") : NULL, false,
		  "Högst ett år.");
	html_lit(&w->h, "</fieldset>\n");
	web_form_end(w, "Spara");
	return web_end(w, status);
}

int page_my_contact(struct web_ctx *w)
{
	char path[64];
	json_t *out = NULL;
	int status;

	snprintf(path, sizeof(path), "/api/patients/%lld/contact", (long long)my_patient(w));
	status = web_api(w, "GET", path, NULL, NULL, &out);
	if (status != 200) {
		json_decref(out);
		return web_message(w, status >= 400 ? (unsigned)status : 500, "Mina uppgifter",
				   "Dina uppgifter kunde inte visas. Försök igen senare.");
	}
	status = contact_page(w, 200, out);
	json_decref(out);
	return status;
}

int page_my_contact_post(struct web_ctx *w)
{
	static const char *const map[] = { "phone",
					   "telefon",
					   "email",
					   "epost",
					   "notice_channel",
					   "meddelanden",
					   "temporary_address",
					   "tillf_adress",
					   "temporary_address.address",
					   "tillf_adress",
					   "temporary_address.postal_code",
					   "tillf_postnummer",
					   "temporary_address.city",
					   "tillf_ort",
					   "temporary_address.from",
					   "tillf_fran",
					   "temporary_address.until",
					   "tillf_till",
					   NULL };
	static const char *const temp_fields[] = { "tillf_adress", "tillf_postnummer", "tillf_ort",
						   "tillf_fran", "tillf_till" };
	static const char *const temp_keys[] = { "address", "postal_code", "city", "from",
						 "until" };
	json_t *temp = NULL;
	const char *phone = web_field(w, "telefon"), *email = web_field(w, "epost");
	const char *channel = web_field(w, "meddelanden");
	json_t *body, *out = NULL;
	char path[64];
	int status;

	body = json_pack("{s:s, s:s, s:s}", "phone", phone ? phone : "", "email",
			 email ? email : "", "notice_channel", channel ? channel : "");
	if (!body) {
		web_error(w, "telefon", "Texten kunde inte läsas (ogiltig UTF-8).");
		return contact_page(w, 400, NULL);
	}
	/* A temporary address when any of its fields is filled in. */
	for (size_t i = 0; i < 5; i++) {
		const char *v = web_field(w, temp_fields[i]);
		if (v && *v && !temp)
			temp = json_object();
	}
	for (size_t i = 0; temp && i < 5; i++) {
		const char *v = web_field(w, temp_fields[i]);
		json_object_set_new(temp, temp_keys[i], json_string(v ? v : ""));
	}
	if (temp)
		json_object_set_new(body, "temporary_address", temp);
	snprintf(path, sizeof(path), "/api/patients/%lld/contact", (long long)my_patient(w));
	status = web_api(w, "PUT", path, NULL, body, &out);
	if (status != 200) {
		web_problem(w, out, map);
		json_decref(out);
		return contact_page(w, status >= 400 ? (unsigned)status : 422, NULL);
	}
	json_decref(out);
	return web_redirect(w, "/mina-uppgifter?sparat=1");
}
