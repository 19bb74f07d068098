/* Tests rules/params and store/rules_files: every parameter as in force around each change date of
 * data/rules, the versions that decided them, and the loader's errors (file, line, exact text). */
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
#include <sys/stat.h>
#include <unistd.h>

#include "rules/date.h"
#include "rules/calendar.h"
#include "rules/params.h"
#include "store/rules_files.h"
#include "util/buf.h"

/* ---- helpers ---- */

static struct params real; /* data/rules, loaded once by the group setup */

static const char *rules_dir(void)
{
	const char *dir = getenv("LMN_RULES_DIR");
	return dir && *dir ? dir : rules_files_default_dir();
}

static int setup(void **state)
{
	struct lmn_err err;
	(void)state;
	if (areas_fixture(false) != 0)
		return -1;
	params_init(&real);
	lmn_err_clear(&err);
	if (rules_files_load(&real, rules_dir(), &err) != LMN_OK) {
		fprintf(stderr, "loading %s: %s\n", rules_dir(), err.message);
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

static const struct rule_set *at(const char *iso)
{
	const struct rule_set *rs = params_at(&real, day_of(iso));
	if (!rs)
		fail_msg("no rule set in force on %s", iso);
	return rs;
}

/* The parameter's value as param_format writes it, in a static buffer. */
static const char *formatted(enum param_id id, union param_value v)
{
	static char text[256];
	struct buf b;

	buf_init(&b, 4096);
	param_format(id, v, &b);
	assert_false(b.failed);
	snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
	buf_release(&b);
	return text;
}

/* ---- every parameter around every change date ---- */

/* Written by hand from the files in data/rules: each version of each parameter, in date order. */
static const struct timeline {
	const char *key;
	const char *from;
	const char *value; /* as param_format writes it */
	const char *ref;
} timeline[] = {
	{ "lead_time_working_days", "2018-05-01", "4", "B3:1@2018-05-01" },
	{ "delivery_window_start", "2018-05-01", "08:00", "B3:1@2018-05-01" },
	{ "delivery_window_end", "2018-05-01", "19:00", "B3:1@2018-05-01" },
	{ "partial_delivery_only_backorder", "2018-05-01", "true", "B3:1@2018-05-01" },
	{ "non_working_eves", "2018-05-01", "midsummer_eve, christmas_eve, new_years_eve",
	  "B3:1@2018-05-01" },
	{ "order_cutoff", "2018-05-01", "14:00", "B3:3@2018-05-01" },
	{ "acute_lead_working_days", "2018-05-01", "1", "B3:3@2018-05-01" },
	{ "acute_requesters", "2018-05-01", "patient, prescriber, municipal_prescriber",
	  "B3:3@2018-05-01" },
	{ "acute_requesters", "2020-01-30", "prescriber, municipal_prescriber", "B3:3@2020-01-30" },
	{ "acute_articles", "2018-05-01", "stocked", "B3:3@2018-05-01" },
	{ "acute_articles", "2020-01-30", "acute_assortment", "B3:3@2020-01-30" },
	{ "acute_after_cutoff", "2018-05-01", "next_working_day", "B3:3@2018-05-01" },
	{ "express_offered", "2018-05-01", "true", "B3:3@2018-05-01" },
	{ "express_offered", "2020-01-30", "false", "B3:3@2020-01-30" },
	{ "express_areas", "2018-05-01", "nutrition", "B3:3@2018-05-01" },
	{ "express_requesters", "2018-05-01", "prescriber, municipal_prescriber",
	  "B3:3@2018-05-01" },
	{ "express_articles", "2018-05-01", "stocked", "B3:3@2018-05-01" },
	{ "delay_contact_after_days", "2018-05-01", "5", "B3:6@2018-05-01" },
	{ "delay_contact_day_kind", "2018-05-01", "working_days", "B3:6@2018-05-01" },
	{ "delay_contact_exempt_special", "2018-05-01", "false", "B3:6@2018-05-01" },
	{ "delay_contact_exempt_special", "2023-06-21", "true", "B3:6@2023-06-21" },
	{ "phone_answer_minutes", "2018-05-01", "3", "B6:1@2018-05-01" },
	{ "phone_answer_minutes", "2023-11-16", "5", "B6:1@2023-11-16" },
	{ "phone_answer_target", "2018-05-01", "85", "B6:1@2018-05-01" },
	{ "phone_answer_target", "2023-11-16", "80", "B6:1@2023-11-16" },
	{ "delivery_reliability_target", "2018-05-01", "98", "B6:1@2018-05-01" },
	{ "withdrawal_entry_roles", "2018-05-01",
	  "patient, prescriber, municipal_prescriber, municipal_orderer, customer_service",
	  "ordering@2018-05-01" },
	{ "withdrawal_entry_roles", "2024-10-24",
	  "patient, municipal_prescriber, municipal_orderer, customer_service",
	  "ordering@2024-10-24" },
	{ "municipal_entry_housing_only", "2018-05-01", "true", "ordering@2018-05-01" },
	{ "prescription_max_validity_months", "2018-05-01", "12", "prescription@2018-05-01" },
	{ "next_withdrawal_fraction", "2018-05-01", "0.750", "prescription@2018-05-01" },
	{ "preparation_it_limit_kr", "2018-05-01", "50000", "D@2018-05-01" },
	{ "forum_notice_days", "2018-05-01", "14", "D@2018-05-01" },
	{ "care_relationship_days", "2018-05-01", "30", "access@2018-05-01" },
	{ "id_number_search_limit", "2018-05-01", "30", "access@2018-05-01" },
	{ "id_number_search_window_minutes", "2018-05-01", "60", "access@2018-05-01" },
	{ "distributor_history_days", "2018-05-01", "30", "access@2018-05-01" },
};

#define NTIMELINE (sizeof(timeline) / sizeof(timeline[0]))

/* Days before the original versions' date (they have no start), the base date, the day before and
 * the day of each change date, and two later days. */
static const char *const probe_days[] = {
	"1900-01-01", "2015-03-01", "2018-04-30", "2018-05-01", "2018-05-02",
	"2020-01-29", "2020-01-30", "2023-06-20", "2023-06-21", "2023-11-15",
	"2023-11-16", "2024-10-23", "2024-10-24", "2026-12-31", "2200-12-31",
};

static void timeline_covers_every_parameter(void **state)
{
	(void)state;
	for (int id = 0; id < P__COUNT; id++) {
		bool found = false;
		for (size_t i = 0; i < NTIMELINE; i++)
			found |= strcmp(timeline[i].key, param_def((enum param_id)id)->key) == 0;
		if (!found)
			fail_msg("parameter %s is missing from the test's timeline",
				 param_def((enum param_id)id)->key);
	}
	for (size_t i = 0; i < NTIMELINE; i++)
		assert_true(param_lookup(timeline[i].key, strlen(timeline[i].key)) >= 0);
}

static void every_parameter_on_every_probe_day(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(probe_days) / sizeof(probe_days[0]); k++) {
		lmn_day day = day_of(probe_days[k]);
		const struct rule_set *rs = at(probe_days[k]);

		for (int id = 0; id < P__COUNT; id++) {
			const char *key = param_def((enum param_id)id)->key;
			const struct timeline *want = NULL;
			const char *got;

			/* A parameter's first entry holds on every day before its next. */
			for (size_t i = 0; i < NTIMELINE; i++)
				if (strcmp(timeline[i].key, key) == 0 &&
				    (!want || day_of(timeline[i].from) <= day))
					want = &timeline[i];
			assert_non_null(want);
			got = formatted((enum param_id)id, rs->v[id]);
			if (strcmp(got, want->value) != 0)
				fail_msg("%s on %s: '%s', expected '%s'", key, probe_days[k], got,
					 want->value);
			if (strcmp(rs->src[id]->ref, want->ref) != 0)
				fail_msg("%s on %s: from %s, expected %s", key, probe_days[k],
					 rs->src[id]->ref, want->ref);
		}
	}
}

/* The same changes read through the typed values, as the rule engine uses them. */
static void change_dates_typed(void **state)
{
	(void)state;
	const uint32_t patient = 1u << ROLE_PATIENT, prescriber = 1u << ROLE_PRESCRIBER,
		       mun_prescriber = 1u << ROLE_MUNICIPAL_PRESCRIBER,
		       mun_orderer = 1u << ROLE_MUNICIPAL_ORDERER, cs = 1u << ROLE_CUSTOMER_SERVICE;
	const struct rule_set *rs;

	/* The base version. */
	rs = at("2018-05-01");
	assert_int_equal(rs->v[P_LEAD_TIME_WORKING_DAYS].i, 4);
	assert_int_equal(rs->v[P_DELIVERY_WINDOW_START].i, 8 * 3600);
	assert_int_equal(rs->v[P_DELIVERY_WINDOW_END].i, 19 * 3600);
	assert_true(rs->v[P_PARTIAL_ONLY_BACKORDER].b);
	assert_int_equal(rs->v[P_ORDER_CUTOFF].i, 14 * 3600);
	assert_int_equal(rs->v[P_ACUTE_LEAD_WORKING_DAYS].i, 1);
	assert_int_equal(rs->v[P_ACUTE_AFTER_CUTOFF].i, LATE_NEXT_WORKING_DAY);
	assert_int_equal(rs->v[P_EXPRESS_AREAS].set, 1u << T_NUTRITION);
	assert_int_equal(rs->v[P_EXPRESS_REQUESTERS].set, prescriber | mun_prescriber);
	assert_int_equal(rs->v[P_EXPRESS_ARTICLES].i, ARTICLES_STOCKED);
	assert_int_equal(rs->v[P_DELAY_CONTACT_AFTER_DAYS].i, 5);
	assert_int_equal(rs->v[P_DELAY_CONTACT_DAY_KIND].i, DAYS_WORKING);
	assert_int_equal(rs->v[P_DELIVERY_RELIABILITY_TARGET].i, 9800);
	assert_true(rs->v[P_MUNICIPAL_ENTRY_HOUSING_ONLY].b);
	assert_int_equal(rs->v[P_PRESCRIPTION_MAX_VALIDITY_MONTHS].i, 12);
	assert_int_equal(rs->v[P_NEXT_WITHDRAWAL_FRACTION].i, 750);

	/* 2020-01-30, Spec B 3:3: express removed, acute only for the acute assortment, by a
	 * prescriber only. */
	rs = at("2020-01-29");
	assert_true(rs->v[P_EXPRESS_OFFERED].b);
	assert_int_equal(rs->v[P_ACUTE_REQUESTERS].set, patient | prescriber | mun_prescriber);
	assert_int_equal(rs->v[P_ACUTE_ARTICLES].i, ARTICLES_STOCKED);
	rs = at("2020-01-30");
	assert_false(rs->v[P_EXPRESS_OFFERED].b);
	assert_int_equal(rs->v[P_ACUTE_REQUESTERS].set, prescriber | mun_prescriber);
	assert_int_equal(rs->v[P_ACUTE_ARTICLES].i, ARTICLES_ACUTE_ASSORTMENT);
	/* What the 2020 version does not set carries on from 2018. */
	assert_int_equal(rs->v[P_ORDER_CUTOFF].i, 14 * 3600);
	assert_string_equal(rs->src[P_ORDER_CUTOFF]->ref, "B3:3@2018-05-01");
	assert_ptr_equal(rs->src[P_EXPRESS_OFFERED], rs->src[P_ACUTE_ARTICLES]);
	assert_ptr_not_equal(rs->src[P_EXPRESS_OFFERED], rs->src[P_ORDER_CUTOFF]);

	/* 2023-06-21, Spec B 3: special non-stocked products exempt from 3:6. */
	assert_false(at("2023-06-20")->v[P_DELAY_CONTACT_EXEMPT_SPECIAL].b);
	assert_true(at("2023-06-21")->v[P_DELAY_CONTACT_EXEMPT_SPECIAL].b);
	assert_int_equal(at("2023-06-21")->v[P_DELAY_CONTACT_AFTER_DAYS].i, 5);

	/* 2023-11-16, Spec B 6.1: 85 % within 3 minutes → 80 % within 5 minutes. */
	rs = at("2023-11-15");
	assert_int_equal(rs->v[P_PHONE_ANSWER_MINUTES].i, 3);
	assert_int_equal(rs->v[P_PHONE_ANSWER_TARGET].i, 8500);
	rs = at("2023-11-16");
	assert_int_equal(rs->v[P_PHONE_ANSWER_MINUTES].i, 5);
	assert_int_equal(rs->v[P_PHONE_ANSWER_TARGET].i, 8000);
	assert_int_equal(rs->v[P_DELIVERY_RELIABILITY_TARGET].i, 9800);

	/* 2024-10-24, item 3d: regional prescribers no longer enter withdrawals. */
	assert_int_equal(at("2024-10-23")->v[P_WITHDRAWAL_ENTRY_ROLES].set,
			 patient | prescriber | mun_prescriber | mun_orderer | cs);
	assert_int_equal(at("2024-10-24")->v[P_WITHDRAWAL_ENTRY_ROLES].set,
			 patient | mun_prescriber | mun_orderer | cs);
	assert_true(at("2024-10-24")->v[P_MUNICIPAL_ENTRY_HOUSING_ONLY].b);
}

/* DOMAIN.md §9: the first version of a section has no known start; it is in force on every date
 * before the section's next version, so history older than 2018 has rules (issue 18). */
static void original_versions_have_no_start(void **state)
{
	(void)state;
	struct params empty;
	const struct rule_set *rs = params_at(&real, day_of("2015-03-01"));

	assert_non_null(rs);
	assert_ptr_equal(params_at(&real, day_of("1900-01-01")), rs);
	assert_ptr_equal(params_at(&real, day_of("2018-04-30")), rs);
	assert_ptr_equal(params_at(&real, day_of("2018-05-01")), rs);
	assert_ptr_equal(params_at(&real, day_of("2020-01-29")), rs);
	assert_ptr_not_equal(params_at(&real, day_of("2020-01-30")), rs);
	assert_int_equal(rs->from, LMN_DAY_NONE);
	assert_int_equal(rs->until, day_of("2020-01-30"));
	assert_true(rs->src[P_LEAD_TIME_WORKING_DAYS]->original);
	assert_string_equal(rs->src[P_LEAD_TIME_WORKING_DAYS]->ref, "B3:1@2018-05-01");
	assert_true(rs->v[P_EXPRESS_OFFERED].b);
	assert_false(at("2020-01-30")->src[P_EXPRESS_OFFERED]->original);
	assert_int_equal(params_first_change(&real), day_of("2020-01-30"));

	params_init(&empty);
	assert_null(params_at(&empty, day_of("2020-01-01")));
	assert_int_equal(params_first_change(&empty), LMN_DAY_NONE);
	params_release(&empty);
}

/* One rule set per interval between change dates; the last is open-ended. */
static void rule_set_intervals(void **state)
{
	(void)state;
	static const char *const from[] = { NULL, "2020-01-30", "2023-06-21", "2023-11-16",
					    "2024-10-24" };
	char a[11], b[11];

	assert_int_equal(real.nsets, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct rule_set *rs = &real.sets[i];
		lmn_day until = i + 1 < 5 ? day_of(from[i + 1]) : LMN_DAY_NONE;
		lmn_day start = from[i] ? day_of(from[i]) : LMN_DAY_NONE;
		if (rs->from != start || rs->until != until)
			fail_msg("set %zu is [%s, %s)", i, fmt_day(rs->from, a),
				 fmt_day(rs->until, b));
		/* The first and the last day of the interval both find it. */
		assert_ptr_equal(params_at(&real, from[i] ? rs->from : day_of("1900-01-01")), rs);
		if (until != LMN_DAY_NONE)
			assert_ptr_equal(params_at(&real, until - 1), rs);
	}
	assert_ptr_equal(params_at(&real, day_of("2200-12-31")), &real.sets[4]);
}

/* What each version says about itself: body, reference, decision date, file and line. */
static void sources_of_each_version(void **state)
{
	(void)state;
	static const struct {
		const char *ref, *section, *file;
		int line;
		const char *body, *reference_start;
	} want[] = {
		{ "B3:1@2018-05-01", "B3:1", "B3-1.rules", 4,
		  "Samarbetsavtalet (ursprunglig lydelse)",
		  "Specifikation B 3:1: Ska ske kl. 08:00" },
		{ "B3:3@2018-05-01", "B3:3", "B3-3.rules", 4,
		  "Samarbetsavtalet (ursprunglig lydelse)",
		  "Specifikation B 3:3 Akutleverans/Expressleverans" },
		{ "B3:3@2020-01-30", "B3:3", "B3-3.rules", 18, "Ledningsråd MTP",
		  "Ärendelogg 2020-01-30, 3:3 Akut/Expressleverans" },
		{ "B3:6@2018-05-01", "B3:6", "B3-6.rules", 4,
		  "Samarbetsavtalet (ursprunglig lydelse)",
		  "Specifikation B 3:6: Om leveranstiden" },
		{ "B3:6@2023-06-21", "B3:6", "B3-6.rules", 12, "Ledningsråd för hjälpmedel",
		  "Ärendelogg 2023-06-21, Specifikation B Leveransregler" },
		{ "B6:1@2018-05-01", "B6:1", "B6-1.rules", 4,
		  "Samarbetsavtalet (ursprunglig lydelse)",
		  "Specifikation B 6.1: Andel telefonsamtal" },
		{ "B6:1@2023-11-16", "B6:1", "B6-1.rules", 11, "Ledningsråd för hjälpmedel",
		  "Ärendelogg 2023-11-16, Specifikation B Kvalitet" },
		{ "ordering@2018-05-01", "ordering", "ordering.rules", 4,
		  "Samarbetsavtalet (ursprunglig lydelse)", "Förskrivare, kommunal personal" },
		{ "ordering@2024-10-24", "ordering", "ordering.rules", 11,
		  "Ledningsråd för hjälpmedel", "Protokoll 2024-10-24 punkt 3d" },
		{ "prescription@2018-05-01", "prescription", "prescription.rules", 5,
		  "Tolkning (DOMAIN.md §3)", "Förskrivning gäller högst 12 månader" },
		{ "D@2018-05-01", "D", "D.rules", 5, "Samarbetsavtalet (ursprunglig lydelse)",
		  "Specifikation D: beredningsgrupperna" },
		{ "access@2018-05-01", "access", "access.rules", 6, "Tolkning (DOMAIN.md §2)",
		  "En vårdrelation som förskrivaren registrerar" },
	};

	assert_int_equal(real.nsources, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct param_source *s = NULL;
		const char *at_sign = strchr(want[i].ref, '@');
		size_t nf = strlen(want[i].file), nfile;

		for (size_t j = 0; j < real.nsources; j++)
			if (strcmp(real.sources[j]->ref, want[i].ref) == 0)
				s = real.sources[j];
		if (!s)
			fail_msg("no version %s", want[i].ref);
		assert_string_equal(s->section, want[i].section);
		assert_int_equal(s->effective, day_of(at_sign + 1));
		/* Every version in data/rules was decided on its effective date. */
		assert_int_equal(s->decided, s->effective);
		assert_string_equal(s->body, want[i].body);
		assert_int_equal(strncmp(s->reference, want[i].reference_start,
					 strlen(want[i].reference_start)),
				 0);
		nfile = strlen(s->file);
		assert_true(nfile > nf && s->file[nfile - nf - 1] == '/');
		assert_string_equal(s->file + nfile - nf, want[i].file);
		assert_int_equal(s->line, want[i].line);
	}
}

/* ---- param_format ---- */

static void format_each_type(void **state)
{
	(void)state;
	union param_value v;

	memset(&v, 0, sizeof(v));
	v.i = 0;
	assert_string_equal(formatted(P_LEAD_TIME_WORKING_DAYS, v), "0");
	v.i = 60;
	assert_string_equal(formatted(P_LEAD_TIME_WORKING_DAYS, v), "60");
	v.i = 0;
	assert_string_equal(formatted(P_ORDER_CUTOFF, v), "00:00");
	v.i = 23 * 3600 + 59 * 60;
	assert_string_equal(formatted(P_ORDER_CUTOFF, v), "23:59");
	v.i = 8 * 3600 + 5 * 60;
	assert_string_equal(formatted(P_DELIVERY_WINDOW_START, v), "08:05");
	v.i = 9750;
	assert_string_equal(formatted(P_PHONE_ANSWER_TARGET, v), "97.50");
	v.i = 9705;
	assert_string_equal(formatted(P_PHONE_ANSWER_TARGET, v), "97.05");
	v.i = 5;
	assert_string_equal(formatted(P_PHONE_ANSWER_TARGET, v), "0.05");
	v.i = 10000;
	assert_string_equal(formatted(P_DELIVERY_RELIABILITY_TARGET, v), "100");
	v.i = 0;
	assert_string_equal(formatted(P_DELIVERY_RELIABILITY_TARGET, v), "0");
	v.i = 5;
	assert_string_equal(formatted(P_NEXT_WITHDRAWAL_FRACTION, v), "0.005");
	v.i = 1000;
	assert_string_equal(formatted(P_NEXT_WITHDRAWAL_FRACTION, v), "1.000");
	v.i = 1;
	assert_string_equal(formatted(P_ACUTE_ARTICLES, v), "acute_assortment");
	assert_string_equal(formatted(P_ACUTE_AFTER_CUTOFF, v), "refuse");
	assert_string_equal(formatted(P_DELAY_CONTACT_DAY_KIND, v), "calendar_days");
	v.i = 0;
	assert_string_equal(formatted(P_DELAY_CONTACT_DAY_KIND, v), "working_days");

	memset(&v, 0, sizeof(v));
	v.b = true;
	assert_string_equal(formatted(P_EXPRESS_OFFERED, v), "true");
	v.b = false;
	assert_string_equal(formatted(P_EXPRESS_OFFERED, v), "false");

	memset(&v, 0, sizeof(v));
	assert_string_equal(formatted(P_ACUTE_REQUESTERS, v), "none");
	assert_string_equal(formatted(P_EXPRESS_AREAS, v), "none");
	v.set = 1u << ROLE_CUSTOMER_SERVICE | 1u << ROLE_PATIENT;
	assert_string_equal(formatted(P_ACUTE_REQUESTERS, v), "patient, customer_service");
	v.set = 1u << T_NUTRITION | 1u << T_INCONTINENCE;
	assert_string_equal(formatted(P_EXPRESS_AREAS, v), "nutrition, incontinence");
	v.set = 1u << T_INCONTINENCE;
	assert_string_equal(formatted(P_EXPRESS_AREAS, v), "incontinence");
}

static bool same_value(enum param_id id, union param_value a, union param_value b)
{
	switch (param_def(id)->type) {
	case PT_BOOL:
		return a.b == b.b;
	case PT_ROLES:
	case PT_AREAS:
		return a.set == b.set;
	default:
		return a.i == b.i;
	}
}

/* param_format writes the rule-file syntax: formatting a rule set and loading it gives it back. */
static void format_round_trips_through_the_loader(void **state)
{
	(void)state;
	static const char *const days[] = { "2018-05-01", "2024-10-24" };
	size_t nsec;
	const struct rule_section *sec = rule_sections(&nsec);

	assert_int_equal(nsec, 8);
	for (size_t k = 0; k < 2; k++) {
		const struct rule_set *rs = at(days[k]);
		struct params p;
		struct lmn_err err;

		params_init(&p);
		lmn_err_clear(&err);
		for (size_t s = 0; s < nsec; s++) {
			struct buf text;
			buf_init(&text, 1 << 16);
			buf_addf(&text,
				 "section = %s\n[2018-05-01]\nbody = \"b\"\nreference = \"r\"\n",
				 sec[s].id);
			for (int id = 0; id < P__COUNT; id++) {
				if (strcmp(param_def((enum param_id)id)->section, sec[s].id) != 0)
					continue;
				buf_addf(&text, "%s = ", param_def((enum param_id)id)->key);
				param_format((enum param_id)id, rs->v[id], &text);
				buf_addc(&text, '\n');
			}
			assert_false(text.failed);
			if (params_load_text(&p, sec[s].id, text.data, text.len, &err) != LMN_OK)
				fail_msg("%s: %s", days[k], err.message);
			buf_release(&text);
		}
		if (params_finish(&p, &err) != LMN_OK)
			fail_msg("%s: %s", days[k], err.message);
		for (int id = 0; id < P__COUNT; id++)
			if (!same_value((enum param_id)id, p.sets[0].v[id], rs->v[id]))
				fail_msg("%s on %s does not round-trip",
					 param_def((enum param_id)id)->key, days[k]);
		params_release(&p);
	}
}

static void names_and_lookups(void **state)
{
	(void)state;
	assert_string_equal(role_name(ROLE_MUNICIPAL_ORDERER), "municipal_orderer");
	assert_string_equal(role_name(ROLE__COUNT), "?");
	assert_string_equal(area_name(T_INCONTINENCE), "incontinence");
	assert_string_equal(area_name(AREA_MAX), "?");
	assert_string_equal(area_name(-1), "?");
	assert_int_equal(role_parse("customer_service", 16), ROLE_CUSTOMER_SERVICE);
	assert_int_equal(role_parse("customer_servic", 15), -1);
	assert_int_equal(role_parse("prescriberX", 10), ROLE_PRESCRIBER);
	assert_int_equal(area_parse("nutrition", 9), T_NUTRITION);
	/* The product area list is data (issue 18): diabetes and stoma are areas like the others. */
	assert_int_equal(area_parse("diabetes", 8), T_DIABETES);
	assert_int_equal(area_parse("stoma", 5), T_STOMA);
	assert_string_equal(area_title(T_STOMA), "Stomi");
	assert_int_equal(area_parse("dentistry", 9), -1);
	assert_int_equal(param_lookup("order_cutoff", 12), P_ORDER_CUTOFF);
	assert_int_equal(param_lookup("order_cutof", 11), -1);
	assert_int_equal(param_lookup("section", 7), -1);
	assert_null(param_def(P__COUNT));
	assert_string_equal(param_def(P_NEXT_WITHDRAWAL_FRACTION)->section, "prescription");
	assert_int_equal(param_def(P_LEAD_TIME_WORKING_DAYS)->max, 60);
}

/* ---- the parser, in memory ---- */

struct kv {
	const char *key, *value;
};

static const struct kv b31[] = {
	{ "lead_time_working_days", "4" },
	{ "delivery_window_start", "08:00" },
	{ "delivery_window_end", "19:00" },
	{ "partial_delivery_only_backorder", "true" },
	{ "non_working_eves", "midsummer_eve, christmas_eve, new_years_eve" },
};
static const struct kv b33[] = {
	{ "order_cutoff", "14:00" },
	{ "acute_lead_working_days", "1" },
	{ "acute_requesters", "prescriber, patient" },
	{ "acute_articles", "stocked" },
	{ "acute_after_cutoff", "next_working_day" },
	{ "express_offered", "true" },
	{ "express_areas", "nutrition" },
	{ "express_requesters", "prescriber" },
	{ "express_articles", "stocked" },
};
static const struct kv b36[] = {
	{ "delay_contact_after_days", "5" },
	{ "delay_contact_day_kind", "working_days" },
	{ "delay_contact_exempt_special", "false" },
};
static const struct kv b61[] = {
	{ "phone_answer_minutes", "3" },
	{ "phone_answer_target", "85" },
	{ "delivery_reliability_target", "98" },
};
static const struct kv presc[] = {
	{ "prescription_max_validity_months", "12" },
	{ "next_withdrawal_fraction", "0.75" },
};

#define KV(a) a, sizeof(a) / sizeof(a[0])

/* A one-version rule file: line 1 the section, 2 the header, 3 body, 4 reference, then the
 * parameters from line 5 on, with key's value replaced by value. */
static void one_version(struct buf *out, const char *section, const struct kv *kv, size_t n,
			const char *key, const char *value)
{
	bool replaced = key == NULL;

	buf_addf(out, "section = %s\n[2018-05-01]\nbody = \"Testorgan\"\nreference = \"Test\"\n",
		 section);
	for (size_t i = 0; i < n; i++) {
		bool mine = key && strcmp(kv[i].key, key) == 0;
		buf_addf(out, "%s = %s\n", kv[i].key, mine ? value : kv[i].value);
		replaced |= mine;
	}
	assert_true(replaced);
	assert_false(out->failed);
}

/* Loads text as "t.rules" into a fresh set and expects it refused with exactly message (and field,
 * when given). */
static void text_fails(const char *text, const char *message, const char *field)
{
	struct params p;
	struct lmn_err err;
	enum lmn_rc rc;

	params_init(&p);
	lmn_err_clear(&err);
	rc = params_load_text(&p, "t.rules", text, strlen(text), &err);
	if (rc != LMN_EINVAL)
		fail_msg("rc %s for:\n%s", lmn_rc_name(rc), text);
	assert_int_equal(err.code, LMN_EINVAL);
	assert_string_equal(err.message, message);
	if (field)
		assert_string_equal(err.field, field);
	params_release(&p);
}

static void value_fails(const char *section, const struct kv *kv, size_t n, const char *key,
			const char *value, const char *message)
{
	struct buf text;

	buf_init(&text, 1 << 16);
	one_version(&text, section, kv, n, key, value);
	text_fails(text.data, message, key);
	buf_release(&text);
}

/* Loads the one-version file with key = value and returns the value stored for it. */
static union param_value value_ok(const char *section, const struct kv *kv, size_t n,
				  const char *key, const char *value)
{
	struct buf text;
	struct params p;
	struct lmn_err err;
	union param_value v;
	int id = param_lookup(key, strlen(key));

	assert_true(id >= 0);
	buf_init(&text, 1 << 16);
	one_version(&text, section, kv, n, key, value);
	params_init(&p);
	lmn_err_clear(&err);
	if (params_load_text(&p, "t.rules", text.data, text.len, &err) != LMN_OK)
		fail_msg("%s = %s refused: %s", key, value, err.message);
	assert_int_equal(p.nversions[id], 1);
	v = p.versions[id][0].value;
	assert_int_equal(strncmp(p.versions[id][0].src->ref, section, strlen(section)), 0);
	assert_string_equal(p.versions[id][0].src->ref + strlen(section), "@2018-05-01");
	params_release(&p);
	buf_release(&text);
	return v;
}

static void parse_values_accepted(void **state)
{
	(void)state;
	assert_int_equal(value_ok("B3:1", KV(b31), "lead_time_working_days", "0").i, 0);
	assert_int_equal(value_ok("B3:1", KV(b31), "lead_time_working_days", "60").i, 60);
	assert_int_equal(value_ok("B3:1", KV(b31), "delivery_window_start", "00:00").i, 0);
	assert_int_equal(value_ok("B3:1", KV(b31), "delivery_window_end", "23:59").i, 86340);
	assert_false(value_ok("B3:1", KV(b31), "partial_delivery_only_backorder", "false").b);
	assert_int_equal(value_ok("B3:3", KV(b33), "order_cutoff", "13:30").i, 13 * 3600 + 1800);
	assert_int_equal(value_ok("B3:3", KV(b33), "acute_requesters", "none").set, 0);
	assert_int_equal(value_ok("B3:3", KV(b33), "acute_requesters", "customer_service").set,
			 1u << ROLE_CUSTOMER_SERVICE);
	assert_int_equal(value_ok("B3:3", KV(b33), "acute_requesters",
				  "municipal_orderer ,  patient,customer_service")
				 .set,
			 1u << ROLE_MUNICIPAL_ORDERER | 1u << ROLE_PATIENT |
				 1u << ROLE_CUSTOMER_SERVICE);
	assert_int_equal(value_ok("B3:3", KV(b33), "express_areas", "incontinence, nutrition").set,
			 1u << T_NUTRITION | 1u << T_INCONTINENCE);
	assert_int_equal(value_ok("B3:3", KV(b33), "express_areas", "none").set, 0);
	assert_int_equal(value_ok("B3:3", KV(b33), "express_areas", "diabetes, stoma").set,
			 1u << T_DIABETES | 1u << T_STOMA);
	assert_int_equal(value_ok("B3:1", KV(b31), "non_working_eves", "none").set, 0);
	assert_int_equal(value_ok("B3:1", KV(b31), "non_working_eves",
				  "new_years_eve, midsummer_eve")
				 .set,
			 CALENDAR_EVE_NEW_YEARS | CALENDAR_EVE_MIDSUMMER);
	assert_int_equal(value_ok("B3:1", KV(b31), "non_working_eves",
				  "midsummer_eve, christmas_eve, new_years_eve")
				 .set,
			 CALENDAR_EVES_ALL);
	assert_int_equal(value_ok("B3:3", KV(b33), "acute_after_cutoff", "refuse").i, LATE_REFUSE);
	assert_int_equal(value_ok("B3:3", KV(b33), "express_articles", "acute_assortment").i,
			 ARTICLES_ACUTE_ASSORTMENT);
	assert_int_equal(value_ok("B3:6", KV(b36), "delay_contact_after_days", "1").i, 1);
	assert_int_equal(value_ok("B3:6", KV(b36), "delay_contact_day_kind", "calendar_days").i,
			 DAYS_CALENDAR);
	assert_int_equal(value_ok("B6:1", KV(b61), "phone_answer_target", "97.5").i, 9750);
	assert_int_equal(value_ok("B6:1", KV(b61), "phone_answer_target", "97.25").i, 9725);
	assert_int_equal(value_ok("B6:1", KV(b61), "phone_answer_target", "0").i, 0);
	assert_int_equal(value_ok("B6:1", KV(b61), "delivery_reliability_target", "100").i, 10000);
	assert_int_equal(value_ok("B6:1", KV(b61), "delivery_reliability_target", "100.00").i,
			 10000);
	assert_int_equal(value_ok("prescription", KV(presc), "next_withdrawal_fraction", "0.75").i,
			 750);
	assert_int_equal(value_ok("prescription", KV(presc), "next_withdrawal_fraction", "0.005").i,
			 5);
	assert_int_equal(value_ok("prescription", KV(presc), "next_withdrawal_fraction", "1").i,
			 1000);
	assert_int_equal(value_ok("prescription", KV(presc), "next_withdrawal_fraction", "0").i, 0);
	assert_int_equal(value_ok("prescription", KV(presc), "prescription_max_validity_months",
				  "120")
				 .i,
			 120);
}

static void parse_values_refused(void **state)
{
	(void)state;
	const char *roles =
		"(accepted: patient, prescriber, municipal_prescriber, municipal_orderer, "
		"customer_service, or none)";
	char want[300];

	/* integer: the type, then the parameter's range */
	value_fails("B3:1", KV(b31), "lead_time_working_days", "four",
		    "t.rules:5: lead_time_working_days: expected an integer");
	value_fails("B3:1", KV(b31), "lead_time_working_days", "4.5",
		    "t.rules:5: lead_time_working_days: expected an integer");
	value_fails("B3:1", KV(b31), "lead_time_working_days", "",
		    "t.rules:5: lead_time_working_days: expected an integer");
	value_fails("B3:1", KV(b31), "lead_time_working_days", "-",
		    "t.rules:5: lead_time_working_days: expected an integer");
	value_fails("B3:1", KV(b31), "lead_time_working_days", "1234567890123",
		    "t.rules:5: lead_time_working_days: expected an integer");
	value_fails("B3:1", KV(b31), "lead_time_working_days", "61",
		    "t.rules:5: lead_time_working_days: expected an integer between 0 and 60");
	value_fails("B3:1", KV(b31), "lead_time_working_days", "-1",
		    "t.rules:5: lead_time_working_days: expected an integer between 0 and 60");
	value_fails("B3:3", KV(b33), "acute_lead_working_days", "11",
		    "t.rules:6: acute_lead_working_days: expected an integer between 0 and 10");
	value_fails("B3:6", KV(b36), "delay_contact_after_days", "0",
		    "t.rules:5: delay_contact_after_days: expected an integer between 1 and 60");
	value_fails("B6:1", KV(b61), "phone_answer_minutes", "61",
		    "t.rules:5: phone_answer_minutes: expected an integer between 1 and 60");
	value_fails(
		"prescription", KV(presc), "prescription_max_validity_months", "121",
		"t.rules:5: prescription_max_validity_months: expected an integer between 1 and 120");
	/* boolean */
	value_fails("B3:1", KV(b31), "partial_delivery_only_backorder", "yes",
		    "t.rules:8: partial_delivery_only_backorder: expected true or false");
	value_fails("B3:1", KV(b31), "partial_delivery_only_backorder", "TRUE",
		    "t.rules:8: partial_delivery_only_backorder: expected true or false");
	/* time */
	value_fails("B3:1", KV(b31), "delivery_window_start", "8:00",
		    "t.rules:6: delivery_window_start: expected a time HH:MM (00:00–23:59)");
	value_fails("B3:1", KV(b31), "delivery_window_start", "24:00",
		    "t.rules:6: delivery_window_start: expected a time HH:MM (00:00–23:59)");
	value_fails("B3:1", KV(b31), "delivery_window_end", "19:60",
		    "t.rules:7: delivery_window_end: expected a time HH:MM (00:00–23:59)");
	value_fails("B3:3", KV(b33), "order_cutoff", "14:00:00",
		    "t.rules:5: order_cutoff: expected a time HH:MM (00:00–23:59)");
	/* percent */
	static const char *const bad_percent[] = {
		"100.01", "97.555", "-5", "85%", ".5", "5.", ""
	};
	for (size_t i = 0; i < sizeof(bad_percent) / sizeof(bad_percent[0]); i++)
		value_fails(
			"B6:1", KV(b61), "phone_answer_target", bad_percent[i],
			"t.rules:6: phone_answer_target: expected a percentage 0–100 with at most two "
			"decimals");
	/* fraction */
	static const char *const bad_fraction[] = { "1.001", "0.7505", "75%", "2", "-0.5" };
	for (size_t i = 0; i < sizeof(bad_fraction) / sizeof(bad_fraction[0]); i++)
		value_fails(
			"prescription", KV(presc), "next_withdrawal_fraction", bad_fraction[i],
			"t.rules:6: next_withdrawal_fraction: expected a fraction 0–1 with at most "
			"three decimals");
	/* roles and areas: the unknown word and what is accepted */
	snprintf(want, sizeof(want), "t.rules:7: acute_requesters: unknown value 'doctor' %s",
		 roles);
	value_fails("B3:3", KV(b33), "acute_requesters", "prescriber, doctor", want);
	snprintf(want, sizeof(want), "t.rules:7: acute_requesters: unknown value 'none' %s", roles);
	value_fails("B3:3", KV(b33), "acute_requesters", "patient, none", want);
	/* An empty word is not "none": an empty value or a stray comma must not pass silently. */
	snprintf(want, sizeof(want), "t.rules:7: acute_requesters: unknown value '' %s", roles);
	value_fails("B3:3", KV(b33), "acute_requesters", "", want);
	value_fails("B3:3", KV(b33), "acute_requesters", "patient,", want);
	value_fails("B3:3", KV(b33), "acute_requesters", "patient,,prescriber", want);
	snprintf(want, sizeof(want),
		 "t.rules:12: express_requesters: unknown value 'Prescriber' %s", roles);
	value_fails("B3:3", KV(b33), "express_requesters", "Prescriber", want);
	/* Areas: any code of the list; without a store's list, any well-formed code (see
	 * areas_from_the_store for the list). */
	value_fails(
		"B3:3", KV(b33), "express_areas", "nutrition, Diabetes",
		"t.rules:11: express_areas: 'Diabetes' is no product area code (a word of a–z and _, "
		"at most 15 characters, or none)");
	value_fails(
		"B3:3", KV(b33), "express_areas", "",
		"t.rules:11: express_areas: '' is no product area code (a word of a–z and _, at most "
		"15 characters, or none)");
	value_fails(
		"B3:3", KV(b33), "express_areas", "nutrition,",
		"t.rules:11: express_areas: '' is no product area code (a word of a–z and _, at most "
		"15 characters, or none)");
	/* eves: the unknown word and what is accepted (Swedish names are for the pages, not here) */
	value_fails("B3:1", KV(b31), "non_working_eves", "christmas_eve, midsommarafton",
		    "t.rules:9: non_working_eves: unknown value 'midsommarafton' (accepted: "
		    "midsummer_eve, christmas_eve, new_years_eve, or none)");
	/* choices */
	value_fails("B3:3", KV(b33), "acute_articles", "all",
		    "t.rules:8: acute_articles: expected stocked or acute_assortment");
	value_fails("B3:3", KV(b33), "acute_after_cutoff", "later",
		    "t.rules:9: acute_after_cutoff: expected next_working_day or refuse");
	value_fails("B3:6", KV(b36), "delay_contact_day_kind", "days",
		    "t.rules:6: delay_contact_day_kind: expected working_days or calendar_days");
}

#define HEAD31 "section = B3:1\n[2018-05-01]\nbody = \"Testorgan\"\nreference = \"Test\"\n"
#define PARAMS31                                                                                   \
	"lead_time_working_days = 4\ndelivery_window_start = 08:00\ndelivery_window_end = 19:00\n" \
	"partial_delivery_only_backorder = true\n"                                                 \
	"non_working_eves = midsummer_eve, christmas_eve, new_years_eve\n"
#define VERSION(date) "[" date "]\nbody = \"B\"\nreference = \"R\"\n"
#define ORDER	      " (versions must be in date order, one per date)"

static void structure_refused(void **state)
{
	(void)state;

	/* keys */
	text_fails(HEAD31 PARAMS31 "lead_time = 4\n", "t.rules:10: unknown parameter 'lead_time'",
		   "lead_time");
	text_fails(HEAD31 PARAMS31 "order_cutoff = 14:00\n",
		   "t.rules:10: parameter order_cutoff belongs to section B3:3", "order_cutoff");
	text_fails(HEAD31 PARAMS31 "lead_time_working_days = 5\n",
		   "t.rules:10: parameter lead_time_working_days is set twice in this version",
		   "lead_time_working_days");
	text_fails(HEAD31 "lead_time_working_days = 4\ndelivery_window_start = 08:00\n"
			  "delivery_window_end = 19:00\n",
		   "t.rules:2: the first version of section B3:1 does not set "
		   "partial_delivery_only_backorder",
		   "partial_delivery_only_backorder");
	text_fails(
		"section = B3:1\nlead_time_working_days = 4\n",
		"t.rules:2: 'lead_time_working_days' before the first version header [YYYY-MM-DD]",
		"lead_time_working_days");
	text_fails("section = B3:1\nlead_time_working_days 4\n",
		   "t.rules:2: expected 'key = value', a [YYYY-MM-DD] header or a # comment", "");

	/* body and reference: required in every version, quoted, once */
	text_fails("section = B3:1\n[2018-05-01]\nreference = \"Test\"\n" PARAMS31,
		   "t.rules:2: version B3:1@2018-05-01 has no body (the deciding body)", "body");
	text_fails("section = B3:1\n[2018-05-01]\nbody = \"Testorgan\"\n" PARAMS31,
		   "t.rules:2: version B3:1@2018-05-01 has no reference (change-log entry)",
		   "reference");
	text_fails(HEAD31 PARAMS31
		   "[2020-01-01]\nreference = \"R\"\nlead_time_working_days = 3\n" VERSION(
			   "2021-01-01"),
		   "t.rules:10: version B3:1@2020-01-01 has no body (the deciding body)", "body");
	text_fails(HEAD31 PARAMS31 "[2020-01-01]\nbody = \"B\"\n",
		   "t.rules:10: version B3:1@2020-01-01 has no reference (change-log entry)",
		   "reference");
	text_fails(HEAD31 "body = \"Other\"\n" PARAMS31,
		   "t.rules:5: body is given twice in this version", "");
	text_fails("section = B3:1\n[2018-05-01]\nbody = Testorgan\n",
		   "t.rules:3: body: expected a non-empty \"quoted text\" without inner quotes",
		   "body");
	text_fails("section = B3:1\n[2018-05-01]\nbody = \"\"\n",
		   "t.rules:3: body: expected a non-empty \"quoted text\" without inner quotes",
		   "body");
	text_fails("section = B3:1\n[2018-05-01]\nbody = \"a\"b\"\n",
		   "t.rules:3: body: expected a non-empty \"quoted text\" without inner quotes",
		   "body");
	text_fails(
		"section = B3:1\n[2018-05-01]\nbody = \"B\"\nreference = \"\n",
		"t.rules:4: reference: expected a non-empty \"quoted text\" without inner quotes",
		"reference");
	text_fails(HEAD31 "decided = 2018-13-01\n",
		   "t.rules:5: decided: expected a date YYYY-MM-DD", "decided");

	/* version dates: in order, one per date */
	text_fails(
		HEAD31 PARAMS31 VERSION("2018-05-01"),
		"t.rules:10: version 2018-05-01 overlaps version 2018-05-01 of the same section" ORDER,
		"");
	text_fails(
		HEAD31 PARAMS31 VERSION("2018-04-30"),
		"t.rules:10: version 2018-04-30 overlaps version 2018-05-01 of the same section" ORDER,
		"");
	text_fails(
		HEAD31 PARAMS31 VERSION("2020-01-01") VERSION("2019-06-01"),
		"t.rules:13: version 2019-06-01 overlaps version 2020-01-01 of the same section" ORDER,
		"");
	text_fails(
		HEAD31 PARAMS31 VERSION("2020-01-01") VERSION("2020-01-01"),
		"t.rules:13: version 2020-01-01 overlaps version 2020-01-01 of the same section" ORDER,
		"");

	/* headers */
	static const char *const bad_headers[] = {
		"[2018-5-01]", "[2018-05-01", "[2018-02-30]",  "[ 2018-05-01 ]",
		"[]",	       "[",	      "[2018-05-01]x",
	};
	for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "section = B3:1\n%s\n", bad_headers[i]);
		text_fails(text, "t.rules:2: expected a version header [YYYY-MM-DD]", "");
	}
	text_fails("[2018-05-01]\n" PARAMS31, "t.rules:1: a version before 'section = …'",
		   "section");

	/* sections */
	text_fails("section = B9:9\n", "t.rules:1: unknown section 'B9:9'", "section");
	text_fails("section = b3:1\n", "t.rules:1: unknown section 'b3:1'", "section");
	text_fails(HEAD31 PARAMS31 "section = B3:3\n",
		   "t.rules:10: a rule file holds one section (already B3:1)", "section");
	text_fails("# nothing here\n\n", "t.rules:3: the file names no section ('section = …')",
		   "section");
	text_fails("", "t.rules:1: the file names no section ('section = …')", "section");
	text_fails("section = B3:1\n", "t.rules:2: section B3:1 has no version", "");
}

