/* Tests store/sqlite_commit.c: writing transactions of many threads (half of them write jobs run by
 * the writer thread) share batches on the writer connection, and each keeps its own outcome: a rollback undoes that transaction's rows only, a
 * commit's rows are there (and visible to other connections) when db_commit returns, and ids,
 * changes and statements inside a transaction are the writer's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"

static char dir[] = "/tmp/lmn-test-db-XXXXXX";
static struct db *db;

static int setup(void **state)
{
	char path[64];
	struct lmn_err err;
	struct db_conn *c;
	enum lmn_rc rc;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/lmn.db", dir);
	if (db_open(path, &db, &err) != LMN_OK || db_acquire(db, &c, &err) != LMN_OK)
		return -1;
	rc = db_begin(c, true, &err);
	if (rc == LMN_OK)
		rc = db_exec(c,
			     "CREATE TABLE t (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL, "
			     "n INTEGER NOT NULL, UNIQUE (worker, n)) STRICT",
			     &err);
	if (rc == LMN_OK)
		rc = db_commit(c, &err);
	db_release(db, c);
	return rc == LMN_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t count(struct db_conn *c, const char *sql, int64_t arg)
{
	struct db_stmt *st;
	struct lmn_err err;
	bool row = false;
	int64_t n = -1;

	assert_int_equal(db_prepare(c, sql, &st, &err), LMN_OK);
	db_bind_int(st, 1, arg);
	assert_int_equal(db_step(st, &row, &err), LMN_OK);
	if (row)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

#define WORKERS 8
#define TXS	150

struct worker {
	int id;
	bool jobs; /* writes as write jobs (db_write) instead of db_begin … db_commit */
	int committed, failed;
	int wrong; /* ids, changes or visibility not as expected */
};

/* One transaction's writes, as both kinds of writer do them: two rows, the second of every tenth a
 * duplicate (refused by the unique constraint); its own rows visible through c. */
static enum lmn_rc write_two(struct db_conn *c, struct worker *w, int i, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = LMN_OK;
	int64_t first = 0;

	for (int k = 0; rc == LMN_OK && k < 2; k++) {
		rc = db_prepare(c, "INSERT INTO t (worker, n) VALUES ($1, $2)", &st, err);
		if (rc != LMN_OK)
			break;
		db_bind_int(st, 1, w->id);
		db_bind_int(st, 2, i % 10 == 9 ? i - 1 : 2 * i + k);
		rc = db_run(st, err);
		if (rc == LMN_OK && db_changes(c) != 1)
			w->wrong++;
		if (rc == LMN_OK && k == 0)
			first = db_last_id(c);
	}
	if (rc == LMN_OK && count(c, "SELECT count(*) FROM t WHERE id = $1", first) != 1)
		w->wrong++;
	return rc;
}

struct job {
	struct worker *w;
	int i;
	struct lmn_err err;
	bool refused; /* undone by its own choice (every third) */
};

static enum lmn_rc job_write(struct db_conn *c, void *arg)
{
	struct job *j = arg;
	enum lmn_rc rc = write_two(c, j->w, j->i, &j->err);

	if (rc == LMN_OK && j->i % 3 == 0) {
		j->refused = true;
		return LMN_EREFUSED;
	}
	return rc;
}

/* Each transaction inserts two rows; every third is rolled back after its inserts, and every
 * tenth inserts a duplicate, which the unique constraint refuses, and is rolled back. */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct lmn_err err;
	struct db_conn *c;

	if (db_acquire(db, &c, &err) != LMN_OK) {
		w->failed = TXS;
		return NULL;
	}
	for (int i = 0; i < TXS; i++) {
		if (w->jobs) {
			struct job j = { .w = w, .i = i };
			enum lmn_rc rc = db_write(c, job_write, &j, &err);
			if (rc != LMN_OK) {
				/* Its own refusal, or the duplicate's constraint error. */
				w->failed += !j.refused;
				if (j.refused != (rc == LMN_EREFUSED))
					w->wrong++;
				continue;
			}
		} else {
			enum lmn_rc rc = db_begin(c, true, &err);

			if (rc == LMN_OK)
				rc = write_two(c, w, i, &err);
			if (rc != LMN_OK || i % 3 == 0) {
				db_rollback(c);
				w->failed += rc != LMN_OK;
				continue;
			}
			if (db_commit(c, &err) != LMN_OK) {
				w->failed++;
				continue;
			}
		}
		w->committed++;
		/* Once db_commit returned, the rows are there for every connection. */
		if (count(c, "SELECT count(*) FROM t WHERE worker = $1", w->id) != 2 * w->committed)
			w->wrong++;
	}
	db_release(db, c);
	return NULL;
}

