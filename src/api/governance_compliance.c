/* The compliance report of a body for a year (GOVERNANCE.md "Compliance checks the system
 * reports"): meetings held against the minimum, the chair/vice alternation, composition and
 * vacancies, notices ahead of the meeting, minutes approved, open follow-up actions. */
#include <stdio.h>
#include <string.h>

#include "api/governance.h"
#include "governance/compliance.h"

#define MAX_PARTIES 8

struct body_rules {
	char name[200], kind[16];
	int min, max, notice_days;
	bool alternates;
};

static enum lmn_rc body_rules(struct api_ctx *ctx, struct body_rules *b, bool *found)
{
	struct db_stmt *st;
	enum lmn_rc rc =
		db_prepare(ctx->c,
			   "SELECT name, coalesce(min_meetings, 0), coalesce(max_meetings, 0), "
			   "coalesce(notice_days, 0), chair_alternates, kind FROM bodies "
			   "WHERE id = $1",
			   &st, &ctx->err);

	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, ctx->id[0]);
	rc = db_step(st, found, &ctx->err);
	if (rc == LMN_OK && *found) {
		snprintf(b->name, sizeof(b->name), "%s", db_col_text(st, 0));
		b->min = (int)db_col_int(st, 1);
		b->max = (int)db_col_int(st, 2);
		b->notice_days = (int)db_col_int(st, 3);
		b->alternates = db_col_int(st, 4) != 0;
		snprintf(b->kind, sizeof(b->kind), "%s", db_col_text(st, 5));
	}
	db_done(st);
	return rc;
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
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc = db_prepare(
		ctx->c,
		"SELECT p.code FROM seats s JOIN parties p ON p.id = s.party_id JOIN terms t ON "
		"t.seat_id = s.id WHERE s.body_id = $1 AND s.role = $2 AND "
		"coalesce(s.active_from, '') <= $3 AND coalesce(s.active_until, '9999') >= $3 AND "
		"t.from_date <= $3 AND (t.to_date IS NULL OR t.to_date >= $3) LIMIT 1",
		&st, &ctx->err);

	out[0] = '\0';
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_text(st, 2, role);
	db_bind_text(st, 3, day);
	rc = db_step(st, &row, &ctx->err);
	if (rc == LMN_OK && row)
		snprintf(out, 8, "%s", db_col_text(st, 0));
	db_done(st);
	return rc;
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

static enum lmn_rc meetings(struct api_ctx *ctx, const struct body_rules *b, int year, json_t *o,
			    json_t *findings)
{
	struct db_stmt *st;
	bool row;
	int held = 0, planned = 0;
	char why[200];
	json_t *notices = json_array(), *minutes = json_array();
	enum lmn_rc rc = db_prepare(
		ctx->c,
		"SELECT m.id, m.starts_at, coalesce(m.notice_sent_on, ''), m.starts_at < $3, "
		"EXISTS (SELECT 1 FROM minutes mi WHERE mi.meeting_id = m.id AND mi.approved_at IS NOT "
		"NULL) FROM meetings m WHERE m.body_id = $1 AND substr(m.starts_at, 1, 4) = $2 "
		"ORDER BY m.starts_at",
		&st, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(notices);
		json_decref(minutes);
		return rc;
	}
	snprintf(why, sizeof(why), "%04d", year);
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_text(st, 2, why);
	db_bind_text(st, 3, ctx->now);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		int64_t id = db_col_int(st, 0);
		const char *at = db_col_text(st, 1), *notice = db_col_text(st, 2);
		bool past = db_col_int(st, 3) != 0, approved = db_col_int(st, 4) != 0;
		held += past;
		planned += !past;
		/* The body's own notice time, else the forum's of Specification D on the day. */
		int days = b->notice_days;
		const struct rule_set *rs;
		lmn_day day;
		if (!days && strcmp(b->kind, "forum") == 0 && date_parse(at, 10, &day) == LMN_OK &&
		    (rs = params_at(ctx->app->params, day)))
			days = (int)rs->v[P_FORUM_NOTICE_DAYS].i;
		if (days) {
			int ahead;
			bool ok = compliance_notice(at, notice, days, &ahead);
			json_t *n = json_pack("{s:I, s:s, s:b, s:i}", "meeting_id", (json_int_t)id,
					      "starts_at", at, "ok", ok, "notice_days", days);
			if (*notice)
				json_object_set_new(n, "notice_sent_on", json_string(notice));
			if (ahead >= 0)
				json_object_set_new(n, "days_ahead", json_integer(ahead));
			json_array_append_new(notices, n);
			if (!ok)
				json_array_append_new(
					findings,
					ahead < 0 ? json_sprintf("Mötet %.10s: ingen kallelse "
								 "registrerad.",
								 at)
						  : json_sprintf("Mötet %.10s: kallelsen gick ut "
								 "%d dagar före, minst %d krävs.",
								 at, ahead, days));
		}
		if (past) {
			json_array_append_new(minutes, json_pack("{s:I, s:s, s:b}", "meeting_id",
								 (json_int_t)id, "starts_at", at,
								 "approved", approved));
			if (!approved)
				json_array_append_new(
					findings,
					json_sprintf("Mötet %.10s: mötesanteckningarna är "
						     "inte godkända.",
						     at));
		}
	}
	db_done(st);
	if (rc != LMN_OK) {
		json_decref(notices);
		json_decref(minutes);
		return rc;
	}
	bool ok = compliance_meetings(held + planned, b->min, b->max, why, sizeof(why));
	json_t *m = json_pack("{s:i, s:i, s:b, s:s}", "held", held, "planned", planned, "ok", ok,
			      "verdict", why);
	if (b->min)
		json_object_set_new(m, "min", json_integer(b->min));
	if (b->max)
		json_object_set_new(m, "max", json_integer(b->max));
	if (!ok)
		json_array_append_new(findings, json_sprintf("Möten %d: %s", year, why));
	json_object_set_new(o, "meetings", m);
	json_object_set_new(o, "minutes", minutes);
	if (json_array_size(notices))
		json_object_set_new(o, "notices", notices);
	else
		json_decref(notices);
	return LMN_OK;
}

