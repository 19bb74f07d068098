/* Writes N lines of order facts for `lmn rules eval`, deterministic for a seed: receipts over
 * 2018-05-01…2027-12-31 at all times of day (a quarter around the 14:00 cut-off), every kind,
 * requester and flag, entered_by and area sometimes, some offsets, and ~1 % invalid lines.
 * Usage: gen_facts [COUNT [SEED]] > facts.jsonl */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rules/date.h"

static uint64_t state;

/* xorshift64*: small, fast, and the same sequence on every machine. */
static uint32_t rnd(uint32_t n)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)(((state * 0x2545F4914F6CDD1DULL) >> 32) % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}

#define PICK(v) pick((v), sizeof(v) / sizeof((v)[0]))

/* The kinds of mistakes a real batch carries: each answered with an invalid_input line. */
static void invalid_line(lmn_day day)
{
	static const struct {
		const char *before, *after; /* around the date */
	} bad[] = {
		{ "{\"received\":\"", " 25:00\"}" },
		{ "{\"received\":\"", "T10:00\",\"kind\":\"urgent\"}" },
		{ "{\"received\":\"", "T10:00\",\"requested_by\":\"doctor\"}" },
		{ "{\"received\":\"", "T10:00\",\"colour\":\"red\"}" },
		{ "{\"received\":\"", "T10:00\",\"stocked\":\"yes\"}" },
		{ "{\"received\":\"", "T10:00\",\"area\":\"wound care\"}" },
		{ "{\"received\":\"", "T10:00\"" },
		{ "{\"kind\":\"acute\",\"note\":\"", "\"}" },
		{ "{\"received\":\"", "T10:00+1\"}" },
		{ "not json ", "" },
	};
	char d[11];
	uint32_t k = rnd(sizeof(bad) / sizeof(bad[0]));

	date_format(day, d);
	printf("%s%s%s\n", bad[k].before, d, bad[k].after);
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "normal", "normal", "normal", "normal",
					     "acute",  "acute",	 "express" };
	static const char *const roles[] = { "patient",
					     "patient",
					     "prescriber",
					     "prescriber",
					     "municipal_prescriber",
					     "municipal_orderer",
					     "customer_service" };
	static const char *const zones[] = { "", "", "", "", "", "", "+01:00", "+02:00", "Z" };
	static const char *const areas[] = { "nutrition", "incontinence" };
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	lmn_day first = date_from_ymd(2018, 5, 1), last = date_from_ymd(2027, 12, 31);

	if (n < 0) {
		fprintf(stderr, "usage: gen_facts [COUNT [SEED]]\n");
		return 2;
	}
	state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20261122;
	if (state == 0)
		state = 1;
	for (long i = 0; i < n; i++) {
		lmn_day day = first + (lmn_day)rnd((uint32_t)(last - first + 1));
		int sec = (int)rnd(86400);
		char d[11];

		if (rnd(100) == 0) {
			invalid_line(day);
			continue;
		}
		date_format(day, d);
		if (rnd(4) == 0) /* around the 14:00 cut-off */
			sec = 13 * 3600 + 50 * 60 + (int)rnd(20 * 60);
		printf("{\"received\":\"%sT%02d:%02d", d, sec / 3600, sec / 60 % 60);
		if (rnd(3))
			printf(":%02d", sec % 60);
		fputs(PICK(zones), stdout);
		printf("\",\"kind\":\"%s\",\"requested_by\":\"%s\"", PICK(kinds), PICK(roles));
		if (rnd(5) == 0)
			printf(",\"entered_by\":\"%s\"", rnd(2) ? "customer_service" : PICK(roles));
		if (rnd(4))
			printf(",\"area\":\"%s\"", PICK(areas));
		if (rnd(2))
			printf(",\"stocked\":%s", rnd(10) ? "true" : "false");
		if (rnd(2))
			printf(",\"acute_assortment\":%s", rnd(3) ? "true" : "false");
		if (rnd(3) == 0)
			printf(",\"special\":%s", rnd(5) ? "false" : "true");
		fputs("}\n", stdout);
	}
	return 0;
}
