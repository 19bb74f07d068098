/* The product area code list (table product_areas, issue 18): LMN's areas are data, not a CHECK.
 * Every statement on the table is here. */
#ifndef LMN_PRODUCT_AREAS_H
#define LMN_PRODUCT_AREAS_H

#include <stddef.h>

#include "rules/areas.h"
#include "store/db.h"
#include "util/rc.h"

struct product_area {
	char code[AREA_CODE_MAX];      /* "incontinence" */
	char name[AREA_NAME_MAX];      /* "Inkontinens": the Swedish name the pages show */
	char code_1177[AREA_NAME_MAX]; /* "INKONTINENS"; "" when the 1177 contract has none */
};

/* The areas in list order; the caller frees *out. */
LMN_MUST_USE enum lmn_rc product_areas_list(struct db_conn *c, struct product_area **out, size_t *n,
					    struct lmn_err *err);

/* Registers the database's list with the pure layers (rules/areas.h) and marks it as the list:
 * rules and files naming another area are refused from then on. Called when a store is opened. */
LMN_MUST_USE enum lmn_rc product_areas_register(struct db_conn *c, struct lmn_err *err);

#endif
