/* Who is calling: local accounts with Argon2id passwords, session cookies with a CSRF token,
 * API tokens for integrations, and a trusted reverse proxy that names the user in a header. */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/login_limit.h"
#include "api/rights.h"
#include "store/relationships.h"

#define SESSION_COOKIE "lmn_session"
#define SESSION_HOURS  12

#define USER_COLUMNS                                                        \
	"u.id, u.role, coalesce(u.patient_id, 0), coalesce(u.unit_id, 0), " \
	"coalesce(u.municipality, ''), u.username, u.display_name, coalesce(u.person_id, 0)"

/* Hex of SHA-256: only this is stored, so a stolen database holds no usable secret. */
static void token_hash(const char *secret, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char r[32];

	randombytes_buf(r, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, r, bytes);
}

static void read_user(struct db_stmt *st, struct user *u)
{
	int role = user_role_parse(db_col_text(st, 1));

	u->id = db_col_int(st, 0);
	u->role = role < 0 ? UR_PATIENT : (enum user_role)role;
	u->patient_id = db_col_int(st, 2);
	u->unit_id = db_col_int(st, 3);
	snprintf(u->municipality, sizeof(u->municipality), "%s", db_col_text(st, 4));
	snprintf(u->username, sizeof(u->username), "%s", db_col_text(st, 5));
	snprintf(u->display_name, sizeof(u->display_name), "%s", db_col_text(st, 6));
	u->person_id = db_col_int(st, 7);
}

/* Who a credential named, kept for a moment so that a request need not read the store to know its
 * caller (each read transaction after another's write starts with a cold page cache).
 *
 * An entry is trusted for IDENTITY_TTL_NS after it was read: a token revoked, a session ended or
 * an account closed by another process on the same database stops working within that time. In
 * this process it stops at once: those handlers call auth_forget after their commit, which empties
 * the cache and bumps the generation, so a lookup that read the store before the change cannot put
 * its stale answer back. Unknown credentials are not kept. */
#define IDENTITY_SLOTS	1024 /* a power of two */
#define IDENTITY_TTL_NS 1000000000LL

struct identity_entry {
	char key[66];	  /* kind ('b' bearer, 's' session, 'p' proxy user) and hash or user name */
	int64_t loaded;	  /* monotonic ns; 0: empty */
	int64_t expires;  /* a session's end, seconds since the epoch (0: none) */
	struct user user; /* with the session's CSRF token */
};

static struct identity_entry identities[IDENTITY_SLOTS];
static pthread_mutex_t identities_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t identities_generation;

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static size_t identity_slot(const char *key)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ull;
	return (size_t)(h & (IDENTITY_SLOTS - 1));
}

static bool identity_get(const char *key, struct user *u)
{
	struct identity_entry *e = &identities[identity_slot(key)];
	bool hit;

	pthread_mutex_lock(&identities_lock);
	hit = e->loaded && mono_ns() - e->loaded < IDENTITY_TTL_NS && strcmp(e->key, key) == 0 &&
	      (!e->expires || e->expires > (int64_t)time(NULL));
	if (hit)
		*u = e->user;
	pthread_mutex_unlock(&identities_lock);
	return hit;
}

static void identity_put(const char *key, const struct user *u, int64_t expires,
			 uint64_t generation)
{
	struct identity_entry *e = &identities[identity_slot(key)];

	if (strlen(key) >= sizeof(e->key))
		return;
	pthread_mutex_lock(&identities_lock);
	if (atomic_load(&identities_generation) == generation) {
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->user = *u;
		e->expires = expires;
		e->loaded = mono_ns();
	}
	pthread_mutex_unlock(&identities_lock);
}

void auth_forget(void)
{
	pthread_mutex_lock(&identities_lock);
	atomic_fetch_add(&identities_generation, 1);
	memset(identities, 0, sizeof(identities));
	pthread_mutex_unlock(&identities_lock);
}

/* "YYYY-MM-DDTHH:MM:SSZ" as seconds since the epoch; 0 when it is not that. */
static int64_t utc_seconds(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end && !*end ? (int64_t)timegm(&tm) : 0;
}

