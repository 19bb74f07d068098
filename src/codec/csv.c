/* RFC 4180 CSV reader over a buffer in memory (see csv.h). */
#include "codec/csv.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NO_COPY SIZE_MAX

static bool bom_at(const char *data, size_t len)
{
	return len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	       (unsigned char)data[2] == 0xBF;
}

/* Length of the line end (CRLF, LF or a lone CR) at pos, or 0 when there is none. */
static size_t eol_at(const char *s, size_t pos, size_t len)
{
	if (pos >= len)
		return 0;
	if (s[pos] == '\n')
		return 1;
	if (s[pos] == '\r')
		return pos + 1 < len && s[pos + 1] == '\n' ? 2 : 1;
	return 0;
}

/* Line ends in s[0, n), each of CRLF, LF and a lone CR counting once. */
static long count_lines(const char *s, size_t n)
{
	long lines = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
			lines++;
	return lines;
}

char csv_detect_delimiter(const char *data, size_t len)
{
	size_t semi = 0, comma = 0, i = bom_at(data, len) ? 3 : 0;
	bool quoted = false;

	for (; i < len; i++) {
		char c = data[i];

		if (c == '"')
			quoted = !quoted; /* "" inside quotes toggles twice: no change */
		else if (quoted)
			continue;
		else if (c == '\n' || c == '\r')
			break;
		else if (c == ';')
			semi++;
		else if (c == ',')
			comma++;
	}
	return comma > semi ? ',' : ';';
}

void csv_init(struct csv_reader *r, const char *data, size_t len, char delim)
{
	r->data = data;
	r->len = len;
	r->pos = bom_at(data, len) ? 3 : 0;
	if (delim == '\0' || delim == '"' || delim == '\r' || delim == '\n')
		delim = csv_detect_delimiter(data, len);
	r->delim = delim;
	r->line = 1;
	r->err_line = 0;
	/* Every field at its cap still fits, so the cap only guards against a bug. */
	buf_init(&r->scratch, CSV_MAX_FIELDS * CSV_MAX_FIELD + CSV_MAX_FIELDS);
}

void csv_release(struct csv_reader *r)
{
	buf_release(&r->scratch);
}

/* Records the first error of a record; later ones in the same record are dropped. */
__attribute__((format(printf, 5, 6))) static void refuse(struct csv_reader *r, bool *failed,
							 struct lmn_err *err, long line,
							 const char *fmt, ...)
{
	char msg[sizeof(err->message)];
	va_list ap;

	if (*failed)
		return;
	*failed = true;
	r->err_line = line;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lmn_err_set(err, LMN_EINVAL, "csv", "RFC 4180", "%s", msg);
}

/* Appends data[from, to) to the field's copy while the field stays within its cap. */
static void copy_piece(struct csv_reader *r, size_t from, size_t to, size_t flen, bool keep)
{
	if (keep && flen + (to - from) <= CSV_MAX_FIELD)
		buf_add(&r->scratch, r->data + from, to - from);
}

/* A quoted field, r->pos at its opening quote. Leaves r->pos after the closing quote. */
static void quoted_field(struct csv_reader *r, struct csv_field *f, size_t *off, size_t n,
			 bool *failed, struct lmn_err *err)
{
	size_t start = ++r->pos, seg = start, flen = 0;
	long qline = r->line;
	bool keep = n <= CSV_MAX_FIELDS;

	*off = NO_COPY;
	for (;;) {
		const char *q = memchr(r->data + r->pos, '"', r->len - r->pos);
		size_t at;

		if (!q) {
			flen += r->len - seg;
			r->pos = r->len;
			refuse(r, failed, err, qline,
			       "rad %ld: citattecknet som inleder fält %zu avslutas aldrig "
			       "(ett citattecken i ett fält skrivs \"\")",
			       qline, n);
			break;
		}
		at = (size_t)(q - r->data);
		if (at + 1 < r->len && r->data[at + 1] == '"') {
			/* "" stands for one quote: the field needs an unquoted copy. */
			if (*off == NO_COPY)
				*off = r->scratch.len;
			copy_piece(r, seg, at + 1, flen, keep);
			flen += at + 1 - seg;
			r->pos = at + 2;
			seg = r->pos;
			continue;
		}
		if (*off != NO_COPY)
			copy_piece(r, seg, at, flen, keep);
		flen += at - seg;
		r->pos = at + 1;
		break;
	}
	r->line += count_lines(r->data + start, r->pos - start);
	f->ptr = *off == NO_COPY ? r->data + start : NULL;
	f->len = flen;
	if (*off != NO_COPY && flen > CSV_MAX_FIELD)
		*off = NO_COPY; /* the copy was cut short; the record is refused anyway */

	/* After the closing quote: a delimiter, a line end or the end of the data. */
	if (r->pos < r->len && r->data[r->pos] != r->delim && !eol_at(r->data, r->pos, r->len)) {
		refuse(r, failed, err, r->line,
		       "rad %ld: fält %zu har tecken efter sitt avslutande citattecken "
		       "(ett citattecken i ett fält skrivs \"\")",
		       r->line, n);
		while (r->pos < r->len && r->data[r->pos] != r->delim &&
		       !eol_at(r->data, r->pos, r->len))
			r->pos++;
	}
}

