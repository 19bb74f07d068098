/* Withdrawals (orders): placing one against the patient's prescription items, with the due date,
 * contact date and refusals from the rule engine as in force on the day of receipt; reading and
 * cancelling. An Idempotency-Key makes a client's retry return the first order, never a second. */
#include <string.h>

#include <sodium.h>

#include "api/address.h"
#include "api/api.h"
#include "core/prescription.h"
#include "rules/delivery.h"
#include "store/notices.h"
#include "store/orders.h"
#include "store/patients.h"
#include "store/prescriptions.h"
#include "store/staff.h"
#include "store/supply_read.h"

#define MAX_LINES 50

static const char *const notification_methods[] = { "email", "letter", "phone", "sms", NULL };

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* The order without its lines. Patient fields for the delivery follow the protected-identity
 * rule. */
static json_t *order_view_json(struct api_ctx *ctx, const struct order_view *v)
{
	json_t *o, *rules, *d;

	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)v->id,
		      "patient_id", (json_int_t)v->patient_id, "kind", v->kind, "channel",
		      v->channel, "requested_by", v->requested_by, "entered_by", v->entered_by,
		      "received_at", v->received_at, "due", v->due, "status", v->status,
		      "delivery_method", v->method);
	if (!o)
		return NULL;
	json_object_set_new(o, "contact_from",
			    v->contact_from ? json_string(v->contact_from) : json_null());
	rules = json_array();
	for (const char *t = v->rules + strspn(v->rules, " "); *t; t += strspn(t, " ")) {
		size_t n = strcspn(t, " ");

		json_array_append_new(rules, json_stringn(t, n));
		t += n;
	}
	json_object_set_new(o, "rules", rules);
	if (v->reason && *v->reason)
		json_object_set_new(o, "reason", json_string(v->reason));
	if (strcmp(v->method, "home") == 0 && (!v->protected_id || access_sees_protected(ctx)))
		d = api_address_json(v->address, v->postal_code, v->city, v->phone ? v->phone : "",
				     v->door_code);
	else
		d = json_object();
	if (strcmp(v->method, "pickup_point") == 0) {
		json_object_set_new(d, "pickup_point_id", json_integer(v->pickup_point_id));
		json_object_set_new(d, "notification",
				    json_string(v->notification ? v->notification : ""));
	} else if (strcmp(v->method, "care_unit") == 0) {
		json_object_set_new(d, "unit_id", json_integer(v->unit_id));
	}
	json_object_set_new(o, "delivery", d);
	return o;
}

static json_t *line_json(int64_t id, int64_t article_id, const char *article_number,
			 const char *name, int64_t quantity, int64_t item_id, int64_t shipped,
			 bool backordered, bool special)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:b, s:b}", "id", (json_int_t)id,
			 "article_id", (json_int_t)article_id, "article_number", article_number,
			 "name", name, "quantity", (json_int_t)quantity, "prescription_item_id",
			 (json_int_t)item_id, "shipped_quantity", (json_int_t)shipped,
			 "backordered", backordered, "special", special);
}

static enum lmn_rc line_json_add(void *arg, const struct order_line_view *l, struct lmn_err *err)
{
	(void)err;
	json_array_append_new(arg, line_json(l->id, l->article_id, l->article_number, l->name,
					     l->quantity, l->prescription_item_id,
					     l->shipped_quantity, l->backordered, l->special));
	return LMN_OK;
}

/* The order as JSON, with its lines, read from the store. */
static enum lmn_rc order_json(struct api_ctx *ctx, int64_t order_id, json_t **out, int64_t *patient)
{
	struct order_view v;
	json_t *o = NULL, *lines;
	int64_t point_id;
	bool row;
	enum lmn_rc rc;

	*out = NULL;
	rc = order_load(ctx->c, order_id, &v, &row, &ctx->err);
	if (rc == LMN_OK && !row)
		rc = lmn_err_set(&ctx->err, LMN_ENOTFOUND, NULL, NULL, "Beställningen finns inte.");
	if (rc != LMN_OK) {
		order_view_release(&v);
		return rc;
	}
	*patient = v.patient_id;
	o = order_view_json(ctx, &v);
	point_id = strcmp(v.method, "pickup_point") == 0 ? v.pickup_point_id : 0;
	order_view_release(&v);
	if (!o)
		return lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	/* Where to collect the parcel, for the receipt (issue 20). */
	if (point_id) {
		struct pickup_point_row pp;
		rc = pickup_point_get(ctx->c, point_id, &pp, &ctx->err);
		if (rc == LMN_OK)
			json_object_set_new(json_object_get(o, "delivery"), "pickup_point",
					    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
						      (json_int_t)pp.id, "code", pp.code, "name",
						      pp.name, "address", pp.address, "postal_code",
						      pp.postal_code, "city", pp.city));
		else if (rc != LMN_ENOTFOUND) {
			json_decref(o);
			return rc;
		}
	}
	lines = json_array();
	rc = order_lines_each(ctx->c, order_id, line_json_add, lines, &ctx->err);
	json_object_set_new(o, "lines", lines);
	if (rc != LMN_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return LMN_OK;
}

struct line_in {
	int64_t item_id;
	int64_t quantity;
	int64_t article_id;
	struct rx_item it;
	lmn_day prev_next;
	struct order_facts facts;
	/* For the answer and the report columns of the order (its first line's). */
	char article_number[33], name[128], area[16];
	bool special;
	int64_t unit_id, care_provider_id; /* the prescribing unit, which carries the cost */
	int64_t line_id;
};

