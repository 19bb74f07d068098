/* The JSON API: one handler file per resource, a route table, authentication and authorisation.
 *
 * The HTTP front (http/server.c) turns a request into a struct http_req, calls api_dispatch and sends
 * the struct http_resp back. Handlers never see libmicrohttpd. */
#ifndef LMN_API_H
#define LMN_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "codec/medicalsupply.h"
#include "rules/params.h"
#include "store/db.h"
#include "store/supply_read.h"
#include "util/buf.h"
#include "util/rc.h"

#define API_MAX_BODY (1u << 20)
/* What a request that found no room to store anything is told (507, api_fail), on pages too. */
#define API_STORAGE_FULL                                                            \
	"Lagringsutrymmet är slut, så begäran kunde inte genomföras och inget " \
	"har sparats. Försök igen om en stund, när utrymme har frigjorts."

enum http_lookup { HTTP_QUERY, HTTP_HEADER, HTTP_COOKIE };

struct http_req {
	const char *method;
	const char *path;
	const char *body;
	size_t body_len;
	/* Looks up a query argument, header or cookie; NULL when absent. */
	const char *(*lookup)(void *conn, enum http_lookup kind, const char *key);
	void *conn;
	const char *peer; /* the client's address ("127.0.0.1"); NULL when unknown */
	int64_t arrived_ms; /* CLOCK_MONOTONIC milliseconds when the whole request was in; 0: unknown */
	/* Set by a server that can answer later (else NULL): suspend holds the request's connection
	 * (the handler then marks the response deferred and returns) or returns false (a server
	 * stopping: answer at once), and resume, called on any thread once the response is written,
	 * makes the server send it. */
	bool (*suspend)(struct http_req *req);
	void (*resume)(struct http_req *req);
	/* Set before resume: the server calls answer(answer_arg) to write the response, on the
	 * thread that then sends it. */
	void (*answer)(void *answer_arg);
	void *answer_arg;
};

#define HTTP_MAX_HEADERS 4

struct http_resp {
	bool deferred; /* written later, then sent on req->resume */
	unsigned status;
	const char *type;
	struct buf body;
	int nheaders;
	struct {
		const char *name;
		char value[256];
	} headers[HTTP_MAX_HEADERS];
};

struct rules_live;

/* How lmn finds out who is calling, and where the rules come from. */
struct api_config {
	const char *
		proxy_user_header; /* trusted reverse proxy: this header names the user; NULL: off */
	bool secure_cookies;	   /* add Secure to cookies (behind HTTPS) */
	int session_idle_s;	   /* a session ends after this long without a request; 0: the
					* default, AUTH_SESSION_IDLE_DEFAULT */
	/* The rules from the files and the change log, swapped in when a decision is recorded; each
	 * request reads the set in force when it starts. NULL: params below never change. */
	struct rules_live *rules;
	/* The region's HSA-id: the 1177 contracts' LogicalAddress must be it (rivta/). */
	const char *logical_address;
};

struct app {
	struct db *db;
	const struct params *params;
	struct api_config cfg;
};

/* Roles of users (DOMAIN.md §2). The first five are also the rule engine's enum role. */
enum user_role {
	UR_PATIENT,
	UR_PRESCRIBER,
	UR_MUNICIPAL_PRESCRIBER,
	UR_MUNICIPAL_ORDERER,
	UR_CUSTOMER_SERVICE,
	UR_DISTRIBUTOR,
	UR_ADMIN,
	UR_SECRETARY, /* samverkansfunktion/sekreterare: edits governance */
	UR_MEMBER,    /* ledamot: the meetings of their bodies */
	UR__COUNT
};
#define ROLE_BIT(r) (1u << (r))
#define ANY_ROLE    ((1u << UR__COUNT) - 1)

const char *user_role_name(enum user_role r);
int user_role_parse(const char *s);

