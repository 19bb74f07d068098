/* Assortment import over the API: the administration uploads a CSV file (text/csv), lmn answers
 * 202 at once and reads and writes it in a worker thread, and the client follows the progress at
 * /api/article-imports/{id} until the import is done (every article written) or failed (nothing
 * written, every error listed with its line). One import runs at a time, whichever of the servers
 * on one database it was sent to: the server that runs it keeps its row alive and says there how
 * far it has come, so every server answers the same. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "codec/assortment_csv.h"
#include "store/article_imports.h"
#include "store/articles.h"
#include "util/clock.h"

/* An import whose server has given no sign of life for this long (seconds) is taken by the
 * others as interrupted: its server stopped. While it writes its articles, its server holds the
 * write lock and cannot write its row: then a second more for every IMPORT_ROWS_PER_S of them
 * (far slower than any store writes them). */
#define IMPORT_ALIVE_S	  120
#define IMPORT_ROWS_PER_S 100
/* Its server writes how far it has come at most this often (seconds) while it reads the file. */
#define IMPORT_TELL_S 1

/* The running import of this server, if any. Its progress lives here, and in its row for the other
 * servers; the outcome goes to article_imports. */
static struct {
	pthread_mutex_t lock;
	int64_t told;  /* when the row was last told how far it has come (seconds) */
	bool busy;     /* an import is running */
	bool joinable; /* thread has been started and not yet joined */
	pthread_t thread;
	int64_t id;
	int64_t finished;  /* the last import whose worker committed it */
	const char *phase; /* "reading", "writing" */
	size_t rows_done, rows_total, bytes_done, bytes_total;
} job = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct job_input {
	struct db *db;
	int64_t id;
	char *data;
	size_t len;
	lmn_day default_from, today;
};

struct tell {
	int64_t id;
	const char *phase;
	int64_t rows_done, rows_total, bytes_done, now_s;
	struct lmn_err err;
};

static enum lmn_rc tell_job(struct db_conn *c, void *arg)
{
	struct tell *t = arg;

	return article_imports_progress(c, t->id, t->phase, t->rows_done, t->rows_total,
					t->bytes_done, t->now_s, &t->err);
}

/* Writes how far the import has come in its row, for the other servers. A failure is not the
 * import's: the row only lags behind (and says so in the server's log). */
static void tell(struct job_input *in, const char *phase, size_t rows_done, size_t rows_total,
		 size_t bytes_done)
{
	struct tell t = { .id = in->id,
			  .phase = phase,
			  .rows_done = (int64_t)rows_done,
			  .rows_total = (int64_t)rows_total,
			  .bytes_done = (int64_t)bytes_done,
			  .now_s = (int64_t)time(NULL) };
	enum lmn_rc rc;

	lmn_err_clear(&t.err);
	pthread_mutex_lock(&job.lock);
	job.told = t.now_s;
	pthread_mutex_unlock(&job.lock);
	if ((rc = db_write_pooled(in->db, tell_job, &t, &t.err)) != LMN_OK)
		fprintf(stderr, "lmn: article import %lld: its progress: %s: %s\n",
			(long long)in->id, lmn_rc_name(rc), t.err.message);
}

static void on_read(void *ctx, size_t rows_done, size_t bytes_done, size_t bytes_total)
{
	bool due;

	pthread_mutex_lock(&job.lock);
	job.rows_done = rows_done;
	job.bytes_done = bytes_done;
	job.bytes_total = bytes_total;
	due = (int64_t)time(NULL) - job.told >= IMPORT_TELL_S;
	pthread_mutex_unlock(&job.lock);
	if (due)
		tell(ctx, "reading", rows_done, 0, bytes_done);
}

static void on_write(void *ctx, size_t rows_done, size_t rows_total)
{
	(void)ctx;
	pthread_mutex_lock(&job.lock);
	job.phase = "writing";
	job.rows_done = rows_done;
	job.rows_total = rows_total;
	pthread_mutex_unlock(&job.lock);
}

static char *errors_text(const struct assortment_import *imp)
{
	json_t *a = json_array();
	char *s;

	for (size_t i = 0; i < imp->nerrors; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "line",
						   (json_int_t)imp->errors[i].line, "column",
						   imp->errors[i].column, "message",
						   imp->errors[i].message));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Records the outcome in the import's row, in the caller's transaction. */
