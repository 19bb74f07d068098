/* Rule parameters: the schema, the rule-file parser and the as-of-date rule sets. */
#include "rules/params.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/calendar.h"

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_PATIENT] = "patient",
	[ROLE_PRESCRIBER] = "prescriber",
	[ROLE_MUNICIPAL_PRESCRIBER] = "municipal_prescriber",
	[ROLE_MUNICIPAL_ORDERER] = "municipal_orderer",
	[ROLE_CUSTOMER_SERVICE] = "customer_service",
};

/* Bit i is 1u << i: CALENDAR_EVE_MIDSUMMER, _CHRISTMAS, _NEW_YEARS. */
static const char *const eve_names[] = { "midsummer_eve", "christmas_eve", "new_years_eve" };
#define EVE__COUNT 3

static const char *const article_choices[] = { "stocked", "acute_assortment", NULL };
static const char *const late_choices[] = { "next_working_day", "refuse", NULL };
static const char *const day_kind_choices[] = { "working_days", "calendar_days", NULL };

static const struct rule_section sections[] = {
	{ "B3:1", "Leverans till ordinärt boende" },
	{ "B3:3", "Akutleverans och expressleverans" },
	{ "B3:6", "Leveransförseningar" },
	{ "B6:1", "Kvalitetsuppföljning" },
	{ "ordering", "Beställningsrätt (Ledningsrådet 2024-10-24 §3d)" },
	{ "prescription", "Förskrivning och uttag" },
	{ "D", "Samarbete och styrning" },
	{ "access", "Åtkomst till patientuppgifter" },
};

