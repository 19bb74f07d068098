/* Tests codec/medicalsupply: reading the 1177 contracts' SOAP requests (both versions, the real
 * example request, the schema's order and cardinalities, DTDs and entities refused, sizes) and
 * escaping text for the answers; a request in windows-1252 whose texts grow threefold as UTF-8
 * (the reader once wrote past its buffer). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/medicalsupply.h"
#include "util/buf.h"

#define ENV_OPEN                                                                          \
	"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"  \
	"<soapenv:Header><LogicalAddress xmlns=\"urn:riv:itintegration:registry:1\">SE-1" \
	"</LogicalAddress></soapenv:Header><soapenv:Body>"
#define ENV_CLOSE "</soapenv:Body></soapenv:Envelope>"
#define ENVELOPE_OPEN_AT(hsa)                                                                 \
	"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"        \
	"<LogicalAddress xmlns=\"urn:riv:itintegration:registry:1\">" hsa "</LogicalAddress>" \
	"</s:Header><s:Body>"
#define ENVELOPE_OPEN  ENVELOPE_OPEN_AT("SE123")
#define ENVELOPE_CLOSE "</s:Body></s:Envelope>"
#define GETP(v, inner)                                                                 \
	ENV_OPEN "<GetMedicalSupplyPrescriptions xmlns=\"urn:riv:crm:selfservice:"     \
		 "medicalsupply:GetMedicalSupplyPrescriptionsResponder:" v "\">" inner \
		 "</GetMedicalSupplyPrescriptions>" ENV_CLOSE

static enum lmn_rc read_text(const char *text, enum ms_interaction k, int v, struct ms_request *r,
			     struct lmn_err *err)
{
	lmn_err_clear(err);
	return ms_read(text, strlen(text), k, v, r, err);
}

static void prescriptions_both_versions(void **state)
{
	struct ms_request r;
	struct lmn_err err;

	(void)state;
	assert_int_equal(read_text(GETP("1", "<SubjectOfCareId> 191212121212 </SubjectOfCareId>"),
				   MS_GET_PRESCRIPTIONS, 1, &r, &err),
			 LMN_OK);
	assert_string_equal(r.subject, "191212121212");
	assert_string_equal(r.logical_address, "SE-1");
	ms_request_release(&r);
	assert_int_equal(read_text(GETP("2", "<SubjectOfCareId>191212121212</SubjectOfCareId>"),
				   MS_GET_PRESCRIPTIONS, 2, &r, &err),
			 LMN_OK);
	ms_request_release(&r);
	/* Version 1's namespace on version 2's endpoint is not its request. */
	assert_int_equal(read_text(GETP("1", "<SubjectOfCareId>191212121212</SubjectOfCareId>"),
				   MS_GET_PRESCRIPTIONS, 2, &r, &err),
			 LMN_EINVAL);
	ms_request_release(&r);
	/* Required element missing; an unknown one of the contract's namespace. */
	assert_int_equal(read_text(GETP("1", ""), MS_GET_PRESCRIPTIONS, 1, &r, &err), LMN_EINVAL);
	assert_non_null(strstr(err.message, "SubjectOfCareId"));
	ms_request_release(&r);
	assert_int_equal(read_text(GETP("1", "<SubjectOfCareId>1</SubjectOfCareId><Extra/>"),
				   MS_GET_PRESCRIPTIONS, 1, &r, &err),
			 LMN_EINVAL);
	assert_non_null(strstr(err.message, "Extra"));
	ms_request_release(&r);
	/* Elements of another namespace (the schema's xs:any) are skipped. */
	assert_int_equal(read_text(GETP("1", "<SubjectOfCareId>1</SubjectOfCareId>"
					     "<x:Ext xmlns:x=\"urn:other\">y</x:Ext>"),
				   MS_GET_PRESCRIPTIONS, 1, &r, &err),
			 LMN_OK);
	ms_request_release(&r);
}

static void no_header_no_address(void **state)
{
	struct ms_request r;
	struct lmn_err err;
	const char *text =
		"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
		"<GetMedicalSupplyDeliveryPoints xmlns=\"urn:riv:crm:selfservice:medicalsupply:"
		"GetMedicalSupplyDeliveryPointsResponder:2\"><PostalCode>411 01</PostalCode>"
		"<ServicePointProvider><originalText xmlns=\"urn:riv:crm:selfservice:medicalsupply:2\">"
		"POSTNORD</originalText></ServicePointProvider></GetMedicalSupplyDeliveryPoints>"
		"</s:Body></s:Envelope>";

	(void)state;
	assert_int_equal(read_text(text, MS_GET_DELIVERY_POINTS, 2, &r, &err), LMN_OK);
	assert_null(r.logical_address);
	assert_string_equal(r.postal_code, "411 01");
	assert_string_equal(r.provider, "POSTNORD");
	ms_request_release(&r);
}