/* Runs a prepared lookup with $1 bound; a row signs the caller in and is kept under key. A
 * session's row also has its CSRF token, absolute end and idle end (columns 8-10): *idle_until
 * gets the last. */
static enum lmn_rc identify_row(struct api_ctx *ctx, struct db_stmt *st, bool session,
				const char *key, uint64_t generation, int64_t *idle_until)
{
	bool row;
	enum lmn_rc rc = db_step(st, &row, &ctx->err);
	int64_t expires = 0;

	if (rc == LMN_OK && row && user_role_parse(db_col_text(st, 1)) >= 0) {
		read_user(st, &ctx->user);
		if (key[0] == 'b') /* a bearer token: the access log names it */
			ctx->user.token_id = db_col_int(st, 8);
		if (session) {
			snprintf(ctx->user.csrf, sizeof(ctx->user.csrf), "%s", db_col_text(st, 8));
			ctx->user.via_session = true;
			expires = utc_seconds(db_col_text(st, 9));
			*idle_until = utc_seconds(db_col_text(st, 10));
			if (*idle_until && *idle_until < expires)
				expires = *idle_until;
		}
		ctx->signed_in = true;
	} else if (rc == LMN_OK) {
		rc = LMN_ENOTFOUND;
	}
	db_done(st);
	if (rc == LMN_OK && (!session || expires))
		identity_put(key, &ctx->user, expires, generation);
	return rc;
}

static enum lmn_rc identify_by(struct api_ctx *ctx, struct db_stmt *st, bool session,
			       const char *key, uint64_t generation)
{
	int64_t idle_until = 0;

	return identify_row(ctx, st, session, key, generation, &idle_until);
}

int auth_session_idle(const struct api_config *cfg)
{
	return cfg->session_idle_s > 0 ? cfg->session_idle_s : AUTH_SESSION_IDLE_DEFAULT;
}

/* A request in a session moves its idle end on, written at most once per step (a minute, or an
 * eighth of a short idle time) rather than on every request. Not to be refused for: a session
 * whose end could not be moved ends a little early. */
static void session_touch(struct api_ctx *ctx, const char *hash, int64_t idle_until)
{
	int idle = auth_session_idle(&ctx->app->cfg);
	int step = idle / 8 < 60 ? idle / 8 : 60;
	struct db_stmt *st;
	struct lmn_err err;
	char modifier[32];
	enum lmn_rc rc;

	if (idle_until - (int64_t)time(NULL) >= idle - step)
		return;
	snprintf(modifier, sizeof(modifier), "+%d seconds", idle);
	rc = db_prepare(ctx->c,
			"UPDATE sessions SET idle_until = min(expires_at, "
			"strftime('%Y-%m-%dT%H:%M:%SZ', 'now', $2)) WHERE token_hash = $1",
			&st, &err);
	if (rc == LMN_OK) {
		db_bind_text(st, 1, hash);
		db_bind_text(st, 2, modifier);
		rc = db_run(st, &err);
	}
	if (rc != LMN_OK) /* no personal data in the message: SQLite's, about the statement */
		fprintf(stderr, "lmn: a session's idle end not moved on: %s\n", err.message);
}

/* A MAC of text under a key made when the process starts, 16 bytes as hex, for tokens that need
 * no storage: the CSRF token of a user signed in by the trusted proxy (who has no session of ours)
 * and the sign-in form's token. The purpose is MACed first, so that one kind of token is never
 * valid as the other. Forms from before a restart must be reloaded. */
static unsigned char mac_key[crypto_auth_hmacsha256_KEYBYTES];
static pthread_once_t mac_key_once = PTHREAD_ONCE_INIT;

static void mac_key_init(void)
{
	crypto_auth_hmacsha256_keygen(mac_key);
}

void auth_token_mac(const char *purpose, const char *text, char out[33])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	pthread_once(&mac_key_once, mac_key_init);
	crypto_auth_hmacsha256_init(&st, mac_key, sizeof(mac_key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, strlen(text));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 33, mac, 16);
}

