/* Handlers whose last step is a write job (api_write): answered later, without a request thread
 * waiting for the job, when the server can hold a connection (a pool of threads); else at once. */
#include <stdlib.h>

#include "api/api.h"

/* A write job of a handler: on the request's context (at once), or on a copy kept beyond the
 * dispatcher, with the snapshot of the application it points to (answered later). */
struct deferred {
	struct api_ctx *ctx; /* &own, or the request's when answered at once */
	struct api_ctx own;
	struct app app;
	api_job_fn job;
	api_after_fn after;
	void *arg;
	void (*release)(void *arg);
	enum lmn_rc rc; /* the job's outcome, for the answer */
};

/* db_write's fn: the job, with ctx->c the job's connection (the request's own when it waits). */
static enum lmn_rc run(struct db_conn *c, void *arg)
{
	struct deferred *d = arg;

	d->ctx->c = c;
	return d->job(d->ctx, d->arg);
}

/* The answer to a job answered later, on the server's thread that sends it (answer, below): then
 * the request's things are let go. */
static void answer(void *arg)
{
	struct deferred *d = arg;

	(void)d->after(&d->own, d->arg, d->rc);
	if (d->release)
		d->release(d->arg);
	json_decref(d->own.body);
	free(d);
}

/* The outcome of a job answered later, on one of the store's threads: kept, and the server told
 * to answer (the answer is written by the server's thread, not the store's, which others wait
 * for). */
static void finish(void *arg, enum lmn_rc rc, const struct lmn_err *err)
{
	struct deferred *d = arg;
	struct http_req *req = d->own.req;

	d->own.c = NULL;
	d->rc = rc;
	if (err)
		d->own.err = *err;
	req->answer = answer;
	req->answer_arg = d;
	req->resume(req);
}

/* api_write and api_read_logged: the job as db_write's, or as db_read_logged's. */
static int defer(struct api_ctx *ctx, api_job_fn job, api_after_fn after, void *arg,
		 void (*release)(void *arg), bool read_logged)
{
	struct deferred *d = ctx->req->suspend ? malloc(sizeof(*d)) : NULL;
	struct deferred now = { .ctx = ctx, .job = job, .arg = arg };
	struct db_conn *c = ctx->c;
	enum lmn_rc rc;
	int status;

	/* Held before the job is queued: the answer may be ready before this returns. */
	if (d && !ctx->req->suspend(ctx->req)) {
		free(d);
		d = NULL;
	}
	if (d) {
		*d = (struct deferred){ .own = *ctx,
					.app = *ctx->app,
					.job = job,
					.after = after,
					.arg = arg,
					.release = release };
		d->ctx = &d->own;
		d->own.app = &d->app;
		d->own.c = NULL;
		/* The body (which arg may point into) now belongs to the deferred request. */
		ctx->body = NULL;
		ctx->resp->deferred = true;
		/* Without the store's writer thread the job runs here, as db_write's would. */
		if ((read_logged ? db_read_logged_async : db_write_async)(ctx->app->db, run, d,
									  finish, d,
									  &d->own.err) != LMN_OK)
			finish(d, (read_logged ? db_read_logged : db_write)(c, run, d, &d->own.err),
			       NULL);
		return 0;
	}
	/* At once: the request thread waits for the job. */
	rc = (read_logged ? db_read_logged : db_write)(c, run, &now, &ctx->err);
	ctx->c = c;
	status = after(ctx, arg, rc);
	if (release)
		release(arg);
	return status;
}

int api_write(struct api_ctx *ctx, api_job_fn job, api_after_fn after, void *arg,
	      void (*release)(void *arg))
{
	return defer(ctx, job, after, arg, release, false);
}

int api_read_logged(struct api_ctx *ctx, api_job_fn job, api_after_fn after, void *arg,
		    void (*release)(void *arg))
{
	return defer(ctx, job, after, arg, release, true);
}
