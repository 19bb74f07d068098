/* Meetings of the governance bodies: agenda items of the four types, attendance per person per
 * item, written participation before the meeting, the live quorum per item, outcomes (decided
 * only with quorum and within the body's mandate) and follow-up actions (GOVERNANCE.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/governance.h"
#include "governance/compliance.h"
#include "store/governance_store.h"

/* A body without a limit of its own has the one of Specification D as in force on the day of
 * the meeting (rule parameter preparation_it_limit_kr); a forum without a notice time of its own
 * has the specification's (forum_notice_days). */
static void apply_rules(struct api_ctx *ctx, struct gov_meeting *m)
{
	const struct rule_set *rs;
	lmn_day day;

	if (!m->notice_days && m->kind == BODY_FORUM && m->starts_at &&
	    date_parse(m->starts_at, 10, &day) == LMN_OK && (rs = params_at(ctx->app->params, day)))
		m->notice_days = (int)rs->v[P_FORUM_NOTICE_DAYS].i;

	if (m->kind != BODY_PREPARATION || m->mandate_limit_ore >= 0 || !m->starts_at ||
	    date_parse(m->starts_at, 10, &day) != LMN_OK ||
	    !(rs = params_at(ctx->app->params, day)))
		return;
	m->mandate_limit_ore = rs->v[P_PREPARATION_IT_LIMIT_KR].i * 100;
	m->mandate_ref = rs->src[P_PREPARATION_IT_LIMIT_KR]->ref;
}

bool gov_meeting_visible_or_reply(struct api_ctx *ctx, int64_t meeting_id, struct gov_meeting *m)
{
	int64_t body;
	enum lmn_rc rc = gov_store_meeting_body(ctx->c, meeting_id, &body, &ctx->err);

	gov_meeting_init(m);
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!body) {
		api_problem(ctx, 404, "not_found", NULL, NULL, "Mötet finns inte.");
		return false;
	}
	if (!gov_body_visible_or_reply(ctx, body))
		return false;
	if ((rc = gov_store_meeting(ctx->c, meeting_id, m, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	apply_rules(ctx, m);
	return true;
}

enum lmn_rc gov_meeting_closed(struct api_ctx *ctx, int64_t meeting_id, bool *closed)
{
	return gov_store_minutes_closed(ctx->c, meeting_id, closed, &ctx->err);
}

/* Loads the meeting of an item for a change: visible, and not closed by approved minutes. */
static bool open_item_or_reply(struct api_ctx *ctx, int64_t item, struct gov_meeting *m,
			       long *index)
{
	int64_t meeting;
	bool closed = false;
	enum lmn_rc rc = gov_store_item_meeting(ctx->c, item, &meeting, &ctx->err);

	gov_meeting_init(m);
	if (rc == LMN_OK && meeting)
		rc = gov_meeting_closed(ctx, meeting, &closed);
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!meeting) {
		api_problem(ctx, 404, "not_found", NULL, NULL, "Ärendet finns inte.");
		return false;
	}
	if (!gov_meeting_visible_or_reply(ctx, meeting, m))
		return false;
	if (closed) {
		gov_meeting_release(m);
		api_problem(ctx, 409, "minutes_approved", NULL, "D:mötesanteckningar",
			    "Mötesanteckningarna är godkända; mötet kan inte ändras. Skapa en ny "
			    "version av anteckningarna för att rätta.");
		return false;
	}
	*index = gov_meeting_item_by_id(m, item);
	return true;
}

json_t *gov_quorum_json(const struct gov_meeting *m, size_t item)
{
	struct quorum_result q;
	json_t *parties = json_object();

	gov_meeting_quorum(m, item, &q);
	for (int p = 0; p < q.nparties; p++)
		json_object_set_new(parties, m->party_code[p],
				    json_pack("{s:i, s:i, s:i}", "appointed",
					      q.parties[p].appointed, "counted",
					      q.parties[p].counted, "lacking",
					      q.parties[p].lacking));
	return json_pack("{s:b, s:o}", "quorate", q.quorate, "parties", parties);
}

/* The meeting's seats, each with its role, party and holder. */
static json_t *seats_json(const struct gov_meeting *m)
{
	json_t *seats = json_array();

	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)s->id, "role",
				      seat_role_name(s->role), "title", s->title ? s->title : "",
				      "vacant", s->person_id == 0);
		if (s->party >= 0)
			json_object_set_new(o, "party", json_string(m->party_code[s->party]));
		if (s->person_id)
			json_object_set_new(o, "person_id", json_integer(s->person_id));
		json_array_append_new(seats, o);
	}
	return seats;
}

/* The people of the meeting, by id, name and organisation. */
static json_t *people_json(const struct gov_meeting *m)
{
	json_t *people = json_array();

	for (size_t i = 0; i < m->npeople; i++)
		json_array_append_new(people, json_pack("{s:I, s:s, s:s}", "id",
							(json_int_t)m->people[i].id, "name",
							m->people[i].name, "organisation",
							m->people[i].organisation));
	return people;
}

/* Item i with who took part in it (present, or with a written stance and when it was given) and
 * the outcomes it offers. */
