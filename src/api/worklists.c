/* The work lists of the start pages (issue 20): the prescriber's unit's prescription items that end
 * soon, and the municipal orderer's residents in municipal housing with what each may order now.
 * Each answer is one list view in the access log. */
#include <string.h>

#include "api/api.h"
#include "core/prescription.h"
#include "store/worklists.h"

/* Whether an item may be drawn on today, as a patient's prescriptions list tells it. */
static bool may_order_now(const struct rx_item *it, lmn_day today)
{
	return rx_status_on(it, today) == RX_ACTIVE &&
	       (it->next_earliest == LMN_DAY_NONE || it->next_earliest <= today);
}

static json_t *item_json(const struct worklist_item *w, lmn_day today)
{
	json_t *o =
		json_pack("{s:I, s:I, s:{s:I, s:s, s:s}, s:s, s:I, s:I, s:I, s:I, s:s, s:b}", "id",
			  (json_int_t)w->item_id, "patient_id", (json_int_t)w->patient_id,
			  "article", "id", (json_int_t)w->article_id, "article_number",
			  w->article_number, "name", w->article_name, "last_valid", w->last_valid,
			  "withdrawals_allowed", (json_int_t)w->it.withdrawals_allowed,
			  "withdrawals_remaining", (json_int_t)w->it.withdrawals_remaining,
			  "quantity_per_withdrawal", (json_int_t)w->it.quantity_per_withdrawal,
			  "period_days", (json_int_t)w->it.period_days, "status",
			  rx_status_name(rx_status_on(&w->it, today)), "may_order_now",
			  may_order_now(&w->it, today));
	char next[11];

	if (o && w->it.next_earliest != LMN_DAY_NONE) {
		date_format(w->it.next_earliest, next);
		json_object_set_new(o, "next_earliest", json_string(next));
	} else if (o) {
		json_object_set_new(o, "next_earliest", json_null());
	}
	return o;
}

struct expiring {
	json_t *items;
	lmn_day today;
};

static enum lmn_rc expiring_row(const struct worklist_item *w, void *arg)
{
	struct expiring *e = arg;
	json_t *o = item_json(w, e->today);

	json_object_set_new(o, "patient",
			    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)w->patient_id,
				      "given_name", w->given_name, "family_name", w->family_name));
	json_array_append_new(e->items, o);
	return LMN_OK;
}

int prescriptions_expiring(struct api_ctx *ctx)
{
	struct expiring e = { .today = ctx->today };
	char from[11], until[11];
	int64_t days;
	enum lmn_rc rc;

	if (!api_query_int_or_reply(ctx, "days", 30, 1, 366, &days))
		return (int)ctx->resp->status;
	date_format(ctx->today, from);
	date_format(ctx->today + (lmn_day)days, until);
	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	e.items = json_array();
	rc = worklist_expiring(ctx->c, ctx->user.unit_id, from, until, expiring_row, &e, &ctx->err);
	db_rollback(ctx->c);
	/* One list view with every patient the list shows, durable before the answer goes out. */
	if (rc == LMN_OK)
		rc = access_record_list_read(ctx, e.items, "patient_id",
					     "lista: enhetens förskrivningar som snart upphör");
	if (rc != LMN_OK) {
		json_decref(e.items);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:s, s:s, s:I, s:o}", "from", from, "until", until, "unit_id",
				  (json_int_t)ctx->user.unit_id, "items", e.items));
}

struct housing {
	json_t *residents, *current;
	int64_t current_id;
	lmn_day today;
};

static enum lmn_rc housing_row(const struct worklist_item *w, void *arg)
{
	struct housing *h = arg;
	json_t *o;

	if (!h->current || h->current_id != w->patient_id) {
		h->current = json_pack("{s:I, s:s, s:s, s:[], s:[]}", "id",
				       (json_int_t)w->patient_id, "given_name", w->given_name,
				       "family_name", w->family_name, "orderable", "later");
		h->current_id = w->patient_id;
		json_array_append_new(h->residents, h->current);
	}
	if (!w->item_id)
		return LMN_OK;
	o = item_json(w, h->today);
	json_object_del(o, "patient_id");
	/* What may be ordered today, and what is left on items not yet orderable (when next). */
	if (may_order_now(&w->it, h->today))
		json_array_append_new(json_object_get(h->current, "orderable"), o);
	else if (rx_status_on(&w->it, h->today) == RX_ACTIVE)
		json_array_append_new(json_object_get(h->current, "later"), o);
	else
		json_decref(o);
	return LMN_OK;
}

