/* A recorded meeting from the store: see governance_store.h. */
#include "store/governance_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/governance_sql.h"

static char *col(struct db_stmt *st, int i, bool *oom)
{
	char *s = strdup(db_col_text(st, i));
	if (!s)
		*oom = true;
	return s;
}

enum lmn_rc gov_store_meeting_body(struct db_conn *c, int64_t meeting_id, int64_t *body_id,
				   struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c, "SELECT body_id FROM meetings WHERE id = $1", &st, err);

	*body_id = 0;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, meeting_id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*body_id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static enum lmn_rc header(struct db_conn *c, int64_t id, struct gov_meeting *m, int64_t *body,
			  char date[11], bool *oom, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT b.id, b.code, b.name, b.kind, b.quorum_num, b.quorum_den, "
		"coalesce(b.mandate_limit_ore, -1), coalesce(pb.name, ''), m.starts_at, "
		"coalesce(m.ends_at, ''), m.form, m.place, coalesce(m.notice_sent_on, ''), "
		"b.quorum_roles, b.quorum_vacant, coalesce(b.quorum_required, "
		"CASE WHEN b.kind = 'council' THEN 1 ELSE 0 END), "
		"b.objection_blocks, coalesce(b.notice_days, 0) FROM meetings m JOIN bodies b ON b.id = m.body_id "
		"LEFT JOIN bodies pb ON pb.id = b.parent_id WHERE m.id = $1",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && !row)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "Mötet finns inte.");
	if (rc == LMN_OK) {
		int kind = body_kind_parse(db_col_text(st, 3));
		m->id = id;
		*body = db_col_int(st, 0);
		m->body_code = col(st, 1, oom);
		m->body_name = col(st, 2, oom);
		m->kind = kind < 0 ? BODY_COUNCIL : (enum body_kind)kind;
		m->quorum.share.num = (int)db_col_int(st, 4);
		m->quorum.share.den = (int)db_col_int(st, 5);
		/* An unreadable role list keeps the default (members) rather than counting nobody. */
		if (!quorum_roles_parse(db_col_text(st, 13), &m->quorum.roles))
			m->quorum.roles = QUORUM_ROLES_DEFAULT;
		m->quorum.count_vacant = db_col_int(st, 14) != 0;
		m->quorum.required = db_col_int(st, 15) != 0;
		m->objection_blocks = db_col_int(st, 16) != 0;
		m->notice_days = (int)db_col_int(st, 17);
		m->mandate_limit_ore = db_col_int(st, 6);
		m->parent_name = col(st, 7, oom);
		m->starts_at = col(st, 8, oom);
		m->ends_at = col(st, 9, oom);
		m->form = col(st, 10, oom);
		m->place = col(st, 11, oom);
		m->notice_sent_on = col(st, 12, oom);
		memcpy(date, m->starts_at ? m->starts_at : "", 10);
		date[10] = '\0';
	}
	db_done(st);
	return rc;
}

struct seats_arg {
	struct gov_meeting *m;
	bool *oom;
};

static enum lmn_rc seat_of_meeting(const struct gov_seat_row *r, void *arg)
{
	struct seats_arg *a = arg;
	struct gov_seat *s = gov_meeting_add_seat(a->m);
	int role = seat_role_parse(r->role);

	if (!s) {
		*a->oom = true;
		return LMN_ENOMEM;
	}
	s->id = r->id;
	s->party = *r->party ? gov_meeting_party(a->m, r->party) : -1;
	s->role = role < 0 ? SEAT_INVITED : (enum seat_role)role;
	s->title = strdup(r->title);
	if (!s->title)
		*a->oom = true;
	s->person_id = r->person_id;
	return LMN_OK;
}

static enum lmn_rc seats(struct db_conn *c, int64_t body, const char *date, struct gov_meeting *m,
			 bool *oom, struct lmn_err *err)
{
	struct seats_arg a = { m, oom };
	enum lmn_rc rc =
		gov_store_seats_on(c, body, date, GOV_SEATS_BY_POSITION, seat_of_meeting, &a, err);

	/* Out of memory is reported once, by gov_store_meeting. */
	return rc == LMN_ENOMEM && *oom ? LMN_OK : rc;
}