static void nul_byte_refused(void **state)
{
	(void)state;
	static const char text[] = "section = B3:1\nbo\0dy = \"x\"\n";
	struct params p;
	struct lmn_err err;

	params_init(&p);
	assert_int_equal(params_load_text(&p, "t.rules", text, sizeof(text) - 1, &err), LMN_EINVAL);
	assert_string_equal(err.message, "t.rules:2: a NUL byte in the text");
	params_release(&p);
}

/* Comments, blank lines, indentation, CRLF and missing spaces around '=' are all fine. */
static void layout_accepted(void **state)
{
	(void)state;
	static const char text[] = "# comment\r\n"
				   "   # indented comment\r\n"
				   "\r\n"
				   "section=B3:1\r\n"
				   "  [2018-05-01]  \r\n"
				   "decided = 2018-04-01\r\n"
				   "body=\"Organ\"\r\n"
				   "reference =   \"Text med = och # i\"   \r\n"
				   "\tlead_time_working_days\t=\t7\r\n"
				   "delivery_window_start = 07:30\r\n"
				   "delivery_window_end = 18:00\r\n"
				   "partial_delivery_only_backorder = false\r\n"
				   "non_working_eves = none\r\n"
				   "[2019-01-01]\n"
				   "body = \"B\"\n"
				   "reference = \"R\"\n"
				   "lead_time_working_days = 3"; /* no final newline */
	struct params p;
	struct lmn_err err;
	const struct param_source *s;

	params_init(&p);
	lmn_err_clear(&err);
	if (params_load_text(&p, "t.rules", text, sizeof(text) - 1, &err) != LMN_OK)
		fail_msg("%s", err.message);
	assert_int_equal(p.nsources, 2);
	s = p.sources[0];
	assert_string_equal(s->ref, "B3:1@2018-05-01");
	assert_int_equal(s->decided, day_of("2018-04-01"));
	assert_int_equal(s->effective, day_of("2018-05-01"));
	assert_string_equal(s->body, "Organ");
	assert_string_equal(s->reference, "Text med = och # i");
	assert_string_equal(s->file, "t.rules");
	assert_int_equal(s->line, 5);
	assert_int_equal(p.nversions[P_LEAD_TIME_WORKING_DAYS], 2);
	assert_int_equal(p.versions[P_LEAD_TIME_WORKING_DAYS][0].value.i, 7);
	assert_int_equal(p.versions[P_LEAD_TIME_WORKING_DAYS][1].value.i, 3);
	assert_ptr_equal(p.versions[P_LEAD_TIME_WORKING_DAYS][1].src, p.sources[1]);
	assert_int_equal(p.sources[1]->line, 14);
	assert_int_equal(p.sources[1]->decided, day_of("2019-01-01"));
	assert_int_equal(p.versions[P_DELIVERY_WINDOW_START][0].value.i, 7 * 3600 + 1800);
	assert_false(p.versions[P_PARTIAL_ONLY_BACKORDER][0].value.b);
	assert_int_equal(p.versions[P_NON_WORKING_EVES][0].value.set, 0);
	assert_true(p.sources[0]->original);
	assert_false(p.sources[1]->original);
	assert_int_equal(p.nversions[P_DELIVERY_WINDOW_START], 1);
	params_release(&p);
}