struct order_in {
	enum order_kind kind;
	enum role requested_by, entered_by;
	bool municipal_housing; /* the patient's (read_housing_or_reply) */
	const char *channel;
	const char *reason;
	const char *idem;
	char idem_hash[65]; /* with idem: SHA-256 of the canonical request (path and body) */
	/* delivery */
	const char *method, *address, *postal_code, *city, *phone, *door_code, *notification;
	const char *notification_receiver, *comment, *contact_person, *invoice_address;
	int64_t pickup_point_id, unit_id, alternative_id;
	bool protected_id; /* the patient's identity is protected (read with a home address) */
	struct line_in lines[MAX_LINES];
	size_t nlines;
};

/* Who requests and enters, and through which channel, follows from the caller's role. */
static bool order_roles_or_reply(struct api_ctx *ctx, struct order_in *in)
{
	const char *requested = NULL;
	int r;

	if (!api_str_or_reply(ctx, "requested_by", false, &requested) ||
	    !api_str_or_reply(ctx, "reason", false, &in->reason))
		return false;
	switch (ctx->user.role) {
	case UR_PATIENT:
		/* The national patient portal's e-service orders for the patient it names. */
		in->requested_by = in->entered_by = ROLE_PATIENT;
		in->channel = ctx->user.via_1177 ? "1177" : "digital";
		break;
	case UR_PRESCRIBER:
		in->requested_by = in->entered_by = ROLE_PRESCRIBER;
		in->channel = "digital";
		break;
	case UR_MUNICIPAL_PRESCRIBER:
		in->requested_by = in->entered_by = ROLE_MUNICIPAL_PRESCRIBER;
		in->channel = "municipal";
		break;
	case UR_MUNICIPAL_ORDERER:
		in->requested_by = in->entered_by = ROLE_MUNICIPAL_ORDERER;
		in->channel = "municipal";
		break;
	case UR_CUSTOMER_SERVICE:
		/* On someone's behalf, with a reason (DOMAIN.md §2, §5). */
		in->entered_by = ROLE_CUSTOMER_SERVICE;
		in->requested_by = ROLE_PATIENT;
		in->channel = "customer_service";
		if (requested) {
			r = role_parse(requested, strlen(requested));
			if (r < 0 || r == ROLE_CUSTOMER_SERVICE) {
				api_problem(ctx, 400, "invalid_input", "requested_by", NULL,
					    "requested_by ska vara patient, prescriber, "
					    "municipal_prescriber eller municipal_orderer.");
				return false;
			}
			in->requested_by = (enum role)r;
		}
		if (!in->reason || strlen(in->reason) < 3) {
			api_problem(ctx, 400, "invalid_input", "reason", NULL,
				    "Ange skälet till att kundtjänst gör beställningen.");
			return false;
		}
		break;
	default:
		api_problem(ctx, 403, "role_not_allowed", NULL, NULL, "Rollen får inte beställa.");
		return false;
	}
	return true;
}

/* The request a key was first sent with, as a hash: the path and the body with its keys sorted
 * and no spaces, so that the same order sent again matches whatever its layout. */
static bool request_hash(struct api_ctx *ctx, char out[65])
{
	char *text = json_dumps(ctx->body, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_hash_sha256_state h;
	unsigned char sum[crypto_hash_sha256_BYTES];

	if (!text)
		return false;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)ctx->req->path,
				  strlen(ctx->req->path) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)text, strlen(text));
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(out, 65, sum, sizeof(sum));
	free(text);
	return true;
}

/* The Idempotency-Key, if any, with the hash of the request it comes with: false with the answer
 * written. */
