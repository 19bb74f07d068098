/* What-if tally: see whatif.h. */
#include "governance/whatif.h"

#include <string.h>

static bool on_time(lmn_day due, lmn_day completed)
{
	return completed != LMN_DAY_NONE && completed <= due;
}

/* A contact case opens on the contact day when the order is not delivered in full the day
 * before it; one whose contact day is still to come is not counted. */
static bool contact(lmn_day day, lmn_day completed, lmn_day today)
{
	if (day == LMN_DAY_NONE || day > today)
		return false;
	return completed == LMN_DAY_NONE || completed >= day;
}

void whatif_tally(const struct whatif_order *o, size_t n, lmn_day today, struct whatif_figures *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		out->orders++;
		out->on_time_base += on_time(o[i].due_base, o[i].completed);
		out->on_time_alt += on_time(o[i].due_alt, o[i].completed);
		out->contacts_base += contact(o[i].contact_base, o[i].completed, today);
		out->contacts_alt += contact(o[i].contact_alt, o[i].completed, today);
		if (o[i].due_alt != o[i].due_base) {
			out->due_changed++;
			out->due_earlier += o[i].due_alt < o[i].due_base;
			out->due_later += o[i].due_alt > o[i].due_base;
		}
	}
}
