/* Tests report/keyfigures: tertial bounds, splitting a period at the 2023-11-16 phone-target change
 * (85 % within 3 min → 80 % within 5 min), shares and their exact comparison with the target, and
 * key figures over small hand-made sets of counts where the answer is known. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "areas_fixture.h"

#include "report/keyfigures.h"
#include "report/render.h"
#include "store/rules_files.h"

static struct params real; /* data/rules */

static lmn_day d(const char *s)
{
	lmn_day day = 0;
	assert_int_equal(date_parse(s, 10, &day), LMN_OK);
	return day;
}

static struct kf_report *report(int year, int tertial)
{
	struct kf_report *r = calloc(1, sizeof(*r));
	struct report_period p;
	struct lmn_err err;

	assert_non_null(r);
	assert_int_equal(report_period_make(year, tertial, &p, &err), LMN_OK);
	assert_int_equal(kf_report_init(r, &real, &p, &err), LMN_OK);
	return r;
}

static void tertial_bounds(void **state)
{
	struct report_period p;
	struct lmn_err err;
	int y = 2024, t = 1;

	(void)state;
	assert_int_equal(report_period_make(2023, 3, &p, &err), LMN_OK);
	assert_int_equal(p.from, d("2023-09-01"));
	assert_int_equal(p.until, d("2024-01-01"));
	assert_string_equal(p.label, "2023 T3");
	assert_int_equal(report_period_make(2024, 1, &p, &err), LMN_OK);
	assert_int_equal(p.from, d("2024-01-01"));
	assert_int_equal(p.until, d("2024-05-01"));
	assert_int_equal(report_period_make(2024, 2, &p, &err), LMN_OK);
	assert_int_equal(p.from, d("2024-05-01"));
	assert_int_equal(p.until, d("2024-09-01"));
	assert_int_equal(report_period_make(2024, 0, &p, &err), LMN_OK);
	assert_int_equal(p.until - p.from, 366); /* a leap year */
	assert_string_equal(p.label, "2024");
	assert_int_equal(report_period_make(2024, 4, &p, &err), LMN_EINVAL);
	assert_string_equal(err.field, "tertial");
	report_period_prev(&y, &t);
	assert_int_equal(y, 2023);
	assert_int_equal(t, 3);
	report_period_prev(&y, &t);
	assert_int_equal(t, 2);
}

/* 2023 T3 spans the 2023-11-16 decision: two parts with their own targets. */
static void split_at_phone_change(void **state)
{
	struct kf_report *r = report(2023, 3);

	(void)state;
	assert_int_equal(r->nparts, 2);
	assert_int_equal(r->parts[0].from, d("2023-09-01"));
	assert_int_equal(r->parts[0].until, d("2023-11-16"));
	assert_int_equal(r->parts[1].from, d("2023-11-16"));
	assert_int_equal(r->parts[1].until, d("2024-01-01"));
	assert_int_equal(r->parts[0].rs->v[P_PHONE_ANSWER_MINUTES].i, 3);
	assert_int_equal(r->parts[0].rs->v[P_PHONE_ANSWER_TARGET].i, 8500);
	assert_int_equal(r->parts[1].rs->v[P_PHONE_ANSWER_MINUTES].i, 5);
	assert_int_equal(r->parts[1].rs->v[P_PHONE_ANSWER_TARGET].i, 8000);
	assert_int_equal(kf_report_part(r, d("2023-11-15")), 0);
	assert_int_equal(kf_report_part(r, d("2023-11-16")), 1);
	assert_int_equal(kf_report_part(r, d("2024-01-01")), -1);
	free(r);
	/* A tertial without a change is one part; changes to other rules do not split it
	 * (2024-10-24 changed who may order, not a target). */
	r = report(2024, 3);
	assert_int_equal(r->nparts, 1);
	free(r);
	r = report(2023, 2);
	assert_int_equal(r->nparts, 1); /* 2023-06-21 changed delivery rules, not the targets */
	free(r);
}

/* The original versions have no start (DOMAIN.md §9): a period before 2018 has targets. */
static void before_first_rules(void **state)
{
	struct kf_report *r = calloc(1, sizeof(*r));
	struct report_period p;
	struct lmn_err err;

	(void)state;
	assert_int_equal(report_period_make(2016, 1, &p, &err), LMN_OK);
	assert_int_equal(kf_report_init(r, &real, &p, &err), LMN_OK);
	assert_int_equal(r->nparts, 1);
	assert_ptr_equal(r->parts[0].rs, params_at(&real, p.from));
	assert_true(r->parts[0].rs->src[P_DELIVERY_RELIABILITY_TARGET]->original);
	free(r);
}

