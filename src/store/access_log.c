/* The access log: entries, list views, a patient's view and retention. */
#include "store/access_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

enum lmn_rc access_log_add(struct db_conn *c, const struct access_log_row *r, struct lmn_err *err)
{
	return db_do(
		c, err,
		"INSERT INTO access_log (at, user_id, role, patient_id, action, what, token_id) "
		"VALUES ($1, $2, $3, $4, $5, $6, nullif($7, 0))",
		"tititti", r->at, r->user_id, r->role, r->patient_id, r->action, r->what,
		r->token_id);
}

enum lmn_rc access_log_add_view(struct db_conn *c, const char *at, int64_t user_id,
				int64_t token_id, const char *role, const char *what, int64_t *ids,
				size_t n, struct lmn_err *err)
{
	struct db_stmt *st;
	char *set;
	size_t len = 1, k = 0;
	int64_t view;
	enum lmn_rc rc;

	if (n == 0)
		return LMN_OK;
	qsort(ids, n, sizeof(*ids), id_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			ids[k++] = ids[i];
	/* ",12,57,301,": at most 20 digits and a comma per id */
	if (!(set = malloc(k * 21 + 2)))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	set[0] = ',';
	set[1] = '\0';
	for (size_t i = 0; i < k; i++)
		len += (size_t)snprintf(set + len, 22, "%lld,", (long long)ids[i]);
	rc = db_prepare(
		c,
		"INSERT INTO access_log_views (after, at, user_id, role, what, patients, token_id) "
		"VALUES ((SELECT coalesce(max(id), 0) FROM access_log), $1, $2, $3, $4, $5, "
		"nullif($6, 0))",
		&st, err);
	if (rc == LMN_OK) {
		db_bind_text(st, 1, at);
		db_bind_int(st, 2, user_id);
		db_bind_text(st, 3, role);
		db_bind_text(st, 4, what);
		db_bind_text_kept(st, 5, set);
		db_bind_int(st, 6, token_id);
		rc = db_run(st, err);
	}
	free(set);
	if (rc != LMN_OK)
		return rc;
	view = db_last_id(c);
	/* Each patient's batch of views, once: a patient listed again in the batch writes nothing. */
	if ((rc = db_prepare(c,
			     "INSERT INTO access_log_view_batches (patient_id, batch) "
			     "VALUES ($1, $2) ON CONFLICT DO NOTHING",
			     &st, err)) != LMN_OK)
		return rc;
	for (size_t i = 0; rc == LMN_OK && i < k; i++) {
		db_bind_int(st, 1, ids[i]);
		db_bind_int(st, 2, view / ACCESS_LOG_VIEW_BATCH);
		rc = db_run(st, err);
	}
	db_done(st);
	return rc;
}

/* Reads the ids (and patients) of the oldest entries of a table before `before`, up to max. */
static enum lmn_rc oldest(struct db_conn *c, const char *sql, const char *before, int max,
			  int64_t *ids, int64_t *patients, int *n, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*n = 0;
	if ((rc = db_prepare(c, sql, &st, err)) != LMN_OK)
		return rc;
	db_bind_int(st, 1, max);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		if (strcmp(db_col_text(st, 2), before) >= 0)
			break; /* within the retention period: so is every later entry */
		ids[*n] = db_col_int(st, 0);
		patients[*n] = db_col_int(st, 1);
		(*n)++;
	}
	db_done(st);
	return rc;
}

static enum lmn_rc delete_ids(struct db_conn *c, const char *sql, const int64_t *a,
			      const int64_t *b, int n, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	if ((rc = db_prepare(c, sql, &st, err)) != LMN_OK)
		return rc;
	for (int i = 0; rc == LMN_OK && i < n; i++) {
		db_bind_int(st, 1, a[i]);
		if (b)
			db_bind_int(st, 2, b[i]);
		rc = db_run(st, err);
	}
	db_done(st);
	return rc;
}

/* The time years before now (an ISO time, to the minute or second; its offset is not read) into
 * out as YYYY-MM-DDTHH:MM:SS, as SQLite's strftime with '-N years' gives it: 29 February of a
 * year that has none is 1 March. False when now does not read as a time. */
static bool years_before(const char *now, int years, char out[32])
{
	int y, mo, d, h, mi, sec = 0;

	if (sscanf(now, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) < 5)
		return false;
	y -= years;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
		mo = 3;
		d = 1;
	}
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
	return true;
}

enum lmn_rc access_log_remove_expired(struct db_conn *c, const char *now, int max, int64_t *removed,
				      struct lmn_err *err)
{
	struct db_stmt *st;
	int64_t *ids = NULL, *patients = NULL;
	char before[32] = "";
	int n = 0, nviews = 0, nsearch = 0;
	bool row;
	enum lmn_rc rc;

