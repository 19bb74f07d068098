/* What the rules in force today let the signed-in user do, for GET /api/me: the pages ask for these
 * decisions instead of running the rule engine themselves. */
#ifndef LMN_RIGHTS_H
#define LMN_RIGHTS_H
#include <jansson.h>

#include "api/api.h"

/* The "ordering" object of /api/me for the roles that order (DOMAIN.md §2): the kinds of delivery
 * the user may request, the lead time and, when the ordering rights refuse the role the entry of a
 * withdrawal, the refusal. NULL for the other roles. */
json_t *rights_ordering(const struct api_ctx *ctx);

/* The "prescribing" object of /api/me for prescribers: the longest validity of a prescription
 * written today. NULL for the other roles or when no rules are in force. */
json_t *rights_prescribing(const struct api_ctx *ctx);

#endif
