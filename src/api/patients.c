/* Patients: find, register, read, and the patient's own view of who accessed their data. */
#include <ctype.h>
#include <string.h>

#include "api/api.h"
#include "core/identity.h"

#define PATIENT_COLUMNS "p.id, p.id_number, p.id_kind, p.given_name, p.family_name, p.address, " \
			"p.postal_code, p.city, coalesce(p.phone, ''), p.municipality, "               \
			"p.protected_identity, p.municipal_housing, p.rural_route"

/* The patient as the caller may see it: a protected identity's address and phone only for those
 * who deliver (DOMAIN.md §3). */
static json_t *patient_json(struct api_ctx *ctx, struct db_stmt *st)
{
	bool protected_id = db_col_int(st, 10) != 0;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "id",
			      (json_int_t)db_col_int(st, 0), "id_number", db_col_text(st, 1),
			      "id_kind", db_col_text(st, 2), "given_name", db_col_text(st, 3),
			      "family_name", db_col_text(st, 4), "municipality", db_col_text(st, 9),
			      "protected_identity", protected_id, "municipal_housing",
			      db_col_int(st, 11) != 0, "rural_route", db_col_int(st, 12) != 0);

	if (!protected_id || access_sees_protected(ctx)) {
		json_object_set_new(o, "address", json_string(db_col_text(st, 5)));
		json_object_set_new(o, "postal_code", json_string(db_col_text(st, 6)));
		json_object_set_new(o, "city", json_string(db_col_text(st, 7)));
		json_object_set_new(o, "phone", json_string(db_col_text(st, 8)));
	}
	return o;
}

int patients_list(struct api_ctx *ctx)
{
	static const char sql_number[] =
		"SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.id_number = $1";
	static const char sql_unit[] =
		"SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.protected_identity = 0 AND "
		"(p.given_name || ' ' || p.family_name) LIKE $1 ESCAPE '\\' AND "
		"EXISTS (SELECT 1 FROM prescriptions r WHERE r.patient_id = p.id AND r.unit_id = $2) "
		"ORDER BY p.family_name, p.given_name LIMIT $3";
	static const char sql_municipality[] =
		"SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.protected_identity = 0 AND "
		"(p.given_name || ' ' || p.family_name) LIKE $1 ESCAPE '\\' AND p.municipality = $2 "
		"ORDER BY p.family_name, p.given_name LIMIT $3";
	static const char sql_all[] =
		"SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.protected_identity = 0 AND "
		"(p.given_name || ' ' || p.family_name) LIKE $1 ESCAPE '\\' "
		"ORDER BY p.family_name, p.given_name LIMIT $3";
	const char *number = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "id_number");
	const char *q = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "q");
	struct db_stmt *st;
	json_t *list = json_array();
	int64_t limit;
	bool row;
	enum lmn_rc rc;

	if (!api_query_int(ctx, "limit", 50, 1, 200, &limit))
		goto fail;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		goto db_fail;
	if (number) {
		/* An exact number finds anyone, protected or not, for whoever may look patients up. */
		struct identity id;
		if (identity_parse(number, strlen(number), ctx->today, &id, &ctx->err) != LMN_OK) {
			api_problem(ctx, 400, "invalid_input", "id_number", NULL, "%s", ctx->err.message);
			goto fail;
		}
		if ((rc = db_prepare(ctx->c, sql_number, &st, &ctx->err)) != LMN_OK)
			goto db_fail;
		db_bind_text(st, 1, id.canonical);
	} else {
		char like[160];
		size_t o = 0;

		if (!q || strlen(q) < 2 || strlen(q) > 60) {
			api_problem(ctx, 400, "invalid_input", "q", NULL,
				    "Ange personnummer (id_number) eller minst två tecken av namnet (q).");
			goto fail;
		}
		like[o++] = '%';
		for (const char *s = q; *s && o < sizeof(like) - 3; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				like[o++] = '\\';
			like[o++] = *s;
		}
		like[o++] = '%';
		like[o] = '\0';
		switch (ctx->user.role) {
		case UR_PRESCRIBER:
			rc = db_prepare(ctx->c, sql_unit, &st, &ctx->err);
			if (rc == LMN_OK)
				db_bind_int(st, 2, ctx->user.unit_id);
			break;
		case UR_MUNICIPAL_PRESCRIBER:
		case UR_MUNICIPAL_ORDERER:
			rc = db_prepare(ctx->c, sql_municipality, &st, &ctx->err);
			if (rc == LMN_OK)
				db_bind_text(st, 2, ctx->user.municipality);
			break;
		default:
			rc = db_prepare(ctx->c, sql_all, &st, &ctx->err);
			break;
		}
		if (rc != LMN_OK)
			goto db_fail;
		db_bind_text(st, 1, like);
		db_bind_int(st, 3, limit);
	}
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row)
		json_array_append_new(list, patient_json(ctx, st));
	db_done(st);
	if (rc != LMN_OK)
		goto db_fail;
	/* An exact number is a look-up; the staff member must still have a relationship to read
	 * more than that the patient exists — except customer service, who serve everyone. A search
	 * is one list view of the access log, with the patients it found. */
	if ((rc = access_record_list(ctx, list, "id", number ? "sökning på personnummer"
							      : "sökning på namn")) != LMN_OK)
		goto db_fail;
	if ((rc = db_commit(ctx->c, &ctx->err)) != LMN_OK)
		goto db_fail;
	return api_json(ctx, 200, json_pack("{s:o}", "patients", list));
