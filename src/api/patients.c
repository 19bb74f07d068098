/* Patients: find, register, read, and the patient's own view of who accessed their data. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/address.h"
#include "api/api.h"
#include "core/identity.h"
#include "core/notice.h"
#include "store/access_log.h"
#include "store/notices.h"
#include "store/patients.h"
#include "store/relationships.h"

/* The patient as the caller may see it: a protected identity's address and phone only for those
 * who deliver (DOMAIN.md §3). */
static json_t *patient_json(struct api_ctx *ctx, const struct patient_row *p)
{
	json_t *o =
		json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "id", (json_int_t)p->id,
			  "id_number", p->id_number, "id_kind", p->id_kind, "given_name",
			  p->given_name, "family_name", p->family_name, "municipality",
			  p->municipality, "protected_identity", p->protected_identity,
			  "municipal_housing", p->municipal_housing, "rural_route", p->rural_route);

	if (!p->protected_identity || access_sees_protected(ctx)) {
		json_object_set_new(o, "address", json_string(p->address));
		json_object_set_new(o, "postal_code", json_string(p->postal_code));
		json_object_set_new(o, "city", json_string(p->city));
		json_object_set_new(o, "phone", json_string(p->phone));
	}
	return o;
}

/* Outside the relationship, a search by number shows only enough to be sure of the person: name
 * and year of birth, and the id needed to record a care relationship. */
static json_t *patient_brief_json(const struct patient_row *p)
{
	const char *number = p->id_number;
	int year = 0;

	for (int i = 0; i < 4 && number[i] >= '0' && number[i] <= '9'; i++)
		year = year * 10 + (number[i] - '0');
	return json_pack("{s:I, s:s, s:s, s:i, s:b}", "id", (json_int_t)p->id, "given_name",
			 p->given_name, "family_name", p->family_name, "birth_year", year,
			 "related", 0);
}

/* A patient as the caller sees them, kept in shown->o (or appended to shown->list). */
struct shown {
	struct api_ctx *ctx;
	bool brief; /* outside the relationship: patient_brief_json */
	json_t *o, *list;
};

static enum lmn_rc patient_show(const struct patient_row *p, void *arg)
{
	struct shown *sh = arg;
	json_t *o = sh->brief ? patient_brief_json(p) : patient_json(sh->ctx, p);

	if (sh->list)
		json_array_append_new(sh->list, o);
	else
		sh->o = o;
	return LMN_OK;
}

static enum lmn_rc patient_id_keep(const struct patient_row *p, void *arg)
{
	*(int64_t *)arg = p->id;
	return LMN_OK;
}

/* The request's local time in minutes (day * 1440 + minute), the search limit's clock. */
static int64_t now_minute(const struct api_ctx *ctx)
{
	return (int64_t)ctx->today * 1440 + ctx->now_sec / 60;
}

/* The rule set in force today; NULL only with no rules at all. */
static const struct rule_set *rules_today(const struct api_ctx *ctx)
{
	return params_at(ctx->app->params, ctx->today);
}

/* The per-user limit of searches by personal identity number (rule parameters
 * id_number_search_limit and id_number_search_window_minutes), in the caller's write transaction:
 * answers 429 with Retry-After and returns false when it is used up. */
static bool search_allowed_or_reply(struct api_ctx *ctx)
{
	const struct rule_set *rs = rules_today(ctx);
	int64_t limit = rs ? rs->v[P_ID_NUMBER_SEARCH_LIMIT].i : 30;
	int64_t window = rs ? rs->v[P_ID_NUMBER_SEARCH_WINDOW_MINUTES].i : 60;
	int64_t now = now_minute(ctx), count, first, retry;
	enum lmn_rc rc =
		searches_count(ctx->c, ctx->user.id, now - window, &count, &first, &ctx->err);

	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (count < limit)
		return true;
	retry = (first + window - now) * 60 - ctx->now_sec % 60;
	if (retry < 1)
		retry = 1;
	api_retry_after(ctx, (long long)retry);
	api_problem(
		ctx, 429, "too_many_searches", "id_number",
		rs && rs->src[P_ID_NUMBER_SEARCH_LIMIT] ? rs->src[P_ID_NUMBER_SEARCH_LIMIT]->ref
							: NULL,
		"Du har sökt på personnummer %lld gånger under de senaste %lld minuterna, vilket är "
		"det högsta antalet. Försök igen om %lld minuter.",
		(long long)limit, (long long)window, (long long)((retry + 59) / 60));
	return false;
}

