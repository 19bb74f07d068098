/* Tests codec/assortment_csv: the header, every column's accepted values and errors, the flag rules,
 * duplicates, line numbers, progress, and that the demo assortment imports cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "areas_fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/assortment_csv.h"
#include "rules/date.h"
#include "rules/params.h"
#include "util/buf.h"

#define BOM "\xEF\xBB\xBF"

enum { ANUM, NAME, AREA, UNIT, PACK, SUPP, STOCK, ACUTE, SPEC, PRICE, FROM, NCOLS };

static const char *const header_names[NCOLS] = {
	"article_number",   "name",    "area",	"unit",	      "package_size", "supplier", "stocked",
	"acute_assortment", "special", "price", "price_from",
};

/* A valid row; tests change one value at a time. */
static const char *const good[NCOLS] = {
	"N1001",      "Näringsdryck jordgubb",
	"nutrition",  "förp",
	"4",	      "Exempelleverantör Nord AB",
	"ja",	      "nej",
	"nej",	      "123,45",
	"2026-01-30",
};

static lmn_day day(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

/* Appends one CSV field, quoted when it must be. */
static void add_field(struct buf *b, const char *s, char delim)
{
	if (strchr(s, delim) || strpbrk(s, "\"\r\n")) {
		buf_addc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_addc(b, '"');
			buf_addc(b, *s);
		}
		buf_addc(b, '"');
	} else {
		buf_adds(b, s);
	}
}

static void add_header(struct buf *b, char delim)
{
	for (int c = 0; c < NCOLS; c++) {
		if (c)
			buf_addc(b, delim);
		buf_adds(b, header_names[c]);
	}
	buf_adds(b, "\n");
}

/* A good row numbered n, with column col (or -1 for none) set to value. */
static void add_row(struct buf *b, char delim, int n, int col, const char *value)
{
	char number[16];

	snprintf(number, sizeof(number), "N%d", n);
	for (int c = 0; c < NCOLS; c++) {
		if (c)
			buf_addc(b, delim);
		add_field(b, c == col ? value : c == ANUM ? number : good[c], delim);
	}
	buf_adds(b, "\n");
}

struct result {
	struct assortment_import imp;
	struct lmn_err err;
	enum lmn_rc rc;
};

static const struct assortment_options default_opt = { .default_price_from = 0, .delim = 0 };

static struct result *read_with(const char *data, size_t len, const struct assortment_options *opt)
{
	struct result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	assortment_import_init(&r->imp);
	lmn_err_clear(&r->err);
	r->rc = assortment_csv_read(data, len, opt, &r->imp, &r->err);
	return r;
}

static struct result *read_buf(const struct buf *b)
{
	assert_false(b->failed);
	return read_with(b->data, b->len, &default_opt);
}

static struct result *read_text(const char *s)
{
	return read_with(s, strlen(s), &default_opt);
}

static void result_free(struct result *r)
{
	assortment_import_release(&r->imp);
	free(r);
}

static void assert_ok(const struct result *r)
{
	for (size_t i = 0; i < r->imp.nerrors; i++)
		print_message("unexpected: %s\n", r->imp.errors[i].message);
	assert_int_equal(r->rc, LMN_OK);
	assert_int_equal(r->imp.nerrors, 0);
	assert_int_equal(r->imp.errors_dropped, 0);
}

/* Error i is on line, in column, and its message contains part. */
static void assert_error(const struct result *r, size_t i, long line, const char *column,
			 const char *part)
{
	char prefix[64];

	assert_int_equal(r->rc, LMN_EINVAL);
	assert_true(i < r->imp.nerrors);
	assert_int_equal(r->imp.errors[i].line, line);
	assert_string_equal(r->imp.errors[i].column, column);
	if (!strstr(r->imp.errors[i].message, part))
		fail_msg("message \"%s\" lacks \"%s\"", r->imp.errors[i].message, part);
	/* "rad N: …" about a line, "rad N, kolumn C: …" about a value */
	if (line > 0) {
		const char *m = r->imp.errors[i].message;
		size_t n = (size_t)snprintf(prefix, sizeof(prefix), "rad %ld", line);

		assert_memory_equal(m, prefix, n);
		if (m[n] == ',') {
			snprintf(prefix, sizeof(prefix), ", kolumn %s: ", column);
			assert_memory_equal(m + n, prefix, strlen(prefix));
		} else {
			assert_memory_equal(m + n, ": ", 2);
		}
	}
}

static void valid_file_semicolon(void **state)
{
	(void)state;
	const char *csv =
		BOM "article_number;name;area;unit;package_size;supplier;stocked;"
		    "acute_assortment;special;price;price_from\r\n"
		    "N1001;Näringsdryck jordgubb;nutrition;förp;4;Exempelleverantör Nord AB;ja;"
		    "ja;nej;123,45;2026-01-30\r\n"
		    "I2002;\"Inkontinensskydd \"\"natt\"\", storlek M\";inkontinens;st;28;"
		    "Påhittad Omsorg AB;nej;nej;ja;0,5;\r\n";
	struct result *r = read_text(csv);
	const struct article_row *a;

	assert_ok(r);
	assert_int_equal(r->imp.delim, ';');
	assert_int_equal(r->imp.nrows, 2);
	assert_int_equal(r->imp.rows_read, 2);
	a = &r->imp.rows[0];
	assert_string_equal(a->article_number, "N1001");
	assert_string_equal(a->name, "Näringsdryck jordgubb");
	assert_int_equal(a->area, T_NUTRITION);
	assert_string_equal(a->unit, "förp");
	assert_int_equal(a->package_size, 4);
	assert_string_equal(a->supplier, "Exempelleverantör Nord AB");
	assert_true(a->stocked);
	assert_true(a->acute_assortment);
	assert_false(a->special);
	assert_int_equal(a->price_ore, 12345);
	assert_int_equal(a->price_from, day(2026, 1, 30));
	assert_int_equal(a->line, 2);
	a = &r->imp.rows[1];
	assert_string_equal(a->article_number, "I2002");
	assert_string_equal(a->name, "Inkontinensskydd \"natt\", storlek M");
	assert_int_equal(a->area, T_INCONTINENCE);
	assert_string_equal(a->unit, "st");
	assert_int_equal(a->package_size, 28);
	assert_false(a->stocked);
	assert_false(a->acute_assortment);
	assert_true(a->special);
	assert_int_equal(a->price_ore, 50);
	assert_int_equal(a->price_from, 0); /* the caller's default: 1970-01-01 here */
	assert_int_equal(a->line, 3);
	result_free(r);
}

