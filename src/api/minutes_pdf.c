/* Minutes as PDF, laid out with Pango on a cairo PDF surface (Debian's libpango1.0, libcairo2),
 * from the stored HTML of one version: the same immutable text the HTML shows. Our minutes HTML
 * uses few elements (governance/minutes.c): h1–h3, p, strong, br and the attendance table; their
 * text is already escaped the way Pango markup wants it (&amp; &lt; &gt; &quot; &#39;). */
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "api/minutes_pdf.h"

#define PAGE_W 595.0 /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 56.0

enum block_style { BS_H1, BS_H2, BS_H3, BS_P, BS_ROW };

struct pdf {
	cairo_t *cr;
	cairo_surface_t *surface;
	double y;
	int pages;
};

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
	struct buf *b = closure;

	buf_add(b, data, length);
	return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void emit(struct pdf *p, enum block_style style, const char *markup, size_t n)
{
	static const char *const fonts[] = { "DejaVu Sans Bold 16", "DejaVu Sans Bold 13",
					     "DejaVu Sans Bold 11", "DejaVu Sans 10",
					     "DejaVu Sans 9" };
	PangoLayout *layout = pango_cairo_create_layout(p->cr);
	PangoFontDescription *font = pango_font_description_from_string(fonts[style]);
	int w, h;

	pango_layout_set_font_description(layout, font);
	pango_font_description_free(font);
	pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	if (style == BS_ROW) {
		PangoTabArray *tabs = pango_tab_array_new_with_positions(2, TRUE, PANGO_TAB_LEFT,
									 100, PANGO_TAB_LEFT, 250);
		pango_layout_set_tabs(layout, tabs);
		pango_tab_array_free(tabs);
		/* A long last column wraps under itself (a hanging indent). */
		pango_layout_set_indent(layout, -250 * PANGO_SCALE);
	}
	pango_layout_set_markup(layout, markup, (int)n);
	pango_layout_get_size(layout, &w, &h);
	double height = (double)h / PANGO_SCALE;
	double before = style == BS_H1	 ? 0
			: style == BS_H2 ? 14
			: style == BS_H3 ? 10
			: style == BS_P	 ? 6
					 : 1;
	if (p->y + before + height > PAGE_H - MARGIN && p->y > MARGIN) {
		cairo_show_page(p->cr);
		p->pages++;
		p->y = MARGIN;
		before = 0;
	}
	p->y += before;
	cairo_move_to(p->cr, MARGIN, p->y);
	pango_cairo_show_layout(p->cr, layout);
	p->y += height;
	g_object_unref(layout);
}

/* The element name at s (after '<' or "</"), its length. */
static size_t tag_name(const char *s, char name[8])
{
	size_t n = 0;

	while (s[n] && s[n] != '>' && s[n] != ' ' && n < 7) {
		name[n] = s[n];
		n++;
	}
	name[n] = '\0';
	return n;
}

enum lmn_rc minutes_pdf(const char *html, const char *title, const char *footer, struct buf *out,
			int *pages, struct lmn_err *err)
{
	struct pdf p = { 0 };
	struct buf block;
	enum block_style style = BS_P;
	bool in_block = false, first_cell = true;
	const char *s = html;

	p.surface = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p.surface);
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "cannot create the PDF surface");
	}
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, title);
	p.cr = cairo_create(p.surface);
	p.y = MARGIN;
	p.pages = 1;
	buf_init(&block, 0);
	while (*s) {
		if (*s != '<') {
			const char *lt = strchr(s, '<');
			size_t n = lt ? (size_t)(lt - s) : strlen(s);
			if (in_block)
				buf_add(&block, s, n);
			s += n;
			continue;
		}
		bool closing = s[1] == '/';
		char name[8];
		const char *gt = strchr(s, '>');
		tag_name(s + 1 + closing, name);
		if (!gt)
			break;
		if (!closing &&
		    (!strcmp(name, "h1") || !strcmp(name, "h2") || !strcmp(name, "h3") ||
		     !strcmp(name, "p") || !strcmp(name, "tr"))) {
			style = name[0] == 'h'	 ? (enum block_style)(name[1] - '1')
				: name[0] == 'p' ? BS_P
						 : BS_ROW;
			buf_reset(&block);
			in_block = true;
			first_cell = true;
		} else if (closing && in_block &&
			   (!strcmp(name, "h1") || !strcmp(name, "h2") || !strcmp(name, "h3") ||
			    !strcmp(name, "p") || !strcmp(name, "tr"))) {
			emit(&p, style, block.data ? block.data : "", block.len);
			in_block = false;
		} else if (in_block && !closing && (!strcmp(name, "td") || !strcmp(name, "th"))) {
			if (!first_cell)
				buf_addc(&block, '\t');
			first_cell = false;
		} else if (in_block && !strcmp(name, "strong")) {
			buf_adds(&block, closing ? "</b>" : "<b>");
		} else if (in_block && !strcmp(name, "br")) {
			buf_addc(&block, '\n');
			if (gt[1] == '\n')
				gt++;
		}
		s = gt + 1;
	}
	if (footer && *footer) {
		/* Plain text: escaped for the markup. */
		gchar *esc = g_markup_escape_text(footer, -1);
		emit(&p, BS_P, esc, strlen(esc));
		g_free(esc);
	}
	buf_release(&block);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	cairo_status_t st = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	*pages = p.pages;
	if (st != CAIRO_STATUS_SUCCESS || out->failed)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "writing the PDF failed: %s",
				   cairo_status_to_string(st));
	return LMN_OK;
}

void minutes_pdf_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
