/* The assortment writer: see articles.h. */
#include "store/articles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/params.h"

#define PROGRESS_EVERY 500

static enum lmn_rc no_memory(struct lmn_err *err)
{
	return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "minnet räckte inte för importen");
}

/* Adds a refusal of the row to imp->errors, which stays in line order because rows are written
 * in file order after a read without errors. */
static enum lmn_rc refuse(struct assortment_import *imp, const struct article_row *r,
			  const char *column, const char *message, struct lmn_err *err)
{
	struct assortment_error *e;

	if (imp->nerrors >= ASSORTMENT_MAX_ERRORS) {
		imp->errors_dropped++;
		return LMN_OK;
	}
	if (imp->nerrors == imp->aerrors) {
		size_t n = imp->aerrors ? imp->aerrors * 2 : 16;
		void *p = realloc(imp->errors, n * sizeof(*imp->errors));
		if (!p)
			return no_memory(err);
		imp->errors = p;
		imp->aerrors = n;
	}
	e = &imp->errors[imp->nerrors++];
	e->line = r->line;
	snprintf(e->column, sizeof(e->column), "%s", column);
	snprintf(e->message, sizeof(e->message), "rad %ld, kolumn %s: %s", r->line, column,
		 message);
	return LMN_OK;
}

static enum lmn_rc supplier_id(struct db_conn *c, const char *name, int64_t *id,
			       struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"INSERT INTO suppliers (name) VALUES ($1) "
			"ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, name);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*id = db_col_int(st, 0);
	else if (rc == LMN_OK)
		rc = lmn_err_set(err, LMN_EDB, NULL, NULL, "supplier upsert returned no row");
	db_done(st);
	return rc;
}

enum lmn_rc article_id_by_number(struct db_conn *c, const char *number, int64_t *id,
				 struct lmn_err *err)
{
	return db_int(c, id, 0, err, "SELECT id FROM articles WHERE article_number = $1", "t",
		      number);
}

/* The price of the article in force on day, or -1 when it had none. */
static enum lmn_rc price_on(struct db_conn *c, int64_t article, const char *day, int64_t *ore,
			    struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(c,
				    "SELECT price_ore FROM article_prices WHERE article_id = $1 "
				    "AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1",
				    &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, article);
	db_bind_text(st, 2, day);
	rc = db_step(st, &row, err);
	*ore = rc == LMN_OK && row ? db_col_int(st, 0) : -1;
	db_done(st);
	return rc;
}

enum lmn_rc suppliers_insert(struct db_conn *c, int64_t id, const char *name, struct lmn_err *err)
{
	return db_do(c, err,
		     DB_INSERT_ID(c, id, "INSERT INTO suppliers (id, name)",
				  "VALUES (nullif($1, 0), $2)"),
		     "it", id, name);
}

enum lmn_rc articles_insert(struct db_conn *c, const struct article_new *r, int64_t *id,
			    struct lmn_err *err)
{
	return db_int(c, id, 0, err,
		      DB_INSERT_ID(c, r->id,
				   "INSERT INTO articles (id, article_number, name, area, unit, "
				   "package_size, supplier_id, stocked, acute_assortment, special)",
				   "VALUES (nullif($1, 0), $2, $3, $4, $5, $6, $7, $8, $9, $10) "
				   "RETURNING id"),
		      "ittttiiiii", r->id, r->article_number, r->name, r->area, r->unit,
		      r->package_size, r->supplier_id, (int64_t)r->stocked,
		      (int64_t)r->acute_assortment, (int64_t)r->special);
}

/* Writes the article of row r: new (id 0; *out_id its id) or over article id. */
static enum lmn_rc write_article(struct db_conn *c, const struct article_row *r, int64_t id,
				 int64_t supplier, int64_t *out_id, struct lmn_err *err)
{
	if (!id) {
		const struct article_new a = {
			.article_number = r->article_number,
			.name = r->name,
			.area = area_name(r->area),
			.unit = r->unit,
			.package_size = r->package_size,
			.supplier_id = supplier,
			.stocked = r->stocked,
			.acute_assortment = r->acute_assortment,
			.special = r->special,
		};
		return articles_insert(c, &a, out_id, err);
	}
	*out_id = id;
	return db_do(c, err,
		     "UPDATE articles SET name = $2, area = $3, unit = $4, package_size = $5, "
		     "supplier_id = $6, stocked = $7, acute_assortment = $8, special = $9, "
		     "active = 1 WHERE id = $1",
		     "itttiiiii", id, r->name, area_name(r->area), r->unit,
		     (int64_t)r->package_size, supplier, (int64_t)r->stocked,
		     (int64_t)r->acute_assortment, (int64_t)r->special);
}

