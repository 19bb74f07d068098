/* The governance bodies, seats, terms and people in the store: see governance_bodies_store.h. */
#include "store/governance_bodies_store.h"

#include <stdio.h>

#include "store/governance_sql.h"

enum lmn_rc gov_store_body_member(struct db_conn *c, int64_t body_id, int64_t person_id,
				  bool *found, bool *member, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT b.id, " /* and whether the person has a seat in it */
				    GOV_SQL_MEMBER_OF("b.id", "$2") /* */
				    " FROM bodies b WHERE b.id = $1",
				    &st, err);

	*found = false;
	*member = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, body_id);
	db_bind_int(st, 2, person_id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found)
		*member = db_col_int(st, 1) != 0;
	db_done(st);
	return rc;
}

#define BODY_COLUMNS                                                                                    \
	"b.id, b.code, b.name, b.kind, coalesce(pb.code, ''), coalesce(b.min_meetings, 0), "            \
	"coalesce(b.max_meetings, 0), b.quorum_num, b.quorum_den, "                                     \
	"coalesce(b.mandate_limit_ore, -1), b.chair_alternates, coalesce(b.notice_days, 0), "           \
	"b.approval, b.active_from, coalesce(b.active_until, ''), b.quorum_roles, "                     \
	"b.quorum_vacant, coalesce(b.quorum_required, CASE WHEN b.kind = 'council' THEN 1 ELSE 0 END) " \
	"FROM bodies b LEFT JOIN bodies pb ON pb.id = b.parent_id "

static enum lmn_rc body_rows(struct db_stmt *st, bool *any, gov_body_fn fn, void *arg,
			     struct lmn_err *err)
{
	enum lmn_rc rc;
	bool row;

	*any = false;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_body_row r = {
			.id = db_col_int(st, 0),
			.code = db_col_text(st, 1),
			.name = db_col_text(st, 2),
			.kind = db_col_text(st, 3),
			.parent_code = db_col_text(st, 4),
			.min_meetings = db_col_int(st, 5),
			.max_meetings = db_col_int(st, 6),
			.quorum_num = db_col_int(st, 7),
			.quorum_den = db_col_int(st, 8),
			.mandate_limit_ore = db_col_int(st, 9),
			.chair_alternates = db_col_int(st, 10) != 0,
			.notice_days = db_col_int(st, 11),
			.approval = db_col_text(st, 12),
			.active_from = db_col_text(st, 13),
			.active_until = db_col_text(st, 14),
			.quorum_roles = db_col_text(st, 15),
			.quorum_count_vacant = db_col_int(st, 16) != 0,
			.quorum_required = db_col_int(st, 17) != 0,
		};
		*any = true;
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_bodies(struct db_conn *c, int64_t member, gov_body_fn fn, void *arg,
			     struct lmn_err *err)
{
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT " BODY_COLUMNS
				    "WHERE $1 < 0 OR " /* every body, or the member's */
				    GOV_SQL_MEMBER_OF("b.id", "$1") /* */
				    " ORDER BY b.id",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, member);
	return body_rows(st, &any, fn, arg, err);
}

enum lmn_rc gov_store_body(struct db_conn *c, int64_t id, bool *found, gov_body_fn fn, void *arg,
			   struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c, "SELECT " BODY_COLUMNS "WHERE b.id = $1", &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	return body_rows(st, found, fn, arg, err);
}