static json_t *item_json(const struct gov_meeting *m, size_t i)
{
	const struct gov_item *it = &m->items[i];
	json_t *present = json_array(), *written = json_array(), *given = json_object();
	json_t *stances = json_object(), *offered = json_array(), *o;

	for (size_t k = 0; k < m->nparts; k++) {
		char key[24];
		if (m->parts[k].item != i)
			continue;
		json_array_append_new(m->parts[k].written ? written : present,
				      json_integer(m->parts[k].person_id));
		snprintf(key, sizeof(key), "%lld", (long long)m->parts[k].person_id);
		if (m->parts[k].written && *m->parts[k].given_at)
			json_object_set_new(given, key, json_string(m->parts[k].given_at));
		if (m->parts[k].written)
			json_object_set_new(stances, key,
					    json_string(written_stance_name(m->parts[k].stance)));
	}
	for (int k = 0; k < OUTCOME__COUNT; k++)
		if (gov_meeting_outcome_offered(m, i, (enum item_outcome)k))
			json_array_append_new(offered,
					      json_string(item_outcome_name((enum item_outcome)k)));
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
		      (json_int_t)it->id, "number", it->number, "type", item_type_name(it->type),
		      "matter", item_matter_name(it->matter), "title", it->title, "presenter",
		      it->presenter, "text", it->text, "position", it->position, "follow_up",
		      it->follow_up, "present", present, "written", written, "quorum",
		      gov_quorum_json(m, i));
	json_object_set_new(o, "written_given_at", given);
	json_object_set_new(o, "written_stance", stances);
	json_object_set_new(o, "outcomes", offered);
	if (it->cost_ore >= 0)
		json_object_set_new(o, "cost_ore", json_integer(it->cost_ore));
	if (it->outcome != OUTCOME_NONE)
		json_object_set_new(o, "outcome", json_string(item_outcome_name(it->outcome)));
	return o;
}

/* The actions decided at the meeting, with the item of each. */
static json_t *actions_json(const struct gov_meeting *m)
{
	json_t *actions = json_array();

	for (size_t i = 0; i < m->nactions; i++) {
		const struct gov_action *a = &m->actions[i];
		json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "item",
				      m->items[a->item].number, "owner", a->owner, "description",
				      a->description);
		if (*a->due_on)
			json_object_set_new(o, "due_on", json_string(a->due_on));
		if (*a->done_on)
			json_object_set_new(o, "done_on", json_string(a->done_on));
		json_array_append_new(actions, o);
	}
	return actions;
}

/* The body's quorum rule: whether one is required, the seat roles counted, vacant seats and the
 * share. */
static json_t *quorum_rule_json(const struct gov_meeting *m)
{
	json_t *roles = json_array();

	for (int r = 0; r < SEAT__COUNT; r++)
		if (m->quorum.roles & (1u << r))
			json_array_append_new(roles,
					      json_string(seat_role_name((enum seat_role)r)));
	return json_pack("{s:b, s:o, s:s, s:{s:i, s:i}}", "required", m->quorum.required, "roles",
			 roles, "vacant_seats", m->quorum.count_vacant ? "count" : "skip", "share",
			 "num", m->quorum.share.num, "den", m->quorum.share.den);
}

/* Whether the notice went out the days ahead the body requires. */
static json_t *notice_json(const struct gov_meeting *m)
{
	int ahead;
	bool ok = compliance_notice(m->starts_at, m->notice_sent_on, m->notice_days, &ahead);
	json_t *n = json_pack("{s:i, s:b}", "days_required", m->notice_days, "ok", ok);

	if (ahead >= 0)
		json_object_set_new(n, "days_ahead", json_integer(ahead));
	return n;
}

/* The meeting as the API shows it, with its agenda, people and quorum rule; now: the request's
 * clock, for whether it has started. */
static json_t *meeting_json(const struct gov_meeting *m, const char *now)
{
	json_t *items = json_array(), *o;

	for (size_t i = 0; i < m->nitems; i++)
		json_array_append_new(items, item_json(m, i));
	o = json_pack("{s:I, s:{s:s, s:s}, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
		      (json_int_t)m->id, "body", "code", m->body_code, "name", m->body_name,
		      "starts_at", m->starts_at, "form", m->form, "place", m->place, "seats",
		      seats_json(m), "people", people_json(m), "items", items, "actions",
		      actions_json(m));
	if (!o)
		return NULL;
	json_object_set_new(o, "quorum_rule", quorum_rule_json(m));
	json_object_set_new(o, "started",
			    json_boolean(strncmp(now, m->starts_at ? m->starts_at : "", 16) >= 0));
	json_object_set_new(o, "objection_blocks", json_boolean(m->objection_blocks));
	if (m->notice_days)
		json_object_set_new(o, "notice", notice_json(m));
	if (*m->ends_at)
		json_object_set_new(o, "ends_at", json_string(m->ends_at));
	if (*m->notice_sent_on)
		json_object_set_new(o, "notice_sent_on", json_string(m->notice_sent_on));
	return o;
}

int meetings_get(struct api_ctx *ctx)
{
	struct gov_meeting m;
	json_t *o;
	int64_t body;

	if (!gov_meeting_visible_or_reply(ctx, ctx->id[0], &m))
		return (int)ctx->resp->status;
	o = meeting_json(&m, ctx->now);
	gov_meeting_release(&m);
	if (o && gov_store_meeting_body(ctx->c, ctx->id[0], &body, &ctx->err) == LMN_OK)
		json_object_set_new(json_object_get(o, "body"), "id", json_integer(body));
	return api_json(ctx, 200, o);
}