struct user {
	int64_t id;
	enum user_role role;
	int64_t patient_id; /* role patient: their own record */
	int64_t unit_id;    /* prescribers */
	char municipality[64];
	int64_t person_id; /* secretary and member: the person holding seats (0: none) */
	char username[64];
	char display_name[128];
	char csrf[48]; /* when signed in with a session cookie */
	bool via_session;
	bool via_proxy;	  /* named by the trusted reverse proxy's header */
	int64_t token_id; /* the API token the request came with (0: none), for the access log */
	/* The national patient portal's e-service (the 1177 contracts), acting for patient_id: the
	 * access log names it with the orderer, and its orders have the channel 1177. */
	bool via_1177;
	bool by_delegate;  /* the orderer is the patient's delegate (OrderByDelegate) */
	char orderer[128]; /* as the e-service names them */
};

struct api_ctx {
	const struct app *app;
	struct db_conn *c;
	struct http_req *req;
	struct http_resp *resp;
	struct user user;
	bool signed_in;
	int64_t id[2]; /* the {id} segments of the path, in order */
	json_t *body;  /* the parsed JSON body of POST/PUT/PATCH, or NULL */
	lmn_day today; /* local date and time of the request */
	int32_t now_sec;
	char now[32]; /* ISO 8601 with offset */
	struct lmn_err err;
	void *front; /* the state of a front other than the JSON API's (api_call_as) */
};

/* Handlers return the status they sent (the dispatcher does not need it; it reads well). */
typedef int (*api_handler)(struct api_ctx *ctx);

struct route {
	const char *method;
	const char *pattern; /* "/api/patients/{id}/orders" */
	api_handler fn;
	unsigned roles; /* who may call; 0: anyone, signed in or not */
	const char *summary;
};

/* The route table (api/routes.c), for the dispatcher and the OpenAPI check. */
const struct route *api_routes(size_t *n);

/* Matches a path against a pattern; {id} segments take a positive integer, stored in id in order. */
bool api_match(const char *pattern, const char *path, int64_t id[2]);

/* The rule set in force now (the live set when app->cfg.rules is set, else app->params), for a
 * front that cites rules outside a request, as each request reads it when it starts. */
const struct params *api_params_now(const struct app *app);

/* Whether a request hashes a password (a sign-in, by the API or the sign-in form): Argon2id
 * takes tens of milliseconds, and a sign-in may wait for its turn (login_limit.h). A server with
 * a pool of threads serves these on API_HASH_THREADS threads of their own, which are enough for
 * every hash and every wait login_limit allows at once. */
bool api_hashes_password(const char *method, const char *path);
#define API_HASH_THREADS 4

/* Serves one request: finds the route, authenticates, parses the body, calls the handler. */
void api_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp);
/* Runs fn for another front (the 1177 contracts, rivta/): as user (already authenticated by that
 * front), with the request's clock, a connection, the rule set in force and front as ctx->front;
 * no body. fn answers into resp. */
void api_call_as(const struct app *app, const struct user *user, struct http_req *req,
		 struct http_resp *resp, api_handler fn, void *front);

/* ---- Helpers for handlers (api/respond.c) ---- */

/* Sends a JSON value (stolen) with the status. */
int api_json(struct api_ctx *ctx, unsigned status, json_t *v);
/* Sends JSON text already written into body (taken: body is left empty), for the answers read
 * most, which are written without building a tree of values first. */
