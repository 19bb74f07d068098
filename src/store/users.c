/* Accounts, sessions and API tokens. */
#include "store/users.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define ACCOUNT_COLUMNS                                                     \
	"u.id, u.role, coalesce(u.patient_id, 0), coalesce(u.unit_id, 0), " \
	"coalesce(u.municipality, ''), u.username, u.display_name, coalesce(u.person_id, 0)"

/* Reads ACCOUNT_COLUMNS (the first eight). */
static void account_read(struct db_stmt *st, struct account *a)
{
	a->id = db_col_int(st, 0);
	snprintf(a->role, sizeof(a->role), "%s", db_col_text(st, 1));
	a->patient_id = db_col_int(st, 2);
	a->unit_id = db_col_int(st, 3);
	snprintf(a->municipality, sizeof(a->municipality), "%s", db_col_text(st, 4));
	snprintf(a->username, sizeof(a->username), "%s", db_col_text(st, 5));
	snprintf(a->display_name, sizeof(a->display_name), "%s", db_col_text(st, 6));
	a->person_id = db_col_int(st, 7);
}

/* Binds text to $1 of the prepared st, steps once and reads the account and, when extra, what
 * follows it; *found whether there was a row. */
static enum lmn_rc account_one(struct db_stmt *st, const char *text, struct account *a, bool *found,
			       void (*extra)(struct db_stmt *st, void *arg), void *arg,
			       struct lmn_err *err)
{
	enum lmn_rc rc;

	db_bind_text(st, 1, text);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		account_read(st, a);
		if (extra)
			extra(st, arg);
	}
	db_done(st);
	return rc;
}

/* The time seconds from now (the real clock, as the sessions' expiry is), in UTC as the sessions
 * store it: 2026-11-23T09:00:00Z. Computed here rather than in SQL, whose forms differ between
 * SQLite (strftime) and PostgreSQL (to_char). */
