/* Key figures of quality follow-up: periods, splitting at target changes, shares, evaluation. */
#include "report/keyfigures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const enum param_id kf_target_params[3] = { P_PHONE_ANSWER_MINUTES, P_PHONE_ANSWER_TARGET,
					    P_DELIVERY_RELIABILITY_TARGET };

enum lmn_rc report_period_make(int year, int tertial, struct report_period *out,
			       struct lmn_err *err)
{
	if (year < 1900 || year > 2199)
		return lmn_err_set(err, LMN_EINVAL, "year", NULL,
				   "Året ska vara mellan 1900 och 2199, inte %d.", year);
	if (tertial < 0 || tertial > 3)
		return lmn_err_set(err, LMN_EINVAL, "tertial", NULL,
				   "Tertialen ska vara 1, 2 eller 3 (0: hela året), inte %d.",
				   tertial);
	memset(out, 0, sizeof(*out));
	out->year = year;
	out->tertial = tertial;
	if (tertial == 0) {
		out->from = date_from_ymd(year, 1, 1);
		out->until = date_from_ymd(year + 1, 1, 1);
		snprintf(out->label, sizeof(out->label), "%d", year);
	} else {
		out->from = date_from_ymd(year, 4 * (tertial - 1) + 1, 1);
		out->until = tertial == 3 ? date_from_ymd(year + 1, 1, 1)
					  : date_from_ymd(year, 4 * tertial + 1, 1);
		snprintf(out->label, sizeof(out->label), "%d T%d", year, tertial);
	}
	return LMN_OK;
}

void report_period_prev(int *year, int *tertial)
{
	if (*tertial <= 1) {
		*tertial = 3;
		(*year)--;
	} else {
		(*tertial)--;
	}
}

static bool same_values(const struct rule_set *a, const struct rule_set *b,
			const enum param_id *ids, size_t nids)
{
	for (size_t i = 0; i < nids; i++)
		if (a->v[ids[i]].i != b->v[ids[i]].i)
			return false;
	return true;
}

enum lmn_rc period_split(const struct params *p, lmn_day from, lmn_day until,
			 const enum param_id *ids, size_t nids, struct period_part *out, size_t max,
			 size_t *n, struct lmn_err *err)
{
	lmn_day day = from;

	*n = 0;
	while (day < until) {
		const struct rule_set *rs = params_at(p, day);
		lmn_day end;
		char d[11];

		if (!rs) {
			date_format(day, d);
			return lmn_err_set(
				err, LMN_EINVAL, "period", NULL,
				"Inga regler gäller %s, så målen för perioden är okända.", d);
		}
		end = rs->until == LMN_DAY_NONE || rs->until > until ? until : rs->until;
		if (*n > 0 && same_values(out[*n - 1].rs, rs, ids, nids)) {
			out[*n - 1].until = end;
		} else {
			if (*n == max)
				return lmn_err_set(err, LMN_EINVAL, "period", NULL,
						   "Perioden delas av fler än %zu regeländringar.",
						   max);
			out[(*n)++] = (struct period_part){ .from = day, .until = end, .rs = rs };
		}
		day = end;
	}
	return LMN_OK;
}

int64_t share_hundredths(int64_t num, int64_t den)
{
	if (den <= 0)
		return -1;
	return (num * 20000 + den) / (2 * den);
}

bool share_meets(int64_t num, int64_t den, int64_t target_hundredths)
{
	return den > 0 && num * 10000 >= target_hundredths * den;
}

void kf_counts_add(struct kf_counts *to, const struct kf_counts *from)
{
	to->orders += from->orders;
	to->orders_1177 += from->orders_1177;
	to->own_pages_orders += from->own_pages_orders;
	to->settled += from->settled;
	to->on_time += from->on_time;
	to->exempt += from->exempt;
	to->contact_cases += from->contact_cases;
	to->past_contact += from->past_contact;
	to->partial_orders += from->partial_orders;
	to->delivered_lines += from->delivered_lines;
	to->returns += from->returns;
	to->calls += from->calls;
	to->answered_in_time += from->answered_in_time;
	to->abandoned += from->abandoned;
}

