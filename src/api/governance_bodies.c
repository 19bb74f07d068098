/* Governance bodies, their seats and the people holding them for a term (GOVERNANCE.md "Bodies",
 * "Seats, people and terms"). No patient data here. */
#include <stdio.h>
#include <string.h>

#include "api/governance.h"
#include "store/governance_bodies_store.h"
#include "store/governance_store.h"

bool gov_date_ok(const char *s)
{
	lmn_day d;

	return s && strlen(s) == 10 && date_parse(s, 10, &d) == LMN_OK;
}

int gov_list_done(struct api_ctx *ctx, enum lmn_rc rc, json_t *a, const char *key)
{
	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", key, a));
}

bool gov_body_visible_or_reply(struct api_ctx *ctx, int64_t body_id)
{
	bool row = false, member = true;
	enum lmn_rc rc = gov_store_body_member(ctx->c, body_id, ctx->user.person_id, &row, &member,
					       &ctx->err);

	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!row) {
		api_problem(ctx, 404, "not_found", NULL, NULL, "Organet finns inte.");
		return false;
	}
	if (ctx->user.role == UR_MEMBER && !member) {
		api_problem(ctx, 403, "not_a_member", NULL, NULL,
			    "Du har ingen plats i det här organet och ser inte dess möten.");
		return false;
	}
	return true;
}

static enum lmn_rc body_listed(const struct gov_body_row *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "code", r->code,
			      "name", r->name, "kind", r->kind, "active_from", r->active_from);

	if (*r->parent_code)
		json_object_set_new(o, "reports_to", json_string(r->parent_code));
	if (r->min_meetings)
		json_object_set_new(o, "min_meetings", json_integer(r->min_meetings));
	if (r->max_meetings)
		json_object_set_new(o, "max_meetings", json_integer(r->max_meetings));
	if (*r->active_until)
		json_object_set_new(o, "active_until", json_string(r->active_until));
	json_array_append_new(arg, o);
	return LMN_OK;
}

int bodies_list(struct api_ctx *ctx)
{
	json_t *a = json_array();
	enum lmn_rc rc =
		gov_store_bodies(ctx->c,
				 ctx->user.role == UR_MEMBER ? ctx->user.person_id : GOV_EVERY_BODY,
				 body_listed, a, &ctx->err);

	return gov_list_done(ctx, rc, a, "bodies");
}

/* A new body as the request gives it. */
struct body_in {
	const char *code, *name, *kind, *from, *approval, *qroles, *qvacant;
	int64_t parent, min, max, limit, notice, qreq;
	bool alternates, objection;
};

/* Reads the body's fields into b: false with the answer written. */
static bool body_input_or_reply(struct api_ctx *ctx, struct body_in *b)
{
	bool req = false;

	*b = (struct body_in){ .limit = -1, .qreq = -1, .objection = true };
	if (!api_str_or_reply(ctx, "code", true, &b->code) ||
	    !api_str_or_reply(ctx, "name", true, &b->name) ||
	    !api_str_or_reply(ctx, "kind", true, &b->kind) ||
	    !api_str_or_reply(ctx, "active_from", true, &b->from) ||
	    !api_str_or_reply(ctx, "approval", false, &b->approval) ||
	    !api_int_or_reply(ctx, "parent_id", false, 1, INT64_MAX, &b->parent) ||
	    !api_int_or_reply(ctx, "min_meetings", false, 0, 366, &b->min) ||
	    !api_int_or_reply(ctx, "max_meetings", false, 0, 366, &b->max) ||
	    !api_int_or_reply(ctx, "mandate_limit_ore", false, 0, INT64_MAX, &b->limit) ||
	    !api_int_or_reply(ctx, "notice_days", false, 0, 365, &b->notice) ||
	    !api_bool_or_reply(ctx, "chair_alternates", &b->alternates) ||
	    !api_str_or_reply(ctx, "quorum_roles", false, &b->qroles) ||
	    !api_str_or_reply(ctx, "quorum_vacant_seats", false, &b->qvacant) ||
	    !api_bool_or_reply(ctx, "quorum_required", &req) ||
	    !api_bool_or_reply(ctx, "objection_blocks", &b->objection))
		return false;
	/* The quorum rule (GOVERNANCE.md): without quorum_required, on for a council only. */
	if (json_object_get(ctx->body, "quorum_required"))
		b->qreq = req;
	return true;
}

