/* lmn store copy (issue 22): every table of one store into a new one, through db.h only. Rows are
 * read a batch at a time in primary-key order (keyset paging, so memory stays flat on ten million
 * rows and no engine has to stream a whole table to the client) and written with their ids, in a
 * transaction per batch in which no trigger fires: derived tables (report sums, the access log's
 * filing) are copied as they are rather than derived again, and the append-only tables' guards
 * only refuse updates and deletes. Each table's count and checksum prove the copy equal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_copy.h"
#include "util/buf.h"

/* Parents before the tables that refer to them (self-references aside: prescription_items'
 * replaced_by, bodies' parent); the copy checks no reference while it writes, but a store
 * written in this order is whole at every table's end. */
const struct store_copy_table store_copy_tables[] = {
	{ "meta", "key", NULL },
	{ "job_locks", "name", NULL },
	{ "product_areas", "code", NULL },
	{ "pickup_providers", "code", NULL },
	{ "care_providers", "id", "id" },
	{ "units", "id", "id" },
	{ "suppliers", "id", "id" },
	{ "articles", "id", "id" },
	{ "article_prices", "article_id, valid_from", NULL },
	{ "patients", "id", "id" },
	{ "people", "id", "id" },
	{ "parties", "id", "id" },
	{ "bodies", "id", "id" },
	{ "seats", "id", "id" },
	{ "terms", "id", "id" },
	{ "users", "id", "id" },
	{ "delegates", "user_id, patient_id", NULL },
	{ "sessions", "token_hash", NULL },
	{ "api_tokens", "id", "id" },
	{ "prescriptions", "id", "id" },
	{ "prescription_items", "id", "id" },
	{ "pickup_points", "id", "id" },
	{ "delivery_alternatives", "id", "id" },
	{ "invoice_address_areas", "area", NULL },
	{ "orders", "id", "id" },
	{ "order_lines", "id", "id" },
	{ "shipments", "id", "id" },
	{ "shipment_lines", "shipment_id, order_line_id", NULL },
	{ "contact_cases", "id", "id" },
	{ "contact_case_calls", "id", "id" },
	{ "calls", "id", "id" },
	{ "access_log", "id", "id" },
	{ "access_log_by_patient", "patient_id, id", NULL },
	{ "access_log_recent", "chunk, patient_id, id", NULL },
	{ "access_log_chunks", "chunk", "chunk" },
	{ "access_log_indexed", "one", "one" },
	{ "access_log_views", "id", "id" },
	{ "access_log_view_batches", "patient_id, batch", NULL },
	{ "access_log_retention", "one", "one" },
	{ "id_number_searches", "id", "id" },
	{ "care_relationships", "id", "id" },
	{ "article_imports", "id", "id" },
	{ "meetings", "id", "id" },
	{ "agenda_items", "id", "id" },
	{ "participation", "item_id, person_id", NULL },
	{ "actions", "id", "id" },
	{ "minutes", "id", "id" },
	{ "minutes_approvals", "minutes_id, person_id", NULL },
	{ "change_log", "id", "id" },
	{ "fees", "kind, valid_from", NULL },
	{ "report_order_days", "day, care_provider_id, area", NULL },
	{ "report_ship_days", "day, care_provider_id, area", NULL },
	{ "report_call_days", "day, wait", NULL },
	{ "outbox", "id", "id" },
	{ "renewal_requests", "id", "id" },
	{ "rivta_traffic", "day, server, interaction, version, outcome", NULL },
};
const size_t store_copy_ntables = sizeof(store_copy_tables) / sizeof(store_copy_tables[0]);

#define BATCH_DEFAULT 10000
#define COPY_ROWS     64 /* rows of one INSERT */
#define KEY_MAX	      5	 /* columns of a primary key */
#define NAME_LEN      64 /* bytes of a table's or column's name */
/* The field of an error the copy sets itself, in Swedish for the user as it stands; an error of the
 * store (db.h) is the engine's, in English, and explain() puts it in Swedish words around it. */
#define OWN "store_copy"