void kf_count_order(struct kf_counts *c, const struct kf_order *o, lmn_day asof)
{
	bool delivered = o->first_delivered != LMN_DAY_NONE;

	c->orders++;
	if (o->contact_from == LMN_DAY_NONE) {
		c->exempt++; /* Spec B 3:1 as of 2023-06-21: special products are left out */
		return;
	}
	c->settled += delivered || o->due < asof;
	c->on_time += delivered && o->first_delivered <= o->due;
	c->past_contact +=
		delivered ? o->first_delivered >= o->contact_from : o->contact_from <= asof;
}

static const struct {
	const char *key, *title;
	bool share;
} figures[KF__COUNT] = {
	[KF_PHONE] = { "phone_accessibility", "Telefontillgänglighet", true },
	[KF_RELIABILITY] = { "delivery_reliability", "Leveranssäkerhet", true },
	[KF_DELIVERED_LINES] = { "delivered_order_lines", "Levererade orderrader", false },
	/* DOMAIN.md §6: the digital share counts the national patient portal 1177; lmn's own
	 * patient pages (channel digital) are a channel of their own beside it. */
	[KF_SHARE_1177] = { "share_1177", "Andel beställningar via 1177", true },
	[KF_OWN_PAGES_SHARE] = { "own_pages_share", "Andel via lmn:s egna patientsidor", true },
	[KF_CONTACT_CASES] = { "contact_cases", "Kontaktärenden (försening)", false },
	[KF_PAST_CONTACT] = { "past_contact_date", "Beställningar försenade mer än 5 arbetsdagar",
			      false },
	[KF_PARTIAL] = { "partial_deliveries", "Delleveranser (restnotering)", false },
	[KF_RETURNS] = { "returns", "Returer och ej uthämtade", false },
};

const char *kf_key(enum kf_id id)
{
	return figures[id].key;
}

const char *kf_title_sv(enum kf_id id)
{
	return figures[id].title;
}

bool kf_is_share(enum kf_id id)
{
	return figures[id].share;
}

enum lmn_rc kf_report_init(struct kf_report *r, const struct params *p,
			   const struct report_period *period, struct lmn_err *err)
{
	memset(r, 0, sizeof(*r));
	r->period = *period;
	r->total.kind = KG_TOTAL;
	snprintf(r->total.name, sizeof(r->total.name), "Totalt");
	/* A group for every area there is (issue 18: the list is data), with or without orders. */
	r->nareas = area_count();
	for (int a = 0; a < r->nareas; a++) {
		r->areas[a].kind = KG_AREA;
		r->areas[a].area = a;
		snprintf(r->areas[a].name, sizeof(r->areas[a].name), "%s", area_title(a));
	}
	return period_split(p, period->from, period->until, kf_target_params,
			    sizeof(kf_target_params) / sizeof(kf_target_params[0]), r->parts,
			    REPORT_MAX_PARTS, &r->nparts, err);
}

int kf_report_part(const struct kf_report *r, lmn_day day)
{
	for (size_t i = 0; i < r->nparts; i++)
		if (day >= r->parts[i].from && day < r->parts[i].until)
			return (int)i;
	return -1;
}

static struct kf_group *provider_group(struct kf_report *r, int64_t id, bool create)
{
	for (size_t i = 0; i < r->nproviders; i++)
		if (r->providers[i].provider_id == id)
			return &r->providers[i];
	if (!create || r->nproviders == REPORT_MAX_PROVIDERS)
		return NULL;
	struct kf_group *g = &r->providers[r->nproviders++];
	g->kind = KG_PROVIDER;
	g->provider_id = id;
	snprintf(g->name, sizeof(g->name), "Vårdgivare %lld", (long long)id);
	return g;
}

enum lmn_rc kf_report_add(struct kf_report *r, lmn_day day, int64_t provider_id, int area,
			  const struct kf_counts *c, struct lmn_err *err)
{
	int part = kf_report_part(r, day);

	if (part < 0)
		return LMN_OK;
	kf_counts_add(&r->total.parts[part], c);
	if (area >= 0 && area < r->nareas)
		kf_counts_add(&r->areas[area].parts[part], c);
	if (provider_id > 0) {
		struct kf_group *g = provider_group(r, provider_id, true);
		if (!g)
			return lmn_err_set(err, LMN_ERANGE, "provider", NULL,
					   "Rapporten rymmer högst %d vårdgivare.",
					   REPORT_MAX_PROVIDERS);
		kf_counts_add(&g->parts[part], c);
	}
	return LMN_OK;
}

