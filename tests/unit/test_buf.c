/* Tests util/buf: growth, the hard size cap, formatting, detaching and JSON string escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void assert_contents(const struct buf *b, const char *want, size_t n)
{
	assert_int_equal(b->len, n);
	assert_non_null(b->data);
	assert_memory_equal(b->data, want, n);
	assert_int_equal(b->data[n], '\0');
	assert_true(b->cap > b->len);
}

static void starts_empty(void **state)
{
	(void)state;
	struct buf b;

	buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, BUF_DEFAULT_MAX); /* 0 means the default cap */
	assert_false(b.failed);
	buf_adds(&b, "abc");
	buf_addc(&b, 'd');
	buf_add(&b, "efgh", 2);
	assert_contents(&b, "abcdef", 6);
	buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, BUF_DEFAULT_MAX);
}

static void grows(void **state)
{
	(void)state;
	struct buf b;
	char want[100000];

	buf_init(&b, sizeof(want));
	for (size_t i = 0; i < sizeof(want); i++) {
		want[i] = (char)('a' + i % 26);
		buf_addc(&b, want[i]);
	}
	assert_false(b.failed);
	assert_contents(&b, want, sizeof(want));
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_add(&b, want, sizeof(want)); /* one large append from empty */
	assert_contents(&b, want, sizeof(want));
	buf_release(&b);
}

static void embedded_nul_kept(void **state)
{
	(void)state;
	struct buf b;

	buf_init(&b, 0);
	buf_add(&b, "a\0b", 3);
	buf_addc(&b, '\0');
	assert_contents(&b, "a\0b\0", 4);
	buf_release(&b);
}

static void cap_is_hard_and_failure_sticky(void **state)
{
	(void)state;
	struct buf b;

	buf_init(&b, 10);
	buf_adds(&b, "12345");
	buf_adds(&b, "67890"); /* exactly max: allowed */
	assert_false(b.failed);
	assert_contents(&b, "1234567890", 10);

	buf_addc(&b, 'x');
	assert_true(b.failed);
	assert_contents(&b, "1234567890", 10); /* nothing half-written */

	/* Sticky: even appends that would fit are refused now. */
	buf_add(&b, "", 0);
	buf_adds(&b, "");
	buf_addf(&b, "%s", "");
	assert_true(b.failed);
	assert_int_equal(buf_reserve(&b, 0), LMN_ENOMEM);
	assert_contents(&b, "1234567890", 10);

	/* A reset clears the failure; the cap still holds. */
	buf_reset(&b);
	assert_false(b.failed);
	buf_adds(&b, "abc");
	assert_contents(&b, "abc", 3);
	buf_adds(&b, "defghijk"); /* 11 > 10 */
	assert_true(b.failed);
	assert_contents(&b, "abc", 3);
	buf_release(&b);
}

static void cap_on_single_append(void **state)
{
	(void)state;
	struct buf b;

	buf_init(&b, 10);
	buf_add(&b, "0123456789x", 11);
	assert_true(b.failed);
	assert_int_equal(b.len, 0);

	buf_init(&b, 10);
	assert_int_equal(buf_reserve(&b, SIZE_MAX), LMN_ENOMEM); /* no overflow in the check */
	assert_true(b.failed);
	buf_release(&b);

	buf_init(&b, 10);
	assert_int_equal(buf_reserve(&b, 10), LMN_OK);
	assert_false(b.failed);
	assert_true(b.cap >= 11);
	buf_adds(&b, "x");
	assert_int_equal(buf_reserve(&b, SIZE_MAX - 1), LMN_ENOMEM);
	assert_true(b.failed);
	buf_release(&b);
}

static void add_int(void **state)
{
	static const int64_t values[] = { 0, 7, -7, 10, 1234567890123, INT64_MAX, INT64_MIN };
	struct buf b;
	char want[32];

	(void)state;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		buf_reset(&b);
		buf_add_int(&b, values[i]);
		snprintf(want, sizeof(want), "%lld", (long long)values[i]);
		assert_contents(&b, want, strlen(want));
	}
	buf_release(&b);
}