/* err as the user reads it: "where: what happened" in Swedish, the engine's own words kept after
 * it for whoever must look further (as api_fail logs them). */
static enum lmn_rc explain(struct lmn_err *err, enum lmn_rc rc, const char *where)
{
	char detail[sizeof(err->message)];
	const char *what;

	if (!err || rc == LMN_OK)
		return rc;
	snprintf(detail, sizeof(detail), "%s", err->message);
	if (strcmp(err->field, OWN) == 0)
		return lmn_err_set(err, rc, OWN, NULL, "%s: %s", where, detail);
	switch (rc) {
	case LMN_EFULL:
		what = "disken är full (eller kvoten nådd)";
		break;
	case LMN_ENOMEM:
		what = "minnet räckte inte";
		break;
	case LMN_EINVAL:
		what = "databasen tog inte emot en rad";
		break;
	case LMN_EREFUSED:
		what = "databasen vägrade";
		break;
	default:
		what = "databasen svarade med ett fel";
		break;
	}
	return lmn_err_set(err, rc, OWN, NULL, "%s: %s (databasens besked: %s)", where, what,
			   detail);
}

static enum lmn_rc no_memory(struct lmn_err *err)
{
	return lmn_err_set(err, LMN_ENOMEM, OWN, NULL, "minnet räckte inte");
}

/* --- a row's hash ------------------------------------------------------------------------- */

/* FNV-1a, 64 bits, over the bytes given; finished by splitmix64's mix so that the sum of many
 * rows' hashes has no structure left from FNV's. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A fixed-width integer the same on every machine (little-endian bytes). */
static uint64_t fnv_int(uint64_t h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return fnv(h, b, sizeof(b));
}

/* Every column's name, type and value: an integer as its 64 bits, text as its length and bytes. */
static enum lmn_rc row_hash(struct db_stmt *st, const char *table, uint64_t *out,
			    struct lmn_err *err)
{
	uint64_t h = 0xcbf29ce484222325u;
	int n = db_col_count(st);

	for (int i = 0; i < n; i++) {
		const char *name = db_col_name(st, i);
		enum db_type type = db_col_type(st, i);
		unsigned char tag = (unsigned char)type;
		const char *text;

		h = fnv(h, name, strlen(name) + 1);
		h = fnv(h, &tag, 1);
		if (type == DB_INT) {
			h = fnv_int(h, (uint64_t)db_col_int(st, i));
		} else if (type == DB_TEXT) {
			text = db_col_text(st, i);
			h = fnv_int(h, strlen(text));
			h = fnv(h, text, strlen(text));
		} else if (type == DB_OTHER) {
			return lmn_err_set(err, LMN_EINVAL, OWN, NULL,
					   "%s.%s: ett värde som varken är ett heltal eller text",
					   table, name);
		}
	}
	*out = mix(h);
	return LMN_OK;
}

/* --- reading a table a batch at a time ----------------------------------------------------- */

struct key_value {
	enum db_type type;
	int64_t i;
	char *text;
};

struct reader {
	const struct store_copy_table *t;
	int64_t batch;
	char *first_sql, *next_sql;
	int nkey;
	char key[KEY_MAX][NAME_LEN];
	int key_col[KEY_MAX]; /* each key column's place among the row's, -1 until known */
	struct key_value last[KEY_MAX];
	bool started; /* a row was read: the next page starts after last */
};

static void reader_release(struct reader *r)
{
	free(r->first_sql);
	free(r->next_sql);
	for (int i = 0; i < KEY_MAX; i++)
		free(r->last[i].text);
	memset(r, 0, sizeof(*r));
}

/* "a", "b" of "a, b": each quoted into b, separated by sep. */
static void add_names(struct buf *b, char names[][NAME_LEN], int n, const char *sep)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_adds(b, sep);
		buf_addc(b, '"');
		buf_adds(b, names[i]);
		buf_addc(b, '"');
	}
}

static enum lmn_rc reader_init(struct reader *r, const struct store_copy_table *t, int64_t batch,
			       struct lmn_err *err)
{
	const char *p = t->key;
	struct buf b;