static void test_shared_write_transactions(void **state)
{
	pthread_t th[WORKERS];
	struct worker w[WORKERS];
	struct lmn_err err;
	struct db_conn *c;
	int expected = 0, refused = 0;

	(void)state;
	for (int i = 0; i < TXS; i++) {
		if (i % 10 == 9)
			refused++;
		else if (i % 3 != 0)
			expected++;
	}
	for (int i = 0; i < WORKERS; i++) {
		w[i] = (struct worker){ .id = i, .jobs = i % 2 == 1 };
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < WORKERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(w[i].wrong, 0);
		/* The refused duplicates failed; nothing else did. */
		assert_int_equal(w[i].failed, refused);
		assert_int_equal(w[i].committed, expected);
		assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = $1", i),
				 2 * expected);
		/* No row of a rolled-back transaction (n of i % 3 == 0) is left. */
		assert_int_equal(
			count(c, "SELECT count(*) FROM t WHERE worker = $1 AND (n / 2) % 3 = 0", i),
			0);
	}
	db_release(db, c);
}

/* A connection released in the middle of a writing transaction rolls it back and frees the
 * writer for the next. */
static void test_release_rolls_back(void **state)
{
	struct lmn_err err;
	struct db_conn *c;
	struct db_stmt *st;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_prepare(c, "INSERT INTO t (worker, n) VALUES ($1, 0)", &st, &err),
			 LMN_OK);
	db_bind_int(st, 1, 99);
	assert_int_equal(db_run(st, &err), LMN_OK);
	db_release(db, c);
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = $1", 99), 0);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	db_release(db, c);
}

/* db_col_copy: the whole text when it fits, else cut before the character that does not (never
 * inside one), and "" for NULL. */
static void test_col_copy(void **state)
{
	struct lmn_err err;
	struct db_conn *c;
	struct db_stmt *st;
	bool row = false;
	char fits[16], cut[6], tiny[1] = { 'x' }, null[4] = "abc";

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	/* "Åsa Ö" is 7 bytes: Å and Ö are two each. */
	assert_int_equal(db_prepare(c, "SELECT 'Åsa Ö', NULL", &st, &err), LMN_OK);
	assert_int_equal(db_step(st, &row, &err), LMN_OK);
	assert_true(row);
	db_col_copy(st, 0, fits, sizeof(fits));
	assert_string_equal(fits, "Åsa Ö");
	db_col_copy(st, 0, cut, sizeof(cut)); /* 5 bytes fit, the fifth and sixth are Ö */
	assert_string_equal(cut, "Åsa ");
	db_col_copy(st, 0, tiny, sizeof(tiny));
	assert_string_equal(tiny, "");
	db_col_copy(st, 1, null, sizeof(null));
	assert_string_equal(null, "");
	db_done(st);
	db_release(db, c);
}

/* The one-line helpers (db_args.c): parameters bound in order by type, and what each gives when
 * there is no row. */
static void test_args(void **state)
{
	struct lmn_err err;
	struct db_conn *c;
	int64_t n = 0;
	bool there = true;
	char text[8] = "x";

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_do(c, &err, "INSERT INTO t (worker, n) VALUES ($1, $2)", "ii",
			       (int64_t)300, (int64_t)7),
			 LMN_OK);
	assert_int_equal(db_int(c, &n, -1, &err, "SELECT n FROM t WHERE worker = $1", "i",
				(int64_t)300),
			 LMN_OK);
	assert_int_equal(n, 7);
	assert_int_equal(db_int(c, &n, -1, &err, "SELECT n FROM t WHERE worker = $1", "i",
				(int64_t)301),
			 LMN_OK);
	assert_int_equal(n, -1);
	/* NULL is "none" too; 'n' binds NULL without an argument, and $2 follows it. */
	assert_int_equal(db_int(c, &n, -2, &err, "SELECT $1 + $2", "ni", (int64_t)1), LMN_OK);
	assert_int_equal(n, -2);
	assert_int_equal(db_exists(c, &there, &err, "SELECT 1 FROM t WHERE worker = $1 AND n = $2",
				   "ii", (int64_t)300, (int64_t)8),
			 LMN_OK);
	assert_false(there);
	assert_int_equal(db_exists(c, &there, &err, "SELECT 1 FROM t WHERE worker = $1 AND n = $2",
				   "ii", (int64_t)300, (int64_t)7),
			 LMN_OK);
	assert_true(there);
	/* Text is bound, never formatted in: a quote is a value like any other. */
	assert_int_equal(db_text(c, text, sizeof(text), &err, "SELECT $1 || $2", "tt", "Å'sa",
				 "; DROP"),
			 LMN_OK);
	assert_string_equal(text, "Å'sa; "); /* cut to fit 8 bytes */
	assert_int_equal(db_text(c, text, sizeof(text), &err, "SELECT 'a' WHERE $1 IS NOT NULL",
				 "t", (const char *)NULL),
			 LMN_OK);
	assert_string_equal(text, "");
	/* A failing statement reports its error; an unknown type runs nothing. */
	assert_int_equal(db_do(c, &err, "INSERT INTO t (worker, n) VALUES ($1, $2)", "ii",
			       (int64_t)300, (int64_t)7),
			 LMN_EINVAL);
	assert_int_equal(db_do(c, &err, "INSERT INTO t (worker, n) VALUES ($1, $2)", "iq",
			       (int64_t)300, (int64_t)9),
			 LMN_EINVAL);
	assert_int_equal(db_int(c, &n, 0, &err, "SELECT count(*) FROM t WHERE worker = 300", ""),
			 LMN_OK);
	assert_int_equal(n, 1);
	db_rollback(c);
	db_release(db, c);
}

