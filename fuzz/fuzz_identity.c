/* libFuzzer target for identity numbers (core/identity.h): arbitrary bytes through identity_parse
 * on a few days, and every accepted number checked against what identity.h promises. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *s, size_t n)
{
	fprintf(stderr, "fuzz_identity: %s: input '%.*s' (%zu bytes)\n", what, (int)n, s, n);
	abort();
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The Luhn sum over all ten digits YYMMDDNNNC is a multiple of ten. */
static bool luhn_ok(const char *d)
{
	int sum = 0;

	for (int i = 0; i < 10; i++) {
		int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v / 10 + v % 10;
	}
	return sum % 10 == 0;
}

/* Parses an exact-size copy (not NUL-terminated), so that ASan sees a read past the end. */
static enum lmn_rc parse(const char *s, size_t n, lmn_day today, struct identity *id,
			 struct lmn_err *err)
{
	char *copy = malloc(n ? n : 1);
	enum lmn_rc rc;

	if (!copy)
		die("malloc failed", "", 0);
	if (n)
		memcpy(copy, s, n);
	lmn_err_clear(err);
	rc = identity_parse(copy, n, today, id, err);
	free(copy);
	return rc;
}

static bool same(const struct identity *a, const struct identity *b)
{
	return a->kind == b->kind && strcmp(a->canonical, b->canonical) == 0 &&
	       a->birth == b->birth && a->sex == b->sex;
}

/* Reparses another spelling of an accepted number; it must give the same identity. */
static void reparse(const char *form, size_t n, lmn_day today, const struct identity *id,
		    const char *what, const char *s, size_t sn)
{
	struct identity again;
	struct lmn_err err;

	if (parse(form, n, today, &again, &err) != LMN_OK) {
		fprintf(stderr, "fuzz_identity: '%.*s' refused: %s\n", (int)n, form, err.message);
		die(what, s, sn);
	}
	if (!same(id, &again)) {
		fprintf(stderr, "fuzz_identity: '%.*s' gives %s, not %s\n", (int)n, form,
			again.canonical, id->canonical);
		die(what, s, sn);
	}
}

static void check_accepted(const char *s, size_t n, lmn_day today, const struct identity *id)
{
	const char *c = id->canonical;
	char shown[16], trimmed[16], bare[16];
	size_t tn = 0, bn = 0, lo = 0, hi = n;
	int y, m, d, age;
	lmn_day birth;

	if (memchr(c, '\0', sizeof(id->canonical)) == NULL || strlen(c) != 12)
		die("canonical form is not 12 characters", s, n);
	if (id->birth > today)
		die("birth after today", s, n);
	y = num(c, 4);
	m = num(c + 4, 2);
	d = num(c + 6, 2);
	if (!digits(c, 8))
		die("canonical date is not digits", s, n);
	switch (id->kind) {
	case ID_PERSONNUMMER:
	case ID_SAMORDNINGSNUMMER:
		if (!digits(c, 12))
			die("canonical number is not 12 digits", s, n);
		if (!luhn_ok(c + 2))
			die("check digit does not hold", s, n);
		if (id->kind == ID_SAMORDNINGSNUMMER) {
			if (d < 61 || d > 91)
				die("samordningsnummer day outside 61-91", s, n);
			d -= 60;
		} else if (d < 1 || d > 31) {
			die("personnummer day outside 1-31", s, n);
		}
		if (id->sex != ((c[10] - '0') % 2 ? 1 : 2))
			die("sex is not the parity of the second-last digit", s, n);
		break;
	case ID_RESERVE:
		if (c[8] < 'A' || c[8] > 'Z' || !digits(c + 9, 3))
			die("reserve number is not YYYYMMDDXNNN", s, n);
		if (id->sex != 0)
			die("reserve number with a sex", s, n);
		break;
	default:
		die("unknown kind", s, n);
	}
	if (!date_valid_ymd(y, m, d))
		die("canonical date does not exist", s, n);
	birth = date_from_ymd(y, m, d);
	if (birth != id->birth)
		die("birth differs from the canonical date", s, n);
	if (strcmp(identity_kind_name(id->kind), "?") == 0)
		die("kind without a name", s, n);

	/* What was typed, without the surrounding blanks and the separator, is the canonical number
	 * or its last ten characters. */
	while (lo < hi && (s[lo] == ' ' || s[lo] == '\t'))
		lo++;
	while (hi > lo && (s[hi - 1] == ' ' || s[hi - 1] == '\t'))
		hi--;
	if (hi - lo < 10 || hi - lo > 13)
		die("accepted a length outside 10-13", s, n);
	tn = hi - lo;
	memcpy(trimmed, s + lo, tn);
	for (size_t i = 0; i < tn; i++)
		if (trimmed[i] != '-' && trimmed[i] != '+')
			bare[bn++] = trimmed[i];
	if (bn == 10 && id->kind != ID_RESERVE) {
		if (memcmp(bare, c + 2, 10) != 0)
			die("digits differ from the canonical number", s, n);
	} else if (bn != 12 || memcmp(bare, c, 12) != 0) {
		die("characters differ from the canonical number", s, n);
	}
	if (tn - bn > 1)
		die("more than one separator", s, n);

	/* Normalising is idempotent: the canonical and the display form give the same identity. */
	reparse(c, 12, today, id, "canonical form", s, n);
	identity_format(id, shown);
	if (strlen(shown) != 13 || shown[8] != '-' || memcmp(shown, c, 8) != 0 ||
	    memcmp(shown + 9, c + 8, 4) != 0)
		die("display form is not YYYYMMDD-NNNC", s, n);
	reparse(shown, 13, today, id, "display form", s, n);
	{
		char padded[20];

		padded[0] = '\t';
		padded[1] = ' ';
		memcpy(padded + 2, shown, 13);
		padded[15] = ' ';
		reparse(padded, 16, today, id, "display form with blanks", s, n);
	}

	/* The ten-digit forms: '-' under 100 years of age, '+' from 100 (identity.h). */
	age = identity_age_on(id, today);
	if (age < 0)
		die("negative age", s, n);
	if (id->kind != ID_RESERVE && age < 200) {
		char shortf[11];

		memcpy(shortf, c + 2, 6);
		shortf[6] = age < 100 ? '-' : '+';
		memcpy(shortf + 7, c + 8, 4);
		reparse(shortf, 11, today, id, "ten-digit form", s, n);
		if (age < 100)
			reparse(c + 2, 10, today, id, "ten digits without separator", s, n);
	}
}

static void one(const char *s, size_t n, lmn_day today)
{
	struct identity id;
	struct lmn_err err;
	enum lmn_rc rc = parse(s, n, today, &id, &err);

	if (rc == LMN_OK) {
		check_accepted(s, n, today, &id);
		return;
	}
	if (rc != LMN_EINVAL)
		die("refused with another code than EINVAL", s, n);
	if (strcmp(err.field, "id_number") != 0 || err.message[0] == '\0')
		die("refusal without field id_number or a message", s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Today, the first day of a century, and a leap day: the century rule of short forms. */
	static const int days[][3] = { { 2026, 11, 23 }, { 2000, 1, 1 }, { 2024, 2, 29 } };

	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		one((const char *)data, size, date_from_ymd(days[i][0], days[i][1], days[i][2]));
	return 0;
}
