/* Quorum per agenda item: see quorum.h. */
#include "governance/quorum.h"

#include <string.h>

static const char *const role_names[SEAT__COUNT] = {
	[SEAT_CHAIR] = "chair",	    [SEAT_VICE_CHAIR] = "vice_chair", [SEAT_MEMBER] = "member",
	[SEAT_ADJUNCT] = "adjunct", [SEAT_SECRETARY] = "secretary",   [SEAT_SUPPLIER] = "supplier",
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

bool quorum_roles_parse(const char *list, unsigned *roles)
{
	char name[32];
	const char *p = list;

	*roles = 0;
	if (!list || !*list)
		return false;
	for (;;) {
		size_t n = strcspn(p, ",");
		int r;
		if (n == 0 || n >= sizeof(name))
			return false;
		memcpy(name, p, n);
		name[n] = '\0';
		if ((r = seat_role_parse(name)) < 0)
			return false;
		*roles |= 1u << r;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

void quorum_item(const struct quorum_seat *seats, size_t nseats, int nparties,
		 const struct quorum_rule *rule, struct quorum_result *out)
{
	memset(out, 0, sizeof(*out));
	out->nparties = nparties;
	for (size_t i = 0; i < nseats; i++) {
		const struct quorum_seat *s = &seats[i];
		if (s->party < 0 || s->party >= nparties || (unsigned)s->role >= SEAT__COUNT ||
		    !(rule->roles & (1u << s->role)) || (s->vacant && !rule->count_vacant))
			continue;
		out->parties[s->party].appointed++;
		out->parties[s->party].counted += !s->vacant && s->took_part;
	}
	out->quorate = true;
	for (int p = 0; p < nparties; p++) {
		struct quorum_party *q = &out->parties[p];
		long need = (long)q->appointed * rule->share.num;

		/* The fewest counted c with c × den ≥ need. */
		long min = (need + rule->share.den - 1) / rule->share.den;
		q->lacking = !rule->required || q->counted >= min ? 0 : (int)(min - q->counted);
		if (q->lacking)
			out->quorate = false;
	}
}