static const struct param_def defs[P__COUNT] = {
	[P_LEAD_TIME_WORKING_DAYS] = { "lead_time_working_days", "B3:1", PT_INT, 0, 60, NULL,
				       "working days from receipt (day 0) to the due date" },
	[P_DELIVERY_WINDOW_START] = { "delivery_window_start", "B3:1", PT_TIME, 0, 0, NULL,
				      "deliveries on working days from this time" },
	[P_DELIVERY_WINDOW_END] = { "delivery_window_end", "B3:1", PT_TIME, 0, 0, NULL,
				    "deliveries on working days until this time" },
	[P_PARTIAL_ONLY_BACKORDER] = { "partial_delivery_only_backorder", "B3:1", PT_BOOL, 0, 0,
				       NULL,
				       "a shipment may leave out only lines the supplier has backordered" },
	[P_NON_WORKING_EVES] = { "non_working_eves", "B3:1", PT_EVES, 0, 0, NULL,
				 "the eves that are not working days, beside weekends and public holidays (interpretation)" },
	[P_ORDER_CUTOFF] = { "order_cutoff", "B3:3", PT_TIME, 0, 0, NULL,
			     "acute and express orders must reach the distributor before this time on a working day" },
	[P_ACUTE_LEAD_WORKING_DAYS] = { "acute_lead_working_days", "B3:3", PT_INT, 0, 10, NULL,
					"working days from receipt to an acute delivery" },
	[P_ACUTE_REQUESTERS] = { "acute_requesters", "B3:3", PT_ROLES, 0, 0, NULL,
				 "who may request acute delivery" },
	[P_ACUTE_ARTICLES] = { "acute_articles", "B3:3", PT_CHOICE, 0, 0, article_choices,
			       "which articles acute delivery may use" },
	[P_ACUTE_AFTER_CUTOFF] = { "acute_after_cutoff", "B3:3", PT_CHOICE, 0, 0, late_choices,
				   "an acute order after the cut-off or on a non-working day (interpretation)" },
	[P_EXPRESS_OFFERED] = { "express_offered", "B3:3", PT_BOOL, 0, 0, NULL,
				"whether same-day express delivery is offered" },
	[P_EXPRESS_AREAS] = { "express_areas", "B3:3", PT_AREAS, 0, 0, NULL,
			      "product areas express delivery may use" },
	[P_EXPRESS_REQUESTERS] = { "express_requesters", "B3:3", PT_ROLES, 0, 0, NULL,
				   "who may request express delivery" },
	[P_EXPRESS_ARTICLES] = { "express_articles", "B3:3", PT_CHOICE, 0, 0, article_choices,
				 "which articles express delivery may use" },
	[P_DELAY_CONTACT_AFTER_DAYS] = { "delay_contact_after_days", "B3:6", PT_INT, 1, 60, NULL,
					 "an order not delivered in full by the end of this day after receipt becomes a contact case" },
	[P_DELAY_CONTACT_DAY_KIND] = { "delay_contact_day_kind", "B3:6", PT_CHOICE, 0, 0,
				       day_kind_choices,
				       "how those days are counted (interpretation)" },
	[P_DELAY_CONTACT_EXEMPT_SPECIAL] = { "delay_contact_exempt_special", "B3:6", PT_BOOL, 0, 0,
					     NULL,
					     "special products that are not stocked are exempt from delay contact" },
	[P_PHONE_ANSWER_MINUTES] = { "phone_answer_minutes", "B6:1", PT_INT, 1, 60, NULL,
				     "a call counts as answered in time within this many minutes" },
	[P_PHONE_ANSWER_TARGET] = { "phone_answer_target", "B6:1", PT_PERCENT, 0, 0, NULL,
				    "target share of calls answered in time" },
	[P_DELIVERY_RELIABILITY_TARGET] = { "delivery_reliability_target", "B6:1", PT_PERCENT, 0, 0,
					    NULL,
					    "target share of orders delivered in full by their due date" },
	[P_WITHDRAWAL_ENTRY_ROLES] = { "withdrawal_entry_roles", "ordering", PT_ROLES, 0, 0, NULL,
				       "who may enter a withdrawal (order) in the system" },
	[P_MUNICIPAL_ENTRY_HOUSING_ONLY] = { "municipal_entry_housing_only", "ordering", PT_BOOL, 0,
					     0, NULL,
					     "municipal staff may enter withdrawals only for people in municipal housing" },
	[P_PRESCRIPTION_MAX_VALIDITY_MONTHS] = { "prescription_max_validity_months", "prescription",
						 PT_INT, 1, 120, NULL,
						 "a prescription is valid at most this many months (interpretation)" },
	[P_NEXT_WITHDRAWAL_FRACTION] = { "next_withdrawal_fraction", "prescription", PT_FRACTION, 0,
					 0, NULL,
					 "the next withdrawal is allowed after this share of the previous one's period (interpretation)" },
	[P_PREPARATION_IT_LIMIT_KR] = { "preparation_it_limit_kr", "D", PT_INT, 0, 100000000, NULL,
					"a preparation group decides IT-support adaptations up to this cost; above, it proposes to the council" },
	[P_FORUM_NOTICE_DAYS] = { "forum_notice_days", "D", PT_INT, 0, 365, NULL,
				  "the forum's notice with agenda goes out at least this many days before the meeting" },
	[P_CARE_RELATIONSHIP_DAYS] = { "care_relationship_days", "access", PT_INT, 1, 366, NULL,
				       "a care relationship recorded by a prescriber opens the record for this many days (interpretation)" },
	[P_ID_NUMBER_SEARCH_LIMIT] = { "id_number_search_limit", "access", PT_INT, 1, 100000, NULL,
				       "searches by personal identity number a user may make within the window (interpretation)" },
	[P_ID_NUMBER_SEARCH_WINDOW_MINUTES] = { "id_number_search_window_minutes", "access", PT_INT,
						1, 1440, NULL,
						"the window of the search limit, in minutes (interpretation)" },
	[P_DISTRIBUTOR_HISTORY_DAYS] = { "distributor_history_days", "access", PT_INT, 0, 3650,
					 NULL,
					 "the distributor reads an order delivered or returned at most this many days ago (interpretation)" },
};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

