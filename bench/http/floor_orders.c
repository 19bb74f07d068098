/* bench/http: the floor for durable order placements. The rows a placement writes (the order, its
 * line, the prescription item's new count and date, the access-log row), with SQLite directly from
 * one thread: no HTTP, no JSON, no rule engine; one transaction per order. Same connection pragmas
 * as the server's store (WAL, foreign keys); synchronous=FULL makes each COMMIT durable by itself
 * (an fsync of the log per order), which is how plain SQLite makes a commit durable.
 * --no-sync (synchronous=NORMAL, no fsync at commit) shows what the writes cost without durability;
 * it is not a durable mode and is shown only for comparison.
 *
 * Usage: floor_orders DB TARGETS SECONDS [--no-sync] */
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/orders.h"

#define MAX_SAMPLES 4000000

struct target {
	int64_t patient, item;
};

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

/* The statements of a placement's writes, as src/api/orders.c and src/api/access.c write them. */
enum { S_BEGIN, S_PATIENT, S_ORDER, S_LINE, S_ITEM, S_ACCESS, S_COMMIT, S__COUNT };
static const char *const sql[S__COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_PATIENT] = "SELECT address, postal_code, city, coalesce(phone, '') FROM patients "
		      "WHERE id = ?1",
	[S_ORDER] = "INSERT INTO orders (" ORDERS_INSERT_COLUMNS ") VALUES " ORDERS_ROW_PARAMS,
	[S_LINE] = "INSERT INTO order_lines (" ORDER_LINES_INSERT_COLUMNS ") VALUES (?1, ?2, "
		   "(SELECT article_id FROM prescription_items WHERE id = ?4), ?4, ?5, ?6, ?7, ?8)",
	[S_ITEM] =
		"UPDATE prescription_items SET withdrawals_remaining = withdrawals_remaining - 1, "
		"next_earliest = ?2 WHERE id = ?1",
	[S_ACCESS] = "INSERT INTO access_log (at, user_id, role, patient_id, action, what) "
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_COMMIT] = "COMMIT",
};

static bool step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "floor_orders: %s\n", sqlite3_errmsg(db));
	return rc == SQLITE_DONE;
}

/* One order in one transaction. */
static bool place(sqlite3 *db, sqlite3_stmt **st, const struct target *t, int64_t user,
		  const char *now, const char *day, uint64_t seq)
{
	char address[256] = "", postal[8] = "", city[64] = "", phone[32] = "", key[64];
	int64_t order;

	if (!step_done(db, st[S_BEGIN]))
		return false;
	sqlite3_bind_int64(st[S_PATIENT], 1, t->patient);
	if (sqlite3_step(st[S_PATIENT]) == SQLITE_ROW) {
		snprintf(address, sizeof(address), "%s", sqlite3_column_text(st[S_PATIENT], 0));
		snprintf(postal, sizeof(postal), "%s", sqlite3_column_text(st[S_PATIENT], 1));
		snprintf(city, sizeof(city), "%s", sqlite3_column_text(st[S_PATIENT], 2));
		snprintf(phone, sizeof(phone), "%s", sqlite3_column_text(st[S_PATIENT], 3));
	}
	sqlite3_reset(st[S_PATIENT]);
	snprintf(key, sizeof(key), "floor-%llu-%llu", (unsigned long long)now_ns(),
		 (unsigned long long)seq);
	sqlite3_bind_int64(st[S_ORDER], ORDER_COL_PATIENT_ID, t->patient);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_KIND, "normal", -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_CHANNEL, "customer_service", -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_REQUESTED_BY, "patient", -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_ENTERED_BY, "customer_service", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_ORDER], ORDER_COL_ENTERED_BY_USER, user);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_REASON, "Patienten ringde (benchmark)", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_RECEIVED_AT, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_RECEIVED_DAY, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_DUE, day, -1,
			  SQLITE_STATIC); /* a due date's length */
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_CONTACT_FROM, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_RULES,
			  "B3:1@2018-05-01 B3:6@2018-05-01 ordering@2024-10-24", -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_DELIVERY_METHOD, "home", -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_DELIVERY_ADDRESS, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_DELIVERY_POSTAL_CODE, postal, -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_DELIVERY_CITY, city, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_DELIVERY_PHONE, phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_IDEMPOTENCY_KEY, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st[S_ORDER], ORDER_COL_IDEMPOTENCY_USER, user);
	sqlite3_bind_text(st[S_ORDER], ORDER_COL_STATUS, "received", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_ORDER], ORDER_COL_LINES, 0);
	if (!step_done(db, st[S_ORDER]))
		goto fail;
	order = sqlite3_last_insert_rowid(db);
	sqlite3_bind_int64(st[S_LINE], 2, order);
	sqlite3_bind_int64(st[S_LINE], 4, t->item);
	sqlite3_bind_int64(st[S_LINE], 5, 1);
	sqlite3_bind_null(st[S_LINE], 6);
	sqlite3_bind_int64(st[S_LINE], 7, 0);
	sqlite3_bind_int64(st[S_LINE], 8, 0);
	if (!step_done(db, st[S_LINE]))
		goto fail;
	sqlite3_bind_int64(st[S_ITEM], 1, t->item);
	sqlite3_bind_text(st[S_ITEM], 2, day, -1, SQLITE_STATIC);
	if (!step_done(db, st[S_ITEM]))
		goto fail;
	sqlite3_bind_text(st[S_ACCESS], 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_ACCESS], 2, user);
	sqlite3_bind_text(st[S_ACCESS], 3, "customer_service", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[S_ACCESS], 4, t->patient);
	sqlite3_bind_text(st[S_ACCESS], 5, "create", -1, SQLITE_STATIC);
	sqlite3_bind_text(st[S_ACCESS], 6, "beställning", -1, SQLITE_STATIC);
	if (!step_done(db, st[S_ACCESS]))
		goto fail;
	return step_done(db, st[S_COMMIT]);
