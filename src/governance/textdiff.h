/* A word-level difference of two texts (the specification as in force on two dates): the longest
 * common subsequence of their words, as spans of unchanged, removed and added text. Our own small
 * LCS; the texts are a few thousand words at most. Pure: no I/O. */
#ifndef LMN_TEXTDIFF_H
#define LMN_TEXTDIFF_H

#include <stddef.h>

#include "util/rc.h"

/* At most this many words per text; longer texts are refused. */
#define TEXT_DIFF_MAX_WORDS 3000

enum diff_op { DIFF_SAME, DIFF_DEL, DIFF_ADD };

struct diff_span {
	enum diff_op op;
	size_t start, len; /* bytes of the old text (SAME, DEL) or of the new text (ADD) */
};

struct text_diff {
	struct diff_span *spans;
	size_t n;
};

/* Spans in reading order; SAME and DEL spans rebuild a, SAME and ADD spans rebuild b. A word
 * is a run of non-space bytes with the white space after it; words compare without it. */
LMN_MUST_USE enum lmn_rc text_diff(const char *a, const char *b, struct text_diff *out,
				   struct lmn_err *err);
void text_diff_release(struct text_diff *d);

#endif
