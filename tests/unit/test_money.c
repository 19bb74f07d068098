/* Tests report/money: the fee in force on a day, invoice lines over a fee change within a month with
 * totals to the öre, the largest-remainder split of a surplus (sums exact, each part within one öre
 * of its exact share, ties, large amounts, refusals), months and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/money.h"

static lmn_day d(const char *s)
{
	lmn_day day = 0;
	assert_int_equal(date_parse(s, 10, &day), LMN_OK);
	return day;
}

static void fee_in_force(void **state)
{
	const struct fee_version v[] = {
		{ FEE_DELIVERY, 0, 4900, false },
		{ FEE_ORDER_LINE, 0, 350, false },
		{ FEE_DELIVERY, 0, 5200, true },
	};
	struct fee_version w[3];

	(void)state;
	memcpy(w, v, sizeof(w));
	w[0].from = d("2026-01-30");
	w[1].from = d("2026-01-30");
	w[2].from = d("2026-07-01");
	assert_null(fee_at(w, 3, FEE_DELIVERY, d("2026-01-29")));
	assert_int_equal(fee_at(w, 3, FEE_DELIVERY, d("2026-01-30"))->amount_ore, 4900);
	assert_int_equal(fee_at(w, 3, FEE_DELIVERY, d("2026-06-30"))->amount_ore, 4900);
	assert_int_equal(fee_at(w, 3, FEE_DELIVERY, d("2026-07-01"))->amount_ore, 5200);
	assert_int_equal(fee_at(w, 3, FEE_ORDER_LINE, d("2027-01-01"))->amount_ore, 350);
	assert_null(fee_at(w, 3, FEE_RETURN, d("2027-01-01")));
	assert_int_equal(fee_kind_parse("acute_delivery"), FEE_ACUTE_DELIVERY);
	assert_int_equal(fee_kind_parse("per_delivery"), -1);
}

/* A month in which the delivery fee changes on the 16th: each day pays the fee then in force. */
static void invoice_over_a_fee_change(void **state)
{
	struct fee_version fees[] = {
		{ FEE_DELIVERY, 0, 4950, false },
		{ FEE_DELIVERY, 0, 5325, false },
		{ FEE_ACUTE_DELIVERY, 0, 19900, false },
		{ FEE_ORDER_LINE, 0, 275, true },
	};
	struct invoice_line l;
	int64_t before[FEE__COUNT] = { [FEE_DELIVERY] = 3, [FEE_ORDER_LINE] = 7 };
	int64_t after[FEE__COUNT] = {
		[FEE_DELIVERY] = 2, [FEE_ACUTE_DELIVERY] = 1, [FEE_ORDER_LINE] = 3, [FEE_RETURN] = 1
	};

	(void)state;
	fees[0].from = d("2026-01-01");
	fees[1].from = d("2026-03-16");
	fees[2].from = d("2026-01-01");
	fees[3].from = d("2026-01-01");
	memset(&l, 0, sizeof(l));
	l.product_ore = 123457; /* 1 234,57 kr of articles */
	invoice_add_day(&l, fees, 4, d("2026-03-15"), before);
	invoice_add_day(&l, fees, 4, d("2026-03-16"), after);
	invoice_total(&l);
	assert_int_equal(l.count[FEE_DELIVERY], 5);
	assert_int_equal(l.fee_ore[FEE_DELIVERY], 3 * 4950 + 2 * 5325);
	assert_int_equal(l.fee_ore[FEE_ACUTE_DELIVERY], 19900);
	assert_int_equal(l.fee_ore[FEE_ORDER_LINE], 10 * 275);
	assert_int_equal(l.count[FEE_RETURN], 1);
	assert_int_equal(l.fee_ore[FEE_RETURN], 0); /* no return fee in force */
	assert_true(l.missing_fee);
	assert_true(l.example); /* the line fee is an example amount */
	assert_int_equal(l.total_ore, 123457 + 14850 + 10650 + 19900 + 2750);
}