/* Logs a search by number, found or not, in the search log (and a hit in the patient's access log). */
static enum lmn_rc search_record(struct api_ctx *ctx, const char *number, int64_t patient_id,
				 bool registering)
{
	struct id_number_search s = {
		.at = ctx->now,
		.at_minute = now_minute(ctx),
		.user_id = ctx->user.id,
		.token_id = ctx->user.token_id,
		.id_number = number,
		.patient_id = patient_id,
		.register_ = registering,
	};
	enum lmn_rc rc = searches_add(ctx->c, &s, &ctx->err);

	if (rc == LMN_OK && patient_id)
		rc = access_record(ctx, patient_id, ACCESS_READ,
				   registering ? "sökning på personnummer (vid registrering)"
					       : "sökning på personnummer");
	return rc;
}

/* The patient with the number, as a search by number shows them to the caller: in full within
 * the relationship, else name and year of birth. *out NULL: no such patient. */
static enum lmn_rc number_lookup(struct api_ctx *ctx, const char *canonical, json_t **out)
{
	struct shown sh = { ctx, false, NULL, NULL };
	bool found, related = false;
	int64_t pid = 0;
	enum lmn_rc rc =
		patient_read_by_number(ctx->c, canonical, patient_id_keep, &pid, &found, &ctx->err);

	*out = NULL;
	if (rc != LMN_OK || !found)
		return rc;
	if ((rc = access_related(ctx, pid, &related)) != LMN_OK)
		return rc;
	/* Read again: access_related used the connection's statements. */
	sh.brief = !related;
	rc = patient_read_by_number(ctx->c, canonical, patient_show, &sh, &found, &ctx->err);
	if (sh.o && related)
		json_object_set_new(sh.o, "related", json_true());
	*out = sh.o;
	return rc;
}

/* A search by personal identity number, in the caller's write transaction (committed): an exact
 * number finds anyone, protected or not, for whoever may look patients up; outside the
 * relationship it shows only name and year of birth. Every search is logged, found or not, and
 * limited per user. The patient found is appended to list. False with the answer written. */
