/* Key-figure reports, invoice bases and repayments as JSON and CSV: see render.h. */
#include "report/render.h"

#include <stdio.h>
#include <string.h>

#include "codec/csv.h"

void render_share(int64_t hundredths, char dec, char out[32])
{
	if (hundredths < 0) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 32, "%lld%c%02lld", (long long)(hundredths / 100), dec,
		 (long long)(hundredths % 100));
}

size_t render_groups(const struct kf_report *r, const struct kf_group **out, size_t max)
{
	size_t n = 0;

	if (n < max)
		out[n++] = &r->total;
	for (int a = 0; a < r->nareas && n < max; a++)
		out[n++] = &r->areas[a];
	for (size_t i = 0; i < r->nproviders && n < max; i++)
		out[n++] = &r->providers[i];
	return n;
}

static const char *group_kind(const struct kf_group *g)
{
	return g->kind == KG_TOTAL ? "total" : g->kind == KG_AREA ? "area" : "care_provider";
}

static json_t *value_json(enum kf_id id, const struct kf_value *v)
{
	json_t *o = json_object();
	char s[32];

	if (kf_is_share(id)) {
		render_share(v->value, '.', s);
		json_object_set_new(o, "share", v->value < 0 ? json_null() : json_string(s));
		json_object_set_new(o, "numerator", json_integer(v->num));
		json_object_set_new(o, "denominator", json_integer(v->den));
	} else {
		json_object_set_new(o, "count", json_integer(v->num));
	}
	if (v->has_target) {
		render_share(v->target, '.', s);
		json_object_set_new(o, "target", json_string(s));
		json_object_set_new(o, "met", v->den > 0 ? json_boolean(v->met) : json_null());
		if (id == KF_PHONE)
			json_object_set_new(o, "within_minutes", json_integer(v->minutes));
		if (v->src)
			json_object_set_new(o, "rule", json_string(v->src->ref));
	}
	return o;
}

static json_t *group_json(const struct kf_report *r, const struct kf_group *g)
{
	json_t *o = json_pack("{s:s, s:s}", "kind", group_kind(g), "name", g->name);
	json_t *figures = json_object();

	if (g->kind == KG_AREA)
		json_object_set_new(o, "area", json_string(area_name(g->area)));
	if (g->kind == KG_PROVIDER)
		json_object_set_new(o, "care_provider_id", json_integer(g->provider_id));
	for (int id = 0; id < KF__COUNT; id++) {
		struct kf_eval e;
		json_t *f, *parts;

		/* Calls are not tied to an area or a care provider. */
		if (id == KF_PHONE && g->kind != KG_TOTAL)
			continue;
		kf_evaluate(r, g, (enum kf_id)id, &e);
		f = value_json((enum kf_id)id, &e.whole);
		json_object_set_new(f, "title", json_string(kf_title_sv((enum kf_id)id)));
		if (e.nparts > 1) {
			parts = json_array();
			for (size_t i = 0; i < e.nparts; i++) {
				char from[11], to[11];
				json_t *p = value_json((enum kf_id)id, &e.parts[i]);
				date_format(r->parts[i].from, from);
				date_format(r->parts[i].until - 1, to);
				json_object_set_new(p, "from", json_string(from));
				json_object_set_new(p, "to", json_string(to));
				json_array_append_new(parts, p);
			}
			json_object_set_new(f, "parts", parts);
		}
		json_object_set_new(figures, kf_key((enum kf_id)id), f);
	}
	json_object_set_new(o, "figures", figures);
	return o;
}

static json_t *period_json(const struct report_period *p)
{
	char from[11], to[11];

	date_format(p->from, from);
	date_format(p->until - 1, to);
	return json_pack("{s:s, s:i, s:i, s:s, s:s}", "label", p->label, "year", p->year, "tertial",
			 p->tertial, "from", from, "to", to);
}

