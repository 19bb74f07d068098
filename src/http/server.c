/* HTTP front: /api/ to the JSON API, /healthz, and everything else to the web pages. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api/api.h"
#include "store/rules_store.h"
#include "web/web.h"
#include "util/buf.h"

/* Connections served at once (each a descriptor, and with a thread per connection a thread; the
 * store's connections take at most 2 × 64 more). */
#define MAX_CONNECTIONS 1000u

struct server {
	struct MHD_Daemon *daemon;
	struct app app;
	struct db *db;
	const struct params *params;
	uint16_t port;
	bool may_hold; /* a pool of threads: connections can be held (not with a thread each) */
	/* Requests whose answer is written later (held connections), for server_stop to wait. */
	pthread_mutex_t held_lock;
	pthread_cond_t held_cond;
	int held;
	bool stopping; /* no more held: server_stop waits for those that are */
};

/* What one connection's request accumulates between libmicrohttpd's calls. */
struct request {
	struct buf body;
	bool too_large;
	struct server *s;
	struct MHD_Connection *conn;
	struct http_req req;
	struct http_resp resp;
	_Atomic bool answered; /* a held request's outcome is known: answer when called again */
	bool held;             /* its connection was held (counted in the server's held) */
};

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
			       const char *body, size_t len, bool copy)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, (void *)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result problem(struct MHD_Connection *c, unsigned status, const char *title,
			       const char *detail)
{
	struct buf b;
	enum MHD_Result ret;

	buf_init(&b, 4096);
	buf_addf(&b, "{\"type\":\"about:blank\",\"status\":%u,\"title\":", status);
	buf_add_json_string(&b, title, strlen(title));
	buf_adds(&b, ",\"detail\":");
	buf_add_json_string(&b, detail, strlen(detail));
	buf_adds(&b, "}\n");
	ret = b.failed ? MHD_NO
		       : respond(c, status, "application/problem+json", b.data, b.len, true);
	buf_release(&b);
	return ret;
}

static enum MHD_Result healthz(struct server *s, struct MHD_Connection *c)
{
	struct lmn_err err;
	int version = 0;
	char body[160];
	int n;

	if (db_schema_version(s->db, &version, &err) != LMN_OK)
		return problem(c, MHD_HTTP_SERVICE_UNAVAILABLE, "Databasen svarar inte", err.message);
	n = snprintf(body, sizeof(body), "{\"status\":\"ok\",\"database\":\"ok\",\"schema\":%d,"
		     "\"rule_sets\":%zu}\n", version,
		     (s->app.cfg.rules ? rules_live_get(s->app.cfg.rules) : s->params)->nsets);
	return respond(c, MHD_HTTP_OK, "application/json", body, (size_t)n, true);
}

static const char *lookup(void *conn, enum http_lookup kind, const char *key)
{
	static const enum MHD_ValueKind kinds[] = {
		[HTTP_QUERY] = MHD_GET_ARGUMENT_KIND,
		[HTTP_HEADER] = MHD_HEADER_KIND,
		[HTTP_COOKIE] = MHD_COOKIE_KIND,
	};
	return MHD_lookup_connection_value(conn, kinds[kind], key);
}

/* With a pool of threads a handler may answer later (api_write): the connection is held until the
 * answer is written, without a thread waiting for it. Not once the server is stopping (the
 * handler then answers at once): libmicrohttpd must not stop with a connection held. */
static bool hold(struct http_req *req)
{
	struct request *rq = (struct request *)((char *)req - offsetof(struct request, req));
	struct server *s = rq->s;

	pthread_mutex_lock(&s->held_lock);
	rq->held = !s->stopping;
	s->held += rq->held;
	pthread_mutex_unlock(&s->held_lock);
	if (rq->held)
		MHD_suspend_connection(rq->conn);
	return rq->held;
}

/* The held request's outcome is known (on whichever thread): libmicrohttpd calls handle again,
 * which writes the answer (req->answer) and sends it. The request counts as held until it is
 * completed (sent, or its connection closed). */
static void release(struct http_req *req)
{
	struct request *rq = (struct request *)((char *)req - offsetof(struct request, req));

	rq->answered = true;
	MHD_resume_connection(rq->conn);
}