static enum lmn_rc finish(struct db_conn *c, const struct job_input *in,
			  const struct assortment_import *imp, const struct articles_counts *n,
			  const char *errors, struct lmn_err *err)
{
	struct clock_now now;
	enum lmn_rc rc;

	if ((rc = clock_now(&now, err)) != LMN_OK)
		return rc;
	struct article_import_row r = {
		.id = in->id,
		.state = errors ? "failed" : "done",
		.rows_total = (int64_t)imp->rows_read,
		.articles_created = n->created,
		.articles_updated = n->updated,
		.prices_set = n->prices_set,
		.errors = errors,
		.errors_dropped = (int64_t)imp->errors_dropped,
		.finished_at = now.iso,
	};
	return article_imports_finish(c, &r, err);
}

/* Reads, writes and records one import; returns how it went for the server's log. */
static enum lmn_rc run_import(struct job_input *in, struct lmn_err *err)
{
	struct assortment_options opt = { .default_price_from = in->default_from,
					  .progress = on_read,
					  .progress_ctx = in };
	struct assortment_import imp;
	struct articles_counts n = { 0 };
	struct db_conn *c = NULL;
	char *errors = NULL;
	enum lmn_rc rc, rc2;

	assortment_import_init(&imp);
	rc = assortment_csv_read(in->data, in->len, &opt, &imp, err);
	if (rc != LMN_OK && rc != LMN_EINVAL)
		goto out;
	if ((rc2 = db_acquire(in->db, &c, err)) != LMN_OK) {
		rc = rc2;
		goto out;
	}
	if (rc == LMN_OK) {
		/* Its row alive as the writing begins (the writing holds the write lock). */
		tell(in, "writing", 0, imp.rows_read, in->len);
		/* The whole file in one transaction of its own: no request's commit waits for it. */
		if ((rc = db_begin_bulk(c, err)) != LMN_OK)
			goto out;
		rc = articles_write(c, &imp, in->today, on_write, NULL, &n, err);
		if (rc == LMN_OK && (rc = finish(c, in, &imp, &n, NULL, err)) == LMN_OK &&
		    (rc = db_commit(c, err)) == LMN_OK)
			goto out;
		db_rollback(c);
		if (rc != LMN_EINVAL)
			goto out;
	}
	/* Refused: nothing was written; record every error. */
	memset(&n, 0, sizeof(n));
	if (!(errors = errors_text(&imp))) {
		rc = lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((rc = db_begin(c, true, err)) != LMN_OK)
		goto out;
	if ((rc = finish(c, in, &imp, &n, errors, err)) == LMN_OK)
		rc = db_commit(c, err);
	if (rc != LMN_OK)
		db_rollback(c);
out:
	free(errors);
	if (c)
		db_release(in->db, c);
	assortment_import_release(&imp);
	return rc;
}

struct abandoned {
	int64_t id;
	struct lmn_err err;
};

static enum lmn_rc abandon_job(struct db_conn *c, void *arg)
{
	struct abandoned *a = arg;

