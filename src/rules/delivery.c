/* Delivery rules: due date, delay contact and refusals, as in force on the day of receipt. */
#include "rules/delivery.h"

#include <string.h>

#include "rules/calendar.h"

static const char *const kind_names[KIND__COUNT] = { "normal", "acute", "express" };

static const char *const role_names_sv[ROLE__COUNT] = {
	[ROLE_PATIENT] = "patient",
	[ROLE_PRESCRIBER] = "förskrivare",
	[ROLE_MUNICIPAL_PRESCRIBER] = "kommunal förskrivare",
	[ROLE_MUNICIPAL_ORDERER] = "kommunal beställare",
	[ROLE_CUSTOMER_SERVICE] = "kundtjänst",
};

static const char *const code_names[] = {
	[DELIVERY_OK] = "ok",
	[DELIVERY_INVALID_INPUT] = "invalid_input",
	[DELIVERY_ENTRY_NOT_ALLOWED] = "entry_not_allowed",
	[DELIVERY_KIND_NOT_OFFERED] = "kind_not_offered",
	[DELIVERY_REQUESTER_NOT_ALLOWED] = "requester_not_allowed",
	[DELIVERY_ARTICLE_NOT_ELIGIBLE] = "article_not_eligible",
	[DELIVERY_AFTER_CUTOFF] = "after_cutoff",
};

const char *kind_name(enum order_kind k)
{
	return (unsigned)k < KIND__COUNT ? kind_names[k] : "?";
}

int kind_parse(const char *s, size_t n)
{
	for (int i = 0; i < KIND__COUNT; i++)
		if (strlen(kind_names[i]) == n && memcmp(kind_names[i], s, n) == 0)
			return i;
	return -1;
}

const char *role_name_sv(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names_sv[r] : "?";
}

const char *delivery_code_name(enum delivery_code c)
{
	return (unsigned)c <= DELIVERY_AFTER_CUTOFF ? code_names[c] : "?";
}

void order_facts_init(struct order_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = KIND_NORMAL;
	f->requested_by = ROLE_PATIENT;
	f->entered_by = ROLE_PATIENT;
	f->area = AREA_UNKNOWN;
	f->stocked = true;
	f->municipal_housing = true;
}

static void use(struct delivery_decision *d, enum param_id id)
{
	const struct param_source *s = d->rs->src[id];

	for (int i = 0; i < d->nrules; i++)
		if (d->rules[i] == s)
			return;
	if (d->nrules < DELIVERY_MAX_RULES)
		d->rules[d->nrules++] = s;
}

static enum lmn_rc refuse(struct delivery_decision *d, enum delivery_code code, enum param_id by)
{
	d->code = code;
	d->refused_by = by;
	return LMN_EREFUSED;
}

static bool has(uint32_t set, int bit)
{
	return bit >= 0 && (set & (1u << bit));
}

static bool article_ok(int64_t rule, const struct order_facts *f)
{
	return rule == ARTICLES_ACUTE_ASSORTMENT ? f->acute_assortment : f->stocked;
}

static enum lmn_rc out_of_range(struct lmn_err *err)
{
	return lmn_err_set(err, LMN_EINVAL, "received", NULL,
			   "Datumet ligger utanför kalenderns intervall (%d–%d).",
			   CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
}

bool delivery_kind_open(const struct rule_set *rs, enum order_kind k, uint32_t requesters)
{
	if (!rs)
		return true;
	switch (k) {
	case KIND_NORMAL:
		return true;
	case KIND_ACUTE:
		return (rs->v[P_ACUTE_REQUESTERS].set & requesters) != 0;
	case KIND_EXPRESS:
		return rs->v[P_EXPRESS_OFFERED].b && (rs->v[P_EXPRESS_REQUESTERS].set & requesters);
	default:
		return false;
	}
}

enum lmn_rc delivery_decide(const struct params *p, const struct order_facts *f,
			    struct delivery_decision *d, struct lmn_err *err)
{
	const struct rule_set *rs = params_at(p, f->received_day);
	const union param_value *v;
	bool working, late;
	lmn_day day = f->received_day;
	unsigned eves;