static enum lmn_rc people(struct db_conn *c, int64_t id, int64_t body, const char *date,
			  struct gov_meeting *m, bool *oom, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT pe.id, pe.name, pe.organisation FROM people pe WHERE " /* */
		GOV_SQL_MEMBER_ON("$2", "pe.id", "$3") /* seated on the day, or taking part */
		" OR EXISTS (SELECT 1 FROM participation pa JOIN agenda_items i ON i.id = pa.item_id "
		"WHERE i.meeting_id = $1 AND pa.person_id = pe.id) ORDER BY pe.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, body);
	db_bind_text(st, 3, date);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_person *p = gov_meeting_add_person(m);
		if (!p) {
			*oom = true;
			break;
		}
		p->id = db_col_int(st, 0);
		p->name = col(st, 1, oom);
		p->organisation = col(st, 2, oom);
	}
	db_done(st);
	return rc;
}

static enum lmn_rc items(struct db_conn *c, int64_t id, struct gov_meeting *m, bool *oom,
			 struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT id, number, type, matter, coalesce(cost_ore, -1), coalesce(outcome, ''), "
		"title, presenter, body_text, position_text, follow_up FROM agenda_items "
		"WHERE meeting_id = $1 ORDER BY position, id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_item *it = gov_meeting_add_item(m);
		int type = item_type_parse(db_col_text(st, 2));
		int matter = item_matter_parse(db_col_text(st, 3));
		if (!it) {
			*oom = true;
			break;
		}
		it->id = db_col_int(st, 0);
		snprintf(it->number, sizeof(it->number), "%s", db_col_text(st, 1));
		it->type = type < 0 ? ITEM_PROCEDURAL : (enum item_type)type;
		it->matter = matter < 0 ? MATTER_OTHER : (enum item_matter)matter;
		it->cost_ore = db_col_int(st, 4);
		it->outcome = (enum item_outcome)item_outcome_parse(db_col_text(st, 5));
		it->title = col(st, 6, oom);
		it->presenter = col(st, 7, oom);
		it->text = col(st, 8, oom);
		it->position = col(st, 9, oom);
		it->follow_up = col(st, 10, oom);
	}
	db_done(st);
	return rc;
}

static enum lmn_rc parts(struct db_conn *c, int64_t id, struct gov_meeting *m, bool *oom,
			 struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT pa.item_id, pa.person_id, pa.how, coalesce(pa.given_at, ''), "
			   "coalesce(pa.stance, '') FROM participation pa "
			   "JOIN agenda_items i ON i.id = pa.item_id WHERE i.meeting_id = $1 "
			   "ORDER BY i.position, pa.person_id",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		long item = gov_meeting_item_by_id(m, db_col_int(st, 0));
		struct gov_part *p;
		if (item < 0)
			continue;
		if (!(p = gov_meeting_add_part(m))) {
			*oom = true;
			break;
		}
		p->item = (size_t)item;
		p->person_id = db_col_int(st, 1);
		p->written = strcmp(db_col_text(st, 2), "written") == 0;
		snprintf(p->given_at, sizeof(p->given_at), "%s", db_col_text(st, 3));
		int stance = written_stance_parse(db_col_text(st, 4));
		p->stance = stance < 0 ? STANCE_ENDORSE : (enum written_stance)stance;
	}
	db_done(st);
	return rc;
}

