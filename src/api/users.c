/* Staff accounts and API tokens. The administration manages accounts; an API token is created by
 * the account's owner, or by the administration only for an integration account (no person behind
 * it, no password): the administration reads no patient data, so it must not act as a person.
 * Passwords are stored only as Argon2id hashes and tokens only as SHA-256 hashes (api/auth.c); a
 * token's secret is shown once. Patients' accounts are not managed here: they sign in through the
 * region's single sign-on. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "store/staff.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

#define USER_COLUMNS                                               \
	"id, username, display_name, role, coalesce(unit_id, 0), " \
	"coalesce(municipality, ''), active, created_at, kind"

static json_t *user_row_json(struct db_stmt *st)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "id",
			      (json_int_t)db_col_int(st, 0), "username", db_col_text(st, 1),
			      "display_name", db_col_text(st, 2), "role", db_col_text(st, 3),
			      "active", db_col_int(st, 6) != 0, "created_at", db_col_text(st, 7),
			      "kind", db_col_text(st, 8));

	if (o && db_col_int(st, 4))
		json_object_set_new(o, "unit_id", json_integer(db_col_int(st, 4)));
	if (o && *db_col_text(st, 5))
		json_object_set_new(o, "municipality", json_string(db_col_text(st, 5)));
	return o;
}

int users_list(struct api_ctx *ctx)
{
	struct db_stmt *st;
	bool row;
	json_t *a;
	enum lmn_rc rc = db_prepare(ctx->c,
				    "SELECT " USER_COLUMNS " FROM users WHERE role <> 'patient' "
				    "ORDER BY role, username",
				    &st, &ctx->err);

	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	a = json_array();
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row)
		json_array_append_new(a, user_row_json(st));
	db_done(st);
	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "users", a));
}

static bool username_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Adds a fault of field to the list errors (printf-style detail). */
static void fault(json_t *errors, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fault(json_t *errors, const char *field, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "detail", detail));
}

