/* The change log (DOMAIN.md §9, GOVERNANCE.md "The change log"): every decision that changes a
 * specification, with the rule-parameter versions it introduces. Recording one reaches the order
 * engine at once: the rules are rebuilt from the files and the log and swapped in, and apply from
 * the entry's effective date. Also the specification text as in force on a date, and the
 * difference between two versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/governance.h"
#include "governance/textdiff.h"
#include "store/change_log_store.h"
#include "store/governance_store.h"
#include "store/rules_files.h"
#include "store/rules_store.h"

static json_t *diff_json(const char *a, const char *b, struct lmn_err *err)
{
	static const char *const ops[] = { "same", "del", "add" };
	struct text_diff d;
	json_t *spans;

	if (text_diff(a, b, &d, err) != LMN_OK)
		return NULL;
	spans = json_array();
	for (size_t i = 0; i < d.n; i++) {
		const char *src = d.spans[i].op == DIFF_ADD ? b : a;
		json_array_append_new(spans,
				      json_pack("{s:s, s:s%}", "op", ops[d.spans[i].op], "text",
						src + d.spans[i].start, (size_t)d.spans[i].len));
	}
	text_diff_release(&d);
	return spans;
}

static json_t *entry_json(const struct change_log_entry *e, bool full)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)e->id,
			      "decided_on", e->decided_on, "body", e->body, "heading", e->heading,
			      "section", e->section, "effective_on", e->effective_on,
			      "rules_in_files", e->from_files);

	if (!o)
		return NULL;
	if (*e->rules)
		json_object_set_new(o, "rules", json_string(e->rules));
	if (e->item_id)
		json_object_set_new(o, "item_id", json_integer(e->item_id));
	if (full) {
		json_object_set_new(o, "original_text", json_string(e->original_text));
		json_object_set_new(o, "new_text", json_string(e->new_text));
		json_object_set_new(o, "created_at", json_string(e->created_at));
	}
	return o;
}

static enum lmn_rc entry_listed(const struct change_log_entry *e, void *arg)
{
	json_array_append_new(arg, entry_json(e, false));
	return LMN_OK;
}

int change_log_list(struct api_ctx *ctx)
{
	const char *section = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "section");
	const char *body = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "body");
	json_t *a = json_array();
	enum lmn_rc rc = change_log_entries(ctx->c, section ? section : "", body ? body : "",
					    entry_listed, a, &ctx->err);

	return gov_list_done(ctx, rc, a, "entries");
}

struct entry_full {
	struct lmn_err *err;
	json_t *o, *diff;
};

static enum lmn_rc entry_read(const struct change_log_entry *e, void *arg)
{
	struct entry_full *x = arg;

	x->o = entry_json(e, true);
	x->diff = diff_json(e->original_text, e->new_text, x->err);
	return LMN_OK;
}

int change_log_get(struct api_ctx *ctx)
{
	struct entry_full x = { &ctx->err, NULL, NULL };
	bool row = false;
	enum lmn_rc rc = change_log_entry_load(ctx->c, ctx->id[0], &row, entry_read, &x, &ctx->err);

	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!row)
		return api_problem(ctx, 404, "not_found", NULL, NULL,
				   "Posten finns inte i ändringsloggen.");
	if (x.diff)
		json_object_set_new(x.o, "diff", x.diff);
	return api_json(ctx, 200, x.o);
}

/* Text for a quoted value of the rule-file syntax, which has no escapes. */
static void quoted(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++)
		buf_addc(b, *s == '"' ? '\'' : (*s == '\n' || *s == '\r') ? ' ' : *s);
	buf_addc(b, '"');
}

/* The rule versions of the entry in the rule-file syntax (data/rules/README.md): one section,
 * one version from the effective date. Sends a problem and returns false on a wrong parameter. */
static bool rules_text_or_reply(struct api_ctx *ctx, json_t *params, const char *decided,
				const char *effective, const char *body, const char *heading,
				struct buf *out)
{
	const char *key, *section = NULL;
	json_t *v;

