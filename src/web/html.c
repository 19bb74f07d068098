/* The escaping HTML writer: see html.h. */
#include "web/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void html_markup_(struct html *h, const char *lit, size_t n)
{
	buf_add(&h->b, lit, n);
}

void html_textn(struct html *h, const char *s, size_t n)
{
	size_t run = 0;

	if (!s)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_add(&h->b, s + run, i - run);
		buf_adds(&h->b, rep);
		run = i + 1;
	}
	buf_add(&h->b, s + run, n - run);
}

void html_text(struct html *h, const char *s)
{
	if (s)
		html_textn(h, s, strlen(s));
}

void html_f(struct html *h, const char *fmt, ...)
{
	va_list ap;
	char num[32];
	const char *p = fmt, *run = fmt;

	va_start(ap, fmt);
	while (*p) {
		if (*p != '%') {
			p++;
			continue;
		}
		buf_add(&h->b, run, (size_t)(p - run));
		p++;
		if (*p == 's') {
			html_text(h, va_arg(ap, const char *));
			p++;
		} else if (*p == 'd') {
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			buf_adds(&h->b, num);
			p++;
		} else if (p[0] == 'l' && p[1] == 'd') {
			snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
			buf_adds(&h->b, num);
			p += 2;
		} else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
			snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
			buf_adds(&h->b, num);
			p += 3;
		} else if (p[0] == 'z' && p[1] == 'u') {
			snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
			buf_adds(&h->b, num);
			p += 2;
		} else if (*p == '%') {
			buf_addc(&h->b, '%');
			p++;
		} else {
			buf_addc(&h->b,
				 '?'); /* the compiler's format check makes this unreachable */
			if (*p)
				p++;
		}
		run = p;
	}
	buf_add(&h->b, run, (size_t)(p - run));
	va_end(ap);
}
