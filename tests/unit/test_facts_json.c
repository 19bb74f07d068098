/* Tests codec/facts_json, the JSON-lines wire format of `lmn rules eval` (README.md): every field
 * and default, local time, what is refused and which field is named, the exact answer lines; and
 * codec/eval_stream, which carries it over a file or a pipe. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "areas_fixture.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codec/eval_stream.h"
#include "codec/facts_json.h"
#include "rules/date.h"
#include "rules/delivery.h"
#include "store/rules_files.h"
#include "util/buf.h"
#include "util/localtime.h"

/* The messages of facts_json.c and util/localtime.c, as the wire format promises them. */
#define NOT_JSON   "Raden är inte giltig JSON."
#define NOT_OBJECT "Raden ska vara ett JSON-objekt."
#define NOT_ONE	   "Raden ska innehålla exakt ett JSON-objekt."
#define TOO_MANY   "Raden har för många fält."
#define TOO_LONG   "Raden är för lång."
#define REQUIRED   "Fältet \"received\" krävs."
#define BAD_TIME                                                                                           \
	"Fältet \"received\" ska vara en tidpunkt ÅÅÅÅ-MM-DDTtt:mm[:ss], lokal svensk tid eller med " \
	"tidszon (Z, +01:00)."
#define SKIPPED_HOUR \
	"Tidpunkten finns inte i svensk lokal tid (klockan ställs fram till sommartid); ange tidszon."
#define UNKNOWN                                                                                 \
	"Okänt fält. Kända fält: received, kind, requested_by, entered_by, area, stocked, " \
	"acute_assortment, special."
#define KIND_VALUES "Fältet \"kind\" ska vara normal, acute eller express."
#define AREA_VALUES \
	"Fältet \"area\" ska vara nutrition, incontinence (inkontinens), diabetes eller stoma (stomi)."
#define ROLE_VALUES(f)                                                                            \
	"Fältet \"" f "\" ska vara patient, prescriber, municipal_prescriber, municipal_orderer " \
	"eller customer_service."
#define NOT_STRING(f) "Fältet \"" f "\" ska vara en sträng."
#define NOT_BOOL(f)   "Fältet \"" f "\" ska vara true eller false."
#define WRONG_TYPE(f) "Fältet \"" f "\" har fel typ."
#define TWICE(f)      "Fältet \"" f "\" förekommer två gånger."

#define D(y, m, d)  date_from_ymd(y, m, d)
#define T(h, mi, s) ((h)*3600 + (mi)*60 + (s))

/* Written here, not taken from the code under test. */
static const char *const role_words[ROLE__COUNT] = {
	[ROLE_PATIENT] = "patient",
	[ROLE_PRESCRIBER] = "prescriber",
	[ROLE_MUNICIPAL_PRESCRIBER] = "municipal_prescriber",
	[ROLE_MUNICIPAL_ORDERER] = "municipal_orderer",
	[ROLE_CUSTOMER_SERVICE] = "customer_service",
};

static struct params rules;

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
	params_init(&rules);
	if (rules_files_load(&rules, rules_files_default_dir(), &err) != LMN_OK) {
		fprintf(stderr, "rules: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	params_release(&rules);
	return 0;
}

/* ---- Parsing ---- */

static struct order_facts parse_n(const char *s, size_t n)
{
	struct order_facts f;
	struct lmn_err err;

	memset(&f, 0xa5, sizeof(f)); /* every field must be set by the parser */
	lmn_err_clear(&err);
	if (facts_json_parse(s, n, &f, &err) != LMN_OK)
		fail_msg("%.*s: refused (field '%s'): %s", (int)n, s, err.field, err.message);
	return f;
}

static struct order_facts parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* s is refused naming field ("" for the line as a whole) with exactly message. */
static void refused_n(const char *s, size_t n, const char *field, const char *message)
{
	struct order_facts f;
	struct lmn_err err;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = facts_json_parse(s, n, &f, &err);
	if (rc != LMN_EINVAL)
		fail_msg("%.*s: expected a refusal, got %s", (int)n, s, lmn_rc_name(rc));
	assert_int_equal(err.code, LMN_EINVAL);
	if (strcmp(err.field, field) != 0 || strcmp(err.message, message) != 0)
		fail_msg("%.*s:\n  got field '%s': %s\n  expected field '%s': %s", (int)n, s,
			 err.field, err.message, field, message);
}

static void refused(const char *s, const char *field, const char *message)
{
	refused_n(s, strlen(s), field, message);
}

/* Only received given: its time and every default of README.md. */
static void defaults(void **state)
{
	(void)state;
	struct order_facts f = parse("{\"received\":\"2026-12-22T10:15\"}");

	assert_int_equal(f.received_day, D(2026, 12, 22));
	assert_int_equal(f.received_sec, T(10, 15, 0));
	assert_int_equal(f.kind, KIND_NORMAL);
	assert_int_equal(f.requested_by, ROLE_PATIENT);
	assert_int_equal(f.entered_by, ROLE_PATIENT);
	assert_int_equal(f.area, AREA_UNKNOWN);
	assert_true(f.stocked);
	assert_false(f.acute_assortment);
	assert_false(f.special);

	/* null is the default for every field but received. */
	f = parse("{\"received\":\"2026-12-22T10:15\",\"kind\":null,\"requested_by\":null,"
		  "\"entered_by\":null,\"area\":null,\"stocked\":null,\"acute_assortment\":null,"
		  "\"special\":null}");
	assert_int_equal(f.kind, KIND_NORMAL);
	assert_int_equal(f.requested_by, ROLE_PATIENT);
	assert_int_equal(f.entered_by, ROLE_PATIENT);
	assert_int_equal(f.area, AREA_UNKNOWN);
	assert_true(f.stocked);
	assert_false(f.acute_assortment);
	assert_false(f.special);
}

/* A line sets only what it names: nothing is left over from the line before. */
static void no_state_between_lines(void **state)
{
	(void)state;
	struct order_facts f;
	struct lmn_err err;
	const char *all = "{\"received\":\"2026-01-15T10:00\",\"kind\":\"express\","
			  "\"requested_by\":\"prescriber\",\"entered_by\":\"customer_service\","
			  "\"area\":\"incontinence\",\"stocked\":false,\"acute_assortment\":true,"
			  "\"special\":true}";
	const char *few = "{\"received\":\"2026-01-16T11:00\"}";

	assert_int_equal(facts_json_parse(all, strlen(all), &f, &err), LMN_OK);
	assert_int_equal(facts_json_parse(few, strlen(few), &f, &err), LMN_OK);
	assert_int_equal(f.received_day, D(2026, 1, 16));
	assert_int_equal(f.kind, KIND_NORMAL);
	assert_int_equal(f.requested_by, ROLE_PATIENT);
	assert_int_equal(f.entered_by, ROLE_PATIENT);
	assert_int_equal(f.area, AREA_UNKNOWN);
	assert_true(f.stocked);
	assert_false(f.acute_assortment);
	assert_false(f.special);
}

static void every_kind(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"kind\":\"normal\"}").kind,
			 KIND_NORMAL);
	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"kind\":\"acute\"}").kind,
			 KIND_ACUTE);
	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"kind\":\"express\"}").kind,
			 KIND_EXPRESS);
}

