/* `lmn rules eval` over a stream: JSON lines in, one answer line out per input line, in order. */
#ifndef LMN_EVAL_STREAM_H
#define LMN_EVAL_STREAM_H

#include <stdbool.h>

#include "rules/params.h"
#include "util/rc.h"

#define EVAL_MAX_LINE (64 * 1024)

struct eval_stats {
	long lines;
	long ok;
	long refused;
	long invalid;
};

enum eval_mode {
	EVAL_FULL,	 /* parse, decide, write an answer per line */
	EVAL_PARSE_ONLY, /* read and parse only: the floor the benchmark compares against */
};

/* Reads lines from in_fd until end of file. A bad line gives an error line and the batch goes on;
 * only a failure to read or write stops it. */
LMN_MUST_USE enum lmn_rc eval_stream(const struct params *p, int in_fd, int out_fd,
				     enum eval_mode mode, struct eval_stats *stats,
				     struct lmn_err *err);

#endif
