/* The change log in the store: see change_log_store.h. */
#include "store/change_log_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Section references have one canonical form, "B6:1": the log's 2023-11-16 entry says "B6.1"
 * (the seed's heading), the rules and lmn rules show "B6:1"; both find the same text. */
#define SECTION_SQL "replace(spec_section, '.', ':')"
#define ENTRY_COLUMNS                                                               \
	"id, decided_on, body, heading, " SECTION_SQL ", original_text, new_text, " \
	"effective_on, coalesce(rules, ''), coalesce(item_id, 0), from_files, created_at"

static enum lmn_rc entries(struct db_stmt *st, bool *any, change_log_fn fn, void *arg,
			   struct lmn_err *err)
{
	enum lmn_rc rc;
	bool row;

	*any = false;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct change_log_entry e = {
			.id = db_col_int(st, 0),
			.decided_on = db_col_text(st, 1),
			.body = db_col_text(st, 2),
			.heading = db_col_text(st, 3),
			.section = db_col_text(st, 4),
			.original_text = db_col_text(st, 5),
			.new_text = db_col_text(st, 6),
			.effective_on = db_col_text(st, 7),
			.rules = db_col_text(st, 8),
			.item_id = db_col_int(st, 9),
			.from_files = db_col_int(st, 10) != 0,
			.created_at = db_col_text(st, 11),
		};
		*any = true;
		if ((rc = fn(&e, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc change_log_entries(struct db_conn *c, const char *section, const char *body,
			       change_log_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc =
		db_prepare(c,
			   "SELECT " ENTRY_COLUMNS " FROM change_log WHERE "
			   "($1 = '' OR " SECTION_SQL " = replace($1, '.', ':') OR " SECTION_SQL
			   " LIKE replace($1, '.', ':') || ':%') AND "
			   "($2 = '' OR body = $2) ORDER BY decided_on, id",
			   &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, section);
	db_bind_text(st, 2, body);
	return entries(st, &any, fn, arg, err);
}

enum lmn_rc change_log_entry_load(struct db_conn *c, int64_t id, bool *found, change_log_fn fn,
				  void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c, "SELECT " ENTRY_COLUMNS " FROM change_log WHERE id = $1", &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	return entries(st, found, fn, arg, err);
}

enum lmn_rc change_log_insert(struct db_conn *c, const struct change_log_new *e, int64_t *id,
			      struct lmn_err *err)
{
	return db_int(c, id, 0, err,
		      "INSERT INTO change_log (decided_on, body, heading, spec_section, "
		      "original_text, new_text, effective_on, rules, item_id, created_at) VALUES "
		      "($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0), $10) RETURNING id",
		      "ttttttttit", e->decided_on, e->body, e->heading, e->section,
		      e->original_text, e->new_text, e->effective_on, e->rules, e->item_id,
		      e->created_at);
}

enum lmn_rc change_log_text_on(struct db_conn *c, const char *section, const char *day, char **text,
			       int64_t *entry, char since[11], struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT id, new_text, effective_on FROM change_log WHERE " SECTION_SQL
		" = replace($1, '.', ':') AND "
		"effective_on <= $2 AND new_text <> '' ORDER BY effective_on DESC, id DESC LIMIT 1",
		&st, err);

	*text = NULL;
	*entry = 0;
	since[0] = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, section);
	db_bind_text(st, 2, day);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row) {
		*entry = db_col_int(st, 0);
		*text = strdup(db_col_text(st, 1));
		snprintf(since, 11, "%s", db_col_text(st, 2));
	}
	db_done(st);
	if (rc != LMN_OK || row)
		return rc == LMN_OK && !*text ? LMN_ENOMEM : rc;
	rc = db_prepare(c,
			"SELECT original_text FROM change_log WHERE " SECTION_SQL
			" = replace($1, '.', ':') AND "
			"original_text <> '' ORDER BY effective_on, id LIMIT 1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, section);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row && !(*text = strdup(db_col_text(st, 0))))
		rc = LMN_ENOMEM;
	db_done(st);
	if (rc == LMN_OK && !row)
		rc = lmn_err_set(err, LMN_ENOTFOUND, "section", NULL,
				 "Ändringsloggen har ingen text för avsnittet %s.", section);
	return rc;
}
