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

/* The fields of a new account, as the body gives them. */
struct user_in {
	const char *username, *display, *role_name, *password, *municipality, *kind;
	int64_t unit, person;
	bool integration;
	int role; /* enum user_role, or -1 */
};

/* Reads the body's fields into in: false with the answer written (a field of the wrong type). */
static bool user_input_or_reply(struct api_ctx *ctx, struct user_in *in)
{
	memset(in, 0, sizeof(*in));
	/* Every fault of the form at once (issue 20), not the first only: the text fields are
	 * checked by user_faults rather than refused one by one as missing. */
	if (!api_str_or_reply(ctx, "username", false, &in->username) ||
	    !api_str_or_reply(ctx, "display_name", false, &in->display) ||
	    !api_str_or_reply(ctx, "role", false, &in->role_name) ||
	    !api_str_or_reply(ctx, "password", false, &in->password) ||
	    !api_str_or_reply(ctx, "municipality", false, &in->municipality) ||
	    !api_int_or_reply(ctx, "unit_id", false, 1, INT64_MAX, &in->unit) ||
	    !api_int_or_reply(ctx, "person_id", false, 1, INT64_MAX, &in->person) ||
	    !api_str_or_reply(ctx, "kind", false, &in->kind))
		return false;
	in->integration = in->kind && strcmp(in->kind, "integration") == 0;
	in->role = in->role_name ? user_role_parse(in->role_name) : -1;
	return true;
}

/* The faults of the fields themselves, added to errors (the store is not asked). */
static void user_faults(const struct user_in *in, json_t *errors)
{
	if (in->kind && strcmp(in->kind, "person") != 0 && strcmp(in->kind, "integration") != 0)
		fault(errors, "kind", "Välj en person eller ett integrationskonto.");
	if (!in->username || !username_ok(in->username))
		fault(errors, "username",
		      "Användarnamnet ska vara 3–63 tecken: a–z, 0–9, punkt, "
		      "understreck eller bindestreck.");
	if (!in->display || !*in->display)
		fault(errors, "display_name", "Skriv personens namn och titel.");
	else if (strlen(in->display) > 127)
		fault(errors, "display_name", "Namnet får vara högst 127 byte.");
	if (in->role < 0 || in->role == UR_PATIENT)
		fault(errors, "role",
		      "Välj en roll för personal (patienter loggar in med "
		      "regionens inloggning).");
	/* An integration account is a system, not a person: no one signs in as it, and it may not
	 * administer or govern. */
	if (in->integration && in->password)
		fault(errors, "password",
		      "Ett integrationskonto har inget lösenord: det använder "
		      "API-nycklar.");
	if (in->integration &&
	    (in->role == UR_ADMIN || in->role == UR_SECRETARY || in->role == UR_MEMBER))
		fault(errors, "role",
		      "Ett integrationskonto kan inte ha en roll i förvaltningen eller "
		      "styrningen.");
	if (in->role == UR_MEMBER && !in->person)
		fault(errors, "person_id",
		      "En ledamot ska vara kopplad till en person i styrningen.");
	if ((in->role == UR_PRESCRIBER || in->role == UR_MUNICIPAL_PRESCRIBER) && !in->unit)
		fault(errors, "unit_id", "En förskrivare ska höra till en enhet.");
	if ((in->role == UR_MUNICIPAL_PRESCRIBER || in->role == UR_MUNICIPAL_ORDERER) &&
	    (!in->municipality || !*in->municipality))
		fault(errors, "municipality", "Kommunal personal ska höra till en kommun.");
	/* Only a municipality of the agreement: a misspelt one would see no one (issue 20). */
	else if (in->municipality && *in->municipality && !api_municipality_known(in->municipality))
		fault(errors, "municipality",
		      "%s är inte en av avtalets 49 kommuner i Västra "
		      "Götaland.",
		      in->municipality);
	if (in->password &&
	    (strlen(in->password) < PASSWORD_MIN || strlen(in->password) > PASSWORD_MAX))
		fault(errors, "password", "Lösenordet ska vara %d–%d tecken.", PASSWORD_MIN,
		      PASSWORD_MAX);
}