static void utc_in(char out[24], long seconds)
{
	time_t t = time(NULL) + seconds;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

static void token_id_read(struct db_stmt *st, void *arg)
{
	*(int64_t *)arg = db_col_int(st, 8);
}

enum lmn_rc account_by_token(struct db_conn *c, const char *hash, struct account *a,
			     int64_t *token_id, bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT " ACCOUNT_COLUMNS
			   ", t.id FROM api_tokens t JOIN users u ON u.id = t.user_id "
			   "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
			   &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	return account_one(st, hash, a, found, token_id_read, token_id, err);
}

enum lmn_rc account_by_person_name(struct db_conn *c, const char *username, struct account *a,
				   bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT " ACCOUNT_COLUMNS " FROM users u "
				    "WHERE u.username = $1 AND u.active = 1 AND u.kind = 'person'",
				    &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	return account_one(st, username, a, found, NULL, NULL, err);
}

static void session_read(struct db_stmt *st, void *arg)
{
	struct session_row *s = arg;

	snprintf(s->csrf, sizeof(s->csrf), "%s", db_col_text(st, 8));
	snprintf(s->expires_at, sizeof(s->expires_at), "%s", db_col_text(st, 9));
	snprintf(s->idle_until, sizeof(s->idle_until), "%s", db_col_text(st, 10));
}

enum lmn_rc account_by_session(struct db_conn *c, const char *hash, struct account *a,
			       struct session_row *s, bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	char now[24];
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT " ACCOUNT_COLUMNS ", s.csrf_token, s.expires_at, "
		"coalesce(s.idle_until, s.expires_at) FROM sessions s "
		"JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = 1 "
		"AND s.expires_at > $2 AND coalesce(s.idle_until, s.expires_at) > $2",
		&st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	utc_in(now, 0);
	db_bind_text(st, 2, now);
	return account_one(st, hash, a, found, session_read, s, err);
}

struct stored_hash {
	char *out;
	size_t size;
};

static void password_read(struct db_stmt *st, void *arg)
{
	struct stored_hash *h = arg;

	snprintf(h->out, h->size, "%s", db_col_text(st, 8));
}

enum lmn_rc account_for_login(struct db_conn *c, const char *username, struct account *a,
			      char *stored, size_t size, bool *found, struct lmn_err *err)
{
	struct stored_hash h = { stored, size };
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT " ACCOUNT_COLUMNS ", coalesce(u.password_hash, '') "
				    "FROM users u WHERE u.username = $1 AND u.active = 1",
				    &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	return account_one(st, username, a, found, password_read, &h, err);
}

enum lmn_rc sessions_insert(struct db_conn *c, const char *hash, int64_t user_id, const char *csrf,
			    const char *now, int idle_s, struct lmn_err *err)
{
	char expires[24], idle[24];

	/* Twelve hours at most, and idle_s without a request. */
	utc_in(expires, 12 * 3600);
	utc_in(idle, idle_s);
	return db_do(
		c, err,
		"INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, "
		"idle_until) VALUES ($1, $2, $3, $4, $5, $6)",
		"titttt", hash, user_id, csrf, now, expires,
		strcmp(idle, expires) < 0 ? idle : expires);
}

enum lmn_rc sessions_touch(struct db_conn *c, const char *hash, int idle_s, struct lmn_err *err)
{
	char idle[24];

	utc_in(idle, idle_s);
	return db_do(c, err,
		     "UPDATE sessions SET idle_until = CASE WHEN expires_at < $2 THEN expires_at "
		     "ELSE $2 END WHERE token_hash = $1",
		     "tt", hash, idle);
}

enum lmn_rc sessions_delete(struct db_conn *c, const char *hash, struct lmn_err *err)
{
	return db_do(c, err, "DELETE FROM sessions WHERE token_hash = $1", "t", hash);
}

enum lmn_rc api_tokens_insert(struct db_conn *c, const char *hash, int64_t user_id,
			      const char *name, const char *now, int64_t created_by,
			      struct lmn_err *err)
{
	return db_do(c, err,
		     "INSERT INTO api_tokens (token_hash, user_id, name, created_at, created_by) "
		     "VALUES ($1, $2, $3, $4, $5)",
		     "titti", hash, user_id, name, now, created_by);
}

enum lmn_rc api_tokens_revoke(struct db_conn *c, int64_t id, int64_t owner, const char *now,
			      bool *found, struct lmn_err *err)
{
	enum lmn_rc rc = db_do(c, err,
			       "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) "
			       "WHERE id = $1 AND ($3 = 0 OR user_id = $3)",
			       "iti", id, now, owner);

	*found = rc == LMN_OK && db_changes(c) > 0;
	return rc;
}

enum lmn_rc api_tokens_each(struct db_conn *c, int64_t user_id, api_token_fn fn, void *arg,
			    struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT t.id, t.name, t.created_at, coalesce(t.revoked_at, ''), "
		"coalesce(t.created_by, 0), coalesce(u.username, '') FROM api_tokens t "
		"LEFT JOIN users u ON u.id = t.created_by WHERE t.user_id = $1 ORDER BY t.id",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, user_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct api_token_row r = { db_col_int(st, 0),  db_col_text(st, 1),
					   db_col_text(st, 2), db_col_text(st, 3),
					   db_col_int(st, 4),  db_col_text(st, 5) };
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

#define STAFF_COLUMNS                                              \
	"id, username, display_name, role, coalesce(unit_id, 0), " \
	"coalesce(municipality, ''), active, created_at, kind"

/* Steps st to its end, calling fn for each row of STAFF_COLUMNS; *any whether there was one. */
static enum lmn_rc staff_rows(struct db_stmt *st, staff_fn fn, void *arg, bool *any,
			      struct lmn_err *err)
{
	bool row;
	enum lmn_rc rc;

	*any = false;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct staff_row r = { db_col_int(st, 0),      db_col_text(st, 1),
				       db_col_text(st, 2),     db_col_text(st, 3),
				       db_col_int(st, 4),      db_col_text(st, 5),
				       db_col_int(st, 6) != 0, db_col_text(st, 7),
				       db_col_text(st, 8) };
		*any = true;
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc staff_each(struct db_conn *c, staff_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT " STAFF_COLUMNS " FROM users WHERE role <> 'patient' "
				    "ORDER BY role, username",
				    &st, err);

	return rc != LMN_OK ? rc : staff_rows(st, fn, arg, &any, err);
}

enum lmn_rc staff_get(struct db_conn *c, int64_t id, staff_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc =
		db_prepare(c, "SELECT " STAFF_COLUMNS " FROM users WHERE id = $1", &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	if ((rc = staff_rows(st, fn, arg, &any, err)) == LMN_OK && !any)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "no such account");
	return rc;
}

enum lmn_rc users_insert(struct db_conn *c, const struct user_row *r, int64_t *id,
			 struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		DB_INSERT_ID(c, r->id, "INSERT INTO users (" USERS_INSERT_COLUMNS ")",
			     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
			     "RETURNING id"),
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_id(st, USER_COL_ID, r->id);
	db_bind_text(st, USER_COL_USERNAME, r->username);
	db_bind_text(st, USER_COL_DISPLAY_NAME, r->display_name);
	db_bind_text(st, USER_COL_ROLE, r->role);
	db_bind_id(st, USER_COL_PATIENT_ID, r->patient_id);
	db_bind_id(st, USER_COL_UNIT_ID, r->unit_id);
	db_bind_text(st, USER_COL_MUNICIPALITY,
		     r->municipality && *r->municipality ? r->municipality : NULL);
	db_bind_text(st, USER_COL_PASSWORD_HASH, r->password_hash);
	db_bind_int(st, USER_COL_ACTIVE, r->active);
	db_bind_text(st, USER_COL_CREATED_AT, r->created_at);
	db_bind_id(st, USER_COL_PERSON_ID, r->person_id);
	db_bind_text(st, USER_COL_KIND, r->kind ? r->kind : "person");
	return db_run_id(st, id, err);
}

enum lmn_rc users_invent_hsa_ids(struct db_conn *c, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE users SET hsa_id = 'SE2321000131-P' || "
		     "substr('000000000000' || CAST(id AS TEXT), length(CAST(id AS TEXT)) + 1) "
		     "WHERE role IN ('prescriber', 'municipal_prescriber')",
		     "");
}

enum lmn_rc staff_insert(struct db_conn *c, const struct staff_new *r, int64_t *id,
			 struct lmn_err *err)
{
	const struct user_row u = {
		.username = r->username,
		.display_name = r->display_name,
		.role = r->role,
		.unit_id = r->unit_id,
		.municipality = r->municipality,
		.password_hash = r->password_hash,
		.active = true,
		.created_at = r->created_at,
		.person_id = r->person_id,
		.kind = r->kind,
	};

	return users_insert(c, &u, id, err);
}

enum lmn_rc staff_kind(struct db_conn *c, int64_t id, bool *exists, bool *integration,
		       struct lmn_err *err)
{
	int64_t kind;
	enum lmn_rc rc =
		db_int(c, &kind, -1, err,
		       "SELECT kind = 'integration' FROM users WHERE id = $1 AND role <> 'patient'",
		       "i", id);

	*exists = rc == LMN_OK && kind >= 0;
	*integration = rc == LMN_OK && kind > 0;
	return rc;
}

enum lmn_rc staff_close(struct db_conn *c, int64_t id, const char *now, struct lmn_err *err)
{
	enum lmn_rc rc = db_do(c, err, "UPDATE users SET active = 0 WHERE id = $1", "i", id);

	if (rc == LMN_OK)
		rc = db_do(c, err, "DELETE FROM sessions WHERE user_id = $1", "i", id);
	if (rc == LMN_OK)
		rc = db_do(c, err,
			   "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND "
			   "revoked_at IS NULL",
			   "it", id, now);
	return rc;
}

enum lmn_rc username_taken(struct db_conn *c, const char *username, bool *taken,
			   struct lmn_err *err)
{
	return db_exists(c, taken, err, "SELECT 1 FROM users WHERE username = $1", "t", username);
}

enum lmn_rc staff_reopen(struct db_conn *c, int64_t id, bool *found, struct lmn_err *err)
{
	enum lmn_rc rc =
		db_do(c, err, "UPDATE users SET active = 1 WHERE id = $1 AND role <> 'patient'",
		      "i", id);

	*found = rc == LMN_OK && db_changes(c) > 0;
	return rc;
}