static enum lmn_rc actions(struct db_conn *c, int64_t id, struct gov_meeting *m, bool *oom,
			   struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT a.item_id, a.owner, a.description, coalesce(a.due_on, ''), "
		"coalesce(a.done_on, ''), a.id FROM actions a JOIN agenda_items i ON i.id = a.item_id "
		"WHERE i.meeting_id = $1 ORDER BY a.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		long item = gov_meeting_item_by_id(m, db_col_int(st, 0));
		struct gov_action *a;
		if (item < 0)
			continue;
		if (!(a = gov_meeting_add_action(m))) {
			*oom = true;
			break;
		}
		a->item = (size_t)item;
		a->owner = col(st, 1, oom);
		a->description = col(st, 2, oom);
		a->due_on = col(st, 3, oom);
		a->done_on = col(st, 4, oom);
		a->id = db_col_int(st, 5);
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_meeting(struct db_conn *c, int64_t id, struct gov_meeting *m,
			      struct lmn_err *err)
{
	char date[11] = "";
	int64_t body = 0;
	bool oom = false;
	enum lmn_rc rc;

	gov_meeting_init(m);
	rc = header(c, id, m, &body, date, &oom, err);
	if (rc == LMN_OK)
		rc = seats(c, body, date, m, &oom, err);
	if (rc == LMN_OK)
		rc = people(c, id, body, date, m, &oom, err);
	if (rc == LMN_OK)
		rc = items(c, id, m, &oom, err);
	if (rc == LMN_OK)
		rc = parts(c, id, m, &oom, err);
	if (rc == LMN_OK)
		rc = actions(c, id, m, &oom, err);
	if (rc == LMN_OK && oom)
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (rc != LMN_OK)
		gov_meeting_release(m);
	return rc;
}

enum lmn_rc gov_store_body_period(struct db_conn *c, int64_t body_id, bool *found, char from[11],
				  char until[11], struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c, "SELECT active_from, coalesce(active_until, '') FROM bodies WHERE id = $1", &st,
		err);

	*found = false;
	from[0] = until[0] = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, body_id);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		snprintf(from, 11, "%s", db_col_text(st, 0));
		snprintf(until, 11, "%s", db_col_text(st, 1));
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_item_decision(struct db_conn *c, int64_t item_id, struct gov_item_decision *d,
				    struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT coalesce(i.outcome, ''), i.type, b.kind, substr(m.starts_at, 1, 10), b.code, "
		"b.name FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id "
		"JOIN bodies b ON b.id = m.body_id WHERE i.id = $1",
		&st, err);

	memset(d, 0, sizeof(*d));
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, item_id);
	rc = db_step(st, &d->found, err);
	if (rc == LMN_OK && d->found) {
		snprintf(d->outcome, sizeof(d->outcome), "%s", db_col_text(st, 0));
		snprintf(d->type, sizeof(d->type), "%s", db_col_text(st, 1));
		snprintf(d->body_kind, sizeof(d->body_kind), "%s", db_col_text(st, 2));
		snprintf(d->day, sizeof(d->day), "%s", db_col_text(st, 3));
		snprintf(d->body_code, sizeof(d->body_code), "%s", db_col_text(st, 4));
		snprintf(d->body_name, sizeof(d->body_name), "%s", db_col_text(st, 5));
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_written(struct db_conn *c, int64_t item_id, int64_t person_id,
			      const char *given_at, enum written_stance stance, struct lmn_err *err)
{
	struct db_stmt *st;
	/* A member may change their stance before the meeting; presence at it stays as it is. */
	enum lmn_rc rc = db_prepare(
		c,
		"INSERT INTO participation (item_id, person_id, how, given_at, stance) "
		"VALUES ($1, $2, 'written', $3, $4) "
		"ON CONFLICT (item_id, person_id) DO UPDATE SET given_at = excluded.given_at, "
		"stance = excluded.stance WHERE participation.how = 'written'",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, item_id);
	db_bind_int(st, 2, person_id);
	db_bind_text(st, 3, given_at);
	db_bind_text(st, 4, written_stance_name(stance));
	return db_run(st, err);
}

enum lmn_rc gov_store_attendance(struct db_conn *c, int64_t meeting_id, int64_t person_id,
				 const int64_t *item_ids, size_t n, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "DELETE FROM participation WHERE person_id = $1 AND how = 'present' AND "
			   "item_id IN (SELECT id FROM agenda_items WHERE meeting_id = $2)",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, person_id);
	db_bind_int(st, 2, meeting_id);
	rc = db_run(st, err);
	for (size_t i = 0; i < n && rc == LMN_OK; i++) {
		/* Present at the meeting replaces an earlier written participation in the item. */
		rc = db_prepare(
			c,
			"INSERT INTO participation (item_id, person_id, how) VALUES ($1, $2, "
			"'present') ON CONFLICT (item_id, person_id) DO UPDATE SET how = 'present', "
			"stance = NULL",
			&st, err);
		if (rc == LMN_OK) {
			db_bind_int(st, 1, item_ids[i]);
			db_bind_int(st, 2, person_id);
			rc = db_run(st, err);
		}
	}
	return rc;
}

