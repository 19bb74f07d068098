/* The care units, for choosing a prescriber's unit by name (the administration's account form). */
#include "api/api.h"
#include "store/staff.h"

static enum lmn_rc add_unit(void *arg, const struct unit_row *u, struct lmn_err *err)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id, "name", u->name,
			      "care_provider", u->care_provider, "cost_centre", u->cost_centre);

	if (!o)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (*u->municipality)
		json_object_set_new(o, "municipality", json_string(u->municipality));
	json_array_append_new(arg, o);
	return LMN_OK;
}

int units_list(struct api_ctx *ctx)
{
	json_t *a = json_array();
	enum lmn_rc rc = units_each(ctx->c, add_unit, a, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "units", a));
}
