/* Growable buffer with a size cap. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : BUF_DEFAULT_MAX;
	b->failed = false;
}

void buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

enum lmn_rc buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return LMN_ENOMEM;
	if (extra > b->max || b->len > b->max - extra) {
		b->failed = true;
		return LMN_ENOMEM;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return LMN_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return LMN_ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return LMN_OK;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	/* The common case, room already there, without the checks of a growth. */
	if (!(b->cap > b->len && n < b->cap - b->len && n <= b->max - b->len && !b->failed) &&
	    buf_reserve(b, n) != LMN_OK)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_add_int(struct buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	/* The magnitude as unsigned, so INT64_MIN has one too. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (b->failed)
		return;
	/* Format straight into the spare room when it fits (within the cap); measure only if not. */
	room = b->cap > b->len ? b->cap - b->len : 0;
	if (room > b->max - b->len + 1)
		room = b->max - b->len + 1;
	if (room > 0) {
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, room, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->data[b->len] = '\0'; /* undo the truncated attempt */
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) != LMN_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Bytes copied as they are: printable ASCII but the quote and the backslash. */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Eight bytes at a time: a mask with the high bit set in each byte that is not printable ASCII
 * or is the quote or the backslash (the bit tricks of "Bit Twiddling Hacks": a byte below 0x20,
 * a zero byte after an xor). A subtraction borrows only out of a flagged byte, so the lowest
 * flagged byte is exact; bytes above it may be flagged wrongly, which does not matter. */
static uint64_t word_special(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t w, q, b;

	memcpy(&w, p, 8);
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return (w | (w - ones * 0x20) | (q - ones) | (b - ones)) & highs;
}

size_t buf_json_plain_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	for (;;) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (i + 8 <= n) {
			uint64_t m = word_special(p + i);
			if (m == 0) {
				i += 8;
				continue;
			}
			i += (size_t)__builtin_ctzll(m) / 8; /* the first byte that is not plain */
		}
#endif
		if (i < n && json_plain(p[i]))
			i++;
		else if (i < n && p[i] >= 0x80 && (k = utf8_seq(p + i, n - i)) > 0)
			i += k;
		else
			return i;
	}
}

void buf_add_json_string(struct buf *b, const char *s, size_t n)
{
	size_t i = 0;

	buf_addc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		/* A run of bytes that need no escaping (valid UTF-8 too) is appended at once. */
		size_t run = buf_json_plain_len(s + i, n - i);

		if (run > 0) {
			buf_add(b, s + i, run);
			i += run;
		} else if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			buf_addf(b, "\\u%04x", c);
			i++;
		} else {
			buf_adds(b, "\\ufffd");
			i++;
		}
	}
	buf_addc(b, '"');
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data;

	if (len)
		*len = b->len;
	if (!p)
		p = calloc(1, 1);
	buf_init(b, b->max);
	return p;
}
