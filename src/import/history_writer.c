/* The rows an orders import decided, written many at once by a thread of their own while the
 * import reads on. */
#include "import/history_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "store/orders.h"
#include "store/prescriptions.h"

/* Binds the values of row i of r from parameter at + 1 on (now: the time of the import). */
static void bind_order(struct db_stmt *st, int at, const char *now, const struct rows *r, size_t i)
{
	const struct order_values *v = &r->orders[i];
	const bool home = v->method == 0;
	const struct order_row row = {
		.id = v->id,
		.patient_id = v->patient_id,
		.kind = imp_kinds[v->kind],
		.channel = imp_channels[v->channel],
		.requested_by = role_name((enum role)v->requested_by),
		.entered_by = role_name((enum role)v->entered_by),
		.received_at = v->received,
		.received_day = v->day,
		.due = v->due,
		.contact_from = v->contact[0] ? v->contact : NULL,
		.rules = v->rules.data ? v->rules.data : "",
		.delivery_method = imp_methods[v->method],
		.delivery_address = home ? v->address : NULL,
		.delivery_postal_code = home ? v->postal_code : NULL,
		.delivery_city = home ? v->city : NULL,
		.delivery_phone = home && v->phone[0] ? v->phone : NULL,
		.unit_id = v->method == 2 ? v->unit_id : 0,
		.status = imp_statuses[v->status],
		.external_ref = v->ref,
		.area = area_name(v->area),
		.care_provider_id = v->care_provider_id,
		.cost_unit_id = v->unit_id,
		.lines = v->lines,
	};

	(void)now;
	orders_bind(st, at, &row);
}

static void bind_line(struct db_stmt *st, int at, const char *now, const struct rows *r, size_t i)
{
	const struct line_values *v = &r->lines[i];
	const struct order_line_row row = {
		.id = v->id,
		.order_id = v->order_id,
		.article_id = v->article_id,
		.prescription_item_id = v->item,
		.quantity = v->qty,
	};

	(void)now;
	order_lines_bind(st, at, &row);
}

static void bind_rx(struct db_stmt *st, int at, const char *now, const struct rows *r, size_t i)
{
	const struct rx_values *v = &r->rxs[i];
	const struct prescription_row row = {
		.id = v->id,
		.patient_id = v->patient_id,
		.prescriber_id = v->prescriber_id,
		.unit_id = v->unit_id,
		.prescribed_on = v->day,
		.created_at = now,
	};

	prescriptions_bind(st, at, &row);
}

static void bind_item(struct db_stmt *st, int at, const char *now, const struct rows *r, size_t i)
{
	const struct item_values *v = &r->items[i];
	/* One withdrawal, made: the changes of orders_end add the item's others. */
	const struct prescription_item_row row = {
		.id = v->id,
		.prescription_id = v->rx,
		.article_id = v->article_id,
		.withdrawals_allowed = 1,
		.withdrawn = 1,
		.quantity_per_withdrawal = v->qty,
		.period_days = 90,
		.last_valid = v->day,
	};

	(void)now;
	prescription_items_bind(st, at, &row);
}

void imp_rows_release(struct rows *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->norders; i++)
		buf_release(&r->orders[i].rules);
	free(r->lines);
	free(r->rxs);
	free(r->items);
	free(r);
}

/* Writes rows r of the import m on its connection, ROWS_AT_ONCE to a statement while there are
 * as many; drops them if rc is a failure already. Returns rc or the failure to write (in err). */