int municipal_residents(struct api_ctx *ctx)
{
	struct housing h = { .today = ctx->today };
	char today[11];
	enum lmn_rc rc;

	date_format(ctx->today, today);
	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	h.residents = json_array();
	rc = worklist_housing(ctx->c, ctx->user.municipality, today, housing_row, &h, &ctx->err);
	db_rollback(ctx->c);
	if (rc == LMN_OK)
		rc = access_record_list_read(ctx, h.residents, "id",
					     "lista: kommunens invånare i kommunalt boende");
	if (rc != LMN_OK) {
		json_decref(h.residents);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:s, s:s, s:o}", "municipality", ctx->user.municipality, "on",
				  today, "residents", h.residents));
}

/* ---- Renewal requests (migration 22) ---- */

int renewal_requests_create(struct api_ctx *ctx)
{
	struct renewal_item item;
	struct rx_item rx = { 0 };
	bool created = false;
	json_t *o;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = renewal_item_get(ctx->c, ctx->id[0], &item, &ctx->err);
	if (rc == LMN_ENOTFOUND) {
		db_rollback(ctx->c);
		return access_refuse(ctx); /* as for a patient who is not the caller's */
	}
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	/* Only the patient (or their delegate) of the item. */
	if (!access_patient_or_reply(ctx, item.patient_id))
		return (int)ctx->resp->status;
	if (item.cancelled)
		return api_problem(ctx, 422, "prescription_cancelled", "prescription_item_id", NULL,
				   "Förskrivningen är makulerad och kan inte förnyas. Kontakta din "
				   "förskrivare.");
	rx.withdrawals_remaining = (int)item.withdrawals_remaining;
	if (date_parse(item.last_valid, strlen(item.last_valid), &rx.last_valid) == LMN_OK &&
	    !rx_renewal_requestable(&rx, ctx->today))
		return api_problem(
			ctx, 422, "renewal_too_early", "prescription_item_id", NULL,
			"Förskrivningen gäller till och med %s och har uttag kvar. Du kan "
			"begära förnyelse när det är högst %d dagar kvar.",
			item.last_valid, RX_RENEWAL_WINDOW_DAYS);
	rc = renewal_request_add(ctx->c, ctx->id[0], &item, ctx->user.id, ctx->now, &created,
				 &ctx->err);
	if (rc == LMN_OK && created)
		rc = access_record(ctx, item.patient_id, ACCESS_CREATE, "förnyelse begärd");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	/* As every action on an object answers: its id is the path's (the prescription item). */
	o = json_pack("{s:I, s:I, s:I, s:b}", "id", (json_int_t)ctx->id[0], "prescription_item_id",
		      (json_int_t)ctx->id[0], "unit_id", (json_int_t)item.unit_id, "created",
		      created);
	return api_json(ctx, created ? 201 : 200, o);
}

struct requests {
	json_t *list;
	lmn_day today;
};

static enum lmn_rc request_row(const struct worklist_item *w, const char *at, void *arg)
{
	struct requests *r = arg;
	json_t *o = item_json(w, r->today);

	json_object_set_new(o, "patient",
			    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)w->patient_id,
				      "given_name", w->given_name, "family_name", w->family_name));
	json_object_set_new(o, "requested_at", json_string(at));
	json_array_append_new(r->list, o);
	return LMN_OK;
}

int renewal_requests_list(struct api_ctx *ctx)
{
	struct requests r = { .today = ctx->today };
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	r.list = json_array();
	rc = renewal_requests_of_unit(ctx->c, ctx->user.unit_id, request_row, &r, &ctx->err);
	db_rollback(ctx->c);
	if (rc == LMN_OK)
		rc = access_record_list_read(ctx, r.list, "patient_id",
					     "lista: begärda förnyelser till enheten");
	if (rc != LMN_OK) {
		json_decref(r.list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "requests", r.list));
}
