/* The history import's orders: each order's lines checked, decided by the rules in force when it
 * came in, and its prescriptions and daily sums kept. */
#include "import/history_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/identity.h"
#include "rules/delivery.h"
#include "store/prescriptions.h"
#include "store/reports.h"
#include "store/users.h"
#include "util/clock.h"
#include "util/localtime.h"

static enum lmn_rc sum_order(struct imp *m, const struct order *o, bool exempt);

/* Marks a prescription this import made, in the rx map's values. */
#define RX_NEW ((int64_t)1 << 62)

/* Adds more withdrawals of qty on day to an item's changes. */
static void item_more(struct item_change *ch, int64_t more, int64_t qty, lmn_day day)
{
	ch->more += more;
	ch->qty = qty > ch->qty ? qty : ch->qty;
	ch->last = day > ch->last ? day : ch->last;
}

/* The changes of item (their number + 1 in *at), with more withdrawals of qty on day: kept, and
 * written once at the end (orders_end). */
static enum lmn_rc item_change(struct imp *m, int64_t item, int64_t more, int64_t qty, lmn_day day,
			       int64_t *at)
{
	struct item_change *ch;

	if (imap_get(&m->change_at, (uint64_t)item, at)) {
		item_more(&m->changes[*at - 1], more, qty, day);
		return LMN_OK;
	}
	if (!(ch = imp_room(m->changes, &m->achanges, m->nchanges, sizeof(*m->changes), 1024)))
		return imp_no_memory(m);
	m->changes = ch;
	*at = (int64_t)m->nchanges + 1;
	if (!imap_put(&m->change_at, (uint64_t)item, *at))
		return imp_no_memory(m);
	m->changes[m->nchanges++] = (struct item_change){ item, more, qty, day };
	return LMN_OK;
}

/* Keeps a row for a new historical prescription of the unit's account for the patient; *rx its
 * id, marked RX_NEW. */
static enum lmn_rc new_rx(struct imp *m, const struct order *o, int64_t user, int64_t *rx)
{
	struct rows *r = m->fill;
	struct rx_values *q;

	if (!(q = imp_room(r->rxs, &r->arxs, r->nrxs, sizeof(*r->rxs), 64)))
		return imp_no_memory(m);
	r->rxs = q;
	*rx = m->next_rx++;
	q = &r->rxs[r->nrxs++];
	*q = (struct rx_values){ *rx, o->patient_id, user, o->unit_id, "" };
	date_format(o->day, q->day);
	*rx |= RX_NEW;
	return LMN_OK;
}

/* Whether the store is asked for a historical prescription or item not in its map under key
 * (*ask): for a small file (the maps hold only those met so far), or when the ids do not fit a
 * key; then the rows kept are written first, as the import's own are not in the map either. */
static enum lmn_rc ask_store(struct imp *m, uint64_t key, bool *ask)
{
	*ask = !key || !m->preloaded;
	return key ? LMN_OK : imp_drain(m, LMN_OK);
}

/* Finds the historical prescription item that line l of order o draws on (*item), or keeps rows
 * that make it: the unit's account, its prescription for the patient and the item are looked up
 * in the maps (for a large file preload_history filled them), and asked of the store when not
 * there for a small file, or when their ids do not fit a key (after the rows kept are written). */
