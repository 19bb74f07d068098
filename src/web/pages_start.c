/* The start pages' work lists of staff who work with patients (issue 20): the prescriber's
 * prescriptions that end soon, the municipal staff's residents in municipal housing with what each
 * may order now, and registering a new patient found by a valid personnummer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web/pages.h"

/* The prescriber's unit's items that end within 30 days, the first to end first. */
void start_expiring(struct web_ctx *w)
{
	const char *q[] = { "days", "30", NULL };
	json_t *out = NULL, *it;
	size_t i;

	html_lit(&w->h, "<h2>Förskrivningar som snart upphör</h2>\n");
	if (web_api(w, "GET", "/api/prescriptions/expiring", q, NULL, &out) != 200) {
		html_lit(&w->h, "<p>Listan kunde inte visas just nu.</p>\n");
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "items"))) {
		html_f(&w->h, "<p>Inga av enhetens förskrivningar upphör till och med %s.</p>\n",
		       web_s(out, "until"));
		json_decref(out);
		return;
	}
	html_f(&w->h,
	       "<table class=\"responsive worklist\">\n<caption>Enhetens förskrivningar som "
	       "upphör till och med %s, den som upphör först överst</caption>\n<thead><tr>"
	       "<th scope=\"col\">Patient</th><th scope=\"col\">Artikel</th>"
	       "<th scope=\"col\">Sista giltighetsdag</th><th scope=\"col\">Uttag kvar</th>"
	       "<th scope=\"col\">Förnya</th></tr></thead>\n<tbody>\n",
	       web_s(out, "until"));
	json_array_foreach(json_object_get(out, "items"), i, it) {
		json_t *p = json_object_get(it, "patient"), *a = json_object_get(it, "article");
		long long pid = (long long)web_i(p, "id");

		html_f(&w->h,
		       "<tr><td data-label=\"Patient\"><a href=\"/patienter/%lld\">%s %s</a></td>"
		       "<td data-label=\"Artikel\">%s (%s)</td>"
		       "<td data-label=\"Sista giltighetsdag\">%s</td>"
		       "<td data-label=\"Uttag kvar\">%lld av %lld</td>"
		       "<td data-label=\"Förnya\"><a class=\"button secondary\" "
		       "href=\"/patienter/%lld/forskriv?artikel=%lld&amp;uttag=%lld&amp;antal=%lld"
		       "&amp;period=%lld&amp;fornyar=%lld\">Förnya <span class=\"sr\">%s för %s "
		       "%s</span></a></td></tr>\n",
		       pid, web_s(p, "given_name"), web_s(p, "family_name"), web_s(a, "name"),
		       web_s(a, "article_number"), web_s(it, "last_valid"),
		       (long long)web_i(it, "withdrawals_remaining"),
		       (long long)web_i(it, "withdrawals_allowed"), pid, (long long)web_i(a, "id"),
		       (long long)web_i(it, "withdrawals_allowed"),
		       (long long)web_i(it, "quantity_per_withdrawal"),
		       (long long)web_i(it, "period_days"), (long long)web_i(it, "id"),
		       web_s(a, "name"), web_s(p, "given_name"), web_s(p, "family_name"));
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(out);
}

/* The items of a resident as "Namn (nummer), N förp." separated by semicolons. */
static void items_text(struct web_ctx *w, json_t *items, bool next)
{
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it) {
		json_t *a = json_object_get(it, "article");

		if (i)
			html_lit(&w->h, "; ");
		html_f(&w->h, "%s, %lld förp.", web_s(a, "name"),
		       (long long)web_i(it, "quantity_per_withdrawal"));
		if (next && *web_s(it, "next_earliest")) {
			char day[48];

			web_when(day, web_s(it, "next_earliest"));
			html_f(&w->h, " från %s", day);
		}
	}
}

/* The key of one submit of the residents' form: each resident's order gets it with the patient's
 * id added, so a double submit (or a reload) places each order once. */
static void form_key(struct web_ctx *w)
{
	unsigned char r[16];
	char key[33];

	if (web_field(w, "nyckel") && strlen(web_field(w, "nyckel")) == 32) {
		html_f(&w->h, "<input type=\"hidden\" name=\"nyckel\" value=\"%s\">\n",
		       web_field(w, "nyckel"));
		return;
	}
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(key, sizeof(key), r, sizeof(r));
	html_f(&w->h, "<input type=\"hidden\" name=\"nyckel\" value=\"%s\">\n", key);
}

