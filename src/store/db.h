/* The store's one interface. A backend per engine implements it (SQLite now). */
#ifndef LMN_DB_H
#define LMN_DB_H

#include "util/rc.h"

struct db;

/* Opens (creating if needed) the database at path and applies every pending migration, each in
 * its own transaction. */
LMN_MUST_USE enum lmn_rc db_open(const char *path, struct db **out, struct lmn_err *err);
void db_close(struct db *db);

/* The number of the last applied migration. */
LMN_MUST_USE enum lmn_rc db_schema_version(struct db *db, int *version, struct lmn_err *err);
/* A cheap query that proves the database answers. */
LMN_MUST_USE enum lmn_rc db_ping(struct db *db, struct lmn_err *err);

#endif
