/* The change log in the store (GOVERNANCE.md "The change log"): its entries, append-only, and
 * the text of a specification section as in force on a day. */
#ifndef LMN_CHANGE_LOG_STORE_H
#define LMN_CHANGE_LOG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* An entry as stored, its section in the canonical form ("B6:1"). Text valid during the
 * callback only. */
struct change_log_entry {
	int64_t id;
	const char *decided_on, *body, *heading, *section, *original_text, *new_text;
	const char *effective_on;
	const char *rules; /* "" when the entry changes no rule parameter */
	int64_t item_id;   /* 0: cites no agenda item */
	bool from_files;   /* its rule versions are in the rule files */
	const char *created_at;
};
typedef enum lmn_rc (*change_log_fn)(const struct change_log_entry *e, void *arg);

/* The entries in order of decision, of a section and the sections under it (section "" for
 * all; "B6.1" and "B6:1" are the same) and of a body ("" for all). */
LMN_MUST_USE enum lmn_rc change_log_entries(struct db_conn *c, const char *section,
					    const char *body, change_log_fn fn, void *arg,
					    struct lmn_err *err);
/* Entry id to fn; *found false (fn not called) when there is none. */
LMN_MUST_USE enum lmn_rc change_log_entry_load(struct db_conn *c, int64_t id, bool *found,
					       change_log_fn fn, void *arg, struct lmn_err *err);

/* A new entry: section canonical ("" for none), rules NULL when it changes no rule parameter,
 * item_id 0 when it cites no agenda item. */
struct change_log_new {
	const char *decided_on, *body, *heading, *section, *original_text, *new_text;
	const char *effective_on, *rules, *created_at;
	int64_t item_id;
};
/* Appends an entry; LMN_EINVAL when the item it cites does not exist. */
LMN_MUST_USE enum lmn_rc change_log_insert(struct db_conn *c, const struct change_log_new *e,
					   int64_t *id, struct lmn_err *err);

/* The text of a section in force on day: the newest entry in force then that gives a text, else
 * the original wording of the first entry that quotes one (an entry that only changes rule
 * parameters leaves the wording as it was). *entry is 0 when the text is the original wording,
 * since the day the entry took effect. *text is the caller's to free. LMN_ENOTFOUND when the log
 * has no text for the section. */
LMN_MUST_USE enum lmn_rc change_log_text_on(struct db_conn *c, const char *section, const char *day,
					    char **text, int64_t *entry, char since[11],
					    struct lmn_err *err);

#endif
