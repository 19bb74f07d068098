/* Tests core/prescription: validity, remaining withdrawals, the next earliest date, and a parameter
 * change that applies only from its date. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
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
	return rules_files_load(&rules, rules_files_default_dir(), &err) == LMN_OK ? 0 : -1;
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
		.prescribed_on = day(2026, 1, 31),
		.last_valid = day(2027, 1, 30),
		.withdrawals_allowed = 3,
		.withdrawals_remaining = 3,
		.quantity_per_withdrawal = 4,
		.period_days = 90,
		.next_earliest = LMN_DAY_NONE,
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

/* ---- exact refusals: code, field, rule and message ---- */

static lmn_day iso(const char *s)
{
	lmn_day d = LMN_DAY_NONE;
	if (date_parse(s, strlen(s), &d) != LMN_OK)
		fail_msg("bad date in the test: %s", s);
	return d;
}

static void assert_iso(lmn_day got, const char *want)
{
	char g[11];
	date_format(got, g);
	if (strcmp(g, want) != 0)
		fail_msg("got %s, expected %s", g, want);
}

static void accepted(const struct rx_item *it, const char *on, int qty, const struct params *p)
{
	enum rx_refusal why = RX_QUANTITY; /* must be reset on success */
	struct lmn_err err;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = rx_check_withdrawal(it, iso(on), qty, p, &why, &err);
	if (rc != LMN_OK)
		fail_msg("%s, %d packages: %s (%s)", on, qty, lmn_rc_name(rc), err.message);
	assert_int_equal(why, RX_OK);
}

static void refused(const struct rx_item *it, const char *on, int qty, const struct params *p,
		    const char *code, const char *field, const char *rule, const char *message)
{
	enum rx_refusal why = RX_OK;
	struct lmn_err err;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = rx_check_withdrawal(it, iso(on), qty, p, &why, &err);
	if (rc != LMN_EREFUSED)
		fail_msg("%s, %d packages: %s, expected %s", on, qty, lmn_rc_name(rc), code);
	assert_int_equal(err.code, LMN_EREFUSED);
	assert_string_equal(rx_refusal_code(why), code);
	assert_string_equal(err.field, field);
	assert_string_equal(err.rule, rule);
	assert_string_equal(err.message, message);
	/* why may be NULL. */
	lmn_err_clear(&err);
	assert_int_equal(rx_check_withdrawal(it, iso(on), qty, p, NULL, &err), LMN_EREFUSED);
	assert_string_equal(err.message, message);
}

static void validate_fails(const struct rx_item *it, const struct params *p, enum lmn_rc want,
			   enum rx_refusal want_why, const char *field, const char *rule,
			   const char *message)
{
	enum rx_refusal why = RX_OK;
	struct lmn_err err;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = rx_validate_new(it, p, &why, &err);
	if (rc != want)
		fail_msg("%s: %s (%s), expected %s", field, lmn_rc_name(rc), err.message,
			 lmn_rc_name(want));
	assert_int_equal(why, want_why);
	assert_int_equal(err.code, want);
	assert_string_equal(err.field, field);
	assert_string_equal(err.rule, rule);
	assert_string_equal(err.message, message);
	lmn_err_clear(&err);
	assert_int_equal(rx_validate_new(it, p, NULL, &err), want);
}

static void validates(const struct rx_item *it, const struct params *p)
{
	enum rx_refusal why = RX_BAD_VALUE; /* must be reset on success */
	struct lmn_err err;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = rx_validate_new(it, p, &why, &err);
	if (rc != LMN_OK)
		fail_msg("%s on %s: %s", lmn_rc_name(rc), err.field, err.message);
	assert_int_equal(why, RX_OK);
}

