/* Tests store/store_copy.c: its list of tables is the schema's (every table a migration makes,
 * each with its primary key and identity, parents first), a copy leaves the destination equal to
 * the source also where triggers derive rows (report sums, the access log's filing) or refuse
 * changes, an AUTOINCREMENT counter is carried over, a store with more than the seed rows is not
 * new, a checksum tells a changed row, a source's odd column name is refused and a failure of the
 * store is told in Swedish. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/store_copy.h"
#include "store_fixture.h"

/* The stores are of the tests' engine (store_fixture.h: SQLite, or PostgreSQL under
 * LMN_TEST_PG); the source of test_copy is a SQLite file always, so that under LMN_TEST_PG the
 * copy is from SQLite to PostgreSQL and back to SQLite, as a region moves. */
static int teardown(void **state)
{
	(void)state;
	return store_fixture_cleanup();
}

static struct db *open_at(const char *path)
{
	struct lmn_err err;
	struct db *db = NULL;

	if (db_open(path, &db, &err) != LMN_OK)
		fail_msg("%s: %s", path, err.message);
	return db;
}

/* A new store of the tests' engine. */
static struct db *open_store(const char *name)
{
	char path[512];

	assert_int_equal(store_fixture_address(name, path, sizeof(path)), 0);
	return open_at(path);
}

/* A new SQLite store, whatever the tests' engine. */
static struct db *open_sqlite(const char *name)
{
	char path[512];

	assert_int_equal(store_fixture_sqlite(name, path, sizeof(path)), 0);
	return open_at(path);
}

static long list_index(const char *table)
{
	for (size_t i = 0; i < store_copy_ntables; i++)
		if (strcmp(store_copy_tables[i].name, table) == 0)
			return (long)i;
	return -1;
}

/* Every table that table (at in the list) refers to, as sql names them, is before it in the list. */
static void parents_before(struct db_conn *c, const char *sql, const char *table, long at)
{
	struct db_stmt *pk;
	struct lmn_err err;
	bool row;

	assert_int_equal(db_prepare(c, sql, &pk, &err), LMN_OK);
	db_bind_text(pk, 1, table);
	while (db_step(pk, &row, &err) == LMN_OK && row) {
		long parent = list_index(db_col_text(pk, 0));

		if (parent < 0 || parent > at)
			fail_msg("%s refers to %s, which the list has after it", table,
				 db_col_text(pk, 0));
	}
	db_done(pk);
}

/* On PostgreSQL: every table of a new store is in the list and every listed table in the store;
 * each with its primary key in order, after every table it refers to, and with a sequence (an
 * identity) only on the column listed as its identity, so that the copy carries the counter over;
 * a listed identity without a sequence is the table's one-column key (a one-row table's). */
static void list_is_the_pg_schema(struct db_conn *c)
{
	struct db_stmt *st, *pk;
	struct lmn_err err;
	size_t tables = 0;
	bool row;

	assert_int_equal(
		db_prepare(c,
			   "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
			   "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
			   "AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations' "
			   "ORDER BY c.relname",
			   &st, &err),
		LMN_OK);
	while (db_step(st, &row, &err) == LMN_OK && row) {
		char table[64], key[256] = "", ident[64] = "";
		const struct store_copy_table *t;
		long at;

		db_col_copy(st, 0, table, sizeof(table));
		at = list_index(table);
		if (at < 0)
			fail_msg("table %s is not in store_copy_tables (src/store/store_copy.c)",
				 table);
		t = &store_copy_tables[at];
		tables++;

		assert_int_equal(
			db_prepare(c,
				   "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
				   "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
				   "WHERE i.indrelid = CAST($1 AS regclass) AND i.indisprimary "
				   "ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)",
				   &pk, &err),
			LMN_OK);
		db_bind_text(pk, 1, table);
		while (db_step(pk, &row, &err) == LMN_OK && row) {
			size_t len = strlen(key);

			snprintf(key + len, sizeof(key) - len, "%s%s", len ? ", " : "",
				 db_col_text(pk, 0));
		}
		db_done(pk);
		if (strcmp(key, t->key) != 0)
			fail_msg("%s: primary key '%s', listed as '%s'", table, key, t->key);

		assert_int_equal(
			db_prepare(c,
				   "SELECT a.attname FROM pg_attribute a "
				   "WHERE a.attrelid = CAST($1 AS regclass) AND a.attnum > 0 "
				   "AND NOT a.attisdropped AND pg_get_serial_sequence("
				   "CAST($1 AS text), a.attname) IS NOT NULL ORDER BY a.attnum",
				   &pk, &err),
			LMN_OK);
		db_bind_text(pk, 1, table);
		while (db_step(pk, &row, &err) == LMN_OK && row) {
			if (ident[0])
				fail_msg("%s: two columns with a sequence", table);
			db_col_copy(pk, 0, ident, sizeof(ident));
		}
		db_done(pk);
		if (ident[0] ? !t->identity || strcmp(ident, t->identity) != 0
			     : t->identity && strcmp(t->identity, t->key) != 0)
			fail_msg("%s: the sequence's column '%s', listed identity '%s'", table,
				 ident, t->identity ? t->identity : "");

		parents_before(c,
			       "SELECT DISTINCT CAST(CAST(confrelid AS regclass) AS text) "
			       "FROM pg_constraint WHERE conrelid = CAST($1 AS regclass) "
			       "AND contype = 'f'",
			       table, at);
	}
	db_done(st);
	assert_int_equal(tables, store_copy_ntables);
}