static void shares(void **state)
{
	(void)state;
	assert_int_equal(share_hundredths(2, 3), 6667);
	assert_int_equal(share_hundredths(1, 3), 3333);
	assert_int_equal(share_hundredths(1, 8), 1250);
	assert_int_equal(share_hundredths(1, 40000), 0); /* 0.0025 % rounds down */
	assert_int_equal(share_hundredths(1, 20000), 1); /* 0.005 % rounds half up */
	assert_int_equal(share_hundredths(5, 5), 10000);
	assert_int_equal(share_hundredths(0, 0), -1);
	assert_true(share_meets(98, 100, 9800));
	assert_false(share_meets(979999, 1000000, 9800)); /* 97.9999 % rounds to 98.00 but misses */
	assert_true(share_meets(4, 5, 8000));
	assert_false(share_meets(0, 0, 0));
}

/* Calls spanning the change: ten before it, ten from it, waits in whole minutes (-1 abandoned). */
static void phone_across_the_change(void **state)
{
	struct kf_report *r = report(2023, 3);
	struct kf_eval e;
	char s[32];

	(void)state;
	/* Until 2023-11-15: within 3 minutes. 7 within, one at 4 minutes (late then), one at
	 * 5, one abandoned: 7 of 10 = 70 %, target 85 %. */
	kf_report_add_calls(r, d("2023-09-04"), 0, 3);
	kf_report_add_calls(r, d("2023-10-02"), 3, 4);
	kf_report_add_calls(r, d("2023-11-15"), 4, 1);
	kf_report_add_calls(r, d("2023-11-15"), 5, 1);
	kf_report_add_calls(r, d("2023-11-15"), -1, 1);
	/* From 2023-11-16: within 5 minutes. The same waits: 4 and 5 minutes are in time now: 9 of
	 * 10 = 90 %, target 80 %. */
	kf_report_add_calls(r, d("2023-11-16"), 0, 3);
	kf_report_add_calls(r, d("2023-12-01"), 3, 4);
	kf_report_add_calls(r, d("2023-12-29"), 4, 1);
	kf_report_add_calls(r, d("2023-12-31"), 5, 1);
	kf_report_add_calls(r, d("2023-12-31"), -1, 1);
	/* Outside the period: ignored. */
	kf_report_add_calls(r, d("2024-01-01"), 0, 100);
	kf_report_add_calls(r, d("2023-08-31"), 0, 100);

	kf_evaluate(r, &r->total, KF_PHONE, &e);
	assert_int_equal(e.nparts, 2);
	assert_int_equal(e.parts[0].num, 7);
	assert_int_equal(e.parts[0].den, 10);
	assert_int_equal(e.parts[0].value, 7000);
	assert_int_equal(e.parts[0].target, 8500);
	assert_int_equal(e.parts[0].minutes, 3);
	assert_false(e.parts[0].met);
	assert_string_equal(e.parts[0].src->ref, "B6:1@2018-05-01");
	assert_int_equal(e.parts[1].num, 9);
	assert_int_equal(e.parts[1].den, 10);
	assert_int_equal(e.parts[1].target, 8000);
	assert_int_equal(e.parts[1].minutes, 5);
	assert_true(e.parts[1].met);
	assert_string_equal(e.parts[1].src->ref, "B6:1@2023-11-16");
	/* The whole period: 16 of 20, but no single target to judge it by. */
	assert_int_equal(e.whole.num, 16);
	assert_int_equal(e.whole.den, 20);
	assert_int_equal(e.whole.value, 8000);
	assert_false(e.whole.has_target);
	assert_int_equal(r->total.parts[0].abandoned + r->total.parts[1].abandoned, 2);
	render_share(e.whole.value, ',', s);
	assert_string_equal(s, "80,00");
	free(r);
}

