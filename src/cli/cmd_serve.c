/* lmn serve: open (create and migrate) the database, load the rules and serve HTTP until a signal. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <sodium.h>

#include "cli/cli.h"
#include "api/api.h"
#include "api/minutes_pdf.h"
#include "http/server.h"
#include "store/db.h"
#include "store/rules_files.h"
#include "store/rules_store.h"

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return false;
	*out = v;
	return true;
}

/* Whether addr is an IPv4 loopback address (127.0.0.0/8). */
static bool loopback(const char *addr)
{
	struct in_addr a;

	return inet_pton(AF_INET, addr, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/* Threads of the pool by default: on two cores, 8 to 16 answered the most reads and placements
 * of bench/http (bench/README.md); more serve the requests that wait for a commit themselves. */
#define SERVE_THREADS 8

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "rules", required_argument, NULL, 'r' },
		{ "trusted-proxy-header", required_argument, NULL, 'H' },
		{ "secure-cookies", no_argument, NULL, 'S' },
		{ "session-idle", required_argument, NULL, 'I' },
		{ "max-connections", required_argument, NULL, 'C' },
		{ "connections-per-address", required_argument, NULL, 'A' },
		{ "request-timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	/* A pool of SERVE_THREADS threads by default, which hold a connection while its write is
	 * made durable (http/server.c); --threads 0 gives each connection a thread of its own. */
	struct server_config cfg = { .listen = "127.0.0.1", .port = 8080, .threads = SERVE_THREADS,
				     .max_connections = SERVER_MAX_CONNECTIONS,
				     .request_timeout = SERVER_REQUEST_TIMEOUT };
	bool per_address_given = false;
	const char *db_path = "var/lmn.db", *rules = NULL;
	struct rules_live *live = NULL;
	struct db *db = NULL;
	struct server *srv = NULL;
	struct lmn_err err;
	sigset_t set;
	unsigned long v;
	int c, sig = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'r': rules = optarg; break;
		case 'H': cfg.api.proxy_user_header = optarg; break;
		case 'S': cfg.api.secure_cookies = true; break;
		case 'p':
			if (!parse_uint(optarg, 65535, &v)) {
				cli_error("--port: expected 0–65535, got '%s'", optarg);
				return EXIT_USAGE;
			}
			cfg.port = (uint16_t)v;
			break;
		case 'I':
			if (!parse_uint(optarg, 12 * 3600, &v) || v == 0) {
				cli_error("--session-idle: expected seconds, 1–43200, got '%s'", optarg);
				return EXIT_USAGE;
			}
			cfg.api.session_idle_s = (int)v;
			break;
		case 't':
			if (!parse_uint(optarg, 256, &v)) {
				cli_error("--threads: expected 0 (a thread per connection) or 1–256, "
					  "got '%s'", optarg);
				return EXIT_USAGE;
			}
			cfg.threads = (unsigned)v;
			break;
		case 'C':
			if (!parse_uint(optarg, 1000000, &v) || v == 0) {
				cli_error("--max-connections: expected 1–1000000, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cfg.max_connections = (unsigned)v;
			break;
		case 'A':
			if (!parse_uint(optarg, 1000000, &v)) {
				cli_error("--connections-per-address: expected 0 (no limit) or "
					  "1–1000000, got '%s'", optarg);
				return EXIT_USAGE;
			}
			cfg.per_address = (unsigned)v;
			per_address_given = true;
			break;
		case 'T':
			if (!parse_uint(optarg, 3600, &v) || v == 0) {
				cli_error("--request-timeout: expected 1–3600 seconds, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cfg.request_timeout = (unsigned)v;
			break;
		default:
			cli_error("usage: lmn serve [--db PATH] [--port N] [--listen ADDR] [--threads N] "
				  "[--rules DIR] [--trusted-proxy-header NAME] [--secure-cookies] "
				  "[--session-idle SECONDS] [--max-connections N] "
				  "[--connections-per-address N] [--request-timeout SECONDS]");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("serve: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	/* The header names the user: whoever can reach the port without passing the proxy could
	 * sign in as anyone. Only the proxy on the same machine may reach it (review L7). */
	if (cfg.api.proxy_user_header && !loopback(cfg.listen)) {
		cli_error("--trusted-proxy-header: lmn must then listen on a loopback address "
			  "(127.0.0.1, or 127.x.x.x), behind the proxy on the same machine; "
			  "--listen is '%s', from where anyone could send the header and sign in "
			  "as any user", cfg.listen);
		return EXIT_USAGE;
	}
	/* Behind the proxy every connection comes from its address: a limit per address would
	 * hold all users to it together. The proxy limits its clients instead. */
	if (!per_address_given)
		cfg.per_address = cfg.api.proxy_user_header ? 0 : SERVER_PER_ADDRESS;
	if (sodium_init() < 0) {
		cli_error("libsodium cannot start");
		return 1;
	}
	/* A connection is a descriptor (and, with a thread per connection, a thread): as many as
	 * the system lets this process have, not the usual 1 024. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &nofile);
	}
	if (db_open(db_path, &db, &err) != LMN_OK) {
		cli_error("%s", err.message);
		return 1;
	}
	/* The server writes from now on: its log is overwritten rather than appended to (db.h). A
	 * disk without room for it is no reason not to serve. */
	if (db_size_log(db, &err) != LMN_OK)
		fprintf(stderr, "lmn: %s (serving all the same)\n", err.message);
	/* The rule files plus the change log's rule versions; a decision recorded through the API
	 * swaps in a new set without a restart. */
	if (rules_live_open(rules ? rules : rules_files_default_dir(), db, &live, &err) != LMN_OK) {
		cli_error("%s", err.message);
		db_close(db);
		return 1;
	}
	cfg.api.rules = live;
	/* Block the stop signals before the server's threads start, then wait for one. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* The background jobs, their thread with the signals blocked too: the day's contact cases
	 * are open before the first request. */
	if (jobs_start(db, live, &err) != LMN_OK) {
		cli_error("%s", err.message);
		rules_live_close(live);
		db_close(db);
		return 1;
	}
	if (server_start(&cfg, db, rules_live_get(live), &srv, &err) != LMN_OK) {
		cli_error("%s", err.message);
		jobs_stop();
		rules_live_close(live);
		db_close(db);
		return 1;
	}
	printf("lmn: serving http://%s:%u/ (database %s)\n", cfg.listen, server_port(srv), db_path);
	fflush(stdout);
	sigwait(&set, &sig);
	printf("lmn: stopping (signal %d)\n", sig);
	server_stop(srv);
	jobs_stop();
	imports_drain();
	minutes_pdf_shutdown();
	rules_live_close(live);
	db_close(db);
	return 0;
}
