/* Tests that the OpenAPI document (src/api/openapi.json, served at /api/openapi.json) and the route
 * table (src/api/routes.c) describe the same API: every route documented with its method, summary
 * and roles, nothing documented that is not routed, every reference resolvable, every {id} declared. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"

static json_t *doc;

static int setup(void **state)
{
	json_error_t je;

	(void)state;
	doc = json_loads(api_openapi_json, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		fprintf(stderr, "openapi.json, line %d: %s\n", je.line, je.text);
	return doc ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(doc);
	return 0;
}

static json_t *operation(const char *pattern, const char *method)
{
	char lower[8];
	size_t i;

	for (i = 0; method[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)method[i]);
	lower[i] = '\0';
	return json_object_get(json_object_get(json_object_get(doc, "paths"), pattern), lower);
}

static void is_openapi_3(void **state)
{
	const char *v = json_string_value(json_object_get(doc, "openapi"));

	(void)state;
	assert_non_null(v);
	assert_true(strncmp(v, "3.", 2) == 0);
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "title")));
	assert_true(json_is_object(json_object_get(doc, "paths")));
}

static void every_route_documented(void **state)
{
	size_t n;
	const struct route *r = api_routes(&n);

	(void)state;
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		json_t *op = operation(r[i].pattern, r[i].method), *roles;
		unsigned documented = 0;
		size_t j;
		json_t *name;

		if (!op)
			fail_msg("%s %s is routed but not in openapi.json", r[i].method,
				 r[i].pattern);
		if (!json_is_string(json_object_get(op, "summary")) ||
		    strcmp(json_string_value(json_object_get(op, "summary")), r[i].summary) != 0)
			fail_msg("%s %s: summary differs from routes.c", r[i].method, r[i].pattern);
		roles = json_object_get(op, "x-lmn-roles");
		assert_true(json_is_array(roles));
		json_array_foreach(roles, j, name) {
			int role = user_role_parse(json_string_value(name) ? json_string_value(name)
									   : "");
			if (role < 0)
				fail_msg("%s %s: unknown role in x-lmn-roles", r[i].method,
					 r[i].pattern);
			documented |= ROLE_BIT(role);
		}
		if (documented != r[i].roles)
			fail_msg("%s %s: x-lmn-roles %#x, routes.c %#x", r[i].method, r[i].pattern,
				 documented, r[i].roles);
	}
}

static void nothing_documented_unrouted(void **state)
{
	size_t n, ops = 0;
	const struct route *r = api_routes(&n);
	const char *path, *method;
	json_t *item, *op;

	(void)state;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		json_object_foreach(item, method, op) {
			bool found = false;
			for (size_t i = 0; i < n && !found; i++)
				found = strcmp(r[i].pattern, path) == 0 &&
					strcasecmp(r[i].method, method) == 0;
			if (!found)
				fail_msg("%s %s is documented but not routed", method, path);
			ops++;
		}
	}
	assert_int_equal(ops, n);
}

/* Every $ref in v points at an existing component schema. */
static void check_refs(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			if (strcmp(key, "$ref") == 0) {
				const char *ref = json_string_value(child);
				const char *prefix = "#/components/schemas/";
				assert_non_null(ref);
				if (strncmp(ref, prefix, strlen(prefix)) != 0 ||
				    !json_object_get(json_object_get(json_object_get(doc,
										     "components"),
								     "schemas"),
						     ref + strlen(prefix)))
					fail_msg("unresolved $ref %s", ref);
			} else {
				check_refs(child);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			check_refs(child);
	}
}

static void references_resolve(void **state)
{
	(void)state;
	check_refs(doc);
}

static const char *text(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

static void operations_complete(void **state)
{
	size_t n;
	const struct route *r = api_routes(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		json_t *op = operation(r[i].pattern, r[i].method), *p;
		const char *code;
		json_t *resp;
		bool success = false, id_declared = false;
		size_t j;

		json_object_foreach(json_object_get(op, "responses"), code, resp)
			success = success || code[0] == '2';
		if (!success)
			fail_msg("%s %s documents no success response", r[i].method, r[i].pattern);
		json_array_foreach(json_object_get(op, "parameters"), j, p)
			id_declared = id_declared ||
				      (strcmp(text(json_object_get(p, "in")), "path") == 0 &&
				       strcmp(text(json_object_get(p, "name")), "id") == 0);
		if ((strstr(r[i].pattern, "{id}") != NULL) != id_declared)
			fail_msg("%s %s: path parameter id %s", r[i].method, r[i].pattern,
				 id_declared ? "declared but not in the path" : "not declared");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(is_openapi_3),
		cmocka_unit_test(every_route_documented),
		cmocka_unit_test(nothing_documented_unrouted),
		cmocka_unit_test(references_resolve),
		cmocka_unit_test(operations_complete),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
