/* Minutes (mötesanteckningar): generated from the recorded meeting, approved by the people the
 * body requires (the chair; for the political group the chair and a member of the other party),
 * then immutable. A correction after approval is a new version (GOVERNANCE.md "Minutes"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/governance.h"
#include "api/minutes_pdf.h"
#include "store/governance_store.h"

int minutes_generate(struct api_ctx *ctx)
{
	struct gov_meeting m;
	struct minutes mn;
	struct buf html;
	bool is_draft = false;
	int64_t draft = 0, version = 0, id = 0;
	enum lmn_rc rc;

	if (!gov_meeting_visible_or_reply(ctx, ctx->id[0], &m))
		return (int)ctx->resp->status;
	/* Minutes record what happened: not before the meeting has started. */
	if (strncmp(ctx->now, m.starts_at, 16) < 0) {
		api_problem(ctx, 422, "meeting_not_started", NULL, "D:mötesanteckningar",
			    "Mötet har inte börjat än (%.10s kl. %.5s); mötesanteckningarna skrivs "
			    "när mötet har hållits.",
			    m.starts_at, strlen(m.starts_at) >= 16 ? m.starts_at + 11 : "");
		gov_meeting_release(&m);
		return (int)ctx->resp->status;
	}
	gov_minutes_build(&m, &mn);
	gov_meeting_release(&m);
	buf_init(&html, 0);
	if (!mn.failed)
		gov_minutes_html(&mn, &html);
	minutes_release(&mn);
	if (mn.failed || html.failed) {
		buf_release(&html);
		return api_fail(ctx, LMN_ENOMEM);
	}
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK) {
		buf_release(&html);
		return api_fail(ctx, rc);
	}
	/* The newest version: a draft is regenerated in place; approved, a new version follows. */
	rc = gov_store_minutes_newest(ctx->c, ctx->id[0], &id, &version, &is_draft, &ctx->err);
	if (rc == LMN_OK && is_draft) {
		draft = id;
		rc = gov_store_minutes_rewrite(ctx->c, draft, html.data, ctx->now, &ctx->err);
	} else if (rc == LMN_OK) {
		version++;
		rc = gov_store_minutes_insert(ctx->c, ctx->id[0], version, html.data, ctx->now, &id,
					      &ctx->err);
	}
	buf_release(&html);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		db_rollback(ctx->c);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, draft ? 200 : 201,
			json_pack("{s:I, s:I, s:I, s:b}", "id", (json_int_t)id, "meeting_id",
				  (json_int_t)ctx->id[0], "version", (json_int_t)version,
				  "approved", 0));
}

static enum lmn_rc minutes_listed(const struct gov_minutes_row *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)r->id, "version",
			      (json_int_t)r->version, "created_at", r->created_at);

	if (*r->approved_at)
		json_object_set_new(o, "approved_at", json_string(r->approved_at));
	json_array_append_new(arg, o);
	return LMN_OK;
}

int minutes_list(struct api_ctx *ctx)
{
	struct gov_meeting m;
	json_t *a;
	enum lmn_rc rc;

	if (!gov_meeting_visible_or_reply(ctx, ctx->id[0], &m))
		return (int)ctx->resp->status;
	gov_meeting_release(&m);
	a = json_array();
	rc = gov_store_minutes_list(ctx->c, ctx->id[0], minutes_listed, a, &ctx->err);
	return gov_list_done(ctx, rc, a, "minutes");
}

struct minutes_row {
	int64_t id, meeting_id, version;
	char *html;
	char approved_at[40];
	char published_at[11];
};

static enum lmn_rc minutes_loaded(const struct gov_minutes_row *row, void *arg)
{
	struct minutes_row *r = arg;

	r->id = row->id;
	r->meeting_id = row->meeting_id;
	r->version = row->version;
	r->html = strdup(row->html);
	snprintf(r->approved_at, sizeof(r->approved_at), "%s", row->approved_at);
	snprintf(r->published_at, sizeof(r->published_at), "%s", row->published_at);
	return LMN_OK;
}

/* Loads minutes the caller may see; on false a problem was sent. */
static bool load_minutes_or_reply(struct api_ctx *ctx, int64_t id, struct minutes_row *r)
{
	bool row = false;
	struct gov_meeting m;
	enum lmn_rc rc;

	memset(r, 0, sizeof(*r));
	rc = gov_store_minutes(ctx->c, id, &row, minutes_loaded, r, &ctx->err);
	if (rc != LMN_OK || (row && !r->html)) {
		free(r->html);
		api_fail(ctx, rc != LMN_OK ? rc : LMN_ENOMEM);
		return false;
	}
	if (!row) {
		api_problem(ctx, 404, "not_found", NULL, NULL, "Mötesanteckningarna finns inte.");
		return false;
	}
	if (!gov_meeting_visible_or_reply(ctx, r->meeting_id, &m)) {
		free(r->html);
		return false;
	}
	gov_meeting_release(&m);
	return true;
}

