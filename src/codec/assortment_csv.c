/* Assortment file to articles: header, every column's checks, the flag rules of DOMAIN.md §3 and
 * duplicate article numbers, with every error kept by line and column (see assortment_csv.h). */
#include "codec/assortment_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/csv.h"
#include "rules/areas.h"
#include "rules/params.h"
#include "util/buf.h"

enum column {
	C_ARTICLE_NUMBER,
	C_NAME,
	C_AREA,
	C_UNIT,
	C_PACKAGE_SIZE,
	C_SUPPLIER,
	C_STOCKED,
	C_ACUTE_ASSORTMENT,
	C_SPECIAL,
	C_PRICE,
	C_PRICE_FROM,
	C__COUNT
};

/* Each column has its Swedish heading (issue 20: the format is Swedish) and the English one that
 * existing files use; a heading matches either in any case, with or without å, ä and ö, and with
 * a space or hyphen for the underscore. alt is a second Swedish heading, or NULL. */
static const struct {
	const char *name, *sv, *alt;
	bool required; /* price_from is required only without a default date */
} columns[C__COUNT] = {
	[C_ARTICLE_NUMBER] = { "article_number", "artikelnummer", "artikelnr", true },
	[C_NAME] = { "name", "namn", "benämning", true },
	[C_AREA] = { "area", "område", "produktområde", true },
	[C_UNIT] = { "unit", "enhet", "förpackningsenhet", true },
	[C_PACKAGE_SIZE] = { "package_size", "förpackningsstorlek", "antal_per_förpackning", true },
	[C_SUPPLIER] = { "supplier", "leverantör", NULL, true },
	[C_STOCKED] = { "stocked", "lagerlagd", "lagerförd", true },
	[C_ACUTE_ASSORTMENT] = { "acute_assortment", "akutsortiment", NULL, false },
	[C_SPECIAL] = { "special", "specialprodukt", NULL, false },
	[C_PRICE] = { "price", "pris", NULL, true },
	[C_PRICE_FROM] = { "price_from", "pris_från", "gäller_från", false },
};

#define COLUMN_LIST                                                           \
	"article_number, name, area, unit, package_size, supplier, stocked, " \
	"acute_assortment, special, price, price_from"
#define COLUMN_LIST_SV                                                             \
	"artikelnummer, namn, område, enhet, förpackningsstorlek, leverantör, " \
	"lagerlagd, akutsortiment, specialprodukt, pris, pris_från"
#define SAVE_AS_UTF8 "spara filen som \"CSV UTF-8\""

/* An article number as read, for the duplicate check after the last row. */
struct number_key {
	char number[33];
	long line;
	size_t row; /* index in imp->rows, or SIZE_MAX when the row had other errors */
};

struct reader {
	struct assortment_import *imp;
	const struct assortment_options *opt;
	struct lmn_err *err;
	int field_of[C__COUNT]; /* field index of each column, -1 when absent */
	bool swedish;		/* the header names its columns in Swedish (or names none) */
	bool *unnamed;		/* per header field: the header cell is empty */
	size_t nheader;
	struct number_key *keys;
	size_t nkeys, akeys;
	size_t seq; /* order of errors within a line */
	size_t *error_seq;
	size_t aseq;
};

void assortment_import_init(struct assortment_import *imp)
{
	memset(imp, 0, sizeof(*imp));
}

void assortment_import_release(struct assortment_import *imp)
{
	free(imp->rows);
	free(imp->errors);
	assortment_import_init(imp);
}

/* Grows *p (of *cap elements of size elem) to hold at least need elements. */
static bool grow(void *p, size_t *cap, size_t need, size_t elem)
{
	void **pp = p;
	size_t ncap = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*pp, ncap * elem);
	if (!np)
		return false;
	*pp = np;
	*cap = ncap;
	return true;
}

static enum lmn_rc no_memory(struct reader *rd)
{
	return lmn_err_set(rd->err, LMN_ENOMEM, "", "",
			   "minnet räckte inte för att läsa sortimentsfilen");
}

/* Keeps an error: message is the whole text, column names the column or is "". Beyond
 * ASSORTMENT_MAX_ERRORS errors are only counted, unless forced (one that ends the reading). */