static void names_and_codes(void **state)
{
	(void)state;
	assert_string_equal(rx_status_name(RX_ACTIVE), "active");
	assert_string_equal(rx_status_name(RX_CANCELLED), "cancelled");
	assert_string_equal(rx_status_name(RX_FULLY_WITHDRAWN), "fully_withdrawn");
	assert_string_equal(rx_status_name(RX_EXPIRED), "expired");
	assert_string_equal(rx_status_name((enum rx_status)99), "?");
	assert_string_equal(rx_refusal_code(RX_OK), "ok");
	assert_string_equal(rx_refusal_code(RX_NOT_YET_VALID), "prescription_not_yet_valid");
	assert_string_equal(rx_refusal_code(RX_CANCELLED_ITEM), "prescription_cancelled");
	assert_string_equal(rx_refusal_code(RX_EXPIRED_ITEM), "prescription_expired");
	assert_string_equal(rx_refusal_code(RX_NONE_LEFT), "no_withdrawals_left");
	assert_string_equal(rx_refusal_code(RX_TOO_EARLY), "withdrawal_too_early");
	assert_string_equal(rx_refusal_code(RX_QUANTITY), "quantity_not_allowed");
	assert_string_equal(rx_refusal_code(RX_VALIDITY_TOO_LONG), "validity_too_long");
	assert_string_equal(rx_refusal_code(RX_BAD_VALUE), "invalid_input");
	assert_string_equal(rx_refusal_code((enum rx_refusal)99), "?");
}

static void add_months_leap_years_and_back(void **state)
{
	static const struct {
		const char *from;
		int months;
		const char *want;
	} ex[] = {
		{ "2000-01-31", 1, "2000-02-29" },  /* divisible by 400: leap */
		{ "2100-01-31", 1, "2100-02-28" },  /* divisible by 100 only: not leap */
		{ "2024-02-29", 12, "2025-02-28" }, /* leap day into a common year */
		{ "2024-02-29", 48, "2028-02-29" }, /* and into a leap year */
		{ "2026-03-31", 1, "2026-04-30" },   { "2026-03-31", -1, "2026-02-28" },
		{ "2026-01-15", -13, "2024-12-15" }, { "2027-08-31", 6, "2028-02-29" },
		{ "2026-01-15", 0, "2026-01-15" },   { "2026-01-31", 120, "2036-01-31" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		char g[11];
		date_format(rx_add_months(iso(ex[i].from), ex[i].months), g);
		if (strcmp(g, ex[i].want) != 0)
			fail_msg("%s %+d months: got %s, expected %s", ex[i].from, ex[i].months, g,
				 ex[i].want);
	}
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Every day of 1996–2032 and -30..30 months against stepping one month at a time. */
static void add_months_matches_stepping(void **state)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	(void)state;
	for (lmn_day d = iso("1996-01-01"); d <= iso("2032-12-31"); d++) {
		int y0, m0, d0;
		date_to_ymd(d, &y0, &m0, &d0);
		for (int k = -30; k <= 30; k++) {
			int y = y0, m = m0, last, y1, m1, d1;
			for (int s = 0; s < (k < 0 ? -k : k); s++) {
				m += k < 0 ? -1 : 1;
				if (m > 12) {
					m = 1;
					y++;
				} else if (m < 1) {
					m = 12;
					y--;
				}
			}
			last = len[m - 1] + (m == 2 && leap(y));
			date_to_ymd(rx_add_months(d, k), &y1, &m1, &d1);
			if (y1 != y || m1 != m || d1 != (d0 < last ? d0 : last))
				fail_msg("%04d-%02d-%02d %+d: got %04d-%02d-%02d", y0, m0, d0, k,
					 y1, m1, d1);
		}
	}
}

static void validate_new_each_field(void **state)
{
	struct rx_item it = item();

	(void)state;
	validates(&it, &rules);

	it.withdrawals_allowed = it.withdrawals_remaining = 100;
	validates(&it, &rules);
	it.withdrawals_allowed = it.withdrawals_remaining = 101;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "withdrawals_allowed", "",
		       "Antal uttag ska vara 1–100.");
	it.withdrawals_allowed = it.withdrawals_remaining = 1;
	validates(&it, &rules);

	it = item();
	it.withdrawals_remaining = 2;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "withdrawals_remaining", "",
		       "En ny förskrivning har alla sina 3 uttag kvar.");

	it = item();
	it.quantity_per_withdrawal = 0;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "quantity_per_withdrawal", "",
		       "Mängd per uttag ska vara minst 1.");
	it.quantity_per_withdrawal = 1;
	validates(&it, &rules);

	it = item();
	it.period_days = 367;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "period_days", "",
		       "Perioden per uttag ska vara 1–366 dagar.");
	it.period_days = 366;
	validates(&it, &rules);
	it.period_days = 1;
	validates(&it, &rules);

	it = item();
	it.next_earliest = day(2026, 3, 1);
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "next_earliest", "",
		       "En ny förskrivning har inget datum för nästa uttag.");

	it = item();
	it.cancelled = true;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "cancelled", "",
		       "En ny förskrivning kan inte vara makulerad.");

	it = item();
	it.prescribed_on = LMN_DAY_NONE;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "prescribed_on", "",
		       "Förskrivningsdagen saknas eller ligger utanför år 0000–9999.");
	it = item();
	it.last_valid = day(10000, 1, 1);
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "last_valid", "",
		       "Sista giltighetsdag saknas eller ligger utanför år 0000–9999.");

	it = item();
	it.last_valid = it.prescribed_on; /* valid the one day */
	validates(&it, &rules);
	it.last_valid = it.prescribed_on - 1;
	validate_fails(&it, &rules, LMN_EINVAL, RX_BAD_VALUE, "last_valid", "",
		       "Sista giltighetsdag kan inte ligga före förskrivningsdagen.");

	/* data/rules' original versions have no start (DOMAIN.md §9): a prescription of 2016 from
	 * history is checked by them. */
	it = item();
	it.prescribed_on = day(2016, 4, 30);
	it.last_valid = day(2016, 6, 1);
	validates(&it, &rules);
	it.prescribed_on = day(2018, 5, 1);
	it.last_valid = day(2018, 6, 1);
	validates(&it, &rules);
}

