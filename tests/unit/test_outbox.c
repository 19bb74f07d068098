/* Tests store/notices' outbox against the patient's contact details (migration 21): the notices
 * not yet sent follow the patient's choice of channel and address when it changes; one a server
 * has claimed is left to it, and follows once it is given back or its sending failed. On both
 * engines (store_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/notices.h"
#include "store_fixture.h"

#define NOW   "2026-11-23T10:00:00+01:00"
#define NOW_S 1795510800

static struct db *db;
static struct db_conn *c;
static struct lmn_err err;

static int setup(void **state)
{
	(void)state;
	if (store_fixture_open("outbox", &db, &c) != 0)
		return -1;
	return db_exec(c,
		       "INSERT INTO patients (id, id_number, id_kind, given_name, family_name, address, "
		       "postal_code, city, municipality, created_at, email, notice_channel) VALUES "
		       "(1, '191212121212', 'personnummer', 'A', 'B', 'C', '41101', 'G', 'G', 'x', "
		       "'gammal@example.se', 'email')",
		       &err) == LMN_OK
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	(void)state;
	return store_fixture_close(db, c);
}

/* A notice to patient 1 by e-mail to their address then, with attempts failed already. */
static int64_t queue(int attempts)
{
	int64_t id = 0;

	assert_int_equal(
		db_int(c, &id, 0, &err,
		       "INSERT INTO outbox (patient_id, kind, channel, recipient, subject, "
		       "body, created_at, attempts, next_attempt_at, last_error) VALUES (1, "
		       "'order_received', 'email', 'gammal@example.se', 'S', 'B', $1, $2, "
		       "$3, CASE WHEN $2 > 0 THEN 'fel' END) RETURNING id",
		       "tii", NOW, (int64_t)attempts, (int64_t)(attempts ? NOW_S + 600 : 0)),
		LMN_OK);
	return id;
}

/* The patient's new contact details, and what readdressing does with their notices now. */
static void choose(const char *channel, const char *phone)
{
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(db_do(c, &err,
			       "UPDATE patients SET notice_channel = $1, phone = $2 WHERE id = 1",
			       "tt", channel, phone),
			 LMN_OK);
	assert_int_equal(notices_readdress(c, 1, NOW_S, &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
}

/* Notice id as "channel recipient attempts next_attempt_at last_error", or "gone". */
static const char *row(int64_t id)
{
	static char out[256];
	bool any = false;

	assert_int_equal(db_exists(c, &any, &err, "SELECT 1 FROM outbox WHERE id = $1", "i", id),
			 LMN_OK);
	if (!any)
		return "gone";
	assert_int_equal(db_text(c, out, sizeof(out), &err,
				 "SELECT channel || ' ' || recipient || ' ' || attempts || ' ' || "
				 "next_attempt_at || ' ' || coalesce(last_error, '-') FROM outbox "
				 "WHERE id = $1",
				 "i", id),
			 LMN_OK);
	return out;
}

/* Claims what is due for server s1, as the notice worker does. */
static size_t claim(void)
{
	struct notice_row rows[8];
	size_t n = 0;

	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(notices_claim(c, "s1", NOW_S + 3600, NOW_S + 4200, true, true, rows, 8, &n,
				       &err),
			 LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	return n;
}

/* A new number: the waiting notice goes there, its attempts at the old address forgotten. */
static void test_waiting_notice_follows(void **state)
{
	int64_t id;

	(void)state;
	choose("email", NULL);
	id = queue(3);
	choose("sms", "070-111 22 33");
	assert_string_equal(row(id), "sms 070-111 22 33 0 0 -");
	choose("none", "070-111 22 33");
	assert_string_equal(row(id), "gone");
}

/* A notice a server has claimed stays as it was while it is being sent; when its sending fails,
 * or the server gives it back, it follows the patient's details as they are then. */
static void test_claimed_notice_follows_after(void **state)
{
	int64_t failed, given_back;
	struct notice_row rows[8];
	size_t n = 0;

	(void)state;
	choose("email", NULL);
	assert_int_equal(db_do(c, &err,
			       "UPDATE patients SET email = 'gammal@example.se' "
			       "WHERE id = 1",
			       ""),
			 LMN_OK);
	failed = queue(0);
	given_back = queue(0);
	assert_int_equal(claim(), 2);
	choose("sms", "070-444 55 66");
	assert_string_equal(row(failed), "email gammal@example.se 0 0 -");
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(notices_mark_failed(c, failed, false, NOW_S + 60, NOW, "fel", &err),
			 LMN_OK);
	assert_int_equal(notices_unclaim(c, "s1", given_back, &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_string_equal(row(failed), "sms 070-444 55 66 0 0 -");
	assert_string_equal(row(given_back), "sms 070-444 55 66 0 0 -");
	/* Claimed again, then the patient opts out; given back, it is withdrawn. */
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(notices_claim(c, "s1", NOW_S + 3600, NOW_S + 4200, true, true, rows, 8, &n,
				       &err),
			 LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_int_equal(n, 2);
	choose("none", "070-444 55 66");
	assert_string_equal(row(given_back), "sms 070-444 55 66 0 0 -");
	assert_int_equal(db_begin(c, true, &err), LMN_OK);
	assert_int_equal(notices_unclaim(c, "s1", given_back, &err), LMN_OK);
	assert_int_equal(db_commit(c, &err), LMN_OK);
	assert_string_equal(row(given_back), "gone");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waiting_notice_follows),
		cmocka_unit_test(test_claimed_notice_follows_after),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
