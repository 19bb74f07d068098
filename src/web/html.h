/* An HTML writer that escapes by default. Markup can only come from string literals (html_lit,
 * and the format of html_f); every value — a %s argument, html_text — is escaped for both text and
 * attribute context (& < > " '). There is no function that writes a runtime string unescaped. */
#ifndef LMN_HTML_H
#define LMN_HTML_H

#include <stddef.h>

#include "util/buf.h"

struct html {
	struct buf b;
};

/* Markup from a string literal: `"" lit ""` does not compile for anything but a literal. */
#define html_lit(h, lit) html_markup_((h), "" lit "", sizeof(lit) - 1)
void html_markup_(struct html *h, const char *lit, size_t n);

/* Text or an attribute value, escaped. NULL writes nothing. */
void html_text(struct html *h, const char *s);
void html_textn(struct html *h, const char *s, size_t n);

/* fmt is markup (write it as a literal); conversions: %s (escaped), %d, %ld, %lld, %zu, %%.
 * Anything else in fmt is written as it is; an unknown conversion writes "?". */
void html_f(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
