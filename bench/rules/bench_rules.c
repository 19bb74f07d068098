/* Times eval_stream over a file of order facts, as `lmn rules eval` runs it (the file's descriptor
 * in, /dev/null out): the full evaluation and, alternating with it in the same run, the pass that
 * only reads and parses the lines (the floor). Pinned to one core.
 * Usage: bench_rules FACTS.jsonl [REPETITIONS] */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "codec/eval_stream.h"
#include "store/rules_files.h"
#include "util/localtime.h"

#define MAX_REPS 99

struct timing {
	const char *name;
	enum eval_mode mode;
	double s[MAX_REPS];
	int n;
	struct eval_stats st;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One pass over the file; false (with a message) when it cannot be read or evaluated. */
static bool run(const struct params *p, const char *path, struct timing *t)
{
	struct lmn_err err;
	int in = open(path, O_RDONLY), out = open("/dev/null", O_WRONLY);
	double a, b;
	enum lmn_rc rc;

	if (in < 0 || out < 0) {
		perror(in < 0 ? path : "/dev/null");
		if (in >= 0)
			close(in);
		return false;
	}
	a = now();
	rc = eval_stream(p, in, out, t->mode, &t->st, &err);
	b = now();
	close(in);
	close(out);
	if (rc != LMN_OK) {
		fprintf(stderr, "eval_stream: %s\n", err.message);
		return false;
	}
	t->s[t->n++] = b - a;
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const struct timing *t)
{
	double v[MAX_REPS] = { 0 };

	for (int i = 0; i < t->n; i++)
		v[i] = t->s[i];
	qsort(v, (size_t)t->n, sizeof(v[0]), cmp_double);
	return t->n % 2 ? v[t->n / 2] : (v[t->n / 2 - 1] + v[t->n / 2]) / 2;
}

static double best(const struct timing *t)
{
	double m = t->s[0];

	for (int i = 1; i < t->n; i++)
		if (t->s[i] < m)
			m = t->s[i];
	return m;
}

int main(int argc, char **argv)
{
	struct params p;
	struct lmn_err err;
	cpu_set_t one;
	struct timing parse = { .name = "parse only", .mode = EVAL_PARSE_ONLY },
		      full = { .name = "full evaluation", .mode = EVAL_FULL };
	struct timing *both[2] = { &parse, &full };
	long reps = argc > 2 ? strtol(argv[2], NULL, 10) : 7;
	double lines;

	if (argc < 2 || argc > 3 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "usage: bench_rules FACTS.jsonl [REPETITIONS (1-%d, default 7)]\n",
			MAX_REPS);
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
	/* A pass of each, untimed, brings the file into the page cache and the code into the caches;
	 * then the two alternate, so both see the same conditions. */
	for (int k = 0; k < 2; k++) {
		if (!run(&p, argv[1], both[k]))
			return 1;
		both[k]->n = 0;
	}
	for (long r = 0; r < reps; r++)
		for (int k = 0; k < 2; k++)
			if (!run(&p, argv[1], both[k]))
				return 1;
	lines = (double)full.st.lines;
	printf("%ld lines (%ld answered, %ld refused, %ld invalid), %ld repetitions each, pinned to "
	       "CPU 0\n",
	       full.st.lines, full.st.ok, full.st.refused, full.st.invalid, reps);
	printf("%-16s %10s %10s %16s %16s\n", "pass", "best s", "median s", "best lines/s",
	       "median lines/s");
	for (int k = 0; k < 2; k++)
		printf("%-16s %10.3f %10.3f %16.0f %16.0f\n", both[k]->name, best(both[k]),
		       median(both[k]), lines / best(both[k]), lines / median(both[k]));
	printf("ratio full / parse only: %.2f (best), %.2f (median)\n", best(&full) / best(&parse),
	       median(&full) / median(&parse));
	params_release(&p);
	return 0;
}
