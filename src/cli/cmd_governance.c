/* lmn governance quorum FILE: evaluates quorum per agenda item from a JSON description (FILE "-"
 * for standard input), for checks and tests. See README.md for the format. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "governance/quorum.h"

#define MAX_SEATS 512
#define MAX_ITEMS 256

struct input {
	const char *items[MAX_ITEMS];
	size_t nitems;
	const char *parties[QUORUM_MAX_PARTIES];
	int nparties;
	struct {
		const char *person; /* NULL when vacant */
		int party;
		enum seat_role role;
		bool vacant;
	} seats[MAX_SEATS];
	size_t nseats;
};

__attribute__((format(printf, 2, 3))) static bool fail(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lmn: governance quorum: %s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

static int item_index(const struct input *in, const char *item)
{
	for (size_t i = 0; i < in->nitems; i++)
		if (strcmp(in->items[i], item) == 0)
			return (int)i;
	return -1;
}

static bool holds_seat(const struct input *in, const char *person)
{
	for (size_t i = 0; i < in->nseats; i++)
		if (in->seats[i].person && strcmp(in->seats[i].person, person) == 0)
			return true;
	return false;
}

static bool read_items(json_t *doc, struct input *in)
{
	json_t *items = json_object_get(doc, "items"), *v;
	size_t i;

	if (!json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > MAX_ITEMS)
		return fail("items", "%s",
			    "expected a list of 1–256 item numbers (\"1\", \"3a\" …)");
	json_array_foreach(items, i, v) {
		if (!json_is_string(v) || !*json_string_value(v))
			return fail("items", "%s", "every item is a non-empty string");
		if (item_index(in, json_string_value(v)) >= 0)
			return fail("items", "item \"%s\" appears twice", json_string_value(v));
		in->items[in->nitems++] = json_string_value(v);
	}
	return true;
}

static bool read_seats(json_t *doc, struct input *in)
{
	json_t *seats = json_object_get(doc, "seats"), *s;
	char where[32];
	size_t i;

	if (!json_is_array(seats) || json_array_size(seats) > MAX_SEATS)
		return fail("seats", "%s", "expected a list of at most 512 seats");
	json_array_foreach(seats, i, s) {
		json_t *party = json_object_get(s, "party"), *role = json_object_get(s, "role");
		json_t *person = json_object_get(s, "person"),
		       *vacant = json_object_get(s, "vacant");
		int r, p;

		snprintf(where, sizeof(where), "seats[%zu]", i);
		if (!json_is_object(s))
			return fail(where, "%s", "expected an object");
		if (!json_is_string(party) || !*json_string_value(party))
			return fail(where, "%s", "party is required (e.g. \"VGR\")");
		if (!json_is_string(role))
			return fail(where, "%s", "role is required");
		if ((r = seat_role_parse(json_string_value(role))) < 0)
			return fail(where,
				    "unknown role \"%s\" (chair, vice_chair, member, adjunct, "
				    "secretary, supplier, invited)",
				    json_string_value(role));
		if (vacant && !json_is_boolean(vacant))
			return fail(where, "%s", "vacant is true or false");
		if (!json_is_true(vacant) &&
		    (!json_is_string(person) || !*json_string_value(person)))
			return fail(where, "%s", "a seat that is not vacant names its person");
		if (json_is_true(vacant) && person)
			return fail(where, "%s", "a vacant seat has no person");
		for (p = 0; p < in->nparties; p++)
			if (strcmp(in->parties[p], json_string_value(party)) == 0)
				break;
		if (p == in->nparties) {
			if (in->nparties == QUORUM_MAX_PARTIES)
				return fail(where, "%s", "at most 8 parties");
			in->parties[in->nparties++] = json_string_value(party);
		}
		in->seats[in->nseats].person =
			json_is_true(vacant) ? NULL : json_string_value(person);
		in->seats[in->nseats].party = p;
		in->seats[in->nseats].role = (enum seat_role)r;
		in->seats[in->nseats].vacant = json_is_true(vacant);
		in->nseats++;
	}
	return true;
}

/* Checks "present" or "written": person → "all" (present only) or a list of items. */
static bool check_participation(json_t *doc, const char *key, const struct input *in)
{
	json_t *m = json_object_get(doc, key), *v, *item;
	const char *person;
	char where[160];
	size_t i;

	if (!m)
		return true;
	if (!json_is_object(m))
		return fail(key, "%s", "expected an object: person → list of items");
	json_object_foreach(m, person, v) {
		snprintf(where, sizeof(where), "%s.%s", key, person);
		if (!holds_seat(in, person))
			return fail(where, "\"%s\" holds no seat", person);
		if (json_is_string(v) && strcmp(key, "present") == 0 &&
		    strcmp(json_string_value(v), "all") == 0)
			continue;
		if (!json_is_array(v))
			return fail(where, "%s",
				    strcmp(key, "present") == 0
					    ? "expected \"all\" or a list of items"
					    : "expected a list of items");
		json_array_foreach(v, i, item)
			if (!json_is_string(item) || item_index(in, json_string_value(item)) < 0)
				return fail(where, "%s", "names an item that is not in items");
	}
	return true;
}

static bool took_part(json_t *doc, const char *person, const char *item)
{
	static const char *const keys[] = { "present", "written" };
	json_t *v, *x;
	size_t i;

	for (int k = 0; k < 2; k++) {
		v = json_object_get(json_object_get(doc, keys[k]), person);
		if (json_is_string(v) && k == 0 && strcmp(json_string_value(v), "all") == 0)
			return true;
		json_array_foreach(v, i, x)
			if (strcmp(json_string_value(x), item) == 0)
				return true;
	}
	return false;
}

static bool parse_share(const char *s, struct quorum_share *out)
{
	int num, den;
	char tail;

	if (sscanf(s, "%d/%d%c", &num, &den, &tail) != 2 || num < 1 || den < 1 || num > den ||
	    den > 1000)
		return false;
	out->num = num;
	out->den = den;
	return true;
}

int cmd_governance(int argc, char **argv)
{
	static const char use[] = "usage: lmn governance quorum FILE|- [--share N/D] "
				  "[--count-roles LIST] [--vacant-seats count|skip]";
	struct quorum_rule rule = QUORUM_RULE_DEFAULT;
	struct input *in = NULL;
	json_t *doc = NULL, *out = NULL, *items;
	json_error_t je;
	const char *file;
	int status = 1;

	if (argc < 3 || strcmp(argv[1], "quorum") != 0) {
		cli_error("%s", use);
		return EXIT_USAGE;
	}
	for (int a = 3; a < argc; a += 2) {
		const char *opt = argv[a], *val = a + 1 < argc ? argv[a + 1] : NULL;
		if (!val) {
			cli_error("%s", use);
			return EXIT_USAGE;
		}
		if (strcmp(opt, "--share") == 0) {
			if (!parse_share(val, &rule.share)) {
				cli_error("--share: expected N/D with 1 ≤ N ≤ D, got '%s'", val);
				return EXIT_USAGE;
			}
		} else if (strcmp(opt, "--count-roles") == 0) {
			if (!quorum_roles_parse(val, &rule.roles)) {
				cli_error(
					"--count-roles: expected roles separated by commas (chair, "
					"vice_chair, member, adjunct, secretary, supplier, invited), "
					"got '%s'",
					val);
				return EXIT_USAGE;
			}
		} else if (strcmp(opt, "--vacant-seats") == 0) {
			if (strcmp(val, "count") != 0 && strcmp(val, "skip") != 0) {
				cli_error("--vacant-seats: expected count or skip, got '%s'", val);
				return EXIT_USAGE;
			}
			rule.count_vacant = strcmp(val, "count") == 0;
		} else {
			cli_error("%s", use);
			return EXIT_USAGE;
		}
	}
	file = argv[2];
	doc = strcmp(file, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
				     : json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	if (!doc || !json_is_object(doc)) {
		cli_error("governance quorum: %s: %s (line %d)", file,
			  doc ? "expected a JSON object" : je.text, doc ? 1 : je.line);
		goto done;
	}
	if (!(in = calloc(1, sizeof(*in)))) {
		cli_error("out of memory");
		goto done;
	}
	if (!read_items(doc, in) || !read_seats(doc, in) ||
	    !check_participation(doc, "present", in) || !check_participation(doc, "written", in))
		goto done;

	items = json_array();
	for (size_t i = 0; i < in->nitems; i++) {
		struct quorum_seat seats[MAX_SEATS];
		struct quorum_result r;
		json_t *parties = json_object();

		for (size_t s = 0; s < in->nseats; s++) {
			seats[s].party = in->seats[s].party;
			seats[s].role = in->seats[s].role;
			seats[s].vacant = in->seats[s].vacant;
			seats[s].took_part = in->seats[s].person &&
					     took_part(doc, in->seats[s].person, in->items[i]);
		}
		quorum_item(seats, in->nseats, in->nparties, &rule, &r);
		for (int p = 0; p < in->nparties; p++)
			json_object_set_new(parties, in->parties[p],
					    json_pack("{s:i, s:i}", "appointed",
						      r.parties[p].appointed, "counted",
						      r.parties[p].counted));
		json_array_append_new(items, json_pack("{s:s, s:b, s:o}", "item", in->items[i],
						       "quorate", r.quorate, "parties", parties));
	}
	out = json_pack("{s:o}", "items", items);
	if (!out || json_dumpf(out, stdout, JSON_COMPACT) != 0 || fputc('\n', stdout) == EOF) {
		cli_error("cannot write the answer");
		goto done;
	}
	status = 0;
done:
	json_decref(out);
	json_decref(doc);
	free(in);
	return status;
}
