/* Reads an assortment file (CSV with a header) into articles (DOMAIN.md §3), checking every row and
 * collecting every error with its line and column, so that an import can show them all at once and
 * then write all rows or none. The columns are documented in data/demo/README.md. */
#ifndef LMN_ASSORTMENT_CSV_H
#define LMN_ASSORTMENT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/date.h"
#include "util/rc.h"

/* Rows in one file; errors kept (more are only counted in errors_dropped, except the error that
 * ends reading a file of too many rows, which is always kept). */
#define ASSORTMENT_MAX_ROWS	    200000
#define ASSORTMENT_MAX_ERRORS	    1000
#define ASSORTMENT_MAX_PRICE_ORE    ((int64_t)1000000000) /* 10 000 000 kr */
#define ASSORTMENT_MAX_PACKAGE_SIZE 100000

struct article_row {
	char article_number[33];
	char name[201];
	int area; /* an area index (rules/areas.h) */
	char unit[17];
	int package_size;
	char supplier[101];
	bool stocked, acute_assortment, special;
	int64_t price_ore;
	lmn_day price_from;
	long line; /* where the row starts in the file */
};

struct assortment_error {
	long line;	 /* 0 when the error is about the file as a whole */
	char column[24]; /* the column at fault, or "" */
	/* The whole text, in Swedish: "rad 17, kolumn price: \"12,345\" har fler än två decimaler" */
	char message[400];
};

/* Called after every progress_every rows and once at the end; bytes_done of bytes_total is how far
 * the reader has got. */
typedef void (*assortment_progress_fn)(void *ctx, size_t rows_done, size_t bytes_done,
				       size_t bytes_total);

struct assortment_options {
	/* For rows without price_from; LMN_DAY_NONE: the column and every value are required. */
	lmn_day default_price_from;
	char delim; /* ';' or ',', or 0 to detect it from the header */
	assortment_progress_fn progress;
	void *progress_ctx;
	size_t progress_every; /* 0: every 500 rows */
};

struct assortment_import {
	struct article_row *rows; /* the rows without errors, in file order */
	size_t nrows, arows;
	struct assortment_error *errors; /* ordered by line */
	size_t nerrors, aerrors;
	size_t errors_dropped; /* errors beyond ASSORTMENT_MAX_ERRORS */
	size_t rows_read;      /* data rows seen, blank ones not counted */
	char delim;	       /* the delimiter used */
};

void assortment_import_init(struct assortment_import *imp);
void assortment_import_release(struct assortment_import *imp);

/* Reads the whole file data[0, len) into imp (which must be freshly initialised). Returns LMN_OK
 * when every row is valid; LMN_EINVAL when imp->errors lists at least one error (imp->rows then
 * holds only the valid rows and must not be imported); LMN_ENOMEM when memory ran out (err says so). */
LMN_MUST_USE enum lmn_rc assortment_csv_read(const char *data, size_t len,
					     const struct assortment_options *opt,
					     struct assortment_import *imp, struct lmn_err *err);

/* A price in kronor, "123", "123,4", "123,45" or "123.45", as öre. Refuses a third decimal (it would
 * have to be rounded), signs, spaces, thousands separators and more than ASSORTMENT_MAX_PRICE_ORE;
 * err->message then says why (without line or column). */
LMN_MUST_USE enum lmn_rc assortment_parse_price(const char *s, size_t n, int64_t *ore,
						struct lmn_err *err);

#endif
