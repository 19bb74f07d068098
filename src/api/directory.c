/* Reference data every role needs: the assortment with prices in force, and pickup points near a
 * postal code. No patient data here. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "rules/areas.h"

int articles_list(struct api_ctx *ctx)
{
	const char *area = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "area");
	const char *q = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "q");
	struct db_stmt *st;
	json_t *list = json_array();
	char today[11], like[128];
	int64_t limit;
	bool row;
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
	if (!api_query_int(ctx, "limit", 100, 1, 1000, &limit)) {
		json_decref(list);
		return (int)ctx->resp->status;
	}
	snprintf(like, sizeof(like), "%%%s%%", q ? q : "");
	date_format(ctx->today, today);
	rc = db_prepare(
		ctx->c,
		"SELECT a.id, a.article_number, a.name, a.area, a.unit, a.package_size, s.name, "
		"a.stocked, a.acute_assortment, a.special, (SELECT p.price_ore FROM article_prices p "
		"WHERE p.article_id = a.id AND p.valid_from <= $3 ORDER BY p.valid_from DESC LIMIT 1) "
		"FROM articles a JOIN suppliers s ON s.id = a.supplier_id "
		"WHERE a.active = 1 AND ($1 IS NULL OR a.area = $1) AND a.name LIKE $2 "
		"ORDER BY a.area, a.name LIMIT $4",
		&st, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	db_bind_text(st, 1, area);
	db_bind_text(st, 2, like);
	db_bind_text(st, 3, today);
	db_bind_int(st, 4, limit);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		json_t *o =
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:b, s:b}", "id",
				  (json_int_t)db_col_int(st, 0), "article_number",
				  db_col_text(st, 1), "name", db_col_text(st, 2), "area",
				  db_col_text(st, 3), "unit", db_col_text(st, 4), "package_size",
				  (json_int_t)db_col_int(st, 5), "supplier", db_col_text(st, 6),
				  "stocked", db_col_int(st, 7) != 0, "acute_assortment",
				  db_col_int(st, 8) != 0, "special", db_col_int(st, 9) != 0);
		json_object_set_new(o, "price_ore",
				    db_col_null(st, 10) ? json_null()
							: json_integer(db_col_int(st, 10)));
		json_array_append_new(list, o);
	}
	db_done(st);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:s, s:o}", "prices_on", today, "articles", list));
}

/* Interpretation: "nearest" by postal code is the smallest numeric distance between codes, which
 * follows Swedish postal geography closely enough within a region; ties by name. */
int pickup_points_near(struct api_ctx *ctx)
{
	const char *pc = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "postal_code");
	struct db_stmt *st;
	json_t *list = json_array();
	char code[7];
	size_t n = 0;
	bool row;
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
	rc = db_prepare(ctx->c,
			"SELECT id, code, name, provider, address, postal_code, city, "
			"abs(CAST(postal_code AS INTEGER) - CAST($1 AS INTEGER)) AS distance "
			"FROM pickup_points ORDER BY distance, name LIMIT 10",
			&st, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	db_bind_text(st, 1, code);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row)
		json_array_append_new(list,
				      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
						(json_int_t)db_col_int(st, 0), "code",
						db_col_text(st, 1), "name", db_col_text(st, 2),
						"provider", db_col_text(st, 3), "address",
						db_col_text(st, 4), "postal_code",
						db_col_text(st, 5), "city", db_col_text(st, 6)));
	db_done(st);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:s, s:o}", "postal_code", code, "pickup_points", list));
}