static enum lmn_rc history_item(struct imp *m, const struct order *o, const struct order_line *l,
				int64_t *item)
{
	bool new, ask;
	int64_t v[2] = { 0 }, user = 0, rx = 0, at = 0;
	char name[40];
	bool found;
	enum lmn_rc rc;

	if (!imap_get(&m->users, (uint64_t)o->unit_id, &user)) {
		snprintf(name, sizeof(name), "historik-%lld", (long long)o->unit_id);
		if ((rc = imp_own_store(m)) != LMN_OK ||
		    (rc = imp_lookup(m, "SELECT id FROM users WHERE username = $1", name, 1, &found,
				     v)) != LMN_OK)
			return rc;
		if (!found) {
			/* Inactive and without a password: it only prescribes history. */
			const struct user_row u = { .username = name,
						    .display_name = "Historik från tidigare system",
						    .role = "prescriber",
						    .unit_id = o->unit_id,
						    .created_at = m->now };
			if ((rc = users_insert(m->c, &u, &v[0], m->err)) != LMN_OK)
				return rc;
		}
		user = v[0];
		if (!imap_put(&m->users, (uint64_t)o->unit_id, user))
			return imp_no_memory(m);
	}
	if (!imp_pair(user, o->patient_id) ||
	    !imap_get(&m->rx, imp_pair(user, o->patient_id), &rx)) {
		rx = 0;
		if ((rc = ask_store(m, imp_pair(user, o->patient_id), &ask)) != LMN_OK ||
		    (ask &&
		     (rc = imp_lookup_id(m,
					 "SELECT id FROM prescriptions WHERE prescriber_id = $1 "
					 "AND patient_id = $2 ORDER BY id LIMIT 1",
					 user, o->patient_id, &rx)) != LMN_OK))
			return rc;
		if (!rx && (rc = new_rx(m, o, user, &rx)) != LMN_OK)
			return rc;
		if (imp_pair(user, o->patient_id) &&
		    !imap_put(&m->rx, imp_pair(user, o->patient_id), rx))
			return imp_no_memory(m);
	}
	/* A prescription made by this import has only the items it made (all in the map). */
	new = (rx & RX_NEW) != 0;
	rx &= ~RX_NEW;
	if (imp_pair(rx, l->a.id) && imap_get(&m->items, imp_pair(rx, l->a.id), &at)) {
		item_more(&m->changes[at - 1], 1, l->qty, o->day);
		*item = m->changes[at - 1].id;
		return LMN_OK;
	}
	*item = 0;
	if (!new &&
	    ((rc = ask_store(m, imp_pair(rx, l->a.id), &ask)) != LMN_OK ||
	     (ask &&
	      (rc = imp_lookup_id(m,
				  "SELECT id FROM prescription_items WHERE "
				  "prescription_id = $1 AND article_id = $2 ORDER BY id LIMIT 1",
				  rx, l->a.id, item)) != LMN_OK)))
		return rc;
	if (*item) {
		rc = item_change(m, *item, 1, l->qty, o->day, &at);
	} else {
		struct rows *r = m->fill;
		struct item_values *q;

		if (!(q = imp_room(r->items, &r->aitems, r->nitems, sizeof(*r->items), 64)))
			return imp_no_memory(m);
		r->items = q;
		*item = m->next_item++;
		q = &r->items[r->nitems++];
		*q = (struct item_values){ *item, rx, l->a.id, l->qty, "" };
		date_format(o->day, q->day);
		rc = item_change(m, *item, 0, l->qty, o->day, &at);
	}
	if (rc == LMN_OK && imp_pair(rx, l->a.id) &&
	    !imap_put(&m->items, imp_pair(rx, l->a.id), at))
		return imp_no_memory(m);
	return rc;
}

/* For a large file: the historical accounts of the units, their prescriptions and the
 * prescriptions' items (the first of each, as the store would find it), so that history_item need
 * not ask the store. */
static enum lmn_rc preload_history(struct imp *m)
{
	static const char *const sql[] = {
		"SELECT unit_id, id FROM users WHERE username = 'historik-' || unit_id ORDER BY id",
		"SELECT p.prescriber_id, p.patient_id, p.id FROM prescriptions p JOIN users u ON "
		"u.id = p.prescriber_id WHERE u.username = 'historik-' || u.unit_id ORDER BY p.id",
		"SELECT i.prescription_id, i.article_id, i.id FROM prescription_items i JOIN "
		"prescriptions p ON p.id = i.prescription_id JOIN users u ON u.id = p.prescriber_id "
		"WHERE u.username = 'historik-' || u.unit_id ORDER BY i.id",
	};
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = LMN_OK;

	for (int k = 0; m->preloaded && k < 3 && rc == LMN_OK; k++) {
		if ((rc = db_prepare(m->c, sql[k], &st, m->err)) != LMN_OK)
			break;
		while (rc == LMN_OK && (rc = db_step(st, &row, m->err)) == LMN_OK && row) {
			int64_t a = db_col_int(st, 0), b = db_col_int(st, 1),
				id = db_col_int(st, 2);
			int64_t at;

			if (k == 0 && !imap_get(&m->users, (uint64_t)a, &at) &&
			    !imap_put(&m->users, (uint64_t)a, b))
				rc = imp_no_memory(m);
			else if (k == 1 && imp_pair(a, b) &&
				 !imap_get(&m->rx, imp_pair(a, b), &at) &&
				 !imap_put(&m->rx, imp_pair(a, b), id))
				rc = imp_no_memory(m);
			else if (k == 2 && imp_pair(a, b) &&
				 !imap_get(&m->items, imp_pair(a, b), &at) &&
				 ((rc = item_change(m, id, 0, 0, LMN_DAY_NONE, &at)) != LMN_OK ||
				  !imap_put(&m->items, imp_pair(a, b), at)))
				rc = rc != LMN_OK ? rc : imp_no_memory(m);
		}
		db_done(st);
	}
	return rc;
}

