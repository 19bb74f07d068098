/* lmn serve's background jobs: work that no request should wait for (issue 17).
 *
 * - Opening the contact cases due today (Spec B 3:6). It was done by every read of the delay
 *   queue, inside the single writer (1.3–1.8 s on the demo database); now it runs when lmn serve
 *   starts, when the local date changes, and after deliveries are registered: a delivery
 *   registered late for an earlier day may have completed an order before its contact date. The
 *   registrations of a few seconds are one run (JOBS_DELIVERY_DELAY_MS).
 * - Removing access-log entries past the retention period (access_log_retention), at start and
 *   when the date changes, JOBS_RETENTION_BATCH entries per transaction.
 * - Queuing the notices of prescriptions expiring within JOBS_EXPIRING_DAYS (issue 20), with the
 *   retention, each prescription once, and removing the notices sent more than
 *   JOBS_SENT_NOTICE_DAYS ago.
 * Several servers on one database may each run these: each run is one write transaction that
 * takes its job's lock row first (store/job_locks.h), so two runs follow one another and the
 * second finds the work done (a case is opened once, a notice queued once). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "store/access_log.h"
#include "store/contact_cases.h"
#include "store/job_locks.h"
#include "store/notices.h"
#include "store/rules_store.h"
#include "util/clock.h"

/* After a delivery registration, the wait for more before the cases are opened again. */
#define JOBS_DELIVERY_DELAY_MS 2000
/* How often the thread looks whether the local date has changed. */
#define JOBS_CLOCK_SECONDS 30
/* A prescription is told of when its last day is this close (issue 20: "within 30 days"). */
#define JOBS_EXPIRING_DAYS 30
/* Sent notices (their recipient and text) are kept this long, for questions about them. */
#define JOBS_SENT_NOTICE_DAYS 90
/* Access-log entries removed per transaction: the writer is held a few milliseconds at a time. */
#define JOBS_RETENTION_BATCH 2000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	struct db *db;
	struct rules_live *rules;
	bool running, stop, deliveries;
} jobs = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* A case opened for an order whose contact date is older than this tells the patient nothing
 * new (a database imported from history opens its old cases at the first start). */
#define JOBS_DELAYED_NOTICE_DAYS 7

struct open_job {
	const struct params *params;
	lmn_day today;
	const char *now;
	int64_t opened;
	struct lmn_err *err;
};

static enum lmn_rc open_write(struct db_conn *c, void *arg)
{
	struct open_job *j = arg;
	int64_t last, queued;
	enum lmn_rc rc;

	/* The patients' "delayed" notices in the transaction that opens their cases; the last case
	 * read after the lock, so another server's cases are not told of again. */
	if ((rc = job_lock(c, "contact_cases", jobs_server(), j->now, j->err)) != LMN_OK ||
	    (rc = notices_last_case(c, &last, j->err)) != LMN_OK ||
	    (rc = contact_cases_open(c, j->params, j->today, &j->opened, j->err)) != LMN_OK)
		return rc;
	return j->opened ? notices_enqueue_delayed(c, last, j->today - JOBS_DELAYED_NOTICE_DAYS,
						   j->now, &queued, j->err)
			 : LMN_OK;
}

struct retention_job {
	const char *now;
	int64_t removed;
	struct lmn_err *err;
};

static enum lmn_rc retention_write(struct db_conn *c, void *arg)
{
	struct retention_job *j = arg;

	return access_log_remove_expired(c, j->now, JOBS_RETENTION_BATCH, &j->removed, j->err);
}

struct expiring_job {
	lmn_day today;
	const char *now;
	struct lmn_err *err;
};

static enum lmn_rc expiring_write(struct db_conn *c, void *arg)
{
	struct expiring_job *j = arg;
	char before[11];
	int64_t queued, removed;
	enum lmn_rc rc;

	date_format(j->today - JOBS_SENT_NOTICE_DAYS, before);
	if ((rc = job_lock(c, "daily", jobs_server(), j->now, j->err)) != LMN_OK ||
	    (rc = notices_remove_sent(c, before, &removed, j->err)) != LMN_OK)
		return rc;
	return notices_enqueue_expiring(c, j->today, j->today + JOBS_EXPIRING_DAYS, j->now, &queued,
					j->err);
}

static enum lmn_rc run_expiring(struct db *db, const struct clock_now *now, struct lmn_err *err)
{
	struct expiring_job j = { now->day, now->iso, err };

	return db_write_pooled(db, expiring_write, &j, err);
}

static enum lmn_rc run_contact_cases(struct db *db, struct rules_live *rules,
				     const struct clock_now *now, struct lmn_err *err)
{
	struct open_job j = { rules_live_get(rules), now->day, now->iso, 0, err };

	return db_write_pooled(db, open_write, &j, err);
}

static enum lmn_rc run_retention(struct db *db, const char *now, struct lmn_err *err)
{
	struct db_conn *c;
	struct retention_job j = { now, JOBS_RETENTION_BATCH, err };
	enum lmn_rc rc = LMN_OK;