static bool order_key_or_reply(struct api_ctx *ctx, struct order_in *in)
{
	if (in->idem && (strlen(in->idem) < 8 || strlen(in->idem) > 128)) {
		api_problem(ctx, 400, "invalid_input", "Idempotency-Key", NULL,
			    "Idempotency-Key ska vara 8–128 tecken.");
		return false;
	}
	if (in->idem && !request_hash(ctx, in->idem_hash)) {
		api_fail(ctx, lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
		return false;
	}
	return true;
}

/* The order's kind (normal unless given): false with the answer written. */
static bool order_kind_or_reply(struct api_ctx *ctx, const char *kind, struct order_in *in)
{
	int k;

	in->kind = KIND_NORMAL;
	if (!kind)
		return true;
	if ((k = kind_parse(kind, strlen(kind))) < 0) {
		api_problem(ctx, 400, "invalid_input", "kind", NULL,
			    "kind ska vara normal, acute eller express.");
		return false;
	}
	in->kind = (enum order_kind)k;
	return true;
}

/* The lines: 1 to MAX_LINES, each a prescription item (once) and a quantity. False with the
 * answer written. */
static bool order_lines_or_reply(struct api_ctx *ctx, struct order_in *in)
{
	json_t *lines = json_object_get(ctx->body, "lines");
	json_t *saved = ctx->body;
	bool ok;

	if (!json_is_array(lines) || json_array_size(lines) == 0 ||
	    json_array_size(lines) > MAX_LINES) {
		api_problem(ctx, 400, "invalid_input", "lines", NULL,
			    "lines ska vara en lista med 1–%d rader.", MAX_LINES);
		return false;
	}
	for (size_t i = 0; i < json_array_size(lines); i++) {
		struct line_in *l = &in->lines[in->nlines++];
		ctx->body = json_array_get(lines, i);
		if (!json_is_object(ctx->body)) {
			ctx->body = saved;
			api_problem(ctx, 400, "invalid_input", "lines", NULL,
				    "lines[%zu] ska vara ett objekt.", i);
			return false;
		}
		ok = api_int_or_reply(ctx, "prescription_item_id", true, 1, INT64_MAX,
				      &l->item_id) &&
		     api_int_or_reply(ctx, "quantity", true, 1, 10000, &l->quantity);
		ctx->body = saved;
		if (!ok)
			return false;
		for (size_t j = 0; j < i; j++)
			if (in->lines[j].item_id == l->item_id) {
				api_problem(ctx, 400, "invalid_input", "lines", NULL,
					    "Förskrivningsraden %lld finns två gånger.",
					    (long long)l->item_id);
				return false;
			}
	}
	return true;
}

/* The fields of the delivery object, read as they are: false with the answer written. */
static bool delivery_fields_or_reply(struct api_ctx *ctx, struct order_in *in)
{
	json_t *delivery = json_object_get(ctx->body, "delivery");
	json_t *saved = ctx->body;
	bool ok;

	if (!json_is_object(delivery)) {
		api_problem(ctx, 400, "invalid_input", "delivery", NULL,
			    "delivery saknas: ange method home, pickup_point eller care_unit.");
		return false;
	}
	ctx->body = delivery;
	ok = api_str_or_reply(ctx, "method", true, &in->method) &&
	     api_str_or_reply(ctx, "address", false, &in->address) &&
	     api_str_or_reply(ctx, "postal_code", false, &in->postal_code) &&
	     api_str_or_reply(ctx, "city", false, &in->city) &&
	     api_str_or_reply(ctx, "phone", false, &in->phone) &&
	     api_str_or_reply(ctx, "door_code", false, &in->door_code) &&
	     api_str_or_reply(ctx, "notification", false, &in->notification) &&
	     api_int_or_reply(ctx, "pickup_point_id", false, 1, INT64_MAX, &in->pickup_point_id) &&
	     api_int_or_reply(ctx, "unit_id", false, 1, INT64_MAX, &in->unit_id) &&
	     api_str_or_reply(ctx, "notification_receiver", false, &in->notification_receiver) &&
	     api_str_or_reply(ctx, "comment", false, &in->comment) &&
	     api_str_or_reply(ctx, "contact_person", false, &in->contact_person) &&
	     api_str_or_reply(ctx, "invoice_address", false, &in->invoice_address) &&
	     api_int_or_reply(ctx, "alternative_id", false, 1, INT64_MAX, &in->alternative_id);
	ctx->body = saved;
	return ok;
}

/* What each delivery method requires (a pickup point and a notification, a unit), and the
 * notification and door code in form: false with the answer written. */
static bool delivery_check_or_reply(struct api_ctx *ctx, const struct order_in *in)
{
	if (strcmp(in->method, "pickup_point") == 0) {
		if (!in->pickup_point_id || !in->notification ||
		    !one_of(in->notification, notification_methods)) {
			api_problem(ctx, 400, "invalid_input", "delivery.notification", NULL,
				    "Utlämningsställe kräver pickup_point_id och avisering: email, "
				    "letter, phone eller sms.");
			return false;
		}
	} else if (strcmp(in->method, "care_unit") == 0) {
		if (!in->unit_id) {
			api_problem(ctx, 400, "invalid_input", "delivery.unit_id", NULL,
				    "Leverans till vårdenhet kräver unit_id.");
			return false;
		}
	} else if (strcmp(in->method, "home") != 0) {
		api_problem(ctx, 400, "invalid_input", "delivery.method", NULL,
			    "delivery.method ska vara home, pickup_point eller care_unit.");
		return false;
	}
	if (in->notification && !one_of(in->notification, notification_methods)) {
		api_problem(ctx, 400, "invalid_input", "delivery.notification", NULL,
			    "Aviseringen ska vara email, letter, phone eller sms.");
		return false;
	}
	if (in->door_code && strlen(in->door_code) > 20) {
		api_problem(ctx, 400, "invalid_input", "delivery.door_code", NULL,
			    "Portkoden får vara högst 20 tecken.");
		return false;
	}
	return true;
}

/* The body of a placement read into in, in the order a client fixes it: false with the answer
 * written. */
static bool order_input_or_reply(struct api_ctx *ctx, struct order_in *in, const char *idem)
{
	const char *kind = NULL;

	memset(in, 0, sizeof(*in));
	in->idem = idem;
	return order_key_or_reply(ctx, in) && api_str_or_reply(ctx, "kind", false, &kind) &&
	       order_roles_or_reply(ctx, in) && order_kind_or_reply(ctx, kind, in) &&
	       order_lines_or_reply(ctx, in) && delivery_fields_or_reply(ctx, in) &&
	       delivery_check_or_reply(ctx, in);
}

/* An earlier order with the same key from the same caller: the retry gets that order back.
 * hash gets the hash of its request ("" for an order from before they were kept). */
static enum lmn_rc find_idempotent(struct api_ctx *ctx, const char *key, int64_t *order_id,
				   char hash[65])
{
	*order_id = 0;
	*hash = '\0';
	if (!key)
		return LMN_OK;
	return order_by_idempotency_key(ctx->c, ctx->user.id, key, order_id, hash, &ctx->err);
}

/* May line i be withdrawn from its prescription item as read into l->it? */
static bool check_withdrawal_or_reply(struct api_ctx *ctx, size_t i, struct line_in *l)
{
	enum rx_refusal why;
	char field[48];
	enum lmn_rc rc;

	rc = rx_check_withdrawal(&l->it, ctx->today, (int)l->quantity, ctx->app->params, &why,
				 &ctx->err);
	if (rc == LMN_OK)
		return true;
	snprintf(field, sizeof(field), "lines[%zu]", i);
	api_problem(ctx, rc == LMN_EREFUSED ? 422 : 400, rx_refusal_code(why), field, ctx->err.rule,
		    "Rad %zu: %s", i + 1, ctx->err.message);
	return false;
}

/* Loads and checks one line against its prescription item and the rule engine. */
static bool check_line_or_reply(struct api_ctx *ctx, const struct order_in *in, size_t i,
				struct line_in *l, struct delivery_decision *d)
{
	struct prescription_order_item p;
	bool row;
	enum lmn_rc rc;
	char field[48];

	snprintf(field, sizeof(field), "lines[%zu]", i);
	rc = prescription_item_for_order(ctx->c, l->item_id, &p, &row, &ctx->err);
	if (rc != LMN_OK || !row || p.patient_id != ctx->id[0]) {
		if (rc != LMN_OK)
			api_fail(ctx, rc);
		else
			api_problem(ctx, 422, "prescription_not_found", field, NULL,
				    "Förskrivningsraden %lld finns inte för den här patienten.",
				    (long long)l->item_id);
		return false;
	}
	l->it = p.it;
	l->prev_next = l->it.next_earliest;
	l->article_id = p.article_id;
	order_facts_init(&l->facts);
	l->facts.received_day = ctx->today;
	l->facts.received_sec = ctx->now_sec;
	l->facts.kind = in->kind;
	l->facts.requested_by = in->requested_by;
	l->facts.entered_by = in->entered_by;
	l->facts.municipal_housing = in->municipal_housing;
	l->facts.area = area_parse(p.area, strlen(p.area));
	l->facts.stocked = p.stocked;
	l->facts.acute_assortment = p.acute_assortment;
	l->facts.special = p.special;
	row = p.active;
	snprintf(l->article_number, sizeof(l->article_number), "%s", p.article_number);
	snprintf(l->name, sizeof(l->name), "%s", p.name);
	snprintf(l->area, sizeof(l->area), "%s", p.area);
	l->special = l->facts.special;
	l->unit_id = p.unit_id;
	l->care_provider_id = p.care_provider_id;
	if (!row) {
		api_problem(ctx, 422, "article_inactive", field, NULL,
			    "Artikeln på rad %zu finns inte längre i sortimentet.", i + 1);
		return false;
	}
	/* Who may enter and what the delivery rules allow come first (the rule engine's order),
	 * then the prescription. */
	rc = delivery_decide(ctx->app->params, &l->facts, d, &ctx->err);
	if (rc == LMN_EREFUSED) {
		struct buf msg;
		buf_init(&msg, 4096);
		delivery_message(d, &msg);
		api_problem(ctx, 422, delivery_code_name(d->code),
			    d->code == DELIVERY_ARTICLE_NOT_ELIGIBLE ? field
			    : d->code == DELIVERY_ENTRY_NOT_ALLOWED ||
					    d->code == DELIVERY_REQUESTER_NOT_ALLOWED
				    ? "requested_by"
				    : "kind",
			    d->rs->src[d->refused_by]->ref, "%s", msg.data ? msg.data : "");
		buf_release(&msg);
		return false;
	}
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	return check_withdrawal_or_reply(ctx, i, l);
}

/* Where it goes: home (the patient's address unless another is given), a pickup point or a unit. */
static bool resolve_delivery_or_reply(struct api_ctx *ctx, struct order_in *in, char address[256],
				      char postal[8], char city[64], char phone[32])
{
	bool row;
	enum lmn_rc rc;

	address[0] = postal[0] = city[0] = phone[0] = '\0';
	if (strcmp(in->method, "home") == 0) {
		struct patient_delivery p;
		char today[11];

		date_format(ctx->today, today);
		rc = patient_delivery_address(ctx->c, ctx->id[0], today, &p, &row, &ctx->err);
		if (rc == LMN_OK && row) {
			snprintf(address, 256, "%s", in->address ? in->address : p.address);
			snprintf(postal, 8, "%s",
				 in->postal_code ? in->postal_code : p.postal_code);
			snprintf(city, 64, "%s", in->city ? in->city : p.city);
			snprintf(phone, 32, "%s", in->phone ? in->phone : p.phone);
			in->protected_id = p.protected_identity;
		}
		if (rc != LMN_OK) {
			api_fail(ctx, rc);
			return false;
		}
		if (strlen(postal) != 5 || strspn(postal, "0123456789") != 5) {
			api_problem(ctx, 400, "invalid_input", "delivery.postal_code", NULL,
				    "Postnumret ska ha fem siffror.");
			return false;
		}
		if (!*phone) {
			api_problem(ctx, 400, "invalid_input", "delivery.phone", NULL,
				    "Hemleverans kräver ett telefonnummer för aviseringen.");
			return false;
		}
		return true;
	}
	if (strcmp(in->method, "pickup_point") == 0) {
		struct pickup_point_row pp;

		rc = pickup_point_get(ctx->c, in->pickup_point_id, &pp, &ctx->err);
		row = rc == LMN_OK;
		if (rc == LMN_ENOTFOUND)
			rc = LMN_OK;
	} else {
		rc = unit_exists(ctx->c, in->unit_id, &row, &ctx->err);
	}
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!row) {
		api_problem(ctx, 422, "not_found",
			    strcmp(in->method, "pickup_point") == 0 ? "delivery.pickup_point_id"
								    : "delivery.unit_id",
			    NULL, "Utlämningsstället eller enheten finns inte.");
		return false;
	}
	return true;
}

