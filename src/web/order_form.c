/* The order form, shared by every role that orders: the patient, municipal staff, customer service
 * (with a reason) and prescribers (acute requests). Lines come from the patient's prescription
 * items that may be ordered now; delivery is home, a pickup point among the ten nearest, or the
 * care unit. A refusal is shown next to the field it concerns, with the rule that refused. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pages.h"

static const char *const kinds[] = { "normal",	"Normal leverans", "acute", "Akut leverans",
				     "express", "Expressleverans", NULL };
static const char *const requesters[] = {
	"patient",	     "Patienten själv",	     "prescriber",
	"Förskrivaren",	     "municipal_prescriber", "Kommunens förskrivare",
	"municipal_orderer", "Kommunens beställare", NULL
};
static const char *const notifications[] = { "sms",  "sms",   "email",	 "e-post", "letter",
					     "brev", "phone", "telefon", NULL };

/* The kinds of delivery the rules in force today allow the user to request (Spec B 3:3), as /api/me
 * gives them: acute only for its requesting roles, express only while it is offered. Customer
 * service orders for someone else, so it gets a kind that any of the requesters it may name could
 * ask for. */
static void allowed_kinds(struct web_ctx *w, const char *out[7])
{
	json_t *allowed = json_object_get(json_object_get(w->me, "ordering"), "kinds"), *k;
	size_t i, n = 0;

	out[n++] = kinds[0];
	out[n++] = kinds[1];
	for (const char *const *kind = kinds + 2; *kind; kind += 2)
		json_array_foreach(allowed, i, k)
			if (json_is_string(k) && strcmp(json_string_value(k), kind[0]) == 0) {
				out[n++] = kind[0];
				out[n++] = kind[1];
				break;
			}
	out[n] = NULL;
}

static bool checked(struct web_ctx *w, const char *name, const char *value, bool dflt)
{
	bool any = false;

	for (size_t i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i].name, name) == 0) {
			any = true;
			if (strcmp(w->fields[i].value, value) == 0)
				return true;
		}
	return !any && strcmp(w->req->method, "POST") != 0 && dflt;
}

static void radio(struct web_ctx *w, const char *name, const char *value, const char *label,
		  bool dflt)
{
	html_f(&w->h,
	       "<label class=\"choice\"><input type=\"radio\" name=\"%s\" value=\"%s\"%s> %s</label>\n",
	       name, value, checked(w, name, value, dflt) ? " checked" : "", label);
}

/* One checkbox and quantity per prescription item that may be ordered now; returns how many. */
static size_t order_lines(struct web_ctx *w, json_t *items)
{
	size_t i, orderable = 0;
	json_t *it;

	json_array_foreach(json_object_get(items, "items"), i, it) {
		char name[32], id[24], pack[64], qty[16];
		int64_t item = web_i(it, "id");
		json_t *a = json_object_get(it, "article");

		if (!web_b(it, "may_order_now"))
			continue;
		orderable++;
		snprintf(id, sizeof(id), "%lld", (long long)item);
		snprintf(name, sizeof(name), "antal-%lld", (long long)item);
		snprintf(qty, sizeof(qty), "%lld", (long long)web_i(it, "quantity_per_withdrawal"));
		package_text(a, 0, pack);
		html_f(&w->h,
		       "<div class=\"card\">\n<label class=\"choice\"><input type=\"checkbox\" "
		       "name=\"rad\" value=\"%s\"%s> <span><strong>%s</strong> (%s, %s)</span>"
		       "</label>\n",
		       id, checked(w, "rad", id, orderable == 1) ? " checked" : "",
		       web_s(a, "name"), web_s(a, "article_number"), pack);
		char label[96];
		snprintf(label, sizeof(label), "Antal förpackningar (högst %s)", qty);
		web_input(w, name, label, "number", web_field(w, name) ? NULL : qty, false, NULL);
		html_lit(&w->h, "</div>\n");
	}
	return orderable;
}