/* The e-service's own example request (11 rows, the real element layout). */
static void example_request(void **state)
{
	const char *dir = getenv("LMN_INTEROP");
	char path[512];
	struct ms_request r;
	struct lmn_err err;
	struct buf b;
	FILE *f;
	char chunk[4096];
	size_t n;
	const char *xml;

	(void)state;
	snprintf(path, sizeof(path),
		 "%s/1177-medicalsupply/examples/"
		 "RegisterMedicalSupplyOrder-request.xml",
		 dir ? dir : "../shared/interop");
	f = fopen(path, "rb");
	assert_non_null(f);
	buf_init(&b, 1u << 20);
	buf_adds(&b, ENV_OPEN);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_adds(&b, ENV_CLOSE);
	/* The file starts with an XML declaration, which only the envelope may have. */
	xml = strstr(b.data, "<?xml");
	assert_non_null(xml);
	memset((char *)xml, ' ', (size_t)(strstr(xml, "?>") + 2 - xml));
	assert_int_equal(ms_read(b.data, b.len, MS_REGISTER_ORDER, 1, &r, &err), LMN_OK);
	assert_string_equal(r.subject, "199201012391");
	assert_string_equal(r.orderer, "Testperson3 Stockholm");
	assert_false(r.by_delegate);
	assert_int_equal(r.nrows, 11);
	assert_string_equal(r.rows[0].item_id, "6260795");
	assert_string_equal(r.rows[0].choice.method, "UTLÄMNINGSSTÄLLE");
	assert_true(r.rows[0].choice.has_home);
	assert_null(r.rows[0].choice.home.door_code);
	assert_string_equal(r.rows[1].choice.home.door_code, "1234");
	assert_string_equal(r.rows[1].choice.notification, "TELEFON");
	assert_string_equal(r.rows[0].area, "DIABETES");
	assert_int_equal(r.rows[0].pieces, 182);
	assert_int_equal(r.rows[5].packages, 60);
	ms_request_release(&r);
	buf_release(&b);
}

static void dtd_and_entities_refused(void **state)
{
	static const char *const bad[] = {
		/* billion laughs */
		"<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>" ENV_OPEN
		"<GetMedicalSupplyPrescriptions xmlns=\"urn:riv:crm:selfservice:medicalsupply:"
		"GetMedicalSupplyPrescriptionsResponder:1\"><SubjectOfCareId>&c;</SubjectOfCareId>"
		"</GetMedicalSupplyPrescriptions>" ENV_CLOSE,
		/* an external entity */
		"<!DOCTYPE l [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" ENV_OPEN
		"<GetMedicalSupplyPrescriptions xmlns=\"urn:riv:crm:selfservice:medicalsupply:"
		"GetMedicalSupplyPrescriptionsResponder:1\"><SubjectOfCareId>&x;</SubjectOfCareId>"
		"</GetMedicalSupplyPrescriptions>" ENV_CLOSE,
		/* an undeclared entity, malformed, not SOAP, two elements in the body */
		GETP("1", "<SubjectOfCareId>&x;</SubjectOfCareId>"),
		"<a>",
		"<Envelope><Body/></Envelope>",
		ENV_OPEN "<a/><b/>" ENV_CLOSE,
	};
	struct ms_request r;
	struct lmn_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(read_text(bad[i], MS_GET_PRESCRIPTIONS, 1, &r, &err), LMN_EINVAL);
		assert_null(strstr(err.message, "root:"));
		ms_request_release(&r);
	}
	assert_non_null(strstr(err.message, "one element"));
}

static void sizes_capped(void **state)
{
	struct ms_request r;
	struct lmn_err err;
	size_t n = MS_MAX_REQUEST + 1;
	char *big = malloc(n);
	char text[MS_MAX_TEXT + 64];

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	assert_int_equal(ms_read(big, n, MS_GET_PRESCRIPTIONS, 1, &r, &err), LMN_EINVAL);
	ms_request_release(&r);
	free(big);
	memset(text, '1', sizeof(text));
	text[sizeof(text) - 1] = '\0';
	struct buf b;
	buf_init(&b, 0);
	buf_addf(&b, GETP("1", "<SubjectOfCareId>%s</SubjectOfCareId>"), text);
	assert_int_equal(ms_read(b.data, b.len, MS_GET_PRESCRIPTIONS, 1, &r, &err), LMN_EINVAL);
	assert_non_null(strstr(err.message, "longer"));
	ms_request_release(&r);
	buf_release(&b);
}

