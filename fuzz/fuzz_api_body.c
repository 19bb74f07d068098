/* libFuzzer target for the JSON API's request bodies: api_dispatch (the JSON reader) and the POST
 * handlers behind it, on a database holding the demo data, for every role. Aborts on a 500, on a
 * status the OpenAPI document does not list for the operation, and on a malformed answer.
 *
 * Input: byte 0 picks the caller (none, a demo user per role, an unknown token, another scheme),
 * byte 1 a POST route, bytes 2 and 3 the {id} segments (ids that exist in the demo and some that
 * do not), byte 4 the Idempotency-Key; the rest is the body.
 *
 * The database carries over from one input to the next (orders placed, patients registered …), as
 * a server's does; a crash that needs earlier inputs replays with the corpus folder and -runs=0. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "api/api.h"
#include "demo/demo.h"
#include "store/db.h"
#include "store/rules_files.h"
#include "util/clock.h"
#include "util/localtime.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW     "2026-11-23T10:00"
#define HEADER_BYTES 5
#define MAX_IDS	     24

/* ---- Argon2id stand-in ----
 * Every sign-in and every user created with a password would spend 64 MiB and tens of
 * milliseconds on crypto_pwhash. These definitions in the executable take the place of
 * libsodium's (the linker resolves the calls of the api library and demo.c to them): a SHA-256
 * of the password in a string of the same size, verified the same way. */
#define FAKE_PREFIX "$fuzz$"

int crypto_pwhash_str(char out[crypto_pwhash_STRBYTES], const char *const passwd,
		      unsigned long long passwdlen, unsigned long long opslimit, size_t memlimit)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	(void)opslimit;
	(void)memlimit;
	crypto_hash_sha256(h, (const unsigned char *)passwd, passwdlen);
	memset(out, 0, crypto_pwhash_STRBYTES);
	memcpy(out, FAKE_PREFIX, sizeof(FAKE_PREFIX) - 1);
	sodium_bin2hex(out + sizeof(FAKE_PREFIX) - 1, 2 * sizeof(h) + 1, h, sizeof(h));
	return 0;
}

int crypto_pwhash_str_verify(const char str[crypto_pwhash_STRBYTES], const char *const passwd,
			     unsigned long long passwdlen)
{
	char want[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str(want, passwd, passwdlen, 0, 0) != 0)
		return -1;
	return strcmp(str, want) == 0 ? 0 : -1;
}

/* ---- State set up once ---- */

static const char *const usernames[] = {
	"patient",	    "ombud",	  "forskrivare", "dietist", "kommunforskrivare",
	"kommunbestallare", "kundtjanst", "distributor", "admin",
};
#define NUSERS		 (sizeof(usernames) / sizeof(usernames[0]))
#define CUSTOMER_SERVICE 6		  /* usernames[6] */
#define NCALLERS	 (1 + NUSERS + 2) /* none, the users, an unknown token, another scheme */

static struct params rules;
static bool trace; /* FUZZ_API_TRACE=1: one line per request and its status on stderr */
static struct db *db;
static struct app app;
static char dir[64];
static char authz[NUSERS][80];
static int64_t user_ids[NUSERS], token_first, token_last;

/* The POST routes, with the statuses the OpenAPI document lists for each. */
static struct post_route {
	const struct route *r;
	unsigned statuses[16];
	size_t nstatuses;
} posts[128];
static size_t nposts;

/* Ids for the {id} that follows a path segment. */
static struct id_list {
	const char *segment;
	const char *sql; /* literal: the statement cache keys by its address */
	int64_t ids[MAX_IDS];
	size_t n;
} id_lists[] = {
	{ .segment = "patients",
	  .sql = "SELECT id FROM patients WHERE id <= 3 "
		 "UNION SELECT min(id) FROM patients WHERE protected_identity = 1 "
		 "UNION SELECT min(id) FROM patients WHERE municipal_housing = 1 "
		 "UNION SELECT min(id) FROM patients "
		 "WHERE municipal_housing = 1 AND municipality = 'Borås' "
		 "UNION SELECT min(id) FROM patients WHERE municipality = 'Borås' "
		 "UNION SELECT min(id) FROM patients WHERE rural_route = 1 "
		 "UNION SELECT max(id) FROM patients ORDER BY 1" },
	{ .segment = "prescription-items",
	  .sql = "SELECT i.id FROM prescription_items i JOIN prescriptions r "
		 "ON r.id = i.prescription_id WHERE r.patient_id IN (1, 2, 6) "
		 "ORDER BY i.id DESC LIMIT 14" },
	{ .segment = "orders",
	  .sql = "SELECT id FROM orders WHERE status = 'received' OR patient_id <= 2 "
		 "ORDER BY id DESC LIMIT 12" },
	{ .segment = "shipments", .sql = "SELECT id FROM shipments ORDER BY id DESC LIMIT 6" },
	{ .segment = "contact-cases",
	  .sql = "SELECT id FROM contact_cases ORDER BY closed_at IS NULL DESC, id DESC LIMIT 8" },
	{ .segment = "users", .sql = "SELECT id FROM users ORDER BY id LIMIT 12" },
	{ .segment = "api-tokens", .sql = "SELECT id FROM api_tokens ORDER BY id LIMIT 12" },
};
#define NLISTS (sizeof(id_lists) / sizeof(id_lists[0]))