static bool number_search_or_reply(struct api_ctx *ctx, const char *number, json_t *list)
{
	struct identity id;
	json_t *p;
	enum lmn_rc rc;

	if (identity_parse(number, strlen(number), ctx->today, &id, &ctx->err) != LMN_OK) {
		db_rollback(ctx->c);
		api_problem(ctx, 400, "invalid_input", "id_number", NULL, "%s", ctx->err.message);
		return false;
	}
	if (!search_allowed_or_reply(ctx)) {
		db_rollback(ctx->c);
		return false;
	}
	if ((rc = number_lookup(ctx, id.canonical, &p)) == LMN_OK) {
		if (p)
			json_array_append_new(list, p);
		rc = search_record(ctx, id.canonical,
				   p ? json_integer_value(json_object_get(p, "id")) : 0, false);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	return true;
}

/* The LIKE pattern (like, of n bytes) that finds q anywhere in a name, its wildcards escaped. */
static void like_pattern(const char *q, char *like, size_t n)
{
	size_t o = 0;

	like[o++] = '%';
	for (const char *s = q; *s && o < n - 3; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			like[o++] = '\\';
		like[o++] = *s;
	}
	like[o++] = '%';
	like[o] = '\0';
}

/* The patients a role finds by name: a prescriber its unit's, municipal staff their
 * municipality's (an orderer only those in municipal housing), others everyone. */
static enum patient_scope search_scope(enum user_role role)
{
	switch (role) {
	case UR_PRESCRIBER:
		return PATIENTS_OF_UNIT;
	case UR_MUNICIPAL_ORDERER:
		return PATIENTS_IN_HOUSING;
	case UR_MUNICIPAL_PRESCRIBER:
		return PATIENTS_OF_MUNICIPALITY;
	default:
		return PATIENTS_ALL;
	}
}

/* A search by name (q, at least two characters), at most limit patients of the caller's scope
 * appended to list, in the caller's write transaction (committed): one list view of the access
 * log, with the patients it found. False with the answer written. */
static bool name_search_or_reply(struct api_ctx *ctx, const char *q, int64_t limit, json_t *list)
{
	struct shown sh = { ctx, false, NULL, list };
	char like[160], today[11];
	const struct patient_search search = {
		search_scope(ctx->user.role), like,  ctx->user.unit_id,
		ctx->user.municipality,	      today, limit
	};
	enum lmn_rc rc;

	if (!q || strlen(q) < 2 || strlen(q) > 60) {
		api_problem(ctx, 400, "invalid_input", "q", NULL,
			    "Ange personnummer (id_number) eller minst två tecken av namnet (q).");
		return false;
	}
	like_pattern(q, like, sizeof(like));
	date_format(ctx->today, today);
	if ((rc = patients_by_name(ctx->c, &search, patient_show, &sh, &ctx->err)) != LMN_OK ||
	    (rc = access_record_list(ctx, list, "id", "sökning på namn")) != LMN_OK ||
	    (rc = db_commit(ctx->c, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	return true;
}

int patients_list(struct api_ctx *ctx)
{
	const char *number = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "id_number");
	const char *q = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "q");
	json_t *list = json_array();
	int64_t limit;
	enum lmn_rc rc;
	bool ok = api_query_int_or_reply(ctx, "limit", 50, 1, 200, &limit);

	if (ok && (rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK) {
		api_fail(ctx, rc);
		ok = false;
	}
	if (ok)
		ok = number ? number_search_or_reply(ctx, number, list)
			    : name_search_or_reply(ctx, q, limit, list);
	if (!ok) {
		json_decref(list);
		return (int)ctx->resp->status;
	}
	return api_json(ctx, 200, json_pack("{s:o}", "patients", list));
}

static bool postal_code_or_reply(struct api_ctx *ctx, const char *key, const char *in, char out[6])
{
	size_t n = 0;

	for (; *in && n < 6; in++) {
		if (*in == ' ')
			continue;
		if (!isdigit((unsigned char)*in))
			break;
		out[n++] = *in;
	}
	if (*in || n != 5) {
		api_problem(ctx, 400, "invalid_input", key, NULL,
			    "Postnumret ska ha fem siffror, t.ex. 411 01.");
		return false;
	}
	out[5] = '\0';
	return true;
}

/* Records a care relationship of the caller's unit to the patient for care_relationship_days,
 * in the caller's write transaction, and writes it to the patient's access log with its reason
 * (the patient sees it). */
static enum lmn_rc relationship_record(struct api_ctx *ctx, int64_t patient_id, const char *reason,
				       char ends_on[11], int64_t *id)
{
	const struct rule_set *rs = rules_today(ctx);
	int64_t days = rs ? rs->v[P_CARE_RELATIONSHIP_DAYS].i : 30;
	struct buf what;
	enum lmn_rc rc;

	date_format(ctx->today + (lmn_day)days - 1, ends_on);
	rc = relationships_add(ctx->c, patient_id, ctx->user.unit_id, ctx->user.id, reason,
			       ctx->now, ends_on, id, &ctx->err);
	if (rc != LMN_OK)
		return rc;
	buf_init(&what, 1024);
	buf_addf(&what, "vårdrelation registrerad för enheten till och med %s: %s", ends_on,
		 reason);
	rc = what.failed ? lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory")
			 : access_record(ctx, patient_id, ACCESS_CREATE, what.data);
	buf_release(&what);
	return rc;
}

int care_relationships_create(struct api_ctx *ctx)
{
	const struct rule_set *rs = rules_today(ctx);
	int64_t window = rs ? rs->v[P_ID_NUMBER_SEARCH_WINDOW_MINUTES].i : 60;
	const char *reason;
	char ends_on[11];
	int64_t id;
	bool found = false;
	size_t chars = 0;
	enum lmn_rc rc;

	if (!api_str_or_reply(ctx, "reason", true, &reason))
		return (int)ctx->resp->status;
	for (const char *c = reason; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (strspn(reason, " \t\r\n") == strlen(reason) || chars > 300)
		return api_problem(
			ctx, 400, "invalid_input", "reason", NULL,
			"Skälet till vårdrelationen ska fyllas i, med högst 300 tecken.");
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	/* Only for a patient the prescriber found by their personal identity number, within the
	 * search limit's window (or a day, if longer): knowing an id is not enough. A patient who
	 * does not exist is answered the same. */
	rc = searches_found(ctx->c, ctx->user.id, ctx->id[0],
			    now_minute(ctx) - (window > 1440 ? window : 1440), &found, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	if (!found)
		return api_problem(ctx, 403, "search_first", NULL, NULL,
				   "Sök fram patienten på personnummer innan du registrerar en "
				   "vårdrelation.");
	rc = relationship_record(ctx, ctx->id[0], reason, ends_on, &id);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "patient_id",
				  (json_int_t)ctx->id[0], "unit_id", (json_int_t)ctx->user.unit_id,
				  "ends_on", ends_on, "reason", reason));
}

/* Adds the patient (taken) to the problem just written, as a search would show them. */
static int problem_with_patient(struct api_ctx *ctx, json_t *patient)
{
	struct buf *b = &ctx->resp->body;
	json_t *o = json_loadb(b->data, b->len, 0, NULL);
	char *text;

	if (!o) {
		json_decref(patient);
		return (int)ctx->resp->status;
	}
	json_object_set_new(o, "patient", patient);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (text) {
		buf_reset(b);
		buf_adds(b, text);
		buf_addc(b, '\n');
		free(text);
	}
	return (int)ctx->resp->status;
}

/* A new patient as the body gives them. */
struct patient_in {
	const char *number, *given, *family, *address, *postal, *city, *phone, *municipality;
	bool protected_id, housing, rural;
	struct identity id;
	char pc[6]; /* the postal code's five digits */
};

/* Reads the body's fields into p, the number parsed: false with the answer written. */
static bool patient_input_or_reply(struct api_ctx *ctx, struct patient_in *p)
{
	memset(p, 0, sizeof(*p));
	if (!api_str_or_reply(ctx, "id_number", true, &p->number) ||
	    !api_str_or_reply(ctx, "given_name", true, &p->given) ||
	    !api_str_or_reply(ctx, "family_name", true, &p->family) ||
	    !api_str_or_reply(ctx, "address", true, &p->address) ||
	    !api_str_or_reply(ctx, "postal_code", true, &p->postal) ||
	    !api_str_or_reply(ctx, "city", true, &p->city) ||
	    !api_str_or_reply(ctx, "phone", false, &p->phone) ||
	    !api_str_or_reply(ctx, "municipality", true, &p->municipality) ||
	    !api_bool_or_reply(ctx, "protected_identity", &p->protected_id) ||
	    !api_bool_or_reply(ctx, "municipal_housing", &p->housing) ||
	    !api_bool_or_reply(ctx, "rural_route", &p->rural) ||
	    !postal_code_or_reply(ctx, "postal_code", p->postal, p->pc))
		return false;
	if (identity_parse(p->number, strlen(p->number), ctx->today, &p->id, &ctx->err) != LMN_OK) {
		api_problem(ctx, 400, "invalid_input", "id_number", NULL, "%s", ctx->err.message);
		return false;
	}
	return true;
}

/* Whether no patient has the number yet, in the caller's write transaction. A number already
 * taken tells that the person is a patient: the answer (409) shows no more than a search by the
 * number would, is logged as one and counts towards the same limit. False with the answer
 * written. */
static bool number_free_or_reply(struct api_ctx *ctx, const char *canonical)
{
	json_t *found;
	int64_t fid;
	enum lmn_rc rc;

	if (!search_allowed_or_reply(ctx))
		return false;
	if ((rc = number_lookup(ctx, canonical, &found)) != LMN_OK) {
		api_fail(ctx, rc);
		return false;
	}
	if (!found)
		return true;
	fid = json_integer_value(json_object_get(found, "id"));
	rc = search_record(ctx, canonical, fid, true);
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(found);
		api_fail(ctx, rc);
		return false;
	}
	api_problem(ctx, 409, "patient_exists", "id_number", NULL,
		    "En patient med det numret finns redan.");
	problem_with_patient(ctx, found);
	return false;
}

/* Writes the patient p, the access-log row and, for a prescriber, the care relationship, and
 * commits the caller's transaction; *pid is the new patient's. */
static enum lmn_rc patient_insert(struct api_ctx *ctx, const struct patient_in *p, int64_t *pid)
{
	const struct patient_new r = {
		.id_number = p->id.canonical,
		.id_kind = identity_kind_name(p->id.kind),
		.given_name = p->given,
		.family_name = p->family,
		.address = p->address,
		.postal_code = p->pc,
		.city = p->city,
		.phone = p->phone,
		.municipality = p->municipality,
		.protected_identity = p->protected_id,
		.municipal_housing = p->housing,
		.rural_route = p->rural,
		.created_at = ctx->now,
	};
	enum lmn_rc rc = patients_insert(ctx->c, &r, pid, &ctx->err);

	if (rc == LMN_OK)
		rc = access_record(ctx, *pid, ACCESS_CREATE, "patient registrerad");
	/* A prescriber who registers a patient is about to care for them. */
	if (rc == LMN_OK &&
	    (ctx->user.role == UR_PRESCRIBER || ctx->user.role == UR_MUNICIPAL_PRESCRIBER)) {
		char ends_on[11];
		int64_t rid;

		rc = relationship_record(ctx, *pid, "patienten registrerades av enheten", ends_on,
					 &rid);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	return rc;
}

int patients_create(struct api_ctx *ctx)
{
	struct patient_in p;
	int64_t pid;
	enum lmn_rc rc;

	if (!patient_input_or_reply(ctx, &p))
		return (int)ctx->resp->status;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!number_free_or_reply(ctx, p.id.canonical))
		return (int)ctx->resp->status;
	/* The cost follows the municipality of residence: one of the 49 (issue 18). */
	if (!api_municipality_known(p.municipality))
		return api_problem(
			ctx, 422, "unknown_municipality", "municipality", NULL,
			"Kommunen ska vara en av Västra Götalands 49 kommuner, skriven som "
			"i kommunlistan (t.ex. Göteborg, Borås, Lilla Edet).");
	if ((rc = patient_insert(ctx, &p, &pid)) != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 201,
			json_pack("{s:I, s:s}", "id", (json_int_t)pid, "id_number",
				  p.id.canonical));
}

int patients_get(struct api_ctx *ctx)
{
	struct shown sh = { ctx, false, NULL, NULL };
	bool found;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!access_patient_or_reply(ctx, ctx->id[0]))
		return 0;
	rc = patient_read(ctx->c, ctx->id[0], patient_show, &sh, &found, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, ctx->id[0], ACCESS_READ, "patientuppgifter");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(sh.o);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, sh.o);
}