static int name_index(const char *const *names, int count, const char *s, size_t n)
{
	for (int i = 0; i < count; i++)
		if (names[i] && strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	return -1;
}

int role_parse(const char *s, size_t n)
{
	return name_index(role_names, ROLE__COUNT, s, n);
}

const struct param_def *param_def(enum param_id id)
{
	return (unsigned)id < P__COUNT ? &defs[id] : NULL;
}

int param_lookup(const char *key, size_t n)
{
	for (int i = 0; i < P__COUNT; i++)
		if (strlen(defs[i].key) == n && memcmp(defs[i].key, key, n) == 0)
			return i;
	return -1;
}

const struct rule_section *rule_sections(size_t *count)
{
	*count = sizeof(sections) / sizeof(sections[0]);
	return sections;
}

void params_init(struct params *p)
{
	memset(p, 0, sizeof(*p));
}

static void source_free(struct param_source *s)
{
	if (!s)
		return;
	free(s->section);
	free(s->body);
	free(s->reference);
	free(s->file);
	free(s);
}

void params_release(struct params *p)
{
	for (size_t i = 0; i < p->nsources; i++)
		source_free(p->sources[i]);
	free(p->sources);
	for (int i = 0; i < P__COUNT; i++)
		free(p->versions[i]);
	free(p->sets);
	params_init(p);
}

/* ---- the rule-file parser ---- */

struct reader {
	struct params *p;
	const char *name;
	int line;
	struct lmn_err *err;
	char section[24];
	struct param_source *cur; /* the open version block */
	bool set_in_cur[P__COUNT];
	int blocks;
	bool amend; /* a change-log entry: adds versions to a section a rule file defines */
};

static enum lmn_rc fail(struct reader *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum lmn_rc fail(struct reader *r, const char *field, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lmn_err_set(r->err, LMN_EINVAL, field, NULL, "%s:%d: %s", r->name, r->line, msg);
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static bool parse_uint(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 12)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "I" or "I.D…" with at most `decimals` decimals, scaled by 10^decimals. */
static bool parse_fixed(const char *s, size_t n, int decimals, int64_t *out)
{
	const char *dot = memchr(s, '.', n);
	size_t ni = dot ? (size_t)(dot - s) : n, nd = dot ? n - ni - 1 : 0;
	int64_t ip, dp = 0;

	if (!parse_uint(s, ni, &ip) || (dot && (nd == 0 || nd > (size_t)decimals)))
		return false;
	if (dot && !parse_uint(dot + 1, nd, &dp))
		return false;
	for (size_t i = nd; i < (size_t)decimals; i++)
		dp *= 10;
	for (int i = 0; i < decimals; i++)
		ip *= 10;
	*out = ip + dp;
	return true;
}

static enum lmn_rc parse_set(struct reader *r, const char *key, const char *s, size_t n,
			     const char *const *names, int count, uint32_t *out)
{
	*out = 0;
	if (n == 4 && memcmp(s, "none", 4) == 0)
		return LMN_OK;
	/* Every word counts, also an empty one: "", "a," and "a,,b" are errors, not a smaller set. */
	for (;;) {
		const char *comma = memchr(s, ',', n);
		size_t len = comma ? (size_t)(comma - s) : n;
		const char *w = s;
		size_t wn = len;
		int idx;

		trim(&w, &wn);
		idx = name_index(names, count, w, wn);
		if (idx < 0) {
			char word[64], accepted[256] = "";
			size_t used = 0;
			snprintf(word, sizeof(word), "%.*s", (int)(wn > 60 ? 60 : wn), w);
			for (int i = 0; i < count; i++)
				used += (size_t)snprintf(accepted + used, sizeof(accepted) - used,
							 "%s%s", i ? ", " : "", names[i]);
			char msg[120];
			snprintf(msg, sizeof(msg), "%s: unknown value '%s'", key, word);
			return fail(r, key, "%s (accepted: %s, or none)", msg, accepted);
		}
		*out |= 1u << idx;
		if (!comma)
			break;
		n -= len + 1;
		s = comma + 1;
	}
	return LMN_OK;
}

/* A set of product areas (issue 18: a code list kept as data). With a database's list registered,
 * an area must be in it; without one (a command run without --db), any well-formed code is taken. */
static enum lmn_rc parse_areas(struct reader *r, const char *key, const char *s, size_t n,
			       uint32_t *out)
{
	*out = 0;
	if (n == 4 && memcmp(s, "none", 4) == 0)
		return LMN_OK;
	for (;;) {
		const char *comma = memchr(s, ',', n);
		size_t len = comma ? (size_t)(comma - s) : n;
		const char *w = s;
		size_t wn = len;
		int idx;

		trim(&w, &wn);
		idx = area_parse(w, wn);
		if (idx < 0) {
			char word[64];
			snprintf(word, sizeof(word), "%.*s", (int)(wn > 60 ? 60 : wn), w);
			if (!area_code_valid(w, wn))
				return fail(
					r, key,
					"%s: '%s' is no product area code (a word of a–z and _, "
					"at most %d characters, or none)",
					key, word, AREA_CODE_MAX - 1);
			if (areas_listed()) {
				struct buf known;
				enum lmn_rc rc;
				buf_init(&known, 4096);
				areas_format_codes(&known, ", ");
				rc = fail(
					r, key,
					"%s: unknown product area '%s' (the product areas are: %s; "
					"or none)",
					key, word, known.data ? known.data : "");
				buf_release(&known);
				return rc;
			}
			struct lmn_err aerr;
			if (area_register(w, wn, NULL, &idx, &aerr) != LMN_OK)
				return fail(r, key, "%s: %s", key, aerr.message);
		}
		*out |= 1u << idx;
		if (!comma)
			break;
		n -= len + 1;
		s = comma + 1;
	}
	return LMN_OK;
}

static enum lmn_rc parse_value(struct reader *r, enum param_id id, const char *s, size_t n,
			       union param_value *v)
{
	const struct param_def *d = &defs[id];
	int64_t x;

	memset(v, 0, sizeof(*v));
	switch (d->type) {
	case PT_INT: {
		bool neg = n > 0 && s[0] == '-';
		if (!parse_uint(s + neg, n - neg, &x))
			return fail(r, d->key, "%s: expected an integer", d->key);
		x = neg ? -x : x;
		if (x < d->min || x > d->max) {
			char range[64];
			snprintf(range, sizeof(range), " between %lld and %lld", (long long)d->min,
				 (long long)d->max);
			return fail(r, d->key, "%s: expected an integer%s", d->key, range);
		}
		v->i = x;
		return LMN_OK;
	}
	case PT_BOOL:
		if (n == 4 && memcmp(s, "true", 4) == 0)
			v->b = true;
		else if (n == 5 && memcmp(s, "false", 5) == 0)
			v->b = false;
		else
			return fail(r, d->key, "%s: expected true or false", d->key);
		return LMN_OK;
	case PT_TIME: {
		int64_t hh, mm;
		if (n != 5 || s[2] != ':' || !parse_uint(s, 2, &hh) || !parse_uint(s + 3, 2, &mm) ||
		    hh > 23 || mm > 59)
			return fail(r, d->key, "%s: expected a time HH:MM (00:00–23:59)", d->key);
		v->i = hh * 3600 + mm * 60;
		return LMN_OK;
	}
	case PT_PERCENT:
		if (!parse_fixed(s, n, 2, &x) || x > 10000)
			return fail(r, d->key,
				    "%s: expected a percentage 0–100 with at most two decimals",
				    d->key);
		v->i = x;
		return LMN_OK;
	case PT_FRACTION:
		if (!parse_fixed(s, n, 3, &x) || x > 1000)
			return fail(r, d->key,
				    "%s: expected a fraction 0–1 with at most three decimals",
				    d->key);
		v->i = x;
		return LMN_OK;
	case PT_ROLES:
		return parse_set(r, d->key, s, n, role_names, ROLE__COUNT, &v->set);
	case PT_AREAS:
		return parse_areas(r, d->key, s, n, &v->set);
	case PT_EVES:
		return parse_set(r, d->key, s, n, eve_names, EVE__COUNT, &v->set);
	case PT_CHOICE: {
		int count = 0;
		while (d->choices[count])
			count++;
		int idx = name_index(d->choices, count, s, n);
		if (idx < 0) {
			char accepted[200] = "";
			size_t used = 0;
			for (int i = 0; i < count; i++)
				used += (size_t)snprintf(accepted + used, sizeof(accepted) - used,
							 "%s%s", i ? " or " : "", d->choices[i]);
			return fail(r, d->key, "%s: expected %s", d->key, accepted);
		}
		v->i = idx;
		return LMN_OK;
	}
	}
	return fail(r, d->key, "%s: unknown type", d->key);
}

static bool parse_quoted(const char *s, size_t n, const char **out, size_t *outn)
{
	if (n < 2 || s[0] != '"' || s[n - 1] != '"' || memchr(s + 1, '"', n - 2))
		return false;
	*out = s + 1;
	*outn = n - 2;
	return true;
}

static const struct rule_section *find_section(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i].id) == n && memcmp(sections[i].id, s, n) == 0)
			return &sections[i];
	return NULL;
}

