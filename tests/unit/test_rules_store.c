/* Tests store/rules_store: rule versions from the change log on top of the rule files, refused
 * when they do not fit, and swapped in while earlier sets stay valid. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/rules_store.h"
#include "store_fixture.h"

static struct db *db;

/* A store of each engine (store_fixture.h): the change log is read by SQL of both. */
static int setup(void **state)
{
	char path[512];
	struct lmn_err err;

	(void)state;
	if (store_fixture_address("rules_store", path, sizeof(path)) != 0)
		return -1;
	if (db_open(path, &db, &err) != LMN_OK) {
		fprintf(stderr, "%s: %s\n", path, err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	return store_fixture_cleanup();
}

static void add_entry(const char *effective, const char *rules)
{
	struct db_conn *c;
	struct db_stmt *st;
	struct lmn_err err;

	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(
		db_prepare(c,
			   "INSERT INTO change_log (decided_on, body, heading, effective_on, "
			   "rules, created_at) VALUES ($1, 'Ledningsråd för hjälpmedel', "
			   "'Specifikation B 3:1', $1, $2, '2026-11-23T10:00:00+01:00')",
			   &st, &err),
		LMN_OK);
	db_bind_text(st, 1, effective);
	db_bind_text(st, 2, rules);
	assert_int_equal(db_run(st, &err), LMN_OK);
	db_release(db, c);
}

static int64_t lead_on(const struct params *p, int y, int m, int d, const char **ref)
{
	const struct rule_set *rs = params_at(p, date_from_ymd(y, m, d));

	assert_non_null(rs);
	*ref = rs->src[P_LEAD_TIME_WORKING_DAYS]->ref;
	return rs->v[P_LEAD_TIME_WORKING_DAYS].i;
}

static const char lead3[] = "section = B3:1\n[2027-01-01]\nbody = \"Ledningsråd för hjälpmedel\"\n"
			    "reference = \"Protokoll: ledtiden sänks till 3 arbetsdagar\"\n"
			    "lead_time_working_days = 3\n";

static void change_applies_from_its_date(void **state)
{
	struct rules_live *live;
	const struct params *before, *after;
	struct lmn_err err;
	const char *ref;

	(void)state;
	assert_int_equal(rules_live_open(getenv("LMN_RULES_DIR"), db, &live, &err), LMN_OK);
	before = rules_live_get(live);
	assert_int_equal(lead_on(before, 2027, 1, 1, &ref), 4);

	add_entry("2027-01-01", lead3);
	assert_int_equal(rules_live_reload(live, NULL, &err), LMN_OK);
	after = rules_live_get(live);
	assert_ptr_not_equal(before, after);
	assert_int_equal(lead_on(after, 2026, 12, 31, &ref), 4);
	assert_string_equal(ref, "B3:1@2018-05-01");
	assert_int_equal(lead_on(after, 2027, 1, 1, &ref), 3);
	assert_string_equal(ref, "B3:1@2027-01-01");
	/* What the version did not set carries on. */
	assert_int_equal(params_at(after, date_from_ymd(2027, 1, 1))->v[P_DELIVERY_WINDOW_END].i,
			 19 * 3600);
	/* The set a request started with is still valid. */
	assert_int_equal(lead_on(before, 2027, 1, 1, &ref), 4);
	rules_live_close(live);
}

static void refused_when_it_does_not_fit(void **state)
{
	struct db_conn *c;
	struct params p;
	struct lmn_err err;

	(void)state;
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	/* Before a later version of the same section (the one of the previous test). */
	params_init(&p);
	assert_int_equal(
		rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
				 "section = B3:1\n[2026-12-01]\nbody = \"X\"\nreference = \"Y\"\n"
				 "lead_time_working_days = 5\n",
				 &err),
		LMN_EINVAL);
	assert_non_null(strstr(err.message, "overlaps"));
	params_release(&p);
	/* A parameter of another section. */
	params_init(&p);
	assert_int_equal(
		rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
				 "section = B3:1\n[2028-01-01]\nbody = \"X\"\nreference = \"Y\"\n"
				 "order_cutoff = 13:00\n",
				 &err),
		LMN_EINVAL);
	params_release(&p);
	/* A section no rule file defines. */
	params_init(&p);
	assert_int_equal(
		rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
				 "section = B9:9\n[2028-01-01]\nbody = \"X\"\nreference = \"Y\"\n",
				 &err),
		LMN_EINVAL);
	params_release(&p);
	/* A version that fits. */
	params_init(&p);
	assert_int_equal(
		rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
				 "section = B3:3\n[2028-01-01]\nbody = \"X\"\nreference = \"Y\"\n"
				 "order_cutoff = 13:00\n",
				 &err),
		LMN_OK);
	assert_int_equal(params_at(&p, date_from_ymd(2028, 1, 1))->v[P_ORDER_CUTOFF].i, 13 * 3600);
	params_release(&p);
	db_release(db, c);
}