/* Nothing to send: no delivery choices and no button, a way back instead. */
static void nothing_orderable(struct web_ctx *w, int64_t patient_id, const char *action)
{
	html_lit(&w->h, "<p>Inget kan beställas just nu. Se när nästa uttag får göras på "
			"förskrivningarna.</p>\n</fieldset>\n</form>\n");
	if (strncmp(action, "/patienter/", 11) == 0)
		html_f(&w->h, "<p><a href=\"/patienter/%lld\">Tillbaka till patienten</a></p>\n",
		       (long long)patient_id);
	else
		html_lit(&w->h, "<p><a href=\"/mina-sidor\">Tillbaka till förskrivningarna</a>"
				"</p>\n");
}

/* The choice of delivery home, with the address when the register has one. */
static void home_choice(struct web_ctx *w, json_t *patient)
{
	if (*web_s(patient, "address")) {
		const char *pc = web_s(patient, "postal_code");
		char home[256];

		/* The address itself, so that the patient sees where it goes before sending; the
		 * postal code as it is written ("413 29"). */
		snprintf(home, sizeof(home), "Hem till adressen i folkbokföringen: %s, %.3s%s%s %s",
			 web_s(patient, "address"), pc, strlen(pc) == 5 ? " " : "",
			 strlen(pc) > 3 ? pc + 3 : "", web_s(patient, "city"));
		radio(w, "leverans", "home", home, true);
		html_lit(&w->h,
			 "<p class=\"hint\">Eller till en tillfällig leveransadress, de dagar "
			 "den gäller (Mina uppgifter).</p>\n");
	} else {
		radio(w, "leverans", "home",
		      "Hem till adressen i folkbokföringen (eller till en tillfällig leveransadress "
		      "under Mina uppgifter, de dagar den gäller)",
		      true);
	}
}

/* The nearest pickup points to choose among, and how to be told the parcel has come. */
static void pickup_choice(struct web_ctx *w, json_t *points)
{
	size_t i, n = json_array_size(json_object_get(points, "pickup_points"));
	const char **opts = calloc(2 * n + 1, sizeof(*opts));
	char(*labels)[200] = calloc(n, sizeof(*labels));
	char(*ids)[24] = calloc(n, sizeof(*ids));
	json_t *pp;

	if (opts && labels && ids) {
		json_array_foreach(json_object_get(points, "pickup_points"), i, pp) {
			snprintf(ids[i], sizeof(ids[i]), "%lld", (long long)web_i(pp, "id"));
			snprintf(labels[i], sizeof(labels[i]), "%s, %s, %s", web_s(pp, "name"),
				 web_s(pp, "address"), web_s(pp, "city"));
			opts[2 * i] = ids[i];
			opts[2 * i + 1] = labels[i];
		}
		web_select(w, "utlamningsstalle", "Utlämningsställe (de tio närmaste)", opts, NULL);
	}
	free(opts);
	free(labels);
	free(ids);
	web_select(w, "avisering", "Avisering när paketet kan hämtas", notifications, NULL);
}

/* Where the order goes: home, a pickup point or the care unit, with the door code. */
static void delivery_fieldset(struct web_ctx *w, json_t *patient, json_t *points, unsigned options)
{
	bool pickup = json_array_size(json_object_get(points, "pickup_points")) > 0;

	html_lit(&w->h, "<fieldset>\n<legend>Hur ska det levereras?</legend>\n");
	web_field_error(w, "leverans");
	home_choice(w, patient);
	if (pickup)
		radio(w, "leverans", "pickup_point", "Till ett utlämningsställe nära dig", false);
	if (options & ORDER_CARE_UNIT)
		radio(w, "leverans", "care_unit", "Till vårdenheten", false);
	web_input(w, "portkod", "Portkod (om det behövs)", "text", NULL, false, NULL);
	if (pickup)
		pickup_choice(w, points);
	if (options & ORDER_CARE_UNIT)
		web_input(w, "enhet", "Vårdenhetens nummer (vid leverans till vårdenhet)", "number",
			  NULL, false, NULL);
	html_lit(&w->h, "</fieldset>\n");
}