static enum lmn_rc close_block(struct reader *r)
{
	struct param_source *s = r->cur;
	int saved = r->line;

	if (!s)
		return LMN_OK;
	r->line = s->line;
	if (!s->body)
		return fail(r, "body", "version %s has no body (the deciding body)", s->ref);
	if (!s->reference)
		return fail(r, "reference", "version %s has no reference (change-log entry)",
			    s->ref);
	if (r->blocks == 1 && !r->amend) {
		/* The first version of a section defines every parameter of it. */
		for (int i = 0; i < P__COUNT; i++)
			if (strcmp(defs[i].section, r->section) == 0 && !r->set_in_cur[i])
				return fail(r, defs[i].key,
					    "the first version of section %s does not set %s",
					    r->section, defs[i].key);
	}
	r->line = saved;
	r->cur = NULL;
	return LMN_OK;
}

static enum lmn_rc add_source(struct reader *r, lmn_day effective)
{
	struct params *p = r->p;
	struct param_source *s;
	char date[11];

	if (p->nsources == p->asources) {
		size_t n = p->asources ? p->asources * 2 : 16;
		struct param_source **a = realloc(p->sources, n * sizeof(*a));
		if (!a)
			return lmn_err_set(r->err, LMN_ENOMEM, NULL, NULL, "out of memory");
		p->sources = a;
		p->asources = n;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->section = dupn(r->section, strlen(r->section))) ||
	    !(s->file = dupn(r->name, strlen(r->name)))) {
		source_free(s);
		return lmn_err_set(r->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	s->effective = effective;
	s->decided = effective; /* DOMAIN.md §9: in force from the decision unless stated */
	s->original = r->blocks == 0 && !r->amend;
	s->line = r->line;
	date_format(effective, date);
	snprintf(s->ref, sizeof(s->ref), "%s@%s", r->section, date);
	p->sources[p->nsources++] = s;
	r->cur = s;
	r->blocks++;
	memset(r->set_in_cur, 0, sizeof(r->set_in_cur));
	return LMN_OK;
}

static enum lmn_rc add_version(struct reader *r, enum param_id id, union param_value v)
{
	struct params *p = r->p;
	struct pversion *a = realloc(p->versions[id], (p->nversions[id] + 1) * sizeof(*a));

	if (!a)
		return lmn_err_set(r->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	a[p->nversions[id]].value = v;
	a[p->nversions[id]].src = r->cur;
	p->versions[id] = a;
	p->nversions[id]++;
	return LMN_OK;
}

static enum lmn_rc handle_line(struct reader *r, const char *s, size_t n)
{
	const char *eq, *key, *val;
	size_t kn, vn;
	enum lmn_rc rc;

	if (s[0] == '[') {
		lmn_day day;
		if (n < 2 || s[n - 1] != ']' || date_parse(s + 1, n - 2, &day) != LMN_OK)
			return fail(r, NULL, "expected a version header [YYYY-MM-DD]");
		if (!r->section[0])
			return fail(r, "section", "a version before 'section = …'");
		if ((rc = close_block(r)) != LMN_OK)
			return rc;
		/* Versions of a section follow each other in date order, one per date. */
		for (size_t i = 0; i < r->p->nsources; i++) {
			const struct param_source *o = r->p->sources[i];
			if (strcmp(o->section, r->section) == 0 && o->effective >= day) {
				char d1[11], d2[11];
				date_format(day, d1);
				date_format(o->effective, d2);
				return fail(
					r, NULL,
					"version %s overlaps version %s of the same section (versions must "
					"be in date order, one per date)",
					d1, d2);
			}
		}
		return add_source(r, day);
	}
	eq = memchr(s, '=', n);
	if (!eq)
		return fail(r, NULL,
			    "expected 'key = value', a [YYYY-MM-DD] header or a # comment");
	key = s;
	kn = (size_t)(eq - s);
	val = eq + 1;
	vn = n - kn - 1;
	trim(&key, &kn);
	trim(&val, &vn);
	if (kn == 7 && memcmp(key, "section", 7) == 0) {
		const struct rule_section *sec = find_section(val, vn);
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)(vn > 30 ? 30 : vn), val);
		if (r->section[0])
			return fail(r, "section", "a rule file holds one section (already %s)",
				    r->section);
		if (!sec)
			return fail(r, "section", "unknown section '%s'", name);
		bool defined = false;
		for (size_t i = 0; i < r->p->nsources; i++)
			if (strcmp(r->p->sources[i]->section, sec->id) == 0) {
				if (!r->amend)
					return fail(r, "section",
						    "section %s is already defined in %s", sec->id,
						    r->p->sources[i]->file);
				defined = true;
			}
		if (r->amend && !defined)
			return fail(r, "section", "section %s is not defined by any rule file",
				    sec->id);
		snprintf(r->section, sizeof(r->section), "%s", sec->id);
		return LMN_OK;
	}
	if (!r->cur) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(kn > 60 ? 60 : kn), key);
		return fail(r, name, "'%s' before the first version header [YYYY-MM-DD]", name);
	}
	if (kn == 7 && memcmp(key, "decided", 7) == 0) {
		if (date_parse(val, vn, &r->cur->decided) != LMN_OK)
			return fail(r, "decided", "decided: expected a date YYYY-MM-DD");
		return LMN_OK;
	}
	if ((kn == 4 && memcmp(key, "body", 4) == 0) ||
	    (kn == 9 && memcmp(key, "reference", 9) == 0)) {
		const char *q;
		size_t qn;
		char **slot = kn == 4 ? &r->cur->body : &r->cur->reference;
		if (!parse_quoted(val, vn, &q, &qn) || qn == 0)
			return fail(r, kn == 4 ? "body" : "reference",
				    "%s: expected a non-empty \"quoted text\" without inner quotes",
				    kn == 4 ? "body" : "reference");
		if (*slot)
			return fail(r, NULL, "%s is given twice in this version",
				    kn == 4 ? "body" : "reference");
		if (!(*slot = dupn(q, qn)))
			return lmn_err_set(r->err, LMN_ENOMEM, NULL, NULL, "out of memory");
		return LMN_OK;
	}
	{
		int id = param_lookup(key, kn);
		union param_value v;
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(kn > 60 ? 60 : kn), key);
		if (id < 0)
			return fail(r, name, "unknown parameter '%s'", name);
		if (strcmp(defs[id].section, r->section) != 0)
			return fail(r, name, "parameter %s belongs to section %s", name,
				    defs[id].section);
		if (r->set_in_cur[id])
			return fail(r, name, "parameter %s is set twice in this version", name);
		if ((rc = parse_value(r, (enum param_id)id, val, vn, &v)) != LMN_OK)
			return rc;
		r->set_in_cur[id] = true;
		return add_version(r, (enum param_id)id, v);
	}
}