static enum lmn_rc meeting_listed(const struct gov_meeting_row *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:s, s:s, s:I}", "id",
			      (json_int_t)r->id, "body", "id", (json_int_t)r->body_id, "code",
			      r->body_code, "name", r->body_name, "starts_at", r->starts_at, "form",
			      r->form, "place", r->place, "items", (json_int_t)r->items);

	if (*r->ends_at)
		json_object_set_new(o, "ends_at", json_string(r->ends_at));
	if (r->minutes_approved_version)
		json_object_set_new(o, "minutes_approved_version",
				    json_integer(r->minutes_approved_version));
	json_array_append_new(arg, o);
	return LMN_OK;
}

int meetings_list(struct api_ctx *ctx)
{
	int64_t body = 0, year = 0;
	json_t *a;
	enum lmn_rc rc;

	if (!api_query_int_or_reply(ctx, "body_id", 0, 0, INT64_MAX, &body) ||
	    !api_query_int_or_reply(ctx, "year", 0, 0, 9999, &year))
		return (int)ctx->resp->status;
	a = json_array();
	rc = gov_store_meetings(ctx->c, body, year,
				ctx->user.role == UR_MEMBER ? ctx->user.person_id : GOV_EVERY_BODY,
				meeting_listed, a, &ctx->err);
	return gov_list_done(ctx, rc, a, "meetings");
}

/* "2024-10-24T13:00" (seconds and an offset may follow). */
static bool timestamp_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 16 && n <= 32 &&
	       gov_date_ok((char[11]){ s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9],
				       0 }) &&
	       s[10] == 'T' && s[11] >= '0' && s[11] <= '2' && s[12] >= '0' && s[12] <= '9' &&
	       s[13] == ':' && s[14] >= '0' && s[14] <= '5' && s[15] >= '0' && s[15] <= '9';
}

/* "2024-10-24 kl. 13:00" from "2024-10-24T13:00", as the pages write a time. */
static void when_sv(const char *t, char out[24])
{
	snprintf(out, 24, "%.10s kl. %.5s", t, strlen(t) >= 16 ? t + 11 : "");
}

int meetings_create(struct api_ctx *ctx)
{
	const char *starts, *ends, *form, *place, *notice;
	char from[11], until[11];
	bool found;
	int64_t id = 0;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "starts_at", true, &starts) ||
	    !api_str_or_reply(ctx, "ends_at", false, &ends) ||
	    !api_str_or_reply(ctx, "form", true, &form) ||
	    !api_str_or_reply(ctx, "place", false, &place) ||
	    !api_str_or_reply(ctx, "notice_sent_on", false, &notice))
		return (int)ctx->resp->status;
	if (!timestamp_ok(starts))
		return api_problem(ctx, 400, "invalid_input", "starts_at", NULL,
				   "Starttiden ska vara en tidpunkt (ÅÅÅÅ-MM-DD TT:MM).");
	if (ends && (!timestamp_ok(ends) || strcmp(ends, starts) < 0))
		return api_problem(
			ctx, 400, "invalid_input", "ends_at", NULL,
			"Sluttiden ska vara en tidpunkt (ÅÅÅÅ-MM-DD TT:MM) efter starttiden.");
	if (strcmp(form, "in_person") != 0 && strcmp(form, "digital") != 0)
		return api_problem(ctx, 400, "invalid_input", "form", NULL,
				   "Mötesformen ska vara fysiskt möte eller digitalt.");
	if (notice && !gov_date_ok(notice))
		return api_problem(ctx, 400, "invalid_input", "notice_sent_on", NULL,
				   "Dagen då kallelsen skickades ska vara ett datum ÅÅÅÅ-MM-DD.");
	if ((rc = gov_store_body_period(ctx->c, ctx->id[0], &found, from, until, &ctx->err)) !=
	    LMN_OK)
		return api_fail(ctx, rc);
	if (!found)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Organet finns inte.");
	/* A body meets only while it exists (Ledningsråd LMN until 2019-03-11). */
	if (strncmp(starts, from, 10) < 0 || (*until && strncmp(starts, until, 10) > 0))
		return *until ? api_problem(ctx, 422, "outside_body_period", "starts_at", "D:organ",
					    "Organet fanns %s–%s; ett möte kan inte läggas utanför "
					    "den tiden.",
					    from, until)
			      : api_problem(ctx, 422, "outside_body_period", "starts_at", "D:organ",
					    "Organet finns från %s; ett möte kan inte läggas före "
					    "det.",
					    from);
	struct gov_meeting_new nm = { ctx->id[0], starts, ends, form, place ? place : "", notice };
	rc = gov_store_meeting_insert(ctx->c, &nm, &id, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!id)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Organet finns inte.");
	json_t *o = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "body_id",
			      (json_int_t)ctx->id[0], "starts_at", starts);
	/* Created all the same (the notice went out as it did), with a warning for the record. */
	struct gov_meeting m;
	if (o && gov_store_meeting(ctx->c, id, &m, &ctx->err) == LMN_OK) {
		int ahead;
		apply_rules(ctx, &m);
		if (m.notice_days && notice &&
		    !compliance_notice(m.starts_at, m.notice_sent_on, m.notice_days, &ahead))
			json_object_set_new(o, "warnings", json_pack("[s]", "notice_too_late"));
		gov_meeting_release(&m);
	}
	return api_json(ctx, 201, o);
}

