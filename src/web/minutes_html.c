/* The minutes as HTML: the blocks that governance/minutes.c builds from the meeting, laid out as
 * an <article> with every value escaped (the API stores it and makes the PDF from it). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "governance/meeting.h"
#include "web/html.h"

/* Text with line breaks kept (<br>), escaped. */
static void text_lines(struct html *h, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n'))) {
		html_textn(h, s, (size_t)(nl - s));
		html_lit(h, "<br>\n");
		s = nl + 1;
	}
	html_text(h, s);
}

void gov_minutes_html(const struct minutes *mn, struct buf *out)
{
	struct html h = { *out };
	bool in_table = false;

	html_lit(&h, "<article class=\"minutes\" lang=\"sv\">\n");
	for (size_t i = 0; i < mn->n; i++) {
		const struct minutes_block *b = &mn->blocks[i];

		if (in_table && b->kind != MB_ATTENDEE) {
			html_lit(&h, "</tbody>\n</table>\n");
			in_table = false;
		}
		switch (b->kind) {
		case MB_TITLE:
			html_f(&h, "<h1>%s</h1>\n", b->a);
			break;
		case MB_FIELD:
			html_f(&h, "<p><strong>%s:</strong> %s</p>\n", b->a, b->b);
			break;
		case MB_SECTION:
			html_f(&h, "<h2>%s</h2>\n", b->a);
			break;
		case MB_ATTENDEE:
			if (!in_table) {
				html_lit(
					&h,
					"<table class=\"attendance\">\n<thead><tr><th scope=\"col\">"
					"Grupp</th><th scope=\"col\">Namn</th><th scope=\"col\">"
					"Representerar</th></tr></thead>\n<tbody>\n");
				in_table = true;
			}
			if (*b->a)
				html_f(&h, "<tr><th scope=\"row\">%s</th>", b->a);
			else
				html_lit(&h, "<tr><td></td>");
			html_f(&h, "<td>%s</td><td>%s</td></tr>\n", b->b, b->c);
			break;
		case MB_ITEM:
			html_f(&h, "<h2>%s %s</h2>\n", b->a, b->b);
			break;
		case MB_SUBITEM:
			html_f(&h, "<h3>%s %s</h3>\n", b->a, b->b);
			break;
		case MB_PARAGRAPH:
			html_lit(&h, "<p>");
			text_lines(&h, b->a);
			html_lit(&h, "</p>\n");
			break;
		case MB_LABELLED:
			html_f(&h, "<p><strong>%s:</strong> ", b->a);
			text_lines(&h, b->b);
			html_lit(&h, "</p>\n");
			break;
		}
	}
	if (in_table)
		html_lit(&h, "</tbody>\n</table>\n");
	html_lit(&h, "</article>\n");
	*out = h.b;
}
