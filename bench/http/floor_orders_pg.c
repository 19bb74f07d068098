/* bench/http on PostgreSQL: the floors for durable order placements and for reads of a patient's
 * order list. A placement writes the rows lmn's does (the order, its line, the prescription item's
 * new count and date, the access-log row); a read reads the list lmn's does (the patient's 50
 * newest orders) and writes its access-log row. With libpq directly: no HTTP, no JSON, no rule
 * engine, no sign-in; one transaction each, committed durably (the cluster's synchronous_commit).
 * CONNECTIONS threads each work on a connection of their own, as many as the server's load has,
 * so that PostgreSQL's commits are shared the same way (one flush of its log for the commits
 * waiting at that moment). Their transactions take no lock of lmn's.
 *
 * Usage: floor_orders_pg CONNINFO TARGETS SECONDS CONNECTIONS [reads] */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/orders.h"

#define MAX_SAMPLES	4000000
#define MAX_CONNECTIONS 256

struct target {
	int64_t patient, item;
};

static struct target *targets;
static size_t ntargets;
static const char *conninfo;
static uint64_t *samples;
static atomic_uint_fast64_t taken; /* orders started, and samples[] slots */
static uint64_t end_ns;
static char user[24], now[32], day[11];
static atomic_int failed;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The statements of a placement's writes, as src/api/orders.c and src/api/access.c write them;
 * an order's parameter N is its column N + 1 (enum order_col), the id being the identity's. */
enum { S_PATIENT, S_ORDER, S_LINE, S_ITEM, S_ACCESS, S_LIST, S_READ, S__COUNT };
static const char *const sql[S__COUNT] = {
	[S_PATIENT] = "SELECT address, postal_code, city, coalesce(phone, '') FROM patients "
		      "WHERE id = $1",
	[S_ORDER] =
		"INSERT INTO orders (" ORDERS_INSERT_COLUMNS ") VALUES (DEFAULT, $1, $2, $3, "
		"$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
		"$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, "
		"$37) RETURNING id",
	[S_LINE] = "INSERT INTO order_lines (" ORDER_LINES_INSERT_COLUMNS ") VALUES (DEFAULT, $1, "
		   "(SELECT article_id FROM prescription_items WHERE id = $2), $2, 1, NULL, 0, 0)",
	[S_ITEM] = "UPDATE prescription_items SET withdrawals_remaining = withdrawals_remaining - "
		   "1, next_earliest = $2 WHERE id = $1",
	[S_ACCESS] = "INSERT INTO access_log (at, user_id, role, patient_id, action, what) VALUES "
		     "($1, $2, 'customer_service', $3, 'create', 'beställning')",
	/* A read's, as src/store/orders.c (orders_of_patient_each) and src/api/access.c. */
	[S_LIST] = "SELECT o.id, o.kind, o.channel, o.received_at, o.due, o.contact_from, "
		   "o.status, o.delivery_method, o.lines FROM orders o "
		   "WHERE o.patient_id = $1 AND o.id < $2 ORDER BY o.id DESC LIMIT $3",
	[S_READ] = "INSERT INTO access_log (at, user_id, role, patient_id, action, what) VALUES "
		   "($1, $2, 'customer_service', $3, 'read', 'beställningar')",
};

static bool reads; /* the floor of reads rather than of placements */

/* The transactions take no lock, so two of them may file the access log at once (migration 12's
 * trigger, every 16 384 entries) and one of them fail on the other's rows: it is run again. */
static _Thread_local bool lost_race;
static atomic_uint_fast64_t retried;

/* Runs a command or a prepared statement; false (and says why) unless its status is want. */
static bool run(PGconn *pg, PGresult *res, ExecStatusType want, PGresult **keep)
{
	bool ok = PQresultStatus(res) == want;
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	lost_race = !ok && state && strcmp(state, "23505") == 0;
	if (!ok && !lost_race)
		fprintf(stderr, "floor_orders_pg: %s", PQerrorMessage(pg));
	if (ok && keep)
		*keep = res;
	else
		PQclear(res);
	return ok;
}

static bool exec_prepared(PGconn *pg, int s, int n, const char *const *v, ExecStatusType want,
			  PGresult **keep)
{
	char name[8];

	snprintf(name, sizeof(name), "f%d", s);
	return run(pg, PQexecPrepared(pg, name, n, v, NULL, NULL, 0), want, keep);
}

