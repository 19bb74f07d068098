/* The history import: see history.h. Columns and values are documented in data/import/README.md. */
#include "import/history_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

/* Per kind: the columns a file may have; required ones first, up to nrequired. */
static const struct {
	enum col cols[12];
	int ncols, nrequired;
} layouts[] = {
	[HISTORY_ORDERS] = { { C_ORDER_REF, C_RECEIVED_AT, C_PATIENT, C_UNIT, C_ARTICLE, C_QUANTITY,
			       C_CHANNEL, C_KIND, C_REQUESTED_BY, C_ENTERED_BY, C_METHOD,
			       C_STATUS },
			     12,
			     7 },
	[HISTORY_DELIVERIES] = { { C_ORDER_REF, C_SHIPMENT_REF, C_SHIPPED_AT, C_ARTICLE, C_QUANTITY,
				   C_BACKORDERED, C_DELIVERED_AT, C_OUTCOME, C_OUTCOME_AT },
				 9,
				 5 },
	[HISTORY_CALLS] = { { C_QUEUED_AT, C_TOPIC, C_ANSWERED_AT, C_ABANDONED_AT }, 4, 2 },
};

/* Per kind: the tables it writes many rows of (db_analyze). */
static const char *const written[][4] = {
	[HISTORY_ORDERS] = { "orders", "order_lines", "prescriptions", "prescription_items" },
	[HISTORY_DELIVERIES] = { "shipments", "shipment_lines" },
	[HISTORY_CALLS] = { "calls" },
};

void history_result_init(struct history_result *r)
{
	memset(r, 0, sizeof(*r));
}

void history_result_release(struct history_result *r)
{
	free(r->errors);
	memset(r, 0, sizeof(*r));
}

/* ---- The file ---- */

static enum lmn_rc header(struct imp *m, const struct csv_record *rec)
{
	bool seen[C__COUNT] = { false };
	enum lmn_rc rc = LMN_OK;

	for (int c = 0; c < C__COUNT; c++)
		m->colidx[c] = -1;
	m->rec = rec;
	for (size_t i = 0; i < rec->nfields && rc == LMN_OK; i++) {
		struct csv_field f = rec->fields[i];
		int known = -1;

		if (i == 0 && f.len >= 3 && memcmp(f.ptr, "\xef\xbb\xbf", 3) == 0)
			f.ptr += 3, f.len -= 3;
		for (int k = 0; k < layouts[m->kind].ncols; k++) {
			enum col c = layouts[m->kind].cols[k];
			if (strlen(imp_col_names[c]) == f.len &&
			    memcmp(imp_col_names[c], f.ptr, f.len) == 0)
				known = (int)c;
		}
		if (known < 0)
			rc = imp_fault(m, rec->line, NULL, "okänd kolumn \"%.*s\"",
				       (int)(f.len > 40 ? 40 : f.len), f.ptr);
		else if (seen[known])
			rc = imp_fault(m, rec->line, NULL, "kolumnen %s står två gånger",
				       imp_col_names[known]);
		else
			m->colidx[known] = (int)i, seen[known] = true;
	}
	for (int k = 0; k < layouts[m->kind].nrequired && rc == LMN_OK; k++) {
		enum col c = layouts[m->kind].cols[k];
		if (!seen[c])
			rc = imp_fault(m, rec->line, NULL, "kolumnen %s saknas", imp_col_names[c]);
	}
	return rc;
}

enum lmn_rc history_import(struct db_conn *c, const struct params *p, enum history_kind kind,
			   const char *data, size_t len, const char *now,
			   history_progress_fn progress, void *pctx, struct history_result *out,
			   struct lmn_err *err)
{
	struct imp m = { .c = c,
			 .p = p,
			 .kind = kind,
			 .now = now,
			 .res = out,
			 .err = err,
			 .progress = progress,
			 .pctx = pctx };

	if (!now || strlen(now) < 10 || date_parse(now, 10, &m.today) != LMN_OK)
		return lmn_err_set(err, LMN_EINVAL, "now", NULL,
				   "the time of the import is not ISO 8601");
	struct csv_reader r;
	struct csv_record *rec = malloc(sizeof(*rec));
	struct order *o = calloc(1, sizeof(*o));
	struct shipment *s = calloc(1, sizeof(*s));
	bool have_header = false;
	enum lmn_rc rc = LMN_OK;

	if (!rec || !o || !s) {
		free(rec), free(o), free(s);
		return imp_no_memory(&m);
	}
	csv_init(&r, data, len, 0);
	for (const char *q = data; (q = memchr(q, '\n', (size_t)(data + len - q))) != NULL; q++)
		m.file_rows++;
	if (kind == HISTORY_ORDERS)
		rc = imp_orders_begin(&m);
	while (rc == LMN_OK) {
		struct lmn_err e;
		enum lmn_rc rr = csv_next_record(&r, rec, &e);

		if (rr == LMN_ENOTFOUND)
			break;
		if (rr == LMN_EINVAL) {
			rc = imp_fault(&m, r.err_line, NULL, "%s", e.message);
			continue;
		}
		if (rr != LMN_OK) {
			rc = lmn_err_set(err, rr, NULL, NULL, "%s", e.message);
			break;
		}
		m.rec = rec;
		m.row_bad = false;
		if (!have_header) {
			have_header = true;
			rc = header(&m, rec);
			if (out->nerrors)
				break; /* without the columns no row can be read */
			continue;
		}
		out->rows++;
		if (kind == HISTORY_ORDERS)
			rc = imp_order_row(&m, o);
		else if (kind == HISTORY_DELIVERIES)
			rc = imp_delivery_row(&m, s);
		else
			rc = imp_call_row(&m);
		if (progress && out->rows % PROGRESS_EVERY == 0)
			progress(pctx, HISTORY_ROWS, r.pos, len);
	}
	if (rc == LMN_OK && kind == HISTORY_ORDERS)
		rc = imp_order_flush(&m, o);
	if (progress)
		progress(pctx, HISTORY_ROWS, len, len);
	if (kind == HISTORY_ORDERS)
		rc = imp_orders_end(&m, rc);
	if (rc == LMN_OK && kind == HISTORY_DELIVERIES)
		rc = imp_shipment_flush(&m, s);
	if (rc == LMN_OK && !have_header)
		rc = imp_fault(&m, 1, NULL,
			       "filen är tom: den första raden ska ha kolumnernas namn");
	csv_release(&r);
	imap_release(&m.users);
	imap_release(&m.rx);
	imap_release(&m.items);
	imp_cache_release(&m.patients);
	imp_cache_release(&m.units);
	imp_cache_release(&m.articles);
	imap_release(&m.refs);
	free(m.ref_text);
	imap_release(&m.sum_at);
	free(m.sums);
	imap_release(&m.change_at);
	free(m.changes);
	imp_rows_release(m.fill);
	imp_rows_release(m.full);
	free(rec);
	free(o);
	free(s);
	/* An order's rule refusal is found at its end: put every error in line order (stable). */
	for (size_t i = 1; i < out->nerrors; i++)
		for (size_t j = i; j > 0 && out->errors[j - 1].line > out->errors[j].line; j--) {
			struct history_error t = out->errors[j];
			out->errors[j] = out->errors[j - 1];
			out->errors[j - 1] = t;
		}
	if (rc == LMN_OK && out->nerrors + out->errors_dropped > 0)
		rc = LMN_EINVAL;
	for (size_t i = 0;
	     rc == LMN_OK && i < sizeof(written[0]) / sizeof(written[0][0]) && written[kind][i];
	     i++)
		rc = db_analyze(c, written[kind][i], err);
	return rc;
}