static void valid_file_comma(void **state)
{
	(void)state;
	/* order-free, case-insensitive header with spaces; optional columns left out */
	const char *csv =
		" Price ,SUPPLIER,Stocked,package_size,Unit,AREA,Name,Article_Number\n"
		"\"99,90\",Exempelleverantör Syd AB,1,10,st,Incontinence,Uridom CH10,U-10/a\n"
		"1234.5,\"Demo, Väst AB\",FALSE,1,st,NUTRITION,Förtjockningsmedel,N.2_b\n";
	struct assortment_options opt = { .default_price_from = day(2025, 7, 1) };
	struct result *r = read_with(csv, strlen(csv), &opt);
	const struct article_row *a;

	assert_ok(r);
	assert_int_equal(r->imp.delim, ',');
	assert_int_equal(r->imp.nrows, 2);
	a = &r->imp.rows[0];
	assert_string_equal(a->article_number, "U-10/a");
	assert_string_equal(a->name, "Uridom CH10");
	assert_int_equal(a->area, T_INCONTINENCE);
	assert_int_equal(a->package_size, 10);
	assert_true(a->stocked);
	assert_false(a->acute_assortment);
	assert_false(a->special);
	assert_int_equal(a->price_ore, 9990);
	assert_int_equal(a->price_from, day(2025, 7, 1));
	a = &r->imp.rows[1];
	assert_string_equal(a->article_number, "N.2_b");
	assert_string_equal(a->supplier, "Demo, Väst AB");
	assert_int_equal(a->area, T_NUTRITION);
	assert_false(a->stocked);
	assert_int_equal(a->price_ore, 123450);
	result_free(r);
}

static void delimiter_forced(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;
	struct assortment_options opt = { .delim = ',' };

	buf_init(&b, 0);
	add_header(&b, ';');
	add_row(&b, ';', 1, -1, NULL);
	r = read_with(b.data, b.len, &opt);
	/* read with ',' the whole header is one unknown column */
	assert_int_equal(r->imp.delim, ',');
	assert_error(r, 0, 1, "", "okänd kolumn");
	result_free(r);
	opt.delim = ';';
	r = read_with(b.data, b.len, &opt);
	assert_ok(r);
	assert_int_equal(r->imp.nrows, 1);
	result_free(r);
	buf_release(&b);
}

/* Each value is accepted and read as the field shows. */
static void accepted_values(void **state)
{
	(void)state;
	static const struct {
		int col;
		const char *value;
		int64_t want; /* the field read, as a number */
	} cases[] = {
		{ PRICE, "123,45", 12345 },
		{ PRICE, "123.45", 12345 },
		{ PRICE, "123,4", 12340 },
		{ PRICE, "123", 12300 },
		{ PRICE, "0", 0 },
		{ PRICE, "0,05", 5 },
		{ PRICE, "007,10", 710 },
		{ PRICE, " 12,50 ", 1250 },
		{ PRICE, "10000000", 1000000000 },
		{ PRICE, "10000000,00", 1000000000 },
		{ PRICE, "0000000000000000000001", 100 },
		{ PACK, "1", 1 },
		{ PACK, "0100", 100 },
		{ PACK, "100000", 100000 },
		{ AREA, "nutrition", T_NUTRITION },
		{ AREA, "Nutrition", T_NUTRITION },
		/* Issue 18: every area of the list, by code or Swedish name. */
		{ AREA, "diabetes", T_DIABETES },
		{ AREA, "Diabetes", T_DIABETES },
		{ AREA, "stoma", T_STOMA },
		{ AREA, "STOMI", T_STOMA },
		{ AREA, "incontinence", T_INCONTINENCE },
		{ AREA, "INKONTINENS", T_INCONTINENCE },
		{ STOCK, "ja", 1 },
		{ STOCK, "Ja", 1 },
		{ STOCK, "TRUE", 1 },
		{ STOCK, "1", 1 },
		{ STOCK, "nej", 0 },
		{ STOCK, "NEJ", 0 },
		{ STOCK, "false", 0 },
		{ STOCK, "0", 0 },
		{ ACUTE, "", 0 },
		{ ACUTE, "ja", 1 },
		{ ACUTE, "true", 1 },
		{ SPEC, "", 0 },
		{ SPEC, "nej", 0 },
		{ FROM, "2024-02-29", 1 },
		{ FROM, "", 1 }, /* 1: the date expected */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		struct result *r;
		const struct article_row *a;
		int64_t got = -1;

		buf_init(&b, 0);
		add_header(&b, ';');
		add_row(&b, ';', 1, cases[i].col, cases[i].value);
		r = read_buf(&b);
		assert_ok(r);
		assert_int_equal(r->imp.nrows, 1);
		a = &r->imp.rows[0];
		switch (cases[i].col) {
		case PRICE:
			got = a->price_ore;
			break;
		case PACK:
			got = a->package_size;
			break;
		case AREA:
			got = a->area;
			break;
		case STOCK:
			got = a->stocked;
			break;
		case ACUTE:
			got = a->acute_assortment;
			break;
		case SPEC:
			got = a->special;
			break;
		case FROM:
			got = a->price_from == (cases[i].value[0] ? day(2024, 2, 29) : 0);
			break;
		}
		if (got != cases[i].want)
			fail_msg("%s=\"%s\": read %lld, want %lld", header_names[cases[i].col],
				 cases[i].value, (long long)got, (long long)cases[i].want);
		result_free(r);
		buf_release(&b);
	}
}

