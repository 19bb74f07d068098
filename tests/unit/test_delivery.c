/* Tests rules/delivery: due dates, delay contact and refusals as in force on the day of receipt,
 * golden answers worked out by hand from DOMAIN.md §4, §5, §9 and the Swedish calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "areas_fixture.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/calendar.h"
#include "rules/date.h"
#include "rules/delivery.h"
#include "rules/params.h"
#include "store/rules_files.h"
#include "util/buf.h"
#include "util/localtime.h"

/* data/rules as it is, and a copy with three later versions added (see changed_rules). */
static struct params real, changed;

static const char *rules_dir(void)
{
	const char *dir = getenv("LMN_RULES_DIR");
	return dir && *dir ? dir : rules_files_default_dir();
}

/* ---- the copy with added versions ---- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (b.failed) {
		buf_release(&b);
		return NULL;
	}
	if (!b.data)
		buf_adds(&b, "");
	return buf_detach(&b, len);
}

static bool write_all(const char *path, const char *data, size_t len, const char *extra)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	if (extra)
		ok &= fwrite(extra, 1, strlen(extra), f) == strlen(extra);
	return fclose(f) == 0 && ok;
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[512];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Versions appended to the copy (they must not coincide with each other or with data/rules):
 * lead time 3 from 2027-01-10; from 2027-02-01 acute after the cut-off refused and acute lead time
 * 2; delay contact counted in calendar days from 2027-03-03. */
static const struct {
	const char *file, *text;
} added[] = {
	{ "B3-1.rules",
	  "\n[2027-01-10]\ndecided = 2026-12-01\nbody = \"Testbeslut\"\n"
	  "reference = \"Test: ledtid 3 arbetsdagar\"\nlead_time_working_days = 3\n" },
	{ "B3-3.rules",
	  "\n[2027-02-01]\nbody = \"Testbeslut\"\nreference = \"Test: akut efter kl. 14 "
	  "avvisas\"\nacute_after_cutoff = refuse\nacute_lead_working_days = 2\n" },
	{ "B3-6.rules",
	  "\n[2027-03-03]\nbody = \"Testbeslut\"\nreference = \"Test: kalenderdagar\"\n"
	  "delay_contact_day_kind = calendar_days\n" },
};

static int load_changed(void)
{
	char dir[64] = "/tmp/lmn-test-delivery-XXXXXX";
	DIR *d;
	struct dirent *e;
	struct lmn_err err;
	int rc = 0;
	size_t used = 0;

	if (!mkdtemp(dir))
		return -1;
	d = opendir(rules_dir());
	if (!d) {
		rmdir(dir);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char from[512], to[512];
		const char *extra = NULL;
		size_t len;
		char *data;

		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++)
			if (strcmp(e->d_name, added[i].file) == 0)
				extra = added[i].text, used++;
		snprintf(from, sizeof(from), "%s/%s", rules_dir(), e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dir, e->d_name);
		data = read_all(from, &len);
		if (!data || !write_all(to, data, len, extra))
			rc = -1;
		free(data);
	}
	closedir(d);
	if (rc == 0 && used != sizeof(added) / sizeof(added[0]))
		rc = -1;
	params_init(&changed);
	if (rc == 0 && rules_files_load(&changed, dir, &err) != LMN_OK) {
		fprintf(stderr, "loading the changed copy: %s\n", err.message);
		rc = -1;
	}
	remove_dir(dir);
	return rc;
}

/* A copy of data/rules with extra appended to one file, loaded into out. */
static int load_with(struct params *out, const char *file, const char *extra)
{
	char dir[64] = "/tmp/lmn-test-delivery-XXXXXX";
	DIR *d;
	struct dirent *e;
	struct lmn_err err;
	int rc = 0;

	params_init(out);
	if (!mkdtemp(dir))
		return -1;
	if (!(d = opendir(rules_dir()))) {
		rmdir(dir);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char from[512], to[512];
		size_t len;
		char *data;

		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", rules_dir(), e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dir, e->d_name);
		data = read_all(from, &len);
		if (!data || !write_all(to, data, len, strcmp(e->d_name, file) == 0 ? extra : NULL))
			rc = -1;
		free(data);
	}
	closedir(d);
	if (rc == 0 && rules_files_load(out, dir, &err) != LMN_OK) {
		fprintf(stderr, "loading the copy: %s\n", err.message);
		rc = -1;
	}
	remove_dir(dir);
	return rc;
}

static int setup(void **state)
{
	struct lmn_err err;
	(void)state;
	if (areas_fixture(true) != 0)
		return -1;

	if (localtime_init(&err) != LMN_OK) {
		fprintf(stderr, "localtime_init: %s\n", err.message);
		return -1;
	}
	params_init(&real);
	if (rules_files_load(&real, rules_dir(), &err) != LMN_OK) {
		fprintf(stderr, "loading %s: %s\n", rules_dir(), err.message);
		return -1;
	}
	return load_changed();
}

static int teardown(void **state)
{
	(void)state;
	params_release(&real);
	params_release(&changed);
	return 0;
}

/* ---- helpers ---- */

static lmn_day day_of(const char *iso)
{
	lmn_day day = LMN_DAY_NONE;
	if (date_parse(iso, strlen(iso), &day) != LMN_OK)
		fail_msg("bad date in the test: %s", iso);
	return day;
}

static const char *fmt_day(lmn_day day, char out[11])
{
	if (day == LMN_DAY_NONE)
		snprintf(out, 11, "none");
	else
		date_format(day, out);
	return out;
}

/* A normal order by the patient (order_facts_init), received at day "HH:MM:SS". */
static struct order_facts order(const char *day, const char *hms)
{
	struct order_facts f;
	int h = 0, m = 0, s = 0;

	order_facts_init(&f);
	if (strlen(hms) != 8 || sscanf(hms, "%2d:%2d:%2d", &h, &m, &s) != 3)
		fail_msg("bad time in the test: %s", hms);
	f.received_day = day_of(day);
	f.received_sec = h * 3600 + m * 60 + s;
	return f;
}

/* The usual acute order after 2020-01-30 (DOMAIN.md §5): requested by a regional prescriber,
 * entered by customer service, for an article of the acute assortment. */
static struct order_facts acute(const char *day, const char *hms)
{
	struct order_facts f = order(day, hms);
	f.kind = KIND_ACUTE;
	f.requested_by = ROLE_PRESCRIBER;
	f.entered_by = ROLE_CUSTOMER_SERVICE;
	f.acute_assortment = true;
	return f;
}

/* Express as it was offered until 2020-01-29: nutrition, stocked, requested by a prescriber. */
static struct order_facts express(const char *day, const char *hms)
{
	struct order_facts f = order(day, hms);
	f.kind = KIND_EXPRESS;
	f.requested_by = ROLE_PRESCRIBER;
	f.area = T_NUTRITION;
	return f;
}

/* The decision's rule references joined by spaces; also checks they are distinct. */
static void refs_of(const struct delivery_decision *d, char *out, size_t n, int line)
{
	size_t used = 0;

	out[0] = '\0';
	assert_in_range(d->nrules, 0, DELIVERY_MAX_RULES);
	for (int i = 0; i < d->nrules; i++) {
		for (int j = 0; j < i; j++)
			if (d->rules[i] == d->rules[j])
				fail_msg("line %d: %s listed twice", line, d->rules[i]->ref);
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? " " : "",
					 d->rules[i]->ref);
		assert_true(used < n);
	}
}