/* Every table of a new store is in the list and every listed table in the store; each with its
 * primary key in order, its identity (an INTEGER PRIMARY KEY of a rowid table), and after every
 * table it refers to. A migration that adds a table fails here until the list has it. On
 * PostgreSQL the same of its schema (list_is_the_pg_schema). */
static void test_list_is_the_schema(void **state)
{
	struct db *db = open_store("schema");
	struct db_conn *c;
	struct db_stmt *st, *pk;
	struct lmn_err err;
	size_t tables = 0;
	bool row;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	if (db_is_pg(c)) {
		list_is_the_pg_schema(c);
		db_release(db, c);
		db_close(db);
		return;
	}
	assert_int_equal(db_prepare(c,
				    "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' "
				    "AND type = 'table' AND name NOT LIKE 'sqlite_%' "
				    "AND name <> 'schema_migrations' ORDER BY name",
				    &st, &err),
			 LMN_OK);
	while (db_step(st, &row, &err) == LMN_OK && row) {
		char table[64], key[256] = "", ident[64] = "";
		const struct store_copy_table *t;
		bool without_rowid = db_col_int(st, 1) != 0;
		int npk = 0;
		long at;

		db_col_copy(st, 0, table, sizeof(table));
		at = list_index(table);
		if (at < 0)
			fail_msg("table %s is not in store_copy_tables (src/store/store_copy.c)",
				 table);
		t = &store_copy_tables[at];
		tables++;

		assert_int_equal(db_prepare(c,
					    "SELECT name, upper(type) FROM pragma_table_info($1) "
					    "WHERE pk > 0 ORDER BY pk",
					    &pk, &err),
				 LMN_OK);
		db_bind_text(pk, 1, table);
		while (db_step(pk, &row, &err) == LMN_OK && row) {
			size_t len = strlen(key);

			snprintf(key + len, sizeof(key) - len, "%s%s", len ? ", " : "",
				 db_col_text(pk, 0));
			if (++npk == 1 && strcmp(db_col_text(pk, 1), "INTEGER") == 0 &&
			    !without_rowid)
				db_col_copy(pk, 0, ident, sizeof(ident));
		}
		db_done(pk);
		if (npk != 1)
			ident[0] = '\0';
		if (strcmp(key, t->key) != 0)
			fail_msg("%s: primary key '%s', listed as '%s'", table, key, t->key);
		if (strcmp(ident, t->identity ? t->identity : "") != 0)
			fail_msg("%s: identity '%s', listed as '%s'", table, ident,
				 t->identity ? t->identity : "");

		parents_before(c, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)",
			       table, at);
	}
	db_done(st);
	/* And no listed table that the schema lacks. */
	assert_int_equal(tables, store_copy_ntables);
	db_release(db, c);
	db_close(db);
}

/* Rows whose triggers derive others: calls (report_call_days), access-log entries past a filing
 * (access_log_recent, _chunks, _indexed, _by_patient), a list view (AUTOINCREMENT, its counter
 * raised beyond the highest id as after retention removed the last views). */
