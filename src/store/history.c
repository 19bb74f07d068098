/* The history import: see history.h. Columns and values are documented in data/import/README.md. */
#include "store/history.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/csv.h"
#include "core/fulfilment.h"
#include "core/identity.h"
#include "rules/delivery.h"
#include "store/orders.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/localtime.h"

#define PROGRESS_EVERY	2000
#define MAX_ORDER_LINES 200
#define REF_MAX		40

/* ---- Columns ---- */

enum col {
	/* orders */
	C_ORDER_REF,
	C_RECEIVED_AT,
	C_PATIENT,
	C_UNIT,
	C_ARTICLE,
	C_QUANTITY,
	C_KIND,
	C_CHANNEL,
	C_REQUESTED_BY,
	C_ENTERED_BY,
	C_METHOD,
	C_STATUS,
	/* deliveries (also order_ref, article_number, quantity) */
	C_SHIPMENT_REF,
	C_SHIPPED_AT,
	C_DELIVERED_AT,
	C_OUTCOME,
	C_OUTCOME_AT,
	C_BACKORDERED,
	/* calls */
	C_QUEUED_AT,
	C_ANSWERED_AT,
	C_ABANDONED_AT,
	C_TOPIC,
	C__COUNT
};

static const char *const col_names[C__COUNT] = {
	[C_ORDER_REF] = "order_ref",
	[C_RECEIVED_AT] = "received_at",
	[C_PATIENT] = "patient",
	[C_UNIT] = "unit_cost_centre",
	[C_ARTICLE] = "article_number",
	[C_QUANTITY] = "quantity",
	[C_KIND] = "kind",
	[C_CHANNEL] = "channel",
	[C_REQUESTED_BY] = "requested_by",
	[C_ENTERED_BY] = "entered_by",
	[C_METHOD] = "delivery_method",
	[C_STATUS] = "status",
	[C_SHIPMENT_REF] = "shipment_ref",
	[C_SHIPPED_AT] = "shipped_at",
	[C_DELIVERED_AT] = "delivered_at",
	[C_OUTCOME] = "outcome",
	[C_OUTCOME_AT] = "outcome_at",
	[C_BACKORDERED] = "backordered",
	[C_QUEUED_AT] = "queued_at",
	[C_ANSWERED_AT] = "answered_at",
	[C_ABANDONED_AT] = "abandoned_at",
	[C_TOPIC] = "topic",
};

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

static const char *const kinds[] = { "normal", "acute", "express", NULL };
static const char *const channels[] = { "digital",	    "phone", "municipal",
					"customer_service", "1177",  NULL };
enum { CHANNEL_DIGITAL = 0, CHANNEL_1177 = 4 }; /* indexes in channels */
static const char *const methods[] = { "home", "pickup_point", "care_unit", NULL };
static const char *const statuses[] = { "received", "cancelled", NULL };
static const char *const outcomes[] = { "delivered", "returned", "not_collected", NULL };
static const char *const topics[] = { "order",	 "delivery",	  "prescription",
				      "product", "delay_contact", "other",
				      NULL };

/* An integer map with linear probing, for ids the import looks up again and again (a file of a
 * million orders names the same patients, units and articles many times). Keys are never 0. A
 * key and its value share a slot: a lookup in a map larger than the processor's caches misses
 * once, not once in the keys and again in the values. */
struct imap {
	struct slot {
		uint64_t key;
		int64_t val;
	} * slots;
	size_t cap, n;
};

static void imap_release(struct imap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static bool imap_get(const struct imap *m, uint64_t key, int64_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key) {
			*val = m->slots[i].val;
			return true;
		}
		if (m->slots[i].key == 0)
			return false;
	}
}

/* false when memory ran out (the map is then left as it was). */
static bool imap_put(struct imap *m, uint64_t key, int64_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct imap g = { .cap = m->cap ? m->cap * 2 : 1024 };
		if (!(g.slots = calloc(g.cap, sizeof(*g.slots))))
			return false;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				imap_put(&g, m->slots[i].key, m->slots[i].val);
		imap_release(m);
		*m = g;
	}
	for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key || m->slots[i].key == 0) {
			m->n += m->slots[i].key == 0;
			m->slots[i].key = key;
			m->slots[i].val = val;
			return true;
		}
	}
}

/* Copies the string src into dst of size bytes, cut to fit (snprintf's "%s" without its
 * format parsing, which a large import pays for on every row). */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Room for one more of the n elements of size bytes in array p of *cap: p itself, or p grown
 * (twice as large, first to begin with); NULL when memory ran out (p is then as it was). */
static void *room(void *p, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;
	void *q;

	if (n < *cap)
		return p;
	c = *cap ? *cap * 2 : first;
	if (!(q = realloc(p, c * size)))
		return NULL;
	*cap = c;
	return q;
}

/* FNV-1a of a string, never 0 (the maps' empty key). */
static uint64_t str_key(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

/* What the import looked up by a name (a patient's number, a cost centre, an article number):
 * entries found by the hash of the name, whose name is compared, so a rare collision is only a
 * miss (the store is asked again). */
struct named {
	char name[40];
	bool found;
	int64_t id, n, other; /* as each lookup fills them */
	char *text;	      /* a patient's address, postal code, city and phone, NUL-separated */
	struct article_info {
		int area;
		bool stocked, acute, special;
	} art;
};

struct cache {
	struct imap index; /* str_key(name) → entry number + 1 */
	struct named *e;
	size_t n, cap;
};

static void cache_release(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].text);
	free(c->e);
	imap_release(&c->index);
	memset(c, 0, sizeof(*c));
}

static struct named *cache_get(struct cache *c, const char *name)
{
	int64_t i;

	if (!imap_get(&c->index, str_key(name), &i) || strcmp(c->e[i - 1].name, name) != 0)
		return NULL;
	return &c->e[i - 1];
}

/* A new entry for name (NULL when memory ran out, or the name is too long to keep). */
static struct named *cache_put(struct cache *c, const char *name)
{
	struct named *e, *q;

	if (strlen(name) >= sizeof(e->name))
		return NULL;
	if (!(q = room(c->e, &c->cap, c->n, sizeof(*c->e), 256)))
		return NULL;
	c->e = q;
	if (!imap_put(&c->index, str_key(name), (int64_t)c->n + 1))
		return NULL;
	e = &c->e[c->n++];
	memset(e, 0, sizeof(*e));
	copy_text(e->name, sizeof(e->name), name);
	return e;
}

/* A key of two ids below 2^32, or 0 when they do not fit (then the store is asked). */
static uint64_t pair(int64_t a, int64_t b)
{
	return a > 0 && b > 0 && a < (1ll << 32) && b < (1ll << 31)
		       ? (uint64_t)a << 31 | (uint64_t)b
		       : 0;
}

/* What an imported order adds to the daily sums of the key-figure report (migration 8's
 * report_order_days), per day, care provider and area: an order not yet delivered. */
struct day_sum {
	lmn_day day;
	int64_t care_provider_id;
	int area;
	int64_t orders, digital, via_1177, exempt;
};

/* An item's changes, written once at the end: more withdrawals, the largest quantity, the last
 * day (none for an item the import wrote and no other line drew on). */
struct item_change {
	int64_t id;
	int64_t more;
	int64_t qty;
	lmn_day last;
};

