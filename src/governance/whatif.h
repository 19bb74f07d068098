/* What-if for the council: a period's orders replayed under a proposed rule-parameter value
 * beside the rules in force, and how the key figures would have differed. Pure: the replay's
 * answers come in, the figures go out. */
#ifndef LMN_WHATIF_H
#define LMN_WHATIF_H

#include <stddef.h>

#include "rules/date.h"

/* One order as replayed: its due date and delay-contact day under the rules in force (base) and
 * under the proposal (alt), and the day it was delivered in full (LMN_DAY_NONE: not yet). */
struct whatif_order {
	lmn_day due_base, due_alt;
	lmn_day contact_base, contact_alt; /* LMN_DAY_NONE: exempt */
	lmn_day completed;
};

struct whatif_figures {
	long orders;
	long on_time_base, on_time_alt;   /* delivered in full by the due date */
	long contacts_base, contacts_alt; /* not delivered in full before the contact day */
	long due_changed, due_earlier, due_later;
};

/* Tallies the orders; "on time" counts delivered orders only, an undelivered one is late once its
 * due date has passed by today. */
void whatif_tally(const struct whatif_order *o, size_t n, lmn_day today, struct whatif_figures *out);

#endif
