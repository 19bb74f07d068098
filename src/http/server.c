/* HTTP front: /api/ to the JSON API, /healthz, and everything else to the web pages. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <linux/tcp.h> /* not netinet/tcp.h: glibc's tcp_info lacks tcpi_bytes_received */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "http/tls.h"
#include "rivta/rivta.h"
#include "store/rules_store.h"
#include "web/web.h"
#include "util/buf.h"

/* Descriptors kept for the store's connections (at most 2 × 64), the log and the rule files when
 * the connection limit is sized to the process's limit. */
#define RESERVED_FDS 256u
/* How often the watchdog looks for connections past their deadline, and reports in the log. */
#define WATCH_INTERVAL_MS 200
#define WATCH_REPORT_MS	  10000
/* …and, while draining, for kept-alive connections that wait for their next request. */
#define DRAIN_INTERVAL_MS 50

/* A connection's deadline. libmicrohttpd's time-out is an idle one: a client that sends a header
 * line now and then keeps its connection as long as it likes, and enough such connections fill
 * the connection limit, so that nobody else is served (review M3). Each connection has a
 * deadline instead by which its request (headers and body) must have arrived; the watchdog thread
 * shuts the socket of one that passes it down, and libmicrohttpd closes it as closed by the
 * client. No deadline runs while a request is answered (a held one waits for its commit). */
struct watch {
	MHD_socket fd;
	_Atomic int64_t deadline; /* monotonic ms; 0: none */
	bool shut;		  /* its socket was shut down (watch_lock) */
	int trusted;		  /* mutual TLS: 1 the client's certificate verified, -1 not, 0 not
				   * checked yet (once per connection) */
	/* For the drain: a request has begun on it (its request line is in) and is not completed;
	 * a request was completed on it (a kept-alive connection, idle unless busy); the requests
	 * begun on it; when the watchdog first saw it idle (0: not), and the count then. */
	_Atomic bool busy, served;
	_Atomic unsigned begun;
	/* The bytes the socket had received (received) as its last answer was queued, before its
	 * client could have read it and sent more; -1: not known. marked: queued for the request
	 * in progress (its connection's thread only). */
	_Atomic int64_t recv_mark;
	bool marked;
	int64_t idle_at;
	unsigned idle_begun;
	struct watch *prev, *next; /* in the server's watched (watch_lock) */
};

struct server {
	struct MHD_Daemon *daemon;
	struct app app;
	struct db *db;
	const struct params *params;
	uint16_t port;
	bool rivta;    /* the 1177 contracts' listener, with client certificates */
	bool may_hold; /* a pool of threads: connections can be held (not with a thread each) */
	/* Requests whose answer is written later (held connections), for server_stop to wait. */
	pthread_mutex_t held_lock;
	pthread_cond_t held_cond;
	int held;
	/* Calls of MHD_resume_connection under way (release): the daemon must outlive them, and a
	 * resumed request may be answered and completed (held 0) before the call returns. */
	int resuming;
	bool stopping; /* no more held: server_stop waits for those that are */
	/* Connections open (held_lock, held_cond told when one closes), for the drain; and those the
	 * drain took from the listening socket that libmicrohttpd's threads have not started yet
	 * (their descriptors, held_lock). */
	unsigned conns;
	MHD_socket *adopted;
	size_t nadopted;
	/* Draining (server_drain): no new connections, answers close theirs, idle ones are shut. */
	_Atomic bool draining;
	MHD_socket listen_fd; /* quiesced: closed after MHD_stop_daemon */
	/* Open connections and their deadlines (struct watch), and the watchdog thread. */
	int64_t request_ms;
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_cond;
	struct watch *watched;
	pthread_t watchdog;
	bool watchdog_running;
	bool watch_stop;
	_Atomic unsigned long refused; /* connections refused by the limits */
	_Atomic unsigned long cut;     /* closed before their request was in */
	/* Sign-ins, served on threads of their own (serve_aside): their held requests in order
	 * (aside_lock), and the threads. */
	pthread_mutex_t aside_lock;
	pthread_cond_t aside_cond;
	struct request *aside_first, *aside_last;
	pthread_t aside[API_HASH_THREADS];
	unsigned naside;
	bool aside_stop;
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
	bool held;	       /* its connection was held (counted in the server's held) */
	char peer[INET6_ADDRSTRLEN]; /* the client's address, for the sign-in limits */
	/* Served aside (a sign-in): its dispatcher, and the next in the server's queue. */
	void (*dispatch)(const struct app *, struct http_req *, struct http_resp *);
	struct request *aside_next;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct watch *watch_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i ? i->socket_context : NULL;
}

