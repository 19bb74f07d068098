/* The distributor's work: the pick list by due date, shipping (in full, or partially only for
 * backordered lines), registering delivery (a deviation outside the window), returns and parcels
 * not collected. The distributor sees what delivery needs and nothing more. */
#include <string.h>

#include "api/address.h"
#include "api/api.h"
#include "core/fulfilment.h"
#include "rules/calendar.h"
#include "store/notices.h"
#include "store/orders.h"
#include "store/picking.h"
#include "store/shipments.h"
#include "util/clock.h"
#include "util/localtime.h"

#define MAX_SHIP_LINES 50

/* Builds the orders of picking_orders / picking_order as the API shows them: one object per
 * order with its lines. */
struct pick_json {
	json_t *list;
	json_t *cur;
	int64_t cur_id;
};

static json_t *pick_order_json(const struct pick_order *o)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:[]}", "id",
			      (json_int_t)o->id, "patient_id", (json_int_t)o->patient_id, "kind",
			      o->kind, "due", o->due, "status", o->status, "delivery_method",
			      o->method, "recipient", o->recipient, "rural_route", o->rural_route,
			      "backordered", o->backordered, "lines");

	/* The distributor must deliver: it sees the address of a protected identity too (DOMAIN.md
	 * §3); these routes are the distributor's only. */
	if (strcmp(o->method, "home") == 0) {
		json_object_set_new(j, "address",
				    api_address_json(o->address, o->postal_code, o->city, o->phone,
						     o->door_code));
	} else if (o->pickup_point_id) {
		json_object_set_new(j, "pickup_point_id", json_integer(o->pickup_point_id));
		json_object_set_new(j, "pickup_point",
				    json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
					      (json_int_t)o->pickup_point_id, "name", o->point_name,
					      "address", o->point_address, "postal_code",
					      o->point_postal, "city", o->point_city));
	} else {
		json_object_set_new(j, "unit_id", json_integer(o->unit_id));
		json_object_set_new(j, "unit",
				    json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)o->unit_id,
					      "name", o->unit_name, "address", o->unit_address,
					      "postal_code", o->unit_postal));
	}
	if (*o->notification)
		json_object_set_new(j, "notification", json_string(o->notification));
	return j;
}

static enum lmn_rc pick_json_add(const struct pick_order *o, const struct pick_line *l, void *arg)
{
	struct pick_json *pj = arg;

	if (!pj->cur || o->id != pj->cur_id) {
		pj->cur_id = o->id;
		pj->cur = pick_order_json(o);
		json_array_append_new(pj->list, pj->cur);
	}
	json_array_append_new(json_object_get(pj->cur, "lines"),
			      json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "id",
					(json_int_t)l->id, "article_number", l->article_number,
					"name", l->name, "unit", l->unit, "quantity",
					(json_int_t)l->quantity, "shipped_quantity",
					(json_int_t)l->shipped, "backordered", l->backordered));
	return LMN_OK;
}

int fulfilment_list(struct api_ctx *ctx)
{
	const char *until = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "until");
	struct pick_json pj = { .list = json_array() };
	int64_t limit;
	lmn_day until_day = ctx->today + 7;
	char until_s[11];
	enum lmn_rc rc;

	if (until && (strlen(until) != 10 || date_parse(until, 10, &until_day) != LMN_OK)) {
		json_decref(pj.list);
		return api_problem(ctx, 400, "invalid_input", "until", NULL,
				   "until ska vara ett datum ÅÅÅÅ-MM-DD.");
	}
	if (!api_query_int_or_reply(ctx, "limit", 200, 1, 1000, &limit)) {
		json_decref(pj.list);
		return (int)ctx->resp->status;
	}
	date_format(until_day, until_s);
	if ((rc = db_begin(ctx->c, true, &ctx->err)) == LMN_OK)
		rc = picking_orders(ctx->c, until_s, limit, pick_json_add, &pj, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record_list(ctx, pj.list, "patient_id", "plocklista");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(pj.list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:s, s:o}", "until", until_s, "orders", pj.list));
}

