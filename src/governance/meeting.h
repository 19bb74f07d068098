/* A meeting of a governance body as recorded (GOVERNANCE.md): the body's seats and who held them
 * on the day, the agenda items, who took part in which item and how; and the rules applied to it:
 * quorum per item, the mandate of a preparation group, and which outcomes an item may end in.
 * Pure: filled by the store (store/governance_store.c), no I/O here. */
#ifndef LMN_GOV_MEETING_H
#define LMN_GOV_MEETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "governance/quorum.h"
#include "util/buf.h"

enum body_kind { BODY_POLITICAL, BODY_COUNCIL, BODY_PREPARATION, BODY_FORUM, BODY_COORDINATION };
enum item_type { ITEM_DECISION, ITEM_INFORMATION, ITEM_WITHOUT_PRESENTATION, ITEM_PROCEDURAL };
enum item_outcome {
	OUTCOME_NONE = -1,
	OUTCOME_DECIDED,
	OUTCOME_REMITTED,
	OUTCOME_STRUCK,
	OUTCOME_DEFERRED,
	OUTCOME_NOTED,
	OUTCOME_PROPOSED, /* beyond a preparation group's mandate: a proposal to the council */
	OUTCOME__COUNT
};
/* The stance of written participation before the meeting. An abstention is not taking part in
 * the decision (it does not count toward quorum); an objection is, and breaks unanimity. */
enum written_stance { STANCE_ENDORSE, STANCE_ABSTAIN, STANCE_OBJECT, STANCE__COUNT };
enum item_matter {
	MATTER_ASSORTMENT,
	MATTER_HANDBOOK,
	MATTER_HANDBOOK_EDITORIAL,
	MATTER_SERVICE_STEPS,
	MATTER_IT_ADAPTATION,
	MATTER_OTHER,
	MATTER__COUNT
};

int body_kind_parse(const char *s); /* -1 when unknown */
int item_type_parse(const char *s);
int item_outcome_parse(const char *s);
int item_matter_parse(const char *s);
int written_stance_parse(const char *s); /* NULL or "" is endorse, the only stance there was */
const char *written_stance_name(enum written_stance s);
const char *item_type_name(enum item_type t);
const char *item_outcome_name(enum item_outcome o);
const char *item_matter_name(enum item_matter m);

struct gov_seat {
	int64_t id;
	int party; /* index into gov_meeting.parties, -1: no party (secretary, supplier …) */
	enum seat_role role;
	char *title;	   /* what the seat represents: "Sjukhus" */
	int64_t person_id; /* 0: vacant on the meeting's day */
};

struct gov_person {
	int64_t id;
	char *name, *organisation;
};

struct gov_item {
	int64_t id;
	char number[8]; /* "3a" */
	enum item_type type;
	enum item_matter matter;
	int64_t cost_ore; /* -1: not given */
	enum item_outcome outcome;
	char *title, *presenter, *text, *position, *follow_up;
};

struct gov_part {
	size_t item; /* index into items */
	int64_t person_id;
	bool written; /* took part in writing (e-mail) */
	char given_at
		[17]; /* written: when it was given ("2024-10-23T16:00"); "" when not recorded */
	enum written_stance stance; /* written: endorse, abstain or object */
};

struct gov_action {
	int64_t id;
	size_t item;
	char *owner, *description, *due_on, *done_on;
};

struct gov_meeting {
	int64_t id;
	char *body_code, *body_name;
	enum body_kind kind;
	struct quorum_rule quorum; /* the body's quorum rule */
	bool objection_blocks;	   /* a written objection blocks a decision (the body's rule) */
	int notice_days;	   /* the body's notice time in days, 0: none of its own */
	int64_t mandate_limit_ore; /* -1: no limit configured */
	const char *mandate_ref;   /* the rule version of the limit ("D@2018-05-01"), or NULL */
	char *parent_name;	   /* who proposals go to; "" when none */
	char *starts_at, *ends_at, *form, *place, *notice_sent_on;
	int nparties;
	char party_code[QUORUM_MAX_PARTIES][8];
	struct gov_seat *seats;
	size_t nseats;
	struct gov_person *people; /* everyone named by a seat or a participation */
	size_t npeople;
	struct gov_item *items;
	size_t nitems;
	struct gov_part *parts;
	size_t nparts;
	struct gov_action *actions;
	size_t nactions;
};

