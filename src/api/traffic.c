/* The 1177 contracts' traffic of the day (calls per interaction and version, logical errors,
 * faults), counted in memory by the process for the administration's page. */
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