	memset(r, 0, sizeof(*r));
	r->t = t;
	r->batch = batch;
	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n == 0) {
			p++;
			continue;
		}
		if (r->nkey == KEY_MAX || n >= NAME_LEN)
			return lmn_err_set(err, LMN_EINVAL, OWN, NULL,
					   "%s: primärnyckeln \"%s\" har fler än %d kolumner eller "
					   "ett namn längre än %d byte (store_copy_tables)",
					   t->name, t->key, KEY_MAX, NAME_LEN - 1);
		memcpy(r->key[r->nkey], p, n);
		r->key[r->nkey][n] = '\0';
		r->key_col[r->nkey++] = -1;
		p += n;
	}
	/* SELECT * FROM "t" ORDER BY "a", "b" LIMIT $1, and after the last row read:
	 * SELECT * FROM "t" WHERE ("a", "b") > ($2, $3) ORDER BY "a", "b" LIMIT $1. */
	buf_init(&b, BUF_DEFAULT_MAX);
	buf_addf(&b, "SELECT * FROM \"%s\" ORDER BY ", t->name);
	add_names(&b, r->key, r->nkey, ", ");
	buf_adds(&b, " LIMIT $1");
	r->first_sql = buf_detach(&b, NULL);
	buf_init(&b, BUF_DEFAULT_MAX);
	buf_addf(&b, "SELECT * FROM \"%s\" WHERE (", t->name);
	add_names(&b, r->key, r->nkey, ", ");
	buf_adds(&b, ") > (");
	for (int i = 0; i < r->nkey; i++)
		buf_addf(&b, "%s$%d", i ? ", " : "", i + 2);
	buf_adds(&b, ") ORDER BY ");
	add_names(&b, r->key, r->nkey, ", ");
	buf_adds(&b, " LIMIT $1");
	r->next_sql = buf_detach(&b, NULL);
	if (!r->first_sql || !r->next_sql) {
		reader_release(r);
		return no_memory(err);
	}
	return LMN_OK;
}

/* The next page's statement (finalize it when done). */
static enum lmn_rc reader_page(struct reader *r, struct db_conn *c, struct db_stmt **st,
			       struct lmn_err *err)
{
	enum lmn_rc rc = db_prepare_new(c, r->started ? r->next_sql : r->first_sql, st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(*st, 1, r->batch);
	for (int i = 0; r->started && i < r->nkey; i++) {
		if (r->last[i].type == DB_INT)
			db_bind_int(*st, i + 2, r->last[i].i);
		else if (r->last[i].type == DB_TEXT)
			db_bind_text(*st, i + 2, r->last[i].text);
		else
			db_bind_null(*st, i + 2);
	}
	return LMN_OK;
}

/* Keeps the key of the row just read, where the next page starts after. */
static enum lmn_rc reader_saw(struct reader *r, struct db_stmt *st, struct lmn_err *err)
{
	int n = db_col_count(st);

	for (int k = 0; k < r->nkey; k++) {
		struct key_value *v = &r->last[k];
		int col = r->key_col[k];

		if (col < 0) {
			for (int i = 0; i < n && col < 0; i++)
				if (strcmp(db_col_name(st, i), r->key[k]) == 0)
					col = i;
			if (col < 0)
				return lmn_err_set(err, LMN_EDB, OWN, NULL, "%s: ingen kolumn %s",
						   r->t->name, r->key[k]);
			r->key_col[k] = col;
		}
		v->type = db_col_type(st, col);
		if (v->type == DB_INT) {
			v->i = db_col_int(st, col);
		} else if (v->type == DB_TEXT) {
			const char *s = db_col_text(st, col);
			size_t len = strlen(s);
			char *copy = realloc(v->text, len + 1);

			if (!copy)
				return no_memory(err);
			memcpy(copy, s, len + 1);
			v->text = copy;
		}
	}
	r->started = true;
	return LMN_OK;
}

/* --- counts and checksums ------------------------------------------------------------------ */

static enum lmn_rc count_rows(struct db_conn *c, const char *table, int64_t *rows,
			      struct lmn_err *err)
{
	char sql[NAME_LEN + 32];
	struct db_stmt *st;
	bool row = false;
	enum lmn_rc rc;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	if ((rc = db_prepare_new(c, sql, &st, err)) != LMN_OK)
		return rc;
	rc = db_step(st, &row, err);
	*rows = rc == LMN_OK && row ? db_col_int(st, 0) : 0;
	db_finalize(st);
	return rc;
}

static enum lmn_rc sum_table(struct db_conn *c, const struct store_copy_table *t,
			     struct store_copy_sum *out, struct lmn_err *err)
{
	struct reader r;
	enum lmn_rc rc = reader_init(&r, t, BATCH_DEFAULT, err);
	int64_t got;