void gov_meeting_init(struct gov_meeting *m);
void gov_meeting_release(struct gov_meeting *m);
/* Growing the arrays; each returns NULL when out of memory. Strings are copied by the caller. */
struct gov_seat *gov_meeting_add_seat(struct gov_meeting *m);
struct gov_person *gov_meeting_add_person(struct gov_meeting *m);
struct gov_item *gov_meeting_add_item(struct gov_meeting *m);
struct gov_part *gov_meeting_add_part(struct gov_meeting *m);
struct gov_action *gov_meeting_add_action(struct gov_meeting *m);
/* The party index of a code, adding it (in order of first appearance); -1 when full. */
int gov_meeting_party(struct gov_meeting *m, const char *code);
const struct gov_person *gov_meeting_person(const struct gov_meeting *m, int64_t id);
/* Index of the item with this id or number; -1 when none. */
long gov_meeting_item_by_id(const struct gov_meeting *m, int64_t id);

/* How a person took part in an item: 0 not, 1 present, 2 in writing. Written participation
 * given at or after the meeting's start is not taking part ("inför mötet"), nor is abstaining. */
int gov_meeting_took_part(const struct gov_meeting *m, size_t item, int64_t person_id);

/* Quorum for one item (GOVERNANCE.md "Decisions"). */
void gov_meeting_quorum(const struct gov_meeting *m, size_t item, struct quorum_result *out);

/* Whether an item may end in this outcome. On false, why holds a Swedish explanation naming
 * the party lacking how many (no quorum), the mandate (a preparation group's limit) or the type
 * of item, and rule a short rule reference ("D:beslutsmässighet"). */
bool gov_meeting_outcome_allowed(const struct gov_meeting *m, size_t item, enum item_outcome o,
				 char *why, size_t why_size, const char **rule);

/* Whether the item's type (and the body's kind) allows the outcome at all, quorum aside: what a
 * form offers. */
bool gov_meeting_outcome_offered(const struct gov_meeting *m, size_t item, enum item_outcome o);

/* The minutes in the structure of the 2024-10-24 minutes, as a list of blocks that the HTML and
 * the PDF writers lay out the same way. */
enum minutes_block_kind {
	MB_TITLE,    /* a: "Mötesanteckning Ledningsrådet för hjälpmedel" */
	MB_FIELD,    /* a: label ("Tid"), b: value */
	MB_SECTION,  /* a: "Närvarande" */
	MB_ATTENDEE, /* a: group ("VGR", "Ordförande", "Frånvarande" …, "" continues the group),
		       * b: name, c: organisation and remarks */
	MB_ITEM,     /* a: "1.", b: title */
	MB_SUBITEM,  /* a: "a)", b: title */
	MB_PARAGRAPH, /* a: text */
	MB_LABELLED,  /* a: label ("Ställningstagande"), b: text */
};
struct minutes_block {
	enum minutes_block_kind kind;
	char *a, *b, *c;
};
struct minutes {
	struct minutes_block *blocks;
	size_t n, cap;
	bool failed; /* out of memory while building */
};
void minutes_release(struct minutes *mn);
void gov_minutes_build(const struct gov_meeting *m, struct minutes *out);
/* The minutes as an HTML fragment (<article>), every value escaped: written by
 * web/minutes_html.c, which lays these blocks out (governance knows nothing of HTML). */
void gov_minutes_html(const struct minutes *mn, struct buf *out);

#endif