void kf_report_add_calls(struct kf_report *r, lmn_day day, int64_t wait_minutes, int64_t count)
{
	int part = kf_report_part(r, day);
	struct kf_counts *c;

	if (part < 0)
		return;
	c = &r->total.parts[part];
	c->calls += count;
	if (wait_minutes < 0)
		c->abandoned += count;
	else if (wait_minutes <= r->parts[part].rs->v[P_PHONE_ANSWER_MINUTES].i)
		c->answered_in_time += count;
}

void kf_report_name_provider(struct kf_report *r, int64_t provider_id, const char *name)
{
	struct kf_group *g = provider_group(r, provider_id, false);

	if (g)
		snprintf(g->name, sizeof(g->name), "%s", name);
}

static int provider_cmp(const void *a, const void *b)
{
	const struct kf_group *x = a, *y = b;

	return (x->provider_id > y->provider_id) - (x->provider_id < y->provider_id);
}

void kf_report_sort_providers(struct kf_report *r)
{
	if (r->nproviders > 1)
		qsort(r->providers, r->nproviders, sizeof(r->providers[0]), provider_cmp);
}

/* The value of a figure from the counts of one part, with the part's target (if any). */
static void value_of(const struct kf_counts *c, enum kf_id id, const struct rule_set *rs,
		     struct kf_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (id) {
	case KF_PHONE:
		v->num = c->answered_in_time;
		v->den = c->calls;
		break;
	case KF_RELIABILITY:
		v->num = c->on_time;
		v->den = c->settled;
		break;
	case KF_SHARE_1177:
		v->num = c->orders_1177;
		v->den = c->orders;
		break;
	case KF_OWN_PAGES_SHARE:
		v->num = c->own_pages_orders;
		v->den = c->orders;
		break;
	case KF_DELIVERED_LINES:
		v->num = c->delivered_lines;
		break;
	case KF_CONTACT_CASES:
		v->num = c->contact_cases;
		break;
	case KF_PAST_CONTACT:
		v->num = c->past_contact;
		break;
	case KF_PARTIAL:
		v->num = c->partial_orders;
		break;
	case KF_RETURNS:
		v->num = c->returns;
		break;
	case KF__COUNT:
		break;
	}
	v->value = kf_is_share(id) ? share_hundredths(v->num, v->den) : v->num;
	if (!rs)
		return;
	if (id == KF_PHONE) {
		/* Spec B 6.1: share answered within N minutes, N and target as in force */
		v->has_target = true;
		v->target = rs->v[P_PHONE_ANSWER_TARGET].i;
		v->minutes = rs->v[P_PHONE_ANSWER_MINUTES].i;
		v->src = rs->src[P_PHONE_ANSWER_TARGET];
	} else if (id == KF_RELIABILITY) {
		v->has_target = true;
		v->target = rs->v[P_DELIVERY_RELIABILITY_TARGET].i;
		v->src = rs->src[P_DELIVERY_RELIABILITY_TARGET];
	}
	v->met = v->has_target && share_meets(v->num, v->den, v->target);
}

void kf_evaluate(const struct kf_report *r, const struct kf_group *g, enum kf_id id,
		 struct kf_eval *out)
{
	struct kf_counts sum = { 0 };
	bool one_target = true;

	memset(out, 0, sizeof(*out));
	out->nparts = r->nparts;
	for (size_t i = 0; i < r->nparts; i++) {
		value_of(&g->parts[i], id, r->parts[i].rs, &out->parts[i]);
		kf_counts_add(&sum, &g->parts[i]);
		if (i > 0 && (out->parts[i].target != out->parts[0].target ||
			      out->parts[i].minutes != out->parts[0].minutes))
			one_target = false;
	}
	value_of(&sum, id, one_target && r->nparts ? r->parts[0].rs : NULL, &out->whole);
}