fail:
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return false;
}

int main(int argc, char **argv)
{
	struct target *targets = NULL;
	size_t ntargets = 0, cap = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st[S__COUNT] = { 0 };
	uint64_t *samples = NULL, n = 0, t0, t1, end;
	bool nosync = argc == 5 && strcmp(argv[4], "--no-sync") == 0;
	long long p, i;
	double secs;
	char *stop;
	int64_t user = 0;
	int status = 1;
	const char *fixed = getenv("LMN_NOW");
	char now[32], day[11];
	FILE *f;

	if ((argc != 4 && !nosync) || (secs = strtod(argv[3], &stop), *stop || secs <= 0)) {
		fprintf(stderr, "usage: floor_orders DB TARGETS SECONDS [--no-sync]\n");
		return 2;
	}
	if (!(f = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 1;
	}
	while (fscanf(f, "%lld %lld", &p, &i) == 2) {
		if (ntargets == cap) {
			struct target *nt;
			cap = cap ? cap * 2 : 4096;
			if (!(nt = realloc(targets, cap * sizeof(*nt)))) {
				fclose(f);
				goto out;
			}
			targets = nt;
		}
		targets[ntargets].patient = p;
		targets[ntargets++].item = i;
	}
	fclose(f);
	if (!ntargets || !(samples = malloc(MAX_SAMPLES * sizeof(*samples))))
		goto out;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		goto db_fail;
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(
		    db,
		    nosync ? "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL"
			   : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL",
		    NULL, NULL, NULL) != SQLITE_OK)
		goto db_fail;
	for (int s = 0; s < S__COUNT; s++)
		if (sqlite3_prepare_v3(db, sql[s], -1, SQLITE_PREPARE_PERSISTENT, &st[s], NULL) !=
		    SQLITE_OK)
			goto db_fail;
	{
		sqlite3_stmt *u;
		if (sqlite3_prepare_v2(db, "SELECT id FROM users WHERE username = 'kundtjanst'", -1,
				       &u, NULL) != SQLITE_OK)
			goto db_fail;
		if (sqlite3_step(u) == SQLITE_ROW)
			user = sqlite3_column_int64(u, 0);
		sqlite3_finalize(u);
	}
	/* The benchmark's clock: LMN_NOW as the server reads it (only the date part matters here). */
	snprintf(now, sizeof(now), "%.16s:00+01:00",
		 fixed && strlen(fixed) >= 16 ? fixed : "2026-11-23T10:00");
	snprintf(day, sizeof(day), "%.10s", now);

	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	for (t1 = t0; t1 < end && n < MAX_SAMPLES; n++) {
		uint64_t a = t1;
		if (!place(db, st, &targets[(n * 7919) % ntargets], user, now, day, n))
			goto out;
		t1 = now_ns();
		samples[n] = t1 - a;
	}
	qsort(samples, n, sizeof(*samples), cmp_u64);
	secs = (double)(t1 - t0) / 1e9;
	printf("floor (SQLite directly, one thread, %s): %llu orders in %.1f s, %.0f/s; "
	       "ms p50 %.3f p99 %.3f max %.3f\n",
	       nosync ? "synchronous=NORMAL, NOT durable" : "synchronous=FULL, durable",
	       (unsigned long long)n, secs, (double)n / secs, (double)samples[n / 2] / 1e6,
	       (double)samples[n * 99 / 100] / 1e6, (double)samples[n - 1] / 1e6);
	printf("RESULT kind=%s answers=%llu secs=%.1f rps=%.0f p50=%.3f p99=%.3f max=%.3f\n",
	       nosync ? "floor-nosync" : "floor", (unsigned long long)n, secs, (double)n / secs,
	       (double)samples[n / 2] / 1e6, (double)samples[n * 99 / 100] / 1e6,
	       (double)samples[n - 1] / 1e6);
	status = 0;
	goto out;
db_fail:
	fprintf(stderr, "floor_orders: %s: %s\n", argv[1], db ? sqlite3_errmsg(db) : "cannot open");
out:
	for (int s = 0; s < S__COUNT; s++)
		sqlite3_finalize(st[s]);
	sqlite3_close(db);
	free(samples);
	free(targets);
	return status;
}