/* An idempotency key per form: submitting twice (or reloading) places one order. */
static void idempotency_field(struct web_ctx *w)
{
	if (web_field(w, "nyckel")) {
		html_f(&w->h, "<input type=\"hidden\" name=\"nyckel\" value=\"%s\">\n",
		       web_field(w, "nyckel"));
	} else {
		unsigned char r[16];
		char key[33];
		randombytes_buf(r, sizeof(r));
		sodium_bin2hex(key, sizeof(key), r, sizeof(r));
		html_f(&w->h, "<input type=\"hidden\" name=\"nyckel\" value=\"%s\">\n", key);
	}
}

void order_form(struct web_ctx *w, int64_t patient_id, const char *action, unsigned options)
{
	char path[64], postal[16];
	json_t *items = NULL, *patient = NULL, *points = NULL;

	snprintf(path, sizeof(path), "/api/patients/%lld", (long long)patient_id);
	web_api(w, "GET", path, NULL, NULL, &patient);
	snprintf(path, sizeof(path), "/api/patients/%lld/prescriptions", (long long)patient_id);
	if (web_api(w, "GET", path, NULL, NULL, &items) != 200) {
		html_lit(&w->h, "<p>Förskrivningarna kunde inte hämtas.</p>\n");
		goto out;
	}
	snprintf(postal, sizeof(postal), "%s", web_s(patient, "postal_code"));
	if (*postal) {
		const char *q[] = { "postal_code", postal, NULL };
		web_api(w, "GET", "/api/pickup-points", q, NULL, &points);
	}

	web_form(w, action, false);
	html_lit(&w->h, "<fieldset>\n<legend>Vad vill du beställa?</legend>\n");
	web_field_error(w, "rad");
	if (!order_lines(w, items)) {
		nothing_orderable(w, patient_id, action);
		goto out;
	}
	html_lit(&w->h, "</fieldset>\n");

	if (options & ORDER_KIND) {
		const char *allowed[7];

		allowed_kinds(w, allowed);
		web_select(w, "typ", "Typ av leverans", allowed, NULL);
	}
	if (options & ORDER_ON_BEHALF) {
		web_select(w, "bestallare", "Vem begär beställningen?", requesters, NULL);
		web_input(w, "skal", "Skäl till att kundtjänst beställer", "text", NULL, true,
			  "Till exempel: patienten ringde och bad om hjälp.");
	}
	delivery_fieldset(w, patient, points, options);
	idempotency_field(w);
	web_form_end(w, "Skicka beställningen");
out:
	json_decref(items);
	json_decref(patient);
	json_decref(points);
}

/* The chosen lines as the API takes them; a missing quantity is an error next to its field.
 * ids[] gets the chosen items in order, to map the API's lines[i] back to the form. */
static json_t *submitted_lines(struct web_ctx *w, int64_t ids[64], size_t *nids)
{
	json_t *lines = json_array();

	for (size_t i = 0; i < w->nfields && *nids < 64; i++) {
		char name[32];
		const char *q;
		long long item;
		char *end;

		if (strcmp(w->fields[i].name, "rad") != 0)
			continue;
		item = strtoll(w->fields[i].value, &end, 10);
		if (*end || item <= 0)
			continue;
		snprintf(name, sizeof(name), "antal-%lld", item);
		q = web_field(w, name);
		long long n = q ? strtoll(q, &end, 10) : 0;
		if (!q || !*q || *end || n < 1) {
			web_error(w, name, "Ange antal förpackningar, minst 1.");
			continue;
		}
		ids[(*nids)++] = item;
		json_array_append_new(lines,
				      json_pack("{s:I, s:I}", "prescription_item_id",
						(json_int_t)item, "quantity", (json_int_t)n));
	}
	return lines;
}