/* Exactly these texts, in Swedish, as the import page will show them. */
static void error_message_wording(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	for (int i = 2; i <= 16; i++)
		add_row(&b, ';', i, -1, NULL);
	add_row(&b, ';', 17, PRICE, "12,345");
	add_row(&b, ';', 18, PACK, "0");
	r = read_buf(&b);
	assert_int_equal(r->rc, LMN_EINVAL);
	assert_int_equal(r->imp.nerrors, 2);
	assert_string_equal(r->imp.errors[0].message,
			    "rad 17, kolumn price: \"12,345\" har fler än två decimaler");
	assert_string_equal(r->imp.errors[1].message,
			    "rad 18, kolumn package_size: \"0\" ligger utanför 1–100000");
	/* the valid rows are there, but the caller must not import them */
	assert_int_equal(r->imp.nrows, 15);
	assert_non_null(strstr(r->err.message, "2 fel"));
	result_free(r);
	buf_release(&b);
}

/* One bad value on line 4 (after two good rows): one error there, naming the column. */
static void column_errors(void **state)
{
	(void)state;
	char name201[202], name200[201], unit17[18], supp101[102], num33[34];
	static const struct {
		int col;
		const char *value;
		const char *part;
	} base[] = {
		{ ANUM, "", "värde saknas" },
		{ ANUM, "AB 12", "\"AB 12\" får bara innehålla A–Z" },
		{ ANUM, "N1001ö", "får bara innehålla" },
		{ NAME, "", "värde saknas" },
		{ NAME, "   ", "värde saknas" },
		{ NAME, "N\xE4ringsdryck",
		  "\"N?ringsdryck\" innehåller tecken som inte är UTF-8; spara "
		  "filen som \"CSV UTF-8\"" },
		{ NAME, "A\xC3", "inte är UTF-8" },
		{ NAME, "Dryck\xC2\x80", "inte är UTF-8" },
		{ NAME, "rad ett\nrad två", "styrtecken" },
		{ NAME, "a\tb", "styrtecken" },
		{ AREA, "",
		  "värde saknas; ange nutrition, incontinence (inkontinens), diabetes eller "
		  "stoma (stomi)" },
		{ AREA, "dentistry",
		  "\"dentistry\" är inget känt produktområde; ange nutrition, "
		  "incontinence (inkontinens), diabetes eller stoma (stomi)" },
		{ AREA, "näring", "inget känt produktområde" },
		{ UNIT, "", "värde saknas" },
		{ PACK, "", "värde saknas" },
		{ PACK, "0", "ligger utanför 1–100000" },
		{ PACK, "100001", "ligger utanför" },
		{ PACK, "99999999999999999999999", "ligger utanför" },
		{ PACK, "-1", "\"-1\" är inget heltal" },
		{ PACK, "+1", "är inget heltal" },
		{ PACK, "1,5", "är inget heltal" },
		{ PACK, "12 st", "är inget heltal" },
		{ SUPP, "", "värde saknas" },
		{ STOCK, "", "värde saknas; ange ja eller nej" },
		{ STOCK, "kanske", "\"kanske\" är inte ja/nej, true/false eller 1/0" },
		{ STOCK, "yes", "är inte ja/nej" },
		{ STOCK, "j", "är inte ja/nej" },
		{ ACUTE, "x", "är inte ja/nej" },
		{ SPEC, "2", "\"2\" är inte ja/nej" },
		{ PRICE, "", "värde saknas" },
		{ PRICE, "12,345", "\"12,345\" har fler än två decimaler" },
		{ PRICE, "12.340", "har fler än två decimaler" },
		{ PRICE, "0,001", "har fler än två decimaler" },
		{ PRICE, "-5", "\"-5\" är inget pris" },
		{ PRICE, "+5", "är inget pris" },
		{ PRICE, "1 234,50", "är inget pris" },
		{ PRICE, "1.234,50", "är inget pris" },
		{ PRICE, "12,", "är inget pris" },
		{ PRICE, ",5", "är inget pris" },
		{ PRICE, "12 kr", "är inget pris" },
		{ PRICE, "1e3", "är inget pris" },
		{ PRICE, "10000000,01", "är för högt; högst 10000000 kr" },
		{ PRICE, "9999999999999999999999", "är för högt" },
		{ FROM, "2024-13-01", "\"2024-13-01\" är inget datum; skriv ÅÅÅÅ-MM-DD" },
		{ FROM, "2023-02-29", "är inget datum" },
		{ FROM, "24-01-01", "är inget datum" },
		{ FROM, "2024-1-1", "är inget datum" },
	};
	struct {
		int col;
		const char *value;
		const char *part;
	} cases[sizeof(base) / sizeof(base[0]) + 6];
	size_t n = 0;

	memset(name201, 'x', 201);
	name201[201] = '\0';
	/* 200 bytes with å (two bytes each) is accepted: see below */
	for (int i = 0; i < 100; i++)
		memcpy(name200 + 2 * i, "\xC3\xA5", 2);
	name200[200] = '\0';
	memset(unit17, 'u', 17);
	unit17[17] = '\0';
	memset(supp101, 's', 101);
	supp101[101] = '\0';
	memset(num33, '7', 33);
	num33[33] = '\0';
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		cases[n].col = base[i].col;
		cases[n].value = base[i].value;
		cases[n++].part = base[i].part;
	}
	cases[n].col = NAME, cases[n].value = name201,
	cases[n++].part = "är 201 byte långt; högst 200";
	cases[n].col = UNIT, cases[n].value = unit17,
	cases[n++].part = "är 17 byte långt; högst 16";
	cases[n].col = SUPP, cases[n].value = supp101,
	cases[n++].part = "är 101 byte långt; högst 100";
	cases[n].col = ANUM, cases[n].value = num33,
	cases[n++].part = "är 33 tecken långt; högst 32";

	for (size_t i = 0; i < n; i++) {
		struct buf b;
		struct result *r;

		buf_init(&b, 0);
		add_header(&b, ';');
		add_row(&b, ';', 1, -1, NULL);
		add_row(&b, ';', 2, -1, NULL);
		add_row(&b, ';', 3, cases[i].col, cases[i].value);
		add_row(&b, ';', 4, -1, NULL);
		r = read_buf(&b);
		if (r->imp.nerrors != 1)
			fail_msg("%s=\"%s\": %zu errors", header_names[cases[i].col],
				 cases[i].value, r->imp.nerrors);
		assert_error(r, 0, 4, header_names[cases[i].col], cases[i].part);
		assert_int_equal(r->imp.nrows, 3);
		assert_int_equal(r->imp.rows_read, 4);
		result_free(r);
		buf_release(&b);
	}

	/* the longest accepted name: 200 bytes of å */
	{
		struct buf b;
		struct result *r;

		buf_init(&b, 0);
		add_header(&b, ';');
		add_row(&b, ';', 1, NAME, name200);
		r = read_buf(&b);
		assert_ok(r);
		assert_string_equal(r->imp.rows[0].name, name200);
		result_free(r);
		buf_release(&b);
	}
}