struct imp {
	struct imap users; /* unit id → its historik account */
	struct imap rx;	   /* (account, patient) → prescription */
	struct imap items; /* (prescription, article) → its item's changes number + 1 */
	struct cache patients, units, articles;
	struct imap refs; /* str_key(order_ref) → its offset in ref_text + 1 */
	char *ref_text;	  /* the references of the orders imported before and now, NUL-ended */
	size_t nref_text, aref_text;
	struct imap sum_at; /* day, care provider and area → day_sums number + 1 */
	struct day_sum *sums;
	size_t nsums, asums;
	struct imap change_at; /* item id → changes number + 1 */
	struct item_change *changes;
	size_t nchanges, achanges;
	char *aside[3]; /* the insert triggers set aside during an orders import (their SQL) */
	char *aside_index[6]; /* indexes set aside while a large file fills small tables */
	size_t file_rows;     /* data rows in the file, about (lines less the header) */
	/* A large file, or one larger than the store: the maps above hold every historical
	 * account, prescription, item and order reference of the store (read at the start), so a
	 * key not found is not there. Otherwise they hold those met so far, and the store is asked
	 * for the others (orders_begin). */
	bool preloaded;
	history_progress_fn progress; /* and its context; NULL: none */
	void *pctx;
	struct db_conn *c;
	const struct params *p;
	enum history_kind kind;
	const char *now;
	lmn_day today; /* of the import: identity numbers of 10 digits take their century from it */
	struct history_result *res;
	struct lmn_err *err;
	int colidx[C__COUNT]; /* field index of each column, -1 when absent */
	const struct csv_record *rec;
	bool row_bad; /* the current row has an error */
	/* Rows kept until written (write_rows): filled by the import, then written by the writer
	 * thread (or by the import itself without one). */
	struct rows *fill, *full;
	struct writer *w;
	int64_t next_order, next_rx, next_item; /* the next rows' ids */
};

/* The writer thread of a large orders import: while the import reads, checks and decides the
 * next orders, it writes the rows of those decided (struct rows). Only one of the two uses the
 * connection at a time: the writer while it has rows to write (busy), the import otherwise (it
 * waits for the writer first, own_store). */
struct writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool busy, stop; /* full is being written; the thread is to end */
	enum lmn_rc rc;	 /* its first failure (message in err) */
	struct lmn_err err;
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

static enum lmn_rc no_memory(struct imp *m)
{
	return lmn_err_set(m->err, LMN_ENOMEM, NULL, NULL, "minnet räckte inte för importen");
}

