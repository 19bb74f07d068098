/* The key-figure report, the invoice basis and the surplus repayment as JSON and CSV: one rendering
 * shared by the API and `lmn report`. CSV uses ';' between fields and a decimal comma (what Swedish
 * spreadsheets open), with a header line; JSON gives shares as exact decimal strings ("86.51") next
 * to their numerator and denominator, and money in öre. */
#ifndef LMN_RENDER_H
#define LMN_RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "report/keyfigures.h"
#include "report/money.h"
#include "util/buf.h"

/* A share in hundredths of a percent as "86.51" (dec '.') or "86,51" (dec ','); "" when -1. */
void render_share(int64_t hundredths, char dec, char out[32]);

/* The report of r with the trend (total figures of each period in trend, oldest first; may be 0). */
json_t *render_keyfigures_json(const struct kf_report *r, struct kf_report *const *trend,
			       size_t ntrend, lmn_day asof);
/* One line per group, figure and part (part "hela" for the whole period), then the trend. */
void render_keyfigures_csv(const struct kf_report *r, struct kf_report *const *trend, size_t ntrend,
			   struct buf *out);

/* The groups of a report in the order pages and files show them: total, areas, providers. */
size_t render_groups(const struct kf_report *r, const struct kf_group **out, size_t max);

json_t *render_invoice_json(const char *month, const struct invoice_line *l, size_t n);
void render_invoice_csv(const struct invoice_line *l, size_t n, struct buf *out);

json_t *render_repayment_json(int year, int64_t surplus_ore, const struct repayment *r, size_t n);
void render_repayment_csv(const struct repayment *r, size_t n, struct buf *out);

#endif
