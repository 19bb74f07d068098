/* A recorded meeting and the rules applied to it: see meeting.h. */
#include "governance/meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "political", "council",      "preparation",
					  "forum",     "coordination", NULL };
static const char *const type_names[] = { "decision", "information", "without_presentation",
					  "procedural", NULL };
static const char *const outcome_names[] = { "decided", "remitted", "struck", "deferred",
					     "noted",	"proposed", NULL };
static const char *const matter_names[] = {
	"assortment", "handbook", "handbook_editorial", "service_steps", "it_adaptation",
	"other",      NULL
};

static const char *const stance_names[] = { "endorse", "abstain", "object", NULL };

static int parse(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int body_kind_parse(const char *s)
{
	return parse(kind_names, s);
}
int item_type_parse(const char *s)
{
	return parse(type_names, s);
}
int item_outcome_parse(const char *s)
{
	return parse(outcome_names, s);
}
int item_matter_parse(const char *s)
{
	return parse(matter_names, s);
}

int written_stance_parse(const char *s)
{
	return !s || !*s ? STANCE_ENDORSE : parse(stance_names, s);
}

const char *written_stance_name(enum written_stance s)
{
	return (unsigned)s < STANCE__COUNT ? stance_names[s] : "endorse";
}

const char *item_type_name(enum item_type t)
{
	return (unsigned)t < 4 ? type_names[t] : "?";
}

const char *item_outcome_name(enum item_outcome o)
{
	return (unsigned)o < OUTCOME__COUNT ? outcome_names[o] : "";
}

const char *item_matter_name(enum item_matter m)
{
	return (unsigned)m < MATTER__COUNT ? matter_names[m] : "?";
}

void gov_meeting_init(struct gov_meeting *m)
{
	memset(m, 0, sizeof(*m));
	m->quorum = QUORUM_RULE_DEFAULT;
	m->mandate_limit_ore = -1;
	m->objection_blocks = true;
}

void gov_meeting_release(struct gov_meeting *m)
{
	for (size_t i = 0; i < m->nseats; i++)
		free(m->seats[i].title);
	for (size_t i = 0; i < m->npeople; i++) {
		free(m->people[i].name);
		free(m->people[i].organisation);
	}
	for (size_t i = 0; i < m->nitems; i++) {
		struct gov_item *it = &m->items[i];
		free(it->title);
		free(it->presenter);
		free(it->text);
		free(it->position);
		free(it->follow_up);
	}
	for (size_t i = 0; i < m->nactions; i++) {
		free(m->actions[i].owner);
		free(m->actions[i].description);
		free(m->actions[i].due_on);
		free(m->actions[i].done_on);
	}
	free(m->seats);
	free(m->people);
	free(m->items);
	free(m->parts);
	free(m->actions);
	free(m->body_code);
	free(m->body_name);
	free(m->parent_name);
	free(m->starts_at);
	free(m->ends_at);
	free(m->form);
	free(m->place);
	free(m->notice_sent_on);
	gov_meeting_init(m);
}

/* Appends one zeroed element to an array of size elements. */
static void *grow(void **arr, size_t *n, size_t size)
{
	char *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

struct gov_seat *gov_meeting_add_seat(struct gov_meeting *m)
{
	struct gov_seat *s = grow((void **)&m->seats, &m->nseats, sizeof(*s));
	if (s)
		s->party = -1;
	return s;
}

struct gov_person *gov_meeting_add_person(struct gov_meeting *m)
{
	return grow((void **)&m->people, &m->npeople, sizeof(struct gov_person));
}

struct gov_item *gov_meeting_add_item(struct gov_meeting *m)
{
	struct gov_item *it = grow((void **)&m->items, &m->nitems, sizeof(*it));
	if (it) {
		it->outcome = OUTCOME_NONE;
		it->cost_ore = -1;
		it->matter = MATTER_OTHER;
	}
	return it;
}

struct gov_part *gov_meeting_add_part(struct gov_meeting *m)
{
	return grow((void **)&m->parts, &m->nparts, sizeof(struct gov_part));
}

struct gov_action *gov_meeting_add_action(struct gov_meeting *m)
{
	return grow((void **)&m->actions, &m->nactions, sizeof(struct gov_action));
}

int gov_meeting_party(struct gov_meeting *m, const char *code)
{
	for (int i = 0; i < m->nparties; i++)
		if (strcmp(m->party_code[i], code) == 0)
			return i;
	if (m->nparties == QUORUM_MAX_PARTIES)
		return -1;
	snprintf(m->party_code[m->nparties], sizeof(m->party_code[0]), "%s", code);
	return m->nparties++;
}

const struct gov_person *gov_meeting_person(const struct gov_meeting *m, int64_t id)
{
	for (size_t i = 0; i < m->npeople; i++)
		if (m->people[i].id == id)
			return &m->people[i];
	return NULL;
}

long gov_meeting_item_by_id(const struct gov_meeting *m, int64_t id)
{
	for (size_t i = 0; i < m->nitems; i++)
		if (m->items[i].id == id)
			return (long)i;
	return -1;
}

int gov_meeting_took_part(const struct gov_meeting *m, size_t item, int64_t person_id)
{
	for (size_t i = 0; i < m->nparts; i++) {
		const struct gov_part *p = &m->parts[i];
		if (p->item != item || p->person_id != person_id)
			continue;
		if (!p->written)
			return 1;
		/* Abstaining is not taking part in the decision (2024-10-24 item 3f: "avvaktar"). */
		if (p->stance == STANCE_ABSTAIN)
			return 0;
		/* Only participation given before the meeting starts counts (GOVERNANCE.md). */
		return !*p->given_at || !m->starts_at || strncmp(p->given_at, m->starts_at, 16) < 0
			       ? 2
			       : 0;
	}
	return 0;
}

void gov_meeting_quorum(const struct gov_meeting *m, size_t item, struct quorum_result *out)
{
	struct quorum_seat *qs = calloc(m->nseats ? m->nseats : 1, sizeof(*qs));
	size_t n = 0;

	if (!qs) {
		/* Nothing counted: reported as not quorate, which refuses rather than allows. */
		memset(out, 0, sizeof(*out));
		out->nparties = m->nparties;
		return;
	}
	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		qs[n].party = s->party;
		qs[n].role = s->role;
		qs[n].vacant = s->person_id == 0;
		qs[n].took_part = s->person_id && gov_meeting_took_part(m, item, s->person_id) != 0;
		n++;
	}
	quorum_item(qs, n, m->nparties, &m->quorum, out);
	free(qs);
}

static void kr(int64_t ore, char out[32])
{
	/* "50 000 kr": whole kronor with a space between thousands, as Swedish writes them. */
	char digits[24];
	int64_t k = ore / 100;
	int len = snprintf(digits, sizeof(digits), "%lld", (long long)(k < 0 ? -k : k));
	size_t o = 0;

	if (k < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = digits[i];
	}
	snprintf(out + o, 32 - o, " kr");
}

/* A preparation group may decide on assortment, editorial handbook changes, how service steps
 * are performed, and IT adaptations up to its limit (GOVERNANCE.md, preparation groups). */
static bool within_mandate(const struct gov_meeting *m, const struct gov_item *it, char *why,
			   size_t n)
{
	char limit[32], cost[32];

	if (m->kind != BODY_PREPARATION)
		return true;
	switch (it->matter) {
	case MATTER_ASSORTMENT:
	case MATTER_HANDBOOK_EDITORIAL:
	case MATTER_SERVICE_STEPS:
		return true;
	case MATTER_HANDBOOK:
		/* The handbook mandate covers editorial changes only ("redaktionella ändringar"); a
		 * substantive new instruction (like 2024-10-24 item 3b) goes to the council. */
		snprintf(why, n,
			 "Ärendet är en ändring i sak i handboken; %s får bara besluta om "
			 "redaktionella ändringar i handboken. Det blir ett förslag till %s "
			 "(utfall: förslag till rådet).",
			 m->body_name, *m->parent_name ? m->parent_name : "rådet");
		return false;
	case MATTER_IT_ADAPTATION:
		if (m->mandate_limit_ore < 0)
			return true;
		kr(m->mandate_limit_ore, limit);
		if (it->cost_ore < 0) {
			snprintf(why, n,
				 "Kostnaden för IT-anpassningen saknas; %s får besluta om "
				 "IT-anpassningar upp till %s. Ange kostnaden eller lämna "
				 "ärendet som förslag till %s.",
				 m->body_name, limit, *m->parent_name ? m->parent_name : "rådet");
			return false;
		}
		if (it->cost_ore <= m->mandate_limit_ore)
			return true;
		kr(it->cost_ore, cost);
		snprintf(why, n,
			 "IT-anpassningen kostar %s, över gränsen %s för %s mandat. Ärendet "
			 "blir ett förslag till %s (utfall: förslag till rådet).",
			 cost, limit, m->body_name, *m->parent_name ? m->parent_name : "rådet");
		return false;
	default:
		snprintf(why, n,
			 "Ärendet ligger utanför %s mandat (sortiment, redaktionella "
			 "ändringar i handboken, hur servicesteg utförs och IT-anpassningar). "
			 "Det blir ett förslag till %s (utfall: förslag till rådet).",
			 m->body_name, *m->parent_name ? m->parent_name : "rådet");
		return false;
	}
}

bool gov_meeting_outcome_offered(const struct gov_meeting *m, size_t item, enum item_outcome o)
{
	switch (m->items[item].type) {
	case ITEM_INFORMATION:
	case ITEM_WITHOUT_PRESENTATION:
		return o == OUTCOME_NOTED;
	case ITEM_PROCEDURAL:
		return o == OUTCOME_NOTED || o == OUTCOME_DECIDED;
	case ITEM_DECISION:
		return o != OUTCOME_NOTED && (o != OUTCOME_PROPOSED || m->kind == BODY_PREPARATION);
	}
	return false;
}

/* The first counted written objection to an item (GOVERNANCE.md: all decisions are unanimous);
 * NULL when none. */
static const struct gov_part *objection(const struct gov_meeting *m, size_t item)
{
	for (size_t i = 0; i < m->nparts; i++) {
		const struct gov_part *p = &m->parts[i];
		if (p->item == item && p->written && p->stance == STANCE_OBJECT &&
		    gov_meeting_took_part(m, item, p->person_id))
			return p;
	}
	return NULL;
}

bool gov_meeting_outcome_allowed(const struct gov_meeting *m, size_t item, enum item_outcome o,
				 char *why, size_t why_size, const char **rule)
{
	const struct gov_item *it = &m->items[item];
	struct quorum_result q;

	*rule = NULL;
	why[0] = '\0';
	switch (it->type) {
	case ITEM_INFORMATION:
	case ITEM_WITHOUT_PRESENTATION:
		if (o != OUTCOME_NOTED) {
			*rule = "D:utfall";
			snprintf(why, why_size,
				 "Punkt %s är ett informationsärende och kan bara "
				 "avslutas med noterat (tackar för informationen).",
				 it->number);
			return false;
		}
		return true;
	case ITEM_PROCEDURAL:
		if (o != OUTCOME_NOTED && o != OUTCOME_DECIDED) {
			*rule = "D:utfall";
			snprintf(why, why_size,
				 "Punkt %s är en formalia och avslutas med beslutat "
				 "eller noterat.",
				 it->number);
			return false;
		}
		break;
	case ITEM_DECISION:
		if (o == OUTCOME_NOTED) {
			*rule = "D:utfall";
			snprintf(why, why_size,
				 "Punkt %s är ett beslutsärende: det avslutas med "
				 "beslutat, återremitterat, avfört eller bordlagt.",
				 it->number);
			return false;
		}
		break;
	}
	if (o == OUTCOME_PROPOSED) {
		if (m->kind != BODY_PREPARATION) {
			*rule = "D:mandat";
			snprintf(why, why_size,
				 "Bara en beredningsgrupp lämnar ärenden som förslag "
				 "till rådet.");
			return false;
		}
		return true;
	}
	if (o != OUTCOME_DECIDED)
		return true;
	gov_meeting_quorum(m, item, &q);
	if (!q.quorate) {
		size_t len = (size_t)snprintf(why, why_size,
					      "Punkt %s kan inte beslutas: mötet är inte "
					      "beslutsmässigt för punkten.",
					      it->number);
		for (int p = 0; p < q.nparties && len < why_size; p++) {
			if (!q.parties[p].lacking)
				continue;
			len += (size_t)snprintf(why + len, why_size - len,
						" %s saknar %d (%d av %d utsedda deltar).",
						m->party_code[p], q.parties[p].lacking,
						q.parties[p].counted, q.parties[p].appointed);
		}
		*rule = "D:beslutsmässighet";
		return false;
	}
	const struct gov_part *obj = m->objection_blocks ? objection(m, item) : NULL;
	if (obj) {
		const struct gov_person *who = gov_meeting_person(m, obj->person_id);
		snprintf(why, why_size,
			 "Punkt %s kan inte beslutas: %s har invänt skriftligt före "
			 "mötet, och alla beslut fattas i enighet. Ärendet återremitteras "
			 "eller avförs, eller bordläggs till ett senare möte.",
			 it->number, who ? who->name : "en ledamot");
		*rule = "D:enighet";
		return false;
	}
	if (!within_mandate(m, it, why, why_size)) {
		*rule = m->mandate_ref ? m->mandate_ref : "D:mandat";
		return false;
	}
	return true;
}