static void check_ok(const struct params *p, const struct order_facts *f, const char *due,
		     const char *contact, const char *rules, int line)
{
	struct delivery_decision d;
	struct lmn_err err;
	char a[11], b[11], refs[256];
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = delivery_decide(p, f, &d, &err);
	if (rc != LMN_OK || d.code != DELIVERY_OK)
		fail_msg("line %d: %s / %s (%s), expected ok", line, lmn_rc_name(rc),
			 delivery_code_name(d.code), err.message);
	if (d.due != day_of(due))
		fail_msg("line %d: due %s, expected %s", line, fmt_day(d.due, a), due);
	if (d.contact_from != (contact ? day_of(contact) : LMN_DAY_NONE))
		fail_msg("line %d: contact_from %s, expected %s", line, fmt_day(d.contact_from, b),
			 contact ? contact : "none");
	refs_of(&d, refs, sizeof(refs), line);
	if (strcmp(refs, rules) != 0)
		fail_msg("line %d: rules '%s', expected '%s'", line, refs, rules);
	assert_ptr_equal(d.rs, params_at(p, f->received_day));
	assert_ptr_equal(d.facts, f);
}

static void check_refused(const struct params *p, const struct order_facts *f,
			  enum delivery_code code, enum param_id by, const char *ref,
			  const char *rules, const char *message, int line)
{
	struct delivery_decision d;
	struct lmn_err err;
	char refs[256];
	struct buf msg;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = delivery_decide(p, f, &d, &err);
	if (rc != LMN_EREFUSED || d.code != code)
		fail_msg("line %d: %s / %s, expected refused / %s", line, lmn_rc_name(rc),
			 delivery_code_name(d.code), delivery_code_name(code));
	if (d.refused_by != by)
		fail_msg("line %d: refused by %s, expected %s", line, param_def(d.refused_by)->key,
			 param_def(by)->key);
	assert_non_null(d.rs);
	if (strcmp(d.rs->src[by]->ref, ref) != 0)
		fail_msg("line %d: rule %s, expected %s", line, d.rs->src[by]->ref, ref);
	refs_of(&d, refs, sizeof(refs), line);
	if (strcmp(refs, rules) != 0)
		fail_msg("line %d: rules '%s', expected '%s'", line, refs, rules);
	assert_int_equal(d.due, LMN_DAY_NONE);
	assert_int_equal(d.contact_from, LMN_DAY_NONE);
	buf_init(&msg, 4096);
	delivery_message(&d, &msg);
	assert_false(msg.failed);
	if (!msg.data || strcmp(msg.data, message) != 0)
		fail_msg("line %d: message\n  '%s'\nexpected\n  '%s'", line,
			 msg.data ? msg.data : "", message);
	buf_release(&msg);
}

#define OK(p, f, due, contact, rules) check_ok(p, &(f), due, contact, rules, __LINE__)
#define REFUSED(p, f, code, by, ref, rules, message) \
	check_refused(p, &(f), code, by, ref, rules, message, __LINE__)

/* Rule references in the order the engine uses them. */
#define NORMAL_2018 "B3:1@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01"
#define NORMAL_2024 "B3:1@2018-05-01 B3:6@2018-05-01 ordering@2024-10-24"
#define ACUTE_2024  "B3:3@2018-05-01 B3:3@2020-01-30 B3:6@2018-05-01 ordering@2024-10-24"

/* ---- Spec B 3:1: four working days, the order day is day 0 ---- */

static void normal_lead_time(void **state)
{
	(void)state;
	struct order_facts f;

	/* Christmas 2026: Wed 23 (1), 24–27 off, Mon 28 (2), Tue 29 (3), Wed 30 (4). Contact: 31 Dec,
	 * 1 Jan and the weekend off, Mon 4 Jan is day 5, Tue 5 Jan day 6. (cases.jsonl line 1) */
	f = order("2026-12-22", "10:15:00");
	OK(&real, f, "2026-12-30", "2027-01-05", NORMAL_2024);
	/* Mon 28 (1), Tue 29 (2), Wed 30 (3), Mon 4 Jan (4); Tue 5 (5), 6 Jan off, Thu 7 (6). */
	f = order("2026-12-23", "09:00:00");
	OK(&real, f, "2027-01-04", "2027-01-07", NORMAL_2024);
	/* New Year and trettondedag jul: Mon 4 (1), Tue 5 (2), Thu 7 (3), Fri 8 (4); Mon 11 (5),
	 * Tue 12 (6). */
	f = order("2026-12-30", "16:00:00");
	OK(&real, f, "2027-01-08", "2027-01-12", NORMAL_2024);
	/* Easter 2026 (5 April): Thu 2 (1), Fri 3–Mon 6 off, Tue 7 (2), Wed 8 (3), Thu 9 (4);
	 * Fri 10 (5), Mon 13 (6). */
	f = order("2026-04-01", "12:00:00");
	OK(&real, f, "2026-04-09", "2026-04-13", NORMAL_2024);
	/* Received on långfredagen, day 0 all the same: Tue 7 (1) … Fri 10 (4); Mon 13 (5), Tue 14. */
	f = order("2026-04-03", "12:00:00");
	OK(&real, f, "2026-04-10", "2026-04-14", NORMAL_2024);
	/* Kristi himmelsfärdsdag Thu 14 May: Wed 13 (1), Fri 15 (2), Mon 18 (3), Tue 19 (4);
	 * Wed 20 (5), Thu 21 (6). */
	f = order("2026-05-12", "12:00:00");
	OK(&real, f, "2026-05-19", "2026-05-21", NORMAL_2024);
	/* Midsummer 2026 (eve Fri 19 June): Wed 17 (1), Thu 18 (2), Mon 22 (3), Tue 23 (4);
	 * Wed 24 (5), Thu 25 (6). */
	f = order("2026-06-16", "12:00:00");
	OK(&real, f, "2026-06-23", "2026-06-25", NORMAL_2024);
	/* Received on midsommarafton: Mon 22 (1) … Thu 25 (4); Fri 26 (5), Mon 29 (6). */
	f = order("2026-06-19", "09:00:00");
	OK(&real, f, "2026-06-25", "2026-06-29", NORMAL_2024);
	/* Easter 2019 (21 April), under the 2018 ordering rules: Tue 23 (1) … Fri 26 (4);
	 * Mon 29 (5), Tue 30 (6). */
	f = order("2019-04-18", "12:00:00");
	OK(&real, f, "2019-04-26", "2019-04-30", NORMAL_2018);
	/* The base date is första maj 2018 (a Tuesday holiday): Wed 2 (1) … Mon 7 (4); Tue 8 (5),
	 * Wed 9 (6) (Kristi himmelsfärdsdag 2018 is Thu 10 May). */
	f = order("2018-05-01", "12:00:00");
	OK(&real, f, "2018-05-07", "2018-05-09", NORMAL_2018);
}