db_fail:
	api_fail(ctx, rc);
fail:
	json_decref(list);
	return (int)ctx->resp->status;
}

static bool postal_code(struct api_ctx *ctx, const char *key, const char *in, char out[6])
{
	size_t n = 0;

	for (; *in && n < 6; in++) {
		if (*in == ' ')
			continue;
		if (!isdigit((unsigned char)*in))
			break;
		out[n++] = *in;
	}
	if (*in || n != 5) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "Postnumret ska ha fem siffror, t.ex. 411 01.");
		return false;
	}
	out[5] = '\0';
	return true;
}

int patients_create(struct api_ctx *ctx)
{
	const char *number, *given, *family, *address, *postal, *city, *phone, *municipality;
	bool protected_id = false, housing = false, rural = false;
	struct identity id;
	struct db_stmt *st;
	char pc[6];
	int64_t pid;
	enum lmn_rc rc;

	if (!api_str(ctx, "id_number", true, &number) || !api_str(ctx, "given_name", true, &given) ||
	    !api_str(ctx, "family_name", true, &family) || !api_str(ctx, "address", true, &address) ||
	    !api_str(ctx, "postal_code", true, &postal) || !api_str(ctx, "city", true, &city) ||
	    !api_str(ctx, "phone", false, &phone) ||
	    !api_str(ctx, "municipality", true, &municipality) ||
	    !api_bool(ctx, "protected_identity", &protected_id) ||
	    !api_bool(ctx, "municipal_housing", &housing) || !api_bool(ctx, "rural_route", &rural) ||
	    !postal_code(ctx, "postal_code", postal, pc))
		return 0;
	if (identity_parse(number, strlen(number), ctx->today, &id, &ctx->err) != LMN_OK)
		return api_problem(ctx, 400, "invalid_input", "id_number", NULL, "%s",
				   ctx->err.message);
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	rc = db_prepare(ctx->c, "SELECT id FROM patients WHERE id_number = $1", &st, &ctx->err);
	if (rc == LMN_OK) {
		bool row;
		db_bind_text(st, 1, id.canonical);
		rc = db_step(st, &row, &ctx->err);
		db_done(st);
		if (rc == LMN_OK && row)
			return api_problem(ctx, 409, "patient_exists", "id_number", NULL,
					   "En patient med det numret finns redan.");
	}
	if (rc == LMN_OK)
		rc = db_prepare(ctx->c,
				"INSERT INTO patients (id_number, id_kind, given_name, family_name, address, "
				"postal_code, city, phone, municipality, protected_identity, "
				"municipal_housing, rural_route, created_at) "
				"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
				&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_text(st, 1, id.canonical);
		db_bind_text(st, 2, identity_kind_name(id.kind));
		db_bind_text(st, 3, given);
		db_bind_text(st, 4, family);
		db_bind_text(st, 5, address);
		db_bind_text(st, 6, pc);
		db_bind_text(st, 7, city);
		db_bind_text(st, 8, phone);
		db_bind_text(st, 9, municipality);
		db_bind_int(st, 10, protected_id);
		db_bind_int(st, 11, housing);
		db_bind_int(st, 12, rural);
		db_bind_text(st, 13, ctx->now);
		rc = db_run(st, &ctx->err);
	}
	pid = db_last_id(ctx->c);
	if (rc == LMN_OK)
		rc = access_record(ctx, pid, ACCESS_CREATE, "patient registrerad");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201, json_pack("{s:I, s:s}", "id", (json_int_t)pid, "id_number", id.canonical));
}

