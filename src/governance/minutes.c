/* Minutes of a meeting in the structure of the 2024-10-24 minutes (GOVERNANCE.md "Minutes"):
 * heading, time and form; attendance grouped by party with roles, absent, vacant and invited with
 * the items they attended; then each item with presenter, text, position and follow-up. As blocks
 * that web/minutes_html.c lays out as HTML. */
#include "governance/meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void minutes_release(struct minutes *mn)
{
	for (size_t i = 0; i < mn->n; i++) {
		free(mn->blocks[i].a);
		free(mn->blocks[i].b);
		free(mn->blocks[i].c);
	}
	free(mn->blocks);
	memset(mn, 0, sizeof(*mn));
}

static char *dup(const char *s)
{
	return strdup(s ? s : "");
}

static void add(struct minutes *mn, enum minutes_block_kind k, const char *a, const char *b,
		const char *c)
{
	struct minutes_block *bl;

	if (mn->failed)
		return;
	if (mn->n == mn->cap) {
		size_t cap = mn->cap ? mn->cap * 2 : 64;
		struct minutes_block *nb = realloc(mn->blocks, cap * sizeof(*nb));
		if (!nb) {
			mn->failed = true;
			return;
		}
		mn->blocks = nb;
		mn->cap = cap;
	}
	bl = &mn->blocks[mn->n];
	bl->kind = k;
	bl->a = dup(a);
	bl->b = dup(b);
	bl->c = dup(c);
	if (!bl->a || !bl->b || !bl->c) {
		free(bl->a);
		free(bl->b);
		free(bl->c);
		mn->failed = true;
		return;
	}
	mn->n++;
}

/* "2024-10-24T13:00…" → date and "13:00". */
static void split_time(const char *ts, char date[11], char hm[6])
{
	snprintf(date, 11, "%.10s", ts ? ts : "");
	snprintf(hm, 6, "%.5s", ts && strlen(ts) >= 16 ? ts + 11 : "");
}

static const char *seat_title(const struct gov_meeting *m, const struct gov_seat *s)
{
	const struct gov_person *p = gov_meeting_person(m, s->person_id);

	if (s->title && *s->title)
		return s->title;
	return p && p->organisation ? p->organisation : "";
}

/* A group heading on the agenda ("3" above "3a", "3b"): no matter of its own, so attendance
 * is told by the items under it. */
static bool is_heading(const struct gov_meeting *m, size_t i)
{
	const char *n = m->items[i].number;
	size_t len = strlen(n);

	if (len == 0 || n[len - 1] < '0' || n[len - 1] > '9')
		return false;
	for (size_t k = 0; k < m->nitems; k++)
		if (strncmp(m->items[k].number, n, len) == 0 && m->items[k].number[len] >= 'a' &&
		    m->items[k].number[len] <= 'z')
			return true;
	return false;
}

/* The items a person was present for, as the minutes write them: "" for every item,
 * "till och med punkt 3b" when they left early, "från punkt 4a" when they came late, else
 * "punkt 2", "punkt 3b och 4b". Group headings do not count. */
static void presence_note(const struct gov_meeting *m, int64_t person, char *out, size_t n)
{
	size_t items = 0, count = 0, first = 0, last = 0, k = 0, len;
	bool seen = false, gap = false;

	out[0] = '\0';
	for (size_t i = 0; i < m->nitems; i++) {
		if (is_heading(m, i))
			continue;
		items++;
		if (gov_meeting_took_part(m, i, person) == 1) {
			if (!seen)
				first = items;
			seen = true;
			if (count && items != last + 1)
				gap = true;
			last = items;
			count++;
		}
	}
	if (count == 0 || count == items)
		return;
	if (!gap && first == 1) {
		for (size_t i = m->nitems; i-- > 0;)
			if (!is_heading(m, i) && gov_meeting_took_part(m, i, person) == 1) {
				snprintf(out, n, "till och med punkt %s", m->items[i].number);
				return;
			}
	}
	if (!gap && last == items) {
		for (size_t i = 0; i < m->nitems; i++)
			if (!is_heading(m, i) && gov_meeting_took_part(m, i, person) == 1) {
				snprintf(out, n, "från punkt %s", m->items[i].number);
				return;
			}
	}
	len = (size_t)snprintf(out, n, "punkt ");
	for (size_t i = 0; i < m->nitems && len < n; i++) {
		if (is_heading(m, i) || gov_meeting_took_part(m, i, person) != 1)
			continue;
		k++;
		len += (size_t)snprintf(out + len, n - len, "%s%s",
					k == 1 ? "" : (k == count ? " och " : ", "),
					m->items[i].number);
	}
}

static bool present_any(const struct gov_meeting *m, int64_t person)
{
	for (size_t i = 0; i < m->nitems; i++)
		if (gov_meeting_took_part(m, i, person) == 1)
			return true;
	return false;
}

