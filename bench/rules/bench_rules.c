/* Times eval_stream over a file of order facts: the full evaluation (parse, decide, write) and,
 * side by side in the same run, the parse-only floor. Pinned to one core. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "codec/eval_stream.h"
#include "store/rules_files.h"
#include "util/localtime.h"

static double run(const struct params *p, const char *path, enum eval_mode mode, long *lines)
{
	struct eval_stats st = { 0 };
	struct lmn_err err;
	struct timespec a, b;
	int in = open(path, O_RDONLY), out = open("/dev/null", O_WRONLY);

	if (in < 0 || out < 0) {
		perror(path);
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (eval_stream(p, in, out, mode, &st, &err) != LMN_OK) {
		fprintf(stderr, "eval: %s\n", err.message);
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	close(in);
	close(out);
	*lines = st.lines;
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	struct params p;
	struct lmn_err err;
	cpu_set_t one;
	double best_full = 1e9, best_parse = 1e9;
	long lines = 0, reps = argc > 2 ? strtol(argv[2], NULL, 10) : 5;

	if (argc < 2 || reps < 1) {
		fprintf(stderr, "usage: bench_rules FACTS.jsonl [REPETITIONS]\n");
		return 2;
	}
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		perror("sched_setaffinity (running unpinned)");
	params_init(&p);
	if (localtime_init(&err) != LMN_OK ||
	    rules_files_load(&p, rules_files_default_dir(), &err) != LMN_OK) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	/* Alternate the two passes so both see the same cache and frequency conditions. */
	for (long r = 0; r < reps; r++) {
		double t = run(&p, argv[1], EVAL_PARSE_ONLY, &lines);
		if (t < best_parse)
			best_parse = t;
		t = run(&p, argv[1], EVAL_FULL, &lines);
		if (t < best_full)
			best_full = t;
	}
	printf("lines            %ld\n", lines);
	printf("parse only       %.3f s  %.0f lines/s\n", best_parse, (double)lines / best_parse);
	printf("full evaluation  %.3f s  %.0f evaluations/s\n", best_full, (double)lines / best_full);
	printf("ratio full / parse-only  %.2f\n", best_full / best_parse);
	params_release(&p);
	return 0;
}
