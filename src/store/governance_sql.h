/* SQL fragments the governance store files share (store only): who holds a seat of a body, and
 * whether a seat or a term is in force on a day. */
#ifndef LMN_GOVERNANCE_SQL_H
#define LMN_GOVERNANCE_SQL_H

/* The person (an SQL expression) holds or held a seat of the body (an SQL expression) in a term
 * t that also meets the condition more ("" or " AND …" on t and the seat s). */
#define GOV_SQL_SEAT_HELD(body, person, more)                                                    \
	"EXISTS (SELECT 1 FROM terms t JOIN seats s ON s.id = t.seat_id WHERE s.body_id = " body \
	" AND t.person_id = " person more ")"

/* The person holds or held a seat of the body, in any term: a member sees that body, its
 * meetings and its actions. */
#define GOV_SQL_MEMBER_OF(body, person) GOV_SQL_SEAT_HELD(body, person, "")

/* The person holds a seat of the body on day (an SQL expression). */
#define GOV_SQL_MEMBER_ON(body, person, day) \
	GOV_SQL_SEAT_HELD(body, person, " AND " GOV_SQL_TERM_ON("t", day))

/* Term t (an alias) covers day (an SQL expression). */
#define GOV_SQL_TERM_ON(t, day) \
	t ".from_date <= " day " AND (" t ".to_date IS NULL OR " t ".to_date >= " day ")"

/* Seat s (an alias) exists on day (an SQL expression). */
#define GOV_SQL_SEAT_ON(s, day)                                      \
	"coalesce(" s ".active_from, '') <= " day " AND coalesce(" s \
	".active_until, '9999') >= " day

#endif
