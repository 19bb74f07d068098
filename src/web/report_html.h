/* The key-figure report and the invoice basis as HTML, from the API's JSON: tables, and charts drawn
 * by lmn as SVG (a title and description, labelled axes, and a table of the same data beside each
 * chart). Used by the admin pages and by `lmn report --format html`. */
#ifndef LMN_REPORT_HTML_H
#define LMN_REPORT_HTML_H

#include <jansson.h>

#include "util/buf.h"
#include "web/html.h"

/* The body of a report (GET /api/reports/key-figures): targets, figures per group, charts, trend. */
void report_html_keyfigures(struct html *h, json_t *report);
/* The body of an invoice basis (GET /api/reports/invoice-basis). */
void report_html_invoice(struct html *h, json_t *invoice);

/* A whole document with lmn's style sheet, for a file: the report or the invoice basis. */
void report_html_keyfigures_page(json_t *report, struct buf *out);
void report_html_invoice_page(json_t *invoice, struct buf *out);

#endif