/* The fields' values: the quorum rule, kind, first day, approval rule and meetings a year.
 * False with the answer written. */
static bool body_check_or_reply(struct api_ctx *ctx, const struct body_in *b)
{
	unsigned roles;

	if (b->qroles && !quorum_roles_parse(b->qroles, &roles))
		api_problem(ctx, 400, "invalid_input", "quorum_roles", NULL,
			    "quorum_roles ska vara roller åtskilda med kommatecken, t.ex. member "
			    "eller chair,vice_chair,member.");
	else if (b->qvacant && strcmp(b->qvacant, "count") && strcmp(b->qvacant, "skip"))
		api_problem(ctx, 400, "invalid_input", "quorum_vacant_seats", NULL,
			    "quorum_vacant_seats ska vara count (vakanta platser räknas med) "
			    "eller skip.");
	else if (body_kind_parse(b->kind) < 0)
		api_problem(ctx, 400, "invalid_input", "kind", NULL,
			    "kind ska vara political, council, preparation, forum eller "
			    "coordination.");
	else if (!gov_date_ok(b->from))
		api_problem(ctx, 400, "invalid_input", "active_from", NULL,
			    "active_from ska vara ett datum ÅÅÅÅ-MM-DD.");
	else if (b->approval && strcmp(b->approval, "chair") &&
		 strcmp(b->approval, "chair_and_other_party") && strcmp(b->approval, "secretary") &&
		 strcmp(b->approval, "next_meeting"))
		api_problem(ctx, 400, "invalid_input", "approval", NULL,
			    "approval ska vara chair, chair_and_other_party, secretary eller "
			    "next_meeting.");
	else if (b->min && b->max && b->max < b->min)
		api_problem(ctx, 400, "invalid_input", "max_meetings", NULL,
			    "max_meetings får inte vara mindre än min_meetings.");
	else
		return true;
	return false;
}

/* Writes the body b in the caller's write transaction and commits it (rolled back on failure);
 * *id is the new body's. */
static enum lmn_rc body_insert(struct api_ctx *ctx, const struct body_in *b, int64_t *id)
{
	const struct gov_body_new nb = {
		.code = b->code,
		.name = b->name,
		.kind = b->kind,
		.approval = b->approval ? b->approval : "chair",
		.active_from = b->from,
		.quorum_roles = b->qroles ? b->qroles : "member",
		.parent_id = b->parent,
		.min_meetings = b->min,
		.max_meetings = b->max,
		.mandate_limit_ore = b->limit,
		.notice_days = b->notice,
		.chair_alternates = b->alternates,
		.quorum_count_vacant = !b->qvacant || strcmp(b->qvacant, "count") == 0,
		.quorum_required = (int)b->qreq,
	};
	bool objection = b->objection;
	enum lmn_rc rc = gov_store_body_insert(ctx->c, &nb, id, &ctx->err);

	/* Interpretation (migration 0024): a written objection blocks a decision unless the body
	 * says otherwise. */
	if (rc == LMN_OK)
		rc = gov_store_body_objection_blocks(ctx->c, *id, objection, &objection, &ctx->err);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	else
		db_rollback(ctx->c);
	return rc;
}

int bodies_create(struct api_ctx *ctx)
{
	struct body_in b;
	int64_t id = 0;
	enum lmn_rc rc;

	if (!body_input_or_reply(ctx, &b) || !body_check_or_reply(ctx, &b))
		return (int)ctx->resp->status;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = body_insert(ctx, &b, &id);
	if (rc == LMN_EINVAL)
		return api_problem(
			ctx, 409, "conflict", "code", NULL,
			"Ett organ med koden %s finns redan, eller parent_id finns inte.", b.code);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "code", b.code,
				  "name", b.name, "kind", b.kind));
}

struct body_detail {
	const char *on;
	json_t *o;
};

