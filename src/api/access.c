/* Who may see which patient (DOMAIN.md §2), and the append-only access log of every read and write
 * of patient data (Swedish patient data law). */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "store/access_log.h"

static const char *const action_names[] = { "read", "create", "update" };

bool access_sees_protected(const struct api_ctx *ctx)
{
	/* Only roles that must deliver see a protected identity's address and phone; a patient and
	 * their delegates see their own. */
	return ctx->user.role == UR_DISTRIBUTOR || ctx->user.role == UR_PATIENT;
}

/* Whether the patient exists and the caller has a relationship to them, without answering. The
 * relationship rules of DOMAIN.md §2 per role: a care relationship recorded by the unit opens the
 * record as a prescription of the unit does while it lasts ($5: today); the municipal orderer
 * reads only residents of municipal housing in their municipality. */
static enum lmn_rc relationship(struct api_ctx *ctx, int64_t patient_id, bool *exists,
				bool *allowed)
{
#define UNIT_RELATION                                                                              \
	"EXISTS (SELECT 1 FROM prescriptions r WHERE r.patient_id = p.id AND r.unit_id = $2) OR "  \
	"EXISTS (SELECT 1 FROM care_relationships c WHERE c.patient_id = p.id AND c.unit_id = $2 " \
	"AND c.ends_on >= $5)"
	static const char *const sql[UR__COUNT] = {
		[UR_PATIENT] =
			"SELECT p.id, (p.id = $2 OR EXISTS (SELECT 1 FROM delegates d "
			"WHERE d.user_id = $3 AND d.patient_id = p.id)) FROM patients p WHERE p.id = $1",
		[UR_PRESCRIBER] =
			"SELECT p.id, (" UNIT_RELATION ") FROM patients p WHERE p.id = $1",
		[UR_MUNICIPAL_PRESCRIBER] =
			"SELECT p.id, (p.municipality = $4 OR " UNIT_RELATION ") "
			"FROM patients p WHERE p.id = $1",
		[UR_MUNICIPAL_ORDERER] =
			"SELECT p.id, (p.municipality = $4 AND p.municipal_housing = 1) "
			"FROM patients p WHERE p.id = $1",
		[UR_CUSTOMER_SERVICE] = "SELECT p.id, 1 FROM patients p WHERE p.id = $1",
		[UR_DISTRIBUTOR] = "SELECT p.id, 0 FROM patients p WHERE p.id = $1",
		[UR_ADMIN] = "SELECT p.id, 0 FROM patients p WHERE p.id = $1",
		[UR_SECRETARY] = "SELECT p.id, 0 FROM patients p WHERE p.id = $1",
		[UR_MEMBER] = "SELECT p.id, 0 FROM patients p WHERE p.id = $1",
	};
#undef UNIT_RELATION
	const struct user *u = &ctx->user;
	struct db_stmt *st;
	char today[11];
	enum lmn_rc rc;

	*exists = *allowed = false;
	rc = db_prepare(ctx->c, sql[u->role], &st, &ctx->err);
	if (rc != LMN_OK)
		return rc;
	/* Bind only what the statement has: an index beyond its parameters is an error. */
	db_bind_int(st, 1, patient_id);
	if (db_param_count(st) >= 2)
		db_bind_int(st, 2, u->role == UR_PATIENT ? u->patient_id : u->unit_id);
	if (db_param_count(st) >= 3)
		db_bind_int(st, 3, u->id);
	if (db_param_count(st) >= 4)
		db_bind_text(st, 4, u->municipality);
	if (db_param_count(st) >= 5) {
		date_format(ctx->today, today);
		db_bind_text(st, 5, today);
	}
	rc = db_step(st, exists, &ctx->err);
	if (rc == LMN_OK && *exists)
		*allowed = db_col_int(st, 1) != 0;
	db_done(st);
	return rc;
}

enum lmn_rc access_related(struct api_ctx *ctx, int64_t patient_id, bool *allowed)
{
	bool exists;

	return relationship(ctx, patient_id, &exists, allowed);
}

int access_refuse(struct api_ctx *ctx)
{
	return api_problem(
		ctx, 403, "no_relationship", NULL, NULL,
		"Du har ingen vårdrelation eller behörighet till den här patientens uppgifter.");
}

bool access_patient(struct api_ctx *ctx, int64_t patient_id)
{
	bool exists, allowed;
	enum lmn_rc rc = relationship(ctx, patient_id, &exists, &allowed);

	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	/* A patient who does not exist is answered as one outside the relationship: a 404 would
	 * tell that the others exist, with no access-log entry. Customer service serves every
	 * patient, so for them a 404 tells nothing. */
	if (!exists && ctx->user.role == UR_CUSTOMER_SERVICE) {
		api_problem(ctx, 404, "not_found", NULL, NULL, "Patienten finns inte.");
		return false;
	}
	if (!allowed) {
		access_refuse(ctx);
		return false;
	}
	return true;
}