/* Records an error of a line (column may be NULL). Only memory can fail. */
static enum lmn_rc fault(struct imp *m, long line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static enum lmn_rc fault(struct imp *m, long line, const char *column, const char *fmt, ...)
{
	struct history_result *r = m->res;
	struct history_error *e, *q;
	char text[300];
	va_list ap;

	m->row_bad = true;
	if (r->nerrors >= HISTORY_MAX_ERRORS) {
		r->errors_dropped++;
		return LMN_OK;
	}
	if (!(q = room(r->errors, &r->aerrors, r->nerrors, sizeof(*r->errors), 16)))
		return no_memory(m);
	r->errors = q;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	e = &r->errors[r->nerrors++];
	e->line = line;
	if (column)
		snprintf(e->message, sizeof(e->message), "rad %ld, kolumn %s: %s", line, column,
			 text);
	else
		snprintf(e->message, sizeof(e->message), "rad %ld: %s", line, text);
	return LMN_OK;
}

static struct csv_field field(struct imp *m, enum col c)
{
	struct csv_field f = { "", 0 };
	int i = m->colidx[c];

	if (i >= 0 && (size_t)i < m->rec->nfields)
		f = m->rec->fields[i];
	while (f.len && (f.ptr[0] == ' ' || f.ptr[0] == '\t'))
		f.ptr++, f.len--;
	while (f.len && (f.ptr[f.len - 1] == ' ' || f.ptr[f.len - 1] == '\t'))
		f.len--;
	return f;
}

/* The field as a NUL-terminated string of at most max-1 bytes; a fault when longer or, if
 * required, empty. */
static enum lmn_rc text(struct imp *m, enum col c, bool required, char *out, size_t max)
{
	struct csv_field f = field(m, c);

	out[0] = '\0';
	if (f.len == 0)
		return required ? fault(m, m->rec->line, col_names[c], "värde saknas") : LMN_OK;
	if (f.len >= max)
		return fault(m, m->rec->line, col_names[c], "längre än %zu tecken", max - 1);
	if (memchr(f.ptr, '\0', f.len))
		return fault(m, m->rec->line, col_names[c], "innehåller ett NUL-tecken");
	memcpy(out, f.ptr, f.len);
	out[f.len] = '\0';
	return LMN_OK;
}

/* One of words (or def when empty and def >= 0); *out is -1 after a fault. */
static enum lmn_rc word(struct imp *m, enum col c, const char *const *words, int def, int *out)
{
	char s[40];
	enum lmn_rc rc;

	*out = -1;
	if ((rc = text(m, c, def < 0, s, sizeof(s))) != LMN_OK)
		return rc;
	if (!*s) {
		*out = def;
		return LMN_OK;
	}
	for (int i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return LMN_OK;
		}
	{
		char list[200] = "";
		for (int i = 0; words[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? (words[i + 1] ? ", " : " eller ") : "", words[i]);
		return fault(m, m->rec->line, col_names[c], "\"%s\" ska vara %s", s, list);
	}
}

static enum lmn_rc role_of(struct imp *m, enum col c, int def, int *out)
{
	static const char *const roles[] = {
		"patient",	     "prescriber",	 "municipal_prescriber",
		"municipal_orderer", "customer_service", NULL
	};
	return word(m, c, roles, def, out);
}

/* A local time, on the import's day or before; *set is false for an empty optional field. */
static enum lmn_rc when(struct imp *m, enum col c, bool required, lmn_day *day, int32_t *sec,
			bool *set)
{
	struct csv_field f = field(m, c);
	struct lmn_err e;

	*set = false;
	if (f.len == 0)
		return required ? fault(m, m->rec->line, col_names[c], "värde saknas") : LMN_OK;
	if (localtime_parse(f.ptr, f.len, day, sec, &e) != LMN_OK)
		return fault(
			m, m->rec->line, col_names[c],
			"\"%.*s\" är ingen tidpunkt ÅÅÅÅ-MM-DD tt:mm[:ss] i svensk tid (eller med "
			"tidszon, +01:00)",
			(int)(f.len > 40 ? 40 : f.len), f.ptr);
	if (*day > m->today) { /* history cannot be later than the import: a mistyped year */
		char today[11];

		date_format(m->today, today);
		return fault(m, m->rec->line, col_names[c], "%.*s är efter importens dag %s",
			     (int)(f.len > 40 ? 40 : f.len), f.ptr, today);
	}
	*set = true;
	return LMN_OK;
}

static enum lmn_rc quantity(struct imp *m, int64_t *out)
{
	struct csv_field f = field(m, C_QUANTITY);
	int64_t v = 0;

	*out = 0;
	for (size_t i = 0; i < f.len; i++) {
		if (f.ptr[i] < '0' || f.ptr[i] > '9' || v > 100000)
			return fault(m, m->rec->line, "quantity",
				     "\"%.*s\" ska vara ett heltal 1–100000",
				     (int)(f.len > 20 ? 20 : f.len), f.ptr);
		v = v * 10 + (f.ptr[i] - '0');
	}
	if (f.len == 0 || v < 1 || v > 100000)
		return fault(m, m->rec->line, "quantity", "ska vara ett heltal 1–100000");
	*out = v;
	return LMN_OK;
}

static enum lmn_rc flag(struct imp *m, enum col c, bool *out)
{
	static const char *const words[] = { "nej", "ja", "false", "true", "0", "1", NULL };
	int i;
	enum lmn_rc rc = word(m, c, words, 0, &i);

	*out = i > 0 && i % 2 == 1;
	return rc;
}

/* ---- Lookups ---- */

/* Runs a one-row query of ncols integer columns (at most 3) with text $1 into out; *found. */
static enum lmn_rc lookup(struct imp *m, const char *sql, const char *t1, int ncols, bool *found,
			  int64_t *out)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	if ((rc = db_prepare(m->c, sql, &st, m->err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, t1);
	rc = db_step(st, found, m->err);
	if (rc == LMN_OK && *found)
		for (int i = 0; i < ncols && i < 3; i++)
			out[i] = db_col_int(st, i);
	db_done(st);
	return rc;
}

/* The id a one-row query with integers $1 and $2 selects (0: no row). */
static enum lmn_rc lookup_id(struct imp *m, const char *sql, int64_t a, int64_t b, int64_t *id)
{
	struct db_stmt *st;
	bool found = false;
	enum lmn_rc rc;

	*id = 0;
	if ((rc = db_prepare(m->c, sql, &st, m->err)) != LMN_OK)
		return rc;
	db_bind_int(st, 1, a);
	db_bind_int(st, 2, b);
	rc = db_step(st, &found, m->err);
	*id = found ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}

/* The text of a one-row query with text $1 (malloc'd; NULL when there is no row). */
static enum lmn_rc lookup_text(struct imp *m, const char *sql, const char *t1, char **out)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*out = NULL;
	if ((rc = db_prepare(m->c, sql, &st, m->err)) != LMN_OK)
		return rc;
	db_bind_text(st, 1, t1);
	rc = db_step(st, &row, m->err);
	if (rc == LMN_OK && row && !(*out = strdup(db_col_text(st, 0))))
		rc = no_memory(m);
	db_done(st);
	return rc;
}

struct article {
	int64_t id;
	int area;
	bool stocked, acute, special;
};

static enum lmn_rc drain(struct imp *m, enum lmn_rc rc);
static enum lmn_rc preload(struct imp *m);

/* Before the import asks the store itself: its writer thread, which has the connection while it
 * has rows to write, done with them. */
static enum lmn_rc own_store(struct imp *m)
{
	return m->w ? drain(m, LMN_OK) : LMN_OK;
}

/* The columns of an article, a patient and a unit that the import keeps (cache_put), with the
 * name it finds them by last for the query that reads them all (preload). */
#define ARTICLE_COLUMNS "id, area, stocked, acute_assortment, special"
#define PATIENT_COLUMNS "id, address, postal_code, city, coalesce(phone, ''), municipal_housing"
#define UNIT_COLUMNS	"min(id), count(*), min(care_provider_id)"

/* Keeps the article of st's row (if found) or that there is none by number; NULL when memory ran
 * out. */
static struct named *article_keep(struct imp *m, const char *number, struct db_stmt *st, bool found)
{
	struct named *e = cache_put(&m->articles, number);

	if (e && (e->found = found)) {
		const char *area = db_col_text(st, 1);
		e->id = db_col_int(st, 0);
		e->art = (struct article_info){ area_parse(area, strlen(area)),
						db_col_int(st, 2) != 0, db_col_int(st, 3) != 0,
						db_col_int(st, 4) != 0 };
	}
	return e;
}

static enum lmn_rc article_of(struct imp *m, const char *number, struct article *a, bool *found)
{
	struct named *e = cache_get(&m->articles, number);
	struct db_stmt *st;
	enum lmn_rc rc;

	if (!e) {
		if ((rc = own_store(m)) != LMN_OK ||
		    (rc = db_prepare(m->c,
				     "SELECT " ARTICLE_COLUMNS
				     " FROM articles WHERE article_number = $1",
				     &st, m->err)) != LMN_OK)
			return rc;
		db_bind_text(st, 1, number);
		if ((rc = db_step(st, found, m->err)) == LMN_OK)
			e = article_keep(m, number, st, *found);
		db_done(st);
		if (rc != LMN_OK)
			return rc;
		if (!e)
			return no_memory(m);
	}
	*found = e->found;
	*a = (struct article){ .id = e->id,
			       .area = e->art.area,
			       .stocked = e->art.stocked,
			       .acute = e->art.acute,
			       .special = e->art.special };
	return LMN_OK;
}

/* Runs an insert or update with integer and text parameters given as a format ('i', 't', 'n'). */
static enum lmn_rc run(struct imp *m, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;
	enum lmn_rc rc = db_prepare(m->c, sql, &st, m->err);

	if (rc != LMN_OK)
		return rc;
	va_start(ap, fmt);
	for (int i = 1; fmt[i - 1]; i++) {
		if (fmt[i - 1] == 't')
			db_bind_text_kept(st, i,
					  va_arg(ap, const char *)); /* the caller's, until done */
		else if (fmt[i - 1] == 'i')
			db_bind_int(st, i, va_arg(ap, int64_t));
		else
			db_bind_null(st, i);
	}
	va_end(ap);
	return db_run(st, m->err);
}

/* ---- Orders ---- */

struct order_line {
	struct article a;
	int64_t qty;
	long line;
};

struct order {
	char ref[REF_MAX + 1];
	bool open, bad;
	long line;
	lmn_day day;
	int32_t sec;
	char patient[40]; /* as order_row read it (a canonical number, or empty) */
	char unit[33];
	int64_t patient_id, unit_id, care_provider_id;
	char address[256], postal_code[8], city[128], phone[64]; /* the patient's, for delivery */
	int kind, channel, requested_by, entered_by, method, status;
	bool municipal_housing; /* the patient's, for municipal staff's entries (DOMAIN.md §5) */
	struct order_line lines[MAX_ORDER_LINES];
	int nlines;
};

/* Rows of orders and lines an import writes in one INSERT each: SQLite's work for a statement
 * (reset, bindings, the start of its program) is then paid once for them all. */
#define ROWS_AT_ONCE 32

/* An order's row as order_flush decided it, until write_rows writes it. */
struct order_values {
	int64_t id, patient_id, unit_id, care_provider_id, lines;
	int kind, channel, requested_by, entered_by, method, status, area;
	char received[32], day[11], due[11], contact[11], ref[REF_MAX + 1];
	struct buf rules;
	char address[256], postal_code[8], city[128], phone[64]; /* for delivery home */
};

struct line_values {
	int64_t order_id, article_id, item, qty;
};

/* A historical prescription's row, and one of its items'. */
struct rx_values {
	int64_t id, patient_id, prescriber_id, unit_id;
	char day[11];
};

struct item_values {
	int64_t id, rx, article_id, qty;
	char day[11];
};

/* The rows of ROWS_BATCH orders, their lines, and the historical prescriptions and items they
 * need, kept until written. */
#define ROWS_BATCH 1024

struct rows {
	struct order_values orders[ROWS_BATCH];
	size_t norders;
	struct line_values *lines;
	size_t nlines, alines;
	struct rx_values *rxs;
	size_t nrxs, arxs;
	struct item_values *items;
	size_t nitems, aitems;
};

#define ORDERS_INSERT "INSERT INTO orders (" ORDERS_INSERT_COLUMNS ") VALUES "
#define LINES_INSERT  "INSERT INTO order_lines (" ORDER_LINES_INSERT_COLUMNS ") VALUES "
#define RX_VALUES     "(?, ?, ?, ?, ?, ?)"
#define RX_INSERT                                                                            \
	"INSERT INTO prescriptions (id, patient_id, prescriber_id, unit_id, prescribed_on, " \
	"created_at) VALUES "
#define ITEM_VALUES "(?, ?, ?, 1, 0, ?, 90, ?)"
#define ITEMS_INSERT                                                                             \
	"INSERT INTO prescription_items (id, prescription_id, article_id, withdrawals_allowed, " \
	"withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid) VALUES "
#define TIMES_2(v)  v ", " v
#define TIMES_32(v) TIMES_2(TIMES_2(TIMES_2(TIMES_2(TIMES_2(v)))))

/* The statements for one row and for ROWS_AT_ONCE (32) rows. */
static const char *const orders_sql[2] = { ORDERS_INSERT ORDERS_ROW_PARAMS,
					   ORDERS_INSERT TIMES_32(ORDERS_ROW_PARAMS) };
static const char *const lines_sql[2] = { LINES_INSERT ORDER_LINES_ROW_PARAMS,
					  LINES_INSERT TIMES_32(ORDER_LINES_ROW_PARAMS) };
static const char *const rx_insert[2] = { RX_INSERT RX_VALUES, RX_INSERT TIMES_32(RX_VALUES) };
static const char *const items_insert[2] = { ITEMS_INSERT ITEM_VALUES,
					     ITEMS_INSERT TIMES_32(ITEM_VALUES) };

/* Binds the values of row i of r from parameter at + 1 on (now: the time of the import). */
static void bind_order(struct db_stmt *st, int at, const char *now, const struct rows *r, size_t i)
{
	const struct order_values *v = &r->orders[i];
	const bool home = v->method == 0;
	const struct order_row row = {
		.id = v->id,
		.patient_id = v->patient_id,
		.kind = kinds[v->kind],
		.channel = channels[v->channel],
		.requested_by = role_name((enum role)v->requested_by),
		.entered_by = role_name((enum role)v->entered_by),
		.received_at = v->received,
		.received_day = v->day,
		.due = v->due,
		.contact_from = v->contact[0] ? v->contact : NULL,
		.rules = v->rules.data ? v->rules.data : "",
		.delivery_method = methods[v->method],
		.delivery_address = home ? v->address : NULL,
		.delivery_postal_code = home ? v->postal_code : NULL,
		.delivery_city = home ? v->city : NULL,
		.delivery_phone = home && v->phone[0] ? v->phone : NULL,
		.unit_id = v->method == 2 ? v->unit_id : 0,
		.status = statuses[v->status],
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

	db_bind_int(st, at + 1, v->id);
	db_bind_int(st, at + 2, v->patient_id);
	db_bind_int(st, at + 3, v->prescriber_id);
	db_bind_int(st, at + 4, v->unit_id);
	db_bind_text_kept(st, at + 5, v->day);
	db_bind_text_kept(st, at + 6, now);
}

static void bind_item(struct db_stmt *st, int at, const char *now, const struct rows *r, size_t i)
{
	const struct item_values *v = &r->items[i];

	(void)now;
	db_bind_int(st, at + 1, v->id);
	db_bind_int(st, at + 2, v->rx);
	db_bind_int(st, at + 3, v->article_id);
	db_bind_int(st, at + 4, v->qty);
	db_bind_text_kept(st, at + 5, v->day);
}

static void rows_release(struct rows *r)
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
		const char *const *sql; /* for one row, for ROWS_AT_ONCE */
		int columns;
		size_t n;
		void (*bind)(struct db_stmt *, int, const char *, const struct rows *, size_t);
	} tables[] = {
		{ rx_insert, 6, r->nrxs, bind_rx },
		{ items_insert, 5, r->nitems, bind_item },
		{ orders_sql, ORDERS_COLUMN_COUNT, r->norders, bind_order },
		{ lines_sql, ORDER_LINES_COLUMN_COUNT, r->nlines, bind_line },
	};
	struct db_stmt *st;
	size_t n;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; rc == LMN_OK && i < tables[t].n; i += n) {
			n = tables[t].n - i >= ROWS_AT_ONCE ? ROWS_AT_ONCE : 1;
			if ((rc = db_prepare(m->c, tables[t].sql[n > 1], &st, err)) != LMN_OK)
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
#define WRITER_ROWS 20000

static enum lmn_rc writer_start(struct imp *m)
{
	struct writer *w;
	enum lmn_rc rc;

	if (!(m->fill = calloc(1, sizeof(*m->fill))))
		return no_memory(m);
	if (m->file_rows < WRITER_ROWS)
		return LMN_OK;
	if (!(m->full = calloc(1, sizeof(*m->full))) || !(w = calloc(1, sizeof(*w))))
		return no_memory(m);
	if ((rc = preload(m)) != LMN_OK) {
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
static enum lmn_rc hand_off(struct imp *m)
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
static enum lmn_rc drain(struct imp *m, enum lmn_rc rc)
{
	struct writer *w = m->w;

	if (!m->fill)
		return rc;
	if (rc != LMN_OK || !w)
		return write_rows(m, m->fill, rc, m->err);
	if (m->fill->norders && (rc = hand_off(m)) != LMN_OK)
		return rc;
	pthread_mutex_lock(&w->lock);
	while (w->busy)
		pthread_cond_wait(&w->cond, &w->lock);
	rc = writer_failure(m);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Stops the writer thread (after drain). */
static void writer_stop(struct imp *m)
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
	if (!(ch = room(m->changes, &m->achanges, m->nchanges, sizeof(*m->changes), 1024)))
		return no_memory(m);
	m->changes = ch;
	*at = (int64_t)m->nchanges + 1;
	if (!imap_put(&m->change_at, (uint64_t)item, *at))
		return no_memory(m);
	m->changes[m->nchanges++] = (struct item_change){ item, more, qty, day };
	return LMN_OK;
}

/* Keeps a row for a new historical prescription of the unit's account for the patient; *rx its
 * id, marked RX_NEW. */
static enum lmn_rc new_rx(struct imp *m, const struct order *o, int64_t user, int64_t *rx)
{
	struct rows *r = m->fill;
	struct rx_values *q;

	if (!(q = room(r->rxs, &r->arxs, r->nrxs, sizeof(*r->rxs), 64)))
		return no_memory(m);
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
	return key ? LMN_OK : drain(m, LMN_OK);
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
		if ((rc = own_store(m)) != LMN_OK ||
		    (rc = lookup(m, "SELECT id FROM users WHERE username = $1", name, 1, &found,
				 v)) != LMN_OK)
			return rc;
		if (!found) {
			rc = run(
				m,
				"INSERT INTO users (username, display_name, role, unit_id, active, "
				"created_at) VALUES ($1, 'Historik från tidigare system', 'prescriber', $2, "
				"0, $3)",
				"tit", name, o->unit_id, m->now);
			if (rc != LMN_OK)
				return rc;
			v[0] = db_last_id(m->c);
		}
		user = v[0];
		if (!imap_put(&m->users, (uint64_t)o->unit_id, user))
			return no_memory(m);
	}
	if (!pair(user, o->patient_id) || !imap_get(&m->rx, pair(user, o->patient_id), &rx)) {
		rx = 0;
		if ((rc = ask_store(m, pair(user, o->patient_id), &ask)) != LMN_OK ||
		    (ask && (rc = lookup_id(m,
					    "SELECT id FROM prescriptions WHERE prescriber_id = $1 "
					    "AND patient_id = $2 ORDER BY id LIMIT 1",
					    user, o->patient_id, &rx)) != LMN_OK))
			return rc;
		if (!rx && (rc = new_rx(m, o, user, &rx)) != LMN_OK)
			return rc;
		if (pair(user, o->patient_id) && !imap_put(&m->rx, pair(user, o->patient_id), rx))
			return no_memory(m);
	}
	/* A prescription made by this import has only the items it made (all in the map). */
	new = (rx & RX_NEW) != 0;
	rx &= ~RX_NEW;
	if (pair(rx, l->a.id) && imap_get(&m->items, pair(rx, l->a.id), &at)) {
		item_more(&m->changes[at - 1], 1, l->qty, o->day);
		*item = m->changes[at - 1].id;
		return LMN_OK;
	}
	*item = 0;
	if (!new &&
	    ((rc = ask_store(m, pair(rx, l->a.id), &ask)) != LMN_OK ||
	     (ask && (rc = lookup_id(m,
				     "SELECT id FROM prescription_items WHERE "
				     "prescription_id = $1 AND article_id = $2 ORDER BY id LIMIT 1",
				     rx, l->a.id, item)) != LMN_OK)))
		return rc;
	if (*item) {
		rc = item_change(m, *item, 1, l->qty, o->day, &at);
	} else {
		struct rows *r = m->fill;
		struct item_values *q;

		if (!(q = room(r->items, &r->aitems, r->nitems, sizeof(*r->items), 64)))
			return no_memory(m);
		r->items = q;
		*item = m->next_item++;
		q = &r->items[r->nitems++];
		*q = (struct item_values){ *item, rx, l->a.id, l->qty, "" };
		date_format(o->day, q->day);
		rc = item_change(m, *item, 0, l->qty, o->day, &at);
	}
	if (rc == LMN_OK && pair(rx, l->a.id) && !imap_put(&m->items, pair(rx, l->a.id), at))
		return no_memory(m);
	return rc;
}

/* Keeps the next ids of prescriptions and items, and for a large file the historical accounts of
 * the units, their prescriptions and the prescriptions' items (the first of each, as the store
 * would find it), so that history_item need not ask the store. */
static enum lmn_rc preload_history(struct imp *m)
{
	static const char *const sql[] = {
		"SELECT unit_id, id FROM users WHERE username = 'historik-' || unit_id ORDER BY id",
		"SELECT p.prescriber_id, p.patient_id, p.id FROM prescriptions p JOIN users u ON "
		"u.id = p.prescriber_id WHERE u.username = 'historik-' || u.unit_id ORDER BY p.id",
		"SELECT i.prescription_id, i.article_id, i.id FROM prescription_items i JOIN "
		"prescriptions p ON p.id = i.prescription_id JOIN users u ON u.id = p.prescriber_id "
		"WHERE u.username = 'historik-' || u.unit_id ORDER BY i.id",
		"SELECT coalesce(max(id), 0) + 1, (SELECT coalesce(max(id), 0) + 1 FROM "
		"prescription_items) FROM prescriptions",
	};
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = LMN_OK;

	for (int k = m->preloaded ? 0 : 3; k < 4 && rc == LMN_OK; k++) {
		if ((rc = db_prepare(m->c, sql[k], &st, m->err)) != LMN_OK)
			break;
		while (rc == LMN_OK && (rc = db_step(st, &row, m->err)) == LMN_OK && row) {
			int64_t a = db_col_int(st, 0), b = db_col_int(st, 1),
				id = db_col_int(st, 2);
			int64_t at;

			if (k == 0 && !imap_get(&m->users, (uint64_t)a, &at) &&
			    !imap_put(&m->users, (uint64_t)a, b))
				rc = no_memory(m);
			else if (k == 1 && pair(a, b) && !imap_get(&m->rx, pair(a, b), &at) &&
				 !imap_put(&m->rx, pair(a, b), id))
				rc = no_memory(m);
			else if (k == 2 && pair(a, b) && !imap_get(&m->items, pair(a, b), &at) &&
				 ((rc = item_change(m, id, 0, 0, LMN_DAY_NONE, &at)) != LMN_OK ||
				  !imap_put(&m->items, pair(a, b), at)))
				rc = rc != LMN_OK ? rc : no_memory(m);
			else if (k == 3) {
				m->next_rx = a;
				m->next_item = b;
			}
		}
		db_done(st);
	}
	return rc;
}

static enum lmn_rc sum_order(struct imp *m, const struct order *o, bool exempt);

/* Decides the order's due and contact dates as in force when it was received, and keeps its row
 * and its lines' for write_rows. */
static enum lmn_rc order_flush(struct imp *m, struct order *o)
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
		rc = fault(m, o->line, NULL, "order %s: %s (regel %s)", o->ref,
			   msg.data ? msg.data : "",
			   d.rs && d.rs->src[d.refused_by] ? d.rs->src[d.refused_by]->ref : "?");
		buf_release(&msg);
		return rc;
	}
	if (rc == LMN_EINVAL)
		return fault(m, o->line, "received_at", "%s", m->err->message);
	if (rc != LMN_OK)
		return rc;
	if (!m->fill)
		return no_memory(m);
	/* The report columns as the triggers set aside would set them (migrations 7, 10): of the
	 * first line, whose prescription is the unit's; the number of lines. */
	v = &m->fill->orders[m->fill->norders++];
	*v = (struct order_values){
		.id = m->next_order++,
		.patient_id = o->patient_id,
		.unit_id = o->unit_id,
		.care_provider_id = o->care_provider_id,
		.lines = m->aside[2] ? o->nlines : 0,
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
	copy_text(v->ref, sizeof(v->ref), o->ref);
	if (o->method == 0) {
		copy_text(v->address, sizeof(v->address), o->address);
		copy_text(v->postal_code, sizeof(v->postal_code), o->postal_code);
		copy_text(v->city, sizeof(v->city), o->city);
		copy_text(v->phone, sizeof(v->phone), o->phone);
	}
	if ((rc = sum_order(m, o, d.contact_from == LMN_DAY_NONE)) != LMN_OK)
		return rc;
	m->res->orders++;
	for (int i = 0; i < o->nlines; i++) {
		int64_t item = 0;
		struct line_values *q;

		if ((rc = history_item(m, o, &o->lines[i], &item)) != LMN_OK)
			return rc;
		if (!(q = room(m->fill->lines, &m->fill->alines, m->fill->nlines,
			       sizeof(*m->fill->lines), 64)))
			return no_memory(m);
		m->fill->lines = q;
		m->fill->lines[m->fill->nlines++] =
			(struct line_values){ v->id, o->lines[i].a.id, item, o->lines[i].qty };
		m->res->lines++;
	}
	return m->fill->norders == ROWS_BATCH ? hand_off(m) : LMN_OK;
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

/* Drops the schema object `kind name` after keeping its SQL in *saved (NULL: not there). */
static enum lmn_rc set_aside(struct imp *m, const char *kind, const char *name, char **saved)
{
	char drop[96];
	enum lmn_rc rc;

	if ((rc = lookup_text(m, "SELECT sql FROM sqlite_schema WHERE name = $1", name, saved)) !=
		    LMN_OK ||
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

	if (imap_get(&m->refs, str_key(ref), &(int64_t){ 0 }))
		return LMN_OK;
	while (m->nref_text + n > m->aref_text) {
		size_t cap = m->aref_text ? m->aref_text * 2 : 1 << 16;
		if (!(q = realloc(m->ref_text, cap)))
			return no_memory(m);
		m->ref_text = q;
		m->aref_text = cap;
	}
	memcpy(m->ref_text + m->nref_text, ref, n);
	if (!imap_put(&m->refs, str_key(ref), (int64_t)m->nref_text + 1))
		return no_memory(m);
	m->nref_text += n;
	return LMN_OK;
}

/* Before the rows of an orders file: the indexes (for a file larger than the store) and insert
 * triggers set aside, and for a large file the references of the orders imported before kept, so
 * that imported_before need not ask the store. */
static enum lmn_rc orders_begin(struct imp *m)
{
	struct db_stmt *st;
	bool row, larger; /* larger: the file holds more orders than the store */
	enum lmn_rc rc;
	int64_t stored = 0;

	if ((rc = db_prepare(m->c, "SELECT coalesce(max(id), 0) FROM orders", &st, m->err)) !=
	    LMN_OK)
		return rc;
	rc = db_step(st, &row, m->err);
	stored = row ? db_col_int(st, 0) : 0;
	db_done(st);
	m->next_order = stored + 1; /* as SQLite would number them */
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
	return rc == LMN_OK ? writer_start(m) : rc;
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

/* After the rows of an orders file: the orders still kept, the items' changes and the daily sums
 * of the orders written, then the triggers and indexes set aside are made again (also after a
 * failure, though the caller then rolls back anyway). */
static enum lmn_rc orders_end(struct imp *m, enum lmn_rc rc)
{
	struct db_stmt *st;
	size_t n = 0, built = 0; /* indexes to build again, and built */

	rc = drain(m, rc);
	writer_stop(m);

	for (size_t i = 0; rc == LMN_OK && i < m->nchanges; i++) {
		const struct item_change *ch = &m->changes[i];
		char last[11];

		if (ch->more == 0)
			continue;
		date_format(ch->last, last);
		rc = run(
			m,
			"UPDATE prescription_items SET withdrawals_allowed = withdrawals_allowed + $2, "
			"quantity_per_withdrawal = max(quantity_per_withdrawal, $3), "
			"last_valid = max(last_valid, $4) WHERE id = $1",
			"iiit", ch->id, ch->more, ch->qty, last);
	}
	for (size_t i = 0; rc == LMN_OK && i < m->nsums; i++) {
		const struct day_sum *d = &m->sums[i];
		char day[11];

		date_format(d->day, day);
		if ((rc = db_prepare(
			     m->c,
			     "INSERT INTO report_order_days (day, care_provider_id, area, orders, "
			     "digital, via_1177, exempt) "
			     "VALUES ($1, $2, $3, $4, $5, $6, $7) "
			     "ON CONFLICT (day, care_provider_id, area) DO UPDATE SET "
			     "orders = orders + excluded.orders, digital = digital + excluded.digital, "
			     "via_1177 = via_1177 + excluded.via_1177, "
			     "exempt = exempt + excluded.exempt",
			     &st, m->err)) != LMN_OK)
			break;
		db_bind_text(st, 1, day);
		db_bind_int(st, 2, d->care_provider_id);
		db_bind_text(st, 3, area_name(d->area));
		db_bind_int(st, 4, d->orders);
		db_bind_int(st, 5, d->digital);
		db_bind_int(st, 6, d->via_1177);
		db_bind_int(st, 7, d->exempt);
		rc = db_run(st, m->err);
	}
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

	if (!m->aside[0] || o->status == 1 /* cancelled */)
		return LMN_OK;
	if (imap_get(&m->sum_at, key, &i)) {
		d = &m->sums[i - 1];
	} else {
		if (!(d = room(m->sums, &m->asums, m->nsums, sizeof(*m->sums), 1024)))
			return no_memory(m);
		m->sums = d;
		if (!imap_put(&m->sum_at, key, (int64_t)m->nsums + 1))
			return no_memory(m);
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
	if (imap_get(&m->refs, str_key(ref), &at)) {
		if (strcmp(m->ref_text + at - 1, ref) == 0) {
			*found = true;
			return LMN_OK;
		}
		if ((rc = drain(m, LMN_OK)) != LMN_OK) /* the orders kept, to be looked up too */
			return rc;
	} else if (m->preloaded) {
		return keep_ref(m, ref);
	}
	if ((rc = lookup(m, "SELECT id FROM orders WHERE external_ref = $1", ref, 1, found, v)) !=
		    LMN_OK ||
	    *found)
		return rc;
	return keep_ref(m, ref); /* (another of the same hash is not kept: asked of the store) */
}

/* Keeps the patient of st's row (if found: id, and address, postal code, city and phone for the
 * delivery) or that there is none by number; NULL when memory ran out. */
static struct named *patient_keep(struct imp *m, const char *number, struct db_stmt *st, bool found)
{
	struct named *e = cache_put(&m->patients, number);
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
	struct named *e = cache_get(&m->patients, number);
	struct db_stmt *st;
	enum lmn_rc rc;

	if (!e) {
		if ((rc = own_store(m)) != LMN_OK ||
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
			return no_memory(m);
	}
	*found = e->found;
	if (e->found) {
		const char *t = e->text;
		o->patient_id = e->id;
		o->municipal_housing = e->other != 0;
		copy_text(o->address, sizeof(o->address), t);
		t += strlen(t) + 1;
		copy_text(o->postal_code, sizeof(o->postal_code), t);
		t += strlen(t) + 1;
		copy_text(o->city, sizeof(o->city), t);
		t += strlen(t) + 1;
		copy_text(o->phone, sizeof(o->phone), t);
	}
	return LMN_OK;
}

/* Keeps the units of st's row (the first's id and care provider, how many have the cost centre)
 * by cost centre; NULL when memory ran out. */
static struct named *unit_keep(struct imp *m, const char *cost_centre, struct db_stmt *st)
{
	struct named *e = cache_put(&m->units, cost_centre);

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
	struct named *e = cache_get(&m->units, cost_centre);
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if (!e) {
		if ((rc = own_store(m)) != LMN_OK ||
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
			return no_memory(m);
	}
	o->unit_id = e->id;
	o->care_provider_id = e->other;
	*n = e->n;
	return LMN_OK;
}

/* Keeps every article, patient and unit of the store, so that the import of a large file need not
 * ask it for them (its writer thread uses the connection meanwhile). */
static enum lmn_rc preload(struct imp *m)
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
			struct named *e = cache_get(k == 0   ? &m->articles
						    : k == 1 ? &m->patients
							     : &m->units,
						    name);
			if (e || strlen(name) >= sizeof(e->name)) /* one too long is asked for */
				continue;
			e = k == 0   ? article_keep(m, name, st, true)
			    : k == 1 ? patient_keep(m, name, st, true)
				     : unit_keep(m, name, st);
			if (!e)
				rc = no_memory(m);
		}
		db_done(st);
	}
	return rc;
}

static enum lmn_rc order_row(struct imp *m, struct order *o)
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

	if ((rc = text(m, C_ORDER_REF, true, ref, sizeof(ref))) != LMN_OK ||
	    (rc = when(m, C_RECEIVED_AT, true, &day, &sec, &set)) != LMN_OK ||
	    (rc = text(m, C_PATIENT, true, patient, sizeof(patient))) != LMN_OK ||
	    (rc = text(m, C_UNIT, true, unit, sizeof(unit))) != LMN_OK ||
	    (rc = text(m, C_ARTICLE, true, article, sizeof(article))) != LMN_OK ||
	    (rc = quantity(m, &qty)) != LMN_OK ||
	    (rc = word(m, C_KIND, kinds, 0, &kind)) != LMN_OK ||
	    (rc = word(m, C_CHANNEL, channels, -1, &channel)) != LMN_OK ||
	    (rc = role_of(m, C_REQUESTED_BY, ROLE_PATIENT, &req)) != LMN_OK ||
	    (rc = role_of(m, C_ENTERED_BY, req, &ent)) != LMN_OK ||
	    (rc = word(m, C_METHOD, methods, 0, &method)) != LMN_OK ||
	    (rc = word(m, C_STATUS, statuses, 0, &status)) != LMN_OK)
		return rc;
	if (*patient) {
		struct identity id;
		struct lmn_err e;
		if (identity_parse(patient, strlen(patient), m->today, &id, &e) != LMN_OK) {
			if ((rc = fault(m, line, "patient", "%s", e.message)) != LMN_OK)
				return rc;
			patient[0] = '\0';
		} else {
			copy_text(patient, sizeof(patient), id.canonical);
		}
	}
	same = o->open && strcmp(ref, o->ref) == 0;
	if (!same) {
		/* The previous order's refusal is its own line's error: this row is not bad for it,
		 * or the next order would go unchecked and its errors unreported. */
		bool row_bad = m->row_bad;
		if ((rc = order_flush(m, o)) != LMN_OK)
			return rc;
		m->row_bad = row_bad;
		/* Not the lines: only the first nlines are read. */
		memset(o, 0, offsetof(struct order, lines));
		o->nlines = 0;
		copy_text(o->ref, sizeof(o->ref), ref);
		o->open = true;
		o->line = line;
		o->day = day;
		o->sec = sec;
		copy_text(o->patient, sizeof(o->patient), patient);
		copy_text(o->unit, sizeof(o->unit), unit);
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
			if (found && (rc = fault(m, line, "order_ref",
						 "ordern %s är redan importerad", ref)) != LMN_OK)
				return rc;
		}
		if (*patient) {
			if ((rc = patient_of(m, patient, o, &found)) != LMN_OK)
				return rc;
			if (!found &&
			    (rc = fault(m, line, "patient",
					"ingen patient med det numret finns i lmn")) != LMN_OK)
				return rc;
		}
		if (*unit) {
			int64_t n = 0;
			if ((rc = unit_of(m, unit, o, &n)) != LMN_OK)
				return rc;
			if (n != 1 &&
			    (rc = fault(m, line, "unit_cost_centre",
					n ? "kostnadsstället %s finns hos flera vårdgivare"
					  : "inget kostnadsställe %s finns i lmn",
					unit)) != LMN_OK)
				return rc;
		}
	} else if (o->day != day || o->sec != sec || strcmp(o->patient, patient) != 0 ||
		   strcmp(o->unit, unit) != 0 || o->kind != kind || o->channel != channel ||
		   o->requested_by != req || o->entered_by != ent || o->method != method ||
		   o->status != status) {
		if ((rc = fault(
			     m, line, NULL,
			     "raden hör till order %s men skiljer sig från dess första rad (rad %ld) "
			     "i något annat än artikel och antal",
			     ref, o->line)) != LMN_OK)
			return rc;
	}
	if (*article) {
		if ((rc = article_of(m, article, &a, &found)) != LMN_OK)
			return rc;
		if (!found &&
		    (rc = fault(m, line, "article_number", "ingen artikel %s finns i sortimentet",
				article)) != LMN_OK)
			return rc;
	}
	if (o->nlines == MAX_ORDER_LINES &&
	    (rc = fault(m, line, NULL, "order %s har fler än %d rader", ref, MAX_ORDER_LINES)) !=
		    LMN_OK)
		return rc;
	if (m->row_bad) {
		o->bad = true;
		return LMN_OK;
	}
	o->lines[o->nlines++] = (struct order_line){ .a = a, .qty = qty, .line = line };
	return LMN_OK;
}

/* ---- Deliveries ---- */

struct shipment {
	char order_ref[REF_MAX + 1], ref[REF_MAX + 1];
	bool open, bad;
	long line;
	int64_t order_id;
	lmn_day ship_day, del_day, out_day;
	int32_t ship_sec, del_sec, out_sec;
	bool delivered, has_out;
	bool home; /* the order is a home delivery: 3:1's window applies */
	int outcome;
	int64_t line_id[MAX_ORDER_LINES], article_id[MAX_ORDER_LINES];
	struct ship_line lines[MAX_ORDER_LINES];
	bool listed[MAX_ORDER_LINES];
	size_t nlines;
};

static enum lmn_rc shipment_load(struct imp *m, struct shipment *s)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_prepare(m->c,
			     "SELECT id, article_id, quantity, shipped_quantity FROM order_lines "
			     "WHERE order_id = $1 ORDER BY id",
			     &st, m->err)) != LMN_OK)
		return rc;
	db_bind_int(st, 1, s->order_id);
	while ((rc = db_step(st, &row, m->err)) == LMN_OK && row && s->nlines < MAX_ORDER_LINES) {
		size_t i = s->nlines++;
		s->line_id[i] = db_col_int(st, 0);
		s->article_id[i] = db_col_int(st, 1);
		s->lines[i] = (struct ship_line){ .ordered = db_col_int(st, 2),
						  .shipped_before = db_col_int(st, 3) };
	}
	db_done(st);
	return rc;
}

