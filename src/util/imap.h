/* An integer map with linear probing, for ids looked up again and again (the history import: a
 * file of a million orders names the same patients, units and articles many times). */
#ifndef LMN_IMAP_H
#define LMN_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keys are never 0. A
 * key and its value share a slot: a lookup in a map larger than the processor's caches misses
 * once, not once in the keys and again in the values. */
struct imap {
	struct slot {
		uint64_t key;
		int64_t val;
	} * slots;
	size_t cap, n;
};

void imap_release(struct imap *m);
/* Whether key is in the map, and its value. */
bool imap_get(const struct imap *m, uint64_t key, int64_t *val);
/* false when memory ran out (the map is then left as it was). */
bool imap_put(struct imap *m, uint64_t key, int64_t val);
/* FNV-1a of a string, never 0 (the maps' empty key). */
uint64_t imap_str_key(const char *s);

#endif