/* Whether the form ticked the checkbox NAME with the value id. */
static bool ticked(struct web_ctx *w, const char *name, int64_t id)
{
	for (size_t i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i].name, name) == 0 &&
		    strtoll(w->fields[i].value, NULL, 10) == id)
			return true;
	return false;
}

/* The municipality's residents in municipal housing, with what each may order today. An orderer
 * ticks the residents to order for and sends one form: an order each, of what each may order now. */
void start_residents(struct web_ctx *w, bool may_order)
{
	json_t *out = NULL, *r;
	size_t i, now = 0;

	html_lit(&w->h, "<h2>Invånare i kommunalt boende</h2>\n");
	if (web_api(w, "GET", "/api/municipal-housing/residents", NULL, NULL, &out) != 200) {
		html_lit(&w->h, "<p>Listan kunde inte visas just nu.</p>\n");
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "residents"))) {
		html_lit(&w->h,
			 "<p>Kommunen har inga invånare i kommunalt boende i systemet.</p>\n");
		json_decref(out);
		return;
	}
	json_array_foreach(json_object_get(out, "residents"), i, r)
		now += json_array_size(json_object_get(r, "orderable")) > 0;
	may_order = may_order && now > 0;
	if (may_order) {
		web_form(w, "/boende/bestall", false);
		html_lit(&w->h,
			 "<p id=\"boende-hjalp\">Markera de invånare du vill beställa åt och "
			 "skicka en gång: var och en får en egen beställning av det som kan "
			 "beställas nu, med hemleverans till sin adress på boendet.</p>\n");
		web_field_error(w, "invanare");
	}
	html_f(&w->h,
	       "<table class=\"responsive worklist\" id=\"invanare\" tabindex=\"-1\">\n"
	       "<caption>%zu invånare i kommunalt "
	       "boende i %s, %zu med något att beställa i dag</caption>\n<thead><tr>"
	       "<th scope=\"col\">Namn</th><th scope=\"col\">Kan beställas nu</th>"
	       "<th scope=\"col\">Senare</th><th scope=\"col\">Beställ</th></tr></thead>\n"
	       "<tbody>\n",
	       json_array_size(json_object_get(out, "residents")), web_s(out, "municipality"), now);
	json_array_foreach(json_object_get(out, "residents"), i, r) {
		json_t *orderable = json_object_get(r, "orderable"),
		       *later = json_object_get(r, "later");
		long long pid = (long long)web_i(r, "id");

		html_f(&w->h,
		       "<tr><td data-label=\"Namn\"><a href=\"/patienter/%lld\">%s %s</a></td>"
		       "<td data-label=\"Kan beställas nu\">",
		       pid, web_s(r, "given_name"), web_s(r, "family_name"));
		if (json_array_size(orderable))
			items_text(w, orderable, false);
		else
			html_lit(&w->h, "Inget i dag");
		html_lit(&w->h, "</td><td data-label=\"Senare\">");
		if (json_array_size(later))
			items_text(w, later, true);
		else
			html_lit(&w->h, "–");
		html_lit(&w->h, "</td><td data-label=\"Beställ\">");
		if (may_order && json_array_size(orderable))
			html_f(&w->h,
			       "<input type=\"checkbox\" name=\"invanare\" value=\"%lld\" "
			       "id=\"invanare-%lld\"%s> <label for=\"invanare-%lld\">Beställ "
			       "<span class=\"sr\">åt %s %s</span></label> <a "
			       "href=\"/patienter/%lld/bestall\">Välj själv <span class=\"sr\">"
			       "vad som beställs åt %s %s</span></a>",
			       pid, pid, ticked(w, "invanare", pid) ? " checked" : "", pid,
			       web_s(r, "given_name"), web_s(r, "family_name"), pid,
			       web_s(r, "given_name"), web_s(r, "family_name"));
		else
			html_lit(&w->h, "–");
		html_lit(&w->h, "</td></tr>\n");
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	if (may_order) {
		web_input(w, "portkod", "Portkod till boendet (om en behövs)", "text", NULL, false,
			  "Gäller alla beställningar du skickar nu.");
		form_key(w);
		web_form_end(w, "Beställ åt de markerade");
	}
	json_decref(out);
}

