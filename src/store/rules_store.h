/* The rule parameters in force: the rule files (data/rules) plus the rule versions that decisions
 * recorded in the change log introduce. A decision recorded while lmn serves takes effect without
 * a restart: the rules are rebuilt and swapped in; requests in flight keep the set they started
 * with. */
#ifndef LMN_RULES_STORE_H
#define LMN_RULES_STORE_H

#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

/* Reads the rule files of dir, then the change log's rule versions on connection c (in order of
 * effective date), then extra (a candidate entry's rules text, may be NULL), and builds the rule
 * sets into p (freshly initialised). */
LMN_MUST_USE enum lmn_rc rules_store_load(struct params *p, const char *dir, struct db_conn *c,
					  const char *extra, struct lmn_err *err);

struct rules_live;

LMN_MUST_USE enum lmn_rc rules_live_open(const char *dir, struct db *db, struct rules_live **out,
					 struct lmn_err *err);
/* The rule set collection now in force; valid until rules_live_close. */
const struct params *rules_live_get(struct rules_live *r);
/* Rebuilds from the files and the store and swaps the result in. c: a connection to read the
 * change log on (one that has just committed an entry), or NULL to take one from the pool. */
LMN_MUST_USE enum lmn_rc rules_live_reload(struct rules_live *r, struct db_conn *c,
					   struct lmn_err *err);
/* Rebuilds if another process (or connection) recorded rule versions in the change log since
 * the last build; looks at most once a second, on connection c. */
LMN_MUST_USE enum lmn_rc rules_live_refresh(struct rules_live *r, struct db_conn *c,
					    struct lmn_err *err);
const char *rules_live_dir(const struct rules_live *r);
void rules_live_close(struct rules_live *r);

#endif
