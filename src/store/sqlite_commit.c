/* Durable commits of the SQLite backend, shared between threads (group commit): the batch that
 * writing transactions share on the writer connection, the writer thread that runs write jobs
 * (db_write), and the syncer thread whose fdatasync of the write-ahead log wakes each job's caller
 * once its answer is durable. How and why: docs/internals/write-path.md, sections 2 and 4. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/sqlite_int.h"

/* At most this many transactions share a batch (bounds how long the first one waits). */
#define BATCH_MAX 32

/* One fdatasync of the log, on lmn's own descriptor: a committer may wait for it while the
 * connection that wrote the commit already runs the next batch. The log exists once anything was
 * committed to it, and SQLite keeps it while this process has the database open. */
static int sync_log(struct db *db)
{
	return db->wal_fd >= 0 && fdatasync(db->wal_fd) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

/* Opens lmn's descriptor of the log (db_open, before anything is written). A read on the writer
 * makes SQLite create the log of a database in WAL mode; without one (not WAL) commits sync by
 * themselves and none is needed. */
enum lmn_rc open_log(struct db *db, struct lmn_err *err)
{
	const char *wal;
	enum lmn_rc rc = sq_exec(db->writer, "SELECT count(*) FROM sqlite_schema", err);

	if (rc != LMN_OK)
		return rc;
	wal = sqlite3_filename_wal(sqlite3_db_filename(db->writer->conn, "main"));
	if (!wal || access(wal, F_OK) != 0)
		return LMN_OK;
	if ((db->wal_fd = open(wal, O_RDWR | O_CLOEXEC)) < 0)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "%s: %s", wal, strerror(errno));
	return LMN_OK;
}

static int wait_synced_locked(struct db *db, uint64_t seq);

/* The outcome of a job that ran: the batch's failure first (what the function decided rests on
 * its writes), then the fdatasync's, then the function's own. err is set for the store's own
 * failures only (the function reports its own in its arg). */
static enum lmn_rc job_outcome(const struct write_job *j, struct lmn_err *err)
{
	if (j->joined && j->batch_rc != LMN_OK)
		return lmn_err_set(err, j->batch_rc, NULL, NULL, "%s", j->message);
	if (j->joined && j->sync_rc != SQLITE_OK)
		return lmn_err_set(
			err, LMN_EIO, NULL, NULL,
			"the commit could not be made durable: syncing the write-ahead log "
			"failed (%s); nothing more is accepted until lmn is restarted",
			sqlite3_errstr(j->sync_rc));
	if (j->rc != LMN_OK && *j->message)
		(void)lmn_err_set(err, j->rc, NULL, NULL, "%s", j->message);
	return j->rc;
}

/* Tells each job of list (linked by next) its outcome: posts its caller, or calls its done
 * function and frees it. Its caller may return at once, so next is read before. */
static void post_jobs(struct write_job *list)
{
	struct write_job *next;

	for (; list; list = next) {
		next = list->next;
		if (list->done) {
			struct lmn_err err;
			enum lmn_rc rc;

			err.message[0] = '\0';
			rc = job_outcome(list, &err);
			list->done(list->done_arg, rc, err.message[0] ? &err : NULL);
			free(list);
		} else {
			sem_post(&list->ran);
		}
	}
}

/* Records the outcome of an fdatasync that covered the commits up to upto, with sync_lock held,
 * wakes the committers waiting for it, and returns the write jobs now durable (or, after a
 * failure, all of them: they learn it from sync_rc), for the caller to post. */
static struct write_job *synced_to(struct db *db, uint64_t upto, int rc)
{
	struct write_job *done = db->sync_jobs, **tail = &done;

	/* After a failed fdatasync the kernel may have dropped the pages; a later one could
	 * succeed without them being on disk. So nothing is acknowledged again. */
	if (rc != SQLITE_OK)
		db->sync_rc = rc;
	else if (upto > db->synced)
		db->synced = upto;
	pthread_cond_broadcast(&db->synced_cond);
	if (db->sync_rc == SQLITE_OK)
		while (*tail && (*tail)->seq <= db->synced)
			tail = &(*tail)->next;
	else
		while (*tail)
			tail = &(*tail)->next;
	for (struct write_job *j = done; j != *tail; j = j->next)
		j->sync_rc = db->sync_rc;
	db->sync_jobs = *tail;
	if (!db->sync_jobs)
		db->sync_jobs_tail = &db->sync_jobs;
	*tail = NULL;
	return done;
}