static enum lmn_rc load(struct params *p, const char *name, const char *text, size_t len,
			bool amend, struct lmn_err *err)
{
	struct reader r = { .p = p, .name = name, .err = err, .amend = amend };
	size_t pos = 0;
	enum lmn_rc rc;

	if (p->finished)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "%s: rule sets are already built",
				   name);
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		r.line++;
		trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		if (memchr(s, '\0', n))
			return fail(&r, NULL, "a NUL byte in the text");
		if ((rc = handle_line(&r, s, n)) != LMN_OK)
			return rc;
	}
	r.line++;
	if (!r.section[0])
		return fail(&r, "section", "the file names no section ('section = …')");
	if (r.blocks == 0)
		return fail(&r, NULL, "section %s has no version", r.section);
	return close_block(&r);
}

enum lmn_rc params_load_text(struct params *p, const char *name, const char *text, size_t len,
			     struct lmn_err *err)
{
	return load(p, name, text, len, false, err);
}

enum lmn_rc params_load_change(struct params *p, const char *name, const char *text, size_t len,
			       struct lmn_err *err)
{
	return load(p, name, text, len, true, err);
}

/* ---- rule sets ---- */

static int cmp_day(const void *a, const void *b)
{
	lmn_day x = *(const lmn_day *)a, y = *(const lmn_day *)b;
	return (x > y) - (x < y);
}