json_t *render_keyfigures_json(const struct kf_report *r, struct kf_report *const *trend,
			       size_t ntrend, lmn_day asof)
{
	const struct kf_group *groups[2 + AREA_MAX + REPORT_MAX_PROVIDERS];
	size_t ng = render_groups(r, groups, sizeof(groups) / sizeof(groups[0]));
	json_t *o = json_object(), *parts = json_array(), *gs = json_array(), *tr = json_array();
	char day[11];

	date_format(asof, day);
	json_object_set_new(o, "period", period_json(&r->period));
	json_object_set_new(o, "as_of", json_string(day));
	for (size_t i = 0; i < r->nparts; i++) {
		const struct rule_set *rs = r->parts[i].rs;
		char from[11], to[11], pt[32], rt[32];

		date_format(r->parts[i].from, from);
		date_format(r->parts[i].until - 1, to);
		render_share(rs->v[P_PHONE_ANSWER_TARGET].i, '.', pt);
		render_share(rs->v[P_DELIVERY_RELIABILITY_TARGET].i, '.', rt);
		json_array_append_new(parts, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "from",
						       from, "to", to, "phone_answer_minutes",
						       (json_int_t)rs->v[P_PHONE_ANSWER_MINUTES].i,
						       "phone_answer_target", pt,
						       "delivery_reliability_target", rt, "rule",
						       rs->src[P_PHONE_ANSWER_TARGET]->ref));
	}
	json_object_set_new(o, "parts", parts);
	for (size_t i = 0; i < ng; i++)
		json_array_append_new(gs, group_json(r, groups[i]));
	json_object_set_new(o, "groups", gs);
	for (size_t t = 0; t < ntrend; t++) {
		json_t *p = period_json(&trend[t]->period), *f = json_object();
		for (int id = 0; id < KF__COUNT; id++) {
			struct kf_eval e;
			kf_evaluate(trend[t], &trend[t]->total, (enum kf_id)id, &e);
			json_object_set_new(f, kf_key((enum kf_id)id),
					    value_json((enum kf_id)id, &e.whole));
		}
		json_object_set_new(p, "figures", f);
		json_array_append_new(tr, p);
	}
	json_object_set_new(o, "trend", tr);
	return o;
}

static void csv_value(struct buf *out, const char *section, const char *kind, const char *name,
		      enum kf_id id, const char *from, const char *to, const struct kf_value *v)
{
	char s[32], t[32];

	csv_add_field(out, section, ';');
	buf_addc(out, ';');
	csv_add_field(out, kind, ';');
	buf_addc(out, ';');
	csv_add_field(out, name, ';');
	buf_addf(out, ";%s;%s;%s;", kf_key(id), from, to);
	if (kf_is_share(id)) {
		render_share(v->value, ',', s);
		buf_addf(out, "%s;%lld;%lld;", s, (long long)v->num, (long long)v->den);
	} else {
		buf_addf(out, "%lld;;;", (long long)v->num);
	}
	if (v->has_target) {
		render_share(v->target, ',', t);
		buf_addf(out, "%s;", t);
		if (id == KF_PHONE)
			buf_addf(out, "%lld", (long long)v->minutes);
		buf_addf(out, ";%s;%s\r\n", v->den > 0 ? (v->met ? "ja" : "nej") : "",
			 v->src ? v->src->ref : "");
	} else {
		buf_adds(out, ";;;\r\n");
	}
}

void render_keyfigures_csv(const struct kf_report *r, struct kf_report *const *trend, size_t ntrend,
			   struct buf *out)
{
	const struct kf_group *groups[2 + AREA_MAX + REPORT_MAX_PROVIDERS];
	size_t ng = render_groups(r, groups, sizeof(groups) / sizeof(groups[0]));
	char pfrom[11], pto[11];

	date_format(r->period.from, pfrom);
	date_format(r->period.until - 1, pto);
	buf_adds(out, "section;group_kind;group;figure;from;to;value;numerator;denominator;target;"
		      "within_minutes;met;rule\r\n");
	for (size_t g = 0; g < ng; g++)
		for (int id = 0; id < KF__COUNT; id++) {
			struct kf_eval e;

			if (id == KF_PHONE && groups[g]->kind != KG_TOTAL)
				continue;
			kf_evaluate(r, groups[g], (enum kf_id)id, &e);
			csv_value(out, r->period.label, group_kind(groups[g]), groups[g]->name,
				  (enum kf_id)id, pfrom, pto, &e.whole);
			for (size_t i = 0; e.nparts > 1 && i < e.nparts; i++) {
				char from[11], to[11];
				date_format(r->parts[i].from, from);
				date_format(r->parts[i].until - 1, to);
				csv_value(out, r->period.label, group_kind(groups[g]),
					  groups[g]->name, (enum kf_id)id, from, to, &e.parts[i]);
			}
		}
	for (size_t t = 0; t < ntrend; t++) {
		char from[11], to[11], section[32];

		date_format(trend[t]->period.from, from);
		date_format(trend[t]->period.until - 1, to);
		snprintf(section, sizeof(section), "trend %s", trend[t]->period.label);
		for (int id = 0; id < KF__COUNT; id++) {
			struct kf_eval e;
			kf_evaluate(trend[t], &trend[t]->total, (enum kf_id)id, &e);
			csv_value(out, section, "total", trend[t]->total.name, (enum kf_id)id, from,
				  to, &e.whole);
		}
	}
}