/* Whatever the time of day, and also on a non-working day (cases.jsonl line 2). */
static void normal_time_of_day_and_weekend(void **state)
{
	(void)state;
	struct order_facts f;

	/* Fri 27 Nov is day 0 at any time; Sat and Sun count from the Monday after: Mon 30 (1),
	 * Tue 1 (2), Wed 2 (3), Thu 3 (4); Fri 4 (5), Mon 7 (6). */
	f = order("2026-11-27", "00:00:00");
	OK(&real, f, "2026-12-03", "2026-12-07", NORMAL_2024);
	f = order("2026-11-27", "23:59:59");
	OK(&real, f, "2026-12-03", "2026-12-07", NORMAL_2024);
	f = order("2026-11-28", "09:00:00");
	OK(&real, f, "2026-12-03", "2026-12-07", NORMAL_2024);
	f = order("2026-11-29", "23:59:59");
	OK(&real, f, "2026-12-03", "2026-12-07", NORMAL_2024);
	/* Mon 30 Nov as day 0: Tue 1 (1) … Fri 4 (4); Mon 7 (5), Tue 8 (6). */
	f = order("2026-11-30", "00:00:00");
	OK(&real, f, "2026-12-04", "2026-12-08", NORMAL_2024);
}

/* ---- Spec B 3:3: acute delivery and the 14:00 cut-off ---- */

static void acute_cutoff(void **state)
{
	(void)state;
	struct order_facts f;

	/* Tue 24 Nov 2026 before 14:00: the next working day. Contact counts from the day of receipt
	 * (Wed 25 … Tue 1 Dec is day 5, Wed 2 Dec). (cases.jsonl lines 3–4) */
	f = acute("2026-11-24", "13:59:59");
	OK(&real, f, "2026-11-25", "2026-12-02", ACUTE_2024);
	f = acute("2026-11-24", "00:00:00");
	OK(&real, f, "2026-11-25", "2026-12-02", ACUTE_2024);
	/* At or after 14:00 it counts as received on Wed 25, so it is due Thu 26. */
	f = acute("2026-11-24", "14:00:00");
	OK(&real, f, "2026-11-26", "2026-12-02", ACUTE_2024);
	f = acute("2026-11-24", "23:59:59");
	OK(&real, f, "2026-11-26", "2026-12-02", ACUTE_2024);
	/* Friday after the cut-off: counts as Mon 30, due Tue 1 Dec. */
	f = acute("2026-11-27", "14:00:00");
	OK(&real, f, "2026-12-01", "2026-12-07", ACUTE_2024);
	/* Saturday, before 14:00 but not a working day: counts as Mon 30, due Tue 1 Dec. Contact from
	 * Sat: Mon 30 (1) … Fri 4 (5), Mon 7 (6). */
	f = acute("2026-11-28", "10:00:00");
	OK(&real, f, "2026-12-01", "2026-12-07", ACUTE_2024);
	/* Skärtorsdagen is a working day: before 14:00 due the next working day, Tue 7 April
	 * (Fri 3–Mon 6 are off); after it, counts as Tue 7 and is due Wed 8. */
	f = acute("2026-04-02", "13:59:59");
	OK(&real, f, "2026-04-07", "2026-04-14", ACUTE_2024);
	f = acute("2026-04-02", "14:00:00");
	OK(&real, f, "2026-04-08", "2026-04-14", ACUTE_2024);
	/* Långfredagen in the morning: counts as Tue 7, due Wed 8. */
	f = acute("2026-04-03", "09:00:00");
	OK(&real, f, "2026-04-08", "2026-04-14", ACUTE_2024);
	/* Wed 23 Dec after 14:00: counts as Mon 28, due Tue 29. Contact: Mon 28 (1), Tue 29, Wed 30,
	 * Mon 4 Jan (4), Tue 5 (5), Thu 7 (6). */
	f = acute("2026-12-23", "15:00:00");
	OK(&real, f, "2026-12-29", "2027-01-07", ACUTE_2024);
}

/* 2020-01-30 (Ledningsråd MTP): acute only for the acute assortment, requested by a prescriber. */
static void acute_rule_change_2020(void **state)
{
	(void)state;
	struct order_facts f;

	/* The day before: a patient may request acute delivery of any stocked article; due Thu 30.
	 * Contact: Thu 30 (1), Fri 31, Mon 3, Tue 4, Wed 5 (5), Thu 6 Feb. (cases.jsonl line 10) */
	f = order("2020-01-29", "10:00:00");
	f.kind = KIND_ACUTE;
	OK(&real, f, "2020-01-30", "2020-02-06",
	   "B3:3@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01");
	/* The day of: the same patient request is refused, also for an acute-assortment article
	 * (cases.jsonl line 11). */
	f = order("2020-01-30", "10:00:00");
	f.kind = KIND_ACUTE;
	f.acute_assortment = true;
	REFUSED(&real, f, DELIVERY_REQUESTER_NOT_ALLOWED, P_ACUTE_REQUESTERS, "B3:3@2020-01-30",
		"B3:3@2018-05-01 B3:3@2020-01-30",
		"Akut leverans kan enbart begäras av förskrivare eller kommunal förskrivare, inte av "
		"patient (gäller från 2020-01-30).");
	/* A prescriber, a stocked article outside the acute assortment (cases.jsonl line 21). */
	f = acute("2020-01-30", "10:00:00");
	f.acute_assortment = false;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_ACUTE_ARTICLES, "B3:3@2020-01-30",
		"B3:3@2018-05-01 B3:3@2020-01-30",
		"Akut leverans gäller enbart artiklar i det begränsade lagerlagda akutsortimentet (gäller "
		"från 2020-01-30).");
	/* The same article the day before: fine, it is stocked. */
	f = acute("2020-01-29", "10:00:00");
	f.acute_assortment = false;
	OK(&real, f, "2020-01-30", "2020-02-06",
	   "B3:3@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01");
	/* A prescriber and an acute-assortment article on the day of: due Fri 31; contact Fri 31 (1),
	 * Mon 3 … Thu 6 (5), Fri 7. */
	f = acute("2020-01-30", "10:00:00");
	OK(&real, f, "2020-01-31", "2020-02-07",
	   "B3:3@2018-05-01 B3:3@2020-01-30 B3:6@2018-05-01 ordering@2018-05-01");
	/* Before 2020-01-30: only stocked articles, and not a municipal orderer. */
	f = acute("2020-01-29", "10:00:00");
	f.stocked = false;
	f.acute_assortment = false;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_ACUTE_ARTICLES, "B3:3@2018-05-01",
		"B3:3@2018-05-01", "Akut leverans gäller enbart lagerlagda artiklar.");
	f = acute("2020-01-29", "10:00:00");
	f.requested_by = ROLE_MUNICIPAL_ORDERER;
	REFUSED(&real, f, DELIVERY_REQUESTER_NOT_ALLOWED, P_ACUTE_REQUESTERS, "B3:3@2018-05-01",
		"B3:3@2018-05-01",
		"Akut leverans kan enbart begäras av patient, förskrivare eller kommunal förskrivare, inte "
		"av kommunal beställare (gäller sedan före ändringsloggen).");
	/* A municipal prescriber may still request acute delivery after the change. */
	f = acute("2020-01-30", "10:00:00");
	f.requested_by = ROLE_MUNICIPAL_PRESCRIBER;
	OK(&real, f, "2020-01-31", "2020-02-07",
	   "B3:3@2018-05-01 B3:3@2020-01-30 B3:6@2018-05-01 ordering@2018-05-01");
}

