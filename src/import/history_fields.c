/* The history import's columns, the checks of a field, and its look-ups in the store. */
#include "import/history_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/identity.h"
#include "rules/delivery.h"
#include "util/localtime.h"

const char *const imp_col_names[C__COUNT] = {
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

const char *const imp_kinds[] = { "normal", "acute", "express", NULL };
const char *const imp_channels[] = { "digital",		 "phone", "municipal",
				     "customer_service", "1177",  NULL };
const char *const imp_methods[] = { "home", "pickup_point", "care_unit", NULL };
const char *const imp_statuses[] = { "received", "cancelled", NULL };
const char *const imp_outcomes[] = { "delivered", "returned", "not_collected", NULL };
const char *const imp_topics[] = { "order", "delivery", "prescription", "product", "delay_contact",
				   "other", NULL };

/* Copies the string src into dst of size bytes, cut to fit (snprintf's "%s" without its
 * format parsing, which a large import pays for on every row). */
void imp_copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Room for one more of the n elements of size bytes in array p of *cap: p itself, or p grown
 * (twice as large, first to begin with); NULL when memory ran out (p is then as it was). */
void *imp_room(void *p, size_t *cap, size_t n, size_t size, size_t first)
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

void imp_cache_release(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].text);
	free(c->e);
	imap_release(&c->index);
	memset(c, 0, sizeof(*c));
}

struct named *imp_cache_get(struct cache *c, const char *name)
{
	int64_t i;

	if (!imap_get(&c->index, imap_str_key(name), &i) || strcmp(c->e[i - 1].name, name) != 0)
		return NULL;
	return &c->e[i - 1];
}

/* A new entry for name (NULL when memory ran out, or the name is too long to keep). */
struct named *imp_cache_put(struct cache *c, const char *name)
{
	struct named *e, *q;

	if (strlen(name) >= sizeof(e->name))
		return NULL;
	if (!(q = imp_room(c->e, &c->cap, c->n, sizeof(*c->e), 256)))
		return NULL;
	c->e = q;
	if (!imap_put(&c->index, imap_str_key(name), (int64_t)c->n + 1))
		return NULL;
	e = &c->e[c->n++];
	memset(e, 0, sizeof(*e));
	imp_copy_text(e->name, sizeof(e->name), name);
	return e;
}

/* A key of two ids below 2^32, or 0 when they do not fit (then the store is asked). */
uint64_t imp_pair(int64_t a, int64_t b)
{
	return a > 0 && b > 0 && a < (1ll << 32) && b < (1ll << 31)
		       ? (uint64_t)a << 31 | (uint64_t)b
		       : 0;
}

enum lmn_rc imp_no_memory(struct imp *m)
{
	return lmn_err_set(m->err, LMN_ENOMEM, NULL, NULL, "minnet räckte inte för importen");
}

/* Records an error of a line (column may be NULL). Only memory can fail. */
enum lmn_rc imp_fault(struct imp *m, long line, const char *column, const char *fmt, ...)
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
	if (!(q = imp_room(r->errors, &r->aerrors, r->nerrors, sizeof(*r->errors), 16)))
		return imp_no_memory(m);
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

struct csv_field imp_field(struct imp *m, enum col c)
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
enum lmn_rc imp_text(struct imp *m, enum col c, bool required, char *out, size_t max)
{
	struct csv_field f = imp_field(m, c);

	out[0] = '\0';
	if (f.len == 0)
		return required ? imp_fault(m, m->rec->line, imp_col_names[c], "värde saknas")
				: LMN_OK;
	if (f.len >= max)
		return imp_fault(m, m->rec->line, imp_col_names[c], "längre än %zu tecken",
				 max - 1);
	if (memchr(f.ptr, '\0', f.len))
		return imp_fault(m, m->rec->line, imp_col_names[c], "innehåller ett NUL-tecken");
	memcpy(out, f.ptr, f.len);
	out[f.len] = '\0';
	return LMN_OK;
}

/* One of words (or def when empty and def >= 0); *out is -1 after a fault. */
enum lmn_rc imp_word(struct imp *m, enum col c, const char *const *words, int def, int *out)
{
	char s[40];
	enum lmn_rc rc;

	*out = -1;
	if ((rc = imp_text(m, c, def < 0, s, sizeof(s))) != LMN_OK)
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
		return imp_fault(m, m->rec->line, imp_col_names[c], "\"%s\" ska vara %s", s, list);
	}
}

enum lmn_rc imp_role_of(struct imp *m, enum col c, int def, int *out)
{
	static const char *const roles[] = {
		"patient",	     "prescriber",	 "municipal_prescriber",
		"municipal_orderer", "customer_service", NULL
	};
	return imp_word(m, c, roles, def, out);
}

