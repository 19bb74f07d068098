/* The delivery alternatives a prescription item allows per product area (the 1177 contracts'
 * DeliveryAlternative): kept by the administration as data. */
#include <string.h>

#include "api/api.h"

static const char *const notification_words[] = { "email", "letter", "phone", "sms" };

static json_t *alternative_json(const struct delivery_alternative *a)
{
	json_t *n = json_array();

	for (const char *p = a->notifications + strspn(a->notifications, ","); *p;
	     p += strspn(p, ",")) {
		size_t len = strcspn(p, ",");

		json_array_append_new(n, json_stringn(p, len));
		p += len;
	}
	return json_pack("{s:I, s:s?, s:s, s:s, s:s, s:b, s:o, s:b, s:b, s:b}", "id",
			 (json_int_t)a->id, "area", *a->area ? a->area : NULL, "name", a->name,
			 "method", a->method, "provider", a->provider, "choose_point",
			 a->choose_point, "notifications", n, "allow_comment", a->allow_comment,
			 "allow_contact_person", a->allow_contact_person, "active", a->active);
}

int delivery_alternatives_list(struct api_ctx *ctx)
{
	struct delivery_alternative a[DELIVERY_MAX_ALTERNATIVES];
	json_t *list;
	int n;
	enum lmn_rc rc;

	if ((rc = delivery_alternatives_all(ctx->c, a, &n, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, alternative_json(&a[i]));
	return api_json(ctx, 200, json_pack("{s:o}", "alternatives", list));
}

/* Reads the body into a; false with the problem answered. */
static bool alternative_input_or_reply(struct api_ctx *ctx, struct delivery_alternative *a)
{
	const char *area = NULL, *name, *method, *provider;
	json_t *n = json_object_get(ctx->body, "notifications"), *v;
	size_t i;
	bool known;
	enum lmn_rc rc;

	a->active = true;
	if (!api_str_or_reply(ctx, "area", false, &area) ||
	    !api_str_or_reply(ctx, "name", true, &name) ||
	    !api_str_or_reply(ctx, "method", true, &method) ||
	    !api_str_or_reply(ctx, "provider", true, &provider) ||
	    !api_bool_or_reply(ctx, "choose_point", &a->choose_point) ||
	    !api_bool_or_reply(ctx, "allow_comment", &a->allow_comment) ||
	    !api_bool_or_reply(ctx, "allow_contact_person", &a->allow_contact_person) ||
	    !api_bool_or_reply(ctx, "active", &a->active))
		return false;
	if (strcmp(method, "home") != 0 && strcmp(method, "pickup_point") != 0) {
		api_problem(ctx, 400, "invalid_input", "method", NULL,
			    "Leveranssättet ska vara hemleverans (home) eller utlämningsställe "
			    "(pickup_point).");
		return false;
	}
	if ((rc = pickup_provider_known(ctx->c, provider, &known, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!known) {
		api_problem(ctx, 422, "unknown_provider", "provider", NULL,
			    "Ombudet finns inte i listan över ombud.");
		return false;
	}
	if (a->choose_point &&
	    (strcmp(method, "pickup_point") != 0 || !strcmp(provider, "INGEN"))) {
		api_problem(ctx, 422, "invalid_input", "choose_point", NULL,
			    "Val av utlämningsställe kräver leverans till utlämningsställe hos ett "
			    "ombud.");
		return false;
	}
	if (n && !json_is_array(n)) {
		api_problem(ctx, 400, "invalid_input", "notifications", NULL,
			    "Aviseringssätten ska vara en lista: email, letter, phone, sms.");
		return false;
	}
	json_array_foreach(n, i, v) {
		size_t len = strlen(a->notifications);
		bool ok = false;

		for (size_t k = 0; k < 4; k++)
			ok |= json_is_string(v) &&
			      strcmp(json_string_value(v), notification_words[k]) == 0;
		if (!ok || len + 8 >= sizeof(a->notifications)) {
			api_problem(
				ctx, 400, "invalid_input", "notifications", NULL,
				"Aviseringssätten ska vara en lista: email, letter, phone, sms.");
			return false;
		}
		snprintf(a->notifications + len, sizeof(a->notifications) - len, "%s%s",
			 len ? "," : "", json_string_value(v));
	}
	snprintf(a->area, sizeof(a->area), "%s", area ? area : "");
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->method, sizeof(a->method), "%s", method);
	snprintf(a->provider, sizeof(a->provider), "%s", provider);
	return true;
}

static int alternative_save(struct api_ctx *ctx, int64_t id)
{
	struct delivery_alternative a = { .id = id };
	int64_t saved = 0;
	enum lmn_rc rc;

	if (!ctx->body)
		return api_problem(ctx, 400, "invalid_input", NULL, NULL,
				   "Leveranssättet saknas (ett JSON-objekt).");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!alternative_input_or_reply(ctx, &a)) {
		db_rollback(ctx->c);
		return (int)ctx->resp->status;
	}
	rc = delivery_alternative_save(ctx->c, &a, &saved, &ctx->err);
	if (rc == LMN_OK)
		rc = delivery_alternative_get(ctx->c, saved, &a, &ctx->err);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, id ? 200 : 201, alternative_json(&a));
}

int delivery_alternatives_create(struct api_ctx *ctx)
{
	return alternative_save(ctx, 0);
}

int delivery_alternatives_update(struct api_ctx *ctx)
{
	return alternative_save(ctx, ctx->id[0]);
}