	if (!json_is_object(params) || json_object_size(params) == 0) {
		api_problem(
			ctx, 400, "invalid_input", "parameters", NULL,
			"parameters ska vara ett objekt med regelparametrar och deras nya värden, "
			"t.ex. {\"lead_time_working_days\": 3}.");
		return false;
	}
	json_object_foreach(params, key, v) {
		int id = param_lookup(key, strlen(key));
		if (id < 0) {
			api_problem(ctx, 400, "invalid_input", "parameters", NULL,
				    "Regelparametern %s finns inte (se lmn rules show).", key);
			return false;
		}
		const char *s = param_def((enum param_id)id)->section;
		if (section && strcmp(section, s) != 0) {
			api_problem(
				ctx, 400, "invalid_input", "parameters", NULL,
				"Alla parametrar i en post ska höra till samma avsnitt; %s hör till "
				"%s, inte %s.",
				key, s, section);
			return false;
		}
		section = s;
	}
	buf_addf(out, "section = %s\n[%s]\ndecided = %s\nbody = ", section, effective, decided);
	quoted(out, body);
	buf_adds(out, "\nreference = ");
	quoted(out, heading);
	buf_addc(out, '\n');
	json_object_foreach(params, key, v) {
		if (json_is_string(v))
			buf_addf(out, "%s = %s\n", key, json_string_value(v));
		else if (json_is_integer(v))
			buf_addf(out, "%s = %lld\n", key, (long long)json_integer_value(v));
		else if (json_is_real(v))
			buf_addf(out, "%s = %g\n", key, json_real_value(v));
		else if (json_is_boolean(v))
			buf_addf(out, "%s = %s\n", key, json_is_true(v) ? "true" : "false");
		else {
			api_problem(ctx, 400, "invalid_input", "parameters", NULL,
				    "Värdet för %s ska vara text, ett tal eller true/false.", key);
			return false;
		}
		/* Checked here so the refusal is in Swedish, not the rule-file parser's English. */
		const struct param_def *def =
			param_def((enum param_id)param_lookup(key, strlen(key)));
		if (def->type == PT_INT) {
			const char *t = json_is_string(v) ? json_string_value(v) : "";
			char *end = NULL;
			long long x = json_is_integer(v) ? (long long)json_integer_value(v)
							 : strtoll(t, &end, 10);
			if ((!json_is_integer(v) && (!*t || !end || *end)) || x < def->min ||
			    x > def->max) {
				api_problem(
					ctx, 400, "invalid_input", "parameters", NULL,
					"Det nya värdet ska vara ett heltal mellan %lld och %lld.",
					(long long)def->min, (long long)def->max);
				return false;
			}
		} else if (def->type == PT_BOOL && !json_is_boolean(v) &&
			   !(json_is_string(v) && (strcmp(json_string_value(v), "true") == 0 ||
						   strcmp(json_string_value(v), "false") == 0))) {
			api_problem(ctx, 400, "invalid_input", "parameters", NULL,
				    "Det nya värdet ska vara ja (true) eller nej (false).");
			return false;
		}
		if (strchr(json_is_string(v) ? json_string_value(v) : "", '\n')) {
			api_problem(ctx, 400, "invalid_input", "parameters", NULL,
				    "Värdet för %s får inte innehålla radbrytningar.", key);
			return false;
		}
	}
	return true;
}