__attribute__((format(printf, 5, 0))) static enum lmn_rc add_error_v(struct reader *rd, bool force,
								     long line, const char *column,
								     const char *fmt, va_list ap)
{
	struct assortment_import *imp = rd->imp;
	struct assortment_error *e;

	if (imp->nerrors >= ASSORTMENT_MAX_ERRORS && !force) {
		imp->errors_dropped++;
		return LMN_OK;
	}
	if (!grow(&imp->errors, &imp->aerrors, imp->nerrors + 1, sizeof(*imp->errors)) ||
	    !grow(&rd->error_seq, &rd->aseq, imp->nerrors + 1, sizeof(*rd->error_seq)))
		return no_memory(rd);
	e = &imp->errors[imp->nerrors];
	rd->error_seq[imp->nerrors] = rd->seq++;
	imp->nerrors++;
	e->line = line;
	snprintf(e->column, sizeof(e->column), "%s", column);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	return LMN_OK;
}

__attribute__((format(printf, 4, 5))) static enum lmn_rc add_error(struct reader *rd, long line,
								   const char *column,
								   const char *fmt, ...)
{
	enum lmn_rc rc;
	va_list ap;

	va_start(ap, fmt);
	rc = add_error_v(rd, false, line, column, fmt, ap);
	va_end(ap);
	return rc;
}

