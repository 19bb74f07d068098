/* Quorum per agenda item: see quorum.h. */
#include "governance/quorum.h"

#include <string.h>

static const char *const role_names[SEAT__COUNT] = {
	[SEAT_CHAIR] = "chair",         [SEAT_VICE_CHAIR] = "vice_chair",
	[SEAT_MEMBER] = "member",       [SEAT_ADJUNCT] = "adjunct",
	[SEAT_SECRETARY] = "secretary", [SEAT_SUPPLIER] = "supplier",
	[SEAT_INVITED] = "invited",
};

const char *seat_role_name(enum seat_role r)
{
	return (unsigned)r < SEAT__COUNT ? role_names[r] : "?";
}

int seat_role_parse(const char *s)
{
	for (int i = 0; i < SEAT__COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

bool seat_role_appointed(enum seat_role r)
{
	return r == SEAT_CHAIR || r == SEAT_VICE_CHAIR || r == SEAT_MEMBER;
}

void quorum_item(const struct quorum_seat *seats, size_t nseats, int nparties,
		 struct quorum_share share, struct quorum_result *out)
{
	memset(out, 0, sizeof(*out));
	out->nparties = nparties;
	for (size_t i = 0; i < nseats; i++) {
		const struct quorum_seat *s = &seats[i];
		if (s->party < 0 || s->party >= nparties || s->vacant ||
		    !seat_role_appointed(s->role))
			continue;
		out->parties[s->party].appointed++;
		out->parties[s->party].counted += s->took_part;
	}
	out->quorate = true;
	for (int p = 0; p < nparties; p++) {
		struct quorum_party *q = &out->parties[p];
		long need = (long)q->appointed * share.num;

		/* The fewest counted c with c × den ≥ need. */
		long min = (need + share.den - 1) / share.den;
		q->lacking = q->counted >= min ? 0 : (int)(min - q->counted);
		if (q->lacking)
			out->quorate = false;
	}
}
