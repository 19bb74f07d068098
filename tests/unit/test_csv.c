/* Tests codec/csv: RFC 4180 records, quoting, line ends, byte order mark, delimiter detection, line
 * numbers, limits and errors; and a round trip of random tables written by an encoder here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/csv.h"
#include "report/render.h"
#include "util/buf.h"

#define BOM "\xEF\xBB\xBF"

struct fixture {
	struct csv_reader r;
	struct csv_record rec;
	struct lmn_err err;
};

static struct fixture *fx_new(const char *data, size_t len, char delim)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	csv_init(&f->r, data, len, delim);
	lmn_err_clear(&f->err);
	return f;
}

static void fx_free(struct fixture *f)
{
	csv_release(&f->r);
	free(f);
}

static void assert_field(const struct csv_record *rec, size_t i, const char *want)
{
	assert_true(i < rec->nfields);
	assert_int_equal(rec->fields[i].len, strlen(want));
	if (rec->fields[i].len > 0)
		assert_memory_equal(rec->fields[i].ptr, want, rec->fields[i].len);
}

/* Reads one record that must succeed and hold exactly the fields given (NULL-terminated). */
static void expect_record(struct fixture *f, long line, ...)
{
	va_list ap;
	size_t n = 0;
	const char *want;

	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_OK);
	assert_int_equal(f->rec.line, line);
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL)
		assert_field(&f->rec, n++, want);
	va_end(ap);
	assert_int_equal(f->rec.nfields, n);
}

static void expect_end(struct fixture *f)
{
	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_ENOTFOUND);
	assert_int_equal(f->r.pos, f->r.len);
	/* and it stays at the end */
	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_ENOTFOUND);
}

/* Reads one record that must be refused on line, with a message containing part. */
static void expect_error(struct fixture *f, long line, const char *part)
{
	char want[32];

	lmn_err_clear(&f->err);
	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_EINVAL);
	assert_int_equal(f->r.err_line, line);
	assert_int_equal(f->err.code, LMN_EINVAL);
	snprintf(want, sizeof(want), "rad %ld:", line);
	assert_non_null(strstr(f->err.message, want));
	assert_non_null(strstr(f->err.message, part));
}

#define FX(lit, delim) fx_new(lit, sizeof(lit) - 1, delim)

static void simple_lf(void **state)
{
	(void)state;
	struct fixture *f = FX("a;b;c\n1;2;3\n", 0);

	assert_int_equal(f->r.delim, ';');
	expect_record(f, 1, "a", "b", "c", NULL);
	/* an unquoted field points into the data: no copy */
	assert_ptr_equal(f->rec.fields[1].ptr, f->r.data + 2);
	expect_record(f, 2, "1", "2", "3", NULL);
	expect_end(f);
	fx_free(f);
}

static void line_ends(void **state)
{
	(void)state;
	struct fixture *f = FX("a,b\r\nc,d\re,f\ng,h", 0);

	assert_int_equal(f->r.delim, ',');
	expect_record(f, 1, "a", "b", NULL);
	expect_record(f, 2, "c", "d", NULL);
	expect_record(f, 3, "e", "f", NULL);
	expect_record(f, 4, "g", "h", NULL); /* no line end after the last record */
	expect_end(f);
	fx_free(f);
}

static void blank_lines_skipped_but_counted(void **state)
{
	(void)state;
	struct fixture *f = FX("\r\n\nh1;h2\r\n\r\n\n1;2\n\n", 0);

	expect_record(f, 3, "h1", "h2", NULL);
	expect_record(f, 6, "1", "2", NULL);
	expect_end(f);
	fx_free(f);
}

static void empty_input(void **state)
{
	(void)state;
	struct fixture *f = FX("", 0);

	expect_end(f);
	fx_free(f);
	f = FX(BOM, 0);
	assert_int_equal(f->r.pos, 3);
	expect_end(f);
	fx_free(f);
	f = FX("\r\n\r\n", 0);
	expect_end(f);
	fx_free(f);
}

static void byte_order_mark(void **state)
{
	(void)state;
	struct fixture *f = FX(BOM "article_number,name\n" BOM "x,y\n", 0);

	assert_int_equal(f->r.delim, ',');
	expect_record(f, 1, "article_number", "name", NULL);
	/* only at the very start is it a byte order mark; later it is data */
	expect_record(f, 2, BOM "x", "y", NULL);
	expect_end(f);
	fx_free(f);
	/* a byte order mark before a quoted field */
	f = FX(BOM "\"a;b\";c\n", 0);
	expect_record(f, 1, "a;b", "c", NULL);
	fx_free(f);
}

