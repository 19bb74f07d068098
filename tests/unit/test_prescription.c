/* Tests core/prescription: validity, remaining withdrawals, the next earliest date, and a parameter
 * change that applies only from its date. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/prescription.h"
#include "store/rules_files.h"

static struct params rules;

static lmn_day day(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static int setup(void **state)
{
	struct lmn_err err;
	(void)state;
	params_init(&rules);
	return rules_files_load(&rules, getenv("LMN_RULES_DIR"), &err) == LMN_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	params_release(&rules);
	return 0;
}

static struct rx_item item(void)
{
	struct rx_item it = {
		.prescribed_on = day(2026, 1, 31), .last_valid = day(2027, 1, 30),
		.withdrawals_allowed = 3, .withdrawals_remaining = 3, .quantity_per_withdrawal = 4,
		.period_days = 90, .next_earliest = LMN_DAY_NONE,
	};
	return it;
}

static void add_months(void **state)
{
	(void)state;
	assert_int_equal(rx_add_months(day(2026, 1, 31), 1), day(2026, 2, 28));
	assert_int_equal(rx_add_months(day(2028, 1, 31), 1), day(2028, 2, 29));
	assert_int_equal(rx_add_months(day(2026, 11, 30), 3), day(2027, 2, 28));
	assert_int_equal(rx_add_months(day(2026, 5, 15), 12), day(2027, 5, 15));
	assert_int_equal(rx_add_months(day(2026, 12, 1), 1), day(2027, 1, 1));
}

static void validity_at_most_twelve_months(void **state)
{
	struct rx_item it = item();
	enum rx_refusal why;
	struct lmn_err err;

	(void)state;
	/* From 2026-01-31, twelve months end on 2027-01-30 inclusive. */
	assert_int_equal(rx_validate_new(&it, &rules, &why, &err), LMN_OK);
	it.last_valid = day(2027, 1, 31);
	assert_int_equal(rx_validate_new(&it, &rules, &why, &err), LMN_EREFUSED);
	assert_int_equal(why, RX_VALIDITY_TOO_LONG);
	assert_string_equal(err.rule, "prescription@2018-05-01");
	assert_non_null(strstr(err.message, "2027-01-30"));
	it.last_valid = day(2026, 1, 30);
	assert_int_equal(rx_validate_new(&it, &rules, &why, &err), LMN_EINVAL);
	assert_string_equal(err.field, "last_valid");
	it = item();
	it.period_days = 0;
	assert_int_equal(rx_validate_new(&it, &rules, &why, &err), LMN_EINVAL);
	assert_string_equal(err.field, "period_days");
	it = item();
	it.withdrawals_allowed = 0;
	assert_int_equal(rx_validate_new(&it, &rules, &why, &err), LMN_EINVAL);
	assert_string_equal(err.field, "withdrawals_allowed");
}

