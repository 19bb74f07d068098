/* The checks of a body's compliance report (GOVERNANCE.md "Compliance checks the system
 * reports"): meetings per year against the minimum and maximum, the chair/vice alternation every
 * second year, notices ahead of the meeting. Pure: no I/O; the store supplies the facts. */
#ifndef LMN_COMPLIANCE_H
#define LMN_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

/* Meetings held in a year against the body's minimum and maximum (0: none). Writes a Swedish
 * verdict into why; true when within. */
bool compliance_meetings(int held, int min, int max, char *why, size_t n);

/* The chair and vice chair alternate between the parties every second year: party indexes of
 * the chair and the vice chair for consecutive years (first = the earliest; -1 unknown), the
 * report's year last. In each two-year period the chair belongs to one party and the vice chair
 * to the other; the next period swaps them. Checks the report's year; why explains a breach. */
bool compliance_alternation(const int *chair, const int *vice, int nyears, const char *const *party,
			    char *why, size_t n);

/* A notice sent on notice_on (YYYY-MM-DD, NULL or "" when none) for a meeting on meeting_day:
 * true when at least days ahead; *ahead gets the days between them (-1 when not sent). */
bool compliance_notice(const char *meeting_day, const char *notice_on, int days, int *ahead);

#endif