/* Every fault of the new account at once, its unit and name looked up: false with the answer
 * written (400 listing them, or the store's failure). */
static bool user_valid_or_reply(struct api_ctx *ctx, const struct user_in *in)
{
	json_t *errors = json_array();
	bool exists = false, taken = false;
	enum lmn_rc rc = LMN_OK;

	user_faults(in, errors);
	if (in->unit && (rc = unit_exists(ctx->c, in->unit, &exists, &ctx->err)) == LMN_OK &&
	    !exists)
		fault(errors, "unit_id", "Enheten %lld finns inte.", (long long)in->unit);
	/* A name taken is said with the other faults; alone it is the conflict it always was
	 * (checked again in the transaction that creates the account: user_insert_or_reply). */
	if (rc == LMN_OK && json_array_size(errors) && in->username && username_ok(in->username) &&
	    (rc = username_taken(ctx->c, in->username, &taken, &ctx->err)) == LMN_OK &&
	    taken) /* first, where the form has the field */
		json_array_insert_new(errors, 0,
				      json_pack("{s:s, s:s++}", "field", "username", "detail",
						"Användarnamnet ", in->username, " finns redan."));
	if (rc != LMN_OK) {
		json_decref(errors);
		api_fail(ctx, rc);
		return false;
	}
	if (json_array_size(errors)) {
		api_problems(ctx, 400, "invalid_input", errors);
		return false;
	}
	json_decref(errors);
	return true;
}

/* The account as stored: the unit, municipality and person only where the role has one. */
static struct staff_new user_record(const struct user_in *in, const char *hash, const char *now)
{
	const int role = in->role;

	return (struct staff_new){
		.username = in->username,
		.display_name = in->display,
		.role = user_role_name((enum user_role)role),
		.unit_id = role == UR_PRESCRIBER || role == UR_MUNICIPAL_PRESCRIBER ? in->unit : 0,
		.municipality = role == UR_MUNICIPAL_PRESCRIBER || role == UR_MUNICIPAL_ORDERER
					? in->municipality
					: "",
		.password_hash = hash,
		.created_at = now,
		.person_id = role == UR_SECRETARY || role == UR_MEMBER ? in->person : 0,
		.kind = in->integration ? "integration" : "person",
	};
}

/* Creates the account in a writing transaction, the name checked again inside it: false with
 * the answer written (409 for a name taken meanwhile). */
static bool user_insert_or_reply(struct api_ctx *ctx, const struct user_in *in, const char *hash,
				 int64_t *id)
{
	bool exists = false;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	rc = username_taken(ctx->c, in->username, &exists, &ctx->err);
	if (rc == LMN_OK && exists) {
		db_rollback(ctx->c);
		api_problem(ctx, 409, "username_taken", "username", NULL,
			    "Användarnamnet %s finns redan.", in->username);
		return false;
	}
	if (rc == LMN_OK) {
		const struct staff_new r = user_record(in, hash, ctx->now);
		rc = staff_insert(ctx->c, &r, id, &ctx->err);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		api_fail(ctx, rc);
		return false;
	}
	return true;
}

int users_create(struct api_ctx *ctx)
{
	struct user_in in;
	char hash[128];
	int64_t id;
	json_t *o = NULL;
	enum lmn_rc rc;

	if (!user_input_or_reply(ctx, &in) || !user_valid_or_reply(ctx, &in))
		return (int)ctx->resp->status;
	/* Hash before the transaction: Argon2id takes a while and must not hold the write lock. */
	if (in.password && (rc = auth_hash_password(in.password, hash, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!user_insert_or_reply(ctx, &in, in.password ? hash : NULL, &id))
		return (int)ctx->resp->status;
	/* Read back what was stored, so the answer is the record. */
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