struct log_page {
	json_t *list;
	int64_t max, n;
	int64_t last[3]; /* the key of the last entry listed */
	bool more;	 /* an entry beyond max exists */
};

static enum lmn_rc log_entry(const struct access_log_entry *e, void *arg)
{
	struct log_page *p = arg;
	json_t *o;

	if (p->n == p->max) {
		p->more = true;
		return LMN_OK;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "at", e->at, "who", e->who, "role", e->role,
		      "action", e->action, "what", e->what);
	/* Which API token the access came with, if one: a token names the system that used it,
	 * beside the account. */
	if (o && e->token_id) {
		json_object_set_new(o, "token_id", json_integer(e->token_id));
		json_object_set_new(o, "token", json_string(e->token));
	}
	json_array_append_new(p->list, o);
	memcpy(p->last, e->key, sizeof(p->last));
	p->n++;
	return LMN_OK;
}

/* The list pages on with before= the previous page's "older" (three numbers joined by dots);
 * others=1 leaves out the caller's own entries (issue 20). */
int patients_access_log(struct api_ctx *ctx)
{
	const char *before = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "before");
	const char *others = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "others");
	struct log_page page = { 0 };
	int64_t key[3];
	enum lmn_rc rc;
	json_t *out;

	if (!api_query_int_or_reply(ctx, "limit", 100, 1, 1000, &page.max))
		return 0;
	if (before) {
		long long a, b, c;
		int used = 0;
		if (sscanf(before, "%lld.%lld.%lld%n", &a, &b, &c, &used) != 3 ||
		    before[used] != '\0' || a < 0 || b < 0 || c < 0)
			return api_problem(ctx, 400, "invalid_input", "before", NULL,
					   "before ska vara värdet older från föregående sida, "
					   "t.ex. 1234.0.0.");
		key[0] = a, key[1] = b, key[2] = c;
	}
	if (others && strcmp(others, "0") != 0 && strcmp(others, "1") != 0)
		return api_problem(ctx, 400, "invalid_input", "others", NULL,
				   "others ska vara 1 (bara andras åtkomster) eller 0.");
	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!access_patient_or_reply(ctx, ctx->id[0])) {
		db_rollback(ctx->c);
		return 0;
	}
	page.list = json_array();
	/* One more than asked: whether an older page exists. */
	rc = access_log_of_patient(ctx->c, ctx->id[0], before ? key : NULL,
				   others && strcmp(others, "1") == 0 ? ctx->user.id : 0,
				   page.max + 1, log_entry, &page, &ctx->err);
	db_rollback(ctx->c);
	if (rc != LMN_OK) {
		json_decref(page.list);
		return api_fail(ctx, rc);
	}
	out = json_pack("{s:o}", "entries", page.list);
	if (out && page.more) {
		char next[80];
		snprintf(next, sizeof(next), "%lld.%lld.%lld", (long long)page.last[0],
			 (long long)page.last[1], (long long)page.last[2]);
		json_object_set_new(out, "older", json_string(next));
	}
	return api_json(ctx, 200, out);
}