static void escaping(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	ms_add_elem(&b, "c", "Street", "A & B <\"'> \x01 \xC3\xA5 \xFF");
	assert_string_equal(b.data,
			    "<c:Street>A &amp; B &lt;&quot;&apos;&gt; \xEF\xBF\xBD \xC3\xA5 "
			    "\xEF\xBF\xBD</c:Street>");
	/* Runs between, before and after the characters that are replaced. */
	buf_reset(&b);
	ms_add_escaped(&b, "&Kv\xC3\xA4llsv\xC3\xA4gen 12<");
	assert_string_equal(b.data, "&amp;Kv\xC3\xA4llsv\xC3\xA4gen 12&lt;");
	buf_reset(&b);
	ms_add_escaped(&b, "utan tecken att ers\xC3\xA4tta");
	assert_string_equal(b.data, "utan tecken att ers\xC3\xA4tta");
	buf_reset(&b);
	ms_add_elem_int(&b, "c", "NoOfOrders", -12);
	assert_string_equal(b.data, "<c:NoOfOrders>-12</c:NoOfOrders>");
	buf_release(&b);
}

/* 170 bytes 0x80, U+20AC in windows-1252: 510 bytes of UTF-8. */
static void add_euros(struct buf *b, const char *name, int n)
{
	buf_addf(b, "<%s>", name);
	for (int i = 0; i < n; i++)
		buf_addc(b, '\x80');
	buf_addf(b, "</%s>", name);
}

/* A request whose texts as UTF-8 are longer than twice the document: the reader made room for
 * only that much, and this document, with its texts then filling the room exactly before the
 * empty CareOfAddress of the fifth row, had the NUL written one byte past it (ASan: heap-buffer-
 * overflow in text_of). Now it is read whole. fuzz/corpus/soap/windows-1252-texts is the same. */
static void test_windows_1252_texts(void **state)
{
	static const char *const full[] = { "Street", "PostalCode", "City", "Phone" };
	struct buf b;
	struct ms_request r;
	struct lmn_err err;
	char euros[511];

	(void)state;
	buf_init(&b, 0);
	buf_adds(
		&b,
		"<?xml version=\"1.0\" encoding=\"windows-1252\"?>" ENVELOPE_OPEN_AT(
			"X") "<o:RegisterMedicalSupplyOrder xmlns=\"urn:riv:crm:selfservice:medicalsupply:1\" "
			     "xmlns:o=\"urn:riv:crm:selfservice:medicalsupply:"
			     "RegisterMedicalSupplyOrderResponder:1\"><o:Order>");
	add_euros(&b, "SubjectOfCareId", 1);
	add_euros(&b, "Orderer", 170);
	buf_adds(&b, "<OrderByDelegate>false</OrderByDelegate>");
	for (int row = 0; row < 5; row++) {
		buf_adds(&b, "<OrderRow>");
		add_euros(&b, "PrescriptionId", 170);
		add_euros(&b, "PrescriptionItemId", 170);
		buf_adds(&b, "<DeliveryChoice>");
		add_euros(&b, "DeliveryMethodId", 170);
		add_euros(&b, "DeliveryMethod", 170);
		buf_adds(&b, "<HomeDeliveryAddress>");
		add_euros(&b, "Receiver", 170);
		buf_adds(&b, "<CareOfAddress/>");
		for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++)
			add_euros(&b, full[i], 170);
		buf_adds(&b, "</HomeDeliveryAddress></DeliveryChoice><Article>");
		add_euros(&b, "ArticleNo", 170);
		add_euros(&b, "ArticleName", 170);
		buf_adds(&b, "<PackageSize>1</PackageSize>");
		add_euros(&b, "ProductArea", 170);
		buf_adds(&b, "<IsOrderable>true</IsOrderable></Article>"
			     "<NoOfPackages>1</NoOfPackages><NoOfPcs>1</NoOfPcs>");
		add_euros(&b, "Source", 170);
		buf_adds(&b, "</OrderRow>");
	}
	buf_adds(&b, "</o:Order></o:RegisterMedicalSupplyOrder>" ENVELOPE_CLOSE);
	for (int i = 0; i < 227; i++)
		buf_addc(&b, ' ');
	assert_false(b.failed);
	assert_int_equal(b.len, 14841);

	for (int i = 0; i < 170; i++)
		memcpy(euros + 3 * i, "\xE2\x82\xAC", 3);
	euros[510] = '\0';
	lmn_err_clear(&err);
	assert_int_equal(ms_read(b.data, b.len, MS_REGISTER_ORDER, 1, &r, &err), LMN_OK);
	assert_int_equal(r.nrows, 5);
	assert_string_equal(r.subject, "\xE2\x82\xAC");
	assert_string_equal(r.rows[4].choice.home.receiver, euros);
	assert_string_equal(r.rows[4].choice.home.care_of, "");
	assert_string_equal(r.rows[4].source, euros);
	assert_true(r.text_len <= r.text_cap);
	ms_request_release(&r);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prescriptions_both_versions),
		cmocka_unit_test(no_header_no_address),
		cmocka_unit_test(example_request),
		cmocka_unit_test(dtd_and_entities_refused),
		cmocka_unit_test(sizes_capped),
		cmocka_unit_test(escaping),
		cmocka_unit_test(test_windows_1252_texts),
	};

	ms_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