static atomic_bool bulk_committing, bulk_committed;

/* A long transaction: waits a while inside, then commits. */
static void *bulk(void *arg)
{
	struct lmn_err err;
	struct db_conn *c;
	struct db_stmt *st;

	(void)arg;
	if (db_acquire(db, &c, &err) != LMN_OK)
		return NULL;
	if (db_begin_bulk(c, &err) == LMN_OK) {
		enum lmn_rc rc =
			db_prepare(c, "INSERT INTO t (worker, n) VALUES (200, 1)", &st, &err);
		if (rc == LMN_OK)
			rc = db_run(st, &err);
		usleep(300 * 1000);
		atomic_store(&bulk_committing, true);
		if (rc == LMN_OK && db_commit(c, &err) == LMN_OK)
			atomic_store(&bulk_committed, true);
		else
			db_rollback(c);
	}
	db_release(db, c);
	return NULL;
}

/* A commit that a long transaction queued behind does not wait for that transaction: the long one
 * commits the open batch first. */
static void test_bulk_does_not_hold_others(void **state)
{
	struct lmn_err err;
	struct db_conn *c;
	struct db_stmt *st;
	pthread_t th;

	(void)state;
	atomic_init(&bulk_committing, false);
	atomic_init(&bulk_committed, false);
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_prepare(c, "INSERT INTO t (worker, n) VALUES (100, 1)", &st, &err),
			 LMN_OK);
	assert_int_equal(db_run(st, &err), LMN_OK);
	assert_int_equal(pthread_create(&th, NULL, bulk, NULL), 0);
	usleep(50 * 1000); /* the long transaction now waits for the write lock */
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_false(atomic_load(&bulk_committing)); /* answered while the long one still works */
	assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = $1", 100), 1);
	pthread_join(th, NULL);
	assert_true(atomic_load(&bulk_committed));
	assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = $1", 200), 1);
	db_release(db, c);
}

/* Job A stands for a write after which SQLite rolled the whole batch back by itself (a full disk):
 * it inserts, waits for job B to queue behind it, and ends the transaction. */
static enum lmn_rc job_rolled_back(struct db_conn *c, void *arg)
{
	struct lmn_err err;
	struct db_stmt *st;

	(void)arg;
	if (db_prepare(c, "INSERT INTO t (worker, n) VALUES (300, 1)", &st, &err) != LMN_OK ||
	    db_run(st, &err) != LMN_OK)
		return LMN_EDB;
	usleep(100 * 1000);
	return db_exec(c, "ROLLBACK", &err) == LMN_OK ? LMN_EDB : LMN_EIO;
}

static enum lmn_rc job_insert_two(struct db_conn *c, void *arg)
{
	struct lmn_err err;
	struct db_stmt *st;

	(void)arg;
	if (db_prepare(c, "INSERT INTO t (worker, n) VALUES (300, 2)", &st, &err) != LMN_OK)
		return LMN_EDB;
	return db_run(st, &err);
}

static void *queue_b(void *arg)
{
	struct lmn_err err;
	struct db_conn *c;
	enum lmn_rc *rc = arg;

	usleep(30 * 1000);
	*rc = LMN_EDB;
	if (db_acquire(db, &c, &err) == LMN_OK) {
		*rc = db_write(c, job_insert_two, NULL, &err);
		db_release(db, c);
	}
	return NULL;
}

/* A job after one whose batch SQLite rolled back is written in a batch of its own, and is told
 * so; nothing is stored that its caller was told failed, or the other way round. */
static void test_job_after_lost_batch(void **state)
{
	struct lmn_err err;
	struct db_conn *c;
	pthread_t th;
	enum lmn_rc a, b = LMN_EDB;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(pthread_create(&th, NULL, queue_b, &b), 0);
	a = db_write(c, job_rolled_back, NULL, &err);
	pthread_join(th, NULL);
	assert_int_not_equal(a, LMN_OK);
	assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = 300 AND n = $1", 1), 0);
	assert_int_equal(b, LMN_OK);
	assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = 300 AND n = $1", 2), 1);
	db_release(db, c);
}

/* A job that changes some 6 MB of pages already stored: its statement journal (the pages as they
 * were) outgrows the part kept in memory and goes to a file. Committed, or refused and rolled back
 * alone, the job's changes are all there or none, read back on another connection. (Kept in memory
 * up to 4 MiB, the journal made such a job fail with a full disk: sqlite_conn.c, STMT_SPILL.) */