	memset(d, 0, sizeof(*d));
	d->facts = f;
	d->contact_from = LMN_DAY_NONE;
	d->due = LMN_DAY_NONE;
	if (!rs) {
		d->code = DELIVERY_INVALID_INPUT;
		return lmn_err_set(err, LMN_EINVAL, "received", NULL, "Reglerna är inte inlästa.");
	}
	d->rs = rs;
	v = rs->v;
	/* DOMAIN.md §4 (interpretation): the non-working eves as in force on the day of receipt. */
	eves = v[P_NON_WORKING_EVES].set;
	if (calendar_is_working_day_eves(day, eves, &working) != LMN_OK) {
		d->code = DELIVERY_INVALID_INPUT;
		return out_of_range(err);
	}
	late = !working || f->received_sec >= v[P_ORDER_CUTOFF].i;

	/* Ordering rights (decision 2024-10-24 item 3d): who may enter a withdrawal at all. */
	if (!has(v[P_WITHDRAWAL_ENTRY_ROLES].set, (int)f->entered_by))
		return use(d, P_WITHDRAWAL_ENTRY_ROLES),
		       refuse(d, DELIVERY_ENTRY_NOT_ALLOWED, P_WITHDRAWAL_ENTRY_ROLES);
	/* DOMAIN.md §5 (interpretation): municipal staff enter withdrawals only for people in
	 * municipal housing, where the rule in force on the day of receipt says so. */
	if ((f->entered_by == ROLE_MUNICIPAL_PRESCRIBER ||
	     f->entered_by == ROLE_MUNICIPAL_ORDERER) &&
	    v[P_MUNICIPAL_ENTRY_HOUSING_ONLY].b && !f->municipal_housing)
		return use(d, P_MUNICIPAL_ENTRY_HOUSING_ONLY),
		       refuse(d, DELIVERY_ENTRY_NOT_ALLOWED, P_MUNICIPAL_ENTRY_HOUSING_ONLY);

	switch (f->kind) {
	case KIND_NORMAL:
		/* Spec B 3:1: the 4th working day after receipt; the order day is day 0. */
		use(d, P_LEAD_TIME_WORKING_DAYS);
		if (calendar_add_working_days_eves(day, (int)v[P_LEAD_TIME_WORKING_DAYS].i, eves,
						   &d->due) != LMN_OK)
			return d->code = DELIVERY_INVALID_INPUT, out_of_range(err);
		break;
	case KIND_ACUTE:
		/* Spec B 3:3: the working day after receipt; prescriber-only and the acute
		 * assortment from 2020-01-30. */
		use(d, P_ACUTE_LEAD_WORKING_DAYS);
		if (!has(v[P_ACUTE_REQUESTERS].set, (int)f->requested_by))
			return use(d, P_ACUTE_REQUESTERS),
			       refuse(d, DELIVERY_REQUESTER_NOT_ALLOWED, P_ACUTE_REQUESTERS);
		use(d, P_ACUTE_REQUESTERS);
		if (!article_ok(v[P_ACUTE_ARTICLES].i, f))
			return use(d, P_ACUTE_ARTICLES),
			       refuse(d, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_ACUTE_ARTICLES);
		use(d, P_ACUTE_ARTICLES);
		use(d, P_ORDER_CUTOFF);
		if (late) {
			use(d, P_ACUTE_AFTER_CUTOFF);
			if (v[P_ACUTE_AFTER_CUTOFF].i == LATE_REFUSE)
				return use(d, P_ORDER_CUTOFF),
				       refuse(d, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF);
			/* Interpretation: counts as received at the start of the next working day. */
			if (calendar_add_working_days_eves(day, 1, eves, &day) != LMN_OK)
				return d->code = DELIVERY_INVALID_INPUT, out_of_range(err);
		}
		if (calendar_add_working_days_eves(day, (int)v[P_ACUTE_LEAD_WORKING_DAYS].i, eves,
						   &d->due) != LMN_OK)
			return d->code = DELIVERY_INVALID_INPUT, out_of_range(err);
		break;
	case KIND_EXPRESS:
		/* Spec B 3:3 until 2020-01-29: same day, nutrition, stocked, prescriber only. */
		if (!v[P_EXPRESS_OFFERED].b)
			return use(d, P_EXPRESS_OFFERED),
			       refuse(d, DELIVERY_KIND_NOT_OFFERED, P_EXPRESS_OFFERED);
		use(d, P_EXPRESS_OFFERED);
		if (!has(v[P_EXPRESS_REQUESTERS].set, (int)f->requested_by))
			return use(d, P_EXPRESS_REQUESTERS),
			       refuse(d, DELIVERY_REQUESTER_NOT_ALLOWED, P_EXPRESS_REQUESTERS);
		if (!has(v[P_EXPRESS_AREAS].set, f->area))
			return use(d, P_EXPRESS_AREAS),
			       refuse(d, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_AREAS);
		if (!article_ok(v[P_EXPRESS_ARTICLES].i, f))
			return use(d, P_EXPRESS_ARTICLES),
			       refuse(d, DELIVERY_ARTICLE_NOT_ELIGIBLE, P_EXPRESS_ARTICLES);
		if (late)
			return use(d, P_ORDER_CUTOFF),
			       refuse(d, DELIVERY_AFTER_CUTOFF, P_ORDER_CUTOFF);
		use(d, P_EXPRESS_REQUESTERS);
		use(d, P_EXPRESS_AREAS);
		use(d, P_EXPRESS_ARTICLES);
		use(d, P_ORDER_CUTOFF);
		d->due = day;
		break;
	default:
		d->code = DELIVERY_INVALID_INPUT;
		return lmn_err_set(err, LMN_EINVAL, "kind", NULL, "Okänd ordertyp.");
	}

