/* Unit tests of the pure governance logic: outcomes with quorum and mandate, the minutes model,
 * the word diff of specification versions, and the compliance checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "governance/compliance.h"
#include "governance/meeting.h"
#include "governance/textdiff.h"
#include "governance/whatif.h"

static char *s(const char *x)
{
	return strdup(x);
}

/* A body with parties A and B: A has a chair and two members, B a vice chair, one member and a
 * vacant member seat; B also has an adjunct. People 1–3 are A's, 4–5 B's, 6 the adjunct, 7 a
 * guest without a seat. Items 1, 2a, 2b (decisions) and 3 (information). */
static void fixture(struct gov_meeting *m, enum body_kind kind)
{
	static const struct {
		const char *party;
		enum seat_role role;
		int64_t person;
		const char *title;
	} seats[] = {
		{ "A", SEAT_CHAIR, 1, "Ordf" },	 { "A", SEAT_MEMBER, 2, "A2" },
		{ "A", SEAT_MEMBER, 3, "A3" },	 { "B", SEAT_VICE_CHAIR, 4, "Vice" },
		{ "B", SEAT_MEMBER, 5, "B5" },	 { "B", SEAT_MEMBER, 0, "Vakans" },
		{ "B", SEAT_ADJUNCT, 6, "Adj" },
	};
	static const char *const numbers[] = { "1", "2a", "2b", "3" };
	gov_meeting_init(m);
	m->body_code = s("X");
	m->body_name = s("Gruppen");
	m->parent_name = s("Rådet");
	m->kind = kind;
	m->quorum.required =
		kind == BODY_COUNCIL; /* as the store reads a body without its own rule */
	m->mandate_limit_ore = 5000000;
	m->starts_at = s("2026-05-01T09:00");
	m->ends_at = s("2026-05-01T11:00");
	m->form = s("digital");
	m->place = s("Teams");
	m->notice_sent_on = s("");
	for (size_t i = 0; i < sizeof(seats) / sizeof(seats[0]); i++) {
		struct gov_seat *st = gov_meeting_add_seat(m);
		st->party = gov_meeting_party(m, seats[i].party);
		st->role = seats[i].role;
		st->person_id = seats[i].person;
		st->title = s(seats[i].title);
	}
	for (int64_t p = 1; p <= 7; p++) {
		struct gov_person *pe = gov_meeting_add_person(m);
		char name[16];
		snprintf(name, sizeof(name), "Person %lld", (long long)p);
		pe->id = p;
		pe->name = s(name);
		pe->organisation = s(p == 7 ? "Gästorg" : "");
	}
	for (size_t i = 0; i < 4; i++) {
		struct gov_item *it = gov_meeting_add_item(m);
		it->id = (int64_t)i + 10;
		snprintf(it->number, sizeof(it->number), "%s", numbers[i]);
		it->type = i == 3 ? ITEM_INFORMATION : ITEM_DECISION;
		it->title = s("Rubrik");
		it->presenter = s("");
		it->text = s("");
		it->position = s("");
		it->follow_up = s("");
	}
}

static void present(struct gov_meeting *m, int64_t person, size_t from, size_t until, bool written)
{
	for (size_t i = from; i <= until; i++) {
		struct gov_part *p = gov_meeting_add_part(m);
		p->item = i;
		p->person_id = person;
		p->written = written;
	}
}

