/* Governance bodies, their seats and the people holding them for a term (GOVERNANCE.md "Bodies",
 * "Seats, people and terms"). No patient data here. */
#include <stdio.h>
#include <string.h>

#include "api/governance.h"
#include "store/governance_store.h"

bool gov_date_ok(const char *s)
{
	lmn_day d;

	return s && strlen(s) == 10 && date_parse(s, 10, &d) == LMN_OK;
}

int gov_list_done(struct api_ctx *ctx, struct db_stmt *st, enum lmn_rc rc, json_t *a,
		  const char *key)
{
	db_done(st);
	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", key, a));
}

bool gov_body_visible(struct api_ctx *ctx, int64_t body_id)
{
	struct db_stmt *st;
	bool row = false, member = true;
	enum lmn_rc rc = db_prepare(ctx->c,
				    "SELECT b.id, EXISTS (SELECT 1 FROM terms t JOIN seats s ON "
				    "s.id = t.seat_id WHERE s.body_id = b.id AND t.person_id = $2) "
				    "FROM bodies b WHERE b.id = $1",
				    &st, &ctx->err);

	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	db_bind_int(st, 1, body_id);
	db_bind_int(st, 2, ctx->user.person_id);
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		member = db_col_int(st, 1) != 0;
	db_done(st);
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

int bodies_list(struct api_ctx *ctx)
{
	struct db_stmt *st;
	bool row;
	json_t *a = json_array();
	enum lmn_rc rc = db_prepare(
		ctx->c,
		"SELECT b.id, b.code, b.name, b.kind, coalesce(pb.code, ''), coalesce(b.min_meetings, 0), "
		"coalesce(b.max_meetings, 0), b.active_from, coalesce(b.active_until, '') "
		"FROM bodies b LEFT JOIN bodies pb ON pb.id = b.parent_id "
		"WHERE $1 = 0 OR EXISTS (SELECT 1 FROM terms t JOIN seats s ON s.id = t.seat_id "
		"WHERE s.body_id = b.id AND t.person_id = $2) ORDER BY b.id",
		&st, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	db_bind_int(st, 1, ctx->user.role == UR_MEMBER);
	db_bind_int(st, 2, ctx->user.person_id);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		json_t *o =
			json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
				  "code", db_col_text(st, 1), "name", db_col_text(st, 2), "kind",
				  db_col_text(st, 3), "active_from", db_col_text(st, 7));
		if (*db_col_text(st, 4))
			json_object_set_new(o, "reports_to", json_string(db_col_text(st, 4)));
		if (db_col_int(st, 5))
			json_object_set_new(o, "min_meetings", json_integer(db_col_int(st, 5)));
		if (db_col_int(st, 6))
			json_object_set_new(o, "max_meetings", json_integer(db_col_int(st, 6)));
		if (*db_col_text(st, 8))
			json_object_set_new(o, "active_until", json_string(db_col_text(st, 8)));
		json_array_append_new(a, o);
	}
	return gov_list_done(ctx, st, rc, a, "bodies");
}

