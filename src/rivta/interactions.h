/* The three interactions of the 1177 contracts, as API handlers run by rivta_dispatch
 * (api_call_as) with the call's state as ctx->front. */
#ifndef LMN_RIVTA_INTERACTIONS_H
#define LMN_RIVTA_INTERACTIONS_H

#include "api/api.h"
#include "codec/medicalsupply.h"

/* What a call needs of a product area, read once per call (area_of). */
struct area_info {
	char area[24];
	char code_1177[24];
	struct delivery_alternative alt[DELIVERY_MAX_ALTERNATIVES];
	int nalt;
	bool other_invoice;
};

struct rivta_call {
	const struct ms_request *rq;
	struct buf out;	    /* the answer's elements before ResultCode */
	const char *result; /* OK, ERROR or INFO */
	char comment[512];  /* shown to the patient as it stands (Swedish) */
	bool answered;	    /* result and out are the answer */
	bool fault;	    /* a technical error: fault_detail is logged, a Fault answered */
	char fault_detail[256];
	struct area_info **areas; /* the areas read so far, each allocated on its own */
	int nareas, areas_cap;
};

/* Called last by the release of a handler's api_write: when the answer was written later (the
 * connection held), writes the envelope and lets the call go; else nothing (rivta_dispatch
 * does once the handler returns). */
void rivta_call_release(struct rivta_call *call);

int rivta_get_prescriptions(struct api_ctx *ctx);
int rivta_get_delivery_points(struct api_ctx *ctx);
int rivta_register_order(struct api_ctx *ctx);

#endif