/* The request being served, for the message when an invariant breaks. */
static struct {
	const char *caller, *method, *path, *idem, *body;
	size_t body_len;
	size_t who;	/* the caller's number (byte 0) */
	int shared_key; /* which of the shared Idempotency-Keys, or -1 */
	int64_t id[2];	/* the {id} segments, 0 where none */
} cur;

/* The order each caller placed with each shared Idempotency-Key: a retry must answer with it. */
static int64_t keyed_orders[NCALLERS][8];

/* Removes the database folder. */
static void remove_dir(void)
{
	DIR *d;
	struct dirent *e;

	if (!dir[0] || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
	dir[0] = '\0';
}

static void cleanup(void)
{
	if (db) {
		imports_drain();
		db_close(db);
		db = NULL;
	}
	remove_dir();
}

/* abort() skips atexit: the folder goes first. (A crash that a sanitizer reports leaves it.) */
static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_api_body: %s: %s\n", what, why);
	remove_dir();
	abort();
}

static void die_resp(const struct http_resp *resp, const char *why)
{
	fprintf(stderr,
		"fuzz_api_body: %s\n  request: %s %s as %s, Idempotency-Key %s\n  body (%zu bytes): "
		"%.*s\n  answer: %u %s\n  %.*s\n",
		why, cur.method, cur.path, cur.caller, cur.idem ? cur.idem : "(none)", cur.body_len,
		(int)(cur.body_len > 4000 ? 4000 : cur.body_len), cur.body ? cur.body : "",
		resp->status, resp->type ? resp->type : "(no type)",
		(int)(resp->body.len > 4000 ? 4000 : resp->body.len),
		resp->body.data ? resp->body.data : "");
	remove_dir();
	abort();
}

struct conn {
	const char *authz, *idem;
};

static const char *lookup(void *conn, enum http_lookup kind, const char *key)
{
	const struct conn *c = conn;

	if (kind != HTTP_HEADER)
		return NULL;
	if (strcasecmp(key, "Authorization") == 0)
		return c->authz;
	if (strcasecmp(key, "Idempotency-Key") == 0)
		return c->idem;
	if (strcasecmp(key, "Content-Type") == 0)
		return "application/json";
	return NULL;
}

static void serve(const char *method, const char *path, struct conn *c, const char *body,
		  size_t len, struct http_resp *resp)
{
	struct http_req req = { .method = method,
				.path = path,
				.body = body,
				.body_len = len,
				.lookup = lookup,
				.conn = c };

	/* As http/server.c: a handler that sends nothing leaves this 500. */
	memset(resp, 0, sizeof(*resp));
	resp->status = 500;
	resp->type = "application/json";
	buf_init(&resp->body, 0);
	api_dispatch(&app, &req, resp);
}

/* The statuses of an operation from the OpenAPI document. */
static void documented_statuses(json_t *doc, struct post_route *p)
{
	json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"), p->r->pattern),
				     "post");
	json_t *responses = json_object_get(op, "responses");
	const char *key;
	json_t *v;

	if (!json_is_object(responses))
		die(p->r->pattern, "POST is not in the OpenAPI document");
	json_object_foreach(responses, key, v) {
		char *end;
		long s = strtol(key, &end, 10);

		if (*end || s < 100 || s > 599 ||
		    p->nstatuses == sizeof(p->statuses) / sizeof(p->statuses[0]))
			die(p->r->pattern, "unexpected response key in the OpenAPI document");
		p->statuses[p->nstatuses++] = (unsigned)s;
	}
}

