/* The HTTP server: libmicrohttpd, a pool of threads that hold a connection while its write becomes
 * durable (lmn serve's default), or a thread per connection. */
#ifndef LMN_SERVER_H
#define LMN_SERVER_H

#include <stdint.h>

#include "api/api.h"
#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

/* Limits on connections (review M3), lmn serve's defaults. A client that opens many
 * connections, or sends its request slowly, must not keep the others out. */
#define SERVER_MAX_CONNECTIONS 4000u /* at once, from everyone (bounded by descriptors) */
#define SERVER_PER_ADDRESS     64u   /* at once from one address; 0: no limit */
#define SERVER_REQUEST_TIMEOUT 10u   /* seconds for a request's headers and body to arrive */
/* …plus a second for each BODY_MIN_RATE bytes of the body it declares. */
#define SERVER_BODY_MIN_RATE 16384u

struct server_config {
	const char *listen;	  /* IPv4 address to bind, e.g. 127.0.0.1 */
	uint16_t port;		  /* 0: any free port */
	unsigned threads;	  /* N: a pool of N threads; 0: a thread per connection */
	unsigned max_connections; /* at once; fewer if the descriptors do not suffice */
	unsigned per_address;	  /* at once from one client address; 0: no limit */
	/* Seconds from a connection's start, or the end of its previous answer, until the request's
	 * headers and body have arrived (plus the body's allowance); then it is closed. */
	unsigned request_timeout;
	struct api_config api;
	/* The 1177 contracts' listener (rivta/) instead of the API and pages: HTTPS (PEM texts of the
	 * server's certificate and key) where a client must show a certificate issued by the CA of
	 * client_ca (mutual TLS); without one, or with another, it gets 403 and nothing else. */
	bool rivta;
	const char *tls_cert, *tls_key, *tls_client_ca;
};

struct server;

LMN_MUST_USE enum lmn_rc server_start(const struct server_config *cfg, struct db *db,
				      const struct params *params, struct server **out,
				      struct lmn_err *err);
uint16_t server_port(const struct server *s);
/* Begins to drain (lmn serve's SIGTERM): no new connections from now on (they are refused), every
 * request begun is answered, each answer closes its connection (Connection: close), and kept-alive
 * connections that wait for their next request are closed. */
void server_drain(struct server *s);
/* The connections still open: the drain is done when none are. */
unsigned server_connections(struct server *s);
/* Stops: waits for the requests held (their commits), cuts any other connection. */
void server_stop(struct server *s);

#endif
