/* GetMedicalSupplyPrescriptions, GetMedicalSupplyDeliveryPoints and RegisterMedicalSupplyOrder:
 * what the patient's e-service reads and orders, through the store's reads and the API's one
 * order placement. Elements are written in the responder schemas' order: r: is the responder's
 * namespace, c: the common types'. */
#include "rivta/interactions.h"

#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/identity.h"
#include "core/prescription.h"
#include "rules/date.h"

/* The source system's agreed name in the contracts' Source. */
#define SOURCE "lmn"
/* Items valid now or at most this many months ago are listed (the contract description). */
#define LISTED_MONTHS 12
#define MAX_ITEMS     256

__attribute__((format(printf, 2, 3))) static int logical_error(struct rivta_call *call,
							       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call->comment, sizeof(call->comment), fmt, ap);
	va_end(ap);
	call->result = "ERROR";
	call->answered = true;
	return 200;
}

static int technical(struct api_ctx *ctx, enum lmn_rc rc)
{
	struct rivta_call *call = ctx->front;

	snprintf(call->fault_detail, sizeof(call->fault_detail), "%s: %.200s", lmn_rc_name(rc),
		 ctx->err.message);
	call->fault = true;
	return 500;
}

static const struct {
	const char *lmn, *wire;
} notifications[] = {
	{ "email", "E-POST" },
	{ "letter", "BREV" },
	{ "phone", "TELEFON" },
	{ "sms", "SMS" },
};

static const char *notification_wire(const char *lmn)
{
	for (size_t i = 0; i < sizeof(notifications) / sizeof(notifications[0]); i++)
		if (strcmp(lmn, notifications[i].lmn) == 0)
			return notifications[i].wire;
	return NULL;
}

static const char *notification_lmn(const char *wire)
{
	for (size_t i = 0; i < sizeof(notifications) / sizeof(notifications[0]); i++)
		if (strcmp(wire, notifications[i].wire) == 0)
			return notifications[i].lmn;
	return NULL;
}

/* Whether the comma-separated list has word. */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* A code: 1.0's enumeration value, 2.0's CVType with the value in originalText. */
static void add_code(struct buf *b, int version, const char *name, const char *code,
		     const char *display)
{
	if (version == 1) {
		ms_add_elem(b, "c", name, code);
		return;
	}
	ms_add_tag(b, "c", name, false);
	ms_add_elem(b, "c", "code", code);
	if (display && *display)
		ms_add_elem(b, "c", "displayName", display);
	ms_add_elem(b, "c", "originalText", code);
	ms_add_tag(b, "c", name, true);
}

static void add_bool(struct buf *b, const char *name, bool v)
{
	ms_add_elem(b, "c", name, v ? "true" : "false");
}

static void add_date(struct buf *b, const char *name, lmn_day d)
{
	char s[11];

	date_format(d, s);
	ms_add_elem(b, "c", name, s);
}

/* "1 183,00 kr", as the e-service shows prices. */
static void price_text(int64_t ore, char out[40])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%lld", (long long)(ore / 100)), o = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = digits[i];
	}
	snprintf(out + o, (size_t)(40 - o), ",%02lld kr", (long long)(ore % 100));
}

/* The area's 1177 code, delivery alternatives and invoice rule, read once per call. */
static enum lmn_rc area_of(struct api_ctx *ctx, const char *area, const struct area_info **out)
{
	struct rivta_call *call = ctx->front;
	struct area_info *a;
	enum lmn_rc rc;

	for (int i = 0; i < call->nareas; i++)
		if (strcmp(call->areas[i]->area, area) == 0) {
			*out = call->areas[i];
			return LMN_OK;
		}
	/* An answer written later has no connection (api_write's after): the job read every area
	 * its rows name, so this is a fault, not a query. */
	if (!ctx->c)
		return lmn_err_set(&ctx->err, LMN_EIO, NULL, NULL,
				   "product area %s was not read in the job", area);
	if (call->nareas == call->areas_cap) {
		int cap = call->areas_cap ? call->areas_cap * 2 : 4;
		struct area_info **grown = realloc(call->areas, (size_t)cap * sizeof(*grown));

		if (!grown)
			return lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
		call->areas = grown;
		call->areas_cap = cap;
	}
	/* Each area on its own: the pointers handed out stay valid while the list grows. */
	if (!(a = calloc(1, sizeof(*a))))
		return lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory");
	snprintf(a->area, sizeof(a->area), "%s", area);
	if ((rc = product_area_code_1177(ctx->c, area, a->code_1177, &ctx->err)) != LMN_OK ||
	    (rc = delivery_alternatives_for(ctx->c, area, a->alt, &a->nalt, &ctx->err)) != LMN_OK ||
	    (rc = delivery_other_invoice_allowed(ctx->c, area, &a->other_invoice, &ctx->err)) !=
		    LMN_OK) {
		free(a);
		return rc;
	}
	call->areas[call->nareas++] = a;
	*out = a;
	return LMN_OK;
}

/* The article element; false (nothing written) when version 1 cannot name its product area. */
static bool add_article(struct api_ctx *ctx, struct buf *b, const char *elem, const char *number,
			const char *name, int64_t package_size, const char *unit, const char *area,
			bool orderable, int64_t price_ore, enum lmn_rc *rc)
{
	struct rivta_call *call = ctx->front;
	const struct area_info *ai;
	const char *code;
	char price[40];

	if ((*rc = area_of(ctx, area, &ai)) != LMN_OK)
		return false;
	code = ai->code_1177;
	if (!*code && call->rq->version == 1)
		return false;
	ms_add_tag(b, "c", elem, false);
	ms_add_elem(b, "c", "ArticleNo", number);
	ms_add_elem(b, "c", "ArticleName", name);
	ms_add_elem_int(b, "c", "PackageSize", package_size);
	if (*unit)
		ms_add_elem(b, "c", "PackageSizeUnit", unit);
	add_code(b, call->rq->version, "ProductArea", *code ? code : area, NULL);
	add_bool(b, "IsOrderable", orderable);
	if (price_ore >= 0) {
		price_text(price_ore, price);
		ms_add_elem(b, "c", "GrossPrice", price);
	}
	ms_add_tag(b, "c", elem, true);
	return true;
}