/* Every role, requested and entered; entered_by follows requested_by unless given. */
static void every_role(void **state)
{
	(void)state;
	char line[256];

	for (int r = 0; r < ROLE__COUNT; r++) {
		struct order_facts f;

		snprintf(line, sizeof(line),
			 "{\"received\":\"2026-01-15T10:00\",\"requested_by\":\"%s\"}",
			 role_words[r]);
		f = parse(line);
		assert_int_equal(f.requested_by, r);
		assert_int_equal(f.entered_by, r);

		snprintf(line, sizeof(line),
			 "{\"received\":\"2026-01-15T10:00\",\"requested_by\":\"%s\","
			 "\"entered_by\":null}",
			 role_words[r]);
		f = parse(line);
		assert_int_equal(f.entered_by, r);

		for (int e = 0; e < ROLE__COUNT; e++) {
			snprintf(line, sizeof(line),
				 "{\"received\":\"2026-01-15T10:00\",\"requested_by\":\"%s\","
				 "\"entered_by\":\"%s\"}",
				 role_words[r], role_words[e]);
			f = parse(line);
			assert_int_equal(f.requested_by, r);
			assert_int_equal(f.entered_by, e);
		}

		/* entered_by alone: requested_by keeps its default. */
		snprintf(line, sizeof(line),
			 "{\"received\":\"2026-01-15T10:00\",\"entered_by\":\"%s\"}",
			 role_words[r]);
		f = parse(line);
		assert_int_equal(f.requested_by, ROLE_PATIENT);
		assert_int_equal(f.entered_by, r);
	}
	/* The order of the fields does not matter. */
	struct order_facts f = parse("{\"entered_by\":\"customer_service\",\"requested_by\":"
				     "\"prescriber\",\"received\":\"2026-01-15T10:00\"}");
	assert_int_equal(f.requested_by, ROLE_PRESCRIBER);
	assert_int_equal(f.entered_by, ROLE_CUSTOMER_SERVICE);
}

static void every_area_and_flag(void **state)
{
	(void)state;
	struct order_facts f;

	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"area\":\"nutrition\"}").area,
			 T_NUTRITION);
	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"area\":\"incontinence\"}")
				 .area,
			 T_INCONTINENCE);
	/* Issue 18: every area of the store's list. */
	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"area\":\"diabetes\"}").area,
			 T_DIABETES);
	assert_int_equal(parse("{\"received\":\"2026-01-15T10:00\",\"area\":\"stoma\"}").area,
			 T_STOMA);

	/* Each flag both ways, the others untouched. */
	f = parse("{\"received\":\"2026-01-15T10:00\",\"stocked\":false}");
	assert_false(f.stocked);
	assert_false(f.acute_assortment);
	assert_false(f.special);
	f = parse("{\"received\":\"2026-01-15T10:00\",\"stocked\":true}");
	assert_true(f.stocked);
	f = parse("{\"received\":\"2026-01-15T10:00\",\"acute_assortment\":true}");
	assert_true(f.stocked);
	assert_true(f.acute_assortment);
	assert_false(f.special);
	f = parse("{\"received\":\"2026-01-15T10:00\",\"acute_assortment\":false}");
	assert_false(f.acute_assortment);
	f = parse("{\"received\":\"2026-01-15T10:00\",\"special\":true}");
	assert_true(f.stocked);
	assert_false(f.acute_assortment);
	assert_true(f.special);
	f = parse("{\"received\":\"2026-01-15T10:00\",\"special\":false}");
	assert_false(f.special);

	/* All at once, none at its default. */
	f = parse("{\"received\":\"2020-01-29T13:59:59\",\"kind\":\"express\",\"requested_by\":"
		  "\"municipal_prescriber\",\"entered_by\":\"municipal_orderer\",\"area\":"
		  "\"incontinence\",\"stocked\":false,\"acute_assortment\":true,\"special\":true}");
	assert_int_equal(f.received_day, D(2020, 1, 29));
	assert_int_equal(f.received_sec, T(13, 59, 59));
	assert_int_equal(f.kind, KIND_EXPRESS);
	assert_int_equal(f.requested_by, ROLE_MUNICIPAL_PRESCRIBER);
	assert_int_equal(f.entered_by, ROLE_MUNICIPAL_ORDERER);
	assert_int_equal(f.area, T_INCONTINENCE);
	assert_false(f.stocked);
	assert_true(f.acute_assortment);
	assert_true(f.special);
}

/* JSON whitespace anywhere between tokens, and around the object. */
static void whitespace(void **state)
{
	(void)state;
	struct order_facts f;
	static const char padded[] = " \t{ \"received\" :\t\"2026-01-15T10:00\" ,\r\n\"kind\"\n"
				     ":\"acute\" }\r\n \t";
	struct buf b;

	f = parse(padded);
	assert_int_equal(f.received_day, D(2026, 1, 15));
	assert_int_equal(f.kind, KIND_ACUTE);
	f = parse("{\"received\":\"2026-01-15T10:00\"}\r"); /* a CRLF line's CR */

	/* A megabyte of spaces is still one valid object: the parser has no length limit of its own. */
	buf_init(&b, 0);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\"");
	for (int i = 0; i < 1 << 20; i++)
		buf_addc(&b, ' ');
	buf_adds(&b, ",\"kind\":\"acute\"}");
	assert_false(b.failed);
	f = parse_n(b.data, b.len);
	assert_int_equal(f.kind, KIND_ACUTE);
	buf_release(&b);
}

/* ---- received: local Swedish time, offsets converted ---- */

static void received_at(const char *when, lmn_day day, int32_t sec)
{
	char line[1024];
	struct order_facts f;
	int y, m, d;

	snprintf(line, sizeof(line), "{\"received\":\"%s\"}", when);
	f = parse(line);
	if (f.received_day != day || f.received_sec != sec) {
		date_to_ymd(f.received_day, &y, &m, &d);
		fail_msg("%s: got %04d-%02d-%02d + %d s, expected day %d + %d s", when, y, m, d,
			 (int)f.received_sec, (int)day, (int)sec);
	}
}

static void received_refused(const char *when, const char *message)
{
	char line[1024];

	snprintf(line, sizeof(line), "{\"received\":\"%s\"}", when);
	refused(line, "received", message);
}

static void received_local(void **state)
{
	(void)state;
	received_at("2026-01-15T10:00", D(2026, 1, 15), T(10, 0, 0));
	received_at("2026-07-01T10:00", D(2026, 7, 1), T(10, 0, 0)); /* local: no summer shift */
	received_at("2026-01-15T00:00", D(2026, 1, 15), 0);
	received_at("2026-01-15T23:59:59", D(2026, 1, 15), T(23, 59, 59));
	received_at("2026-01-15T13:59:59.999", D(2026, 1, 15), T(13, 59, 59)); /* truncated */
	received_at("2026-01-15 08:07:06", D(2026, 1, 15), T(8, 7, 6));
	received_at("2024-02-29T12:00", D(2024, 2, 29), T(12, 0, 0));
}

