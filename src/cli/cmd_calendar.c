/* lmn calendar: Swedish working days from the command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/calendar.h"

static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_day(const char *s, lmn_day *d)
{
	return date_parse(s, strlen(s), d) == LMN_OK;
}

static int holidays(int argc, char **argv)
{
	struct holiday h[CALENDAR_MAX_PER_YEAR];
	long year;
	size_t n;

	if (argc != 2 || !parse_int(argv[1], CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, &year)) {
		cli_error("usage: lmn calendar holidays YEAR (%d–%d)", CALENDAR_FIRST_YEAR,
			  CALENDAR_LAST_YEAR);
		return EXIT_USAGE;
	}
	n = calendar_holidays((int)year, h);
	for (size_t i = 0; i < n; i++) {
		char d[11];
		if (i > 0 && h[i].day == h[i - 1].day) {
			printf(", %s", holiday_name_sv(h[i].id));
			continue;
		}
		if (i > 0)
			putchar('\n');
		date_format(h[i].day, d);
		printf("%s\t%s", d, holiday_name_sv(h[i].id));
	}
	if (n)
		putchar('\n');
	return 0;
}

static int add(int argc, char **argv)
{
	lmn_day day, out;
	long n;
	char d[11];

	if (argc != 3 || !parse_day(argv[1], &day) || !parse_int(argv[2], -100000, 100000, &n)) {
		cli_error("usage: lmn calendar add YYYY-MM-DD N");
		return EXIT_USAGE;
	}
	if (calendar_add_working_days(day, (int)n, &out) != LMN_OK) {
		cli_error("the answer lies outside the calendar (%d–%d)", CALENDAR_FIRST_YEAR,
			  CALENDAR_LAST_YEAR);
		return 1;
	}
	date_format(out, d);
	puts(d);
	return 0;
}

static int between(int argc, char **argv)
{
	lmn_day from, to;
	int n;

	if (argc != 3 || !parse_day(argv[1], &from) || !parse_day(argv[2], &to)) {
		cli_error("usage: lmn calendar between YYYY-MM-DD YYYY-MM-DD");
		return EXIT_USAGE;
	}
	if (calendar_working_days_between(from, to, &n) != LMN_OK) {
		cli_error("dates outside the calendar (%d–%d)", CALENDAR_FIRST_YEAR,
			  CALENDAR_LAST_YEAR);
		return 1;
	}
	printf("%d\n", n);
	return 0;
}

int cmd_calendar(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "holidays") == 0)
		return holidays(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "between") == 0)
		return between(argc - 1, argv + 1);
	cli_error("usage: lmn calendar holidays YEAR | add DATE N | between FROM TO");
	return EXIT_USAGE;
}