	out->rows = 0;
	out->sum = 0;
	do {
		struct db_stmt *st = NULL;
		bool row = true;
		uint64_t h;

		got = 0;
		if (rc == LMN_OK)
			rc = reader_page(&r, c, &st, err);
		while (rc == LMN_OK && (rc = db_step(st, &row, err)) == LMN_OK && row) {
			if ((rc = row_hash(st, t->name, &h, err)) == LMN_OK &&
			    (rc = reader_saw(&r, st, err)) == LMN_OK) {
				out->rows++;
				out->sum += h;
				got++;
			}
		}
		db_finalize(st);
	} while (rc == LMN_OK && got == r.batch);
	reader_release(&r);
	return rc;
}

enum lmn_rc store_copy_sums(struct db *db, bool counts_only, struct store_copy_sum *sums,
			    struct lmn_err *err)
{
	struct db_conn *c = NULL;
	enum lmn_rc rc;

	if ((rc = db_acquire(db, &c, err)) != LMN_OK)
		return explain(err, rc, "databasen kunde inte nås");
	/* One transaction: every table as of the same moment. */
	if ((rc = db_begin(c, false, err)) != LMN_OK)
		rc = explain(err, rc, "databasen kunde inte läsas");
	for (size_t i = 0; rc == LMN_OK && i < store_copy_ntables; i++) {
		char where[NAME_LEN + 16];

		sums[i].sum = 0;
		rc = counts_only ? count_rows(c, store_copy_tables[i].name, &sums[i].rows, err)
				 : sum_table(c, &store_copy_tables[i], &sums[i], err);
		snprintf(where, sizeof(where), "tabellen %s", store_copy_tables[i].name);
		rc = explain(err, rc, where);
	}
	if (rc == LMN_OK && (rc = db_commit(c, err)) != LMN_OK)
		rc = explain(err, rc, "läsningen kunde inte avslutas");
	db_release(db, c); /* rolls back what a failure left open */
	return rc;
}

/* --- a new store's seed rows ------------------------------------------------------------- */

/* Each table's count and checksum in a store just made and migrated: a SQLite file in a
 * temporary folder, removed afterwards. Both engines' migrations seed the same rows
 * (tests/cli/test_schema_pg.py), and the sums do not depend on the engine. */
static enum lmn_rc new_store_sums(struct store_copy_sum *sums, struct lmn_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4200], side[4210];
	struct db *db = NULL;
	enum lmn_rc rc;

	snprintf(dir, sizeof(dir), "%s/lmn-store-copy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return lmn_err_set(
			err, LMN_EIO, OWN, NULL,
			"en ny databas att jämföra med kunde inte göras i %s (TMPDIR): %s", dir,
			strerror(errno));
	snprintf(path, sizeof(path), "%s/new.db", dir);
	if ((rc = db_open(path, &db, err)) != LMN_OK)
		rc = explain(err, rc, "en ny databas att jämföra med");
	else
		rc = store_copy_sums(db, false, sums, err);
	db_close(db);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	rmdir(dir);
	return rc;
}

enum lmn_rc store_copy_is_new(struct db *db, bool *is_new, size_t *table, int64_t counts[2],
			      struct lmn_err *err)
{
	struct store_copy_sum *fresh = calloc(store_copy_ntables, sizeof(*fresh));
	struct store_copy_sum *have = calloc(store_copy_ntables, sizeof(*have));
	enum lmn_rc rc = LMN_OK;