static void price_without_default_date(void **state)
{
	(void)state;
	static const char no_date[] =
		"article_number;name;area;unit;package_size;supplier;stocked;price\n"
		"N1;a;nutrition;st;1;s;ja;1\n";
	struct assortment_options opt = { .default_price_from = LMN_DAY_NONE };
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	add_row(&b, ';', 1, -1, NULL);
	add_row(&b, ';', 2, FROM, "");
	r = read_with(b.data, b.len, &opt);
	assert_int_equal(r->imp.nerrors, 1);
	assert_error(r, 0, 3, "price_from", "värde saknas; ange från vilken dag priset gäller");
	result_free(r);
	/* and without the column, the header is refused */
	r = read_text(no_date);
	assert_ok(r);
	result_free(r);
	r = read_with(no_date, strlen(no_date), &opt);
	assert_int_equal(r->imp.nerrors, 1);
	assert_error(r, 0, 1, "price_from", "kolumnen price_from saknas i rubrikraden");
	assert_int_equal(r->imp.nrows, 0);
	result_free(r);
	buf_release(&b);
}

static void multiple_errors_in_order(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	add_row(&b, ';', 1, PRICE, "1,999");
	/* several errors on one line keep the column order */
	buf_adds(&b, "N2;;dentistry;st;0;Demo AB;ja;nej;nej;-1;2026-02-30\n");
	add_row(&b, ';', 3, -1, NULL);
	add_row(&b, ';', 4, STOCK, "kanske");
	r = read_buf(&b);
	assert_int_equal(r->imp.nerrors, 7);
	assert_error(r, 0, 2, "price", "fler än två decimaler");
	assert_error(r, 1, 3, "name", "värde saknas");
	assert_error(r, 2, 3, "area", "dentistry");
	assert_error(r, 3, 3, "package_size", "utanför");
	assert_error(r, 4, 3, "price", "inget pris");
	assert_error(r, 5, 3, "price_from", "inget datum");
	assert_error(r, 6, 5, "stocked", "kanske");
	assert_int_equal(r->imp.nrows, 1);
	assert_string_equal(r->imp.rows[0].article_number, "N3");
	assert_non_null(strstr(r->err.message, "7 fel"));
	result_free(r);
	buf_release(&b);

	buf_init(&b, 0);
	add_header(&b, ';');
	add_row(&b, ';', 1, PRICE, "1,999");
	add_row(&b, ';', 2, -1, NULL);
	add_row(&b, ';', 3, STOCK, "kanske");
	r = read_buf(&b);
	assert_int_equal(r->imp.nerrors, 2);
	assert_error(r, 0, 2, "price", "fler än två decimaler");
	assert_error(r, 1, 4, "stocked", "kanske");
	assert_int_equal(r->imp.nrows, 1);
	assert_string_equal(r->imp.rows[0].article_number, "N2");
	result_free(r);
	buf_release(&b);
}