/* Express: same day until 2020-01-29, no longer offered from 2020-01-30. */
static void express_until_2020(void **state)
{
	(void)state;
	struct order_facts f;
	const char *only_prescribers =
		"Expressleverans kan enbart begäras av förskrivare eller kommunal "
		"förskrivare, inte av patient (gäller sedan före ändringsloggen).";

	/* The day before: due the same day (cases.jsonl line 5). */
	f = express("2020-01-29", "10:00:00");
	OK(&real, f, "2020-01-29", "2020-02-06",
	   "B3:3@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01");
	f = express("2020-01-29", "13:59:59");
	OK(&real, f, "2020-01-29", "2020-02-06",
	   "B3:3@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01");
	f = express("2020-01-29", "10:00:00");
	f.requested_by = ROLE_MUNICIPAL_PRESCRIBER;
	OK(&real, f, "2020-01-29", "2020-02-06",
	   "B3:3@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01");
	/* The day of (cases.jsonl line 6). */
	f = express("2020-01-30", "10:00:00");
	REFUSED(&real, f, DELIVERY_KIND_NOT_OFFERED, P_EXPRESS_OFFERED, "B3:3@2020-01-30",
		"B3:3@2020-01-30",
		"Expressleverans erbjuds inte (gäller från 2020-01-30). Välj akut leverans, som levereras "
		"nästa arbetsdag.");
	f = express("2026-11-24", "08:00:00");
	f.entered_by = ROLE_CUSTOMER_SERVICE;
	REFUSED(&real, f, DELIVERY_KIND_NOT_OFFERED, P_EXPRESS_OFFERED, "B3:3@2020-01-30",
		"B3:3@2020-01-30",
		"Expressleverans erbjuds inte (gäller från 2020-01-30). Välj akut leverans, som levereras "
		"nästa arbetsdag.");
	/* After the cut-off, or on a non-working day (Sat 25 Jan 2020), express is refused
	 * (cases.jsonl line 7). */
	f = express("2020-01-29", "14:00:00");
	REFUSED(&real, f, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF, "B3:3@2018-05-01",
		"B3:3@2018-05-01",
		"Expressbeställningen måste nå distributören före kl. 14:00 en arbetsdag. Välj akut "
		"leverans i stället.");
	f = express("2020-01-25", "10:00:00");
	REFUSED(&real, f, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF, "B3:3@2018-05-01",
		"B3:3@2018-05-01",
		"Expressbeställningen måste nå distributören före kl. 14:00 en arbetsdag. Välj akut "
		"leverans i stället.");
	/* Who may request it, and for what. */
	f = express("2020-01-29", "10:00:00");
	f.requested_by = ROLE_PATIENT;
	REFUSED(&real, f, DELIVERY_REQUESTER_NOT_ALLOWED, P_EXPRESS_REQUESTERS, "B3:3@2018-05-01",
		"B3:3@2018-05-01", only_prescribers);
	f = express("2020-01-29", "10:00:00");
	f.area = T_INCONTINENCE;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_AREAS, "B3:3@2018-05-01",
		"B3:3@2018-05-01", "Expressleverans gäller enbart produktområdet nutrition.");
	f = express("2020-01-29", "10:00:00");
	f.area = AREA_UNKNOWN;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_AREAS, "B3:3@2018-05-01",
		"B3:3@2018-05-01",
		"Expressleverans gäller enbart produktområdet nutrition; ordern anger inget produktområde.");
	f = express("2020-01-29", "10:00:00");
	f.stocked = false;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_ARTICLES, "B3:3@2018-05-01",
		"B3:3@2018-05-01", "Expressleverans gäller enbart lagerlagda artiklar.");
}

/* ---- Spec B 3:1 and 3:6 from 2023-06-21: special non-stocked products ---- */

static void special_exemption_2023(void **state)
{
	(void)state;
	struct order_facts f;

	/* The day before: contact as usual. Tue 20 June 2023, midsommarafton Fri 23: Wed 21 (1),
	 * Thu 22 (2), Mon 26 (3), Tue 27 (4); Wed 28 (5), Thu 29 (6). (cases.jsonl line 14) */
	f = order("2023-06-20", "10:00:00");
	f.special = true;
	f.stocked = false;
	OK(&real, f, "2023-06-27", "2023-06-29", NORMAL_2018);
	/* The day of: the same due date rule, but no delay contact (cases.jsonl line 13). */
	f = order("2023-06-21", "10:00:00");
	f.special = true;
	f.stocked = false;
	OK(&real, f, "2023-06-28", NULL, "B3:1@2018-05-01 B3:6@2023-06-21 ordering@2018-05-01");
	/* An ordinary article on the day of: contact Thu 29 (5) → Fri 30 (6). */
	f = order("2023-06-21", "10:00:00");
	OK(&real, f, "2023-06-28", "2023-06-30", NORMAL_2018);
	/* And later, on a weekend: Mon 30 Nov (1) … Thu 3 Dec (4), no contact. */
	f = order("2026-11-28", "10:00:00");
	f.special = true;
	f.stocked = false;
	OK(&real, f, "2026-12-03", NULL, "B3:1@2018-05-01 B3:6@2023-06-21 ordering@2024-10-24");
}

/* ---- DOMAIN.md §5: ordering rights from 2024-10-24 ---- */

static void entry_rights_2024(void **state)
{
	(void)state;
	struct order_facts f;
	const char *refused =
		"Rollen förskrivare får inte registrera uttag (gäller från 2024-10-24). "
		"Förskrivaren kan kontakta kundtjänst, som registrerar uttaget. Uttag "
		"registreras av: patient, kommunal förskrivare, kommunal beställare eller "
		"kundtjänst.";

	/* The day before, a regional prescriber enters it: Thu 24 (1), Fri 25, Mon 28, Tue 29 (4);
	 * Wed 30 (5), Thu 31 (6). (cases.jsonl line 8) */
	f = order("2024-10-23", "12:00:00");
	f.requested_by = f.entered_by = ROLE_PRESCRIBER;
	OK(&real, f, "2024-10-29", "2024-10-31", NORMAL_2018);
	/* The day of: refused (cases.jsonl line 9). */
	f = order("2024-10-24", "08:00:00");
	f.requested_by = f.entered_by = ROLE_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_WITHDRAWAL_ENTRY_ROLES,
		"ordering@2024-10-24", "ordering@2024-10-24", refused);
	f = order("2024-10-24", "00:00:00");
	f.entered_by = ROLE_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_WITHDRAWAL_ENTRY_ROLES,
		"ordering@2024-10-24", "ordering@2024-10-24", refused);
	/* Through customer service instead: Fri 25 (1), Mon 28, Tue 29, Wed 30 (4); Thu 31 (5),
	 * Fri 1 Nov (6) (alla helgons dag 2024 is Saturday 2 Nov). */
	f = order("2024-10-24", "08:00:00");
	f.requested_by = ROLE_PRESCRIBER;
	f.entered_by = ROLE_CUSTOMER_SERVICE;
	OK(&real, f, "2024-10-30", "2024-11-01", NORMAL_2024);
	/* The roles that keep the function. */
	static const enum role keep[] = { ROLE_PATIENT, ROLE_MUNICIPAL_PRESCRIBER,
					  ROLE_MUNICIPAL_ORDERER, ROLE_CUSTOMER_SERVICE };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		f = order("2024-10-24", "08:00:00");
		f.entered_by = keep[i];
		OK(&real, f, "2024-10-30", "2024-11-01", NORMAL_2024);
	}
	/* An acute request by a regional prescriber, entered by customer service (cases.jsonl 3). */
	f = acute("2024-10-24", "08:00:00");
	OK(&real, f, "2024-10-25", "2024-11-01", ACUTE_2024);
	f.entered_by = ROLE_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_WITHDRAWAL_ENTRY_ROLES,
		"ordering@2024-10-24", "ordering@2024-10-24", refused);
}