static void decided_needs_quorum_of_each_party(void **state)
{
	struct gov_meeting m;
	char why[600];
	const char *rule;

	(void)state;
	fixture(&m, BODY_COUNCIL);
	present(&m, 1, 0, 3, false);
	present(&m, 2, 0, 3, false); /* A 2 of 3 */
	present(&m, 6, 0, 3, false); /* the adjunct: does not count */
	assert_false(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_string_equal(rule, "D:beslutsmässighet");
	assert_non_null(strstr(why, "B saknar 1 (0 av 2 utsedda deltar)"));
	assert_null(strstr(why, "A saknar"));
	/* Remitting, striking and deferring need no quorum. */
	assert_true(gov_meeting_outcome_allowed(&m, 1, OUTCOME_REMITTED, why, sizeof(why), &rule));
	assert_true(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DEFERRED, why, sizeof(why), &rule));
	present(&m, 5, 1, 1,
		true); /* B's member in writing for 2a only: exactly half of B (1 of 2) */
	assert_true(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_false(gov_meeting_outcome_allowed(&m, 2, OUTCOME_DECIDED, why, sizeof(why), &rule));
	gov_meeting_release(&m);
}

/* Written participation counts only when given before the meeting starts ("inför mötet"). */
static void written_counts_only_before_start(void **state)
{
	static const struct {
		const char *given_at;
		int took_part;
	} cases[] = {
		{ "2026-04-30T16:00", 2 }, /* the day before */
		{ "2026-05-01T08:59", 2 }, /* a minute before the start */
		{ "2026-05-01T09:00", 0 }, /* at the start */
		{ "2026-05-01T09:30", 0 }, /* during the meeting */
		{ "2026-05-02T10:00", 0 }, /* after it */
	};
	struct gov_meeting m;
	char why[600];
	const char *rule;

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		fixture(&m, BODY_COUNCIL);
		present(&m, 2, 0, 3, false); /* A 1 of 2 */
		present(&m, 5, 1, 1, true);  /* B's member in writing for 2a */
		snprintf(m.parts[m.nparts - 1].given_at, sizeof(m.parts[0].given_at), "%s",
			 cases[c].given_at);
		assert_int_equal(gov_meeting_took_part(&m, 1, 5), cases[c].took_part);
		assert_int_equal(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DECIDED, why,
							     sizeof(why), &rule),
				 cases[c].took_part == 2);
		gov_meeting_release(&m);
	}
}

