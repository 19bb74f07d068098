/* What-if for the council: a period's orders replayed under a proposed rule-parameter value
 * beside the rules in force, and how the key figures would have differed. Pure: the replay's
 * answers come in, the figures go out, counted as the key-figure report counts them. */
#ifndef LMN_WHATIF_H
#define LMN_WHATIF_H

#include <stdbool.h>
#include <stddef.h>

#include "report/keyfigures.h"
#include "rules/date.h"

/* One order as replayed: its due date and delay-contact day under the rules in force (base: as
 * stored with the order, which the report counts) and under the proposal (alt), and the day its
 * first shipment was delivered (LMN_DAY_NONE: not yet). */
struct whatif_order {
	lmn_day due_base, due_alt;
	lmn_day contact_base, contact_alt; /* LMN_DAY_NONE: exempt */
	lmn_day completed;
	bool refused_alt; /* the proposal would have refused the order: not counted under it */
};

struct whatif_figures {
	long orders;
	/* Delivery reliability (settled, on_time) and orders past their contact date
	 * (past_contact), by kf_count_order: base is the report's figure of the same orders. */
	struct kf_counts base, alt;
	long refused_alt;
	long due_changed, due_earlier, due_later;
};

/* Tallies the orders as of today (the day the report would be made). */
void whatif_tally(const struct whatif_order *o, size_t n, lmn_day today,
		  struct whatif_figures *out);

#endif
