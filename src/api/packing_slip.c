/* An order's packing slip as PDF (issue 20), laid out with Pango on a cairo PDF surface as the
 * minutes are (api/minutes_pdf.c): one A4 page with the address label to stick on the parcel
 * (the recipient's home address with its door code, the pickup point's or the care unit's), the
 * order number and the lines to pack; or one such page per order of a day's wave. The
 * distributor's only: a delivery view, so a protected
 * identity's address is on it (DOMAIN.md §3), and the read is in the patient's access log. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "store/picking.h"

#define PAGE_W	       595.0 /* A4 in points */
#define PAGE_H	       842.0
#define MARGIN	       56.0
#define LABEL_W	       300.0 /* about 105 mm: the width of a common address label */
#define PAD	       10.0
#define MAX_SLIP_LINES 50

struct slip {
	struct pick_order o;
	struct pick_line lines[MAX_SLIP_LINES];
	size_t n;
};

static enum lmn_rc slip_add(const struct pick_order *o, const struct pick_line *l, void *arg)
{
	struct slip *s = arg;

	s->o = *o;
	if (s->n < MAX_SLIP_LINES)
		s->lines[s->n++] = *l;
	return LMN_OK;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
	struct buf *b = closure;

	buf_add(b, data, length);
	return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Shows markup at (x, y) in font, width w (tabs at the positions of tabs, n of them); returns
 * its height. */
static double show(cairo_t *cr, double x, double y, double w, const char *font, const char *markup,
		   const int *tabs, int n)
{
	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int lw, lh;

	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	if (n) {
		PangoTabArray *ta = pango_tab_array_new(n, TRUE);
		for (int i = 0; i < n; i++)
			pango_tab_array_set_tab(ta, i, PANGO_TAB_LEFT, tabs[i]);
		pango_layout_set_tabs(layout, ta);
		pango_tab_array_free(ta);
	}
	pango_layout_set_markup(layout, markup, -1);
	pango_layout_get_size(layout, &lw, &lh);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
	g_object_unref(layout);
	return (double)lh / PANGO_SCALE;
}

/* The address label's text: who gets the parcel and where it goes. */
static gchar *label_markup(const struct pick_order *o)
{
	if (strcmp(o->method, "home") == 0)
		return g_markup_printf_escaped("<b>%s</b>\n%s\n%.3s %s  %s%s%s", o->recipient,
					       o->address, o->postal_code,
					       strlen(o->postal_code) > 3 ? o->postal_code + 3 : "",
					       o->city, *o->door_code ? "\nPortkod: " : "",
					       o->door_code);
	if (strcmp(o->method, "pickup_point") == 0)
		return g_markup_printf_escaped(
			"<b>%s</b>\nHämtas på utlämningsställe:\n%s\n%s\n%.3s %s  %s", o->recipient,
			o->point_name, o->point_address, o->point_postal,
			strlen(o->point_postal) > 3 ? o->point_postal + 3 : "", o->point_city);
	return g_markup_printf_escaped("<b>%s</b>\n%s\n%s\n%.3s %s", o->recipient, o->unit_name,
				       o->unit_address, o->unit_postal,
				       strlen(o->unit_postal) > 3 ? o->unit_postal + 3 : "");
}

static const char *notification_sv(const char *n)
{
	static const char *const names[] = { "email",	"e-post", "letter", "brev", "phone",
					     "telefon", "sms",	  "sms",    NULL };

	for (const char *const *p = names; *p; p += 2)
		if (strcmp(*p, n) == 0)
			return p[1];
	return n;
}

static void slip_page(cairo_t *cr, const struct slip *s)
{
	static const int tabs[] = { 90, 390 }; /* points */
	const struct pick_order *o = &s->o;
	bool open = strcmp(o->status, "received") == 0 ||
		    strcmp(o->status, "partially_shipped") == 0 ||
		    strcmp(o->status, "partially_delivered") == 0;
	double y = MARGIN, h;
	gchar *m;

	m = g_markup_printf_escaped("Följesedel — beställning %lld", (long long)o->id);
	y += show(cr, MARGIN, y, PAGE_W - 2 * MARGIN, "DejaVu Sans Bold 18", m, NULL, 0) + 14;
	g_free(m);

	/* The label: a box to cut out or to print on a label sheet. */
	m = label_markup(o);
	h = show(cr, MARGIN + PAD, y + PAD, LABEL_W - 2 * PAD, "DejaVu Sans 13", m, NULL, 0);
	g_free(m);
	cairo_set_line_width(cr, 1.5);
	cairo_rectangle(cr, MARGIN, y, LABEL_W, h + 2 * PAD);
	cairo_stroke(cr);
	m = g_markup_printf_escaped("Beställning\n<b>%lld</b>", (long long)o->id);
	show(cr, MARGIN + LABEL_W + 16, y + PAD, PAGE_W - 2 * MARGIN - LABEL_W - 16,
	     "DejaVu Sans 16", m, NULL, 0);
	g_free(m);
	y += h + 2 * PAD + 18;

	m = g_markup_printf_escaped("Levereras senast: %s\nLeveranssätt: %s%s%s%s", o->due,
				    strcmp(o->method, "home") == 0	     ? "hemleverans"
				    : strcmp(o->method, "pickup_point") == 0 ? "utlämningsställe"
									     : "vårdenhet",
				    *o->notification ? ", avisering med " : "",
				    notification_sv(o->notification),
				    o->rural_route ? "\nLantbrevbärarlinje" : "");
	y += show(cr, MARGIN, y, PAGE_W - 2 * MARGIN, "DejaVu Sans 10", m, NULL, 0) + 14;
	g_free(m);

	y += show(cr, MARGIN, y, PAGE_W - 2 * MARGIN, "DejaVu Sans Bold 10", "Artikel\tNamn\tAntal",
		  tabs, 2) +
	     4;
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN, y);
	cairo_line_to(cr, PAGE_W - MARGIN, y);
	cairo_stroke(cr);
	y += 4;
	for (size_t i = 0; i < s->n && y < PAGE_H - MARGIN; i++) {
		const struct pick_line *l = &s->lines[i];
		int64_t qty = open ? l->quantity - l->shipped : l->quantity;
		char q[64];

		if (open && l->backordered && qty > 0)
			snprintf(q, sizeof(q), "restnoterad");
		else if (open && qty <= 0)
			snprintf(q, sizeof(q), "skickad tidigare");
		else
			snprintf(q, sizeof(q), "%lld %s", (long long)qty, l->unit);
		m = g_markup_printf_escaped("%s\t%s\t%s", l->article_number, l->name, q);
		y += show(cr, MARGIN, y, PAGE_W - 2 * MARGIN, "DejaVu Sans 10", m, tabs, 2) + 3;
		g_free(m);
	}
	cairo_show_page(cr);
}