static bool holds_seat(const struct gov_meeting *m, int64_t person)
{
	for (size_t i = 0; i < m->nseats; i++)
		if (m->seats[i].person_id == person && m->seats[i].role != SEAT_INVITED)
			return true;
	return false;
}

static void attendee(struct minutes *mn, const char *group, bool *first, const char *name,
		     const char *org, const char *note)
{
	char c[512];

	if (note && *note)
		snprintf(c, sizeof(c), "%s%s(%s)", org, *org ? " " : "", note);
	else
		snprintf(c, sizeof(c), "%s", org);
	add(mn, MB_ATTENDEE, *first ? group : "", name, c);
	*first = false;
}

/* Seats of one role (and party, unless party < -1) that were present, with their notes. */
static void present_seats(const struct gov_meeting *m, struct minutes *mn, const char *group,
			  enum seat_role role, int party)
{
	bool first = true;
	char note[256];

	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		const struct gov_person *p;
		if (s->role != role || !s->person_id || (party >= -1 && s->party != party) ||
		    !present_any(m, s->person_id))
			continue;
		p = gov_meeting_person(m, s->person_id);
		presence_note(m, s->person_id, note, sizeof(note));
		attendee(mn, group, &first, p ? p->name : "", seat_title(m, s), note);
	}
}

static void attendance(const struct gov_meeting *m, struct minutes *mn)
{
	bool first;
	char note[256];

	add(mn, MB_SECTION, "Närvarande", NULL, NULL);
	for (int p = 0; p < m->nparties; p++)
		present_seats(m, mn, m->party_code[p], SEAT_MEMBER, p);
	present_seats(m, mn, "Ordförande", SEAT_CHAIR, -2);
	present_seats(m, mn, "Vice ordf.", SEAT_VICE_CHAIR, -2);
	present_seats(m, mn, "Försörjare", SEAT_SUPPLIER, -2);

	first = true;
	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		const struct gov_person *p;
		char org[300];
		bool written = false;

		if (!s->person_id || s->role == SEAT_SECRETARY || s->role == SEAT_INVITED ||
		    present_any(m, s->person_id))
			continue;
		for (size_t k = 0; k < m->nitems; k++)
			written |= gov_meeting_took_part(m, k, s->person_id) == 2;
		p = gov_meeting_person(m, s->person_id);
		snprintf(org, sizeof(org), "%s", seat_title(m, s));
		attendee(mn, "Frånvarande", &first, p ? p->name : "", org,
			 s->role == SEAT_ADJUNCT ? "adjungerad"
						 : (written ? "deltog skriftligt" : ""));
	}
	first = true;
	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		if (s->person_id || !seat_role_appointed(s->role))
			continue;
		add(mn, MB_ATTENDEE, first ? "Vakant" : "",
		    s->party >= 0 ? m->party_code[s->party] : "", s->title);
		first = false;
	}
	/* Invited guests: present without a seat of their own (or in an invited seat). */
	first = true;
	for (size_t i = 0; i < m->npeople; i++) {
		const struct gov_person *p = &m->people[i];
		if (holds_seat(m, p->id) || !present_any(m, p->id))
			continue;
		presence_note(m, p->id, note, sizeof(note));
		attendee(mn, "Inbjudna", &first, p->name, p->organisation ? p->organisation : "",
			 note);
	}
	first = true;
	for (size_t i = 0; i < m->nseats; i++) {
		const struct gov_seat *s = &m->seats[i];
		const struct gov_person *p = gov_meeting_person(m, s->person_id);
		if (s->role != SEAT_SECRETARY || !p)
			continue;
		attendee(mn, "Sekreterare", &first, p->name, seat_title(m, s), "");
	}
}

/* The leading number of "3a" and its letter, if any. */
static void item_parts(const char *number, char main[8], const char **letter)
{
	size_t k = 0;

	while (number[k] >= '0' && number[k] <= '9' && k < 7)
		k++;
	memcpy(main, number, k);
	main[k] = '\0';
	*letter = number + k;
}

static const char *group_title(enum item_type t)
{
	switch (t) {
	case ITEM_DECISION:
		return "Beslutsärenden";
	case ITEM_INFORMATION:
		return "Information och dialog";
	case ITEM_WITHOUT_PRESENTATION:
		return "Ärenden utan föredragning";
	default:
		return "Övriga frågor";
	}
}

static void paragraphs(struct minutes *mn, const char *text)
{
	const char *p = text;

	if (!p)
		return;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *para = strndup(p, n);
		if (!para) {
			mn->failed = true;
			return;
		}
		if (*para)
			add(mn, MB_PARAGRAPH, para, NULL, NULL);
		free(para);
		if (!end)
			break;
		p = end + 2;
		while (*p == '\n')
			p++;
	}
}

