/* lmn serve: open (create and migrate) the database, load the rules and serve HTTP until a signal. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "api/api.h"
#include "api/minutes_pdf.h"
#include "http/server.h"
#include "store/db.h"
#include "store/rules_files.h"
#include "store/rules_store.h"
#include "util/buf.h"

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

/* Reads a PEM file whole (a few kilobytes); NULL with the reason printed. */
static char *read_pem(const char *option, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (!f) {
		cli_error("%s: cannot open '%s': %s", option, path, strerror(errno));
		return NULL;
	}
	buf_init(&b, 1u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f) || b.failed || b.len == 0 || !strstr(b.data, "-----BEGIN ")) {
		cli_error("%s: '%s' is not a PEM file", option, path);
		fclose(f);
		buf_release(&b);
		return NULL;
	}
	fclose(f);
	return buf_detach(&b, &n);
}

/* Threads of the pool by default: on two cores, 8 to 16 answered the most reads and placements
 * of bench/http (bench/README.md); more serve the requests that wait for a commit themselves. */
#define SERVE_THREADS 8

/* Seconds a stop signal leaves the requests in progress by default (--drain-timeout). */
#define DRAIN_TIMEOUT 30

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* SIGTERM or SIGINT: the listeners drain (http/server.h) for at most timeout seconds, or until
 * a second signal; what is still open then is cut. */
