/* Streaming evaluation of order facts with large reads and buffered writes. */
#include "codec/eval_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/facts_json.h"
#include "rules/delivery.h"
#include "util/buf.h"

#define READ_CHUNK (1 << 20)
#define FLUSH_AT   (1 << 16)

static enum lmn_rc write_all(int fd, const char *p, size_t n, struct lmn_err *err)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return lmn_err_set(err, LMN_EIO, NULL, NULL, "write failed: %s",
					   strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return LMN_OK;
}

static void eval_line(const struct params *p, const char *s, size_t n, long lineno,
		      enum eval_mode mode, struct buf *out, struct eval_stats *st)
{
	struct order_facts f;
	struct delivery_decision d;
	struct lmn_err err;
	enum lmn_rc rc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	rc = facts_json_parse(s, n, &f, &err);
	if (rc == LMN_OK && mode == EVAL_PARSE_ONLY) {
		st->ok++;
		return;
	}
	if (rc == LMN_OK)
		rc = delivery_decide(p, &f, &d, &err);
	if (rc == LMN_OK || rc == LMN_EREFUSED) {
		facts_json_write_decision(out, &d);
		if (rc == LMN_OK)
			st->ok++;
		else
			st->refused++;
		return;
	}
	st->invalid++;
	if (mode == EVAL_FULL)
		facts_json_write_invalid(out, lineno, &err);
}

/* The answer to a line over EVAL_MAX_LINE bytes, however it arrived: the same from a file as from
 * a pipe that delivers it in pieces. */
static void too_long(enum eval_mode mode, struct buf *out, struct eval_stats *st)
{
	struct lmn_err e;

	st->lines++;
	st->invalid++;
	lmn_err_set(&e, LMN_EINVAL, "", NULL, "Raden är för lång (högst %d byte).", EVAL_MAX_LINE);
	if (mode == EVAL_FULL)
		facts_json_write_invalid(out, st->lines, &e);
}

enum lmn_rc eval_stream(const struct params *p, int in_fd, int out_fd, enum eval_mode mode,
			struct eval_stats *st, struct lmn_err *err)
{
	size_t cap = READ_CHUNK + EVAL_MAX_LINE, have = 0;
	char *in = malloc(cap);
	struct buf out;
	bool eof = false, skipping = false;
	enum lmn_rc rc = LMN_OK;

	memset(st, 0, sizeof(*st));
	buf_init(&out, (size_t)1 << 24);
	if (!in || buf_reserve(&out, FLUSH_AT + EVAL_MAX_LINE) != LMN_OK) {
		free(in);
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	while (!eof || have > 0) {
		size_t start = 0;
		if (!eof) {
			ssize_t r = read(in_fd, in + have, cap - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				rc = lmn_err_set(err, LMN_EIO, NULL, NULL, "read failed: %s",
						 strerror(errno));
				break;
			}
			if (r == 0)
				eof = true;
			have += (size_t)r;
		}
		for (;;) {
			char *nl = memchr(in + start, '\n', have - start);
			size_t n;
			if (!nl) {
				if (!eof || start == have)
					break;
				n = have - start; /* the last line without a newline */
			} else {
				n = (size_t)(nl - (in + start));
			}
			if (skipping) {
				skipping = false; /* the rest of an over-long line */
			} else if (n > EVAL_MAX_LINE) {
				too_long(mode, &out, st);
			} else {
				st->lines++;
				eval_line(p, in + start, n, st->lines, mode, &out, st);
			}
			start += n + (nl != NULL);
			if (out.len >= FLUSH_AT) {
				if ((rc = write_all(out_fd, out.data, out.len, err)) != LMN_OK)
					goto done;
				buf_reset(&out);
			}
		}
		memmove(in, in + start, have - start);
		have -= start;
		if (have > EVAL_MAX_LINE) {
			/* No newline within the cap: answer once and drop the line's remainder. */
			if (!skipping)
				too_long(mode, &out, st);
			have = 0;
			skipping = true;
		}
		if (eof && have == 0)
			break;
	}
	if (rc == LMN_OK && out.len > 0)
		rc = write_all(out_fd, out.data, out.len, err);
done:
	if (rc == LMN_OK && out.failed)
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "output buffer overflow");
	buf_release(&out);
	free(in);
	return rc;
}
