/* The history import's deliveries: shipments and their lines, checked against the fulfilment rule
 * in force on the day they were shipped. */
#include "import/history_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fulfilment.h"
#include "store/orders.h"
#include "store/shipments.h"
#include "util/clock.h"

/* ---- Deliveries ---- */

/* The lines of the shipment's order, by id, with what each ordered and shipped before. */
static enum lmn_rc order_lines_load(struct imp *m, struct shipment *s)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	if ((rc = db_prepare(m->c,
			     "SELECT id, article_id, quantity, shipped_quantity FROM order_lines "
			     "WHERE order_id = $1 ORDER BY id",
			     &st, m->err)) != LMN_OK)
		return rc;
	db_bind_int(st, 1, s->order_id);
	while ((rc = db_step(st, &row, m->err)) == LMN_OK && row && s->nlines < MAX_ORDER_LINES) {
		size_t i = s->nlines++;
		s->line_id[i] = db_col_int(st, 0);
		s->article_id[i] = db_col_int(st, 1);
		s->lines[i] = (struct ship_line){ .ordered = db_col_int(st, 2),
						  .shipped_before = db_col_int(st, 3) };
	}
	db_done(st);
	return rc;
}

enum lmn_rc imp_shipment_flush(struct imp *m, struct shipment *s)
{
	char shipped[32], delivered[32], out_at[32], why[128] = "", rule[48];
	bool partial = false, deviation = false;
	const char *status;
	int64_t id;
	enum lmn_rc rc;

	if (!s->open || s->bad)
		return LMN_OK;
	/* Spec B 3:1 as in force on the day it was shipped: in full, or short only for backorders. */
	rc = fulfilment_check_shipment(m->p, s->ship_day, s->lines, s->nlines, &partial, m->err);
	if (rc == LMN_EREFUSED || rc == LMN_EINVAL)
		return imp_fault(m, s->line, NULL, "leverans %s av order %s: %s", s->ref,
				 s->order_ref, m->err->message);
	if (rc != LMN_OK)
		return rc;
	if (s->delivered &&
	    (rc = fulfilment_delivery_deviation(m->p, s->del_day, s->del_sec, s->home, &deviation,
						why, rule, m->err)) != LMN_OK)
		return imp_fault(m, s->line, "delivered_at", "%s", m->err->message);
	clock_format(s->ship_day, s->ship_sec, shipped);
	if (s->delivered)
		clock_format(s->del_day, s->del_sec, delivered);
	if (s->has_out)
		clock_format(s->out_day, s->out_sec, out_at);
	else if (s->delivered)
		memcpy(out_at, delivered, sizeof(out_at));
	const struct shipment_row row = {
		.order_id = s->order_id,
		.shipped_at = shipped,
		.partial = partial,
		.delivered_at = s->delivered ? delivered : NULL,
		.delivery_deviation = deviation ? why : NULL,
		.outcome = s->outcome >= 0 ? imp_outcomes[s->outcome] : NULL,
		.outcome_at = s->outcome >= 0 && (s->has_out || s->delivered) ? out_at : NULL,
	};
	if ((rc = shipments_insert(m->c, &row, &id, m->err)) != LMN_OK)
		return rc;
	for (size_t i = 0; i < s->nlines; i++) {
		if (!s->listed[i])
			continue;
		if ((rc = shipment_lines_insert(m->c, id, s->line_id[i], s->lines[i].now,
						s->lines[i].backordered, m->err)) != LMN_OK ||
		    (rc = order_line_shipped(m->c, s->line_id[i], s->lines[i].now,
					     s->lines[i].backordered, m->err)) != LMN_OK)
			return rc;
	}
	if (s->outcome == 1 || s->outcome == 2)
		status = imp_outcomes[s->outcome];
	else if (s->delivered)
		status = partial ? "partially_delivered" : "delivered";
	else
		status = partial ? "partially_shipped" : "shipped";
	if ((rc = order_set_status(m->c, s->order_id, status, m->err)) != LMN_OK)
		return rc;
	m->res->shipments++;
	return LMN_OK;
}

enum lmn_rc imp_delivery_row(struct imp *m, struct shipment *s)
{
	const long line = m->rec->line;
	char oref[REF_MAX + 1], sref[REF_MAX + 1], article[33];
	lmn_day sd = 0, dd = 0, od = 0;
	int32_t ss = 0, ds = 0, os = 0;
	bool has_ship, has_del, has_out, back, found;
	int outcome;
	int64_t qty = 0;
	enum lmn_rc rc;