static void flag_rules(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	buf_adds(&b, "S1;Special;nutrition;st;1;Demo AB;ja;nej;ja;1;\n");  /* 2: special stocked */
	buf_adds(&b, "S2;Special;nutrition;st;1;Demo AB;nej;nej;ja;1;\n"); /* 3: fine */
	buf_adds(&b, "A1;Akut;nutrition;st;1;Demo AB;nej;ja;nej;1;\n"); /* 4: acute not stocked */
	buf_adds(&b, "A2;Akut;nutrition;st;1;Demo AB;ja;ja;nej;1;\n");	/* 5: fine */
	buf_adds(&b, "A3;Båda;nutrition;st;1;Demo AB;nej;ja;ja;1;\n");	/* 6: acute not stocked */
	buf_adds(&b, "A4;Båda;nutrition;st;1;Demo AB;ja;ja;ja;1;\n");	/* 7: special stocked */
	buf_adds(&b,
		 "A5;Okänt lager;nutrition;st;1;Demo AB;?;ja;ja;1;\n"); /* 8: only the bad flag */
	r = read_buf(&b);
	assert_int_equal(r->imp.nerrors, 5);
	assert_error(r, 0, 2, "special", "special=ja kräver stocked=nej");
	assert_error(r, 1, 4, "acute_assortment", "acute_assortment=ja kräver stocked=ja");
	assert_error(r, 2, 6, "acute_assortment", "kräver stocked=ja");
	assert_error(r, 3, 7, "special", "kräver stocked=nej");
	assert_error(r, 4, 8, "stocked", "\"?\" är inte ja/nej");
	assert_int_equal(r->imp.nrows, 2);
	assert_string_equal(r->imp.rows[0].article_number, "S2");
	assert_true(r->imp.rows[0].special);
	assert_false(r->imp.rows[0].stocked);
	assert_string_equal(r->imp.rows[1].article_number, "A2");
	assert_true(r->imp.rows[1].acute_assortment);
	result_free(r);
	buf_release(&b);
}

static void duplicate_article_numbers(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	buf_adds(&b, "X1;a;nutrition;st;1;Demo AB;ja;nej;nej;1;\n");  /* 2 */
	buf_adds(&b, "Y1;a;nutrition;st;1;Demo AB;ja;nej;nej;1;\n");  /* 3 */
	buf_adds(&b, "Z1;a;nutrition;st;1;Demo AB;ja;nej;nej;x;\n");  /* 4: bad price */
	buf_adds(&b, "X1;b;nutrition;st;1;Demo AB;ja;nej;nej;1;\n");  /* 5: dup of 2 */
	buf_adds(&b, "x1;c;nutrition;st;1;Demo AB;ja;nej;nej;1;\n");  /* 6: another number */
	buf_adds(&b, "Z1;d;nutrition;st;1;Demo AB;ja;nej;nej;1;\n");  /* 7: dup of 4 */
	buf_adds(&b, "X1;e;nutrition;st;1;Demo AB;ja;nej;nej;1;\n");  /* 8: dup of 2 */
	buf_adds(&b, "X1;f;nutrition;st;1;Demo AB;ja;nej;nej;-1;\n"); /* 9: dup, bad price */
	r = read_buf(&b);
	assert_int_equal(r->imp.nerrors, 6);
	assert_error(r, 0, 4, "price", "inget pris");
	assert_error(r, 1, 5, "article_number", "artikelnumret \"X1\" finns redan på rad 2");
	assert_error(r, 2, 7, "article_number", "artikelnumret \"Z1\" finns redan på rad 4");
	assert_error(r, 3, 8, "article_number", "\"X1\" finns redan på rad 2");
	/* within a line, the duplicate comes after the row's own errors */
	assert_error(r, 4, 9, "price", "inget pris");
	assert_error(r, 5, 9, "article_number", "\"X1\" finns redan på rad 2");
	/* the first of each number is kept; the later ones are not */
	assert_int_equal(r->imp.nrows, 3);
	assert_string_equal(r->imp.rows[0].article_number, "X1");
	assert_string_equal(r->imp.rows[0].name, "a");
	assert_string_equal(r->imp.rows[1].article_number, "Y1");
	assert_string_equal(r->imp.rows[2].article_number, "x1");
	result_free(r);
	buf_release(&b);
}

/* Issue 20: the Swedish headings read as the English ones, in any case and with or without å, ä
 * and ö; the errors name the columns as the header does; both at once is a column twice. */