int users_create(struct api_ctx *ctx)
{
	const char *username = NULL, *display = NULL, *role_name = NULL, *password, *municipality;
	const char *kind = NULL;
	bool integration;
	int64_t unit = 0, person = 0, id;
	char hash[128];
	struct db_stmt *st;
	bool exists = false;
	json_t *errors;
	int role;
	enum lmn_rc rc;

	/* Every fault of the form at once (issue 20), not the first only: the text fields are
	 * checked here rather than refused one by one as missing. */
	if (!api_str(ctx, "username", false, &username) ||
	    !api_str(ctx, "display_name", false, &display) ||
	    !api_str(ctx, "role", false, &role_name) ||
	    !api_str(ctx, "password", false, &password) ||
	    !api_str(ctx, "municipality", false, &municipality) ||
	    !api_int(ctx, "unit_id", false, 1, INT64_MAX, &unit) ||
	    !api_int(ctx, "person_id", false, 1, INT64_MAX, &person) ||
	    !api_str(ctx, "kind", false, &kind))
		return (int)ctx->resp->status;
	errors = json_array();
	if (kind && strcmp(kind, "person") != 0 && strcmp(kind, "integration") != 0)
		fault(errors, "kind", "Välj en person eller ett integrationskonto.");
	integration = kind && strcmp(kind, "integration") == 0;
	if (!username || !username_ok(username))
		fault(errors, "username",
		      "Användarnamnet ska vara 3–63 tecken: a–z, 0–9, punkt, "
		      "understreck eller bindestreck.");
	if (!display || !*display)
		fault(errors, "display_name", "Skriv personens namn och titel.");
	else if (strlen(display) > 127)
		fault(errors, "display_name", "Namnet får vara högst 127 byte.");
	role = role_name ? user_role_parse(role_name) : -1;
	if (role < 0 || role == UR_PATIENT)
		fault(errors, "role",
		      "Välj en roll för personal (patienter loggar in med "
		      "regionens inloggning).");
	/* An integration account is a system, not a person: no one signs in as it, and it may not
	 * administer or govern. */
	if (integration && password)
		fault(errors, "password",
		      "Ett integrationskonto har inget lösenord: det använder "
		      "API-nycklar.");
	if (integration && (role == UR_ADMIN || role == UR_SECRETARY || role == UR_MEMBER))
		fault(errors, "role",
		      "Ett integrationskonto kan inte ha en roll i förvaltningen eller "
		      "styrningen.");
	if (role == UR_MEMBER && !person)
		fault(errors, "person_id",
		      "En ledamot ska vara kopplad till en person i styrningen.");
	if ((role == UR_PRESCRIBER || role == UR_MUNICIPAL_PRESCRIBER) && !unit)
		fault(errors, "unit_id", "En förskrivare ska höra till en enhet.");
	if ((role == UR_MUNICIPAL_PRESCRIBER || role == UR_MUNICIPAL_ORDERER) &&
	    (!municipality || !*municipality))
		fault(errors, "municipality", "Kommunal personal ska höra till en kommun.");
	/* Only a municipality of the agreement: a misspelt one would see no one (issue 20). */
	else if (municipality && *municipality && !api_municipality_known(municipality))
		fault(errors, "municipality",
		      "%s är inte en av avtalets 49 kommuner i Västra "
		      "Götaland.",
		      municipality);
	if (password && (strlen(password) < PASSWORD_MIN || strlen(password) > PASSWORD_MAX))
		fault(errors, "password", "Lösenordet ska vara %d–%d tecken.", PASSWORD_MIN,
		      PASSWORD_MAX);
	if (unit && (rc = unit_exists(ctx->c, unit, &exists, &ctx->err)) != LMN_OK) {
		json_decref(errors);
		return api_fail(ctx, rc);
	}
	if (unit && !exists)
		fault(errors, "unit_id", "Enheten %lld finns inte.", (long long)unit);
	/* A name taken is said with the other faults; alone it is the conflict it always was
	 * (checked again below, in the transaction that creates the account). */
	if (json_array_size(errors) && username && username_ok(username)) {
		bool taken = false;
		if ((rc = username_taken(ctx->c, username, &taken, &ctx->err)) != LMN_OK) {
			json_decref(errors);
			return api_fail(ctx, rc);
		}
		if (taken) /* first, where the form has the field */
			json_array_insert_new(errors, 0,
					      json_pack("{s:s, s:s++}", "field", "username",
							"detail", "Användarnamnet ", username,
							" finns redan."));
	}
	if (json_array_size(errors))
		return api_problems(ctx, 400, "invalid_input", errors);
	json_decref(errors);
	/* Hash before the transaction: Argon2id takes a while and must not hold the write lock. */
	if (password && (rc = auth_hash_password(password, hash, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = username_taken(ctx->c, username, &exists, &ctx->err);
	if (rc == LMN_OK && exists) {
		db_rollback(ctx->c);
		return api_problem(ctx, 409, "username_taken", "username", NULL,
				   "Användarnamnet %s finns redan.", username);
	}
	if (rc == LMN_OK)
		rc = db_prepare(
			ctx->c,
			"INSERT INTO users (username, display_name, role, unit_id, "
			"municipality, password_hash, created_at, person_id, kind) "
			"VALUES ($1, $2, $3, nullif($4, 0), nullif($5, ''), $6, $7, nullif($8, 0), $9)",
			&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_text(st, 1, username);
		db_bind_text(st, 2, display);
		db_bind_text(st, 3, user_role_name((enum user_role)role));
		db_bind_int(st, 4,
			    role == UR_PRESCRIBER || role == UR_MUNICIPAL_PRESCRIBER ? unit : 0);
		db_bind_text(st, 5,
			     role == UR_MUNICIPAL_PRESCRIBER || role == UR_MUNICIPAL_ORDERER
				     ? municipality
				     : "");
		db_bind_text(st, 6, password ? hash : NULL);
		db_bind_text(st, 7, ctx->now);
		db_bind_int(st, 8, role == UR_SECRETARY || role == UR_MEMBER ? person : 0);
		db_bind_text(st, 9, integration ? "integration" : "person");
		rc = db_run(st, &ctx->err);
	}
	id = db_last_id(ctx->c);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	/* Read back what was stored, so the answer is the record. */
	rc = db_prepare(ctx->c, "SELECT " USER_COLUMNS " FROM users WHERE id = $1", &st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, id);
	json_t *o = NULL;
	bool row;
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		o = user_row_json(st);
	db_done(st);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201, o);
}

/* The staff user {id}; sends 404 (also for patients' accounts) and returns false if none. */
static bool staff_user(struct api_ctx *ctx, int64_t id)
{
	struct db_stmt *st;
	bool row = false;
	enum lmn_rc rc =
		db_prepare(ctx->c, "SELECT 1 FROM users WHERE id = $1 AND role <> 'patient'", &st,
			   &ctx->err);

	if (rc == LMN_OK) {
		db_bind_int(st, 1, id);
		rc = db_step(st, &row, &ctx->err);
		db_done(st);
	}
	if (rc != LMN_OK)
		api_fail(ctx, rc);
	else if (!row)
		api_problem(ctx, 404, "not_found", NULL, NULL, "Användaren finns inte.");
	return rc == LMN_OK && row;
}

int users_deactivate(struct api_ctx *ctx)
{
	static const char *const sql[] = {
		"UPDATE users SET active = 0 WHERE id = $1",
		"DELETE FROM sessions WHERE user_id = $1",
		"UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
	};
	struct db_stmt *st;
	enum lmn_rc rc;

	if (ctx->id[0] == ctx->user.id)
		return api_problem(ctx, 409, "own_account", NULL, NULL,
				   "Du kan inte stänga ditt eget konto.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!staff_user(ctx, ctx->id[0])) {
		db_rollback(ctx->c);
		return (int)ctx->resp->status;
	}
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == LMN_OK; i++) {
		if ((rc = db_prepare(ctx->c, sql[i], &st, &ctx->err)) != LMN_OK)
			break;
		db_bind_int(st, 1, ctx->id[0]);
		if (db_param_count(st) >= 2)
			db_bind_text(st, 2, ctx->now);
		rc = db_run(st, &ctx->err);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	auth_forget(); /* the account's sessions and tokens stop now, not within a second */
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:I, s:b}", "id", (json_int_t)ctx->id[0], "active", 0));
}

/* A closed account opened again (issue 20): it signs in with its password as before; its API
 * tokens stay revoked. */
int users_reopen(struct api_ctx *ctx)
{
	bool found = false;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if ((rc = staff_reopen(ctx->c, ctx->id[0], &found, &ctx->err)) == LMN_OK && found)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK || !found) {
		db_rollback(ctx->c);
		return rc != LMN_OK ? api_fail(ctx, rc)
				    : api_problem(ctx, 404, "not_found", NULL, NULL,
						  "Användaren finns inte.");
	}
	auth_forget();
	return api_json(ctx, 200,
			json_pack("{s:I, s:b}", "id", (json_int_t)ctx->id[0], "active", 1));
}