enum lmn_rc gov_store_item_meeting(struct db_conn *c, int64_t item_id, int64_t *meeting_id,
				   struct lmn_err *err)
{
	return db_int(c, meeting_id, 0, err, "SELECT meeting_id FROM agenda_items WHERE id = $1",
		      "i", item_id);
}

enum lmn_rc gov_store_meetings(struct db_conn *c, int64_t body_id, int64_t year, int64_t member,
			       gov_meeting_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT m.id, b.id, b.code, b.name, m.starts_at, coalesce(m.ends_at, ''), m.form, "
		"m.place, (SELECT count(*) FROM agenda_items i WHERE i.meeting_id = m.id), "
		"coalesce((SELECT max(version) FROM minutes mi WHERE mi.meeting_id = m.id AND "
		"mi.approved_at IS NOT NULL), 0) FROM meetings m JOIN bodies b ON b.id = m.body_id "
		"WHERE ($1 = 0 OR b.id = $1) AND ($2 = 0 OR substr(m.starts_at, 1, 4) = CAST($2 AS TEXT)) "
		"AND ($3 < 0 OR "		/* every body, or the member's */
		GOV_SQL_MEMBER_OF("b.id", "$3") /* */
		") ORDER BY m.starts_at DESC, m.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, body_id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, member);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_meeting_row r = {
			.id = db_col_int(st, 0),
			.body_id = db_col_int(st, 1),
			.body_code = db_col_text(st, 2),
			.body_name = db_col_text(st, 3),
			.starts_at = db_col_text(st, 4),
			.ends_at = db_col_text(st, 5),
			.form = db_col_text(st, 6),
			.place = db_col_text(st, 7),
			.items = db_col_int(st, 8),
			.minutes_approved_version = db_col_int(st, 9),
		};
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_meeting_insert(struct db_conn *c, const struct gov_meeting_new *m,
				     int64_t *id, struct lmn_err *err)
{
	return db_int(
		c, id, 0, err,
		"INSERT INTO meetings (body_id, starts_at, ends_at, form, place, notice_sent_on) "
		"SELECT id, $2, $3, $4, $5, $6 FROM bodies WHERE id = $1 RETURNING id",
		"ittttt", m->body_id, m->starts_at, m->ends_at, m->form, m->place,
		m->notice_sent_on);
}

enum lmn_rc gov_store_item_insert(struct db_conn *c, const struct gov_item_new *it, int64_t *id,
				  struct lmn_err *err)
{
	return db_int(
		c, id, 0, err,
		"INSERT INTO agenda_items (meeting_id, number, position, type, title, "
		"presenter, body_text, matter, cost_ore) VALUES ($1, $2, (SELECT "
		"coalesce(max(position), 0) + 1 FROM agenda_items WHERE meeting_id = $1), $3, "
		"$4, $5, $6, $7, nullif($8, -1)) RETURNING id",
		"itttttti", it->meeting_id, it->number, it->type, it->title, it->presenter,
		it->text, it->matter, it->cost_ore);
}

enum lmn_rc gov_store_item_update(struct db_conn *c, int64_t item_id,
				  const struct gov_item_change *ch, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE agenda_items SET title = coalesce($2, title), "
		     "presenter = coalesce($3, presenter), body_text = coalesce($4, body_text), "
		     "position_text = coalesce($5, position_text), "
		     "follow_up = coalesce($6, follow_up), matter = coalesce($7, matter), "
		     "cost_ore = CASE WHEN $8 = -2 THEN cost_ore ELSE $8 END WHERE id = $1",
		     "itttttti", item_id, ch->title, ch->presenter, ch->text, ch->position,
		     ch->follow_up, ch->matter, ch->cost_ore);
}

