/* The municipalities of the agreement: the 49 of Västra Götaland, kept as data
 * (data/municipalities.txt, embedded at build time). A patient's municipality and a municipal
 * account's are one of them, written exactly as listed. */
#include <string.h>

#include "api/api.h"

extern const char api_municipalities_txt[];

/* Calls fn for each name of the list (comment lines start with #); stops when fn returns true. */
static bool municipalities_each(bool (*fn)(void *arg, const char *name, size_t len), void *arg)
{
	for (const char *l = api_municipalities_txt; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if (*l != '#' && len && fn(arg, l, len))
			return true;
		l += len + (end != NULL);
	}
	return false;
}

static bool same_name(void *arg, const char *name, size_t len)
{
	const char *s = arg;

	return strlen(s) == len && memcmp(s, name, len) == 0;
}

bool api_municipality_known(const char *name)
{
	return name && *name && municipalities_each(same_name, (void *)name);
}

static bool add_name(void *arg, const char *name, size_t len)
{
	json_array_append_new(arg, json_stringn(name, len));
	return false;
}

int municipalities_list(struct api_ctx *ctx)
{
	json_t *a = json_array();

	municipalities_each(add_name, a);
	return api_json(ctx, 200, json_pack("{s:o}", "municipalities", a));
}
