/* The compliance report of a body for a year (GOVERNANCE.md "Compliance checks the system
 * reports"): meetings held against the minimum, the chair/vice alternation, composition and
 * vacancies, notices ahead of the meeting, minutes approved, open follow-up actions. */
#include <stdio.h>
#include <string.h>

#include "api/governance.h"
#include "governance/compliance.h"
#include "store/governance_store.h"

#define MAX_PARTIES 8

struct body_rules {
	char name[200], kind[16];
	int min, max, notice_days;
	bool alternates;
};

static enum lmn_rc body_read(const struct gov_body_row *r, void *arg)
{
	struct body_rules *b = arg;

	snprintf(b->name, sizeof(b->name), "%s", r->name);
	b->min = (int)r->min_meetings;
	b->max = (int)r->max_meetings;
	b->notice_days = (int)r->notice_days;
	b->alternates = r->chair_alternates;
	snprintf(b->kind, sizeof(b->kind), "%s", r->kind);
	return LMN_OK;
}

static enum lmn_rc body_rules(struct api_ctx *ctx, struct body_rules *b, bool *found)
{
	return gov_store_body(ctx->c, ctx->id[0], found, body_read, b, &ctx->err);
}

/* A seat role in the findings' Swedish text ("member" is "ledamot"). */
static const char *seat_role_sv(const char *role)
{
	static const char *const names[] = { "chair",		"ordförande", "vice_chair",
					     "vice ordförande", "member",     "ledamot",
					     "adjunct",		"adjungerad", "secretary",
					     "sekreterare",	NULL };

	for (const char *const *n = names; *n; n += 2)
		if (strcmp(n[0], role) == 0)
			return n[1];
	return role;
}

/* The party holding a seat of a role on day ("" when none). */
static enum lmn_rc role_party(struct api_ctx *ctx, const char *role, const char *day, char out[8])
{
	return gov_store_role_party(ctx->c, ctx->id[0], role, day, out, &ctx->err);
}

static int party_index(char codes[MAX_PARTIES][8], const char **names, int *n, const char *code)
{
	if (!*code)
		return -1;
	for (int i = 0; i < *n; i++)
		if (strcmp(codes[i], code) == 0)
			return i;
	if (*n == MAX_PARTIES)
		return -1;
	snprintf(codes[*n], 8, "%s", code);
	names[*n] = codes[*n];
	return (*n)++;
}

static enum lmn_rc alternation(struct api_ctx *ctx, int year, json_t *o, json_t *findings)
{
	char codes[MAX_PARTIES][8], day[11], c[8] = "", v[8] = "", why[300];
	const char *names[MAX_PARTIES];
	int chair[4], vice[4], np = 0;
	enum lmn_rc rc = LMN_OK;

	for (int i = 0; i < 4 && rc == LMN_OK; i++) {
		snprintf(day, sizeof(day), "%04d-07-01", year - 3 + i);
		if ((rc = role_party(ctx, "chair", day, c)) == LMN_OK)
			rc = role_party(ctx, "vice_chair", day, v);
		chair[i] = party_index(codes, names, &np, c);
		vice[i] = party_index(codes, names, &np, v);
	}
	if (rc != LMN_OK)
		return rc;
	/* Years before the body had a chair do not count against it. */
	int first = 0;
	while (first < 3 && chair[first] < 0)
		first++;
	bool ok = compliance_alternation(chair + first, vice + first, 4 - first, names, why,
					 sizeof(why));
	json_object_set_new(o, "alternation", json_pack("{s:b, s:s}", "ok", ok, "verdict", why));
	if (!ok)
		json_array_append_new(findings, json_sprintf("Ordförandeskapet: %s", why));
	return LMN_OK;
}

struct meetings_arg {
	struct api_ctx *ctx;
	const struct body_rules *b;
	json_t *notices, *minutes, *findings;
	int held, planned;
};

static enum lmn_rc meeting_checked(const struct gov_year_meeting *r, void *arg)
{
	struct meetings_arg *x = arg;
	const char *at = r->starts_at, *notice = r->notice_sent_on;