/* As what a person's approval counts under the rule: "chair", "other_party" (an appointed
 * member of the party that does not hold the chair), "seat" (anyone with a seat, where the
 * rule asks no more), or NULL when it does not count. */
static const char *approval_as(const struct gov_meeting *m, const char *rule, int64_t person)
{
	int chair_party = -2;
	bool seat = false, other = false;

	for (size_t i = 0; i < m->nseats; i++)
		if (m->seats[i].role == SEAT_CHAIR && m->seats[i].person_id)
			chair_party = m->seats[i].party;
	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		if (s->person_id != person)
			continue;
		if (s->role == SEAT_CHAIR)
			return "chair";
		seat = true;
		other |= seat_role_appointed(s->role) && s->party >= 0 && s->party != chair_party;
	}
	if (strcmp(rule, "next_meeting") == 0 || strcmp(rule, "secretary") == 0)
		return seat ? "seat" : NULL;
	if (strcmp(rule, "chair_and_other_party") == 0 && other)
		return "other_party";
	return NULL;
}

/* Whose approvals count so far: the chair's, one of the other party's, any at all. */
struct approved {
	bool chair, other, any;
};

/* The approvals given (a, na), each as whom it counts, appended to approvals; *ok says whose
 * count. */
static void approvals_json(const struct gov_meeting *m, const char *rule,
			   const struct gov_approval *a, size_t na, json_t *approvals,
			   struct approved *ok)
{
	for (size_t k = 0; k < na; k++) {
		const char *as = approval_as(m, rule, a[k].person_id);
		bool secretary = false;
		for (size_t i = 0; i < m->nseats; i++)
			secretary |= m->seats[i].person_id == a[k].person_id &&
				     m->seats[i].role == SEAT_SECRETARY;
		ok->any |= as != NULL;
		ok->chair |= as && strcmp(as, "chair") == 0;
		ok->other |= as && strcmp(as, "other_party") == 0;
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "person_id",
				      (json_int_t)a[k].person_id, "name", a[k].name, "approved_at",
				      a[k].approved_at, "as",
				      as && strcmp(as, "seat") ? as
				      : secretary	       ? "secretary"
							       : "",
				      "counts", as != NULL);
		if (o && *a[k].how)
			json_object_set_new(o, "how", json_string(a[k].how));
		json_array_append_new(approvals, o);
	}
}

/* Those whose approval would still count (the chair, members of the other party), each once,
 * appended to approvers. */
static void approvers_json(const struct gov_meeting *m, const char *rule, const struct approved *ok,
			   json_t *approvers)
{
	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		const struct gov_person *p = gov_meeting_person(m, s->person_id);
		const char *as = s->person_id ? approval_as(m, rule, s->person_id) : NULL;
		bool dup = false;
		if (!as || !p || (strcmp(as, "chair") == 0 && ok->chair) ||
		    (strcmp(as, "other_party") == 0 && ok->other) ||
		    (strcmp(as, "seat") == 0 && ok->any))
			continue;
		for (size_t k = 0; k < json_array_size(approvers); k++)
			dup |= json_integer_value(json_object_get(json_array_get(approvers, k),
								  "person_id")) == s->person_id;
		if (dup)
			continue;
		json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "person_id", (json_int_t)s->person_id,
				      "name", p->name, "as", as, "role", seat_role_name(s->role));
		if (o && s->party >= 0)
			json_object_set_new(o, "party", json_string(m->party_code[s->party]));
		json_array_append_new(approvers, o);
	}
}