/* The patient's contact details for notices (issue 20, "Mina uppgifter"): phone, e-mail and how
 * they want to be told; a protected identity's phone and e-mail only for the patient (DOMAIN.md
 * §3), as their address. */
static json_t *contact_json(const struct api_ctx *ctx, const struct patient_contact *pc)
{
	json_t *o;

	if (pc->protected_identity && !access_sees_protected(ctx))
		return json_pack("{s:s, s:b}", "notice_channel", pc->channel, "protected_identity",
				 true);
	o = json_pack("{s:s, s:s, s:s}", "phone", pc->phone, "email", pc->email, "notice_channel",
		      pc->channel);
	if (o && *pc->temp_address) {
		json_t *t = api_address_json(pc->temp_address, pc->temp_postal_code, pc->temp_city,
					     NULL, NULL);

		json_object_set_new(t, "from", json_string(pc->temp_from));
		json_object_set_new(t, "until", json_string(pc->temp_until));
		json_object_set_new(o, "temporary_address", t);
	}
	return o;
}

int patients_contact_get(struct api_ctx *ctx)
{
	struct patient_contact pc;
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!access_patient_or_reply(ctx, ctx->id[0]))
		return 0;
	rc = patient_contact_get(ctx->c, ctx->id[0], &pc, &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, ctx->id[0], ACCESS_READ, "kontaktuppgifter");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200, contact_json(ctx, &pc));
}