static void position(const struct gov_meeting *m, size_t i, struct minutes *mn)
{
	const struct gov_item *it = &m->items[i];
	struct buf b;

	buf_init(&b, 0);
	if (it->position && *it->position) {
		buf_adds(&b, it->position);
	} else {
		switch (it->outcome) {
		case OUTCOME_NOTED:
			/* Formalities noted need no words; information is thanked for. */
			if (it->type != ITEM_PROCEDURAL)
				buf_addf(&b, "%s tackar för informationen.", m->body_name);
			break;
		case OUTCOME_REMITTED:
			buf_addf(&b, "%s återremitterar ärendet för fortsatt beredning.",
				 m->body_name);
			break;
		case OUTCOME_STRUCK:
			buf_addf(&b, "%s avför ärendet.", m->body_name);
			break;
		case OUTCOME_DEFERRED:
			buf_addf(&b, "%s avvaktar med att ta ställning i ärendet.", m->body_name);
			break;
		case OUTCOME_PROPOSED:
			buf_addf(&b, "Ärendet lämnas som förslag till %s.",
				 *m->parent_name ? m->parent_name : "rådet");
			break;
		case OUTCOME_DECIDED:
			buf_addf(&b, "%s ställer sig bakom förslaget.", m->body_name);
			break;
		default:
			break;
		}
	}
	if (b.len) {
		for (size_t k = 0; k < m->nparts; k++) {
			const struct gov_part *pt = &m->parts[k];
			const struct gov_person *p;
			const char *title = "";
			if (pt->item != i || !pt->written)
				continue;
			p = gov_meeting_person(m, pt->person_id);
			for (size_t s = 0; s < m->nseats; s++)
				if (m->seats[s].person_id == pt->person_id)
					title = seat_title(m, &m->seats[s]);
			buf_addf(&b, " (%s%s%s%s har via mejl ställt sig bakom förslaget.)",
				 p ? p->name : "", *title ? ", " : "", title, *title ? "," : "");
		}
		add(mn, MB_LABELLED, "Ställningstagande", b.data, NULL);
	}
	mn->failed |= b.failed;
	buf_release(&b);
}

static void follow_up(const struct gov_meeting *m, size_t i, struct minutes *mn)
{
	const struct gov_item *it = &m->items[i];

	if (it->follow_up && *it->follow_up)
		add(mn, MB_LABELLED, "Fortsatt hantering", it->follow_up, NULL);
	for (size_t k = 0; k < m->nactions; k++) {
		const struct gov_action *a = &m->actions[k];
		char line[1024];
		if (a->item != i)
			continue;
		snprintf(line, sizeof(line), "%s: %s%s%s", a->owner, a->description,
			 a->due_on && *a->due_on ? ", senast " : "", a->due_on ? a->due_on : "");
		add(mn, MB_LABELLED, "Åtgärd", line, NULL);
	}
}

void gov_minutes_build(const struct gov_meeting *m, struct minutes *mn)
{
	char title[300], date[11], from[6], until_date[11], until[6], when[64], form[300];
	char current[8] = "";

	memset(mn, 0, sizeof(*mn));
	snprintf(title, sizeof(title), "Mötesanteckning %s", m->body_name);
	add(mn, MB_TITLE, title, NULL, NULL);
	split_time(m->starts_at, date, from);
	split_time(m->ends_at, until_date, until);
	if (*until)
		snprintf(when, sizeof(when), "%s kl. %s-%s", date, from, until);
	else
		snprintf(when, sizeof(when), "%s kl. %s", date, from);
	add(mn, MB_FIELD, "Tid", when, NULL);
	if (m->form && strcmp(m->form, "digital") == 0)
		snprintf(form, sizeof(form), "Digitalt%s%s", m->place && *m->place ? " via " : "",
			 m->place ? m->place : "");
	else
		snprintf(form, sizeof(form), "Fysiskt möte%s%s", m->place && *m->place ? ", " : "",
			 m->place ? m->place : "");
	add(mn, MB_FIELD, "Mötesform", form, NULL);
	attendance(m, mn);

	for (size_t i = 0; i < m->nitems; i++) {
		const struct gov_item *it = &m->items[i];
		char main[8], label[16];
		const char *letter;

		item_parts(it->number, main, &letter);
		if (!*letter) {
			snprintf(label, sizeof(label), "%s.", main);
			add(mn, MB_ITEM, label, it->title, NULL);
		} else {
			if (strcmp(main, current) != 0) {
				snprintf(label, sizeof(label), "%s.", main);
				add(mn, MB_ITEM, label, group_title(it->type), NULL);
			}
			snprintf(label, sizeof(label), "%s)", letter);
			add(mn, MB_SUBITEM, label, it->title, NULL);
		}
		snprintf(current, sizeof(current), "%s", main);
		if (it->presenter && *it->presenter)
			add(mn, MB_LABELLED, "Föredragande", it->presenter, NULL);
		paragraphs(mn, it->text);
		position(m, i, mn);
		follow_up(m, i, mn);
	}
}