	return article_imports_abandon(c, a->id, &a->err);
}

/* Import id's row given up by this server: every server reads it as interrupted at once, and
 * takes the next import. If the store cannot be written either, its life runs out by itself. */
static void abandon(struct db *db, int64_t id)
{
	struct abandoned a = { .id = id };

	lmn_err_clear(&a.err);
	if (db_write_pooled(db, abandon_job, &a, &a.err) != LMN_OK)
		fprintf(stderr, "lmn: article import %lld: giving it up: %s\n", (long long)id,
			a.err.message);
}

static void *worker(void *arg)
{
	struct job_input *in = arg;
	struct lmn_err err;
	enum lmn_rc rc;

	lmn_err_clear(&err);
	rc = run_import(in, &err);
	if (rc != LMN_OK) {
		/* The row stays "running", given up: article_imports_get reports it interrupted. */
		fprintf(stderr, "lmn: article import %lld: %s: %s\n", (long long)in->id,
			lmn_rc_name(rc), err.message);
		abandon(in->db, in->id);
	}
	pthread_mutex_lock(&job.lock);
	job.busy = false;
	if (rc == LMN_OK)
		job.finished = in->id;
	pthread_mutex_unlock(&job.lock);
	free(in->data);
	free(in);
	return NULL;
}

void imports_drain(void)
{
	pthread_mutex_lock(&job.lock);
	bool joinable = job.joinable;
	pthread_t t = job.thread;
	job.joinable = false;
	pthread_mutex_unlock(&job.lock);
	if (joinable)
		pthread_join(t, NULL);
}

static bool content_type_is(struct api_ctx *ctx, const char *want)
{
	const char *t = ctx->req->lookup(ctx->req->conn, HTTP_HEADER, "Content-Type");
	size_t n = strlen(want);

	return t && strncasecmp(t, want, n) == 0 && (t[n] == '\0' || t[n] == ';' || t[n] == ' ');
}

/* Whether another server's running import is alive at now_s (its server gave a sign of life
 * lately enough, IMPORT_ALIVE_S). */
static bool import_alive(const struct article_import_row *r, int64_t now_s)
{
	int64_t writing = strcmp(r->phase, "writing") == 0 ? r->rows_total / IMPORT_ROWS_PER_S : 0;

	return r->alive_at && r->alive_at + writing >= now_s - IMPORT_ALIVE_S;
}

/* How far an import has come: reading is the first half of the way, writing the second. */
static json_t *progress_object(int64_t id, const char *phase, int64_t rows_done, int64_t rows_total,
			       int64_t bytes_done, int64_t bytes_total)
{
	int64_t percent = strcmp(phase, "reading") == 0
				  ? (bytes_total ? bytes_done * 50 / bytes_total : 0)
				  : 50 + (rows_total ? rows_done * 50 / rows_total : 0);

	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)id, "state",
			 "running", "phase", phase, "rows_done", (json_int_t)rows_done,
			 "rows_total", (json_int_t)rows_total, "bytes_done", (json_int_t)bytes_done,
			 "bytes_total", (json_int_t)bytes_total, "percent", (json_int_t)percent);
}

static json_t *progress_json(int64_t id)
{
	json_t *o;

	pthread_mutex_lock(&job.lock);
	if (!job.busy || job.id != id) {
		/* Finished after the caller's read began: its row is written, a later read sees it. */
		o = job.finished == id ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "state",
						   "running", "phase", "writing")
				       : NULL;
		pthread_mutex_unlock(&job.lock);
		return o;
	}
	o = progress_object(id, job.phase, (int64_t)job.rows_done, (int64_t)job.rows_total,
			    (int64_t)job.bytes_done, (int64_t)job.bytes_total);
	pthread_mutex_unlock(&job.lock);
	return o;
}

static json_t *import_json(const struct article_import_row *r, bool with_errors)
{
	int64_t id = r->id;
	const char *state = r->state;
	json_t *o = NULL, *errors;

	if (strcmp(state, "running") == 0 && (o = progress_json(id)))
		return o;
	/* Another server's, alive: how far it has come, as its row says. */
	if (strcmp(state, "running") == 0 && strcmp(r->server, jobs_server()) != 0 &&
	    import_alive(r, (int64_t)time(NULL)))
		return progress_object(id, r->phase, r->rows_done, r->rows_total, r->bytes_done,
				       r->bytes_total);
	errors = json_loads(r->errors, 0, NULL);
	if (strcmp(state, "running") == 0) {
		/* No worker has it: its server stopped, or the worker failed, before it finished;
		 * its transaction was not committed, so nothing was written. */
		state = "failed";
		json_decref(errors);
		errors = json_pack("[{s:I, s:s, s:s}]", "line", (json_int_t)0, "column", "",
				   "message",
				   "importen avbröts (servern stoppades eller ett internt fel); "
				   "inget skrevs, ladda upp filen igen");
	}
	o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id",
		      (json_int_t)id, "created_at", r->created_at, "filename", r->filename,
		      "price_from", r->price_from, "bytes_total", (json_int_t)r->bytes_total,
		      "state", state, "rows_total", (json_int_t)r->rows_total, "articles_created",
		      (json_int_t)r->articles_created, "articles_updated",
		      (json_int_t)r->articles_updated, "prices_set", (json_int_t)r->prices_set,
		      "error_count",
		      (json_int_t)(json_array_size(errors) + (size_t)r->errors_dropped), "percent",
		      (json_int_t)100);
	if (o && *r->finished_at)
		json_object_set_new(o, "finished_at", json_string(r->finished_at));
	if (o && with_errors)
		json_object_set(o, "errors", errors ? errors : json_array());
	json_decref(errors);
	return o;
}

