/* lmn store backup (issue 22): an online, consistent copy of a live SQLite store into a new file
 * with SQLite's online backup API, checked before it is called done; and db_peek_schema, a store's
 * schema number read the same read-only way.
 *
 * Why the backup API and not VACUUM INTO: both read the store in one read transaction, which in
 * WAL mode (as lmn serve keeps it) never blocks the server's writer nor is blocked by it. The
 * backup API copies pages as they are, a step at a time, so it can say how far it has come and
 * costs little CPU; VACUUM INTO rebuilds every table and index in one statement, without progress.
 * The read transaction is opened by us before the first step and held to the last: without it
 * each step reads a new snapshot and a commit of the server between steps makes SQLite start the
 * copy again from the first page, which under a steady stream of orders may never end. Held, the
 * copy is the store as of its start, every step reads that snapshot, and the server goes on
 * writing; its checkpoints (PASSIVE) copy only what no reader still needs, so the log grows for
 * the backup's duration and is started again at the first checkpoint after it. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/db_engine.h"

/* Pages copied per step (4 MiB of 4 KiB pages): how often progress is told. */
#define STEP_PAGES 1024
#define BUSY_MS	   10000

static bool is_url(const char *address)
{
	return strncmp(address, "postgresql://", 13) == 0 ||
	       strncmp(address, "postgres://", 11) == 0;
}

static enum lmn_rc fail(sqlite3 *conn, struct lmn_err *err, const char *what, const char *path)
{
	return lmn_err_set(err, LMN_EDB, NULL, NULL, "%s %s: %s", what, path,
			   conn ? sqlite3_errmsg(conn) : "out of memory");
}

/* The schema number of conn's main database (the last migration applied). */
static enum lmn_rc schema_of(sqlite3 *conn, int *version, const char *path, struct lmn_err *err)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(conn, "SELECT coalesce(max(number), 0) FROM schema_migrations", -1,
			       &st, NULL) != SQLITE_OK)
		return fail(conn, err, "no schema number in", path);
	step = sqlite3_step(st);
	*version = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? LMN_OK : fail(conn, err, "reading the schema number of", path);
}

/* PRAGMA integrity_check of the copy: "ok", or its first complaint in err. */
static enum lmn_rc integrity(sqlite3 *conn, const char *path, struct lmn_err *err)
{
	sqlite3_stmt *st = NULL;
	char first[256] = "";
	int step, n = 0;

	if (sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return fail(conn, err, "integrity_check of", path);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (n++ == 0)
			snprintf(first, sizeof(first), "%s", line ? line : "");
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return fail(conn, err, "integrity_check of", path);
	if (n != 1 || strcmp(first, "ok") != 0)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "integrity_check of %s found %d problems, the first: %s", path,
				   n, first);
	return LMN_OK;
}

/* Makes the new file and its name in the folder durable. */
static enum lmn_rc sync_file(const char *path, struct lmn_err *err)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int e = 0;

	if (fd < 0 || fsync(fd) != 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	if (!e && ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd) != 0))
		e = errno;
	if (fd >= 0)
		close(fd);
	return e ? lmn_err_set(err, LMN_EIO, NULL, NULL, "syncing %s: %s", path, strerror(e))
		 : LMN_OK;
}

/* The copy itself: src's snapshot, held open by the caller, into dest page by page. */
static enum lmn_rc copy_pages(sqlite3 *src, sqlite3 *dest, const char *to,
			      db_backup_progress_fn progress, void *ctx, int64_t *pages,
			      struct lmn_err *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", src, "main");
	int step;

	if (!b)
		return fail(dest, err, "starting the backup into", to);
	do {
		step = sqlite3_backup_step(b, STEP_PAGES);
		*pages = sqlite3_backup_pagecount(b);
		if (progress && (step == SQLITE_OK || step == SQLITE_DONE))
			progress(ctx, *pages - sqlite3_backup_remaining(b), *pages);
	} while (step == SQLITE_OK);
	/* sqlite3_backup_finish reports the step's error, if any, on dest. */
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE)
		return fail(dest, err, "backing up into", to);
	return LMN_OK;
}