static void addf(void **state)
{
	(void)state;
	struct buf b;
	char zeros[601];

	buf_init(&b, 0);
	buf_addf(&b, "%s", "");
	assert_contents(&b, "", 0);
	buf_addf(&b, "%d-%s-%c", 42, "x", 'y');
	buf_addf(&b, "|%05.1f|", 2.5);
	assert_contents(&b, "42-x-y|002.5|", 13);
	buf_reset(&b);

	/* Longer than the first allocation. */
	memset(zeros, '0', 600);
	zeros[600] = '\0';
	buf_adds(&b, "ab");
	buf_addf(&b, "%0600d", 0);
	assert_int_equal(b.len, 602);
	assert_memory_equal(b.data, "ab", 2);
	assert_string_equal(b.data + 2, zeros);
	buf_release(&b);

	/* The cap applies to formatted output too. */
	buf_init(&b, 8);
	buf_addf(&b, "%d", 1234);
	buf_addf(&b, "%d", 56789);
	assert_true(b.failed);
	assert_contents(&b, "1234", 4);
	buf_release(&b);
}

static void detach(void **state)
{
	(void)state;
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 100);
	buf_adds(&b, "hello");
	p = buf_detach(&b, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 100);
	free(p);

	/* An unused buffer detaches as an empty string the caller frees. */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);

	/* Still usable, with the same cap. */
	buf_adds(&b, "again");
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "again");
	free(p);
	buf_add(&b,
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890",
		101);
	assert_true(b.failed);
	buf_release(&b);
}

/* ---- JSON strings ---- */

static struct buf jb;

static int json_setup(void **state)
{
	(void)state;
	buf_init(&jb, 0);
	return 0;
}

static int json_teardown(void **state)
{
	(void)state;
	buf_release(&jb);
	return 0;
}

static void json_is(const char *in, size_t n, const char *want)
{
	buf_reset(&jb);
	buf_add_json_string(&jb, in, n);
	assert_false(jb.failed);
	if (jb.len != strlen(want) || memcmp(jb.data, want, jb.len) != 0)
		fail_msg("escaped to [%s], expected [%s]", jb.data, want);
}

#define JSON_IS(lit, want) json_is(lit, sizeof(lit) - 1, want)

static void json_escapes(void **state)
{
	(void)state;
	JSON_IS("", "\"\"");
	JSON_IS("plain text 123", "\"plain text 123\"");
	JSON_IS("a\"b", "\"a\\\"b\"");
	JSON_IS("a\\b", "\"a\\\\b\"");
	JSON_IS("\\\"", "\"\\\\\\\"\"");
	JSON_IS("/", "\"/\"");
	JSON_IS("\n\r\t", "\"\\u000a\\u000d\\u0009\"");
	JSON_IS("\x01\x1f", "\"\\u0001\\u001f\"");
	JSON_IS("a\0b", "\"a\\u0000b\"");
	JSON_IS("\x20\x7e\x7f", "\" ~\x7f\"");
}