static void swedish_headings(void **state)
{
	(void)state;
	struct result *r;
	const struct article_row *a;

	r = read_text("Artikelnummer;Namn;Område;Enhet;Förpackningsstorlek;LEVERANTÖR;lagerlagd;"
		      "Akutsortiment;specialprodukt;Pris;pris från\n"
		      "N1001;Näringsdryck jordgubb;Nutrition;förp;4;Exempel AB;ja;ja;nej;81,55;"
		      "2027-01-01\n"
		      "I2002;Inkontinensskydd;Inkontinens;st;28;Exempel AB;nej;nej;ja;12;\n");
	assert_ok(r);
	assert_int_equal(r->imp.nrows, 2);
	a = &r->imp.rows[0];
	assert_string_equal(a->article_number, "N1001");
	assert_int_equal(a->area, T_NUTRITION);
	assert_int_equal(a->package_size, 4);
	assert_string_equal(a->supplier, "Exempel AB");
	assert_true(a->stocked && a->acute_assortment && !a->special);
	assert_int_equal(a->price_ore, 8155);
	assert_int_equal(a->price_from, day(2027, 1, 1));
	assert_int_equal(r->imp.rows[1].area, T_INCONTINENCE);
	assert_true(r->imp.rows[1].special);
	result_free(r);

	/* without å, ä and ö, and with underscores */
	r = read_text(
		"artikelnummer;namn;omrade;enhet;forpackningsstorlek;leverantor;lagerlagd;pris;"
		"pris_fran\nN1;a;nutrition;st;1;s;ja;1;2027-01-01\n");
	assert_ok(r);
	result_free(r);

	/* the errors name the Swedish columns */
	r = read_text(
		"artikelnummer;namn;område;enhet;förpackningsstorlek;leverantör;lagerlagd;pris\n"
		"N1;a;tandvård;st;1;s;ja;12,345\n");
	assert_error(r, 0, 2, "område", "rad 2, kolumn område: ");
	assert_error(r, 1, 2, "pris", "rad 2, kolumn pris: \"12,345\" har fler än två decimaler");
	result_free(r);
	r = read_text("artikelnummer;namn;område;enhet;förpackningsstorlek;lagerlagd;pris;kostnad\n"
		      "N1;a;nutrition;st;1;ja;1;2\n");
	assert_error(r, 0, 1, "",
		     "okänd kolumn \"kostnad\"; kolumnerna heter artikelnummer, namn, "
		     "område");
	assert_error(r, 1, 1, "leverantör", "kolumnen leverantör saknas i rubrikraden");
	result_free(r);

	/* one column named in both languages */
	r = read_text(
		"artikelnummer;namn;område;enhet;förpackningsstorlek;leverantör;lagerlagd;pris;"
		"price\nN1;a;nutrition;st;1;s;ja;1;2\n");
	assert_error(r, 0, 1, "pris", "kolumnen pris finns två gånger (fält 8 och 9)");
	result_free(r);
}

static void header_errors(void **state)
{
	(void)state;
	struct result *r;

	r = read_text("");
	assert_error(r, 0, 0, "", "filen är tom");
	assert_int_equal(r->imp.nerrors, 1);
	result_free(r);
	r = read_text(BOM "\r\n\r\n");
	assert_error(r, 0, 0, "", "filen är tom");
	result_free(r);

	r = read_text("article_number;name;area;unit;package_size;supplier;stocked;price\n");
	assert_error(r, 0, 0, "", "filen har inga artikelrader");
	result_free(r);
	r = read_text(
		"article_number;name;area;unit;package_size;supplier;stocked;price\n;;;;;;;\n\n");
	assert_error(r, 0, 0, "", "filen har inga artikelrader");
	result_free(r);

	/* unknown and twice-named columns; the rows are not read */
	r = read_text(
		"\n\narticle_number;name;area;unit;package_size;supplier;stocked;price;kostnad;"
		"NAME\nN1;a;nutrition;st;1;s;ja;1;2;b\nN2;x\n");
	assert_int_equal(r->imp.nerrors, 2);
	assert_error(r, 0, 3, "",
		     "okänd kolumn \"kostnad\"; kolumnerna heter article_number, name");
	assert_error(r, 1, 3, "name", "kolumnen name finns två gånger (fält 2 och 10)");
	assert_int_equal(r->imp.nrows, 0);
	assert_int_equal(r->imp.rows_read, 0);
	result_free(r);

	/* every required column, left out in turn */
	for (int c = 0; c < NCOLS; c++) {
		struct buf b;
		bool required = c != ACUTE && c != SPEC && c != FROM;

		buf_init(&b, 0);
		for (int k = 0, first = 1; k < NCOLS; k++) {
			if (k == c)
				continue;
			if (!first)
				buf_addc(&b, ';');
			first = 0;
			buf_adds(&b, header_names[k]);
		}
		buf_adds(&b, "\n");
		for (int k = 0, first = 1; k < NCOLS; k++) {
			if (k == c)
				continue;
			if (!first)
				buf_addc(&b, ';');
			first = 0;
			buf_adds(&b, good[k]);
		}
		buf_adds(&b, "\n");
		r = read_buf(&b);
		if (required) {
			char want[80];

			snprintf(want, sizeof(want), "kolumnen %s saknas i rubrikraden",
				 header_names[c]);
			assert_int_equal(r->imp.nerrors, 1);
			assert_error(r, 0, 1, header_names[c], want);
		} else {
			assert_ok(r);
			assert_int_equal(r->imp.nrows, 1);
		}
		result_free(r);
		buf_release(&b);
	}
}

static void field_count_and_unnamed_columns(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	add_row(&b, ';', 1, -1, NULL);
	buf_adds(&b, "N2;a;nutrition\n");
	buf_adds(&b, "N3;a;nutrition;st;1;Demo AB;ja;nej;nej;1;;extra\n");
	r = read_buf(&b);
	assert_int_equal(r->imp.nerrors, 2);
	assert_error(r, 0, 3, "", "raden har 3 fält men rubrikraden har 11");
	assert_error(r, 1, 4, "", "raden har 12 fält men rubrikraden har 11");
	assert_int_equal(r->imp.nrows, 1);
	result_free(r);
	buf_release(&b);

	/* a spreadsheet's trailing empty columns: fine while they stay empty */
	r = read_text("article_number;name;area;unit;package_size;supplier;stocked;price;;\n"
		      "N1;a;nutrition;st;1;s;ja;1;;\n"
		      "N2;a;nutrition;st;1;s;ja;1;; \n"
		      "N3;a;nutrition;st;1;s;ja;1;;kommentar\n");
	assert_int_equal(r->imp.nerrors, 1);
	assert_error(r, 0, 4, "", "fält 10 har ett värde men kolumnen saknar namn");
	assert_int_equal(r->imp.nrows, 2);
	result_free(r);
}