enum lmn_rc sq_peek_schema(const char *address, int *version, struct lmn_err *err)
{
	sqlite3 *conn = NULL;
	enum lmn_rc rc;

	*version = 0;
	if (access(address, F_OK) != 0)
		return lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "%s: %s", address,
				   strerror(errno));
	/* Read-only, as a backup's source: no migration, no checkpoint, nothing written. */
	if (sqlite3_open_v2(address, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = fail(conn, err, "opening", address);
	} else {
		sqlite3_busy_timeout(conn, BUSY_MS);
		rc = schema_of(conn, version, address, err);
	}
	sqlite3_close(conn);
	return rc;
}

enum lmn_rc db_backup(const char *address, const char *to, db_backup_progress_fn progress,
		      void *ctx, struct db_backup_info *info, struct lmn_err *err)
{
	static const char *const leftovers[] = { "-journal", "-wal", "-shm" };
	sqlite3 *src = NULL, *dest = NULL;
	enum lmn_rc rc;
	int fd;
	bool made = false;

	memset(info, 0, sizeof(*info));
	if (is_url(address))
		return lmn_err_set(err, LMN_EREFUSED, NULL, NULL,
				   "not supported on this engine: use pg_basebackup/pg_dump, see "
				   "README");
	if (access(address, F_OK) != 0)
		return lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "%s: %s", address,
				   strerror(errno));
	/* The new file is ours alone from here: an existing one is never overwritten, and a
	 * backup holds patient data, so only its owner reads it. */
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return lmn_err_set(err, errno == EEXIST ? LMN_EEXIST : LMN_EIO, NULL, NULL,
				   "%s: %s", to, strerror(errno));
	close(fd);
	made = true;

	/* Read-only: the backup never writes to the live store, nor checkpoints its log. */
	if (sqlite3_open_v2(address, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = fail(src, err, "opening", address);
		goto out;
	}
	sqlite3_busy_timeout(src, BUSY_MS);
	if (sqlite3_open_v2(to, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = fail(dest, err, "opening", to);
		goto out;
	}
	/* A failed backup is removed, so the new file needs no journal; it is synced once at the
	 * end. */
	if (sqlite3_exec(dest, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL,
			 NULL) != SQLITE_OK) {
		rc = fail(dest, err, "preparing", to);
		goto out;
	}
	/* The snapshot: the read transaction starts at its first read, the schema number. */
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail(src, err, "reading", address);
		goto out;
	}
	if ((rc = schema_of(src, &info->schema, address, err)) == LMN_OK)
		rc = copy_pages(src, dest, to, progress, ctx, &info->pages, err);
	(void)sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(src);
	src = NULL;
	sqlite3_close(dest);
	dest = NULL;
	if (rc != LMN_OK)
		goto out;
	if ((rc = sync_file(to, err)) != LMN_OK)
		goto out;

	/* Checked as the next lmn serve would find it: opened anew from the file. */
	if (sqlite3_open_v2(to, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = fail(dest, err, "opening the copy", to);
		goto out;
	}
	if ((rc = integrity(dest, to, err)) != LMN_OK ||
	    (rc = schema_of(dest, &info->copy_schema, to, err)) != LMN_OK)
		goto out;
	if (info->copy_schema != info->schema) {
		rc = lmn_err_set(err, LMN_EDB, NULL, NULL,
				 "the copy %s has schema %d, the store %s had %d", to,
				 info->copy_schema, address, info->schema);
		goto out;
	}
	info->checked = true;
out:
	sqlite3_close(src);
	sqlite3_close(dest);
	if (rc != LMN_OK && made) {
		char side[4096 + 16];

		(void)unlink(to);
		for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++) {
			snprintf(side, sizeof(side), "%s%s", to, leftovers[i]);
			(void)unlink(side);
		}
	}
	return rc;
}