static bool contact_refuse(struct api_ctx *ctx, unsigned status, const char *code,
			   const char *field, const char *message)
{
	api_problem(ctx, status, code, field, NULL, "%s", message);
	return false;
}

/* The longest a temporary delivery address lasts. */
#define TEMP_ADDRESS_MAX_DAYS 366

/* A PUT's temporary delivery address (t: its object), checked into pc: false with the answer
 * written. */
static bool temp_address_input_or_reply(struct api_ctx *ctx, json_t *t, struct patient_contact *pc)
{
	const char *address, *postal, *city, *from, *until;
	json_t *saved = ctx->body;
	lmn_day dfrom, duntil;
	size_t n = 0;
	bool ok;

	if (!json_is_object(t))
		return contact_refuse(ctx, 400, "invalid_input", "temporary_address",
				      "temporary_address ska vara ett objekt med address, "
				      "postal_code, city, from och until, eller null.");
	ctx->body = t;
	ok = api_str_or_reply(ctx, "address", true, &address) &&
	     api_str_or_reply(ctx, "postal_code", true, &postal) &&
	     api_str_or_reply(ctx, "city", true, &city) &&
	     api_str_or_reply(ctx, "from", true, &from) &&
	     api_str_or_reply(ctx, "until", true, &until);
	ctx->body = saved;
	if (!ok)
		return false;
	if (!*address || strlen(address) >= sizeof(pc->temp_address))
		return contact_refuse(ctx, 422, "invalid_address", "temporary_address.address",
				      "Skriv gatuadressen dit leveranserna ska gå.");
	for (const char *p = postal; *p; p++)
		if (*p != ' ' && n < 5 && *p >= '0' && *p <= '9')
			pc->temp_postal_code[n++] = *p;
		else if (*p != ' ')
			n = 6;
	if (n != 5)
		return contact_refuse(ctx, 422, "invalid_postal_code",
				      "temporary_address.postal_code",
				      "Postnumret ska ha fem siffror, till exempel 413 01.");
	if (!*city || strlen(city) >= sizeof(pc->temp_city))
		return contact_refuse(ctx, 422, "invalid_city", "temporary_address.city",
				      "Skriv orten.");
	if (strlen(from) != 10 || date_parse(from, 10, &dfrom) != LMN_OK)
		return contact_refuse(ctx, 422, "invalid_date", "temporary_address.from",
				      "Skriv första dagen som ett datum, till exempel 2026-12-01.");
	if (strlen(until) != 10 || date_parse(until, 10, &duntil) != LMN_OK)
		return contact_refuse(ctx, 422, "invalid_date", "temporary_address.until",
				      "Skriv sista dagen som ett datum, till exempel 2026-12-31.");
	if (duntil < dfrom || duntil < ctx->today)
		return contact_refuse(
			ctx, 422, "invalid_period", "temporary_address.until",
			"Sista dagen kan inte vara före första dagen eller före i dag.");
	if (duntil - dfrom >= TEMP_ADDRESS_MAX_DAYS)
		return contact_refuse(ctx, 422, "invalid_period", "temporary_address.until",
				      "En tillfällig adress gäller högst ett år. Ändra din vanliga "
				      "adress om du har flyttat.");
	snprintf(pc->temp_address, sizeof(pc->temp_address), "%s", address);
	snprintf(pc->temp_city, sizeof(pc->temp_city), "%s", city);
	snprintf(pc->temp_from, sizeof(pc->temp_from), "%s", from);
	snprintf(pc->temp_until, sizeof(pc->temp_until), "%s", until);
	return true;
}