static enum lmn_rc shipment_flush(struct imp *m, struct shipment *s)
{
	char shipped[32], delivered[32], out_at[32], why[128] = "", rule[48];
	bool partial = false, deviation = false;
	const char *status;
	int64_t id;
	enum lmn_rc rc;

	if (!s->open || s->bad)
		return LMN_OK;
	/* Spec B 3:1 as in force on the day it was shipped: in full, or short only for backorders. */
	rc = fulfilment_check_shipment(m->p, s->ship_day, s->lines, s->nlines, &partial, m->err);
	if (rc == LMN_EREFUSED || rc == LMN_EINVAL)
		return fault(m, s->line, NULL, "leverans %s av order %s: %s", s->ref, s->order_ref,
			     m->err->message);
	if (rc != LMN_OK)
		return rc;
	if (s->delivered &&
	    (rc = fulfilment_delivery_deviation(m->p, s->del_day, s->del_sec, s->home, &deviation,
						why, rule, m->err)) != LMN_OK)
		return fault(m, s->line, "delivered_at", "%s", m->err->message);
	clock_format(s->ship_day, s->ship_sec, shipped);
	if (s->delivered)
		clock_format(s->del_day, s->del_sec, delivered);
	if (s->has_out)
		clock_format(s->out_day, s->out_sec, out_at);
	else if (s->delivered)
		memcpy(out_at, delivered, sizeof(out_at));
	rc = run(
		m,
		"INSERT INTO shipments (order_id, shipped_at, partial, delivered_at, delivery_deviation, "
		"outcome, outcome_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		"ititttt", s->order_id, shipped, (int64_t)partial, s->delivered ? delivered : NULL,
		deviation ? why : NULL, s->outcome >= 0 ? outcomes[s->outcome] : NULL,
		s->outcome >= 0 && (s->has_out || s->delivered) ? out_at : NULL);
	if (rc != LMN_OK)
		return rc;
	id = db_last_id(m->c);
	for (size_t i = 0; i < s->nlines; i++) {
		if (!s->listed[i])
			continue;
		if ((rc = run(m,
			      "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, "
			      "backordered) VALUES ($1, $2, $3, $4)",
			      "iiii", id, s->line_id[i], s->lines[i].now,
			      (int64_t)s->lines[i].backordered)) != LMN_OK ||
		    (rc = run(m,
			      "UPDATE order_lines SET shipped_quantity = shipped_quantity + $2, "
			      "backordered = $3 WHERE id = $1",
			      "iii", s->line_id[i], s->lines[i].now,
			      (int64_t)s->lines[i].backordered)) != LMN_OK)
			return rc;
	}
	if (s->outcome == 1 || s->outcome == 2)
		status = outcomes[s->outcome];
	else if (s->delivered)
		status = partial ? "partially_delivered" : "delivered";
	else
		status = partial ? "partially_shipped" : "shipped";
	if ((rc = run(m, "UPDATE orders SET status = $2 WHERE id = $1", "it", s->order_id,
		      status)) != LMN_OK)
		return rc;
	m->res->shipments++;
	return LMN_OK;
}