/* Decides the order's due and contact dates as in force when it was received, and keeps its row
 * and its lines' for write_rows. */
enum lmn_rc imp_order_flush(struct imp *m, struct order *o)
{
	struct order_facts f;
	struct delivery_decision d;
	struct order_values *v;
	enum lmn_rc rc;

	if (!o->open || o->bad)
		return LMN_OK;
	order_facts_init(&f);
	f.received_day = o->day;
	f.received_sec = o->sec;
	f.kind = (enum order_kind)o->kind;
	f.requested_by = (enum role)o->requested_by;
	f.entered_by = (enum role)o->entered_by;
	f.area = o->lines[0].a.area;
	f.stocked = f.acute_assortment = true;
	/* As for a new order (api/orders.c): the order is exempt from delay contact only when every
	 * line is; the job then leaves out the exempt lines (store/contact_cases.c). */
	f.special = true;
	f.municipal_housing = o->municipal_housing;
	for (int i = 0; i < o->nlines; i++) {
		f.area = f.area == o->lines[i].a.area ? f.area : AREA_UNKNOWN;
		f.stocked = f.stocked && o->lines[i].a.stocked;
		f.acute_assortment = f.acute_assortment && o->lines[i].a.acute;
		f.special = f.special && o->lines[i].a.special;
	}
	rc = delivery_decide(m->p, &f, &d, m->err);
	if (rc == LMN_EREFUSED) {
		struct buf msg;
		buf_init(&msg, 1024);
		delivery_message(&d, &msg);
		rc = imp_fault(m, o->line, NULL, "order %s: %s (regel %s)", o->ref,
			       msg.data ? msg.data : "",
			       d.rs && d.rs->src[d.refused_by] ? d.rs->src[d.refused_by]->ref
							       : "?");
		buf_release(&msg);
		return rc;
	}
	if (rc == LMN_EINVAL)
		return imp_fault(m, o->line, "received_at", "%s", m->err->message);
	if (rc != LMN_OK)
		return rc;
	if (!m->fill)
		return imp_no_memory(m);
	/* The report columns as the triggers set aside would set them (migrations 7, 10): of the
	 * first line, whose prescription is the unit's; the number of lines. */
	v = &m->fill->orders[m->fill->norders++];
	*v = (struct order_values){
		.id = m->next_order++,
		.patient_id = o->patient_id,
		.unit_id = o->unit_id,
		.care_provider_id = o->care_provider_id,
		.lines = m->aside[2] || m->triggers_off ? o->nlines : 0,
		.kind = o->kind,
		.channel = o->channel,
		.requested_by = o->requested_by,
		.entered_by = o->entered_by,
		.method = o->method,
		.status = o->status,
		.area = o->lines[0].a.area,
	};
	buf_init(&v->rules, 512);
	for (int r = 0; r < d.nrules; r++) {
		if (r)
			buf_addc(&v->rules, ' ');
		buf_adds(&v->rules, d.rules[r]->ref);
	}
	clock_format(o->day, o->sec, v->received);
	date_format(o->day, v->day);
	date_format(d.due, v->due);
	if (d.contact_from != LMN_DAY_NONE)
		date_format(d.contact_from, v->contact);
	imp_copy_text(v->ref, sizeof(v->ref), o->ref);
	if (o->method == 0) {
		imp_copy_text(v->address, sizeof(v->address), o->address);
		imp_copy_text(v->postal_code, sizeof(v->postal_code), o->postal_code);
		imp_copy_text(v->city, sizeof(v->city), o->city);
		imp_copy_text(v->phone, sizeof(v->phone), o->phone);
	}
	if ((rc = sum_order(m, o, d.contact_from == LMN_DAY_NONE)) != LMN_OK)
		return rc;
	m->res->orders++;
	for (int i = 0; i < o->nlines; i++) {
		int64_t item = 0;
		struct line_values *q;

		if ((rc = history_item(m, o, &o->lines[i], &item)) != LMN_OK)
			return rc;
		if (!(q = imp_room(m->fill->lines, &m->fill->alines, m->fill->nlines,
				   sizeof(*m->fill->lines), 64)))
			return imp_no_memory(m);
		m->fill->lines = q;
		m->fill->lines[m->fill->nlines++] =
			(struct line_values){ m->next_line++, v->id, o->lines[i].a.id, item,
					      o->lines[i].qty };
		m->res->lines++;
	}
	return m->fill->norders == ROWS_BATCH ? imp_hand_off(m) : LMN_OK;
}