static void received_offsets(void **state)
{
	(void)state;
	/* Winter is UTC+1, summer UTC+2. */
	received_at("2026-01-15T10:00Z", D(2026, 1, 15), T(11, 0, 0));
	received_at("2026-07-01T10:00Z", D(2026, 7, 1), T(12, 0, 0));
	received_at("2026-01-15T10:00+01:00", D(2026, 1, 15), T(10, 0, 0));
	received_at("2026-01-15T10:00+0100", D(2026, 1, 15), T(10, 0, 0));
	received_at("2026-07-01T10:00+01:00", D(2026, 7, 1), T(11, 0, 0));
	received_at("2026-07-01T10:00+0200", D(2026, 7, 1), T(10, 0, 0));
	received_at("2026-01-15T10:00-05:00", D(2026, 1, 15), T(16, 0, 0));
	received_at("2026-01-15T10:00+05:30", D(2026, 1, 15), T(5, 30, 0));
	received_at("2026-01-15T10:00:30.5Z", D(2026, 1, 15), T(11, 0, 30));
	received_at("2026-01-15 10:00-0000", D(2026, 1, 15), T(11, 0, 0));
	/* Across the date boundary, both ways, and over a year and a leap day. */
	received_at("2026-01-15T23:30Z", D(2026, 1, 16), T(0, 30, 0));
	received_at("2026-01-15T22:59:59Z", D(2026, 1, 15), T(23, 59, 59));
	received_at("2026-07-01T22:00Z", D(2026, 7, 2), 0);
	received_at("2026-07-01T21:59:59Z", D(2026, 7, 1), T(23, 59, 59));
	received_at("2026-01-01T00:30+02:00", D(2025, 12, 31), T(23, 30, 0));
	received_at("2025-12-31T23:30-0100", D(2026, 1, 1), T(1, 30, 0));
	received_at("2024-02-28T23:30Z", D(2024, 2, 29), T(0, 30, 0));
	received_at("2026-01-16T00:30+14:00", D(2026, 1, 15), T(11, 30, 0));
}

/* 2026-03-29: clocks go from 02:00 winter time to 03:00 summer time. */
static void received_spring_forward(void **state)
{
	(void)state;
	received_at("2026-03-29T01:59:59", D(2026, 3, 29), T(1, 59, 59));
	received_refused("2026-03-29T02:00", SKIPPED_HOUR);
	received_refused("2026-03-29T02:30", SKIPPED_HOUR);
	received_refused("2026-03-29 02:59:59", SKIPPED_HOUR);
	received_refused("2026-03-29T02:59:59.999", SKIPPED_HOUR);
	received_at("2026-03-29T03:00", D(2026, 3, 29), T(3, 0, 0));
	received_at("2026-03-28T02:30", D(2026, 3, 28),
		    T(2, 30, 0)); /* the day before is ordinary */
	received_at("2026-03-30T02:30", D(2026, 3, 30), T(2, 30, 0));
	received_refused("2025-03-30T02:30", SKIPPED_HOUR); /* and a year earlier */
	/* With an offset the instant is clear. */
	received_at("2026-03-29T00:59:59Z", D(2026, 3, 29), T(1, 59, 59));
	received_at("2026-03-29T01:00Z", D(2026, 3, 29), T(3, 0, 0));
	received_at("2026-03-29T02:30+01:00", D(2026, 3, 29), T(3, 30, 0));
	received_at("2026-03-29T02:30+02:00", D(2026, 3, 29), T(1, 30, 0));
	received_at("2026-03-28T23:30Z", D(2026, 3, 29), T(0, 30, 0));
	received_at("2026-03-29T22:30Z", D(2026, 3, 30), T(0, 30, 0));
	received_at("2026-03-28T10:00Z", D(2026, 3, 28), T(11, 0, 0));
	received_at("2026-03-30T10:00Z", D(2026, 3, 30), T(12, 0, 0));
}

/* 2026-10-25: clocks go back from 03:00 summer time to 02:00 winter time; 02:xx happens twice. */
static void received_fall_back(void **state)
{
	(void)state;
	received_at("2026-10-25T02:30", D(2026, 10, 25), T(2, 30, 0));
	received_at("2026-10-25T02:00", D(2026, 10, 25), T(2, 0, 0));
	received_at("2026-10-25T00:30Z", D(2026, 10, 25), T(2, 30, 0)); /* first 02:30, summer */
	received_at("2026-10-25T01:30Z", D(2026, 10, 25), T(2, 30, 0)); /* second 02:30, winter */
	received_at("2026-10-25T00:59:59Z", D(2026, 10, 25), T(2, 59, 59));
	received_at("2026-10-25T01:00Z", D(2026, 10, 25), T(2, 0, 0));
	received_at("2026-10-25T02:00Z", D(2026, 10, 25), T(3, 0, 0));
	received_at("2026-10-24T22:00Z", D(2026, 10, 25), 0);
	received_at("2026-10-24T21:59:59Z", D(2026, 10, 24), T(23, 59, 59));
	received_at("2026-10-25T23:30Z", D(2026, 10, 26), T(0, 30, 0));
	received_at("2026-10-25T22:59:59Z", D(2026, 10, 25), T(23, 59, 59));
	received_at("2026-10-25T02:30+02:00", D(2026, 10, 25), T(2, 30, 0));
	received_at("2026-10-25T02:30+01:00", D(2026, 10, 25), T(2, 30, 0));
	received_at("2026-10-25T03:30+01:00", D(2026, 10, 25), T(3, 30, 0));
}

static void received_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"2026-01-15",
		"2026-01-15T10",
		"2026-01-15T10:0",
		"2026-02-30T10:00",
		"2025-02-29T10:00",
		"2026-04-31T10:00",
		"2026-13-01T10:00",
		"2026-00-10T10:00",
		"2026-01-00T10:00",
		"2026-01-32T10:00",
		"2026-1-15T10:00",
		"26-01-15T10:00",
		"2026/01/15T10:00",
		"2026-01-15t10:00",
		"2026-01-15_10:00",
		"2026-01-15T24:00",
		"2026-01-15T10:60",
		"2026-01-15T10:00:60",
		"2026-01-15T1a:00",
		"2026-01-15T10.00",
		"2026-01-15T10:00:",
		"2026-01-15T10:00:0",
		"2026-01-15T10:00.5",
		"2026-01-15T10:00:00.",
		"2026-01-15T10:00:00.5.",
		"2026-01-15T10:00z",
		"2026-01-15T10:00ZZ",
		"2026-01-15T10:00Z ",
		"2026-01-15T10:00 ",
		" 2026-01-15T10:00",
		"2026-01-15T10:00+01",
		"2026-01-15T10:00+1:00",
		"2026-01-15T10:00+01:0",
		"2026-01-15T10:00+010",
		"2026-01-15T10:00+01:000",
		"2026-01-15T10:00+01-00",
		"2026-01-15T10:00+15:00",
		"2026-01-15T10:00+01:60",
		"2026-01-15T10:00+01:00Z",
		"2026-01-15T10:00 +01:00",
		"2026-01-15T10:00CET",
		"now",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		received_refused(bad[i], BAD_TIME);
}

static void received_missing_or_mistyped(void **state)
{
	(void)state;
	refused("{}", "received", REQUIRED);
	refused("{\"kind\":\"acute\",\"stocked\":true}", "received", REQUIRED);
	refused("{\"received\":null}", "received", REQUIRED);
	refused("{\"received\":null,\"kind\":\"acute\"}", "received", REQUIRED);
	refused("{\"received\":20260115}", "received", NOT_STRING("received"));
	refused("{\"received\":2026.0115}", "received", NOT_STRING("received"));
	refused("{\"received\":true}", "received", NOT_STRING("received"));
	refused("{\"received\":{\"date\":\"2026-01-15\"}}", "received", WRONG_TYPE("received"));
	refused("{\"received\":[\"2026-01-15T10:00\"]}", "received", WRONG_TYPE("received"));
}

/* ---- Broken lines: the line as a whole is at fault, no field is named ---- */