/* The syncer thread: an fdatasync for the write jobs whose batches are committed, while the
 * writer thread goes on with the next batch; then it posts each job it covered, and only those
 * (a job's caller is woken once, when its answer is durable). */
static void *syncer(void *arg)
{
	struct db *db = arg;
	struct write_job *done;

	pthread_mutex_lock(&db->sync_lock);
	for (;;) {
		if (db->sync_jobs &&
		    (db->sync_rc != SQLITE_OK || db->sync_jobs->seq <= db->synced)) {
			done = synced_to(db, db->synced, SQLITE_OK);
		} else if (db->sync_jobs && !db->syncing) {
			uint64_t upto = db->written;
			int rc;

			db->syncing = true;
			pthread_mutex_unlock(&db->sync_lock);
			rc = sync_log(db);
			pthread_mutex_lock(&db->sync_lock);
			db->syncing = false;
			done = synced_to(db, upto, rc);
		} else if (db->sync_stop && !db->sync_jobs) {
			break;
		} else {
			pthread_cond_wait(&db->sync_cond, &db->sync_lock);
			continue;
		}
		pthread_mutex_unlock(&db->sync_lock);
		post_jobs(done);
		pthread_mutex_lock(&db->sync_lock);
	}
	pthread_mutex_unlock(&db->sync_lock);
	return NULL;
}

/* Hands the jobs of a committed batch (list, its commit seq) to the syncer thread, starting it
 * the first time; without a thread they are synced here. */
static void await_sync_jobs(struct db *db, struct write_job *list, uint64_t seq)
{
	struct write_job *j, *done = NULL;

	pthread_mutex_lock(&db->sync_lock);
	for (j = list; j; j = j->next) {
		j->seq = seq;
		if (!j->next)
			break;
	}
	*db->sync_jobs_tail = list;
	db->sync_jobs_tail = &j->next;
	if (db->syncer_running ||
	    (!db->sync_stop && pthread_create(&db->syncer_thread, NULL, syncer, db) == 0)) {
		db->syncer_running = true;
		pthread_cond_signal(&db->sync_cond);
	} else {
		(void)wait_synced_locked(db, seq);
		done = synced_to(db, db->synced, SQLITE_OK);
	}
	pthread_mutex_unlock(&db->sync_lock);
	post_jobs(done);
}

/* Waits, with sync_lock held, until an fdatasync has covered commit number seq. One thread at a
 * time runs the fdatasync (the leader) for every commit written so far; the others wait for it. */
static int wait_synced_locked(struct db *db, uint64_t seq)
{
	while (db->synced < seq && db->sync_rc == SQLITE_OK) {
		uint64_t upto;
		int rc;

		if (db->syncing) {
			pthread_cond_wait(&db->synced_cond, &db->sync_lock);
			continue;
		}
		upto = db->written;
		db->syncing = true;
		pthread_mutex_unlock(&db->sync_lock);
		rc = sync_log(db);
		pthread_mutex_lock(&db->sync_lock);
		db->syncing = false;
		/* The jobs it covered are posted here, with the lock held (seldom: the syncer
		 * thread syncs for them). */
		post_jobs(synced_to(db, upto, rc));
		if (db->sync_jobs && db->syncer_running)
			pthread_cond_signal(&db->sync_cond);
	}
	return db->synced >= seq ? SQLITE_OK : db->sync_rc;
}

static int wait_synced(struct db *db, uint64_t seq)
{
	int rc;

	pthread_mutex_lock(&db->sync_lock);
	rc = wait_synced_locked(db, seq);
	pthread_mutex_unlock(&db->sync_lock);
	return rc;
}

/* SQLite's WAL hook: called after a commit that wrote pages to the log, with SQLite's write lock
 * already released. Numbers the commit; returns only when an fdatasync has covered it, except for
 * a batch's commit, whose members wait for that themselves (commit_batch). */
int wal_committed(void *arg, sqlite3 *conn, const char *schema, int pages)
{
	struct db_conn *c = arg;
	struct db *db = c->db;
	uint64_t mine;
	int rc = SQLITE_OK;

	(void)schema;
	pthread_mutex_lock(&db->sync_lock);
	/* Numbered after its pages were written: an fdatasync begun later covers them. */
	mine = ++db->written;
	atomic_store(&db->log_pages, pages);
	/* pages counts from the start of the log; it starts again after a checkpoint caught up. */
	if (!db->ckpt_wanted &&
	    pages - (pages >= db->ckpt_base ? db->ckpt_base : 0) >= CHECKPOINT_PAGES)
		want_checkpoint(db, conn);
	if (c->defer_sync)
		c->commit_seq = mine;
	else
		rc = wait_synced_locked(db, mine);
	pthread_mutex_unlock(&db->sync_lock);
	c->sync_rc = rc;
	return rc;
}