/* libmicrohttpd's notice of a connection opened or closed: its deadline is watched meanwhile.
 * Closed is told before the socket is closed, and the watchdog shuts sockets down with
 * watch_lock held: it never touches a descriptor that was closed (and maybe reused). */
static void notify(void *cls, struct MHD_Connection *c, void **socket_context,
		   enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	struct watch *w = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		pthread_mutex_lock(&s->held_lock);
		s->conns++;
		if (fd)
			for (size_t i = 0; i < s->nadopted; i++)
				if (s->adopted[i] == fd->connect_fd) {
					s->adopted[i] = s->adopted[--s->nadopted];
					break;
				}
		pthread_mutex_unlock(&s->held_lock);
		*socket_context = NULL;
		if (!fd || !(w = calloc(1, sizeof(*w))))
			return; /* not watched: libmicrohttpd's idle time-out still applies */
		w->fd = fd->connect_fd;
		w->recv_mark = -1;
		w->deadline = now_ms() + s->request_ms;
		pthread_mutex_lock(&s->watch_lock);
		w->next = s->watched;
		if (w->next)
			w->next->prev = w;
		s->watched = w;
		pthread_mutex_unlock(&s->watch_lock);
		*socket_context = w;
		return;
	}
	pthread_mutex_lock(&s->held_lock);
	if (--s->conns == 0)
		pthread_cond_broadcast(&s->held_cond);
	pthread_mutex_unlock(&s->held_lock);
	if (w) {
		pthread_mutex_lock(&s->watch_lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			s->watched = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&s->watch_lock);
		free(w);
		*socket_context = NULL;
	}
}

/* The bytes the socket has received in all (TCP_INFO's tcpi_bytes_received, Linux 4.1); -1 if
 * the system does not say. */
static int64_t received(MHD_socket fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received))
		return -1;
	return (int64_t)(ti.tcpi_bytes_received & INT64_MAX);
}

/* Whether a kept-alive connection waits for its next request: none begun, no byte of one in the
 * socket, and none received since its last answer (a client that sent it before the drain began
 * has it answered). The last: libmicrohttpd reads what arrives, and a part of a request line
 * (the rest still on its way) sits in its buffer, where nothing else shows it; the kernel counts
 * the bytes the socket received. */
static bool idle(const struct watch *w)
{
	int64_t mark = w->recv_mark, now;
	int pending = 0;

	if (!w->served || w->busy)
		return false;
	if (ioctl(w->fd, FIONREAD, &pending) == 0 && pending > 0)
		return false;
	return mark < 0 || (now = received(w->fd)) < 0 || now == mark;
}

/* While draining: shuts down the kept-alive connections that wait for their next request, so their
 * clients make it elsewhere; not those that have not had their first request yet (a client opens a
 * connection to send one; their deadline still holds). Only one seen idle DRAIN_INTERVAL_MS
 * before too, with no request begun since: libmicrohttpd may have read a request from the socket
 * and not yet have begun it (a moment, on its thread). Called with watch_lock held. */
static void shut_idle_locked(struct server *s)
{
	int64_t now = now_ms();

	for (struct watch *w = s->watched; w; w = w->next) {
		unsigned begun = w->begun;

		if (w->shut)
			continue;
		if (!idle(w)) {
			w->idle_at = 0;
			continue;
		}
		if (!w->idle_at || w->idle_begun != begun) {
			w->idle_at = now;
			w->idle_begun = begun;
			continue;
		}
		if (now - w->idle_at < DRAIN_INTERVAL_MS)
			continue;
		(void)shutdown(w->fd, SHUT_RDWR);
		w->shut = true;
	}
}

/* Shuts down the connections past their deadline, and reports what the limits refused in the
 * log, at most every WATCH_REPORT_MS (one line per connection would let a client flood it). */
