/* The 1177 contracts' traffic of the day (calls per interaction and version, logical errors,
 * faults), counted in memory by the process and written to the store every few seconds
 * (rivta_traffic: a row per server), and GET /api/rivta/traffic that shows the day's sum over the
 * servers on one database for the administration's page. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "store/rivta_traffic.h"

/* How often (seconds) a server writes what it counted, when it counted anything since. */
#define TRAFFIC_WRITE_S 2

static const char *const outcome_names[TRAFFIC__COUNT] = {
	[TRAFFIC_OK] = "ok", [TRAFFIC_ERROR] = "error", [TRAFFIC_FAULT] = "fault"
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct traffic_day counts; /* this process's, today */
	bool dirty;		   /* counted since the last write */
	struct traffic_day ended;  /* the day before, if counted since its last write */
	bool ended_dirty;
	struct db *db;
	pthread_t thread;
	bool running, stop;
} tr = { .lock = PTHREAD_MUTEX_INITIALIZER,
	 .wake = PTHREAD_COND_INITIALIZER,
	 .counts = { .day = LMN_DAY_NONE } };

void traffic_count(lmn_day today, enum ms_interaction k, int version, enum traffic_outcome o)
{
	if ((unsigned)k >= MS__COUNT || version < 1 || version > 2 || (unsigned)o >= TRAFFIC__COUNT)
		return;
	pthread_mutex_lock(&tr.lock);
	if (tr.counts.day != today) {
		/* The day ended: what it counted since the last write is written next time. */
		if (tr.dirty) {
			tr.ended = tr.counts;
			tr.ended_dirty = true;
		}
		memset(&tr.counts, 0, sizeof(tr.counts));
		tr.counts.day = today;
	}
	tr.counts.n[k][version - 1][o]++;
	tr.dirty = true;
	pthread_mutex_unlock(&tr.lock);
}

struct write {
	struct traffic_day days[2]; /* the day that ended, if any, and today */
	int ndays;
	struct lmn_err err;
};

/* Writes one day's counts, a row per interaction, version and outcome counted. */
static enum lmn_rc write_day(struct db_conn *c, const struct traffic_day *t, struct lmn_err *err)
{
	enum { CELLS = MS__COUNT * 2 * TRAFFIC__COUNT };
	char day[11];
	enum lmn_rc rc = LMN_OK;

	date_format(t->day, day);
	for (int i = 0; rc == LMN_OK && i < CELLS; i++) {
		int k = i / (2 * TRAFFIC__COUNT), v = i / TRAFFIC__COUNT % 2,
		    o = i % TRAFFIC__COUNT;

		if (t->n[k][v][o])
			rc = rivta_traffic_set(c, day, jobs_server(),
					       ms_interaction_name((enum ms_interaction)k), v + 1,
					       outcome_names[o], (int64_t)t->n[k][v][o], err);
	}
	return rc;
}

static enum lmn_rc write_job(struct db_conn *c, void *arg)
{
	struct write *w = arg;
	enum lmn_rc rc = LMN_OK;

	for (int d = 0; rc == LMN_OK && d < w->ndays; d++)
		rc = write_day(c, &w->days[d], &w->err);
	return rc;
}

/* Writes this process's counts, if it counted anything since the last time; on a failure they
 * are written the next time. */
static void write_counts(void)
{
	struct write w = { .ndays = 0 };

	lmn_err_clear(&w.err);
	pthread_mutex_lock(&tr.lock);
	if (tr.ended_dirty)
		w.days[w.ndays++] = tr.ended;
	if (tr.dirty && tr.counts.day != LMN_DAY_NONE)
		w.days[w.ndays++] = tr.counts;
	tr.dirty = tr.ended_dirty = false;
	pthread_mutex_unlock(&tr.lock);
	if (w.ndays == 0)
		return;
	if (db_write_pooled(tr.db, write_job, &w, &w.err) != LMN_OK) {
		fprintf(stderr, "lmn: writing the 1177 traffic: %s\n", w.err.message);
		/* Written again next time: the counts only grow, so the later copy holds these. */
		pthread_mutex_lock(&tr.lock);
		for (int d = 0; d < w.ndays; d++) {
			if (w.days[d].day == tr.counts.day) {
				tr.dirty = true;
			} else if (!tr.ended_dirty) {
				tr.ended = w.days[d];
				tr.ended_dirty = true;
			}
		}
		pthread_mutex_unlock(&tr.lock);
	}
}

