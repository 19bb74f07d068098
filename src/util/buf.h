/* A growable byte buffer with a hard size cap, for everything built from outside input. */
#ifndef LMN_BUF_H
#define LMN_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/rc.h"

struct buf {
	char *data; /* always NUL-terminated when not NULL */
	size_t len;
	size_t cap;
	size_t max;  /* hard cap on len; appends beyond it fail */
	bool failed; /* sticky: set once an append failed */
};

#define BUF_DEFAULT_MAX ((size_t)64 << 20)

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
LMN_MUST_USE enum lmn_rc buf_reserve(struct buf *b, size_t extra);
/* Appends; on failure the buffer is marked failed and later appends are no-ops. */
void buf_add(struct buf *b, const void *p, size_t n);
/* Inline, so that the length of a literal is known when compiling. */
static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends v in decimal. */
void buf_add_int(struct buf *b, int64_t v);
/* Appends s as a JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD. */
void buf_add_json_string(struct buf *b, const char *s, size_t n);
/* How many bytes at the start of s buf_add_json_string would copy unchanged. */
size_t buf_json_plain_len(const char *s, size_t n);
/* Hands the data to the caller, who frees it; the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
