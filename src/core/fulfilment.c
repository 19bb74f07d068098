/* Spec B 3:1 fulfilment rules. */
#include "core/fulfilment.h"

#include <stdio.h>

#include "rules/calendar.h"

enum lmn_rc fulfilment_check_shipment(const struct params *p, lmn_day day,
				      const struct ship_line *lines, size_t n, bool *partial,
				      struct lmn_err *err)
{
	const struct rule_set *rs = params_at(p, day);
	int64_t total = 0;

	*partial = false;
	if (!rs)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL,
				   "no rules are in force on that day");
	for (size_t i = 0; i < n; i++) {
		const struct ship_line *l = &lines[i];
		char field[32];

		snprintf(field, sizeof(field), "lines[%zu]", i);
		if (l->now < 0 || l->shipped_before + l->now > l->ordered)
			return lmn_err_set(
				err, LMN_EINVAL, field, NULL,
				"Rad %zu: %lld skickade är fler än de %lld som återstår.", i + 1,
				(long long)l->now, (long long)(l->ordered - l->shipped_before));
		total += l->now;
		if (l->shipped_before + l->now < l->ordered) {
			*partial = true;
			if (!l->backordered && rs->v[P_PARTIAL_ONLY_BACKORDER].b)
				return lmn_err_set(
					err, LMN_EREFUSED, field,
					rs->src[P_PARTIAL_ONLY_BACKORDER]->ref,
					"Rad %zu skickas inte i sin helhet men är inte restnoterad hos "
					"leverantören. Delleverans får bara ske när leverantören har "
					"restnoterat det som fattas (specifikation B 3:1).",
					i + 1);
		}
	}
	if (total == 0)
		return lmn_err_set(err, LMN_EINVAL, "lines", NULL,
				   "Sändningen innehåller inget att skicka.");
	return LMN_OK;
}

enum lmn_rc fulfilment_delivery_deviation(const struct params *p, lmn_day day, int32_t sec,
					  bool home, bool *deviation, char why[128], char rule[48],
					  struct lmn_err *err)
{
	const struct rule_set *rs = params_at(p, day);
	bool working;
	enum lmn_rc rc;

	*deviation = false;
	why[0] = rule[0] = '\0';
	if (!rs)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL,
				   "no rules are in force on that day");
	/* Outside the calendar's years the time is a typing error, not a delivery. */
	if ((rc = calendar_is_working_day(day, &working)) != LMN_OK)
		return lmn_err_set(err, LMN_EINVAL, "delivered_at", NULL,
				   "Leveranstiden ska ligga mellan år %d och %d.",
				   CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
	if (!home)
		return LMN_OK;
	if (!working) {
		*deviation = true;
		snprintf(why, 128, "levererad en dag som inte är arbetsdag");
	} else if (sec < rs->v[P_DELIVERY_WINDOW_START].i || sec > rs->v[P_DELIVERY_WINDOW_END].i) {
		*deviation = true;
		snprintf(why, 128, "levererad utanför %02d:%02d–%02d:%02d",
			 (int)(rs->v[P_DELIVERY_WINDOW_START].i / 3600),
			 (int)(rs->v[P_DELIVERY_WINDOW_START].i / 60 % 60),
			 (int)(rs->v[P_DELIVERY_WINDOW_END].i / 3600),
			 (int)(rs->v[P_DELIVERY_WINDOW_END].i / 60 % 60));
	}
	if (*deviation)
		snprintf(rule, 48, "%s", rs->src[P_DELIVERY_WINDOW_START]->ref);
	return LMN_OK;
}