static void *watchdog(void *arg)
{
	struct server *s = arg;
	int64_t reported = now_ms();
	unsigned long closed = 0, refused_before = 0, cut_before = 0;

	pthread_mutex_lock(&s->watch_lock);
	while (!s->watch_stop) {
		int64_t now = now_ms();
		struct timespec until;

		for (struct watch *w = s->watched; w; w = w->next) {
			int64_t d = w->deadline;

			if (d && d <= now && !w->shut) {
				(void)shutdown(w->fd, SHUT_RDWR);
				w->shut = true;
				closed++;
			}
		}
		if (s->draining)
			shut_idle_locked(s);
		if (now - reported >= WATCH_REPORT_MS) {
			unsigned long refused = s->refused, cut = s->cut;

			if (closed || refused != refused_before || cut != cut_before)
				fprintf(stderr,
					"lmn: connections in %lld s: %lu refused (too many "
					"at once from one address, or in all), %lu shut as their "
					"request took over %lld s, %lu closed unfinished (by the "
					"client, or shut)\n",
					(long long)(now - reported) / 1000,
					refused - refused_before, closed,
					(long long)s->request_ms / 1000, cut - cut_before);
			reported = now;
			closed = 0;
			refused_before = refused;
			cut_before = cut;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (s->draining ? DRAIN_INTERVAL_MS : WATCH_INTERVAL_MS) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&s->watch_cond, &s->watch_lock, &until);
	}
	pthread_mutex_unlock(&s->watch_lock);
	return NULL;
}

/* libmicrohttpd's messages, as its own logger writes them, except those it writes for each
 * connection refused by a limit, or closed before its request was in (by the client, or by its
 * deadline): a client could flood the log with them. They are counted, and the watchdog reports
 * the counts. */
__attribute__((format(printf, 2, 0))) static void log_message(void *cls, const char *fmt,
							      va_list ap)
{
	static const char *const refused[] = { "Server reached connection limit", NULL };
	static const char *const cut[] = {
		"Connection socket is closed when reading request",
		"Connection was closed by remote side with incomplete request",
		NULL,
	};
	struct server *s = cls;

	for (const char *const *m = refused; *m; m++)
		if (strncmp(fmt, *m, strlen(*m)) == 0) {
			s->refused++;
			return;
		}
	for (const char *const *m = cut; *m; m++)
		if (strncmp(fmt, *m, strlen(*m)) == 0) {
			s->cut++;
			return;
		}
	vfprintf(stderr, fmt, ap);
}

/* While the server drains, an answer closes its connection (Connection: close): the client makes
 * its next request on a new one, which the proxy sends to another server. */
static void close_if_draining(const struct server *s, struct MHD_Response *r)
{
	if (s->draining)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* Queues an answer, with what the socket has received so far for the drain's idle(): a byte that
 * arrives after this is of the next request, even if its client sent it before completed() runs. */
static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
	struct watch *w = watch_of(c);

	if (w) {
		w->recv_mark = received(w->fd);
		w->marked = true;
	}
	return MHD_queue_response(c, status, r);
}