enum lmn_rc auth_identify(struct api_ctx *ctx)
{
	const struct http_req *req = ctx->req;
	const char *authz = req->lookup(req->conn, HTTP_HEADER, "Authorization");
	const char *cookie = req->lookup(req->conn, HTTP_COOKIE, SESSION_COOKIE);
	uint64_t generation = atomic_load(&identities_generation);
	struct db_stmt *st;
	char key[66];
	int64_t idle_until = 0;
	enum lmn_rc rc;

	if (authz && strncmp(authz, "Bearer ", 7) == 0) {
		key[0] = 'b';
		token_hash(authz + 7, key + 1);
		if (identity_get(key, &ctx->user)) {
			ctx->signed_in = true;
			return LMN_OK;
		}
		rc = db_prepare(ctx->c,
				"SELECT " USER_COLUMNS
				", t.id FROM api_tokens t JOIN users u ON u.id = t.user_id "
				"WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
				&st, &ctx->err);
		if (rc != LMN_OK)
			return rc;
		db_bind_text(st, 1, key + 1);
		return identify_by(ctx, st, false, key, generation);
	}
	if (ctx->app->cfg.proxy_user_header) {
		const char *name =
			req->lookup(req->conn, HTTP_HEADER, ctx->app->cfg.proxy_user_header);
		if (name && *name) {
			snprintf(key, sizeof(key), "p%s", name);
			if (strlen(name) < sizeof(key) - 1 && identity_get(key, &ctx->user)) {
				ctx->signed_in = true;
				ctx->user.via_proxy = true;
				auth_token_mac("proxy", ctx->user.username, ctx->user.csrf);
				return LMN_OK;
			}
			rc = db_prepare(
				ctx->c,
				"SELECT " USER_COLUMNS " FROM users u "
				"WHERE u.username = $1 AND u.active = 1 AND u.kind = 'person'",
				&st, &ctx->err);
			if (rc != LMN_OK)
				return rc;
			db_bind_text(st, 1, name);
			rc = identify_by(ctx, st, false, strlen(name) < sizeof(key) - 1 ? key : "",
					 generation);
			if (rc == LMN_OK) {
				ctx->user.via_proxy = true;
				auth_token_mac("proxy", ctx->user.username, ctx->user.csrf);
			}
			return rc;
		}
	}
	if (cookie && strlen(cookie) == 64) {
		key[0] = 's';
		token_hash(cookie, key + 1);
		if (identity_get(key, &ctx->user)) {
			ctx->signed_in = true;
			return LMN_OK;
		}
		rc = db_prepare(
			ctx->c,
			"SELECT " USER_COLUMNS ", s.csrf_token, s.expires_at, "
			"coalesce(s.idle_until, s.expires_at) FROM sessions s "
			"JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = 1 "
			"AND s.expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
			"AND coalesce(s.idle_until, s.expires_at) > "
			"strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
			&st, &ctx->err);
		if (rc != LMN_OK)
			return rc;
		db_bind_text(st, 1, key + 1);
		rc = identify_row(ctx, st, true, key, generation, &idle_until);
		if (rc == LMN_OK && idle_until)
			session_touch(ctx, key + 1, idle_until);
		return rc;
	}
	return LMN_ENOTFOUND;
}

enum lmn_rc auth_hash_password(const char *password, char out[128], struct lmn_err *err)
{
	int r;

	login_hash_wait(); /* counted with the sign-ins' hashes, so that memory stays bounded */
	r = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE);
	login_hash_end();
	if (r != 0)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL,
				   "password hashing ran out of memory");
	return LMN_OK;
}

enum lmn_rc auth_create_token(struct db_conn *c, int64_t user_id, int64_t created_by,
			      const char *name, const char *now, char secret[65],
			      struct lmn_err *err)
{
	struct db_stmt *st;
	char hash[65];
	enum lmn_rc rc;

