/* The 1177 contracts' traffic of the day (calls per interaction and version, logical errors,
 * faults), counted in memory by the process for the administration's page, and
 * GET /api/rivta/traffic that shows it. */
#include <pthread.h>
#include <string.h>

#include "api/api.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct traffic_day counts = { .day = LMN_DAY_NONE };

void traffic_count(lmn_day today, enum ms_interaction k, int version, enum traffic_outcome o)
{
	if ((unsigned)k >= MS__COUNT || version < 1 || version > 2 || (unsigned)o >= TRAFFIC__COUNT)
		return;
	pthread_mutex_lock(&lock);
	if (counts.day != today) {
		memset(&counts, 0, sizeof(counts));
		counts.day = today;
	}
	counts.n[k][version - 1][o]++;
	pthread_mutex_unlock(&lock);
}

void traffic_get(lmn_day today, struct traffic_day *out)
{
	pthread_mutex_lock(&lock);
	if (counts.day == today) {
		*out = counts;
	} else {
		memset(out, 0, sizeof(*out));
		out->day = today;
	}
	pthread_mutex_unlock(&lock);
}

/* GET /api/rivta/traffic: today's counts of this process, a row per interaction and major
 * version (all six, zero included, so the page's table keeps its shape). */
int rivta_traffic_get(struct api_ctx *ctx)
{
	static const char *const outcome_keys[TRAFFIC__COUNT] = {
		[TRAFFIC_OK] = "ok", [TRAFFIC_ERROR] = "errors", [TRAFFIC_FAULT] = "faults"
	};
	struct traffic_day t;
	unsigned long total[TRAFFIC__COUNT] = { 0 };
	json_t *rows = json_array(), *sum;
	char day[11];

	traffic_get(ctx->today, &t);
	for (int k = 0; k < MS__COUNT; k++)
		for (int v = 0; v < 2; v++) {
			json_t *row = json_pack("{s:s, s:i}", "interaction",
						ms_interaction_name((enum ms_interaction)k),
						"version", v + 1);
			unsigned long calls = 0;

			for (int o = 0; o < TRAFFIC__COUNT; o++) {
				json_object_set_new(row, outcome_keys[o],
						    json_integer((json_int_t)t.n[k][v][o]));
				calls += t.n[k][v][o];
				total[o] += t.n[k][v][o];
			}
			json_object_set_new(row, "calls", json_integer((json_int_t)calls));
			json_array_append_new(rows, row);
		}
	sum = json_pack("{s:I, s:I, s:I, s:I}", "calls",
			(json_int_t)(total[TRAFFIC_OK] + total[TRAFFIC_ERROR] +
				     total[TRAFFIC_FAULT]),
			"ok", (json_int_t)total[TRAFFIC_OK], "errors",
			(json_int_t)total[TRAFFIC_ERROR], "faults",
			(json_int_t)total[TRAFFIC_FAULT]);
	date_format(ctx->today, day);
	/* The listener runs only with a LogicalAddress (cmd_serve.c checks the options
	 * together). */
	return api_json(ctx, 200,
			json_pack("{s:s, s:b, s:o, s:o}", "day", day, "served",
				  ctx->app->cfg.logical_address != NULL, "interactions", rows,
				  "total", sum));
}
