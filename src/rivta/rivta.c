/* The contracts' listener: the path, the envelope, the LogicalAddress, and the three answers
 * (logical errors as ResultCode ERROR, technical ones as SOAP Faults logged by reference). */
#include "rivta/rivta.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/identity.h"
#include "rivta/interactions.h"
#include "util/clock.h"

void rivta_init(void)
{
	ms_init();
}

/* A technical error: logged with a reference (what went wrong, never personal data), answered with
 * a Fault that shows only the reference. */
static void fault(struct http_resp *resp, const struct ms_request *rq, bool client,
		  const char *detail)
{
	unsigned char rnd[4];
	char ref[9], text[96];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(ref, sizeof(ref), rnd, sizeof(rnd));
	fprintf(stderr, "lmn: rivta fault %s: %s v%d: %s\n", ref,
		rq && ms_interaction_name(rq->kind) ? ms_interaction_name(rq->kind) : "-",
		rq ? rq->version : 0, detail);
	snprintf(text, sizeof(text), "%s (referens %s)",
		 client ? "Felaktig begäran" : "Tekniskt fel", ref);
	buf_reset(&resp->body);
	ms_fault(&resp->body, client, text);
	resp->status = 500;
	resp->type = "text/xml; charset=UTF-8";
}

/* Path: <prefix><Interaction>/<v>/rivtabp21. */
static bool parse_path(const char *path, enum ms_interaction *k, int *version)
{
	const char *p, *slash;
	int i;

	if (strncmp(path, RIVTA_PATH_PREFIX, strlen(RIVTA_PATH_PREFIX)) != 0)
		return false;
	p = path + strlen(RIVTA_PATH_PREFIX);
	if (!(slash = strchr(p, '/')) || (i = ms_interaction_parse(p, (size_t)(slash - p))) < 0)
		return false;
	*k = (enum ms_interaction)i;
	if ((slash[1] != '1' && slash[1] != '2') || strcmp(slash + 2, "/rivtabp21") != 0)
		return false;
	*version = slash[1] - '0';
	return true;
}

static void plain(struct http_resp *resp, unsigned status, const char *text)
{
	buf_reset(&resp->body);
	buf_adds(&resp->body, text);
	resp->status = status;
	resp->type = "text/plain; charset=UTF-8";
}

/* One call, kept beyond rivta_dispatch when its answer is written later (a held connection). */
struct call_state {
	struct rivta_call call; /* first: rivta_call_release finds the state from it */
	struct ms_request rq;
	struct http_resp inner; /* the API handler's own answer, read only for a fault's detail */
	struct http_resp *resp;
	lmn_day day;
	enum ms_interaction kind;
	int version;
};

/* The envelope around the handler's answer (or a Fault), counted; then the call is let go. */
static void finish(struct call_state *st)
{
	struct rivta_call *call = &st->call;
	struct http_resp *resp = st->resp;

	if (!call->answered && !call->fault) {
		snprintf(call->fault_detail, sizeof(call->fault_detail), "status %u: %.200s",
			 st->inner.status, st->inner.body.data ? st->inner.body.data : "");
		call->fault = true;
	}
	/* Room for the answer and the envelope's few hundred bytes at once: none is a fault. */
	buf_reset(&resp->body);
	if (!call->fault && !call->out.failed &&
	    buf_reserve(&resp->body, call->out.len + 1024) != LMN_OK)
		call->out.failed = true;
	if (call->fault || call->out.failed) {
		fault(resp, &st->rq, false,
		      call->out.failed ? "answer too large" : call->fault_detail);
		traffic_count(st->day, st->kind, st->version, TRAFFIC_FAULT);
	} else {
		char responder[96];
		const char *name = ms_interaction_name(st->kind);

		ms_responder_ns(st->kind, st->version, responder);
		ms_envelope_open(&resp->body);
		buf_addf(&resp->body, "<r:%sResponse xmlns:r=\"%s\" xmlns:c=\"%s\">", name,
			 responder, ms_core_ns(st->version));
		if (strcmp(call->result, "ERROR") != 0 && call->out.len)
			buf_add(&resp->body, call->out.data, call->out.len);
		ms_add_elem(&resp->body, "r", "ResultCode", call->result);
		if (*call->comment)
			ms_add_elem(&resp->body, "r", "comment", call->comment);
		buf_addf(&resp->body, "</r:%sResponse>", name);
		ms_envelope_close(&resp->body);
		resp->status = 200;
		resp->type = "text/xml; charset=UTF-8";
		traffic_count(st->day, st->kind, st->version,
			      strcmp(call->result, "ERROR") == 0 ? TRAFFIC_ERROR : TRAFFIC_OK);
	}
	buf_release(&call->out);
	buf_release(&st->inner.body);
	for (int i = 0; i < call->nareas; i++)
		free(call->areas[i]);
	free(call->areas);
	ms_request_release(&st->rq);
	free(st);
}