/* One order to pick, read as the pick list shows it; the caller's read transaction is open. An
 * order that is not the distributor's to deliver (or none) is refused as access_order_or_reply
 * does; false then, with the answer written. */
static bool pick_order_read_or_reply(struct api_ctx *ctx, const char *what, json_t **out)
{
	struct pick_json pj = { .list = json_array() };
	enum lmn_rc rc;

	*out = NULL;
	rc = picking_order(ctx->c, ctx->id[0], pick_json_add, &pj, &ctx->err);
	if (rc == LMN_ENOTFOUND) {
		/* As GET /api/orders/{id}: no answer tells which ids exist. */
		json_decref(pj.list);
		if (access_order_or_reply(ctx, ctx->id[0], 0))
			access_refuse(ctx);
		return false;
	}
	if (rc != LMN_OK) {
		json_decref(pj.list);
		api_fail(ctx, rc);
		return false;
	}
	*out = json_incref(json_array_get(pj.list, 0));
	json_decref(pj.list);
	if (!access_order_or_reply(ctx, ctx->id[0],
				   json_integer_value(json_object_get(*out, "patient_id")))) {
		json_decref(*out);
		*out = NULL;
		return false;
	}
	rc = access_record(ctx, json_integer_value(json_object_get(*out, "patient_id")),
			   ACCESS_READ, what);
	if (rc != LMN_OK) {
		json_decref(*out);
		*out = NULL;
		api_fail(ctx, rc);
		return false;
	}
	return true;
}

int fulfilment_get(struct api_ctx *ctx)
{
	json_t *o;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!pick_order_read_or_reply(ctx, "plockning", &o))
		return (int)ctx->resp->status;
	if ((rc = db_commit(ctx->c, &ctx->err)) != LMN_OK) {
		json_decref(o);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, o);
}

static enum lmn_rc total_json_add(const struct pick_total *t, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:I, s:I}", "article_number",
					     t->article_number, "name", t->name, "unit", t->unit,
					     "quantity", (json_int_t)t->quantity, "orders",
					     (json_int_t)t->orders));
	return LMN_OK;
}

bool fulfilment_wave_day_or_reply(struct api_ctx *ctx, const char *until, char out[11])
{
	const struct rule_set *rs = params_at(ctx->app->params, ctx->today);
	lmn_day day;

	/* The wave a warehouse picks on a working day is what has to be delivered by the next
	 * working day: a parcel shipped today is delivered by the carrier the working day after
	 * (DOMAIN.md 3:1 counts due dates in working days). What is overdue and still open goes
	 * in the same wave, so the default is everything due on or before the next working day. */
	if (until && *until) {
		if (strlen(until) != 10 || date_parse(until, 10, &day) != LMN_OK) {
			api_problem(ctx, 400, "invalid_input", "until", NULL,
				    "until ska vara ett datum ÅÅÅÅ-MM-DD.");
			return false;
		}
	} else if (calendar_add_working_days_eves(ctx->today, 1,
						  rs ? rs->v[P_NON_WORKING_EVES].set
						     : CALENDAR_EVES_ALL,
						  &day) != LMN_OK) {
		api_fail(ctx, lmn_err_set(&ctx->err, LMN_EINVAL, NULL, NULL,
					  "no working day after today"));
		return false;
	}
	date_format(day, out);
	return true;
}

int fulfilment_totals(struct api_ctx *ctx)
{
	const char *until = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "until");
	json_t *list;
	char until_s[11];
	enum lmn_rc rc;

	if (!fulfilment_wave_day_or_reply(ctx, until, until_s))
		return (int)ctx->resp->status;
	list = json_array();
	if ((rc = db_begin(ctx->c, false, &ctx->err)) == LMN_OK)
		rc = picking_totals(ctx->c, until_s, total_json_add, list, &ctx->err);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:s, s:o}", "until", until_s, "articles", list));
}

/* The order's lines with what earlier shipments sent. */
struct ship_state {
	int64_t line_id[MAX_SHIP_LINES];
	struct ship_line lines[MAX_SHIP_LINES];
	size_t n;
	int64_t patient;
	char status[32];
};