static struct batch *batch_new(bool alone)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b) {
		b->alone = alone;
		pthread_cond_init(&b->cond, NULL);
	}
	return b;
}

static void batch_free(struct batch *b)
{
	pthread_cond_destroy(&b->cond);
	free(b);
}

/* Tells every member of batch b its outcome. */
static void batch_finish(struct db *db, struct batch *b, enum lmn_rc rc, uint64_t seq,
			 const char *message)
{
	struct write_job *jobs = b->jobs;

	/* Its write jobs: posted now if it failed or wrote nothing, else once it is durable. */
	for (struct write_job *j = jobs; j; j = j->next) {
		j->batch_rc = rc;
		j->sync_rc = SQLITE_OK;
		if (rc != LMN_OK)
			snprintf(j->message, sizeof(j->message), "%s", message ? message : "");
	}
	b->jobs = NULL;
	if (jobs && rc == LMN_OK && seq)
		await_sync_jobs(db, jobs, seq);
	else
		post_jobs(jobs);
	pthread_mutex_lock(&db->batch_lock);
	b->done = true;
	b->seq = seq;
	b->rc = rc;
	snprintf(b->message, sizeof(b->message), "%s", message ? message : "");
	if (b->members == 0)
		batch_free(b);
	else
		pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&db->batch_lock);
}

/* The sticky outcome of the log's fdatasync: after a failure nothing is written again. */
static int sync_failure(struct db *db)
{
	int rc;

	pthread_mutex_lock(&db->sync_lock);
	rc = db->sync_rc;
	pthread_mutex_unlock(&db->sync_lock);
	return rc;
}

/* Commits the open batch, with write_lock held (and kept), and tells its members, who then wait
 * for the fdatasync that covers it. After a failed fdatasync the batch is rolled back instead:
 * SQLite's COMMIT would store it in the log although it could not be acknowledged. */
