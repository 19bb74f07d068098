/* The text of a notice to a patient: plain Swedish, no personal identity number. */
#include "core/notice.h"

#include <stdio.h>
#include <string.h>

const char *notice_kind_name(enum notice_kind kind)
{
	switch (kind) {
	case NOTICE_ORDER_RECEIVED:
		return "order_received";
	case NOTICE_SHIPPED:
		return "shipped";
	case NOTICE_READY_FOR_PICKUP:
		return "ready_for_pickup";
	case NOTICE_DELAYED:
		return "delayed";
	case NOTICE_PRESCRIPTION_EXPIRING:
		return "prescription_expiring";
	}
	return "order_received";
}

void notice_format_day(lmn_day day, char out[32])
{
	static const char *const weekdays[] = { "måndag", "tisdag", "onsdag", "torsdag",
						"fredag", "lördag", "söndag" };
	static const char *const months[] = { "januari",   "februari", "mars",	   "april",
					      "maj",	   "juni",     "juli",	   "augusti",
					      "september", "oktober",  "november", "december" };
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 32, "%s %d %s", weekdays[date_weekday(day) - 1], d, months[m - 1]);
}

static void closing(struct buf *body)
{
	buf_adds(body, "\n\nHälsningar\nLMN läkemedelsnära produkter. Du kan inte svara på det "
		       "här meddelandet. Vill du inte få meddelanden ändrar du det under Mina "
		       "uppgifter.");
}

void notice_text(enum notice_kind kind, const struct notice_facts *f, struct buf *subject,
		 struct buf *body)
{
	char day[32] = "";
	long long id = (long long)f->order_id;

	if (f->day != LMN_DAY_NONE)
		notice_format_day(f->day, day);
	switch (kind) {
	case NOTICE_ORDER_RECEIVED:
		buf_addf(subject, "Din beställning %lld har kommit in", id);
		buf_addf(body, "Din beställning %lld har kommit in.", id);
		if (*day)
			buf_addf(body, " Den levereras senast %s.", day);
		break;
	case NOTICE_SHIPPED:
		if (f->partial) {
			buf_addf(subject, "En del av din beställning %lld har skickats", id);
			buf_addf(body,
				 "En del av din beställning %lld har skickats. Resten skickas "
				 "när den finns i lager.",
				 id);
		} else {
			buf_addf(subject, "Din beställning %lld har skickats", id);
			buf_addf(body, "Din beställning %lld har skickats.", id);
		}
		if (f->tracking && *f->tracking)
			buf_addf(body, " Kollinummer hos transportören: %s.", f->tracking);
		break;
	case NOTICE_READY_FOR_PICKUP:
		buf_addf(subject, "Din beställning %lld kan hämtas", id);
		buf_addf(body,
			 "Din beställning %lld har kommit till utlämningsstället och kan "
			 "hämtas nu. Ta med legitimation.",
			 id);
		break;
	case NOTICE_DELAYED:
		buf_addf(subject, "Din beställning %lld är försenad", id);
		buf_addf(body,
			 "Din beställning %lld är försenad. Vi kontaktar dig om när den "
			 "kan levereras.",
			 id);
		break;
	case NOTICE_PRESCRIPTION_EXPIRING:
		buf_adds(subject, "Din förskrivning går snart ut");
		buf_adds(body, "En av dina förskrivningar går snart ut");
		if (*day)
			buf_addf(body, " (sista dag %s)", day);
		buf_adds(body, ". Kontakta din förskrivare om du behöver fortsätta med produkten.");
		break;
	}
	closing(body);
}

bool notice_phone_e164(const char *in, char out[20])
{
	char digits[17];
	size_t n = 0;
	bool plus = false;

	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (*p < '0' || *p > '9' || n + 1 >= sizeof(digits))
			return false;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	if (plus) /* "+46…" or another country's */
		snprintf(out, 20, "+%s", digits);
	else if (n > 2 && digits[0] == '0' && digits[1] == '0')
		snprintf(out, 20, "+%s", digits + 2);
	else if (n > 1 && digits[0] == '0')
		snprintf(out, 20, "+46%s", digits + 1);
	else
		return false;
	n = strlen(out) - 1;
	return n >= 8 && n <= 15;
}

bool notice_email_valid(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n == 0 || n > 254 || !at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    at[1] == '.' || s[n - 1] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' ||
		    *p == ';' || *p == '"' || *p == '\\')
			return false;
	return true;
}
