/* Quorum per agenda item (Specification D, GOVERNANCE.md "Decisions"): a decision may be made on an
 * item when, for each party separately, enough of that party's appointed representatives are
 * present for the item or took part in writing before the meeting. Appointed (the reading under
 * which the 2024-10-24 minutes are consistent): the party's member seats as the body is composed,
 * vacant ones included; the chair and vice chair are additional and do not count, nor do adjuncts,
 * secretaries, suppliers and invited guests. Which roles count, whether vacant seats count and
 * whether the body has a quorum rule at all are per body (struct quorum_rule). Pure: no I/O. */
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
/* Whether a seat of this role can hold an appointed representative of a party (chair, vice chair,
 * member): who may take part in a decision in writing. Which of them count toward quorum is the
 * body's quorum rule. */
bool seat_role_appointed(enum seat_role r);

/* "At least half" (Interpretation, configurable per body): quorate when
 * counted × den ≥ appointed × num. The default is 1/2. */
struct quorum_share {
	int num, den;
};
#define QUORUM_SHARE_DEFAULT ((struct quorum_share){ 1, 2 })

/* A body's quorum rule (GOVERNANCE.md, configurable per body). */
struct quorum_rule {
	unsigned roles;	   /* bit (1u << role) for each role that counts; default member only */
	bool count_vacant; /* vacant seats count toward the appointed number; default yes */
	bool required;	   /* the body has a quorum rule at all; off: every item is quorate */
	struct quorum_share share;
};
#define QUORUM_ROLES_DEFAULT (1u << SEAT_MEMBER)
#define QUORUM_RULE_DEFAULT \
	((struct quorum_rule){ QUORUM_ROLES_DEFAULT, true, true, QUORUM_SHARE_DEFAULT })

/* Parses a comma-separated list of roles ("member", "chair,vice_chair,member") into a mask.
 * Returns false on an unknown or empty role, or an empty list. */
bool quorum_roles_parse(const char *list, unsigned *roles);

struct quorum_seat {
	int party; /* index into the caller's party list, 0 … QUORUM_MAX_PARTIES-1 */
	enum seat_role role;
	bool vacant;
	bool took_part; /* the holder is present for the item or took part in writing */
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

/* Evaluates one item over the seats (nparties parties, numbered 0 … nparties-1) under a body's
 * rule. Without a quorum rule the counts are still given and every item is quorate. */
void quorum_item(const struct quorum_seat *seats, size_t nseats, int nparties,
		 const struct quorum_rule *rule, struct quorum_result *out);

#endif
