/* Product areas: the registered code list (see areas.h). */
#include "rules/areas.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

struct area_entry {
	char code[AREA_CODE_MAX];
	char name[AREA_NAME_MAX];
};

/* Append-only: an entry is written before the count that makes it visible (release/acquire). */
static struct area_entry entries[AREA_MAX];
static atomic_int nentries;
static atomic_bool listed;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

bool area_code_valid(const char *s, size_t n)
{
	if (n == 0 || n >= AREA_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

int area_count(void)
{
	return atomic_load_explicit(&nentries, memory_order_acquire);
}

const char *area_name(int a)
{
	return a >= 0 && a < area_count() ? entries[a].code : "?";
}

const char *area_title(int a)
{
	if (a < 0 || a >= area_count())
		return "?";
	return entries[a].name[0] ? entries[a].name : entries[a].code;
}

int area_parse(const char *s, size_t n)
{
	int count = area_count();

	if (n == 0 || n >= AREA_CODE_MAX)
		return -1;
	for (int i = 0; i < count; i++)
		if (strnlen(entries[i].code, AREA_CODE_MAX) == n &&
		    memcmp(entries[i].code, s, n) == 0)
			return i;
	return -1;
}

static bool equals_ci(const char *a, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && a[i]; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)s[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return i == n && a[i] == '\0';
}

int area_find(const char *s, size_t n)
{
	int count = area_count();

	for (int i = 0; i < count; i++)
		if (equals_ci(entries[i].code, s, n) ||
		    (entries[i].name[0] && equals_ci(entries[i].name, s, n)))
			return i;
	return -1;
}

enum lmn_rc area_register(const char *code, size_t n, const char *name, int *index,
			  struct lmn_err *err)
{
	enum lmn_rc rc = LMN_OK;
	int i;

	if (!area_code_valid(code, n))
		return lmn_err_set(err, LMN_EINVAL, "area", NULL,
				   "'%.*s' is no product area code (1–%d characters a–z and _)",
				   (int)(n > 40 ? 40 : n), code, AREA_CODE_MAX - 1);
	pthread_mutex_lock(&write_lock);
	i = area_parse(code, n);
	if (i < 0) {
		i = atomic_load_explicit(&nentries, memory_order_relaxed);
		if (i == AREA_MAX) {
			rc = lmn_err_set(err, LMN_ERANGE, "area", NULL,
					 "at most %d product areas are supported", AREA_MAX);
		} else {
			memcpy(entries[i].code, code, n);
			entries[i].code[n] = '\0';
			if (name)
				snprintf(entries[i].name, sizeof(entries[i].name), "%s", name);
			atomic_store_explicit(&nentries, i + 1, memory_order_release);
		}
	} else if (name && !entries[i].name[0]) {
		snprintf(entries[i].name, sizeof(entries[i].name), "%s", name);
	}
	pthread_mutex_unlock(&write_lock);
	if (rc == LMN_OK && index)
		*index = i;
	return rc;
}

void areas_set_listed(void)
{
	atomic_store(&listed, true);
}

bool areas_listed(void)
{
	return atomic_load(&listed);
}

void areas_format_codes(struct buf *out, const char *last_sep)
{
	int count = area_count();

	for (int i = 0; i < count; i++) {
		if (i)
			buf_adds(out, i == count - 1 ? last_sep : ", ");
		buf_adds(out, entries[i].code);
		if (entries[i].name[0] &&
		    !equals_ci(entries[i].code, entries[i].name, strlen(entries[i].name))) {
			/* The Swedish name in lower case, as in running text. */
			buf_adds(out, " (");
			const char *nm = entries[i].name;
			if (nm[0] >= 'A' && nm[0] <= 'Z') {
				char first[2] = { (char)(nm[0] - 'A' + 'a'), '\0' };
				buf_adds(out, first);
				nm++;
			}
			buf_adds(out, nm);
			buf_adds(out, ")");
		}
	}
}
