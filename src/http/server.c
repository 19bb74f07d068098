/* HTTP front: /api/ to the JSON API, /healthz, and everything else to the web pages. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "api/api.h"
#include "store/rules_store.h"
#include "web/web.h"
#include "util/buf.h"

/* Connections served at once with a thread per connection (each a thread and a descriptor; the
 * store's connections take at most 2 × 64 more). */
#define MAX_CONNECTIONS 1000u

struct server {
	struct MHD_Daemon *daemon;
	struct app app;
	struct db *db;
	const struct params *params;
	uint16_t port;
};

/* What one connection's request accumulates between libmicrohttpd's calls. */
struct request {
	struct buf body;
	bool too_large;
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

/* Serves a request with the API's or the web pages' dispatcher. */
static enum MHD_Result serve(struct server *s, struct MHD_Connection *c, const char *url,
			     const char *method, struct request *rq,
			     void (*dispatch)(const struct app *, struct http_req *,
					      struct http_resp *))
{
	struct http_req req = {
		.method = method, .path = url, .body = rq->body.data, .body_len = rq->body.len,
		.lookup = lookup, .conn = c,
	};
	struct http_resp resp = { .status = 500, .type = "application/json" };
	struct MHD_Response *r;
	enum MHD_Result ret;

	buf_init(&resp.body, 0);
	dispatch(&s->app, &req, &resp);
	if (resp.body.failed) {
		buf_release(&resp.body);
		return MHD_NO;
	}
	r = MHD_create_response_from_buffer(resp.body.len, resp.body.data ? resp.body.data : "",
					    MHD_RESPMEM_MUST_COPY);
	buf_release(&resp.body);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp.type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; frame-ancestors 'none'; form-action 'self'");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	for (int i = 0; i < resp.nheaders; i++)
		MHD_add_response_header(r, resp.headers[i].name, resp.headers[i].value);
	ret = MHD_queue_response(c, resp.status, r);
	MHD_destroy_response(r);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq) {
		buf_release(&rq->body);
		free(rq);
		*req_cls = NULL;
	}
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
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		buf_init(&rq->body, API_MAX_BODY);
		*req_cls = rq;
		return MHD_YES;
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
		return serve(s, c, url, method, rq, api_dispatch);
	if (strcmp(url, "/healthz") == 0)
		return get ? healthz(s, c)
			   : problem(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Metoden stöds inte", method);
	return serve(s, c, url, method, rq, web_dispatch);
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
	s->app.db = db;
	s->app.params = params;
	s->app.cfg = cfg->api;
	/* A request that writes waits for its commit to be durable, and the commits of the requests
	 * waiting at the same time share one fdatasync (store/db_sqlite.c). With a thread per
	 * connection only that connection waits; a pool thread would also hold up every other
	 * connection it serves, so fewer commits would be shared. */
	if (cfg->threads == 0) {
		/* Leave descriptors for the store, the log and the rule files. */
		struct rlimit nofile;
		unsigned limit = MAX_CONNECTIONS;

		if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < limit + 256)
			limit = nofile.rlim_cur > 320 ? (unsigned)nofile.rlim_cur - 256 : 64;
		s->daemon = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
				MHD_USE_ERROR_LOG,
			0, NULL, NULL, handle, s, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
			limit, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	} else {
		s->daemon = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			handle, s, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_SOCK_ADDR,
			(struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
			MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	}
	if (!s->daemon) {
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
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