/* Who is missing by the body's rule, appended to missing as strings; *complete when no one. */
static enum lmn_rc approval_missing(struct api_ctx *ctx, int64_t meeting_id, const char *rule,
				    const struct approved *ok, json_t *missing, bool *complete)
{
	enum lmn_rc rc;

	/* The council's practice (2024-10-24 item 1): "Föregående mötesanteckning läggs till
	 * handlingarna och publiceras" at the next meeting, recorded there by the secretary or chair. */
	if (strcmp(rule, "next_meeting") == 0) {
		char now[17];
		bool next = false;
		snprintf(now, sizeof(now), "%.16s", ctx->now);
		if ((rc = gov_store_next_meeting_started(ctx->c, meeting_id, now, &next,
							 &ctx->err)) != LMN_OK)
			return rc;
		if (!next)
			json_array_append_new(missing, json_string("nästa möte, där föregående "
								   "mötesanteckning läggs till "
								   "handlingarna"));
		if (!ok->any)
			json_array_append_new(missing,
					      json_string("registreringen vid nästa möte"));
		*complete = next && ok->any;
		return LMN_OK;
	}
	if (strcmp(rule, "secretary") == 0) {
		if (!ok->any)
			json_array_append_new(missing, json_string("sekreteraren"));
		*complete = ok->any;
		return LMN_OK;
	}
	if (!ok->chair)
		json_array_append_new(missing, json_string("ordföranden"));
	if (strcmp(rule, "chair_and_other_party") == 0 && !ok->other)
		json_array_append_new(missing, json_string("en ledamot från den andra parten"));
	*complete = ok->chair && (strcmp(rule, "chair_and_other_party") != 0 || ok->other);
	return LMN_OK;
}

/* Who must approve, by the body's rule, and who has: fills approvals, missing (a JSON array of
 * strings naming who is missing), approvers (the people whose approval would still count, for a
 * form) and sets *complete. approvers may be NULL. */
static enum lmn_rc approval_state(struct api_ctx *ctx, int64_t minutes_id, int64_t meeting_id,
				  json_t *approvals, json_t *missing, json_t *approvers,
				  bool *complete)
{
	struct gov_meeting m;
	struct gov_approval *a = NULL;
	struct approved ok = { 0 };
	size_t na = 0;
	char rule[32];
	enum lmn_rc rc = gov_store_meeting(ctx->c, meeting_id, &m, &ctx->err);

	*complete = false;
	if (rc != LMN_OK)
		return rc;
	if ((rc = gov_store_approval_rule(ctx->c, meeting_id, rule, &ctx->err)) == LMN_OK)
		rc = gov_store_approvals(ctx->c, minutes_id, &a, &na, &ctx->err);
	if (rc == LMN_OK) {
		approvals_json(&m, rule, a, na, approvals, &ok);
		gov_approvals_release(a, na);
		if (approvers)
			approvers_json(&m, rule, &ok, approvers);
	}
	gov_meeting_release(&m);
	if (rc != LMN_OK)
		return rc;
	return approval_missing(ctx, meeting_id, rule, &ok, missing, complete);
}

static const char *today(struct api_ctx *ctx, char day[11])
{
	date_format(ctx->today, day);
	return day;
}

/* Whether the meeting's body accepts and publishes minutes at its next meeting; *rc on error. */
static bool next_meeting_practice(struct api_ctx *ctx, int64_t meeting_id, enum lmn_rc *rc)
{
	char rule[32];

	*rc = gov_store_approval_rule(ctx->c, meeting_id, rule, &ctx->err);
	return *rc == LMN_OK && strcmp(rule, "next_meeting") == 0;
}

int minutes_get(struct api_ctx *ctx)
{
	struct minutes_row r;
	json_t *approvals = json_array(), *missing = json_array();
	bool complete;
	enum lmn_rc rc;

	if (!load_minutes_or_reply(ctx, ctx->id[0], &r)) {
		json_decref(approvals);
		json_decref(missing);
		return (int)ctx->resp->status;
	}
	json_t *approvers = json_array();
	rc = approval_state(ctx, r.id, r.meeting_id, approvals, missing,
			    *r.approved_at ? NULL : approvers, &complete);
	if (rc != LMN_OK) {
		json_decref(approvers);
		free(r.html);
		json_decref(approvals);
		json_decref(missing);
		return api_fail(ctx, rc);
	}
	json_t *o =
		json_pack("{s:I, s:I, s:I, s:s, s:o, s:o}", "id", (json_int_t)r.id, "meeting_id",
			  (json_int_t)r.meeting_id, "version", (json_int_t)r.version, "html",
			  r.html, "approvals", approvals, "missing_approvals",
			  *r.approved_at ? (json_decref(missing), json_array()) : missing);
	if (o)
		json_object_set_new(o, "approvers", approvers);
	else
		json_decref(approvers);
	if (o && *r.approved_at)
		json_object_set_new(o, "approved_at", json_string(r.approved_at));
	if (o && *r.published_at)
		json_object_set_new(o, "published_at", json_string(r.published_at));
	free(r.html);
	return api_json(ctx, 200, o);
}