static void empty_fields(void **state)
{
	(void)state;
	struct fixture *f = FX("a;;b;\n;\n\"\";\"\"\nx;", 0);

	expect_record(f, 1, "a", "", "b", "", NULL);
	expect_record(f, 2, "", "", NULL);
	expect_record(f, 3, "", "", NULL);
	expect_record(f, 4, "x", "",
		      NULL); /* a delimiter at the very end gives an empty last field */
	expect_end(f);
	fx_free(f);
}

static void quoted_fields(void **state)
{
	(void)state;
	struct fixture *f = FX("\"a;b\";\"say \"\"hej\"\"\";\"\"\"\"\n"
			       "\"x\"\"\";plain;\"\"\"y\"\n",
			       ';');

	expect_record(f, 1, "a;b", "say \"hej\"", "\"", NULL);
	/* without "" inside, a quoted field points into the data too */
	assert_ptr_equal(f->rec.fields[0].ptr, f->r.data + 1);
	expect_record(f, 2, "x\"", "plain", "\"y", NULL);
	expect_end(f);
	fx_free(f);
}

static void embedded_line_breaks_and_line_numbers(void **state)
{
	(void)state;
	struct fixture *f = FX("h1;h2\r\n"
			       "\"rad ett\r\nrad två\";x\r\n"
			       "y;\"a\nb\rc\r\n\r\nd\"\r\n"
			       "\n"
			       "z;\"\"\"\n\"\"\"\n"
			       "last;1",
			       0);

	expect_record(f, 1, "h1", "h2", NULL);
	expect_record(f, 2, "rad ett\r\nrad två", "x", NULL);
	/* line breaks inside quotes are kept as written: LF, CR, CRLF */
	expect_record(f, 4, "y", "a\nb\rc\r\n\r\nd", NULL);
	expect_record(f, 10, "z", "\"\n\"", NULL);
	expect_record(f, 12, "last", "1", NULL);
	expect_end(f);
	fx_free(f);
}

static void delimiter_detection(void **state)
{
	(void)state;

#define DETECT(lit) csv_detect_delimiter(lit, sizeof(lit) - 1)
	assert_int_equal(DETECT("a;b;c\n"), ';');
	assert_int_equal(DETECT("a,b,c\n"), ',');
	/* only the first record counts */
	assert_int_equal(DETECT("a,b\nx;y;z\n"), ',');
	assert_int_equal(DETECT("a;b\nx,y,z\n"), ';');
	/* delimiters inside quotes do not count, even across a line break or after "" */
	assert_int_equal(DETECT("\"a,b,c\";d\n"), ';');
	assert_int_equal(DETECT("\"a;\n;\"\"b;\",c,d\n"), ',');
	assert_int_equal(DETECT(BOM "a,b"), ',');
	/* a tie or neither: ';', the usual one in Swedish exports */
	assert_int_equal(DETECT("a;b,c\n"), ';');
	assert_int_equal(DETECT("abc\n1,2,3\n"), ';');
	assert_int_equal(DETECT(""), ';');
#undef DETECT
}

static void explicit_delimiter(void **state)
{
	(void)state;
	struct fixture *f = FX("a,b;c\n", ';');

	assert_int_equal(f->r.delim, ';');
	expect_record(f, 1, "a,b", "c", NULL);
	fx_free(f);
	f = FX("a,b;c\n", ',');
	expect_record(f, 1, "a", "b;c", NULL);
	fx_free(f);
	/* a quote or line end cannot be a delimiter: detected instead */
	f = FX("a,b;c,d\n", '"');
	assert_int_equal(f->r.delim, ',');
	fx_free(f);
	f = FX("a,b;c\n", '\t');
	expect_record(f, 1, "a,b;c", NULL);
	fx_free(f);
}

