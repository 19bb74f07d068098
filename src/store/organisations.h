/* Care providers (the region, the municipalities), their units and the pickup points: the places
 * of the supply that orders are charged to or delivered at. Every statement that writes them. */
#ifndef LMN_STORE_ORGANISATIONS_H
#define LMN_STORE_ORGANISATIONS_H

#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* A new care provider; kind "region", "municipality" or "private"; municipality NULL for none. */
struct care_provider_new {
	int64_t id; /* 0: the next one */
	const char *name, *kind, *municipality;
};

/* Writes the care provider r in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc care_providers_insert(struct db_conn *c, const struct care_provider_new *r,
					       struct lmn_err *err);

/* A new unit of a care provider; municipality and postal_code NULL for none. */
struct unit_new {
	int64_t id; /* 0: the next one */
	int64_t care_provider_id;
	const char *name, *cost_centre, *municipality, *postal_code;
};

/* Writes the unit r in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc units_insert(struct db_conn *c, const struct unit_new *r,
				      struct lmn_err *err);

/* Gives every unit a fictional HSA-id in the directory's form, from its id (the demo's, for the
 * 1177 contracts). */
LMN_MUST_USE enum lmn_rc units_invent_hsa_ids(struct db_conn *c, struct lmn_err *err);

/* A new pickup point; provider_code one of the pickup providers' codes (migration 19). */
struct pickup_point_new {
	const char *code, *name, *provider, *address, *postal_code, *city, *provider_code;
};

/* Writes the pickup point r in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc pickup_points_insert(struct db_conn *c, const struct pickup_point_new *r,
					      struct lmn_err *err);

#endif