static const char *method_wire(const char *method)
{
	return strcmp(method, "pickup_point") == 0 ? "UTLÄMNINGSSTÄLLE" : "HEMLEVERANS";
}

/* ---- GetMedicalSupplyPrescriptions ---- */

struct listing {
	struct api_ctx *ctx;
	bool protected_identity;
	size_t items, skipped;
};

static void add_alternative(struct buf *b, int version, const struct delivery_alternative *a)
{
	buf_adds(b, "<c:DeliveryAlternative>");
	ms_add_elem_int(b, "c", "DeliveryMethodId", a->id);
	ms_add_elem(b, "c", "DeliveryMethodName", a->name);
	ms_add_elem(b, "c", "DeliveryMethod", method_wire(a->method));
	add_code(b, version, "ServicePointProvider", a->provider, NULL);
	add_bool(b, "AllowChioceOfDeliveryPoints", a->choose_point);
	for (size_t i = 0; i < sizeof(notifications) / sizeof(notifications[0]); i++)
		if (in_list(a->notifications, notifications[i].lmn))
			ms_add_elem(b, "c", "DeliveryNotificationMethod", notifications[i].wire);
	add_bool(b, "AllowDeliveryComment", a->allow_comment);
	add_bool(b, "AllowContactPerson", a->allow_contact_person);
	buf_adds(b, "</c:DeliveryAlternative>");
}

/* Version 1.0 names only its four providers. */
static bool provider_in_v1(const char *p)
{
	return strcmp(p, "INGEN") == 0 || strcmp(p, "DHL") == 0 || strcmp(p, "POSTNORD") == 0 ||
	       strcmp(p, "SCHENKER") == 0;
}

static const char *item_status(const struct item_row *r, lmn_day today)
{
	switch (rx_status_on(&r->it, today)) {
	case RX_CANCELLED:
		return "MAKULERAD";
	case RX_EXPIRED:
		return "UTGÅTT";
	case RX_FULLY_WITHDRAWN:
		return r->article_active ? "LEVERERAD" : "UTGÅTT";
	default:
		return r->article_active ? "AKTIV" : "UTGÅTT";
	}
}

static enum lmn_rc list_item(const struct item_row *r, void *arg)
{
	struct listing *l = arg;
	struct api_ctx *ctx = l->ctx;
	struct rivta_call *call = ctx->front;
	struct buf *b = &call->out;
	const struct area_info *ai;
	const struct delivery_alternative *alt;
	const char *status = item_status(r, ctx->today);
	int nalt, shown = 0;
	bool other_invoice;
	size_t mark = b->len;
	char id[40];
	enum lmn_rc rc;

	if ((rc = area_of(ctx, r->area, &ai)) != LMN_OK)
		return rc;
	alt = ai->alt;
	nalt = ai->nalt;
	other_invoice = ai->other_invoice;
	for (int i = 0; i < nalt; i++)
		shown += call->rq->version == 2 || provider_in_v1(alt[i].provider);
	if (shown == 0) { /* the schema needs one: an item with no way to deliver is left out */
		l->skipped++;
		return LMN_OK;
	}
	buf_adds(b, "<c:PrescriptionItem>");
	ms_add_elem_int(b, "c", "PrescriptionItemId", r->item_id);
	if (!add_article(ctx, b, "Article", r->article_number, r->article_name, r->package_size,
			 r->unit, r->area, strcmp(status, "AKTIV") == 0, r->price_ore, &rc)) {
		b->len = mark; /* version 1 cannot name the area */
		if (b->data)
			b->data[mark] = '\0';
		l->skipped++;
		return rc;
	}
	ms_add_elem_int(b, "c", "NoOfOrders", r->it.withdrawals_allowed);
	ms_add_elem_int(b, "c", "NoOfRemainingOrders", r->it.withdrawals_remaining);
	ms_add_elem_int(b, "c", "NoOfArticlesPerOrder",
			(int64_t)r->it.quantity_per_withdrawal * r->package_size);
	ms_add_elem_int(b, "c", "NoOfPackagesPerOrder", r->it.quantity_per_withdrawal);
	for (int i = 0; i < nalt; i++)
		if (call->rq->version == 2 || provider_in_v1(alt[i].provider))
			add_alternative(b, call->rq->version, &alt[i]);
	if (r->it.next_earliest != LMN_DAY_NONE)
		add_date(b, "NextEarliestOrderDate", r->it.next_earliest);
	ms_add_elem_int(b, "c", "PrescriptionId", r->prescription_id);
	ms_add_elem(b, "c", "Source", SOURCE);
	buf_adds(b, "<c:Prescriber>");
	if (*r->prescriber_hsa)
		ms_add_elem(b, "c", "PrescriberId", r->prescriber_hsa);
	else {
		snprintf(id, sizeof(id), "lmn-%lld", (long long)r->prescriber_id);
		ms_add_elem(b, "c", "PrescriberId", id);
	}
	ms_add_elem(b, "c", "PrescriberName", r->prescriber_name);
	buf_adds(b, "</c:Prescriber><c:PrescribingOrganization>");
	if (*r->unit_hsa)
		ms_add_elem(b, "c", "PrescribingOrganizationId", r->unit_hsa);
	else {
		snprintf(id, sizeof(id), "lmn-%lld", (long long)r->unit_id);
		ms_add_elem(b, "c", "PrescribingOrganizationId", id);
	}
	ms_add_elem(b, "c", "PrescribingOrganizationName", r->unit_name);
	buf_adds(b, "</c:PrescribingOrganization>");
	add_date(b, "LastValidDate", r->it.last_valid);
	ms_add_elem(b, "c", "Status", status);
	if (r->price_ore >= 0) {
		char price[40];

		price_text(r->price_ore, price);
		ms_add_elem(b, "c", "GrossPrice", price);
	}
	add_bool(b, "AllowOtherInvoiceAddress", other_invoice);
	buf_adds(b, "</c:PrescriptionItem>");
	l->items++;
	return LMN_OK;
}