int bodies_create(struct api_ctx *ctx)
{
	const char *code, *name, *kind, *from, *approval, *qroles, *qvacant;
	int64_t parent = 0, min = 0, max = 0, limit = -1, notice = 0, alternates = 0, qreq = -1;
	struct db_stmt *st;
	enum lmn_rc rc;
	bool alt = false, req = false, objection = true;
	unsigned roles;

	if (!api_str(ctx, "code", true, &code) || !api_str(ctx, "name", true, &name) ||
	    !api_str(ctx, "kind", true, &kind) || !api_str(ctx, "active_from", true, &from) ||
	    !api_str(ctx, "approval", false, &approval) ||
	    !api_int(ctx, "parent_id", false, 1, INT64_MAX, &parent) ||
	    !api_int(ctx, "min_meetings", false, 0, 366, &min) ||
	    !api_int(ctx, "max_meetings", false, 0, 366, &max) ||
	    !api_int(ctx, "mandate_limit_ore", false, 0, INT64_MAX, &limit) ||
	    !api_int(ctx, "notice_days", false, 0, 365, &notice) ||
	    !api_bool(ctx, "chair_alternates", &alt) ||
	    !api_str(ctx, "quorum_roles", false, &qroles) ||
	    !api_str(ctx, "quorum_vacant_seats", false, &qvacant) ||
	    !api_bool(ctx, "quorum_required", &req) ||
	    !api_bool(ctx, "objection_blocks", &objection))
		return (int)ctx->resp->status;
	alternates = alt;
	/* The quorum rule (GOVERNANCE.md): without quorum_required, on for a council only. */
	if (json_object_get(ctx->body, "quorum_required"))
		qreq = req;
	if (qroles && !quorum_roles_parse(qroles, &roles))
		return api_problem(
			ctx, 400, "invalid_input", "quorum_roles", NULL,
			"quorum_roles ska vara roller åtskilda med kommatecken, t.ex. member "
			"eller chair,vice_chair,member.");
	if (qvacant && strcmp(qvacant, "count") && strcmp(qvacant, "skip"))
		return api_problem(
			ctx, 400, "invalid_input", "quorum_vacant_seats", NULL,
			"quorum_vacant_seats ska vara count (vakanta platser räknas med) "
			"eller skip.");
	if (body_kind_parse(kind) < 0)
		return api_problem(ctx, 400, "invalid_input", "kind", NULL,
				   "kind ska vara political, council, preparation, forum eller "
				   "coordination.");
	if (!gov_date_ok(from))
		return api_problem(ctx, 400, "invalid_input", "active_from", NULL,
				   "active_from ska vara ett datum ÅÅÅÅ-MM-DD.");
	if (approval && strcmp(approval, "chair") && strcmp(approval, "chair_and_other_party") &&
	    strcmp(approval, "secretary") && strcmp(approval, "next_meeting"))
		return api_problem(
			ctx, 400, "invalid_input", "approval", NULL,
			"approval ska vara chair, chair_and_other_party, secretary eller "
			"next_meeting.");
	if (min && max && max < min)
		return api_problem(ctx, 400, "invalid_input", "max_meetings", NULL,
				   "max_meetings får inte vara mindre än min_meetings.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = db_prepare(
		ctx->c,
		"INSERT INTO bodies (code, name, kind, parent_id, min_meetings, max_meetings, "
		"mandate_limit_ore, chair_alternates, notice_days, approval, active_from, "
		"quorum_roles, quorum_vacant, quorum_required) "
		"VALUES ($1, $2, $3, nullif($4, 0), nullif($5, 0), nullif($6, 0), "
		"nullif($7, -1), $8, nullif($9, 0), $10, $11, $12, $13, nullif($14, -1)) "
		"RETURNING id",
		&st, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, kind);
	db_bind_int(st, 4, parent);
	db_bind_int(st, 5, min);
	db_bind_int(st, 6, max);
	db_bind_int(st, 7, limit);
	db_bind_int(st, 8, alternates);
	db_bind_int(st, 9, notice);
	db_bind_text(st, 10, approval ? approval : "chair");
	db_bind_text(st, 11, from);
	db_bind_text(st, 12, qroles ? qroles : "member");
	db_bind_int(st, 13, !qvacant || strcmp(qvacant, "count") == 0);
	db_bind_int(st, 14, qreq);
	bool row;
	int64_t id = 0;
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		id = db_col_int(st, 0);
	db_done(st);
	/* Interpretation (migration 0024): a written objection blocks a decision unless the body
	 * says otherwise. */
	if (rc == LMN_OK)
		rc = gov_store_body_objection_blocks(ctx->c, id, objection, &objection, &ctx->err);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	else
		db_rollback(ctx->c);
	if (rc == LMN_EINVAL)
		return api_problem(
			ctx, 409, "conflict", "code", NULL,
			"Ett organ med koden %s finns redan, eller parent_id finns inte.", code);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "code", code,
				  "name", name, "kind", kind));
}

