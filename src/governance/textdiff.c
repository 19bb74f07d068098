/* Word-level LCS difference: see textdiff.h. */
#include "governance/textdiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct word {
	size_t start, wlen, len; /* wlen: without the trailing white space */
};

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static size_t words(const char *s, struct word *w, size_t max)
{
	size_t n = 0, i = 0, len = strlen(s);

	/* Leading white space belongs to a first, empty word so every byte is in some span. */
	while (i < len) {
		size_t st = i;
		while (i < len && !is_space(s[i]))
			i++;
		size_t wl = i - st;
		while (i < len && is_space(s[i]))
			i++;
		if (n == max)
			return max + 1;
		w[n++] = (struct word){ st, wl, i - st };
	}
	return n;
}

static int same(const char *a, const struct word *x, const char *b, const struct word *y)
{
	return x->wlen == y->wlen && memcmp(a + x->start, b + y->start, x->wlen) == 0;
}

static int push(struct text_diff *d, size_t *cap, enum diff_op op, const struct word *w)
{
	struct diff_span *last = d->n ? &d->spans[d->n - 1] : NULL;

	if (last && last->op == op && last->start + last->len == w->start) {
		last->len += w->len;
		return 0;
	}
	if (d->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct diff_span *ns = realloc(d->spans, nc * sizeof(*ns));
		if (!ns)
			return -1;
		d->spans = ns;
		*cap = nc;
	}
	d->spans[d->n++] = (struct diff_span){ op, w->start, w->len };
	return 0;
}

enum lmn_rc text_diff(const char *a, const char *b, struct text_diff *out, struct lmn_err *err)
{
	struct word *wa = NULL, *wb = NULL;
	uint16_t *t = NULL;
	size_t na, nb, cap = 0, i = 0, j = 0;
	enum lmn_rc rc = LMN_OK;

	memset(out, 0, sizeof(*out));
	wa = malloc((TEXT_DIFF_MAX_WORDS + 1) * sizeof(*wa));
	wb = malloc((TEXT_DIFF_MAX_WORDS + 1) * sizeof(*wb));
	if (!wa || !wb) {
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	na = words(a, wa, TEXT_DIFF_MAX_WORDS);
	nb = words(b, wb, TEXT_DIFF_MAX_WORDS);
	if (na > TEXT_DIFF_MAX_WORDS || nb > TEXT_DIFF_MAX_WORDS) {
		rc = lmn_err_set(
			err, LMN_EINVAL, NULL, NULL,
			"texten har fler än %d ord; jämförelsen klarar inte så långa texter",
			TEXT_DIFF_MAX_WORDS);
		goto out;
	}
	/* t[i][j]: length of the LCS of wa[i…] and wb[j…]. */
	t = calloc((na + 1) * (nb + 1), sizeof(*t));
	if (!t) {
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
#define T(x, y) t[(x) * (nb + 1) + (y)]
	for (size_t x = na; x-- > 0;)
		for (size_t y = nb; y-- > 0;)
			T(x, y) = same(a, &wa[x], b, &wb[y])   ? (uint16_t)(T(x + 1, y + 1) + 1)
				  : T(x + 1, y) >= T(x, y + 1) ? T(x + 1, y)
							       : T(x, y + 1);
	while (i < na || j < nb) {
		int e;
		if (i < na && j < nb && same(a, &wa[i], b, &wb[j])) {
			e = push(out, &cap, DIFF_SAME, &wa[i]);
			i++, j++;
		} else if (i < na && (j == nb || T(i + 1, j) >= T(i, j + 1))) {
			/* Removed words before the added ones, as a reader compares them. */
			e = push(out, &cap, DIFF_DEL, &wa[i++]);
		} else {
			e = push(out, &cap, DIFF_ADD, &wb[j++]);
		}
		if (e) {
			rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
			break;
		}
	}
#undef T
out:
	free(t);
	free(wa);
	free(wb);
	if (rc != LMN_OK)
		text_diff_release(out);
	return rc;
}

void text_diff_release(struct text_diff *d)
{
	free(d->spans);
	d->spans = NULL;
	d->n = 0;
}