/* Whether the patient lives in municipal housing, for the rule engine: municipal staff order only
 * for them where the rule in force says so (DOMAIN.md §5; rules/delivery.c). Asked only when
 * municipal staff enter the order; false with the answer written. */
static bool read_housing_or_reply(struct api_ctx *ctx, struct order_in *in)
{
	enum lmn_rc rc;

	in->municipal_housing = true;
	if (in->entered_by != ROLE_MUNICIPAL_PRESCRIBER && in->entered_by != ROLE_MUNICIPAL_ORDERER)
		return true;
	rc = patient_in_municipal_housing(ctx->c, ctx->id[0], &in->municipal_housing, &ctx->err);
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!in->municipal_housing) {
		/* Asked before the lines, as the ordering right it is: the rule engine decides. */
		struct order_facts f;
		struct delivery_decision d;
		order_facts_init(&f);
		f.received_day = ctx->today;
		f.received_sec = ctx->now_sec;
		f.requested_by = in->requested_by;
		f.entered_by = in->entered_by;
		f.municipal_housing = false;
		if (delivery_decide(ctx->app->params, &f, &d, &ctx->err) == LMN_EREFUSED &&
		    d.refused_by == P_MUNICIPAL_ENTRY_HOUSING_ONLY) {
			struct buf msg;
			buf_init(&msg, 1024);
			delivery_message(&d, &msg);
			api_problem(ctx, 422, delivery_code_name(d.code), NULL,
				    d.rs->src[d.refused_by]->ref, "%s", msg.data ? msg.data : "");
			buf_release(&msg);
			return false;
		}
	}
	return true;
}