/* A field without quotes, r->pos at its first byte. */
static void plain_field(struct csv_reader *r, struct csv_field *f, size_t n, bool *failed,
			struct lmn_err *err)
{
	size_t start = r->pos;

	while (r->pos < r->len) {
		char c = r->data[r->pos];

		if (c == r->delim || c == '\n' || c == '\r')
			break;
		if (c == '"')
			refuse(r, failed, err, r->line,
			       "rad %ld: fält %zu innehåller ett citattecken men börjar inte med ett; "
			       "omge fältet med citattecken och skriv \"\" för varje citattecken i det",
			       r->line, n);
		r->pos++;
	}
	f->ptr = r->data + start;
	f->len = r->pos - start;
}

enum lmn_rc csv_next_record(struct csv_reader *r, struct csv_record *rec, struct lmn_err *err)
{
	bool failed = false;
	size_t n = 0, e;

	while ((e = eol_at(r->data, r->pos, r->len)) != 0) {
		r->pos += e;
		r->line++;
	}
	if (r->pos >= r->len)
		return LMN_ENOTFOUND;
	rec->line = r->line;
	rec->nfields = 0;
	buf_reset(&r->scratch);
	for (;;) {
		struct csv_field f;
		size_t off = NO_COPY;
		long fline = r->line;

		n++;
		if (r->pos < r->len && r->data[r->pos] == '"')
			quoted_field(r, &f, &off, n, &failed, err);
		else
			plain_field(r, &f, n, &failed, err);
		if (f.len > CSV_MAX_FIELD)
			refuse(r, &failed, err, fline,
			       "rad %ld: fält %zu är %zu byte långt; högst %zu byte tillåts", fline,
			       n, f.len, CSV_MAX_FIELD);
		if (n <= CSV_MAX_FIELDS) {
			rec->fields[n - 1] = f;
			r->scratch_off[n - 1] = off;
			rec->nfields = n;
		} else if (n == CSV_MAX_FIELDS + 1) {
			refuse(r, &failed, err, fline, "rad %ld: posten har fler än %d fält", fline,
			       CSV_MAX_FIELDS);
		}
		if (r->pos < r->len && r->data[r->pos] == r->delim) {
			r->pos++;
			continue;
		}
		e = eol_at(r->data, r->pos, r->len);
		if (e) {
			r->pos += e;
			r->line++;
		}
		break;
	}
	if (r->scratch.failed)
		return lmn_err_set(err, LMN_ENOMEM, "csv", "",
				   "minnet räckte inte för att läsa rad %ld", rec->line);
	if (failed)
		return LMN_EINVAL;
	/* The scratch buffer may have moved while it grew: point into it only now. */
	for (size_t i = 0; i < rec->nfields; i++)
		if (r->scratch_off[i] != NO_COPY)
			rec->fields[i].ptr = r->scratch.data + r->scratch_off[i];
	return LMN_OK;
}

/* s as one field, after prefix ("" or the apostrophe), quoted when it must be. */
static void add_field(struct buf *b, const char *prefix, const char *s, char delim)
{
	if (!strchr(s, delim) && !strpbrk(s, "\"\r\n")) {
		buf_adds(b, prefix);
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	buf_adds(b, prefix);
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

void csv_add_field_verbatim(struct buf *b, const char *s, char delim)
{
	add_field(b, "", s, delim);
}

/* OWASP's advice on CSV injection: a spreadsheet takes a cell that starts with one of these for a
 * formula (tab and CR too, which some strip before looking), so such a text gets a leading
 * apostrophe, which makes the spreadsheet show it as text. */
void csv_add_field(struct buf *b, const char *s, char delim)
{
	add_field(b, *s && strchr("=+-@\t\r", *s) ? "'" : "", s, delim);
}