/* Another connection (another process, say) records a decision: refresh notices it, at most
 * once a second. */
static void refresh_notices_entries_from_elsewhere(void **state)
{
	static const char lead2[] = "section = B3:1\n[2029-01-01]\nbody = \"Ledningsråd\"\n"
				    "reference = \"R\"\nlead_time_working_days = 2\n";
	struct rules_live *live;
	struct db_conn *c;
	struct lmn_err err;
	const char *ref;

	(void)state;
	assert_int_equal(rules_live_open(getenv("LMN_RULES_DIR"), db, &live, &err), LMN_OK);
	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(rules_live_refresh(live, c, &err), LMN_OK);
	assert_int_equal(lead_on(rules_live_get(live), 2029, 1, 1, &ref), 3);
	add_entry("2029-01-01", lead2);
	sleep(1);
	usleep(100000);
	assert_int_equal(rules_live_refresh(live, c, &err), LMN_OK);
	assert_int_equal(lead_on(rules_live_get(live), 2029, 1, 1, &ref), 2);
	assert_string_equal(ref, "B3:1@2029-01-01");
	db_release(db, c);
	rules_live_close(live);
}

struct reader_arg {
	struct rules_live *live;
	atomic_bool stop;
	atomic_long reads, wrong;
};

/* A request thread: takes the set in force and reads it through, again and again. */
static void *reader(void *p)
{
	struct reader_arg *a = p;

	while (!atomic_load(&a->stop)) {
		const struct params *ps = rules_live_get(a->live);
		const struct rule_set *rs = params_at(ps, date_from_ymd(2026, 11, 23));
		/* Today's lead time never changes in this test: any other value is a torn read. */
		if (!rs || rs->v[P_LEAD_TIME_WORKING_DAYS].i != 4)
			atomic_fetch_add(&a->wrong, 1);
		atomic_fetch_add(&a->reads, 1);
	}
	return NULL;
}

/* Requests read while decisions are swapped in: every set they hold stays whole (old sets live
 * until close; run under AddressSanitizer this also proves no set is freed under a reader). */
static void readers_during_reloads(void **state)
{
	struct reader_arg a;
	pthread_t t[3];
	struct lmn_err err;

	(void)state;
	assert_int_equal(rules_live_open(getenv("LMN_RULES_DIR"), db, &a.live, &err), LMN_OK);
	atomic_init(&a.stop, false);
	atomic_init(&a.reads, 0);
	atomic_init(&a.wrong, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, &a), 0);
	/* Each reload waits until the readers have read again, so reads and swaps really overlap
	 * (on a busy machine the reloads could otherwise all be done before a reader ran). */
	for (int i = 0; i < 20; i++) {
		long before = atomic_load(&a.reads);
		assert_int_equal(rules_live_reload(a.live, NULL, &err), LMN_OK);
		while (atomic_load(&a.reads) == before)
			usleep(100);
	}
	atomic_store(&a.stop, true);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_true(atomic_load(&a.reads) > 0);
	assert_int_equal(atomic_load(&a.wrong), 0);
	rules_live_close(a.live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(change_applies_from_its_date),
		cmocka_unit_test(refused_when_it_does_not_fit),
		cmocka_unit_test(refresh_notices_entries_from_elsewhere),
		cmocka_unit_test(readers_during_reloads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
