/* Who may see which patient (DOMAIN.md §2), and the append-only access log of every read and write
 * of patient data (Swedish patient data law). */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "store/access_log.h"
#include "store/relationships.h"

static const char *const action_names[] = { "read", "create", "update" };

bool access_sees_protected(const struct api_ctx *ctx)
{
	/* Only roles that must deliver see a protected identity's address and phone; a patient and
	 * their delegates see their own. */
	return ctx->user.role == UR_DISTRIBUTOR || ctx->user.role == UR_PATIENT;
}

/* Whether the patient exists and the caller has a relationship to them, without answering, by
 * the relationship rule of the caller's role (DOMAIN.md §2). */
static enum lmn_rc relationship(struct api_ctx *ctx, int64_t patient_id, bool *exists,
				bool *allowed)
{
	static const enum relation_rule rules[UR__COUNT] = {
		[UR_PATIENT] = REL_PATIENT,
		[UR_PRESCRIBER] = REL_UNIT,
		[UR_MUNICIPAL_PRESCRIBER] = REL_MUNICIPAL_PRESCRIBER,
		[UR_MUNICIPAL_ORDERER] = REL_MUNICIPAL_ORDERER,
		[UR_CUSTOMER_SERVICE] = REL_EVERY,
		[UR_DISTRIBUTOR] = REL_NONE,
		[UR_ADMIN] = REL_NONE,
		[UR_SECRETARY] = REL_NONE,
		[UR_MEMBER] = REL_NONE,
	};
	const struct user *u = &ctx->user;
	char today[11];
	struct relation_query q = {
		rules[u->role], patient_id,	 u->role == UR_PATIENT ? u->patient_id : u->unit_id,
		u->id,		u->municipality, today
	};

	date_format(ctx->today, today);
	return relation_check(ctx->c, &q, exists, allowed, &ctx->err);
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

bool access_patient_or_reply(struct api_ctx *ctx, int64_t patient_id)
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

bool access_order_or_reply(struct api_ctx *ctx, int64_t order_id, int64_t patient_id)
{
	bool has = false;
	char since[11];
	enum lmn_rc rc;

	if (ctx->user.role != UR_DISTRIBUTOR)
		return access_patient_or_reply(ctx, patient_id);
	/* The distributor reads what it has to deliver, and what it delivered (or got back) within
	 * the rule parameter's days: what a question about a delivery needs, not the history. */
	const struct rule_set *rs = params_at(ctx->app->params, ctx->today);
	date_format(ctx->today - (rs ? (lmn_day)rs->v[P_DISTRIBUTOR_HISTORY_DAYS].i : 0), since);
	if ((rc = distributor_has_order(ctx->c, order_id, since, &has, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!has) {
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
	char via[384];

	/* The e-service reads and orders for a person it names: the patient, or their delegate. */
	if (ctx->user.via_1177 && *ctx->user.orderer) {
		snprintf(via, sizeof(via), "%s via 1177 e-tjänst (%s%s)", what, ctx->user.orderer,
			 ctx->user.by_delegate ? ", ombud" : "");
		what = via;
	} else if (ctx->user.via_1177) {
		snprintf(via, sizeof(via), "%s via 1177 e-tjänst", what);
		what = via;
	}
	struct access_log_row r = { .at = ctx->now,
				    .user_id = ctx->user.id,
				    .role = user_role_name(ctx->user.role),
				    .patient_id = patient_id,
				    .action = action_names[action],
				    .what = what,
				    .token_id = ctx->user.token_id };

	return access_log_add(ctx->c, &r, &ctx->err);
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