static enum lmn_rc ship_state_add(void *arg, const struct order_ship_line *l, struct lmn_err *err)
{
	struct ship_state *s = arg;

	(void)err;
	if (s->n == MAX_SHIP_LINES)
		return LMN_OK;
	s->patient = l->patient_id;
	snprintf(s->status, sizeof(s->status), "%s", l->status);
	s->line_id[s->n] = l->line_id;
	s->lines[s->n].ordered = l->quantity;
	s->lines[s->n].shipped_before = l->shipped_quantity;
	s->n++;
	return LMN_OK;
}

static enum lmn_rc load_order_lines(struct api_ctx *ctx, int64_t order_id, struct ship_state *s)
{
	enum lmn_rc rc;

	memset(s, 0, sizeof(*s));
	rc = order_ship_lines_each(ctx->c, order_id, ship_state_add, s, &ctx->err);
	if (rc == LMN_OK && s->n == 0)
		rc = lmn_err_set(&ctx->err, LMN_ENOTFOUND, NULL, NULL, "Beställningen finns inte.");
	return rc;
}

/* The quantities the request ships of each line (lines: {line_id, quantity, backordered}) set
 * in s, whose lines they must be: false with the answer written. */
static bool ship_lines_or_reply(struct api_ctx *ctx, json_t *lines, struct ship_state *s)
{
	json_t *saved = ctx->body;
	bool ok;

	for (size_t i = 0; i < json_array_size(lines); i++) {
		int64_t line_id, qty;
		bool back = false, found = false;

		ctx->body = json_array_get(lines, i);
		if (!json_is_object(ctx->body)) {
			ctx->body = saved;
			api_problem(ctx, 400, "invalid_input", "lines", NULL,
				    "lines[%zu] ska vara ett objekt.", i);
			return false;
		}
		ok = api_int_or_reply(ctx, "line_id", true, 1, INT64_MAX, &line_id) &&
		     api_int_or_reply(ctx, "quantity", true, 0, 100000, &qty) &&
		     api_bool_or_reply(ctx, "backordered", &back);
		ctx->body = saved;
		if (!ok)
			return false;
		for (size_t j = 0; j < s->n; j++)
			if (s->line_id[j] == line_id) {
				s->lines[j].now = qty;
				s->lines[j].backordered = back;
				found = true;
			}
		if (!found) {
			api_problem(ctx, 422, "line_not_in_order", "lines", NULL,
				    "Raden %lld hör inte till beställningen.", (long long)line_id);
			return false;
		}
	}
	return true;
}

/* Writes the shipment of s with its lines, the lines' and the order's new state, the patient's
 * notice and the access-log row, and commits the caller's transaction. */
static enum lmn_rc shipment_store(struct api_ctx *ctx, const struct ship_state *s,
				  const char *tracking, bool partial, int64_t *shipment)
{
	const struct shipment_row sr = { .order_id = ctx->id[0],
					 .shipped_at = ctx->now,
					 .shipped_by = ctx->user.id,
					 .partial = partial,
					 .tracking_number = tracking };
	enum lmn_rc rc = shipments_insert(ctx->c, &sr, shipment, &ctx->err);

	for (size_t j = 0; rc == LMN_OK && j < s->n; j++) {
		rc = shipment_lines_insert(ctx->c, *shipment, s->line_id[j], s->lines[j].now,
					   s->lines[j].backordered, &ctx->err);
		if (rc == LMN_OK)
			rc = order_line_shipped(ctx->c, s->line_id[j], s->lines[j].now,
						s->lines[j].backordered, &ctx->err);
	}
	if (rc == LMN_OK)
		rc = order_set_status(ctx->c, ctx->id[0], partial ? "partially_shipped" : "shipped",
				      &ctx->err);
	if (rc == LMN_OK) /* in the shipment's transaction */
		rc = notices_enqueue(ctx->c, s->patient, ctx->id[0], NOTICE_SHIPPED,
				     &(struct notice_facts){ .order_id = ctx->id[0],
							     .day = LMN_DAY_NONE,
							     .tracking = tracking,
							     .partial = partial },
				     ctx->now, NULL, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, s->patient, ACCESS_UPDATE, "sändning registrerad");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	return rc;
}

