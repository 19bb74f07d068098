/* Tests core/fulfilment: Spec B 3:1 partial shipments only for backorders, and the delivery window. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/fulfilment.h"
#include "store/rules_files.h"

static struct params rules;

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

static void shipments(void **state)
{
	lmn_day d = date_from_ymd(2026, 11, 23);
	struct ship_line l[2] = { { .ordered = 3, .now = 3 }, { .ordered = 2, .now = 2 } };
	struct lmn_err err;
	bool partial;

	(void)state;
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_OK);
	assert_false(partial);
	l[1].now = 1; /* short and not backordered: refused, naming the line and the rule */
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_EREFUSED);
	assert_string_equal(err.field, "lines[1]");
	assert_string_equal(err.rule, "B3:1@2018-05-01");
	l[1].backordered = true;
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_OK);
	assert_true(partial);
	l[1].now = 0; /* nothing of a backordered line is fine too */
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_OK);
	/* The rest of an earlier partial shipment completes the order. */
	l[0] = (struct ship_line){ .ordered = 3, .shipped_before = 3, .now = 0 };
	l[1] = (struct ship_line){ .ordered = 2, .shipped_before = 1, .now = 1 };
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_OK);
	assert_false(partial);
	l[1].now = 2; /* more than remains */
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_EINVAL);
	l[1].now = 0;
	l[1].backordered = true;
	assert_int_equal(fulfilment_check_shipment(&rules, d, l, 2, &partial, &err), LMN_EINVAL);
	assert_string_equal(err.field, "lines"); /* nothing shipped at all */
}

static void delivery_window(void **state)
{
	lmn_day monday = date_from_ymd(2026, 11, 23), saturday = date_from_ymd(2026, 11, 21);
	lmn_day christmas_eve = date_from_ymd(2026, 12, 24);
	struct lmn_err err;
	char why[128], rule[48];
	bool dev;

	(void)state;
	assert_int_equal(fulfilment_delivery_deviation(&rules, monday, 8 * 3600, true, &dev, why,
						       rule, &err),
			 LMN_OK);
	assert_false(dev);
	assert_int_equal(fulfilment_delivery_deviation(&rules, monday, 8 * 3600 - 1, true, &dev,
						       why, rule, &err),
			 LMN_OK);
	assert_true(dev);
	assert_string_equal(rule, "B3:1@2018-05-01");
	assert_non_null(strstr(why, "08:00–19:00"));
	assert_int_equal(fulfilment_delivery_deviation(&rules, monday, 19 * 3600 - 1, true, &dev,
						       why, rule, &err),
			 LMN_OK);
	assert_false(dev);
	/* "08:00–19:00" includes 19:00 (DOMAIN.md 3:1); a second later is outside. */
	assert_int_equal(fulfilment_delivery_deviation(&rules, monday, 19 * 3600, true, &dev, why,
						       rule, &err),
			 LMN_OK);
	assert_false(dev);
	assert_int_equal(fulfilment_delivery_deviation(&rules, monday, 19 * 3600 + 1, true, &dev,
						       why, rule, &err),
			 LMN_OK);
	assert_true(dev);
	/* The window is 3:1's rule for ordinary housing: a pickup point or care unit at 20:00 on a
	 * Saturday is no deviation. */
	assert_int_equal(fulfilment_delivery_deviation(&rules, saturday, 20 * 3600, false, &dev,
						       why, rule, &err),
			 LMN_OK);
	assert_false(dev);
	assert_int_equal(fulfilment_delivery_deviation(&rules, monday, 20 * 3600, false, &dev, why,
						       rule, &err),
			 LMN_OK);
	assert_false(dev);
	assert_int_equal(fulfilment_delivery_deviation(&rules, saturday, 12 * 3600, true, &dev, why,
						       rule, &err),
			 LMN_OK);
	assert_true(dev);
	assert_non_null(strstr(why, "arbetsdag"));
	assert_int_equal(fulfilment_delivery_deviation(&rules, christmas_eve, 12 * 3600, true, &dev,
						       why, rule, &err),
			 LMN_OK);
	assert_true(dev);
	/* A year the calendar does not hold is bad input (400), not a failure of the server. */
	assert_int_equal(fulfilment_delivery_deviation(&rules, date_from_ymd(5399, 11, 23),
						       9 * 3600, true, &dev, why, rule, &err),
			 LMN_EINVAL);
	assert_string_equal(err.field, "delivered_at");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(shipments),
					    cmocka_unit_test(delivery_window) };
	return cmocka_run_group_tests(tests, setup, teardown);
}