	*is_new = false;
	if (!fresh || !have)
		rc = no_memory(err);
	if (rc == LMN_OK)
		rc = new_store_sums(fresh, err);
	/* Counts first, which a store in use fails at once; then the seed rows' contents. */
	if (rc == LMN_OK)
		rc = store_copy_sums(db, true, have, err);
	for (size_t i = 0; rc == LMN_OK && i < store_copy_ntables; i++)
		if (have[i].rows != fresh[i].rows) {
			*table = i;
			counts[0] = have[i].rows;
			counts[1] = fresh[i].rows;
			goto out;
		}
	if (rc == LMN_OK)
		rc = store_copy_sums(db, false, have, err);
	for (size_t i = 0; rc == LMN_OK && i < store_copy_ntables; i++)
		if (have[i].sum != fresh[i].sum) {
			*table = i;
			counts[0] = have[i].rows;
			counts[1] = fresh[i].rows;
			goto out;
		}
	*is_new = rc == LMN_OK;
out:
	free(fresh);
	free(have);
	return rc;
}

/* --- the copy ------------------------------------------------------------------------------ */

/* A name as the store's migrations write them: [a-z0-9_]+, nothing to escape in "…". */
static bool plain_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* INSERT INTO "t" ("a", "b" …) VALUES ($1, $2 …), … for rows rows of the columns of st's row,
 * into *out (freed by the caller). The column names come from the source's SELECT *, so each is
 * checked first. */
static enum lmn_rc insert_sql(const char *table, struct db_stmt *st, int rows, char **out,
			      struct lmn_err *err)
{
	struct buf b;
	int n = db_col_count(st);

	for (int i = 0; i < n; i++)
		if (!plain_name(db_col_name(st, i)))
			return lmn_err_set(
				err, LMN_EINVAL, OWN, NULL,
				"källan har en kolumn med namnet \"%.64s\": lmn:s kolumner "
				"har namn av a–z, 0–9 och _, så källan är inte en lmn-databas "
				"av detta schema",
				db_col_name(st, i));
	buf_init(&b, BUF_DEFAULT_MAX);
	buf_addf(&b, "INSERT INTO \"%s\" (", table);
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s\"%s\"", i ? ", " : "", db_col_name(st, i));
	buf_adds(&b, ") VALUES ");
	db_add_values(&b, n, rows);
	*out = b.failed ? NULL : buf_detach(&b, NULL); /* a failed buffer holds part of it */
	buf_release(&b);
	return *out ? LMN_OK : no_memory(err);
}

/* The rows read for the next INSERT: a copy writes up to COPY_ROWS rows a statement (a round trip
 * each on PostgreSQL), their values kept until then. */
struct pending {
	int ncols, nrows;
	enum db_type *types; /* [row * ncols + column] */
	int64_t *ints;
	char **texts; /* owned */
};

static void pending_clear(struct pending *p)
{
	for (int i = 0; i < p->nrows * p->ncols; i++) {
		free(p->texts[i]);
		p->texts[i] = NULL;
	}
	p->nrows = 0;
}

static void pending_release(struct pending *p)
{
	if (p->texts)
		pending_clear(p);
	free(p->types);
	free(p->ints);
	free(p->texts);
	*p = (struct pending){ 0 };
}

/* Keeps the row of from (read), each value as its type. */
static enum lmn_rc pending_add(struct pending *p, struct db_stmt *row, const char *table,
			       struct lmn_err *err)
{
	int n = db_col_count(row), at;

	if (!p->types) {
		size_t k = (size_t)n * COPY_ROWS;

		p->ncols = n;
		p->types = calloc(k, sizeof(*p->types));
		p->ints = calloc(k, sizeof(*p->ints));
		p->texts = calloc(k, sizeof(*p->texts));
		if (!p->types || !p->ints || !p->texts)
			return no_memory(err);
	}
	at = p->nrows * p->ncols;
	for (int i = 0; i < n; i++) {
		switch ((p->types[at + i] = db_col_type(row, i))) {
		case DB_NULL:
			break;
		case DB_INT:
			p->ints[at + i] = db_col_int(row, i);
			break;
		case DB_TEXT:
			if (!(p->texts[at + i] = strdup(db_col_text(row, i))))
				return no_memory(err);
			break;
		default:
			return lmn_err_set(err, LMN_EINVAL, OWN, NULL,
					   "%s.%s: ett värde som varken är ett heltal eller text",
					   table, db_col_name(row, i));
		}
	}
	p->nrows++;
	return LMN_OK;
}

