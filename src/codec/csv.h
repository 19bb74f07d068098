/* An RFC 4180 CSV reader over a buffer held in memory: records one at a time, fields as (ptr, len).
 * Accepts what spreadsheet exports write: a UTF-8 byte order mark, CRLF, LF or CR line ends, ';' or
 * ',' between fields (detected from the header), quoted fields with "" escapes and line breaks. */
#ifndef LMN_CSV_H
#define LMN_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/rc.h"

#define CSV_MAX_FIELD  ((size_t)64 << 10) /* bytes in one field, after unquoting */
#define CSV_MAX_FIELDS 64		  /* fields in one record */

struct csv_field {
	const char
		*ptr; /* not NUL-terminated; valid until the next csv_next_record or csv_release */
	size_t len;
};

struct csv_record {
	struct csv_field fields[CSV_MAX_FIELDS];
	size_t nfields;
	long line; /* the physical line (from 1) on which the record starts */
};

struct csv_reader {
	const char *data;
	size_t len;
	size_t pos; /* bytes consumed, the byte order mark included */
	char delim;
	long line;	    /* the physical line at pos */
	long err_line;	    /* the line a refused record is reported on */
	struct buf scratch; /* unquoted copies of fields that held "" */
	size_t scratch_off[CSV_MAX_FIELDS];
};

/* Reads data[0, len), which the caller keeps unchanged until csv_release. delim is ';' or ',', or
 * 0 to detect it from the first record (see csv_detect_delimiter). */
void csv_init(struct csv_reader *r, const char *data, size_t len, char delim);
void csv_release(struct csv_reader *r);

/* ';' or ',', whichever occurs more often outside quotes in the first record of data (after a
 * byte order mark); ';' — the usual one in Swedish exports — when neither occurs or on a tie. */
char csv_detect_delimiter(const char *data, size_t len);

/* The next record into rec. Returns:
 *   LMN_OK        a record; completely empty lines are skipped, not returned;
 *   LMN_ENOTFOUND the end of the data (err untouched);
 *   LMN_EINVAL    the record breaks the format or a limit: err says how and on which line (also in
 *                 r->err_line); the reader has moved past the record, so reading may go on;
 *   LMN_ENOMEM    memory ran out.
 * A quote left open runs to the end of the data: the error names the line where it opened. */
LMN_MUST_USE enum lmn_rc csv_next_record(struct csv_reader *r, struct csv_record *rec,
					 struct lmn_err *err);

/* Appends s as one text field of an export for people (spreadsheets): quoted (with "" for a quote)
 * when it holds delim, a quote or a line break, as the reader above accepts, and with a leading
 * apostrophe when it starts with '=', '+', '-', '@', a tab or a CR, so that a spreadsheet shows it
 * as text rather than run it as a formula. Numbers are not text: write them with buf_addf, never
 * through here, so a negative amount stays a number. */
void csv_add_field(struct buf *b, const char *s, char delim);
/* As csv_add_field without the apostrophe: for a file that lmn's own reader takes back (the
 * one-row assortment file of the price page), where the text must come back unchanged. */
void csv_add_field_verbatim(struct buf *b, const char *s, char delim);

#endif