static bool item_number_ok(const char *s)
{
	size_t k = 0;

	while (s[k] >= '0' && s[k] <= '9')
		k++;
	if (k == 0 || k > 2)
		return false;
	if (s[k] >= 'a' && s[k] <= 'z')
		k++;
	return s[k] == '\0';
}

int items_create(struct api_ctx *ctx)
{
	const char *number, *type, *title, *presenter, *text, *matter;
	int64_t cost = -1, id = 0;
	bool closed = false;
	enum lmn_rc rc;
	int64_t body;

	if (!api_str_or_reply(ctx, "number", true, &number) ||
	    !api_str_or_reply(ctx, "type", true, &type) ||
	    !api_str_or_reply(ctx, "title", true, &title) ||
	    !api_str_or_reply(ctx, "presenter", false, &presenter) ||
	    !api_str_or_reply(ctx, "text", false, &text) ||
	    !api_str_or_reply(ctx, "matter", false, &matter) ||
	    !api_int_or_reply(ctx, "cost_ore", false, 0, INT64_MAX, &cost))
		return (int)ctx->resp->status;
	if (!item_number_ok(number))
		return api_problem(
			ctx, 400, "invalid_input", "number", NULL,
			"Numret ska vara ett tal med högst en bokstav efter, till exempel 3 "
			"eller 3a.");
	if (item_type_parse(type) < 0)
		return api_problem(
			ctx, 400, "invalid_input", "type", NULL,
			"Typen ska vara beslutsärende, information och dialog, ärende utan "
			"föredragning eller formalia.");
	if (matter && item_matter_parse(matter) < 0)
		return api_problem(
			ctx, 400, "invalid_input", "matter", NULL,
			"Ange vad ärendet gäller: sortiment, redaktionell ändring i handboken, "
			"ändring i sak i handboken, hur servicesteg utförs, IT-anpassning eller "
			"annat.");
	if ((rc = gov_store_meeting_body(ctx->c, ctx->id[0], &body, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!body)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Mötet finns inte.");
	if ((rc = gov_meeting_closed(ctx, ctx->id[0], &closed)) != LMN_OK)
		return api_fail(ctx, rc);
	if (closed)
		return api_problem(
			ctx, 409, "minutes_approved", NULL, "D:mötesanteckningar",
			"Mötesanteckningarna är godkända; dagordningen kan inte ändras.");
	struct gov_item_new it = {
		.meeting_id = ctx->id[0],
		.number = number,
		.type = type,
		.title = title,
		.presenter = presenter ? presenter : "",
		.text = text ? text : "",
		.matter = matter ? matter : "other",
		.cost_ore = cost,
	};
	rc = gov_store_item_insert(ctx->c, &it, &id, &ctx->err);
	if (rc == LMN_EINVAL)
		return api_problem(ctx, 409, "item_exists", "number", NULL,
				   "Punkt %s finns redan på dagordningen.", number);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "meeting_id",
				  (json_int_t)ctx->id[0], "number", number));
}