	random_hex(secret, 32);
	token_hash(secret, hash);
	rc = db_prepare(
		c,
		"INSERT INTO api_tokens (token_hash, user_id, name, created_at, created_by) "
		"VALUES ($1, $2, $3, $4, $5)",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, created_by);
	return db_run(st, err);
}

static json_t *user_json(const struct user *u)
{
	json_t *o =
		json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id, "username", u->username,
			  "display_name", u->display_name, "role", user_role_name(u->role));
	if (u->patient_id)
		json_object_set_new(o, "patient_id", json_integer(u->patient_id));
	if (u->unit_id)
		json_object_set_new(o, "unit_id", json_integer(u->unit_id));
	if (*u->municipality)
		json_object_set_new(o, "municipality", json_string(u->municipality));
	if (u->person_id)
		json_object_set_new(o, "person_id", json_integer(u->person_id));
	return o;
}

bool auth_secure_cookies(const struct api_config *cfg)
{
	/* A trusted proxy is there to terminate TLS and sign people in: the browser speaks HTTPS. */
	return cfg->secure_cookies || cfg->proxy_user_header;
}

static void set_cookie(struct api_ctx *ctx, const char *value, int max_age)
{
	struct http_resp *r = ctx->resp;

	if (r->nheaders == HTTP_MAX_HEADERS)
		return;
	r->headers[r->nheaders].name = "Set-Cookie";
	snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value),
		 SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", value,
		 max_age, auth_secure_cookies(&ctx->app->cfg) ? "; Secure" : "");
	r->nheaders++;
}

/* Retry-After: seconds. */
static void retry_after(struct api_ctx *ctx, long long seconds)
{
	struct http_resp *r = ctx->resp;

	if (r->nheaders == HTTP_MAX_HEADERS)
		return;
	r->headers[r->nheaders].name = "Retry-After";
	snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value), "%lld", seconds);
	r->nheaders++;
}

/* Whether password matches the stored hash ("" for an unknown or closed account, which spends
 * the same effort, so that timing does not tell names apart). Argon2id takes 64 MiB: only a few
 * are computed at once (login_limit.h); *busy when this one could not be. */