static void swedish_and_nul_bytes(void **state)
{
	(void)state;
	static const char data[] = "Näringsdryck jordgubb;förp;\"Åsa \"\"Öberg\"\"\"\na\0b;c\n";
	struct fixture *f = fx_new(data, sizeof(data) - 1, 0);

	expect_record(f, 1, "Näringsdryck jordgubb", "förp", "Åsa \"Öberg\"", NULL);
	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_OK);
	assert_int_equal(f->rec.fields[0].len, 3);
	assert_memory_equal(f->rec.fields[0].ptr, "a\0b", 3);
	fx_free(f);
}

static void unterminated_quote(void **state)
{
	(void)state;
	struct fixture *f = FX("h;i\nok;1\n2;\"open\nstill\r\nopen\n", 0);

	expect_record(f, 1, "h", "i", NULL);
	expect_record(f, 2, "ok", "1", NULL);
	expect_error(f, 3, "avslutas aldrig");
	assert_non_null(strstr(f->err.message, "fält 2"));
	assert_string_equal(f->err.field, "csv");
	expect_end(f);
	fx_free(f);
	/* a quote opening on a later line of a multi-line record is named by its own line */
	f = FX("\"a\nb\";\"c\n", 0);
	expect_error(f, 2, "avslutas aldrig");
	expect_end(f);
	fx_free(f);
	/* a lone quote as the whole input */
	f = FX("\"", 0);
	expect_error(f, 1, "avslutas aldrig");
	expect_end(f);
	fx_free(f);
}

static void text_after_closing_quote(void **state)
{
	(void)state;
	struct fixture *f = FX("\"a\"b;c\n\"x\ny\" z;w\nnext;1\n", 0);

	expect_error(f, 1, "efter sitt avslutande citattecken");
	assert_non_null(strstr(f->err.message, "fält 1"));
	/* reported on the line of the closing quote; the record starts on line 2 */
	expect_error(f, 3, "efter sitt avslutande citattecken");
	/* the reader has moved past the refused records */
	expect_record(f, 4, "next", "1", NULL);
	expect_end(f);
	fx_free(f);
}

static void bare_quote_in_plain_field(void **state)
{
	(void)state;
	struct fixture *f = FX("a;12\" skärm\nb;c\n", 0);

	expect_error(f, 1, "börjar inte med ett");
	assert_non_null(strstr(f->err.message, "fält 2"));
	expect_record(f, 2, "b", "c", NULL);
	expect_end(f);
	fx_free(f);
}

/* A record of one field of n bytes of 'x', plain or quoted with every 1000th byte a quote. */
static char *long_field(size_t n, bool quoted, size_t *len)
{
	struct buf b;

	buf_init(&b, 0);
	if (quoted)
		buf_addc(&b, '"');
	for (size_t i = 0; i < n; i++) {
		if (quoted && i % 1000 == 999)
			buf_adds(&b, "\"\"");
		else
			buf_addc(&b, 'x');
	}
	if (quoted)
		buf_addc(&b, '"');
	buf_adds(&b, ";end\nnext\n");
	assert_false(b.failed);
	return buf_detach(&b, len);
}

static void field_size_limit(void **state)
{
	(void)state;

	for (int quoted = 0; quoted < 2; quoted++) {
		size_t len;
		char *data = long_field(CSV_MAX_FIELD, quoted, &len);
		struct fixture *f = fx_new(data, len, ';');

		assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_OK);
		assert_int_equal(f->rec.nfields, 2);
		assert_int_equal(f->rec.fields[0].len, CSV_MAX_FIELD);
		assert_int_equal(f->rec.fields[0].ptr[998], 'x');
		assert_int_equal(f->rec.fields[0].ptr[999], quoted ? '"' : 'x');
		assert_int_equal(f->rec.fields[0].ptr[CSV_MAX_FIELD - 1], 'x');
		fx_free(f);
		free(data);

		data = long_field(CSV_MAX_FIELD + 1, quoted, &len);
		f = fx_new(data, len, ';');
		expect_error(f, 1, "fält 1 är 65537 byte långt; högst 65536 byte");
		expect_record(f, 2, "next", NULL);
		fx_free(f);
		free(data);
	}
}

static void field_count_limit(void **state)
{
	(void)state;
	struct buf b;
	struct fixture *f;

	buf_init(&b, 0);
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_addf(&b, "%s%d", i ? ";" : "", i);
	buf_adds(&b, "\n");
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		buf_addf(&b, "%s\"%d\"\"\"", i ? ";" : "", i);
	buf_adds(&b, "\nlast\n");
	f = fx_new(b.data, b.len, 0);
	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_OK);
	assert_int_equal(f->rec.nfields, CSV_MAX_FIELDS);
	assert_field(&f->rec, 63, "63");
	expect_error(f, 2, "fler än 64 fält");
	expect_record(f, 3, "last", NULL);
	expect_end(f);
	fx_free(f);
	buf_release(&b);
}

