/* Tests governance/quorum: appointed and counted per party, the boundary of "at least half", how
 * many a party lacks, vacancies and roles under a body's rule (GOVERNANCE.md: member seats,
 * vacant ones included, chair and vice chair not counted), a body without a quorum rule, the
 * 2024-10-24 council meeting per item, and another share. */
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
	struct quorum_rule rule = QUORUM_RULE_DEFAULT;
	struct quorum_result r;

	rule.share = share;
	for (int i = 0; i < seats; i++)
		s[i] = (struct quorum_seat){ .party = 0,
					     .role = SEAT_MEMBER,
					     .took_part = i < present };
	quorum_item(s, (size_t)seats, 1, &rule, &r);
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
			assert_int_equal(r.parties[0].lacking,
					 want ? 0 : (seats + 1) / 2 - present);
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

/* The old reading (chair, vice chair and members; vacancies left out), chosen per body. */
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
	struct quorum_rule rule = QUORUM_RULE_DEFAULT;
	struct quorum_result r;

	(void)state;
	assert_true(quorum_roles_parse("chair,vice_chair,member", &rule.roles));
	rule.count_vacant = false;
	quorum_item(s, sizeof(s) / sizeof(s[0]), 2, &rule, &r);
	assert_int_equal(r.parties[0].appointed, 2);
	assert_int_equal(r.parties[0].counted, 1);
	assert_int_equal(r.parties[0].lacking, 0);
	assert_int_equal(r.parties[1].appointed, 2);
	assert_int_equal(r.parties[1].lacking, 1);
	assert_false(r.quorate); /* each party separately */

	/* The default reading: member seats only, the vacant one included. */
	quorum_item(s, sizeof(s) / sizeof(s[0]), 2, &QUORUM_RULE_DEFAULT, &r);
	assert_int_equal(r.parties[0].appointed, 2);
	assert_int_equal(r.parties[0].counted, 0);
	assert_int_equal(r.parties[0].lacking, 1);
	assert_int_equal(r.parties[1].appointed, 1);
	assert_int_equal(r.parties[1].counted, 0);
	assert_false(r.quorate);
}

/* A vacant seat never takes part, even if the caller says so; it may still be appointed. */
static void vacant_seats_count_toward_appointed(void **state)
{
	struct quorum_seat s[] = {
		{ .party = 0, .role = SEAT_MEMBER, .took_part = true },
		{ .party = 0, .role = SEAT_MEMBER, .vacant = true, .took_part = true },
		{ .party = 0, .role = SEAT_MEMBER, .vacant = true },
	};
	struct quorum_rule skip = QUORUM_RULE_DEFAULT;
	struct quorum_result r;

	(void)state;
	quorum_item(s, 3, 1, &QUORUM_RULE_DEFAULT, &r);
	assert_int_equal(r.parties[0].appointed, 3);
	assert_int_equal(r.parties[0].counted, 1);
	assert_false(r.quorate);
	skip.count_vacant = false;
	quorum_item(s, 3, 1, &skip, &r);
	assert_int_equal(r.parties[0].appointed, 1);
	assert_int_equal(r.parties[0].counted, 1);
	assert_true(r.quorate);
}

/* A body without a quorum rule (the political group: unanimity only) is quorate on every item;
 * the counts are still given. */
static void body_without_quorum_rule(void **state)
{
	struct quorum_seat s[] = {
		{ .party = 0, .role = SEAT_MEMBER, .took_part = false },
		{ .party = 0, .role = SEAT_MEMBER, .took_part = false },
	};
	struct quorum_rule off = QUORUM_RULE_DEFAULT;
	struct quorum_result r;

	(void)state;
	off.required = false;
	quorum_item(s, 2, 1, &off, &r);
	assert_true(r.quorate);
	assert_int_equal(r.parties[0].appointed, 2);
	assert_int_equal(r.parties[0].counted, 0);
	assert_int_equal(r.parties[0].lacking, 0);
}

/* The council's meeting of 2024-10-24 (fictional names of src/demo/demo_governance.sql): VGR has
 * five member seats, two vacant; Cecilia Hallberg and Sofia Nordin stay, Camilla Wester (Sjukhus)
 * is present until 3b and endorses 3c-3e by e-mail before the meeting, and takes no part from 3f;
 * VGK's Malin Lund, Ingrid Lindqvist and Karin Axelsson are present throughout. The chair
 * (Kristin Lundgren, VGK) and vice chair (Mats Kronlund, VGR) are present and do not count. */
static void council_2024_10_24(void **state)
{
	static const char *const items[] = { "1", "3a", "3b", "3c", "3d", "3e", "3f", "7d" };
	static const bool wester[] = { true, true, true, true, true, true, false, false };
	static const int vgr[] = { 3, 3, 3, 3, 3, 3, 2, 2 };
	struct quorum_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		struct quorum_seat s[] = {
			{ .party = 0, .role = SEAT_MEMBER, .took_part = true },	     /* Hallberg */
			{ .party = 0, .role = SEAT_MEMBER, .took_part = true },	     /* Nordin */
			{ .party = 0, .role = SEAT_MEMBER, .took_part = wester[i] }, /* Wester */
			{ .party = 0, .role = SEAT_MEMBER, .vacant = true }, /* Privat primärvård */
			{ .party = 0, .role = SEAT_MEMBER, .vacant = true },	/* Sjukhus */
			{ .party = 1, .role = SEAT_MEMBER, .took_part = true }, /* Lund */
			{ .party = 1, .role = SEAT_MEMBER, .took_part = true }, /* Lindqvist */
			{ .party = 1, .role = SEAT_MEMBER, .took_part = true }, /* Axelsson */
			{ .party = 1, .role = SEAT_MEMBER },		       /* Nordén, absent */
			{ .party = 1, .role = SEAT_MEMBER },		       /* Berg, absent */
			{ .party = 1, .role = SEAT_CHAIR, .took_part = true }, /* Lundgren */
			{ .party = 0, .role = SEAT_VICE_CHAIR, .took_part = true }, /* Kronlund */
			{ .party = 1, .role = SEAT_ADJUNCT, .took_part = true },    /* Lindberg */
		};
		quorum_item(s, sizeof(s) / sizeof(s[0]), 2, &QUORUM_RULE_DEFAULT, &r);
		assert_int_equal(r.parties[0].appointed, 5);
		assert_int_equal(r.parties[1].appointed, 5);
		assert_int_equal(r.parties[0].counted, vgr[i]);
		assert_int_equal(r.parties[1].counted, 3);
		assert_int_equal(r.quorate, vgr[i] == 3);
		assert_int_equal(r.parties[0].lacking, vgr[i] == 3 ? 0 : 1);
	}
}

static void roles_lists(void **state)
{
	unsigned roles;

	(void)state;
	assert_true(quorum_roles_parse("member", &roles));
	assert_int_equal(roles, QUORUM_ROLES_DEFAULT);
	assert_true(quorum_roles_parse("chair,vice_chair,member", &roles));
	assert_int_equal(roles, (1u << SEAT_CHAIR) | (1u << SEAT_VICE_CHAIR) | (1u << SEAT_MEMBER));
	assert_false(quorum_roles_parse("", &roles));
	assert_false(quorum_roles_parse("member,", &roles));
	assert_false(quorum_roles_parse("member,,chair", &roles));
	assert_false(quorum_roles_parse("ledamot", &roles));
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
		cmocka_unit_test(vacant_seats_count_toward_appointed),
		cmocka_unit_test(body_without_quorum_rule),
		cmocka_unit_test(council_2024_10_24),
		cmocka_unit_test(roles_lists),
		cmocka_unit_test(role_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