/* An order item: what was ordered, how it is delivered, when it was delivered. A protected
 * identity's home address and who was notified are not repeated (the e-service has them from the
 * patient's profile). */
static enum lmn_rc add_order_item(struct api_ctx *ctx, const struct order_item_row *r,
				  bool protected_identity)
{
	struct rivta_call *call = ctx->front;
	struct buf *b = &call->out;
	size_t mark = b->len;
	enum lmn_rc rc = LMN_OK;

	buf_adds(b, "<c:OrderItemId>");
	buf_add_int(b, r->line_id);
	buf_adds(b, "</c:OrderItemId>");
	ms_add_elem_int(b, "c", "PrescriptionItemId", r->item_id);
	buf_adds(b, "<c:DeliveryChoice>");
	ms_add_elem_int(b, "c", "DeliveryMethodId", r->alternative_id);
	ms_add_elem(b, "c", "DeliveryMethod", method_wire(r->method));
	if (strcmp(r->method, "home") == 0 && !protected_identity && *r->address) {
		buf_adds(b, "<c:HomeDeliveryAddress>");
		ms_add_elem(b, "c", "Receiver", r->receiver);
		ms_add_elem(b, "c", "Street", r->address);
		ms_add_elem(b, "c", "PostalCode", r->postal_code);
		ms_add_elem(b, "c", "City", r->city);
		if (*r->door_code)
			ms_add_elem(b, "c", "DoorCode", r->door_code);
		ms_add_elem(b, "c", "Phone", r->phone);
		buf_adds(b, "</c:HomeDeliveryAddress>");
	}
	if (strcmp(r->method, "pickup_point") == 0 && *r->point_code) {
		buf_adds(b, "<c:DeliveryPoint>");
		ms_add_elem(b, "c", "DeliveryPointId", r->point_code);
		ms_add_elem(b, "c", "DeliveryPointName", r->point_name);
		ms_add_elem(b, "c", "DeliveryPointAddress", r->point_address);
		ms_add_elem(b, "c", "DeliveryPointPostalCode", r->point_postal);
		ms_add_elem(b, "c", "DeliveryPointCity", r->point_city);
		ms_add_elem(b, "c", "CountryCode", "SE");
		buf_adds(b, "</c:DeliveryPoint>");
	}
	if (*r->notification && notification_wire(r->notification))
		ms_add_elem(b, "c", "DeliveryNotificationMethod",
			    notification_wire(r->notification));
	if (*r->notification_receiver && !protected_identity) /* a phone number or address */
		ms_add_elem(b, "c", "DeliveryNotificationReceiver", r->notification_receiver);
	if (*r->comment)
		ms_add_elem(b, "c", "DeliveryComment", r->comment);
	if (*r->contact_person)
		ms_add_elem(b, "c", "ContactPerson", r->contact_person);
	buf_adds(b, "</c:DeliveryChoice>");
	if (!add_article(ctx, b, "Article", r->article_number, r->article_name, r->package_size,
			 r->unit, r->area, r->article_active, r->price_ore, &rc)) {
		b->len = mark;
		if (b->data)
			b->data[mark] = '\0';
		return rc;
	}
	ms_add_elem_int(b, "c", "NoOfPcs", r->quantity * r->package_size);
	ms_add_elem(b, "c", "OrderDate", r->ordered_on);
	if (*r->delivered_on)
		ms_add_elem(b, "c", "DeliveredDate", r->delivered_on);
	return LMN_OK;
}

static enum lmn_rc list_order_item(const struct order_item_row *r, void *arg)
{
	struct listing *l = arg;
	struct rivta_call *call = l->ctx->front;
	size_t mark = call->out.len;
	enum lmn_rc rc;

	buf_adds(&call->out, "<c:OrderItem>");
	rc = add_order_item(l->ctx, r, l->protected_identity);
	if (call->out.len == mark + strlen("<c:OrderItem>")) { /* left out */
		call->out.len = mark;
		if (call->out.data)
			call->out.data[mark] = '\0';
		return rc;
	}
	buf_adds(&call->out, "</c:OrderItem>");
	return rc;
}

static _Atomic int64_t account;

/* The caller's patient by SubjectOfCareId: false with the answer given when the number is not a
 * valid one. The e-service's account acts for them from here on. */
static bool subject_or_reply(struct api_ctx *ctx, struct identity *id, int *status)
{
	struct rivta_call *call = ctx->front;
	const char *s = call->rq->subject ? call->rq->subject : "";
	enum lmn_rc rc;

	if (identity_parse(s, strlen(s), ctx->today, id, &ctx->err) != LMN_OK) {
		*status =
			logical_error(call, "Personnumret kunde inte läsas: %s", ctx->err.message);
		return false;
	}
	/* The e-service's account, looked up once (it is never removed, only closed: then each
	 * call looks again, and fails). */
	ctx->user.id = account;
	if (!ctx->user.id) {
		if ((rc = user_id_by_username(ctx->c, "1177", &ctx->user.id, &ctx->err)) !=
		    LMN_OK) {
			*status = technical(ctx, rc);
			return false;
		}
		account = ctx->user.id;
	}
	return true;
}