/* A retry's answer: its first order (o, stolen), whose read the placement's job recorded. */
static int answer_existing(struct api_ctx *ctx, json_t *o, int64_t patient)
{
	if (patient != ctx->id[0]) {
		json_decref(o);
		return api_problem(ctx, 409, "idempotency_key_reused", "Idempotency-Key", NULL,
				   "Nyckeln har redan använts för en annan patient.");
	}
	return api_json(ctx, 200, o);
}

/* A placement, a write job (api_write): checked and written by the store's writer thread in one
 * writing transaction, so what the checks read (the Idempotency-Key, the prescription items) is
 * what the order changes, and on the writer's page cache, which commits do not empty. */
struct place {
	struct api_ctx *ctx;
	struct order_in *in;
	char address[256], postal[8], city[64], phone[32], day[11], due[11], contact[11];
	const char *contact_from; /* contact or NULL */
	struct buf rules;
	int64_t order_id;
	json_t *existing; /* a retry's first order (then nothing else is written) */
	int64_t existing_patient;
	bool refused; /* the answer is written (LMN_EREFUSED) */
};

/* Whether the order may be placed; false with the answer written. */
static bool place_check_or_reply(struct place *pl)
{
	struct api_ctx *ctx = pl->ctx;
	struct order_in *in = pl->in;
	struct delivery_decision d;
	lmn_day contact_from = LMN_DAY_NONE;

	if (!access_patient_or_reply(ctx, ctx->id[0]) || !read_housing_or_reply(ctx, in) ||
	    !resolve_delivery_or_reply(ctx, in, pl->address, pl->postal, pl->city, pl->phone))
		return false;
	for (size_t i = 0; i < in->nlines; i++) {
		if (!check_line_or_reply(ctx, in, i, &in->lines[i], &d))
			return false;
		/* Every line shares the day and kind, so the due date is the same; the contact date
		 * applies unless every line is exempt (special non-stocked products, Spec B 3:6). */
		if (d.contact_from != LMN_DAY_NONE)
			contact_from = d.contact_from;
		for (int r = 0; r < d.nrules; r++)
			if (!pl->rules.data || !strstr(pl->rules.data, d.rules[r]->ref)) {
				if (pl->rules.len)
					buf_addc(&pl->rules, ' ');
				buf_adds(&pl->rules, d.rules[r]->ref);
			}
	}
	date_format(ctx->today, pl->day);
	date_format(d.due, pl->due);
	if (contact_from != LMN_DAY_NONE)
		date_format(contact_from, pl->contact);
	pl->contact_from = contact_from != LMN_DAY_NONE ? pl->contact : NULL;
	if (strcmp(in->method, "home") == 0) { /* what was resolved is what is written */
		in->address = pl->address;
		in->postal_code = pl->postal;
		in->city = pl->city;
		in->phone = pl->phone;
	}
	return true;
}

/* A retry (an earlier order with the key, its request's hash in hash): its first order is the
 * answer, and reading it is recorded (the patient's, shown to the caller only if it is the
 * patient of the request). */
static enum lmn_rc place_retry(struct place *pl, int64_t existing, const char *hash)
{
	struct api_ctx *ctx = pl->ctx;
	enum lmn_rc rc;

	if ((rc = order_json(ctx, existing, &pl->existing, &pl->existing_patient)) != LMN_OK)
		return rc;
	/* The same key with another order is a mistake of the client's, not a retry. */
	if (pl->existing_patient == ctx->id[0] && *hash && strcmp(hash, pl->in->idem_hash) != 0) {
		api_problem(ctx, 422, "idempotency_key_reused", "Idempotency-Key", NULL,
			    "Nyckeln i rubriken Idempotency-Key har redan använts för en "
			    "annan beställning. En ny beställning behöver en ny nyckel.");
		pl->refused = true;
		return LMN_EREFUSED;
	}
	if (pl->existing_patient == ctx->id[0])
		rc = access_record(ctx, pl->existing_patient, ACCESS_READ,
				   "beställning (upprepad begäran)");
	return rc;
}

/* The order as written, checked; the report columns (migration 7) from the first line, as its
 * trigger would set them. */
static struct order_row place_row(const struct place *pl)
{
	const struct api_ctx *ctx = pl->ctx;
	const struct order_in *in = pl->in;
	const bool home = strcmp(in->method, "home") == 0;