static void split_check(int64_t total, const int64_t *w, size_t n)
{
	int64_t *out = calloc(n, sizeof(*out)), sum = 0, wsum = 0;
	struct lmn_err err;

	assert_non_null(out);
	assert_int_equal(alloc_pro_rata(total, w, n, out, &err), LMN_OK);
	for (size_t i = 0; i < n; i++) {
		sum += out[i];
		wsum += w[i];
	}
	assert_int_equal(sum, total);
	for (size_t i = 0; i < n; i++) {
		/* |out[i] - total * w[i] / wsum| < 1, in integers: */
		__extension__ __int128 exact = (__int128)total * w[i];
		__extension__ __int128 got = (__int128)out[i] * wsum;
		assert_true(got - exact < wsum && exact - got < wsum);
	}
	free(out);
}

static void largest_remainder(void **state)
{
	const int64_t thirds[] = { 1, 1, 1 };
	const int64_t uneven[] = { 3, 5, 12 };
	int64_t out[3];
	struct lmn_err err;

	(void)state;
	assert_int_equal(alloc_pro_rata(100, thirds, 3, out, &err), LMN_OK);
	assert_int_equal(out[0], 34); /* a tie: the earlier gets the öre */
	assert_int_equal(out[1], 33);
	assert_int_equal(out[2], 33);
	/* 101 over 3:5:12 = 15.15, 25.25, 60.6: floors 15, 25, 60 and the öre left to 60.6. */
	assert_int_equal(alloc_pro_rata(101, uneven, 3, out, &err), LMN_OK);
	assert_int_equal(out[0], 15);
	assert_int_equal(out[1], 25);
	assert_int_equal(out[2], 61);
	/* 3.8 MSEK over what five care providers were charged (tens of millions of kronor). */
	{
		const int64_t charged[] = { 4123456789, 987654321, 1234567, 5, 2500000000 };
		split_check(380000000, charged, 5);
		split_check(470000000, charged, 5);
		split_check(1, charged, 5);
	}
	/* Amounts near the int64 limit do not overflow. */
	{
		const int64_t big[] = { INT64_MAX / 4, INT64_MAX / 4, 7 };
		split_check(INT64_MAX / 2, big, 3);
	}
	/* Many parts with one öre each to spread. */
	{
		int64_t w[97];
		for (int i = 0; i < 97; i++)
			w[i] = 1000 + i * 37;
		split_check(96, w, 97);
		split_check(123456789, w, 97);
	}
}

static void refusals(void **state)
{
	const int64_t zero[] = { 0, 0 };
	const int64_t neg[] = { 5, -1 };
	int64_t out[2] = { 9, 9 };
	struct lmn_err err;

	(void)state;
	assert_int_equal(alloc_pro_rata(0, zero, 2, out, &err), LMN_OK);
	assert_int_equal(out[0] + out[1], 0);
	assert_int_equal(alloc_pro_rata(100, zero, 2, out, &err), LMN_EINVAL);
	assert_int_equal(alloc_pro_rata(-1, zero, 2, out, &err), LMN_EINVAL);
	assert_string_equal(err.field, "surplus_ore");
	assert_int_equal(alloc_pro_rata(100, neg, 2, out, &err), LMN_EINVAL);
}

static void months_and_format(void **state)
{
	lmn_day from, until;
	struct lmn_err err;
	char s[32];

	(void)state;
	assert_int_equal(invoice_month_parse("2024-02", &from, &until, &err), LMN_OK);
	assert_int_equal(from, d("2024-02-01"));
	assert_int_equal(until, d("2024-03-01"));
	assert_int_equal(invoice_month_parse("2026-12", &from, &until, &err), LMN_OK);
	assert_int_equal(until, d("2027-01-01"));
	assert_int_equal(invoice_month_parse("2026-13", &from, &until, &err), LMN_EINVAL);
	assert_int_equal(invoice_month_parse("2026-1", &from, &until, &err), LMN_EINVAL);
	assert_string_equal(err.field, "month");
	money_format(123457, ',', s);
	assert_string_equal(s, "1234,57");
	money_format(5, '.', s);
	assert_string_equal(s, "0.05");
	money_format(-250, ',', s);
	assert_string_equal(s, "-2,50");
	money_format(INT64_MIN, '.', s);
	assert_string_equal(s, "-92233720368547758.08");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fee_in_force),	     cmocka_unit_test(invoice_over_a_fee_change),
		cmocka_unit_test(largest_remainder), cmocka_unit_test(refusals),
		cmocka_unit_test(months_and_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