static void not_an_object(void **state)
{
	(void)state;
	refused("", "", NOT_OBJECT);
	refused("   ", "", NOT_OBJECT);
	refused("\r", "", NOT_OBJECT);
	refused("[]", "", NOT_OBJECT);
	refused("[{\"received\":\"2026-01-15T10:00\"}]", "", NOT_OBJECT);
	refused("\"received\"", "", NOT_OBJECT);
	refused("not json", "", NOT_JSON);
	refused("true", "", NOT_JSON);
	refused("42", "", NOT_JSON);
}

static void broken_syntax(void **state)
{
	(void)state;
	static const char *const bad[] = {
		/* trailing and leading garbage */
		"{\"received\":\"2026-01-15T10:00\"}x",
		"{\"received\":\"2026-01-15T10:00\"} x",
		"x{\"received\":\"2026-01-15T10:00\"}",
		"{\"received\":\"2026-01-15T10:00\"}}",
		"{\"received\":\"2026-01-15T10:00\"}]",
		/* separators */
		"{\"received\":\"2026-01-15T10:00\" \"kind\":\"acute\"}",
		"{\"received\":\"2026-01-15T10:00\",,\"kind\":\"acute\"}",
		"{\"received\":\"2026-01-15T10:00\",}",
		"{,\"received\":\"2026-01-15T10:00\"}",
		"{\"received\" \"2026-01-15T10:00\"}",
		"{\"received\"::\"2026-01-15T10:00\"}",
		"{\"received\":\"2026-01-15T10:00\":\"x\"}",
		"{\"received\":}",
		"{\"received\"}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\"}",
		"{\"received\":\"2026-01-15T10:00\";\"kind\":\"acute\"}",
		/* keys */
		"{received:\"2026-01-15T10:00\"}",
		"{'received':'2026-01-15T10:00'}",
		"{1:\"2026-01-15T10:00\"}",
		"{true:1}",
		/* truncated */
		"{",
		"{\"",
		"{\"received",
		"{\"received\"",
		"{\"received\":",
		"{\"received\":\"2026-01-15T10:00",
		"{\"received\":\"2026-01-15T10:00\"",
		"{\"received\":\"2026-01-15T10:00\",",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":tr",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":true",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":{\"a\":1}",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":[1,2",
		/* not JSON literals */
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":tru}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":True}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":TRUE}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":truex}",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":nul}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":01}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":1.}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":.5}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":1e}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":1e+}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":-}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":--1}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":+1}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":0x10}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":NaN}",
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":Infinity}",
		/* strings */
		"{\"received\":'2026-01-15T10:00'}",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":\"\\x\"}",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":\"\\u12\"}",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":\"\\u12G4\"}",
		"{\"received\":\"2026-01-15T10:00\",\"kind\":\"acute\\\"}",
		"{\"re\tceived\":\"2026-01-15T10:00\"}",
		"{\"rec\\u00\":\"2026-01-15T10:00\"}",
		/* a broken line is broken even when a field is also of the wrong type */
		"{\"kind\":{\"a\":1},\"received\":}",
		"{\"kind\":[1,2,],\"received\":\"2026-01-15T10:00\"}",
		"{\"kind\":{\"a\" 1},\"received\":\"2026-01-15T10:00\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i], "", NOT_JSON);

	/* Valid JSON, but more than the one object. */
	refused("{\"received\":\"2026-01-15T10:00\"} {}", "", NOT_ONE);
	refused("{\"received\":\"2026-01-15T10:00\"}{\"received\":\"2026-01-15T10:00\"}", "",
		NOT_ONE);
	refused("{\"received\":\"2026-01-15T10:00\"} \"x\"", "", NOT_ONE);
	refused("{\"received\":\"2026-01-15T10:00\"} []", "", NOT_ONE);
}

/* A raw control character in a string value is not JSON; the field holding it is named. */
static void control_characters(void **state)
{
	(void)state;
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":\"ac\tute\"}", "kind", NOT_JSON);
	refused("{\"received\":\"2026-01-15\n10:00\"}", "received", NOT_JSON);
	refused("{\"received\":\"2026-01-15T10:00\",\"area\":\"\x1f\"}", "area", NOT_JSON);
	/* An escaped one is JSON, just not a value we accept. */
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":\"ac\\tute\"}", "kind", KIND_VALUES);
}

/* NUL bytes inside the line (lengths given, not found by strlen). */
static void nul_bytes(void **state)
{
	(void)state;
	static const char after[] = "{\"received\":\"2026-01-15T10:00\"}\0";
	static const char after_more[] = "{\"received\":\"2026-01-15T10:00\"}\0{\"kind\":\"x\"}";
	static const char in_value[] = "{\"received\":\"2026-01-15\0T10:00\"}";
	static const char in_key[] = "{\"rece\0ived\":\"2026-01-15T10:00\"}";
	static const char between[] = "{\"received\":\"2026-01-15T10:00\",\0\"kind\":\"acute\"}";
	static const char before[] = "\0{\"received\":\"2026-01-15T10:00\"}";
	/* jansson 2.14 would skip this one, after a literal. */
	static const char after_literal[] =
		"{\"received\":\"2026-01-15T10:00\",\"stocked\":false\0,"
		"\"kind\":\"acute\"}";

	refused_n(after, sizeof(after) - 1, "", NOT_ONE);
	refused_n(after_more, sizeof(after_more) - 1, "", NOT_ONE);
	refused_n(in_value, sizeof(in_value) - 1, "", NOT_JSON);
	refused_n(in_key, sizeof(in_key) - 1, "", NOT_JSON);
	refused_n(between, sizeof(between) - 1, "", NOT_JSON);
	refused_n(before, sizeof(before) - 1, "", NOT_OBJECT);
	refused_n(after_literal, sizeof(after_literal) - 1, "", NOT_JSON);
	/* The length is what counts, not a terminating NUL: a prefix is a truncated line. */
	refused_n(after, 20, "", NOT_JSON);
	parse_n(after, sizeof(after) - 2);
}

static void too_many_tokens(void **state)
{
	(void)state;
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\",\"kind\":[");
	for (int i = 0; i < 100; i++)
		buf_adds(&b, i ? ",0" : "0");
	buf_adds(&b, "]}");
	refused_n(b.data, b.len, "", TOO_MANY);
	buf_reset(&b);
	for (int i = 0; i < 100; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < 100; i++)
		buf_addc(&b, ']');
	refused_n(b.data, b.len, "", TOO_MANY);
	buf_release(&b);

	/* 60 tokens are within the limit: the type is reported. */
	buf_init(&b, 0);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\",\"kind\":[");
	for (int i = 0; i < 56; i++)
		buf_adds(&b, i ? ",0" : "0");
	buf_adds(&b, "]}");
	refused_n(b.data, b.len, "kind", WRONG_TYPE("kind"));
	buf_release(&b);
}

static void line_over_int_max(void **state)
{
	(void)state;
	static const char s[] = "{\"received\":\"2026-01-15T10:00\"}";
	struct order_facts f;
	struct lmn_err err;

	/* Refused on its length alone, before a byte is read. */
	lmn_err_clear(&err);
	assert_int_equal(facts_json_parse(s, (size_t)INT_MAX + 1, &f, &err), LMN_EINVAL);
	assert_string_equal(err.field, "");
	assert_string_equal(err.message, TOO_LONG);
	parse_n(s, sizeof(s) - 1);
}

/* ---- Fields: duplicates, unknown names, types, values ---- */

