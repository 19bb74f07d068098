/* The integer map: see imap.h. */
#include "util/imap.h"

#include <stdlib.h>
#include <string.h>

void imap_release(struct imap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

bool imap_get(const struct imap *m, uint64_t key, int64_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key) {
			*val = m->slots[i].val;
			return true;
		}
		if (m->slots[i].key == 0)
			return false;
	}
}

/* false when memory ran out (the map is then left as it was). */
bool imap_put(struct imap *m, uint64_t key, int64_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct imap g = { .cap = m->cap ? m->cap * 2 : 1024 };
		if (!(g.slots = calloc(g.cap, sizeof(*g.slots))))
			return false;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				imap_put(&g, m->slots[i].key, m->slots[i].val);
		imap_release(m);
		*m = g;
	}
	for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key || m->slots[i].key == 0) {
			m->n += m->slots[i].key == 0;
			m->slots[i].key = key;
			m->slots[i].val = val;
			return true;
		}
	}
}

/* FNV-1a of a string, never 0 (the maps' empty key). */
uint64_t imap_str_key(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}