/* A look-up: the patient, the items and the past order items read with the access-log row of
 * the read in one write job; the answer is written from them afterwards. */
struct lookup {
	struct rivta_call *call;
	struct api_ctx *ctx; /* the job's, while it runs */
	char id_number[sizeof(((struct identity *)0)->canonical)];
	struct patient_ref p;
	bool found;
	struct item_row *items;
	size_t nitems, items_cap;
	struct order_item_row *lines;
	size_t nlines, lines_cap;
};

/* Rows kept beyond the read: at most this many of each (a year's orders are far fewer). */
#define LOOKUP_ROWS_MAX 4096

/* Appends one row of size size to *v (*n of *cap): false when out of memory or over the limit. */
static bool keep_row(void **v, size_t *n, size_t *cap, const void *row, size_t size)
{
	if (*n == *cap) {
		size_t want = *cap ? *cap * 2 : 8;
		void *grown;

		if (want > LOOKUP_ROWS_MAX || !(grown = realloc(*v, want * size)))
			return false;
		*v = grown;
		*cap = want;
	}
	memcpy((char *)*v + *n * size, row, size);
	(*n)++;
	return true;
}

/* Each row's product area is read in the job too (area_of keeps it for the answer). */
static enum lmn_rc keep_lookup_item(const struct item_row *r, void *arg)
{
	struct lookup *lk = arg;
	const struct area_info *ai;
	enum lmn_rc rc;

	if ((rc = area_of(lk->ctx, r->area, &ai)) != LMN_OK)
		return rc;
	if (!keep_row((void **)&lk->items, &lk->nitems, &lk->items_cap, r, sizeof(*r)))
		return lmn_err_set(&lk->ctx->err, LMN_ENOMEM, NULL, NULL,
				   "prescription items: out of memory or more than %d",
				   LOOKUP_ROWS_MAX);
	return LMN_OK;
}

static enum lmn_rc keep_lookup_line(const struct order_item_row *r, void *arg)
{
	struct lookup *lk = arg;
	const struct area_info *ai;
	enum lmn_rc rc;

	if ((rc = area_of(lk->ctx, r->area, &ai)) != LMN_OK)
		return rc;
	if (!keep_row((void **)&lk->lines, &lk->nlines, &lk->lines_cap, r, sizeof(*r)))
		return lmn_err_set(&lk->ctx->err, LMN_ENOMEM, NULL, NULL,
				   "order items: out of memory or more than %d", LOOKUP_ROWS_MAX);
	return LMN_OK;
}

static enum lmn_rc lookup_job(struct api_ctx *ctx, void *arg)
{
	struct lookup *lk = arg;
	char since[11], today[11];
	enum lmn_rc rc;

	lk->ctx = ctx;
	lk->nitems = lk->nlines = 0;
	rc = patient_by_id_number(ctx->c, lk->id_number, &lk->p, &ctx->err);
	if (rc == LMN_ENOTFOUND) /* no prescriptions here: nothing to show, nothing read */
		return LMN_OK;
	if (rc != LMN_OK)
		return rc;
	lk->found = true;
	date_format(rx_add_months(ctx->today, -LISTED_MONTHS), since);
	date_format(ctx->today, today);
	rc = prescription_items_of_patient(ctx->c, lk->p.id, since, today, keep_lookup_item, lk,
					   &ctx->err);
	if (rc == LMN_OK)
		rc = order_items_of_patient(ctx->c, lk->p.id, 0, since, keep_lookup_line, lk,
					    &ctx->err);
	if (rc != LMN_OK)
		return rc;
	return access_record(ctx, lk->p.id, ACCESS_READ, "förskrivningar och beställningar");
}

/* The answer, from the rows the job kept (on the thread that sends it). */
static int lookup_after(struct api_ctx *ctx, void *arg, enum lmn_rc rc)
{
	struct lookup *lk = arg;
	struct rivta_call *call = ctx->front;
	struct listing l = { .ctx = ctx };

	if (rc == LMN_OK && lk->found) {
		ctx->user.patient_id = lk->p.id;
		l.protected_identity = lk->p.protected_identity;
	}
	buf_adds(&call->out, "<r:SubjectOfCareType>");
	ms_add_elem(&call->out, "c", "SubjectOfCareId", lk->id_number);
	for (size_t i = 0; rc == LMN_OK && i < lk->nitems; i++)
		rc = list_item(&lk->items[i], &l);
	for (size_t i = 0; rc == LMN_OK && i < lk->nlines; i++)
		rc = list_order_item(&lk->lines[i], &l);
	buf_adds(&call->out, "</r:SubjectOfCareType>");
	if (rc != LMN_OK)
		return technical(ctx, rc);
	call->answered = true;
	return 200;
}

static void lookup_release(void *arg)
{
	struct lookup *lk = arg;
	struct rivta_call *call = lk->call;

	free(lk->items);
	free(lk->lines);
	free(lk);
	rivta_call_release(call);
}

/* Read by the store's writer thread, as the JSON API's order list is (api/orders.c: orders_list):
 * the writer is the one connection whose page cache survives other requests' commits. The answer
 * is written once the access-log row is durable, by the server's thread (api_write: the
 * connection is held meanwhile when the server can). Not api_read_logged, as the order list is:
 * its three reads (the patient, the items, the past order items) must see one moment, which on
 * PostgreSQL a transaction that takes the write lock late does not promise. */
