/* The JSON-lines interface of `lmn rules eval`: one order's facts per line in, one answer out.
 * This wire format is part of the product (README.md, "lmn rules eval"). */
#ifndef LMN_FACTS_JSON_H
#define LMN_FACTS_JSON_H

#include <stddef.h>

#include "rules/delivery.h"
#include "util/buf.h"
#include "util/rc.h"

/* Parses one line (without its newline). On failure err names the field at fault. */
LMN_MUST_USE enum lmn_rc facts_json_parse(const char *line, size_t len, struct order_facts *f,
					  struct lmn_err *err);

/* Appends the answer line for a decision: the due date or the refusal. */
void facts_json_write_decision(struct buf *out, const struct delivery_decision *d);
/* Appends the error line for input that could not be evaluated. */
void facts_json_write_invalid(struct buf *out, long line, const struct lmn_err *err);

#endif