static const char *outcome_sv(const char *o)
{
	static const char *const names[][2] = {
		{ "remitted", "återremitterad" },
		{ "struck", "avförd" },
		{ "deferred", "bordlagd (inget ställningstagande än)" },
		{ "noted", "noterad" },
		{ "proposed", "ett förslag till rådet" },
		{ "decided", "beslutad" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(o, names[i][0]) == 0)
			return names[i][1];
	return "utan utfall";
}

/* A rule changes only by a decision that was taken (GOVERNANCE.md "The change log", issue 18):
 * an entry that changes rule parameters cites the agenda item that decided it, an item of the
 * deciding body, a decision item with outcome decided, of a council (whose mandate covers the
 * specifications' rules; a preparation group's does not, it proposes). False with the answer set. */
static bool decision_taken_or_reply(struct api_ctx *ctx, int64_t item, const char *body,
				    const char *decided)
{
	struct gov_item_decision d;
	enum lmn_rc rc;

	if (!item) {
		api_problem(ctx, 422, "decision_required", "item_id", "D:ändringslogg",
			    "En ändring av en regel ska hänvisa till beslutspunkten där beslutet "
			    "fattades: en beslutspunkt med utfallet beslutat.");
		return false;
	}
	if ((rc = gov_store_item_decision(ctx->c, item, &d, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!d.found) {
		api_problem(ctx, 404, "not_found", "item_id", NULL, "Ärendet finns inte.");
		return false;
	}
	if (strcmp(d.type, "decision") != 0 || strcmp(d.outcome, "decided") != 0) {
		api_problem(ctx, 422, "not_decided", "item_id", "D:ändringslogg",
			    "Ärendet (%s %s) är %s%s; bara ett fattat beslut kan ändra "
			    "regelparametrar.",
			    d.body_code, d.day,
			    strcmp(d.type, "decision") != 0 ? "inget beslutsärende, "
							      "utan "
							    : "",
			    strcmp(d.type, "decision") != 0 ? "en informationspunkt eller formalia"
							    : outcome_sv(d.outcome));
		return false;
	}
	if (strcmp(body, d.body_name) != 0 && strcmp(body, d.body_code) != 0) {
		api_problem(ctx, 422, "other_body", "body", "D:ändringslogg",
			    "Ärendet beslutades av %s, inte av \"%s\"; posten anger det organ som "
			    "fattade beslutet.",
			    d.body_name, body);
		return false;
	}
	if (strcmp(d.body_kind, "council") != 0) {
		api_problem(
			ctx, 422, "beyond_mandate", "item_id", "D:mandat",
			"%s kan inte ändra regelparametrar: reglerna i specifikationerna beslutas "
			"av rådet; en beredningsgrupp lämnar förslag till rådet.",
			d.body_name);
		return false;
	}
	if (strcmp(decided, d.day) < 0) {
		api_problem(ctx, 422, "invalid_input", "decided_on", "D:ändringslogg",
			    "Beslutsdatum ska vara mötesdagen %s eller senare.", d.day);
		return false;
	}
	return true;
}

/* A change-log entry as the body gives it. */
struct entry_in {
	const char *decided, *body, *heading, *section, *original, *new_text, *effective;
	json_t *params; /* the rule parameters it changes, or NULL */
	int64_t item;
	char canon[64]; /* section with ':' for '.' */
};

/* Reads the body's fields into e: false with the answer written. */
static bool entry_input_or_reply(struct api_ctx *ctx, struct entry_in *e)
{
	memset(e, 0, sizeof(*e));
	e->params = json_object_get(ctx->body, "parameters");
	return api_str_or_reply(ctx, "decided_on", true, &e->decided) &&
	       api_str_or_reply(ctx, "body", true, &e->body) &&
	       api_str_or_reply(ctx, "heading", true, &e->heading) &&
	       api_str_or_reply(ctx, "section", false, &e->section) &&
	       api_str_or_reply(ctx, "original_text", false, &e->original) &&
	       api_str_or_reply(ctx, "new_text", false, &e->new_text) &&
	       api_str_or_reply(ctx, "effective_on", false, &e->effective) &&
	       api_int_or_reply(ctx, "item_id", false, 1, INT64_MAX, &e->item);
}

/* The decision's day (taken, so not to come) and the day it takes effect, by default the same;
 * the section in its canonical form. False with the answer written. */
static bool entry_dates_or_reply(struct api_ctx *ctx, struct entry_in *e)
{
	char today[11];

	if (!gov_date_ok(e->decided)) {
		api_problem(ctx, 400, "invalid_input", "decided_on", NULL,
			    "Beslutsdatum ska vara ett datum ÅÅÅÅ-MM-DD.");
		return false;
	}
	/* A decision is entered once it has been taken: not on a day still to come. */
	date_format(ctx->today, today);
	if (strcmp(e->decided, today) > 0) {
		api_problem(ctx, 422, "decided_in_future", "decided_on", "D:ändringslogg",
			    "Beslutsdatum %s ligger i framtiden; ett beslut förs in i "
			    "ändringsloggen när det har fattats (i dag är det %s).",
			    e->decided, today);
		return false;
	}
	/* A change takes effect on the day it was decided unless the entry says otherwise (§9). */
	if (!e->effective)
		e->effective = e->decided;
	if (!gov_date_ok(e->effective) || strcmp(e->effective, e->decided) < 0) {
		api_problem(ctx, 400, "invalid_input", "effective_on", NULL,
			    "Gäller från ska vara ett datum ÅÅÅÅ-MM-DD, tidigast beslutsdagen.");
		return false;
	}
	snprintf(e->canon, sizeof(e->canon), "%s", e->section ? e->section : "");
	for (char *c = e->canon; *c; c++)
		if (*c == '.')
			*c = ':';
	if (e->section && strlen(e->section) >= sizeof(e->canon)) {
		api_problem(ctx, 400, "invalid_input", "section", NULL,
			    "section är för lång (högst 63 tecken, t.ex. B3:1).");
		return false;
	}
	return true;
}

/* Whether the new rule versions (text) fit the rule files and the log as they stand, read in the
 * caller's transaction. */
static enum lmn_rc rules_fit(struct api_ctx *ctx, const char *text)
{
	const char *dir = ctx->app->cfg.rules ? rules_live_dir(ctx->app->cfg.rules)
					      : rules_files_default_dir();
	struct params check;
	enum lmn_rc rc;

	params_init(&check);
	rc = rules_store_load(&check, dir, ctx->c, text, &ctx->err);
	params_release(&check);
	return rc;
}

/* Writes the entry with its rule versions (rules, when it changes parameters), checked first
 * against the rules as they stand, in one transaction: false with the answer written. */
static bool entry_insert_or_reply(struct api_ctx *ctx, const struct entry_in *e,
				  const struct buf *rules, int64_t *id)
{
	const struct change_log_new row = {
		.decided_on = e->decided,
		.body = e->body,
		.heading = e->heading,
		.section = e->canon,
		.original_text = e->original ? e->original : "",
		.new_text = e->new_text ? e->new_text : "",
		.effective_on = e->effective,
		.rules = e->params ? rules->data : NULL,
		.created_at = ctx->now,
		.item_id = e->item,
	};
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (e->params && (rc = rules_fit(ctx, rules->data)) != LMN_OK) {
		db_rollback(ctx->c);
		if (rc == LMN_EINVAL)
			api_problem(ctx, 422, "invalid_rules", "parameters", NULL, "%s",
				    ctx->err.message);
		else
			api_fail(ctx, rc);
		return false;
	}
	rc = change_log_insert(ctx->c, &row, id, &ctx->err);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		if (rc == LMN_EINVAL)
			api_problem(ctx, 404, "not_found", "item_id", NULL, "Ärendet finns inte.");
		else
			api_fail(ctx, rc);
		return false;
	}
	return true;
}

/* The entry is durable; the order engine applies it from the next request on. If the rules
 * cannot be rebuilt now, the entry still stands (a retry would record it twice): the failure is
 * logged and the next request's check tries again. */
static void entry_apply(struct api_ctx *ctx, int64_t id)
{
	enum lmn_rc rc;

	if (ctx->app->cfg.rules &&
	    (rc = rules_live_reload(ctx->app->cfg.rules, ctx->c, &ctx->err)) != LMN_OK)
		fprintf(stderr,
			"lmn: change-log entry %lld recorded, its rule versions not applied yet "
			"(%s): %s\n",
			(long long)id, lmn_rc_name(rc), ctx->err.message);
}

int change_log_create(struct api_ctx *ctx)
{
	struct entry_in e;
	struct buf rules;
	int64_t id = 0;
	json_t *o;
	int status;

	if (!entry_input_or_reply(ctx, &e) || !entry_dates_or_reply(ctx, &e))
		return (int)ctx->resp->status;
	buf_init(&rules, 1u << 16);
	if ((e.params && (!rules_text_or_reply(ctx, e.params, e.decided, e.effective, e.body,
					       e.heading, &rules) ||
			  !decision_taken_or_reply(ctx, e.item, e.body, e.decided))) ||
	    !entry_insert_or_reply(ctx, &e, &rules, &id)) {
		status = (int)ctx->resp->status;
	} else {
		if (e.params)
			entry_apply(ctx, id);
		o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "decided_on",
			      e.decided, "effective_on", e.effective, "body", e.body, "heading",
			      e.heading);
		if (e.params)
			json_object_set_new(o, "rules", json_string(rules.data));
		status = api_json(ctx, 201, o);
	}
	buf_release(&rules);
	return status;
}

static bool query_day_or_reply(struct api_ctx *ctx, const char *key, char out[11])
{
	const char *v = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, key);

	if (!v) {
		date_format(ctx->today, out);
		return true;
	}
	if (!gov_date_ok(v)) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "%s ska vara ett datum ÅÅÅÅ-MM-DD.", key);
		return false;
	}
	memcpy(out, v, 11);
	return true;
}

