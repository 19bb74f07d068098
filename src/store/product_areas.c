/* The product area code list: see product_areas.h. */
#include "store/product_areas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lmn_rc product_areas_list(struct db_conn *c, struct product_area **out, size_t *n,
			       struct lmn_err *err)
{
	struct product_area *list = NULL;
	size_t count = 0, cap = 0;
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(c,
			"SELECT code, name, coalesce(code_1177, '') FROM product_areas "
			"ORDER BY position, code",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			void *p = realloc(list, ncap * sizeof(*list));
			if (!p) {
				rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
				break;
			}
			list = p;
			cap = ncap;
		}
		struct product_area *a = &list[count++];
		snprintf(a->code, sizeof(a->code), "%s", db_col_text(st, 0));
		snprintf(a->name, sizeof(a->name), "%s", db_col_text(st, 1));
		snprintf(a->code_1177, sizeof(a->code_1177), "%s", db_col_text(st, 2));
	}
	db_done(st);
	if (rc != LMN_OK) {
		free(list);
		return rc;
	}
	*out = list;
	*n = count;
	return LMN_OK;
}

enum lmn_rc product_areas_register(struct db_conn *c, struct lmn_err *err)
{
	struct product_area *list;
	size_t n;
	enum lmn_rc rc = product_areas_list(c, &list, &n, err);

	for (size_t i = 0; rc == LMN_OK && i < n; i++)
		rc = area_register(list[i].code, strlen(list[i].code), list[i].name, NULL, err);
	free(list);
	if (rc == LMN_OK)
		areas_set_listed();
	return rc;
}