int rivta_get_prescriptions(struct api_ctx *ctx)
{
	struct rivta_call *call = ctx->front;
	struct identity id;
	struct lookup *lk;
	int status;

	if (!subject_or_reply(ctx, &id, &status))
		return status;
	if (!(lk = calloc(1, sizeof(*lk))))
		return technical(ctx,
				 lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	lk->call = call;
	snprintf(lk->id_number, sizeof(lk->id_number), "%s", id.canonical);
	return api_write(ctx, lookup_job, lookup_after, lk, lookup_release);
}

/* ---- GetMedicalSupplyDeliveryPoints ---- */

static enum lmn_rc list_point(const struct pickup_point_row *p, void *arg)
{
	struct buf *b = arg;

	buf_adds(b, "<r:DeliveryPoint>");
	ms_add_elem(b, "c", "DeliveryPointId", p->code);
	ms_add_elem(b, "c", "DeliveryPointName", p->name);
	ms_add_elem(b, "c", "DeliveryPointAddress", p->address);
	ms_add_elem(b, "c", "DeliveryPointPostalCode", p->postal_code);
	ms_add_elem(b, "c", "DeliveryPointCity", p->city);
	ms_add_elem(b, "c", "CountryCode", "SE");
	buf_adds(b, "</r:DeliveryPoint>");
	return LMN_OK;
}

/* Five digits, spaces left out ("411 01"); false if not. */
static bool postal_code(const char *s, char out[6])
{
	size_t n = 0;

	for (; s && *s; s++) {
		if (*s == ' ')
			continue;
		if (n == 5 || !isdigit((unsigned char)*s))
			return false;
		out[n++] = *s;
	}
	out[n] = '\0';
	return n == 5;
}

int rivta_get_delivery_points(struct api_ctx *ctx)
{
	struct rivta_call *call = ctx->front;
	const char *provider = call->rq->provider;
	char code[6];
	bool known;
	enum lmn_rc rc;

	if (!postal_code(call->rq->postal_code, code))
		return logical_error(call, "Postnumret ska ha fem siffror, till exempel 411 01.");
	if ((rc = pickup_provider_known(ctx->c, provider, &known, &ctx->err)) != LMN_OK)
		return technical(ctx, rc);
	if (!known)
		return logical_error(call,
				     "Ombudet %s finns inte bland regionens ombud för "
				     "utlämningsställen.",
				     provider);
	if (strcmp(provider, "INGEN") != 0 &&
	    (rc = pickup_points_nearest(ctx->c, code, provider, 10, list_point, &call->out,
					&ctx->err)) != LMN_OK)
		return technical(ctx, rc);
	call->answered = true;
	return 200;
}

/* ---- RegisterMedicalSupplyOrder ---- */

struct items {
	struct item_row *v;
	size_t n;
};

static enum lmn_rc keep_item(const struct item_row *r, void *arg)
{
	struct items *it = arg;

	if (it->n < MAX_ITEMS)
		it->v[it->n++] = *r;
	return LMN_OK;
}

/* What to call a row in a comment: its article's name as the e-service sent it. */
static const char *row_name(const struct ms_row *row)
{
	return row->article_name && *row->article_name ? row->article_name : "en produkt";
}

/* One order per delivery choice: the rows sharing it, the JSON body of the placement. */
struct group {
	char key[1024];
	size_t rows[MS_MAX_ROWS];
	size_t nrows;
	json_t *body;
};

static void address_text(const struct ms_address *a, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s, %s, %s %s", a->receiver ? a->receiver : "",
		 a->care_of && *a->care_of ? ", c/o " : "", a->care_of ? a->care_of : "",
		 a->street ? a->street : "", a->postal_code ? a->postal_code : "",
		 a->city ? a->city : "");
}

/* The patient's item that a row orders, by the ids the e-service sent; NULL when it is none of
 * theirs. */
static const struct item_row *row_item(const struct items *items, const struct ms_row *row)
{
	const struct item_row *item = NULL;
	char *end;
	long long item_id = strtoll(row->item_id, &end, 10);

	if (*end == '\0' && item_id > 0)
		for (size_t k = 0; k < items->n && !item; k++)
			if (items->v[k].item_id == item_id)
				item = &items->v[k];
	if (!item || strtoll(row->prescription_id, &end, 10) != item->prescription_id || *end)
		return NULL;
	return item;
}

/* The whole packages a row asks for: 0, or the status with the logical error answered. */
static int row_quantity(struct rivta_call *call, const struct ms_row *row,
			const struct item_row *item, int64_t *quantity)
{
	if (row->packages > 0)
		*quantity = row->packages;
	else if (row->pieces > 0 && item->package_size > 0 && row->pieces % item->package_size == 0)
		*quantity = row->pieces / item->package_size;
	else if (row->pieces > 0)
		return logical_error(call, "%s: beställ hela förpackningar om %lld st.",
				     row_name(row), (long long)item->package_size);
	else
		return logical_error(call, "%s: ange hur många förpackningar du vill beställa.",
				     row_name(row));
	return 0;
}

/* The delivery alternative a row chose, one its item's product area offers, with the method it
 * named: 0, or the status (the logical error answered, or 500 with *rc). */
static int row_alternative(struct api_ctx *ctx, const struct ms_row *row,
			   const struct item_row *item, struct delivery_alternative *alt,
			   enum lmn_rc *rc)
{
	struct rivta_call *call = ctx->front;
	const struct ms_choice *ch = &row->choice;
	const struct area_info *ai;
	bool ok = false;
	char *end;

	strtoll(ch->method_id, &end, 10);
	if (*end || (*rc = delivery_alternative_get(ctx->c, strtoll(ch->method_id, NULL, 10), alt,
						    &ctx->err)) == LMN_ENOTFOUND) {
		*rc = LMN_OK;
		return logical_error(call,
				     "%s: leveranssättet finns inte. Välj ett av dem som "
				     "förskrivningen tillåter.",
				     row_name(row));
	}
	if (*rc != LMN_OK || (*rc = area_of(ctx, item->area, &ai)) != LMN_OK)
		return 500;
	for (int k = 0; k < ai->nalt; k++)
		ok |= ai->alt[k].id == alt->id;
	if (!ok || strcmp(method_wire(alt->method), ch->method) != 0)
		return logical_error(call,
				     "%s: leveranssättet %s kan inte väljas för den "
				     "här produkten.",
				     row_name(row), alt->name);
	return 0;
}

