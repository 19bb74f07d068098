/* Reference data every role needs: the assortment with prices in force, and pickup points near a
 * postal code. No patient data here. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "rules/areas.h"
#include "store/articles.h"
#include "store/supply_read.h"

static enum lmn_rc article_json(const struct article_list_row *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:b, s:b}", "id",
			      (json_int_t)r->id, "article_number", r->article_number, "name",
			      r->name, "area", r->area, "unit", r->unit, "package_size",
			      (json_int_t)r->package_size, "supplier", r->supplier, "stocked",
			      r->stocked, "acute_assortment", r->acute_assortment, "special",
			      r->special);

	json_object_set_new(o, "price_ore",
			    r->price_ore < 0 ? json_null() : json_integer(r->price_ore));
	json_array_append_new(arg, o);
	return LMN_OK;
}

int articles_list(struct api_ctx *ctx)
{
	const char *area = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "area");
	const char *q = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "q");
	json_t *list = json_array();
	char today[11], like[128];
	int64_t limit;
	enum lmn_rc rc;

	/* A code of the product area list (issue 18: the areas are data). */
	if (area && area_parse(area, strlen(area)) < 0) {
		struct buf known;
		int status;
		buf_init(&known, 4096);
		areas_format_codes(&known, " eller ");
		json_decref(list);
		status = api_problem(ctx, 400, "invalid_input", "area", NULL, "area ska vara %s.",
				     known.data ? known.data : "");
		buf_release(&known);
		return status;
	}
	if (!api_query_int_or_reply(ctx, "limit", 100, 1, 1000, &limit)) {
		json_decref(list);
		return (int)ctx->resp->status;
	}
	snprintf(like, sizeof(like), "%%%s%%", q ? q : "");
	date_format(ctx->today, today);
	rc = articles_in_force(ctx->c, area, like, today, limit, article_json, list, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:s, s:o}", "prices_on", today, "articles", list));
}

/* Interpretation: "nearest" by postal code is the smallest numeric distance between codes, which
 * follows Swedish postal geography closely enough within a region; ties by name. */
static enum lmn_rc point_json(const struct pickup_point_row *p, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
					     (json_int_t)p->id, "code", p->code, "name", p->name,
					     "provider", p->provider_name, "address", p->address,
					     "postal_code", p->postal_code, "city", p->city));
	return LMN_OK;
}

int pickup_points_near(struct api_ctx *ctx)
{
	const char *pc = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "postal_code");
	json_t *list = json_array();
	char code[7];
	size_t n = 0;
	enum lmn_rc rc;

	for (const char *s = pc ? pc : ""; *s && n < 6; s++)
		if (*s != ' ')
			code[n++] = *s;
	code[n] = '\0';
	if (!pc || n != 5 || strspn(code, "0123456789") != 5) {
		json_decref(list);
		return api_problem(ctx, 400, "invalid_input", "postal_code", NULL,
				   "Ange ett postnummer med fem siffror, t.ex. 411 01.");
	}
	rc = pickup_points_nearest(ctx->c, code, NULL, 10, point_json, list, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:s, s:o}", "postal_code", code, "pickup_points", list));
}