/* ---- params_finish, from texts of every section ---- */

static const struct kv ord[] = {
	{ "withdrawal_entry_roles", "patient, customer_service" },
	{ "municipal_entry_housing_only", "true" },
};

static const struct kv gov[] = {
	{ "preparation_it_limit_kr", "50000" },
	{ "forum_notice_days", "14" },
};

static const struct kv acc[] = {
	{ "care_relationship_days", "30" },
	{ "id_number_search_limit", "30" },
	{ "id_number_search_window_minutes", "60" },
	{ "distributor_history_days", "30" },
};

/* Loads a one-version text of every section; b31_extra is appended to B3:1's. Leaves p loaded
 * (not finished) and returns the first error. */
static enum lmn_rc load_sections(struct params *p, const char *skip, const char *b31_extra,
				 struct lmn_err *err)
{
	static const struct {
		const char *section, *name;
		const struct kv *kv;
		size_t n;
	} all[] = {
		{ "B3:1", "b31.rules", KV(b31) },     { "B3:3", "b33.rules", KV(b33) },
		{ "B3:6", "b36.rules", KV(b36) },     { "B6:1", "b61.rules", KV(b61) },
		{ "ordering", "ord.rules", KV(ord) }, { "prescription", "presc.rules", KV(presc) },
		{ "D", "d.rules", KV(gov) },	      { "access", "acc.rules", KV(acc) },
	};
	enum lmn_rc rc = LMN_OK;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && rc == LMN_OK; i++) {
		struct buf text;
		if (skip && strcmp(skip, all[i].section) == 0)
			continue;
		buf_init(&text, 1 << 16);
		one_version(&text, all[i].section, all[i].kv, all[i].n, NULL, NULL);
		if (i == 0 && b31_extra)
			buf_adds(&text, b31_extra);
		rc = params_load_text(p, all[i].name, text.data, text.len, err);
		buf_release(&text);
	}
	return rc;
}

