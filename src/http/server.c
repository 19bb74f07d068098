/* HTTP front: routes requests to handlers. This foundation serves a start page and /healthz. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct server {
	struct MHD_Daemon *daemon;
	struct db *db;
	const struct params *params;
	uint16_t port;
};

static const char start_page[] =
	"<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>LMN – beställning av läkemedelsnära produkter</title>\n"
	"<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
	"line-height:1.5;color:#1b1b1b}h1{font-size:1.6rem}</style>\n</head>\n<body>\n"
	"<main>\n<h1>LMN</h1>\n<p>Beställningsportal och försörjning av läkemedelsnära produkter: "
	"nutritionsprodukter och förbrukningsartiklar vid blås- och tarmdysfunktion.</p>\n"
	"<p>Tjänsten är under uppbyggnad. Sidorna för patienter, förskrivare, kundtjänst och "
	"distributör kommer här.</p>\n</main>\n</body>\n</html>\n";

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
		     "\"rule_sets\":%zu}\n", version, s->params->nsets);
	return respond(c, MHD_HTTP_OK, "application/json", body, (size_t)n, true);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	(void)version;
	(void)upload_data;
	if (*req_cls == NULL) {
		*req_cls = (void *)1; /* first call: headers only */
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0; /* no route takes a body yet */
		return MHD_YES;
	}
	if (strcmp(url, "/healthz") == 0)
		return get ? healthz(s, c)
			   : problem(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Metoden stöds inte", method);
	if (strcmp(url, "/") == 0)
		return get ? respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", start_page,
				     sizeof(start_page) - 1, false)
			   : problem(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Metoden stöds inte", method);
	return problem(c, MHD_HTTP_NOT_FOUND, "Sidan finns inte", url);
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
	s->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
		cfg->threads ? cfg->threads : 2u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_END);
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