/* The delivery as the API takes it, from the form's method and its details. */
static json_t *submitted_delivery(struct web_ctx *w, const char *method)
{
	json_t *delivery = json_object();

	json_object_set_new(delivery, "method", json_string(method));
	if (web_field(w, "portkod") && *web_field(w, "portkod"))
		json_object_set_new(delivery, "door_code", json_string(web_field(w, "portkod")));
	if (strcmp(method, "pickup_point") == 0) {
		const char *pp = web_field(w, "utlamningsstalle");
		json_object_set_new(delivery, "pickup_point_id",
				    json_integer(pp ? strtoll(pp, NULL, 10) : 0));
		if (web_field(w, "avisering"))
			json_object_set_new(delivery, "notification",
					    json_string(web_field(w, "avisering")));
	}
	if (strcmp(method, "care_unit") == 0 && web_field(w, "enhet") && *web_field(w, "enhet"))
		json_object_set_new(delivery, "unit_id",
				    json_integer(strtoll(web_field(w, "enhet"), NULL, 10)));
	return delivery;
}

/* The API's refusal next to the form's field: lines[i] is the i-th chosen product. */
static void order_problem(struct web_ctx *w, json_t *out, unsigned options, const int64_t *ids,
			  size_t nids)
{
	const char *f = web_s(out, "field");
	char mapped[32] = "";
	size_t li;
	if (sscanf(f, "lines[%zu]", &li) == 1 && li < nids)
		snprintf(mapped, sizeof(mapped), "antal-%lld", (long long)ids[li]);
	const char *map[] = { "lines",
			      "rad",
			      "kind",
			      "typ",
			      "requested_by",
			      (options & ORDER_ON_BEHALF) ? "bestallare"
			      : (options & ORDER_KIND)	  ? "typ"
							  : "",
			      "reason",
			      "skal",
			      "delivery",
			      "leverans",
			      "delivery.method",
			      "leverans",
			      "delivery.notification",
			      "avisering",
			      "delivery.pickup_point_id",
			      "utlamningsstalle",
			      "delivery.door_code",
			      "portkod",
			      "delivery.unit_id",
			      "enhet",
			      "Idempotency-Key",
			      "",
			      *mapped ? f : NULL,
			      mapped,
			      NULL };
	web_problem(w, out, map);
}

int order_submit(struct web_ctx *w, int64_t patient_id, unsigned options, int64_t *order_id)
{
	const char *method = web_field(w, "leverans");
	json_t *lines, *body, *out = NULL;
	int64_t ids[64];
	size_t nids = 0;
	char path[64];
	int status;

	*order_id = 0;
	lines = submitted_lines(w, ids, &nids);
	if (!nids && !w->nerrors)
		web_error(w, "rad", "Välj minst en produkt att beställa.");
	if (!method)
		web_error(w, "leverans", "Välj hur det ska levereras.");
	if (w->nerrors) {
		json_decref(lines);
		return 400;
	}
	body = json_object();
	json_object_set_new(body, "lines", lines);
	json_object_set_new(body, "delivery", submitted_delivery(w, method));
	if ((options & ORDER_KIND) && web_field(w, "typ"))
		json_object_set_new(body, "kind", json_string(web_field(w, "typ")));
	if (options & ORDER_ON_BEHALF) {
		if (web_field(w, "bestallare"))
			json_object_set_new(body, "requested_by",
					    json_string(web_field(w, "bestallare")));
		if (web_field(w, "skal"))
			json_object_set_new(body, "reason", json_string(web_field(w, "skal")));
	}
	/* The form's key makes a double submit (or a reload) place one order, not two. */
	w->idempotency_key = web_field(w, "nyckel") && strlen(web_field(w, "nyckel")) >= 8
				     ? web_field(w, "nyckel")
				     : NULL;
	snprintf(path, sizeof(path), "/api/patients/%lld/orders", (long long)patient_id);
	status = web_api(w, "POST", path, NULL, body, &out);
	w->idempotency_key = NULL;
	if (status == 200 || status == 201)
		*order_id = web_i(out, "id");
	else
		order_problem(w, out, options, ids, nids);
	json_decref(out);
	return status;
}