/* A local time, on the import's day or before; *set is false for an empty optional field. */
enum lmn_rc imp_when(struct imp *m, enum col c, bool required, lmn_day *day, int32_t *sec,
		     bool *set)
{
	struct csv_field f = imp_field(m, c);
	struct lmn_err e;

	*set = false;
	if (f.len == 0)
		return required ? imp_fault(m, m->rec->line, imp_col_names[c], "värde saknas")
				: LMN_OK;
	if (localtime_parse(f.ptr, f.len, day, sec, &e) != LMN_OK)
		return imp_fault(
			m, m->rec->line, imp_col_names[c],
			"\"%.*s\" är ingen tidpunkt ÅÅÅÅ-MM-DD tt:mm[:ss] i svensk tid (eller med "
			"tidszon, +01:00)",
			(int)(f.len > 40 ? 40 : f.len), f.ptr);
	if (*day > m->today) { /* history cannot be later than the import: a mistyped year */
		char today[11];

		date_format(m->today, today);
		return imp_fault(m, m->rec->line, imp_col_names[c],
				 "%.*s är efter importens dag %s", (int)(f.len > 40 ? 40 : f.len),
				 f.ptr, today);
	}
	*set = true;
	return LMN_OK;
}

enum lmn_rc imp_quantity(struct imp *m, int64_t *out)
{
	struct csv_field f = imp_field(m, C_QUANTITY);
	int64_t v = 0;

	*out = 0;
	for (size_t i = 0; i < f.len; i++) {
		if (f.ptr[i] < '0' || f.ptr[i] > '9' || v > 100000)
			return imp_fault(m, m->rec->line, "quantity",
					 "\"%.*s\" ska vara ett heltal 1–100000",
					 (int)(f.len > 20 ? 20 : f.len), f.ptr);
		v = v * 10 + (f.ptr[i] - '0');
	}
	if (f.len == 0 || v < 1 || v > 100000)
		return imp_fault(m, m->rec->line, "quantity", "ska vara ett heltal 1–100000");
	*out = v;
	return LMN_OK;
}

enum lmn_rc imp_flag(struct imp *m, enum col c, bool *out)
{
	static const char *const words[] = { "nej", "ja", "false", "true", "0", "1", NULL };
	int i;
	enum lmn_rc rc = imp_word(m, c, words, 0, &i);

	*out = i > 0 && i % 2 == 1;
	return rc;
}

/* ---- Lookups ---- */

/* Runs a one-row query of ncols integer columns (at most 3) with text $1 into out; *found. */
enum lmn_rc imp_lookup(struct imp *m, const char *sql, const char *t1, int ncols, bool *found,
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
enum lmn_rc imp_lookup_id(struct imp *m, const char *sql, int64_t a, int64_t b, int64_t *id)
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
enum lmn_rc imp_lookup_text(struct imp *m, const char *sql, const char *t1, char **out)
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
		rc = imp_no_memory(m);
	db_done(st);
	return rc;
}

/* Before the import asks the store itself: its writer thread, which has the connection while it
 * has rows to write, done with them. */
enum lmn_rc imp_own_store(struct imp *m)
{
	return m->w ? imp_drain(m, LMN_OK) : LMN_OK;
}

/* Keeps the article of st's row (if found) or that there is none by number; NULL when memory ran
 * out. */
struct named *imp_article_keep(struct imp *m, const char *number, struct db_stmt *st, bool found)
{
	struct named *e = imp_cache_put(&m->articles, number);

	if (e && (e->found = found)) {
		const char *area = db_col_text(st, 1);
		e->id = db_col_int(st, 0);
		e->art = (struct article_info){ area_parse(area, strlen(area)),
						db_col_int(st, 2) != 0, db_col_int(st, 3) != 0,
						db_col_int(st, 4) != 0 };
	}
	return e;
}

enum lmn_rc imp_article_of(struct imp *m, const char *number, struct article *a, bool *found)
{
	struct named *e = imp_cache_get(&m->articles, number);
	struct db_stmt *st;
	enum lmn_rc rc;

	if (!e) {
		if ((rc = imp_own_store(m)) != LMN_OK ||
		    (rc = db_prepare(m->c,
				     "SELECT " ARTICLE_COLUMNS
				     " FROM articles WHERE article_number = $1",
				     &st, m->err)) != LMN_OK)
			return rc;
		db_bind_text(st, 1, number);
		if ((rc = db_step(st, found, m->err)) == LMN_OK)
			e = imp_article_keep(m, number, st, *found);
		db_done(st);
		if (rc != LMN_OK)
			return rc;
		if (!e)
			return imp_no_memory(m);
	}
	*found = e->found;
	*a = (struct article){ .id = e->id,
			       .area = e->art.area,
			       .stocked = e->art.stocked,
			       .acute = e->art.acute,
			       .special = e->art.special };
	return LMN_OK;
}