static void duplicates(void **state)
{
	(void)state;
	refused("{\"received\":\"2026-01-15T10:00\",\"received\":\"2026-01-15T10:00\"}", "received",
		TWICE("received"));
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":\"acute\",\"kind\":\"normal\"}",
		"kind", TWICE("kind"));
	refused("{\"kind\":null,\"received\":\"2026-01-15T10:00\",\"kind\":\"acute\"}", "kind",
		TWICE("kind"));
	refused("{\"received\":\"2026-01-15T10:00\",\"stocked\":true,\"stocked\":true}", "stocked",
		TWICE("stocked"));
	refused("{\"received\":\"2026-01-15T10:00\",\"special\":true,\"\\u0073pecial\":false}",
		"special", TWICE("special"));
	refused("{\"received\":\"2026-01-15T10:00\",\"entered_by\":\"patient\",\"area\":\"nutrition\","
		"\"entered_by\":\"patient\"}",
		"entered_by", TWICE("entered_by"));
}

static void unknown_fields(void **state)
{
	(void)state;
	char line[256];
	char name[64];

	refused("{\"received\":\"2026-01-15T10:00\",\"foo\":1}", "foo", UNKNOWN);
	refused("{\"foo\":1}", "foo", UNKNOWN); /* before the missing received */
	refused("{\"received\":\"2026-01-15T10:00\",\"Received\":\"x\"}", "Received", UNKNOWN);
	refused("{\"received \":\"2026-01-15T10:00\"}", "received ", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"kind \":\"acute\"}", "kind ", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"due\":\"2026-01-21\"}", "due", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"requestedBy\":\"patient\"}", "requestedBy",
		UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"\":1}", "", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"extra\":{\"kind\":\"acute\"}}", "extra",
		UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"\xc3\xa5\":true}", "\xc3\xa5", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"\\u00e5\":true}", "\xc3\xa5", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"a\\\"b\":true}", "a\"b", UNKNOWN);
	/* A long name is cut to 40 bytes. */
	memset(name, 'n', 60);
	name[60] = '\0';
	snprintf(line, sizeof(line), "{\"received\":\"2026-01-15T10:00\",\"%s\":1}", name);
	name[40] = '\0';
	refused(line, name, UNKNOWN);
}

static void wrong_types(void **state)
{
	(void)state;
	static const char *const strings[] = { "kind", "requested_by", "entered_by", "area" };
	static const char *const flags[] = { "stocked", "acute_assortment", "special" };
	static const char *const not_strings[] = { "1", "0", "-0.5e3", "true", "false" };
	static const char *const not_flags[] = { "\"true\"", "\"false\"", "1",
						 "0",	     "\"yes\"",	  "\"\"" };
	static const char *const containers[] = { "{}", "[]", "{\"a\":[1,{\"b\":null}]}",
						  "[\"acute\"]", "[[[]]]" };
	char line[256], field[32], msg[128];

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		snprintf(field, sizeof(field), "%s", strings[i]);
		for (size_t k = 0; k < sizeof(not_strings) / sizeof(not_strings[0]); k++) {
			snprintf(line, sizeof(line),
				 "{\"received\":\"2026-01-15T10:00\",\"%s\":%s}", field,
				 not_strings[k]);
			snprintf(msg, sizeof(msg), "Fältet \"%s\" ska vara en sträng.", field);
			refused(line, field, msg);
		}
		for (size_t k = 0; k < sizeof(containers) / sizeof(containers[0]); k++) {
			snprintf(line, sizeof(line),
				 "{\"%s\":%s,\"received\":\"2026-01-15T10:00\"}", field,
				 containers[k]);
			snprintf(msg, sizeof(msg), "Fältet \"%s\" har fel typ.", field);
			refused(line, field, msg);
		}
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		snprintf(field, sizeof(field), "%s", flags[i]);
		for (size_t k = 0; k < sizeof(not_flags) / sizeof(not_flags[0]); k++) {
			snprintf(line, sizeof(line),
				 "{\"received\":\"2026-01-15T10:00\",\"%s\":%s}", field,
				 not_flags[k]);
			snprintf(msg, sizeof(msg), "Fältet \"%s\" ska vara true eller false.",
				 field);
			refused(line, field, msg);
		}
		for (size_t k = 0; k < sizeof(containers) / sizeof(containers[0]); k++) {
			snprintf(line, sizeof(line),
				 "{\"received\":\"2026-01-15T10:00\",\"%s\":%s}", field,
				 containers[k]);
			snprintf(msg, sizeof(msg), "Fältet \"%s\" har fel typ.", field);
			refused(line, field, msg);
		}
	}
	/* The literal messages, once, against the helpers above. */
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":1}", "kind", NOT_STRING("kind"));
	refused("{\"received\":\"2026-01-15T10:00\",\"special\":\"true\"}", "special",
		NOT_BOOL("special"));
	refused("{\"received\":\"2026-01-15T10:00\",\"area\":{}}", "area", WRONG_TYPE("area"));
	/* The first field at fault is the one named. */
	refused("{\"received\":\"2026-01-15T10:00\",\"stocked\":1,\"kind\":1}", "stocked",
		NOT_BOOL("stocked"));
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":1,\"stocked\":1}", "kind",
		NOT_STRING("kind"));
	refused("{\"received\":\"nope\",\"kind\":1}", "received", BAD_TIME);
}

static void bad_values(void **state)
{
	(void)state;
	static const char *const kinds[] = { "urgent", "Acute", "ACUTE", " acute",  "acute ",
					     "",       "akut",	"norma", "normall", "express\\n" };
	static const char *const roles[] = {
		"doctor", "Patient",	     "municipal prescriber", "municipal-prescriber",
		"",	  "customer_servic", "patient,prescriber",   "förskrivare"
	};
	static const char *const areas[] = { "Nutrition", "inkontinens", "nutrition ",
					     "",	  "both",	 "n\\u00e5" };
	char line[256];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(line, sizeof(line), "{\"received\":\"2026-01-15T10:00\",\"kind\":\"%s\"}",
			 kinds[i]);
		refused(line, "kind", KIND_VALUES);
	}
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"received\":\"2026-01-15T10:00\",\"requested_by\":\"%s\"}", roles[i]);
		refused(line, "requested_by", ROLE_VALUES("requested_by"));
		snprintf(line, sizeof(line),
			 "{\"received\":\"2026-01-15T10:00\",\"entered_by\":\"%s\"}", roles[i]);
		refused(line, "entered_by", ROLE_VALUES("entered_by"));
	}
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		snprintf(line, sizeof(line), "{\"received\":\"2026-01-15T10:00\",\"area\":\"%s\"}",
			 areas[i]);
		refused(line, "area", AREA_VALUES);
	}
}

/* Escapes are decoded before a value is compared; an escaped quote is part of the text. */
static void escapes(void **state)
{
	(void)state;
	struct order_facts f;

	f = parse("{\"received\":\"2026-01-15T10:00\",\"kind\":\"\\u0061cute\",\"area\":"
		  "\"nutri\\u0074ion\",\"requested_by\":\"customer\\u005fservice\"}");
	assert_int_equal(f.kind, KIND_ACUTE);
	assert_int_equal(f.area, T_NUTRITION);
	assert_int_equal(f.requested_by, ROLE_CUSTOMER_SERVICE);
	assert_int_equal(f.entered_by, ROLE_CUSTOMER_SERVICE);
	f = parse("{\"rec\\u0065ived\":\"2026-01-15T10:00\",\"\\u006bind\":\"express\"}");
	assert_int_equal(f.received_day, D(2026, 1, 15));
	assert_int_equal(f.kind, KIND_EXPRESS);
	/* An escaped Z is still an offset. */
	f = parse("{\"received\":\"2026-01-15T10:00\\u005a\"}");
	assert_int_equal(f.received_sec, T(11, 0, 0));
	f = parse("{\"received\":\"2026\\u002d01-15T10:00\\u002b01:00\"}");
	assert_int_equal(f.received_sec, T(10, 0, 0));
}

