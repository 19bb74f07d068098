/* Day-number arithmetic: the era-based conversion between civil dates and a day count. */
#include "util/date.h"

#include <string.h>

bool date_valid_ymd(int y, int m, int d)
{
	return y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

int date_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap);
}

/* Years counted from March, so the leap day ends the year; 400-year eras of 146097 days. */
lmn_day date_from_ymd(int y, int m, int d)
{
	int yy = m <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int mp = (m + 9) % 12; /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (lmn_day)(era * 146097 + doe - 719468);
}

/* The general conversion, for any day. */
static void to_ymd_era(lmn_day day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int mm = mp < 10 ? mp + 3 : mp - 9;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mm;
	*y = yoe + era * 400 + (mm <= 2);
}

/* Neri and Schneider, "Euclidean affine functions and their application to calendar algorithms"
 * (2022): the same result with a few multiplications instead of divisions. Every answer line
 * formats a date or two. The day is shifted by 82 eras so that all arithmetic is unsigned. */
#define NS_SHIFT 82u
#define NS_K	 (719468u + 146097u * NS_SHIFT)

void date_to_ymd(lmn_day day, int *y, int *m, int *d)
{
	uint32_t n, n1, c, nc, n2, z, ny, yy, n3, mm, dd, j;
	uint64_t p2;

	if (day < -(lmn_day)NS_K || day > 1000000000) {
		to_ymd_era(day, y, m, d);
		return;
	}
	n = (uint32_t)(day + (lmn_day)NS_K);
	n1 = 4 * n + 3;
	c = n1 / 146097;
	nc = n1 % 146097 / 4;
	n2 = 4 * nc + 3;
	p2 = (uint64_t)2939745 * n2;
	z = (uint32_t)(p2 >> 32);
	ny = (uint32_t)p2 / 2939745 / 4;
	yy = 100 * c + z;
	n3 = 2141 * ny + 197913;
	mm = n3 >> 16;
	dd = (n3 & 0xFFFF) / 2141;
	j = ny >= 306;
	*y = (int)yy - (int)(400 * NS_SHIFT) + (int)j;
	*m = (int)(j ? mm - 12 : mm);
	*d = (int)dd + 1;
}

int date_weekday(lmn_day day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((day % 7 + 7 + 3) % 7);
	return w + 1;
}

int date_year(lmn_day day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return y;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

enum lmn_rc date_parse(const char *s, size_t n, lmn_day *out)
{
	int y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return LMN_EINVAL;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !date_valid_ymd(y, m, d))
		return LMN_EINVAL;
	*out = date_from_ymd(y, m, d);
	return LMN_OK;
}

/* "00" … "99": two digits per lookup; answers carry a date or two on every line. */
static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void date_format(lmn_day day, char out[11])
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	memcpy(out, pairs + 2 * (y / 100), 2);
	memcpy(out + 2, pairs + 2 * (y % 100), 2);
	out[4] = '-';
	memcpy(out + 5, pairs + 2 * m, 2);
	out[7] = '-';
	memcpy(out + 8, pairs + 2 * d, 2);
	out[10] = '\0';
}
