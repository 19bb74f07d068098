/* Writes N lines of order facts for `lmn rules eval` (deterministic for a seed): receipts over
 * 2018–2027 at all times of day, every kind, requester and flag, some offsets, ~1 % invalid lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rules/date.h"

static uint64_t state;

static uint32_t rnd(uint32_t n)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)((state >> 11) % n);
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "normal", "normal", "normal", "acute", "express" };
	static const char *const roles[] = { "patient", "prescriber", "municipal_prescriber",
					     "municipal_orderer", "customer_service" };
	static const char *const zones[] = { "", "", "", "+01:00", "Z" };
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	lmn_day first = date_from_ymd(2018, 5, 1), last = date_from_ymd(2027, 12, 31);

	state = argc > 2 ? strtoull(argv[2], NULL, 10) | 1 : 20261122;
	for (long i = 0; i < n; i++) {
		char day[11];
		int sec = (int)rnd(86400);

		if (rnd(100) == 0) {
			puts("{\"received\":\"2026-13-01T10:00\"}");
			continue;
		}
		date_format(first + (lmn_day)rnd((uint32_t)(last - first)), day);
		if (rnd(4) == 0) /* around the 14:00 cut-off */
			sec = 13 * 3600 + 55 * 60 + (int)rnd(600);
		if (sec / 3600 == 2)
			sec += 3600; /* keep clear of the skipped spring hour */
		printf("{\"received\":\"%sT%02d:%02d:%02d%s\",\"kind\":\"%s\",\"requested_by\":\"%s\","
		       "\"area\":\"%s\",\"stocked\":%s,\"acute_assortment\":%s,\"special\":%s}\n",
		       day, sec / 3600, sec / 60 % 60, sec % 60, zones[rnd(5)], kinds[rnd(5)],
		       roles[rnd(5)], rnd(2) ? "nutrition" : "incontinence", rnd(10) ? "true" : "false",
		       rnd(3) ? "false" : "true", rnd(20) ? "false" : "true");
	}
	return 0;
}