/* Where a row's parcel goes, into d: the home address it gives, or a pickup point of the
 * alternative's provider. 0, or the status (the logical error answered, or 500 with *rc). */
static int delivery_place(struct api_ctx *ctx, const struct ms_row *row,
			  const struct delivery_alternative *alt, json_t *d, enum lmn_rc *rc)
{
	struct rivta_call *call = ctx->front;
	const struct ms_choice *ch = &row->choice;
	struct pickup_point_row point;
	char street[256];

	if (strcmp(alt->method, "home") == 0) {
		if (!ch->has_home)
			return logical_error(call, "%s: hemleverans kräver en leveransadress.",
					     row_name(row));
		snprintf(street, sizeof(street), "%s%s%s", ch->home.street,
			 ch->home.care_of && *ch->home.care_of ? ", c/o " : "",
			 ch->home.care_of ? ch->home.care_of : "");
		json_object_set_new(d, "method", json_string("home"));
		json_object_set_new(d, "address", json_string(street));
		json_object_set_new(d, "postal_code", json_string(ch->home.postal_code));
		json_object_set_new(d, "city", json_string(ch->home.city));
		json_object_set_new(d, "phone", json_string(ch->home.phone));
		if (ch->home.door_code && *ch->home.door_code)
			json_object_set_new(d, "door_code", json_string(ch->home.door_code));
		return 0;
	}
	if (!ch->has_point)
		return logical_error(call, "%s: välj ett utlämningsställe.", row_name(row));
	*rc = pickup_point_by_code(ctx->c, ch->point_id, &point, &ctx->err);
	if (*rc == LMN_ENOTFOUND || (*rc == LMN_OK && strcmp(point.provider, alt->provider))) {
		*rc = LMN_OK;
		return logical_error(call,
				     "%s: utlämningsstället finns inte hos %s. Välj ett "
				     "annat.",
				     row_name(row), alt->name);
	}
	if (*rc != LMN_OK)
		return 500;
	json_object_set_new(d, "method", json_string("pickup_point"));
	json_object_set_new(d, "pickup_point_id", json_integer(point.id));
	return 0;
}

/* How a row's receiver is told, into d: a way the alternative offers (one is required for a
 * pickup point), and whom to tell. 0, or the status with the logical error answered. */
static int delivery_notification(struct rivta_call *call, const struct ms_row *row,
				 const struct delivery_alternative *alt, json_t *d)
{
	const struct ms_choice *ch = &row->choice;
	const char *notification;

	if (ch->notification) {
		notification = notification_lmn(ch->notification);
		if (!notification || !in_list(alt->notifications, notification))
			return logical_error(call, "%s: aviseringssättet kan inte väljas för %s.",
					     row_name(row), alt->name);
		json_object_set_new(d, "notification", json_string(notification));
	} else if (strcmp(alt->method, "pickup_point") == 0) {
		return logical_error(call,
				     "%s: välj hur du vill bli aviserad när paketet har "
				     "kommit till utlämningsstället.",
				     row_name(row));
	}
	if (ch->notification_receiver && *ch->notification_receiver)
		json_object_set_new(d, "notification_receiver",
				    json_string(ch->notification_receiver));
	return 0;
}

/* A row's comment, contact person and invoice address, into d, where the alternative and the
 * product area take them: 0, or the status (the logical error answered, or 500 with *rc). */
static int delivery_extras(struct api_ctx *ctx, const struct ms_row *row,
			   const struct item_row *item, const struct delivery_alternative *alt,
			   json_t *d, enum lmn_rc *rc)
{
	struct rivta_call *call = ctx->front;
	const struct ms_choice *ch = &row->choice;
	const struct area_info *ai;
	char invoice[512];

	if (ch->comment && *ch->comment) {
		if (!alt->allow_comment)
			return logical_error(call, "%s: %s tar inte emot en leveranskommentar.",
					     row_name(row), alt->name);
		json_object_set_new(d, "comment", json_string(ch->comment));
	}
	if (ch->contact_person && *ch->contact_person) {
		if (!alt->allow_contact_person)
			return logical_error(call, "%s: %s tar inte emot en kontaktperson.",
					     row_name(row), alt->name);
		json_object_set_new(d, "contact_person", json_string(ch->contact_person));
	}
	if (!ch->has_invoice)
		return 0;
	if ((*rc = area_of(ctx, item->area, &ai)) != LMN_OK)
		return 500;
	if (!ai->other_invoice)
		return logical_error(call,
				     "%s: en annan fakturaadress kan inte anges för den "
				     "här produkten.",
				     row_name(row));
	address_text(&ch->invoice, invoice, sizeof(invoice));
	json_object_set_new(d, "invoice_address", json_string(invoice));
	return 0;
}

/* The group of the rows with delivery d (stolen): the rows with the same delivery go in one
 * order. A new group when none has it yet; NULL with *status, the logical error answered, when
 * there is no room for one. */