	if ((rc = imp_text(m, C_ORDER_REF, true, oref, sizeof(oref))) != LMN_OK ||
	    (rc = imp_text(m, C_SHIPMENT_REF, true, sref, sizeof(sref))) != LMN_OK ||
	    (rc = imp_when(m, C_SHIPPED_AT, true, &sd, &ss, &has_ship)) != LMN_OK ||
	    (rc = imp_text(m, C_ARTICLE, true, article, sizeof(article))) != LMN_OK ||
	    (rc = imp_flag(m, C_BACKORDERED, &back)) != LMN_OK ||
	    (rc = imp_when(m, C_DELIVERED_AT, false, &dd, &ds, &has_del)) != LMN_OK ||
	    (rc = imp_word(m, C_OUTCOME, imp_outcomes, has_del ? 0 : 3, &outcome)) != LMN_OK ||
	    (rc = imp_when(m, C_OUTCOME_AT, false, &od, &os, &has_out)) != LMN_OK)
		return rc;
	if (outcome == 3)
		outcome = -1; /* no outcome yet */
	if (imp_field(m, C_QUANTITY).len == 1 && imp_field(m, C_QUANTITY).ptr[0] == '0')
		qty = 0; /* a backordered line may ship nothing */
	else if ((rc = imp_quantity(m, &qty)) != LMN_OK)
		return rc;
	if (outcome == 0 && !has_del &&
	    (rc = imp_fault(m, line, "delivered_at",
			    "en levererad leverans behöver delivered_at")) != LMN_OK)
		return rc;
	if (has_del && has_ship && (dd < sd || (dd == sd && ds < ss)) &&
	    (rc = imp_fault(m, line, "delivered_at", "levererad före avsändning")) != LMN_OK)
		return rc;
	if (!s->open || strcmp(oref, s->order_ref) != 0 || strcmp(sref, s->ref) != 0) {
		int64_t v[3];
		if ((rc = imp_shipment_flush(m, s)) != LMN_OK)
			return rc;
		memset(s, 0, sizeof(*s));
		imp_copy_text(s->order_ref, sizeof(s->order_ref), oref);
		imp_copy_text(s->ref, sizeof(s->ref), sref);
		s->open = true;
		s->line = line;
		s->ship_day = sd, s->ship_sec = ss;
		s->del_day = dd, s->del_sec = ds, s->delivered = has_del;
		s->out_day = od, s->out_sec = os, s->has_out = has_out;
		s->outcome = outcome;
		s->bad = m->row_bad;
		if (!*oref)
			return LMN_OK;
		if ((rc = imp_lookup(m,
				     "SELECT id, status = 'cancelled', delivery_method = 'home' "
				     "FROM orders WHERE external_ref = $1",
				     oref, 3, &found, v)) != LMN_OK)
			return rc;
		if (!found || v[1]) {
			s->bad = true;
			return imp_fault(m, line, "order_ref",
					 found ? "ordern %s är makulerad"
					       : "ingen importerad order %s finns",
					 oref);
		}
		s->order_id = v[0];
		s->home = v[2] != 0;
		if ((rc = order_lines_load(m, s)) != LMN_OK)
			return rc;
	} else if (s->ship_day != sd || s->ship_sec != ss || s->delivered != has_del ||
		   s->del_day != dd || s->del_sec != ds || s->outcome != outcome ||
		   s->has_out != has_out || s->out_day != od || s->out_sec != os) {
		if ((rc = imp_fault(
			     m, line, NULL,
			     "raden hör till leverans %s men skiljer sig från dess första rad (rad %ld) "
			     "i tider eller utfall",
			     sref, s->line)) != LMN_OK)
			return rc;
	}
	if (*article && s->order_id) {
		struct article a;
		size_t i;
		if ((rc = imp_article_of(m, article, &a, &found)) != LMN_OK)
			return rc;
		for (i = 0; found && i < s->nlines && s->article_id[i] != a.id; i++)
			;
		if (!found || i == s->nlines) {
			if ((rc = imp_fault(m, line, "article_number",
					    "artikeln %s finns inte på order %s", article, oref)) !=
			    LMN_OK)
				return rc;
		} else if (s->listed[i]) {
			if ((rc = imp_fault(m, line, "article_number",
					    "artikeln %s står två gånger i leverans %s", article,
					    sref)) != LMN_OK)
				return rc;
		} else if (!m->row_bad) {
			s->listed[i] = true;
			s->lines[i].now = qty;
			s->lines[i].backordered = back;
		}
	}
	if (m->row_bad)
		s->bad = true;
	return LMN_OK;
}