enum lmn_rc article_price_set(struct db_conn *c, int64_t article, const char *day, int64_t ore,
			      struct lmn_err *err)
{
	return db_do(c, err,
		     "INSERT INTO article_prices (article_id, valid_from, price_ore) "
		     "VALUES ($1, $2, $3) ON CONFLICT (article_id, valid_from) "
		     "DO UPDATE SET price_ore = excluded.price_ore",
		     "iti", article, day, ore);
}

enum lmn_rc articles_write(struct db_conn *c, struct assortment_import *imp, lmn_day today,
			   articles_progress_fn progress, void *pctx, struct articles_counts *out,
			   struct lmn_err *err)
{
	size_t refused = imp->nerrors;
	enum lmn_rc rc = LMN_OK;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < imp->nrows && rc == LMN_OK; i++) {
		const struct article_row *r = &imp->rows[i];
		int64_t id, supplier = 0, in_force = -1;
		bool existed;
		char day[11];

		date_format(r->price_from, day);
		if ((rc = article_id_by_number(c, r->article_number, &id, err)) != LMN_OK)
			break;
		if (id && (rc = price_on(c, id, day, &in_force, err)) != LMN_OK)
			break;
		if (id && r->price_from < today && in_force != r->price_ore) {
			char msg[200], today_text[11];
			date_format(today, today_text);
			snprintf(
				msg, sizeof(msg),
				"priset från %s kan inte ändras i efterhand (leveranser kan redan vara "
				"prissatta); ange ett datum från och med %s",
				day, today_text);
			rc = refuse(imp, r, "price_from", msg, err);
			continue;
		}
		if (imp->nerrors > refused)
			continue; /* nothing will be kept; only look for further refusals */
		existed = id != 0;
		if ((rc = supplier_id(c, r->supplier, &supplier, err)) != LMN_OK ||
		    (rc = write_article(c, r, id, supplier, &id, err)) != LMN_OK)
			break;
		if (in_force != r->price_ore) {
			if ((rc = article_price_set(c, id, day, r->price_ore, err)) != LMN_OK)
				break;
			out->prices_set++;
		}
		if (existed)
			out->updated++;
		else
			out->created++;
		if (progress && (i + 1) % PROGRESS_EVERY == 0)
			progress(pctx, i + 1, imp->nrows);
	}
	if (rc != LMN_OK)
		return rc;
	if (progress)
		progress(pctx, imp->nrows, imp->nrows);
	if (imp->nerrors > refused)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "%zu rader avvisades",
				   imp->nerrors - refused + imp->errors_dropped);
	return LMN_OK;
}

enum lmn_rc articles_in_force(struct db_conn *c, const char *area, const char *like,
			      const char *day, int64_t limit, article_list_fn fn, void *arg,
			      struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT a.id, a.article_number, a.name, a.area, a.unit, a.package_size, s.name, "
		"a.stocked, a.acute_assortment, a.special, (SELECT p.price_ore FROM article_prices p "
		"WHERE p.article_id = a.id AND p.valid_from <= $3 ORDER BY p.valid_from DESC LIMIT 1) "
		"FROM articles a JOIN suppliers s ON s.id = a.supplier_id "
		"WHERE a.active = 1 AND (CAST($1 AS TEXT) IS NULL OR a.area = $1) AND "
		"lower(a.name) LIKE lower($2) "
		"ORDER BY a.area, a.name LIMIT $4",
		&st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, area);
	db_bind_text(st, 2, like);
	db_bind_text(st, 3, day);
	db_bind_int(st, 4, limit);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct article_list_row r = {
			.id = db_col_int(st, 0),
			.article_number = db_col_text(st, 1),
			.name = db_col_text(st, 2),
			.area = db_col_text(st, 3),
			.unit = db_col_text(st, 4),
			.package_size = db_col_int(st, 5),
			.supplier = db_col_text(st, 6),
			.stocked = db_col_int(st, 7) != 0,
			.acute_assortment = db_col_int(st, 8) != 0,
			.special = db_col_int(st, 9) != 0,
			.price_ore = db_col_null(st, 10) ? -1 : db_col_int(st, 10),
		};
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc article_active(struct db_conn *c, int64_t article_id, bool *active, struct lmn_err *err)
{
	return db_exists(c, active, err, "SELECT 1 FROM articles WHERE id = $1 AND active = 1", "i",
			 article_id);
}

enum lmn_rc article_special(struct db_conn *c, int64_t article_id, bool *special,
			    struct lmn_err *err)
{
	return db_exists(c, special, err, "SELECT 1 FROM articles WHERE id = $1 AND special = 1",
			 "i", article_id);
}