bool access_order(struct api_ctx *ctx, int64_t order_id, int64_t patient_id)
{
	struct db_stmt *st;
	bool row = false;
	char since[11];
	enum lmn_rc rc;

	if (ctx->user.role != UR_DISTRIBUTOR)
		return access_patient(ctx, patient_id);
	/* The distributor reads what it has to deliver, and what it delivered (or got back) within
	 * the rule parameter's days: what a question about a delivery needs, not the history. */
	const struct rule_set *rs = params_at(ctx->app->params, ctx->today);
	date_format(ctx->today - (rs ? (lmn_day)rs->v[P_DISTRIBUTOR_HISTORY_DAYS].i : 0), since);
	rc = db_prepare(
		ctx->c,
		"SELECT 1 FROM orders o WHERE o.id = $1 AND (o.status IN ('received', 'shipped', "
		"'partially_delivered', "
		"'partially_shipped') OR EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id "
		"AND substr(coalesce(s.outcome_at, s.delivered_at, s.shipped_at), 1, 10) >= $2))",
		&st, &ctx->err);
	if (rc == LMN_OK) {
		db_bind_int(st, 1, order_id);
		db_bind_text(st, 2, since);
		rc = db_step(st, &row, &ctx->err);
		db_done(st);
	}
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!row) {
		api_problem(
			ctx, 403, "not_to_deliver", NULL, NULL,
			"Beställningen är inte en som distributören ska leverera eller nyligen har "
			"levererat.");
		return false;
	}
	return true;
}

enum lmn_rc access_record(struct api_ctx *ctx, int64_t patient_id, enum access_action action,
			  const char *what)
{
	struct db_stmt *st;
	char via[384];
	enum lmn_rc rc;

	/* The e-service reads and orders for a person it names: the patient, or their delegate. */
	if (ctx->user.via_1177 && *ctx->user.orderer) {
		snprintf(via, sizeof(via), "%s via 1177 e-tjänst (%s%s)", what, ctx->user.orderer,
			 ctx->user.by_delegate ? ", ombud" : "");
		what = via;
	} else if (ctx->user.via_1177) {
		snprintf(via, sizeof(via), "%s via 1177 e-tjänst", what);
		what = via;
	}
	rc = db_prepare(
		ctx->c,
		"INSERT INTO access_log (at, user_id, role, patient_id, action, what, token_id) "
		"VALUES ($1, $2, $3, $4, $5, $6, nullif($7, 0))",
		&st, &ctx->err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, ctx->now);
	db_bind_int(st, 2, ctx->user.id);
	db_bind_text(st, 3, user_role_name(ctx->user.role));
	db_bind_int(st, 4, patient_id);
	db_bind_text(st, 5, action_names[action]);
	db_bind_text(st, 6, what);
	db_bind_int(st, 7, ctx->user.token_id);
	return db_run(st, &ctx->err);
}

struct access_read {
	struct api_ctx *ctx;
	int64_t patient_id;
	const char *what;
};

static enum lmn_rc access_read_write(struct db_conn *c, void *arg)
{
	struct access_read *r = arg;

	(void)c; /* r->ctx->c, whose statements go to the writer now */
	return access_record(r->ctx, r->patient_id, ACCESS_READ, r->what);
}

enum lmn_rc access_record_read(struct api_ctx *ctx, int64_t patient_id, const char *what)
{
	struct access_read r = { ctx, patient_id, what };

	return db_write(ctx->c, access_read_write, &r, &ctx->err);
}

enum lmn_rc access_record_list(struct api_ctx *ctx, json_t *list, const char *key, const char *what)
{
	size_t n = json_array_size(list);
	int64_t *ids;
	enum lmn_rc rc;

	if (n == 0)
		return LMN_OK;
	if (!(ids = malloc(n * sizeof(*ids))))
		return lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		ids[i] = json_integer_value(json_object_get(json_array_get(list, i), key));
	rc = access_log_add_view(ctx->c, ctx->now, ctx->user.id, ctx->user.token_id,
				 user_role_name(ctx->user.role), what, ids, n, &ctx->err);
	free(ids);
	return rc;
}

struct access_list_read {
	struct api_ctx *ctx;
	json_t *list;
	const char *key, *what;
};

static enum lmn_rc access_list_read_write(struct db_conn *c, void *arg)
{
	struct access_list_read *r = arg;

	(void)c; /* r->ctx->c, whose statements go to the writer now */
	return access_record_list(r->ctx, r->list, r->key, r->what);
}

enum lmn_rc access_record_list_read(struct api_ctx *ctx, json_t *list, const char *key,
				    const char *what)
{
	struct access_list_read r = { ctx, list, key, what };

	if (json_array_size(list) == 0)
		return LMN_OK;
	return db_write(ctx->c, access_list_read_write, &r, &ctx->err);
}
