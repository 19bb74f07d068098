/* The HTTP server: libmicrohttpd, a pool of threads that hold a connection while its write becomes
 * durable (lmn serve's default), or a thread per connection. */
#ifndef LMN_SERVER_H
#define LMN_SERVER_H

#include <stdint.h>

#include "api/api.h"
#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

struct server_config {
	const char *listen; /* IPv4 address to bind, e.g. 127.0.0.1 */
	uint16_t port;      /* 0: any free port */
	unsigned threads;   /* N: a pool of N threads; 0: a thread per connection */
	struct api_config api;
};

struct server;

LMN_MUST_USE enum lmn_rc server_start(const struct server_config *cfg, struct db *db,
				      const struct params *params, struct server **out,
				      struct lmn_err *err);
uint16_t server_port(const struct server *s);
void server_stop(struct server *s);

#endif