/* Sends the response the dispatcher wrote into rq->resp. */
static enum MHD_Result send_resp(struct MHD_Connection *c, struct request *rq)
{
	struct http_resp *resp = &rq->resp;
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (resp->body.failed) {
		buf_release(&resp->body);
		return MHD_NO;
	}
	r = MHD_create_response_from_buffer(resp->body.len, resp->body.data ? resp->body.data : "",
					    MHD_RESPMEM_MUST_COPY);
	buf_release(&resp->body);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; frame-ancestors 'none'; form-action 'self'");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	for (int i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	ret = MHD_queue_response(c, resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Serves a request with the API's or the web pages' dispatcher. */
static enum MHD_Result serve(struct server *s, struct MHD_Connection *c, const char *url,
			     const char *method, struct request *rq,
			     void (*dispatch)(const struct app *, struct http_req *,
					      struct http_resp *), bool may_hold)
{
	rq->req = (struct http_req){
		.method = method, .path = url, .body = rq->body.data, .body_len = rq->body.len,
		.lookup = lookup, .conn = c, .suspend = may_hold ? hold : NULL,
		.resume = may_hold ? release : NULL,
	};
	rq->resp = (struct http_resp){ .status = 500, .type = "application/json" };
	buf_init(&rq->resp.body, 0);
	dispatch(&s->app, &rq->req, &rq->resp);
	if (rq->resp.deferred)
		return MHD_YES; /* held: sent when called again */
	return send_resp(c, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq) {
		/* Closed before the answer was sent: its things are let go all the same. */
		if (rq->req.answer)
			rq->req.answer(rq->req.answer_arg);
		if (rq->held) {
			pthread_mutex_lock(&rq->s->held_lock);
			if (--rq->s->held == 0)
				pthread_cond_broadcast(&rq->s->held_cond);
			pthread_mutex_unlock(&rq->s->held_lock);
		}
		buf_release(&rq->body);
		buf_release(&rq->resp.body);
		free(rq);
		*req_cls = NULL;
	}
}

/* Whether the request declares a Content-Length over API_MAX_BODY (libmicrohttpd has refused a
 * malformed one already). */
static bool declared_too_large(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	if (!v)
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	return errno == ERANGE || (end != v && n > API_MAX_BODY);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct request *rq = *req_cls;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	(void)version;
	if (!rq) { /* first call: headers only */
		/* A declared body over the limit is refused before it is read: an answer queued now
		 * keeps libmicrohttpd from sending 100 Continue, and it closes the connection after
		 * the answer instead of reading the body. */
		if (declared_too_large(c))
			return problem(c, MHD_HTTP_CONTENT_TOO_LARGE, "För stor begäran",
				       "Kroppen får vara högst 1 MiB.");
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		buf_init(&rq->body, API_MAX_BODY);
		buf_init(&rq->resp.body, 0);
		rq->s = s;
		rq->conn = c;
		*req_cls = rq;
		return MHD_YES;
	}
	if (rq->answered) { /* a held request, its outcome known */
		if (rq->req.answer)
			rq->req.answer(rq->req.answer_arg);
		rq->req.answer = NULL;
		return send_resp(c, rq);
	}
	if (*upload_size != 0) {
		buf_add(&rq->body, upload_data, *upload_size);
		rq->too_large = rq->body.failed;
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return problem(c, MHD_HTTP_CONTENT_TOO_LARGE, "För stor begäran",
			       "Kroppen får vara högst 1 MiB.");
	if (strncmp(url, "/api/", 5) == 0)
		return serve(s, c, url, method, rq, api_dispatch, s->may_hold);
	if (strcmp(url, "/healthz") == 0)
		return get ? healthz(s, c)
			   : problem(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Metoden stöds inte", method);
	return serve(s, c, url, method, rq, web_dispatch, false);
}

enum lmn_rc server_start(const struct server_config *cfg, struct db *db, const struct params *params,
			 struct server **out, struct lmn_err *err)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;

	*out = NULL;
	if (!s)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(cfg->port);
	if (inet_pton(AF_INET, cfg->listen, &addr.sin_addr) != 1) {
		free(s);
		return lmn_err_set(err, LMN_EINVAL, "listen", NULL,
				   "--listen: expected an IPv4 address, got '%s'", cfg->listen);
	}
	s->db = db;
	s->params = params;
	s->may_hold = cfg->threads > 0;
	pthread_mutex_init(&s->held_lock, NULL);
	pthread_cond_init(&s->held_cond, NULL);
	s->app.db = db;
	s->app.params = params;
	s->app.cfg = cfg->api;
	/* A request that writes waits for its commit to be durable, and the commits of the requests
	 * waiting at the same time share one fdatasync (store/db_sqlite.c). By default a pool of
	 * threads serves the connections, polling each thread's share (poll: libmicrohttpd 0.9.75's
	 * epoll loop lost resumed connections now and then, bench/README.md), and the answers read
	 * and written most (a patient's orders, a placement) are written later (api_write): the
	 * connection is held while its write job becomes durable, and the thread goes on with the
	 * others. --threads 0 gives each connection a thread of its own, which waits instead. */
	struct rlimit nofile;
	unsigned limit = MAX_CONNECTIONS;

	/* Leave descriptors for the store, the log and the rule files. */
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < limit + 256)
		limit = nofile.rlim_cur > 320 ? (unsigned)nofile.rlim_cur - 256 : 64;
	if (cfg->threads == 0)
		s->daemon = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
				MHD_USE_ERROR_LOG,
			0, NULL, NULL, handle, s, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
			limit, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	else
		s->daemon = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
				MHD_USE_ERROR_LOG,
			0, NULL, NULL, handle, s, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
			cfg->threads, MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_CONNECTION_TIMEOUT,
			30u, MHD_OPTION_END);
	if (!s->daemon) {
		pthread_cond_destroy(&s->held_cond);
		pthread_mutex_destroy(&s->held_lock);
		free(s);
		return lmn_err_set(err, LMN_EIO, "port", NULL, "cannot listen on %s:%u (in use?)",
				   cfg->listen, cfg->port);
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : cfg->port;
	*out = s;
	return LMN_OK;
}

uint16_t server_port(const struct server *s)
{
	return s->port;
}

void server_stop(struct server *s)
{
	MHD_socket listen = MHD_INVALID_SOCKET;

	if (!s)
		return;
	/* No new connections, nor requests held; the held ones get their answers (the store's
	 * threads write them) and are sent. */
	pthread_mutex_lock(&s->held_lock);
	s->stopping = true;
	pthread_mutex_unlock(&s->held_lock);
	if (s->may_hold)
		listen = MHD_quiesce_daemon(s->daemon);
	pthread_mutex_lock(&s->held_lock);
	while (s->held > 0)
		pthread_cond_wait(&s->held_cond, &s->held_lock);
	pthread_mutex_unlock(&s->held_lock);
	MHD_stop_daemon(s->daemon);
	if (listen != MHD_INVALID_SOCKET)
		close(listen);
	pthread_cond_destroy(&s->held_cond);
	pthread_mutex_destroy(&s->held_lock);
	free(s);
}