static enum MHD_Result respond(const struct server *s, struct MHD_Connection *c, unsigned status,
			       const char *type, const char *body, size_t len, bool copy)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body,
								 copy ? MHD_RESPMEM_MUST_COPY
								      : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	close_if_draining(s, r);
	ret = queue(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result problem(const struct server *s, struct MHD_Connection *c, unsigned status,
			       const char *title, const char *detail)
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
		       : respond(s, c, status, "application/problem+json", b.data, b.len, true);
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
		return problem(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, "Databasen svarar inte",
			       err.message);
	n = snprintf(body, sizeof(body),
		     "{\"status\":\"ok\",\"database\":\"ok\",\"schema\":%d,"
		     "\"rule_sets\":%zu}\n",
		     version,
		     (s->app.cfg.rules ? rules_live_get(s->app.cfg.rules) : s->params)->nsets);
	return respond(s, c, MHD_HTTP_OK, "application/json", body, (size_t)n, true);
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
	struct server *s = rq->s;
	struct MHD_Connection *conn = rq->conn;

	/* Counted while rq is still held (held > 0), so server_stop cannot miss it; rq may be
	 * completed and freed as soon as the connection is resumed, so not used after. */
	pthread_mutex_lock(&s->held_lock);
	s->resuming++;
	pthread_mutex_unlock(&s->held_lock);
	rq->answered = true;
	MHD_resume_connection(conn);
	pthread_mutex_lock(&s->held_lock);
	if (--s->resuming == 0)
		pthread_cond_broadcast(&s->held_cond);
	pthread_mutex_unlock(&s->held_lock);
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
	/* The body's buffer goes to libmicrohttpd, which frees it once sent (no copy). */
	if (resp->body.len)
		r = MHD_create_response_from_buffer(resp->body.len, resp->body.data,
						    MHD_RESPMEM_MUST_FREE);
	else
		r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	if (r && resp->body.len)
		resp->body = (struct buf){ 0 };
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
	close_if_draining(rq->s, r);
	ret = queue(c, resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A thread for the requests that hash a password (api_hashes_password): each is answered at once
 * by its dispatcher here, then its held connection resumed and the answer sent by the thread of
 * the pool that has it. Argon2id takes tens of milliseconds (far more under a sanitizer), and a
 * sign-in may wait its turn for a hash (login_limit.h): on a thread of the pool, every other
 * connection of that thread would wait as long, /healthz and placements too. */
static void *aside_thread(void *arg)
{
	struct server *s = arg;
	struct request *rq;

	for (;;) {
		pthread_mutex_lock(&s->aside_lock);
		while (!s->aside_first && !s->aside_stop)
			pthread_cond_wait(&s->aside_cond, &s->aside_lock);
		rq = s->aside_first;
		if (rq) {
			s->aside_first = rq->aside_next;
			if (!s->aside_first)
				s->aside_last = NULL;
		}
		pthread_mutex_unlock(&s->aside_lock);
		if (!rq)
			return NULL; /* stopping, and none left */
		rq->dispatch(&s->app, &rq->req, &rq->resp);
		release(&rq->req);
	}
}

/* Stops the threads aside, once their queue is empty. */
static void aside_end(struct server *s)
{
	pthread_mutex_lock(&s->aside_lock);
	s->aside_stop = true;
	pthread_cond_broadcast(&s->aside_cond);
	pthread_mutex_unlock(&s->aside_lock);
	for (unsigned i = 0; i < s->naside; i++)
		pthread_join(s->aside[i], NULL);
	s->naside = 0;
	pthread_cond_destroy(&s->aside_cond);
	pthread_mutex_destroy(&s->aside_lock);
}

/* Hands a request to the threads aside; false if it must be served here (no such threads, or
 * the server stopping). */
static bool serve_aside(struct server *s, struct request *rq,
			void (*dispatch)(const struct app *, struct http_req *, struct http_resp *))
{
	/* Answered at once by its dispatcher, on the thread aside. */
	rq->req.suspend = NULL;
	rq->req.resume = NULL;
	if (!s->naside || !hold(&rq->req))
		return false;
	rq->dispatch = dispatch;
	rq->aside_next = NULL;
	pthread_mutex_lock(&s->aside_lock);
	if (s->aside_last)
		s->aside_last->aside_next = rq;
	else
		s->aside_first = rq;
	s->aside_last = rq;
	pthread_cond_signal(&s->aside_cond);
	pthread_mutex_unlock(&s->aside_lock);
	return true;
}

/* Serves a request with the API's or the web pages' dispatcher. */
static enum MHD_Result serve(struct server *s, struct MHD_Connection *c, const char *url,
			     const char *method, struct request *rq,
			     void (*dispatch)(const struct app *, struct http_req *,
					      struct http_resp *),
			     bool may_hold)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  rq->peer, sizeof(rq->peer));
	rq->req = (struct http_req){
		.method = method,
		.path = url,
		.body = rq->body.data,
		.body_len = rq->body.len,
		.lookup = lookup,
		.conn = c,
		.peer = *rq->peer ? rq->peer : NULL,
		.arrived_ms = now_ms(),
		.suspend = may_hold ? hold : NULL,
		.resume = may_hold ? release : NULL,
	};
	rq->resp = (struct http_resp){ .status = 500, .type = "application/json" };
	buf_init(&rq->resp.body, 0);
	if (!s->rivta && api_hashes_password(method, url) && serve_aside(s, rq, dispatch))
		return MHD_YES; /* held: sent when called again */
	dispatch(&s->app, &rq->req, &rq->resp);
	if (rq->resp.deferred)
		return MHD_YES; /* held: sent when called again */
	return send_resp(c, rq);
}

