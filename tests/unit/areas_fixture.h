/* The product area list as migration 0018 seeds it, for unit tests without a store (a store
 * registers its own list when opened). Indexes follow the registration order. */
#ifndef LMN_TEST_AREAS_FIXTURE_H
#define LMN_TEST_AREAS_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rules/areas.h"

enum { T_NUTRITION, T_INCONTINENCE, T_DIABETES, T_STOMA, T_AREAS };

/* Registers the four areas (first, so their indexes are the enum's); listed: as a store does, so
 * that other areas are refused. Returns 0, or -1 with a message on stderr. */
static inline int areas_fixture(bool listed)
{
	static const char *const list[T_AREAS][2] = { { "nutrition", "Nutrition" },
						      { "incontinence", "Inkontinens" },
						      { "diabetes", "Diabetes" },
						      { "stoma", "Stomi" } };
	struct lmn_err err = { .message = "registered in another order" };
	int idx = -1;

	for (int i = 0; i < T_AREAS; i++)
		if (area_register(list[i][0], strlen(list[i][0]), list[i][1], &idx, &err) !=
			    LMN_OK ||
		    idx != i) {
			fprintf(stderr, "areas_fixture: %s\n", err.message);
			return -1;
		}
	if (listed)
		areas_set_listed();
	return 0;
}

#endif
