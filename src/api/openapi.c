/* GET /api/openapi.json: the API's own description, for integrators and for tools. */
#include <string.h>

#include "api/api.h"

int openapi_get(struct api_ctx *ctx)
{
	struct http_resp *r = ctx->resp;

	r->status = 200;
	r->type = "application/json";
	buf_reset(&r->body);
	buf_add(&r->body, api_openapi_json, strlen(api_openapi_json));
	return 200;
}