static void finish_checks(void **state)
{
	(void)state;
	struct params p;
	struct lmn_err err;

	/* Complete: one rule set, open-ended. */
	params_init(&p);
	lmn_err_clear(&err);
	assert_int_equal(load_sections(&p, NULL, NULL, &err), LMN_OK);
	assert_int_equal(params_finish(&p, &err), LMN_OK);
	assert_int_equal(p.nsets, 1);
	assert_int_equal(p.sets[0].until, LMN_DAY_NONE);
	assert_int_equal(p.sets[0].from, LMN_DAY_NONE);
	assert_int_equal(params_first_change(&p), LMN_DAY_NONE);
	/* Nothing can be added once the rule sets are built. */
	assert_int_equal(params_load_text(&p, "late.rules", HEAD31, strlen(HEAD31), &err),
			 LMN_EINVAL);
	assert_string_equal(err.message, "late.rules: rule sets are already built");
	params_release(&p);

	/* A section no file defines. */
	params_init(&p);
	assert_int_equal(load_sections(&p, "B3:3", NULL, &err), LMN_OK);
	assert_int_equal(params_finish(&p, &err), LMN_EINVAL);
	assert_string_equal(err.message,
			    "parameter order_cutoff (section B3:3) has no version: no rule "
			    "file defines section B3:3");
	assert_string_equal(err.field, "order_cutoff");
	params_release(&p);

	/* A section in two texts. */
	params_init(&p);
	assert_int_equal(load_sections(&p, NULL, NULL, &err), LMN_OK);
	assert_int_equal(params_load_text(&p, "again.rules", HEAD31 PARAMS31,
					  strlen(HEAD31 PARAMS31), &err),
			 LMN_EINVAL);
	assert_string_equal(err.message,
			    "again.rules:1: section B3:1 is already defined in b31.rules");
	params_release(&p);

	/* The delivery window must open before it closes, in every rule set. */
	params_init(&p);
	assert_int_equal(load_sections(&p, NULL,
				       VERSION("2019-01-01") "delivery_window_end = 08:00\n", &err),
			 LMN_OK);
	assert_int_equal(params_finish(&p, &err), LMN_EINVAL);
	assert_string_equal(
		err.message,
		"b31.rules:10: delivery_window_start must be before delivery_window_end");
	assert_string_equal(err.field, "delivery_window_end");
	params_release(&p);
	/* … also when the later version moves the start: the error names that version. */
	params_init(&p);
	assert_int_equal(load_sections(&p, NULL,
				       VERSION("2019-01-01") "delivery_window_start = 19:00\n",
				       &err),
			 LMN_OK);
	assert_int_equal(params_finish(&p, &err), LMN_EINVAL);
	assert_string_equal(
		err.message,
		"b31.rules:10: delivery_window_start must be before delivery_window_end");
	params_release(&p);
	/* A later version that only changes what it says leaves the rest. */
	params_init(&p);
	assert_int_equal(load_sections(&p, NULL,
				       VERSION("2019-01-01") "delivery_window_start = 18:59\n",
				       &err),
			 LMN_OK);
	assert_int_equal(params_finish(&p, &err), LMN_OK);
	assert_int_equal(p.nsets, 2);
	assert_int_equal(params_at(&p, day_of("2018-12-31"))->v[P_DELIVERY_WINDOW_START].i,
			 8 * 3600);
	assert_int_equal(params_at(&p, day_of("2019-01-01"))->v[P_DELIVERY_WINDOW_START].i,
			 18 * 3600 + 59 * 60);
	assert_int_equal(params_at(&p, day_of("2019-01-01"))->v[P_DELIVERY_WINDOW_END].i,
			 19 * 3600);
	assert_string_equal(params_at(&p, day_of("2019-01-01"))->src[P_DELIVERY_WINDOW_END]->ref,
			    "B3:1@2018-05-01");
	assert_string_equal(params_at(&p, day_of("2019-01-01"))->src[P_DELIVERY_WINDOW_START]->ref,
			    "B3:1@2019-01-01");
	params_release(&p);
}

