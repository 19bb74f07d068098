/* Quorum per agenda item (Specification D, GOVERNANCE.md "Decisions"): a decision may be made on an
 * item when, for each party separately, enough of that party's appointed representatives are
 * present for the item or took part in writing before the meeting. Appointed: seats of the party
 * with role chair, vice chair or member that are not vacant; adjuncts, secretaries, suppliers and
 * invited guests do not count. Pure: no I/O. */
#ifndef LMN_QUORUM_H
#define LMN_QUORUM_H

#include <stdbool.h>
#include <stddef.h>

#define QUORUM_MAX_PARTIES 8

enum seat_role {
	SEAT_CHAIR,
	SEAT_VICE_CHAIR,
	SEAT_MEMBER,
	SEAT_ADJUNCT,
	SEAT_SECRETARY,
	SEAT_SUPPLIER,
	SEAT_INVITED,
	SEAT__COUNT
};

const char *seat_role_name(enum seat_role r);
int seat_role_parse(const char *s); /* -1 when unknown */
/* Whether a seat of this role is an appointed representative (counts toward quorum). */
bool seat_role_appointed(enum seat_role r);

/* "At least half" (Interpretation, configurable per body): quorate when
 * counted × den ≥ appointed × num. The default is 1/2. */
struct quorum_share {
	int num, den;
};
#define QUORUM_SHARE_DEFAULT ((struct quorum_share){ 1, 2 })

struct quorum_seat {
	int party;        /* index into the caller's party list, 0 … QUORUM_MAX_PARTIES-1 */
	enum seat_role role;
	bool vacant;
	bool took_part;   /* the holder is present for the item or took part in writing */
};

struct quorum_party {
	int appointed, counted;
	int lacking; /* how many more must take part for quorum; 0 when enough */
};

struct quorum_result {
	bool quorate;
	int nparties;
	struct quorum_party parties[QUORUM_MAX_PARTIES];
};

/* Evaluates one item over the seats (nparties parties, numbered 0 … nparties-1). */
void quorum_item(const struct quorum_seat *seats, size_t nseats, int nparties,
		 struct quorum_share share, struct quorum_result *out);

#endif