/* libmicrohttpd has a request's first line: a request has begun on the connection. */
static void *began(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct watch *w = watch_of(c);

	(void)cls;
	(void)uri;
	if (w) {
		w->busy = true;
		w->begun++;
		w->marked = false;
	}
	return NULL; /* handle's *req_cls: none yet */
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *rq = *req_cls;
	struct watch *w = watch_of(c);

	(void)toe;
	/* The connection may carry another request: it has its time from now. */
	if (w) {
		w->deadline = now_ms() + s->request_ms;
		/* An answer from before the drain kept it open: the watchdog closes it while it
		 * waits for the next request (not here: libmicrohttpd may have read that already).
		 * What it had received is marked as the answer was queued (queue()); here only for
		 * an answer libmicrohttpd made itself. */
		if (!w->marked)
			w->recv_mark = received(w->fd);
		w->served = true;
		w->busy = false;
	}
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

/* The Content-Length the request declares (libmicrohttpd has refused a malformed one already):
 * 0 if none, ULLONG_MAX if it does not fit. */
static unsigned long long declared_length(struct MHD_Connection *c)
{
	const char *v =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	if (!v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	return errno == ERANGE ? ULLONG_MAX : end != v ? n : 0;
}

/* Whether the client showed a certificate that the trusted CA issued (mutual TLS). */
static bool client_trusted(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);

	return ci && tls_client_trusted(ci->tls_session);
}

/* client_trusted, checked once per connection: the verification of the certificate chain cost
 * more than the rest of a look-up (bench/README.md, rivta). The certificate is the handshake's. */
static bool connection_trusted(struct MHD_Connection *c)
{
	struct watch *w = watch_of(c);

	if (!w)
		return client_trusted(c);
	if (!w->trusted)
		w->trusted = client_trusted(c) ? 1 : -1;
	return w->trusted > 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct request *rq = *req_cls;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
		   strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	(void)version;
	if (!rq) { /* first call: headers only */
		unsigned long long declared = declared_length(c);
		struct watch *w;

		if (s->rivta && !connection_trusted(c))
			return respond(s, c, MHD_HTTP_FORBIDDEN, "text/plain; charset=UTF-8",
				       "Klientcertifikat saknas eller är inte betrott.\n",
				       strlen("Klientcertifikat saknas eller är inte betrott.\n"),
				       false);

		/* A declared body over the limit is refused before it is read: an answer queued now
		 * keeps libmicrohttpd from sending 100 Continue, and it closes the connection after
		 * the answer instead of reading the body. */
		if (declared > API_MAX_BODY)
			return problem(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "För stor begäran",
				       "Kroppen får vara högst 1 MiB.");
		/* The body has its allowance beside the request's time (a slow link). */
		if (declared && (w = watch_of(c)) && w->deadline)
			w->deadline += (int64_t)(declared * 1000 / SERVER_BODY_MIN_RATE);
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
	/* The whole request is in: no deadline while it is answered. */
	struct watch *w = watch_of(c);
	if (w)
		w->deadline = 0;
	if (rq->too_large)
		return problem(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "För stor begäran",
			       "Kroppen får vara högst 1 MiB.");
	if (s->rivta)
		return serve(s, c, url, method, rq, rivta_dispatch, s->may_hold);
	if (strncmp(url, "/api/", 5) == 0)
		return serve(s, c, url, method, rq, api_dispatch, s->may_hold);
	if (strcmp(url, "/healthz") == 0)
		return get ? healthz(s, c)
			   : problem(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, "Metoden stöds inte",
				     method);
	return serve(s, c, url, method, rq, web_dispatch, false);
}

enum lmn_rc server_start(const struct server_config *cfg, struct db *db,
			 const struct params *params, struct server **out, struct lmn_err *err)
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
	s->rivta = cfg->rivta;
	s->may_hold = cfg->threads > 0;
	pthread_mutex_init(&s->held_lock, NULL);
	pthread_cond_init(&s->held_cond, NULL);
	pthread_mutex_init(&s->aside_lock, NULL);
	pthread_cond_init(&s->aside_cond, NULL);
	s->app.db = db;
	s->app.params = params;
	s->app.cfg = cfg->api;
	/* A request that writes waits for its commit to be durable, and the commits of the requests
	 * waiting at the same time share one fdatasync (store/sqlite_commit.c). By default a pool of
	 * threads serves the connections, polling each thread's share (poll: libmicrohttpd 0.9.75's
	 * epoll loop lost resumed connections now and then, bench/README.md), and the answers read
	 * and written most (a patient's orders, a placement) are written later (api_write): the
	 * connection is held while its write job becomes durable, and the thread goes on with the
	 * others. --threads 0 gives each connection a thread of its own, which waits instead. */
	struct rlimit nofile;
	unsigned limit = cfg->max_connections ? cfg->max_connections : SERVER_MAX_CONNECTIONS;
	pthread_condattr_t monotonic;

	/* Each connection is a descriptor: leave some for the store, the log and the rule files. */
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < limit + RESERVED_FDS) {
		unsigned fit = nofile.rlim_cur > RESERVED_FDS + 64
				       ? (unsigned)nofile.rlim_cur - RESERVED_FDS
				       : 64;
		fprintf(stderr,
			"lmn: at most %u connections at once, not %u: the process may open "
			"%llu descriptors (ulimit -n)\n",
			fit, limit, (unsigned long long)nofile.rlim_cur);
		limit = fit;
	}
	s->request_ms =
		(int64_t)(cfg->request_timeout ? cfg->request_timeout : SERVER_REQUEST_TIMEOUT) *
		1000;
	pthread_mutex_init(&s->watch_lock, NULL);
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&s->watch_cond, &monotonic);
	pthread_condattr_destroy(&monotonic);
	/* The connection limits (review M3): per client address (libmicrohttpd counts them over
	 * the whole pool), and each request's deadline (struct watch). libmicrohttpd's own idle
	 * time-out stays for a client that reads its answer slowly. */
	/* HTTPS with client certificates for the 1177 contracts' listener. */
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key },
		{ MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)cfg->tls_client_ca },
		{ MHD_OPTION_END, 0, NULL },
	};
	unsigned use_tls = cfg->tls_cert ? MHD_USE_TLS : 0;

	if (!use_tls)
		tls[0].option = MHD_OPTION_END;
	rivta_init();
	/* With a pool (connections can be held), sign-ins on threads of their own; if none can be
	 * started, they are served on the pool's threads as before. */
	while (s->may_hold && !s->rivta && s->naside < API_HASH_THREADS &&
	       pthread_create(&s->aside[s->naside], NULL, aside_thread, s) == 0)
		s->naside++;
	s->listen_fd = MHD_INVALID_SOCKET;
	/* MHD_USE_ITC: the drain's MHD_quiesce_daemon and MHD_add_connection need it. */
	if (cfg->threads == 0)
		s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
						     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
						     MHD_USE_ITC | MHD_USE_ERROR_LOG | use_tls,
					     0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER,
					     log_message, s, MHD_OPTION_NOTIFY_COMPLETED, completed,
					     s, MHD_OPTION_NOTIFY_CONNECTION, notify, s,
					     MHD_OPTION_URI_LOG_CALLBACK, began, s,
					     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
					     MHD_OPTION_CONNECTION_LIMIT, limit,
					     MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_address,
					     MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_ARRAY,
					     tls, MHD_OPTION_END);
	else
		s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
						     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
						     use_tls,
					     0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER,
					     log_message, s, MHD_OPTION_NOTIFY_COMPLETED, completed,
					     s, MHD_OPTION_NOTIFY_CONNECTION, notify, s,
					     MHD_OPTION_URI_LOG_CALLBACK, began, s,
					     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
					     MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
					     MHD_OPTION_CONNECTION_LIMIT, limit,
					     MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_address,
					     MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_ARRAY,
					     tls, MHD_OPTION_END);
	if (s->daemon && pthread_create(&s->watchdog, NULL, watchdog, s) == 0)
		s->watchdog_running = true;
	if (!s->daemon || !s->watchdog_running) {
		bool listening = s->daemon != NULL;

		if (s->daemon)
			MHD_stop_daemon(s->daemon);
		aside_end(s);
		pthread_cond_destroy(&s->watch_cond);
		pthread_mutex_destroy(&s->watch_lock);
		pthread_cond_destroy(&s->held_cond);
		pthread_mutex_destroy(&s->held_lock);
		free(s);
		if (listening)
			return lmn_err_set(err, LMN_ENOMEM, NULL, NULL,
					   "cannot start the connections' watchdog thread");
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

/* Takes the connections the system has accepted on the quiesced listening socket fd and hands
 * them to libmicrohttpd; they count as open (server_connections) from now, though its threads
 * start them later. */
static void adopt_backlog(struct server *s, MHD_socket fd)
{
	size_t cap = 0;

	for (;;) {
		struct sockaddr_storage addr;
		socklen_t len = sizeof(addr);
		int c = accept4(fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		bool listed = false;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		pthread_mutex_lock(&s->held_lock);
		if (s->nadopted == cap) {
			size_t more = cap ? 2 * cap : 64;
			MHD_socket *a = realloc(s->adopted, more * sizeof(*a));

			if (a) {
				s->adopted = a;
				cap = more;
			}
		}
		if (s->nadopted < cap) {
			s->adopted[s->nadopted++] = c;
			listed = true;
		}
		pthread_mutex_unlock(&s->held_lock);
		/* Not counted (out of memory): closed unanswered. libmicrohttpd closes the socket
		 * itself if it cannot take it; one it takes and its thread then fails to start (out
		 * of memory, the connection limit) stays counted, and the drain waits its bound. */
		if (!listed) {
			close(c);
		} else if (MHD_add_connection(s->daemon, c, (struct sockaddr *)&addr, len) !=
			   MHD_YES) {
			pthread_mutex_lock(&s->held_lock);
			for (size_t i = 0; i < s->nadopted; i++)
				if (s->adopted[i] == c) {
					s->adopted[i] = s->adopted[--s->nadopted];
					break;
				}
			pthread_mutex_unlock(&s->held_lock);
		}
	}
}

void server_drain(struct server *s)
{
	MHD_socket fd;
	int flags;

	if (!s || s->draining)
		return;
	s->draining = true;
	/* libmicrohttpd's threads accept no more; the socket stays open until MHD_stop_daemon (one
	 * of them may be in accept on it). */
	fd = s->listen_fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET) {
		/* The connections the system has accepted meanwhile are served too, then no more
		 * are: a shut-down listening socket refuses them (the client connects elsewhere).
		 * One the system completes between the last accept and the shutdown is reset: a
		 * window of two system calls, which no listening socket can close. */
		flags = fcntl(fd, F_GETFL);
		if (flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0)
			adopt_backlog(s, fd);
		(void)shutdown(fd, SHUT_RDWR);
	}
	/* The kept-alive connections waiting for a request are shut by the watchdog, now looking
	 * every DRAIN_INTERVAL_MS. */
	pthread_mutex_lock(&s->watch_lock);
	shut_idle_locked(s);
	pthread_cond_signal(&s->watch_cond);
	pthread_mutex_unlock(&s->watch_lock);
}

unsigned server_connections(struct server *s)
{
	unsigned n;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->held_lock);
	n = s->conns + (unsigned)s->nadopted;
	pthread_mutex_unlock(&s->held_lock);
	return n;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	/* No new connections, nor requests held; the held ones get their answers (the store's
	 * threads write them) and are sent. */
	pthread_mutex_lock(&s->held_lock);
	s->stopping = true;
	pthread_mutex_unlock(&s->held_lock);
	if (s->listen_fd == MHD_INVALID_SOCKET)
		s->listen_fd = MHD_quiesce_daemon(s->daemon);
	pthread_mutex_lock(&s->held_lock);
	while (s->held > 0 || s->resuming > 0)
		pthread_cond_wait(&s->held_cond, &s->held_lock);
	pthread_mutex_unlock(&s->held_lock);
	MHD_stop_daemon(s->daemon);
	if (s->listen_fd != MHD_INVALID_SOCKET)
		close(s->listen_fd);
	pthread_mutex_lock(&s->watch_lock);
	s->watch_stop = true;
	pthread_cond_signal(&s->watch_cond);
	pthread_mutex_unlock(&s->watch_lock);
	pthread_join(s->watchdog, NULL);
	aside_end(s); /* their requests were held: none is left */
	pthread_cond_destroy(&s->watch_cond);
	pthread_mutex_destroy(&s->watch_lock);
	pthread_cond_destroy(&s->held_cond);
	pthread_mutex_destroy(&s->held_lock);
	free(s->adopted);
	free(s);
}