static void fill_ids(struct db_conn *c, struct id_list *l)
{
	struct db_stmt *st;
	struct lmn_err err;
	bool row;
	int64_t max = 0;

	if (db_prepare(c, l->sql, &st, &err) != LMN_OK)
		die(l->segment, err.message);
	while (l->n < MAX_IDS - 5 && db_step(st, &row, &err) == LMN_OK && row) {
		int64_t id = db_col_int(st, 0);

		if (id <= 0) /* min() of no rows */
			continue;
		l->ids[l->n++] = id;
		if (id > max)
			max = id;
	}
	db_done(st);
	/* What the fuzzing will create next, what never exists, and the largest id the router takes. */
	for (int k = 1; k <= 3; k++)
		l->ids[l->n++] = max + k;
	l->ids[l->n++] = 999999;
	l->ids[l->n++] = 999999999999999999;
}

static void init_db(void)
{
	struct clock_now now;
	struct demo_counts counts;
	struct db_conn *c;
	struct db_stmt *st;
	struct lmn_err err;
	char path[96];
	bool row;

	if (clock_now(&now, &err) != LMN_OK)
		die("clock_now", err.message);
	snprintf(dir, sizeof(dir), "/tmp/lmn-fuzz-api-XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		die("mkdtemp", "cannot create a folder in /tmp");
	}
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/lmn.db", dir);
	if (db_open(path, &db, &err) != LMN_OK)
		die(path, err.message);
	if (demo_load(db, &rules, now.day, NULL, &counts, &err) != LMN_OK)
		die("demo_load", err.message);
	if (db_acquire(db, &c, &err) != LMN_OK)
		die("db_acquire", err.message);
	for (size_t i = 0; i < NUSERS; i++) {
		char secret[65];

		if (db_prepare(c, "SELECT id FROM users WHERE username = $1", &st, &err) != LMN_OK)
			die("users", err.message);
		db_bind_text(st, 1, usernames[i]);
		if (db_step(st, &row, &err) != LMN_OK || !row)
			die(usernames[i], "no such demo user");
		user_ids[i] = db_col_int(st, 0);
		db_done(st);
		if (auth_create_token(c, user_ids[i], user_ids[i], "fuzz", now.iso, secret, &err) !=
		    LMN_OK)
			die("auth_create_token", err.message);
		if (i == 0)
			token_first = db_last_id(c);
		token_last = db_last_id(c);
		snprintf(authz[i], sizeof(authz[i]), "Bearer %s", secret);
	}
	db_release(db, c);
}

/* Customer service opens the contact cases due today by listing them: open cases to call. */
static void open_contact_cases(void)
{
	struct conn c = { authz[CUSTOMER_SERVICE], NULL };
	struct http_resp resp;

	cur.caller = usernames[CUSTOMER_SERVICE];
	cur.method = "GET";
	cur.path = "/api/contact-cases";
	serve("GET", "/api/contact-cases", &c, NULL, 0, &resp);
	if (resp.status != 200)
		die_resp(&resp, "listing the contact cases failed");
	buf_release(&resp.body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *rules_dir = rules_files_default_dir();
	const struct route *routes;
	struct db_conn *c;
	struct lmn_err err;
	json_error_t je;
	json_t *doc;
	size_t n;

	(void)argc;
	(void)argv;
	trace = getenv("FUZZ_API_TRACE") && *getenv("FUZZ_API_TRACE") == '1';
	/* A fixed clock: the demo, due dates and contact cases are the same on every run. */
	if (setenv("LMN_NOW", FUZZ_NOW, 1) != 0)
		die("setenv", "LMN_NOW");
	if (localtime_init(&err) != LMN_OK)
		die("localtime_init", err.message);
	if (sodium_init() < 0)
		die("sodium_init", "libsodium cannot start");
	params_init(&rules);
	if (rules_files_load(&rules, rules_dir, &err) != LMN_OK)
		die(rules_dir, err.message);
	init_db();
	app.db = db;
	app.params = &rules;
	open_contact_cases();
	if (db_acquire(db, &c, &err) != LMN_OK)
		die("db_acquire", err.message);
	for (size_t i = 0; i < NLISTS; i++)
		fill_ids(c, &id_lists[i]);
	db_release(db, c);

	doc = json_loads(api_openapi_json, 0, &je);
	if (!doc)
		die("the OpenAPI document", je.text);
	routes = api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(routes[i].method, "POST") != 0)
			continue;
		if (nposts == sizeof(posts) / sizeof(posts[0]))
			die("routes", "more POST routes than the target has room for");
		posts[nposts].r = &routes[i];
		documented_statuses(doc, &posts[nposts]);
		nposts++;
	}
	json_decref(doc);
	if (nposts == 0)
		die("routes", "no POST route");
	return 0;
}

