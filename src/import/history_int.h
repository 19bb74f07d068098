/* The history import's parts (src/import/history_*.c) share the import's state, its columns and
 * the checks of a field; history.h is what the rest of lmn sees. */
#ifndef LMN_IMPORT_HISTORY_INT_H
#define LMN_IMPORT_HISTORY_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "codec/csv.h"
#include "core/fulfilment.h"
#include "import/history.h"
#include "rules/date.h"
#include "util/buf.h"
#include "util/imap.h"

#define PROGRESS_EVERY	2000
#define MAX_ORDER_LINES 200
#define REF_MAX		40

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

extern const char *const imp_col_names[C__COUNT];
extern const char *const imp_kinds[];
extern const char *const imp_channels[];
enum { CHANNEL_DIGITAL = 0, CHANNEL_1177 = 4 }; /* indexes in imp_channels */
extern const char *const imp_methods[];
extern const char *const imp_statuses[];
extern const char *const imp_outcomes[];
extern const char *const imp_topics[];

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
	struct imap index; /* imap_str_key(name) → entry number + 1 */
	struct named *e;
	size_t n, cap;
};

struct article {
	int64_t id;
	int area;
	bool stocked, acute, special;
};

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
	int64_t id, order_id, article_id, item, qty;
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
	struct imap refs; /* imap_str_key(order_ref) → its offset in ref_text + 1 */
	char *ref_text;	  /* the references of the orders imported before and now, NUL-ended */
	size_t nref_text, aref_text;
	struct imap sum_at; /* day, care provider and area → day_sums number + 1 */
	struct day_sum *sums;
	size_t nsums, asums;
	struct imap change_at; /* item id → changes number + 1 */
	struct item_change *changes;
	size_t nchanges, achanges;
	char *aside[3];	   /* the insert triggers set aside during an orders import (their SQL) */
	bool triggers_off; /* PostgreSQL: none fires in the transaction (db_triggers_off) */
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
	int64_t next_order, next_line, next_rx, next_item; /* the next rows' ids */
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

/* The columns of an article, a patient and a unit that the import keeps (cache_put), with the
 * name it finds them by last for the query that reads them all (preload). */
#define ARTICLE_COLUMNS "id, area, stocked, acute_assortment, special"
#define PATIENT_COLUMNS "id, address, postal_code, city, coalesce(phone, ''), municipal_housing"
#define UNIT_COLUMNS	"min(id), count(*), min(care_provider_id)"

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

/* A file of this many orders or more is written by a thread of its own (imp_writer_start). */
#define WRITER_ROWS 20000

/* history_fields.c: a row's columns, the checks of a field, errors by line, the store. */
void imp_copy_text(char *dst, size_t size, const char *src);
void *imp_room(void *p, size_t *cap, size_t n, size_t size, size_t first);
void imp_cache_release(struct cache *c);
struct named *imp_cache_get(struct cache *c, const char *name);
struct named *imp_cache_put(struct cache *c, const char *name);
uint64_t imp_pair(int64_t a, int64_t b);
enum lmn_rc imp_no_memory(struct imp *m);
enum lmn_rc imp_fault(struct imp *m, long line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct csv_field imp_field(struct imp *m, enum col c);
enum lmn_rc imp_text(struct imp *m, enum col c, bool required, char *out, size_t max);
enum lmn_rc imp_word(struct imp *m, enum col c, const char *const *words, int def, int *out);
enum lmn_rc imp_role_of(struct imp *m, enum col c, int def, int *out);
enum lmn_rc imp_when(struct imp *m, enum col c, bool required, lmn_day *day, int32_t *sec,
		     bool *set);
enum lmn_rc imp_quantity(struct imp *m, int64_t *out);
enum lmn_rc imp_flag(struct imp *m, enum col c, bool *out);
enum lmn_rc imp_lookup(struct imp *m, const char *sql, const char *t1, int ncols, bool *found,
		       int64_t *out);
enum lmn_rc imp_lookup_id(struct imp *m, const char *sql, int64_t a, int64_t b, int64_t *id);
enum lmn_rc imp_lookup_text(struct imp *m, const char *sql, const char *t1, char **out);
enum lmn_rc imp_own_store(struct imp *m);
struct named *imp_article_keep(struct imp *m, const char *number, struct db_stmt *st, bool found);
enum lmn_rc imp_article_of(struct imp *m, const char *number, struct article *a, bool *found);

/* history_writer.c: the rows kept and written many at once, and the writer thread. */
void imp_rows_release(struct rows *r);
enum lmn_rc imp_writer_start(struct imp *m);
enum lmn_rc imp_hand_off(struct imp *m);
enum lmn_rc imp_drain(struct imp *m, enum lmn_rc rc);
void imp_writer_stop(struct imp *m);

/* history_orders.c: the orders file. */
enum lmn_rc imp_order_flush(struct imp *m, struct order *o);
enum lmn_rc imp_orders_begin(struct imp *m);
enum lmn_rc imp_orders_end(struct imp *m, enum lmn_rc rc);
enum lmn_rc imp_preload(struct imp *m);
enum lmn_rc imp_order_row(struct imp *m, struct order *o);

/* history_deliveries.c: the deliveries file. */
enum lmn_rc imp_shipment_flush(struct imp *m, struct shipment *s);
enum lmn_rc imp_delivery_row(struct imp *m, struct shipment *s);

/* history_calls.c: the calls file. */
enum lmn_rc imp_call_row(struct imp *m);

#endif