/* ---- which refusal wins: entry, kind, requester, article, cut-off ---- */

static void refusal_precedence(void **state)
{
	(void)state;
	struct order_facts f;

	/* Express by a patient, entered by a regional prescriber, on 2024-10-24: the entry right is
	 * checked first (cases.jsonl line 12); without it, the kind. */
	f = order("2024-10-24", "15:00:00");
	f.kind = KIND_EXPRESS;
	f.entered_by = ROLE_PRESCRIBER;
	f.area = T_INCONTINENCE;
	f.stocked = false;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_WITHDRAWAL_ENTRY_ROLES,
		"ordering@2024-10-24", "ordering@2024-10-24",
		"Rollen förskrivare får inte registrera uttag (gäller från 2024-10-24). Förskrivaren kan "
		"kontakta kundtjänst, som registrerar uttaget. Uttag registreras av: patient, kommunal "
		"förskrivare, kommunal beställare eller kundtjänst.");
	f.entered_by = ROLE_PATIENT;
	REFUSED(&real, f, DELIVERY_KIND_NOT_OFFERED, P_EXPRESS_OFFERED, "B3:3@2020-01-30",
		"B3:3@2020-01-30",
		"Expressleverans erbjuds inte (gäller från 2020-01-30). Välj akut leverans, som levereras "
		"nästa arbetsdag.");

	/* Express in 2020 with everything wrong, then one fault removed at a time. */
	f = order("2020-01-29", "15:00:00");
	f.kind = KIND_EXPRESS;
	f.area = T_INCONTINENCE;
	f.stocked = false;
	REFUSED(&real, f, DELIVERY_REQUESTER_NOT_ALLOWED, P_EXPRESS_REQUESTERS, "B3:3@2018-05-01",
		"B3:3@2018-05-01",
		"Expressleverans kan enbart begäras av förskrivare eller kommunal förskrivare, inte av "
		"patient (gäller sedan före ändringsloggen).");
	f.requested_by = ROLE_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_AREAS, "B3:3@2018-05-01",
		"B3:3@2018-05-01", "Expressleverans gäller enbart produktområdet nutrition.");
	f.area = T_NUTRITION;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_ARTICLES, "B3:3@2018-05-01",
		"B3:3@2018-05-01", "Expressleverans gäller enbart lagerlagda artiklar.");
	f.stocked = true;
	REFUSED(&real, f, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF, "B3:3@2018-05-01",
		"B3:3@2018-05-01",
		"Expressbeställningen måste nå distributören före kl. 14:00 en arbetsdag. Välj akut "
		"leverans i stället.");
	f.received_sec = 13 * 3600;
	OK(&real, f, "2020-01-29", "2020-02-06",
	   "B3:3@2018-05-01 B3:6@2018-05-01 ordering@2018-05-01");

	/* Acute in 2026 with everything wrong, then one fault removed at a time. */
	f = order("2026-11-24", "15:00:00");
	f.kind = KIND_ACUTE;
	f.entered_by = ROLE_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_WITHDRAWAL_ENTRY_ROLES,
		"ordering@2024-10-24", "ordering@2024-10-24",
		"Rollen förskrivare får inte registrera uttag (gäller från 2024-10-24). Förskrivaren kan "
		"kontakta kundtjänst, som registrerar uttaget. Uttag registreras av: patient, kommunal "
		"förskrivare, kommunal beställare eller kundtjänst.");
	f.entered_by = ROLE_CUSTOMER_SERVICE;
	REFUSED(&real, f, DELIVERY_REQUESTER_NOT_ALLOWED, P_ACUTE_REQUESTERS, "B3:3@2020-01-30",
		"B3:3@2018-05-01 B3:3@2020-01-30",
		"Akut leverans kan enbart begäras av förskrivare eller kommunal förskrivare, inte av "
		"patient (gäller från 2020-01-30).");
	f.requested_by = ROLE_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_ACUTE_ARTICLES, "B3:3@2020-01-30",
		"B3:3@2018-05-01 B3:3@2020-01-30",
		"Akut leverans gäller enbart artiklar i det begränsade lagerlagda akutsortimentet (gäller "
		"från 2020-01-30).");
	/* After the cut-off acute is not refused under data/rules: due Thu 26. */
	f.acute_assortment = true;
	OK(&real, f, "2026-11-26", "2026-12-02", ACUTE_2024);
}

/* ---- invalid input ---- */

static void invalid_input(void **state)
{
	(void)state;
	struct order_facts f;
	struct delivery_decision d;
	struct lmn_err err;
	struct buf msg;

	/* DOMAIN.md §9: the original versions have no start date, so an order received before the
	 * date that names them is decided by them (cases.jsonl line 19): Mon 30 Apr 2018, första
	 * maj on Tue, due the 4th working day Mon 7 May; history older than 2018 too. */
	f = order("2018-04-30", "10:00:00");
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_OK);
	assert_int_equal(d.due, day_of("2018-05-07"));
	assert_int_equal(d.contact_from, day_of("2018-05-09"));
	assert_true(d.rs->src[P_LEAD_TIME_WORKING_DAYS]->original);
	assert_string_equal(d.rs->src[P_LEAD_TIME_WORKING_DAYS]->ref, "B3:1@2018-05-01");
	f = order("2015-03-01", "10:00:00");
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_OK);
	assert_int_equal(d.due, day_of("2015-03-05"));
	/* Before 2020-01-30 a patient could ask for acute delivery of a stocked article. */
	f = acute("2015-03-02", "10:00:00");
	f.requested_by = ROLE_PATIENT;
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_OK);
	assert_int_equal(d.due, day_of("2015-03-03"));
	/* Without rule sets (never finished) nothing is decided. */
	{
		struct params none;
		params_init(&none);
		f = order("2026-11-24", "10:00:00");
		lmn_err_clear(&err);
		assert_int_equal(delivery_decide(&none, &f, &d, &err), LMN_EINVAL);
		assert_int_equal(d.code, DELIVERY_INVALID_INPUT);
		assert_int_equal(d.due, LMN_DAY_NONE);
		assert_null(d.rs);
		assert_string_equal(err.field, "received");
		buf_init(&msg, 4096);
		delivery_message(&d, &msg);
		assert_string_equal(msg.data, "Ordern kunde inte prövas.");
		buf_release(&msg);
		params_release(&none);
	}

	/* The last days the calendar covers: Mon 29 and Tue 30 Dec 2200 are working days, 31 Dec is
	 * nyårsafton, and 2201 is outside the calendar. */
	f = order("2200-12-28", "10:00:00");
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_EINVAL);
	assert_int_equal(d.code, DELIVERY_INVALID_INPUT);
	assert_string_equal(err.field, "received");
	assert_string_equal(err.message,
			    "Datumet ligger utanför kalenderns intervall (1900–2200).");
	f = order("2201-01-01", "10:00:00");
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_EINVAL);
	assert_int_equal(d.code, DELIVERY_INVALID_INPUT);
	assert_string_equal(err.message,
			    "Datumet ligger utanför kalenderns intervall (1900–2200).");
	/* Acute on Mon 29 is due Tue 30, but its contact date (day 6) leaves the calendar. */
	f = acute("2200-12-29", "10:00:00");
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_EINVAL);
	assert_int_equal(d.code, DELIVERY_INVALID_INPUT);

	/* An order kind that does not exist. */
	f = order("2026-11-24", "10:00:00");
	f.kind = KIND__COUNT;
	lmn_err_clear(&err);
	assert_int_equal(delivery_decide(&real, &f, &d, &err), LMN_EINVAL);
	assert_int_equal(d.code, DELIVERY_INVALID_INPUT);
	assert_string_equal(err.field, "kind");
	assert_string_equal(err.message, "Okänd ordertyp.");
}

