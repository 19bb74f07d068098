/* Tests api/login_limit: the delays after failed sign-ins (doubling from 1 s after the free
 * failures, capped), that an address which has not failed on an account is never held by the
 * account's delay, that a success clears the account but not the address, forgetting after an
 * hour, and the bound on password hashes computed at once. Time is passed in, in milliseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <time.h>

#include "api/login_limit.h"

#define S   1000LL
#define MIN (60 * S)

static int setup(void **state)
{
	(void)state;
	login_limit_reset();
	return 0;
}

static void fail_n(const char *user, const char *addr, int n, int64_t now)
{
	for (int i = 0; i < n; i++)
		login_limit_failed(user, addr, now);
}

static void doubling_after_five_from_one_address(void **state)
{
	int64_t t = 1000 * S;

	(void)state;
	fail_n("anna", "10.0.0.1", 4, t);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t), 0);
	login_limit_failed("anna", "10.0.0.1", t); /* the fifth */
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t), 1 * S);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 400), 600);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 1 * S), 0);
	login_limit_failed("anna", "10.0.0.1", t + 1 * S);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 1 * S), 2 * S);
	login_limit_failed("anna", "10.0.0.1", t + 3 * S);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 3 * S), 4 * S);
	/* Many more: the wait stops at 15 minutes. */
	fail_n("anna", "10.0.0.1", 40, t + 10 * S);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 10 * S), 15 * MIN);
}

static void other_address_is_not_held(void **state)
{
	int64_t t = 1000 * S;

	(void)state;
	fail_n("anna", "10.0.0.1", 50, t);
	assert_true(login_limit_wait("anna", "10.0.0.1", t) > 0);
	/* The owner elsewhere is checked at once, however many failures the account has. */
	assert_int_equal(login_limit_wait("anna", "10.0.0.2", t), 0);
	/* Fifty failures are more than an address's thirty free: every account waits there. */
	assert_true(login_limit_wait("bertil", "10.0.0.1", t) > 0);
	/* Ten are not: another account from that address is checked at once. */
	login_limit_reset();
	fail_n("anna", "10.0.0.1", 10, t);
	assert_int_equal(login_limit_wait("bertil", "10.0.0.1", t), 0);
}

static void account_delay_holds_addresses_that_failed(void **state)
{
	int64_t t = 1000 * S;
	char addr[16];

	(void)state;
	/* Ten addresses, one failure each: below every address's and pair's free count. */
	for (int i = 0; i < 10; i++) {
		snprintf(addr, sizeof(addr), "10.0.1.%d", i);
		login_limit_failed("anna", addr, t);
	}
	/* The account has had ten: each of those addresses now waits; a fresh one does not. */
	assert_int_equal(login_limit_wait("anna", "10.0.1.3", t), 1 * S);
	assert_int_equal(login_limit_wait("anna", "10.0.2.1", t), 0);
}

static void success_clears_account_not_address(void **state)
{
	int64_t t = 1000 * S;
	char user[16];

	(void)state;
	fail_n("anna", "10.0.0.1", 6, t);
	login_limit_succeeded("anna", "10.0.0.2", t);
	login_limit_succeeded("anna", "10.0.0.1", t);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t), 0);
	/* An address that fails on many accounts: after 30, it waits for every account, and a
	 * success on an account of its own does not clear that. */
	for (int i = 0; i < 30; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		login_limit_failed(user, "10.0.0.9", t);
	}
	login_limit_succeeded("mallory", "10.0.0.9", t);
	assert_int_equal(login_limit_wait("vem-som-helst", "10.0.0.9", t), 1 * S);
}

static void forgotten_after_an_hour(void **state)
{
	int64_t t = 1000 * S;

	(void)state;
	fail_n("anna", "10.0.0.1", 20, t);
	assert_true(login_limit_wait("anna", "10.0.0.1", t + 14 * MIN) > 0);
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 60 * MIN), 0);
	login_limit_failed("anna", "10.0.0.1", t + 60 * MIN); /* counted from 1 again */
	assert_int_equal(login_limit_wait("anna", "10.0.0.1", t + 60 * MIN), 0);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hashes_at_once_are_bounded(void **state)
{
	int64_t t0;

	(void)state;
	for (int i = 0; i < LOGIN_HASH_ACTIVE; i++)
		assert_true(login_hash_begin(0));
	/* With LOGIN_HASH_ACTIVE running and nobody waiting, the next waits its time, then gives
	 * up; the test is bounded by LOGIN_HASH_WAIT_MS. */
	t0 = mono_ms();
	assert_false(login_hash_begin(0));
	assert_true(mono_ms() - t0 >= LOGIN_HASH_WAIT_MS - 10);
	/* The time is counted from the request's arrival: one that has waited it already (for a
	 * thread to serve it) gives up at once. */
	t0 = mono_ms();
	assert_false(login_hash_begin(t0 - LOGIN_HASH_WAIT_MS));
	assert_true(mono_ms() - t0 < LOGIN_HASH_WAIT_MS / 2);
	login_hash_end();
	assert_true(login_hash_begin(mono_ms() - LOGIN_HASH_WAIT_MS)); /* a slot is free */
	for (int i = 0; i < LOGIN_HASH_ACTIVE; i++)
		login_hash_end();
	/* The administration's hashes share the bound. */
	login_hash_wait();
	for (int i = 1; i < LOGIN_HASH_ACTIVE; i++)
		assert_true(login_hash_begin(0));
	assert_false(login_hash_begin(0));
	for (int i = 0; i < LOGIN_HASH_ACTIVE; i++)
		login_hash_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(doubling_after_five_from_one_address, setup),
		cmocka_unit_test_setup(other_address_is_not_held, setup),
		cmocka_unit_test_setup(account_delay_holds_addresses_that_failed, setup),
		cmocka_unit_test_setup(success_clears_account_not_address, setup),
		cmocka_unit_test_setup(forgotten_after_an_hour, setup),
		cmocka_unit_test(hashes_at_once_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