int shipments_create(struct api_ctx *ctx)
{
	json_t *lines = ctx->body ? json_object_get(ctx->body, "lines") : NULL;
	const char *tracking = NULL;
	struct ship_state s;
	int64_t shipment;
	bool partial;
	enum lmn_rc rc;

	if (!json_is_array(lines))
		return api_problem(ctx, 400, "invalid_input", "lines", NULL,
				   "lines ska vara en lista: {line_id, quantity, backordered}.");
	if (!api_str_or_reply(ctx, "tracking_number", false, &tracking))
		return (int)ctx->resp->status;
	if (tracking && (!*tracking || strlen(tracking) > 64))
		return api_problem(ctx, 400, "invalid_input", "tracking_number", NULL,
				   "Kollinumret ska vara transportörens kollinummer, 1–64 tecken.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK ||
	    (rc = load_order_lines(ctx, ctx->id[0], &s)) != LMN_OK)
		return api_fail(ctx, rc);
	if (strcmp(s.status, "received") != 0 && strcmp(s.status, "partially_shipped") != 0 &&
	    strcmp(s.status, "partially_delivered") != 0)
		return api_problem(ctx, 409, "not_open", NULL, NULL,
				   "Beställningen är inte öppen för leverans (status %s).",
				   s.status);
	if (!ship_lines_or_reply(ctx, lines, &s))
		return (int)ctx->resp->status;
	/* A line the request leaves out is shipped with nothing, not backordered. */
	rc = fulfilment_check_shipment(ctx->app->params, ctx->today, s.lines, s.n, &partial,
				       &ctx->err);
	if (rc == LMN_EREFUSED)
		return api_problem(ctx, 422, "partial_not_backordered", ctx->err.field,
				   ctx->err.rule, "%s", ctx->err.message);
	if (rc != LMN_OK || (rc = shipment_store(ctx, &s, tracking, partial, &shipment)) != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:I, s:b, s:s}", "id", (json_int_t)shipment, "order_id",
				  (json_int_t)ctx->id[0], "partial", partial, "order_status",
				  partial ? "partially_shipped" : "shipped"));
}

/* The shipment, its order and patient, for registering what became of it. */
static enum lmn_rc load_shipment(struct api_ctx *ctx, struct shipment_view *v)
{
	bool found;
	enum lmn_rc rc = shipment_load(ctx->c, ctx->id[0], v, &found, &ctx->err);

	if (rc == LMN_OK && !found)
		rc = lmn_err_set(&ctx->err, LMN_ENOTFOUND, NULL, NULL, "Sändningen finns inte.");
	return rc;
}