static const char *query_section(struct api_ctx *ctx)
{
	const char *s = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "section");

	if (!s || !*s)
		api_problem(ctx, 400, "invalid_input", "section", NULL,
			    "Ange avsnittet, t.ex. section=B3:3 (se ändringsloggen).");
	return s && *s ? s : NULL;
}

static json_t *version_json(const char *day, const char *text, int64_t entry, const char *since)
{
	json_t *o = json_pack("{s:s, s:s}", "on", day, "text", text);

	if (o && entry) {
		json_object_set_new(o, "entry_id", json_integer(entry));
		json_object_set_new(o, "since", json_string(since));
	} else if (o) {
		json_object_set_new(o, "original", json_true());
	}
	return o;
}

int specification_get(struct api_ctx *ctx)
{
	const char *section = query_section(ctx);
	char day[11], since[11];
	char *text;
	int64_t entry;
	enum lmn_rc rc;

	if (!section || !query_day_or_reply(ctx, "on", day))
		return (int)ctx->resp->status;
	if ((rc = change_log_text_on(ctx->c, section, day, &text, &entry, since, &ctx->err)) !=
	    LMN_OK)
		return rc == LMN_ENOTFOUND ? api_problem(ctx, 404, "not_found", "section", NULL,
							 "%s", ctx->err.message)
					   : api_fail(ctx, rc);
	json_t *o = version_json(day, text, entry, since);
	free(text);
	json_object_set_new(o, "section", json_string(section));
	return api_json(ctx, 200, o);
}