/* ---- local time: delivery_decide takes the local day and second of receipt ---- */

static struct order_facts stamped(const char *stamp, enum order_kind kind)
{
	struct order_facts f = kind == KIND_ACUTE ? acute("2000-01-01", "00:00:00")
						  : order("2000-01-01", "00:00:00");
	struct lmn_err err;

	lmn_err_clear(&err);
	if (localtime_parse(stamp, strlen(stamp), &f.received_day, &f.received_sec, &err) != LMN_OK)
		fail_msg("%s: %s", stamp, err.message);
	return f;
}

static void received_with_offsets(void **state)
{
	(void)state;
	struct order_facts f;
	lmn_day day;
	int32_t sec;
	struct lmn_err err;

	/* Winter time (UTC+1): 12:59:59Z is 13:59:59, 13:00:00Z is the cut-off (cases.jsonl 15, 17). */
	f = stamped("2026-11-24T12:59:59Z", KIND_ACUTE);
	OK(&real, f, "2026-11-25", "2026-12-02", ACUTE_2024);
	f = stamped("2026-11-24T13:00:00Z", KIND_ACUTE);
	OK(&real, f, "2026-11-26", "2026-12-02", ACUTE_2024);
	f = stamped("2026-11-24T07:59:59-05:00", KIND_ACUTE);
	OK(&real, f, "2026-11-25", "2026-12-02", ACUTE_2024);
	f = stamped("2026-11-24T08:00:00-05:00", KIND_ACUTE);
	OK(&real, f, "2026-11-26", "2026-12-02", ACUTE_2024);
	/* Near midnight the offset decides the day: 23:30Z on Tue 24 is 00:30 on Wed 25, so the
	 * normal order counts from Wed (Thu 26 (1) … Tue 1 Dec (4); Wed 2 (5), Thu 3 (6)). */
	f = stamped("2026-11-24T23:30:00+00:00", KIND_NORMAL);
	OK(&real, f, "2026-12-01", "2026-12-03", NORMAL_2024);
	f = stamped("2026-11-24T23:30", KIND_NORMAL);
	OK(&real, f, "2026-11-30", "2026-12-02", NORMAL_2024);
	f = stamped("2026-11-24T22:59:59Z", KIND_NORMAL);
	OK(&real, f, "2026-11-30", "2026-12-02", NORMAL_2024);
	/* Summer time (UTC+2) from Sunday 29 March 2026: the cut-off is 12:00Z on Monday 30 March
	 * (due Tue 31, or after the cut-off counts as Tue 31 and is due Wed 1 April). */
	f = stamped("2026-03-30T11:59:59Z", KIND_ACUTE);
	OK(&real, f, "2026-03-31", "2026-04-09", ACUTE_2024);
	f = stamped("2026-03-30T12:00:00Z", KIND_ACUTE);
	OK(&real, f, "2026-04-01", "2026-04-09", ACUTE_2024);
	/* … but 13:00Z on Friday 27 March, still winter time: Mon 30 or, after it, Tue 31. Contact:
	 * Mon 30 (1) … Thu 2 April (4), Easter, Tue 7 (5), Wed 8 (6). */
	f = stamped("2026-03-27T12:59:59Z", KIND_ACUTE);
	OK(&real, f, "2026-03-30", "2026-04-08", ACUTE_2024);
	f = stamped("2026-03-27T13:00:00Z", KIND_ACUTE);
	OK(&real, f, "2026-03-31", "2026-04-08", ACUTE_2024);
	/* The night of the spring change: Sunday 29 March ends at 22:00Z (00:00 summer time). A
	 * normal order on Sunday counts from Mon 30 (1) … Thu 2 April (4), then Easter: Tue 7 (5),
	 * Wed 8 (6); on Monday 30: Tue 31 (1), Wed 1, Thu 2, Tue 7 (4); Wed 8 (5), Thu 9 (6). */
	f = stamped("2026-03-29T21:59:59Z", KIND_NORMAL);
	assert_int_equal(f.received_day, day_of("2026-03-29"));
	OK(&real, f, "2026-04-02", "2026-04-08", NORMAL_2024);
	f = stamped("2026-03-29T22:00:00Z", KIND_NORMAL);
	assert_int_equal(f.received_day, day_of("2026-03-30"));
	OK(&real, f, "2026-04-07", "2026-04-09", NORMAL_2024);
	/* The night of the autumn change: Sunday 25 October ends at 23:00Z (00:00 winter time).
	 * Sunday: Mon 26 (1) … Thu 29 (4), Fri 30 (5), Mon 2 Nov (6) (alla helgons dag is Sat 31);
	 * Monday 26: Tue 27 (1) … Fri 30 (4), Mon 2 (5), Tue 3 (6). */
	f = stamped("2026-10-25T22:59:59Z", KIND_NORMAL);
	assert_int_equal(f.received_day, day_of("2026-10-25"));
	OK(&real, f, "2026-10-29", "2026-11-02", NORMAL_2024);
	f = stamped("2026-10-25T23:00:00Z", KIND_NORMAL);
	assert_int_equal(f.received_day, day_of("2026-10-26"));
	assert_int_equal(f.received_sec, 0);
	OK(&real, f, "2026-10-30", "2026-11-03", NORMAL_2024);
	/* Monday 26 October is winter time again: the cut-off is 13:00Z. */
	f = stamped("2026-10-26T12:59:59Z", KIND_ACUTE);
	OK(&real, f, "2026-10-27", "2026-11-03", ACUTE_2024);
	f = stamped("2026-10-26T13:00:00Z", KIND_ACUTE);
	OK(&real, f, "2026-10-28", "2026-11-03", ACUTE_2024);
	/* A local time in the skipped hour does not exist and is refused before any rule applies. */
	assert_int_equal(localtime_parse("2026-03-29T02:30", 16, &day, &sec, &err), LMN_EINVAL);
	assert_string_equal(err.field, "received");
}

/* ---- a parameter change applies to orders received from its date ---- */