/* The fields of a PUT, checked: false with the answer written. */
static bool contact_input_or_reply(struct api_ctx *ctx, struct patient_contact *pc)
{
	const char *phone = NULL, *email = NULL, *channel = NULL;
	char e164[20];
	json_t *t;

	if (!ctx->body)
		return contact_refuse(ctx, 400, "invalid_input", NULL,
				      "Uppgifterna saknas (JSON-objekt med phone, email och "
				      "notice_channel).");
	if (!api_str_or_reply(ctx, "phone", false, &phone) ||
	    !api_str_or_reply(ctx, "email", false, &email) ||
	    !api_str_or_reply(ctx, "notice_channel", true, &channel))
		return false;
	memset(pc, 0, sizeof(*pc));
	if (phone && *phone) {
		if (strlen(phone) >= sizeof(pc->phone) || !notice_phone_e164(phone, e164))
			return contact_refuse(
				ctx, 422, "invalid_phone", "phone",
				"Skriv ett svenskt mobilnummer, till exempel 070-123 45 67.");
		snprintf(pc->phone, sizeof(pc->phone), "%s", phone);
	}
	if (email && *email) {
		if (strlen(email) >= sizeof(pc->email) || !notice_email_valid(email))
			return contact_refuse(
				ctx, 422, "invalid_email", "email",
				"Skriv en e-postadress, till exempel namn@example.se.");
		snprintf(pc->email, sizeof(pc->email), "%s", email);
	}
	if (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0 &&
	    strcmp(channel, "none") != 0)
		return contact_refuse(ctx, 400, "invalid_input", "notice_channel",
				      "notice_channel ska vara sms, email eller none.");
	if (strcmp(channel, "sms") == 0 && !*pc->phone)
		return contact_refuse(ctx, 422, "phone_required", "phone",
				      "Skriv ditt mobilnummer för att få meddelanden med sms.");
	if (strcmp(channel, "email") == 0 && !*pc->email)
		return contact_refuse(ctx, 422, "email_required", "email",
				      "Skriv din e-postadress för att få meddelanden med e-post.");
	snprintf(pc->channel, sizeof(pc->channel), "%s", channel);
	t = json_object_get(ctx->body, "temporary_address");
	return !t || json_is_null(t) || temp_address_input_or_reply(ctx, t, pc);
}