/* A section's first version reaches back before its date, also when another section's first
 * version is earlier: its date is no start (DOMAIN.md §9). */
static void first_day_is_latest_section_start(void **state)
{
	(void)state;
	struct params p;
	struct lmn_err err;
	static const char late_b61[] =
		"section = B6:1\n[2019-03-01]\nbody = \"B\"\nreference = \"R\"\n"
		"phone_answer_minutes = 3\nphone_answer_target = 85\n"
		"delivery_reliability_target = 98\n";

	params_init(&p);
	assert_int_equal(load_sections(&p, "B6:1", NULL, &err), LMN_OK);
	assert_int_equal(params_load_text(&p, "late.rules", late_b61, strlen(late_b61), &err),
			 LMN_OK);
	assert_int_equal(params_finish(&p, &err), LMN_OK);
	assert_int_equal(p.nsets, 1);
	assert_int_equal(params_first_change(&p), LMN_DAY_NONE);
	assert_non_null(params_at(&p, day_of("2019-02-28")));
	assert_int_equal(params_at(&p, day_of("2019-02-28"))->v[P_PHONE_ANSWER_MINUTES].i, 3);
	assert_ptr_equal(params_at(&p, day_of("2019-03-01")), params_at(&p, day_of("2019-02-28")));
	params_release(&p);
}