/* Twelve months end the day before the same date a year later; from a leap day, on 28 February. */
static void validity_boundaries(void **state)
{
	static const struct {
		const char *prescribed, *last_ok;
	} ex[] = {
		{ "2026-05-10", "2027-05-09" }, { "2026-01-01", "2026-12-31" },
		{ "2026-12-31", "2027-12-30" }, { "2027-02-28", "2028-02-27" },
		{ "2027-03-01", "2028-02-29" }, /* a leap year's last day of February */
		{ "2024-02-29", "2025-02-28" }, /* no 29 February in 2025 */
		{ "2018-05-01", "2019-04-30" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		struct rx_item it = item();
		char msg[128];

		it.prescribed_on = iso(ex[i].prescribed);
		it.last_valid = iso(ex[i].last_ok);
		validates(&it, &rules);
		it.last_valid++;
		snprintf(msg, sizeof(msg), "En förskrivning gäller högst till och med %s.",
			 ex[i].last_ok);
		validate_fails(&it, &rules, LMN_EREFUSED, RX_VALIDITY_TOO_LONG, "last_valid",
			       "prescription@2018-05-01", msg);
	}
}

static void refusals_name_field_rule_and_message(void **state)
{
	struct rx_item it = item(); /* 2026-01-31 – 2027-01-30, 3 × 4 packages per 90 days */

	(void)state;
	refused(&it, "2026-01-30", 1, &rules, "prescription_not_yet_valid", "prescription_item_id",
		"prescription@2018-05-01", "Förskrivningen gäller från 2026-01-31.");
	accepted(&it, "2026-01-31", 1, &rules);
	accepted(&it, "2027-01-30", 4, &rules);
	refused(&it, "2027-01-31", 1, &rules, "prescription_expired", "prescription_item_id",
		"prescription@2018-05-01",
		"Förskrivningen gällde till och med 2027-01-30; kontakta förskrivaren för en ny.");

	rx_apply_withdrawal(&it, iso("2026-02-01"), &rules);
	assert_iso(it.next_earliest, "2026-04-09");
	refused(&it, "2026-02-01", 1, &rules, "withdrawal_too_early", "prescription_item_id",
		"prescription@2018-05-01", "Nästa uttag är tidigast 2026-04-09.");
	refused(&it, "2026-04-08", 1, &rules, "withdrawal_too_early", "prescription_item_id",
		"prescription@2018-05-01", "Nästa uttag är tidigast 2026-04-09.");
	accepted(&it, "2026-04-09", 1, &rules);
	/* Expiry comes before a next earliest date beyond the last valid day. */
	rx_apply_withdrawal(&it, iso("2026-12-01"), &rules);
	assert_iso(it.next_earliest, "2027-02-06");
	refused(&it, "2027-01-30", 1, &rules, "withdrawal_too_early", "prescription_item_id",
		"prescription@2018-05-01", "Nästa uttag är tidigast 2027-02-06.");
	refused(&it, "2027-02-06", 1, &rules, "prescription_expired", "prescription_item_id",
		"prescription@2018-05-01",
		"Förskrivningen gällde till och med 2027-01-30; kontakta förskrivaren för en ny.");

	rx_apply_withdrawal(&it, iso("2027-01-20"), &rules);
	assert_int_equal(it.withdrawals_remaining, 0);
	refused(&it, "2027-01-20", 1, &rules, "no_withdrawals_left", "prescription_item_id",
		"prescription@2018-05-01",
		"Alla uttag på förskrivningen är gjorda; kontakta förskrivaren för en ny.");
}

static void quantity_bounds(void **state)
{
	struct rx_item it = item();
	const char *msg = "Antal förpackningar per uttag ska vara 1–4 enligt förskrivningen.";

	(void)state;
	refused(&it, "2026-02-01", -1, &rules, "quantity_not_allowed", "quantity",
		"prescription@2018-05-01", msg);
	refused(&it, "2026-02-01", 0, &rules, "quantity_not_allowed", "quantity",
		"prescription@2018-05-01", msg);
	for (int q = 1; q <= 4; q++)
		accepted(&it, "2026-02-01", q, &rules);
	refused(&it, "2026-02-01", 5, &rules, "quantity_not_allowed", "quantity",
		"prescription@2018-05-01", msg);
}

static void cancellation_and_status_order(void **state)
{
	struct rx_item it = item();

	(void)state;
	it.cancelled = true;
	assert_int_equal(rx_status_on(&it, day(2026, 2, 1)), RX_CANCELLED);
	assert_int_equal(rx_status_on(&it, day(2027, 2, 1)), RX_CANCELLED); /* also after expiry */
	refused(&it, "2026-02-01", 1, &rules, "prescription_cancelled", "prescription_item_id",
		"prescription@2018-05-01", "Förskrivningen är makulerad.");
	it.withdrawals_remaining = 0;
	assert_int_equal(rx_status_on(&it, day(2026, 2, 1)), RX_CANCELLED);
	it.cancelled = false;
	assert_int_equal(rx_status_on(&it, day(2026, 2, 1)), RX_FULLY_WITHDRAWN);
	assert_int_equal(rx_status_on(&it, day(2027, 1, 30)), RX_FULLY_WITHDRAWN);
	assert_int_equal(rx_status_on(&it, day(2027, 1, 31)),
			 RX_EXPIRED); /* expiry before "fully" */
	it.withdrawals_remaining = 1;
	assert_int_equal(rx_status_on(&it, day(2027, 1, 30)), RX_ACTIVE);
}

/* Issue 20: a renewal may be asked for from 30 days before the last valid day, at once when no
 * withdrawal is left, after expiry, and never for a cancelled item. */
static void renewal_window(void **state)
{
	struct rx_item it = item(); /* valid to 2027-01-30 */

	(void)state;
	assert_false(rx_renewal_requestable(&it, day(2026, 12, 30)));
	assert_true(rx_renewal_requestable(&it, day(2026, 12, 31)));
	assert_true(rx_renewal_requestable(&it, day(2027, 2, 1)));
	it.withdrawals_remaining = 0;
	assert_true(rx_renewal_requestable(&it, day(2026, 2, 1)));
	it.cancelled = true;
	assert_false(rx_renewal_requestable(&it, day(2027, 1, 30)));
}

static void undo_restores(void **state)
{
	struct rx_item it = item();
	lmn_day prev;

	(void)state;
	rx_apply_withdrawal(&it, day(2026, 2, 1), &rules);
	prev = it.next_earliest;
	rx_apply_withdrawal(&it, day(2026, 4, 9), &rules);
	assert_int_equal(it.withdrawals_remaining, 1);
	assert_iso(it.next_earliest, "2026-06-15");

	rx_undo_withdrawal(&it, prev);
	assert_int_equal(it.withdrawals_remaining, 2);
	assert_iso(it.next_earliest, "2026-04-09");
	accepted(&it, "2026-04-09", 4, &rules);

	rx_undo_withdrawal(&it, LMN_DAY_NONE);
	assert_int_equal(it.withdrawals_remaining, 3);
	assert_int_equal(it.next_earliest, LMN_DAY_NONE);
	accepted(&it, "2026-01-31", 4, &rules);

	rx_undo_withdrawal(&it, LMN_DAY_NONE); /* never more than allowed */
	assert_int_equal(it.withdrawals_remaining, 3);

	/* Nor fewer than none. */
	it.withdrawals_remaining = 0;
	rx_apply_withdrawal(&it, day(2026, 2, 1), &rules);
	assert_int_equal(it.withdrawals_remaining, 0);
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
	snprintf(cmd, sizeof(cmd), "cp '%s'/*.rules '%s'/", rules_files_default_dir(), dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/prescription.rules", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("\n[2027-01-01]\nbody = \"Test\"\nreference = \"test\"\nnext_withdrawal_fraction = 0.5\n",
	      f);
	fclose(f);
	params_init(&p);
	assert_int_equal(rules_files_load(&p, dir, &err), LMN_OK);
	rx_apply_withdrawal(&a, day(2026, 12, 31), &p);
	rx_apply_withdrawal(&b, day(2027, 1, 1), &p);
	assert_int_equal(a.next_earliest - day(2026, 12, 31), 67);
	assert_int_equal(b.next_earliest - day(2027, 1, 1), 45);
	/* data/rules itself has no such change. */
	struct rx_item r = item();
	rx_apply_withdrawal(&r, day(2027, 1, 1), &rules);
	assert_int_equal(r.next_earliest - day(2027, 1, 1), 67);

	/* The day before and the day of: each refusal cites the version in force on the day asked. */
	a.last_valid = b.last_valid = day(2027, 6, 30);
	refused(&a, "2026-12-31", 1, &p, "withdrawal_too_early", "prescription_item_id",
		"prescription@2018-05-01", "Nästa uttag är tidigast 2027-03-08.");
	refused(&b, "2027-02-14", 1, &p, "withdrawal_too_early", "prescription_item_id",
		"prescription@2027-01-01", "Nästa uttag är tidigast 2027-02-15.");
	accepted(&b, "2027-02-15", 1, &p);
	/* A rule of the section, not one parameter's value, cites the section's latest version ... */
	refused(&a, "2027-07-01", 1, &p, "prescription_expired", "prescription_item_id",
		"prescription@2027-01-01",
		"Förskrivningen gällde till och med 2027-06-30; kontakta förskrivaren för en ny.");
	refused(&a, "2026-12-31", 9, &p, "withdrawal_too_early", "prescription_item_id",
		"prescription@2018-05-01", "Nästa uttag är tidigast 2027-03-08.");
	/* ... and the unchanged maximum validity its own. */
	struct rx_item n = item();
	n.prescribed_on = day(2027, 1, 1);
	n.last_valid = day(2028, 1, 1);
	validate_fails(&n, &p, LMN_EREFUSED, RX_VALIDITY_TOO_LONG, "last_valid",
		       "prescription@2018-05-01",
		       "En förskrivning gäller högst till och med 2027-12-31.");
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
		cmocka_unit_test(names_and_codes),
		cmocka_unit_test(add_months_leap_years_and_back),
		cmocka_unit_test(add_months_matches_stepping),
		cmocka_unit_test(validate_new_each_field),
		cmocka_unit_test(validity_boundaries),
		cmocka_unit_test(refusals_name_field_rule_and_message),
		cmocka_unit_test(quantity_bounds),
		cmocka_unit_test(cancellation_and_status_order),
		cmocka_unit_test(renewal_window),
		cmocka_unit_test(undo_restores),
		cmocka_unit_test(fraction_change_applies_from_its_date),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
