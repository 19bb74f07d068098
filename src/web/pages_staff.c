/* The pages of staff who work with patients (prescribers, municipal staff, customer service):
 * finding a patient, the patient's page with what the role may do, prescribing (and renewing),
 * cancelling a prescription item, and ordering for the patient with the options of the role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pages.h"

static bool role_is(struct web_ctx *w, const char *role)
{
	return strcmp(w->role, role) == 0;
}

static bool prescriber(struct web_ctx *w)
{
	return role_is(w, "prescriber") || role_is(w, "municipal_prescriber");
}

static bool municipal(struct web_ctx *w)
{
	return role_is(w, "municipal_prescriber") || role_is(w, "municipal_orderer");
}

/* "YYYYMMDDNNNC" as "YYYYMMDD-NNNC"; anything else as it is. */
static void id_number_text(char out[24], const char *canonical)
{
	if (strlen(canonical) == 12)
		snprintf(out, 24, "%.8s-%s", canonical, canonical + 8);
	else
		snprintf(out, 24, "%s", canonical);
}

/* A value for a query string: "+" of a personnummer of someone over 100 must not turn into a
 * space, so everything but letters, digits and "-" is percent-encoded (cut to fit). */
static void query_value(char *out, size_t size, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 <= size; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z') || ch == '-') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

static void notice(struct web_ctx *w, const char *text)
{
	html_f(&w->h, "<div class=\"notice\" role=\"status\"><p><strong>%s</strong></p></div>\n",
	       text);
}

/* The refusal of the ordering rights in force today (decision 2024-10-24 item 3d) to let the
 * signed-in role enter a withdrawal, as /api/me gives it ({message, rule}), or NULL. A page says why
 * instead of offering a form that the API would refuse. */
static json_t *entry_refusal(struct web_ctx *w)
{
	return json_object_get(json_object_get(w->me, "ordering"), "entry_refused");
}

static void entry_notice(struct web_ctx *w, json_t *refusal)
{
	char cite[96];

	web_rule_cite(w->app->params, web_s(refusal, "rule"), cite);
	/* A refusal, not a success: styled as a caution (issue 20). */
	html_f(&w->h,
	       "<div class=\"notice refused\" role=\"alert\"><p>%s</p>"
	       "<p>Kundtjänst: " WEB_CUSTOMER_SERVICE_PHONE ". <small>(%s)</small></p></div>\n",
	       web_s(refusal, "message"), cite);
}

/* Writes the refusal of entry_refusal as a notice; returns whether entry is allowed. */
static bool entry_allowed(struct web_ctx *w)
{
	json_t *refusal = entry_refusal(w);

	if (refusal)
		entry_notice(w, refusal);
	return !refusal;
}

/* GET /api/patients/{id}. On refusal writes the whole page (403 or 404) and returns NULL. */
static json_t *patient_or_message(struct web_ctx *w, int64_t patient_id)
{
	char path[64];
	json_t *p = NULL;
	int status;

	snprintf(path, sizeof(path), "/api/patients/%lld", (long long)patient_id);
	status = web_api(w, "GET", path, NULL, NULL, &p);
	if (status == 200)
		return p;
	json_decref(p);
	w->nerrors = 0;
	if (status == 403)
		web_message(
			w, 403, "Du har inte behörighet till patienten",
			prescriber(w)
				? "Du har ingen vårdrelation till den här patientens uppgifter. "
				  "Ska din enhet börja vårda patienten, sök fram patienten på "
				  "personnummer och registrera en vårdrelation."
				: "Du har ingen vårdrelation eller behörighet till den här "
				  "patientens uppgifter.");
	else
		web_message(w, 404, "Patienten finns inte",
			    "Det finns ingen patient med det numret.");
	return NULL;
}

/* ---- Finding patients ---- */

/* The form that records a care relationship to a patient found outside it (prescribers). */
static void relationship_form(struct web_ctx *w, int64_t patient_id)
{
	char action[64];

	if (!prescriber(w)) {
		html_lit(&w->h, "<p>Patienten finns, men du har ingen behörighet till patientens "
				"uppgifter.</p>\n");
		return;
	}
	html_lit(&w->h,
		 "<h2>Registrera vårdrelation</h2>\n<p>Ska din enhet börja vårda patienten? "
		 "Registrera en vårdrelation med skälet. Den öppnar patientens uppgifter för "
		 "enheten en begränsad tid, och patienten ser den och skälet i sin logg över "
		 "vem som har läst uppgifterna.</p>\n");
	snprintf(action, sizeof(action), "/patienter/%lld/vardrelation", (long long)patient_id);
	web_form(w, action, false);
	web_input(w, "skal", "Skäl", "text", NULL, true, "Högst 300 tecken.");
	web_form_end(w, "Registrera vårdrelation");
}

int page_care_relationship_post(struct web_ctx *w)
{
	static const char *const map[] = { "reason", "skal", NULL };
	const char *reason = web_field(w, "skal");
	json_t *out = NULL;
	char path[80];
	int status;

	snprintf(path, sizeof(path), "/api/patients/%lld/care-relationships", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, json_pack("{s:s}", "reason", reason ? reason : ""),
			 &out);
	if (status == 201) {
		json_decref(out);
		snprintf(path, sizeof(path), "/patienter/%lld?vardrelation=1", (long long)w->id[0]);
		return web_redirect(w, path);
	}
	if (status == 400) {
		web_problem(w, out, map);
		json_decref(out);
		web_begin(w, "Registrera vårdrelation");
		relationship_form(w, w->id[0]);
		return web_end(w, 400);
	}
	status = web_message(w, status == 403 ? 403 : (unsigned)status,
			     "Vårdrelationen registrerades inte", web_s(out, "detail"));
	json_decref(out);
	return status;
}

/* Asks the API for the patients matching the search; *out is NULL when it refused (the refusal
 * is next to its field). Returns the page's status: 429 when the search limit is reached. */
static unsigned patients_search(struct web_ctx *w, const char *number, const char *name,
				json_t **out)
{
	static const char *const map[] = { "id_number", "personnummer", "q", "namn", NULL };
	bool by_number = number && *number, by_name = name && *name;
	unsigned status = 200;

	if (!by_number && by_name && (strlen(name) < 2 || strlen(name) > 60)) {
		web_error(w, "namn", "Skriv minst två och högst 60 tecken av namnet.");
	} else if (by_number || by_name) {
		const char *q[] = { by_number ? "id_number" : "q", by_number ? number : name,
				    NULL };
		int st = web_api(w, "GET", "/api/patients", q, NULL, out);
		if (st != 200) {
			web_problem(w, *out, map);
			json_decref(*out);
			*out = NULL;
			if (st ==
			    429) /* the search limit: the page says so, with the API's status */
				status = 429;
		}
	}
	if (w->nerrors && status == 200)
		status = 400;
	return status;
}

/* Whom the caller finds, as their role decides, and the search form. */
static void patients_search_form(struct web_ctx *w)
{
	if (municipal(w)) {
		const char *m = web_s(json_object_get(w->me, "user"), "municipality");
		html_f(&w->h,
		       "<p>Du ser invånarna i din kommun (%s). Kommunen beställer åt personer i "
		       "kommunalt boende.</p>\n",
		       *m ? m : "din kommun");
	} else if (role_is(w, "prescriber")) {
		html_lit(&w->h,
			 "<p>Sök på personnummer, eller på namn bland patienter som din enhet "
			 "har förskrivit till.</p>\n");
	} else {
		html_lit(&w->h,
			 "<p>Sök på personnummer eller namn. Patienter med skyddad identitet "
			 "hittas bara med personnumret.</p>\n");
	}
	html_lit(&w->h, "<form method=\"get\" action=\"/patienter\" role=\"search\">\n");
	web_input(w, "personnummer", "Personnummer", "text", NULL, false,
		  "ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN, eller ett samordningsnummer. Går före namnet "
		  "om båda är ifyllda.");
	web_input(w, "namn", "Namn", "text", NULL, false,
		  "För- eller efternamn, minst två tecken.");
	html_lit(&w->h, "<button type=\"submit\">Sök</button>\n</form>\n");
}

/* One patient found; returns the patient's id when shown briefly (outside the relationship). */
static int64_t patient_row(struct web_ctx *w, json_t *p)
{
	char num[24];

	/* Outside the relationship a search by number shows the name and year of birth only (and
	 * a prescriber may record a relationship). */
	if (!web_b(p, "related") && json_object_get(p, "birth_year")) {
		html_f(&w->h,
		       "<tr><td data-label=\"Namn\">%s %s</td>"
		       "<td data-label=\"Personnummer\">född %lld</td>"
		       "<td data-label=\"Kommun\">–</td>"
		       "<td data-label=\"Boende\">–</td>"
		       "<td data-label=\"Att tänka på\">utanför din vårdrelation"
		       "</td></tr>\n",
		       web_s(p, "given_name"), web_s(p, "family_name"),
		       (long long)web_i(p, "birth_year"));
		return web_i(p, "id");
	}
	id_number_text(num, web_s(p, "id_number"));
	html_f(&w->h,
	       "<tr><td data-label=\"Namn\"><a href=\"/patienter/%lld\">%s "
	       "%s</a></td><td data-label=\"Personnummer\">%s</td>"
	       "<td data-label=\"Kommun\">%s</td><td data-label=\"Boende\">%s"
	       "</td><td data-label=\"Att tänka på\">%s</td></tr>\n",
	       (long long)web_i(p, "id"), web_s(p, "given_name"), web_s(p, "family_name"), num,
	       web_s(p, "municipality"),
	       web_b(p, "municipal_housing") ? "kommunalt boende" : "ordinärt boende",
	       web_b(p, "protected_identity") ? "skyddad identitet" : "");
	return 0;
}

/* The patients found; none found by a valid number: a prescriber may register the patient. */
static void patients_found(struct web_ctx *w, json_t *out, const char *number, bool by_number)
{
	json_t *list = json_object_get(out, "patients"), *p;
	int64_t brief = 0, one;
	size_t i;

	html_lit(&w->h, "<h2>Sökresultat</h2>\n");
	if (!json_array_size(list)) {
		html_lit(&w->h, "<p>Ingen patient hittades.</p>\n");
		/* The API checked the number before answering 200. */
		if (by_number && prescriber(w)) {
			char q[64];

			query_value(q, sizeof(q), number);
			html_f(&w->h,
			       "<p><a class=\"button\" href=\"/patienter/ny?"
			       "personnummer=%s\">Registrera ny patient</a></p>\n",
			       q);
		}
		return;
	}
	html_f(&w->h,
	       "<table class=\"responsive\">\n<caption>%zu %s</caption>\n"
	       "<thead><tr><th scope=\"col\">Namn</th>"
	       "<th scope=\"col\">Personnummer</th><th scope=\"col\">Kommun</th>"
	       "<th scope=\"col\">Boende</th><th scope=\"col\">Att tänka på</th>"
	       "</tr></thead>\n<tbody>\n",
	       json_array_size(list),
	       json_array_size(list) == 1 ? "patient hittades" : "patienter hittades");
	json_array_foreach(list, i, p)
		if ((one = patient_row(w, p)))
			brief = one;
	html_lit(&w->h, "</tbody>\n</table>\n");
	if (brief)
		relationship_form(w, brief);
}

int page_patients(struct web_ctx *w)
{
	const char *number = web_query(w, "personnummer"), *name = web_query(w, "namn");
	json_t *out = NULL;
	bool by_number = number && *number, by_name = name && *name;
	unsigned status = patients_search(w, number, name, &out);

	web_begin(w, "Patienter");
	patients_search_form(w);
	if (out) {
		patients_found(w, out, number, by_number);
	} else if (!by_number && !by_name && !w->nerrors) {
		/* The start page's work lists (issue 20). */
		if (prescriber(w)) {
			start_renewal_requests(w);
			start_expiring(w);
		}
		if (municipal(w))
			start_residents(w, !entry_refusal(w));
	}
	json_decref(out);
	return web_end(w, status);
}

/* ---- The patient's page ---- */

/* The link to the prescribe form, prefilled from an item: renewing it. */
static void renew_table(struct web_ctx *w, int64_t patient_id)
{
	char path[64];
	json_t *out = NULL, *it;
	int64_t seen[128];
	size_t nseen = 0, rows = 0, i;

	snprintf(path, sizeof(path), "/api/patients/%lld/prescriptions", (long long)patient_id);
	if (web_api(w, "GET", path, NULL, NULL, &out) != 200) {
		json_decref(out);
		return;
	}
	json_array_foreach(json_object_get(out, "items"), i, it) {
		json_t *a = json_object_get(it, "article");
		int64_t article = web_i(a, "id");
		size_t k;

		/* The newest item of each article (the API lists the newest first). */
		for (k = 0; k < nseen && seen[k] != article; k++)
			;
		if (k < nseen || nseen == sizeof(seen) / sizeof(seen[0]) ||
		    strcmp(web_s(it, "status"), "cancelled") == 0)
			continue;
		seen[nseen++] = article;
		if (!rows++)
			html_lit(
				&w->h,
				"<table class=\"responsive\">\n<caption>Den senaste förskrivningen "
				"av varje artikel</caption>\n<thead><tr>"
				"<th scope=\"col\">Artikel</th><th scope=\"col\">Per uttag</th>"
				"<th scope=\"col\">Uttag</th><th scope=\"col\">Period</th>"
				"<th scope=\"col\">Giltig till</th><th scope=\"col\">Status</th>"
				"<th scope=\"col\">Förnya</th></tr></thead>\n<tbody>\n");
		html_f(&w->h,
		       "<tr><td data-label=\"Artikel\">%s (%s)</td>"
		       "<td data-label=\"Per uttag\">%lld förp.</td>"
		       "<td data-label=\"Uttag\">%lld</td><td data-label=\"Period\">%lld dagar</td>"
		       "<td data-label=\"Giltig till\">%s</td><td data-label=\"Status\">%s</td>"
		       "<td data-label=\"Förnya\"><a class=\"button secondary\" "
		       "href=\"/patienter/%lld/forskriv?artikel=%lld&amp;uttag=%lld&amp;antal=%lld"
		       "&amp;period=%lld&amp;fornyar=%lld\">Förnya <span class=\"sr\">%s</span>"
		       "</a></td></tr>\n",
		       web_s(a, "name"), web_s(a, "article_number"),
		       (long long)web_i(it, "quantity_per_withdrawal"),
		       (long long)web_i(it, "withdrawals_allowed"),
		       (long long)web_i(it, "period_days"), web_s(it, "last_valid"),
		       web_sv(web_s(it, "status")), (long long)patient_id, (long long)article,
		       (long long)web_i(it, "withdrawals_allowed"),
		       (long long)web_i(it, "quantity_per_withdrawal"),
		       (long long)web_i(it, "period_days"), (long long)web_i(it, "id"),
		       web_s(a, "name"));
	}
	if (rows)
		html_lit(&w->h, "</tbody>\n</table>\n");
	else
		html_lit(&w->h, "<p>Det finns inget att förnya.</p>\n");
	json_decref(out);
}

static int patient_page(struct web_ctx *w, int64_t patient_id, unsigned status)
{
	json_t *p = patient_or_message(w, patient_id);
	char title[160], num[24];

	if (!p)
		return (int)w->resp->status;
	snprintf(title, sizeof(title), "%s %s", web_s(p, "given_name"), web_s(p, "family_name"));
	id_number_text(num, web_s(p, "id_number"));
	web_begin(w, title);
	if (status == 200 && web_query(w, "forskriven"))
		notice(w, "Förskrivningen är sparad.");
	if (status == 200 && web_query(w, "registrerad"))
		notice(w, "Patienten är registrerad, och din enhet har en vårdrelation till "
			  "patienten.");
	if (status == 200 && web_query(w, "vardrelation"))
		notice(w, "Vårdrelationen är registrerad.");
	if (status == 200 && web_query(w, "makulerad"))
		notice(w, "Förskrivningsraden är makulerad. Den kan inte längre beställas.");
	html_f(&w->h, "<dl class=\"facts\">\n<dt>Personnummer</dt><dd>%s</dd>\n", num);
	if (web_b(p, "protected_identity") && !json_object_get(p, "address"))
		html_lit(&w->h,
			 "<dt>Adress och telefon</dt><dd><strong>Skyddad identitet:</strong> "
			 "visas inte. Leveransen går till adressen som distributören har.</dd>\n");
	else
		html_f(&w->h, "<dt>Adress</dt><dd>%s, %s %s</dd>\n<dt>Telefon</dt><dd>%s</dd>\n",
		       web_s(p, "address"), web_s(p, "postal_code"), web_s(p, "city"),
		       *web_s(p, "phone") ? web_s(p, "phone") : "saknas");
	html_f(&w->h, "<dt>Kommun</dt><dd>%s</dd>\n<dt>Boende</dt><dd>%s</dd>\n",
	       web_s(p, "municipality"),
	       web_b(p, "municipal_housing") ? "kommunalt boende" : "ordinärt boende");
	if (web_b(p, "rural_route"))
		html_lit(&w->h, "<dt>Lantbrevbärarlinje</dt><dd>ja</dd>\n");
	html_lit(&w->h, "</dl>\n");

	html_lit(&w->h, "<h2>Vad vill du göra?</h2>\n");
	if (prescriber(w))
		html_f(&w->h,
		       "<p><a class=\"button\" href=\"/patienter/%lld/forskriv\">Förskriv</a></p>\n",
		       (long long)patient_id);
	if (entry_allowed(w))
		html_f(&w->h,
		       "<p><a class=\"button\" href=\"/patienter/%lld/bestall\">%s</a></p>\n",
		       (long long)patient_id,
		       role_is(w, "prescriber")		? "Beställ akut leverans"
		       : role_is(w, "customer_service") ? "Beställ åt patienten"
							: "Beställ");
	if (municipal(w) && !web_b(p, "municipal_housing"))
		html_lit(&w->h,
			 "<p>Patienten bor inte i kommunalt boende. Kommunen kan bara beställa "
			 "åt personer i kommunalt boende.</p>\n");

	html_lit(&w->h, "<h2>Förskrivningar</h2>\n");
	/* Only a prescriber may cancel; the cards show the cancel button with staff = true. */
	prescriptions_cards(w, patient_id, prescriber(w));
	if (prescriber(w)) {
		html_lit(&w->h, "<h2>Förnya en förskrivning</h2>\n<p>Förnya öppnar formuläret för "
				"förskrivning ifyllt med samma artikel och mängd. Välj en ny sista "
				"giltighetsdag.</p>\n");
		renew_table(w, patient_id);
	}
	html_lit(&w->h, "<h2>Beställningar</h2>\n");
	orders_table(w, patient_id);
	json_decref(p);
	return web_end(w, status);
}

int page_patient(struct web_ctx *w)
{
	return patient_page(w, w->id[0], 200);
}

/* ---- Prescribing ---- */

/* The longest validity in force today (rule prescription_max_validity_months), 12 if unknown, and
 * the last valid day of a prescription written today ("" if unknown), as /api/me gives them. */
static int max_validity(struct web_ctx *w, char last[11])
{
	json_t *rx = json_object_get(w->me, "prescribing");
	json_int_t months = web_i(rx, "max_validity_months");

	snprintf(last, 11, "%s", web_s(rx, "last_valid_latest"));
	return months > 0 && months < 1000 ? (int)months : 12;
}

/* The article <select>, grouped by product area, labelled, with its error. */
static void article_select(struct web_ctx *w, json_t *articles)
{
	const char *e = web_error_for(w, "artikel"), *selected = web_field(w, "artikel");
	const char *group = NULL;
	json_t *a;
	size_t i;

	html_f(&w->h, "<div class=\"field%s\">\n<label for=\"artikel\">Artikel</label>\n",
	       e ? " invalid" : "");
	html_lit(&w->h, "<p class=\"hint\" id=\"artikel-hint\">Artiklarna är grupperade efter "
			"produktområde.</p>\n");
	web_field_error(w, "artikel");
	html_lit(&w->h, "<select id=\"artikel\" name=\"artikel\" required "
			"aria-describedby=\"artikel-hint");
	if (e)
		html_lit(&w->h, " artikel-fel\" aria-invalid=\"true");
	html_lit(&w->h, "\">\n<option value=\"\">Välj artikel</option>\n");
	json_array_foreach(articles, i, a) {
		char id[24], pack[64];
		if (!group || strcmp(group, web_s(a, "area")) != 0) {
			if (group)
				html_lit(&w->h, "</optgroup>\n");
			group = web_s(a, "area");
			html_f(&w->h, "<optgroup label=\"%s\">\n", web_sv(group));
		}
		snprintf(id, sizeof(id), "%lld", (long long)web_i(a, "id"));
		html_f(&w->h, "<option value=\"%s\"", id);
		if (selected && strcmp(selected, id) == 0)
			html_lit(&w->h, " selected");
		package_text(a, 0, pack);
		html_f(&w->h, ">%s (%s), %s%s%s</option>\n", web_s(a, "name"),
		       web_s(a, "article_number"), pack,
		       web_b(a, "acute_assortment") ? ", akutsortiment" : "",
		       web_b(a, "special") && !web_b(a, "stocked") ? ", specialprodukt" : "");
	}
	if (group)
		html_lit(&w->h, "</optgroup>\n");
	html_lit(&w->h, "</select>\n</div>\n");
}

/* Writes a hidden input carrying a field's submitted value, if any. */
static void carry(struct web_ctx *w, const char *name)
{
	const char *v = web_field(w, name);

	if (v && *v)
		html_f(&w->h, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", name, v);
}

static int prescribe_page(struct web_ctx *w, unsigned status)
{
	json_t *p = patient_or_message(w, w->id[0]), *articles = NULL;
	const char *search = web_query(w, "sok");
	char path[64], num[24], last[11] = "", hint[160];
	int months;

	if (!p)
		return (int)w->resp->status;
	months = max_validity(w, last);
	{
		const char *q[] = { "limit", "1000", search && *search ? "q" : NULL, search, NULL };
		if (web_api(w, "GET", "/api/articles", q, NULL, &articles) != 200) {
			json_decref(articles);
			articles = NULL;
		}
	}
	id_number_text(num, web_s(p, "id_number"));
	web_begin(w, "Förskriv");
	html_f(&w->h, "<p>Patient: <a href=\"/patienter/%lld\">%s %s</a>, %s.</p>\n",
	       (long long)w->id[0], web_s(p, "given_name"), web_s(p, "family_name"), num);
	if (web_field(w, "fornyar"))
		html_lit(&w->h,
			 "<p>Du förnyar en förskrivning: artikel och mängd är ifyllda som förut. "
			 "Välj en ny sista giltighetsdag.</p>\n");

	/* A search that narrows the list of articles; the other fields are carried along. */
	snprintf(path, sizeof(path), "/patienter/%lld/forskriv", (long long)w->id[0]);
	html_f(&w->h, "<form method=\"get\" action=\"%s\" role=\"search\">\n", path);
	web_input(w, "sok", "Sök i sortimentet på namn", "search", search ? search : "", false,
		  NULL);
	carry(w, "artikel");
	carry(w, "uttag");
	carry(w, "antal");
	carry(w, "period");
	carry(w, "sista");
	carry(w, "fornyar");
	html_lit(&w->h, "<button type=\"submit\" class=\"secondary\">Sök i sortimentet</button>\n"
			"</form>\n");

	web_form(w, path, false);
	if (articles && !json_array_size(json_object_get(articles, "articles")))
		html_lit(&w->h, "<p>Ingen artikel matchar sökningen.</p>\n");
	article_select(w, json_object_get(articles, "articles"));
	web_input(w, "uttag", "Antal uttag", "number", NULL, true,
		  "Hur många gånger patienten får beställa på förskrivningen, 1–100.");
	web_input(w, "antal", "Antal förpackningar per uttag", "number", NULL, true, NULL);
	web_input(w, "period", "Period per uttag (dagar)", "number",
		  web_field(w, "period") ? NULL : "90", true,
		  "Hur länge ett uttag ska räcka, till exempel 30, 60 eller 90 dagar.");
	snprintf(hint, sizeof(hint),
		 "En förskrivning gäller högst %d månader: till och med %s om "
		 "den skrivs i dag.",
		 months, *last ? last : "–");
	web_input(w, "sista", "Sista giltighetsdag", "date", web_field(w, "sista") ? NULL : last,
		  true, hint);
	carry(w, "fornyar");
	web_form_end(w, "Spara förskrivningen");
	json_decref(articles);
	json_decref(p);
	return web_end(w, status);
}

int page_prescribe(struct web_ctx *w)
{
	return prescribe_page(w, 200);
}

/* A whole number in [min, max] from a field, or an error on the field. */
static bool int_field(struct web_ctx *w, const char *name, const char *what, long long min,
		      long long max, long long *out)
{
	const char *s = web_field(w, name);
	char *end;

	*out = s && *s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || *out < min || *out > max) {
		web_error(w, name, "Ange %s som ett heltal %lld–%lld.", what, min, max);
		return false;
	}
	return true;
}

int page_prescribe_post(struct web_ctx *w)
{
	static const char *const map[] = { "article_id",
					   "artikel",
					   "items",
					   "artikel",
					   "withdrawals_allowed",
					   "uttag",
					   "quantity_per_withdrawal",
					   "antal",
					   "period_days",
					   "period",
					   "last_valid",
					   "sista",
					   NULL };
	const char *last = web_field(w, "sista");
	long long article = 0, allowed = 0, qty = 0, period = 0;
	lmn_day last_day;
	json_t *body, *out = NULL;
	char path[64];
	int status;

	if (!web_field(w, "artikel") || !*web_field(w, "artikel"))
		web_error(w, "artikel", "Välj en artikel.");
	else
		int_field(w, "artikel", "artikeln", 1, INT64_MAX, &article);
	int_field(w, "uttag", "antal uttag", 1, 100, &allowed);
	int_field(w, "antal", "antal förpackningar per uttag", 1, 10000, &qty);
	int_field(w, "period", "perioden i dagar", 1, 366, &period);
	if (!last || strlen(last) != 10 || date_parse(last, 10, &last_day) != LMN_OK)
		web_error(w, "sista", "Ange sista giltighetsdag som ett datum ÅÅÅÅ-MM-DD.");
	if (w->nerrors)
		return prescribe_page(w, 400);

	body = json_pack("{s:[{s:I, s:I, s:I, s:I, s:s}]}", "items", "article_id",
			 (json_int_t)article, "withdrawals_allowed", (json_int_t)allowed,
			 "quantity_per_withdrawal", (json_int_t)qty, "period_days",
			 (json_int_t)period, "last_valid", last);
	snprintf(path, sizeof(path), "/api/patients/%lld/prescriptions", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, body, &out);
	if (status == 201) {
		json_decref(out);
		snprintf(path, sizeof(path), "/patienter/%lld?forskriven=1", (long long)w->id[0]);
		return web_redirect(w, path);
	}
	/* The API names the item ("items[0]: …"); the form has one. */
	if (strncmp(web_s(out, "detail"), "items[0]: ", 10) == 0)
		json_object_set_new(out, "detail", json_string(web_s(out, "detail") + 10));
	web_problem(w, out, map);
	json_decref(out);
	return prescribe_page(w, status >= 400 ? (unsigned)status : 422);
}

int page_prescription_cancel(struct web_ctx *w)
{
	const char *p = web_field(w, "patient");
	long long patient = p ? strtoll(p, NULL, 10) : 0;
	json_t *out = NULL;
	char path[64];
	int status;

	snprintf(path, sizeof(path), "/api/prescription-items/%lld/cancel", (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	if (status == 200) {
		json_decref(out);
		if (patient <= 0)
			return web_redirect(w, "/patienter");
		snprintf(path, sizeof(path), "/patienter/%lld?makulerad=1", patient);
		return web_redirect(w, path);
	}
	web_problem(w, out, NULL);
	json_decref(out);
	if (patient <= 0)
		return web_message(w, status >= 400 ? (unsigned)status : 422,
				   "Förskrivningen kunde inte makuleras",
				   "Gå tillbaka till patienten och försök igen.");
	return patient_page(w, patient, status >= 400 ? (unsigned)status : 422);
}

/* ---- Ordering for the patient ---- */

/* The order form's options for the role: prescribers request acute delivery (to the care unit if
 * need be); municipal staff choose the kind where the rules allow it; customer service orders on
 * someone's behalf with a reason. The API refuses what the rules in force do not allow. */
static unsigned order_options(struct web_ctx *w)
{
	if (prescriber(w))
		return ORDER_KIND | ORDER_CARE_UNIT;
	if (role_is(w, "customer_service"))
		return ORDER_ON_BEHALF | ORDER_KIND;
	return ORDER_KIND;
}

static int staff_order_page(struct web_ctx *w, unsigned status)
{
	json_t *p = patient_or_message(w, w->id[0]);
	json_t *refusal;
	char path[64], num[24];

	if (!p)
		return (int)w->resp->status;
	refusal = entry_refusal(w);
	if (refusal)
		w->nerrors =
			0; /* no form, so no fields for errors to point to: the notice says why */
	id_number_text(num, web_s(p, "id_number"));
	web_begin(w, role_is(w, "prescriber") ? "Beställ akut leverans" : "Beställ åt patienten");
	html_f(&w->h, "<p>Patient: <a href=\"/patienter/%lld\">%s %s</a>, %s.</p>\n",
	       (long long)w->id[0], web_s(p, "given_name"), web_s(p, "family_name"), num);
	if (refusal)
		entry_notice(w, refusal);
	else if (role_is(w, "prescriber"))
		html_lit(&w->h, "<p>Akut leverans kommer arbetsdagen efter beställningen, för "
				"artiklar i akutsortimentet.</p>\n");
	else if (municipal(w))
		html_f(&w->h,
		       "<p>Kommunen beställer åt personer i kommunalt boende. Leveransen "
		       "kommer senast %d arbetsdagar efter beställningen.</p>\n",
		       lead_time_today(w));
	else
		html_lit(&w->h,
			 "<p>Ange vem som begär beställningen och varför kundtjänst lägger "
			 "den. Reglerna avgör vilken typ av leverans som får beställas och av "
			 "vem.</p>\n");
	if (!refusal) {
		snprintf(path, sizeof(path), "/patienter/%lld/bestall", (long long)w->id[0]);
		order_form(w, w->id[0], path, order_options(w));
	}
	json_decref(p);
	return web_end(w, status);
}

int page_staff_order(struct web_ctx *w)
{
	return staff_order_page(w, 200);
}

int page_staff_order_post(struct web_ctx *w)
{
	int64_t order;
	int status = order_submit(w, w->id[0], order_options(w), &order);
	char path[64];

	if (status != 200 && status != 201)
		return staff_order_page(w, status >= 400 ? (unsigned)status : 422);
	snprintf(path, sizeof(path), "/bestallningar/%lld?ny=1", (long long)order);
	return web_redirect(w, path);
}