static void fill(struct db *db)
{
	struct db_conn *c;
	struct lmn_err err;

	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(
		db_exec(c,
			"UPDATE access_log_indexed SET every = 3;"
			"INSERT INTO patients (id, id_number, id_kind, given_name, family_name, "
			" address, postal_code, city, municipality, created_at) VALUES "
			" (1, '191212121212', 'personnummer', 'Anna', 'Exempelsson', 'Gatan 1', "
			" '50330', 'Borås', 'Borås', '2026-01-01T00:00:00+01:00'),"
			" (7, '191111111111', 'personnummer', 'Åke', 'Prov', 'Vägen 2', '41101', "
			" 'Göteborg', 'Göteborg', '2026-01-01T00:00:00+01:00');"
			"INSERT INTO calls (queued_at, answered_at, topic) VALUES "
			" ('2026-03-02T09:00:00+01:00', '2026-03-02T09:02:10+01:00', 'order'),"
			" ('2026-03-02T10:00:00+01:00', NULL, 'other'),"
			" ('2026-03-03T10:00:00+01:00', '2026-03-03T10:00:30+01:00', 'order');"
			"INSERT INTO access_log (at, role, patient_id, action, what) VALUES "
			" ('2026-03-02T09:00:00+01:00', 'patient', 1, 'read', 'orders'),"
			" ('2026-03-02T09:00:01+01:00', 'patient', 7, 'read', 'orders'),"
			" ('2026-03-02T09:00:02+01:00', 'patient', 1, 'read', 'orders'),"
			" ('2026-03-02T09:00:03+01:00', 'patient', 7, 'read', 'orders'),"
			" ('2026-03-02T09:00:04+01:00', 'patient', 1, 'read', 'orders');"
			"INSERT INTO access_log_views (after, at, role, what, patients) VALUES "
			" (5, '2026-03-02T09:01:00+01:00', 'customer_service', 'search', ',1,7,');"
			"UPDATE sqlite_sequence SET seq = 500 WHERE name = 'access_log_views';",
			&err),
		LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	db_release(db, c);
}

static int64_t int_of(struct db *db, const char *sql)
{
	struct db_conn *c;
	struct lmn_err err;
	int64_t v;

	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_int(c, &v, -1, &err, sql, ""), LMN_OK);
	db_release(db, c);
	return v;
}

static int64_t next_id(struct db *db, const char *table, const char *column)
{
	struct db_conn *c;
	struct lmn_err err;
	int64_t v = -1;

	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	if (db_next_id(c, table, column, &v, &err) != LMN_OK)
		fail_msg("%s: %s", table, err.message);
	db_release(db, c);
	return v;
}

/* Every table's rows, checksum and next id alike in both stores. */
static void same_stores(struct db *a, struct db *b)
{
	struct store_copy_sum sa[128], sb[128];
	struct lmn_err err;

	assert_int_equal(store_copy_sums(a, false, sa, &err), LMN_OK);
	assert_int_equal(store_copy_sums(b, false, sb, &err), LMN_OK);
	for (size_t i = 0; i < store_copy_ntables; i++) {
		const struct store_copy_table *t = &store_copy_tables[i];

		if (sa[i].rows != sb[i].rows || sa[i].sum != sb[i].sum)
			fail_msg("%s differs", t->name);
		if (t->identity &&
		    next_id(a, t->name, t->identity) != next_id(b, t->name, t->identity))
			fail_msg("%s: next id %lld, in the copy %lld", t->name,
				 (long long)next_id(a, t->name, t->identity),
				 (long long)next_id(b, t->name, t->identity));
	}
}