	*removed = 0;
	if (max < 1)
		return LMN_OK;
	/* The retention period back from now, and never later than the triggers' own bound. */
	if ((rc = db_prepare(c,
			     "SELECT r.years, e.before "
			     "FROM access_log_retention r, access_log_expired e",
			     &st, err)) != LMN_OK)
		return rc;
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row && !db_col_null(st, 1) &&
	    years_before(now, (int)db_col_int(st, 0), before)) {
		if (strcmp(db_col_text(st, 1), before) < 0)
			snprintf(before, sizeof(before), "%s", db_col_text(st, 1));
	} else {
		before[0] = '\0';
	}
	db_done(st);
	if (rc != LMN_OK)
		return rc;
	if (!*before)
		return lmn_err_set(err, LMN_EDB, NULL, NULL,
				   "access log retention: no period (access_log_retention)");
	ids = malloc((size_t)max * sizeof(*ids));
	patients = malloc((size_t)max * sizeof(*patients));
	if (!ids || !patients) {
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	/* The entries of access_log, with their places in the index by patient. An entry still in a
	 * chunk of access_log_recent (only the last 64 filings' are) is left there: a chunk's entry
	 * whose access_log row is gone is not shown, and the chunk empties at its next filings. The
	 * last entry stays: the next one's id follows it (an id below the filed part is refused). */
	rc = oldest(c,
		    "SELECT id, patient_id, at FROM access_log "
		    "WHERE id < (SELECT max(id) FROM access_log) ORDER BY id LIMIT $1",
		    before, max, ids, patients, &n, err);
	if (rc == LMN_OK)
		rc = delete_ids(
			c, "DELETE FROM access_log_by_patient WHERE patient_id = $2 AND id = $1",
			ids, patients, n, err);
	if (rc == LMN_OK)
		rc = delete_ids(c, "DELETE FROM access_log WHERE id = $1", ids, NULL, n, err);
	if (rc != LMN_OK)
		goto out;
	/* The list views, then, when none is left to remove, the batches no view is left in (a
	 * scan of them all, once a run). */
	rc = oldest(c, "SELECT id, 0, at FROM access_log_views ORDER BY id LIMIT $1", before,
		    max - n, ids, patients, &nviews, err);
	if (rc == LMN_OK)
		rc = delete_ids(c, "DELETE FROM access_log_views WHERE id = $1", ids, NULL, nviews,
				err);
	/* The log of searches by number (migration 13) is kept as long as the access log. */
	if (rc == LMN_OK)
		rc = oldest(c, "SELECT id, 0, at FROM id_number_searches ORDER BY id LIMIT $1",
			    before, max - n - nviews, ids + n + nviews, patients, &nsearch, err);
	if (rc == LMN_OK)
		rc = delete_ids(c, "DELETE FROM id_number_searches WHERE id = $1", ids + n + nviews,
				NULL, nsearch, err);
	if (rc == LMN_OK && n + nviews + nsearch < max &&
	    (rc = db_prepare(c,
			     "DELETE FROM access_log_view_batches WHERE batch < "
			     "coalesce((SELECT min(id) FROM access_log_views) / $1, 1 << 62)",
			     &st, err)) == LMN_OK) {
		db_bind_int(st, 1, ACCESS_LOG_VIEW_BATCH);
		rc = db_run(st, err);
	}
	if (rc == LMN_OK)
		*removed = n + nviews + nsearch;
out:
	free(ids);
	free(patients);
	return rc;
}

enum lmn_rc access_log_of_patient(struct db_conn *c, int64_t patient_id, const int64_t before[3],
				  int64_t except_user, int64_t max, access_log_entry_fn fn,
				  void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	/* A patient's entries are in the index by patient, in chunks not yet moved there, or at the
	 * log's end not yet filed (migration 12); the list views that showed them in the batches of
	 * views named for them (migration 14), in the order the two were written. */
	rc = db_prepare(
		c,
		"SELECT at, who, role, action, what, token_id, token, k1, k2, k3 FROM ("
		"SELECT a.at, coalesce(u.display_name, '') AS who, a.role, a.action, a.what, "
		"       coalesce(a.token_id, 0) AS token_id, coalesce(t.name, '') AS token, "
		"       coalesce(a.user_id, 0) AS user_id, k.id AS k1, 0 AS k2, 0 AS k3 "
		"FROM (SELECT id FROM access_log_by_patient WHERE patient_id = $1 "
		"      UNION ALL "
		"      SELECT id FROM access_log_recent "
		"       WHERE chunk IN (SELECT chunk FROM access_log_chunks) AND patient_id = $1 "
		"      UNION ALL "
		"      SELECT id FROM access_log "
		"       WHERE id > (SELECT upto FROM access_log_indexed) AND patient_id = $1) k "
		"JOIN access_log a ON a.id = k.id LEFT JOIN users u ON u.id = a.user_id "
		"LEFT JOIN api_tokens t ON t.id = a.token_id "
		"UNION ALL "
		"SELECT v.at, coalesce(u.display_name, ''), v.role, 'read', v.what, "
		"       coalesce(v.token_id, 0), coalesce(t.name, ''), coalesce(v.user_id, 0), "
		"       v.after, 1, v.id "
		"FROM access_log_view_batches b JOIN access_log_views v "
		"  ON v.id BETWEEN b.batch * 1024 AND b.batch * 1024 + 1023 "
		"LEFT JOIN users u ON u.id = v.user_id LEFT JOIN api_tokens t ON t.id = v.token_id "
		"WHERE b.patient_id = $1 AND v.patients LIKE '%,' || $1 || ',%') e "
		"WHERE (k1, k2, k3) < ($3, $4, $5) AND ($6 = 0 OR user_id <> $6) "
		"ORDER BY k1 DESC, k2 DESC, k3 DESC LIMIT $2",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_int(st, 2, max);
	for (int i = 0; i < 3; i++)
		db_bind_int(st, 3 + i, before ? before[i] : INT64_MAX);
	db_bind_int(st, 6, except_user);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct access_log_entry e = {
			.at = db_col_text(st, 0),
			.who = db_col_text(st, 1),
			.role = db_col_text(st, 2),
			.action = db_col_text(st, 3),
			.what = db_col_text(st, 4),
			.token_id = db_col_int(st, 5),
			.token = db_col_text(st, 6),
			.key = { db_col_int(st, 7), db_col_int(st, 8), db_col_int(st, 9) },
		};
		if ((rc = fn(&e, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}