static enum lmn_rc job_rewrite(struct db_conn *c, void *arg)
{
	const char *pad = arg;
	struct lmn_err err;
	struct db_stmt *st;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, "UPDATE big SET pad = $1", &st, &err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, pad);
	if ((rc = db_run(st, &err)) != LMN_OK)
		return rc;
	return strcmp(pad, "refused") == 0 ? LMN_EREFUSED : LMN_OK;
}

/* Rows of big whose pad begins with letter, read on another connection of the pool. */
static int64_t rows_with(char letter)
{
	struct lmn_err err;
	struct db_conn *r;
	int64_t n;

	assert_int_equal(db_acquire(db, &r, &err), LMN_OK);
	assert_int_equal(db_begin(r, false, &err), LMN_OK);
	n = count(r, "SELECT count(*) FROM big WHERE unicode(pad) = $1", letter);
	db_rollback(r);
	db_release(db, r);
	return n;
}

static void test_large_job(void **state)
{
	static char pad[1001];
	struct lmn_err err;
	struct db_conn *c;
	struct db_stmt *st;
	enum lmn_rc rc;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	memset(pad, 'a', sizeof(pad) - 1);
	rc = db_begin(c, true, &err);
	if (rc == LMN_OK)
		rc = db_exec(c,
			     "CREATE TABLE big (id INTEGER PRIMARY KEY, pad TEXT NOT NULL) STRICT",
			     &err);
	for (int i = 0; rc == LMN_OK && i < 6000; i++) {
		rc = db_prepare(c, "INSERT INTO big (pad) VALUES ($1)", &st, &err);
		if (rc == LMN_OK) {
			db_bind_text(st, 1, pad);
			rc = db_run(st, &err);
		}
	}
	if (rc == LMN_OK)
		rc = db_commit(c, &err);
	assert_int_equal(rc, LMN_OK);
	assert_int_equal(rows_with('a'), 6000);

	memset(pad, 'b', sizeof(pad) - 1);
	assert_int_equal(db_write(c, job_rewrite, pad, &err), LMN_OK);
	assert_int_equal(rows_with('b'), 6000);
	assert_int_equal(db_write(c, job_rewrite, "refused", &err), LMN_EREFUSED);
	assert_int_equal(rows_with('b'), 6000);
	assert_int_equal(rows_with('r'), 0);
	db_release(db, c);
}

/* db_write_async: jobs that insert (the odd ones refuse after inserting) and whose outcome is
 * told to async_done. */
struct async_job {
	int n;
	enum lmn_rc told;
	bool store_error;
	int calls;
	sem_t *done;
};

static enum lmn_rc job_async(struct db_conn *c, void *arg)
{
	struct async_job *j = arg;
	struct lmn_err err;
	struct db_stmt *st;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, "INSERT INTO t (worker, n) VALUES (400, $1)", &st, &err)) != LMN_OK)
		return rc;
	db_bind_int(st, 1, j->n);
	if ((rc = db_run(st, &err)) != LMN_OK)
		return rc;
	return j->n % 2 ? LMN_EREFUSED : LMN_OK;
}

static void async_done(void *arg, enum lmn_rc rc, const struct lmn_err *err)
{
	struct async_job *j = arg;

	j->told = rc;
	j->store_error = err != NULL;
	j->calls++;
	sem_post(j->done);
}

/* Jobs queued without waiting: each caller is told once, with its job's own result, and what it
 * kept is in the store when it is told (the even ones); what it undid is not (the odd ones). */
static void test_write_async(void **state)
{
	enum { N = 40 };
	struct async_job jobs[N];
	struct lmn_err err;
	struct db_conn *c;
	sem_t done;

	(void)state;
	assert_int_equal(sem_init(&done, 0, 0), 0);
	for (int i = 0; i < N; i++) {
		jobs[i] = (struct async_job){ .n = i, .told = LMN_EDB, .done = &done };
		assert_int_equal(db_write_async(db, job_async, &jobs[i], async_done, &jobs[i],
						&err),
				 LMN_OK);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(sem_wait(&done), 0);
	sem_destroy(&done);
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	for (int i = 0; i < N; i++) {
		assert_int_equal(jobs[i].calls, 1);
		assert_int_equal(jobs[i].told, i % 2 ? LMN_EREFUSED : LMN_OK);
		assert_false(jobs[i].store_error);
		assert_int_equal(count(c, "SELECT count(*) FROM t WHERE worker = 400 AND n = $1",
				       i),
				 i % 2 ? 0 : 1);
	}
	db_release(db, c);
}

/* Inserts a child of parent id in a writing transaction: bulk 0 shared, 1 long, 2 long and
 * unchecked; returns the commit's (or the insert's) result. */
static enum lmn_rc insert_child(struct db_conn *c, int bulk, int64_t parent)
{
	struct lmn_err err;
	struct db_stmt *st;
	enum lmn_rc rc = bulk == 2   ? db_begin_bulk_unchecked(c, &err)
			 : bulk == 1 ? db_begin_bulk(c, &err)
				     : db_begin(c, true, &err);

	if (rc != LMN_OK)
		return rc;
	if ((rc = db_prepare(c, "INSERT INTO child (parent) VALUES ($1)", &st, &err)) == LMN_OK) {
		db_bind_int(st, 1, parent);
		rc = db_run(st, &err);
	}
	if (rc != LMN_OK) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c, &err);
}