	x->held += r->past;
	x->planned += !r->past;
	/* The body's own notice time, else the forum's of Specification D on the day. */
	int days = x->b->notice_days;
	const struct rule_set *rs;
	lmn_day day;
	if (!days && strcmp(x->b->kind, "forum") == 0 && date_parse(at, 10, &day) == LMN_OK &&
	    (rs = params_at(x->ctx->app->params, day)))
		days = (int)rs->v[P_FORUM_NOTICE_DAYS].i;
	if (days) {
		int ahead;
		bool ok = compliance_notice(at, notice, days, &ahead);
		json_t *n = json_pack("{s:I, s:s, s:b, s:i}", "meeting_id", (json_int_t)r->id,
				      "starts_at", at, "ok", ok, "notice_days", days);
		if (*notice)
			json_object_set_new(n, "notice_sent_on", json_string(notice));
		if (ahead >= 0)
			json_object_set_new(n, "days_ahead", json_integer(ahead));
		json_array_append_new(x->notices, n);
		if (!ok)
			json_array_append_new(
				x->findings,
				ahead < 0 ? json_sprintf("Mötet %.10s: ingen kallelse "
							 "registrerad.",
							 at)
					  : json_sprintf("Mötet %.10s: kallelsen gick ut "
							 "%d dagar före, minst %d krävs.",
							 at, ahead, days));
	}
	if (r->past) {
		json_array_append_new(x->minutes,
				      json_pack("{s:I, s:s, s:b}", "meeting_id", (json_int_t)r->id,
						"starts_at", at, "approved", r->approved));
		if (!r->approved)
			json_array_append_new(x->findings,
					      json_sprintf("Mötet %.10s: mötesanteckningarna är "
							   "inte godkända.",
							   at));
	}
	return LMN_OK;
}

static enum lmn_rc meetings(struct api_ctx *ctx, const struct body_rules *b, int year, json_t *o,
			    json_t *findings)
{
	char why[200];
	struct meetings_arg x = { ctx, b, json_array(), json_array(), findings, 0, 0 };
	enum lmn_rc rc = gov_store_body_year_meetings(ctx->c, ctx->id[0], year, ctx->now,
						      meeting_checked, &x, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(x.notices);
		json_decref(x.minutes);
		return rc;
	}
	bool ok = compliance_meetings(x.held + x.planned, b->min, b->max, why, sizeof(why));
	json_t *m = json_pack("{s:i, s:i, s:b, s:s}", "held", x.held, "planned", x.planned, "ok",
			      ok, "verdict", why);
	if (b->min)
		json_object_set_new(m, "min", json_integer(b->min));
	if (b->max)
		json_object_set_new(m, "max", json_integer(b->max));
	if (!ok)
		json_array_append_new(findings, json_sprintf("Möten %d: %s", year, why));
	json_object_set_new(o, "meetings", m);
	json_object_set_new(o, "minutes", x.minutes);
	if (json_array_size(x.notices))
		json_object_set_new(o, "notices", x.notices);
	else
		json_decref(x.notices);
	return LMN_OK;
}

struct composition_arg {
	json_t *comp, *vac, *findings;
};

static enum lmn_rc seat_counted(const struct gov_seat_row *r, void *arg)
{
	struct composition_arg *x = arg;
	const char *party = r->party, *role = r->role;
	bool vacant = r->person_id == 0;
	json_t *last = json_array_get(x->comp, json_array_size(x->comp) - 1);

