/* The minutes of governance meetings in the store: see governance_minutes_store.h. */
#include "store/governance_minutes_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lmn_rc gov_store_approve(struct db_conn *c, int64_t minutes_id, int64_t person_id,
			      const char *at, const char *how, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "INSERT INTO minutes_approvals (minutes_id, person_id, approved_at, "
			   "given_how) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, minutes_id);
	db_bind_int(st, 2, person_id);
	db_bind_text(st, 3, at);
	db_bind_text(st, 4, how);
	return db_run(st, err);
}

enum lmn_rc gov_store_approval_rule(struct db_conn *c, int64_t meeting_id, char rule[32],
				    struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT b.approval FROM meetings mt JOIN bodies b ON b.id = mt.body_id "
			   "WHERE mt.id = $1",
			   &st, err);

	snprintf(rule, 32, "chair");
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, meeting_id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		snprintf(rule, 32, "%s", db_col_text(st, 0));
	db_done(st);
	return rc;
}

void gov_approvals_release(struct gov_approval *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].name);
	free(a);
}

enum lmn_rc gov_store_approvals(struct db_conn *c, int64_t minutes_id, struct gov_approval **out,
				size_t *n, struct lmn_err *err)
{
	struct db_stmt *st;
	struct gov_approval *a = NULL;
	bool row, oom = false;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT a.person_id, p.name, a.approved_at, coalesce(a.given_how, '') "
			   "FROM minutes_approvals a JOIN people p ON p.id = a.person_id "
			   "WHERE a.minutes_id = $1 ORDER BY a.approved_at",
			   &st, err);

	*out = NULL;
	*n = 0;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, minutes_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_approval *g = realloc(a, (*n + 1) * sizeof(*a));
		if (!g) {
			oom = true;
			break;
		}
		a = g;
		g = &a[(*n)++];
		memset(g, 0, sizeof(*g));
		g->person_id = db_col_int(st, 0);
		if (!(g->name = strdup(db_col_text(st, 1))))
			oom = true;
		snprintf(g->approved_at, sizeof(g->approved_at), "%s", db_col_text(st, 2));
		snprintf(g->how, sizeof(g->how), "%s", db_col_text(st, 3));
	}
	db_done(st);
	if (rc == LMN_OK && oom)
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (rc != LMN_OK) {
		gov_approvals_release(a, *n);
		a = NULL;
		*n = 0;
	}
	*out = a;
	return rc;
}

enum lmn_rc gov_store_next_meeting_started(struct db_conn *c, int64_t meeting_id, const char *now,
					   bool *started, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT EXISTS (SELECT 1 FROM meetings n JOIN meetings m ON m.body_id = n.body_id "
		"WHERE m.id = $1 AND n.starts_at > m.starts_at AND substr(n.starts_at, 1, 16) <= $2)",
		&st, err);
	bool row;

	*started = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, meeting_id);
	db_bind_text(st, 2, now);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*started = db_col_int(st, 0) != 0;
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_minutes_publish(struct db_conn *c, int64_t minutes_id, const char *day,
				      char published[11], struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "UPDATE minutes SET published_at = coalesce(published_at, $2) "
			   "WHERE id = $1 AND approved_at IS NOT NULL RETURNING published_at",
			   &st, err);
	bool row;

	published[0] = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, minutes_id);
	db_bind_text(st, 2, day);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		snprintf(published, 11, "%s", db_col_text(st, 0));
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_minutes_closed(struct db_conn *c, int64_t meeting_id, bool *closed,
				     struct lmn_err *err)
{
	int64_t approved;
	/* Closed when the newest version is approved; a correction (a new draft version) opens
	 * the record again until that version is approved. */
	enum lmn_rc rc = db_int(c, &approved, 0, err,
				"SELECT approved_at IS NOT NULL FROM minutes WHERE meeting_id = $1 "
				"ORDER BY version DESC LIMIT 1",
				"i", meeting_id);

	*closed = approved != 0;
	return rc;
}

enum lmn_rc gov_store_minutes_newest(struct db_conn *c, int64_t meeting_id, int64_t *id,
				     int64_t *version, bool *draft, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT id, version, approved_at IS NULL FROM minutes "
				    "WHERE meeting_id = $1 ORDER BY version DESC LIMIT 1",
				    &st, err);

	*id = *version = 0;
	*draft = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, meeting_id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row) {
		*id = db_col_int(st, 0);
		*version = db_col_int(st, 1);
		*draft = db_col_int(st, 2) != 0;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_minutes_rewrite(struct db_conn *c, int64_t minutes_id, const char *html,
				      const char *created_at, struct lmn_err *err)
{
	return db_do(c, err, "UPDATE minutes SET html = $2, created_at = $3 WHERE id = $1", "itt",
		     minutes_id, html, created_at);
}

enum lmn_rc gov_store_minutes_insert(struct db_conn *c, int64_t meeting_id, int64_t version,
				     const char *html, const char *created_at, int64_t *id,
				     struct lmn_err *err)
{
	return db_int(c, id, 0, err,
		      "INSERT INTO minutes (meeting_id, version, html, created_at) "
		      "VALUES ($1, $2, $3, $4) RETURNING id",
		      "iitt", meeting_id, version, html, created_at);
}

static enum lmn_rc minutes_rows(struct db_stmt *st, bool *any, gov_minutes_fn fn, void *arg,
				struct lmn_err *err)
{
	enum lmn_rc rc;
	bool row;

	*any = false;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct gov_minutes_row r = {
			.id = db_col_int(st, 0),
			.meeting_id = db_col_int(st, 1),
			.version = db_col_int(st, 2),
			.html = db_col_text(st, 3),
			.created_at = db_col_text(st, 4),
			.approved_at = db_col_text(st, 5),
			.published_at = db_col_text(st, 6),
		};
		*any = true;
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc gov_store_minutes_list(struct db_conn *c, int64_t meeting_id, gov_minutes_fn fn,
				   void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT id, meeting_id, version, '', created_at, "
				    "coalesce(approved_at, ''), coalesce(published_at, '') "
				    "FROM minutes WHERE meeting_id = $1 ORDER BY version",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, meeting_id);
	return minutes_rows(st, &any, fn, arg, err);
}

enum lmn_rc gov_store_minutes(struct db_conn *c, int64_t id, bool *found, gov_minutes_fn fn,
			      void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT id, meeting_id, version, html, created_at, "
				    "coalesce(approved_at, ''), coalesce(published_at, '') "
				    "FROM minutes WHERE id = $1",
				    &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	return minutes_rows(st, found, fn, arg, err);
}

enum lmn_rc gov_store_minutes_approved(struct db_conn *c, int64_t minutes_id, const char *at,
				       struct lmn_err *err)
{
	return db_do(c, err, "UPDATE minutes SET approved_at = $2 WHERE id = $1", "it", minutes_id,
		     at);
}
