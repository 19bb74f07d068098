/* libFuzzer target for the assortment import: the bytes through the CSV reader (checked against a
 * plain state-machine reader written here) and through the assortment mapping (checked for the
 * invariants its rows and errors promise). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/assortment_csv.h"
#include "codec/csv.h"
#include "rules/areas.h"
#include "rules/params.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_assortment_csv: %s: %s\n", what, why);
	abort();
}

/* ---- The oracle: RFC 4180 one byte at a time, with the reader's conventions (csv.h). ---- */

struct oracle {
	const char *s;
	size_t len, pos;
	char delim;
	long line;
	char *field; /* one field's bytes */
	size_t flen;
};

static bool o_eol(const struct oracle *o)
{
	return o->pos < o->len && (o->s[o->pos] == '\n' || o->s[o->pos] == '\r');
}

static void o_skip_eol(struct oracle *o)
{
	if (o->s[o->pos] == '\r' && o->pos + 1 < o->len && o->s[o->pos + 1] == '\n')
		o->pos++;
	o->pos++;
	o->line++;
}

/* One field into o->field; false when it breaks the format. */
static bool o_field(struct oracle *o)
{
	o->flen = 0;
	if (o->pos < o->len && o->s[o->pos] == '"') {
		o->pos++;
		for (;;) {
			char c;

			if (o->pos >= o->len)
				return false;
			c = o->s[o->pos];
			if (c == '"') {
				if (o->pos + 1 < o->len && o->s[o->pos + 1] == '"') {
					o->field[o->flen++] = '"';
					o->pos += 2;
					continue;
				}
				o->pos++;
				break;
			}
			if (c == '\n' ||
			    (c == '\r' && (o->pos + 1 >= o->len || o->s[o->pos + 1] != '\n')))
				o->line++;
			o->field[o->flen++] = c;
			o->pos++;
		}
		return o->pos >= o->len || o->s[o->pos] == o->delim || o_eol(o);
	}
	while (o->pos < o->len && o->s[o->pos] != o->delim && !o_eol(o)) {
		if (o->s[o->pos] == '"')
			return false;
		o->field[o->flen++] = o->s[o->pos++];
	}
	return true;
}

/* Reads the data with both readers side by side while both accept it. */
static void check_reader(const char *s, size_t len)
{
	struct csv_reader r;
	struct csv_record *rec = malloc(sizeof(*rec));
	struct oracle o = { s, len, 0, 0, 1, malloc(len + 1), 0 };
	struct lmn_err err;
	size_t last_pos;
	long last_line = 0;

	if (!rec || !o.field)
		die("malloc", "failed");
	csv_init(&r, s, len, 0);
	o.delim = r.delim;
	o.pos = r.pos;
	if (r.delim != ';' && r.delim != ',')
		die("delimiter", "neither ';' nor ','");
	if (r.delim != csv_detect_delimiter(s, len))
		die("delimiter", "csv_init and csv_detect_delimiter differ");
	for (;;) {
		enum lmn_rc rc;
		size_t n = 0;
		bool ok = true;

		last_pos = r.pos;
		lmn_err_clear(&err);
		rc = csv_next_record(&r, rec, &err);
		while (o_eol(&o))
			o_skip_eol(&o);
		if (rc == LMN_ENOTFOUND) {
			if (r.pos != len || o.pos != len)
				die("reader", "end before the end of the data");
			break;
		}
		if (r.pos <= last_pos || r.pos > len)
			die("reader", "no progress");
		if (rec->line <= last_line || rec->line != o.line)
			die("reader", "record line number");
		last_line = rec->line;
		/* the oracle reads the same record */
		for (;;) {
			ok = o_field(&o) && ok;
			if (ok && o.flen > CSV_MAX_FIELD)
				ok = false;
			if (ok && rc == LMN_OK && n < CSV_MAX_FIELDS &&
			    (n >= rec->nfields || rec->fields[n].len != o.flen ||
			     (o.flen && memcmp(rec->fields[n].ptr, o.field, o.flen) != 0)))
				die("reader", "a field differs from the oracle's");
			if (++n > CSV_MAX_FIELDS)
				ok = false;
			if (!ok) { /* resynchronise as the reader does: to the end of the record */
				while (o.pos < len && o.s[o.pos] != o.delim && !o_eol(&o))
					o.pos++;
			}
			if (o.pos < len && o.s[o.pos] == o.delim) {
				o.pos++;
				continue;
			}
			if (o_eol(&o))
				o_skip_eol(&o);
			break;
		}
		if (ok != (rc == LMN_OK)) {
			fprintf(stderr, "record at line %ld: reader %s, oracle %s\n", rec->line,
				lmn_rc_name(rc), ok ? "ok" : "refused");
			die("reader", "accepts what the oracle refuses, or the other way round");
		}
		if (rc == LMN_OK) {
			if (rec->nfields != n)
				die("reader", "field count differs from the oracle's");
		} else {
			if (rc != LMN_EINVAL || err.message[0] == '\0' ||
			    strncmp(err.message, "rad ", 4))
				die("reader", "refusal without a message naming the line");
			if (r.err_line < rec->line)
				die("reader", "error line before the record");
		}
		if (o.pos != r.pos || o.line != r.line)
			die("reader", "position differs from the oracle's");
	}
	csv_release(&r);
	free(o.field);
	free(rec);
}

/* ---- The mapping ---- */

struct progress {
	size_t rows, bytes, total, calls;
};

static void on_progress(void *ctx, size_t rows, size_t bytes, size_t total)
{
	struct progress *p = ctx;

	if (p->calls && (rows < p->rows || bytes < p->bytes))
		die("progress", "went backwards");
	if (bytes > total || total != p->total)
		die("progress", "bytes");
	p->rows = rows;
	p->bytes = bytes;
	p->calls++;
}

