/* Minutes as PDF (cairo and Pango), from the stored HTML of one version. */
#ifndef LMN_MINUTES_PDF_H
#define LMN_MINUTES_PDF_H

#include "util/buf.h"
#include "util/rc.h"

/* Appends the PDF of the minutes html (as gov_minutes_html writes it) to out, with footer (the
 * version and its approval, plain text) after the text; *pages gets the number of pages. */
LMN_MUST_USE enum lmn_rc minutes_pdf(const char *html, const char *title, const char *footer,
				     struct buf *out, int *pages, struct lmn_err *err);
/* Releases the font caches Pango, cairo and fontconfig keep for the process (at shutdown, after
 * the last request). */
void minutes_pdf_shutdown(void);

#endif