static enum lmn_rc composition(struct api_ctx *ctx, const char *day, json_t *o, json_t *findings)
{
	struct db_stmt *st;
	bool row;
	json_t *comp = json_array(), *vac = json_array();
	enum lmn_rc rc = db_prepare(
		ctx->c,
		"SELECT coalesce(p.code, ''), s.role, s.title, NOT EXISTS (SELECT 1 FROM terms t "
		"WHERE t.seat_id = s.id AND t.from_date <= $2 AND (t.to_date IS NULL OR t.to_date >= $2)) "
		"FROM seats s LEFT JOIN parties p ON p.id = s.party_id WHERE s.body_id = $1 AND "
		"coalesce(s.active_from, '') <= $2 AND coalesce(s.active_until, '9999') >= $2 "
		"ORDER BY coalesce(p.code, 'ö'), s.role, s.position",
		&st, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(comp);
		json_decref(vac);
		return rc;
	}
	db_bind_int(st, 1, ctx->id[0]);
	db_bind_text(st, 2, day);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		const char *party = db_col_text(st, 0), *role = db_col_text(st, 1);
		bool vacant = db_col_int(st, 3) != 0;
		json_t *last = json_array_get(comp, json_array_size(comp) - 1);
		if (!last || strcmp(json_string_value(json_object_get(last, "party")), party) ||
		    strcmp(json_string_value(json_object_get(last, "role")), role)) {
			last = json_pack("{s:s, s:s, s:i, s:i}", "party", party, "role", role,
					 "seats", 0, "vacant", 0);
			json_array_append_new(comp, last);
		}
		json_object_set_new(last, "seats",
				    json_integer(
					    json_integer_value(json_object_get(last, "seats")) +
					    1));
		if (vacant) {
			json_object_set_new(last, "vacant",
					    json_integer(json_integer_value(
								 json_object_get(last, "vacant")) +
							 1));
			json_array_append_new(vac,
					      json_pack("{s:s, s:s, s:s}", "party", party, "role",
							role, "title", db_col_text(st, 2)));
			if (seat_role_appointed((enum seat_role)seat_role_parse(role)))
				json_array_append_new(findings,
						      json_sprintf("Vakant plats: %s %s (%s).",
								   party, db_col_text(st, 2),
								   seat_role_sv(role)));
		}
	}
	db_done(st);
	json_object_set_new(o, "composition_on", json_string(day));
	json_object_set_new(o, "composition", comp);
	json_object_set_new(o, "vacancies", vac);
	return rc;
}

static enum lmn_rc open_actions(struct api_ctx *ctx, json_t *o, json_t *findings)
{
	struct db_stmt *st;
	bool row;
	json_t *a = json_array();
	char today[11];
	enum lmn_rc rc = db_prepare(
		ctx->c,
		"SELECT a.id, a.owner, a.description, coalesce(a.due_on, ''), m.starts_at, i.number "
		"FROM actions a JOIN agenda_items i ON i.id = a.item_id JOIN meetings m ON "
		"m.id = i.meeting_id WHERE m.body_id = $1 AND a.done_on IS NULL "
		"ORDER BY coalesce(a.due_on, '9999'), a.id",
		&st, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(a);
		return rc;
	}
	date_format(ctx->today, today);
	db_bind_int(st, 1, ctx->id[0]);
	while ((rc = db_step(st, &row, &ctx->err)) == LMN_OK && row) {
		const char *due = db_col_text(st, 3);
		json_t *x =
			json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
				  "owner", db_col_text(st, 1), "description", db_col_text(st, 2),
				  "meeting", db_col_text(st, 4), "item", db_col_text(st, 5));
		if (*due)
			json_object_set_new(x, "due_on", json_string(due));
		if (*due && strcmp(due, today) < 0)
			json_array_append_new(findings,
					      json_sprintf("Försenad åtgärd (%s, senast %s): %s",
							   db_col_text(st, 1), due,
							   db_col_text(st, 2)));
		json_array_append_new(a, x);
	}
	db_done(st);
	json_object_set_new(o, "open_actions", a);
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
	if (!api_query_int(ctx, "year", date_year(ctx->today), 1900, 2200, &year))
		return (int)ctx->resp->status;
	if (!gov_body_visible(ctx, ctx->id[0]))
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