/* The triggers that run for each order and line inserted (migrations 7, 8 and 10). An orders
 * import sets them aside inside its transaction and does their work itself, once per order and
 * the daily sums once per day at the end (order_flush, orders_end): a statement that fires
 * triggers also keeps a journal of every page it changes, so that it can be undone alone. */
static const char *const insert_triggers[] = { "report_days_order_insert",
					       "report_order_first_line", "order_lines_count" };

/* Indexes an orders import does not read. When the file holds more orders than the store has,
 * they are set aside too and built again at the end: SQLite builds an index from sorted rows
 * much faster than it inserts a row at a time at scattered places (orders_patient_list by
 * patient). With many orders in the store already, building them again would cost more. */
static const char *const bulk_indexes[] = { "orders_patient_list", "orders_due",
					    "orders_contact",	   "orders_undelivered",
					    "prescriptions_unit",  "orders_external_ref" };

/* Drops the schema object `kind name` after keeping its SQL in *saved (NULL: not there).
 * PostgreSQL keeps them all (*saved NULL): its import is an ordinary writing transaction, and
 * dropping an index or a trigger there would lock the table against lmn serve's readers until the
 * commit. Its triggers then derive the report columns and daily sums as for any order, unless the
 * import may turn them off for its transaction (db_triggers_off). */
static enum lmn_rc set_aside(struct imp *m, const char *kind, const char *name, char **saved)
{
	char drop[96];
	enum lmn_rc rc;

	*saved = NULL;
	if (db_is_pg(m->c))
		return LMN_OK;
	if ((rc = imp_lookup_text(m, "SELECT sql FROM sqlite_schema WHERE name = $1", name,
				  saved)) != LMN_OK ||
	    !*saved)
		return rc;
	snprintf(drop, sizeof(drop), "DROP %s %s", kind, name);
	return db_exec(m->c, drop, m->err);
}

/* Keeps an order's reference (the first of its hash: another one of the same hash is looked up
 * in the store by imported_before). */
static enum lmn_rc keep_ref(struct imp *m, const char *ref)
{
	size_t n = strlen(ref) + 1;
	char *q;

	if (imap_get(&m->refs, imap_str_key(ref), &(int64_t){ 0 }))
		return LMN_OK;
	while (m->nref_text + n > m->aref_text) {
		size_t cap = m->aref_text ? m->aref_text * 2 : 1 << 16;
		if (!(q = realloc(m->ref_text, cap)))
			return imp_no_memory(m);
		m->ref_text = q;
		m->aref_text = cap;
	}
	memcpy(m->ref_text + m->nref_text, ref, n);
	if (!imap_put(&m->refs, imap_str_key(ref), (int64_t)m->nref_text + 1))
		return imp_no_memory(m);
	m->nref_text += n;
	return LMN_OK;
}

/* Before the rows of an orders file: the indexes (for a file larger than the store) and insert
 * triggers set aside, and for a large file the references of the orders imported before kept, so
 * that imported_before need not ask the store. */
enum lmn_rc imp_orders_begin(struct imp *m)
{
	struct db_stmt *st;
	bool row, larger; /* larger: the file holds more orders than the store */
	enum lmn_rc rc;
	int64_t stored = 0;

	/* The rows are numbered as the engine would number them, and the engine told at the end. */
	if ((rc = db_next_id(m->c, "orders", "id", &m->next_order, m->err)) != LMN_OK ||
	    (rc = db_next_id(m->c, "order_lines", "id", &m->next_line, m->err)) != LMN_OK ||
	    (rc = db_next_id(m->c, "prescriptions", "id", &m->next_rx, m->err)) != LMN_OK ||
	    (rc = db_next_id(m->c, "prescription_items", "id", &m->next_item, m->err)) != LMN_OK)
		return rc;
	if ((rc = db_prepare(m->c, "SELECT coalesce(max(id), 0) FROM orders", &st, m->err)) !=
	    LMN_OK)
		return rc;
	rc = db_step(st, &row, m->err);
	stored = row ? db_col_int(st, 0) : 0;
	db_done(st);
	/* Reading the store's references and history costs less than a look-up per row when the
	 * file is large or larger than the store (whose index of references is then set aside). */
	larger = (size_t)stored < m->file_rows;
	m->preloaded = m->file_rows >= WRITER_ROWS || larger;
	for (size_t i = 0;
	     rc == LMN_OK && larger && i < sizeof(bulk_indexes) / sizeof(bulk_indexes[0]); i++)
		rc = set_aside(m, "INDEX", bulk_indexes[i], &m->aside_index[i]);
	if (rc != LMN_OK)
		return rc;