/* May the caller see (create: also create) the tokens of user {id}? Their own account; the
 * administration sees every staff account's (names and dates: it revokes them) but creates them
 * only for an integration account. Answers (403, or 404 to the administration for no such staff
 * account) and returns false if not. */
static bool token_holder(struct api_ctx *ctx, int64_t id, bool create)
{
	struct db_stmt *st;
	bool row = false, integration = false;
	enum lmn_rc rc;

	if (id == ctx->user.id && ctx->user.role != UR_PATIENT)
		return true;
	if (ctx->user.role != UR_ADMIN) {
		api_problem(ctx, 403, "not_own_account", NULL, NULL,
			    "Du kan bara hantera API-nycklar för ditt eget konto.");
		return false;
	}
	rc = db_prepare(
		ctx->c,
		"SELECT kind = 'integration' FROM users WHERE id = $1 AND role <> 'patient'", &st,
		&ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, id);
		rc = db_step(st, &row, &ctx->err);
		integration = row && db_col_int(st, 0) != 0;
		db_done(st);
	}
	if (rc != LMN_OK)
		api_fail(ctx, rc);
	else if (!row)
		api_problem(ctx, 404, "not_found", NULL, NULL, "Användaren finns inte.");
	else if (!integration && create)
		api_problem(
			ctx, 403, "person_account", NULL, NULL,
			"Förvaltningen skapar API-nycklar bara för integrationskonton. En person "
			"skapar sina egna nycklar.");
	return rc == LMN_OK && row && (integration || !create);
}

