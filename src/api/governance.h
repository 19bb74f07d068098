/* Helpers shared by the governance handlers (api/governance_*.c). */
#ifndef LMN_API_GOVERNANCE_H
#define LMN_API_GOVERNANCE_H

#include "api/api.h"
#include "governance/meeting.h"

/* May the caller see this body's meetings and documents? The secretary and the administration
 * see every body, a member the bodies they hold or held a seat in. Sends 403/404 and returns
 * false if not. */
bool gov_body_visible_or_reply(struct api_ctx *ctx, int64_t body_id);
/* Loads a meeting the caller may see into m; on false a problem was sent (m released). */
bool gov_meeting_visible_or_reply(struct api_ctx *ctx, int64_t meeting_id, struct gov_meeting *m);
/* Whether the newest version of the meeting's minutes is approved: then its record is closed.
 * A correction starts as a new version, which opens the record until it is approved; approved
 * versions never change. */
LMN_MUST_USE enum lmn_rc gov_meeting_closed(struct api_ctx *ctx, int64_t meeting_id, bool *closed);
/* A date YYYY-MM-DD that exists; false when s is not one. */
bool gov_date_ok(const char *s);
/* Finishes a list read by the store: the array a sent as {key: a}, or the error rc. */
int gov_list_done(struct api_ctx *ctx, enum lmn_rc rc, json_t *a, const char *key);
/* The JSON of an item's quorum. */
json_t *gov_quorum_json(const struct gov_meeting *m, size_t item);

#endif