	return (struct order_row){
		.patient_id = ctx->id[0],
		.kind = kind_name(in->kind),
		.channel = in->channel,
		.requested_by = role_name(in->requested_by),
		.entered_by = role_name(in->entered_by),
		.entered_by_user = ctx->user.id,
		.reason = in->reason,
		.received_at = ctx->now,
		.received_day = pl->day,
		.due = pl->due,
		.contact_from = pl->contact_from,
		.rules = pl->rules.data ? pl->rules.data : "",
		.delivery_method = in->method,
		.delivery_address = home ? in->address : NULL,
		.delivery_postal_code = home ? in->postal_code : NULL,
		.delivery_city = home ? in->city : NULL,
		.delivery_phone = home ? in->phone : NULL,
		.door_code = home ? in->door_code : NULL,
		.pickup_point_id = in->pickup_point_id,
		.notification = in->notification, /* a pickup point's, or a home delivery's call */
		.unit_id = strcmp(in->method, "care_unit") == 0 ? in->unit_id : 0,
		.idempotency_key = in->idem,
		.idempotency_user = in->idem ? ctx->user.id : 0,
		.idempotency_hash = in->idem ? in->idem_hash : NULL,
		.area = in->lines[0].area,
		.care_provider_id = in->lines[0].care_provider_id,
		.cost_unit_id = in->lines[0].unit_id,
		.orderer = ctx->user.via_1177 ? ctx->user.orderer : NULL,
		.by_delegate = ctx->user.by_delegate,
		.delivery_comment = in->comment,
		.contact_person = in->contact_person,
		.notification_receiver = in->notification_receiver,
		.invoice_address = in->invoice_address,
		.delivery_alternative_id = in->alternative_id,
	};
}

/* The order's lines, each a withdrawal from its prescription item, which it advances. */
static enum lmn_rc place_lines(struct place *pl)
{
	struct api_ctx *ctx = pl->ctx;
	enum lmn_rc rc;

	for (size_t i = 0; i < pl->in->nlines; i++) {
		struct line_in *l = &pl->in->lines[i];
		char prev[11], next[11];

		if (l->prev_next != LMN_DAY_NONE)
			date_format(l->prev_next, prev);
		rx_apply_withdrawal(&l->it, ctx->today, ctx->app->params);
		date_format(l->it.next_earliest, next);
		const struct order_line_row lr = {
			.order_id = pl->order_id,
			.article_id = l->article_id,
			.prescription_item_id = l->item_id,
			.quantity = l->quantity,
			.prev_next_earliest = l->prev_next != LMN_DAY_NONE ? prev : NULL,
		};
		if ((rc = order_lines_insert(ctx->c, &lr, &l->line_id, &ctx->err)) != LMN_OK)
			return rc;
		rc = prescription_item_withdrawn(ctx->c, l->item_id, l->it.withdrawals_remaining,
						 next, &ctx->err);
		if (rc != LMN_OK)
			return rc;
	}
	return LMN_OK;
}

/* The patient's notice, in the order's transaction: an order rolled back tells nothing. */
static enum lmn_rc place_notice(struct place *pl)
{
	struct api_ctx *ctx = pl->ctx;
	struct notice_facts nf = { .order_id = pl->order_id, .day = LMN_DAY_NONE };
	lmn_day due;

	if (date_parse(pl->due, 10, &due) == LMN_OK)
		nf.day = due;
	return notices_enqueue(ctx->c, ctx->id[0], pl->order_id, NOTICE_ORDER_RECEIVED, &nf,
			       ctx->now, NULL, &ctx->err);
}

static enum lmn_rc place_job(struct api_ctx *ctx, void *arg)
{
	struct place *pl = arg;
	int64_t existing;
	char hash[65];
	enum lmn_rc rc;

	pl->ctx = ctx;
	if ((rc = find_idempotent(ctx, pl->in->idem, &existing, hash)) != LMN_OK)
		return rc;
	if (existing)
		return place_retry(pl, existing, hash);
	if (!place_check_or_reply(pl)) {
		/* Refused maybe for what the key's own order changed (its withdrawal), placed by
		 * another server since the look above (PostgreSQL: each statement reads what is
		 * committed; SQLite's one writer lets none in between): then it is the answer. */
		if (pl->in->idem &&
		    (rc = find_idempotent(ctx, pl->in->idem, &existing, hash)) == LMN_OK &&
		    existing)
			return place_retry(pl, existing, hash);
		pl->refused = true;
		return LMN_EREFUSED;
	}
	const struct order_row row = place_row(pl);
	if ((rc = orders_insert(ctx->c, &row, &pl->order_id, &ctx->err)) != LMN_OK)
		return rc;
	if (!pl->order_id) { /* another server placed the key's order meanwhile: a retry */
		if ((rc = find_idempotent(ctx, pl->in->idem, &existing, hash)) != LMN_OK)
			return rc;
		if (!existing)
			return lmn_err_set(&ctx->err, LMN_EIO, NULL, NULL,
					   "the order of an Idempotency-Key was not found");
		return place_retry(pl, existing, hash);
	}
	if ((rc = place_lines(pl)) != LMN_OK || (rc = place_notice(pl)) != LMN_OK)
		return rc;
	return access_record(ctx, ctx->id[0], ACCESS_CREATE, "beställning");
}

static void place_release(void *arg)
{
	struct place *pl = arg;

	if (pl) {
		json_decref(pl->existing);
		buf_release(&pl->rules);
		free(pl->in);
	}
	free(pl);
}