/* ---- One input ---- */

static const struct id_list *list_for(const char *segment, size_t len)
{
	for (size_t i = 0; i < NLISTS; i++)
		if (strlen(id_lists[i].segment) == len &&
		    memcmp(id_lists[i].segment, segment, len) == 0)
			return &id_lists[i];
	return NULL;
}

/* The route's pattern with each {id} replaced by a picked id; one more pick than there are ids
 * gives 0, which no route takes (a 404 from the router). */
static void build_path(const char *pattern, const uint8_t pick[2], char *out, size_t cap,
		       int64_t picked[2])
{
	const char *p = pattern, *seg = pattern, *prev = pattern;
	size_t len = 0, prev_len = 0;
	int k = 0;

	while (*p && len + 24 < cap) {
		if (p[0] == '{') {
			/* The segment before: "orders" in /api/orders/{id}/cancel. */
			const struct id_list *l = list_for(prev, prev_len);
			static const int64_t fallback[] = { 1, 2, 3, 999999 };
			const int64_t *ids = l ? l->ids : fallback;
			size_t n = l ? l->n : sizeof(fallback) / sizeof(fallback[0]);
			size_t i = pick[k < 2 ? k : 1] % (n + 1);
			int64_t id = i < n ? ids[i] : 0;

			len += (size_t)snprintf(out + len, cap - len, "%lld", (long long)id);
			if (k < 2)
				picked[k] = id;
			k++;
			p = strchr(p, '}');
			if (!p)
				die(pattern, "unclosed {");
			p++;
			continue;
		}
		if (p[0] == '/') {
			prev = seg;
			prev_len = (size_t)(p - seg);
			seg = p + 1;
		}
		out[len++] = *p++;
	}
	out[len] = '\0';
}

static const char *idempotency_key(uint8_t b, char out[32], int *shared)
{
	static unsigned long serial;

	*shared = -1;
	if (b < 96)
		return NULL;
	if (b < 112)
		return "short"; /* under 8 characters: refused */
	if (b < 240) {
		/* A few keys, so that retries, and keys reused for another patient, happen. */
		*shared = b % 8;
		snprintf(out, 32, "fuzz-key-%d", *shared);
		return out;
	}
	snprintf(out, 32, "fuzz-unique-%lu", ++serial);
	return out;
}

static bool documented(const struct post_route *p, unsigned status)
{
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i] == status)
			return true;
	return false;
}

/* What a success says about the thing it made or changed. */
static void check_success(const struct post_route *p, const struct http_resp *resp, json_t *body)
{
	json_t *v = json_object_get(body, "id");
	int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;

	if (resp->status == 201 && id <= 0)
		die_resp(resp, "created without a positive id");
	if (p->r->fn == orders_create) {
		int64_t *known =
			cur.shared_key >= 0 ? &keyed_orders[cur.who][cur.shared_key] : NULL;

		v = json_object_get(body, "patient_id");
		if (!json_is_integer(v) || json_integer_value(v) != cur.id[0])
			die_resp(resp, "an order for another patient than the path's");
		if (resp->status == 201 && known)
			*known = id;
		/* 200 is a retry: the same caller, key and patient, and the first order's answer. */
		if (resp->status == 200 && (!known || *known != id))
			die_resp(resp, known && *known ? "a retry answered with another order"
						       : "200 for an order that is no retry");
	} else if (resp->status == 200 && cur.id[0] && id != cur.id[0]) {
		die_resp(resp, "the answer's id differs from the path's");
	}
}