/* Fields copied for "" stay valid when the copy buffer grows while later fields are read. */
static void copies_survive_growth(void **state)
{
	(void)state;
	struct buf b;
	struct fixture *f;

	buf_init(&b, 0);
	buf_adds(&b, "\"a\"\"b\"");
	for (int i = 0; i < 20; i++) {
		buf_adds(&b, ";\"");
		for (int j = 0; j < 3000; j++)
			buf_adds(&b, j == 0 ? "\"\"" : "y");
		buf_adds(&b, "\"");
	}
	buf_adds(&b, "\n\"c\"\"\"\n");
	f = fx_new(b.data, b.len, ';');
	assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_OK);
	assert_int_equal(f->rec.nfields, 21);
	assert_field(&f->rec, 0, "a\"b");
	for (int i = 1; i <= 20; i++) {
		assert_int_equal(f->rec.fields[i].len, 3000);
		assert_int_equal(f->rec.fields[i].ptr[0], '"');
		assert_int_equal(f->rec.fields[i].ptr[2999], 'y');
	}
	expect_record(f, 2, "c\"", NULL);
	fx_free(f);
	buf_release(&b);
}

/* ---- Round trip: random tables written by an independent encoder, read back. ---- */

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

struct table {
	char cell[8][6][12];
	size_t ncells[8];
	size_t nrows;
};

/* csv_add_field quotes exactly what needs quoting, and the reader gives the fields back. */
static void writer_round_trip(void **state)
{
	static const char alphabet[] = "ab;,\"\r\n \xC3\xA5";
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	csv_add_field(&b, "plain", ';');
	buf_addc(&b, ';');
	csv_add_field(&b, "a,b", ';');
	buf_addc(&b, ';');
	csv_add_field(&b, "Vårdgivare \"Väst\"; enhet", ';');
	assert_string_equal(b.data, "plain;a,b;\"Vårdgivare \"\"Väst\"\"; enhet\"");
	buf_reset(&b);
	csv_add_field(&b, "a,b", ',');
	assert_string_equal(b.data, "\"a,b\"");
	for (int iter = 0; iter < 2000; iter++) {
		char cell[3][16];
		struct csv_reader r;
		struct csv_record rec;
		struct lmn_err err;

		buf_reset(&b);
		for (int c = 0; c < 3; c++) {
			size_t n = next_rand() % 10;
			for (size_t k = 0; k < n; k++)
				cell[c][k] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
			cell[c][n] = '\0';
			if (c)
				buf_addc(&b, ';');
			csv_add_field_verbatim(&b, cell[c], ';');
		}
		buf_adds(&b, "\r\n");
		csv_init(&r, b.data, b.len, ';');
		assert_int_equal(csv_next_record(&r, &rec, &err), LMN_OK);
		assert_int_equal(rec.nfields, 3);
		for (int c = 0; c < 3; c++) {
			assert_int_equal(rec.fields[c].len, strlen(cell[c]));
			assert_memory_equal(rec.fields[c].ptr, cell[c], rec.fields[c].len);
		}
		csv_release(&r);
	}
	buf_release(&b);
}

/* Exports for people: a text that a spreadsheet would run as a formula starts with an apostrophe
 * (OWASP), inside the quotes when it is quoted; other text, and lmn's own round trip
 * (csv_add_field_verbatim), are left as they are. */
static void writer_neutralises_formulas(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "=1+2", "'=1+2" },
		{ "+46 70", "'+46 70" },
		{ "-5", "'-5" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },
		{ "\rx", "\"'\rx\"" },
		{ "=HYPERLINK(\"http://x\";\"y\")", "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"" },
		{ "a=b", "a=b" },
		{ "Vård-enhet", "Vård-enhet" },
		{ "", "" },
		{ "12", "12" },
	};
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		csv_add_field(&b, cases[i].in, ';');
		assert_string_equal(b.data ? b.data : "", cases[i].out);
	}
	buf_reset(&b);
	csv_add_field_verbatim(&b, "=1+2", ';');
	assert_string_equal(b.data, "=1+2");
	buf_release(&b);
}