int bodies_get(struct api_ctx *ctx)
{
	const char *on = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "on");
	char today[11];
	struct db_stmt *st;
	bool row;
	json_t *o = NULL, *seats;
	enum lmn_rc rc;

	if (on && !gov_date_ok(on))
		return api_problem(ctx, 400, "invalid_input", "on", NULL,
				   "on ska vara ett datum ÅÅÅÅ-MM-DD.");
	date_format(ctx->today, today);
	if (!on)
		on = today;
	if (!gov_body_visible(ctx, ctx->id[0]))
		return (int)ctx->resp->status;
	rc = db_prepare(
		ctx->c,
		"SELECT id, code, name, kind, quorum_num, quorum_den, "
		"coalesce(mandate_limit_ore, -1), chair_alternates, coalesce(notice_days, 0), "
		"approval, coalesce(min_meetings, 0), coalesce(max_meetings, 0), quorum_roles, "
		"quorum_vacant, coalesce(quorum_required, kind = 'council') "
		"FROM bodies WHERE id = $1",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row) {
		o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:I, s:I}, s:b, s:s}", "id",
			      (json_int_t)db_col_int(st, 0), "code", db_col_text(st, 1), "name",
			      db_col_text(st, 2), "kind", db_col_text(st, 3), "on", on,
			      "quorum_share", "num", (json_int_t)db_col_int(st, 4), "den",
			      (json_int_t)db_col_int(st, 5), "chair_alternates",
			      db_col_int(st, 7) != 0, "approval", db_col_text(st, 9));
		if (db_col_int(st, 6) >= 0)
			json_object_set_new(o, "mandate_limit_ore",
					    json_integer(db_col_int(st, 6)));
		if (db_col_int(st, 8))
			json_object_set_new(o, "notice_days", json_integer(db_col_int(st, 8)));
		if (db_col_int(st, 10))
			json_object_set_new(o, "min_meetings", json_integer(db_col_int(st, 10)));
		if (db_col_int(st, 11))
			json_object_set_new(o, "max_meetings", json_integer(db_col_int(st, 11)));
		json_object_set_new(o, "quorum",
				    json_pack("{s:b, s:s, s:s}", "required",
					      db_col_int(st, 14) != 0, "roles", db_col_text(st, 12),
					      "vacant_seats",
					      db_col_int(st, 13) ? "count" : "skip"));
	}
	db_done(st);
	if (rc == LMN_OK && o) {
		bool blocks;
		rc = gov_store_body_objection_blocks(ctx->c, ctx->id[0], -1, &blocks, &ctx->err);
		json_object_set_new(o, "objection_blocks", json_boolean(blocks));
	}
	if (rc != LMN_OK || !o) {
		json_decref(o);
		return api_fail(ctx, rc != LMN_OK ? rc : LMN_ENOMEM);
	}
	rc = db_prepare(
		ctx->c,
		"SELECT s.id, coalesce(p.code, ''), s.role, s.title, pe.id, pe.name, "
		"pe.organisation, t.from_date, coalesce(t.to_date, ''), t.id "
		"FROM seats s LEFT JOIN parties p ON p.id = s.party_id "
		"LEFT JOIN terms t ON t.id = (SELECT t2.id FROM terms t2 WHERE t2.seat_id = s.id "
		"AND t2.from_date <= $2 AND (t2.to_date IS NULL OR t2.to_date >= $2) "
		"ORDER BY t2.from_date DESC LIMIT 1) "
		"LEFT JOIN people pe ON pe.id = t.person_id WHERE s.body_id = $1 "
		"AND coalesce(s.active_from, '') <= $2 AND coalesce(s.active_until, '9999') >= $2 "
		"ORDER BY s.position, s.id",
		&st, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(o);
		return api_fail(ctx, rc);
	}
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_text(st, 2, on);
	seats = json_array();
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		json_t *s = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)db_col_int(st, 0),
				      "role", db_col_text(st, 2), "title", db_col_text(st, 3),
				      "vacant", db_col_null(st, 4));
		if (*db_col_text(st, 1))
			json_object_set_new(s, "party", json_string(db_col_text(st, 1)));
		if (!db_col_null(st, 4)) {
			json_t *p = json_pack("{s:I, s:s, s:s, s:s}", "id",
					      (json_int_t)db_col_int(st, 4), "name",
					      db_col_text(st, 5), "organisation",
					      db_col_text(st, 6), "from", db_col_text(st, 7));
			if (*db_col_text(st, 8))
				json_object_set_new(p, "to", json_string(db_col_text(st, 8)));
			json_object_set_new(p, "term_id", json_integer(db_col_int(st, 9)));
			json_object_set_new(s, "holder", p);
		}
		json_array_append_new(seats, s);
	}
	db_done(st);
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
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if (!api_str(ctx, "role", true, &role) || !api_str(ctx, "party", false, &party) ||
	    !api_str(ctx, "title", false, &title) ||
	    !api_int(ctx, "position", false, 0, 10000, &position))
		return (int)ctx->resp->status;
	if (seat_role_parse(role) < 0)
		return api_problem(ctx, 400, "invalid_input", "role", NULL,
				   "role ska vara chair, vice_chair, member, adjunct, secretary, "
				   "supplier eller invited.");
	if (seat_role_appointed((enum seat_role)seat_role_parse(role)) && (!party || !*party))
		return api_problem(ctx, 400, "invalid_input", "party", NULL,
				   "Ordförande, vice ordförande och ledamöter företräder en part "
				   "(party VGR eller VGK).");
	rc = db_prepare(
		ctx->c,
		"INSERT INTO seats (body_id, party_id, role, title, position) "
		"SELECT b.id, p.id, $3, $4, $5 FROM bodies b LEFT JOIN parties p ON p.code = $2 "
		"WHERE b.id = $1 AND ($2 = '' OR p.id IS NOT NULL) RETURNING id",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_text(st, 2, party ? party : "");
	db_bind_text(st, 3, role);
	db_bind_text(st, 4, title ? title : "");
	db_bind_int(st, 5, position);
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		id = db_col_int(st, 0);
	db_done(st);
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
	struct db_stmt *st;
	bool row, overlap = false;
	enum lmn_rc rc;

	if (!api_int(ctx, "person_id", true, 1, INT64_MAX, &person) ||
	    !api_str(ctx, "from", true, &from) || !api_str(ctx, "to", false, &to))
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
	/* One holder at a time: a term may not overlap another on the same seat. */
	rc = db_prepare(
		ctx->c,
		"SELECT 1 FROM terms WHERE seat_id = $1 AND from_date <= coalesce($3, '9999-12-31') "
		"AND coalesce(to_date, '9999-12-31') >= $2",
		&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		db_bind_text(st, 2, from);
		db_bind_text(st, 3, to);
		rc = db_step(st, &overlap, &ctx->err);
		db_done(st);
	}
	if (rc == LMN_OK && overlap) {
		db_rollback(ctx->c);
		return api_problem(
			ctx, 409, "term_overlaps", "from", NULL,
			"Platsen har redan en innehavare under den perioden; avsluta den "
			"perioden först.");
	}
	if (rc == LMN_OK)
		rc = db_prepare(ctx->c,
				"INSERT INTO terms (seat_id, person_id, from_date, to_date) "
				"VALUES ($1, $2, $3, $4) RETURNING id",
				&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		db_bind_int(st, 2, person);
		db_bind_text(st, 3, from);
		db_bind_text(st, 4, to);
		rc = db_step(st, &row, &ctx->err);
		if (rc == LMN_OK && row)
			id = db_col_int(st, 0);
		db_done(st);
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

int people_list(struct api_ctx *ctx)
{
	struct db_stmt *st;
	bool row;
	json_t *a = json_array();
	enum lmn_rc rc =
		db_prepare(ctx->c, "SELECT id, name, organisation FROM people ORDER BY name, id",
			   &st, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "id",
						   (json_int_t)db_col_int(st, 0), "name",
						   db_col_text(st, 1), "organisation",
						   db_col_text(st, 2)));
	return gov_list_done(ctx, st, rc, a, "people");
}

int people_create(struct api_ctx *ctx)
{
	const char *name, *org;
	struct db_stmt *st;
	bool row;
	int64_t id = 0;
	enum lmn_rc rc;

	if (!api_str(ctx, "name", true, &name) || !api_str(ctx, "organisation", false, &org))
		return (int)ctx->resp->status;
	if (strlen(name) > 200 || (org && strlen(org) > 200))
		return api_problem(ctx, 400, "invalid_input",
				   strlen(name) > 200 ? "name" : "organisation", NULL,
				   "Högst 200 byte.");
	rc = db_prepare(ctx->c,
			"INSERT INTO people (name, organisation) VALUES ($1, $2) RETURNING id", &st,
			&ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, org ? org : "");
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		id = db_col_int(st, 0);
	db_done(st);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name,
				  "organisation", org ? org : ""));
}