static enum lmn_rc delivery_row(struct imp *m, struct shipment *s)
{
	const long line = m->rec->line;
	char oref[REF_MAX + 1], sref[REF_MAX + 1], article[33];
	lmn_day sd = 0, dd = 0, od = 0;
	int32_t ss = 0, ds = 0, os = 0;
	bool has_ship, has_del, has_out, back, found;
	int outcome;
	int64_t qty = 0;
	enum lmn_rc rc;

	if ((rc = text(m, C_ORDER_REF, true, oref, sizeof(oref))) != LMN_OK ||
	    (rc = text(m, C_SHIPMENT_REF, true, sref, sizeof(sref))) != LMN_OK ||
	    (rc = when(m, C_SHIPPED_AT, true, &sd, &ss, &has_ship)) != LMN_OK ||
	    (rc = text(m, C_ARTICLE, true, article, sizeof(article))) != LMN_OK ||
	    (rc = flag(m, C_BACKORDERED, &back)) != LMN_OK ||
	    (rc = when(m, C_DELIVERED_AT, false, &dd, &ds, &has_del)) != LMN_OK ||
	    (rc = word(m, C_OUTCOME, outcomes, has_del ? 0 : 3, &outcome)) != LMN_OK ||
	    (rc = when(m, C_OUTCOME_AT, false, &od, &os, &has_out)) != LMN_OK)
		return rc;
	if (outcome == 3)
		outcome = -1; /* no outcome yet */
	if (field(m, C_QUANTITY).len == 1 && field(m, C_QUANTITY).ptr[0] == '0')
		qty = 0; /* a backordered line may ship nothing */
	else if ((rc = quantity(m, &qty)) != LMN_OK)
		return rc;
	if (outcome == 0 && !has_del &&
	    (rc = fault(m, line, "delivered_at", "en levererad leverans behöver delivered_at")) !=
		    LMN_OK)
		return rc;
	if (has_del && has_ship && (dd < sd || (dd == sd && ds < ss)) &&
	    (rc = fault(m, line, "delivered_at", "levererad före avsändning")) != LMN_OK)
		return rc;
	if (!s->open || strcmp(oref, s->order_ref) != 0 || strcmp(sref, s->ref) != 0) {
		int64_t v[3];
		if ((rc = shipment_flush(m, s)) != LMN_OK)
			return rc;
		memset(s, 0, sizeof(*s));
		copy_text(s->order_ref, sizeof(s->order_ref), oref);
		copy_text(s->ref, sizeof(s->ref), sref);
		s->open = true;
		s->line = line;
		s->ship_day = sd, s->ship_sec = ss;
		s->del_day = dd, s->del_sec = ds, s->delivered = has_del;
		s->out_day = od, s->out_sec = os, s->has_out = has_out;
		s->outcome = outcome;
		s->bad = m->row_bad;
		if (!*oref)
			return LMN_OK;
		if ((rc = lookup(m,
				 "SELECT id, status = 'cancelled', delivery_method = 'home' "
				 "FROM orders WHERE external_ref = $1",
				 oref, 3, &found, v)) != LMN_OK)
			return rc;
		if (!found || v[1]) {
			s->bad = true;
			return fault(m, line, "order_ref",
				     found ? "ordern %s är makulerad"
					   : "ingen importerad order %s finns",
				     oref);
		}
		s->order_id = v[0];
		s->home = v[2] != 0;
		if ((rc = shipment_load(m, s)) != LMN_OK)
			return rc;
	} else if (s->ship_day != sd || s->ship_sec != ss || s->delivered != has_del ||
		   s->del_day != dd || s->del_sec != ds || s->outcome != outcome ||
		   s->has_out != has_out || s->out_day != od || s->out_sec != os) {
		if ((rc = fault(
			     m, line, NULL,
			     "raden hör till leverans %s men skiljer sig från dess första rad (rad %ld) "
			     "i tider eller utfall",
			     sref, s->line)) != LMN_OK)
			return rc;
	}
	if (*article && s->order_id) {
		struct article a;
		size_t i;
		if ((rc = article_of(m, article, &a, &found)) != LMN_OK)
			return rc;
		for (i = 0; found && i < s->nlines && s->article_id[i] != a.id; i++)
			;
		if (!found || i == s->nlines) {
			if ((rc = fault(m, line, "article_number",
					"artikeln %s finns inte på order %s", article, oref)) !=
			    LMN_OK)
				return rc;
		} else if (s->listed[i]) {
			if ((rc = fault(m, line, "article_number",
					"artikeln %s står två gånger i leverans %s", article,
					sref)) != LMN_OK)
				return rc;
		} else if (!m->row_bad) {
			s->listed[i] = true;
			s->lines[i].now = qty;
			s->lines[i].backordered = back;
		}
	}
	if (m->row_bad)
		s->bad = true;
	return LMN_OK;
}

