/* Prescription arithmetic: the model of drug prescriptions that the national e-service also uses. */
#include "core/prescription.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = { "active", "cancelled", "fully_withdrawn", "expired" };
static const char *const refusal_codes[] = {
	[RX_OK] = "ok",
	[RX_NOT_YET_VALID] = "prescription_not_yet_valid",
	[RX_CANCELLED_ITEM] = "prescription_cancelled",
	[RX_EXPIRED_ITEM] = "prescription_expired",
	[RX_NONE_LEFT] = "no_withdrawals_left",
	[RX_TOO_EARLY] = "withdrawal_too_early",
	[RX_QUANTITY] = "quantity_not_allowed",
	[RX_VALIDITY_TOO_LONG] = "validity_too_long",
	[RX_BAD_VALUE] = "invalid_input",
};

const char *rx_status_name(enum rx_status s)
{
	return (unsigned)s <= RX_EXPIRED ? status_names[s] : "?";
}

const char *rx_refusal_code(enum rx_refusal r)
{
	return (unsigned)r <= RX_BAD_VALUE ? refusal_codes[r] : "?";
}

lmn_day rx_add_months(lmn_day day, int months)
{
	int y, m, d, total;

	date_to_ymd(day, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (d > date_days_in_month(y, m))
		d = date_days_in_month(y, m);
	return date_from_ymd(y, m, d);
}

#define refuse(why, r, err, field, rule, ...)                                                 \
	((why) ? (void)(*(why) = (r)) : (void)0,                                              \
	 lmn_err_set((err), (r) == RX_BAD_VALUE ? LMN_EINVAL : LMN_EREFUSED, (field), (rule), \
		     __VA_ARGS__))

static int day_of_month(lmn_day day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return d;
}

lmn_day rx_last_valid_latest(lmn_day prescribed_on, int months)
{
	lmn_day max = rx_add_months(prescribed_on, months);

	/* When the later month has no such date (from 29 February), the "same date" is the 1st of
	 * the next month, so the later month's last day is the last valid one. */
	if (day_of_month(max) == day_of_month(prescribed_on))
		max--;
	return max;
}

/* Dates date_parse accepts and date_format writes. */
static bool in_range(lmn_day day)
{
	return day != LMN_DAY_NONE && day >= date_from_ymd(0, 1, 1) &&
	       day <= date_from_ymd(9999, 12, 31);
}

/* The latest version of the "prescription" section in force: what a rule of the section that is
 * not one parameter's value (expiry, remaining withdrawals, quantity) cites. */
static const char *section_ref(const struct rule_set *rs)
{
	const struct param_source *best = NULL;

	if (!rs)
		return NULL;
	for (int id = 0; id < P__COUNT; id++) {
		const struct param_source *s = rs->src[id];
		if (s && strcmp(param_def((enum param_id)id)->section, "prescription") == 0 &&
		    (!best || s->effective > best->effective))
			best = s;
	}
	return best ? best->ref : NULL;
}

enum lmn_rc rx_validate_new(const struct rx_item *it, const struct params *p, enum rx_refusal *why,
			    struct lmn_err *err)
{
	const struct rule_set *rs;
	const char *ref;
	char limit[11];
	lmn_day max;

	if (why)
		*why = RX_OK;
	if (!in_range(it->prescribed_on))
		return refuse(why, RX_BAD_VALUE, err, "prescribed_on", NULL,
			      "Förskrivningsdagen saknas eller ligger utanför år 0000–9999.");
	if (!in_range(it->last_valid))
		return refuse(why, RX_BAD_VALUE, err, "last_valid", NULL,
			      "Sista giltighetsdag saknas eller ligger utanför år 0000–9999.");
	rs = params_at(p, it->prescribed_on);
	if (!rs)
		return refuse(why, RX_BAD_VALUE, err, "prescribed_on", NULL,
			      "Inga regler gäller på förskrivningsdagen.");
	ref = rs->src[P_PRESCRIPTION_MAX_VALIDITY_MONTHS]->ref;
	if (it->withdrawals_allowed < 1 || it->withdrawals_allowed > 100)
		return refuse(why, RX_BAD_VALUE, err, "withdrawals_allowed", NULL,
			      "Antal uttag ska vara 1–100.");
	if (it->withdrawals_remaining != it->withdrawals_allowed)
		return refuse(why, RX_BAD_VALUE, err, "withdrawals_remaining", NULL,
			      "En ny förskrivning har alla sina %d uttag kvar.",
			      it->withdrawals_allowed);
	if (it->quantity_per_withdrawal < 1)
		return refuse(why, RX_BAD_VALUE, err, "quantity_per_withdrawal", NULL,
			      "Mängd per uttag ska vara minst 1.");
	if (it->period_days < 1 || it->period_days > 366)
		return refuse(why, RX_BAD_VALUE, err, "period_days", NULL,
			      "Perioden per uttag ska vara 1–366 dagar.");
	if (it->next_earliest != LMN_DAY_NONE)
		return refuse(why, RX_BAD_VALUE, err, "next_earliest", NULL,
			      "En ny förskrivning har inget datum för nästa uttag.");
	if (it->cancelled)
		return refuse(why, RX_BAD_VALUE, err, "cancelled", NULL,
			      "En ny förskrivning kan inte vara makulerad.");
	if (it->last_valid < it->prescribed_on)
		return refuse(why, RX_BAD_VALUE, err, "last_valid", NULL,
			      "Sista giltighetsdag kan inte ligga före förskrivningsdagen.");
	max = rx_last_valid_latest(it->prescribed_on,
				   (int)rs->v[P_PRESCRIPTION_MAX_VALIDITY_MONTHS].i);
	if (it->last_valid > max) {
		date_format(max, limit);
		return refuse(why, RX_VALIDITY_TOO_LONG, err, "last_valid", ref,
			      "En förskrivning gäller högst till och med %s.", limit);
	}
	return LMN_OK;
}

enum rx_status rx_status_on(const struct rx_item *it, lmn_day day)
{
	if (it->cancelled)
		return RX_CANCELLED;
	if (day > it->last_valid)
		return RX_EXPIRED;
	if (it->withdrawals_remaining <= 0)
		return RX_FULLY_WITHDRAWN;
	return RX_ACTIVE;
}

bool rx_renewal_requestable(const struct rx_item *it, lmn_day today)
{
	return !it->cancelled &&
	       !(it->last_valid > today + RX_RENEWAL_WINDOW_DAYS && it->withdrawals_remaining > 0);
}

enum lmn_rc rx_check_withdrawal(const struct rx_item *it, lmn_day day, int qty,
				const struct params *p, enum rx_refusal *why, struct lmn_err *err)
{
	const struct rule_set *rs = params_at(p, day);
	const char *ref = rs ? rs->src[P_NEXT_WITHDRAWAL_FRACTION]->ref : NULL;
	const char *sec = section_ref(rs);
	char date[11];

	if (why)
		*why = RX_OK;
	switch (rx_status_on(it, day)) {
	case RX_CANCELLED:
		return refuse(why, RX_CANCELLED_ITEM, err, "prescription_item_id", sec,
			      "Förskrivningen är makulerad.");
	case RX_EXPIRED:
		date_format(it->last_valid, date);
		return refuse(
			why, RX_EXPIRED_ITEM, err, "prescription_item_id", sec,
			"Förskrivningen gällde till och med %s; kontakta förskrivaren för en ny.",
			date);
	case RX_FULLY_WITHDRAWN:
		return refuse(
			why, RX_NONE_LEFT, err, "prescription_item_id", sec,
			"Alla uttag på förskrivningen är gjorda; kontakta förskrivaren för en "
			"ny.");
	case RX_ACTIVE:
		break;
	}
	if (day < it->prescribed_on) {
		date_format(it->prescribed_on, date);
		return refuse(why, RX_NOT_YET_VALID, err, "prescription_item_id", sec,
			      "Förskrivningen gäller från %s.", date);
	}
	if (it->next_earliest != LMN_DAY_NONE && day < it->next_earliest) {
		date_format(it->next_earliest, date);
		return refuse(why, RX_TOO_EARLY, err, "prescription_item_id", ref,
			      "Nästa uttag är tidigast %s.", date);
	}
	if (qty < 1 || qty > it->quantity_per_withdrawal) {
		return refuse(why, RX_QUANTITY, err, "quantity", sec,
			      "Antal förpackningar per uttag ska vara 1–%d enligt förskrivningen.",
			      it->quantity_per_withdrawal);
	}
	return LMN_OK;
}

void rx_apply_withdrawal(struct rx_item *it, lmn_day day, const struct params *p)
{
	const struct rule_set *rs = params_at(p, day);
	int64_t milli = rs ? rs->v[P_NEXT_WITHDRAWAL_FRACTION].i : 1000;

	if (it->withdrawals_remaining > 0)
		it->withdrawals_remaining--;
	/* DOMAIN.md §3 (interpretation): the withdrawal's day + its period × fraction, rounded down. */
	it->next_earliest = day + (lmn_day)((int64_t)it->period_days * milli / 1000);
}

void rx_undo_withdrawal(struct rx_item *it, lmn_day prev_next_earliest)
{
	if (it->withdrawals_remaining < it->withdrawals_allowed)
		it->withdrawals_remaining++;
	it->next_earliest = prev_next_earliest;
}