	for (size_t i = 0; i < sizeof(insert_triggers) / sizeof(insert_triggers[0]); i++)
		if ((rc = set_aside(m, "TRIGGER", insert_triggers[i], &m->aside[i])) != LMN_OK)
			return rc;
	/* PostgreSQL, where the role may: no trigger nor reference check for the transaction. */
	if ((rc = db_triggers_off(m->c, &m->triggers_off, m->err)) != LMN_OK)
		return rc;

	if (m->preloaded) {
		if ((rc = db_prepare(
			     m->c, "SELECT external_ref FROM orders WHERE external_ref IS NOT NULL",
			     &st, m->err)) != LMN_OK)
			return rc;
		while (rc == LMN_OK && (rc = db_step(st, &row, m->err)) == LMN_OK && row)
			rc = keep_ref(m, db_col_text(st, 0));
		db_done(st);
	}
	if (rc == LMN_OK)
		rc = preload_history(m);
	return rc == LMN_OK ? imp_writer_start(m) : rc;
}

/* Makes a schema object set aside again from its SQL (also after a failure); returns rc, or the
 * failure to make it. */
static enum lmn_rc make_again(struct imp *m, char **saved, enum lmn_rc rc)
{
	struct lmn_err e;
	enum lmn_rc made = *saved ? db_exec(m->c, *saved, &e) : LMN_OK;

	if (made != LMN_OK && rc == LMN_OK)
		rc = lmn_err_set(m->err, made, NULL, NULL, "%s", e.message);
	free(*saved);
	*saved = NULL;
	return rc;
}

/* Tells the engine the ids the import gave (PostgreSQL's identities; SQLite numbers after the
 * highest by itself). */
static enum lmn_rc ids_follow(struct imp *m)
{
	enum lmn_rc rc;

	if ((rc = db_set_next_id(m->c, "orders", "id", m->next_order, m->err)) != LMN_OK ||
	    (rc = db_set_next_id(m->c, "order_lines", "id", m->next_line, m->err)) != LMN_OK ||
	    (rc = db_set_next_id(m->c, "prescriptions", "id", m->next_rx, m->err)) != LMN_OK)
		return rc;
	return db_set_next_id(m->c, "prescription_items", "id", m->next_item, m->err);
}

/* After the rows of an orders file: the orders still kept, the items' changes and the daily sums
 * of the orders written, then the triggers and indexes set aside are made again (also after a
 * failure, though the caller then rolls back anyway). */
enum lmn_rc imp_orders_end(struct imp *m, enum lmn_rc rc)
{
	size_t n = 0, built = 0; /* indexes to build again, and built */

	rc = imp_drain(m, rc);
	imp_writer_stop(m);

	for (size_t i = 0; rc == LMN_OK && i < m->nchanges; i++) {
		const struct item_change *ch = &m->changes[i];
		char last[11];

		if (ch->more == 0)
			continue;
		date_format(ch->last, last);
		rc = prescription_item_grow(m->c, ch->id, ch->more, ch->qty, last, m->err);
	}
	for (size_t i = 0; rc == LMN_OK && i < m->nsums; i++) {
		const struct day_sum *d = &m->sums[i];
		char day[11];

		date_format(d->day, day);
		const struct report_order_day r = { .day = day,
						    .care_provider_id = d->care_provider_id,
						    .area = area_name(d->area),
						    .orders = d->orders,
						    .digital = d->digital,
						    .via_1177 = d->via_1177,
						    .exempt = d->exempt };
		rc = report_order_days_add(m->c, &r, m->err);
	}
	/* Not for a file with errors, which is rolled back: a sequence is not, and the next import
	 * would number after ids never written, unlike SQLite. */
	if (rc == LMN_OK && m->res->nerrors + m->res->errors_dropped == 0)
		rc = ids_follow(m);
	for (size_t i = 0; i < sizeof(m->aside) / sizeof(m->aside[0]); i++)
		rc = make_again(m, &m->aside[i], rc);
	for (size_t i = 0; i < sizeof(m->aside_index) / sizeof(m->aside_index[0]); i++)
		n += m->aside_index[i] != NULL;
	for (size_t i = 0; i < sizeof(m->aside_index) / sizeof(m->aside_index[0]); i++) {
		if (m->progress && m->aside_index[i] && rc == LMN_OK)
			m->progress(m->pctx, HISTORY_INDEXES, built++, n);
		rc = make_again(m, &m->aside_index[i], rc);
	}
	if (m->progress && n > 0 && rc == LMN_OK)
		m->progress(m->pctx, HISTORY_INDEXES, n, n);
	return rc;
}