static void escapes_refused(void **state)
{
	(void)state;
	static const char *const kinds[] = {
		"\\u0041cute", /* Acute */
		"a\\\"cute",   /* a"cute */
		"acute\\\\",   /* acute\ */
		"\\/acute",    /* /acute */
		"acut\\u00e9", /* acuté */
		"\\u0000",     /* NUL: valid JSON, matches nothing */
		"acute\\u0000",
		"\\ud83d\\ude00", /* a surrogate pair */
		"\\u00e5\\u00e4\\u00f6",
	};
	char line[256];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(line, sizeof(line), "{\"received\":\"2026-01-15T10:00\",\"kind\":\"%s\"}",
			 kinds[i]);
		refused(line, "kind", KIND_VALUES);
	}
	refused("{\"received\":\"2026-01-15T10:00\\u0000\"}", "received", BAD_TIME);
	refused("{\"received\":\"2026-01-15T10:00\",\"area\":\"nutrition\\u0000\"}", "area",
		AREA_VALUES);
	refused("{\"received\":\"2026-01-15T10:00\",\"k\\u0000\":1}", "k", UNKNOWN);
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":{\"a\":\"\\u0000\"}}", "kind",
		WRONG_TYPE("kind"));
	/* A lone surrogate is not valid JSON text; the field it is in is named. */
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":\"\\ud800\"}", "kind", NOT_JSON);
	refused("{\"received\":\"2026-01-15T10:00\",\"kind\":\"\\udc00x\"}", "kind", NOT_JSON);
}

/* Long strings are refused as values, never cut to fit. */
static void long_strings(void **state)
{
	(void)state;
	struct buf b;
	struct order_facts f;

	buf_init(&b, 0);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\",\"kind\":\"acute");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, 'e');
	buf_adds(&b, "\"}");
	refused_n(b.data, b.len, "kind", KIND_VALUES);

	/* Long with escapes: decoded text beyond any accepted value. */
	buf_reset(&b);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\",\"kind\":\"");
	for (int i = 0; i < 200; i++)
		buf_adds(&b, "\\u0061");
	buf_adds(&b, "\"}");
	refused_n(b.data, b.len, "kind", KIND_VALUES);
	buf_reset(&b);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\",\"area\":\"nutrition");
	for (int i = 0; i < 100; i++)
		buf_adds(&b, "\\\"");
	buf_adds(&b, "\"}");
	refused_n(b.data, b.len, "area", AREA_VALUES);

	buf_reset(&b);
	buf_adds(&b, "{\"received\":\"");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\"}");
	refused_n(b.data, b.len, "received", BAD_TIME);

	/* Any number of fraction digits is truncated, not refused. */
	buf_reset(&b);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00:07.");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, '9');
	buf_adds(&b, "Z\"}");
	f = parse_n(b.data, b.len);
	assert_int_equal(f.received_day, D(2026, 1, 15));
	assert_int_equal(f.received_sec, T(11, 0, 7));

	/* A long unknown name: refused and cut to 40 bytes. */
	buf_reset(&b);
	buf_adds(&b, "{\"received\":\"2026-01-15T10:00\",\"");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, 'k');
	buf_adds(&b, "\":1}");
	refused_n(b.data, b.len, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", UNKNOWN);
	assert_false(b.failed);
	buf_release(&b);
}

/* ---- Writers: the exact answer lines ---- */

static void assert_buf(const struct buf *b, const char *want)
{
	assert_false(b->failed);
	assert_non_null(b->data);
	assert_int_equal(b->len, strlen(b->data)); /* no NUL inside */
	assert_string_equal(b->data, want);
}

static void write_decision_made_up(void **state)
{
	(void)state;
	struct param_source b31 = { .ref = "B3:1@2018-05-01" }, b36 = { .ref = "B3:6@2018-05-01" },
			    ord = { .ref = "ordering@2024-10-24" };
	struct delivery_decision d;
	struct buf b;

	memset(&d, 0, sizeof(d));
	d.code = DELIVERY_OK;
	d.due = D(2026, 12, 30);
	d.contact_from = D(2027, 1, 5);
	d.rules[0] = &b31;
	d.rules[1] = &b36;
	d.rules[2] = &ord;
	d.nrules = 3;
	buf_init(&b, 0);
	facts_json_write_decision(&b, &d);
	assert_buf(&b, "{\"due\":\"2026-12-30\",\"contact_from\":\"2027-01-05\",\"rules\":"
		       "[\"B3:1@2018-05-01\",\"B3:6@2018-05-01\",\"ordering@2024-10-24\"]}\n");

	/* Exempt from delay contact: null, not a date. */
	buf_reset(&b);
	d.contact_from = LMN_DAY_NONE;
	d.nrules = 1;
	facts_json_write_decision(&b, &d);
	assert_buf(
		&b,
		"{\"due\":\"2026-12-30\",\"contact_from\":null,\"rules\":[\"B3:1@2018-05-01\"]}\n");

	/* No rules, and appended after what the buffer holds. */
	buf_reset(&b);
	buf_adds(&b, "{}\n");
	d.due = D(2000, 2, 29);
	d.contact_from = D(1999, 12, 31);
	d.nrules = 0;
	facts_json_write_decision(&b, &d);
	assert_buf(&b,
		   "{}\n{\"due\":\"2000-02-29\",\"contact_from\":\"1999-12-31\",\"rules\":[]}\n");
	buf_release(&b);
}

static void write_refusal_made_up(void **state)
{
	(void)state;
	struct param_source src = { .ref = "B3:3@2020-01-30", .effective = D(2020, 1, 30) };
	struct rule_set rs;
	struct order_facts f;
	struct delivery_decision d;
	struct buf b;

	memset(&rs, 0, sizeof(rs));
	for (int i = 0; i < P__COUNT; i++)
		rs.src[i] = &src;
	rs.v[P_EXPRESS_OFFERED].b = false;
	order_facts_init(&f);
	f.kind = KIND_EXPRESS;
	memset(&d, 0, sizeof(d));
	d.code = DELIVERY_KIND_NOT_OFFERED;
	d.rs = &rs;
	d.refused_by = P_EXPRESS_OFFERED;
	d.facts = &f;
	d.due = LMN_DAY_NONE;
	d.contact_from = LMN_DAY_NONE;
	buf_init(&b, 0);
	buf_adds(&b, "x");
	facts_json_write_decision(&b, &d);
	assert_buf(&b,
		   "x{\"error\":{\"code\":\"kind_not_offered\",\"rule\":\"B3:3@2020-01-30\","
		   "\"message\":\"Expressleverans erbjuds inte (gäller från 2020-01-30). Välj akut "
		   "leverans, som levereras nästa arbetsdag.\"}}\n");
	buf_release(&b);
}

/* Parse, decide with data/rules and write: the answer lines README.md and the golden cases show. */
static void answer(const char *line, const char *want)
{
	struct order_facts f = parse(line);
	struct delivery_decision d;
	struct lmn_err err;
	struct buf b;
	enum lmn_rc rc;

	rc = delivery_decide(&rules, &f, &d, &err);
	if (rc != LMN_OK && rc != LMN_EREFUSED)
		fail_msg("%s: %s", line, err.message);
	buf_init(&b, 0);
	facts_json_write_decision(&b, &d);
	if (b.failed || !b.data || strcmp(b.data, want) != 0)
		fail_msg("%s:\n  got      %s  expected %s", line, b.data ? b.data : "(nothing)\n",
			 want);
	buf_release(&b);
}

