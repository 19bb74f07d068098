/* The history import's calls to customer service. */
#include "import/history_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/calls.h"
#include "util/clock.h"

/* ---- Calls ---- */

enum lmn_rc imp_call_row(struct imp *m)
{
	const long line = m->rec->line;
	lmn_day qd = 0, ad = 0, bd = 0;
	int32_t qs = 0, as = 0, bs = 0;
	bool q, a, b;
	int topic;
	char queued[32], answered[32] = "", abandoned[32] = "";
	int64_t id;
	enum lmn_rc rc;

	if ((rc = imp_when(m, C_QUEUED_AT, true, &qd, &qs, &q)) != LMN_OK ||
	    (rc = imp_word(m, C_TOPIC, imp_topics, -1, &topic)) != LMN_OK ||
	    (rc = imp_when(m, C_ANSWERED_AT, false, &ad, &as, &a)) != LMN_OK ||
	    (rc = imp_when(m, C_ABANDONED_AT, false, &bd, &bs, &b)) != LMN_OK)
		return rc;
	if (a && b &&
	    (rc = imp_fault(m, line, "abandoned_at",
			    "ett samtal är antingen besvarat eller avbrutet, inte båda")) != LMN_OK)
		return rc;
	if (q &&
	    ((a && (ad < qd || (ad == qd && as < qs))) ||
	     (b && (bd < qd || (bd == qd && bs < qs)))) &&
	    (rc = imp_fault(m, line, a ? "answered_at" : "abandoned_at",
			    "samtalet kan inte sluta innan det ställdes i kö")) != LMN_OK)
		return rc;
	if (m->row_bad)
		return LMN_OK;
	clock_format(qd, qs, queued);
	if (a)
		clock_format(ad, as, answered);
	if (b)
		clock_format(bd, bs, abandoned);
	const struct call_row r = { .queued_at = queued,
				    .answered_at = a ? answered : NULL,
				    .abandoned_at = b ? abandoned : NULL,
				    .topic = imp_topics[topic] };
	if ((rc = calls_insert(m->c, &r, &id, m->err)) != LMN_OK)
		return rc;
	m->res->calls++;
	return LMN_OK;
}