static struct group *row_group(struct rivta_call *call, struct group *groups, size_t *ngroups,
			       json_t *d, int *status)
{
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	struct group *g = NULL;
	char key[1024];

	snprintf(key, sizeof(key), "%s", text ? text : "");
	free(text);
	for (size_t k = 0; k < *ngroups && !g; k++)
		if (strcmp(groups[k].key, key) == 0)
			g = &groups[k];
	if (g) {
		json_decref(d);
		return g;
	}
	if (*ngroups == ORDERS_MAX_AT_ONCE) {
		json_decref(d);
		*status = logical_error(call, "Beställningen har för många olika leveranssätt; "
					      "dela upp den i flera beställningar.");
		return NULL;
	}
	g = &groups[(*ngroups)++];
	memset(g, 0, sizeof(*g));
	snprintf(g->key, sizeof(g->key), "%s", key);
	g->body = json_pack("{s:[], s:o}", "lines", "delivery", d);
	return g;
}

/* Checks row i against its item and the item's delivery alternatives, and adds it to its group's
 * body. Returns 0, or the status with the logical error answered (500 with *rc). */
static int add_row(struct api_ctx *ctx, const struct items *items, size_t i, struct group *groups,
		   size_t *ngroups, enum lmn_rc *rc)
{
	struct rivta_call *call = ctx->front;
	const struct ms_row *row = &call->rq->rows[i];
	const struct item_row *item = row_item(items, row);
	struct delivery_alternative alt;
	struct group *g;
	int64_t quantity = 0;
	json_t *d;
	int status;

	if (!item)
		return logical_error(call,
				     "%s: förskrivningen finns inte bland dina förskrivningar "
				     "hos regionen, så beställningen kunde inte tas emot.",
				     row_name(row));
	if ((status = row_quantity(call, row, item, &quantity)) ||
	    (status = row_alternative(ctx, row, item, &alt, rc)))
		return status;
	d = json_object();
	json_object_set_new(d, "alternative_id", json_integer(alt.id));
	if ((status = delivery_place(ctx, row, &alt, d, rc)) ||
	    (status = delivery_notification(call, row, &alt, d)) ||
	    (status = delivery_extras(ctx, row, item, &alt, d, rc))) {
		json_decref(d);
		return status;
	}
	if (!(g = row_group(call, groups, ngroups, d, &status)))
		return status;
	for (size_t k = 0; k < g->nrows; k++)
		if (strcmp(call->rq->rows[g->rows[k]].item_id, row->item_id) == 0)
			return logical_error(call,
					     "%s finns flera gånger i beställningen. Beställ "
					     "varje förskrivning en gång.",
					     row_name(row));
	g->rows[g->nrows++] = i;
	json_array_append_new(json_object_get(g->body, "lines"),
			      json_pack("{s:I, s:I}", "prescription_item_id",
					(json_int_t)item->item_id, "quantity",
					(json_int_t)quantity));
	return 0;
}