int patients_contact_put(struct api_ctx *ctx)
{
	struct patient_contact pc, was;
	enum lmn_rc rc;

	if (!contact_input_or_reply(ctx, &pc))
		return (int)ctx->resp->status;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	if (!access_patient_or_reply(ctx, ctx->id[0]))
		return 0;
	if ((rc = patient_contact_get(ctx->c, ctx->id[0], &was, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	/* Whoever may not see a protected identity's phone, e-mail and address may not replace
	 * them unseen either. */
	if (was.protected_identity && !access_sees_protected(ctx))
		return api_problem(ctx, 403, "protected_identity", NULL, NULL,
				   "Patienten har skyddade personuppgifter. Kontaktuppgifterna "
				   "ändrar patienten själv under Mina uppgifter.");
	/* The phone is also the carrier's for a home delivery (orders.c): changed, not removed. */
	if (!*pc.phone && *was.phone)
		return api_problem(
			ctx, 422, "phone_required", "phone", NULL,
			"Telefonnumret behövs för att transportören ska kunna nå dig vid "
			"leveranser. Du kan ändra det men inte ta bort det.");
	rc = patient_contact_set(ctx->c, ctx->id[0], &pc, &ctx->err);
	if (rc == LMN_OK)
		rc = notices_readdress(ctx->c, ctx->id[0], (int64_t)time(NULL), &ctx->err);
	if (rc == LMN_OK)
		rc = access_record(ctx, ctx->id[0], ACCESS_UPDATE, "kontaktuppgifter ändrade");
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200, contact_json(ctx, &pc));
}
