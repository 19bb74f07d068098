/* Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian) and ISO 8601 text. */
#ifndef LMN_UTIL_DATE_H
#define LMN_UTIL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rc.h"

typedef int32_t lmn_day;
#define LMN_DAY_NONE INT32_MIN

lmn_day date_from_ymd(int y, int m, int d); /* caller checks date_valid_ymd first */
void date_to_ymd(lmn_day day, int *y, int *m, int *d);
bool date_valid_ymd(int y, int m, int d);
int date_days_in_month(int y, int m);
int date_weekday(lmn_day day); /* ISO: 1 = Monday … 7 = Sunday */
int date_year(lmn_day day);

/* Exactly "YYYY-MM-DD" in the first n bytes of s. */
LMN_MUST_USE enum lmn_rc date_parse(const char *s, size_t n, lmn_day *out);
/* Writes "YYYY-MM-DD" and a NUL (11 bytes) for years 0000–9999. */
void date_format(lmn_day day, char out[11]);

#endif