void rivta_call_release(struct rivta_call *call)
{
	struct call_state *st = (struct call_state *)(void *)call;

	if (st->inner.deferred)
		finish(st);
}

void rivta_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp)
{
	struct call_state *st;
	const char *bad = NULL;
	struct lmn_err err;
	struct clock_now now;
	enum ms_interaction kind;
	int version;
	static const api_handler handlers[MS__COUNT] = {
		[MS_GET_PRESCRIPTIONS] = rivta_get_prescriptions,
		[MS_GET_DELIVERY_POINTS] = rivta_get_delivery_points,
		[MS_REGISTER_ORDER] = rivta_register_order,
	};
	struct user user = { .role = UR_PATIENT, .via_1177 = true };

	if (!parse_path(req->path, &kind, &version)) {
		plain(resp, 404,
		      "Okänd tjänst: använd " RIVTA_PATH_PREFIX "<Interaktion>/<1|2>/rivtabp21.\n");
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		plain(resp, 405, "Tjänsten tar bara emot POST.\n");
		return;
	}
	if (clock_now(&now, &err) != LMN_OK) {
		fault(resp, NULL, false, "clock");
		return;
	}
	lmn_err_clear(&err);
	if (!(st = calloc(1, sizeof(*st)))) {
		fault(resp, NULL, false, "out of memory");
		traffic_count(now.day, kind, version, TRAFFIC_FAULT);
		return;
	}
	st->resp = resp;
	st->day = now.day;
	st->kind = kind;
	st->version = version;
	if (ms_read(req->body, req->body_len, kind, version, &st->rq, &err) != LMN_OK)
		bad = err.message;
	else if (!st->rq.logical_address)
		bad = "no LogicalAddress in the header";
	else if (!app->cfg.logical_address ||
		 strcmp(st->rq.logical_address, app->cfg.logical_address) != 0)
		bad = "LogicalAddress is not this producer's";
	if (bad) {
		fault(resp, &st->rq, true, bad);
		traffic_count(now.day, kind, version, TRAFFIC_FAULT);
		ms_request_release(&st->rq);
		free(st);
		return;
	}
	st->call.rq = &st->rq;
	st->call.result = "OK";
	buf_init(&st->call.out, 4u << 20);
	/* A patient's listing is some 15 kB: room for it at once rather than doubling up to it
	 * (without it, out.failed: a fault when answered). */
	if (buf_reserve(&st->call.out, 16384) != LMN_OK)
		st->call.out.failed = true;
	st->inner = (struct http_resp){ .status = 500, .type = "application/json" };
	buf_init(&st->inner.body, 0);
	if (st->rq.orderer)
		snprintf(user.orderer, sizeof(user.orderer), "%s", st->rq.orderer);
	user.by_delegate = st->rq.by_delegate;
	/* The account's id is looked up by the handler (its first step). */
	api_call_as(app, &user, req, &st->inner, handlers[kind], &st->call);
	if (st->inner.deferred) /* held: rivta_call_release finishes */
		resp->deferred = true;
	else
		finish(st);
}
