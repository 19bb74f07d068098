/* libFuzzer target for the JSON-lines reader of `lmn rules eval`: one line through facts_json_parse,
 * the delivery engine and the writers, and the whole input as a stream through eval_stream. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "codec/eval_stream.h"
#include "codec/facts_json.h"
#include "rules/delivery.h"
#include "store/rules_files.h"
#include "util/buf.h"
#include "util/localtime.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct params rules;
static int in_fd = -1, out_fd = -1;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_facts_json: %s: %s\n", what, why);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct lmn_err err;
	const char *dir = rules_files_default_dir();

	(void)argc;
	(void)argv;
	if (localtime_init(&err) != LMN_OK)
		die("localtime_init", err.message);
	params_init(&rules);
	if (rules_files_load(&rules, dir, &err) != LMN_OK)
		die(dir, err.message);
	/* Files in memory, not pipes: a pipe blocks once the input or output outgrows its buffer. */
	in_fd = memfd_create("fuzz-in", 0);
	out_fd = memfd_create("fuzz-out", 0);
	if (in_fd < 0 || out_fd < 0)
		die("memfd_create", strerror(errno));
	return 0;
}

/* Every answer is one line holding one JSON object. */
static void check_answer(const char *s, size_t n)
{
	json_t *j;

	if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n - 1))
		die("answer", "not exactly one line");
	j = json_loadb(s, n - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!j || !json_is_object(j)) {
		fprintf(stderr, "fuzz_facts_json: answer is not a JSON object: %.*s", (int)n, s);
		abort();
	}
	json_decref(j);
}

static void one_line(const char *s, size_t n)
{
	struct order_facts f;
	struct delivery_decision d;
	struct lmn_err err;
	struct buf out, msg;
	enum lmn_rc rc;
	json_t *j;

	lmn_err_clear(&err);
	buf_init(&out, 0);
	rc = facts_json_parse(s, n, &f, &err);
	/* jansson as the reference: what the reader accepts is a JSON object, and what it calls
	 * broken JSON is not. Not the other way round with a raw NUL byte: jansson 2.14 skips one
	 * right after a number or literal ({"a":1\0} parses). */
	j = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	if (rc == LMN_OK && !json_is_object(j))
		die("accepted a line that is not a JSON object", "");
	if (rc != LMN_OK && j && !memchr(s, '\0', n) &&
	    strcmp(err.message, "Raden är inte giltig JSON.") == 0)
		die("called valid JSON broken; field", err.field);
	json_decref(j);
	if (rc == LMN_OK) {
		rc = delivery_decide(&rules, &f, &d, &err);
		if (rc == LMN_OK || rc == LMN_EREFUSED) {
			buf_init(&msg, 0);
			delivery_message(&d, &msg);
			buf_release(&msg);
			facts_json_write_decision(&out, &d);
		} else {
			facts_json_write_invalid(&out, 1, &err);
		}
	} else {
		if (rc != LMN_EINVAL || err.message[0] == '\0')
			die("refusal without a message", lmn_rc_name(rc));
		facts_json_write_invalid(&out, 1, &err);
	}
	if (out.failed)
		die("answer", "buffer failed");
	check_answer(out.data, out.len);
	buf_release(&out);
}

static void stream(const uint8_t *data, size_t size)
{
	struct eval_stats st;
	struct lmn_err err;
	off_t len;
	char *out;
	long nl = 0;

	if (ftruncate(in_fd, 0) != 0 || ftruncate(out_fd, 0) != 0 ||
	    lseek(out_fd, 0, SEEK_SET) != 0)
		die("ftruncate", strerror(errno));
	if (size > 0 && pwrite(in_fd, data, size, 0) != (ssize_t)size)
		die("pwrite", strerror(errno));
	if (lseek(in_fd, 0, SEEK_SET) != 0)
		die("lseek", strerror(errno));
	if (eval_stream(&rules, in_fd, out_fd, EVAL_FULL, &st, &err) != LMN_OK)
		die("eval_stream", err.message);
	if (st.ok + st.refused + st.invalid != st.lines)
		die("eval_stream", "counts do not add up");
	len = lseek(out_fd, 0, SEEK_END);
	if (len < 0)
		die("lseek", strerror(errno));
	if (len == 0) {
		if (st.lines != 0)
			die("eval_stream", "no answers");
		return;
	}
	out = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, out_fd, 0);
	if (out == MAP_FAILED)
		die("mmap", strerror(errno));
	/* One answer line per input line, in order. */
	for (size_t at = 0; at < (size_t)len; nl++) {
		const char *e = memchr(out + at, '\n', (size_t)len - at);
		if (!e)
			die("eval_stream", "answer without a newline");
		check_answer(out + at, (size_t)(e - (out + at)) + 1);
		at = (size_t)(e - out) + 1;
	}
	munmap(out, (size_t)len);
	if (nl != st.lines)
		die("eval_stream", "not one answer per line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one_line((const char *)data, size);
	stream(data, size);
	return 0;
}
