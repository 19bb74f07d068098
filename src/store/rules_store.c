/* Rule parameters from the files and the change log: see rules_store.h. */
#include "store/rules_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/rules_files.h"

enum lmn_rc rules_store_load(struct params *p, const char *dir, struct db_conn *c,
			     const char *extra, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = rules_files_read(p, dir, err)) != LMN_OK)
		return rc;
	rc = db_prepare(c,
			"SELECT id, rules FROM change_log WHERE rules IS NOT NULL "
			"ORDER BY effective_on, id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		char name[48];
		const char *text = db_col_text(st, 1);
		snprintf(name, sizeof(name), "change log entry %lld", (long long)db_col_int(st, 0));
		if ((rc = params_load_change(p, name, text, strlen(text), err)) != LMN_OK)
			break;
	}
	db_done(st);
	if (rc == LMN_OK && extra)
		rc = params_load_change(p, "the new change log entry", extra, strlen(extra), err);
	return rc == LMN_OK ? params_finish(p, err) : rc;
}

struct rules_live {
	pthread_mutex_t lock;	     /* guards current and old */
	pthread_mutex_t reload_lock; /* one rebuild at a time */
	char *dir;
	struct db *db;
	struct params *current;
	/* Earlier sets stay allocated until close: a request may still use one. A decision is rare,
	 * so this costs little. */
	struct params **old;
	size_t nold;
	int64_t built_from;	 /* the newest change-log entry with rules when current was built */
	struct timespec checked; /* when rules_live_refresh last looked */
};

/* The newest change-log entry that carries rule versions. */
static enum lmn_rc newest_entry(struct db_conn *c, int64_t *id, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc =
		db_prepare(c, "SELECT coalesce(max(id), 0) FROM change_log WHERE rules IS NOT NULL",
			   &st, err);

	*id = 0;
	if (rc != LMN_OK)
		return rc;
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static enum lmn_rc build(struct rules_live *r, struct db_conn *given, struct params **out,
			 int64_t *newest, struct lmn_err *err)
{
	struct params *p = malloc(sizeof(*p));
	struct db_conn *c = given;
	enum lmn_rc rc = LMN_OK;

	*out = NULL;
	if (!p)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	params_init(p);
	if (given || (rc = db_acquire(r->db, &c, err)) == LMN_OK) {
		/* Read in one read transaction, so newest matches the versions loaded. */
		bool tx = db_begin(c, false, err) == LMN_OK;
		rc = newest_entry(c, newest, err);
		if (rc == LMN_OK)
			rc = rules_store_load(p, r->dir, c, NULL, err);
		if (tx)
			db_rollback(c);
		if (!given)
			db_release(r->db, c);
	}
	if (rc != LMN_OK) {
		params_release(p);
		free(p);
		return rc;
	}
	*out = p;
	return LMN_OK;
}

enum lmn_rc rules_live_open(const char *dir, struct db *db, struct rules_live **out,
			    struct lmn_err *err)
{
	struct rules_live *r = calloc(1, sizeof(*r));
	enum lmn_rc rc;

	*out = NULL;
	if (!r || !(r->dir = strdup(dir))) {
		free(r);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->reload_lock, NULL);
	r->db = db;
	clock_gettime(CLOCK_MONOTONIC, &r->checked);
	if ((rc = build(r, NULL, &r->current, &r->built_from, err)) != LMN_OK) {
		rules_live_close(r);
		return rc;
	}
	*out = r;
	return LMN_OK;
}

const struct params *rules_live_get(struct rules_live *r)
{
	const struct params *p;

	pthread_mutex_lock(&r->lock);
	p = r->current;
	pthread_mutex_unlock(&r->lock);
	return p;
}

const char *rules_live_dir(const struct rules_live *r)
{
	return r->dir;
}

enum lmn_rc rules_live_reload(struct rules_live *r, struct db_conn *c, struct lmn_err *err)
{
	struct params *p, **old;
	int64_t newest = 0;
	enum lmn_rc rc;

	/* One rebuild at a time, so two decisions recorded together cannot swap in a set that
	 * misses the later one. */
	pthread_mutex_lock(&r->reload_lock);
	rc = build(r, c, &p, &newest, err);
	if (rc != LMN_OK) {
		pthread_mutex_unlock(&r->reload_lock);
		return rc;
	}

	if (rc != LMN_OK)
		return rc;
	pthread_mutex_lock(&r->lock);
	old = realloc(r->old, (r->nold + 1) * sizeof(*old));
	if (!old) {
		pthread_mutex_unlock(&r->lock);
		pthread_mutex_unlock(&r->reload_lock);
		params_release(p);
		free(p);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	r->old = old;
	r->old[r->nold++] = r->current;
	r->current = p;
	r->built_from = newest;
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_unlock(&r->reload_lock);
	return LMN_OK;
}

enum lmn_rc rules_live_refresh(struct rules_live *r, struct db_conn *c, struct lmn_err *err)
{
	struct timespec now;
	int64_t newest, built;
	bool due;
	enum lmn_rc rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&r->lock);
	due = now.tv_sec > r->checked.tv_sec ||
	      (now.tv_sec == r->checked.tv_sec && now.tv_nsec - r->checked.tv_nsec >= 1000000000L);
	if (due)
		r->checked = now;
	built = r->built_from;
	pthread_mutex_unlock(&r->lock);
	if (!due)
		return LMN_OK;
	if ((rc = newest_entry(c, &newest, err)) != LMN_OK)
		return rc;
	return newest == built ? LMN_OK : rules_live_reload(r, c, err);
}

void rules_live_close(struct rules_live *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nold; i++) {
		params_release(r->old[i]);
		free(r->old[i]);
	}
	if (r->current) {
		params_release(r->current);
		free(r->current);
	}
	free(r->old);
	free(r->dir);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->reload_lock);
	free(r);
}