int shipments_delivered(struct api_ctx *ctx)
{
	const char *at = NULL;
	struct shipment_view v;
	lmn_day day, rday;
	int32_t sec, rsec;
	bool deviation;
	char why[128], rule[48], when[32], status[32] = "";
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "delivered_at", false, &at))
		return (int)ctx->resp->status;
	if (at) {
		if (localtime_parse(at, strlen(at), &day, &sec, &ctx->err) != LMN_OK)
			return api_problem(ctx, 400, "invalid_input", "delivered_at", NULL,
					   "delivered_at ska vara en tidpunkt ÅÅÅÅ-MM-DDTtt:mm.");
	} else {
		day = ctx->today;
		sec = ctx->now_sec;
	}
	clock_format(day, sec, when);
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK ||
	    (rc = load_shipment(ctx, &v)) != LMN_OK)
		return api_fail(ctx, rc);
	if (v.has_outcome)
		return api_problem(ctx, 409, "already_registered", NULL, NULL,
				   "Sändningens utfall är redan registrerat.");
	/* DOMAIN.md 3:1: a delivery before the order was received, or in the future, is no fact. */
	if (day > ctx->today || (day == ctx->today && sec > ctx->now_sec))
		return api_problem(ctx, 422, "impossible_time", "delivered_at", NULL,
				   "Leveranstiden kan inte ligga i framtiden.");
	if (localtime_parse(v.received_at, strlen(v.received_at), &rday, &rsec, &ctx->err) !=
	    LMN_OK)
		return api_fail(ctx, LMN_EDB); /* a stored time that does not parse */
	if (day < rday || (day == rday && sec < rsec))
		return api_problem(ctx, 422, "impossible_time", "delivered_at", NULL,
				   "Leveranstiden kan inte ligga före tiden då ordern togs emot.");
	rc = fulfilment_delivery_deviation(ctx->app->params, day, sec, v.home, &deviation, why,
					   rule, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	rc = shipment_delivered(ctx->c, ctx->id[0], when, deviation ? why : NULL, &ctx->err);
	if (rc == LMN_OK)
		rc = shipment_settle_order(ctx->c, v.order_id, "delivered", status, sizeof(status),
					   &ctx->err);
	if (rc == LMN_OK && v.pickup_point) /* in the delivery's transaction */
		rc = notices_enqueue(ctx->c, v.patient_id, v.order_id, NOTICE_READY_FOR_PICKUP,
				     &(struct notice_facts){ .order_id = v.order_id,
							     .day = LMN_DAY_NONE },
				     ctx->now, NULL, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, v.patient_id, ACCESS_UPDATE, "leverans registrerad");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	jobs_deliveries_registered(); /* the contact cases are opened again after deliveries */
	json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)ctx->id[0], "delivered_at",
			      when, "order_status", status, "deviation", deviation);
	if (deviation) {
		json_object_set_new(o, "deviation_reason", json_string(why));
		json_object_set_new(o, "rule", json_string(rule));
	}
	return api_json(ctx, 200, o);
}

int shipments_returned(struct api_ctx *ctx)
{
	const char *outcome, *note = NULL;
	struct shipment_view v;
	char status[32] = "";
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "outcome", true, &outcome) ||
	    !api_str_or_reply(ctx, "note", false, &note))
		return (int)ctx->resp->status;
	if (strcmp(outcome, "returned") != 0 && strcmp(outcome, "not_collected") != 0)
		return api_problem(ctx, 400, "invalid_input", "outcome", NULL,
				   "outcome ska vara returned eller not_collected.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK ||
	    (rc = load_shipment(ctx, &v)) != LMN_OK)
		return api_fail(ctx, rc);
	if (v.has_outcome)
		return api_problem(ctx, 409, "already_registered", NULL, NULL,
				   "Sändningens utfall är redan registrerat.");
	rc = shipment_outcome(ctx->c, ctx->id[0], outcome, ctx->now, note, &ctx->err);
	if (rc == LMN_OK)
		rc = shipment_settle_order(ctx->c, v.order_id, outcome, status, sizeof(status),
					   &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, v.patient_id, ACCESS_UPDATE, "retur registrerad");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200,
			json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ctx->id[0], "outcome",
				  outcome, "order_status", status));
}

/* Builds the shipments of picking_shipments as the API shows them, one object per shipment. */
struct ship_json {
	json_t *list;
	json_t *cur;
	int64_t cur_id;
};

static enum lmn_rc ship_json_add(const struct ship_row *r, void *arg)
{
	struct ship_json *sj = arg;

