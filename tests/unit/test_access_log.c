/* Tests store/access_log (migration 14): a list view is one entry with its set of patients and one
 * batch row per patient; retention removes the oldest entries before the period and nothing
 * else, and the append-only triggers refuse every other delete. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/access_log.h"
#include "store/db.h"
#include "store_fixture.h"

#define NOW "2026-11-23T10:00:00+01:00"

static struct db *db;
static struct db_conn *c;
static struct lmn_err err;

/* A store of each engine (store_fixture.h): the log's statements and triggers are SQL of both. */
static int setup(void **state)
{
	(void)state;
	if (store_fixture_open("access_log", &db, &c) != 0)
		return -1;
	return db_exec(c,
		       "INSERT INTO patients (id, id_number, id_kind, given_name, family_name, address, "
		       "postal_code, city, municipality, created_at) VALUES "
		       "(1, '191212121212', 'personnummer', 'A', 'B', 'C', '41101', 'G', 'G', 'x'), "
		       "(2, '191212121213', 'personnummer', 'A', 'B', 'C', '41101', 'G', 'G', 'x'), "
		       "(3, '191212121214', 'personnummer', 'A', 'B', 'C', '41101', 'G', 'G', 'x'); "
		       "INSERT INTO users (id, username, display_name, role, created_at) "
		       "VALUES (7, 'kundtjanst', 'K', 'customer_service', 'x')",
		       &err) == LMN_OK
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	(void)state;
	return store_fixture_close(db, c);
}

static int64_t count(const char *sql)
{
	struct db_stmt *st;
	bool row;
	int64_t n = -1;

	assert_int_equal(db_prepare(c, sql, &st, &err), LMN_OK);
	assert_int_equal(db_step(st, &row, &err), LMN_OK);
	if (row)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void entry(const char *at, int patient)
{
	struct db_stmt *st;

	assert_int_equal(db_prepare(c,
				    "INSERT INTO access_log (at, role, patient_id, action, what) "
				    "VALUES ($1, 'admin', $2, 'read', 'x')",
				    &st, &err),
			 LMN_OK);
	db_bind_text(st, 1, at);
	db_bind_int(st, 2, patient);
	assert_int_equal(db_run(st, &err), LMN_OK);
}

static void view(const char *at, int64_t *ids, size_t n)
{
	assert_int_equal(access_log_add_view(c, at, 7, 0, "customer_service", "sökning på namn",
					     ids, n, &err),
			 LMN_OK);
}

static int64_t expire(int max)
{
	int64_t removed = -1;

	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(access_log_remove_expired(c, NOW, max, &removed, &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	return removed;
}

/* Runs sql and tells whether the append-only triggers refused it. */
static bool refused(const char *sql)
{
	bool no = db_exec(c, sql, &err) != LMN_OK;

	return no && strstr(err.message, "append-only") != NULL;
}

static void test_view_is_one_entry(void **state)
{
	int64_t ids[] = { 3, 1, 3, 2, 1 }, none[1] = { 0 };
	struct db_stmt *st;
	bool row;

	(void)state;
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	view(NOW, ids, 5);
	view(NOW, none, 0); /* a list that showed nobody: nothing */
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(count("SELECT count(*) FROM access_log_views"), 2);
	assert_int_equal(db_prepare(c, "SELECT patients FROM access_log_views ORDER BY id DESC",
				    &st, &err),
			 LMN_OK);
	assert_int_equal(db_step(st, &row, &err), LMN_OK);
	assert_string_equal(db_col_text(st, 0), ",1,2,3,");
	db_done(st);
	assert_int_equal(count("SELECT count(*) FROM access_log_view_batches"), 3);
	assert_int_equal(count("SELECT count(*) FROM access_log"), 0);
	assert_int_equal(count("SELECT max(after) FROM access_log_views"), 0);
	/* Shown again in the same batch: no new batch row. */
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	ids[0] = 2;
	view(NOW, ids, 1);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(count("SELECT count(*) FROM access_log_view_batches"), 3);
	assert_true(refused("UPDATE access_log_views SET what = 'y'"));
	assert_true(refused("DELETE FROM access_log_views"));
	assert_true(refused("DELETE FROM access_log_view_batches"));
}

static void test_retention(void **state)
{
	(void)state;
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	entry("2010-01-04T10:00:00+01:00", 1);
	entry("2010-01-05T10:00:00+01:00", 2);
	entry("2016-01-05T10:00:00+01:00", 3);
	entry("2026-11-23T10:00:00+01:00", 1); /* within the period */
	entry("2012-01-05T10:00:00+01:00", 2); /* after a young one: stays */
	entry("2026-11-23T10:00:01+01:00", 3);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_true(refused("DELETE FROM access_log WHERE at LIKE '2026%'"));
	assert_true(refused("UPDATE access_log SET what = 'y'"));

	/* Two at a time, oldest first; the young entry stops it. */
	assert_int_equal(expire(2), 2);
	assert_int_equal(count("SELECT count(*) FROM access_log WHERE at < '2011'"), 0);
	assert_int_equal(expire(2), 1);
	assert_int_equal(expire(2), 0);
	assert_int_equal(count("SELECT count(*) FROM access_log"), 3);
	assert_int_equal(count("SELECT count(*) FROM access_log WHERE at LIKE '2012%'"), 1);
	/* Their places by patient went with them (the log has not been filed by patient yet here,
	 * so all entries are at its end: none is in the index). */
	assert_int_equal(count("SELECT count(*) FROM access_log_by_patient WHERE id NOT IN "
			       "(SELECT id FROM access_log)"),
			 0);
	assert_int_equal(count("SELECT years FROM access_log_retention"), 10);
}

/* The log of searches by number is kept as long as the access log, and no longer. */
static void test_retention_of_searches(void **state)
{
	(void)state;
	assert_int_equal(
		db_exec(c,
			"INSERT INTO id_number_searches (at, at_minute, user_id, id_number, "
			"patient_id, via) VALUES "
			"('2010-01-04T10:00:00+01:00', 0, 7, '191212121212', 1, 'search'), "
			"('2011-01-04T10:00:00+01:00', 0, 7, '191212121299', NULL, 'search'), "
			"('2026-11-23T09:00:00+01:00', 0, 7, '191212121299', NULL, 'search')",
			&err),
		LMN_OK);
	assert_int_equal(expire(100), 2);
	assert_int_equal(count("SELECT count(*) FROM id_number_searches"), 1);
	assert_int_equal(count("SELECT count(*) FROM id_number_searches WHERE at LIKE '2026%'"), 1);
}

/* Runs first: views all past the period go, with every batch row; ids are not used again. */
static void test_retention_of_views(void **state)
{
	int64_t ids[] = { 1, 2 }, one[] = { 1 };

	(void)state;
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	view("2010-01-04T10:00:00+01:00", ids, 2);
	view("2010-01-05T10:00:00+01:00", one, 1);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(count("SELECT count(*) FROM access_log_view_batches"), 2);
	assert_true(refused("DELETE FROM access_log_view_batches")); /* views are left in them */
	assert_int_equal(expire(100), 2);
	assert_int_equal(count("SELECT count(*) FROM access_log_views"), 0);
	assert_int_equal(count("SELECT count(*) FROM access_log_view_batches"), 0);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	view(NOW, one, 1);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(count("SELECT min(id) FROM access_log_views"), 3);
	assert_int_equal(expire(100), 0);
	assert_int_equal(count("SELECT count(*) FROM access_log_view_batches"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retention_of_views),
		cmocka_unit_test(test_view_is_one_entry),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_retention_of_searches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