/* In a report, numbers are written as numbers (not through csv_add_field), so a negative amount
 * stays a number while a text cell beside it is neutralised. */
static void report_keeps_negative_numbers(void **state)
{
	struct repayment r[] = {
		{ .provider_id = 3,
		  .provider = "=cmd|' /C calc'!A0",
		  .charged_ore = -125050,
		  .repaid_ore = -1 },
		{ .provider_id = 4,
		  .provider = "Västra vården",
		  .charged_ore = 100,
		  .repaid_ore = 0 },
	};
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	render_repayment_csv(r, 2, &b);
	assert_string_equal(b.data, "care_provider_id;care_provider;charged_sek;repaid_sek\r\n"
				    "3;'=cmd|' /C calc'!A0;-1250,50;-0,01\r\n"
				    "4;Västra vården;1,00;0,00\r\n");
	buf_release(&b);
}

static void round_trip(void **state)
{
	(void)state;
	static const char alphabet[] = "ab;,\"\r\n \xC3\xA5"; /* å as two bytes */

	for (int iter = 0; iter < 3000; iter++) {
		struct table t;
		struct buf b;
		struct fixture *f;
		long line = 1, starts[8];
		char delim = next_rand() % 2 ? ';' : ',';
		const char *eol = next_rand() % 2 ? "\r\n" : "\n";

		buf_init(&b, 0);
		t.nrows = 1 + next_rand() % 8;
		for (size_t r = 0; r < t.nrows; r++) {
			t.ncells[r] = 1 + next_rand() % 6;
			starts[r] = line;
			for (size_t c = 0; c < t.ncells[r]; c++) {
				size_t n = next_rand() % 8;
				bool quote;
				char *s = t.cell[r][c];

				for (size_t k = 0; k < n; k++)
					s[k] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
				s[n] = '\0';
				/* a one-field record that is empty would be a blank line: quote it */
				quote = strpbrk(s, "\";,\r\n") != NULL || next_rand() % 4 == 0 ||
					(t.ncells[r] == 1 && n == 0);
				if (c > 0)
					buf_addc(&b, delim);
				if (quote) {
					buf_addc(&b, '"');
					for (size_t k = 0; k < n; k++) {
						if (s[k] == '"')
							buf_addc(&b, '"');
						buf_addc(&b, s[k]);
						/* count line ends as they will appear in the data */
						if (s[k] == '\n' ||
						    (s[k] == '\r' && s[k + 1] != '\n'))
							line++;
					}
					buf_addc(&b, '"');
				} else {
					buf_add(&b, s, n);
				}
			}
			if (r + 1 < t.nrows || next_rand() % 2) {
				buf_adds(&b, eol);
				line++;
			}
		}
		assert_false(b.failed);
		f = fx_new(b.data, b.len, delim);
		for (size_t r = 0; r < t.nrows; r++) {
			assert_int_equal(csv_next_record(&f->r, &f->rec, &f->err), LMN_OK);
			assert_int_equal(f->rec.line, starts[r]);
			assert_int_equal(f->rec.nfields, t.ncells[r]);
			for (size_t c = 0; c < t.ncells[r]; c++)
				assert_field(&f->rec, c, t.cell[r][c]);
		}
		expect_end(f);
		fx_free(f);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_lf),
		cmocka_unit_test(line_ends),
		cmocka_unit_test(blank_lines_skipped_but_counted),
		cmocka_unit_test(empty_input),
		cmocka_unit_test(byte_order_mark),
		cmocka_unit_test(empty_fields),
		cmocka_unit_test(quoted_fields),
		cmocka_unit_test(embedded_line_breaks_and_line_numbers),
		cmocka_unit_test(delimiter_detection),
		cmocka_unit_test(explicit_delimiter),
		cmocka_unit_test(swedish_and_nul_bytes),
		cmocka_unit_test(unterminated_quote),
		cmocka_unit_test(text_after_closing_quote),
		cmocka_unit_test(bare_quote_in_plain_field),
		cmocka_unit_test(field_size_limit),
		cmocka_unit_test(field_count_limit),
		cmocka_unit_test(copies_survive_growth),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(writer_neutralises_formulas),
		cmocka_unit_test(report_keeps_negative_numbers),
		cmocka_unit_test(writer_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