/* Under LMN_TEST_PG from SQLite to PostgreSQL and back into a new SQLite store. */
static void test_copy(void **state)
{
	struct db *from = open_sqlite("from"), *to = open_store("to"), *back_to;
	struct store_copy_sum read[128], back[128], before[128];
	struct store_copy_options opt = { .batch = 2 }; /* pages of two rows: keyset paging */
	struct db_conn *c;
	struct lmn_err err;
	int64_t counts[2];
	size_t table = 0;
	bool is_new;
	long at;

	(void)state;
	assert_true(store_copy_ntables <= 128);
	fill(from);
	/* The source's triggers did derive: a filing, and the sums of calls. */
	assert_true(int_of(from, "SELECT count(*) FROM access_log_chunks") +
			    int_of(from, "SELECT count(*) FROM access_log_by_patient") >
		    0);
	assert_int_equal(int_of(from, "SELECT sum(calls) FROM report_call_days"), 3);

	assert_int_equal(store_copy_is_new(from, &is_new, &table, counts, &err), LMN_OK);
	assert_false(is_new);
	assert_string_equal(store_copy_tables[table].name, "patients");
	assert_int_equal(store_copy_is_new(to, &is_new, &table, counts, &err), LMN_OK);
	assert_true(is_new);

	assert_int_equal(store_copy_sums(from, false, before, &err), LMN_OK);
	assert_int_equal(store_copy_run(from, to, &opt, read, &err), LMN_OK);
	assert_int_equal(store_copy_sums(to, false, back, &err), LMN_OK);
	for (size_t i = 0; i < store_copy_ntables; i++) {
		if (read[i].rows != back[i].rows || read[i].sum != back[i].sum ||
		    before[i].sum != read[i].sum)
			fail_msg("%s differs after the copy", store_copy_tables[i].name);
	}
	/* Not derived twice, and the counters as they were (the AUTOINCREMENT one too, past
	 * the highest id; on PostgreSQL the identity's sequence). */
	assert_int_equal(int_of(to, "SELECT sum(calls) FROM report_call_days"), 3);
	if (!store_fixture_pg())
		assert_int_equal(int_of(to, "SELECT seq FROM sqlite_sequence WHERE name = "
					    "'access_log_views'"),
				 500);
	assert_int_equal(next_id(to, "access_log_views", "id"), 501);
	assert_int_equal(int_of(to, "SELECT upto FROM access_log_indexed"),
			 int_of(from, "SELECT upto FROM access_log_indexed"));
	same_stores(from, to);

	/* And back: the copy copied again into a new SQLite store is the source. */
	back_to = open_sqlite("back");
	assert_int_equal(store_copy_run(to, back_to, &opt, read, &err), LMN_OK);
	same_stores(from, back_to);
	db_close(back_to);

	/* The copy is no longer new; one changed row changes its table's checksum only. */
	assert_int_equal(store_copy_is_new(to, &is_new, &table, counts, &err), LMN_OK);
	assert_false(is_new);
	assert_int_equal(db_acquire(to, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_exec(c, "UPDATE report_call_days SET calls = calls + 1 WHERE wait = -1",
				 &err),
			 LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	db_release(to, c);
	assert_int_equal(store_copy_sums(to, false, back, &err), LMN_OK);
	at = list_index("report_call_days");
	for (size_t i = 0; i < store_copy_ntables; i++) {
		bool same = read[i].rows == back[i].rows && read[i].sum == back[i].sum;
		assert_true(same == ((long)i != at));
	}
	db_close(to);
	db_close(from);
}

/* A new store whose seed rows were changed is not new: same counts, another checksum. */
static void test_changed_seed(void **state)
{
	struct db *db = open_store("seed");
	struct db_conn *c;
	struct lmn_err err;
	int64_t counts[2];
	size_t table = 0;
	bool is_new;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_exec(c, "UPDATE access_log_retention SET years = 5", &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	db_release(db, c);
	assert_int_equal(store_copy_is_new(db, &is_new, &table, counts, &err), LMN_OK);
	assert_false(is_new);
	assert_string_equal(store_copy_tables[table].name, "access_log_retention");
	assert_int_equal(counts[0], 1);
	assert_int_equal(counts[1], 1);
	db_close(db);
}

/* A store whose table meta has one column more, named name (as SQL text, quoted). */
static struct db *store_with_column(const char *file, const char *name)
{
	struct db *db = open_store(file);
	struct db_conn *c;
	struct lmn_err err;
	char sql[256];

	snprintf(sql, sizeof(sql), "ALTER TABLE meta ADD COLUMN %s TEXT", name);
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_exec(c, sql, &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	db_release(db, c);
	return db;
}

/* A column name from the source's SELECT * that is not [a-z0-9_] is refused before it is put
 * into the INSERT's SQL, naming it. */
static void test_column_names_checked(void **state)
{
	struct db *from = store_with_column("odd", "\"x\"\", 1); --\"");
	struct db *to = open_store("odd_to");
	struct store_copy_sum read[128];
	struct lmn_err err;

	(void)state;
	assert_int_equal(store_copy_run(from, to, NULL, read, &err), LMN_EINVAL);
	assert_non_null(strstr(err.message, "tabellen meta: källan har en kolumn med namnet "
					    "\"x\", 1); --\""));
	db_close(to);
	db_close(from);
}

/* A failure of the store reaches the user in Swedish, the engine's words kept as a detail. */
static void test_store_error_in_swedish(void **state)
{
	struct db *from = store_with_column("extra", "extra");
	struct db *to = open_store("extra_to");
	struct store_copy_sum read[128];
	struct lmn_err err;
	const char *want = "tabellen meta: databasen svarade med ett fel (databasens besked: ";

	(void)state;
	assert_int_equal(store_copy_run(from, to, NULL, read, &err), LMN_EDB);
	if (strncmp(err.message, want, strlen(want)) != 0)
		fail_msg("not in Swedish: %s", err.message);
	assert_non_null(strstr(err.message, "extra"));
	db_close(to);
	db_close(from);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_is_the_schema),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_changed_seed),
		cmocka_unit_test(test_column_names_checked),
		cmocka_unit_test(test_store_error_in_swedish),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
