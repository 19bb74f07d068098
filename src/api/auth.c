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
#include "store/users.h"

#define SESSION_COOKIE "lmn_session"
#define SESSION_HOURS  12

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

static void read_user(const struct account *a, struct user *u)
{
	int role = user_role_parse(a->role);

	u->id = a->id;
	u->role = role < 0 ? UR_PATIENT : (enum user_role)role;
	u->patient_id = a->patient_id;
	u->unit_id = a->unit_id;
	snprintf(u->municipality, sizeof(u->municipality), "%s", a->municipality);
	snprintf(u->username, sizeof(u->username), "%s", a->username);
	snprintf(u->display_name, sizeof(u->display_name), "%s", a->display_name);
	u->person_id = a->person_id;
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

/* Signs the caller in as the account a lookup found (rc, found, a) and keeps them under key. A
 * session's lookup also has its row s (NULL for other credentials): *idle_until gets its idle
 * end. */
static enum lmn_rc identify_as(struct api_ctx *ctx, enum lmn_rc rc, bool found,
			       const struct account *a, int64_t token_id,
			       const struct session_row *s, const char *key, uint64_t generation,
			       int64_t *idle_until)
{
	int64_t expires = 0;

	if (rc != LMN_OK)
		return rc;
	if (!found || user_role_parse(a->role) < 0)
		return LMN_ENOTFOUND;
	read_user(a, &ctx->user);
	if (key[0] == 'b') /* a bearer token: the access log names it */
		ctx->user.token_id = token_id;
	if (s) {
		snprintf(ctx->user.csrf, sizeof(ctx->user.csrf), "%s", s->csrf);
		ctx->user.via_session = true;
		expires = utc_seconds(s->expires_at);
		*idle_until = utc_seconds(s->idle_until);
		if (*idle_until && *idle_until < expires)
			expires = *idle_until;
	}
	ctx->signed_in = true;
	if (!s || expires)
		identity_put(key, &ctx->user, expires, generation);
	return LMN_OK;
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
	struct lmn_err err;

	if (idle_until - (int64_t)time(NULL) >= idle - step)
		return;
	/* no personal data in the message: SQLite's, about the statement */
	if (sessions_touch(ctx->c, hash, idle, &err) != LMN_OK)
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
	struct account a;
	struct session_row srow;
	char key[66];
	int64_t idle_until = 0, token_id = 0;
	bool found;
	enum lmn_rc rc;

	if (authz && strncmp(authz, "Bearer ", 7) == 0) {
		key[0] = 'b';
		token_hash(authz + 7, key + 1);
		if (identity_get(key, &ctx->user)) {
			ctx->signed_in = true;
			return LMN_OK;
		}
		rc = account_by_token(ctx->c, key + 1, &a, &token_id, &found, &ctx->err);
		return identify_as(ctx, rc, found, &a, token_id, NULL, key, generation,
				   &idle_until);
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
			rc = account_by_person_name(ctx->c, name, &a, &found, &ctx->err);
			rc = identify_as(ctx, rc, found, &a, 0, NULL,
					 strlen(name) < sizeof(key) - 1 ? key : "", generation,
					 &idle_until);
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
		rc = account_by_session(ctx->c, key + 1, &a, &srow, &found, &ctx->err);
		rc = identify_as(ctx, rc, found, &a, 0, &srow, key, generation, &idle_until);
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
	char hash[65];

	random_hex(secret, 32);
	token_hash(secret, hash);
	return api_tokens_insert(c, hash, user_id, name, now, created_by, err);
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

/* Whether password matches the stored hash ("" for an unknown or closed account, which spends
 * the same effort, so that timing does not tell names apart). Argon2id takes 64 MiB: only a few
 * are computed at once (login_limit.h); *busy when this one could not be. */
static bool password_matches(const char *stored, const char *password, int64_t since_ms, bool *busy)
{
	bool ok = false;

	*busy = !login_hash_begin(since_ms);
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

_Static_assert(API_HASH_THREADS == LOGIN_HASH_ACTIVE + LOGIN_HASH_QUEUE,
	       "a thread for each hash and each wait that login_limit allows at once");

bool api_hashes_password(const char *method, const char *path)
{
	/* POST /logga-in: the sign-in form (web/pages_common.c), which signs in here. */
	return strcmp(method, "POST") == 0 &&
	       (strcmp(path, "/api/login") == 0 || strcmp(path, "/logga-in") == 0);
}

int auth_login(struct api_ctx *ctx)
{
	const char *username, *password, *addr = ctx->req->peer ? ctx->req->peer : "";
	const char *type = ctx->req->lookup(ctx->req->conn, HTTP_HEADER, "Content-Type");
	struct account a;
	char hash[65], secret[65], csrf[33], stored[192] = "";
	bool row, ok, busy;
	int64_t wait;
	enum lmn_rc rc;

	/* A form on another site can post text/plain that parses as JSON, and sign a browser in as
	 * someone else; it cannot send application/json without asking first (CORS). */
	if (!type || strncasecmp(type, "application/json", 16) != 0)
		return api_problem(ctx, 415, "unsupported_media_type", "Content-Type", NULL,
				   "Inloggningen ska skickas som JSON (Content-Type: "
				   "application/json).");
	if (!api_str_or_reply(ctx, "username", true, &username) ||
	    !api_str_or_reply(ctx, "password", true, &password))
		return 0;
	wait = login_limit_wait(username, addr, mono_ns() / 1000000);
	if (wait > 0) {
		long long secs = (wait + 999) / 1000;
		api_problem(ctx, 429, "too_many_attempts", "password", NULL,
			    "För många misslyckade inloggningar. Vänta %lld %s och försök igen.",
			    secs, secs == 1 ? "sekund" : "sekunder");
		api_retry_after(ctx, secs);
		return 429;
	}
	rc = account_for_login(ctx->c, username, &a, stored, sizeof(stored), &row, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (row)
		read_user(&a, &ctx->user);
	ok = password_matches(stored, password, ctx->req->arrived_ms, &busy);
	if (busy) {
		api_problem(ctx, 503, "busy", NULL, NULL,
			    "Många loggar in just nu. Försök igen om en liten stund.");
		api_retry_after(ctx, 1);
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
	rc = sessions_insert(ctx->c, hash, ctx->user.id, csrf, ctx->now,
			     auth_session_idle(&ctx->app->cfg), &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	set_cookie(ctx, secret, SESSION_HOURS * 3600);
	json_t *o = json_pack("{s:o, s:s}", "user", user_json(&ctx->user), "csrf_token", csrf);
	return api_json(ctx, 200, o);
}

int auth_logout(struct api_ctx *ctx)
{
	const char *cookie = ctx->req->lookup(ctx->req->conn, HTTP_COOKIE, SESSION_COOKIE);
	char hash[65];
	enum lmn_rc rc;

	if (cookie) {
		token_hash(cookie, hash);
		rc = sessions_delete(ctx->c, hash, &ctx->err);
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