static bool password_matches(const char *stored, const char *password, bool *busy)
{
	bool ok = false;

	*busy = !login_hash_begin();
	if (*busy)
		return false;
	if (*stored) {
		ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
	} else {
		char dummy[crypto_pwhash_STRBYTES];
		if (crypto_pwhash_str(dummy, password, strlen(password),
				      crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
			dummy[0] = 0;
	}
	login_hash_end();
	return ok;
}

int auth_login(struct api_ctx *ctx)
{
	const char *username, *password, *addr = ctx->req->peer ? ctx->req->peer : "";
	const char *type = ctx->req->lookup(ctx->req->conn, HTTP_HEADER, "Content-Type");
	struct db_stmt *st;
	char hash[65], secret[65], csrf[33], stored[192] = "", idle[32];
	bool row, ok, busy;
	int64_t wait;
	enum lmn_rc rc;

	/* A form on another site can post text/plain that parses as JSON, and sign a browser in as
	 * someone else; it cannot send application/json without asking first (CORS). */
	if (!type || strncasecmp(type, "application/json", 16) != 0)
		return api_problem(ctx, 415, "unsupported_media_type", "Content-Type", NULL,
				   "Inloggningen ska skickas som JSON (Content-Type: "
				   "application/json).");
	if (!api_str(ctx, "username", true, &username) ||
	    !api_str(ctx, "password", true, &password))
		return 0;
	wait = login_limit_wait(username, addr, mono_ns() / 1000000);
	if (wait > 0) {
		long long secs = (wait + 999) / 1000;
		api_problem(ctx, 429, "too_many_attempts", "password", NULL,
			    "För många misslyckade inloggningar. Vänta %lld %s och försök igen.",
			    secs, secs == 1 ? "sekund" : "sekunder");
		retry_after(ctx, secs);
		return 429;
	}
	rc = db_prepare(ctx->c,
			"SELECT " USER_COLUMNS ", coalesce(u.password_hash, '') FROM users u "
			"WHERE u.username = $1 AND u.active = 1",
			&st, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	db_bind_text(st, 1, username);
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row) {
		read_user(st, &ctx->user);
		snprintf(stored, sizeof(stored), "%s", db_col_text(st, 8));
	}
	db_done(st);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	ok = password_matches(stored, password, &busy);
	if (busy) {
		api_problem(ctx, 503, "busy", NULL, NULL,
			    "Många loggar in just nu. Försök igen om en liten stund.");
		retry_after(ctx, 1);
		return 503;
	}
	if (!ok) {
		login_limit_failed(username, addr, mono_ns() / 1000000);
		return api_problem(ctx, 401, "bad_credentials", "password", NULL,
				   "Fel användarnamn eller lösenord.");
	}
	login_limit_succeeded(username, addr, mono_ns() / 1000000);
	random_hex(secret, 32);
	random_hex(csrf, 16);
	token_hash(secret, hash);
	snprintf(idle, sizeof(idle), "+%d seconds", auth_session_idle(&ctx->app->cfg));
	rc = db_prepare(
		ctx->c,
		"INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, "
		"idle_until) VALUES ($1, $2, $3, $4, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+12 hours'), "
		"min(strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+12 hours'), "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now', $5)))",
		&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_text(st, 1, hash);
		db_bind_int(st, 2, ctx->user.id);
		db_bind_text(st, 3, csrf);
		db_bind_text(st, 4, ctx->now);
		db_bind_text(st, 5, idle);
		rc = db_run(st, &ctx->err);
	}
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	set_cookie(ctx, secret, SESSION_HOURS * 3600);
	json_t *o = json_pack("{s:o, s:s}", "user", user_json(&ctx->user), "csrf_token", csrf);
	return api_json(ctx, 200, o);
}

int auth_logout(struct api_ctx *ctx)
{
	const char *cookie = ctx->req->lookup(ctx->req->conn, HTTP_COOKIE, SESSION_COOKIE);
	struct db_stmt *st;
	char hash[65];
	enum lmn_rc rc;

	if (cookie) {
		token_hash(cookie, hash);
		rc = db_prepare(ctx->c, "DELETE FROM sessions WHERE token_hash = $1", &st,
				&ctx->err);
		if (rc == LMN_OK) {
			db_bind_text(st, 1, hash);
			rc = db_run(st, &ctx->err);
		}
		if (rc != LMN_OK)
			return api_fail(ctx, rc);
		auth_forget();
	}
	set_cookie(ctx, "", 0);
	return api_json(ctx, 200, json_pack("{s:b}", "signed_out", 1));
}

int auth_me(struct api_ctx *ctx)
{
	json_t *o = json_pack("{s:o}", "user", user_json(&ctx->user)), *rights;

	/* A delegate (ombud) signs in with the patient role for the patient they act for: the pages
	 * speak to them as someone acting for another (issue 20). */
	if (ctx->user.role == UR_PATIENT && ctx->user.patient_id) {
		bool delegate = false;
		enum lmn_rc rc = db_begin(ctx->c, false, &ctx->err);
		if (rc == LMN_OK)
			rc = delegate_of(ctx->c, ctx->user.id, ctx->user.patient_id, &delegate,
					 &ctx->err);
		db_rollback(ctx->c);
		if (rc != LMN_OK) {
			json_decref(o);
			return api_fail(ctx, rc);
		}
		json_object_set_new(json_object_get(o, "user"), "delegate", json_boolean(delegate));
	}
	if (ctx->user.via_session || ctx->user.via_proxy)
		json_object_set_new(o, "csrf_token", json_string(ctx->user.csrf));
	/* What the rules in force today let the user do: the pages ask here, not the rule engine. */
	if ((rights = rights_ordering(ctx)))
		json_object_set_new(o, "ordering", rights);
	if ((rights = rights_prescribing(ctx)))
		json_object_set_new(o, "prescribing", rights);
	return api_json(ctx, 200, o);
}