/* Why a person's approval does not count, in Swedish: who must approve instead. */
static void not_counted(const struct gov_meeting *m, const char *rule, int64_t person, char *why,
			size_t n)
{
	const struct gov_person *p = gov_meeting_person(m, person);
	const char *chair = NULL;
	bool seat = false;

	for (size_t i = 0; i < m->nseats; i++) {
		seat |= m->seats[i].person_id == person;
		if (m->seats[i].role == SEAT_CHAIR && m->seats[i].person_id &&
		    gov_meeting_person(m, m->seats[i].person_id))
			chair = gov_meeting_person(m, m->seats[i].person_id)->name;
	}
	if (!seat)
		snprintf(why, n,
			 "%s har ingen plats i %s på mötesdagen; bara den som har en plats "
			 "kan godkänna mötesanteckningarna.",
			 p ? p->name : "Personen", m->body_name);
	else
		snprintf(why, n,
			 "Godkännandet av %s räknas inte: mötesanteckningarna för %s "
			 "godkänns av ordföranden%s%s%s%s.",
			 p ? p->name : "personen", m->body_name, chair ? " (" : "",
			 chair ? chair : "", chair ? ")" : "",
			 strcmp(rule, "chair_and_other_party") == 0
				 ? " och en ledamot från den part som inte har ordförandeskapet"
				 : "");
}

/* Whose approval it is (the caller's, or one the secretary records for person_id with how it
 * was given): false with the answer written. */
static bool approver_input_or_reply(struct api_ctx *ctx, int64_t *person, const char **how)
{
	bool on_behalf = false;

	*person = ctx->user.person_id;
	*how = NULL;
	if (ctx->user.role == UR_SECRETARY && json_object_get(ctx->body, "person_id")) {
		if (!api_int_or_reply(ctx, "person_id", true, 1, INT64_MAX, person) ||
		    !api_str_or_reply(ctx, "how", false, how))
			return false;
		on_behalf = *person != ctx->user.person_id;
	}
	if (*how && strcmp(*how, "at_meeting") && strcmp(*how, "email") && strcmp(*how, "signed"))
		api_problem(ctx, 400, "invalid_input", "how", NULL,
			    "Ange hur godkännandet lämnades: muntligt på mötet, via e-post "
			    "eller signerat (how: at_meeting, email eller signed).");
	else if (on_behalf && !*how)
		api_problem(ctx, 400, "invalid_input", "how", NULL,
			    "Ange hur godkännandet lämnades: muntligt på mötet, via e-post "
			    "eller signerat.");
	else if (!*person)
		api_problem(ctx, 403, "no_person", "person_id", NULL,
			    "Ditt konto är inte kopplat till en person i styrningen.");
	else
		return true;
	return false;
}

/* Whether the person's approval counts by the body's rule. One that does not is refused with
 * who must approve, rather than recorded as a "Godkänd av" that changes nothing. False with the
 * answer written. */
