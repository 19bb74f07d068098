/* Tests how api_fail answers a result code: a store without room (LMN_EFULL) is 507 with a Swedish
 * message that says so, other failures of the store a plain 500; refusals keep their 4xx. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "api/api.h"

/* Calls api_fail with rc and the message err_message; returns the answer's JSON (owned) and
 * sets *status and *type. */
static json_t *answer_of(enum lmn_rc rc, const char *err_message, unsigned *status,
			 const char **type)
{
	struct http_req req = { .method = "POST", .path = "/api/patients/1/orders" };
	struct http_resp resp = { .status = 200 };
	struct api_ctx ctx = { .req = &req, .resp = &resp };
	json_t *body;
	int sent;

	buf_init(&resp.body, 0);
	lmn_err_set(&ctx.err, rc, NULL, NULL, "%s", err_message);
	sent = api_fail(&ctx, rc);
	assert_int_equal(sent, (int)resp.status);
	*status = resp.status;
	*type = resp.type;
	body = json_loadb(resp.body.data, resp.body.len, 0, NULL);
	buf_release(&resp.body);
	assert_non_null(body);
	return body;
}

static void test_storage_full_is_507(void **state)
{
	unsigned status;
	const char *type;
	json_t *b;

	(void)state;
	b = answer_of(LMN_EFULL, "commit: step: database or disk is full", &status, &type);
	assert_int_equal(status, 507);
	assert_string_equal(type, "application/problem+json");
	assert_int_equal(json_integer_value(json_object_get(b, "status")), 507);
	assert_string_equal(json_string_value(json_object_get(b, "code")), "storage_full");
	assert_string_equal(json_string_value(json_object_get(b, "title")),
			    "Lagringsutrymmet är slut");
	assert_non_null(strstr(json_string_value(json_object_get(b, "detail")),
			       "Lagringsutrymmet är slut"));
	/* The store's own words (SQL, paths) are for the log, not the answer. */
	assert_null(strstr(json_string_value(json_object_get(b, "detail")), "disk"));
	json_decref(b);
}

static void test_other_failures(void **state)
{
	unsigned status;
	const char *type;
	json_t *b;

	(void)state;
	b = answer_of(LMN_EDB, "commit: step: disk I/O error", &status, &type);
	assert_int_equal(status, 500);
	assert_string_equal(json_string_value(json_object_get(b, "code")), "internal");
	json_decref(b);
	b = answer_of(LMN_EIO, "syncing the write-ahead log failed", &status, &type);
	assert_int_equal(status, 500);
	json_decref(b);
	b = answer_of(LMN_EREFUSED, "Regeln tillåter inte det.", &status, &type);
	assert_int_equal(status, 422);
	json_decref(b);
	b = answer_of(LMN_ENOTFOUND, "Finns inte.", &status, &type);
	assert_int_equal(status, 404);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storage_full_is_507),
		cmocka_unit_test(test_other_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
