/* Personnummer, samordningsnummer and reserve numbers. */
#include "core/identity.h"

#include <stdbool.h>
#include <string.h>

static const char *const kind_names[] = { "personnummer", "samordningsnummer", "reserve" };

const char *identity_kind_name(enum id_kind k)
{
	return (unsigned)k <= ID_RESERVE ? kind_names[k] : "?";
}

static enum lmn_rc bad(struct lmn_err *err, const char *why)
{
	return lmn_err_set(err, LMN_EINVAL, "id_number", NULL,
			   "%s Ange personnummer eller samordningsnummer som ÅÅÅÅMMDD-NNNN eller "
			   "ÅÅMMDD-NNNN, eller reservnummer som ÅÅÅÅMMDD-XNNN.",
			   why);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The Luhn check digit over nine digits. */
static int luhn(const char *d)
{
	int sum = 0;
	for (int i = 0; i < 9; i++) {
		int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v / 10 + v % 10;
	}
	return (10 - sum % 10) % 10;
}

static enum lmn_rc reserve(const char *s, size_t n, lmn_day today, struct identity *out,
			   struct lmn_err *err)
{
	const char *tail = s + 8 + (n == 13);
	int y, m, d;

	if (!all_digits(s, 8) || (n == 13 && s[8] != '-') || tail[0] < 'A' || tail[0] > 'Z' ||
	    !all_digits(tail + 1, 3))
		return bad(err, "Numret har fel form.");
	y = num(s, 4);
	m = num(s + 4, 2);
	d = num(s + 6, 2);
	if (!date_valid_ymd(y, m, d))
		return bad(err, "Datumet i reservnumret finns inte.");
	out->kind = ID_RESERVE;
	out->birth = date_from_ymd(y, m, d);
	if (out->birth > today)
		return bad(err, "Födelsedatumet ligger i framtiden.");
	memcpy(out->canonical, s, 8);
	memcpy(out->canonical + 8, tail, 4);
	out->canonical[12] = '\0';
	out->sex = 0;
	return LMN_OK;
}

enum lmn_rc identity_parse(const char *s, size_t n, lmn_day today, struct identity *out,
			   struct lmn_err *err)
{
	char digits[13]; /* YYYYMMDDNNNC */
	char sep = 0;
	int y, m, d, ty, tm, td;
	bool coordination;

	memset(out, 0, sizeof(*out));
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (memchr(s, '\0', n))
		return bad(err, "Numret har fel form.");
	if ((n == 12 || n == 13) && ((n == 12 && s[8] >= 'A' && s[8] <= 'Z') ||
				     (n == 13 && s[8] == '-' && s[9] >= 'A' && s[9] <= 'Z')))
		return reserve(s, n, today, out, err);
	date_to_ymd(today, &ty, &tm, &td);
	if (n == 10 && all_digits(s, 10)) {
		memcpy(digits + 2, s, 10);
	} else if (n == 11 && all_digits(s, 6) && (s[6] == '-' || s[6] == '+') &&
		   all_digits(s + 7, 4)) {
		sep = s[6];
		memcpy(digits + 2, s, 6);
		memcpy(digits + 8, s + 7, 4);
	} else if (n == 12 && all_digits(s, 12)) {
		memcpy(digits, s, 12);
	} else if (n == 13 && all_digits(s, 8) && (s[8] == '-' || s[8] == '+') &&
		   all_digits(s + 9, 4)) {
		if (s[8] == '+')
			return bad(err, "Plustecken används bara med tvåsiffrigt årtal.");
		memcpy(digits, s, 8);
		memcpy(digits + 8, s + 9, 4);
	} else {
		return bad(err, "Numret har fel form.");
	}
	digits[12] = '\0';
	m = num(digits + 4, 2);
	d = num(digits + 6, 2);
	coordination = d > 60;
	if (coordination)
		d -= 60;
	if (n == 10 || n == 11) {
		/* The century: the latest that does not put the birth after today. */
		int yy = num(digits + 2, 2);
		y = ty - (ty % 100) + yy;
		if (y > ty || (y == ty && (m > tm || (m == tm && d > td))))
			y -= 100;
		if (sep == '+')
			y -= 100;
		digits[0] = (char)('0' + y / 1000);
		digits[1] = (char)('0' + y / 100 % 10);
	} else {
		y = num(digits, 4);
	}
	if (!date_valid_ymd(y, m, d))
		return bad(err, coordination ? "Datumet i samordningsnumret finns inte (dag + 60)."
					     : "Datumet i numret finns inte.");
	out->birth = date_from_ymd(y, m, d);
	if (out->birth > today)
		return bad(err, "Födelsedatumet ligger i framtiden.");
	if (luhn(digits + 2) != digits[11] - '0')
		return bad(err, "Kontrollsiffran stämmer inte; kontrollera numret.");
	out->kind = coordination ? ID_SAMORDNINGSNUMMER : ID_PERSONNUMMER;
	out->sex = (digits[10] - '0') % 2 ? 1 : 2;
	memcpy(out->canonical, digits, 13);
	return LMN_OK;
}

void identity_format(const struct identity *id, char out[16])
{
	memcpy(out, id->canonical, 8);
	out[8] = '-';
	memcpy(out + 9, id->canonical + 8, 4);
	out[13] = '\0';
}

int identity_age_on(const struct identity *id, lmn_day day)
{
	int by, bm, bd, y, m, d, age;

	date_to_ymd(id->birth, &by, &bm, &bd);
	date_to_ymd(day, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}
