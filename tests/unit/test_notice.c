/* Tests core/notice: the Swedish text of a notice, and the phone and e-mail forms it is sent to. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/notice.h"

static void day_in_swedish(void **state)
{
	char out[32];

	(void)state;
	notice_format_day(date_from_ymd(2026, 12, 10), out);
	assert_string_equal(out, "torsdag 10 december");
	notice_format_day(date_from_ymd(2027, 1, 3), out);
	assert_string_equal(out, "söndag 3 januari");
}

static void texts(void **state)
{
	struct buf subject, body;
	struct notice_facts f = { .order_id = 5512, .day = date_from_ymd(2026, 12, 10) };

	(void)state;
	buf_init(&subject, 1024);
	buf_init(&body, 4096);
	notice_text(NOTICE_ORDER_RECEIVED, &f, &subject, &body);
	assert_string_equal(subject.data, "Din beställning 5512 har kommit in");
	assert_non_null(strstr(body.data,
			       "Din beställning 5512 har kommit in. Den levereras senast "
			       "torsdag 10 december."));
	assert_non_null(strstr(body.data, "Mina uppgifter"));
	buf_reset(&subject);
	buf_reset(&body);
	f.day = LMN_DAY_NONE;
	f.tracking = "00340434161094042557";
	notice_text(NOTICE_SHIPPED, &f, &subject, &body);
	assert_non_null(strstr(body.data, "har skickats. Kollinummer hos transportören: "
					  "00340434161094042557."));
	buf_reset(&subject);
	buf_reset(&body);
	f.tracking = NULL;
	notice_text(NOTICE_SHIPPED, &f, &subject, &body);
	assert_null(strstr(body.data, "Kollinummer"));
	buf_reset(&subject);
	buf_reset(&body);
	f.partial = true;
	notice_text(NOTICE_SHIPPED, &f, &subject, &body);
	assert_string_equal(subject.data, "En del av din beställning 5512 har skickats");
	assert_non_null(strstr(body.data, "Resten skickas när den finns i lager."));
	buf_reset(&subject);
	buf_reset(&body);
	notice_text(NOTICE_DELAYED, &f, &subject, &body);
	assert_string_equal(subject.data, "Din beställning 5512 är försenad");
	buf_release(&subject);
	buf_release(&body);
	assert_string_equal(notice_kind_name(NOTICE_READY_FOR_PICKUP), "ready_for_pickup");
}

static void phones(void **state)
{
	char out[20];

	(void)state;
	assert_true(notice_phone_e164("070-123 45 67", out));
	assert_string_equal(out, "+46701234567");
	assert_true(notice_phone_e164("+46 70 123 45 67", out));
	assert_string_equal(out, "+46701234567");
	assert_true(notice_phone_e164("0046701234567", out));
	assert_string_equal(out, "+46701234567");
	assert_false(notice_phone_e164("", out));
	assert_false(notice_phone_e164("070-12", out));
	assert_false(notice_phone_e164("070 ABC", out));
	assert_false(notice_phone_e164("701234567", out));	      /* no 0 or +: unknown */
	assert_false(notice_phone_e164("+4670123456789012345", out)); /* too long */
}

static void emails(void **state)
{
	(void)state;
	assert_true(notice_email_valid("anna.andersson@example.se"));
	assert_false(notice_email_valid(""));
	assert_false(notice_email_valid("anna"));
	assert_false(notice_email_valid("@example.se"));
	assert_false(notice_email_valid("anna@localhost"));
	assert_false(notice_email_valid("anna@a@example.se"));
	assert_false(notice_email_valid("anna @example.se"));
	assert_false(notice_email_valid("anna@example.se\r\nBcc: x@example.se"));
	assert_false(notice_email_valid("<anna@example.se>"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(day_in_swedish),
		cmocka_unit_test(texts),
		cmocka_unit_test(phones),
		cmocka_unit_test(emails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
