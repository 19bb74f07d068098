/* Patients: the record, its registration and the searches for it. */
#include "store/patients.h"

#include <string.h>

#define PATIENT_COLUMNS                                                          \
	"p.id, p.id_number, p.id_kind, p.given_name, p.family_name, p.address, " \
	"p.postal_code, p.city, coalesce(p.phone, ''), p.municipality, "         \
	"p.protected_identity, p.municipal_housing, p.rural_route"

/* Steps the bound st to its end, calling fn for each row of PATIENT_COLUMNS; *any whether there
 * was one. */
static enum lmn_rc patient_rows(struct db_stmt *st, patient_fn fn, void *arg, bool *any,
				struct lmn_err *err)
{
	bool row;
	enum lmn_rc rc;

	*any = false;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		struct patient_row p = {
			.id = db_col_int(st, 0),
			.id_number = db_col_text(st, 1),
			.id_kind = db_col_text(st, 2),
			.given_name = db_col_text(st, 3),
			.family_name = db_col_text(st, 4),
			.address = db_col_text(st, 5),
			.postal_code = db_col_text(st, 6),
			.city = db_col_text(st, 7),
			.phone = db_col_text(st, 8),
			.municipality = db_col_text(st, 9),
			.protected_identity = db_col_int(st, 10) != 0,
			.municipal_housing = db_col_int(st, 11) != 0,
			.rural_route = db_col_int(st, 12) != 0,
		};
		*any = true;
		if ((rc = fn(&p, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc patient_read(struct db_conn *c, int64_t id, patient_fn fn, void *arg, bool *found,
			 struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(c, "SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.id = $1",
				    &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	return patient_rows(st, fn, arg, found, err);
}

enum lmn_rc patient_read_by_number(struct db_conn *c, const char *canonical, patient_fn fn,
				   void *arg, bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(c, "SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.id_number = $1",
			   &st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, canonical);
	return patient_rows(st, fn, arg, found, err);
}

enum lmn_rc patients_by_name(struct db_conn *c, const struct patient_search *s, patient_fn fn,
			     void *arg, struct lmn_err *err)
{
	static const char *const sql[] = {
		[PATIENTS_OF_UNIT] =
			"SELECT " PATIENT_COLUMNS
			" FROM patients p WHERE p.protected_identity = 0 AND "
			"lower(p.given_name || ' ' || p.family_name) LIKE lower($1) ESCAPE '\\' AND "
			"(EXISTS (SELECT 1 FROM prescriptions r WHERE r.patient_id = p.id AND "
			"r.unit_id = $2) "
			" OR EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = p.id "
			"            AND c.unit_id = $2 AND c.ends_on >= $4)) "
			"ORDER BY p.family_name, p.given_name LIMIT $3",
		[PATIENTS_IN_HOUSING] =
			"SELECT " PATIENT_COLUMNS
			" FROM patients p WHERE p.protected_identity = 0 AND "
			"lower(p.given_name || ' ' || p.family_name) LIKE lower($1) ESCAPE '\\' AND "
			"p.municipality = $2 "
			"AND p.municipal_housing = 1 ORDER BY p.family_name, p.given_name LIMIT $3",
		[PATIENTS_OF_MUNICIPALITY] =
			"SELECT " PATIENT_COLUMNS
			" FROM patients p WHERE p.protected_identity = 0 AND "
			"lower(p.given_name || ' ' || p.family_name) LIKE lower($1) ESCAPE '\\' AND "
			"p.municipality = $2 "
			"ORDER BY p.family_name, p.given_name LIMIT $3",
		[PATIENTS_ALL] =
			"SELECT " PATIENT_COLUMNS
			" FROM patients p WHERE p.protected_identity = 0 AND "
			"lower(p.given_name || ' ' || p.family_name) LIKE lower($1) ESCAPE '\\' "
			"ORDER BY p.family_name, p.given_name LIMIT $3",
	};
	struct db_stmt *st;
	bool any;
	enum lmn_rc rc = db_prepare(c, sql[s->scope], &st, err);

	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, s->like);
	db_bind_int(st, 3, s->limit);
	if (s->scope == PATIENTS_OF_UNIT) {
		db_bind_int(st, 2, s->unit_id);
		db_bind_text(st, 4, s->today);
	} else if (s->scope != PATIENTS_ALL) {
		db_bind_text(st, 2, s->municipality);
	}
	return patient_rows(st, fn, arg, &any, err);
}

enum lmn_rc patients_insert(struct db_conn *c, const struct patient_new *r, int64_t *id,
			    struct lmn_err *err)
{
	return db_int(
		c, id, 0, err,
		DB_INSERT_ID(c, r->id,
			     "INSERT INTO patients (id, id_number, id_kind, given_name, "
			     "family_name, address, postal_code, city, phone, municipality, "
			     "protected_identity, municipal_housing, rural_route, created_at)",
			     "VALUES (nullif($1, 0), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
			     "$12, $13, $14) RETURNING id"),
		"itttttttttiiit", r->id, r->id_number, r->id_kind, r->given_name, r->family_name,
		r->address, r->postal_code, r->city, r->phone, r->municipality,
		(int64_t)r->protected_identity, (int64_t)r->municipal_housing,
		(int64_t)r->rural_route, r->created_at);
}

enum lmn_rc patients_any(struct db_conn *c, bool *any, struct lmn_err *err)
{
	return db_exists(c, any, err, "SELECT 1 FROM patients LIMIT 1", "");
}

enum lmn_rc patient_contact_get(struct db_conn *c, int64_t patient_id, struct patient_contact *out,
				struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(
		c,
		"SELECT coalesce(phone, ''), coalesce(email, ''), notice_channel, "
		"protected_identity, coalesce(temp_address, ''), coalesce(temp_postal_code, ''), "
		"coalesce(temp_city, ''), coalesce(temp_from, ''), coalesce(temp_until, '') "
		"FROM patients WHERE id = $1",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && !row)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "Patienten finns inte.");
	if (rc == LMN_OK) {
		db_col_copy(st, 0, out->phone, sizeof(out->phone));
		db_col_copy(st, 1, out->email, sizeof(out->email));
		db_col_copy(st, 2, out->channel, sizeof(out->channel));
		out->protected_identity = db_col_int(st, 3) != 0;
		db_col_copy(st, 4, out->temp_address, sizeof(out->temp_address));
		db_col_copy(st, 5, out->temp_postal_code, sizeof(out->temp_postal_code));
		db_col_copy(st, 6, out->temp_city, sizeof(out->temp_city));
		db_col_copy(st, 7, out->temp_from, sizeof(out->temp_from));
		db_col_copy(st, 8, out->temp_until, sizeof(out->temp_until));
	}
	db_done(st);
	return rc;
}

enum lmn_rc patient_contact_set(struct db_conn *c, int64_t patient_id,
				const struct patient_contact *in, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"UPDATE patients SET phone = nullif($2, ''), email = nullif($3, ''), "
			"notice_channel = $4, temp_address = nullif($5, ''), "
			"temp_postal_code = nullif($6, ''), temp_city = nullif($7, ''), "
			"temp_from = nullif($8, ''), temp_until = nullif($9, '') WHERE id = $1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_text(st, 2, in->phone);
	db_bind_text(st, 3, in->email);
	db_bind_text(st, 4, in->channel);
	db_bind_text(st, 5, in->temp_address);
	db_bind_text(st, 6, in->temp_postal_code);
	db_bind_text(st, 7, in->temp_city);
	db_bind_text(st, 8, in->temp_from);
	db_bind_text(st, 9, in->temp_until);
	if ((rc = db_run(st, err)) == LMN_OK && db_changes(c) == 0)
		rc = lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "Patienten finns inte.");
	return rc;
}

enum lmn_rc patient_delivery_address(struct db_conn *c, int64_t patient_id, const char *day,
				     struct patient_delivery *out, bool *found, struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc = db_prepare(
		c,
		"SELECT CASE WHEN t THEN temp_address ELSE address END, "
		"CASE WHEN t THEN temp_postal_code ELSE postal_code END, "
		"CASE WHEN t THEN temp_city ELSE city END, coalesce(phone, ''), "
		"protected_identity FROM (SELECT *, temp_address IS NOT NULL AND "
		"temp_from <= $2 AND $2 <= temp_until AS t FROM patients WHERE id = $1) p",
		&st, err);

	*found = false;
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_text(st, 2, day);
	rc = db_step(st, found, err);
	if (rc == LMN_OK && *found) {
		db_col_copy(st, 0, out->address, sizeof(out->address));
		db_col_copy(st, 1, out->postal_code, sizeof(out->postal_code));
		db_col_copy(st, 2, out->city, sizeof(out->city));
		db_col_copy(st, 3, out->phone, sizeof(out->phone));
		out->protected_identity = db_col_int(st, 4) != 0;
	}
	db_done(st);
	return rc;
}

enum lmn_rc patient_in_municipal_housing(struct db_conn *c, int64_t patient_id, bool *housing,
					 struct lmn_err *err)
{
	int64_t v;
	enum lmn_rc rc =
		db_int(c, &v, 0, err, "SELECT municipal_housing FROM patients WHERE id = $1", "i",
		       patient_id);

	*housing = rc == LMN_OK && v != 0;
	return rc;
}