/* The upload's file (text/csv, not empty), its name and the default first day of its prices,
 * from the query: false with the answer written. */
static bool import_request_or_reply(struct api_ctx *ctx, const char **name, lmn_day *default_from)
{
	const char *from = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "price_from");

	*name = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "filename");
	*default_from = ctx->today;
	if (!content_type_is(ctx, "text/csv")) {
		api_problem(ctx, 415, "unsupported_media_type", "Content-Type", NULL,
			    "Skicka sortimentsfilen som text/csv.");
		return false;
	}
	if (ctx->req->body_len == 0) {
		api_problem(ctx, 400, "invalid_input", "body", NULL, "Filen är tom.");
		return false;
	}
	if (from && date_parse(from, strlen(from), default_from) != LMN_OK) {
		api_problem(ctx, 400, "invalid_input", "price_from", NULL,
			    "price_from ska vara ett datum ÅÅÅÅ-MM-DD.");
		return false;
	}
	if (!*name || !**name)
		*name = "sortiment.csv";
	if (strlen(*name) > 200) {
		api_problem(ctx, 400, "invalid_input", "filename", NULL,
			    "Filnamnet får vara högst 200 tecken.");
		return false;
	}
	return true;
}

static void import_running(struct api_ctx *ctx, int64_t id)
{
	api_problem(ctx, 409, "import_running", NULL, NULL,
		    "En import pågår redan (nr %lld); vänta tills den är klar.", (long long)id);
}

/* Claims this server's one import slot (job_unclaim gives it back): false with 409 answered
 * while an import runs here. */
static bool job_claim_or_reply(struct api_ctx *ctx)
{
	int64_t id;

	pthread_mutex_lock(&job.lock);
	if (job.busy) {
		id = job.id;
		pthread_mutex_unlock(&job.lock);
		import_running(ctx, id);
		return false;
	}
	job.busy = true;
	pthread_mutex_unlock(&job.lock);
	imports_drain(); /* the previous worker has finished; reap it */
	return true;
}

/* Gives back the slot of an import that did not start. */
static void job_unclaim(void)
{
	pthread_mutex_lock(&job.lock);
	job.busy = false;
	pthread_mutex_unlock(&job.lock);
}

/* The worker's input: a copy of the file (the request's body goes with the request). NULL when
 * out of memory. */
static struct job_input *job_input_new(struct api_ctx *ctx, lmn_day default_from)
{
	struct job_input *in = calloc(1, sizeof(*in));

	if (in && !(in->data = malloc(ctx->req->body_len))) {
		free(in);
		return NULL;
	}
	if (!in)
		return NULL;
	memcpy(in->data, ctx->req->body, ctx->req->body_len);
	in->len = ctx->req->body_len;
	in->db = ctx->app->db;
	in->default_from = default_from;
	in->today = ctx->today;
	return in;
}

struct live {
	int64_t now_s, id;
};

static enum lmn_rc keep_live(const struct article_import_row *r, void *arg)
{
	struct live *l = arg;

	if (import_alive(r, l->now_s))
		l->id = r->id;
	return LMN_OK;
}

/* The import another server runs, alive at now_s: *running, or 0 when none. */
static enum lmn_rc live_elsewhere(struct api_ctx *ctx, int64_t now_s, int64_t *running)
{
	struct live l = { now_s, 0 };
	bool any;
	enum lmn_rc rc =
		article_imports_running(ctx->c, jobs_server(), keep_live, &l, &any, &ctx->err);

	*running = l.id;
	return rc;
}

/* Records the import as running (its row, committed), in->id its id; unless another server's
 * import is running (alive), whose id is then *running and nothing is recorded. */
static enum lmn_rc import_record(struct api_ctx *ctx, const char *name, lmn_day default_from,
				 struct job_input *in, int64_t *running)
{
	char from_text[11];
	int64_t id = 0, now_s = (int64_t)time(NULL);
	enum lmn_rc rc;

