/* lmn serve's notice worker (issue 20): sends the outbox's notices (migration 21, store/notices.c)
 * by e-mail over SMTP to a relay and by SMS through an HTTP gateway (libcurl), with retries after
 * an exponential back-off and, after the last attempt, a dead letter the administration sees
 * (GET /api/notices). Several servers may send: each claims the notices it sends, for
 * --notice-lease seconds, in one write before it sends them (store/notices.c), so no notice is sent
 * by two of them while they run. A notice is marked sent after the relay or gateway took it: a
 * crash in between sends it again, after the claim ran out (at least once, never lost). Without a
 * relay or gateway for a channel, its notices stay queued. Also the administration's list of
 * notices not sent. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "api/api.h"
#include "core/notice.h"
#include "store/notices.h"
#include "util/buf.h"
#include "util/clock.h"

/* Notices read per look at the outbox. */
#define NOTICES_BATCH 16
/* How often the worker looks for notices due (a read of an index of what is not sent). */
#define NOTICES_POLL_MS 1000
/* The longest wait between two attempts. */
#define NOTICES_MAX_BACKOFF_S (6 * 3600)
/* The longest a relay or gateway may take for one notice. */
#define NOTICES_TIMEOUT_S 20L
/* A notice is sent only with this much of its claim left (its outcome is written in it). */
#define NOTICES_CLAIM_MARGIN_S 2

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	struct db *db;
	struct notices_config cfg;
	bool running, stop;
} worker = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* The message as curl reads it for the SMTP upload. */
struct upload {
	const char *data;
	size_t len, pos;
};

static size_t upload_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->len - u->pos)
		n = u->len - u->pos;
	memcpy(ptr, u->data + u->pos, n);
	u->pos += n;
	return n;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

/* What went wrong, in Swedish for the administration's page (no recipient in it). */
static const char *curl_sv(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return "adressen hittades inte";
	case CURLE_COULDNT_CONNECT:
		return "gick inte att ansluta till";
	case CURLE_OPERATION_TIMEDOUT:
		return "svarade inte i tid";
	case CURLE_LOGIN_DENIED:
		return "tog inte emot inloggningen";
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return "bröt förbindelsen";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_USE_SSL_FAILED:
		return "gick inte att nå krypterat (TLS)";
	case CURLE_UPLOAD_FAILED:
	case CURLE_QUOTE_ERROR:
		return "tog inte emot meddelandet";
	default:
		return "gav ett fel";
	}
}

