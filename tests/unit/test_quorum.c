/* Tests governance/quorum: appointed and counted per party, the boundary of "at least half", how
 * many a party lacks, vacancies and roles that do not count, and another share. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "governance/quorum.h"

/* Party 0 with `seats` members of whom `present` took part. */
static struct quorum_result one_party(int seats, int present, struct quorum_share share)
{
	struct quorum_seat s[16];
	struct quorum_result r;

	for (int i = 0; i < seats; i++)
		s[i] = (struct quorum_seat){ .party = 0, .role = SEAT_MEMBER, .took_part = i < present };
	quorum_item(s, (size_t)seats, 1, share, &r);
	return r;
}

static void at_least_half(void **state)
{
	(void)state;
	for (int seats = 1; seats <= 12; seats++)
		for (int present = 0; present <= seats; present++) {
			struct quorum_result r = one_party(seats, present, QUORUM_SHARE_DEFAULT);
			bool want = 2 * present >= seats;
			assert_int_equal(r.quorate, want);
			assert_int_equal(r.parties[0].appointed, seats);
			assert_int_equal(r.parties[0].counted, present);
			/* lacking is exactly what it takes: that many more make it quorate */
			assert_int_equal(r.parties[0].lacking, want ? 0 : (seats + 1) / 2 - present);
		}
}

static void other_share(void **state)
{
	struct quorum_share two_thirds = { 2, 3 };

	(void)state;
	assert_false(one_party(6, 3, two_thirds).quorate);
	assert_int_equal(one_party(6, 3, two_thirds).parties[0].lacking, 1);
	assert_true(one_party(6, 4, two_thirds).quorate);
	assert_false(one_party(4, 2, two_thirds).quorate); /* 2 × 3 < 4 × 2 */
	assert_true(one_party(4, 3, two_thirds).quorate);
}

static void only_appointed_seats_count(void **state)
{
	struct quorum_seat s[] = {
		{ .party = 0, .role = SEAT_CHAIR, .took_part = true },
		{ .party = 0, .role = SEAT_MEMBER, .vacant = true },
		{ .party = 0, .role = SEAT_MEMBER, .took_part = false },
		{ .party = 0, .role = SEAT_ADJUNCT, .took_part = true },
		{ .party = 0, .role = SEAT_SECRETARY, .took_part = true },
		{ .party = 0, .role = SEAT_SUPPLIER, .took_part = true },
		{ .party = 0, .role = SEAT_INVITED, .took_part = true },
		{ .party = 1, .role = SEAT_VICE_CHAIR, .took_part = false },
		{ .party = 1, .role = SEAT_MEMBER, .took_part = false },
	};
	struct quorum_result r;

	(void)state;
	quorum_item(s, sizeof(s) / sizeof(s[0]), 2, QUORUM_SHARE_DEFAULT, &r);
	assert_int_equal(r.parties[0].appointed, 2);
	assert_int_equal(r.parties[0].counted, 1);
	assert_int_equal(r.parties[0].lacking, 0);
	assert_int_equal(r.parties[1].appointed, 2);
	assert_int_equal(r.parties[1].lacking, 1);
	assert_false(r.quorate); /* each party separately */
}

static void role_names(void **state)
{
	(void)state;
	for (int r = 0; r < SEAT__COUNT; r++)
		assert_int_equal(seat_role_parse(seat_role_name((enum seat_role)r)), r);
	assert_int_equal(seat_role_parse("ordförande"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(at_least_half),
		cmocka_unit_test(other_share),
		cmocka_unit_test(only_appointed_seats_count),
		cmocka_unit_test(role_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
