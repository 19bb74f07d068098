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
#include "store/users.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

static json_t *user_row_json(const struct staff_row *r)
{
	json_t *o =
		json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)r->id,
			  "username", r->username, "display_name", r->display_name, "role", r->role,
			  "active", r->active, "created_at", r->created_at, "kind", r->kind);

	if (o && r->unit_id)
		json_object_set_new(o, "unit_id", json_integer(r->unit_id));
	if (o && *r->municipality)
		json_object_set_new(o, "municipality", json_string(r->municipality));
	return o;
}

static enum lmn_rc user_append(const struct staff_row *r, void *arg)
{
	json_array_append_new(arg, user_row_json(r));
	return LMN_OK;
}

static enum lmn_rc user_keep(const struct staff_row *r, void *arg)
{
	*(json_t **)arg = user_row_json(r);
	return LMN_OK;
}

int users_list(struct api_ctx *ctx)
{
	json_t *a = json_array();
	enum lmn_rc rc = staff_each(ctx->c, user_append, a, &ctx->err);

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
	bool exists = false;
	json_t *errors;
	int role;
	enum lmn_rc rc;

	/* Every fault of the form at once (issue 20), not the first only: the text fields are
	 * checked here rather than refused one by one as missing. */
	if (!api_str_or_reply(ctx, "username", false, &username) ||
	    !api_str_or_reply(ctx, "display_name", false, &display) ||
	    !api_str_or_reply(ctx, "role", false, &role_name) ||
	    !api_str_or_reply(ctx, "password", false, &password) ||
	    !api_str_or_reply(ctx, "municipality", false, &municipality) ||
	    !api_int_or_reply(ctx, "unit_id", false, 1, INT64_MAX, &unit) ||
	    !api_int_or_reply(ctx, "person_id", false, 1, INT64_MAX, &person) ||
	    !api_str_or_reply(ctx, "kind", false, &kind))
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
	if (rc == LMN_OK) {
		struct staff_new r = {
			.username = username,
			.display_name = display,
			.role = user_role_name((enum user_role)role),
			.unit_id =
				role == UR_PRESCRIBER || role == UR_MUNICIPAL_PRESCRIBER ? unit : 0,
			.municipality =
				role == UR_MUNICIPAL_PRESCRIBER || role == UR_MUNICIPAL_ORDERER
					? municipality
					: "",
			.password_hash = password ? hash : NULL,
			.created_at = ctx->now,
			.person_id = role == UR_SECRETARY || role == UR_MEMBER ? person : 0,
			.kind = integration ? "integration" : "person",
		};
		rc = staff_insert(ctx->c, &r, &id, &ctx->err);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	/* Read back what was stored, so the answer is the record. */
	json_t *o = NULL;
	if ((rc = staff_get(ctx->c, id, user_keep, &o, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201, o);
}

/* The staff user {id}; sends 404 (also for patients' accounts) and returns false if none. */
static bool staff_user_or_reply(struct api_ctx *ctx, int64_t id)
{
	bool row = false, integration;
	enum lmn_rc rc = staff_kind(ctx->c, id, &row, &integration, &ctx->err);

	if (rc != LMN_OK)
		api_fail(ctx, rc);
	else if (!row)
		api_problem(ctx, 404, "not_found", NULL, NULL, "Användaren finns inte.");
	return rc == LMN_OK && row;
}

int users_deactivate(struct api_ctx *ctx)
{
	enum lmn_rc rc;

	if (ctx->id[0] == ctx->user.id)
		return api_problem(ctx, 409, "own_account", NULL, NULL,
				   "Du kan inte stänga ditt eget konto.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!staff_user_or_reply(ctx, ctx->id[0])) {
		db_rollback(ctx->c);
		return (int)ctx->resp->status;
	}
	rc = staff_close(ctx->c, ctx->id[0], ctx->now, &ctx->err);
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
static bool token_holder_or_reply(struct api_ctx *ctx, int64_t id, bool create)
{
	bool row = false, integration = false;
	enum lmn_rc rc;

	if (id == ctx->user.id && ctx->user.role != UR_PATIENT)
		return true;
	if (ctx->user.role != UR_ADMIN) {
		api_problem(ctx, 403, "not_own_account", NULL, NULL,
			    "Du kan bara hantera API-nycklar för ditt eget konto.");
		return false;
	}
	rc = staff_kind(ctx->c, id, &row, &integration, &ctx->err);
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

static enum lmn_rc token_append(const struct api_token_row *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "name", r->name,
			      "created_at", r->created_at);

	if (o && *r->revoked_at)
		json_object_set_new(o, "revoked_at", json_string(r->revoked_at));
	if (o && r->created_by) {
		json_object_set_new(o, "created_by", json_integer(r->created_by));
		json_object_set_new(o, "created_by_username", json_string(r->created_by_username));
	}
	json_array_append_new(arg, o);
	return LMN_OK;
}

int tokens_list(struct api_ctx *ctx)
{
	json_t *a;
	enum lmn_rc rc;

	if (!token_holder_or_reply(ctx, ctx->id[0], false))
		return (int)ctx->resp->status;
	a = json_array();
	if ((rc = api_tokens_each(ctx->c, ctx->id[0], token_append, a, &ctx->err)) != LMN_OK) {
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

	if (!api_str_or_reply(ctx, "name", true, &name))
		return (int)ctx->resp->status;
	if (strlen(name) > 100)
		return api_problem(ctx, 400, "invalid_input", "name", NULL,
				   "Namnet får vara högst 100 byte.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!token_holder_or_reply(ctx, ctx->id[0], true)) {
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
	bool found;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	/* The administration revokes any token (closing a door is always safe); others their own. */
	rc = api_tokens_revoke(ctx->c, ctx->id[0], ctx->user.role == UR_ADMIN ? 0 : ctx->user.id,
			       ctx->now, &found, &ctx->err);
	if (rc == LMN_OK && !found) {
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