enum lmn_rc gov_store_body_insert(struct db_conn *c, const struct gov_body_new *b, int64_t *id,
				  struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"INSERT INTO bodies (code, name, kind, parent_id, min_meetings, max_meetings, "
		"mandate_limit_ore, chair_alternates, notice_days, approval, active_from, "
		"quorum_roles, quorum_vacant, quorum_required) "
		"VALUES ($1, $2, $3, nullif($4, 0), nullif($5, 0), nullif($6, 0), "
		"nullif($7, -1), $8, nullif($9, 0), $10, $11, $12, $13, nullif($14, -1)) "
		"RETURNING id",
		&st, err);

	*id = 0;
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, b->code);
	db_bind_text(st, 2, b->name);
	db_bind_text(st, 3, b->kind);
	db_bind_int(st, 4, b->parent_id);
	db_bind_int(st, 5, b->min_meetings);
	db_bind_int(st, 6, b->max_meetings);
	db_bind_int(st, 7, b->mandate_limit_ore);
	db_bind_int(st, 8, b->chair_alternates);
	db_bind_int(st, 9, b->notice_days);
	db_bind_text(st, 10, b->approval);
	db_bind_text(st, 11, b->active_from);
	db_bind_text(st, 12, b->quorum_roles);
	db_bind_int(st, 13, b->quorum_count_vacant);
	db_bind_int(st, 14, b->quorum_required);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_body_objection_blocks(struct db_conn *c, int64_t body_id, int set,
					    bool *blocks, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		set < 0 ? db_prepare(c, "SELECT objection_blocks FROM bodies WHERE id = $1", &st,
				     err)
			: db_prepare(c,
				     "UPDATE bodies SET objection_blocks = $2 WHERE id = $1 "
				     "RETURNING objection_blocks",
				     &st, err);

	*blocks = true;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, body_id);
	if (set >= 0)
		db_bind_int(st, 2, set);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*blocks = db_col_int(st, 0) != 0;
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_seats_on(struct db_conn *c, int64_t body_id, const char *day,
			       enum gov_seat_order order, gov_seat_fn fn, void *arg,
			       struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT s.id, coalesce(p.code, ''), s.role, s.title, coalesce(pe.id, 0), "
		"coalesce(pe.name, ''), coalesce(pe.organisation, ''), coalesce(t.from_date, ''), "
		"coalesce(t.to_date, ''), coalesce(t.id, 0) "
		"FROM seats s LEFT JOIN parties p ON p.id = s.party_id "
		"LEFT JOIN terms t ON t.id = (SELECT t2.id FROM terms t2 "
		"WHERE t2.seat_id = s.id AND " /* */
		GOV_SQL_TERM_ON("t2", "$2")    /* the newest term on the day */
		" ORDER BY t2.from_date DESC LIMIT 1) "
		"LEFT JOIN people pe ON pe.id = t.person_id WHERE s.body_id = $1 AND " /* */
		GOV_SQL_SEAT_ON("s", "$2") /* the seats the body has on the day */
		" ORDER BY CASE WHEN $3 <> 0 THEN coalesce(p.code, 'ö') END, "
		"CASE WHEN $3 <> 0 THEN s.role END, s.position, s.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, body_id);
	db_bind_text(st, 2, day);
	db_bind_int(st, 3, order == GOV_SEATS_BY_PARTY);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_seat_row r = {
			.id = db_col_int(st, 0),
			.party = db_col_text(st, 1),
			.role = db_col_text(st, 2),
			.title = db_col_text(st, 3),
			.person_id = db_col_int(st, 4),
			.name = db_col_text(st, 5),
			.organisation = db_col_text(st, 6),
			.from = db_col_text(st, 7),
			.to = db_col_text(st, 8),
			.term_id = db_col_int(st, 9),
		};
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_role_party(struct db_conn *c, int64_t body_id, const char *role,
				 const char *day, char party[8], struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT p.code FROM seats s JOIN parties p ON p.id = s.party_id JOIN terms t ON "
		"t.seat_id = s.id WHERE s.body_id = $1 AND s.role = $2 AND "  /* */
		GOV_SQL_SEAT_ON("s", "$3") " AND " GOV_SQL_TERM_ON("t", "$3") /* held on the day */
		" LIMIT 1",
		&st, err);

	party[0] = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, body_id);
	db_bind_text(st, 2, role);
	db_bind_text(st, 3, day);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		snprintf(party, 8, "%s", db_col_text(st, 0));
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_seat_insert(struct db_conn *c, int64_t body_id, const char *party,
				  const char *role, const char *title, int64_t position,
				  int64_t *id, struct lmn_err *err)
{
	return db_int(
		c, id, 0, err,
		"INSERT INTO seats (body_id, party_id, role, title, position) "
		"SELECT b.id, p.id, $3, $4, $5 FROM bodies b LEFT JOIN parties p ON p.code = $2 "
		"WHERE b.id = $1 AND ($2 = '' OR p.id IS NOT NULL) RETURNING id",
		"ittti", body_id, party, role, title, position);
}

enum lmn_rc gov_store_term_insert(struct db_conn *c, int64_t seat_id, int64_t person_id,
				  const char *from, const char *to, bool *overlap, int64_t *id,
				  struct lmn_err *err)
{
	/* One holder at a time: a term may not overlap another on the same seat. */
	enum lmn_rc rc = db_exists(c, overlap, err,
				   "SELECT 1 FROM terms WHERE seat_id = $1 AND "
				   "from_date <= coalesce($3, '9999-12-31') "
				   "AND coalesce(to_date, '9999-12-31') >= $2",
				   "itt", seat_id, from, to);

	*id = 0;
	if (rc != LMN_OK || *overlap)
		return rc;
	return db_int(c, id, 0, err,
		      "INSERT INTO terms (seat_id, person_id, from_date, to_date) "
		      "VALUES ($1, $2, $3, $4) RETURNING id",
		      "iitt", seat_id, person_id, from, to);
}

enum lmn_rc gov_store_term_end(struct db_conn *c, int64_t term_id, const char *to,
			       struct gov_term_ended *t, struct lmn_err *err)
{
	struct db_stmt *st;
	/* A term ends on its last day; it cannot end before it began, nor be made longer. */
	enum lmn_rc rc = db_prepare(
		c,
		"UPDATE terms SET to_date = $2 WHERE id = $1 AND from_date <= $2 AND "
		"(to_date IS NULL OR to_date >= $2) RETURNING seat_id, person_id, from_date",
		&st, err);

	t->found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, term_id);
	db_bind_text(st, 2, to);
	rc = db_step(st, &t->found, err);
	if (rc == LMN_OK && t->found) {
		t->seat_id = db_col_int(st, 0);
		t->person_id = db_col_int(st, 1);
		snprintf(t->from, sizeof(t->from), "%s", db_col_text(st, 2));
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_people(struct db_conn *c, gov_person_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c, "SELECT id, name, organisation FROM people ORDER BY name, id", &st,
			   err);

	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_person_row r = { db_col_int(st, 0), db_col_text(st, 1),
					    db_col_text(st, 2) };
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_person_insert(struct db_conn *c, const char *name, const char *organisation,
				    int64_t *id, struct lmn_err *err)
{
	return db_int(c, id, 0, err,
		      "INSERT INTO people (name, organisation) VALUES ($1, $2) RETURNING id", "tt",
		      name, organisation);
}