int specification_diff(struct api_ctx *ctx)
{
	const char *section = query_section(ctx);
	char from[11], to[11], s1[11], s2[11];
	char *a = NULL, *b = NULL;
	int64_t e1, e2;
	json_t *spans;
	enum lmn_rc rc;

	if (!section || !query_day_or_reply(ctx, "from", from) ||
	    !query_day_or_reply(ctx, "to", to))
		return (int)ctx->resp->status;
	rc = change_log_text_on(ctx->c, section, from, &a, &e1, s1, &ctx->err);
	if (rc == LMN_OK)
		rc = change_log_text_on(ctx->c, section, to, &b, &e2, s2, &ctx->err);
	if (rc != LMN_OK) {
		free(a);
		return rc == LMN_ENOTFOUND ? api_problem(ctx, 404, "not_found", "section", NULL,
							 "%s", ctx->err.message)
					   : api_fail(ctx, rc);
	}
	spans = diff_json(a, b, &ctx->err);
	json_t *o = json_pack("{s:s, s:o, s:o}", "section", section, "from",
			      version_json(from, a, e1, s1), "to", version_json(to, b, e2, s2));
	free(a);
	free(b);
	if (!spans) {
		json_decref(o);
		return api_problem(ctx, 422, "too_long", "section", NULL, "%s", ctx->err.message);
	}
	json_object_set_new(o, "diff", spans);
	return api_json(ctx, 200, o);
}