static void change_applies_from_its_date(void **state)
{
	(void)state;
	struct order_facts f;
	const struct rule_set *rs;

	/* The added version of B3:1 and its interval. */
	rs = params_at(&changed, day_of("2027-01-09"));
	assert_non_null(rs);
	assert_int_equal(rs->v[P_LEAD_TIME_WORKING_DAYS].i, 4);
	assert_int_equal(rs->until, day_of("2027-01-10"));
	rs = params_at(&changed, day_of("2027-01-10"));
	assert_int_equal(rs->v[P_LEAD_TIME_WORKING_DAYS].i, 3);
	assert_string_equal(rs->src[P_LEAD_TIME_WORKING_DAYS]->ref, "B3:1@2027-01-10");
	assert_int_equal(rs->src[P_LEAD_TIME_WORKING_DAYS]->decided, day_of("2026-12-01"));
	assert_int_equal(changed.nsets, real.nsets + 3);

	/* Fri 8 and Sat 9 January 2027, four days: Mon 11 (1) … Thu 14 (4); Fri 15 (5), Mon 18 (6). */
	f = order("2027-01-08", "12:00:00");
	OK(&changed, f, "2027-01-14", "2027-01-18", NORMAL_2024);
	f = order("2027-01-09", "23:59:59");
	OK(&changed, f, "2027-01-14", "2027-01-18", NORMAL_2024);
	/* Sun 10, three days: Mon 11 (1), Tue 12 (2), Wed 13 (3) — earlier than the order the day
	 * before. Delay contact is unchanged. */
	f = order("2027-01-10", "00:00:00");
	OK(&changed, f, "2027-01-13", "2027-01-18",
	   "B3:1@2027-01-10 B3:6@2018-05-01 ordering@2024-10-24");
	f = order("2027-01-11", "12:00:00");
	OK(&changed, f, "2027-01-14", "2027-01-19",
	   "B3:1@2027-01-10 B3:6@2018-05-01 ordering@2024-10-24");
	/* The unchanged rules give the old answer for the same days. */
	f = order("2027-01-10", "00:00:00");
	OK(&real, f, "2027-01-14", "2027-01-18", NORMAL_2024);
	/* Acute delivery does not use the lead time: Sunday counts as Mon 11, due Tue 12. */
	f = acute("2027-01-10", "10:00:00");
	OK(&changed, f, "2027-01-12", "2027-01-18", ACUTE_2024);
}

static void acute_refused_after_cutoff_when_configured(void **state)
{
	(void)state;
	struct order_facts f;
	const char *late = "Akutbeställningen måste nå distributören före kl. 14:00 en arbetsdag.";

	/* The day before the added version: Fri 29 Jan after 14:00 counts as Mon 1 Feb, due Tue 2. */
	f = acute("2027-01-29", "14:00:00");
	OK(&changed, f, "2027-02-02", "2027-02-08", ACUTE_2024);
	/* From Mon 1 Feb: refused at 14:00 and on a non-working day (Sat 6 Feb), fine before it. The
	 * refusal names the cut-off; the list shows the version that made it a refusal. */
	f = acute("2027-02-01", "14:00:00");
	REFUSED(&changed, f, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF, "B3:3@2018-05-01",
		"B3:3@2027-02-01 B3:3@2020-01-30 B3:3@2018-05-01", late);
	f = acute("2027-02-06", "10:00:00");
	REFUSED(&changed, f, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF, "B3:3@2018-05-01",
		"B3:3@2027-02-01 B3:3@2020-01-30 B3:3@2018-05-01", late);
	/* Mon 1 Feb before 14:00, two working days: Tue 2 (1), Wed 3 (2); contact Tue 2 (1) …
	 * Mon 8 (5), Tue 9 (6). */
	f = acute("2027-02-01", "13:59:59");
	OK(&changed, f, "2027-02-03", "2027-02-09",
	   "B3:3@2027-02-01 B3:3@2020-01-30 B3:3@2018-05-01 B3:6@2018-05-01 ordering@2024-10-24");
	/* The cut-off comes last: requester and article are still checked first. */
	f = acute("2027-02-01", "14:00:00");
	f.acute_assortment = false;
	REFUSED(&changed, f, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_ACUTE_ARTICLES, "B3:3@2020-01-30",
		"B3:3@2027-02-01 B3:3@2020-01-30",
		"Akut leverans gäller enbart artiklar i det begränsade lagerlagda akutsortimentet (gäller "
		"från 2020-01-30).");
	f.requested_by = ROLE_PATIENT;
	REFUSED(&changed, f, DELIVERY_REQUESTER_NOT_ALLOWED, P_ACUTE_REQUESTERS, "B3:3@2020-01-30",
		"B3:3@2027-02-01 B3:3@2020-01-30",
		"Akut leverans kan enbart begäras av förskrivare eller kommunal förskrivare, inte av "
		"patient (gäller från 2020-01-30).");
}

static void delay_contact_in_calendar_days_when_configured(void **state)
{
	(void)state;
	struct order_facts f;

	/* The day before (Tue 2 March 2027), working days: Wed 3 (1) … Tue 9 (5), Wed 10 (6). Due
	 * with the 3-day lead time: Fri 5. */
	f = order("2027-03-02", "12:00:00");
	OK(&changed, f, "2027-03-05", "2027-03-10",
	   "B3:1@2027-01-10 B3:6@2018-05-01 ordering@2024-10-24");
	/* The day of (Wed 3 March): day 5 is the calendar day Mon 8, contact the working day after,
	 * Tue 9 (in working days it would be Thu 11). Due Thu 4 (1), Fri 5 (2), Mon 8 (3). */
	f = order("2027-03-03", "12:00:00");
	OK(&changed, f, "2027-03-08", "2027-03-09",
	   "B3:1@2027-01-10 B3:6@2018-05-01 B3:6@2027-03-03 ordering@2024-10-24");
	/* Easter 2027 is 28 March: from Sun 21, calendar day 5 is långfredagen (Fri 26), and the next
	 * working day is Tue 30. Due Mon 22 (1), Tue 23 (2), Wed 24 (3). */
	f = order("2027-03-21", "12:00:00");
	OK(&changed, f, "2027-03-24", "2027-03-30",
	   "B3:1@2027-01-10 B3:6@2018-05-01 B3:6@2027-03-03 ordering@2024-10-24");
	/* Special products stay exempt. */
	f.special = true;
	f.stocked = false;
	OK(&changed, f, "2027-03-24", NULL, "B3:1@2027-01-10 B3:6@2023-06-21 ordering@2024-10-24");
}

/* ---- names and defaults ---- */