/* One order in one transaction. */
static bool place(PGconn *pg, const struct target *t, uint64_t seq)
{
	char patient[24], item[24], order[24], key[64];
	const char *ov[ORDERS_COLUMN_COUNT - 1] = { 0 };
	PGresult *res = NULL;
	const char *address = "", *postal = "", *city = "", *phone = "";

	snprintf(patient, sizeof(patient), "%lld", (long long)t->patient);
	snprintf(item, sizeof(item), "%lld", (long long)t->item);
	snprintf(key, sizeof(key), "floor-%llu-%llu", (unsigned long long)now_ns(),
		 (unsigned long long)seq);
	if (!run(pg, PQexec(pg, "BEGIN"), PGRES_COMMAND_OK, NULL) ||
	    !exec_prepared(pg, S_PATIENT, 1, (const char *[]){ patient }, PGRES_TUPLES_OK, &res))
		goto fail;
	if (PQntuples(res) == 1) {
		address = PQgetvalue(res, 0, 0);
		postal = PQgetvalue(res, 0, 1);
		city = PQgetvalue(res, 0, 2);
		phone = PQgetvalue(res, 0, 3);
	}
#define COL(name) ov[ORDER_COL_##name - 2]
	COL(PATIENT_ID) = patient;
	COL(KIND) = "normal";
	COL(CHANNEL) = "customer_service";
	COL(REQUESTED_BY) = "patient";
	COL(ENTERED_BY) = "customer_service";
	COL(ENTERED_BY_USER) = user;
	COL(REASON) = "Patienten ringde (benchmark)";
	COL(RECEIVED_AT) = now;
	COL(RECEIVED_DAY) = day;
	COL(DUE) = day; /* a due date's length */
	COL(CONTACT_FROM) = day;
	COL(RULES) = "B3:1@2018-05-01 B3:6@2018-05-01 ordering@2024-10-24";
	COL(DELIVERY_METHOD) = "home";
	COL(DELIVERY_ADDRESS) = address;
	COL(DELIVERY_POSTAL_CODE) = postal;
	COL(DELIVERY_CITY) = city;
	COL(DELIVERY_PHONE) = phone;
	COL(IDEMPOTENCY_KEY) = key;
	COL(IDEMPOTENCY_USER) = user;
	COL(STATUS) = "received";
	COL(LINES) = "0";
#undef COL
	{
		PGresult *ins = NULL;
		bool ok = exec_prepared(pg, S_ORDER, ORDERS_COLUMN_COUNT - 1, ov, PGRES_TUPLES_OK,
					&ins);

		PQclear(res);
		res = NULL;
		if (!ok)
			goto fail;
		snprintf(order, sizeof(order), "%s", PQgetvalue(ins, 0, 0));
		PQclear(ins);
	}
	if (!exec_prepared(pg, S_LINE, 2, (const char *[]){ order, item }, PGRES_COMMAND_OK,
			   NULL) ||
	    !exec_prepared(pg, S_ITEM, 2, (const char *[]){ item, day }, PGRES_COMMAND_OK, NULL) ||
	    !exec_prepared(pg, S_ACCESS, 3, (const char *[]){ now, user, patient },
			   PGRES_COMMAND_OK, NULL))
		goto fail;
	return run(pg, PQexec(pg, "COMMIT"), PGRES_COMMAND_OK, NULL);
fail:
	PQclear(res);
	PQclear(PQexec(pg, "ROLLBACK"));
	return false;
}

/* One read of a patient's order list, and its access-log row, in one transaction. */
static bool read_list(PGconn *pg, const struct target *t)
{
	char patient[24];

	snprintf(patient, sizeof(patient), "%lld", (long long)t->patient);
	if (run(pg, PQexec(pg, "BEGIN"), PGRES_COMMAND_OK, NULL) &&
	    exec_prepared(pg, S_LIST, 3, (const char *[]){ patient, "9223372036854775807", "50" },
			  PGRES_TUPLES_OK, NULL) &&
	    exec_prepared(pg, S_READ, 3, (const char *[]){ now, user, patient }, PGRES_COMMAND_OK,
			  NULL))
		return run(pg, PQexec(pg, "COMMIT"), PGRES_COMMAND_OK, NULL);
	PQclear(PQexec(pg, "ROLLBACK"));
	return false;
}

static void *worker(void *arg)
{
	PGconn *pg = PQconnectdb(conninfo);
	uint64_t n, t = now_ns();
	char name[8];

	(void)arg;
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "floor_orders_pg: %s", PQerrorMessage(pg));
		goto fail;
	}
	for (int s = 0; s < S__COUNT; s++) {
		snprintf(name, sizeof(name), "f%d", s);
		if (!run(pg, PQprepare(pg, name, sql[s], 0, NULL), PGRES_COMMAND_OK, NULL))
			goto fail;
	}
	while (t < end_ns && (n = atomic_fetch_add(&taken, 1)) < MAX_SAMPLES) {
		uint64_t a = t;

		const struct target *tg = &targets[(n * 7919) % ntargets];

		bool ok;
		int tries = 0;

		while (!(ok = reads ? read_list(pg, tg) : place(pg, tg, n)) && lost_race &&
		       ++tries < 5)
			atomic_fetch_add(&retried, 1);
		if (!ok)
			goto fail;
		t = now_ns();
		samples[n] = t - a;
	}
	PQfinish(pg);
	return NULL;