/* One resident's order of everything orderable now, at the prescribed quantity, delivered home. */
static void order_for_resident(struct web_ctx *w, json_t *r, const char *key)
{
	json_t *lines = json_array(), *delivery, *out = NULL, *it;
	char path[64], idem[64];
	size_t i;
	int status;

	json_array_foreach(json_object_get(r, "orderable"), i, it)
		json_array_append_new(lines,
				      json_pack("{s:I, s:I}", "prescription_item_id",
						(json_int_t)web_i(it, "id"), "quantity",
						(json_int_t)web_i(it, "quantity_per_withdrawal")));
	delivery = json_pack("{s:s}", "method", "home");
	if (web_field(w, "portkod") && *web_field(w, "portkod"))
		json_object_set_new(delivery, "door_code", json_string(web_field(w, "portkod")));
	snprintf(path, sizeof(path), "/api/patients/%lld/orders", (long long)web_i(r, "id"));
	snprintf(idem, sizeof(idem), "%s-%lld", key, (long long)web_i(r, "id"));
	w->idempotency_key = idem;
	status = web_api(w, "POST", path, NULL,
			 json_pack("{s:o, s:o}", "lines", lines, "delivery", delivery), &out);
	w->idempotency_key = NULL;
	html_f(&w->h,
	       "<tr><th scope=\"row\" data-label=\"Invånare\">%s %s</th>"
	       "<td data-label=\"Beställt\">",
	       web_s(r, "given_name"), web_s(r, "family_name"));
	items_text(w, json_object_get(r, "orderable"), false);
	if (status == 200 || status == 201) {
		char due[48];

		day_in_words(web_s(out, "due"), web_s(out, "received_at"), due);
		html_f(&w->h,
		       "</td><td data-label=\"Resultat\"><a href=\"/bestallningar/%lld\">"
		       "Beställning %lld</a> är mottagen, levereras senast %s.</td></tr>\n",
		       (long long)web_i(out, "id"), (long long)web_i(out, "id"), due);
	} else {
		html_f(&w->h,
		       "</td><td data-label=\"Resultat\"><strong>Inte beställt:</strong> %s"
		       "</td></tr>\n",
		       *web_s(out, "detail") ? web_s(out, "detail")
					     : "beställningen kunde inte tas emot just nu.");
	}
	json_decref(out);
}

int page_residents_order_post(struct web_ctx *w)
{
	json_t *out = NULL, *r;
	const char *key = web_field(w, "nyckel");
	size_t i, chosen = 0;
	int status;

	for (i = 0; i < w->nfields; i++)
		chosen += strcmp(w->fields[i].name, "invanare") == 0;
	if (!key || strlen(key) != 32)
		return web_message(w, 400, "Formuläret är ofullständigt",
				   "Ladda om startsidan och försök igen.");
	if (!chosen) {
		web_error(w, "invanare", "Markera minst en invånare att beställa åt.");
		web_begin(w, "Patienter");
		start_residents(w, true);
		return web_end(w, 400);
	}
	status = web_api(w, "GET", "/api/municipal-housing/residents", NULL, NULL, &out);
	if (status != 200) {
		json_decref(out);
		return web_message(
			w, status >= 400 ? (unsigned)status : 500,
			"Beställningarna kunde inte läggas",
			"Listan över invånarna kunde inte läsas just nu. Inget är beställt.");
	}
	web_begin(w, "Beställningar åt invånare i kommunalt boende");
	html_lit(&w->h,
		 "<table class=\"responsive\">\n<caption>Vad som beställdes åt var och en"
		 "</caption>\n<thead><tr><th scope=\"col\">Invånare</th>"
		 "<th scope=\"col\">Beställt</th><th scope=\"col\">Resultat</th></tr></thead>\n"
		 "<tbody>\n");
	json_array_foreach(json_object_get(out, "residents"), i, r) {
		if (!ticked(w, "invanare", web_i(r, "id")))
			continue;
		if (json_array_size(json_object_get(r, "orderable")))
			order_for_resident(w, r, key);
		else
			html_f(&w->h,
			       "<tr><th scope=\"row\" data-label=\"Invånare\">%s %s</th>"
			       "<td data-label=\"Beställt\">–</td><td data-label=\"Resultat\">"
			       "Inget kan beställas i dag.</td></tr>\n",
			       web_s(r, "given_name"), web_s(r, "family_name"));
	}
	html_lit(&w->h, "</tbody>\n</table>\n<p><a href=\"/patienter\">Tillbaka till listan"
			"</a></p>\n");
	json_decref(out);
	return web_end(w, 200);
}

/* ---- Registering a new patient ---- */

/* The 49 municipalities of Västra Götaland (data/municipalities.txt, embedded in the API). */
extern const char api_municipalities_txt[];

