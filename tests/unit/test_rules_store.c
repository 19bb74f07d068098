/* Tests store/rules_store: rule versions from the change log on top of the rule files, refused
 * when they do not fit, and swapped in while earlier sets stay valid. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/rules_store.h"

static char dir[] = "/tmp/lmn-test-rules-XXXXXX";
static struct db *db;

static int setup(void **state)
{
	char path[64];
	struct lmn_err err;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/lmn.db", dir);
	return db_open(path, &db, &err) == LMN_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void add_entry(const char *effective, const char *rules)
{
	struct db_conn *c;
	struct db_stmt *st;
	struct lmn_err err;

	assert_int_equal(db_acquire(db, &c, &err), LMN_OK);
	assert_int_equal(db_prepare(c,
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
	assert_int_equal(rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
					  "section = B3:1\n[2026-12-01]\nbody = \"X\"\nreference = \"Y\"\n"
					  "lead_time_working_days = 5\n",
					  &err),
			 LMN_EINVAL);
	assert_non_null(strstr(err.message, "overlaps"));
	params_release(&p);
	/* A parameter of another section. */
	params_init(&p);
	assert_int_equal(rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
					  "section = B3:1\n[2028-01-01]\nbody = \"X\"\nreference = \"Y\"\n"
					  "order_cutoff = 13:00\n",
					  &err),
			 LMN_EINVAL);
	params_release(&p);
	/* A section no rule file defines. */
	params_init(&p);
	assert_int_equal(rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
					  "section = B9:9\n[2028-01-01]\nbody = \"X\"\nreference = \"Y\"\n",
					  &err),
			 LMN_EINVAL);
	params_release(&p);
	/* A version that fits. */
	params_init(&p);
	assert_int_equal(rules_store_load(&p, getenv("LMN_RULES_DIR"), c,
					  "section = B3:3\n[2028-01-01]\nbody = \"X\"\nreference = \"Y\"\n"
					  "order_cutoff = 13:00\n",
					  &err),
			 LMN_OK);
	assert_int_equal(params_at(&p, date_from_ymd(2028, 1, 1))->v[P_ORDER_CUTOFF].i, 13 * 3600);
	params_release(&p);
	db_release(db, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(change_applies_from_its_date),
		cmocka_unit_test(refused_when_it_does_not_fit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