static enum lmn_rc body_detail(const struct gov_body_row *r, void *arg)
{
	struct body_detail *d = arg;
	json_t **o = &d->o;

	*o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:I, s:I}, s:b, s:s}", "id", (json_int_t)r->id,
		       "code", r->code, "name", r->name, "kind", r->kind, "on", d->on,
		       "quorum_share", "num", (json_int_t)r->quorum_num, "den",
		       (json_int_t)r->quorum_den, "chair_alternates", r->chair_alternates,
		       "approval", r->approval);
	if (!*o)
		return LMN_ENOMEM;
	if (r->mandate_limit_ore >= 0)
		json_object_set_new(*o, "mandate_limit_ore", json_integer(r->mandate_limit_ore));
	if (r->notice_days)
		json_object_set_new(*o, "notice_days", json_integer(r->notice_days));
	if (r->min_meetings)
		json_object_set_new(*o, "min_meetings", json_integer(r->min_meetings));
	if (r->max_meetings)
		json_object_set_new(*o, "max_meetings", json_integer(r->max_meetings));
	json_object_set_new(*o, "quorum",
			    json_pack("{s:b, s:s, s:s}", "required", r->quorum_required, "roles",
				      r->quorum_roles, "vacant_seats",
				      r->quorum_count_vacant ? "count" : "skip"));
	return LMN_OK;
}

static enum lmn_rc seat_held(const struct gov_seat_row *r, void *arg)
{
	json_t *s = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)r->id, "role", r->role,
			      "title", r->title, "vacant", r->person_id == 0);

	if (*r->party)
		json_object_set_new(s, "party", json_string(r->party));
	if (r->person_id) {
		json_t *p =
			json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)r->person_id, "name",
				  r->name, "organisation", r->organisation, "from", r->from);
		if (*r->to)
			json_object_set_new(p, "to", json_string(r->to));
		json_object_set_new(p, "term_id", json_integer(r->term_id));
		json_object_set_new(s, "holder", p);
	}
	json_array_append_new(arg, s);
	return LMN_OK;
}

int bodies_get(struct api_ctx *ctx)
{
	const char *on = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "on");
	char today[11];
	bool found = false, blocks;
	json_t *o = NULL, *seats;
	enum lmn_rc rc;

	if (on && !gov_date_ok(on))
		return api_problem(ctx, 400, "invalid_input", "on", NULL,
				   "on ska vara ett datum ÅÅÅÅ-MM-DD.");
	date_format(ctx->today, today);
	if (!on)
		on = today;
	if (!gov_body_visible_or_reply(ctx, ctx->id[0]))
		return (int)ctx->resp->status;
	struct body_detail d = { on, NULL };
	rc = gov_store_body(ctx->c, ctx->id[0], &found, body_detail, &d, &ctx->err);
	o = d.o;
	if (rc == LMN_OK && o) {
		rc = gov_store_body_objection_blocks(ctx->c, ctx->id[0], -1, &blocks, &ctx->err);
		json_object_set_new(o, "objection_blocks", json_boolean(blocks));
	}
	if (rc != LMN_OK || !o) {
		json_decref(o);
		return api_fail(ctx, rc != LMN_OK ? rc : LMN_ENOMEM);
	}
	seats = json_array();
	rc = gov_store_seats_on(ctx->c, ctx->id[0], on, GOV_SEATS_BY_POSITION, seat_held, seats,
				&ctx->err);
	json_object_set_new(o, "seats", seats);
	if (rc != LMN_OK) {
		json_decref(o);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, o);
}

int seats_create(struct api_ctx *ctx)
{
	const char *party, *role, *title;
	int64_t position = 0, id = 0;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "role", true, &role) ||
	    !api_str_or_reply(ctx, "party", false, &party) ||
	    !api_str_or_reply(ctx, "title", false, &title) ||
	    !api_int_or_reply(ctx, "position", false, 0, 10000, &position))
		return (int)ctx->resp->status;
	if (seat_role_parse(role) < 0)
		return api_problem(ctx, 400, "invalid_input", "role", NULL,
				   "role ska vara chair, vice_chair, member, adjunct, secretary, "
				   "supplier eller invited.");
	if (seat_role_appointed((enum seat_role)seat_role_parse(role)) && (!party || !*party))
		return api_problem(ctx, 400, "invalid_input", "party", NULL,
				   "Ordförande, vice ordförande och ledamöter företräder en part "
				   "(party VGR eller VGK).");
	rc = gov_store_seat_insert(ctx->c, ctx->id[0], party ? party : "", role, title ? title : "",
				   position, &id, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!id)
		return api_problem(ctx, 404, "not_found", "party", NULL,
				   "Organet eller parten %s finns inte.", party ? party : "");
	return api_json(ctx, 201,
			json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "body_id",
				  (json_int_t)ctx->id[0], "role", role));
}