static bool approval_counts_or_reply(struct api_ctx *ctx, int64_t meeting_id, int64_t person)
{
	struct gov_meeting m;
	char rule[32], why[400];
	bool counts = false;
	enum lmn_rc rc;

	if ((rc = gov_store_meeting(ctx->c, meeting_id, &m, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if ((rc = gov_store_approval_rule(ctx->c, meeting_id, rule, &ctx->err)) != LMN_OK)
		api_fail(ctx, rc);
	else if (!(counts = approval_as(&m, rule, person) != NULL)) {
		not_counted(&m, rule, person, why, sizeof(why));
		api_problem(ctx, 422, "approval_not_counted", "person_id", "D:mötesanteckningar",
			    "%s", why);
	}
	gov_meeting_release(&m);
	return counts;
}

/* Records the approval in one transaction, and the minutes as approved when it completes them
 * (published at once by the practice of the next meeting: *published, else ""): approvals and
 * missing as approval_state fills them. */
static enum lmn_rc approval_store(struct api_ctx *ctx, const struct minutes_row *r, int64_t person,
				  const char *how, json_t *approvals, json_t *missing,
				  bool *complete, char published[11])
{
	char day[11];
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return rc;
	rc = gov_store_approve(ctx->c, r->id, person, ctx->now, how, &ctx->err);
	if (rc == LMN_OK)
		rc = approval_state(ctx, r->id, r->meeting_id, approvals, missing, NULL, complete);
	if (rc == LMN_OK && *complete) {
		rc = gov_store_minutes_approved(ctx->c, r->id, ctx->now, &ctx->err);
		/* Accepted at the next meeting: published then (the council's practice). */
		if (rc == LMN_OK && json_array_size(approvals) &&
		    next_meeting_practice(ctx, r->meeting_id, &rc))
			rc = gov_store_minutes_publish(ctx->c, r->id, today(ctx, day), published,
						       &ctx->err);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		db_rollback(ctx->c);
	return rc;
}

int minutes_approve(struct api_ctx *ctx)
{
	struct minutes_row r;
	int64_t person;
	json_t *approvals, *missing, *o;
	bool complete = false;
	char published[11] = "";
	const char *how;
	enum lmn_rc rc;

	if (!approver_input_or_reply(ctx, &person, &how) ||
	    !load_minutes_or_reply(ctx, ctx->id[0], &r))
		return (int)ctx->resp->status;
	free(r.html);
	if (*r.approved_at)
		return api_problem(
			ctx, 409, "already_approved", NULL, "D:mötesanteckningar",
			"Version %lld är redan godkänd och kan inte ändras; en rättelse blir "
			"en ny version.",
			(long long)r.version);
	if (!approval_counts_or_reply(ctx, r.meeting_id, person))
		return (int)ctx->resp->status;
	approvals = json_array();
	missing = json_array();
	rc = approval_store(ctx, &r, person, how, approvals, missing, &complete, published);
	if (rc != LMN_OK) {
		json_decref(approvals);
		json_decref(missing);
		return api_fail(ctx, rc);
	}
	o = json_pack("{s:I, s:I, s:b, s:o, s:o}", "id", (json_int_t)r.id, "version",
		      (json_int_t)r.version, "approved", complete, "approvals", approvals,
		      "missing_approvals", missing);
	if (o && *published)
		json_object_set_new(o, "published_at", json_string(published));
	return api_json(ctx, 200, o);
}

int minutes_publish(struct api_ctx *ctx)
{
	struct minutes_row r;
	char day[11], published[11];
	enum lmn_rc rc;

	if (!load_minutes_or_reply(ctx, ctx->id[0], &r))
		return (int)ctx->resp->status;
	free(r.html);
	if ((rc = gov_store_minutes_publish(ctx->c, r.id, today(ctx, day), published, &ctx->err)) !=
	    LMN_OK)
		return api_fail(ctx, rc);
	if (!*published)
		return api_problem(
			ctx, 409, "not_approved", NULL, "D:mötesanteckningar",
			"Version %lld är inte godkänd än; mötesanteckningarna publiceras "
			"efter godkännandet.",
			(long long)r.version);
	return api_json(ctx, 200,
			json_pack("{s:I, s:I, s:s}", "id", (json_int_t)r.id, "version",
				  (json_int_t)r.version, "published_at", published));
}

int minutes_document(struct api_ctx *ctx)
{
	struct minutes_row r;
	struct buf *b = &ctx->resp->body;

	if (!load_minutes_or_reply(ctx, ctx->id[0], &r))
		return (int)ctx->resp->status;
	/* The stored fragment is our own escaped HTML (governance/minutes.c), sent as it is. */
	buf_reset(b);
	buf_addf(
		b,
		"<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>Mötesanteckning, version %lld%s</title>\n"
		"<link rel=\"stylesheet\" href=\"/static/lmn.css\">\n</head>\n<body>\n<main class=\"wrap\">\n",
		(long long)r.version, *r.approved_at ? " (godkänd)" : " (utkast)");
	buf_adds(b, r.html);
	buf_addf(b, "<p><small>Version %lld%s%s.</small></p>\n</main>\n</body>\n</html>\n",
		 (long long)r.version, *r.approved_at ? ", godkänd " : ", ej godkänd",
		 r.approved_at);
	free(r.html);
	ctx->resp->status = 200;
	ctx->resp->type = "text/html; charset=utf-8";
	return 200;
}

int minutes_pdf_get(struct api_ctx *ctx)
{
	struct minutes_row r;
	int pages;
	enum lmn_rc rc;

	if (!load_minutes_or_reply(ctx, ctx->id[0], &r))
		return (int)ctx->resp->status;
	char footer[160], title[64];
	snprintf(footer, sizeof(footer), "Version %lld%s%s.", (long long)r.version,
		 *r.approved_at ? ", godkänd " : ", ej godkänd", r.approved_at);
	snprintf(title, sizeof(title), "Mötesanteckning, version %lld", (long long)r.version);
	buf_reset(&ctx->resp->body);
	rc = minutes_pdf(r.html, title, footer, &ctx->resp->body, &pages, &ctx->err);
	free(r.html);
	if (rc != LMN_OK) {
		buf_reset(&ctx->resp->body);
		return api_fail(ctx, rc);
	}
	ctx->resp->status = 200;
	ctx->resp->type = "application/pdf";
	return 200;
}