/* ---- Invoice basis and repayment ---- */

static json_t *money_json(int64_t ore)
{
	return json_integer(ore);
}

json_t *render_invoice_json(const char *month, const struct invoice_line *l, size_t n)
{
	json_t *lines = json_array();
	int64_t total = 0;
	bool example = false, missing = false;

	for (size_t i = 0; i < n; i++) {
		json_t *fees = json_object();
		for (int k = 0; k < FEE__COUNT; k++)
			json_object_set_new(fees, fee_kind_name((enum fee_kind)k),
					    json_pack("{s:I, s:o}", "count",
						      (json_int_t)l[i].count[k], "amount_ore",
						      money_json(l[i].fee_ore[k])));
		json_array_append_new(lines,
				      json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:b}",
						"care_provider_id", (json_int_t)l[i].provider_id,
						"care_provider", l[i].provider, "cost_centre",
						l[i].cost_centre, "cost_centre_name",
						l[i].cost_centre_name, "product_ore",
						money_json(l[i].product_ore), "fees", fees,
						"total_ore", money_json(l[i].total_ore),
						"example_amounts", l[i].example));
		total += l[i].total_ore;
		example = example || l[i].example;
		missing = missing || l[i].missing_fee;
	}
	return json_pack("{s:s, s:o, s:o, s:b, s:b}", "month", month, "lines", lines, "total_ore",
			 money_json(total), "example_amounts", example, "fee_missing", missing);
}

void render_invoice_csv(const struct invoice_line *l, size_t n, struct buf *out)
{
	struct invoice_line sum;
	char m[32];

	memset(&sum, 0, sizeof(sum));
	buf_adds(out, "care_provider_id;care_provider;cost_centre;product_sek");
	for (int k = 0; k < FEE__COUNT; k++)
		buf_addf(out, ";%s_count;%s_sek", fee_kind_name((enum fee_kind)k),
			 fee_kind_name((enum fee_kind)k));
	buf_adds(out, ";total_sek;example_amounts\r\n");
	for (size_t i = 0; i <= n; i++) {
		const struct invoice_line *x = i < n ? &l[i] : &sum;

		if (i < n) {
			buf_addf(out, "%lld;", (long long)x->provider_id);
			csv_add_field(out, x->provider, ';');
			buf_addc(out, ';');
			csv_add_field(out, x->cost_centre, ';');
		} else {
			buf_adds(out, ";Summa;");
		}
		money_format(x->product_ore, ',', m);
		buf_addf(out, ";%s", m);
		sum.product_ore += i < n ? x->product_ore : 0;
		for (int k = 0; k < FEE__COUNT; k++) {
			money_format(x->fee_ore[k], ',', m);
			buf_addf(out, ";%lld;%s", (long long)x->count[k], m);
			if (i < n) {
				sum.count[k] += x->count[k];
				sum.fee_ore[k] += x->fee_ore[k];
			}
		}
		money_format(x->total_ore, ',', m);
		buf_addf(out, ";%s;%s\r\n", m, x->example ? "exempelbelopp" : "");
		if (i < n) {
			sum.total_ore += x->total_ore;
			sum.example = sum.example || x->example;
		}
	}
}

json_t *render_repayment_json(int year, int64_t surplus_ore, const struct repayment *r, size_t n)
{
	json_t *list = json_array();
	int64_t charged = 0, repaid = 0;

	for (size_t i = 0; i < n; i++) {
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:I}", "care_provider_id",
						      (json_int_t)r[i].provider_id, "care_provider",
						      r[i].provider, "charged_ore",
						      (json_int_t)r[i].charged_ore, "repaid_ore",
						      (json_int_t)r[i].repaid_ore));
		charged += r[i].charged_ore;
		repaid += r[i].repaid_ore;
	}
	return json_pack("{s:i, s:I, s:I, s:I, s:o}", "year", year, "surplus_ore",
			 (json_int_t)surplus_ore, "charged_ore", (json_int_t)charged, "repaid_ore",
			 (json_int_t)repaid, "care_providers", list);
}

void render_repayment_csv(const struct repayment *r, size_t n, struct buf *out)
{
	char c[32], p[32];

	buf_adds(out, "care_provider_id;care_provider;charged_sek;repaid_sek\r\n");
	for (size_t i = 0; i < n; i++) {
		buf_addf(out, "%lld;", (long long)r[i].provider_id);
		csv_add_field(out, r[i].provider, ';');
		money_format(r[i].charged_ore, ',', c);
		money_format(r[i].repaid_ore, ',', p);
		buf_addf(out, ";%s;%s\r\n", c, p);
	}
}
