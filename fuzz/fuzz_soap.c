/* libFuzzer target for the 1177 contracts' SOAP request reader (codec/medicalsupply.h): every
 * input through ms_read as each interaction of both major versions, and every accepted request
 * checked against what medicalsupply.h promises. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/medicalsupply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, enum ms_interaction kind, int version, size_t n)
{
	fprintf(stderr, "fuzz_soap: %s v%d: %s (input of %zu bytes)\n", ms_interaction_name(kind),
		version, what, n);
	abort();
}

/* A text of the request: NULL, or a NUL-terminated string inside the request's texts. */
static void check_text(const struct ms_request *r, const char *s, bool required, const char *name,
		       size_t n)
{
	if (!s) {
		if (required)
			die(name, r->kind, r->version, n);
		return;
	}
	if (!r->text || s < r->text || s >= r->text + r->text_len)
		die("a text outside the request's texts", r->kind, r->version, n);
	if (!memchr(s, '\0', (size_t)(r->text + r->text_len - s)))
		die("a text without its NUL", r->kind, r->version, n);
}

static void check_address(const struct ms_request *r, bool has, const struct ms_address *a,
			  size_t n)
{
	if (!has)
		return;
	check_text(r, a->receiver, true, "Receiver missing", n);
	check_text(r, a->care_of, false, "", n);
	check_text(r, a->street, true, "Street missing", n);
	check_text(r, a->postal_code, true, "PostalCode missing", n);
	check_text(r, a->city, true, "City missing", n);
	check_text(r, a->door_code, false, "", n);
	check_text(r, a->phone, true, "Phone missing", n);
}

static void check_accepted(const struct ms_request *r, enum ms_interaction kind, int version,
			   size_t n)
{
	if (r->kind != kind || r->version != version)
		die("the request's interaction or version differs", kind, version, n);
	if (r->text_len > r->text_cap)
		die("texts beyond their capacity", kind, version, n);
	check_text(r, r->logical_address, false, "", n);
	switch (kind) {
	case MS_GET_PRESCRIPTIONS:
		check_text(r, r->subject, true, "SubjectOfCareId missing", n);
		if (r->nrows)
			die("order rows in a look-up", kind, version, n);
		break;
	case MS_GET_DELIVERY_POINTS:
		check_text(r, r->postal_code, true, "PostalCode missing", n);
		check_text(r, r->provider, true, "ServicePointProvider missing", n);
		break;
	case MS_REGISTER_ORDER:
		check_text(r, r->subject, true, "SubjectOfCareId missing", n);
		check_text(r, r->orderer, true, "Orderer missing", n);
		if (r->nrows < 1 || r->nrows > MS_MAX_ROWS)
			die("an order without rows or with too many", kind, version, n);
		for (size_t i = 0; i < r->nrows; i++) {
			const struct ms_row *row = &r->rows[i];
			const struct ms_choice *ch = &row->choice;

			check_text(r, row->prescription_id, true, "PrescriptionId missing", n);
			check_text(r, row->item_id, true, "PrescriptionItemId missing", n);
			check_text(r, row->article_number, true, "ArticleNo missing", n);
			check_text(r, row->article_name, true, "ArticleName missing", n);
			check_text(r, row->area, true, "ProductArea missing", n);
			check_text(r, row->source, true, "Source missing", n);
			if (row->packages < INT32_MIN || row->packages > INT32_MAX ||
			    row->pieces < INT32_MIN || row->pieces > INT32_MAX)
				die("a count outside xs:int", kind, version, n);
			check_text(r, ch->method_id, true, "DeliveryMethodId missing", n);
			check_text(r, ch->method, true, "DeliveryMethod missing", n);
			check_address(r, ch->has_home, &ch->home, n);
			check_address(r, ch->has_invoice, &ch->invoice, n);
			if (ch->has_point)
				check_text(r, ch->point_id, true, "DeliveryPointId missing", n);
			if (ch->notification && !*ch->notification)
				die("a nil notification method not made NULL", kind, version, n);
			check_text(r, ch->notification, false, "", n);
			check_text(r, ch->notification_receiver, false, "", n);
			check_text(r, ch->comment, false, "", n);
			check_text(r, ch->contact_person, false, "", n);
		}
		break;
	default:
		die("unknown interaction", kind, version, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialised, trace;

	if (!initialised) {
		ms_init();
		trace = getenv("FUZZ_SOAP_TRACE") != NULL;
		initialised = true;
	}
	for (int k = 0; k < MS__COUNT; k++)
		for (int version = 1; version <= 2; version++) {
			struct ms_request r;
			struct lmn_err err;
			enum lmn_rc rc;

			lmn_err_clear(&err);
			rc = ms_read((const char *)data, size, (enum ms_interaction)k, version, &r,
				     &err);
			if (rc == LMN_OK)
				check_accepted(&r, (enum ms_interaction)k, version, size);
			else if (rc != LMN_EINVAL || err.code != LMN_EINVAL || !err.message[0])
				die("refused without EINVAL and a message", (enum ms_interaction)k,
				    version, size);
			if (trace)
				fprintf(stderr, "fuzz_soap: %s v%d: %s\n",
					ms_interaction_name((enum ms_interaction)k), version,
					rc == LMN_OK ? "accepted" : err.message);
			ms_request_release(&r);
		}
	return 0;
}