static void check_response(const struct post_route *p, const struct http_resp *resp)
{
	json_error_t je;
	json_t *body, *v;

	if (resp->body.failed)
		die_resp(resp, "the answer's buffer failed");
	if (resp->status == 500)
		die_resp(resp,
			 resp->body.len ? "status 500" : "status 500: the handler sent no answer");
	if (!documented(p, resp->status))
		die_resp(resp, "a status the OpenAPI document does not list for this operation");
	if (resp->nheaders < 0 || resp->nheaders > HTTP_MAX_HEADERS)
		die_resp(resp, "header count");
	for (int i = 0; i < resp->nheaders; i++)
		if (!resp->headers[i].name ||
		    !memchr(resp->headers[i].value, '\0', sizeof(resp->headers[i].value)))
			die_resp(resp, "a header without a name or an unterminated value");
	if (resp->body.len == 0) {
		if (resp->status != 204)
			die_resp(resp, "an empty body");
		return;
	}
	if (!resp->type)
		die_resp(resp, "no Content-Type");
	body = json_loadb(resp->body.data, resp->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(body))
		die_resp(resp,
			 body ? "the body is JSON but not an object" : "the body is not JSON");
	if (resp->status >= 400) {
		/* RFC 9457 as respond.c writes it. */
		if (strcmp(resp->type, "application/problem+json") != 0)
			die_resp(resp, "a problem that is not application/problem+json");
		if (!json_is_string(json_object_get(body, "type")) ||
		    !json_is_string(v = json_object_get(body, "title")) || !*json_string_value(v) ||
		    !json_is_string(v = json_object_get(body, "detail")) || !*json_string_value(v))
			die_resp(resp, "a problem without type, title or detail");
		v = json_object_get(body, "status");
		if (!json_is_integer(v) || json_integer_value(v) != (json_int_t)resp->status)
			die_resp(resp, "a problem whose status differs from the answer's");
		if ((v = json_object_get(body, "code")) &&
		    (!json_is_string(v) || !*json_string_value(v)))
			die_resp(resp, "a problem with an empty code");
		if ((v = json_object_get(body, "field")) &&
		    (!json_is_string(v) || !*json_string_value(v)))
			die_resp(resp, "a problem with an empty field");
	} else {
		if (strcmp(resp->type, "application/json") != 0)
			die_resp(resp, "an answer that is not application/json");
		check_success(p, resp, body);
	}
	json_decref(body);
}

/* Deactivating a demo user or revoking their token would take that caller away from every later
 * input: give them back. */
static void restore_callers(void)
{
	struct db_conn *c;
	struct db_stmt *st;
	struct lmn_err err;

	if (db_acquire(db, &c, &err) != LMN_OK)
		die("db_acquire", err.message);
	if (db_prepare(
		    c,
		    "UPDATE users SET active = 1 WHERE id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		    &st, &err) != LMN_OK)
		die("restore users", err.message);
	for (size_t i = 0; i < NUSERS; i++)
		db_bind_int(st, (int)i + 1, user_ids[i]);
	if (db_run(st, &err) != LMN_OK)
		die("restore users", err.message);
	if (db_prepare(c, "UPDATE api_tokens SET revoked_at = NULL WHERE id BETWEEN $1 AND $2", &st,
		       &err) != LMN_OK)
		die("restore tokens", err.message);
	db_bind_int(st, 1, token_first);
	db_bind_int(st, 2, token_last);
	if (db_run(st, &err) != LMN_OK)
		die("restore tokens", err.message);
	db_release(db, c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const other[] = {
		"Bearer 00000000000000000000000000000000000000000000000000000000000000ff",
		"Basic cGF0aWVudDpkZW1vMjAyNg==",
	};
	const struct post_route *p;
	struct http_resp resp;
	struct conn c = { NULL, NULL };
	char path[128], key[32], *body;
	size_t len, who;

	if (size < HEADER_BYTES)
		return 0;
	who = data[0] % NCALLERS;
	p = &posts[data[1] % nposts];
	memset(cur.id, 0, sizeof(cur.id));
	build_path(p->r->pattern, data + 2, path, sizeof(path), cur.id);
	c.idem = idempotency_key(data[4], key, &cur.shared_key);
	cur.who = who;
	if (who >= 1 && who <= NUSERS)
		c.authz = authz[who - 1];
	else if (who > NUSERS)
		c.authz = other[who - NUSERS - 1];
	/* An exact-size copy, so that ASan sees a read past the end of the body. */
	len = size - HEADER_BYTES;
	body = malloc(len ? len : 1);
	if (!body)
		die("malloc", "failed");
	if (len)
		memcpy(body, data + HEADER_BYTES, len);

	cur.caller = who == 0 ? "nobody" : who <= NUSERS ? usernames[who - 1] : c.authz;
	cur.method = "POST";
	cur.path = path;
	cur.idem = c.idem;
	cur.body = body;
	cur.body_len = len;
	serve("POST", path, &c, body, len, &resp);
	if (trace)
		fprintf(stderr, "fuzz_api_body: POST %s as %s: %u %.*s\n", path, cur.caller,
			resp.status, (int)(resp.body.len > 300 ? 300 : resp.body.len),
			resp.body.data ? resp.body.data : "");
	check_response(p, &resp);
	if (resp.status == 200 &&
	    (strstr(p->r->pattern, "/deactivate") || strstr(p->r->pattern, "/revoke")))
		restore_callers();
	buf_release(&resp.body);
	free(body);
	return 0;
}