__attribute__((format(printf, 4, 5))) static enum lmn_rc add_final_error(struct reader *rd,
									 long line,
									 const char *column,
									 const char *fmt, ...)
{
	enum lmn_rc rc;
	va_list ap;

	va_start(ap, fmt);
	rc = add_error_v(rd, true, line, column, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- Text helpers ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static struct csv_field trim(struct csv_field f)
{
	while (f.len > 0 && is_space(f.ptr[0])) {
		f.ptr++;
		f.len--;
	}
	while (f.len > 0 && is_space(f.ptr[f.len - 1]))
		f.len--;
	return f;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equals_ci(struct csv_field f, const char *word)
{
	size_t n = strlen(word);

	if (f.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(f.ptr[i]) != word[i])
			return false;
	return true;
}

/* A heading folded for matching: ASCII lower case, å ä ö (either case) as a a o, space and hyphen
 * as underscore; false when it does not fit out. */
static bool fold_heading(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char c = (char)ch;
		if (ch == 0xc3 && i + 1 < n) {
			unsigned char next = (unsigned char)s[++i] | 0x20; /* Å Ä Ö as å ä ö */
			c = next == 0xa5 || next == 0xa4 ? 'a' : next == 0xb6 ? 'o' : '?';
		} else if (ch == ' ' || ch == '-') {
			c = '_';
		} else {
			c = lower(c);
		}
		if (o + 1 >= size)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

static bool heading_is(const char *folded, const char *name)
{
	char f[64];

	return name && fold_heading(name, strlen(name), f, sizeof(f)) && strcmp(f, folded) == 0;
}

/* The column a header cell names, -1 when none; *sv tells whether by its Swedish heading. */
static int column_of(struct csv_field f, bool *sv)
{
	char folded[64];

	*sv = false;
	if (!fold_heading(f.ptr, f.len, folded, sizeof(folded)))
		return -1;
	for (int c = 0; c < C__COUNT; c++) {
		if (heading_is(folded, columns[c].name))
			return c;
		if (heading_is(folded, columns[c].sv) || heading_is(folded, columns[c].alt)) {
			*sv = true;
			return c;
		}
	}
	return -1;
}

/* A column as the file's errors name it: in the language of its header. */
static const char *column_name(const struct reader *rd, enum column c)
{
	return rd->swedish ? columns[c].sv : columns[c].name;
}

/* Length of the UTF-8 sequence at s[0, n) holding a character that may appear in text (no control
 * characters, no C1 controls, no surrogates or overlong forms), or 0. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	unsigned cp, min;

	if (c < 0x80)
		return c >= 0x20 && c != 0x7F ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
		cp = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		cp = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
	    (cp >= 0x80 && cp < 0xA0))
		return 0;
	return k;
}

enum text_fault { TEXT_OK, TEXT_NOT_UTF8, TEXT_CONTROL };

static enum text_fault text_check(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		const unsigned char *u = (const unsigned char *)s + i;
		size_t k = utf8_char(u, n - i);

		if (k == 0)
			return u[0] < 0x20 || u[0] == 0x7F ? TEXT_CONTROL : TEXT_NOT_UTF8;
		i += k;
	}
	return TEXT_OK;
}

/* The value as it may be echoed in a message: quoted, at most about 40 bytes, whole characters,
 * anything not printable as '?'. */
static void echo(char *out, size_t cap, struct csv_field f)
{
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < f.len && o + 8 < cap;) {
		const unsigned char *u = (const unsigned char *)f.ptr + i;
		size_t k = utf8_char(u, f.len - i);

		if (o >= 41) {
			memcpy(out + o, "\xE2\x80\xA6", 3); /* … */
			o += 3;
			break;
		}
		if (k == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, u, k);
			o += k;
			i += k;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* ---- Values ---- */

enum lmn_rc assortment_parse_price(const char *s, size_t n, int64_t *ore, struct lmn_err *err)
{
	size_t i = 0, int_digits = 0, decimals = 0;
	int64_t kr = 0, frac = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (int_digits > 0 || s[i] != '0')
			int_digits++;
		if (int_digits <= 12)
			kr = kr * 10 + (s[i] - '0');
		i++;
	}
	if (i == 0)
		goto malformed;
	if (i < n) {
		if (s[i] != ',' && s[i] != '.')
			goto malformed;
		i++;
		if (i == n)
			goto malformed;
		for (; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				goto malformed;
			if (++decimals <= 2)
				frac = frac * 10 + (s[i] - '0');
		}
		if (decimals > 2)
			return lmn_err_set(err, LMN_EINVAL, "price", "",
					   "har fler än två decimaler");
		if (decimals == 1)
			frac *= 10;
	}
	if (int_digits > 12 || kr * 100 + frac > ASSORTMENT_MAX_PRICE_ORE)
		return lmn_err_set(err, LMN_ERANGE, "price", "", "är för högt; högst %lld kr",
				   (long long)(ASSORTMENT_MAX_PRICE_ORE / 100));
	*ore = kr * 100 + frac;
	return LMN_OK;
malformed:
	return lmn_err_set(
		err, LMN_EINVAL, "price", "",
		"är inget pris; skriv kronor med högst två decimaler och decimalkomma eller "
		"decimalpunkt, utan mellanslag eller valuta, t.ex. 1234,50");
}

static bool parse_bool(struct csv_field f, bool *out)
{
	static const char *const yes[] = { "ja", "true", "1" }, *const no[] = { "nej", "false",
										"0" };

	for (size_t i = 0; i < 3; i++) {
		if (equals_ci(f, yes[i])) {
			*out = true;
			return true;
		}
		if (equals_ci(f, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* ---- Rows ---- */

struct row_state {
	struct reader *rd;
	const struct csv_record *rec;
	bool bad;
	enum lmn_rc rc; /* ENOMEM from add_error */
};

__attribute__((format(printf, 3, 4))) static void fault(struct row_state *rs, enum column c,
							const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	rs->bad = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rs->rc == LMN_OK)
		rs->rc = add_error(rs->rd, rs->rec->line, column_name(rs->rd, c),
				   "rad %ld, kolumn %s: %s", rs->rec->line, column_name(rs->rd, c),
				   msg);
}

/* The trimmed value of column c; absent columns read as empty. */
static struct csv_field value(struct row_state *rs, enum column c)
{
	int i = rs->rd->field_of[c];

	if (i < 0)
		return (struct csv_field){ "", 0 };
	return trim(rs->rec->fields[i]);
}

/* A required text of at most max bytes into out (max + 1 bytes). */
static bool text(struct row_state *rs, enum column c, char *out, size_t max)
{
	struct csv_field f = value(rs, c);
	char shown[64];

	out[0] = '\0';
	if (f.len == 0) {
		fault(rs, c, "värde saknas");
		return false;
	}
	echo(shown, sizeof(shown), f);
	switch (text_check(f.ptr, f.len)) {
	case TEXT_OK:
		break;
	case TEXT_NOT_UTF8:
		fault(rs, c, "%s innehåller tecken som inte är UTF-8; " SAVE_AS_UTF8, shown);
		return false;
	case TEXT_CONTROL:
		fault(rs, c, "%s innehåller styrtecken (som radbrytning eller tabb)", shown);
		return false;
	}
	if (f.len > max) {
		fault(rs, c,
		      "%s är %zu byte långt; högst %zu byte tillåts (å, ä och ö räknas som två)",
		      shown, f.len, max);
		return false;
	}
	memcpy(out, f.ptr, f.len);
	out[f.len] = '\0';
	return true;
}

static bool article_number(struct row_state *rs, char out[33])
{
	struct csv_field f = value(rs, C_ARTICLE_NUMBER);
	char shown[64];

	out[0] = '\0';
	if (f.len == 0) {
		fault(rs, C_ARTICLE_NUMBER, "värde saknas");
		return false;
	}
	echo(shown, sizeof(shown), f);
	for (size_t i = 0; i < f.len; i++) {
		char ch = f.ptr[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '.' || ch == '/' ||
		      ch == '_')) {
			fault(rs, C_ARTICLE_NUMBER,
			      "%s får bara innehålla A–Z, a–z, 0–9, bindestreck, punkt, snedstreck och "
			      "understreck",
			      shown);
			return false;
		}
	}
	if (f.len > 32) {
		fault(rs, C_ARTICLE_NUMBER, "%s är %zu tecken långt; högst 32 tillåts", shown,
		      f.len);
		return false;
	}
	memcpy(out, f.ptr, f.len);
	out[f.len] = '\0';
	return true;
}

/* Product area: a code of the product area list or its Swedish name, in any case (issue 18: the
 * list is data, registered from the database). */
static void area(struct row_state *rs, int *out)
{
	struct csv_field f = value(rs, C_AREA);
	char shown[64];
	struct buf known;
	int a;

	if (f.len != 0 && (a = area_find(f.ptr, f.len)) >= 0) {
		*out = a;
		return;
	}
	buf_init(&known, 4096);
	areas_format_codes(&known, " eller ");
	if (area_count() == 0) {
		fault(rs, C_AREA, "inga produktområden finns i produktområdeslistan");
	} else if (f.len == 0) {
		fault(rs, C_AREA, "värde saknas; ange %s", known.data ? known.data : "");
	} else {
		echo(shown, sizeof(shown), f);
		fault(rs, C_AREA, "%s är inget känt produktområde; ange %s", shown,
		      known.data ? known.data : "");
	}
	buf_release(&known);
}

static void package_size(struct row_state *rs, int *out)
{
	struct csv_field f = value(rs, C_PACKAGE_SIZE);
	char shown[64];
	long v = 0;

	if (f.len == 0) {
		fault(rs, C_PACKAGE_SIZE,
		      "värde saknas; ange antal per förpackning, ett heltal från 1 "
		      "till %d",
		      ASSORTMENT_MAX_PACKAGE_SIZE);
		return;
	}
	echo(shown, sizeof(shown), f);
	for (size_t i = 0; i < f.len; i++) {
		if (f.ptr[i] < '0' || f.ptr[i] > '9') {
			fault(rs, C_PACKAGE_SIZE,
			      "%s är inget heltal; ange antal per förpackning från 1 "
			      "till %d",
			      shown, ASSORTMENT_MAX_PACKAGE_SIZE);
			return;
		}
		if (v <= ASSORTMENT_MAX_PACKAGE_SIZE)
			v = v * 10 + (f.ptr[i] - '0');
	}
	if (v < 1 || v > ASSORTMENT_MAX_PACKAGE_SIZE) {
		fault(rs, C_PACKAGE_SIZE, "%s ligger utanför 1–%d", shown,
		      ASSORTMENT_MAX_PACKAGE_SIZE);
		return;
	}
	*out = (int)v;
}

/* A yes/no column; an optional one reads an empty value as no. */
static bool flag(struct row_state *rs, enum column c, bool *out)
{
	struct csv_field f = value(rs, c);
	char shown[64];

	*out = false;
	if (f.len == 0 && !columns[c].required)
		return true;
	if (f.len == 0) {
		fault(rs, c, "värde saknas; ange ja eller nej");
		return false;
	}
	if (parse_bool(f, out))
		return true;
	echo(shown, sizeof(shown), f);
	fault(rs, c, "%s är inte ja/nej, true/false eller 1/0", shown);
	return false;
}

static void price(struct row_state *rs, int64_t *out)
{
	struct csv_field f = value(rs, C_PRICE);
	struct lmn_err e;
	char shown[64];

	if (f.len == 0) {
		fault(rs, C_PRICE, "värde saknas; ange priset i kronor, t.ex. 123,45");
		return;
	}
	if (assortment_parse_price(f.ptr, f.len, out, &e) != LMN_OK) {
		echo(shown, sizeof(shown), f);
		fault(rs, C_PRICE, "%s %s", shown, e.message);
	}
}

static void price_from(struct row_state *rs, lmn_day *out)
{
	struct csv_field f = value(rs, C_PRICE_FROM);
	char shown[64];

	if (f.len == 0) {
		*out = rs->rd->opt->default_price_from;
		if (*out == LMN_DAY_NONE)
			fault(rs, C_PRICE_FROM,
			      "värde saknas; ange från vilken dag priset gäller, "
			      "ÅÅÅÅ-MM-DD");
		return;
	}
	if (date_parse(f.ptr, f.len, out) != LMN_OK) {
		echo(shown, sizeof(shown), f);
		fault(rs, C_PRICE_FROM, "%s är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2026-01-30",
		      shown);
	}
}

static enum lmn_rc read_row(struct reader *rd, const struct csv_record *rec)
{
	struct assortment_import *imp = rd->imp;
	struct row_state rs = { rd, rec, false, LMN_OK };
	struct article_row row;
	bool number_ok, stocked_ok, acute_ok, special_ok;

	memset(&row, 0, sizeof(row));
	row.line = rec->line;
	if (rec->nfields != rd->nheader)
		return add_error(rd, rec->line, "",
				 "rad %ld: raden har %zu fält men rubrikraden har %zu; kontrollera "
				 "avgränsare och citattecken",
				 rec->line, rec->nfields, rd->nheader);
	for (size_t i = 0; i < rec->nfields; i++) {
		if (rd->unnamed[i] && trim(rec->fields[i]).len > 0) {
			rs.bad = true;
			if (rs.rc == LMN_OK)
				rs.rc = add_error(
					rd, rec->line, "",
					"rad %ld: fält %zu har ett värde men kolumnen saknar "
					"namn i rubrikraden",
					rec->line, i + 1);
		}
	}
	number_ok = article_number(&rs, row.article_number);
	text(&rs, C_NAME, row.name, sizeof(row.name) - 1);
	area(&rs, &row.area);
	text(&rs, C_UNIT, row.unit, sizeof(row.unit) - 1);
	package_size(&rs, &row.package_size);
	text(&rs, C_SUPPLIER, row.supplier, sizeof(row.supplier) - 1);
	stocked_ok = flag(&rs, C_STOCKED, &row.stocked);
	acute_ok = flag(&rs, C_ACUTE_ASSORTMENT, &row.acute_assortment);
	special_ok = flag(&rs, C_SPECIAL, &row.special);
	price(&rs, &row.price_ore);
	price_from(&rs, &row.price_from);
	/* DOMAIN.md §3: a special product is one that is not stocked; the acute assortment is a
	 * part of the stocked assortment (Spec B 3:3 as of 2020-01-30). */
	if (stocked_ok && special_ok && row.special && row.stocked)
		fault(&rs, C_SPECIAL,
		      "special=ja kräver stocked=nej: en specialprodukt är en produkt "
		      "som inte lagerförs");
	if (stocked_ok && acute_ok && row.acute_assortment && !row.stocked)
		fault(&rs, C_ACUTE_ASSORTMENT,
		      "acute_assortment=ja kräver stocked=ja: "
		      "akutsortimentet är en del av det lagerförda sortimentet");
	if (rs.rc != LMN_OK)
		return rs.rc;

	if (number_ok) {
		struct number_key *k;

		if (!grow(&rd->keys, &rd->akeys, rd->nkeys + 1, sizeof(*rd->keys)))
			return no_memory(rd);
		k = &rd->keys[rd->nkeys++];
		memcpy(k->number, row.article_number, sizeof(k->number));
		k->line = rec->line;
		k->row = rs.bad ? SIZE_MAX : imp->nrows;
	}
	if (!rs.bad) {
		if (!grow(&imp->rows, &imp->arows, imp->nrows + 1, sizeof(*imp->rows)))
			return no_memory(rd);
		imp->rows[imp->nrows++] = row;
	}
	return LMN_OK;
}

/* ---- Header ---- */

static enum lmn_rc read_header(struct reader *rd, const struct csv_record *rec, bool *ok)
{
	size_t before = rd->imp->nerrors + rd->imp->errors_dropped;
	int nsv = 0, nen = 0;
	enum lmn_rc rc = LMN_OK;

	for (int c = 0; c < C__COUNT; c++)
		rd->field_of[c] = -1;
	rd->nheader = rec->nfields;
	rd->unnamed = calloc(rec->nfields ? rec->nfields : 1, sizeof(bool));
	if (!rd->unnamed)
		return no_memory(rd);
	/* The header's language first, so that every error names columns in it. */
	for (size_t i = 0; i < rec->nfields; i++) {
		bool sv;
		if (column_of(trim(rec->fields[i]), &sv) >= 0)
			*(sv ? &nsv : &nen) += 1;
	}
	rd->swedish = nsv >= nen;
	for (size_t i = 0; i < rec->nfields && rc == LMN_OK; i++) {
		struct csv_field f = trim(rec->fields[i]);
		char shown[64];
		bool sv;
		int c;

		if (f.len == 0) {
			rd->unnamed[i] = true;
			continue;
		}
		c = column_of(f, &sv);
		echo(shown, sizeof(shown), f);
		if (c < 0)
			rc = add_error(rd, rec->line, "",
				       "rad %ld: okänd kolumn %s; kolumnerna heter %s", rec->line,
				       shown, rd->swedish ? COLUMN_LIST_SV : COLUMN_LIST);
		else if (rd->field_of[c] >= 0)
			rc = add_error(rd, rec->line, column_name(rd, (enum column)c),
				       "rad %ld: kolumnen %s finns två gånger (fält %d och %zu)",
				       rec->line, column_name(rd, (enum column)c),
				       rd->field_of[c] + 1, i + 1);
		else
			rd->field_of[c] = (int)i;
	}
	for (int c = 0; c < C__COUNT && rc == LMN_OK; c++) {
		bool required = columns[c].required ||
				(c == C_PRICE_FROM && rd->opt->default_price_from == LMN_DAY_NONE);

		if (required && rd->field_of[c] < 0)
			rc = add_error(rd, rec->line, column_name(rd, (enum column)c),
				       "rad %ld: kolumnen %s saknas i rubrikraden (första raden); "
				       "kolumnerna heter %s",
				       rec->line, column_name(rd, (enum column)c),
				       rd->swedish ? COLUMN_LIST_SV : COLUMN_LIST);
	}
	*ok = rd->imp->nerrors + rd->imp->errors_dropped == before;
	return rc;
}

/* ---- The file ---- */

static int by_number(const void *a, const void *b)
{
	const struct number_key *x = a, *y = b;
	int d = strcmp(x->number, y->number);

	if (d != 0)
		return d;
	return (x->line > y->line) - (x->line < y->line);
}

/* Duplicate article numbers: an error on every line after the first with the same number. */
static enum lmn_rc duplicates(struct reader *rd)
{
	struct assortment_import *imp = rd->imp;
	size_t kept = 0;
	bool *drop;

	if (rd->nkeys < 2)
		return LMN_OK;
	qsort(rd->keys, rd->nkeys, sizeof(*rd->keys), by_number);
	drop = calloc(imp->nrows ? imp->nrows : 1, sizeof(bool));
	if (!drop)
		return no_memory(rd);
	for (size_t i = 1, first = 0; i < rd->nkeys; i++) {
		struct number_key *k = &rd->keys[i];
		char shown[64];

		if (strcmp(k->number, rd->keys[first].number) != 0) {
			first = i;
			continue;
		}
		echo(shown, sizeof(shown), (struct csv_field){ k->number, strlen(k->number) });
		if (add_error(rd, k->line, column_name(rd, C_ARTICLE_NUMBER),
			      "rad %ld, kolumn %s: artikelnumret %s finns redan på rad %ld",
			      k->line, column_name(rd, C_ARTICLE_NUMBER), shown,
			      rd->keys[first].line) != LMN_OK) {
			free(drop);
			return LMN_ENOMEM;
		}
		if (k->row != SIZE_MAX)
			drop[k->row] = true;
	}
	for (size_t i = 0; i < imp->nrows; i++)
		if (!drop[i])
			imp->rows[kept++] = imp->rows[i];
	imp->nrows = kept;
	free(drop);
	return LMN_OK;
}

/* Errors by line; within a line in the order they were found. */
static void sort_errors(struct reader *rd)
{
	struct assortment_import *imp = rd->imp;

	/* Insertion sort: errors come nearly in order (only duplicates are appended late). */
	for (size_t i = 1; i < imp->nerrors; i++) {
		struct assortment_error e = imp->errors[i];
		size_t s = rd->error_seq[i], j = i;

		while (j > 0 && (imp->errors[j - 1].line > e.line ||
				 (imp->errors[j - 1].line == e.line && rd->error_seq[j - 1] > s))) {
			imp->errors[j] = imp->errors[j - 1];
			rd->error_seq[j] = rd->error_seq[j - 1];
			j--;
		}
		imp->errors[j] = e;
		rd->error_seq[j] = s;
	}
}

static void progress(struct reader *rd, size_t bytes_done, size_t bytes_total)
{
	if (rd->opt->progress)
		rd->opt->progress(rd->opt->progress_ctx, rd->imp->rows_read, bytes_done,
				  bytes_total);
}

static bool blank(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (trim(rec->fields[i]).len > 0)
			return false;
	return true;
}

enum lmn_rc assortment_csv_read(const char *data, size_t len, const struct assortment_options *opt,
				struct assortment_import *imp, struct lmn_err *err)
{
	struct reader rd;
	struct csv_reader r;
	struct csv_record *rec;
	struct lmn_err cerr;
	size_t every = opt->progress_every ? opt->progress_every : 500;
	bool header_ok = false;
	enum lmn_rc rc;

	memset(&rd, 0, sizeof(rd));
	rd.imp = imp;
	rd.opt = opt;
	rd.err = err;
	rec = malloc(sizeof(*rec));
	if (!rec)
		return no_memory(&rd);
	csv_init(&r, data, len, opt->delim);
	imp->delim = r.delim;

	lmn_err_clear(&cerr);
	rc = csv_next_record(&r, rec, &cerr);
	if (rc == LMN_ENOTFOUND) {
		rc = add_error(&rd, 0, "",
			       "filen är tom; första raden ska vara en rubrikrad med "
			       "kolumnerna " COLUMN_LIST_SV);
		goto done;
	}
	if (rc == LMN_EINVAL) {
		rc = add_error(&rd, r.err_line, "", "%s", cerr.message);
		goto done;
	}
	if (rc != LMN_OK) {
		rc = lmn_err_set(err, rc, "", "", "%s", cerr.message);
		goto done;
	}
	rc = read_header(&rd, rec, &header_ok);
	if (rc != LMN_OK || !header_ok)
		goto done;

	for (;;) {
		lmn_err_clear(&cerr);
		rc = csv_next_record(&r, rec, &cerr);
		if (rc == LMN_ENOTFOUND) {
			rc = LMN_OK;
			break;
		}
		if (rc == LMN_ENOMEM) {
			rc = lmn_err_set(err, rc, "", "", "%s", cerr.message);
			goto done;
		}
		if (rc == LMN_OK && blank(rec))
			continue;
		if (++imp->rows_read > ASSORTMENT_MAX_ROWS) {
			imp->rows_read--;
			rc = add_final_error(
				&rd, rec->line, "",
				"rad %ld: filen har fler än %d artikelrader; dela upp den",
				rec->line, ASSORTMENT_MAX_ROWS);
			goto done;
		}
		if (rc == LMN_EINVAL)
			rc = add_error(&rd, r.err_line, "", "%s", cerr.message);
		else
			rc = read_row(&rd, rec);
		if (rc != LMN_OK)
			goto done;
		if (imp->rows_read % every == 0)
			progress(&rd, r.pos, len);
	}
	if (imp->rows_read == 0)
		rc = add_error(&rd, 0, "", "filen har inga artikelrader efter rubrikraden");
	if (rc == LMN_OK)
		rc = duplicates(&rd);
done:
	if (rc == LMN_OK) {
		sort_errors(&rd);
		progress(&rd, r.pos, len);
		if (imp->nerrors > 0 || imp->errors_dropped > 0)
			rc = lmn_err_set(err, LMN_EINVAL, "", "",
					 "sortimentsfilen har %zu fel; ingenting har lästs in",
					 imp->nerrors + imp->errors_dropped);
	}
	csv_release(&r);
	free(rec);
	free(rd.unnamed);
	free(rd.keys);
	free(rd.error_seq);
	return rc;
}