	if (!sj->cur || r->id != sj->cur_id) {
		const struct pick_order *o = &r->o;
		json_t *where = pick_order_json(o);

		sj->cur_id = r->id;
		sj->cur = json_pack("{s:I, s:I, s:I, s:s, s:b, s:o, s:b, s:s, s:s, s:s, s:s, s:s, "
				    "s:b, s:[]}",
				    "id", (json_int_t)r->id, "order_id", (json_int_t)r->order_id,
				    "patient_id", (json_int_t)o->patient_id, "shipped_at",
				    r->shipped_at, "partial", r->partial, "outcome",
				    *r->outcome ? json_string(r->outcome) : json_null(),
				    "deviation", *r->deviation != '\0', "due", o->due, "kind",
				    o->kind, "delivery_method", o->method, "order_status",
				    o->status, "recipient", o->recipient, "rural_route",
				    o->rural_route, "lines");
		if (*r->delivered_at)
			json_object_set_new(sj->cur, "delivered_at", json_string(r->delivered_at));
		if (*r->deviation)
			json_object_set_new(sj->cur, "deviation_reason", json_string(r->deviation));
		if (*r->outcome && strcmp(r->outcome, "delivered") != 0)
			json_object_set_new(sj->cur, "outcome_at", json_string(r->outcome_at));
		if (*r->note)
			json_object_set_new(sj->cur, "note", json_string(r->note));
		if (*r->tracking)
			json_object_set_new(sj->cur, "tracking_number", json_string(r->tracking));
		/* Where it goes, as the pick list has it. */
		static const char *const keys[] = { "address",
						    "pickup_point_id",
						    "pickup_point",
						    "unit_id",
						    "unit",
						    "notification",
						    NULL };
		for (const char *const *k = keys; *k; k++)
			if (json_object_get(where, *k))
				json_object_set(sj->cur, *k, json_object_get(where, *k));
		json_decref(where);
		json_array_append_new(sj->list, sj->cur);
	}
	json_array_append_new(json_object_get(sj->cur, "lines"),
			      json_pack("{s:I, s:s, s:s, s:I, s:b, s:I}", "line_id",
					(json_int_t)r->line_id, "article_number", r->article_number,
					"name", r->name, "quantity", (json_int_t)r->quantity,
					"backordered", r->backordered, "ordered",
					(json_int_t)r->ordered));
	return LMN_OK;
}

/* Shipments with their order's delivery details and lines: those without an outcome yet
 * (open), an order's, or one (shipment_id); the reads are access-logged per patient. */
static enum lmn_rc shipments_query(struct api_ctx *ctx, bool open, int64_t order_id,
				   int64_t shipment_id, int64_t limit, json_t *list)
{
	const struct rule_set *rs = params_at(ctx->app->params, ctx->today);
	struct ship_json sj = { .list = list };
	char since[11];
	enum lmn_rc rc;

	/* not the history: open, or with an outcome within distributor_history_days */
	date_format(ctx->today - (rs ? (lmn_day)rs->v[P_DISTRIBUTOR_HISTORY_DAYS].i : 0), since);
	rc = picking_shipments(ctx->c, open, order_id, shipment_id, since, limit, ship_json_add,
			       &sj, &ctx->err);
	if (shipment_id)
		for (size_t i = 0; rc == LMN_OK && i < json_array_size(list); i++)
			rc = access_record(ctx,
					   json_integer_value(
						   json_object_get(json_array_get(list, i),
								   "patient_id")),
					   ACCESS_READ, "sändning");
	else if (rc == LMN_OK)
		rc = access_record_list(ctx, list, "patient_id", "sändningslista");
	return rc;
}

int shipments_list(struct api_ctx *ctx)
{
	const char *open = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "open");
	json_t *list = json_array();
	int64_t order_id, limit;
	enum lmn_rc rc;

	if (open && strcmp(open, "1") != 0 && strcmp(open, "0") != 0) {
		json_decref(list);
		return api_problem(
			ctx, 400, "invalid_input", "open", NULL,
			"open ska vara 1 (bara sändningar utan registrerat utfall) eller 0.");
	}
	if (!api_query_int_or_reply(ctx, "order_id", 0, 1, INT64_MAX, &order_id) ||
	    !api_query_int_or_reply(ctx, "limit", 200, 1, 1000, &limit)) {
		json_decref(list);
		return (int)ctx->resp->status;
	}
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK ||
	    (rc = shipments_query(ctx, open && *open == '1', order_id, 0, limit, list)) != LMN_OK ||
	    (rc = db_commit(ctx->c, &ctx->err)) != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "shipments", list));
}

int shipments_get(struct api_ctx *ctx)
{
	json_t *list = json_array(), *o;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK ||
	    (rc = shipments_query(ctx, false, 0, ctx->id[0], 1, list)) != LMN_OK ||
	    (rc = db_commit(ctx->c, &ctx->err)) != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	o = json_incref(json_array_get(list, 0));
	json_decref(list);
	if (!o)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Sändningen finns inte.");
	return api_json(ctx, 200, o);
}
