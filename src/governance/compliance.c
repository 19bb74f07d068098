/* Compliance checks of a governance body: see compliance.h. */
#include "governance/compliance.h"

#include <stdio.h>
#include <string.h>

#include "rules/date.h"

bool compliance_meetings(int held, int min, int max, char *why, size_t n)
{
	if (min && held < min) {
		snprintf(why, n, "%d möten, färre än minst %d.", held, min);
		return false;
	}
	if (max && held > max) {
		snprintf(why, n, "%d möten, fler än högst %d.", held, max);
		return false;
	}
	snprintf(why, n, "%d möten.", held);
	return true;
}

static const char *name(const char *const *party, int p)
{
	return p >= 0 ? party[p] : "okänd";
}

bool compliance_alternation(const int *chair, const int *vice, int nyears, const char *const *party,
			    char *why, size_t n)
{
	int y = nyears - 1, run = 1;

	if (nyears < 1 || chair[y] < 0) {
		snprintf(why, n, "Ingen ordförande det året.");
		return false;
	}
	if (vice[y] < 0 || vice[y] == chair[y]) {
		snprintf(why, n,
			 "Ordförande och vice ordförande ska komma från olika parter (%s och %s).",
			 name(party, chair[y]), name(party, vice[y]));
		return false;
	}
	while (y - run >= 0 && chair[y - run] == chair[y])
		run++;
	if (run > 2) {
		snprintf(why, n,
			 "%s har haft ordförandeskapet %d år i följd; det ska växla vartannat år.",
			 name(party, chair[y]), run);
		return false;
	}
	/* A new chair after a period of a single year means the previous period was cut short. */
	if (run == 1 && y >= 2 && chair[y - 1] >= 0 && chair[y - 2] != chair[y - 1]) {
		snprintf(why, n,
			 "%s hade ordförandeskapet bara ett år; det ska växla vartannat år.",
			 name(party, chair[y - 1]));
		return false;
	}
	snprintf(why, n, "Ordförande från %s, vice ordförande från %s.", name(party, chair[y]),
		 name(party, vice[y]));
	return true;
}

bool compliance_notice(const char *meeting_day, const char *notice_on, int days, int *ahead)
{
	lmn_day m, s;

	*ahead = -1;
	if (!notice_on || strlen(notice_on) < 10 || !meeting_day || strlen(meeting_day) < 10 ||
	    date_parse(meeting_day, 10, &m) != LMN_OK || date_parse(notice_on, 10, &s) != LMN_OK)
		return false;
	*ahead = m - s;
	return *ahead >= days;
}
