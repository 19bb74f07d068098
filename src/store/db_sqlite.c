/* The SQLite backend of the store: opening, pragmas and migrations. */
#include "store/db.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "store/migrations.h"

struct db {
	sqlite3 *conn;
};

static enum lmn_rc db_fail(struct db *db, struct lmn_err *err, const char *what)
{
	return lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s", what,
			   db && db->conn ? sqlite3_errmsg(db->conn) : "no connection");
}

static enum lmn_rc exec(struct db *db, const char *sql, struct lmn_err *err, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(db->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum lmn_rc rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "%s: %s", what,
					     msg ? msg : "failed");
		sqlite3_free(msg);
		return rc;
	}
	return LMN_OK;
}

static enum lmn_rc migrate(struct db *db, struct lmn_err *err)
{
	int version = 0;
	enum lmn_rc rc;

	rc = exec(db,
		  "CREATE TABLE IF NOT EXISTS schema_migrations ("
		  " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
		  err, "schema_migrations");
	if (rc != LMN_OK || (rc = db_schema_version(db, &version, err)) != LMN_OK)
		return rc;
	if (version > migration_count)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "the database is at migration %d, newer than this lmn (%d)", version,
				   migration_count);
	for (int i = version; i < migration_count; i++) {
		const struct migration *m = &migrations[i];
		sqlite3_stmt *st = NULL;

		if ((rc = exec(db, "BEGIN IMMEDIATE", err, "begin")) != LMN_OK)
			return rc;
		rc = exec(db, m->sql, err, m->name);
		if (rc == LMN_OK) {
			if (sqlite3_prepare_v2(db->conn,
					       "INSERT INTO schema_migrations (number, name, applied_at) "
					       "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
					       -1, &st, NULL) != SQLITE_OK ||
			    sqlite3_bind_int(st, 1, m->number) != SQLITE_OK ||
			    sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC) != SQLITE_OK ||
			    sqlite3_step(st) != SQLITE_DONE)
				rc = db_fail(db, err, m->name);
			sqlite3_finalize(st);
		}
		if (rc == LMN_OK)
			rc = exec(db, "COMMIT", err, "commit");
		if (rc != LMN_OK) {
			(void)exec(db, "ROLLBACK", NULL, "rollback");
			return rc;
		}
	}
	return LMN_OK;
}

enum lmn_rc db_open(const char *path, struct db **out, struct lmn_err *err)
{
	struct db *db = calloc(1, sizeof(*db));
	enum lmn_rc rc;

	*out = NULL;
	if (!db)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (sqlite3_open_v2(path, &db->conn,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		rc = db_fail(db, err, path);
		db_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db->conn, 5000);
	rc = exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL",
		  err, "pragmas");
	if (rc == LMN_OK)
		rc = migrate(db, err);
	if (rc != LMN_OK) {
		db_close(db);
		return rc;
	}
	*out = db;
	return LMN_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->conn);
	free(db);
}

enum lmn_rc db_schema_version(struct db *db, int *version, struct lmn_err *err)
{
	sqlite3_stmt *st = NULL;
	enum lmn_rc rc = LMN_OK;

	if (sqlite3_prepare_v2(db->conn, "SELECT coalesce(max(number), 0) FROM schema_migrations", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = db_fail(db, err, "schema version");
	else
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

enum lmn_rc db_ping(struct db *db, struct lmn_err *err)
{
	int v;
	return db_schema_version(db, &v, err);
}