/* Adds an order written by order_flush to the daily sums, as report_days_order_insert would. */
static enum lmn_rc sum_order(struct imp *m, const struct order *o, bool exempt)
{
	/* Days, care providers and the two areas fit the key; the hash map takes any key but 0. */
	uint64_t key = (uint64_t)(uint32_t)(o->day + (1 << 30)) << 32 ^
		       (uint64_t)o->care_provider_id << 1 ^ (uint64_t)(o->lines[0].a.area & 1);
	struct day_sum *d;
	int64_t i;

	if (!(m->aside[0] || m->triggers_off) || o->status == 1 /* cancelled */)
		return LMN_OK;
	if (imap_get(&m->sum_at, key, &i)) {
		d = &m->sums[i - 1];
	} else {
		if (!(d = imp_room(m->sums, &m->asums, m->nsums, sizeof(*m->sums), 1024)))
			return imp_no_memory(m);
		m->sums = d;
		if (!imap_put(&m->sum_at, key, (int64_t)m->nsums + 1))
			return imp_no_memory(m);
		d = &m->sums[m->nsums++];
		*d = (struct day_sum){ .day = o->day,
				       .care_provider_id = o->care_provider_id,
				       .area = o->lines[0].a.area };
	}
	d->orders++;
	d->digital += o->channel == CHANNEL_DIGITAL;
	d->via_1177 += o->channel == CHANNEL_1177;
	d->exempt += exempt;
	return LMN_OK;
}

/* Whether an order with this reference was imported before (or earlier in this file), from the
 * references kept: for a large file all of them (orders_begin reads the store's), so only another
 * reference of the same hash (all but never) asks the store; for a small file those of the file,
 * and the store is asked for the others. */
static enum lmn_rc imported_before(struct imp *m, const char *ref, bool *found)
{
	int64_t v[2], at;
	enum lmn_rc rc;

	*found = false;
	if (imap_get(&m->refs, imap_str_key(ref), &at)) {
		if (strcmp(m->ref_text + at - 1, ref) == 0) {
			*found = true;
			return LMN_OK;
		}
		if ((rc = imp_drain(m, LMN_OK)) !=
		    LMN_OK) /* the orders kept, to be looked up too */
			return rc;
	} else if (m->preloaded) {
		return keep_ref(m, ref);
	}
	if ((rc = imp_lookup(m, "SELECT id FROM orders WHERE external_ref = $1", ref, 1, found,
			     v)) != LMN_OK ||
	    *found)
		return rc;
	return keep_ref(m, ref); /* (another of the same hash is not kept: asked of the store) */
}

/* Keeps the patient of st's row (if found: id, and address, postal code, city and phone for the
 * delivery) or that there is none by number; NULL when memory ran out. */
static struct named *patient_keep(struct imp *m, const char *number, struct db_stmt *st, bool found)
{
	struct named *e = imp_cache_put(&m->patients, number);
	struct buf t;

	if (!e || !(e->found = found))
		return e;
	e->id = db_col_int(st, 0);
	e->other = db_col_int(st, 5); /* municipal housing */
	buf_init(&t, 4096);
	for (int i = 1; i <= 4; i++) {
		buf_adds(&t, db_col_text(st, i));
		buf_addc(&t, '\0');
	}
	e->text = t.failed ? NULL : buf_detach(&t, NULL);
	buf_release(&t);
	return e->text ? e : NULL;
}

/* The patient with this identity number: id and address for the delivery into o. */
static enum lmn_rc patient_of(struct imp *m, const char *number, struct order *o, bool *found)
{
	struct named *e = imp_cache_get(&m->patients, number);
	struct db_stmt *st;
	enum lmn_rc rc;

