/* The rule parameters as in force on a date, with the version that set each one: what
 * `lmn rules show --on DATE` prints, for the administration's pages and for anyone on the staff who
 * must explain why the system decided as it did. */
#include <string.h>

#include "api/api.h"

static const char *const type_names[] = {
	[PT_INT] = "integer",	  [PT_BOOL] = "boolean",      [PT_TIME] = "time",
	[PT_PERCENT] = "percent", [PT_FRACTION] = "fraction", [PT_ROLES] = "roles",
	[PT_AREAS] = "areas",	  [PT_CHOICE] = "choice",     [PT_EVES] = "eves",
};

static json_t *source_json(const struct param_source *s)
{
	char effective[11], decided[11];

	date_format(s->effective, effective);
	date_format(s->decided, decided);
	/* An original version (before the change log) has no start or decision date in our
	 * sources: effective and decided are null, original true; its ref still names it. */
	return json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:s, s:s}", "ref", s->ref, "section",
			 s->section, "effective", s->original ? NULL : effective, "decided",
			 s->original ? NULL : decided, "original", s->original, "body",
			 s->body ? s->body : "", "reference", s->reference ? s->reference : "");
}

int rules_list(struct api_ctx *ctx)
{
	const char *on = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "on");
	const struct params *p = ctx->app->params;
	const struct rule_section *secs;
	const struct rule_set *rs;
	lmn_day day = ctx->today;
	char day_s[11], from[11], next[11];
	json_t *sections;
	size_t nsec;
	struct buf b;

	if (on && (strlen(on) != 10 || date_parse(on, 10, &day) != LMN_OK))
		return api_problem(ctx, 400, "invalid_input", "on", NULL,
				   "on ska vara ett datum ÅÅÅÅ-MM-DD.");
	date_format(day, day_s);
	rs = params_at(p, day);
	if (!rs)
		return api_problem(ctx, 500, "no_rules", NULL, NULL, "Reglerna är inte inlästa.");
	if (rs->from != LMN_DAY_NONE)
		date_format(rs->from, from);
	sections = json_array();
	buf_init(&b, 0);
	secs = rule_sections(&nsec);
	for (size_t s = 0; s < nsec; s++) {
		json_t *params = json_array(), *sources = json_array();
		const struct param_source *seen[P__COUNT] = { NULL };
		size_t nseen = 0;

		for (int i = 0; i < P__COUNT; i++) {
			const struct param_def *d = param_def((enum param_id)i);
			const struct param_source *src = rs->src[i];
			size_t k;

			if (strcmp(d->section, secs[s].id) != 0)
				continue;
			buf_reset(&b);
			param_format((enum param_id)i, rs->v[i], &b);
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", d->key, "type",
					      type_names[d->type], "value", b.data ? b.data : "",
					      "help", d->help, "source", src->ref);
			json_array_append_new(params, o);
			for (k = 0; k < nseen && seen[k] != src; k++)
				;
			if (k == nseen) {
				seen[nseen++] = src;
				json_array_append_new(sources, source_json(src));
			}
		}
		json_array_append_new(sections, json_pack("{s:s, s:s, s:o, s:o}", "id", secs[s].id,
							  "title", secs[s].title, "parameters",
							  params, "sources", sources));
	}
	buf_release(&b);
	/* The first set has no start: set_from is null (its versions precede the change log). */
	json_t *o = json_pack("{s:s, s:s?, s:o}", "on", day_s, "set_from",
			      rs->from != LMN_DAY_NONE ? from : NULL, "sections", sections);
	/* The set holds until the day before the next change (if one is known). */
	if (o && rs->until != LMN_DAY_NONE) {
		date_format(rs->until, next);
		json_object_set_new(o, "next_change", json_string(next));
	}
	return api_json(ctx, 200, o);
}