	date_format(default_from, from_text);
	/* Asked first outside the write transaction: while an import writes, it holds the write
	 * lock, and the answer would wait for it. Asked again inside: two servers at once. */
	if ((rc = live_elsewhere(ctx, now_s, running)) != LMN_OK || *running)
		return rc;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) != LMN_OK)
		return rc;
	rc = live_elsewhere(ctx, now_s, running);
	if (rc == LMN_OK && *running) {
		db_rollback(ctx->c);
		return LMN_OK;
	}
	if (rc == LMN_OK)
		rc = article_imports_start(ctx->c, ctx->user.id, ctx->now, name, from_text,
					   (int64_t)in->len, jobs_server(), now_s, &id, &ctx->err);
	in->id = id;
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK)
		db_rollback(ctx->c);
	return rc;
}

/* Starts the worker on import id, which then owns in. */
static enum lmn_rc job_start(struct api_ctx *ctx, struct job_input *in, int64_t id)
{
	pthread_mutex_lock(&job.lock);
	job.id = id;
	job.phase = "reading";
	job.rows_done = job.rows_total = job.bytes_done = 0;
	job.bytes_total = in->len;
	if (pthread_create(&job.thread, NULL, worker, in) != 0) {
		pthread_mutex_unlock(&job.lock);
		/* The row stays "running", given up, and reads as interrupted. */
		abandon(ctx->app->db, id);
		return lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL,
				   "cannot start the import thread");
	}
	job.joinable = true;
	pthread_mutex_unlock(&job.lock);
	return LMN_OK;
}

/* 202 with where to follow import id, and how far it has come. */
static int import_accepted(struct api_ctx *ctx, int64_t id)
{
	struct http_resp *r = ctx->resp;
	json_t *o;

	if (r->nheaders < HTTP_MAX_HEADERS) {
		r->headers[r->nheaders].name = "Location";
		snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value),
			 "/api/article-imports/%lld", (long long)id);
		r->nheaders++;
	}
	o = progress_json(id);
	if (!o) /* already finished */
		o = json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "running");
	return api_json(ctx, 202, o);
}

int article_imports_create(struct api_ctx *ctx)
{
	const char *name;
	lmn_day default_from;
	struct job_input *in;
	enum lmn_rc rc;
	int64_t id, running = 0;

	if (!import_request_or_reply(ctx, &name, &default_from) || !job_claim_or_reply(ctx))
		return (int)ctx->resp->status;
	if (!(in = job_input_new(ctx, default_from)))
		rc = lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	else if ((rc = import_record(ctx, name, default_from, in, &running)) == LMN_OK && running) {
		free(in->data);
		free(in);
		job_unclaim();
		import_running(ctx, running);
		return (int)ctx->resp->status;
	} else if (rc == LMN_OK) {
		id = in->id; /* read before the worker owns in */
		if ((rc = job_start(ctx, in, id)) == LMN_OK)
			return import_accepted(ctx, id);
	}
	if (in)
		free(in->data);
	free(in);
	job_unclaim();
	return api_fail(ctx, rc);
}

/* Keeps the import's JSON with its errors in *arg. */
static enum lmn_rc import_keep(const struct article_import_row *r, void *arg)
{
	*(json_t **)arg = import_json(r, true);
	return LMN_OK;
}

int article_imports_get(struct api_ctx *ctx)
{
	json_t *o = NULL;
	bool row;
	enum lmn_rc rc = article_import_read(ctx->c, ctx->id[0], import_keep, &o, &row, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(o);
		return api_fail(ctx, rc);
	}
	if (!row)
		return api_problem(ctx, 404, "not_found", NULL, NULL, "Importen finns inte.");
	return api_json(ctx, 200, o);
}

static enum lmn_rc import_append(const struct article_import_row *r, void *arg)
{
	json_array_append_new(arg, import_json(r, false));
	return LMN_OK;
}

int article_imports_list(struct api_ctx *ctx)
{
	json_t *a = json_array();
	enum lmn_rc rc = article_imports_latest(ctx->c, 50, import_append, a, &ctx->err);

	if (rc != LMN_OK) {
		json_decref(a);
		return api_fail(ctx, rc);
	}
	return api_json(ctx, 200, json_pack("{s:o}", "imports", a));
}