	if (!e) {
		if ((rc = imp_own_store(m)) != LMN_OK ||
		    (rc = db_prepare(m->c,
				     "SELECT " PATIENT_COLUMNS
				     " FROM patients WHERE id_number = $1",
				     &st, m->err)) != LMN_OK)
			return rc;
		db_bind_text(st, 1, number);
		if ((rc = db_step(st, found, m->err)) == LMN_OK)
			e = patient_keep(m, number, st, *found);
		db_done(st);
		if (rc != LMN_OK)
			return rc;
		if (!e)
			return imp_no_memory(m);
	}
	*found = e->found;
	if (e->found) {
		const char *t = e->text;
		o->patient_id = e->id;
		o->municipal_housing = e->other != 0;
		imp_copy_text(o->address, sizeof(o->address), t);
		t += strlen(t) + 1;
		imp_copy_text(o->postal_code, sizeof(o->postal_code), t);
		t += strlen(t) + 1;
		imp_copy_text(o->city, sizeof(o->city), t);
		t += strlen(t) + 1;
		imp_copy_text(o->phone, sizeof(o->phone), t);
	}
	return LMN_OK;
}

/* Keeps the units of st's row (the first's id and care provider, how many have the cost centre)
 * by cost centre; NULL when memory ran out. */
static struct named *unit_keep(struct imp *m, const char *cost_centre, struct db_stmt *st)
{
	struct named *e = imp_cache_put(&m->units, cost_centre);

	if (e) {
		e->id = db_col_int(st, 0);
		e->n = db_col_int(st, 1);
		e->other = db_col_int(st, 2);
	}
	return e;
}

/* The unit with this cost centre into o; *n how many units have it (one is right). */
static enum lmn_rc unit_of(struct imp *m, const char *cost_centre, struct order *o, int64_t *n)
{
	struct named *e = imp_cache_get(&m->units, cost_centre);
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if (!e) {
		if ((rc = imp_own_store(m)) != LMN_OK ||
		    (rc = db_prepare(m->c,
				     "SELECT " UNIT_COLUMNS " FROM units WHERE cost_centre = $1",
				     &st, m->err)) != LMN_OK)
			return rc;
		db_bind_text(st, 1, cost_centre);
		if ((rc = db_step(st, &row, m->err)) == LMN_OK)
			e = unit_keep(m, cost_centre, st);
		db_done(st);
		if (rc != LMN_OK)
			return rc;
		if (!e)
			return imp_no_memory(m);
	}
	o->unit_id = e->id;
	o->care_provider_id = e->other;
	*n = e->n;
	return LMN_OK;
}

/* Keeps every article, patient and unit of the store, so that the import of a large file need not
 * ask it for them (its writer thread uses the connection meanwhile). */
enum lmn_rc imp_preload(struct imp *m)
{
	static const struct {
		const char *sql;
		int name; /* its column */
	} all[] = {
		{ "SELECT " ARTICLE_COLUMNS ", article_number FROM articles", 5 },
		{ "SELECT " PATIENT_COLUMNS ", id_number FROM patients", 6 },
		{ "SELECT " UNIT_COLUMNS ", cost_centre FROM units GROUP BY cost_centre", 3 },
	};
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = LMN_OK;

	for (int k = 0; k < 3 && rc == LMN_OK; k++) {
		if ((rc = db_prepare(m->c, all[k].sql, &st, m->err)) != LMN_OK)
			break;
		while (rc == LMN_OK && (rc = db_step(st, &row, m->err)) == LMN_OK && row) {
			const char *name = db_col_text(st, all[k].name);
			struct named *e = imp_cache_get(k == 0	 ? &m->articles
							: k == 1 ? &m->patients
								 : &m->units,
							name);
			if (e || strlen(name) >= sizeof(e->name)) /* one too long is asked for */
				continue;
			e = k == 0   ? imp_article_keep(m, name, st, true)
			    : k == 1 ? patient_keep(m, name, st, true)
				     : unit_keep(m, name, st);
			if (!e)
				rc = imp_no_memory(m);
		}
		db_done(st);
	}
	return rc;
}

enum lmn_rc imp_order_row(struct imp *m, struct order *o)
{
	const long line = m->rec->line;
	char ref[REF_MAX + 1], patient[40], unit[33], article[33];
	int kind, channel, req, ent, method, status;
	lmn_day day = 0;
	int32_t sec = 0;
	int64_t qty = 0;
	bool set, found, same;
	struct article a = { 0 };
	enum lmn_rc rc;