	if (!last || strcmp(json_string_value(json_object_get(last, "party")), party) ||
	    strcmp(json_string_value(json_object_get(last, "role")), role)) {
		last = json_pack("{s:s, s:s, s:i, s:i}", "party", party, "role", role, "seats", 0,
				 "vacant", 0);
		json_array_append_new(x->comp, last);
	}
	json_object_set_new(last, "seats",
			    json_integer(json_integer_value(json_object_get(last, "seats")) + 1));
	if (vacant) {
		json_object_set_new(last, "vacant",
				    json_integer(
					    json_integer_value(json_object_get(last, "vacant")) +
					    1));
		json_array_append_new(x->vac, json_pack("{s:s, s:s, s:s}", "party", party, "role",
							role, "title", r->title));
		if (seat_role_appointed((enum seat_role)seat_role_parse(role)))
			json_array_append_new(x->findings,
					      json_sprintf("Vakant plats: %s %s (%s).", party,
							   r->title, seat_role_sv(role)));
	}
	return LMN_OK;
}

static enum lmn_rc composition(struct api_ctx *ctx, const char *day, json_t *o, json_t *findings)
{
	struct composition_arg x = { json_array(), json_array(), findings };
	enum lmn_rc rc = gov_store_seats_on(ctx->c, ctx->id[0], day, GOV_SEATS_BY_PARTY,
					    seat_counted, &x, &ctx->err);

	json_object_set_new(o, "composition_on", json_string(day));
	json_object_set_new(o, "composition", x.comp);
	json_object_set_new(o, "vacancies", x.vac);
	return rc;
}

struct open_actions_arg {
	char today[11];
	json_t *a, *findings;
};

static enum lmn_rc action_open(const struct gov_action_row *r, void *arg)
{
	struct open_actions_arg *x = arg;
	json_t *a = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "owner",
			      r->owner, "description", r->description, "meeting", r->starts_at,
			      "item", r->item_number);

	if (*r->due_on)
		json_object_set_new(a, "due_on", json_string(r->due_on));
	if (*r->due_on && strcmp(r->due_on, x->today) < 0)
		json_array_append_new(x->findings,
				      json_sprintf("Försenad åtgärd (%s, senast %s): %s", r->owner,
						   r->due_on, r->description));
	json_array_append_new(x->a, a);
	return LMN_OK;
}

static enum lmn_rc open_actions(struct api_ctx *ctx, json_t *o, json_t *findings)
{
	struct open_actions_arg x;
	enum lmn_rc rc;

	date_format(ctx->today, x.today);
	x.a = json_array();
	x.findings = findings;
	rc = gov_store_actions(ctx->c, true, ctx->id[0], GOV_EVERY_BODY, action_open, &x,
			       &ctx->err);
	json_object_set_new(o, "open_actions", x.a);
	return rc;
}

int bodies_compliance(struct api_ctx *ctx)
{
	struct body_rules b;
	bool found = false;
	int64_t year;
	char day[11], today[11];
	json_t *o, *findings;
	enum lmn_rc rc;

	date_format(ctx->today, today);
	if (!api_query_int_or_reply(ctx, "year", date_year(ctx->today), 1900, 2200, &year))
		return (int)ctx->resp->status;
	if (!gov_body_visible_or_reply(ctx, ctx->id[0]))
		return (int)ctx->resp->status;
	if ((rc = body_rules(ctx, &b, &found)) != LMN_OK || !found)
		return api_fail(ctx, rc != LMN_OK ? rc : LMN_ENOTFOUND);
	/* The composition at the end of the year, or today for the current year. */
	snprintf(day, sizeof(day), "%04d-12-31", (int)year);
	if (strcmp(day, today) > 0)
		memcpy(day, today, sizeof(day));
	o = json_pack("{s:I, s:s, s:I}", "body_id", (json_int_t)ctx->id[0], "body", b.name, "year",
		      (json_int_t)year);
	findings = json_array();
	rc = meetings(ctx, &b, (int)year, o, findings);
	if (rc == LMN_OK && b.alternates)
		rc = alternation(ctx, (int)year, o, findings);
	if (rc == LMN_OK)
		rc = composition(ctx, day, o, findings);
	if (rc == LMN_OK)
		rc = open_actions(ctx, o, findings);
	if (rc != LMN_OK) {
		json_decref(o);
		json_decref(findings);
		return api_fail(ctx, rc);
	}
	json_object_set_new(o, "findings", findings);
	return api_json(ctx, 200, o);
}