int patients_get(struct api_ctx *ctx)
{
	struct db_stmt *st;
	json_t *o = NULL;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!access_patient(ctx, ctx->id[0]))
		return 0;
	rc = db_prepare(ctx->c, "SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.id = $1", &st,
			&ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		rc = db_step(st, &row, &ctx->err);
		if (rc == LMN_OK && row)
			o = patient_json(ctx, st);
		db_done(st);
	}
	if (rc == LMN_OK)
		rc = access_record(ctx, ctx->id[0], ACCESS_READ, "patientuppgifter");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(o);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, o);
}

int patients_access_log(struct api_ctx *ctx)
{
	struct db_stmt *st;
	json_t *list = json_array();
	int64_t limit;
	bool row;
	enum lmn_rc rc;

	if (!api_query_int(ctx, "limit", 100, 1, 1000, &limit))
		{
		json_decref(list);
		return 0;
	}
	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		{
		json_decref(list);
		return api_fail(ctx, rc);
	}
	if (!access_patient(ctx, ctx->id[0]))
		{
		json_decref(list);
		return 0;
	}
	/* A patient's entries are in the index by patient, in chunks not yet moved there, or at the
	 * log's end not yet filed (migration 12); the list views that showed them in the batches of
	 * views named for them (migration 15), in the order the two were written. */
	rc = db_prepare(ctx->c,
			"SELECT at, who, role, action, what FROM ("
			"SELECT a.at, coalesce(u.display_name, '') AS who, a.role, a.action, a.what, "
			"       k.id AS k1, 0 AS k2, 0 AS k3 "
			"FROM (SELECT id FROM access_log_by_patient WHERE patient_id = $1 "
			"      UNION ALL "
			"      SELECT id FROM access_log_recent "
			"       WHERE chunk IN (SELECT chunk FROM access_log_chunks) AND patient_id = $1 "
			"      UNION ALL "
			"      SELECT id FROM access_log "
			"       WHERE id > (SELECT upto FROM access_log_indexed) AND patient_id = $1) k "
			"JOIN access_log a ON a.id = k.id LEFT JOIN users u ON u.id = a.user_id "
			"UNION ALL "
			"SELECT v.at, coalesce(u.display_name, ''), v.role, 'read', v.what, v.after, 1, v.id "
			"FROM access_log_view_batches b JOIN access_log_views v "
			"  ON v.id BETWEEN b.batch * 1024 AND b.batch * 1024 + 1023 "
			"LEFT JOIN users u ON u.id = v.user_id "
			"WHERE b.patient_id = $1 AND instr(v.patients, ',' || $1 || ',') > 0) "
			"ORDER BY k1 DESC, k2 DESC, k3 DESC LIMIT $2",
			&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, ctx->id[0]);
		db_bind_int(st, 2, limit);
		while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row)
			json_array_append_new(
				list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "at", db_col_text(st, 0),
						"who", db_col_text(st, 1), "role", db_col_text(st, 2),
						"action", db_col_text(st, 3), "what",
						db_col_text(st, 4)));
		db_done(st);
	}
	db_rollback(ctx->c);
	if (rc != LMN_OK)
		{
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "entries", list));
}