int items_update(struct api_ctx *ctx)
{
	const char *title, *presenter, *text, *position, *follow_up, *matter;
	int64_t cost = -2;
	struct gov_meeting m;
	long idx;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "title", false, &title) ||
	    !api_str_or_reply(ctx, "presenter", false, &presenter) ||
	    !api_str_or_reply(ctx, "text", false, &text) ||
	    !api_str_or_reply(ctx, "position", false, &position) ||
	    !api_str_or_reply(ctx, "follow_up", false, &follow_up) ||
	    !api_str_or_reply(ctx, "matter", false, &matter) ||
	    !api_int_or_reply(ctx, "cost_ore", false, 0, INT64_MAX, &cost))
		return (int)ctx->resp->status;
	if (matter && item_matter_parse(matter) < 0)
		return api_problem(
			ctx, 400, "invalid_input", "matter", NULL,
			"Ange vad ärendet gäller: sortiment, redaktionell ändring i handboken, "
			"ändring i sak i handboken, hur servicesteg utförs, IT-anpassning eller "
			"annat.");
	if (title && !*title)
		return api_problem(ctx, 400, "invalid_input", "title", NULL,
				   "Rubriken får inte vara tom.");
	if (!open_item_or_reply(ctx, ctx->id[0], &m, &idx))
		return (int)ctx->resp->status;
	gov_meeting_release(&m);
	struct gov_item_change ch = { title, presenter, text, position, follow_up, matter, cost };
	if ((rc = gov_store_item_update(ctx->c, ctx->id[0], &ch, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200, json_pack("{s:I}", "id", (json_int_t)ctx->id[0]));
}

/* The agenda positions (in order) a person is present for, from one entry e of the body:
 * "items": "all", "none" or a list of numbers, or "from"/"until" (arrives at, leaves after).
 * field is the prefix of the entry's fields in a refusal ("" or "people[2]."). */
static bool attendance_items_or_reply(struct api_ctx *ctx, const struct gov_meeting *m, json_t *e,
				      const char *field, bool *present)
{
	json_t *items = json_object_get(e, "items"), *jf = json_object_get(e, "from");
	json_t *ju = json_object_get(e, "until");
	const char *from = json_string_value(jf), *until = json_string_value(ju);
	long f = 0, u = (long)m->nitems - 1;
	char name[48];

	if ((jf && !json_is_null(jf) && !from) || (ju && !json_is_null(ju) && !until)) {
		snprintf(name, sizeof(name), "%s%s", field, jf && !from ? "from" : "until");
		api_problem(
			ctx, 400, "invalid_input", name, NULL,
			"Ange punkten som ett nummer på dagordningen, till exempel 2 eller 3b.");
		return false;
	}
	if (from && !*from)
		from = NULL;
	if (until && !*until)
		until = NULL;
	for (size_t i = 0; i < m->nitems; i++)
		present[i] = false;
	snprintf(name, sizeof(name), "%sitems", field);
	if (json_is_array(items)) {
		size_t k;
		json_t *v;
		json_array_foreach(items, k, v) {
			size_t i;
			for (i = 0; i < m->nitems; i++)
				if (json_is_string(v) &&
				    strcmp(m->items[i].number, json_string_value(v)) == 0)
					break;
			if (i == m->nitems) {
				api_problem(ctx, 400, "invalid_input", name, NULL,
					    "Punkt nummer %zu i listan finns inte på dagordningen.",
					    k + 1);
				return false;
			}
			present[i] = true;
		}
		return true;
	}
	if (json_is_string(items) && strcmp(json_string_value(items), "none") == 0)
		return true;
	if (items && !(json_is_string(items) && strcmp(json_string_value(items), "all") == 0)) {
		api_problem(
			ctx, 400, "invalid_input", name, NULL,
			"Ange närvaron som hela mötet, ingen punkt eller en lista med punkter.");
		return false;
	}
	for (size_t i = 0; i < m->nitems; i++) {
		if (from && strcmp(m->items[i].number, from) == 0)
			f = (long)i;
		if (until && strcmp(m->items[i].number, until) == 0)
			u = (long)i;
	}
	if ((from && strcmp(m->items[f].number, from) != 0) ||
	    (until && strcmp(m->items[u].number, until) != 0) || f > u) {
		bool bad_from = from && strcmp(m->items[f].number, from) != 0;
		snprintf(name, sizeof(name), "%s%s", field, bad_from ? "from" : "until");
		if (f > u && !bad_from && !(until && strcmp(m->items[u].number, until) != 0))
			api_problem(ctx, 400, "invalid_input", name, NULL,
				    "Till och med punkt %s ligger före från punkt %s; ange dem i "
				    "dagordningens ordning.",
				    until, from);
		else
			api_problem(ctx, 400, "invalid_input", name, NULL,
				    "Punkt %s finns inte på dagordningen.",
				    bad_from ? from : until);
		return false;
	}
	for (long i = f; i <= u; i++)
		present[i] = true;
	return true;
}

/* "Mötet har inte börjat än (10 december 2026 kl. 09.00)": the start in words for refusals. */
static void start_words(const char *starts, char out[48])
{
	static const char *const months[] = { "januari",   "februari", "mars",	   "april",
					      "maj",	   "juni",     "juli",	   "augusti",
					      "september", "oktober",  "november", "december" };
	int y, mo, d, hh = 0, mm = 0;

	if (!starts || sscanf(starts, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &hh, &mm) < 3 || mo < 1 ||
	    mo > 12) {
		snprintf(out, 48, "%s", starts ? starts : "");
		return;
	}
	snprintf(out, 48, "%d %s %d kl. %02d.%02d", d, months[mo - 1], y, hh, mm);
}

/* The meeting whose attendance is set: open (no approved minutes), visible, with an agenda, and
 * started. False with the answer written (m then holds nothing). */
static bool attendance_meeting_or_reply(struct api_ctx *ctx, struct gov_meeting *m)
{
	bool closed = false;
	enum lmn_rc rc;
	char start_sv[48];

	if ((rc = gov_meeting_closed(ctx, ctx->id[0], &closed)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (closed) {
		api_problem(ctx, 409, "minutes_approved", NULL, "D:mötesanteckningar",
			    "Mötesanteckningarna är godkända; närvaron kan inte ändras.");
		return false;
	}
	if (!gov_meeting_visible_or_reply(ctx, ctx->id[0], m))
		return false;
	if (m->nitems == 0) {
		gov_meeting_release(m);
		api_problem(ctx, 422, "no_agenda", "items", NULL,
			    "Mötet har ingen dagordning än; lägg till punkterna först.");
		return false;
	}
	/* Attendance is a fact of the meeting: not recorded before it has started. */
	if (strncmp(ctx->now, m->starts_at, 16) < 0) {
		start_words(m->starts_at, start_sv);
		gov_meeting_release(m);
		api_problem(ctx, 422, "meeting_not_started", NULL, "D:mötet",
			    "Mötet har inte börjat än (%s); närvaron registreras när mötet har "
			    "börjat.",
			    start_sv);
		return false;
	}
	return true;
}

/* The person of entry e, the k-th of a list, into persons[k], once in the list; field gets the
 * entry's prefix ("people[k]."). False with the answer written. */
static bool attendance_person_or_reply(struct api_ctx *ctx, const struct gov_meeting *m, json_t *e,
				       size_t k, int64_t *persons, char field[32])
{
	json_t *pid = json_object_get(e, "person_id");
	const struct gov_person *p;
	char name[32];

	snprintf(field, 32, "people[%zu].", k);
	snprintf(name, sizeof(name), "people[%zu].person_id", k);
	if (!json_is_integer(pid) || json_integer_value(pid) < 1) {
		api_problem(ctx, 400, "invalid_input", name, NULL,
			    "Varje post ska ha person_id, personens nummer.");
		return false;
	}
	persons[k] = json_integer_value(pid);
	for (size_t j = 0; j < k; j++)
		if (persons[j] == persons[k]) {
			p = gov_meeting_person(m, persons[k]);
			api_problem(ctx, 400, "invalid_input", name, NULL,
				    "%s finns två gånger i listan.", p ? p->name : "Samma person");
			return false;
		}
	return true;
}

/* The n entries (the list people, or the body for one person) read into persons and present
 * (n rows of m->nitems), every entry checked before anything is written. False with the answer
 * written. */
static bool attendance_entries_or_reply(struct api_ctx *ctx, const struct gov_meeting *m,
					json_t *people, size_t n, int64_t person, int64_t *persons,
					bool *present)
{
	char field[32] = "";

	for (size_t k = 0; k < n; k++) {
		json_t *e = people ? json_array_get(people, k) : ctx->body;

		if (!people)
			persons[k] = person;
		else if (!attendance_person_or_reply(ctx, m, e, k, persons, field))
			return false;
		if (!attendance_items_or_reply(ctx, m, e, field, present + k * m->nitems))
			return false;
	}
	return true;
}

/* Stores the attendance of the n persons in one transaction; *out lists each with the number of
 * items present. */
static enum lmn_rc attendance_store(struct api_ctx *ctx, const struct gov_meeting *m, size_t n,
				    const int64_t *persons, const bool *present, json_t **out)
{
	int64_t *ids = calloc(m->nitems, sizeof(*ids));
	enum lmn_rc rc;

	if (!ids)
		return LMN_ENOMEM;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK) {
		free(ids);
		return rc;
	}
	*out = json_array();
	for (size_t k = 0; k < n && rc == LMN_OK; k++) {
		size_t count = 0;
		for (size_t i = 0; i < m->nitems; i++)
			if (present[k * m->nitems + i])
				ids[count++] = m->items[i].id;
		rc = gov_store_attendance(ctx->c, ctx->id[0], persons[k], ids, count, &ctx->err);
		json_array_append_new(*out,
				      json_pack("{s:I, s:i}", "person_id", (json_int_t)persons[k],
						"items_present", (int)count));
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		db_rollback(ctx->c);
	free(ids);
	return rc;
}

/* Sets the attendance of one person ({"person_id", "items"|"from"/"until"}) or of many at once
 * ({"people": [ … ]}), in one transaction. */
int meetings_attendance(struct api_ctx *ctx)
{
	struct gov_meeting m;
	json_t *people = json_object_get(ctx->body, "people"), *out = NULL;
	bool *present = NULL, batch = json_is_array(people);
	int64_t *persons = NULL, person = 0;
	size_t n = batch ? json_array_size(people) : 1;
	enum lmn_rc rc;
	int status;

	if (people && !batch)
		return api_problem(ctx, 400, "invalid_input", "people", NULL,
				   "Ange närvaron som en lista med en post per person.");
	if (!batch && !api_int_or_reply(ctx, "person_id", true, 1, INT64_MAX, &person))
		return (int)ctx->resp->status;
	if (batch && (n == 0 || n > 200))
		return api_problem(ctx, 400, "invalid_input", "people", NULL,
				   "Ange närvaron för mellan 1 och 200 personer.");
	if (!attendance_meeting_or_reply(ctx, &m))
		return (int)ctx->resp->status;
	present = calloc(n * m.nitems, sizeof(*present));
	persons = calloc(n, sizeof(*persons));
	if (!present || !persons)
		status = api_fail(ctx, LMN_ENOMEM);
	else if (!attendance_entries_or_reply(ctx, &m, people, n, person, persons, present))
		status = (int)ctx->resp->status;
	else if ((rc = attendance_store(ctx, &m, n, persons, present, &out)) == LMN_EINVAL)
		status = api_problem(ctx, 404, "not_found", "person_id", NULL,
				     "Personen finns inte.");
	else if (rc != LMN_OK)
		status = api_fail(ctx, rc);
	else if (batch)
		status = api_json(ctx, 200, json_pack("{s:O}", "people", out));
	else
		status = api_json(ctx, 200, json_incref(json_array_get(out, 0)));
	json_decref(out);
	free(present);
	free(persons);
	gov_meeting_release(&m);
	return status;
}

/* Whose written participation it is (the member's own, or for the secretary the person_id and
 * given_at of the body), and their stance: false with the answer written. */
static bool written_input_or_reply(struct api_ctx *ctx, int64_t *person, const char **given,
				   int *stance)
{
	const char *stance_s = NULL;

	*person = ctx->user.person_id;
	*given = NULL;
	if (ctx->user.role == UR_SECRETARY &&
	    (!api_int_or_reply(ctx, "person_id", true, 1, INT64_MAX, person) ||
	     !api_str_or_reply(ctx, "given_at", false, given)))
		return false;
	if (!api_str_or_reply(ctx, "stance", false, &stance_s))
		return false;
	if ((*stance = written_stance_parse(stance_s)) < 0)
		api_problem(ctx, 400, "invalid_input", "stance", NULL,
			    "Ange om ledamoten ställer sig bakom förslaget, avstår eller "
			    "invänder.");
	else if (!*person)
		api_problem(ctx, 403, "no_person", NULL, NULL,
			    "Ditt konto är inte kopplat till en ledamot.");
	else if (*given && (!timestamp_ok(*given) || strncmp(*given, ctx->now, 16) > 0))
		api_problem(ctx, 400, "invalid_input", "given_at", NULL,
			    "Ange när deltagandet lämnades som ÅÅÅÅ-MM-DD TT:MM, och inte "
			    "senare än nu.");
	else
		return true;
	return false;
}

/* "inför mötet" (GOVERNANCE.md): only participation given (given_at) before the meeting starts
 * (starts) counts. A member takes part before it; afterwards the secretary records an e-mail
 * that came before it, with the time it was given (given, else NULL). False with the answer
 * written. */
static bool written_in_time_or_reply(struct api_ctx *ctx, const char *given, const char *given_at,
				     const char *starts)
{
	char start_sv[24], given_sv[24];

	if (strcmp(given_at, starts) < 0)
		return true;
	when_sv(starts, start_sv);
	when_sv(given_at, given_sv);
	if (ctx->user.role == UR_MEMBER)
		api_problem(ctx, 422, "meeting_started", NULL, "D:beslutsmässighet",
			    "Mötet har börjat (%s); skriftligt deltagande i avgörandet "
			    "lämnas före mötet.",
			    start_sv);
	else if (!given)
		api_problem(ctx, 422, "given_at_required", "given_at", "D:beslutsmässighet",
			    "Mötet har börjat (%s): ange när det skriftliga deltagandet "
			    "lämnades. Bara deltagande som lämnats före mötet "
			    "räknas.",
			    start_sv);
	else
		api_problem(ctx, 422, "written_after_start", "given_at", "D:beslutsmässighet",
			    "Skriftligt deltagande räknas bara när det lämnats före mötet "
			    "(\"inför mötet\"): mötet började %s, deltagandet lämnades %s.",
			    start_sv, given_sv);
	return false;
}

int items_written(struct api_ctx *ctx)
{
	struct gov_meeting m;
	int64_t person;
	const char *given;
	char given_at[17], starts[17], number[8];
	bool seat = false, decided;
	long idx;
	int stance;
	enum lmn_rc rc;

	if (!written_input_or_reply(ctx, &person, &given, &stance))
		return (int)ctx->resp->status;
	/* Recorded with when it was given: a member's is now, the secretary's the e-mail's time. */
	snprintf(given_at, sizeof(given_at), "%.16s", given ? given : ctx->now);
	if (!open_item_or_reply(ctx, ctx->id[0], &m, &idx))
		return (int)ctx->resp->status;
	for (size_t i = 0; i < m.nseats; i++)
		seat |= m.seats[i].person_id == person && seat_role_appointed(m.seats[i].role);
	snprintf(starts, sizeof(starts), "%.16s", m.starts_at ? m.starts_at : "");
	decided = idx >= 0 && m.items[idx].outcome != OUTCOME_NONE;
	snprintf(number, sizeof(number), "%s", idx >= 0 ? m.items[idx].number : "");
	gov_meeting_release(&m);
	if (!written_in_time_or_reply(ctx, given, given_at, starts))
		return (int)ctx->resp->status;
	/* A member answers undecided items; the secretary may still record an e-mail that came
	 * before the meeting on a decided one (the record is corrected until the minutes close it). */
	if (decided && ctx->user.role == UR_MEMBER)
		return api_problem(
			ctx, 422, "item_decided", NULL, "D:beslutsmässighet",
			"Punkt %s är redan avgjord; skriftligt deltagande gäller ärenden "
			"som inte har avgjorts.",
			number);
	if (!seat)
		return api_problem(
			ctx, 422, "not_appointed", "person_id", "D:beslutsmässighet",
			"Bara utsedda ledamöter (ordförande, vice ordförande, ledamot) kan "
			"delta skriftligt i avgörandet.");
	if ((rc = gov_store_written(ctx->c, ctx->id[0], person, given_at,
				    (enum written_stance)stance, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200,
			json_pack("{s:I, s:I, s:s, s:s, s:s}", "item_id", (json_int_t)ctx->id[0],
				  "person_id", (json_int_t)person, "how", "written", "given_at",
				  given_at, "stance",
				  written_stance_name((enum written_stance)stance)));
}

int items_outcome(struct api_ctx *ctx)
{
	const char *outcome, *position, *rule;
	struct gov_meeting m;
	char why[600];
	long idx;
	int o;
	json_t *q;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "outcome", true, &outcome) ||
	    !api_str_or_reply(ctx, "position", false, &position))
		return (int)ctx->resp->status;
	if ((o = item_outcome_parse(outcome)) < 0)
		return api_problem(
			ctx, 400, "invalid_input", "outcome", NULL,
			"Utfallet ska vara beslutat, återremitterat, avfört, bordlagt, noterat "
			"eller förslag till rådet.");
	if (!open_item_or_reply(ctx, ctx->id[0], &m, &idx))
		return (int)ctx->resp->status;
	if (!gov_meeting_outcome_allowed(&m, (size_t)idx, (enum item_outcome)o, why, sizeof(why),
					 &rule)) {
		gov_meeting_release(&m);
		return api_problem(ctx, 422,
				   strcmp(rule, "D:beslutsmässighet") == 0 ? "no_quorum"
				   : strcmp(rule, "D:utfall") == 0	   ? "outcome_not_allowed"
				   : strcmp(rule, "D:enighet") == 0	   ? "objection"
									   : "beyond_mandate",
				   "outcome", rule, "%s", why);
	}
	/* An outcome is a fact of the meeting: not recorded before the meeting has started. */
	if (strncmp(ctx->now, m.starts_at, 16) < 0) {
		char start_sv[24];
		when_sv(m.starts_at, start_sv);
		gov_meeting_release(&m);
		return api_problem(
			ctx, 422, "meeting_not_started", "outcome", "D:mötet",
			"Mötet har inte börjat än (%s); utfallet registreras när mötet har "
			"börjat.",
			start_sv);
	}
	q = gov_quorum_json(&m, (size_t)idx);
	gov_meeting_release(&m);
	if ((rc = gov_store_item_outcome(ctx->c, ctx->id[0], outcome, position, &ctx->err)) !=
	    LMN_OK) {
		json_decref(q);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200,
			json_pack("{s:I, s:s, s:o}", "id", (json_int_t)ctx->id[0], "outcome",
				  outcome, "quorum", q));
}

int actions_create(struct api_ctx *ctx)
{
	const char *owner, *description, *due;
	struct gov_meeting m;
	long idx;
	int64_t id = 0;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "owner", true, &owner) ||
	    !api_str_or_reply(ctx, "description", true, &description) ||
	    !api_str_or_reply(ctx, "due_on", false, &due))
		return (int)ctx->resp->status;
	if (due && !gov_date_ok(due))
		return api_problem(ctx, 400, "invalid_input", "due_on", NULL,
				   "Sista dag för åtgärden ska vara ett datum ÅÅÅÅ-MM-DD.");
	if (!open_item_or_reply(ctx, ctx->id[0], &m, &idx))
		return (int)ctx->resp->status;
	gov_meeting_release(&m);
	rc = gov_store_action_insert(ctx->c, ctx->id[0], owner, description, due, &id, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "item_id",
				  (json_int_t)ctx->id[0], "owner", owner, "description",
				  description));
}