fail:
	atomic_store(&failed, 1);
	PQfinish(pg);
	return NULL;
}

static bool read_targets(const char *path)
{
	size_t cap = 0;
	long long p, i;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return false;
	}
	while (fscanf(f, "%lld %lld", &p, &i) == 2) {
		if (ntargets == cap) {
			struct target *nt;

			cap = cap ? cap * 2 : 4096;
			if (!(nt = realloc(targets, cap * sizeof(*nt)))) {
				fclose(f);
				return false;
			}
			targets = nt;
		}
		targets[ntargets].patient = p;
		targets[ntargets++].item = i;
	}
	fclose(f);
	return ntargets > 0;
}

/* The user the server's load signs in as, kundtjänst. */
static bool find_user(void)
{
	PGconn *pg = PQconnectdb(conninfo);
	PGresult *res;
	bool ok;

	res = PQexec(pg, "SELECT id FROM users WHERE username = 'kundtjanst'");
	ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	if (ok)
		snprintf(user, sizeof(user), "%s", PQgetvalue(res, 0, 0));
	else
		fprintf(stderr, "floor_orders_pg: %s", PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	return ok;
}

int main(int argc, char **argv)
{
	pthread_t threads[MAX_CONNECTIONS];
	const char *fixed = getenv("LMN_NOW");
	uint64_t t0, t1, n;
	double secs;
	char *stop;
	long nconn;
	int started = 0;

	if (argc == 6 && strcmp(argv[5], "reads") == 0) {
		reads = true;
		argc--;
	}
	if (argc != 5 || (secs = strtod(argv[3], &stop), *stop || secs <= 0) ||
	    (nconn = strtol(argv[4], &stop, 10), *stop || nconn < 1 || nconn > MAX_CONNECTIONS)) {
		fprintf(stderr,
			"usage: floor_orders_pg CONNINFO TARGETS SECONDS CONNECTIONS [reads]\n");
		return 2;
	}
	conninfo = argv[1];
	if (!read_targets(argv[2]) || !(samples = malloc(MAX_SAMPLES * sizeof(*samples))) ||
	    !find_user())
		return 1;
	/* The benchmark's clock: LMN_NOW as the server reads it (only the date part matters). */
	snprintf(now, sizeof(now), "%.16s:00+01:00",
		 fixed && strlen(fixed) >= 16 ? fixed : "2026-11-23T10:00");
	snprintf(day, sizeof(day), "%.10s", now);

	t0 = now_ns();
	end_ns = t0 + (uint64_t)(secs * 1e9);
	for (; started < nconn; started++)
		if (pthread_create(&threads[started], NULL, worker, NULL) != 0)
			break;
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	t1 = now_ns();
	n = atomic_load(&taken);
	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	if (atomic_load(&failed) || started < nconn || n == 0) {
		fprintf(stderr, "floor_orders_pg: failed\n");
		return 1;
	}
	qsort(samples, n, sizeof(*samples), cmp_u64);
	secs = (double)(t1 - t0) / 1e9;
	printf("floor (libpq directly, %ld connections, durable commits): %llu %s in %.1f s, "
	       "%.0f/s; ms p50 %.3f p99 %.3f max %.3f\n",
	       nconn, (unsigned long long)n, reads ? "reads" : "orders", secs, (double)n / secs,
	       (double)samples[n / 2] / 1e6, (double)samples[n * 99 / 100] / 1e6,
	       (double)samples[n - 1] / 1e6);
	if (atomic_load(&retried))
		printf("(%llu run again after a duplicate key in the access log's filing)\n",
		       (unsigned long long)atomic_load(&retried));
	printf("RESULT kind=%s connections=%ld answers=%llu secs=%.1f rps=%.0f p50=%.3f "
	       "p99=%.3f max=%.3f\n",
	       reads ? "floor-pg-reads" : "floor-pg", nconn, (unsigned long long)n, secs,
	       (double)n / secs, (double)samples[n / 2] / 1e6, (double)samples[n * 99 / 100] / 1e6,
	       (double)samples[n - 1] / 1e6);
	free(samples);
	free(targets);
	return 0;
}