enum lmn_rc gov_store_item_outcome(struct db_conn *c, int64_t item_id, const char *outcome,
				   const char *position, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE agenda_items SET outcome = $2, "
		     "position_text = coalesce($3, position_text), proposed_to = CASE WHEN $2 = "
		     "'proposed' THEN (SELECT b.parent_id FROM meetings mt JOIN bodies b ON "
		     "b.id = mt.body_id WHERE mt.id = agenda_items.meeting_id) END WHERE id = $1",
		     "itt", item_id, outcome, position);
}

enum lmn_rc gov_store_action_insert(struct db_conn *c, int64_t item_id, const char *owner,
				    const char *description, const char *due_on, int64_t *id,
				    struct lmn_err *err)
{
	return db_int(c, id, 0, err,
		      "INSERT INTO actions (item_id, owner, description, due_on) "
		      "VALUES ($1, $2, $3, $4) RETURNING id",
		      "ittt", item_id, owner, description, due_on);
}

enum lmn_rc gov_store_actions(struct db_conn *c, bool open_only, int64_t body_id, int64_t member,
			      gov_action_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT a.id, a.owner, a.description, coalesce(a.due_on, ''), coalesce(a.done_on, ''), "
		"i.id, i.number, i.title, m.id, m.starts_at, b.id, b.code, b.name "
		"FROM actions a JOIN agenda_items i ON i.id = a.item_id JOIN meetings m ON "
		"m.id = i.meeting_id JOIN bodies b ON b.id = m.body_id "
		"WHERE ($1 = 0 OR a.done_on IS NULL) AND ($2 = 0 OR b.id = $2) "
		"AND ($3 < 0 OR "		/* */
		GOV_SQL_MEMBER_OF("b.id", "$3") /* every body, or the member's */
		") ORDER BY a.done_on IS NOT NULL, coalesce(a.due_on, '9999'), a.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, open_only);
	db_bind_int(st, 2, body_id);
	db_bind_int(st, 3, member);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_action_row r = {
			.id = db_col_int(st, 0),
			.owner = db_col_text(st, 1),
			.description = db_col_text(st, 2),
			.due_on = db_col_text(st, 3),
			.done_on = db_col_text(st, 4),
			.item_id = db_col_int(st, 5),
			.item_number = db_col_text(st, 6),
			.item_title = db_col_text(st, 7),
			.meeting_id = db_col_int(st, 8),
			.starts_at = db_col_text(st, 9),
			.body_id = db_col_int(st, 10),
			.body_code = db_col_text(st, 11),
			.body_name = db_col_text(st, 12),
		};
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_action_done(struct db_conn *c, int64_t action_id, const char *day,
				  char done_on[11], struct lmn_err *err)
{
	return db_text(c, done_on, 11, err,
		       "UPDATE actions SET done_on = coalesce(done_on, $2) WHERE id = $1 "
		       "RETURNING done_on",
		       "it", action_id, day);
}

enum lmn_rc gov_store_body_year_meetings(struct db_conn *c, int64_t body_id, int year,
					 const char *now, gov_year_meeting_fn fn, void *arg,
					 struct lmn_err *err)
{
	struct db_stmt *st;
	char y[12];
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT m.id, m.starts_at, coalesce(m.notice_sent_on, ''), m.starts_at < $3, "
		"EXISTS (SELECT 1 FROM minutes mi WHERE mi.meeting_id = m.id AND mi.approved_at IS NOT "
		"NULL) FROM meetings m WHERE m.body_id = $1 AND substr(m.starts_at, 1, 4) = $2 "
		"ORDER BY m.starts_at",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	snprintf(y, sizeof(y), "%04d", year);
	db_bind_int(st, 1, body_id);
	db_bind_text(st, 2, y);
	db_bind_text(st, 3, now);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_year_meeting r = {
			.id = db_col_int(st, 0),
			.starts_at = db_col_text(st, 1),
			.notice_sent_on = db_col_text(st, 2),
			.past = db_col_int(st, 3) != 0,
			.approved = db_col_int(st, 4) != 0,
		};
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}