static void next_earliest_rounds_down(void **state)
{
	static const struct {
		int period, after;
	} cases[] = { { 90, 67 }, { 30, 22 }, { 1, 0 }, { 60, 45 }, { 7, 5 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rx_item it = item();
		it.period_days = cases[i].period;
		rx_apply_withdrawal(&it, day(2026, 3, 1), &rules);
		assert_int_equal(it.next_earliest - day(2026, 3, 1), cases[i].after);
		assert_int_equal(it.withdrawals_remaining, 2);
	}
}

static void withdrawal_boundaries(void **state)
{
	struct rx_item it = item();
	enum rx_refusal why;
	struct lmn_err err;

	(void)state;
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 1, 30), 1, &rules, &why, &err),
			 LMN_EREFUSED);
	assert_int_equal(why, RX_NOT_YET_VALID);
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 1, 31), 4, &rules, &why, &err), LMN_OK);
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 1, 31), 5, &rules, &why, &err),
			 LMN_EREFUSED);
	assert_int_equal(why, RX_QUANTITY);
	assert_string_equal(err.field, "quantity");
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 1, 31), 0, &rules, &why, &err),
			 LMN_EREFUSED);
	rx_apply_withdrawal(&it, day(2026, 2, 1), &rules); /* next: 2026-02-01 + 67 = 2026-04-09 */
	assert_int_equal(it.next_earliest, day(2026, 4, 9));
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 4, 8), 1, &rules, &why, &err),
			 LMN_EREFUSED);
	assert_int_equal(why, RX_TOO_EARLY);
	assert_non_null(strstr(err.message, "2026-04-09"));
	assert_string_equal(err.rule, "prescription@2018-05-01");
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 4, 9), 1, &rules, &why, &err), LMN_OK);
	/* The last valid day is accepted, the day after is not. */
	assert_int_equal(rx_check_withdrawal(&it, day(2027, 1, 30), 1, &rules, &why, &err), LMN_OK);
	assert_int_equal(rx_check_withdrawal(&it, day(2027, 1, 31), 1, &rules, &why, &err),
			 LMN_EREFUSED);
	assert_int_equal(why, RX_EXPIRED_ITEM);
	assert_int_equal(rx_status_on(&it, day(2027, 1, 31)), RX_EXPIRED);
}

static void counts_down_to_fully_withdrawn(void **state)
{
	struct rx_item it = item();
	enum rx_refusal why;
	struct lmn_err err;
	lmn_day d = day(2026, 2, 1);

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rx_status_on(&it, d), RX_ACTIVE);
		assert_int_equal(rx_check_withdrawal(&it, d, 1, &rules, &why, &err), LMN_OK);
		rx_apply_withdrawal(&it, d, &rules);
		d = it.next_earliest;
	}
	assert_int_equal(it.withdrawals_remaining, 0);
	assert_int_equal(rx_status_on(&it, d), RX_FULLY_WITHDRAWN);
	assert_int_equal(rx_check_withdrawal(&it, d, 1, &rules, &why, &err), LMN_EREFUSED);
	assert_int_equal(why, RX_NONE_LEFT);
	assert_string_equal(rx_status_name(RX_FULLY_WITHDRAWN), "fully_withdrawn");
	it = item();
	it.cancelled = true;
	assert_int_equal(rx_check_withdrawal(&it, day(2026, 2, 1), 1, &rules, &why, &err),
			 LMN_EREFUSED);
	assert_int_equal(why, RX_CANCELLED_ITEM);
	assert_string_equal(rx_refusal_code(why), "prescription_cancelled");
}

/* A decision changing the fraction to 0.5 from 2027-01-01 changes withdrawals from that day only. */
static void fraction_change_applies_from_its_date(void **state)
{
	char dir[] = "/tmp/lmn-rx-XXXXXX", path[512], cmd[1200];
	struct params p;
	struct lmn_err err;
	struct rx_item a = item(), b = item();
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp '%s'/*.rules '%s'/", getenv("LMN_RULES_DIR"), dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/prescription.rules", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("\n[2027-01-01]\nbody = \"Test\"\nreference = \"test\"\nnext_withdrawal_fraction = 0.5\n", f);
	fclose(f);
	params_init(&p);
	assert_int_equal(rules_files_load(&p, dir, &err), LMN_OK);
	rx_apply_withdrawal(&a, day(2026, 12, 31), &p);
	rx_apply_withdrawal(&b, day(2027, 1, 1), &p);
	assert_int_equal(a.next_earliest - day(2026, 12, 31), 67);
	assert_int_equal(b.next_earliest - day(2027, 1, 1), 45);
	params_release(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_months),
		cmocka_unit_test(validity_at_most_twelve_months),
		cmocka_unit_test(next_earliest_rounds_down),
		cmocka_unit_test(withdrawal_boundaries),
		cmocka_unit_test(counts_down_to_fully_withdrawn),
		cmocka_unit_test(fraction_change_applies_from_its_date),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