int tokens_list(struct api_ctx *ctx)
{
	struct db_stmt *st;
	bool row;
	json_t *a;
	enum lmn_rc rc;

	if (!token_holder(ctx, ctx->id[0], false))
		return (int)ctx->resp->status;
	rc = db_prepare(
		ctx->c,
		"SELECT t.id, t.name, t.created_at, coalesce(t.revoked_at, ''), "
		"coalesce(t.created_by, 0), coalesce(u.username, '') FROM api_tokens t "
		"LEFT JOIN users u ON u.id = t.created_by WHERE t.user_id = $1 ORDER BY t.id",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_int(st, 1, ctx->id[0]);
	a = json_array();
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
				      "name", db_col_text(st, 1), "created_at", db_col_text(st, 2));
		if (o && *db_col_text(st, 3))
			json_object_set_new(o, "revoked_at", json_string(db_col_text(st, 3)));
		if (o && db_col_int(st, 4)) {
			json_object_set_new(o, "created_by", json_integer(db_col_int(st, 4)));
			json_object_set_new(o, "created_by_username",
					    json_string(db_col_text(st, 5)));
		}
		json_array_append_new(a, o);
	}
	db_done(st);
	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "tokens", a));
}

int tokens_create(struct api_ctx *ctx)
{
	const char *name;
	char secret[65];
	enum lmn_rc rc;
	int64_t id;

	if (!api_str(ctx, "name", true, &name))
		return (int)ctx->resp->status;
	if (strlen(name) > 100)
		return api_problem(ctx, 400, "invalid_input", "name", NULL,
				   "Namnet får vara högst 100 byte.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!token_holder(ctx, ctx->id[0], true)) {
		db_rollback(ctx->c);
		return (int)ctx->resp->status;
	}
	rc = auth_create_token(ctx->c, ctx->id[0], ctx->user.id, name, ctx->now, secret, &ctx->err);
	id = db_last_id(ctx->c);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)id, "name", name,
			      "created_at", ctx->now, "created_by", (json_int_t)ctx->user.id,
			      "token", secret);
	sodium_memzero(secret, sizeof(secret));
	return api_json(ctx, 201, o);
}

int tokens_revoke(struct api_ctx *ctx)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	/* The administration revokes any token (closing a door is always safe); others their own. */
	rc = db_prepare(ctx->c,
			"UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) "
			"WHERE id = $1 AND ($3 = 0 OR user_id = $3)",
			&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		db_bind_text(st, 2, ctx->now);
		db_bind_int(st, 3, ctx->user.role == UR_ADMIN ? 0 : ctx->user.id);
		rc = db_run(st, &ctx->err);
	}
	if (rc == LMN_OK && db_changes(ctx->c) == 0) {
		db_rollback(ctx->c);
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Token finns inte.");
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	auth_forget(); /* the token stops now, not within a second */
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:I, s:b}", "id", (json_int_t)ctx->id[0], "revoked", 1));
}