static void write_decision_with_rules(void **state)
{
	(void)state;
	answer("{\"received\":\"2026-12-22T10:15\"}",
	       "{\"due\":\"2026-12-30\",\"contact_from\":\"2027-01-05\",\"rules\":[\"B3:1@2018-05-01\","
	       "\"B3:6@2018-05-01\",\"ordering@2024-10-24\"]}\n");
	answer("{\"received\":\"2023-06-21T10:00\",\"special\":true,\"stocked\":false}",
	       "{\"due\":\"2023-06-28\",\"contact_from\":null,\"rules\":[\"B3:1@2018-05-01\","
	       "\"B3:6@2023-06-21\",\"ordering@2018-05-01\"]}\n");
	answer("{\"received\":\"2026-11-24T12:59:59Z\",\"kind\":\"acute\",\"requested_by\":"
	       "\"prescriber\",\"entered_by\":\"customer_service\",\"acute_assortment\":true}",
	       "{\"due\":\"2026-11-25\",\"contact_from\":\"2026-12-02\",\"rules\":[\"B3:3@2018-05-01\","
	       "\"B3:3@2020-01-30\",\"B3:6@2018-05-01\",\"ordering@2024-10-24\"]}\n");
	answer("{\"received\":\"2020-01-30T10:00\",\"kind\":\"express\",\"requested_by\":"
	       "\"prescriber\",\"area\":\"nutrition\"}",
	       "{\"error\":{\"code\":\"kind_not_offered\",\"rule\":\"B3:3@2020-01-30\",\"message\":"
	       "\"Expressleverans erbjuds inte (gäller från 2020-01-30). Välj akut leverans, som "
	       "levereras nästa arbetsdag.\"}}\n");
	answer("{\"received\":\"2024-10-24T08:00\",\"requested_by\":\"prescriber\"}",
	       "{\"error\":{\"code\":\"entry_not_allowed\",\"rule\":\"ordering@2024-10-24\","
	       "\"message\":\"Rollen förskrivare får inte registrera uttag (gäller från 2024-10-24). "
	       "Förskrivaren kan kontakta kundtjänst, som registrerar uttaget. Uttag registreras av: "
	       "patient, kommunal förskrivare, kommunal beställare eller kundtjänst.\"}}\n");
	answer("{\"received\":\"2020-01-29T14:00\",\"kind\":\"express\",\"requested_by\":"
	       "\"prescriber\",\"area\":\"nutrition\"}",
	       "{\"error\":{\"code\":\"after_cutoff\",\"rule\":\"B3:3@2018-05-01\",\"message\":"
	       "\"Expressbeställningen måste nå distributören före kl. 14:00 en arbetsdag. Välj akut "
	       "leverans i stället.\"}}\n");
	answer("{\"received\":\"2020-01-30T10:00\",\"kind\":\"acute\",\"acute_assortment\":true}",
	       "{\"error\":{\"code\":\"requester_not_allowed\",\"rule\":\"B3:3@2020-01-30\","
	       "\"message\":\"Akut leverans kan enbart begäras av förskrivare eller kommunal "
	       "förskrivare, inte av patient (gäller från 2020-01-30).\"}}\n");
}

static void invalid_line(struct lmn_err *e, long line, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	facts_json_write_invalid(&b, line, e);
	assert_buf(&b, want);
	buf_release(&b);
}

static void write_invalid(void **state)
{
	(void)state;
	struct lmn_err e;
	char want[256];

	assert_int_equal(lmn_err_set(&e, LMN_EINVAL, "kind", NULL, "%s", KIND_VALUES), LMN_EINVAL);
	invalid_line(&e, 20,
		     "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":\"kind\","
		     "\"message\":\"Fältet \\\"kind\\\" ska vara normal, acute eller express.\","
		     "\"line\":20}}\n");
	/* No field: null. */
	assert_int_equal(lmn_err_set(&e, LMN_EINVAL, "", NULL, "%s", NOT_JSON), LMN_EINVAL);
	invalid_line(&e, 16,
		     "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":null,"
		     "\"message\":\"Raden är inte giltig JSON.\",\"line\":16}}\n");
	assert_int_equal(lmn_err_set(&e, LMN_EINVAL, NULL, NULL, "%s", NOT_OBJECT), LMN_EINVAL);
	invalid_line(&e, 1,
		     "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":null,"
		     "\"message\":\"Raden ska vara ett JSON-objekt.\",\"line\":1}}\n");
	/* Line numbers beyond 32 bits. */
	snprintf(want, sizeof(want),
		 "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,"
		 "\"field\":null,\"message\":\"x\",\"line\":%ld}}\n",
		 LONG_MAX);
	assert_int_equal(lmn_err_set(&e, LMN_EINVAL, "", NULL, "x"), LMN_EINVAL);
	invalid_line(&e, LONG_MAX, want);
	/* Field and message are JSON-escaped, bad UTF-8 replaced. */
	assert_int_equal(lmn_err_set(&e, LMN_EINVAL, "a\"b\\c\x01", NULL,
				     "tab\there\nnl \"q\" \xff"),
			 LMN_EINVAL);
	invalid_line(&e, 3,
		     "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":"
		     "\"a\\\"b\\\\c\\u0001\",\"message\":\"tab\\u0009here\\u000anl \\\"q\\\" "
		     "\\ufffd\",\"line\":3}}\n");
}

/* Parse a refused line, write its error: the field the parser names reaches the answer intact. */
static void parse_then_write_invalid(void **state)
{
	(void)state;
	struct order_facts f;
	struct lmn_err err;
	char line[256], key[64];
	const char *s;

	s = "{\"received\":\"2026-01-15T10:00\",\"a\\\"\\\\b\":1}";
	assert_int_equal(facts_json_parse(s, strlen(s), &f, &err), LMN_EINVAL);
	invalid_line(&err, 7,
		     "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":"
		     "\"a\\\"\\\\b\",\"message\":\"" UNKNOWN "\",\"line\":7}}\n");

	/* 39 bytes and an å cut in half at 40: the half is replaced, the answer stays UTF-8. */
	memset(key, 'k', 39);
	memcpy(key + 39, "\xc3\xa5", 3);
	snprintf(line, sizeof(line), "{\"received\":\"2026-01-15T10:00\",\"%s\":1}", key);
	assert_int_equal(facts_json_parse(line, strlen(line), &f, &err), LMN_EINVAL);
	invalid_line(&err, 2,
		     "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":"
		     "\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\\ufffd\",\"message\":\"" UNKNOWN
		     "\",\"line\":2}}\n");
}

/* ---- eval_stream: the same answers from a file and from a pipe ---- */

/* Runs eval_stream over in[0, n) from a temporary file, or from a pipe fed in small pieces by a
 * child process that pauses after the first pause_at bytes; returns the output (caller frees). */
static char *eval_text(const char *in, size_t n, bool pipe_in, size_t pause_at,
		       struct eval_stats *st)
{
	FILE *fin = NULL, *fout = tmpfile();
	int fds[2] = { -1, -1 }, in_fd;
	pid_t child = -1;
	struct lmn_err err;
	struct buf out;
	char chunk[4096];
	size_t got;