static void names_and_defaults(void **state)
{
	(void)state;
	struct order_facts f;

	memset(&f, 0x5a, sizeof(f));
	order_facts_init(&f);
	assert_int_equal(f.kind, KIND_NORMAL);
	assert_int_equal(f.requested_by, ROLE_PATIENT);
	assert_int_equal(f.entered_by, ROLE_PATIENT);
	assert_int_equal(f.area, AREA_UNKNOWN);
	assert_true(f.stocked);
	assert_false(f.acute_assortment);
	assert_false(f.special);
	assert_int_equal(f.received_sec, 0);

	assert_string_equal(kind_name(KIND_ACUTE), "acute");
	assert_string_equal(kind_name(KIND__COUNT), "?");
	assert_int_equal(kind_parse("express", 7), KIND_EXPRESS);
	assert_int_equal(kind_parse("normal", 6), KIND_NORMAL);
	assert_int_equal(kind_parse("urgent", 6), -1);
	assert_int_equal(kind_parse("acut", 4), -1);
	assert_string_equal(role_name_sv(ROLE_MUNICIPAL_ORDERER), "kommunal beställare");
	assert_string_equal(role_name_sv(ROLE_CUSTOMER_SERVICE), "kundtjänst");
	assert_string_equal(role_name_sv(ROLE__COUNT), "?");
	assert_string_equal(delivery_code_name(DELIVERY_OK), "ok");
	assert_string_equal(delivery_code_name(DELIVERY_ENTRY_NOT_ALLOWED), "entry_not_allowed");
	assert_string_equal(delivery_code_name(DELIVERY_KIND_NOT_OFFERED), "kind_not_offered");
	assert_string_equal(delivery_code_name(DELIVERY_REQUESTER_NOT_ALLOWED),
			    "requester_not_allowed");
	assert_string_equal(delivery_code_name(DELIVERY_ARTICLE_NOT_ELIGIBLE),
			    "article_not_eligible");
	assert_string_equal(delivery_code_name(DELIVERY_AFTER_CUTOFF), "after_cutoff");
	assert_string_equal(delivery_code_name(DELIVERY_INVALID_INPUT), "invalid_input");
	assert_string_equal(delivery_code_name((enum delivery_code)(DELIVERY_AFTER_CUTOFF + 1)),
			    "?");
}

/* DOMAIN.md §4 (interpretation): the non-working eves are a parameter, read as in force on the day
 * of receipt. data/rules keeps all three; a version from Wed 2027-12-22 keeps only midsommarafton
 * and nyårsafton, so julafton (Fri 24 Dec 2027) becomes a working day. Golden on the day before
 * and the day of the change. */
static void non_working_eves_by_date(void **state)
{
	(void)state;
	struct params eves;
	struct order_facts f;
	const char *const v =
		"\n[2027-12-22]\nbody = \"Testbeslut\"\nreference = \"Test: julafton är "
		"en arbetsdag\"\nnon_working_eves = midsummer_eve, new_years_eve\n";

	assert_int_equal(load_with(&eves, "B3-1.rules", v), 0);
	assert_int_equal(params_at(&eves, day_of("2027-12-22"))->v[P_NON_WORKING_EVES].set,
			 CALENDAR_EVE_MIDSUMMER | CALENDAR_EVE_NEW_YEARS);
	assert_int_equal(params_at(&eves, day_of("2027-12-21"))->v[P_NON_WORKING_EVES].set,
			 CALENDAR_EVES_ALL);

	/* Tue 21 Dec, the day before: julafton is not a working day: 22, 23, 27, 28; contact after
	 * working day 5, 29 Dec: on the 30th. */
	f = order("2027-12-21", "10:00:00");
	OK(&eves, f, "2027-12-28", "2027-12-30", NORMAL_2024);
	OK(&real, f, "2027-12-28", "2027-12-30", NORMAL_2024);
	/* Wed 22 Dec, the day of the change: julafton is one: 23, 24, 27, 28 (29 before it); the
	 * contact date too: 23, 24, 27, 28, 29, 30 (Mon 3 Jan before it). */
	f = order("2027-12-22", "10:00:00");
	OK(&eves, f, "2027-12-28", "2027-12-30", NORMAL_2024);
	OK(&real, f, "2027-12-29", "2028-01-03", NORMAL_2024);
	/* An acute order on julafton itself: on time on a working day, due Mon 27 Dec; under
	 * data/rules it counts as received on the 27th and is due the 28th. Nyårsafton is still not
	 * a working day: contact on Tue 4 Jan in both. */
	f = acute("2027-12-24", "10:00:00");
	OK(&eves, f, "2027-12-27", "2028-01-04", ACUTE_2024);
	OK(&real, f, "2027-12-28", "2028-01-04", ACUTE_2024);
	params_release(&eves);
}

/* DOMAIN.md §5 (interpretation): municipal staff enter withdrawals only for people in municipal
 * housing, while municipal_entry_housing_only says so; the patient and customer service for anyone. */
static void municipal_entry_housing_only(void **state)
{
	(void)state;
	struct params off;
	struct order_facts f;
	const char *const message = "Kommunens personal kan bara beställa åt personer i kommunalt "
				    "boende.";
	const char *const v = "\n[2027-05-01]\nbody = \"Testbeslut\"\nreference = \"Test: utan "
			      "krav på kommunalt boende\"\nmunicipal_entry_housing_only = false\n";

	f = order("2026-11-24", "10:00:00");
	f.entered_by = ROLE_MUNICIPAL_ORDERER;
	f.municipal_housing = false;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_MUNICIPAL_ENTRY_HOUSING_ONLY,
		"ordering@2018-05-01", "ordering@2018-05-01", message);
	f.entered_by = ROLE_MUNICIPAL_PRESCRIBER;
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_MUNICIPAL_ENTRY_HOUSING_ONLY,
		"ordering@2018-05-01", "ordering@2018-05-01", message);
	/* Before 2018 too: the original version has no start. */
	f.received_day = day_of("2016-03-01");
	REFUSED(&real, f, DELIVERY_ENTRY_NOT_ALLOWED, P_MUNICIPAL_ENTRY_HOUSING_ONLY,
		"ordering@2018-05-01", "ordering@2018-05-01", message);
	f = order("2026-11-24", "10:00:00");
	f.entered_by = ROLE_MUNICIPAL_ORDERER;
	f.municipal_housing = true;
	OK(&real, f, "2026-11-30", "2026-12-02", NORMAL_2024);
	f.entered_by = ROLE_CUSTOMER_SERVICE;
	f.municipal_housing = false;
	OK(&real, f, "2026-11-30", "2026-12-02", NORMAL_2024);

	/* Configured off from 2027-05-01: refused the day before, accepted the day of. */
	assert_int_equal(load_with(&off, "ordering.rules", v), 0);
	f = order("2027-04-30", "10:00:00");
	f.entered_by = ROLE_MUNICIPAL_ORDERER;
	f.municipal_housing = false;
	REFUSED(&off, f, DELIVERY_ENTRY_NOT_ALLOWED, P_MUNICIPAL_ENTRY_HOUSING_ONLY,
		"ordering@2018-05-01", "ordering@2018-05-01", message);
	f.received_day = day_of("2027-05-01");
	OK(&off, f, "2027-05-07", "2027-05-11", NORMAL_2024);
	params_release(&off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normal_lead_time),
		cmocka_unit_test(normal_time_of_day_and_weekend),
		cmocka_unit_test(acute_cutoff),
		cmocka_unit_test(acute_rule_change_2020),
		cmocka_unit_test(express_until_2020),
		cmocka_unit_test(special_exemption_2023),
		cmocka_unit_test(entry_rights_2024),
		cmocka_unit_test(refusal_precedence),
		cmocka_unit_test(invalid_input),
		cmocka_unit_test(received_with_offsets),
		cmocka_unit_test(change_applies_from_its_date),
		cmocka_unit_test(acute_refused_after_cutoff_when_configured),
		cmocka_unit_test(delay_contact_in_calendar_days_when_configured),
		cmocka_unit_test(names_and_defaults),
		cmocka_unit_test(non_working_eves_by_date),
		cmocka_unit_test(municipal_entry_housing_only),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