static bool known_column(const char *c)
{
	/* Errors name a column in the language of the file's header (issue 20): English, or
	 * Swedish (also when the header names no column at all). */
	static const char *const names[] = { "",
					     "article_number",
					     "name",
					     "area",
					     "unit",
					     "package_size",
					     "supplier",
					     "stocked",
					     "acute_assortment",
					     "special",
					     "price",
					     "price_from",
					     "artikelnummer",
					     "namn",
					     "område",
					     "enhet",
					     "förpackningsstorlek",
					     "leverantör",
					     "lagerlagd",
					     "akutsortiment",
					     "specialprodukt",
					     "pris",
					     "pris_från" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(c, names[i]) == 0)
			return true;
	return false;
}

static int by_number(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check_text(const char *s, size_t cap, bool number)
{
	size_t n = strnlen(s, cap);

	if (n == 0 || n == cap)
		die("row", "text empty or not terminated");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7F)
			die("row", "control character in a text");
		if (number &&
		    !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '.' || c == '/' || c == '_'))
			die("row", "article number with a character outside its set");
	}
}

static void check_mapping(const char *s, size_t len, lmn_day default_from)
{
	struct assortment_import imp;
	struct progress p = { 0, 0, len, 0 };
	struct assortment_options opt = { .default_price_from = default_from,
					  .progress = on_progress,
					  .progress_ctx = &p,
					  .progress_every = 7 };
	struct lmn_err err;
	enum lmn_rc rc;
	const char **numbers;

	assortment_import_init(&imp);
	lmn_err_clear(&err);
	rc = assortment_csv_read(s, len, &opt, &imp, &err);
	if (rc == LMN_OK) {
		if (imp.nerrors || imp.errors_dropped || imp.nrows != imp.rows_read)
			die("mapping", "ok with errors, or with rows left out");
	} else if (rc == LMN_EINVAL) {
		if (imp.nerrors == 0 || err.message[0] == '\0')
			die("mapping", "refused without an error");
	} else {
		die("mapping", lmn_rc_name(rc));
	}
	if (p.calls == 0 || p.rows != imp.rows_read)
		die("progress", "no final call, or its row count is off");
	if (imp.nerrors > ASSORTMENT_MAX_ERRORS + 1 || imp.nrows > imp.rows_read)
		die("mapping", "counts");
	for (size_t i = 0; i < imp.nerrors; i++) {
		const struct assortment_error *e = &imp.errors[i];
		char prefix[32];
		int n;

		if (e->message[0] == '\0' || !memchr(e->message, '\0', sizeof(e->message)) ||
		    !known_column(e->column))
			die("error", "message or column");
		if (i > 0 && e->line < imp.errors[i - 1].line)
			die("error", "not ordered by line");
		if (e->line < 0)
			die("error", "negative line");
		n = snprintf(prefix, sizeof(prefix), "rad %ld", e->line);
		if (e->line > 0 && (strncmp(e->message, prefix, (size_t)n) != 0 ||
				    (e->message[n] != ':' && e->message[n] != ',')))
			die("error", "message does not start with its line");
	}
	numbers = malloc((imp.nrows ? imp.nrows : 1) * sizeof(*numbers));
	if (!numbers)
		die("malloc", "failed");
	for (size_t i = 0; i < imp.nrows; i++) {
		const struct article_row *a = &imp.rows[i];

		check_text(a->article_number, sizeof(a->article_number), true);
		check_text(a->name, sizeof(a->name), false);
		check_text(a->unit, sizeof(a->unit), false);
		check_text(a->supplier, sizeof(a->supplier), false);
		if (a->area < 0 || a->area >= area_count())
			die("row", "area");
		if (a->package_size < 1 || a->package_size > ASSORTMENT_MAX_PACKAGE_SIZE)
			die("row", "package size");
		if (a->price_ore < 0 || a->price_ore > ASSORTMENT_MAX_PRICE_ORE)
			die("row", "price");
		if (a->special && a->stocked)
			die("row", "special and stocked (DOMAIN.md §3)");
		if (a->acute_assortment && !a->stocked)
			die("row", "acute assortment but not stocked");
		if (a->price_from == LMN_DAY_NONE)
			die("row", "no price date");
		if (a->line < 2 || (i > 0 && a->line <= imp.rows[i - 1].line))
			die("row", "line");
		numbers[i] = a->article_number;
	}
	qsort(numbers, imp.nrows, sizeof(*numbers), by_number);
	for (size_t i = 1; i < imp.nrows; i++)
		if (strcmp(numbers[i - 1], numbers[i]) == 0)
			die("rows", "duplicate article number kept");
	free(numbers);
	assortment_import_release(&imp);
}

/* The product area list as migration 0018 seeds it (a store registers it when opened). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const areas[][2] = { { "nutrition", "Nutrition" },
						{ "incontinence", "Inkontinens" },
						{ "diabetes", "Diabetes" },
						{ "stoma", "Stomi" } };
	struct lmn_err err;

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		if (area_register(areas[i][0], strlen(areas[i][0]), areas[i][1], NULL, &err) !=
		    LMN_OK)
			die("area_register", err.message);
	areas_set_listed();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that ASan catches a read past the end. */
	char *s = malloc(size ? size : 1);

	if (!s)
		die("malloc", "failed");
	if (size)
		memcpy(s, data, size);
	check_reader(s, size);
	check_mapping(s, size, size % 2 ? LMN_DAY_NONE : date_from_ymd(2026, 1, 30));
	free(s);
	return 0;
}