	if ((rc = db_acquire(db, &c, err)) != LMN_OK)
		return rc;
	while (rc == LMN_OK && j.removed == JOBS_RETENTION_BATCH) {
		pthread_mutex_lock(&jobs.lock);
		bool stop = jobs.stop;
		pthread_mutex_unlock(&jobs.lock);
		if (stop)
			break;
		rc = db_write(c, retention_write, &j, err);
	}
	db_release(db, c);
	return rc;
}

static void report(const char *job, enum lmn_rc rc, const struct lmn_err *err)
{
	if (rc != LMN_OK)
		fprintf(stderr, "lmn: %s: %s (tried again later)\n", job, err->message);
}

/* Unlocked; the time as clock_now gives it, or false (reported) without one. */
static bool now_of(struct clock_now *now)
{
	struct lmn_err err = { 0 };

	if (clock_now(now, &err) == LMN_OK)
		return true;
	report("background jobs", LMN_EINVAL, &err);
	return false;
}

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *jobs_main(void *arg)
{
	lmn_day cases_day = *(lmn_day *)arg, retention_day = 0;
	struct clock_now now;
	struct timespec ts;
	struct lmn_err err;
	enum lmn_rc rc;

	pthread_mutex_lock(&jobs.lock);
	while (!jobs.stop) {
		if (jobs.deliveries) {
			/* Let the registrations of the next few seconds come, then open once. */
			deadline_in(&ts, JOBS_DELIVERY_DELAY_MS);
			while (!jobs.stop &&
			       pthread_cond_timedwait(&jobs.wake, &jobs.lock, &ts) != ETIMEDOUT)
				;
			jobs.deliveries = false;
			cases_day = 0;
			continue;
		}
		pthread_mutex_unlock(&jobs.lock);
		if (now_of(&now) && (now.day != cases_day || now.day != retention_day)) {
			if (now.day != cases_day) {
				rc = run_contact_cases(jobs.db, jobs.rules, &now, &err);
				report("opening contact cases", rc, &err);
				if (rc == LMN_OK)
					cases_day = now.day;
			}
			if (now.day != retention_day) {
				rc = run_retention(jobs.db, now.iso, &err);
				report("removing access-log entries past retention", rc, &err);
				if (rc == LMN_OK) {
					rc = run_expiring(jobs.db, &now, &err);
					report("queuing the notices of prescriptions expiring", rc,
					       &err);
				}
				if (rc == LMN_OK)
					retention_day = now.day;
			}
		}
		pthread_mutex_lock(&jobs.lock);
		if (jobs.stop || jobs.deliveries)
			continue;
		deadline_in(&ts, JOBS_CLOCK_SECONDS * 1000L);
		(void)pthread_cond_timedwait(&jobs.wake, &jobs.lock, &ts);
	}
	pthread_mutex_unlock(&jobs.lock);
	return NULL;
}

static pthread_once_t named = PTHREAD_ONCE_INIT;
static char server_name[128];

/* The host and process id, and a random tag: two containers may have the same host name and
 * both be process 1, and a process id comes again after a restart. */
static void name_server(void)
{
	char host[101];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "lmn");
	host[sizeof(host) - 1] = '\0';
	snprintf(server_name, sizeof(server_name), "%s:%ld:%08" PRIx32, host, (long)getpid(),
		 randombytes_random());
}

const char *jobs_server(void)
{
	pthread_once(&named, name_server);
	return server_name;
}

enum lmn_rc jobs_start(struct db *db, struct rules_live *rules, struct lmn_err *err)
{
	static lmn_day first;
	struct clock_now now;
	enum lmn_rc rc;

	/* The day's cases are open before the first request; if they cannot be opened now (the
	 * store busy with an import), the thread tries again, lmn serve serves all the same. */
	if ((rc = clock_now(&now, err)) != LMN_OK)
		return rc;
	rc = run_contact_cases(db, rules, &now, err);
	report("opening contact cases", rc, err);
	first = rc == LMN_OK ? now.day : 0;
	rc = LMN_OK;
	pthread_mutex_lock(&jobs.lock);
	jobs.db = db;
	jobs.rules = rules;
	jobs.stop = false;
	jobs.deliveries = false;
	if (pthread_create(&jobs.thread, NULL, jobs_main, &first) != 0)
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "cannot start the background jobs");
	else
		jobs.running = true;
	pthread_mutex_unlock(&jobs.lock);
	return rc;
}

void jobs_stop(void)
{
	pthread_mutex_lock(&jobs.lock);
	bool running = jobs.running;
	jobs.stop = true;
	jobs.running = false;
	pthread_cond_signal(&jobs.wake);
	pthread_mutex_unlock(&jobs.lock);
	if (running)
		pthread_join(jobs.thread, NULL);
}

void jobs_deliveries_registered(void)
{
	pthread_mutex_lock(&jobs.lock);
	if (jobs.running) {
		jobs.deliveries = true;
		pthread_cond_signal(&jobs.wake);
	}
	pthread_mutex_unlock(&jobs.lock);
}