enum lmn_rc params_finish(struct params *p, struct lmn_err *err)
{
	lmn_day *dates;
	size_t ndates = 0, nset = 0;

	for (int i = 0; i < P__COUNT; i++)
		if (p->nversions[i] == 0)
			return lmn_err_set(
				err, LMN_EINVAL, defs[i].key, NULL,
				"parameter %s (section %s) has no version: no rule file defines "
				"section %s",
				defs[i].key, defs[i].section, defs[i].section);
	/* DOMAIN.md §9: the first version of a section has no known start, so the first set holds
	 * on every date before the first change; a set begins at each later version. */
	dates = malloc((p->nsources + 1) * sizeof(*dates));
	if (!dates)
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	dates[ndates++] = LMN_DAY_NONE;
	for (size_t i = 0; i < p->nsources; i++)
		if (!p->sources[i]->original)
			dates[ndates++] = p->sources[i]->effective;
	qsort(dates, ndates, sizeof(*dates), cmp_day);
	free(p->sets);
	p->sets = calloc(ndates, sizeof(*p->sets));
	if (!p->sets) {
		free(dates);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	for (size_t k = 0; k < ndates; k++) {
		struct rule_set *rs;
		if (k > 0 && dates[k] == dates[k - 1])
			continue;
		rs = &p->sets[nset++];
		rs->from = dates[k];
		for (int i = 0; i < P__COUNT; i++) {
			size_t j = 0;
			while (j + 1 < p->nversions[i] &&
			       p->versions[i][j + 1].src->effective <= rs->from)
				j++;
			rs->v[i] = p->versions[i][j].value;
			rs->src[i] = p->versions[i][j].src;
		}
		if (rs->v[P_DELIVERY_WINDOW_START].i >= rs->v[P_DELIVERY_WINDOW_END].i) {
			/* Name the version that closed the window: the later of the two. */
			const struct param_source *s = rs->src[P_DELIVERY_WINDOW_END];
			if (rs->src[P_DELIVERY_WINDOW_START]->effective > s->effective)
				s = rs->src[P_DELIVERY_WINDOW_START];
			free(dates);
			return lmn_err_set(
				err, LMN_EINVAL, "delivery_window_end", NULL,
				"%s:%d: delivery_window_start must be before delivery_window_end",
				s->file, s->line);
		}
	}
	for (size_t k = 0; k < nset; k++)
		p->sets[k].until = k + 1 < nset ? p->sets[k + 1].from : LMN_DAY_NONE;
	p->nsets = nset;
	p->finished = true;
	free(dates);
	return LMN_OK;
}

const struct rule_set *params_at(const struct params *p, lmn_day day)
{
	const struct rule_set *base = p->sets;
	size_t n = p->nsets;

	if (!p->finished || n == 0)
		return NULL;
	/* The last set from on or before day (the first's from is LMN_DAY_NONE, before every
	 * day), without a branch to mispredict: every order of a batch asks, with its own date. */
	while (n > 1) {
		size_t half = n / 2;
		base = base[half].from <= day ? base + half : base;
		n -= half;
	}
	return base;
}

lmn_day params_first_change(const struct params *p)
{
	return p->finished && p->nsets > 1 ? p->sets[1].from : LMN_DAY_NONE;
}

static void format_set(struct buf *out, uint32_t set, const char *const *names, int count)
{
	bool any = false;

	for (int i = 0; i < count; i++) {
		if (set & (1u << i)) {
			if (any)
				buf_adds(out, ", ");
			buf_adds(out, names[i]);
			any = true;
		}
	}
	if (!any)
		buf_adds(out, "none");
}

static void format_areas(struct buf *out, uint32_t set)
{
	bool any = false;

	for (int i = 0; i < AREA_MAX; i++) {
		if (set & (1u << i)) {
			if (any)
				buf_adds(out, ", ");
			buf_adds(out, area_name(i));
			any = true;
		}
	}
	if (!any)
		buf_adds(out, "none");
}

void param_format(enum param_id id, union param_value v, struct buf *out)
{
	const struct param_def *d = &defs[id];

	switch (d->type) {
	case PT_INT:
		buf_addf(out, "%lld", (long long)v.i);
		break;
	case PT_BOOL:
		buf_adds(out, v.b ? "true" : "false");
		break;
	case PT_TIME:
		buf_addf(out, "%02d:%02d", (int)(v.i / 3600), (int)(v.i / 60 % 60));
		break;
	case PT_PERCENT:
		if (v.i % 100)
			buf_addf(out, "%lld.%02lld", (long long)(v.i / 100),
				 (long long)(v.i % 100));
		else
			buf_addf(out, "%lld", (long long)(v.i / 100));
		break;
	case PT_FRACTION:
		buf_addf(out, "%lld.%03lld", (long long)(v.i / 1000), (long long)(v.i % 1000));
		break;
	case PT_ROLES:
		format_set(out, v.set, role_names, ROLE__COUNT);
		break;
	case PT_AREAS:
		format_areas(out, v.set);
		break;
	case PT_CHOICE:
		buf_adds(out, d->choices[v.i]);
		break;
	case PT_EVES:
		format_set(out, v.set, eve_names, EVE__COUNT);
		break;
	}
}