int terms_create(struct api_ctx *ctx)
{
	const char *from, *to;
	int64_t person, id = 0;
	bool overlap = false;
	enum lmn_rc rc;

	if (!api_int_or_reply(ctx, "person_id", true, 1, INT64_MAX, &person) ||
	    !api_str_or_reply(ctx, "from", true, &from) || !api_str_or_reply(ctx, "to", false, &to))
		return (int)ctx->resp->status;
	if (!gov_date_ok(from))
		return api_problem(ctx, 400, "invalid_input", "from", NULL,
				   "Från och med ska vara ett datum ÅÅÅÅ-MM-DD.");
	if (to && (!gov_date_ok(to) || strcmp(to, from) < 0))
		return api_problem(ctx, 400, "invalid_input", "to", NULL,
				   "Till och med ska vara ett datum ÅÅÅÅ-MM-DD, samma dag som "
				   "periodens första dag eller senare.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = gov_store_term_insert(ctx->c, ctx->id[0], person, from, to, &overlap, &id, &ctx->err);
	if (rc == LMN_OK && overlap) {
		db_rollback(ctx->c);
		return api_problem(
			ctx, 409, "term_overlaps", "from", NULL,
			"Platsen har redan en innehavare under den perioden; avsluta den "
			"perioden först.");
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		if (rc == LMN_EINVAL)
			return api_problem(ctx, 404, "not_found", "person_id", NULL,
					   "Platsen eller personen finns inte.");
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 201,
			json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)id, "seat_id",
				  (json_int_t)ctx->id[0], "person_id", (json_int_t)person, "from",
				  from));
}

static enum lmn_rc person_listed(const struct gov_person_row *r, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "name",
					     r->name, "organisation", r->organisation));
	return LMN_OK;
}

int people_list(struct api_ctx *ctx)
{
	json_t *a = json_array();
	enum lmn_rc rc = gov_store_people(ctx->c, person_listed, a, &ctx->err);

	return gov_list_done(ctx, rc, a, "people");
}

int people_create(struct api_ctx *ctx)
{
	const char *name, *org;
	int64_t id = 0;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "name", true, &name) ||
	    !api_str_or_reply(ctx, "organisation", false, &org))
		return (int)ctx->resp->status;
	if (strlen(name) > 200 || (org && strlen(org) > 200))
		return api_problem(ctx, 400, "invalid_input",
				   strlen(name) > 200 ? "name" : "organisation", NULL,
				   "Högst 200 byte.");
	rc = gov_store_person_insert(ctx->c, name, org ? org : "", &id, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name,
				  "organisation", org ? org : ""));
}

int terms_end(struct api_ctx *ctx)
{
	const char *to;
	struct gov_term_ended t;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "to", true, &to))
		return (int)ctx->resp->status;
	if (!gov_date_ok(to))
		return api_problem(ctx, 400, "invalid_input", "to", NULL,
				   "Sista dagen ska vara ett datum ÅÅÅÅ-MM-DD.");
	if ((rc = gov_store_term_end(ctx->c, ctx->id[0], to, &t, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!t.found)
		return api_problem(ctx, 422, "term_not_ended", "to", NULL,
				   "Mandatperioden kan inte sluta %s: den finns inte, slutar redan "
				   "före det datumet eller började efter det.",
				   to);
	return api_json(ctx, 200,
			json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)ctx->id[0],
				  "seat_id", (json_int_t)t.seat_id, "person_id",
				  (json_int_t)t.person_id, "from", t.from, "to", to));
}