static void *traffic_main(void *arg)
{
	struct timespec ts;

	(void)arg;
	pthread_mutex_lock(&tr.lock);
	while (!tr.stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += TRAFFIC_WRITE_S;
		while (!tr.stop && pthread_cond_timedwait(&tr.wake, &tr.lock, &ts) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&tr.lock);
		write_counts();
		pthread_mutex_lock(&tr.lock);
	}
	pthread_mutex_unlock(&tr.lock);
	write_counts(); /* what was counted since, to the last call */
	return NULL;
}

enum lmn_rc traffic_start(struct db *db, struct lmn_err *err)
{
	enum lmn_rc rc = LMN_OK;

	pthread_mutex_lock(&tr.lock);
	tr.db = db;
	tr.stop = false;
	if (pthread_create(&tr.thread, NULL, traffic_main, NULL) != 0)
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL,
				 "cannot start the thread that writes the 1177 traffic");
	else
		tr.running = true;
	pthread_mutex_unlock(&tr.lock);
	return rc;
}

void traffic_stop(void)
{
	pthread_mutex_lock(&tr.lock);
	bool running = tr.running;
	tr.stop = true;
	tr.running = false;
	pthread_cond_signal(&tr.wake);
	pthread_mutex_unlock(&tr.lock);
	if (running)
		pthread_join(tr.thread, NULL); /* its last pass wrote what was counted */
}

static enum lmn_rc add_other(const char *interaction, int version, const char *outcome,
			     int64_t calls, void *arg)
{
	struct traffic_day *out = arg;
	int k = ms_interaction_parse(interaction, strlen(interaction));

	for (int o = 0; o < TRAFFIC__COUNT; o++)
		if (k >= 0 && k < MS__COUNT && version >= 1 && version <= 2 &&
		    strcmp(outcome, outcome_names[o]) == 0 && calls > 0)
			out->n[k][version - 1][o] += (unsigned long)calls;
	return LMN_OK;
}

enum lmn_rc traffic_get(struct db_conn *c, lmn_day today, struct traffic_day *out,
			struct lmn_err *err)
{
	char day[11];

	pthread_mutex_lock(&tr.lock);
	if (tr.counts.day == today) {
		*out = tr.counts;
	} else {
		memset(out, 0, sizeof(*out));
		out->day = today;
	}
	pthread_mutex_unlock(&tr.lock);
	date_format(today, day);
	/* The other servers' (and this server's before a restart: another process), as they last
	 * wrote them; this process's own are the counts above. */
	return rivta_traffic_of_day(c, day, jobs_server(), add_other, out, err);
}

/* GET /api/rivta/traffic: today's counts of every server, a row per interaction and major
 * version (all six, zero included, so the page's table keeps its shape). */
int rivta_traffic_get(struct api_ctx *ctx)
{
	static const char *const outcome_keys[TRAFFIC__COUNT] = {
		[TRAFFIC_OK] = "ok", [TRAFFIC_ERROR] = "errors", [TRAFFIC_FAULT] = "faults"
	};
	struct traffic_day t;
	unsigned long total[TRAFFIC__COUNT] = { 0 };
	json_t *rows, *sum;
	char day[11];
	enum lmn_rc rc = traffic_get(ctx->c, ctx->today, &t, &ctx->err);

	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	rows = json_array();
	for (int k = 0; k < MS__COUNT; k++)
		for (int v = 0; v < 2; v++) {
			json_t *row = json_pack("{s:s, s:i}", "interaction",
						ms_interaction_name((enum ms_interaction)k),
						"version", v + 1);
			unsigned long calls = 0;

			for (int o = 0; o < TRAFFIC__COUNT; o++) {
				json_object_set_new(row, outcome_keys[o],
						    json_integer((json_int_t)t.n[k][v][o]));
				calls += t.n[k][v][o];
				total[o] += t.n[k][v][o];
			}
			json_object_set_new(row, "calls", json_integer((json_int_t)calls));
			json_array_append_new(rows, row);
		}
	sum = json_pack("{s:I, s:I, s:I, s:I}", "calls",
			(json_int_t)(total[TRAFFIC_OK] + total[TRAFFIC_ERROR] +
				     total[TRAFFIC_FAULT]),
			"ok", (json_int_t)total[TRAFFIC_OK], "errors",
			(json_int_t)total[TRAFFIC_ERROR], "faults",
			(json_int_t)total[TRAFFIC_FAULT]);
	date_format(ctx->today, day);
	/* The listener runs only with a LogicalAddress (cmd_serve.c checks the options
	 * together). */
	return api_json(ctx, 200,
			json_pack("{s:s, s:b, s:o, s:o}", "day", day, "served",
				  ctx->app->cfg.logical_address != NULL, "interactions", rows,
				  "total", sum));
}