/* Writes the rows kept with ins, a statement for exactly that many. */
static enum lmn_rc pending_write(struct pending *p, struct db_stmt *ins, struct lmn_err *err)
{
	for (int i = 0; i < p->nrows * p->ncols; i++) {
		if (p->types[i] == DB_INT)
			db_bind_int(ins, i + 1, p->ints[i]);
		else if (p->types[i] == DB_TEXT)
			db_bind_text(ins, i + 1, p->texts[i]);
		else
			db_bind_null(ins, i + 1);
	}
	return db_run(ins, err);
}

/* Writes the rows kept into to: with *insert (prepared from its SQL *insert_sql, made at the
 * first full set) when they are COPY_ROWS, else with a statement for their number. */
static enum lmn_rc pending_flush(struct pending *p, const char *table, struct db_stmt *row,
				 struct db_conn *to, char **full_sql, struct db_stmt **full,
				 struct lmn_err *err)
{
	struct db_stmt *ins = NULL;
	char *sql = NULL;
	enum lmn_rc rc = LMN_OK;

	if (p->nrows == 0)
		return LMN_OK;
	if (p->nrows == COPY_ROWS) {
		if (!*full_sql)
			rc = insert_sql(table, row, COPY_ROWS, full_sql, err);
		if (rc == LMN_OK && !*full)
			rc = db_prepare_new(to, *full_sql, full, err);
		if (rc == LMN_OK)
			rc = pending_write(p, *full, err);
	} else if ((rc = insert_sql(table, row, p->nrows, &sql, err)) == LMN_OK &&
		   (rc = db_prepare_new(to, sql, &ins, err)) == LMN_OK) {
		rc = pending_write(p, ins, err);
		db_finalize(ins);
	}
	free(sql);
	pending_clear(p);
	return rc;
}

/* Removes what the migrations seeded in the new store to, to be replaced by from's rows. */
static enum lmn_rc clear_seeds(struct db_conn *to, struct lmn_err *err)
{
	enum lmn_rc rc = db_begin_copy(to, err);

	/* Children first (references are not checked here, but so it reads right anyway). */
	for (size_t n = store_copy_ntables; rc == LMN_OK && n > 0; n--) {
		char sql[NAME_LEN + 32];
		struct db_stmt *st;

		snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", store_copy_tables[n - 1].name);
		if ((rc = db_prepare_new(to, sql, &st, err)) == LMN_OK) {
			rc = db_run(st, err);
			db_finalize(st);
		}
	}
	if (rc == LMN_OK)
		return db_commit(to, err);
	db_rollback(to);
	return rc;
}

/* One batch: the next page of from's rows into to, in one transaction. *got: rows read. */
static enum lmn_rc copy_batch(struct reader *r, struct db_conn *from, struct db_conn *to,
			      char **insert, struct store_copy_sum *sum, int64_t *got,
			      struct lmn_err *err)
{
	struct db_stmt *st = NULL, *ins = NULL;
	struct pending p = { 0 };
	bool row = true;
	uint64_t h;
	enum lmn_rc rc;

	*got = 0;
	if ((rc = reader_page(r, from, &st, err)) != LMN_OK)
		return rc;
	if ((rc = db_begin_copy(to, err)) != LMN_OK) {
		db_finalize(st);
		return rc;
	}
	while (rc == LMN_OK && (rc = db_step(st, &row, err)) == LMN_OK && row) {
		if ((rc = pending_add(&p, st, r->t->name, err)) == LMN_OK &&
		    (rc = row_hash(st, r->t->name, &h, err)) == LMN_OK &&
		    (rc = reader_saw(r, st, err)) == LMN_OK) {
			sum->rows++;
			sum->sum += h;
			(*got)++;
		}
		/* The statement's columns are the row's, still readable. */
		if (rc == LMN_OK && p.nrows == COPY_ROWS)
			rc = pending_flush(&p, r->t->name, st, to, insert, &ins, err);
	}
	if (rc == LMN_OK && p.nrows > 0)
		rc = pending_flush(&p, r->t->name, st, to, insert, &ins, err);
	pending_release(&p);
	db_finalize(ins);
	db_finalize(st);
	if (rc == LMN_OK)
		return db_commit(to, err);
	db_rollback(to);
	return rc;
}