/* The answer to a placement, once its job's outcome is known. */
static int place_after(struct api_ctx *ctx, void *arg, enum lmn_rc rc)
{
	struct place *pl = arg;
	struct order_in *in = pl->in;
	json_t *o, *lines;

	if (rc == LMN_OK && pl->existing) {
		o = pl->existing;
		pl->existing = NULL;
		return answer_existing(ctx, o, pl->existing_patient);
	}
	if (rc == LMN_EREFUSED && pl->refused)
		return (int)ctx->resp->status;
	if (rc != LMN_OK)
		return api_fail(ctx, rc);

	/* The answer is what was written, as GET /api/orders/{id} shows it. */
	o = order_view_json(ctx,
			    &(struct order_view){
				    .id = pl->order_id,
				    .patient_id = ctx->id[0],
				    .kind = kind_name(in->kind),
				    .channel = in->channel,
				    .requested_by = role_name(in->requested_by),
				    .entered_by = role_name(in->entered_by),
				    .received_at = ctx->now,
				    .due = pl->due,
				    .contact_from = pl->contact_from,
				    .rules = pl->rules.data ? pl->rules.data : "",
				    .status = "received",
				    .method = in->method,
				    .reason = in->reason,
				    .address = pl->address,
				    .postal_code = pl->postal,
				    .city = pl->city,
				    .phone = pl->phone,
				    .door_code =
					    strcmp(in->method, "home") == 0 ? in->door_code : NULL,
				    .notification = in->notification,
				    .pickup_point_id = in->pickup_point_id,
				    .unit_id =
					    strcmp(in->method, "care_unit") == 0 ? in->unit_id : 0,
				    .protected_id = in->protected_id });
	lines = json_array();
	for (size_t i = 0; o && lines && i < in->nlines; i++) {
		const struct line_in *l = &in->lines[i];
		json_array_append_new(lines, line_json(l->line_id, l->article_id, l->article_number,
						       l->name, l->quantity, l->item_id, 0, false,
						       l->special));
	}
	if (!o || !lines) {
		json_decref(lines);
		json_decref(o);
		return api_fail(ctx,
				lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	}
	json_object_set_new(o, "lines", lines);
	return api_json(ctx, 201, o);
}

/* Places an order: its input is read here, then it is checked and written as a write job. */
int orders_create(struct api_ctx *ctx)
{
	struct place *pl = calloc(1, sizeof(*pl));
	int status;

	if (!pl || !(pl->in = calloc(1, sizeof(*pl->in)))) {
		free(pl);
		return api_fail(ctx,
				lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	}
	buf_init(&pl->rules, 1024);
	pl->ctx = ctx;
	if (!ctx->body) {
		status = api_problem(ctx, 400, "invalid_input", NULL, NULL,
				     "Beställningen saknas (JSON-objekt med lines och delivery).");
	} else if (!order_input_or_reply(ctx, pl->in,
					 ctx->req->lookup(ctx->req->conn, HTTP_HEADER,
							  "Idempotency-Key"))) {
		status = (int)ctx->resp->status;
	} else {
		return api_write(ctx, place_job, place_after, pl, place_release);
	}
	place_release(pl);
	return status;
}

/* Several orders placed as one (api.h: orders_place_all): a place per order, one write job. */
struct place_all {
	struct place *pl[ORDERS_MAX_AT_ONCE];
	size_t n;
	struct order_placed *out;
};

static enum lmn_rc place_all_job(struct api_ctx *ctx, void *arg)
{
	struct place_all *pa = arg;
	enum lmn_rc rc;

	for (size_t i = 0; i < pa->n; i++) {
		struct place *pl = pa->pl[i];
		int64_t patient = 0;

		if ((rc = place_job(ctx, pl)) != LMN_OK)
			return rc;
		if (pl->existing) {
			json_t *lines = json_object_get(pl->existing, "lines");
			json_t *line;
			size_t j;

			patient = pl->existing_patient;
			if (patient != ctx->id[0]) {
				answer_existing(ctx, pl->existing, patient);
				pl->existing = NULL;
				pl->refused = true;
				return LMN_EREFUSED;
			}
			pa->out[i].order_id =
				json_integer_value(json_object_get(pl->existing, "id"));
			pa->out[i].retry = true;
			json_array_foreach(lines, j, line)
				pa->out[i].special |=
					json_is_true(json_object_get(line, "special"));
		} else {
			pa->out[i].order_id = pl->order_id;
			for (size_t j = 0; j < pl->in->nlines; j++)
				pa->out[i].special |= pl->in->lines[j].special;
		}
	}
	return LMN_OK;
}

static int place_all_after(struct api_ctx *ctx, void *arg, enum lmn_rc rc)
{
	struct place_all *pa = arg;

	for (size_t i = 0; i < pa->n; i++)
		pa->out[i].refused = rc == LMN_EREFUSED && pa->pl[i]->refused;
	for (size_t i = 0; i < pa->n; i++)
		if (pa->out[i].refused)
			return (int)ctx->resp->status;
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	ctx->resp->status = 201;
	return 201;
}

static void place_all_release(void *arg)
{
	struct place_all *pa = arg;

	for (size_t i = 0; i < pa->n; i++)
		place_release(pa->pl[i]);
}

enum lmn_rc orders_place_all(struct api_ctx *ctx, json_t *const *bodies, const char *const *keys,
			     size_t n, struct order_placed *out)
{
	struct place_all pa = { .n = 0, .out = out };
	json_t *saved = ctx->body;
	struct http_req *req = ctx->req;
	struct http_req now = *req;
	int status;

	if (n == 0 || n > ORDERS_MAX_AT_ONCE)
		return lmn_err_set(&ctx->err, LMN_EINVAL, NULL, NULL, "1 to %d orders at once",
				   ORDERS_MAX_AT_ONCE);
	memset(out, 0, n * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct place *pl = calloc(1, sizeof(*pl));

		if (!pl || !(pl->in = calloc(1, sizeof(*pl->in)))) {
			free(pl);
			place_all_release(&pa);
			return lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
		}
		buf_init(&pl->rules, 1024);
		pl->ctx = ctx;
		pa.pl[pa.n++] = pl;
		ctx->body = bodies[i];
		if (!order_input_or_reply(ctx, pl->in, keys[i])) {
			out[i].refused = true;
			ctx->body = saved;
			place_all_release(&pa);
			return LMN_EREFUSED;
		}
	}
	ctx->body = saved;
	/* At once: the caller writes its answer from what was placed. */
	now.suspend = NULL;
	now.resume = NULL;
	ctx->req = &now;
	status = api_write(ctx, place_all_job, place_all_after, &pa, place_all_release);
	ctx->req = req;
	return status == 201 ? LMN_OK : ctx->resp->status < 500 ? LMN_EREFUSED : LMN_EIO;
}

int orders_get(struct api_ctx *ctx)
{
	json_t *o = NULL;
	int64_t patient;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = order_json(ctx, ctx->id[0], &o, &patient);
	/* An order that does not exist is answered as one outside the caller's reach (a 404 would
	 * tell which ids exist), except to customer service, who reach every order. */
	if (rc == LMN_ENOTFOUND && ctx->user.role != UR_CUSTOMER_SERVICE) {
		if (access_order_or_reply(ctx, ctx->id[0], 0))
			access_refuse(ctx);
		return (int)ctx->resp->status;
	}
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	/* The distributor sees what delivery needs: the orders it has to deliver and those it
	 * delivered lately, not the history. */
	if (!access_order_or_reply(ctx, ctx->id[0], patient)) {
		json_decref(o);
		return (int)ctx->resp->status;
	}
	rc = access_record(ctx, patient, ACCESS_READ, "beställning");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(o);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, o);
}

/* The order list, as a write job (below). */
struct order_list {
	int64_t limit, before;
	struct buf out;
	bool first;   /* no order written yet */
	bool refused; /* the answer is written */
};

/* Writes one order of the list as JSON text. */
static enum lmn_rc order_list_add(void *arg, const struct order_list_row *r, struct lmn_err *err)
{
	struct order_list *ol = arg;
	struct buf *out = &ol->out;
	const char *const texts[] = { r->kind, r->channel, r->received_at, r->due };
	static const char *const keys[] = { ",\"kind\":", ",\"channel\":", ",\"received_at\":",
					    ",\"due\":" };

	(void)err;
	buf_adds(out, ol->first ? "{\"id\":" : ",{\"id\":");
	ol->first = false;
	buf_add_int(out, r->id);
	for (int k = 0; k < 4; k++) {
		buf_adds(out, keys[k]);
		buf_add_json_string(out, texts[k], strlen(texts[k]));
	}
	buf_adds(out, ",\"status\":");
	buf_add_json_string(out, r->status, strlen(r->status));
	buf_adds(out, ",\"delivery_method\":");
	buf_add_json_string(out, r->method, strlen(r->method));
	buf_adds(out, ",\"lines\":");
	buf_add_int(out, r->lines);
	buf_adds(out, ",\"contact_from\":");
	if (!r->contact_from)
		buf_adds(out, "null}");
	else {
		buf_add_json_string(out, r->contact_from, strlen(r->contact_from));
		buf_addc(out, '}');
	}
	return LMN_OK;
}

static enum lmn_rc order_list_job(struct api_ctx *ctx, void *arg)
{
	struct order_list *ol = arg;
	enum lmn_rc rc;

	if (!access_patient_or_reply(ctx, ctx->id[0])) {
		ol->refused = true;
		return LMN_EREFUSED;
	}
	buf_adds(&ol->out, "{\"orders\":[");
	ol->first = true;
	rc = orders_of_patient_each(ctx->c, ctx->id[0], ol->before, ol->limit, order_list_add, ol,
				    &ctx->err);
	buf_adds(&ol->out, "]}");
	if (rc != LMN_OK)
		return rc;
	return access_record(ctx, ctx->id[0], ACCESS_READ, "beställningar");
}

static int order_list_after(struct api_ctx *ctx, void *arg, enum lmn_rc rc)
{
	struct order_list *ol = arg;

	if (rc == LMN_EREFUSED && ol->refused)
		return (int)ctx->resp->status;
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json_text(ctx, 200, &ol->out);
}

static void order_list_release(void *arg)
{
	struct order_list *ol = arg;

	buf_release(&ol->out);
	free(ol);
}

/* A patient's orders, newest first, the answer read most: written as JSON text straight away, and
 * read in one job with its access-log row (api_read_logged). On SQLite the job runs on the store's
 * writer thread, the one connection whose page cache survives commits (another connection reads
 * every page again after any commit), so its pages are at hand; on PostgreSQL the list is read
 * beside other writers, and only the row waits for the write lock. The answer goes out once the
 * row is durable, and with it everything the list showed. */
int orders_list(struct api_ctx *ctx)
{
	struct order_list *ol = calloc(1, sizeof(*ol));

	if (!ol)
		return api_fail(ctx,
				lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	if (!api_query_int_or_reply(ctx, "limit", 50, 1, 500, &ol->limit) ||
	    !api_query_int_or_reply(ctx, "before", INT64_MAX, 1, INT64_MAX, &ol->before)) {
		free(ol);
		return (int)ctx->resp->status;
	}
	buf_init(&ol->out, BUF_DEFAULT_MAX);
	return api_read_logged(ctx, order_list_job, order_list_after, ol, order_list_release);
}

int orders_cancel(struct api_ctx *ctx)
{
	int64_t patient = 0;
	char status[32] = "";
	bool row;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = order_patient_status(ctx->c, ctx->id[0], &patient, status, sizeof(status), &row,
				  &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!row)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Beställningen finns inte.");
	if (!access_patient_or_reply(ctx, patient))
		return (int)ctx->resp->status;
	if (strcmp(status, "received") != 0)
		return api_problem(ctx, 409, "already_shipped", NULL, NULL,
				   "Beställningen har redan skickats och kan inte makuleras.");
	/* Give the withdrawals back to their prescription items. */
	rc = prescription_items_restore(ctx->c, ctx->id[0], &ctx->err);
	if (rc == LMN_OK)
		rc = order_set_status(ctx->c, ctx->id[0], "cancelled", &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, patient, ACCESS_UPDATE, "beställning makulerad");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200,
			json_pack("{s:I, s:s}", "id", (json_int_t)ctx->id[0], "status",
				  "cancelled"));
}
