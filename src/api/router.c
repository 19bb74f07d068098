/* Dispatch: match the route, set up the request context, authenticate, check the role, parse the
 * body, run the handler. */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "store/rules_store.h"
#include "util/clock.h"

static const char *const role_names[UR__COUNT] = {
	[UR_PATIENT] = "patient",
	[UR_PRESCRIBER] = "prescriber",
	[UR_MUNICIPAL_PRESCRIBER] = "municipal_prescriber",
	[UR_MUNICIPAL_ORDERER] = "municipal_orderer",
	[UR_CUSTOMER_SERVICE] = "customer_service",
	[UR_DISTRIBUTOR] = "distributor",
	[UR_ADMIN] = "admin",
	[UR_SECRETARY] = "secretary",
	[UR_MEMBER] = "member",
};

const char *user_role_name(enum user_role r)
{
	return (unsigned)r < UR__COUNT ? role_names[r] : "?";
}

int user_role_parse(const char *s)
{
	for (int i = 0; i < UR__COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

bool api_match(const char *pattern, const char *path, int64_t id[2])
{
	int nid = 0;

	while (*pattern && *path) {
		if (pattern[0] == '{') {
			int64_t v = 0;
			int digits = 0;

			while (*path >= '0' && *path <= '9' && digits < 18) {
				v = v * 10 + (*path++ - '0');
				digits++;
			}
			if (digits == 0 || (*path && *path != '/') || nid == 2 || v == 0)
				return false;
			id[nid++] = v;
			pattern = strchr(pattern, '}') + 1;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *pattern == '\0' && *path == '\0';
}

static bool method_is(const char *m, const char *want)
{
	return strcmp(m, want) == 0 || (strcmp(want, "GET") == 0 && strcmp(m, "HEAD") == 0);
}

/* The request's clock, a connection and the rule set in force (snapshot holds the application
 * with it); false with the failure answered. */
static bool ctx_open_or_reply(struct api_ctx *ctx, struct app *snapshot)
{
	struct clock_now now;
	enum lmn_rc rc;

	if (clock_now(&now, &ctx->err) != LMN_OK) {
		api_fail(ctx, LMN_EIO);
		return false;
	}
	ctx->today = now.day;
	ctx->now_sec = now.sec;
	memcpy(ctx->now, now.iso, sizeof(ctx->now));
	if ((rc = db_acquire(ctx->app->db, &ctx->c, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	/* The rule set is read once per request: a decision recorded meanwhile (here, or by another
	 * process into the change log) applies from a later request on, and this one keeps a
	 * consistent set (old sets live until shutdown). */
	if (ctx->app->cfg.rules) {
		/* A set that cannot be built is logged, and the one in force goes on serving: the
		 * request is not the one at fault, and the next check tries again. */
		if ((rc = rules_live_refresh(ctx->app->cfg.rules, ctx->c, &ctx->err)) != LMN_OK)
			fprintf(stderr,
				"lmn: rule versions of the change log not applied (%s): %s\n",
				lmn_rc_name(rc), ctx->err.message);
		*snapshot = *ctx->app;
		snapshot->params = rules_live_get(ctx->app->cfg.rules);
		ctx->app = snapshot;
	}
	return true;
}

void api_call_as(const struct app *app, const struct user *user, struct http_req *req,
		 struct http_resp *resp, api_handler fn, void *front)
{
	struct api_ctx ctx;
	struct app snapshot;

	memset(&ctx, 0, sizeof(ctx));
	ctx.app = app;
	ctx.req = req;
	ctx.resp = resp;
	ctx.user = *user;
	ctx.signed_in = true;
	ctx.front = front;
	if (!ctx_open_or_reply(&ctx, &snapshot))
		return;
	fn(&ctx);
	db_release(app->db, ctx.c);
}

void api_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp)
{
	struct api_ctx ctx;
	struct app snapshot;
	const struct route *routes, *r = NULL;
	bool path_known = false, unsafe;
	size_t n;
	enum lmn_rc rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.app = app;
	ctx.req = req;
	ctx.resp = resp;
	routes = api_routes(&n);
	for (size_t i = 0; i < n && !r; i++) {
		int64_t id[2] = { 0, 0 };
		if (!api_match(routes[i].pattern, req->path, id))
			continue;
		path_known = true;
		if (method_is(req->method, routes[i].method)) {
			r = &routes[i];
			memcpy(ctx.id, id, sizeof(id));
		}
	}
	if (!r) {
		if (path_known)
			api_problem(&ctx, 405, "method_not_allowed", NULL, NULL,
				    "Metoden %s stöds inte för %s.", req->method, req->path);
		else
			api_problem(&ctx, 404, "not_found", NULL, NULL, "%s finns inte.",
				    req->path);
		return;
	}
	if (!ctx_open_or_reply(&ctx, &snapshot))
		return;
	rc = auth_identify(&ctx);
	if (rc != LMN_OK && rc != LMN_ENOTFOUND) {
		api_fail(&ctx, rc);
		goto out;
	}
	if (r->roles) {
		if (!ctx.signed_in) {
			api_problem(&ctx, 401, "not_signed_in", NULL, NULL, "Logga in först.");
			goto out;
		}
		if (!(r->roles & ROLE_BIT(ctx.user.role))) {
			api_problem(&ctx, 403, "role_not_allowed", NULL, NULL,
				    "Rollen %s får inte göra detta.",
				    user_role_name(ctx.user.role));
			goto out;
		}
	}
	unsafe = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
	/* A cookie travels with every request the browser makes (ours, or the single sign-on's that
	 * makes the proxy name the user); a form or script from another site must also know the
	 * CSRF token (GET /api/me). Bearer tokens are not sent by browsers on their own. */
	if (unsafe && ctx.signed_in && (ctx.user.via_session || ctx.user.via_proxy)) {
		const char *t = req->lookup(req->conn, HTTP_HEADER, "X-CSRF-Token");
		if (!t || strcmp(t, ctx.user.csrf) != 0) {
			api_problem(&ctx, 403, "csrf", "X-CSRF-Token", NULL,
				    "CSRF-token saknas eller stämmer inte; ladda om sidan.");
			goto out;
		}
	}
	/* A JSON body is read here for every handler; a CSV upload (the assortment import) is left to
	 * its handler as it came. */
	const char *type = req->lookup(req->conn, HTTP_HEADER, "Content-Type");
	if (unsafe && req->body_len > 0 && !(type && strncasecmp(type, "text/csv", 8) == 0)) {
		json_error_t je;
		ctx.body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!ctx.body || !json_is_object(ctx.body)) {
			api_problem(&ctx, 400, "invalid_json", NULL, NULL,
				    "Kroppen ska vara ett JSON-objekt (%s, tecken %d).",
				    ctx.body ? "inte ett objekt" : je.text,
				    ctx.body ? 0 : je.position);
			goto out;
		}
	}
	r->fn(&ctx);
out:
	json_decref(ctx.body);
	db_release(app->db, ctx.c);
}

const struct params *api_params_now(const struct app *app)
{
	return app->cfg.rules ? rules_live_get(app->cfg.rules) : app->params;
}