/* The rule a refusal applied, named for the patient. */
static const char *rule_name(const char *code)
{
	static const char *const names[][2] = {
		{ "withdrawal_too_early", "förskrivningens uttagsperiod" },
		{ "prescription_expired", "förskrivningens giltighetstid" },
		{ "no_withdrawals_left", "förskrivningens antal uttag" },
		{ "prescription_cancelled", "förskrivningen har ersatts av en nyare" },
		{ "quantity_not_allowed", "förskrivet antal per uttag" },
	};

	for (size_t i = 0; code && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(code, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

/* A refusal of the placement (problem+json in resp) as the comment the patient reads: the
 * message, with the line it is about named by its article. */
static int refused(struct api_ctx *ctx, const struct group *groups,
		   const struct order_placed *placed, size_t ngroups)
{
	struct rivta_call *call = ctx->front;
	json_t *p = json_loadb(ctx->resp->body.data ? ctx->resp->body.data : "",
			       ctx->resp->body.len, 0, NULL);
	const char *detail = p ? json_string_value(json_object_get(p, "detail")) : NULL;
	const char *field = p ? json_string_value(json_object_get(p, "field")) : NULL;
	const char *code = p ? json_string_value(json_object_get(p, "code")) : NULL;
	const char *name = NULL;
	unsigned line;
	int status;

	if (!detail) {
		json_decref(p);
		snprintf(call->fault_detail, sizeof(call->fault_detail), "placement: status %u",
			 ctx->resp->status);
		call->fault = true;
		return 500;
	}
	if (ctx->resp->status >= 500) {
		snprintf(call->fault_detail, sizeof(call->fault_detail), "placement: %.200s",
			 detail);
		json_decref(p);
		call->fault = true;
		return 500;
	}
	/* "Rad 2: …" names the line of its order; the patient knows the product. */
	if (field && sscanf(field, "lines[%u]", &line) == 1) {
		for (size_t g = 0; g < ngroups && !name; g++)
			if (placed[g].refused && strstr(detail, "Rad ") == detail &&
			    line < groups[g].nrows)
				name = row_name(&call->rq->rows[groups[g].rows[line]]);
		if (name && strchr(detail, ':'))
			detail = strchr(detail, ':') + 2;
	}
	status = logical_error(call, "%s%s%s%s%s%s", name ? name : "", name ? ": " : "", detail,
			       rule_name(code) ? " (" : "", rule_name(code) ? rule_name(code) : "",
			       rule_name(code) ? ")" : "");
	json_decref(p);
	return status;
}

static enum lmn_rc answer_order_item(const struct order_item_row *r, void *arg)
{
	struct api_ctx *ctx = arg;
	struct rivta_call *call = ctx->front;

	buf_adds(&call->out, "<r:Order>");
	enum lmn_rc rc = add_order_item(ctx, r, false);
	buf_adds(&call->out, "</r:Order>");
	return rc;
}

/* Reads the patient's items and checks and groups the rows against them, in a read transaction
 * (p: the patient): 0, or the status with the logical error answered (500 with *rc). */
static int group_rows(struct api_ctx *ctx, const char *id_number, struct patient_ref *p,
		      struct items *items, struct group *groups, size_t *ngroups, enum lmn_rc *rc)
{
	struct rivta_call *call = ctx->front;
	char since[11], today[11];
	int status = 0;

	if ((*rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		return 500;
	*rc = patient_by_id_number(ctx->c, id_number, p, &ctx->err);
	if (*rc == LMN_ENOTFOUND) {
		db_rollback(ctx->c);
		*rc = LMN_OK;
		return logical_error(call, "Det finns inga förskrivningar för dig hos regionen att "
					   "beställa från. Kontakta den som förskrev produkterna.");
	}
	date_format(rx_add_months(ctx->today, -LISTED_MONTHS), since);
	date_format(ctx->today, today);
	if (*rc == LMN_OK)
		*rc = prescription_items_of_patient(ctx->c, p->id, since, today, keep_item, items,
						    &ctx->err);
	for (size_t i = 0; *rc == LMN_OK && status == 0 && i < call->rq->nrows; i++)
		status = add_row(ctx, items, i, groups, ngroups, rc);
	db_rollback(ctx->c);
	return *rc != LMN_OK ? 500 : status;
}

/* Each order's idempotency key. A retry of the same request (the e-service retries on time-outs)
 * carries the same key: the order placed first is the answer. The key covers the day, so the same
 * order on another day is an order of its own (which the prescription's dates then judge). */
static void order_keys(const char *id_number, const char *orderer, const struct group *groups,
		       size_t ngroups, const char *today, char keys[][96])
{
	crypto_hash_sha256_state h;
	unsigned char sum[crypto_hash_sha256_BYTES];
	char hex[41];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)id_number, strlen(id_number) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)orderer, strlen(orderer) + 1);
	for (size_t g = 0; g < ngroups; g++) {
		char *text = json_dumps(groups[g].body, JSON_COMPACT | JSON_SORT_KEYS);

		if (text)
			crypto_hash_sha256_update(&h, (const unsigned char *)text,
						  strlen(text) + 1);
		free(text);
	}
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(hex, sizeof(hex), sum, 20);
	for (size_t g = 0; g < ngroups; g++)
		snprintf(keys[g], 96, "1177-%s-%s-%zu", today, hex, g);
}

/* The orders placed, read back into the answer; *special when one of them holds a product
 * fetched specially from the supplier. */
static enum lmn_rc answer_orders(struct api_ctx *ctx, int64_t patient_id,
				 const struct order_placed *placed, size_t n, bool *special)
{
	enum lmn_rc rc;

	if ((rc = db_begin(ctx->c, false, &ctx->err)) != LMN_OK)
		return rc;
	for (size_t g = 0; rc == LMN_OK && g < n; g++) {
		rc = order_items_of_patient(ctx->c, patient_id, placed[g].order_id, "0000-00-00",
					    answer_order_item, ctx, &ctx->err);
		*special |= placed[g].special;
	}
	db_rollback(ctx->c);
	return rc;
}

/* The comment of an order with a product fetched specially: it may take longer than the lead
 * time in force. */
static void note_special(struct api_ctx *ctx)
{
	struct rivta_call *call = ctx->front;
	const struct rule_set *rs = params_at(ctx->app->params, ctx->today);

	call->result = "INFO";
	snprintf(call->comment, sizeof(call->comment),
		 "Beställningen är mottagen. En eller flera av produkterna tas hem särskilt "
		 "från leverantören och kan ta längre tid än %lld arbetsdagar att leverera.",
		 rs ? (long long)rs->v[P_LEAD_TIME_WORKING_DAYS].i : 4LL);
}

int rivta_register_order(struct api_ctx *ctx)
{
	struct rivta_call *call = ctx->front;
	const struct ms_request *rq = call->rq;
	struct items items = { 0 };
	struct group *groups = NULL;
	struct order_placed placed[ORDERS_MAX_AT_ONCE];
	json_t *bodies[ORDERS_MAX_AT_ONCE];
	char keys[ORDERS_MAX_AT_ONCE][96];
	const char *keyp[ORDERS_MAX_AT_ONCE];
	struct identity id;
	struct patient_ref p;
	char today[11];
	size_t ngroups = 0;
	int status = 0;
	bool special = false;
	enum lmn_rc rc = LMN_OK;

	if (!subject_or_reply(ctx, &id, &status))
		return status;
	if (!rq->orderer || !*rq->orderer)
		return logical_error(call, "Beställarens namn saknas.");
	if (!(items.v = calloc(MAX_ITEMS, sizeof(*items.v))) ||
	    !(groups = calloc(ORDERS_MAX_AT_ONCE, sizeof(*groups)))) {
		free(items.v);
		return technical(ctx,
				 lmn_err_set(&ctx->err, LMN_ENOMEM, NULL, NULL, "out of memory"));
	}
	status = group_rows(ctx, id.canonical, &p, &items, groups, &ngroups, &rc);
	if (rc != LMN_OK)
		goto fail;
	if (status)
		goto out;
	date_format(ctx->today, today);
	order_keys(id.canonical, rq->orderer, groups, ngroups, today, keys);
	for (size_t g = 0; g < ngroups; g++) {
		keyp[g] = keys[g];
		bodies[g] = groups[g].body;
	}
	ctx->id[0] = p.id;
	ctx->user.patient_id = p.id;
	rc = orders_place_all(ctx, bodies, keyp, ngroups, placed);
	if (rc == LMN_EREFUSED) {
		status = refused(ctx, groups, placed, ngroups);
		goto out;
	}
	if (rc != LMN_OK || (rc = answer_orders(ctx, p.id, placed, ngroups, &special)) != LMN_OK)
		goto fail;
	if (special)
		note_special(ctx);
	call->answered = true;
	status = 201;
	goto out;
fail:
	status = technical(ctx, rc);
out:
	for (size_t g = 0; g < ngroups; g++)
		json_decref(groups[g].body);
	free(groups);
	free(items.v);
	return status;
}