/* Writes the n slips, a page each, as one PDF to the answer. */
static int slips_pdf(struct api_ctx *ctx, const struct slip *slips, size_t n, const char *title)
{
	cairo_surface_t *surface;
	cairo_t *cr;
	cairo_status_t cst;

	buf_reset(&ctx->resp->body);
	surface = cairo_pdf_surface_create_for_stream(write_buf, &ctx->resp->body, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cr = cairo_create(surface);
	for (size_t i = 0; i < n; i++)
		slip_page(cr, &slips[i]);
	if (n == 0) {
		show(cr, MARGIN, MARGIN, PAGE_W - 2 * MARGIN, "DejaVu Sans 12",
		     "Inga beställningar att packa.", NULL, 0);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	cst = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (cst != CAIRO_STATUS_SUCCESS || ctx->resp->body.failed) {
		buf_reset(&ctx->resp->body);
		return api_fail(ctx, lmn_err_set(&ctx->err, LMN_EIO, NULL, NULL,
						 "writing the PDF failed: %s",
						 cairo_status_to_string(cst)));
	}
	ctx->resp->status = 200;
	ctx->resp->type = "application/pdf";
	return 200;
}

int packing_slip_get(struct api_ctx *ctx)
{
	struct slip *s = calloc(1, sizeof(*s));
	char title[64];
	enum lmn_rc rc;
	int status;

	if (!s)
		return api_fail(ctx,
				lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	if ((rc = db_begin(ctx->c, true, &ctx->err)) == LMN_OK)
		rc = picking_order(ctx->c, ctx->id[0], slip_add, s, &ctx->err);
	if (rc == LMN_ENOTFOUND) {
		/* As GET /api/orders/{id}: no answer tells which ids exist. */
		free(s);
		if (access_order_or_reply(ctx, ctx->id[0], 0))
			access_refuse(ctx);
		return (int)ctx->resp->status;
	}
	if (rc != LMN_OK) {
		free(s);
		return api_fail(ctx, rc);
	}
	if (!access_order_or_reply(ctx, ctx->id[0], s->o.patient_id)) {
		free(s);
		return (int)ctx->resp->status;
	}
	if ((rc = access_record(ctx, s->o.patient_id, ACCESS_READ, "följesedel")) != LMN_OK ||
	    (rc = db_commit(ctx->c, &ctx->err)) != LMN_OK) {
		free(s);
		return api_fail(ctx, rc);
	}
	snprintf(title, sizeof(title), "Följesedel, beställning %lld", (long long)s->o.id);
	status = slips_pdf(ctx, s, 1, title);
	free(s);
	return status;
}

/* The slips of a wave: the open orders due on or before a day that do not wait for the
 * supplier. */
struct wave {
	struct slip *slips;
	size_t n, alloc;
	bool failed;
};

static enum lmn_rc wave_add(const struct pick_order *o, const struct pick_line *l, void *arg)
{
	struct wave *w = arg;

	if (o->backordered)
		return LMN_OK;
	if (!w->n || w->slips[w->n - 1].o.id != o->id) {
		if (w->n == w->alloc) {
			size_t alloc = w->alloc ? 2 * w->alloc : 64;
			struct slip *more = realloc(w->slips, alloc * sizeof(*more));
			if (!more) {
				w->failed = true;
				return LMN_ENOMEM;
			}
			w->slips = more;
			w->alloc = alloc;
		}
		memset(&w->slips[w->n], 0, sizeof(w->slips[0]));
		w->n++;
	}
	return slip_add(o, l, &w->slips[w->n - 1]);
}

int packing_slips_wave(struct api_ctx *ctx)
{
	const char *until = ctx->req->lookup(ctx->req->conn, HTTP_QUERY, "until");
	struct wave w = { 0 };
	json_t *seen = NULL;
	char until_s[11], title[64];
	enum lmn_rc rc;
	int status;

	if (!fulfilment_wave_day_or_reply(ctx, until, until_s))
		return (int)ctx->resp->status;
	if ((rc = db_begin(ctx->c, true, &ctx->err)) == LMN_OK)
		rc = picking_orders(ctx->c, until_s, 1000, wave_add, &w, &ctx->err);
	if (rc == LMN_ENOMEM && w.failed)
		rc = lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (rc == LMN_OK) {
		/* Every patient on a slip has the read in their access log. */
		seen = json_array();
		for (size_t i = 0; i < w.n; i++)
			json_array_append_new(seen, json_pack("{s:I}", "patient_id",
							      (json_int_t)w.slips[i].o.patient_id));
		rc = access_record_list(ctx, seen, "patient_id", "följesedlar");
		json_decref(seen);
	}
	if (rc == LMN_OK)
		rc = db_commit(ctx->c, &ctx->err);
	if (rc != LMN_OK) {
		free(w.slips);
		return api_fail(ctx, rc);
	}
	snprintf(title, sizeof(title), "Följesedlar, leveransdag senast %s", until_s);
	status = slips_pdf(ctx, w.slips, w.n, title);
	free(w.slips);
	return status;
}
