/* What-if tally: see whatif.h. */
#include "governance/whatif.h"

#include <string.h>

void whatif_tally(const struct whatif_order *o, size_t n, lmn_day today, struct whatif_figures *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct kf_order base = { o[i].due_base, o[i].contact_base, o[i].completed };
		struct kf_order alt = { o[i].due_alt, o[i].contact_alt, o[i].completed };

		out->orders++;
		kf_count_order(&out->base, &base, today);
		if (o[i].refused_alt) {
			out->refused_alt++;
			continue;
		}
		kf_count_order(&out->alt, &alt, today);
		if (o[i].due_alt != o[i].due_base) {
			out->due_changed++;
			out->due_earlier += o[i].due_alt < o[i].due_base;
			out->due_later += o[i].due_alt > o[i].due_base;
		}
	}
}