/* The identity's counter of table t in to: as in from, and past every id copied. */
static enum lmn_rc carry_identity(const struct store_copy_table *t, struct db_conn *from,
				  struct db_conn *to, struct lmn_err *err)
{
	int64_t next;
	enum lmn_rc rc;

	if (!t->identity)
		return LMN_OK;
	if ((rc = db_next_id(from, t->name, t->identity, &next, err)) != LMN_OK ||
	    (rc = db_begin_copy(to, err)) != LMN_OK)
		return rc;
	if ((rc = db_set_next_id(to, t->name, t->identity, next, err)) == LMN_OK)
		return db_commit(to, err);
	db_rollback(to);
	return rc;
}

static enum lmn_rc copy_table(size_t index, struct db_conn *from, struct db_conn *to,
			      const struct store_copy_options *opt, int64_t batch,
			      struct store_copy_sum *sum, struct lmn_err *err)
{
	const struct store_copy_table *t = &store_copy_tables[index];
	struct reader r;
	char *insert = NULL;
	int64_t total = 0, got = 0;
	enum lmn_rc rc;

	sum->rows = 0;
	sum->sum = 0;
	if ((rc = count_rows(from, t->name, &total, err)) != LMN_OK ||
	    (rc = reader_init(&r, t, batch, err)) != LMN_OK)
		return rc;
	if (opt && opt->progress)
		opt->progress(opt->ctx, index, 0, total);
	do {
		rc = copy_batch(&r, from, to, &insert, sum, &got, err);
		if (rc == LMN_OK && opt && opt->progress)
			opt->progress(opt->ctx, index, sum->rows,
				      total > sum->rows ? total : sum->rows);
	} while (rc == LMN_OK && got == batch);
	if (rc == LMN_OK)
		rc = carry_identity(t, from, to, err);
	free(insert);
	reader_release(&r);
	if (rc != LMN_OK) {
		char where[NAME_LEN + 16];

		snprintf(where, sizeof(where), "tabellen %s", t->name);
		rc = explain(err, rc, where);
	}
	return rc;
}

enum lmn_rc store_copy_run(struct db *from, struct db *to, const struct store_copy_options *opt,
			   struct store_copy_sum *sums, struct lmn_err *err)
{
	int64_t batch = opt && opt->batch > 0 ? opt->batch : BATCH_DEFAULT;
	struct db_conn *cf = NULL, *ct = NULL;
	enum lmn_rc rc;

	if ((rc = db_acquire(from, &cf, err)) != LMN_OK)
		return explain(err, rc, "källan kunde inte nås");
	if ((rc = db_acquire(to, &ct, err)) != LMN_OK) {
		db_release(from, cf);
		return explain(err, rc, "målet kunde inte nås");
	}
	/* from is read in one transaction: every table as of the same moment. */
	if ((rc = db_begin(cf, false, err)) != LMN_OK)
		rc = explain(err, rc, "källan kunde inte läsas");
	else if ((rc = clear_seeds(ct, err)) != LMN_OK)
		rc = explain(err, rc, "målets grundrader kunde inte tas bort");
	for (size_t i = 0; rc == LMN_OK && i < store_copy_ntables; i++)
		rc = copy_table(i, cf, ct, opt, batch, &sums[i], err);
	if (rc == LMN_OK && (rc = db_commit(cf, err)) != LMN_OK)
		rc = explain(err, rc, "läsningen av källan kunde inte avslutas");
	db_release(to, ct);
	db_release(from, cf);
	return rc;
}