struct actions_arg {
	char today[11];
	json_t *a;
};

static enum lmn_rc action_listed(const struct gov_action_row *r, void *arg)
{
	struct actions_arg *x = arg;
	json_t *o = json_pack("{s:I, s:s, s:s, s:{s:I, s:s, s:s}, s:{s:I, s:s}, s:{s:I, s:s, s:s}}",
			      "id", (json_int_t)r->id, "owner", r->owner, "description",
			      r->description, "item", "id", (json_int_t)r->item_id, "number",
			      r->item_number, "title", r->item_title, "meeting", "id",
			      (json_int_t)r->meeting_id, "starts_at", r->starts_at, "body", "id",
			      (json_int_t)r->body_id, "code", r->body_code, "name", r->body_name);

	if (*r->due_on)
		json_object_set_new(o, "due_on", json_string(r->due_on));
	if (*r->done_on)
		json_object_set_new(o, "done_on", json_string(r->done_on));
	/* Open past its due day. */
	json_object_set_new(o, "overdue",
			    json_boolean(!*r->done_on && *r->due_on &&
					 strcmp(r->due_on, x->today) < 0));
	json_array_append_new(x->a, o);
	return LMN_OK;
}

int actions_list(struct api_ctx *ctx)
{
	struct actions_arg x;
	int64_t open = 0, body = 0;
	enum lmn_rc rc;

	if (!api_query_int_or_reply(ctx, "open", 0, 0, 1, &open) ||
	    !api_query_int_or_reply(ctx, "body_id", 0, 0, INT64_MAX, &body))
		return (int)ctx->resp->status;
	date_format(ctx->today, x.today);
	x.a = json_array();
	rc = gov_store_actions(ctx->c, open != 0, body,
			       ctx->user.role == UR_MEMBER ? ctx->user.person_id : GOV_EVERY_BODY,
			       action_listed, &x, &ctx->err);
	return gov_list_done(ctx, rc, x.a, "actions");
}

int actions_done(struct api_ctx *ctx)
{
	char today[11], done_on[11];
	enum lmn_rc rc;

	date_format(ctx->today, today);
	if ((rc = gov_store_action_done(ctx->c, ctx->id[0], today, done_on, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!*done_on)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Åtgärden finns inte.");
	return api_json(ctx, 200,
			json_pack("{s:I, s:s}", "id", (json_int_t)ctx->id[0], "done_on", done_on));
}