	if ((rc = imp_text(m, C_ORDER_REF, true, ref, sizeof(ref))) != LMN_OK ||
	    (rc = imp_when(m, C_RECEIVED_AT, true, &day, &sec, &set)) != LMN_OK ||
	    (rc = imp_text(m, C_PATIENT, true, patient, sizeof(patient))) != LMN_OK ||
	    (rc = imp_text(m, C_UNIT, true, unit, sizeof(unit))) != LMN_OK ||
	    (rc = imp_text(m, C_ARTICLE, true, article, sizeof(article))) != LMN_OK ||
	    (rc = imp_quantity(m, &qty)) != LMN_OK ||
	    (rc = imp_word(m, C_KIND, imp_kinds, 0, &kind)) != LMN_OK ||
	    (rc = imp_word(m, C_CHANNEL, imp_channels, -1, &channel)) != LMN_OK ||
	    (rc = imp_role_of(m, C_REQUESTED_BY, ROLE_PATIENT, &req)) != LMN_OK ||
	    (rc = imp_role_of(m, C_ENTERED_BY, req, &ent)) != LMN_OK ||
	    (rc = imp_word(m, C_METHOD, imp_methods, 0, &method)) != LMN_OK ||
	    (rc = imp_word(m, C_STATUS, imp_statuses, 0, &status)) != LMN_OK)
		return rc;
	if (*patient) {
		struct identity id;
		struct lmn_err e;
		if (identity_parse(patient, strlen(patient), m->today, &id, &e) != LMN_OK) {
			if ((rc = imp_fault(m, line, "patient", "%s", e.message)) != LMN_OK)
				return rc;
			patient[0] = '\0';
		} else {
			imp_copy_text(patient, sizeof(patient), id.canonical);
		}
	}
	same = o->open && strcmp(ref, o->ref) == 0;
	if (!same) {
		/* The previous order's refusal is its own line's error: this row is not bad for it,
		 * or the next order would go unchecked and its errors unreported. */
		bool row_bad = m->row_bad;
		if ((rc = imp_order_flush(m, o)) != LMN_OK)
			return rc;
		m->row_bad = row_bad;
		/* Not the lines: only the first nlines are read. */
		memset(o, 0, offsetof(struct order, lines));
		o->nlines = 0;
		imp_copy_text(o->ref, sizeof(o->ref), ref);
		o->open = true;
		o->line = line;
		o->day = day;
		o->sec = sec;
		imp_copy_text(o->patient, sizeof(o->patient), patient);
		imp_copy_text(o->unit, sizeof(o->unit), unit);
		o->kind = kind;
		o->channel = channel;
		o->requested_by = req;
		o->entered_by = ent;
		o->method = method;
		o->status = status;
		o->bad = m->row_bad;
		if (*ref) {
			if ((rc = imported_before(m, ref, &found)) != LMN_OK)
				return rc;
			if (found &&
			    (rc = imp_fault(m, line, "order_ref", "ordern %s är redan importerad",
					    ref)) != LMN_OK)
				return rc;
		}
		if (*patient) {
			if ((rc = patient_of(m, patient, o, &found)) != LMN_OK)
				return rc;
			if (!found &&
			    (rc = imp_fault(m, line, "patient",
					    "ingen patient med det numret finns i lmn")) != LMN_OK)
				return rc;
		}
		if (*unit) {
			int64_t n = 0;
			if ((rc = unit_of(m, unit, o, &n)) != LMN_OK)
				return rc;
			if (n != 1 &&
			    (rc = imp_fault(m, line, "unit_cost_centre",
					    n ? "kostnadsstället %s finns hos flera vårdgivare"
					      : "inget kostnadsställe %s finns i lmn",
					    unit)) != LMN_OK)
				return rc;
		}
	} else if (o->day != day || o->sec != sec || strcmp(o->patient, patient) != 0 ||
		   strcmp(o->unit, unit) != 0 || o->kind != kind || o->channel != channel ||
		   o->requested_by != req || o->entered_by != ent || o->method != method ||
		   o->status != status) {
		if ((rc = imp_fault(
			     m, line, NULL,
			     "raden hör till order %s men skiljer sig från dess första rad (rad %ld) "
			     "i något annat än artikel och antal",
			     ref, o->line)) != LMN_OK)
			return rc;
	}
	if (*article) {
		if ((rc = imp_article_of(m, article, &a, &found)) != LMN_OK)
			return rc;
		if (!found &&
		    (rc = imp_fault(m, line, "article_number",
				    "ingen artikel %s finns i sortimentet", article)) != LMN_OK)
			return rc;
	}
	if (o->nlines == MAX_ORDER_LINES &&
	    (rc = imp_fault(m, line, NULL, "order %s har fler än %d rader", ref,
			    MAX_ORDER_LINES)) != LMN_OK)
		return rc;
	if (m->row_bad) {
		o->bad = true;
		return LMN_OK;
	}
	o->lines[o->nlines++] = (struct order_line){ .a = a, .qty = qty, .line = line };
	return LMN_OK;
}