	assert_non_null(fout);
	if (pipe_in) {
		assert_int_equal(pipe(fds), 0);
		child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			close(fds[0]);
			for (size_t at = 0, k; at < n; at += k) {
				k = n - at < 1000 ? n - at : 1000;
				if (at < pause_at && at + k > pause_at)
					k = pause_at - at;
				/* Let the reader see the first piece without the rest. */
				if (at == pause_at)
					usleep(100 * 1000);
				if (write(fds[1], in + at, k) != (ssize_t)k)
					_exit(1);
			}
			_exit(0);
		}
		close(fds[1]);
		in_fd = fds[0];
	} else {
		fin = tmpfile();
		assert_non_null(fin);
		assert_int_equal(fwrite(in, 1, n, fin), n);
		assert_int_equal(fflush(fin), 0);
		rewind(fin);
		in_fd = fileno(fin);
	}
	if (eval_stream(&rules, in_fd, fileno(fout), EVAL_FULL, st, &err) != LMN_OK)
		fail_msg("eval_stream: %s", err.message);
	if (pipe_in) {
		int status;
		close(fds[0]);
		assert_int_equal(waitpid(child, &status, 0), child);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	} else {
		fclose(fin);
	}
	rewind(fout);
	buf_init(&out, 0);
	while ((got = fread(chunk, 1, sizeof(chunk), fout)) > 0)
		buf_add(&out, chunk, got);
	fclose(fout);
	assert_false(out.failed);
	return buf_detach(&out, NULL);
}

static void stream_mixed(void **state)
{
	(void)state;
	static const char in[] =
		"{\"received\":\"2026-12-22T10:15\"}\n"
		"\n"
		"not json\n"
		"{\"received\":\"2020-01-30T10:00\",\"kind\":\"express\",\"requested_by\":"
		"\"prescriber\"}\r\n"
		"{\"received\":\"2026-11-24T10:00\",\"kind\":\"urgent\"}\n"
		"{\"received\":\"2023-06-21T10:00\",\"special\":true}";
	static const char want[] =
		"{\"due\":\"2026-12-30\",\"contact_from\":\"2027-01-05\",\"rules\":[\"B3:1@2018-05-01\","
		"\"B3:6@2018-05-01\",\"ordering@2024-10-24\"]}\n"
		"{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":null,\"message\":"
		"\"Raden ska vara ett JSON-objekt.\",\"line\":2}}\n"
		"{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":null,\"message\":"
		"\"Raden är inte giltig JSON.\",\"line\":3}}\n"
		"{\"error\":{\"code\":\"kind_not_offered\",\"rule\":\"B3:3@2020-01-30\",\"message\":"
		"\"Expressleverans erbjuds inte (gäller från 2020-01-30). Välj akut leverans, som "
		"levereras nästa arbetsdag.\"}}\n"
		"{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":\"kind\",\"message\":"
		"\"Fältet \\\"kind\\\" ska vara normal, acute eller express.\",\"line\":5}}\n"
		"{\"due\":\"2023-06-28\",\"contact_from\":null,\"rules\":[\"B3:1@2018-05-01\","
		"\"B3:6@2023-06-21\",\"ordering@2018-05-01\"]}\n";
	struct eval_stats st;

	for (int p = 0; p < 2; p++) {
		char *out = eval_text(in, sizeof(in) - 1, p, 40, &st);
		assert_string_equal(out, want);
		assert_int_equal(st.lines, 6);
		assert_int_equal(st.ok, 2);
		assert_int_equal(st.refused, 1);
		assert_int_equal(st.invalid, 3);
		free(out);
	}
}

/* A valid object padded with spaces to len bytes, then a newline and a short line. */
static char *padded_lines(size_t len, size_t *n)
{
	static const char head[] = "{\"received\":\"2026-12-22T10:15\"";
	static const char next[] = "\n{\"received\":\"2026-12-22T10:15\",\"kind\":1}\n";
	char *s = malloc(len + sizeof(next));

	assert_non_null(s);
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, ' ', len - sizeof(head));
	s[len - 1] = '}';
	memcpy(s + len, next, sizeof(next));
	*n = len + sizeof(next) - 1;
	return s;
}

/* Lines up to EVAL_MAX_LINE bytes are answered, longer ones refused: from a file, which is read
 * in one go, exactly as from a pipe, which delivers a line in pieces and its newline later. */
static void stream_line_limit(void **state)
{
	(void)state;
	static const char ok[] = "{\"due\":\"2026-12-30\",";
	static const char too_long[] =
		"{\"error\":{\"code\":\"invalid_input\",\"rule\":null,"
		"\"field\":null,\"message\":\"Raden är för lång (högst 65536 "
		"byte).\",\"line\":1}}\n";
	static const char second[] =
		"{\"error\":{\"code\":\"invalid_input\",\"rule\":null,"
		"\"field\":\"kind\",\"message\":\"Fältet \\\"kind\\\" ska vara en "
		"sträng.\",\"line\":2}}\n";
	static const size_t lens[] = { EVAL_MAX_LINE - 1,    EVAL_MAX_LINE,	EVAL_MAX_LINE + 1,
				       EVAL_MAX_LINE + 1000, 3 * EVAL_MAX_LINE, (size_t)3 << 20 };
	struct eval_stats st;

	assert_int_equal(EVAL_MAX_LINE, 65536); /* the message above says so */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n;
		char *in = padded_lines(lens[i], &n);
		for (int p = 0; p < 2; p++) {
			char *out = eval_text(in, n, p, lens[i], &st);
			char *nl = strchr(out, '\n');
			assert_non_null(nl);
			if (lens[i] <= EVAL_MAX_LINE) {
				if (strncmp(out, ok, sizeof(ok) - 1) != 0)
					fail_msg("%zu-byte line from a %s: %s", lens[i],
						 p ? "pipe" : "file", out);
			} else if (strncmp(out, too_long, sizeof(too_long) - 1) != 0) {
				fail_msg("%zu-byte line from a %s: %s", lens[i],
					 p ? "pipe" : "file", out);
			}
			assert_string_equal(nl + 1, second);
			assert_int_equal(st.lines, 2);
			assert_int_equal(st.invalid, lens[i] <= EVAL_MAX_LINE ? 1 : 2);
			free(out);
		}
		free(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(no_state_between_lines),
		cmocka_unit_test(every_kind),
		cmocka_unit_test(every_role),
		cmocka_unit_test(every_area_and_flag),
		cmocka_unit_test(whitespace),
		cmocka_unit_test(received_local),
		cmocka_unit_test(received_offsets),
		cmocka_unit_test(received_spring_forward),
		cmocka_unit_test(received_fall_back),
		cmocka_unit_test(received_malformed),
		cmocka_unit_test(received_missing_or_mistyped),
		cmocka_unit_test(not_an_object),
		cmocka_unit_test(broken_syntax),
		cmocka_unit_test(control_characters),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(too_many_tokens),
		cmocka_unit_test(line_over_int_max),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(unknown_fields),
		cmocka_unit_test(wrong_types),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(escapes),
		cmocka_unit_test(escapes_refused),
		cmocka_unit_test(long_strings),
		cmocka_unit_test(write_decision_made_up),
		cmocka_unit_test(write_refusal_made_up),
		cmocka_unit_test(write_decision_with_rules),
		cmocka_unit_test(write_invalid),
		cmocka_unit_test(parse_then_write_invalid),
		cmocka_unit_test(stream_mixed),
		cmocka_unit_test(stream_line_limit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