static void municipality_select(struct web_ctx *w)
{
	const char *e = web_error_for(w, "kommun"), *selected = web_field(w, "kommun");
	const char *l = api_municipalities_txt;

	html_f(&w->h, "<div class=\"field%s\">\n<label for=\"kommun\">Kommun</label>\n",
	       e ? " invalid" : "");
	html_lit(&w->h,
		 "<p class=\"hint\" id=\"kommun-hint\">Kommunen där patienten bor. Den avgör "
		 "vem som bär kostnaden.</p>\n");
	web_field_error(w, "kommun");
	html_lit(&w->h,
		 "<select id=\"kommun\" name=\"kommun\" required aria-describedby=\"kommun-hint");
	if (e)
		html_lit(&w->h, " kommun-fel\" aria-invalid=\"true");
	html_lit(&w->h, "\">\n<option value=\"\">Välj kommun</option>\n");
	while (*l) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char name[128];

		if (*l != '#' && len && len < sizeof(name)) {
			memcpy(name, l, len);
			name[len] = '\0';
			html_f(&w->h, "<option%s>%s</option>\n",
			       selected && strcmp(selected, name) == 0 ? " selected" : "", name);
		}
		l += len + (end != NULL);
	}
	html_lit(&w->h, "</select>\n</div>\n");
}

static int register_page(struct web_ctx *w, unsigned status)
{
	static const char *const housing[] = { "0", "Ordinärt boende", "1", "Kommunalt boende",
					       NULL };

	web_begin(w, "Registrera ny patient");
	html_lit(&w->h,
		 "<p>Personnumret finns inte i systemet. Registrera patienten med namn och "
		 "adress. Din enhet får då en vårdrelation till patienten, och patienten ser i "
		 "sin logg att enheten registrerade uppgifterna.</p>\n");
	web_form(w, "/patienter/ny", false);
	web_input(w, "personnummer", "Personnummer", "text", NULL, true,
		  "ÅÅÅÅMMDD-NNNN, eller ett samordningsnummer.");
	web_input(w, "fornamn", "Förnamn", "text", NULL, true, NULL);
	web_input(w, "efternamn", "Efternamn", "text", NULL, true, NULL);
	web_input(w, "adress", "Gatuadress", "text", NULL, true, NULL);
	web_input(w, "postnummer", "Postnummer", "text", NULL, true, "Fem siffror, t.ex. 411 01.");
	web_input(w, "ort", "Ort", "text", NULL, true, NULL);
	web_input(w, "telefon", "Telefon", "tel", NULL, false, "Frivilligt.");
	municipality_select(w);
	web_select(w, "boende", "Boende", housing, web_field(w, "boende"));
	web_form_end(w, "Registrera patienten");
	return web_end(w, status);
}

int page_patient_new(struct web_ctx *w)
{
	return register_page(w, 200);
}

/* A required text field: an error next to it when empty. */
static const char *required(struct web_ctx *w, const char *name, const char *message)
{
	const char *v = web_field(w, name);

	if (!v || strspn(v, " \t\r\n") == strlen(v)) {
		web_error(w, name, "%s", message);
		return "";
	}
	return v;
}

int page_patient_new_post(struct web_ctx *w)
{
	static const char *const map[] = { "id_number",	  "personnummer", "given_name",	  "fornamn",
					   "family_name", "efternamn",	  "address",	  "adress",
					   "postal_code", "postnummer",	  "city",	  "ort",
					   "phone",	  "telefon",	  "municipality", "kommun",
					   NULL };
	const char *number = required(w, "personnummer", "Ange patientens personnummer.");
	const char *given = required(w, "fornamn", "Ange patientens förnamn.");
	const char *family = required(w, "efternamn", "Ange patientens efternamn.");
	const char *address = required(w, "adress", "Ange patientens gatuadress.");
	const char *postal = required(w, "postnummer", "Ange postnumret med fem siffror.");
	const char *city = required(w, "ort", "Ange orten.");
	const char *municipality = required(w, "kommun", "Välj kommunen där patienten bor.");
	const char *phone = web_field(w, "telefon"), *boende = web_field(w, "boende");
	json_t *body, *out = NULL;
	char path[64];
	int status;

	if (w->nerrors)
		return register_page(w, 400);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id_number", number,
			 "given_name", given, "family_name", family, "address", address,
			 "postal_code", postal, "city", city, "municipality", municipality,
			 "municipal_housing", boende && strcmp(boende, "1") == 0);
	if (body && phone && *phone)
		json_object_set_new(body, "phone", json_string(phone));
	status = web_api(w, "POST", "/api/patients", NULL, body, &out);
	if (status == 201) {
		snprintf(path, sizeof(path), "/patienter/%lld?registrerad=1",
			 (long long)web_i(out, "id"));
		json_decref(out);
		return web_redirect(w, path);
	}
	if (status == 409) {
		/* The number is taken: the patient is found as a search by the number shows them. */
		json_object_set_new(out, "detail",
				    json_string(
					    "En patient med det personnumret finns redan. Sök fram "
					    "patienten på personnumret i stället."));
	}
	web_problem(w, out, map);
	json_decref(out);
	return register_page(w, status >= 400 ? (unsigned)status : 422);
}