/* ---- Calls ---- */

static enum lmn_rc call_row(struct imp *m)
{
	const long line = m->rec->line;
	lmn_day qd = 0, ad = 0, bd = 0;
	int32_t qs = 0, as = 0, bs = 0;
	bool q, a, b;
	int topic;
	char queued[32], answered[32] = "", abandoned[32] = "";
	enum lmn_rc rc;

	if ((rc = when(m, C_QUEUED_AT, true, &qd, &qs, &q)) != LMN_OK ||
	    (rc = word(m, C_TOPIC, topics, -1, &topic)) != LMN_OK ||
	    (rc = when(m, C_ANSWERED_AT, false, &ad, &as, &a)) != LMN_OK ||
	    (rc = when(m, C_ABANDONED_AT, false, &bd, &bs, &b)) != LMN_OK)
		return rc;
	if (a && b &&
	    (rc = fault(m, line, "abandoned_at",
			"ett samtal är antingen besvarat eller avbrutet, inte båda")) != LMN_OK)
		return rc;
	if (q &&
	    ((a && (ad < qd || (ad == qd && as < qs))) ||
	     (b && (bd < qd || (bd == qd && bs < qs)))) &&
	    (rc = fault(m, line, a ? "answered_at" : "abandoned_at",
			"samtalet kan inte sluta innan det ställdes i kö")) != LMN_OK)
		return rc;
	if (m->row_bad)
		return LMN_OK;
	clock_format(qd, qs, queued);
	if (a)
		clock_format(ad, as, answered);
	if (b)
		clock_format(bd, bs, abandoned);
	if ((rc = run(
		     m,
		     "INSERT INTO calls (queued_at, answered_at, abandoned_at, topic) VALUES ($1, $2, $3, $4)",
		     "tttt", queued, a ? answered : NULL, b ? abandoned : NULL, topics[topic])) !=
	    LMN_OK)
		return rc;
	m->res->calls++;
	return LMN_OK;
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
			if (strlen(col_names[c]) == f.len &&
			    memcmp(col_names[c], f.ptr, f.len) == 0)
				known = (int)c;
		}
		if (known < 0)
			rc = fault(m, rec->line, NULL, "okänd kolumn \"%.*s\"",
				   (int)(f.len > 40 ? 40 : f.len), f.ptr);
		else if (seen[known])
			rc = fault(m, rec->line, NULL, "kolumnen %s står två gånger",
				   col_names[known]);
		else
			m->colidx[known] = (int)i, seen[known] = true;
	}
	for (int k = 0; k < layouts[m->kind].nrequired && rc == LMN_OK; k++) {
		enum col c = layouts[m->kind].cols[k];
		if (!seen[c])
			rc = fault(m, rec->line, NULL, "kolumnen %s saknas", col_names[c]);
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
		return no_memory(&m);
	}
	csv_init(&r, data, len, 0);
	for (const char *q = data; (q = memchr(q, '\n', (size_t)(data + len - q))) != NULL; q++)
		m.file_rows++;
	if (kind == HISTORY_ORDERS)
		rc = orders_begin(&m);
	while (rc == LMN_OK) {
		struct lmn_err e;
		enum lmn_rc rr = csv_next_record(&r, rec, &e);

		if (rr == LMN_ENOTFOUND)
			break;
		if (rr == LMN_EINVAL) {
			rc = fault(&m, r.err_line, NULL, "%s", e.message);
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
			rc = order_row(&m, o);
		else if (kind == HISTORY_DELIVERIES)
			rc = delivery_row(&m, s);
		else
			rc = call_row(&m);
		if (progress && out->rows % PROGRESS_EVERY == 0)
			progress(pctx, HISTORY_ROWS, r.pos, len);
	}
	if (rc == LMN_OK && kind == HISTORY_ORDERS)
		rc = order_flush(&m, o);
	if (progress)
		progress(pctx, HISTORY_ROWS, len, len);
	if (kind == HISTORY_ORDERS)
		rc = orders_end(&m, rc);
	if (rc == LMN_OK && kind == HISTORY_DELIVERIES)
		rc = shipment_flush(&m, s);
	if (rc == LMN_OK && !have_header)
		rc = fault(&m, 1, NULL, "filen är tom: den första raden ska ha kolumnernas namn");
	csv_release(&r);
	imap_release(&m.users);
	imap_release(&m.rx);
	imap_release(&m.items);
	cache_release(&m.patients);
	cache_release(&m.units);
	cache_release(&m.articles);
	imap_release(&m.refs);
	free(m.ref_text);
	imap_release(&m.sum_at);
	free(m.sums);
	imap_release(&m.change_at);
	free(m.changes);
	rows_release(m.fill);
	rows_release(m.full);
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
	return rc;
}