/* ---- rules_files_load on a folder ---- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	assert_false(b.failed);
	if (!b.data)
		buf_adds(&b, "");
	return buf_detach(&b, len);
}

static void write_all(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot create %s", path);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The temporary folder of the running test, removed by its teardown also when the test fails. */
static char current_dir[64];

static void make_dir(char dir[64])
{
	snprintf(dir, 64, "/tmp/lmn-test-params-XXXXXX");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	snprintf(current_dir, sizeof(current_dir), "%s", dir);
}

/* A temporary copy of data/rules. */
static void copy_rules(char dir[64])
{
	DIR *d = opendir(rules_dir());
	struct dirent *e;

	make_dir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		size_t len;
		char *data;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", rules_dir(), e->d_name);
		data = read_all(path, &len);
		write_all(dir, e->d_name, data, len);
		free(data);
	}
	closedir(d);
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
	if (strcmp(dir, current_dir) == 0)
		current_dir[0] = '\0';
}

static int remove_current_dir(void **state)
{
	(void)state;
	if (current_dir[0]) {
		char dir[64];
		snprintf(dir, sizeof(dir), "%s", current_dir);
		remove_dir(dir);
	}
	return 0;
}

/* Replaces the first occurrence of from by to in dir/name; the test fails if from is not there. */
static void edit(const char *dir, const char *name, const char *from, const char *to)
{
	char path[512];
	size_t len;
	char *data, *hit;
	struct buf b;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	data = read_all(path, &len);
	hit = strstr(data, from);
	if (!hit)
		fail_msg("'%s' not in %s", from, name);
	buf_init(&b, 1 << 20);
	buf_add(&b, data, (size_t)(hit - data));
	buf_adds(&b, to);
	buf_adds(&b, hit + strlen(from));
	write_all(dir, name, b.data, b.len);
	buf_release(&b);
	free(data);
}