static void json_valid_utf8_kept(void **state)
{
	(void)state;
	JSON_IS("åäö ÅÄÖ", "\"åäö ÅÄÖ\"");
	JSON_IS("Läkemedelsnära produkter", "\"Läkemedelsnära produkter\"");
	JSON_IS("\xc2\x80", "\"\xc2\x80\"");	     /* U+0080, smallest 2-byte */
	JSON_IS("\xe0\xa0\x80", "\"\xe0\xa0\x80\""); /* U+0800, smallest 3-byte */
	JSON_IS("€", "\"€\"");
	JSON_IS("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");	     /* U+D7FF, before the surrogates */
	JSON_IS("\xee\x80\x80", "\"\xee\x80\x80\"");	     /* U+E000, after them */
	JSON_IS("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");	     /* U+FFFF */
	JSON_IS("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\""); /* U+10000 */
	JSON_IS("😀", "\"😀\"");
	JSON_IS("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF, the last */
}

#define FFFD "\\ufffd"

static void json_invalid_utf8_replaced(void **state)
{
	(void)state;
	JSON_IS("\x80", "\"" FFFD "\""); /* lone continuation byte */
	JSON_IS("a\xbf"
		"b",
		"\"a" FFFD "b\"");
	JSON_IS("\xff\xfe", "\"" FFFD FFFD "\"");
	JSON_IS("\xc3", "\"" FFFD "\""); /* truncated at the end */
	JSON_IS("\xc3"
		"a",
		"\"" FFFD "a\""); /* continuation missing */
	JSON_IS("\xe2\x82", "\"" FFFD FFFD "\"");
	JSON_IS("\xe2\x82"
		"x",
		"\"" FFFD FFFD "x\"");
	JSON_IS("\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\"");
	/* Overlong encodings. */
	JSON_IS("\xc0\xaf", "\"" FFFD FFFD "\""); /* '/' in 2 bytes */
	JSON_IS("\xc1\xbf", "\"" FFFD FFFD "\"");
	JSON_IS("\xc0\x80", "\"" FFFD FFFD "\""); /* NUL in 2 bytes */
	JSON_IS("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");
	JSON_IS("\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\""); /* U+07FF in 3 bytes */
	JSON_IS("\xf0\x80\x80\xaf", "\"" FFFD FFFD FFFD FFFD "\"");
	JSON_IS("\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\""); /* U+FFFF in 4 bytes */
	/* UTF-16 surrogates, alone or paired (CESU-8). */
	JSON_IS("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
	JSON_IS("\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"");
	JSON_IS("\xed\xa0\xbd\xed\xb8\x80", "\"" FFFD FFFD FFFD FFFD FFFD FFFD "\"");
	/* Beyond U+10FFFF, and lead bytes that never start anything. */
	JSON_IS("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	JSON_IS("\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	JSON_IS("\xf8\x88\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD FFFD "\"");
	/* A bad byte does not swallow the valid text after it. */
	JSON_IS("\xe5"
		"åäö",
		"\"" FFFD "åäö\"");
}

/* The test's own encoder: cp in len bytes (len may be longer than needed: overlong). */
static size_t encode(uint32_t cp, size_t len, unsigned char *out)
{
	static const unsigned char lead[5] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	if (len == 1) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	for (size_t i = len - 1; i > 0; i--) {
		out[i] = (unsigned char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	out[0] = (unsigned char)(lead[len] | cp);
	return len;
}

static size_t shortest(uint32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Every scalar value survives unchanged; surrogates and overlong forms become one U+FFFD a byte. */
static void json_every_code_point(void **state)
{
	(void)state;
	unsigned char in[4], want[4 * 6 + 2];

	for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
		for (size_t len = shortest(cp); len <= 4; len++) {
			size_t n = encode(cp, len, in), w = 0;
			bool valid = len == shortest(cp) && !(cp >= 0xD800 && cp <= 0xDFFF);

			want[w++] = '"';
			if (valid) {
				memcpy(want + w, in, n);
				w += n;
			} else {
				for (size_t i = 0; i < n; i++, w += 6)
					memcpy(want + w, FFFD, 6);
			}
			want[w++] = '"';
			buf_reset(&jb);
			buf_add_json_string(&jb, (const char *)in, n);
			if (jb.len != w || memcmp(jb.data, want, w) != 0)
				fail_msg("U+%04X in %zu bytes escaped wrongly", (unsigned)cp, len);
		}
	}
	/* ASCII in 2, 3 or 4 bytes is overlong too. */
	for (uint32_t cp = 0; cp < 0x80; cp++) {
		for (size_t len = 2; len <= 4; len++) {
			size_t n = encode(cp, len, in);
			buf_reset(&jb);
			buf_add_json_string(&jb, (const char *)in, n);
			assert_int_equal(jb.len, 2 + 6 * n);
		}
	}
}

static void json_respects_cap(void **state)
{
	(void)state;
	struct buf b;

	buf_init(&b, 12);
	buf_add_json_string(&b, "\x01\x02", 2); /* 2 + 12 bytes */
	assert_true(b.failed);
	assert_true(b.len <= 12);
	buf_release(&b);

	buf_init(&b, 14);
	buf_add_json_string(&b, "\x01\x02", 2);
	assert_false(b.failed);
	assert_contents(&b, "\"\\u0001\\u0002\"", 14);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_empty),
		cmocka_unit_test(grows),
		cmocka_unit_test(embedded_nul_kept),
		cmocka_unit_test(cap_is_hard_and_failure_sticky),
		cmocka_unit_test(cap_on_single_append),
		cmocka_unit_test(add_int),
		cmocka_unit_test(addf),
		cmocka_unit_test(detach),
		cmocka_unit_test_setup_teardown(json_escapes, json_setup, json_teardown),
		cmocka_unit_test_setup_teardown(json_valid_utf8_kept, json_setup, json_teardown),
		cmocka_unit_test_setup_teardown(json_invalid_utf8_replaced, json_setup,
						json_teardown),
		cmocka_unit_test_setup_teardown(json_every_code_point, json_setup, json_teardown),
		cmocka_unit_test(json_respects_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