	/* Spec B 3:6: not delivered in full by the end of day N after receipt → contact on the next
	 * working day; special non-stocked products exempt from 2023-06-21. */
	if (f->special)
		use(d, P_DELAY_CONTACT_EXEMPT_SPECIAL);
	if (!(f->special && v[P_DELAY_CONTACT_EXEMPT_SPECIAL].b)) {
		int n = (int)v[P_DELAY_CONTACT_AFTER_DAYS].i;
		enum lmn_rc rc;
		use(d, P_DELAY_CONTACT_AFTER_DAYS);
		if (v[P_DELAY_CONTACT_DAY_KIND].i == DAYS_CALENDAR) {
			use(d, P_DELAY_CONTACT_DAY_KIND);
			rc = calendar_add_working_days_eves(f->received_day + n, 1, eves,
							    &d->contact_from);
		} else {
			rc = calendar_add_working_days_eves(f->received_day, n + 1, eves,
							    &d->contact_from);
		}
		if (rc != LMN_OK)
			return d->code = DELIVERY_INVALID_INPUT, out_of_range(err);
	}
	use(d, P_WITHDRAWAL_ENTRY_ROLES);
	d->code = DELIVERY_OK;
	return LMN_OK;
}

static void add_set_sv(struct buf *out, uint32_t set, const char *const *names, int count)
{
	int total = 0, seen = 0;

	for (int i = 0; i < count; i++)
		total += (set >> i) & 1;
	if (total == 0) {
		buf_adds(out, "ingen");
		return;
	}
	for (int i = 0; i < count; i++) {
		if (!(set & (1u << i)))
			continue;
		if (seen)
			buf_adds(out, seen == total - 1 ? " eller " : ", ");
		buf_adds(out, names[i]);
		seen++;
	}
}

/* The product areas of a set by their Swedish names, in lower case as in running text ("nutrition
 * eller inkontinens"); an area without a known name by its code. */
static void add_areas_sv(struct buf *out, uint32_t set)
{
	int total = __builtin_popcount(set), seen = 0;

	if (total == 0) {
		buf_adds(out, "ingen");
		return;
	}
	for (int i = 0; i < AREA_MAX; i++) {
		if (!(set & (1u << i)))
			continue;
		if (seen)
			buf_adds(out, seen == total - 1 ? " eller " : ", ");
		const char *nm = area_title(i);
		if (nm[0] >= 'A' && nm[0] <= 'Z') {
			buf_addc(out, (char)(nm[0] - 'A' + 'a'));
			nm++;
		}
		buf_adds(out, nm);
		seen++;
	}
}

/* text, then " (gäller från <since>).": when the refusing version took effect, or " (gäller sedan
 * före ändringsloggen)." for an original version, whose start is unknown (since empty). The
 * messages are built from fixed pieces without printf: a batch may refuse hundreds of thousands of
 * orders. */
static void add_since(struct buf *out, const char *text, const char since[11])
{
	buf_adds(out, text);
	if (!since[0]) {
		buf_adds(out, " (gäller sedan före ändringsloggen).");
		return;
	}
	buf_adds(out, " (gäller från ");
	buf_add(out, since, 10);
	buf_adds(out, ").");
}

void delivery_message(const struct delivery_decision *d, struct buf *out)
{
	const union param_value *v = d->rs ? d->rs->v : NULL;
	const struct order_facts *f = d->facts;
	char since[11] = "";
	int64_t cutoff;

	if (!v || !f) {
		buf_adds(out, "Ordern kunde inte prövas.");
		return;
	}
	if (!d->rs->src[d->refused_by]->original)
		date_format(d->rs->src[d->refused_by]->effective, since);
	cutoff = v[P_ORDER_CUTOFF].i;
	switch (d->code) {
	case DELIVERY_ENTRY_NOT_ALLOWED:
		if (d->refused_by == P_MUNICIPAL_ENTRY_HOUSING_ONLY) {
			buf_adds(out,
				 "Kommunens personal kan bara beställa åt personer i kommunalt "
				 "boende.");
			break;
		}
		buf_adds(out, "Rollen ");
		buf_adds(out, role_name_sv(f->entered_by));
		add_since(out, " får inte registrera uttag", since);
		buf_adds(out, " ");
		if (f->entered_by == ROLE_PRESCRIBER)
			buf_adds(out,
				 "Förskrivaren kan kontakta kundtjänst, som registrerar uttaget. ");
		buf_adds(out, "Uttag registreras av: ");
		add_set_sv(out, v[P_WITHDRAWAL_ENTRY_ROLES].set, role_names_sv, ROLE__COUNT);
		buf_adds(out, ".");
		break;
	case DELIVERY_KIND_NOT_OFFERED:
		add_since(out, "Expressleverans erbjuds inte", since);
		buf_adds(out, " Välj akut leverans, som levereras nästa arbetsdag.");
		break;
	case DELIVERY_REQUESTER_NOT_ALLOWED:
		buf_adds(out, f->kind == KIND_EXPRESS ? "Expressleverans" : "Akut leverans");
		buf_adds(out, " kan enbart begäras av ");
		add_set_sv(out, v[d->refused_by].set, role_names_sv, ROLE__COUNT);
		buf_adds(out, ", inte av ");
		add_since(out, role_name_sv(f->requested_by), since);
		break;
	case DELIVERY_ARTICLE_NOT_ELIGIBLE:
		if (d->refused_by == P_EXPRESS_AREAS) {
			buf_adds(out, "Expressleverans gäller enbart produktområdet ");
			add_areas_sv(out, v[P_EXPRESS_AREAS].set);
			buf_adds(out, f->area == AREA_UNKNOWN
					      ? "; ordern anger inget produktområde."
					      : ".");
		} else if (v[d->refused_by].i == ARTICLES_ACUTE_ASSORTMENT) {
			add_since(out,
				  "Akut leverans gäller enbart artiklar i det begränsade "
				  "lagerlagda akutsortimentet",
				  since);
		} else {
			buf_adds(out,
				 f->kind == KIND_EXPRESS ? "Expressleverans" : "Akut leverans");
			buf_adds(out, " gäller enbart lagerlagda artiklar.");
		}
		break;
	case DELIVERY_AFTER_CUTOFF:
		buf_addf(out, "%s måste nå distributören före kl. %02d:%02d en arbetsdag.",
			 f->kind == KIND_EXPRESS ? "Expressbeställningen" : "Akutbeställningen",
			 (int)(cutoff / 3600), (int)(cutoff / 60 % 60));
		if (f->kind == KIND_EXPRESS)
			buf_adds(out, " Välj akut leverans i stället.");
		break;
	case DELIVERY_OK:
	case DELIVERY_INVALID_INPUT:
		buf_adds(out, "Ordern kunde inte prövas.");
		break;
	}
}
