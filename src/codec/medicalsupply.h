/* The 1177 service contracts crm:selfservice:medicalsupply 1.0.2 and 2.0 on the wire: reading a
 * SOAP 1.1 request (RIVTA Basic Profile 2.1) into plain structs, and writing the XML of an answer.
 * libxml2 parses; a document with a DTD is refused before anything in it is used (no entity is
 * ever expanded, nothing is fetched), and sizes are capped. Pure: no database, no server. */
#ifndef LMN_CODEC_MEDICALSUPPLY_H
#define LMN_CODEC_MEDICALSUPPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/rc.h"

/* The largest request read (an order of MS_MAX_ROWS rows is far below it). */
#define MS_MAX_REQUEST (512u * 1024u)
#define MS_MAX_ROWS    50
/* Longest text of any one element; longer is refused as malformed. */
#define MS_MAX_TEXT 512

enum ms_interaction { MS_GET_PRESCRIPTIONS, MS_GET_DELIVERY_POINTS, MS_REGISTER_ORDER, MS__COUNT };

/* "GetMedicalSupplyPrescriptions" …; NULL when out of range. */
const char *ms_interaction_name(enum ms_interaction k);
/* The interaction of a name, -1 when unknown. */
int ms_interaction_parse(const char *s, size_t n);

/* The namespaces of major version v (1 or 2): the common types', an interaction's responder's. */
const char *ms_core_ns(int version);
/* Writes "urn:riv:crm:selfservice:medicalsupply:<Interaction>Responder:<v>". */
void ms_responder_ns(enum ms_interaction k, int version, char out[96]);

/* Text of an element: NULL when the element is absent. All strings are owned by the request. */
struct ms_address {
	const char *receiver, *care_of, *street, *postal_code, *city, *door_code, *phone;
};

struct ms_choice {
	const char *method_id; /* DeliveryMethodId */
	const char *method;    /* DeliveryMethod: HEMLEVERANS or UTLÄMNINGSSTÄLLE */
	bool has_home;
	struct ms_address home; /* HomeDeliveryAddress */
	bool has_point;
	const char *point_id;	  /* DeliveryPoint/DeliveryPointId */
	const char *notification; /* DeliveryNotificationMethod (NULL also when nil) */
	const char *notification_receiver;
	const char *comment; /* DeliveryComment */
	bool has_invoice;
	struct ms_address invoice;  /* InvoiceAddress */
	const char *contact_person; /* ContactPerson */
};

struct ms_row {
	const char *prescription_id, *item_id; /* as sent; lmn's ids are digits */
	struct ms_choice choice;
	const char *article_number, *article_name;
	const char *area;	  /* ProductArea (2.0: its originalText, else code) */
	int64_t packages, pieces; /* NoOfPackages, NoOfPcs */
	const char *source;
};

struct ms_request {
	enum ms_interaction kind;
	int version;		     /* 1 or 2 */
	const char *logical_address; /* the SOAP header's LogicalAddress; NULL when absent */
	/* GetMedicalSupplyPrescriptions, and the order's */
	const char *subject; /* SubjectOfCareId */
	/* GetMedicalSupplyDeliveryPoints */
	const char *postal_code, *provider;
	/* RegisterMedicalSupplyOrder */
	const char *orderer;
	bool by_delegate;
	struct ms_row rows[MS_MAX_ROWS];
	size_t nrows;
	/* the texts, one allocation */
	char *text;
	size_t text_len, text_cap;
};

/* Calls once per process before any thread parses (libxml2's global state; its messages are
 * silenced). */
void ms_init(void);

/* Reads the SOAP envelope in body as a request of interaction kind, major version: the header's
 * LogicalAddress and the body's one element, which must be that interaction's request in its
 * responder namespace, its elements in the schema's order and cardinalities (elements of other
 * namespaces, the schemas' xs:any, are skipped). Malformed input is LMN_EINVAL with err->message
 * naming the element, never quoting the input's text (it may be personal data). out is always
 * initialised: ms_request_release it. */
LMN_MUST_USE enum lmn_rc ms_read(const char *body, size_t len, enum ms_interaction kind,
				 int version, struct ms_request *out, struct lmn_err *err);
void ms_request_release(struct ms_request *r);

/* <prefix:name>, or with close </prefix:name>. */
void ms_add_tag(struct buf *b, const char *prefix, const char *name, bool close);
/* Writing: text escaped for XML (elements and attributes); invalid UTF-8 and characters XML 1.0
 * does not allow become U+FFFD. */
void ms_add_escaped(struct buf *b, const char *s);
/* <prefix:name>escaped text</prefix:name> */
void ms_add_elem(struct buf *b, const char *prefix, const char *name, const char *text);
void ms_add_elem_int(struct buf *b, const char *prefix, const char *name, int64_t v);

/* A SOAP 1.1 envelope around body's XML (the response element), and a Fault. */
void ms_envelope_open(struct buf *b);
void ms_envelope_close(struct buf *b);
/* faultcode soap:Client (the request's fault) or soap:Server; faultstring as given. */
void ms_fault(struct buf *b, bool client, const char *faultstring);

#endif