/* Orders of two care providers and both areas in 2024 T2 (one part, 98 % reliability target). */
static void orders_by_group(void **state)
{
	struct kf_report *r = report(2024, 2);
	struct kf_counts a = { .orders = 50,
			       .own_pages_orders = 10,
			       .orders_1177 = 12,
			       .settled = 49,
			       .on_time = 48,
			       .exempt = 1,
			       .contact_cases = 1,
			       .past_contact = 1,
			       .partial_orders = 2 };
	struct kf_counts b = { .orders = 50,
			       .own_pages_orders = 15,
			       .orders_1177 = 13,
			       .settled = 50,
			       .on_time = 50 };
	struct kf_counts lines = { .delivered_lines = 7, .returns = 1 };
	struct lmn_err err;
	struct kf_eval e;

	(void)state;
	assert_int_equal(kf_report_add(r, d("2024-05-02"), 1, T_NUTRITION, &a, &err), LMN_OK);
	assert_int_equal(kf_report_add(r, d("2024-08-31"), 2, T_INCONTINENCE, &b, &err), LMN_OK);
	assert_int_equal(kf_report_add(r, d("2024-06-10"), 2, T_NUTRITION, &lines, &err), LMN_OK);
	assert_int_equal(kf_report_add(r, d("2024-09-01"), 2, T_NUTRITION, &b, &err), LMN_OK);
	kf_report_name_provider(r, 2, "Borås kommun");
	assert_int_equal(r->nproviders, 2);
	assert_string_equal(r->providers[1].name, "Borås kommun");

	kf_evaluate(r, &r->total, KF_RELIABILITY, &e);
	assert_int_equal(e.nparts, 1);
	assert_int_equal(e.whole.num, 98);
	assert_int_equal(e.whole.den, 99);
	assert_int_equal(e.whole.value, 9899);
	assert_int_equal(e.whole.target, 9800);
	assert_true(e.whole.met);
	/* Provider 1 alone: 48 of 49 = 97.96 %, below 98 %. */
	kf_evaluate(r, &r->providers[0], KF_RELIABILITY, &e);
	assert_int_equal(e.whole.value, 9796);
	assert_false(e.whole.met);
	kf_evaluate(r, &r->areas[T_INCONTINENCE], KF_RELIABILITY, &e);
	assert_int_equal(e.whole.value, 10000);
	assert_true(e.whole.met);
	/* The digital share counts the portal 1177 (25 of 100); the own patient pages beside it. */
	kf_evaluate(r, &r->total, KF_SHARE_1177, &e);
	assert_int_equal(e.whole.num, 25);
	assert_int_equal(e.whole.den, 100);
	assert_int_equal(e.whole.value, 2500);
	assert_false(e.whole.has_target);
	assert_string_equal(kf_key(KF_SHARE_1177), "share_1177");
	assert_string_equal(kf_title_sv(KF_SHARE_1177), "Andel beställningar via 1177");
	kf_evaluate(r, &r->areas[T_NUTRITION], KF_SHARE_1177, &e);
	assert_int_equal(e.whole.value, 2400);
	kf_evaluate(r, &r->total, KF_OWN_PAGES_SHARE, &e);
	assert_int_equal(e.whole.num, 25);
	assert_int_equal(e.whole.value, 2500);
	kf_evaluate(r, &r->providers[0], KF_OWN_PAGES_SHARE, &e);
	assert_int_equal(e.whole.value, 2000);
	assert_false(e.whole.has_target);
	assert_string_equal(kf_key(KF_OWN_PAGES_SHARE), "own_pages_share");
	kf_evaluate(r, &r->total, KF_DELIVERED_LINES, &e);
	assert_int_equal(e.whole.value, 7);
	kf_evaluate(r, &r->providers[1], KF_RETURNS, &e);
	assert_int_equal(e.whole.value, 1);
	kf_evaluate(r, &r->areas[T_NUTRITION], KF_PARTIAL, &e);
	assert_int_equal(e.whole.value, 2);
	kf_evaluate(r, &r->total, KF_PAST_CONTACT, &e);
	assert_int_equal(e.whole.value, 1);
	free(r);
}

static int setup(void **state)
{
	struct lmn_err err;
	const char *dir = getenv("LMN_RULES_DIR");

	(void)state;
	if (areas_fixture(true) != 0)
		return -1;
	params_init(&real);
	if (rules_files_load(&real, dir && *dir ? dir : rules_files_default_dir(), &err) !=
	    LMN_OK) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	params_release(&real);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tertial_bounds),	   cmocka_unit_test(split_at_phone_change),
		cmocka_unit_test(before_first_rules),	   cmocka_unit_test(shares),
		cmocka_unit_test(phone_across_the_change), cmocka_unit_test(orders_by_group),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
