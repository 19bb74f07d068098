/* The 1177 service contracts crm:selfservice:medicalsupply (1.0.2 and 2.0, RIVTA Basic Profile
 * 2.1): the front the national patient portal's e-service calls, beside the JSON API. A request
 * is read by codec/medicalsupply, answered through the API's own functions (one order placement,
 * one access log) and written back as the responder schema's answer, a logical ERROR with a
 * Swedish comment the patient reads, or a SOAP Fault for a technical error (its detail logged by
 * reference, never shown). */
#ifndef LMN_RIVTA_H
#define LMN_RIVTA_H

#include "api/api.h"

/* The endpoints: POST /crm/selfservice/medicalsupply/<Interaction>/<1|2>/rivtabp21. */
#define RIVTA_PATH_PREFIX "/crm/selfservice/medicalsupply/"

/* Once per process, before requests (libxml2's state). */
void rivta_init(void);

/* Serves one request of the contracts' listener (the client's certificate is checked by then). */
void rivta_dispatch(const struct app *app, struct http_req *req, struct http_resp *resp);

#endif