/* A header's text as RFC 2047 UTF-8 base64 ("=?UTF-8?B?…?="). */
static void add_encoded(struct buf *b, const char *s)
{
	size_t n = strlen(s), blen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(blen);

	if (!enc) {
		b->failed = true;
		return;
	}
	sodium_bin2base64(enc, blen, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	buf_addf(b, "=?UTF-8?B?%s?=", enc);
	free(enc);
}

/* The e-mail: headers, then the body with CRLF line ends (curl stuffs the dots). */
static void build_mail(struct buf *b, const struct notice_row *r, const char *from)
{
	char date[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_addf(b, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: ", date, from, r->recipient);
	add_encoded(b, r->subject);
	buf_addf(b,
		 "\r\nMessage-ID: <lmn-notice-%lld@lmn>\r\nMIME-Version: 1.0\r\n"
		 "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"
		 "Auto-Submitted: auto-generated\r\n\r\n",
		 (long long)r->id);
	for (const char *p = r->body; *p; p++) {
		if (*p == '\n')
			buf_addc(b, '\r');
		buf_addc(b, *p);
	}
	buf_adds(b, "\r\n");
}

/* Sends r; false with why (no recipient nor text in it). */
static bool send_mail(const struct notices_config *cfg, const struct notice_row *r, long timeout_s,
		      char *why, size_t nwhy)
{
	struct buf msg;
	struct upload u;
	struct curl_slist *rcpt = NULL;
	char from[300];
	CURL *h;
	CURLcode cc;
	long code = 0;

	if (!notice_email_valid(r->recipient)) {
		snprintf(why, nwhy, "E-postadressen går inte att skicka till.");
		return false;
	}
	if (!(h = curl_easy_init())) {
		snprintf(why, nwhy, "Minnet tog slut (libcurl).");
		return false;
	}
	buf_init(&msg, 64 * 1024);
	build_mail(&msg, r, cfg->mail_from);
	snprintf(from, sizeof(from), "<%s>", cfg->mail_from);
	rcpt = curl_slist_append(NULL, r->recipient);
	if (msg.failed || !rcpt) {
		snprintf(why, nwhy, "Minnet tog slut.");
		cc = CURLE_OUT_OF_MEMORY;
		goto out;
	}
	u = (struct upload){ msg.data, msg.len, 0 };
	curl_easy_setopt(h, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s < 10L ? timeout_s : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	/* smtps:// is TLS at once; smtp:// upgrades with STARTTLS where the relay offers it. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		snprintf(why, nwhy, "E-postservern (SMTP) %s, svarskod %ld (curl %d: %s).",
			 curl_sv(cc), code, (int)cc, curl_easy_strerror(cc));
	}
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	buf_release(&msg);
	return cc == CURLE_OK;
}

/* The gateway's JSON body (README.md, "Notices"). */
static char *sms_json(const struct notice_row *r, const char *to)
{
	char ref[40];
	json_t *o;
	char *s;

	snprintf(ref, sizeof(ref), "lmn-notice-%lld", (long long)r->id);
	o = json_pack("{s:s, s:s, s:s}", "to", to, "message", r->body, "reference", ref);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static bool send_sms(const struct notices_config *cfg, const struct notice_row *r, long timeout_s,
		     char *why, size_t nwhy)
{
	struct curl_slist *hdr = NULL;
	char to[20], *body;
	CURL *h;
	CURLcode cc;
	long code = 0;
	bool ok;

	if (!notice_phone_e164(r->recipient, to)) {
		snprintf(why, nwhy, "Telefonnumret går inte att skicka sms till.");
		return false;
	}
	if (!(body = sms_json(r, to)) || !(h = curl_easy_init())) {
		free(body);
		snprintf(why, nwhy, "Minnet tog slut.");
		return false;
	}
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, cfg->sms_url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s < 10L ? timeout_s : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	ok = cc == CURLE_OK && code >= 200 && code < 300;
	if (cc != CURLE_OK)
		snprintf(why, nwhy, "Sms-tjänsten %s (curl %d: %s).", curl_sv(cc), (int)cc,
			 curl_easy_strerror(cc));
	else if (!ok)
		snprintf(why, nwhy, "Sms-tjänsten svarade med HTTP-status %ld.", code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(body);
	return ok;
}

/* The wait after attempt number `attempts` (1 for the first) failed: retry_s, doubled each time. */
static int64_t backoff(const struct notices_config *cfg, int64_t attempts)
{
	int64_t s = cfg->retry_s;

	for (int64_t i = 1; i < attempts && s < NOTICES_MAX_BACKOFF_S; i++)
		s *= 2;
	return s < NOTICES_MAX_BACKOFF_S ? s : NOTICES_MAX_BACKOFF_S;
}

/* The claim of the notices due (a write of its own, before any is sent). */
struct claim_job {
	const struct notices_config *cfg;
	struct notice_row *rows;
	int64_t now_s, until;
	size_t n;
	struct lmn_err *err;
};

static enum lmn_rc claim_write(struct db_conn *c, void *arg)
{
	struct claim_job *j = arg;

	return notices_claim(c, jobs_server(), j->now_s, j->until, j->cfg->smtp_url != NULL,
			     j->cfg->sms_url != NULL, j->rows, NOTICES_BATCH, &j->n, j->err);
}

/* The claims given back: the notices of rows from the first not sent. */
struct unclaim_job {
	const struct notice_row *rows;
	size_t n;
	struct lmn_err *err;
};

static enum lmn_rc unclaim_write(struct db_conn *c, void *arg)
{
	struct unclaim_job *j = arg;
	enum lmn_rc rc = LMN_OK;

	for (size_t i = 0; rc == LMN_OK && i < j->n; i++)
		rc = notices_unclaim(c, jobs_server(), j->rows[i].id, j->err);
	return rc;
}

struct mark_job {
	int64_t id;
	bool sent, dead;
	int64_t next_s;
	const char *at, *why;
	struct lmn_err *err;
};

static enum lmn_rc mark_write(struct db_conn *c, void *arg)
{
	struct mark_job *j = arg;

	if (j->sent)
		return notices_mark_sent(c, j->id, j->at, j->err);
	return notices_mark_failed(c, j->id, j->dead, j->next_s, j->at, j->why, j->err);
}

static void report(enum lmn_rc rc, const struct lmn_err *err)
{
	if (rc != LMN_OK)
		fprintf(stderr, "lmn: notices: %s (tried again later)\n", err->message);
}

/* Gives back the claims of the n notices from rows that were not sent (lmn serve stopping, or
 * the claim running out): another server takes them at once. */
static void unclaim(const struct notice_row *rows, size_t n)
{
	struct lmn_err err = { 0 };
	struct unclaim_job j = { rows, n, &err };

	if (n)
		report(db_write_pooled(worker.db, unclaim_write, &j, &err), &err);
}

/* Claims and sends the notices due now; how many were claimed (a full batch: look again at once). */
static size_t run_once(const struct notices_config *cfg, struct notice_row *rows)
{
	struct clock_now now;
	struct lmn_err err = { 0 };
	int64_t t0 = (int64_t)time(NULL);
	struct claim_job cj = { cfg, rows, t0, t0 + cfg->lease_s, 0, &err };
	struct db_conn *c;
	bool any = false;
	size_t n;
	enum lmn_rc rc;

	/* A read first: most looks find nothing due, and then nothing is written. */
	if ((rc = db_acquire(worker.db, &c, &err)) == LMN_OK) {
		rc = notices_claimable(c, t0, cfg->smtp_url != NULL, cfg->sms_url != NULL, &any,
				       &err);
		db_release(worker.db, c);
	}
	report(rc, &err);
	if (rc != LMN_OK || !any)
		return 0;
	rc = db_write_pooled(worker.db, claim_write, &cj, &err);
	report(rc, &err);
	n = rc == LMN_OK ? cj.n : 0;
	for (size_t i = 0; rc == LMN_OK && i < n; i++) {
		const struct notice_row *r = &rows[i];
		int64_t left = cj.until - (int64_t)time(NULL) - NOTICES_CLAIM_MARGIN_S;
		char why[256] = "";
		bool stop, sent;

		pthread_mutex_lock(&worker.lock); /* lmn serve stopping: the rest waits, queued */
		stop = worker.stop;
		pthread_mutex_unlock(&worker.lock);
		if (stop || left < 1) { /* another server may take the rest (at once) */
			unclaim(rows + i, n - i);
			return stop ? 0 : n;
		}
		/* Never longer than the claim: no other server sends it while this one may. */
		long timeout = left < NOTICES_TIMEOUT_S ? (long)left : NOTICES_TIMEOUT_S;
		sent = strcmp(r->channel, "email") == 0
			       ? send_mail(cfg, r, timeout, why, sizeof(why))
			       : send_sms(cfg, r, timeout, why, sizeof(why));
		struct mark_job j = { .id = r->id,
				      .sent = sent,
				      .dead = !sent && r->attempts + 1 >= cfg->max_attempts,
				      .next_s = (int64_t)time(NULL) + backoff(cfg, r->attempts + 1),
				      .at = NULL,
				      .why = why,
				      .err = &err };

		if ((rc = clock_now(&now, &err)) != LMN_OK)
			break;
		j.at = now.iso;
		if (!sent) /* ids only: the recipient and text stay in the database */
			fprintf(stderr, "lmn: notice %lld (%s) not sent, attempt %lld%s: %s\n",
				(long long)r->id, r->channel, (long long)(r->attempts + 1),
				j.dead ? ", the last" : "", why);
		rc = db_write_pooled(worker.db, mark_write, &j, &err);
	}
	report(rc, &err);
	return rc == LMN_OK ? n : 0;
}

static void *worker_main(void *arg)
{
	struct notice_row *rows = arg;
	struct timespec ts;

	pthread_mutex_lock(&worker.lock);
	while (!worker.stop) {
		struct notices_config cfg = worker.cfg;
		size_t n;

		pthread_mutex_unlock(&worker.lock);
		n = run_once(&cfg, rows);
		pthread_mutex_lock(&worker.lock);
		if (worker.stop || n == NOTICES_BATCH)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += NOTICES_POLL_MS / 1000;
		ts.tv_nsec += (NOTICES_POLL_MS % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&worker.wake, &worker.lock, &ts);
	}
	pthread_mutex_unlock(&worker.lock);
	free(rows);
	return NULL;
}

enum lmn_rc notices_start(struct db *db, const struct notices_config *cfg, struct lmn_err *err)
{
	struct notice_row *rows;
	enum lmn_rc rc = LMN_OK;

	if (!cfg->smtp_url && !cfg->sms_url)
		return LMN_OK; /* nothing to send with: the notices wait in the outbox */
	if (cfg->smtp_url && !cfg->mail_from)
		return lmn_err_set(err, LMN_EINVAL, "--mail-from", NULL,
				   "--smtp-url needs --mail-from (the sender's address)");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "libcurl cannot start");
	if (!(rows = calloc(NOTICES_BATCH, sizeof(*rows)))) {
		curl_global_cleanup();
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	}
	pthread_mutex_lock(&worker.lock);
	worker.db = db;
	worker.cfg = *cfg;
	worker.stop = false;
	if (pthread_create(&worker.thread, NULL, worker_main, rows) != 0) {
		free(rows);
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "cannot start the notice worker");
	} else {
		worker.running = true;
	}
	pthread_mutex_unlock(&worker.lock);
	if (rc != LMN_OK)
		curl_global_cleanup();
	return rc;
}

void notices_stop(void)
{
	pthread_mutex_lock(&worker.lock);
	bool running = worker.running;
	worker.stop = true;
	worker.running = false;
	pthread_cond_signal(&worker.wake);
	pthread_mutex_unlock(&worker.lock);
	if (running) {
		pthread_join(worker.thread, NULL);
		curl_global_cleanup();
	}
}

/* The administration's view: notices not sent (dead, or still queued), without recipient or text. */
static void list_one(void *arg, const struct notice_status *s)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)s->id,
			      "patient_id", (json_int_t)s->patient_id, "kind", s->kind, "channel",
			      s->channel, "created_at", s->created_at, "attempts",
			      (json_int_t)s->attempts, "state", *s->dead_at ? "dead" : "queued");

	if (!o)
		return;
	if (s->order_id)
		json_object_set_new(o, "order_id", json_integer(s->order_id));
	if (*s->dead_at)
		json_object_set_new(o, "dead_at", json_string(s->dead_at));
	else
		json_object_set_new(o, "next_attempt_at", json_integer(s->next_attempt_at));
	if (*s->last_error)
		json_object_set_new(o, "last_error", json_string(s->last_error));
	json_array_append_new(arg, o);
}

int notices_retry_route(struct api_ctx *ctx)
{
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK ||
	    (rc = notices_retry(ctx->c, ctx->id[0], &ctx->err)) != LMN_OK ||
	    (rc = db_commit(ctx->c, &ctx->err)) != LMN_OK)
		return api_fail(ctx, rc);
	return api_json(ctx, 200,
			json_pack("{s:I, s:s}", "id", (json_int_t)ctx->id[0], "state", "queued"));
}

int notices_list_route(struct api_ctx *ctx)
{
	const char *state = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "state");
	json_t *list;
	int64_t limit;
	enum lmn_rc rc;

	if (state && strcmp(state, "dead") != 0 && strcmp(state, "queued") != 0)
		return api_problem(ctx, 400, "invalid_input", "state", NULL,
				   "state ska vara dead eller queued.");
	if (!api_query_int_or_reply(ctx, "limit", 200, 1, 1000, &limit))
		return (int)ctx->resp->status;
	if (!(list = json_array()))
		return api_fail(ctx,
				lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	rc = notices_list(ctx->c, state, limit, list_one, list, &ctx->err);
	if (rc != LMN_OK) {
		json_decref(list);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "notices", list));
}