int api_json_text(struct api_ctx *ctx, unsigned status, struct buf *body);
/* application/problem+json (RFC 9457); field, rule and code may be NULL. */
int api_problem(struct api_ctx *ctx, unsigned status, const char *code, const char *field,
		const char *rule, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A problem with members of its own besides the standard ones (extra: an object, stolen; may be
 * NULL). */
int api_problem_with(struct api_ctx *ctx, unsigned status, const char *code, const char *field,
		     json_t *extra, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A problem with several faults at once (RFC 9457's extension member "errors": each an object
 * {"field", "detail"}, stolen): field and detail of the whole are the first fault's. */
int api_problems(struct api_ctx *ctx, unsigned status, const char *code, json_t *errors);
/* Maps an error from a lower layer: EINVAL 400/422, ENOTFOUND 404, EREFUSED 422, others 500. */
int api_fail(struct api_ctx *ctx, enum lmn_rc rc);
/* Adds Retry-After: seconds to the answer. */
void api_retry_after(struct api_ctx *ctx, long long seconds);

/* A handler whose last step is a write job: job(ctx, arg) runs as db_write's fn (ctx->c is then
 * the job's connection), after(ctx, arg, rc) writes the answer from db_write's result, then
 * release(arg) (may be NULL). When the server can answer later, the request thread does not wait
 * for the job: the connection is held, the answer written when the job is durable, and 0 is
 * returned (the response is deferred); else the status. arg must not point into the handler's
 * stack, nor job and after use the request's connection other than through ctx->c in job. */
typedef enum lmn_rc (*api_job_fn)(struct api_ctx *ctx, void *arg);
typedef int (*api_after_fn)(struct api_ctx *ctx, void *arg, enum lmn_rc rc);
int api_write(struct api_ctx *ctx, api_job_fn job, api_after_fn after, void *arg,
	      void (*release)(void *arg));
/* The same for a job that reads and then writes only the record of what it read (its access-log
 * row): db_read_logged's, so that on PostgreSQL its reads do not wait for other writers. */
int api_read_logged(struct api_ctx *ctx, api_job_fn job, api_after_fn after, void *arg,
		    void (*release)(void *arg));

/* A function named _or_reply answers the request itself when it returns false (as redis's
 * lookupKeyReadOrReply): the handler then only returns, with the status already written. */
/* Body fields. Each reports a missing or wrong field as a 400 problem and returns false;
 * api_str_or_reply also a text longer than its field takes (respond.c: text_limits) as a 422
 * naming the field. */
bool api_str_or_reply(struct api_ctx *ctx, const char *key, bool required, const char **out);
bool api_int_or_reply(struct api_ctx *ctx, const char *key, bool required, int64_t min, int64_t max,
		      int64_t *out);
bool api_bool_or_reply(struct api_ctx *ctx, const char *key, bool *out);
/* A query argument as an integer within [min, max], with a default. */
bool api_query_int_or_reply(struct api_ctx *ctx, const char *key, int64_t def, int64_t min,
			    int64_t max, int64_t *out);

/* ---- Access to patient data (api/access.c) ---- */

enum access_action { ACCESS_READ, ACCESS_CREATE, ACCESS_UPDATE };

/* May the caller see or act on this patient's data? Sends 403 (a patient who does not exist is
 * answered the same; 404 only to customer service) and returns false if not. The relationship
 * rules of DOMAIN.md §2: own record (and delegates), the prescriber's unit (its prescriptions and
 * the care relationships it recorded, while they last), the municipality (the orderer: its
 * residents in municipal housing), customer service; the distributor through
 * access_order_or_reply. */
bool access_patient_or_reply(struct api_ctx *ctx, int64_t patient_id);
/* Whether the caller has a relationship to the patient (false also when there is no such patient),
 * without answering the request. */
LMN_MUST_USE enum lmn_rc access_related(struct api_ctx *ctx, int64_t patient_id, bool *allowed);
/* Answers 403 no_relationship, as access_patient_or_reply does; returns the status. */
int access_refuse(struct api_ctx *ctx);
/* May the caller read this order of this patient? For the distributor: an order it has to deliver
 * or delivered within distributor_history_days; for others access_patient_or_reply. Answers if
 * not. */
bool access_order_or_reply(struct api_ctx *ctx, int64_t order_id, int64_t patient_id);
/* Records a read or write of patient data in the append-only access log, in the caller's
 * transaction. */
LMN_MUST_USE enum lmn_rc access_record(struct api_ctx *ctx, int64_t patient_id,
				       enum access_action action, const char *what);
/* Records a read in a writing transaction of its own, durable on return. A handler that only
 * reads reads in a read transaction (on its own connection, beside other requests), ends it, and
 * then records the read: the answer goes out only once its access-log row is durable. */
LMN_MUST_USE enum lmn_rc access_record_read(struct api_ctx *ctx, int64_t patient_id,
					    const char *what);
/* Records a list view: the patients a list showed (the integer member key of each object of the
 * array list) as one entry of the access log, which each patient's log shows (migration 14), in
 * the caller's transaction. An empty list shows no patient: nothing is recorded. */
LMN_MUST_USE enum lmn_rc access_record_list(struct api_ctx *ctx, json_t *list, const char *key,
					    const char *what);
/* The same in a writing transaction of its own, as access_record_read. */
LMN_MUST_USE enum lmn_rc access_record_list_read(struct api_ctx *ctx, json_t *list, const char *key,
						 const char *what);
/* Whether the caller may see a protected identity's address and phone (only roles that deliver). */
bool access_sees_protected(const struct api_ctx *ctx);

/* ---- Handlers, one file per resource ---- */
int auth_login(struct api_ctx *ctx);
int auth_logout(struct api_ctx *ctx);
int auth_me(struct api_ctx *ctx);
/* Resolves the caller from a bearer token, the trusted proxy header or the session cookie. */
LMN_MUST_USE enum lmn_rc auth_identify(struct api_ctx *ctx);
/* Forgets every caller identified so far (auth_identify keeps them for up to a second): call after
 * committing a change that ends a session, revokes a token or closes an account. */
void auth_forget(void);
/* A session ends 12 hours after sign-in, or earlier after this long without a request. */
#define AUTH_SESSION_IDLE_DEFAULT (30 * 60)
int auth_session_idle(const struct api_config *cfg);
/* Whether cookies carry Secure: behind HTTPS (--secure-cookies) or the trusted proxy. */
bool auth_secure_cookies(const struct api_config *cfg);
/* A 16-byte MAC of text for purpose under the process's key, as 32 hex digits. */
void auth_token_mac(const char *purpose, const char *text, char out[33]);
/* Argon2id hash of a password (libsodium), for user creation. */
LMN_MUST_USE enum lmn_rc auth_hash_password(const char *password, char out[128],
					    struct lmn_err *err);
/* A new API token for a user, created by created_by: returns the secret once, stores only its
 * hash. */
LMN_MUST_USE enum lmn_rc auth_create_token(struct db_conn *c, int64_t user_id, int64_t created_by,
					   const char *name, const char *now, char secret[65],
					   struct lmn_err *err);

/* The municipalities of the agreement (api/municipalities.c). */
bool api_municipality_known(const char *name);
int municipalities_list(struct api_ctx *ctx);
/* The care units (api/units.c). */
int units_list(struct api_ctx *ctx);

int patients_list(struct api_ctx *ctx);
int patients_create(struct api_ctx *ctx);
int patients_get(struct api_ctx *ctx);
int patients_access_log(struct api_ctx *ctx);
/* GET and PUT /api/patients/{id}/contact: phone, e-mail and notice channel ("Mina uppgifter"). */
int patients_contact_get(struct api_ctx *ctx);
int patients_contact_put(struct api_ctx *ctx);
int care_relationships_create(struct api_ctx *ctx);

int prescriptions_list(struct api_ctx *ctx);
int prescriptions_create(struct api_ctx *ctx);
int prescription_items_cancel(struct api_ctx *ctx);

/* The start pages' work lists (api/worklists.c). */
int prescriptions_expiring(struct api_ctx *ctx);
int municipal_residents(struct api_ctx *ctx);
int renewal_requests_create(struct api_ctx *ctx);
int renewal_requests_list(struct api_ctx *ctx);

int orders_list(struct api_ctx *ctx);
int orders_create(struct api_ctx *ctx);
int orders_get(struct api_ctx *ctx);
int orders_cancel(struct api_ctx *ctx);
/* Places n orders for patient ctx->id[0] in one write transaction, all or none: each body a JSON
 * object as POST /api/patients/{id}/orders takes it, keys[i] its idempotency key (or NULL; a key
 * used before by the caller gives back that order, never a second). Synchronous. LMN_OK: out[i]
 * tells what was placed; LMN_EREFUSED: the refusal is answered in ctx->resp as the JSON API's
 * (problem+json naming the field, lines[i] the line at fault); else a failure, also answered. */
#define ORDERS_MAX_AT_ONCE 8
struct order_placed {
	int64_t order_id;
	bool retry;   /* placed before, by the same key */
	bool special; /* a line is a special product (not stocked) */
	bool refused; /* LMN_EREFUSED: this order is the one refused (lines[i] are its lines) */
};
LMN_MUST_USE enum lmn_rc orders_place_all(struct api_ctx *ctx, json_t *const *bodies,
					  const char *const *keys, size_t n,
					  struct order_placed *out);

int fulfilment_list(struct api_ctx *ctx);
int fulfilment_get(struct api_ctx *ctx);
int fulfilment_totals(struct api_ctx *ctx);
int packing_slip_get(struct api_ctx *ctx);
int packing_slips_wave(struct api_ctx *ctx);
/* The last due date of a wave: until (YYYY-MM-DD) or, when NULL or "", the next working day;
 * false with the answer written when until is no date. */
bool fulfilment_wave_day_or_reply(struct api_ctx *ctx, const char *until, char out[11]);
int shipments_create(struct api_ctx *ctx);
int shipments_delivered(struct api_ctx *ctx);
int shipments_returned(struct api_ctx *ctx);
int shipments_list(struct api_ctx *ctx);
int shipments_get(struct api_ctx *ctx);

int contact_cases_list(struct api_ctx *ctx);
int contact_cases_call(struct api_ctx *ctx);

/* lmn serve's background jobs (api/jobs.c): opening the day's contact cases at start (before
 * jobs_start returns), when the local date changes and after deliveries are registered
 * (coalesced), and removing access-log entries past their retention period at start and daily.
 * The cases follow the rules in force (rules, swapped in when a decision is recorded).
 * One thread; jobs_start once, jobs_stop before the database closes. */
LMN_MUST_USE enum lmn_rc jobs_start(struct db *db, struct rules_live *rules, struct lmn_err *err);
void jobs_stop(void);
/* A delivery was registered: the contact cases are opened again soon (a no-op without jobs). */
void jobs_deliveries_registered(void);
/* This server's name among those on one database, "host:pid:tag" with a random tag of the
 * process: who claimed a notice, who last ran a job, who runs an import, whose 1177 traffic a
 * count is. The same string for the life of the process; sodium_init must have run. */
const char *jobs_server(void);

/* lmn serve's notice worker (api/notices.c): sends the outbox's notices by e-mail to an SMTP relay
 * and by SMS to an HTTP gateway, retrying after retry_s, doubled each time, until max_attempts
 * (then dead). A channel without its relay or gateway keeps its notices queued. */
struct notices_config {
	const char *smtp_url;  /* smtp://host:port, or NULL */
	const char *mail_from; /* the sender's address, needed with smtp_url */
	const char *sms_url;   /* the gateway's http(s) URL, or NULL */
	int retry_s;	       /* the wait after the first failure */
	int max_attempts;
	int lease_s; /* how long this server's claim of the notices it sends holds */
};
/* Starts the worker (nothing without smtp_url and sms_url); notices_stop before the database
 * closes. */
LMN_MUST_USE enum lmn_rc notices_start(struct db *db, const struct notices_config *cfg,
				       struct lmn_err *err);
void notices_stop(void);
/* GET /api/notices: the notices not sent (state dead or queued), for the administration. */
int notices_list_route(struct api_ctx *ctx);
/* POST /api/notices/{id}/retry: a dead notice queued again, its attempts from 0. */
int notices_retry_route(struct api_ctx *ctx);

int articles_list(struct api_ctx *ctx);
int delivery_alternatives_list(struct api_ctx *ctx);
int delivery_alternatives_create(struct api_ctx *ctx);
int delivery_alternatives_update(struct api_ctx *ctx);
int pickup_points_near(struct api_ctx *ctx);
int calls_create(struct api_ctx *ctx);
int calls_list(struct api_ctx *ctx);

int article_imports_create(struct api_ctx *ctx);
int article_imports_get(struct api_ctx *ctx);
int article_imports_list(struct api_ctx *ctx);
/* Waits for a running assortment import to finish (at shutdown, before the database closes). */
void imports_drain(void);

int users_list(struct api_ctx *ctx);
int users_create(struct api_ctx *ctx);
int users_deactivate(struct api_ctx *ctx);
int users_reopen(struct api_ctx *ctx);
int tokens_list(struct api_ctx *ctx);
int tokens_create(struct api_ctx *ctx);
int tokens_revoke(struct api_ctx *ctx);

/* api/rules.c */
int rules_list(struct api_ctx *ctx);

/* api/reports.c */
int reports_keyfigures_get(struct api_ctx *ctx);
int reports_invoice_get(struct api_ctx *ctx);
int reports_repayment_get(struct api_ctx *ctx);
int fees_list(struct api_ctx *ctx);
int fees_create(struct api_ctx *ctx);

/* Governance (api/governance_*.c, api/change_log.c): bodies, seats, terms, meetings, minutes,
 * the change log and the specification text. */
int bodies_list(struct api_ctx *ctx);
int bodies_create(struct api_ctx *ctx);
int bodies_get(struct api_ctx *ctx);
int seats_create(struct api_ctx *ctx);
int terms_create(struct api_ctx *ctx);
int terms_end(struct api_ctx *ctx);
int people_list(struct api_ctx *ctx);
int people_create(struct api_ctx *ctx);
int meetings_list(struct api_ctx *ctx);
int meetings_create(struct api_ctx *ctx);
int meetings_get(struct api_ctx *ctx);
int meetings_attendance(struct api_ctx *ctx);
int items_create(struct api_ctx *ctx);
int items_update(struct api_ctx *ctx);
int items_written(struct api_ctx *ctx);
int items_outcome(struct api_ctx *ctx);
int actions_create(struct api_ctx *ctx);
int actions_list(struct api_ctx *ctx);
int actions_done(struct api_ctx *ctx);
int minutes_generate(struct api_ctx *ctx);
int minutes_list(struct api_ctx *ctx);
int minutes_get(struct api_ctx *ctx);
int minutes_approve(struct api_ctx *ctx);
int minutes_publish(struct api_ctx *ctx);
int minutes_document(struct api_ctx *ctx);
int minutes_pdf_get(struct api_ctx *ctx);
int change_log_list(struct api_ctx *ctx);
int change_log_get(struct api_ctx *ctx);
int change_log_create(struct api_ctx *ctx);
int specification_get(struct api_ctx *ctx);
int specification_diff(struct api_ctx *ctx);
int bodies_compliance(struct api_ctx *ctx);
int what_if(struct api_ctx *ctx);

/* The 1177 contracts' traffic of the day (api/traffic.c), counted by rivta/ for the admin pages:
 * each call once, by its outcome (OK or INFO, a logical ERROR, a SOAP Fault). */
enum traffic_outcome { TRAFFIC_OK, TRAFFIC_ERROR, TRAFFIC_FAULT, TRAFFIC__COUNT };
struct traffic_day {
	lmn_day day;
	unsigned long n[MS__COUNT][2][TRAFFIC__COUNT]; /* [interaction][version - 1][outcome] */
};
void traffic_count(lmn_day today, enum ms_interaction k, int version, enum traffic_outcome o);
/* Today's counts of every server on the store (all zero when nothing was counted today): this
 * process's, and the others' as they last wrote them. */
LMN_MUST_USE enum lmn_rc traffic_get(struct db_conn *c, lmn_day today, struct traffic_day *out,
				     struct lmn_err *err);
/* A thread that writes this process's counts to the store every few seconds (lmn serve);
 * traffic_stop writes them a last time, before the store closes. */
LMN_MUST_USE enum lmn_rc traffic_start(struct db *db, struct lmn_err *err);
void traffic_stop(void);
int rivta_traffic_get(struct api_ctx *ctx);

/* The OpenAPI 3 document of this API (src/api/openapi.json, embedded at build time). */
extern const char api_openapi_json[];
int openapi_get(struct api_ctx *ctx);

#endif
