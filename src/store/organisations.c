/* Care providers, units and pickup points: the statements that write them. */
#include "store/organisations.h"

enum lmn_rc care_providers_insert(struct db_conn *c, const struct care_provider_new *r,
				  struct lmn_err *err)
{
	return db_do(c, err,
		     DB_INSERT_ID(c, r->id,
				  "INSERT INTO care_providers (id, name, kind, municipality)",
				  "VALUES (nullif($1, 0), $2, $3, $4)"),
		     "ittt", r->id, r->name, r->kind, r->municipality);
}

enum lmn_rc units_insert(struct db_conn *c, const struct unit_new *r, struct lmn_err *err)
{
	return db_do(c, err,
		     DB_INSERT_ID(c, r->id,
				  "INSERT INTO units (id, care_provider_id, name, cost_centre, "
				  "municipality, postal_code)",
				  "VALUES (nullif($1, 0), $2, $3, $4, $5, $6)"),
		     "iitttt", r->id, r->care_provider_id, r->name, r->cost_centre, r->municipality,
		     r->postal_code);
}

enum lmn_rc units_invent_hsa_ids(struct db_conn *c, struct lmn_err *err)
{
	return db_do(c, err,
		     "UPDATE units SET hsa_id = 'SE2321000131-E' || "
		     "substr('000000000000' || CAST(id AS TEXT), length(CAST(id AS TEXT)) + 1)",
		     "");
}

enum lmn_rc pickup_points_insert(struct db_conn *c, const struct pickup_point_new *r,
				 struct lmn_err *err)
{
	return db_do(c, err,
		     "INSERT INTO pickup_points (code, name, provider, address, postal_code, city, "
		     "provider_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		     "ttttttt", r->code, r->name, r->provider, r->address, r->postal_code, r->city,
		     r->provider_code);
}
