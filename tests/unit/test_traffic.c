/* Tests api/traffic.c: the 1177 contracts' counts of a process are written to the store
 * (rivta_traffic) by its thread, and read back summed with the other servers'; the counts of a day
 * that ended before they were written are written all the same. On both engines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>

#include "api/api.h"
#include "store/db.h"
#include "store/rivta_traffic.h"
#include "store_fixture.h"

static struct db *db;
static struct db_conn *c;
static struct lmn_err err;

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : store_fixture_open("traffic", &db, &c);
}

static int teardown(void **state)
{
	(void)state;
	return store_fixture_close(db, c);
}

static lmn_day day(const char *iso)
{
	lmn_day d = 0;

	assert_int_equal(date_parse(iso, 10, &d), LMN_OK);
	return d;
}

/* The calls written for day, all servers, as "interaction version outcome calls; …". */
static const char *written(const char *iso)
{
	static char out[512];
	struct db_stmt *st;
	bool row;
	size_t n = 0;

	out[0] = '\0';
	assert_int_equal(db_prepare(c,
				    "SELECT interaction, version, outcome, sum(calls) FROM "
				    "rivta_traffic WHERE day = $1 GROUP BY interaction, version, "
				    "outcome ORDER BY interaction, version, outcome",
				    &st, &err),
			 LMN_OK);
	db_bind_text(st, 1, iso);
	while (db_step(st, &row, &err) == LMN_OK && row)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s %lld %s %lld", n ? "; " : "",
				      db_col_text(st, 0), (long long)db_col_int(st, 1),
				      db_col_text(st, 2), (long long)db_col_int(st, 3));
	db_done(st);
	return out;
}

static void test_written_and_summed(void **state)
{
	struct traffic_day t;

	(void)state;
	/* Another server's calls of the day, as it wrote them. */
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(rivta_traffic_set(c, "2026-11-23", "other:1:00000000",
					   "GetMedicalSupplyPrescriptions", 1, "ok", 5, &err),
			 LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(traffic_start(db, &err), LMN_OK);
	traffic_count(day("2026-11-22"), MS_GET_PRESCRIPTIONS, 1, TRAFFIC_OK);
	traffic_count(day("2026-11-22"), MS_REGISTER_ORDER, 2, TRAFFIC_ERROR);
	/* The day ends before the thread wrote them. */
	traffic_count(day("2026-11-23"), MS_GET_PRESCRIPTIONS, 1, TRAFFIC_OK);
	traffic_count(day("2026-11-23"), MS_GET_DELIVERY_POINTS, 2, TRAFFIC_FAULT);
	assert_int_equal(traffic_get(c, day("2026-11-23"), &t, &err), LMN_OK);
	assert_int_equal(t.n[MS_GET_PRESCRIPTIONS][0][TRAFFIC_OK], 6);
	assert_int_equal(t.n[MS_GET_DELIVERY_POINTS][1][TRAFFIC_FAULT], 1);
	assert_int_equal(t.n[MS_REGISTER_ORDER][1][TRAFFIC_ERROR], 0);
	traffic_stop(); /* writes what it has not */
	assert_string_equal(written("2026-11-22"), "GetMedicalSupplyPrescriptions 1 ok 1; "
						   "RegisterMedicalSupplyOrder 2 error 1");
	assert_string_equal(written("2026-11-23"), "GetMedicalSupplyDeliveryPoints 2 fault 1; "
						   "GetMedicalSupplyPrescriptions 1 ok 6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_and_summed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