static void drain(struct server *srv, struct server *rsrv, const sigset_t *set, int sig,
		  unsigned timeout)
{
	const struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000000L };
	struct timespec t0;
	unsigned open = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	server_drain(srv);
	server_drain(rsrv);
	/* Said once new connections are refused. */
	printf("lmn: draining (signal %d, for at most %u s)\n", sig, timeout);
	fflush(stdout);
	while ((open = server_connections(srv) + server_connections(rsrv)) > 0) {
		if (seconds_since(&t0) >= (double)timeout) {
			fprintf(stderr,
				"lmn: %u connections still open after --drain-timeout %u s: "
				"closed unanswered\n",
				open, timeout);
			return;
		}
		if ((sig = sigtimedwait(set, NULL, &tick)) > 0) {
			fprintf(stderr,
				"lmn: signal %d while draining: %u connections closed "
				"unanswered\n",
				sig, open);
			return;
		}
	}
	printf("lmn: drained in %.1f s\n", seconds_since(&t0));
}

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
		{ "rivta-port", required_argument, NULL, 'R' },
		{ "rivta-cert", required_argument, NULL, 'c' },
		{ "rivta-key", required_argument, NULL, 'k' },
		{ "rivta-client-ca", required_argument, NULL, 'a' },
		{ "logical-address", required_argument, NULL, 'L' },
		{ "smtp-url", required_argument, NULL, 'm' },
		{ "mail-from", required_argument, NULL, 'f' },
		{ "sms-url", required_argument, NULL, 's' },
		{ "notice-retry", required_argument, NULL, 'y' },
		{ "notice-attempts", required_argument, NULL, 'n' },
		{ "notice-lease", required_argument, NULL, 'e' },
		{ "drain-timeout", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	/* A pool of SERVE_THREADS threads by default, which hold a connection while its write is
	 * made durable (http/server.c); --threads 0 gives each connection a thread of its own. */
	struct server_config cfg = { .listen = "127.0.0.1",
				     .port = 8080,
				     .threads = SERVE_THREADS,
				     .max_connections = SERVER_MAX_CONNECTIONS,
				     .request_timeout = SERVER_REQUEST_TIMEOUT };
	/* Notices (issue 20): a first retry after a minute, doubled each time, ten attempts (about
	 * a day and a half in all, the waits capped at six hours). */
	/* A server's claim of the notices it sends outlasts a batch of 16 at 20 s each. */
	struct notices_config ncfg = { .retry_s = 60, .max_attempts = 10, .lease_s = 600 };
	bool per_address_given = false;
	unsigned drain_timeout = DRAIN_TIMEOUT;
	const char *db_path = "var/lmn.db", *rules = NULL;
	/* The 1177 contracts' listener (--rivta-port): its PEM files. */
	const char *rivta_files[3] = { NULL, NULL, NULL };
	char *rivta_pem[3] = { NULL, NULL, NULL };
	long rivta_port = -1;
	struct server_config rcfg;
	struct server *rsrv = NULL;
	int rc = 1;
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
		case 'd':
			db_path = optarg;
			break;
		case 'l':
			cfg.listen = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 'H':
			cfg.api.proxy_user_header = optarg;
			break;
		case 'S':
			cfg.api.secure_cookies = true;
			break;
		case 'p':
			if (!parse_uint(optarg, 65535, &v)) {
				cli_error("--port: expected 0–65535, got '%s'", optarg);
				return EXIT_USAGE;
			}
			cfg.port = (uint16_t)v;
			break;
		case 'I':
			if (!parse_uint(optarg, 12 * 3600, &v) || v == 0) {
				cli_error("--session-idle: expected seconds, 1–43200, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cfg.api.session_idle_s = (int)v;
			break;
		case 't':
			if (!parse_uint(optarg, 256, &v)) {
				cli_error(
					"--threads: expected 0 (a thread per connection) or 1–256, "
					"got '%s'",
					optarg);
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
					  "1–1000000, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cfg.per_address = (unsigned)v;
			per_address_given = true;
			break;
		case 'R':
			if (!parse_uint(optarg, 65535, &v)) {
				cli_error("--rivta-port: expected 0–65535, got '%s'", optarg);
				return EXIT_USAGE;
			}
			rivta_port = (long)v;
			break;
		case 'c':
			rivta_files[0] = optarg;
			break;
		case 'k':
			rivta_files[1] = optarg;
			break;
		case 'a':
			rivta_files[2] = optarg;
			break;
		case 'L':
			cfg.api.logical_address = optarg;
			break;
		case 'm':
			if (strncmp(optarg, "smtp://", 7) != 0 &&
			    strncmp(optarg, "smtps://", 8) != 0) {
				cli_error(
					"--smtp-url: expected smtp://host:port or smtps://host:port, "
					"got '%s'",
					optarg);
				return EXIT_USAGE;
			}
			ncfg.smtp_url = optarg;
			break;
		case 'f':
			ncfg.mail_from = optarg;
			break;
		case 's':
			if (strncmp(optarg, "http://", 7) != 0 &&
			    strncmp(optarg, "https://", 8) != 0) {
				cli_error(
					"--sms-url: expected an http:// or https:// URL, got '%s'",
					optarg);
				return EXIT_USAGE;
			}
			ncfg.sms_url = optarg;
			break;
		case 'y':
			if (!parse_uint(optarg, 86400, &v) || v == 0) {
				cli_error("--notice-retry: expected seconds, 1–86400, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			ncfg.retry_s = (int)v;
			break;
		case 'n':
			if (!parse_uint(optarg, 100, &v) || v == 0) {
				cli_error("--notice-attempts: expected 1–100, got '%s'", optarg);
				return EXIT_USAGE;
			}
			ncfg.max_attempts = (int)v;
			break;
		case 'e':
			if (!parse_uint(optarg, 86400, &v) || v < 5) {
				cli_error("--notice-lease: expected seconds, 5–86400, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			ncfg.lease_s = (int)v;
			break;
		case 'D':
			if (!parse_uint(optarg, 3600, &v)) {
				cli_error("--drain-timeout: expected 0–3600 seconds, got '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			drain_timeout = (unsigned)v;
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
			cli_error(
				"usage: lmn serve [--db PATH] [--port N] [--listen ADDR] [--threads N] "
				"[--rules DIR] [--trusted-proxy-header NAME] [--secure-cookies] "
				"[--session-idle SECONDS] [--max-connections N] "
				"[--connections-per-address N] [--request-timeout SECONDS] "
				"[--rivta-port N --rivta-cert FILE --rivta-key FILE "
				"--rivta-client-ca FILE --logical-address HSAID] "
				"[--smtp-url URL --mail-from ADDRESS] [--sms-url URL] "
				"[--notice-retry SECONDS] [--notice-attempts N] "
				"[--notice-lease SECONDS] "
				"[--drain-timeout SECONDS]");
			return EXIT_USAGE;
		}
	}
	/* The contracts' listener needs all of its settings, or none. */
	if ((rivta_port >= 0) != (rivta_files[0] && rivta_files[1] && rivta_files[2] &&
				  cfg.api.logical_address) ||
	    (rivta_port < 0 &&
	     (rivta_files[0] || rivta_files[1] || rivta_files[2] || cfg.api.logical_address))) {
		cli_error(
			"the 1177 contracts' listener needs --rivta-port, --rivta-cert, --rivta-key, "
			"--rivta-client-ca and --logical-address together");
		return EXIT_USAGE;
	}
	if (rivta_port >= 0) {
		static const char *const opts[3] = { "--rivta-cert", "--rivta-key",
						     "--rivta-client-ca" };
		for (int i = 0; i < 3; i++)
			if (!(rivta_pem[i] = read_pem(opts[i], rivta_files[i]))) {
				free(rivta_pem[0]);
				free(rivta_pem[1]);
				return EXIT_USAGE;
			}
	}
	if (optind != argc) {
		cli_error("serve: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (ncfg.smtp_url && (!ncfg.mail_from || !*ncfg.mail_from || strchr(ncfg.mail_from, '\r') ||
			      strchr(ncfg.mail_from, '\n'))) {
		cli_error(
			"--smtp-url needs --mail-from, the sender's address (noreply@example.se)");
		return EXIT_USAGE;
	}
	/* The header names the user: whoever can reach the port without passing the proxy could
	 * sign in as anyone. Only the proxy on the same machine may reach it (review L7). */
	if (cfg.api.proxy_user_header && !loopback(cfg.listen)) {
		cli_error("--trusted-proxy-header: lmn must then listen on a loopback address "
			  "(127.0.0.1, or 127.x.x.x), behind the proxy on the same machine; "
			  "--listen is '%s', from where anyone could send the header and sign in "
			  "as any user",
			  cfg.listen);
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
	/* The 1177 contracts' traffic, written for the administration's page of every server. */
	if (traffic_start(db, &err) != LMN_OK) {
		cli_error("%s", err.message);
		goto out;
	}
	/* Notices wait in the outbox without a relay or gateway: not lost, sent once there is one. */
	if (notices_start(db, &ncfg, &err) != LMN_OK) {
		cli_error("%s", err.message);
		goto out;
	}
	if (!ncfg.smtp_url || !ncfg.sms_url)
		fprintf(stderr, "lmn: notices by %s stay queued (no %s)\n",
			!ncfg.smtp_url && !ncfg.sms_url ? "e-mail and SMS"
			: !ncfg.smtp_url		? "e-mail"
							: "SMS",
			!ncfg.smtp_url && !ncfg.sms_url ? "--smtp-url, --sms-url"
			: !ncfg.smtp_url		? "--smtp-url"
							: "--sms-url");
	if (server_start(&cfg, db, rules_live_get(live), &srv, &err) != LMN_OK) {
		cli_error("%s", err.message);
		goto out;
	}
	if (rivta_port >= 0) {
		rcfg = cfg;
		rcfg.port = (uint16_t)rivta_port;
		rcfg.rivta = true;
		/* The same threads as the web's: a look-up's connection is held while its access-log
		 * entry becomes durable (api_write), an order waits on its thread. */
		rcfg.tls_cert = rivta_pem[0];
		rcfg.tls_key = rivta_pem[1];
		rcfg.tls_client_ca = rivta_pem[2];
		if (server_start(&rcfg, db, rules_live_get(live), &rsrv, &err) != LMN_OK) {
			cli_error("--rivta-port: %s", err.message);
			goto out;
		}
	}
	printf("lmn: serving http://%s:%u/ (database %s)\n", cfg.listen, server_port(srv), db_path);
	if (rsrv)
		printf("lmn: rivta on https://%s:%u/\n", cfg.listen, server_port(rsrv));
	fflush(stdout);
	sigwait(&set, &sig);
	/* An upgrade without downtime: the requests in progress are answered while a proxy sends
	 * the new ones to another server; then the background work stops. */
	drain(srv, rsrv, &set, sig, drain_timeout);
	rc = 0;
out:
	server_stop(rsrv);
	server_stop(srv);
	traffic_stop();
	notices_stop();
	jobs_stop();
	imports_drain();
	minutes_pdf_shutdown();
	rules_live_close(live);
	db_close(db);
	for (int i = 0; i < 3; i++)
		free(rivta_pem[i]);
	if (rc == 0)
		printf("lmn: stopped\n");
	return rc;
}