/* The line number of the first line of dir/name that starts with prefix. */
static int line_of(const char *dir, const char *name, const char *prefix)
{
	char path[512];
	size_t len;
	char *data;
	int line = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	data = read_all(path, &len);
	for (char *s = data; *s; line++) {
		char *nl = strchr(s, '\n');
		if (strncmp(s, prefix, strlen(prefix)) == 0) {
			free(data);
			return line;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	free(data);
	fail_msg("no line '%s' in %s", prefix, name);
	return -1;
}

/* Loads dir and expects rc with exactly the message "dir/<rest>" (or message itself when rest
 * starts with no file). */
static void dir_fails(const char *dir, enum lmn_rc want, const char *message)
{
	struct params p;
	struct lmn_err err;
	enum lmn_rc rc;

	params_init(&p);
	lmn_err_clear(&err);
	rc = rules_files_load(&p, dir, &err);
	if (rc != want)
		fail_msg("rc %s (%s), expected %s", lmn_rc_name(rc), err.message,
			 lmn_rc_name(want));
	assert_string_equal(err.message, message);
	params_release(&p);
}

static void folder_copy_loads_the_same(void **state)
{
	(void)state;
	char dir[64];
	struct params p;
	struct lmn_err err;

	copy_rules(dir);
	/* Files that are not *.rules, or hidden, are not read. */
	write_all(dir, ".hidden.rules", "garbage", 7);
	write_all(dir, "old.rules.bak", "garbage", 7);
	write_all(dir, "x.rule", "garbage", 7);
	params_init(&p);
	if (rules_files_load(&p, dir, &err) != LMN_OK)
		fail_msg("%s", err.message);
	assert_int_equal(p.nsets, real.nsets);
	assert_int_equal(p.nsources, real.nsources);
	for (size_t k = 0; k < p.nsets; k++) {
		assert_int_equal(p.sets[k].from, real.sets[k].from);
		for (int id = 0; id < P__COUNT; id++) {
			assert_true(
				same_value((enum param_id)id, p.sets[k].v[id], real.sets[k].v[id]));
			assert_string_equal(p.sets[k].src[id]->ref, real.sets[k].src[id]->ref);
		}
	}
	params_release(&p);
	remove_dir(dir);
}

static void folder_errors_name_file_and_line(void **state)
{
	(void)state;
	char dir[64], want[600];
	int line;

	/* A value out of range. */
	copy_rules(dir);
	line = line_of(dir, "B3-1.rules", "lead_time_working_days");
	edit(dir, "B3-1.rules", "lead_time_working_days = 4", "lead_time_working_days = 61");
	snprintf(want, sizeof(want),
		 "%s/B3-1.rules:%d: lead_time_working_days: expected an integer between 0 and 60",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A value of the wrong type, in the second version. */
	copy_rules(dir);
	line = line_of(dir, "B3-3.rules", "acute_articles = acute_assortment");
	edit(dir, "B3-3.rules", "acute_articles = acute_assortment", "acute_articles = 2");
	snprintf(want, sizeof(want),
		 "%s/B3-3.rules:%d: acute_articles: expected stocked or "
		 "acute_assortment",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* An unknown key. */
	copy_rules(dir);
	line = line_of(dir, "B6-1.rules", "phone_answer_target = 80");
	edit(dir, "B6-1.rules", "phone_answer_target = 80", "phone_answer_share = 80");
	snprintf(want, sizeof(want), "%s/B6-1.rules:%d: unknown parameter 'phone_answer_share'",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* Two versions on one date. */
	copy_rules(dir);
	line = line_of(dir, "ordering.rules", "[2024-10-24]");
	edit(dir, "ordering.rules", "[2024-10-24]", "[2018-05-01]");
	snprintf(want, sizeof(want),
		 "%s/ordering.rules:%d: version 2018-05-01 overlaps version "
		 "2018-05-01 of the same section" ORDER,
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A version with no body. */
	copy_rules(dir);
	line = line_of(dir, "B3-3.rules", "[2020-01-30]");
	edit(dir, "B3-3.rules", "body = \"Ledningsråd MTP\"\n", "");
	snprintf(want, sizeof(want),
		 "%s/B3-3.rules:%d: version B3:3@2020-01-30 has no body (the "
		 "deciding body)",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A version with no reference. */
	copy_rules(dir);
	line = line_of(dir, "B3-6.rules", "[2023-06-21]");
	edit(dir, "B3-6.rules", "reference = \"Ärendelogg 2023-06-21", "# \"");
	snprintf(want, sizeof(want),
		 "%s/B3-6.rules:%d: version B3:6@2023-06-21 has no reference "
		 "(change-log entry)",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A malformed version header. */
	copy_rules(dir);
	line = line_of(dir, "B3-6.rules", "[2023-06-21]");
	edit(dir, "B3-6.rules", "[2023-06-21]", "[2023-06-21");
	snprintf(want, sizeof(want), "%s/B3-6.rules:%d: expected a version header [YYYY-MM-DD]",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A section defined in two files. */
	copy_rules(dir);
	{
		char path[512];
		size_t len;
		char *data;
		snprintf(path, sizeof(path), "%s/B3-1.rules", dir);
		data = read_all(path, &len);
		write_all(dir, "Z.rules", data, len);
		free(data);
	}
	line = line_of(dir, "Z.rules", "section = ");
	snprintf(want, sizeof(want),
		 "%s/Z.rules:%d: section B3:1 is already defined in %s/B3-1.rules", dir, line, dir);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A closed delivery window. */
	copy_rules(dir);
	line = line_of(dir, "B3-1.rules", "[2018-05-01]");
	edit(dir, "B3-1.rules", "delivery_window_end = 19:00", "delivery_window_end = 08:00");
	snprintf(want, sizeof(want),
		 "%s/B3-1.rules:%d: delivery_window_start must be before "
		 "delivery_window_end",
		 dir, line);
	dir_fails(dir, LMN_EINVAL, want);
	remove_dir(dir);

	/* A section no file defines. */
	copy_rules(dir);
	snprintf(want, sizeof(want), "%s/prescription.rules", dir);
	assert_int_equal(unlink(want), 0);
	dir_fails(dir, LMN_EINVAL,
		  "parameter prescription_max_validity_months (section prescription) "
		  "has no version: no rule file defines section prescription");
	remove_dir(dir);
}

static void folder_missing_or_empty(void **state)
{
	(void)state;
	char dir[64], want[300], missing[128];
	struct params p;
	struct lmn_err err;

	make_dir(dir);
	write_all(dir, "README.md", "# not a rule file\n", 18);
	snprintf(want, sizeof(want), "rule folder %s has no *.rules file", dir);
	dir_fails(dir, LMN_ENOTFOUND, want);

	snprintf(missing, sizeof(missing), "%s/missing", dir);
	params_init(&p);
	assert_int_equal(rules_files_load(&p, missing, &err), LMN_EIO);
	snprintf(want, sizeof(want), "rule folder %s: ", missing);
	assert_int_equal(strncmp(err.message, want, strlen(want)), 0);
	assert_true(strlen(err.message) > strlen(want));
	params_release(&p);
	remove_dir(dir);
}

static void default_dir_from_environment(void **state)
{
	(void)state;
	const char *saved = getenv("LMN_RULES_DIR");
	char keep[512] = "";
	const char *fallback;

	if (saved)
		snprintf(keep, sizeof(keep), "%s", saved);
	assert_int_equal(setenv("LMN_RULES_DIR", "/somewhere/else", 1), 0);
	assert_string_equal(rules_files_default_dir(), "/somewhere/else");
	assert_int_equal(setenv("LMN_RULES_DIR", "", 1), 0);
	fallback = rules_files_default_dir();
	assert_true(strlen(fallback) > 0);
	assert_string_not_equal(fallback, "/somewhere/else");
	if (saved)
		assert_int_equal(setenv("LMN_RULES_DIR", keep, 1), 0);
	else
		assert_int_equal(unsetenv("LMN_RULES_DIR"), 0);
}

/* Once a store has registered its list (areas_set_listed, as db_open does), a rule naming an area
 * outside it is refused with the file, the line, the parameter and the list; before that, a
 * well-formed code is registered. Runs last: the list stays the store's for the process. */
static void areas_from_the_store(void **state)
{
	(void)state;
	assert_false(areas_listed());
	uint32_t set = value_ok("B3:3", KV(b33), "express_areas", "podiatry").set;
	assert_int_equal(set, 1u << area_parse("podiatry", 8));
	assert_true(area_parse("podiatry", 8) >= T_AREAS);
	areas_set_listed();
	value_fails(
		"B3:3", KV(b33), "express_areas", "nutrition, dentistry",
		"t.rules:11: express_areas: unknown product area 'dentistry' (the product areas "
		"are: nutrition, incontinence (inkontinens), diabetes, stoma (stomi), podiatry; or "
		"none)");
	assert_int_equal(area_parse("dentistry", 9), -1);
	assert_int_equal(value_ok("B3:3", KV(b33), "express_areas", "stoma").set, 1u << T_STOMA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timeline_covers_every_parameter),
		cmocka_unit_test(every_parameter_on_every_probe_day),
		cmocka_unit_test(change_dates_typed),
		cmocka_unit_test(original_versions_have_no_start),
		cmocka_unit_test(rule_set_intervals),
		cmocka_unit_test(sources_of_each_version),
		cmocka_unit_test(format_each_type),
		cmocka_unit_test(format_round_trips_through_the_loader),
		cmocka_unit_test(names_and_lookups),
		cmocka_unit_test(parse_values_accepted),
		cmocka_unit_test(parse_values_refused),
		cmocka_unit_test(structure_refused),
		cmocka_unit_test(nul_byte_refused),
		cmocka_unit_test(layout_accepted),
		cmocka_unit_test(finish_checks),
		cmocka_unit_test(first_day_is_latest_section_start),
		cmocka_unit_test_teardown(folder_copy_loads_the_same, remove_current_dir),
		cmocka_unit_test_teardown(folder_errors_name_file_and_line, remove_current_dir),
		cmocka_unit_test_teardown(folder_missing_or_empty, remove_current_dir),
		cmocka_unit_test(default_dir_from_environment),
		cmocka_unit_test(areas_from_the_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