static void csv_errors_are_listed(void **state)
{
	(void)state;
	struct result *r;

	r = read_text("article_number;name;area;unit;package_size;supplier;stocked;price\n"
		      "N1;a\"b;nutrition;st;1;s;ja;1\n"
		      "N2;a;nutrition;st;1;s;ja;1,5\n"
		      "N3;\"a\";nutrition;st;1;s;ja;\"1,999\n"
		      "N4;a;nutrition;st;1;s;ja;1\n");
	assert_int_equal(r->imp.nerrors, 2);
	assert_error(r, 0, 2, "", "börjar inte med ett");
	assert_error(r, 1, 4, "", "citattecknet som inleder fält 8 avslutas aldrig");
	assert_int_equal(r->imp.nrows, 1);
	assert_string_equal(r->imp.rows[0].article_number, "N2");
	result_free(r);

	r = read_text("\"article_number;name\n");
	assert_int_equal(r->imp.nerrors, 1);
	assert_error(r, 0, 1, "", "avslutas aldrig");
	result_free(r);
}

/* A record spanning lines: later errors name the physical line where their record starts. */
static void line_numbers_after_embedded_newlines(void **state)
{
	(void)state;
	struct result *r;

	r = read_text("article_number;name;area;unit;package_size;supplier;stocked;price\r\n"
		      "N1;\"Sondnäring\r\n1,5 kcal\";nutrition;st;1;s;ja;1\r\n"
		      "N2;a;nutrition;st;1;\"Demo\nLeverantör\n AB\";ja;1\r\n"
		      "\r\n"
		      ";;;;;;;\r\n"
		      "N3;a;nutrition;st;1;s;ja;12,345\r\n");
	assert_int_equal(r->imp.nerrors, 3);
	assert_error(r, 0, 2, "name", "styrtecken");
	assert_error(r, 1, 4, "supplier", "styrtecken");
	assert_error(r, 2, 9, "price", "\"12,345\" har fler än två decimaler");
	assert_int_equal(r->imp.rows_read, 3); /* blank rows are not counted */
	result_free(r);
}

static void parse_price_direct(void **state)
{
	(void)state;
	struct lmn_err err;
	int64_t ore = -1;

#define PRICE_OK(s, want)                                                                   \
	do {                                                                                \
		ore = -1;                                                                   \
		assert_int_equal(assortment_parse_price(s, strlen(s), &ore, &err), LMN_OK); \
		assert_int_equal(ore, want);                                                \
	} while (0)
#define PRICE_BAD(s, rc, part)                                                          \
	do {                                                                            \
		ore = -1;                                                               \
		lmn_err_clear(&err);                                                    \
		assert_int_equal(assortment_parse_price(s, strlen(s), &ore, &err), rc); \
		assert_int_equal(ore, -1);                                              \
		assert_non_null(strstr(err.message, part));                             \
	} while (0)
	PRICE_OK("123,45", 12345);
	PRICE_OK("123.45", 12345);
	PRICE_OK("1,1", 110);
	PRICE_OK("0,01", 1);
	PRICE_OK("10000000", ASSORTMENT_MAX_PRICE_ORE);
	PRICE_BAD("12,345", LMN_EINVAL, "har fler än två decimaler");
	PRICE_BAD("12,3450", LMN_EINVAL, "har fler än två decimaler");
	PRICE_BAD("10000000,01", LMN_ERANGE, "för högt");
	PRICE_BAD("99999999999999999999,99", LMN_ERANGE, "för högt");
	PRICE_BAD("", LMN_EINVAL, "inget pris");
	PRICE_BAD("1,2,3", LMN_EINVAL, "inget pris");
	PRICE_BAD("1;2", LMN_EINVAL, "inget pris");
	/* only the n bytes given are read */
	ore = -1;
	assert_int_equal(assortment_parse_price("12,345", 5, &ore, &err), LMN_OK);
	assert_int_equal(ore, 1234);
#undef PRICE_OK
#undef PRICE_BAD
}

struct progress_log {
	size_t calls;
	size_t last_rows, last_bytes, total;
	bool monotonic;
};

static void on_progress(void *ctx, size_t rows, size_t bytes, size_t total)
{
	struct progress_log *p = ctx;

	if (p->calls > 0 && (rows < p->last_rows || bytes < p->last_bytes))
		p->monotonic = false;
	p->calls++;
	p->last_rows = rows;
	p->last_bytes = bytes;
	p->total = total;
}

static void progress_reported(void **state)
{
	(void)state;
	struct buf b;
	struct progress_log log = { .monotonic = true };
	struct assortment_options opt = { .progress = on_progress,
					  .progress_ctx = &log,
					  .progress_every = 10 };
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	for (int i = 0; i < 95; i++)
		add_row(&b, ';', i, -1, NULL);
	r = read_with(b.data, b.len, &opt);
	assert_ok(r);
	assert_int_equal(r->imp.nrows, 95);
	assert_int_equal(log.calls, 9 + 1); /* after 10, 20, … 90 rows, and at the end */
	assert_true(log.monotonic);
	assert_int_equal(log.last_rows, 95);
	assert_int_equal(log.last_bytes, b.len);
	assert_int_equal(log.total, b.len);
	result_free(r);

	/* the default is every 500 rows */
	memset(&log, 0, sizeof(log));
	log.monotonic = true;
	opt.progress_every = 0;
	r = read_with(b.data, b.len, &opt);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.last_rows, 95);
	result_free(r);
	buf_release(&b);
}