/* A long transaction without foreign-key checks (for a caller that checks its references)
 * leaves them checked for every transaction after it, committed or rolled back. */
static void test_bulk_unchecked(void **state)
{
	struct lmn_err err;
	struct db_conn *c;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(
		db_exec(c,
			"CREATE TABLE parent (id INTEGER PRIMARY KEY); "
			"CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent(id)); "
			"INSERT INTO parent (id) VALUES (1)",
			&err),
		LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(insert_child(c, 0, 1), LMN_OK);
	assert_int_not_equal(insert_child(c, 0, 99), LMN_OK);
	assert_int_not_equal(insert_child(c, 1, 99), LMN_OK);
	assert_int_equal(insert_child(c, 2, 99), LMN_OK); /* not checked: the caller's to check */
	assert_int_not_equal(insert_child(c, 0, 98), LMN_OK);
	assert_int_equal(db_begin_bulk_unchecked(c, &err), LMN_OK);
	db_rollback(c);
	assert_int_not_equal(insert_child(c, 1, 97), LMN_OK);
	assert_int_equal(count(c, "SELECT count(*) FROM child WHERE parent <> $1", 1), 1);
	db_release(db, c);
}

/* The journal mode of c's database, as "wal" or "truncate". */
static void journal_mode(struct db_conn *c, char *out, size_t max)
{
	struct lmn_err err;
	struct db_stmt *st;
	bool row = false;

	assert_int_equal(db_prepare(c, "PRAGMA journal_mode", &st, &err), LMN_OK);
	assert_int_equal(db_step(st, &row, &err), LMN_OK);
	assert_true(row);
	snprintf(out, max, "%s", db_col_text(st, 0));
	db_done(st);
}

/* db_open_alone: a store that no other connection has open is written with a rollback journal
 * (committed rows there on reopening, a rolled back transaction's gone, WAL mode again after
 * db_close) and cannot be opened meanwhile; one that another connection has open stays in WAL
 * mode and is shared. */
static void test_open_alone(void **state)
{
	char path[96], mode[16];
	struct lmn_err err;
	struct db *alone, *again;
	struct db_conn *c, *o;

	(void)state;
	snprintf(path, sizeof(path), "%s/alone.db", dir);
	assert_int_equal(db_open_alone(path, &alone, &err), LMN_OK);
	assert_int_equal(db_acquire(alone, &c, &err), LMN_OK);
	journal_mode(c, mode, sizeof(mode));
	assert_string_equal(mode, "truncate");
	assert_int_equal(db_begin_bulk(c, &err), LMN_OK);
	assert_int_equal(db_exec(c,
				 "CREATE TABLE a (n INTEGER NOT NULL); "
				 "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k "
				 "WHERE n < 5000) INSERT INTO a SELECT n FROM k",
				 &err),
			 LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(db_begin_bulk_unchecked(c, &err), LMN_OK);
	assert_int_equal(db_exec(c, "INSERT INTO a SELECT n FROM a", &err), LMN_OK);
	db_rollback(c);
	assert_int_equal(count(c, "SELECT count(*) FROM a WHERE n > $1", 0), 5000);
	/* Meanwhile another opening waits out the busy timeout (10 s) and says why it failed. */
	assert_int_not_equal(db_open(path, &again, &err), LMN_OK);
	assert_non_null(strstr(err.message, "in use by another program"));
	db_release(alone, c);
	db_close(alone);

	assert_int_equal(db_open(path, &again, &err), LMN_OK);
	assert_int_equal(db_acquire(again, &c, &err), LMN_OK);
	journal_mode(c, mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(count(c, "SELECT sum(n) FROM a WHERE n > $1", 0), 5000 * 5001 / 2);

	/* Open elsewhere (again): shared, in WAL mode, each sees the other's commits. */
	assert_int_equal(db_open_alone(path, &alone, &err), LMN_OK);
	assert_int_equal(db_acquire(alone, &o, &err), LMN_OK);
	journal_mode(o, mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(db_begin_bulk(o, &err), LMN_OK);
	assert_int_equal(db_exec(o, "DELETE FROM a WHERE n > 10", &err), LMN_OK);
	assert_int_equal(db_commit(o, &err), LMN_OK);
	assert_int_equal(count(c, "SELECT count(*) FROM a WHERE n > $1", 0), 10);
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_exec(c, "INSERT INTO a (n) VALUES (11)", &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(count(o, "SELECT count(*) FROM a WHERE n > $1", 0), 11);
	db_release(alone, o);
	db_close(alone);
	db_release(again, c);
	db_close(again);
}

/* Whether the statement's program builds a temporary B-tree (EXPLAIN's OpenEphemeral). */
static bool builds_ephemeral(struct db_conn *c, const char *explain)
{
	struct lmn_err err;
	struct db_stmt *st;
	bool row, found = false;

	assert_int_equal(db_prepare(c, explain, &st, &err), LMN_OK);
	while (db_step(st, &row, &err) == LMN_OK && row)
		found = found || strcmp(db_col_text(st, 1), "OpenEphemeral") == 0;
	db_done(st);
	return found;
}

/* Migration 9: the rows written on every request are checked without temporary B-trees, and the
 * checks still refuse a word outside each list. */
static void test_check_lists(void **state)
{
	static const char *const bad[] = {
		"INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, "
		"received_day, due, rules, delivery_method) VALUES (1, 'later', 'digital', 'patient', "
		"'patient', 'x', 'x', 'x', '', 'home')",
		"INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, "
		"received_day, due, rules, delivery_method) VALUES (1, 'normal', 'fax', 'patient', "
		"'patient', 'x', 'x', 'x', '', 'home')",
		"INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, "
		"received_day, due, rules, delivery_method, status) VALUES (1, 'normal', 'digital', "
		"'patient', 'patient', 'x', 'x', 'x', '', 'home', 'lost')",
		"INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, "
		"received_day, due, rules, delivery_method, notification) VALUES (1, 'normal', "
		"'digital', 'patient', 'patient', 'x', 'x', 'x', '', 'pickup_point', 'pigeon')",
		"INSERT INTO calls (queued_at, topic) VALUES ('x', 'weather')",
		/* (parenthesised: clang's -Wstring-concatenation takes the two lines for a
		 * missing comma) */
		("INSERT INTO access_log (at, role, patient_id, action, what) VALUES ('x', "
		 "'admin', 1, 'delete', 'x')"),
	};
	struct lmn_err err;
	struct db_conn *c;
	struct db_stmt *st;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_false(builds_ephemeral(c,
				      "EXPLAIN INSERT INTO orders (patient_id, kind, channel, "
				      "requested_by, entered_by, received_at, received_day, due, "
				      "rules, delivery_method) VALUES (1, 'normal', 'digital', "
				      "'patient', 'patient', 'x', 'x', 'x', '', 'home')"));
	assert_false(builds_ephemeral(c, "EXPLAIN INSERT INTO access_log (at, role, patient_id, "
					 "action, what) VALUES ('x', 'admin', 1, 'read', 'x')"));
	assert_false(builds_ephemeral(c, "EXPLAIN INSERT INTO calls (queued_at, topic) "
					 "VALUES ('x', 'order')"));
	assert_false(builds_ephemeral(c, "EXPLAIN INSERT INTO shipments (order_id, shipped_at, "
					 "partial, outcome) VALUES (1, 'x', 0, 'returned')"));
	assert_false(builds_ephemeral(c, "EXPLAIN UPDATE contact_cases SET outcome = 'reached'"));
	/* A table that keeps its list still shows what the test looks for. */
	assert_true(builds_ephemeral(c, "EXPLAIN INSERT INTO fees (kind, valid_from, amount_ore, "
					"created_at) VALUES ('delivery', 'x', 1, 'x')"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(db_prepare(c, bad[i], &st, &err), LMN_OK);
		assert_int_equal(db_run(st, &err), LMN_EINVAL);
		assert_non_null(strstr(err.message, "CHECK constraint failed"));
	}
	db_release(db, c);
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* Rows from..to of table s, each with a blob of pad bytes (3 000 fill a page of their own), in
 * one writing transaction. */
static void insert_rows(struct db_conn *c, int64_t from, int64_t to, int64_t pad)
{
	struct lmn_err err;
	struct db_stmt *st;

	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(
		db_prepare(c,
			   "WITH RECURSIVE k(n) AS (SELECT $1 UNION ALL SELECT n + 1 "
			   "FROM k WHERE n < $2) INSERT INTO s SELECT n, zeroblob($3) FROM k",
			   &st, &err),
		LMN_OK);
	db_bind_int(st, 1, from);
	db_bind_int(st, 2, to);
	db_bind_int(st, 3, pad);
	assert_int_equal(db_run(st, &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
}

/* A frame of the log: a 4 KiB page and its header. */
#define FRAME_BYTES ((off_t)4096 + 24)
/* The log's size between checkpoints: 16 000 frames. */
#define LOG_PAGES_MIN (16000 * FRAME_BYTES)

/* db_size_log writes the log out with zeros beyond its end: to the size it reaches between
 * checkpoints, with what it held (the frames of another store that has the database open) byte
 * for byte as before; both stores then see each other's rows, and so does a store opened after.
 * Without room (a limit on the file's size), the log is left at its size and the store writes
 * on. */
static void test_size_log(void **state)
{
	char path[96], wal[104], small[96], small_wal[104];
	struct lmn_err err;
	struct db *a, *b;
	struct db_conn *ca, *cb;
	struct rlimit fsize, limited;
	off_t held, before;
	char *was, *now;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/sized.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_equal(db_open(path, &a, &err), LMN_OK);
	assert_int_equal(db_acquire(a, &ca, &err), LMN_OK);
	assert_int_equal(db_begin(ca, true, &err), LMN_OK);
	assert_int_equal(db_exec(ca, "CREATE TABLE s (n INTEGER PRIMARY KEY, pad BLOB NOT NULL)",
				 &err),
			 LMN_OK);
	assert_int_equal(db_commit(ca, &err), LMN_OK);
	insert_rows(ca, 1, 1000, 200);
	held = file_size(wal);
	assert_true(held > 0 && held < LOG_PAGES_MIN);
	assert_non_null(was = malloc((size_t)held));
	assert_non_null(now = malloc((size_t)held));
	assert_non_null(f = fopen(wal, "rb"));
	assert_int_equal(fread(was, 1, (size_t)held, f), (size_t)held);
	fclose(f);

	assert_int_equal(db_open(path, &b, &err), LMN_OK);
	assert_int_equal(db_size_log(b, &err), LMN_OK);
	assert_true(file_size(wal) >= LOG_PAGES_MIN + LOG_PAGES_MIN / 8);
	assert_non_null(f = fopen(wal, "rb"));
	assert_int_equal(fread(now, 1, (size_t)held, f), (size_t)held);
	fclose(f);
	assert_memory_equal(was, now, (size_t)held);
	free(was);
	free(now);
	/* Once sized, again changes nothing. */
	before = file_size(wal);
	assert_int_equal(db_size_log(b, &err), LMN_OK);
	assert_int_equal(file_size(wal), before);

	assert_int_equal(db_acquire(b, &cb, &err), LMN_OK);
	assert_int_equal(count(cb, "SELECT count(*) FROM s WHERE n >= $1", 1), 1000);
	insert_rows(cb, 1001, 1500, 200);
	insert_rows(ca, 1501, 2000, 200);
	assert_int_equal(count(ca, "SELECT count(*) FROM s WHERE n >= $1", 1), 2000);
	assert_int_equal(count(cb, "SELECT count(*) FROM s WHERE n >= $1", 1), 2000);
	db_release(b, cb);
	db_close(b);
	db_release(a, ca);
	db_close(a);

	assert_int_equal(db_open(path, &a, &err), LMN_OK);
	assert_int_equal(db_acquire(a, &ca, &err), LMN_OK);
	assert_int_equal(count(ca, "SELECT sum(n) FROM s WHERE n >= $1", 1), 2000 * 2001 / 2);
	db_release(a, ca);
	db_close(a);

	/* No room: the log of another store stays at its size, and that store writes on. */
	snprintf(small, sizeof(small), "%s/small.db", dir);
	snprintf(small_wal, sizeof(small_wal), "%s-wal", small);
	assert_int_equal(db_open(small, &a, &err), LMN_OK);
	assert_int_equal(db_acquire(a, &ca, &err), LMN_OK);
	assert_int_equal(db_exec(ca, "CREATE TABLE s (n INTEGER PRIMARY KEY, pad BLOB NOT NULL)",
				 &err),
			 LMN_OK);
	before = file_size(small_wal);
	assert_true(before >= 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &fsize), 0);
	limited = fsize;
	limited.rlim_cur = 4 << 20;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limited), 0);
	assert_int_not_equal(db_size_log(a, &err), LMN_OK);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &fsize), 0);
	assert_non_null(strstr(err.message, "write-ahead log"));
	assert_int_equal(file_size(small_wal), before);
	insert_rows(ca, 1, 300, 200);
	assert_int_equal(count(ca, "SELECT count(*) FROM s WHERE n >= $1", 1), 300);
	db_release(a, ca);
	db_close(a);
}

/* Under a steady stream of commits the log starts again from its beginning after each checkpoint
 * instead of growing with every commit: 64 000 pages committed 40 at a time leave a log of well
 * under 48 000 (the checkpoint thread copies it into the database while commits go on, then holds
 * them off for its last pass), and every row is there, in this store and in one opened after. */
static void test_log_starts_again(void **state)
{
	enum { PER_COMMIT = 40, COMMITS = 1600 };
	char path[96], wal[104];
	struct lmn_err err;
	struct db_conn *c;
	struct db *s;
	off_t size;

	(void)state;
	snprintf(path, sizeof(path), "%s/steady.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_equal(db_open(path, &s, &err), LMN_OK);
	assert_int_equal(db_acquire(s, &c, &err), LMN_OK);
	assert_int_equal(db_exec(c, "CREATE TABLE s (n INTEGER PRIMARY KEY, pad BLOB NOT NULL)",
				 &err),
			 LMN_OK);
	for (int i = 0; i < COMMITS; i++)
		insert_rows(c, (int64_t)i * PER_COMMIT + 1, (int64_t)(i + 1) * PER_COMMIT, 3000);
	size = file_size(wal);
	assert_true(size > 0);
	assert_true(size < (off_t)(PER_COMMIT * COMMITS) * 3 / 4 * FRAME_BYTES);
	assert_int_equal(count(c, "SELECT count(*) FROM s WHERE n >= $1", 1), PER_COMMIT * COMMITS);
	db_release(s, c);
	db_close(s);

	assert_int_equal(db_open(path, &s, &err), LMN_OK);
	assert_int_equal(db_acquire(s, &c, &err), LMN_OK);
	assert_int_equal(count(c, "SELECT sum(length(pad)) FROM s WHERE n >= $1", 1),
			 (int64_t)PER_COMMIT * COMMITS * 3000);
	db_release(s, c);
	db_close(s);
}

/* A write job that lets the store grow by 8 pages at most (max_page_count on the writer), then
 * inserts rows of 4 000 bytes until it is refused. */
static enum lmn_rc job_fill(struct db_conn *c, void *arg)
{
	struct lmn_err *err = arg;
	struct db_stmt *st;
	enum lmn_rc rc;
	char sql[64];
	bool row;

	if ((rc = db_prepare(c, "SELECT page_count FROM pragma_page_count()", &st, err)) != LMN_OK)
		return rc;
	if ((rc = db_step(st, &row, err)) == LMN_OK)
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
			 (long long)db_col_int(st, 0) + 8);
	db_done(st);
	if (rc != LMN_OK || (rc = db_exec(c, sql, err)) != LMN_OK)
		return rc;
	for (int i = 0; i < 100 && rc == LMN_OK; i++)
		rc = db_exec(c, "INSERT INTO s (pad) VALUES (zeroblob(4000))", err);
	return rc;
}

static enum lmn_rc job_unlimit(struct db_conn *c, void *arg)
{
	return db_exec(c, "PRAGMA max_page_count = 4294967294", arg);
}

/* A store without room says so (LMN_EFULL, which the API answers 507), whether SQLite reports
 * SQLITE_FULL (the database may not grow: max_page_count, as on a full disk) or an I/O error of
 * a write refused by a limit on the size of files (RLIMIT_FSIZE, with SIGXFSZ ignored: EFBIG);
 * nothing of the refused transaction is stored, and once there is room again the same store
 * writes on. */
static void test_storage_full(void **state)
{
	char path[96];
	struct lmn_err err, job_err;
	struct rlimit fsize, limited;
	struct db_conn *c;
	struct db *s;
	enum lmn_rc full, commit;

	(void)state;
	snprintf(path, sizeof(path), "%s/full.db", dir);
	assert_int_equal(db_open(path, &s, &err), LMN_OK);
	assert_int_equal(db_acquire(s, &c, &err), LMN_OK);
	assert_int_equal(db_exec(c, "CREATE TABLE s (n INTEGER PRIMARY KEY, pad BLOB NOT NULL)",
				 &err),
			 LMN_OK);

	job_err.message[0] = '\0';
	assert_int_equal(db_write(c, job_fill, &job_err, &err), LMN_EFULL);
	assert_non_null(strstr(job_err.message, "full"));
	assert_int_equal(count(c, "SELECT count(*) FROM s WHERE n >= $1", 1), 0);
	assert_int_equal(db_write(c, job_unlimit, &job_err, &err), LMN_OK);
	insert_rows(c, 1, 10, 4000);

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &fsize), 0);
	limited = fsize;
	limited.rlim_cur = 4096; /* no write may reach past a file's first 4 KiB */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limited), 0);
	commit = db_begin(c, true, &err);
	if (commit == LMN_OK) {
		commit = db_exec(c, "INSERT INTO s (pad) VALUES (zeroblob(4000))", &err);
		commit = commit == LMN_OK ? db_commit(c, &err) : (db_rollback(c), commit);
	}
	full = commit;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &fsize), 0);
	assert_int_equal(full, LMN_EFULL);
	assert_int_equal(count(c, "SELECT count(*) FROM s WHERE n >= $1", 1), 10);

	insert_rows(c, 11, 20, 4000);
	assert_int_equal(count(c, "SELECT count(*) FROM s WHERE n >= $1", 1), 20);
	db_release(s, c);
	db_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_write_transactions),
		cmocka_unit_test(test_release_rolls_back),
		cmocka_unit_test(test_col_copy),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_bulk_does_not_hold_others),
		cmocka_unit_test(test_check_lists),
		cmocka_unit_test(test_job_after_lost_batch),
		cmocka_unit_test(test_write_async),
		cmocka_unit_test(test_bulk_unchecked),
		cmocka_unit_test(test_open_alone),
		cmocka_unit_test(test_large_job),
		cmocka_unit_test(test_size_log),
		cmocka_unit_test(test_log_starts_again),
		cmocka_unit_test(test_storage_full),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