void commit_batch(struct db *db)
{
	struct db_conn *w = db->writer;
	struct batch *b = db->batch;
	char message[256] = "";
	enum lmn_rc rc = LMN_OK;
	uint64_t seq = 0;
	int failed = sync_failure(db);

	if (!b)
		return;
	db->batch = NULL;
	if (sqlite3_get_autocommit(w->conn)) {
		/* SQLite rolled the whole transaction back after an error (full disk, I/O). */
		if (b->members > 0 || b->jobs) {
			rc = storage_full(w->conn) ? LMN_EFULL : LMN_EDB;
			snprintf(message, sizeof(message),
				 "the transaction was rolled back by the database: %s",
				 sqlite3_errmsg(w->conn));
		}
	} else if (failed != SQLITE_OK) {
		(void)sqlite3_exec(w->conn, "ROLLBACK", NULL, NULL, NULL);
		w->sync_rc = failed;
	} else {
		/* The COMMIT appends to the log without waiting for its fdatasync (defer_sync):
		 * the members wait for that in db_commit, while the next batch is written. */
		struct lmn_err err;

		w->sync_rc = SQLITE_OK;
		w->defer_sync = true;
		w->commit_seq = 0;
		if (exec_on(w, "COMMIT", &err) != LMN_OK) {
			rc = err.code == LMN_EFULL ? LMN_EFULL : LMN_EDB;
			snprintf(message, sizeof(message), "commit: %.200s", err.message);
			if (!sqlite3_get_autocommit(w->conn))
				(void)exec_on(w, "ROLLBACK", &err);
		}
		w->defer_sync = false;
		seq = w->commit_seq;
	}
	if (w->sync_rc != SQLITE_OK) {
		rc = LMN_EIO;
		snprintf(message, sizeof(message),
			 "the commit could not be made durable: syncing the write-ahead log failed "
			 "(%s); nothing more is accepted until lmn is restarted",
			 sqlite3_errstr(w->sync_rc));
	}
	/* Foreign keys are checked again from the next transaction on (outside one, it applies). */
	if (b->unchecked)
		(void)sqlite3_exec(w->conn, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	if (b->untriggered)
		(void)sqlite3_db_config(w->conn, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, (int *)NULL);
	batch_finish(db, b, rc, seq, message);
}

/* Ends a writer's turn, with write_lock held: commits the open batch unless others are waiting to
 * join it (and it is neither full nor a long transaction's own), then lets the next writer in. */
static void end_turn(struct db *db)
{
	struct batch *b = db->batch;

	if (!b || !(db->waiting > 0 && b->members + b->njobs < BATCH_MAX && !b->alone &&
		    !sqlite3_get_autocommit(db->writer->conn)))
		commit_batch(db);
	pthread_mutex_unlock(&db->write_lock);
}

/* Opens a batch on the writer if none is open, with write_lock held: alone, a long
 * transaction's own (the open batch is committed first, so its members do not wait for it),
 * unchecked without foreign-key checks, and for a copy also without triggers. */
static enum lmn_rc open_batch(struct db *db, bool alone, enum checks checks, struct lmn_err *err)
{
	enum lmn_rc rc = LMN_OK;
	int failed;

	if ((failed = sync_failure(db)) != SQLITE_OK)
		return lmn_err_set(
			err, LMN_EIO, NULL, NULL,
			"syncing the write-ahead log failed (%s): nothing more is written "
			"until lmn is restarted",
			sqlite3_errstr(failed));
	if (alone)
		commit_batch(db);
	if (db->batch)
		return LMN_OK;
	if (!(db->batch = batch_new(alone)))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	/* Set before the transaction (inside one SQLite ignores it); commit_batch sets it back. */
	db->batch->unchecked = alone && checks != CHECKED;
	if (db->batch->unchecked)
		rc = exec_on(db->writer, "PRAGMA foreign_keys=OFF", err);
	/* SQLite expires the connection's statements when this changes: they are compiled again,
	 * without (and after the copy with) their triggers' programs. */
	db->batch->untriggered = alone && checks == COPY;
	if (rc == LMN_OK && db->batch->untriggered &&
	    sqlite3_db_config(db->writer->conn, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL) !=
		    SQLITE_OK)
		rc = conn_fail(db->writer->conn, err, "triggers off");
	if (rc == LMN_OK)
		rc = exec_on(db->writer, "BEGIN IMMEDIATE", err);
	if (rc != LMN_OK) {
		if (db->batch->unchecked)
			(void)sqlite3_exec(db->writer->conn, "PRAGMA foreign_keys=ON", NULL, NULL,
					   NULL);
		if (db->batch->untriggered)
			(void)sqlite3_db_config(db->writer->conn, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1,
						(int *)NULL);
		batch_free(db->batch);
		db->batch = NULL;
	}
	return rc;
}

static enum lmn_rc begin_write(struct db_conn *c, bool alone, enum checks checks,
			       struct lmn_err *err)
{
	struct db *db = c->db;
	enum lmn_rc rc;

	db->waiting++;
	pthread_mutex_lock(&db->write_lock);
	db->waiting--;
	if ((rc = open_batch(db, alone, checks, err)) != LMN_OK) {
		end_turn(db);
		return rc;
	}
	/* A long transaction has the batch to itself, so it needs no savepoint of its own: inside
	 * one, SQLite would keep the original of every page it changes, to undo it. */
	if (!alone && (rc = exec_on(db->writer, "SAVEPOINT lmn_tx", err)) != LMN_OK) {
		end_turn(db);
		return rc;
	}
	c->in_write = true;
	return LMN_OK;
}

enum lmn_rc sq_begin(struct db_conn *c, bool write, struct lmn_err *err)
{
	if (!write)
		return exec_on(c, "BEGIN", err);
	return begin_write(c, false, CHECKED, err);
}

enum lmn_rc sq_begin_bulk(struct db_conn *c, struct lmn_err *err)
{
	return begin_write(c, true, CHECKED, err);
}

enum lmn_rc sq_begin_bulk_unchecked(struct db_conn *c, struct lmn_err *err)
{
	return begin_write(c, true, UNCHECKED, err);
}

enum lmn_rc sq_begin_copy(struct db_conn *c, struct lmn_err *err)
{
	return begin_write(c, true, COPY, err);
}

static enum lmn_rc await_batch(struct db *db, struct batch *b, struct lmn_err *err);

enum lmn_rc sq_commit(struct db_conn *c, struct lmn_err *err)
{
	struct db *db = c->db;
	struct batch *b;
	enum lmn_rc rc;

	if (!c->in_write)
		return exec_on(c, "COMMIT", err);
	b = db->batch;
	if (!b->alone && (rc = exec_on(db->writer, "RELEASE lmn_tx", err)) != LMN_OK) {
		sq_rollback(c);
		return rc;
	}
	c->in_write = false;
	b->members++;
	end_turn(db);
	return await_batch(db, b, err);
}

/* Waits for the outcome of batch b, of which the caller is a member, and then for the fdatasync
 * that makes it durable. */
static enum lmn_rc await_batch(struct db *db, struct batch *b, struct lmn_err *err)
{
	uint64_t seq;
	enum lmn_rc rc;
	int synced;

	/* The last writer of the turn commits the batch. */
	pthread_mutex_lock(&db->batch_lock);
	while (!b->done)
		pthread_cond_wait(&b->cond, &db->batch_lock);
	rc = b->rc;
	seq = b->seq;
	if (rc != LMN_OK)
		(void)lmn_err_set(err, rc, NULL, NULL, "%s", b->message);
	if (--b->members == 0)
		batch_free(b);
	pthread_mutex_unlock(&db->batch_lock);
	/* Then for the fdatasync that covers the batch's commit. */
	if (rc == LMN_OK && seq && (synced = wait_synced(db, seq)) != SQLITE_OK)
		rc = lmn_err_set(
			err, LMN_EIO, NULL, NULL,
			"the commit could not be made durable: syncing the write-ahead log "
			"failed (%s); nothing more is accepted until lmn is restarted",
			sqlite3_errstr(synced));
	return rc;
}

void sq_rollback(struct db_conn *c)
{
	struct db *db = c->db;
	struct lmn_err err;

	if (!c->in_write) {
		if (!sqlite3_get_autocommit(c->conn))
			(void)exec_on(c, "ROLLBACK", &err);
		return;
	}
	c->in_write = false;
	/* Undoes this transaction's changes only; the batch's earlier members keep theirs. A long
	 * transaction (no savepoint) is the batch's only member: its whole transaction goes. */
	if (sqlite3_get_autocommit(db->writer->conn))
		;
	else if (db->batch && db->batch->alone)
		(void)exec_on(db->writer, "ROLLBACK", &err);
	else if (exec_on(db->writer, "ROLLBACK TO lmn_tx", &err) == LMN_OK)
		(void)exec_on(db->writer, "RELEASE lmn_tx", &err);
	end_turn(db);
}

/* Runs job j in the open batch, in a savepoint kept when its function succeeds. Whatever it
 * returns, it joins the batch: what it decided, it decided on the batch's writes, so it learns
 * whether they were committed. */
static void run_job(struct db *db, struct write_job *j)
{
	struct lmn_err err;
	enum lmn_rc rc;

	/* SQLite rolls a whole transaction back by itself after some errors (a full disk): the
	 * batch's members so far are told it failed, and a new batch is begun. */
	if (db->batch && sqlite3_get_autocommit(db->writer->conn))
		commit_batch(db);
	if ((rc = open_batch(db, false, CHECKED, &err)) != LMN_OK ||
	    (rc = exec_on(db->writer, "SAVEPOINT lmn_tx", &err)) != LMN_OK) {
		snprintf(j->message, sizeof(j->message), "the write could not begin: %.480s",
			 err.message);
		j->rc = rc;
		return;
	}
	j->c->in_write = true;
	rc = j->fn(j->c, j->arg);
	j->c->in_write = false;
	if (rc == LMN_OK && exec_on(db->writer, "RELEASE lmn_tx", &err) != LMN_OK) {
		rc = err.code == LMN_EFULL ? LMN_EFULL : LMN_EDB;
		snprintf(j->message, sizeof(j->message), "%s", err.message);
	}
	if (rc != LMN_OK && !sqlite3_get_autocommit(db->writer->conn) &&
	    exec_on(db->writer, "ROLLBACK TO lmn_tx", &err) == LMN_OK)
		(void)exec_on(db->writer, "RELEASE lmn_tx", &err);
	if (!sqlite3_get_autocommit(db->writer->conn)) {
		j->joined = true;
		j->next = db->batch->jobs;
		db->batch->jobs = j;
		db->batch->njobs++;
	}
	j->rc = rc;
}

/* Whether the writer thread should commit its batch before running the next job: when no
 * fdatasync of the log runs or waits to run, and no more jobs came in meanwhile (the writer then
 * has the time: a writer falling behind commits as many jobs at once as it can). */
static bool commit_early(struct db *db)
{
	bool idle, more;

	pthread_mutex_lock(&db->jobs_lock);
	more = db->jobs != NULL;
	pthread_mutex_unlock(&db->jobs_lock);
	if (more)
		return false;
	pthread_mutex_lock(&db->sync_lock);
	idle = !db->syncing && !db->sync_jobs;
	pthread_mutex_unlock(&db->sync_lock);
	return idle;
}

/* Runs the queued jobs in the open batch, with write_lock held; more jobs queued meanwhile join,
 * up to BATCH_MAX members and BATCH_MAX jobs a turn (a batch may be committed early, above). */
static void run_jobs(struct db *db)
{
	struct write_job *list, *j, *next, *alone = NULL;
	int ran = 0;

	for (;;) {
		pthread_mutex_lock(&db->jobs_lock);
		list = db->jobs;
		db->jobs = NULL;
		db->jobs_tail = &db->jobs;
		pthread_mutex_unlock(&db->jobs_lock);
		if (!list)
			break;
		/* A job that joined the batch is told by it (batch_finish, then the syncer); one
		 * that could not is posted after the turn. */
		for (j = list; j; j = next) {
			next = j->next;
			run_job(db, j);
			ran++;
			if (!j->joined) {
				j->next = alone;
				alone = j;
			}
			/* The batch so far is committed now, so that its fdatasync runs while
			 * the writer goes on with the next jobs. */
			if (next && db->batch && db->batch->njobs > 0 && commit_early(db))
				commit_batch(db);
		}
		/* A turn ends after BATCH_MAX jobs even when its batches were committed early:
		 * others wait for the write lock (the checkpoint's last pass, db_begin's writers). */
		if (!db->batch || db->batch->members + db->batch->njobs >= BATCH_MAX ||
		    ran >= BATCH_MAX)
			break;
	}
	end_turn(db);
	post_jobs(alone);
}

static void *writer_main(void *arg)
{
	struct db *db = arg;

	pthread_mutex_lock(&db->jobs_lock);
	while (db->jobs || !db->writer_stop) {
		if (!db->jobs) {
			pthread_cond_wait(&db->jobs_cond, &db->jobs_lock);
			continue;
		}
		pthread_mutex_unlock(&db->jobs_lock);
		db->waiting++;
		pthread_mutex_lock(&db->write_lock);
		db->waiting--;
		run_jobs(db); /* ends the turn */
		pthread_mutex_lock(&db->jobs_lock);
	}
	pthread_mutex_unlock(&db->jobs_lock);
	return NULL;
}

/* Queues job j for the writer thread, starting it the first time; false when there is none. */
static bool queue_job(struct db *db, struct write_job *j)
{
	bool queued = false;

	pthread_mutex_lock(&db->jobs_lock);
	if (!db->writer_stop && (db->writer_running ||
				 pthread_create(&db->writer_thread, NULL, writer_main, db) == 0)) {
		db->writer_running = true;
		*db->jobs_tail = j;
		db->jobs_tail = &j->next;
		queued = true;
		pthread_cond_signal(&db->jobs_cond);
	}
	pthread_mutex_unlock(&db->jobs_lock);
	return queued;
}

enum lmn_rc sq_write_async(struct db *db, db_write_fn fn, void *arg, db_done_fn done,
			   void *done_arg, struct lmn_err *err)
{
	struct write_job *j = calloc(1, sizeof(*j));

	if (!j)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	/* The job's statements go to the writer, on whose thread it runs. */
	*j = (struct write_job){
		.fn = fn, .arg = arg, .c = db->writer, .done = done, .done_arg = done_arg
	};
	if (!queue_job(db, j)) {
		free(j);
		return lmn_err_set(err, LMN_EIO, NULL, NULL,
				   "the store's writer thread is not running");
	}
	return LMN_OK;
}

enum lmn_rc sq_write(struct db_conn *c, db_write_fn fn, void *arg, struct lmn_err *err)
{
	struct db *db = c->db;
	struct write_job job = { .fn = fn, .arg = arg, .c = c };
	bool queued;
	enum lmn_rc rc;

	if (sem_init(&job.ran, 0, 0) != 0)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "no semaphore for the write");
	queued = queue_job(db, &job);
	if (queued)
		while (sem_wait(&job.ran) != 0)
			; /* EINTR */
	sem_destroy(&job.ran);
	if (!queued) {
		/* No writer thread: the transaction runs here, as db_begin's do. */
		if ((rc = sq_begin(c, true, err)) != LMN_OK)
			return rc;
		if ((rc = fn(c, arg)) != LMN_OK) {
			sq_rollback(c);
			return rc;
		}
		return sq_commit(c, err);
	}
	return job_outcome(&job, err);
}