int terms_end(struct api_ctx *ctx)
{
	const char *to;
	struct db_stmt *st;
	bool row = false;
	json_t *o = NULL;
	enum lmn_rc rc;

	if (!api_str(ctx, "to", true, &to))
		return (int)ctx->resp->status;
	if (!gov_date_ok(to))
		return api_problem(ctx, 400, "invalid_input", "to", NULL,
				   "Sista dagen ska vara ett datum ÅÅÅÅ-MM-DD.");
	/* A term ends on its last day; it cannot end before it began, nor be made longer. */
	rc = db_prepare(
		ctx->c,
		"UPDATE terms SET to_date = $2 WHERE id = $1 AND from_date <= $2 AND "
		"(to_date IS NULL OR to_date >= $2) RETURNING seat_id, person_id, from_date",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_text(st, 2, to);
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		o = json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)ctx->id[0], "seat_id",
			      (json_int_t)db_col_int(st, 0), "person_id",
			      (json_int_t)db_col_int(st, 1), "from", db_col_text(st, 2), "to", to);
	db_done(st);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!row)
		return api_problem(ctx, 422, "term_not_ended", "to", NULL,
				   "Mandatperioden kan inte sluta %s: den finns inte, slutar redan "
				   "före det datumet eller började efter det.",
				   to);
	return api_json(ctx, 200, o);
}