/* ---- Renewal requests ---- */

/* The unit's open requests to renew, the oldest first, each with a link to renew. */
void start_renewal_requests(struct web_ctx *w)
{
	json_t *out = NULL, *it;
	size_t i;

	html_lit(&w->h, "<h2>Begärda förnyelser</h2>\n");
	if (web_api(w, "GET", "/api/renewal-requests", NULL, NULL, &out) != 200) {
		html_lit(&w->h, "<p>Listan kunde inte visas just nu.</p>\n");
		json_decref(out);
		return;
	}
	if (!json_array_size(json_object_get(out, "requests"))) {
		html_lit(&w->h, "<p>Inga patienter har begärt förnyelse.</p>\n");
		json_decref(out);
		return;
	}
	html_lit(&w->h,
		 "<table class=\"responsive worklist\">\n<caption>Patienter som har begärt "
		 "att enheten förnyar en förskrivning, den äldsta begäran överst</caption>\n"
		 "<thead><tr><th scope=\"col\">Patient</th><th scope=\"col\">Artikel</th>"
		 "<th scope=\"col\">Sista giltighetsdag</th><th scope=\"col\">Uttag kvar</th>"
		 "<th scope=\"col\">Begärd</th><th scope=\"col\">Förnya</th></tr></thead>\n"
		 "<tbody>\n");
	json_array_foreach(json_object_get(out, "requests"), i, it) {
		json_t *p = json_object_get(it, "patient"), *a = json_object_get(it, "article");
		long long pid = (long long)web_i(p, "id");
		char day[11];

		/* The day of the request (its timestamp's date). */
		snprintf(day, sizeof(day), "%s", web_s(it, "requested_at"));
		html_f(&w->h,
		       "<tr><td data-label=\"Patient\"><a href=\"/patienter/%lld\">%s %s</a></td>"
		       "<td data-label=\"Artikel\">%s (%s)</td>"
		       "<td data-label=\"Sista giltighetsdag\">%s</td>"
		       "<td data-label=\"Uttag kvar\">%lld av %lld</td>"
		       "<td data-label=\"Begärd\">%s</td>"
		       "<td data-label=\"Förnya\"><a class=\"button\" "
		       "href=\"/patienter/%lld/forskriv?artikel=%lld&amp;uttag=%lld&amp;antal=%lld"
		       "&amp;period=%lld&amp;fornyar=%lld\">Förnya <span class=\"sr\">%s för %s "
		       "%s</span></a></td></tr>\n",
		       pid, web_s(p, "given_name"), web_s(p, "family_name"), web_s(a, "name"),
		       web_s(a, "article_number"), web_s(it, "last_valid"),
		       (long long)web_i(it, "withdrawals_remaining"),
		       (long long)web_i(it, "withdrawals_allowed"), day, pid,
		       (long long)web_i(a, "id"), (long long)web_i(it, "withdrawals_allowed"),
		       (long long)web_i(it, "quantity_per_withdrawal"),
		       (long long)web_i(it, "period_days"), (long long)web_i(it, "id"),
		       web_s(a, "name"), web_s(p, "given_name"), web_s(p, "family_name"));
	}
	html_lit(&w->h, "</tbody>\n</table>\n");
	json_decref(out);
}

int page_renewal_request_post(struct web_ctx *w)
{
	json_t *out = NULL;
	char path[80];
	int status;

	snprintf(path, sizeof(path), "/api/prescription-items/%lld/renewal-request",
		 (long long)w->id[0]);
	status = web_api(w, "POST", path, NULL, NULL, &out);
	if (status == 201 || status == 200) {
		json_decref(out);
		return web_redirect(w, "/mina-sidor?fornyelse=1");
	}
	status = web_message(w, status >= 400 ? (unsigned)status : 422,
			     "Förnyelsen kunde inte begäras", web_s(out, "detail"));
	json_decref(out);
	return status;
}
