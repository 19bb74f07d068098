/* The assortment: writes a checked assortment file (codec/assortment_csv) into the store
 * (suppliers and articles by name and number, and each row's price from its date; shared by the
 * API's import job and `lmn import assortment`), lists the articles with their prices, and
 * writes single suppliers, articles and prices (the demo). Every statement that writes them. */
#ifndef LMN_ARTICLES_H
#define LMN_ARTICLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/assortment_csv.h"
#include "rules/date.h"
#include "store/db.h"
#include "util/rc.h"

struct articles_counts {
	long created;	 /* articles new to the assortment */
	long updated;	 /* articles that were there (their fields are now the file's) */
	long prices_set; /* price versions added or changed; a price already in force is left */
};

/* Called every 500 rows and once at the end. */
typedef void (*articles_progress_fn)(void *ctx, size_t rows_done, size_t rows_total);

/* Writes imp->rows (a read without errors) in the caller's write transaction. A row's price may
 * start on any date for an article new to the assortment, but for an article already there a
 * price before `today` may only repeat the price then in force: deliveries already made were
 * priced by it. Such rows are refused: their errors are added to imp->errors (in line order) and
 * the result is LMN_EINVAL, after which the caller must roll back, so that nothing is written. */
LMN_MUST_USE enum lmn_rc articles_write(struct db_conn *c, struct assortment_import *imp,
					lmn_day today, articles_progress_fn progress, void *pctx,
					struct articles_counts *out, struct lmn_err *err);

/* An active article of the assortment with the price in force on a day, for the API's list. */
struct article_list_row {
	int64_t id;
	const char *article_number, *name, *area, *unit, *supplier; /* valid during the call */
	int64_t package_size;
	bool stocked, acute_assortment, special;
	int64_t price_ore; /* -1: none in force */
};
typedef enum lmn_rc (*article_list_fn)(const struct article_list_row *r, void *arg);

/* Calls fn for at most limit active articles, by area and name, of area (NULL: any) whose name is
 * like the LIKE pattern like, with the price in force on day (YYYY-MM-DD); fn's failure stops the
 * read and is returned. */
LMN_MUST_USE enum lmn_rc articles_in_force(struct db_conn *c, const char *area, const char *like,
					   const char *day, int64_t limit, article_list_fn fn,
					   void *arg, struct lmn_err *err);

/* Writes the supplier name with id id (0: the next one), in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc suppliers_insert(struct db_conn *c, int64_t id, const char *name,
					  struct lmn_err *err);

/* A new article of the assortment (active); id 0 for the next one. */
struct article_new {
	int64_t id;
	const char *article_number, *name, *area, *unit;
	int64_t package_size, supplier_id;
	bool stocked, acute_assortment, special;
};

/* Writes the article r in the caller's write transaction; *id is its id. */
LMN_MUST_USE enum lmn_rc articles_insert(struct db_conn *c, const struct article_new *r,
					 int64_t *id, struct lmn_err *err);

/* Sets the price of article from day (YYYY-MM-DD) to ore, adding or replacing that version. */
LMN_MUST_USE enum lmn_rc article_price_set(struct db_conn *c, int64_t article, const char *day,
					   int64_t ore, struct lmn_err *err);

/* The id of the article with this number into *id; 0 when there is none. */
LMN_MUST_USE enum lmn_rc article_id_by_number(struct db_conn *c, const char *number, int64_t *id,
					      struct lmn_err *err);

/* Whether article article_id is a special product (false when there is none). */
LMN_MUST_USE enum lmn_rc article_special(struct db_conn *c, int64_t article_id, bool *special,
					 struct lmn_err *err);

/* Whether article article_id is in the assortment and active. */
LMN_MUST_USE enum lmn_rc article_active(struct db_conn *c, int64_t article_id, bool *active,
					struct lmn_err *err);

#endif
