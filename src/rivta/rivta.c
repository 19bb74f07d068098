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

void rivta_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp)
{
	struct rivta_call call;
	struct ms_request *rq = NULL;
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
	if (!(rq = malloc(sizeof(*rq)))) {
		fault(resp, NULL, false, "out of memory");
		traffic_count(now.day, kind, version, TRAFFIC_FAULT);
		return;
	}
	if (ms_read(req->body, req->body_len, kind, version, rq, &err) != LMN_OK) {
		fault(resp, rq, true, err.message);
		traffic_count(now.day, kind, version, TRAFFIC_FAULT);
		goto out;
	}
	if (!rq->logical_address || !app->cfg.logical_address ||
	    strcmp(rq->logical_address, app->cfg.logical_address) != 0) {
		fault(resp, rq, true,
		      rq->logical_address ? "LogicalAddress is not this producer's"
					  : "no LogicalAddress in the header");
		traffic_count(now.day, kind, version, TRAFFIC_FAULT);
		goto out;
	}
	memset(&call, 0, sizeof(call));
	call.rq = rq;
	call.result = "OK";
	buf_init(&call.out, 4u << 20);
	{
		struct http_resp inner = { .status = 500, .type = "application/json" };

		buf_init(&inner.body, 0);
		if (rq->orderer)
			snprintf(user.orderer, sizeof(user.orderer), "%s", rq->orderer);
		user.by_delegate = rq->by_delegate;
		/* The account's id is looked up by the handler (its first step). */
		api_call_as(app, &user, req, &inner, handlers[kind], &call);
		if (!call.answered && !call.fault) {
			snprintf(call.fault_detail, sizeof(call.fault_detail), "status %u: %.200s",
				 inner.status, inner.body.data ? inner.body.data : "");
			call.fault = true;
		}
		buf_release(&inner.body);
	}
	if (call.fault || call.out.failed) {
		fault(resp, rq, false, call.out.failed ? "answer too large" : call.fault_detail);
		traffic_count(now.day, kind, version, TRAFFIC_FAULT);
	} else {
		char responder[96];

		ms_responder_ns(kind, version, responder);
		buf_reset(&resp->body);
		ms_envelope_open(&resp->body);
		buf_addf(&resp->body, "<r:%sResponse xmlns:r=\"%s\" xmlns:c=\"%s\">",
			 ms_interaction_name(kind), responder, ms_core_ns(version));
		if (strcmp(call.result, "ERROR") != 0 && call.out.len)
			buf_add(&resp->body, call.out.data, call.out.len);
		ms_add_elem(&resp->body, "r", "ResultCode", call.result);
		if (*call.comment)
			ms_add_elem(&resp->body, "r", "comment", call.comment);
		buf_addf(&resp->body, "</r:%sResponse>", ms_interaction_name(kind));
		ms_envelope_close(&resp->body);
		resp->status = 200;
		resp->type = "text/xml; charset=UTF-8";
		traffic_count(now.day, kind, version,
			      strcmp(call.result, "ERROR") == 0 ? TRAFFIC_ERROR : TRAFFIC_OK);
	}
	buf_release(&call.out);
	free(call.areas);
out:
	ms_request_release(rq);
	free(rq);
}