static void error_cap(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	add_header(&b, ';');
	for (int i = 0; i < ASSORTMENT_MAX_ERRORS + 500; i++)
		add_row(&b, ';', i, PRICE, "x");
	r = read_buf(&b);
	assert_int_equal(r->rc, LMN_EINVAL);
	assert_int_equal(r->imp.nerrors, ASSORTMENT_MAX_ERRORS);
	assert_int_equal(r->imp.errors_dropped, 500);
	assert_int_equal(r->imp.errors[ASSORTMENT_MAX_ERRORS - 1].line, ASSORTMENT_MAX_ERRORS + 1);
	assert_non_null(strstr(r->err.message, "1500 fel"));
	result_free(r);
	buf_release(&b);
}

/* More rows than ASSORTMENT_MAX_ROWS: reading stops with an error that is kept even after
 * ASSORTMENT_MAX_ERRORS others. */
static void row_cap(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;

	buf_init(&b, 0);
	buf_adds(&b, "article_number;name;area;unit;package_size;supplier;stocked;price\n");
	for (int i = 0; i < ASSORTMENT_MAX_ROWS + 5; i++)
		buf_adds(&b, ";a;nutrition;st;1;s;ja;1\n");
	r = read_buf(&b);
	assert_int_equal(r->rc, LMN_EINVAL);
	assert_int_equal(r->imp.rows_read, ASSORTMENT_MAX_ROWS);
	assert_int_equal(r->imp.nerrors, ASSORTMENT_MAX_ERRORS + 1);
	assert_int_equal(r->imp.errors_dropped, ASSORTMENT_MAX_ROWS - ASSORTMENT_MAX_ERRORS);
	assert_error(r, ASSORTMENT_MAX_ERRORS, ASSORTMENT_MAX_ROWS + 2, "",
		     "filen har fler än 200000 artikelrader");
	result_free(r);
	buf_release(&b);
}

/* Messages echo a value shortened and with anything unprintable as '?'. */
static void echoed_values_are_safe(void **state)
{
	(void)state;
	struct buf b;
	struct result *r;
	const char *m;

	buf_init(&b, 0);
	add_header(&b, ';');
	add_row(&b, ';', 1, AREA, "ååååååååååååååååååååååååååååååååååååååååååååååååå");
	add_row(&b, ';', 2, AREA, "a\x01\xFFz<b>");
	r = read_buf(&b);
	assert_int_equal(r->imp.nerrors, 2);
	m = r->imp.errors[0].message;
	assert_non_null(strstr(m, "\"åååååååååååååååååååå…\" är inget känt"));
	m = r->imp.errors[1].message;
	assert_non_null(strstr(m, "\"a?"
				  "?z<b>\" är inget känt"));
	result_free(r);
	buf_release(&b);
}

/* data/demo/assortment.csv, found beside the rule folder the tests are given. */
static void demo_assortment_imports(void **state)
{
	(void)state;
	const char *rules = getenv("LMN_RULES_DIR");
	char path[4096];
	struct buf b;
	struct result *r;
	FILE *fp;
	char chunk[4096];
	size_t n, per_area[T_AREAS] = { 0 }, stocked = 0, acute = 0, special = 0, swedish = 0;
	struct assortment_options opt = { .default_price_from = LMN_DAY_NONE };

	assert_non_null(rules);
	snprintf(path, sizeof(path), "%s/../demo/assortment.csv", rules);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	r = read_with(b.data, b.len, &opt);
	assert_ok(r);
	assert_true(r->imp.nrows >= 250 && r->imp.nrows <= 400);
	assert_int_equal(r->imp.nrows, r->imp.rows_read);
	for (size_t i = 0; i < r->imp.nrows; i++) {
		const struct article_row *a = &r->imp.rows[i];

		per_area[a->area]++;
		stocked += a->stocked;
		acute += a->acute_assortment;
		special += a->special;
		swedish += strstr(a->name, "\xC3") != NULL; /* å, ä, ö, é … */
		assert_true(a->price_ore > 0);
		assert_non_null(strstr(a->supplier, "Exempel"));
	}
	assert_true(per_area[T_NUTRITION] >= 100);
	assert_true(per_area[T_INCONTINENCE] >= 100);
	assert_true(acute > 10 && acute < stocked);
	assert_true(special > 10);
	assert_true(stocked + special <= r->imp.nrows);
	assert_true(swedish > 50);
	result_free(r);
	buf_release(&b);
}

int main(void)
{
	if (areas_fixture(true) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_file_semicolon),
		cmocka_unit_test(valid_file_comma),
		cmocka_unit_test(delimiter_forced),
		cmocka_unit_test(accepted_values),
		cmocka_unit_test(error_message_wording),
		cmocka_unit_test(column_errors),
		cmocka_unit_test(price_without_default_date),
		cmocka_unit_test(multiple_errors_in_order),
		cmocka_unit_test(flag_rules),
		cmocka_unit_test(duplicate_article_numbers),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(swedish_headings),
		cmocka_unit_test(field_count_and_unnamed_columns),
		cmocka_unit_test(csv_errors_are_listed),
		cmocka_unit_test(line_numbers_after_embedded_newlines),
		cmocka_unit_test(parse_price_direct),
		cmocka_unit_test(progress_reported),
		cmocka_unit_test(error_cap),
		cmocka_unit_test(row_cap),
		cmocka_unit_test(echoed_values_are_safe),
		cmocka_unit_test(demo_assortment_imports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