static enum lmn_rc write_rows(const struct imp *m, struct rows *r, enum lmn_rc rc,
			      struct lmn_err *err)
{
	const struct {
		const char *(*sql)(int rows); /* the store's INSERT of that many rows */
		int columns;
		size_t n;
		void (*bind)(struct db_stmt *, int, const char *, const struct rows *, size_t);
	} tables[] = {
		{ prescriptions_insert_rows_sql, PRESCRIPTIONS_COLUMN_COUNT, r->nrxs, bind_rx },
		{ prescription_items_insert_rows_sql, PRESCRIPTION_ITEMS_COLUMN_COUNT, r->nitems,
		  bind_item },
		{ orders_insert_rows_sql, ORDERS_COLUMN_COUNT, r->norders, bind_order },
		{ order_lines_insert_rows_sql, ORDER_LINES_COLUMN_COUNT, r->nlines, bind_line },
	};
	struct db_stmt *st;
	const char *sql;
	size_t n;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; rc == LMN_OK && i < tables[t].n; i += n) {
			n = tables[t].n - i >= ROWS_AT_ONCE ? ROWS_AT_ONCE : 1;
			if (!(sql = tables[t].sql((int)n))) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			if ((rc = db_prepare(m->c, sql, &st, err)) != LMN_OK)
				break;
			for (size_t k = 0; k < n; k++)
				tables[t].bind(st, (int)k * tables[t].columns, m->now, r, i + k);
			rc = db_run(st, err);
		}
	for (size_t i = 0; i < r->norders; i++)
		buf_release(&r->orders[i].rules);
	r->norders = r->nlines = r->nrxs = r->nitems = 0;
	return rc;
}

/* The writer thread: writes each batch of rows handed to it (m->full) until told to stop. After a
 * failure it drops the rest (the import is rolled back). */
static void *writer_main(void *arg)
{
	struct imp *m = arg;
	struct writer *w = m->w;
	enum lmn_rc rc;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->busy)
			break;
		rc = w->rc;
		pthread_mutex_unlock(&w->lock);
		rc = write_rows(m, m->full, rc, &w->err);
		pthread_mutex_lock(&w->lock);
		if (w->rc == LMN_OK)
			w->rc = rc;
		w->busy = false;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Two batches of rows: one to fill, one to write; for a large file (the rows of that many
 * orders or more), the writer thread that writes them. Without memory for the batches the import
 * fails; without a thread, the import writes them itself. */
enum lmn_rc imp_writer_start(struct imp *m)
{
	struct writer *w;
	enum lmn_rc rc;

	if (!(m->fill = calloc(1, sizeof(*m->fill))))
		return imp_no_memory(m);
	if (m->file_rows < WRITER_ROWS)
		return LMN_OK;
	if (!(m->full = calloc(1, sizeof(*m->full))) || !(w = calloc(1, sizeof(*w))))
		return imp_no_memory(m);
	if ((rc = imp_preload(m)) != LMN_OK) {
		free(w);
		return rc;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	m->w = w;
	if (pthread_create(&w->thread, NULL, writer_main, m) != 0) {
		m->w = NULL;
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
	}
	return LMN_OK;
}

/* The writer's failure, with its message in m->err; with w->lock held. */
static enum lmn_rc writer_failure(struct imp *m)
{
	if (m->w->rc != LMN_OK)
		*m->err = m->w->err;
	return m->w->rc;
}

/* Hands the rows filled to the writer thread, once it wrote the last ones, and takes those to
 * fill next; without a writer thread, writes them. Returns the writer's failure, if any. */
enum lmn_rc imp_hand_off(struct imp *m)
{
	struct writer *w = m->w;
	struct rows *r;
	enum lmn_rc rc;

	if (!w)
		return write_rows(m, m->fill, LMN_OK, m->err);
	pthread_mutex_lock(&w->lock);
	while (w->busy)
		pthread_cond_wait(&w->cond, &w->lock);
	if ((rc = writer_failure(m)) == LMN_OK) {
		r = m->full;
		m->full = m->fill;
		m->fill = r;
		w->busy = true;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Writes every row kept (unless rc is a failure: then they are dropped) and waits until they are
 * in the store. Returns rc or the failure to write them. */
enum lmn_rc imp_drain(struct imp *m, enum lmn_rc rc)
{
	struct writer *w = m->w;

	if (!m->fill)
		return rc;
	if (rc != LMN_OK || !w)
		return write_rows(m, m->fill, rc, m->err);
	if (m->fill->norders && (rc = imp_hand_off(m)) != LMN_OK)
		return rc;
	pthread_mutex_lock(&w->lock);
	while (w->busy)
		pthread_cond_wait(&w->cond, &w->lock);
	rc = writer_failure(m);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Stops the writer thread (after drain). */
void imp_writer_stop(struct imp *m)
{
	struct writer *w = m->w;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	m->w = NULL;
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* The historical prescription item that an imported line draws on: one per patient, unit and
 * article, prescribed by the unit's "historik" account (inactive, no password), so that the lines
 * keep who carries the cost. */