static void information_is_only_noted(void **state)
{
	struct gov_meeting m;
	char why[600];
	const char *rule;

	(void)state;
	fixture(&m, BODY_COUNCIL);
	assert_false(gov_meeting_outcome_allowed(&m, 3, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_string_equal(rule, "D:utfall");
	/* The outcome is named in Swedish, never by its enum name (issue 20). */
	assert_non_null(strstr(why, "avslutas med noterat"));
	assert_null(strstr(why, "noted"));
	assert_true(gov_meeting_outcome_allowed(&m, 3, OUTCOME_NOTED, why, sizeof(why), &rule));
	assert_false(gov_meeting_outcome_allowed(&m, 0, OUTCOME_NOTED, why, sizeof(why), &rule));
	assert_non_null(strstr(why, "beslutat, återremitterat, avfört eller bordlagt"));
	m.items[0].type = ITEM_PROCEDURAL;
	assert_false(gov_meeting_outcome_allowed(&m, 0, OUTCOME_STRUCK, why, sizeof(why), &rule));
	assert_non_null(strstr(why, "formalia och avslutas med beslutat eller noterat"));
	assert_null(strstr(why, "decided"));
	m.items[0].type = ITEM_DECISION;
	/* Only a preparation group proposes to the council. */
	assert_false(gov_meeting_outcome_allowed(&m, 0, OUTCOME_PROPOSED, why, sizeof(why), &rule));
	gov_meeting_release(&m);
}

static void preparation_group_mandate(void **state)
{
	struct gov_meeting m;
	char why[600];
	const char *rule;

	(void)state;
	fixture(&m, BODY_PREPARATION);
	present(&m, 1, 0, 3, false);
	present(&m, 2, 0, 3, false);
	present(&m, 4, 0, 3, false);
	m.items[0].matter = MATTER_IT_ADAPTATION;
	m.items[0].cost_ore = 5000000; /* exactly the limit: within */
	assert_true(gov_meeting_outcome_allowed(&m, 0, OUTCOME_DECIDED, why, sizeof(why), &rule));
	m.items[0].cost_ore = 5000001;
	assert_false(gov_meeting_outcome_allowed(&m, 0, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_string_equal(rule, "D:mandat");
	assert_non_null(strstr(why, "50 000 kr"));
	assert_non_null(strstr(why, "Rådet"));
	m.items[0].cost_ore = -1; /* unknown cost: refused, asks for it */
	assert_false(gov_meeting_outcome_allowed(&m, 0, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_non_null(strstr(why, "saknas"));
	m.items[1].matter = MATTER_ASSORTMENT;
	assert_true(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DECIDED, why, sizeof(why), &rule));
	/* Editorial handbook changes are within the mandate; a substantive one is a proposal. */
	m.items[1].matter = MATTER_HANDBOOK_EDITORIAL;
	assert_true(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DECIDED, why, sizeof(why), &rule));
	m.items[1].matter = MATTER_HANDBOOK;
	assert_false(gov_meeting_outcome_allowed(&m, 1, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_string_equal(rule, "D:mandat");
	assert_non_null(strstr(why, "redaktionella ändringar i handboken"));
	assert_non_null(strstr(why, "(utfall: förslag till rådet)"));
	assert_null(strstr(why, "proposed"));
	assert_true(gov_meeting_outcome_allowed(&m, 1, OUTCOME_PROPOSED, why, sizeof(why), &rule));
	m.items[2].matter = MATTER_OTHER;
	assert_false(gov_meeting_outcome_allowed(&m, 2, OUTCOME_DECIDED, why, sizeof(why), &rule));
	assert_true(gov_meeting_outcome_allowed(&m, 2, OUTCOME_PROPOSED, why, sizeof(why), &rule));
	gov_meeting_release(&m);
}

/* The block of kind k with text b, or a block saying so (which fails the comparisons). */
static const struct minutes_block *find(const struct minutes *mn, enum minutes_block_kind k,
					const char *b)
{
	static struct minutes_block none = { MB_PARAGRAPH, "(not found)", "(not found)",
					     "(not found)" };

	for (size_t i = 0; i < mn->n; i++)
		if (mn->blocks[i].kind == k && strcmp(mn->blocks[i].b, b) == 0)
			return &mn->blocks[i];
	return &none;
}

static bool has(const struct minutes *mn, enum minutes_block_kind k, const char *b)
{
	return find(mn, k, b)->kind == k && strcmp(find(mn, k, b)->b, b) == 0;
}

static void minutes_attendance_and_positions(void **state)
{
	struct gov_meeting m;
	struct minutes mn;
	const struct minutes_block *b;
	struct buf html;

	(void)state;
	fixture(&m, BODY_COUNCIL);
	present(&m, 1, 0, 3, false);
	present(&m, 2, 0, 1, false); /* leaves after 2a */
	present(&m, 4, 2, 3, false); /* comes at 2b */
	present(&m, 7, 1, 1, false); /* guest for 2a */
	present(&m, 7, 3, 3, false); /* … and 3 */
	present(&m, 5, 2, 2, true);  /* B5 in writing for 2b */
	m.items[2].outcome = OUTCOME_DECIDED;
	m.items[3].outcome = OUTCOME_NOTED;
	gov_minutes_build(&m, &mn);
	assert_false(mn.failed);
	assert_string_equal(mn.blocks[0].a, "Mötesanteckning Gruppen");
	assert_string_equal(mn.blocks[1].b, "2026-05-01 kl. 09:00-11:00");
	assert_string_equal(mn.blocks[2].b, "Digitalt via Teams");
	b = find(&mn, MB_ATTENDEE, "Person 2");
	assert_string_equal(b->c, "A2 (till och med punkt 2a)");
	b = find(&mn, MB_ATTENDEE, "Person 4");
	assert_string_equal(b->a, "Vice ordf.");
	assert_string_equal(b->c, "Vice (från punkt 2b)");
	b = find(&mn, MB_ATTENDEE, "Person 7");
	assert_string_equal(b->a, "Inbjudna");
	assert_string_equal(b->c, "Gästorg (punkt 2a och 3)");
	b = find(&mn, MB_ATTENDEE, "Person 3"); /* never there: heads the absent */
	assert_string_equal(b->a, "Frånvarande");
	assert_string_equal(b->c, "A3");
	b = find(&mn, MB_ATTENDEE, "Person 5");
	assert_string_equal(b->a, "");
	assert_string_equal(b->c, "B5 (deltog skriftligt)");
	b = find(&mn, MB_ATTENDEE, "Person 6");
	assert_string_equal(b->c, "Adj (adjungerad)");
	b = find(&mn, MB_ATTENDEE, "B");
	assert_string_equal(b->a, "Vakant");
	/* Sub-items get their group's heading; positions are written from the outcome. */
	assert_true(has(&mn, MB_ITEM, "Beslutsärenden"));
	assert_true(has(&mn, MB_LABELLED,
			"Gruppen ställer sig bakom förslaget. (Person 5, B5, har via mejl "
			"ställt sig bakom förslaget.)"));
	assert_true(has(&mn, MB_LABELLED, "Gruppen tackar för informationen."));
	buf_init(&html, 0);
	gov_minutes_html(&mn, &html);
	assert_non_null(strstr(html.data, "<h1>Mötesanteckning Gruppen</h1>"));
	assert_non_null(strstr(html.data, "<h3>a) Rubrik</h3>"));
	buf_release(&html);
	minutes_release(&mn);
	gov_meeting_release(&m);
}

static void minutes_group_headings_do_not_count(void **state)
{
	struct gov_meeting m;
	struct minutes mn;

	(void)state;
	fixture(&m, BODY_COUNCIL);
	/* Agenda 1, 2a, 2b, 3 with the heading "2" before 2a. */
	struct gov_item *h = gov_meeting_add_item(&m);
	h->id = 99;
	snprintf(h->number, sizeof(h->number), "2");
	h->type = ITEM_PROCEDURAL;
	h->title = s("Beslutsärenden");
	h->presenter = s("");
	h->text = s("");
	h->position = s("");
	h->follow_up = s("");
	struct gov_item tmp = m.items[4];
	memmove(&m.items[2], &m.items[1], 3 * sizeof(m.items[0]));
	m.items[1] = tmp;
	present(&m, 1, 0, 0, false);
	present(&m, 1, 2, 4, false); /* every item but the heading */
	present(&m, 2, 0, 2, false); /* 1, the heading, 2a */
	gov_minutes_build(&m, &mn);
	assert_string_equal(find(&mn, MB_ATTENDEE, "Person 1")->c, "Ordf");
	assert_string_equal(find(&mn, MB_ATTENDEE, "Person 2")->c, "A2 (till och med punkt 2a)");
	assert_true(has(&mn, MB_ITEM, "Beslutsärenden"));
	minutes_release(&mn);
	gov_meeting_release(&m);
}

static void minutes_escape_values(void **state)
{
	struct gov_meeting m;
	struct minutes mn;
	struct buf html;

	(void)state;
	fixture(&m, BODY_COUNCIL);
	free(m.items[0].title);
	m.items[0].title = s("<script>\"x\" & 'y'</script>");
	gov_minutes_build(&m, &mn);
	buf_init(&html, 0);
	gov_minutes_html(&mn, &html);
	assert_null(strstr(html.data, "<script>"));
	assert_non_null(
		strstr(html.data, "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"));
	buf_release(&html);
	minutes_release(&mn);
	gov_meeting_release(&m);
}

/* Rebuilds the old (same+del) and the new (same+add) text from the spans. */
static void rebuild(const char *a, const char *b, const struct text_diff *d, char *oa, char *ob)
{
	size_t la = 0, lb = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct diff_span *sp = &d->spans[i];
		if (sp->op != DIFF_ADD) {
			memcpy(oa + la, a + sp->start, sp->len);
			la += sp->len;
		}
		if (sp->op == DIFF_ADD) {
			memcpy(ob + lb, b + sp->start, sp->len);
			lb += sp->len;
		} else if (sp->op == DIFF_SAME) {
			memcpy(ob + lb, a + sp->start, sp->len);
			lb += sp->len;
		}
	}
	oa[la] = ob[lb] = '\0';
}

static void word_diff(void **state)
{
	const char *a = "Akut leverans kan begäras av förskrivare eller patient. Express finns.";
	const char *b = "Akut leverans kan enbart begäras av förskrivare.";
	struct text_diff d;
	struct lmn_err err;
	char oa[256], ob[256];

	(void)state;
	assert_int_equal(text_diff(a, b, &d, &err), LMN_OK);
	rebuild(a, b, &d, oa, ob);
	assert_string_equal(oa, a);
	assert_string_equal(ob, b);
	/* The first change is the added "enbart"; removed words come before added ones. */
	assert_int_equal(d.spans[0].op, DIFF_SAME);
	assert_int_equal(d.spans[1].op, DIFF_ADD);
	assert_memory_equal(b + d.spans[1].start, "enbart ", 7);
	for (size_t i = 1; i < d.n; i++)
		assert_false(d.spans[i - 1].op == DIFF_ADD && d.spans[i].op == DIFF_DEL);
	text_diff_release(&d);
	assert_int_equal(text_diff("lika text", "lika text", &d, &err), LMN_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.spans[0].op, DIFF_SAME);
	text_diff_release(&d);
	assert_int_equal(text_diff("", "ny", &d, &err), LMN_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.spans[0].op, DIFF_ADD);
	text_diff_release(&d);
}

static void word_diff_refuses_huge_texts(void **state)
{
	size_t n = (TEXT_DIFF_MAX_WORDS + 1) * 2;
	char *big = malloc(n + 1);
	struct text_diff d;
	struct lmn_err err;

	(void)state;
	for (size_t i = 0; i < n; i += 2)
		big[i] = 'x', big[i + 1] = ' ';
	big[n] = '\0';
	assert_int_equal(text_diff(big, "x", &d, &err), LMN_EINVAL);
	free(big);
}

static void compliance_checks(void **state)
{
	const char *parties[] = { "VGR", "VGK" };
	char why[300];
	int ahead;

	(void)state;
	assert_true(compliance_meetings(6, 6, 0, why, sizeof(why)));
	assert_false(compliance_meetings(5, 6, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "minst 6"));
	assert_false(compliance_meetings(9, 6, 8, why, sizeof(why)));
	/* Two years each, swapping. */
	assert_true(compliance_alternation((int[]){ 1, 1, 0, 0 }, (int[]){ 0, 0, 1, 1 }, 4, parties,
					   why, sizeof(why)));
	assert_true(compliance_alternation((int[]){ 1, 1, 0 }, (int[]){ 0, 0, 1 }, 3, parties, why,
					   sizeof(why)));
	/* Three years in a row. */
	assert_false(compliance_alternation((int[]){ 1, 0, 0, 0 }, (int[]){ 0, 1, 1, 1 }, 4,
					    parties, why, sizeof(why)));
	assert_non_null(strstr(why, "VGR har haft ordförandeskapet 3 år"));
	/* A period of one year. */
	assert_false(compliance_alternation((int[]){ 0, 0, 1, 0 }, (int[]){ 1, 1, 0, 1 }, 4,
					    parties, why, sizeof(why)));
	/* Chair and vice of the same party. */
	assert_false(
		compliance_alternation((int[]){ 0 }, (int[]){ 0 }, 1, parties, why, sizeof(why)));
	assert_true(compliance_notice("2026-05-14T13:00", "2026-04-30", 14, &ahead));
	assert_int_equal(ahead, 14);
	assert_false(compliance_notice("2026-05-14T13:00", "2026-05-01", 14, &ahead));
	assert_int_equal(ahead, 13);
	assert_false(compliance_notice("2026-05-14T13:00", "", 14, &ahead));
	assert_int_equal(ahead, -1);
}

static void whatif_figures(void **state)
{
	/* Day numbers, today 20: due 10 vs 9; first delivered on 9, 10 and never; contact from 12
	 * (exempt under the proposal once); one not due yet; one the proposal refuses. */
	const struct whatif_order o[] = {
		{ 10, 9, 12, 12, 9, false },
		{ 10, 9, 12, 12, 10, false },
		{ 10, 10, 12, LMN_DAY_NONE, LMN_DAY_NONE, false },
		{ 10, 11, 30, 30, 10, false },		 /* contact day still to come on day 20 */
		{ 25, 25, 27, 27, LMN_DAY_NONE, false }, /* not settled: due after today */
		{ 10, 10, 12, 12, 11, true },
	};
	struct whatif_figures f;

	(void)state;
	whatif_tally(o, 6, 20, &f);
	assert_int_equal(f.orders, 6);
	/* As the report counts: on time over settled (delivered, or due before today) */
	assert_int_equal(f.base.orders, 6);
	assert_int_equal(f.base.exempt, 0);
	assert_int_equal(f.base.settled, 5);
	assert_int_equal(f.base.on_time, 3);
	assert_int_equal(f.base.past_contact, 1);
	assert_int_equal(f.refused_alt, 1);
	assert_int_equal(f.alt.orders, 5);
	assert_int_equal(f.alt.exempt, 1);
	assert_int_equal(f.alt.settled, 3);
	assert_int_equal(f.alt.on_time, 2); /* the one delivered on 10 is late against 9 */
	assert_int_equal(f.alt.past_contact, 0);
	assert_int_equal(f.due_changed, 3);
	assert_int_equal(f.due_earlier, 2);
	assert_int_equal(f.due_later, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decided_needs_quorum_of_each_party),
		cmocka_unit_test(information_is_only_noted),
		cmocka_unit_test(written_counts_only_before_start),
		cmocka_unit_test(preparation_group_mandate),
		cmocka_unit_test(minutes_attendance_and_positions),
		cmocka_unit_test(minutes_group_headings_do_not_count),
		cmocka_unit_test(minutes_escape_values),
		cmocka_unit_test(word_diff),
		cmocka_unit_test(word_diff_refuses_huge_texts),
		cmocka_unit_test(compliance_checks),
		cmocka_unit_test(whatif_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
