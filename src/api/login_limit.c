/* Sign-in attempts and password hashes: the policy is in login_limit.h. */
#include "api/login_limit.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

enum kind { PAIR, ACCOUNT, ADDRESS };

static const struct {
	int free;	/* failures before the first wait */
	int64_t cap_ms; /* the longest wait */
} policy[] = {
	[PAIR] = { 5, 15 * 60 * 1000 },
	[ACCOUNT] = { 10, 15 * 60 * 1000 },
	[ADDRESS] = { 30, 5 * 60 * 1000 },
};

#define FIRST_WAIT_MS 1000
#define FORGET_MS     (60 * 60 * 1000) /* longer than every cap */
#define SLOTS	      8192	       /* a power of two */
#define PROBE	      8

struct entry {
	uint64_t key; /* 0: empty */
	int failures;
	int64_t last_ms;  /* the last failure */
	int64_t until_ms; /* attempts wait until then */
};

static struct entry table[SLOTS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t key_of(enum kind k, const char *user, const char *addr)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)k; /* FNV-1a over kind, user, NUL, addr */

	h *= 1099511628211ull;
	if (k != ADDRESS)
		for (const char *p = user; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h *= 1099511628211ull;
	if (k != ACCOUNT)
		for (const char *p = addr; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h ? h : 1;
}

/* The entry of key, or NULL; one that has not failed for FORGET_MS is as none. */
static struct entry *find(uint64_t key, int64_t now)
{
	for (size_t i = 0; i < PROBE; i++) {
		struct entry *e = &table[(key + i) & (SLOTS - 1)];
		if (e->key == key) {
			if (now - e->last_ms >= FORGET_MS) {
				memset(e, 0, sizeof(*e));
				return NULL;
			}
			return e;
		}
	}
	return NULL;
}

/* The entry of key, made if need be in an empty slot or the one failed longest ago. */
static struct entry *get(uint64_t key, int64_t now)
{
	struct entry *e = find(key, now), *oldest = NULL;

	if (e)
		return e;
	for (size_t i = 0; i < PROBE; i++) {
		e = &table[(key + i) & (SLOTS - 1)];
		if (!e->key || now - e->last_ms >= FORGET_MS) {
			oldest = e;
			break;
		}
		if (!oldest || e->last_ms < oldest->last_ms)
			oldest = e;
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->key = key;
	return oldest;
}

static int64_t left(const struct entry *e, int64_t now)
{
	return e && e->until_ms > now ? e->until_ms - now : 0;
}

int64_t login_limit_wait(const char *user, const char *addr, int64_t now_ms)
{
	int64_t wait, w;
	struct entry *pair;

	pthread_mutex_lock(&table_lock);
	pair = find(key_of(PAIR, user, addr), now_ms);
	wait = left(pair, now_ms);
	if ((w = left(find(key_of(ADDRESS, user, addr), now_ms), now_ms)) > wait)
		wait = w;
	/* The account's own delay holds only the addresses that have failed on it. */
	if (pair && pair->failures > 0 &&
	    (w = left(find(key_of(ACCOUNT, user, addr), now_ms), now_ms)) > wait)
		wait = w;
	pthread_mutex_unlock(&table_lock);
	return wait;
}

static void fail(enum kind k, const char *user, const char *addr, int64_t now)
{
	struct entry *e = get(key_of(k, user, addr), now);
	int over;

	e->failures++;
	e->last_ms = now;
	over = e->failures - policy[k].free;
	if (over >= 0) {
		int64_t wait = over >= 30 ? policy[k].cap_ms : (int64_t)FIRST_WAIT_MS << over;
		e->until_ms = now + (wait < policy[k].cap_ms ? wait : policy[k].cap_ms);
	}
}

void login_limit_failed(const char *user, const char *addr, int64_t now_ms)
{
	pthread_mutex_lock(&table_lock);
	fail(PAIR, user, addr, now_ms);
	fail(ACCOUNT, user, addr, now_ms);
	fail(ADDRESS, user, addr, now_ms);
	pthread_mutex_unlock(&table_lock);
}

void login_limit_succeeded(const char *user, const char *addr, int64_t now_ms)
{
	struct entry *e;

	pthread_mutex_lock(&table_lock);
	if ((e = find(key_of(PAIR, user, addr), now_ms)))
		memset(e, 0, sizeof(*e));
	if ((e = find(key_of(ACCOUNT, user, addr), now_ms)))
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&table_lock);
}

void login_limit_reset(void)
{
	pthread_mutex_lock(&table_lock);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&table_lock);
}

/* ---- Password hashes at once ---- */

static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static int hash_active, hash_waiting;

bool login_hash_begin(int64_t since_ms)
{
	struct timespec now, until;
	int64_t left;
	bool ok = true;

	/* How long it may still wait, on the clock pthread_cond_timedwait reads. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	left = LOGIN_HASH_WAIT_MS;
	if (since_ms > 0)
		left -= (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - since_ms;
	if (left < 0)
		left = 0;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(left / 1000);
	until.tv_nsec += (long)(left % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&hash_lock);
	if (hash_active >= LOGIN_HASH_ACTIVE) {
		if (hash_waiting >= LOGIN_HASH_QUEUE) {
			ok = false;
		} else {
			hash_waiting++;
			while (hash_active >= LOGIN_HASH_ACTIVE && ok)
				ok = pthread_cond_timedwait(&hash_cond, &hash_lock, &until) !=
					     ETIMEDOUT ||
				     hash_active < LOGIN_HASH_ACTIVE;
			hash_waiting--;
		}
	}
	if (ok)
		hash_active++;
	pthread_mutex_unlock(&hash_lock);
	return ok;
}

void login_hash_wait(void)
{
	pthread_mutex_lock(&hash_lock);
	while (hash_active >= LOGIN_HASH_ACTIVE)
		pthread_cond_wait(&hash_cond, &hash_lock);
	hash_active++;
	pthread_mutex_unlock(&hash_lock);
}

void login_hash_end(void)
{
	pthread_mutex_lock(&hash_lock);
	hash_active--;
	pthread_cond_signal(&hash_cond);
	pthread_mutex_unlock(&hash_lock);
}
