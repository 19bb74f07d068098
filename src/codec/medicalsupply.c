/* Reading the 1177 contracts' SOAP requests with libxml2 and writing their answers' XML. */
#include "codec/medicalsupply.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOAP_NS	    "http://schemas.xmlsoap.org/soap/envelope/"
#define REGISTRY_NS "urn:riv:itintegration:registry:1"

static const char *const interaction_names[MS__COUNT] = {
	[MS_GET_PRESCRIPTIONS] = "GetMedicalSupplyPrescriptions",
	[MS_GET_DELIVERY_POINTS] = "GetMedicalSupplyDeliveryPoints",
	[MS_REGISTER_ORDER] = "RegisterMedicalSupplyOrder",
};

const char *ms_interaction_name(enum ms_interaction k)
{
	return (unsigned)k < MS__COUNT ? interaction_names[k] : NULL;
}

int ms_interaction_parse(const char *s, size_t n)
{
	for (int i = 0; i < MS__COUNT; i++)
		if (strlen(interaction_names[i]) == n && memcmp(s, interaction_names[i], n) == 0)
			return i;
	return -1;
}

const char *ms_core_ns(int version)
{
	return version == 2 ? "urn:riv:crm:selfservice:medicalsupply:2"
			    : "urn:riv:crm:selfservice:medicalsupply:1";
}

void ms_responder_ns(enum ms_interaction k, int version, char out[96])
{
	snprintf(out, 96, "urn:riv:crm:selfservice:medicalsupply:%sResponder:%d",
		 ms_interaction_name(k) ? ms_interaction_name(k) : "?", version);
}

/* libxml2 reports some errors (an encoding's conversion failing, quoting the input's bytes) through
 * its generic handler, which XML_PARSE_NOERROR does not silence: nothing of a request goes to
 * stderr. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void ms_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlThrDefSetGenericErrorFunc(NULL, quiet);
}

/* ---- Reading ---- */

struct reader {
	struct ms_request *r;
	struct lmn_err *err;
	const char *core; /* the common types' namespace */
	char responder[96];
};

static bool ns_is(const xmlNode *n, const char *ns)
{
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

static bool is_elem(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && ns_is(n, ns) &&
	       strcmp((const char *)n->name, name) == 0;
}

static bool blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* The next element from n on (n itself if it is one); text between elements must be blank. */
static xmlNode *elem_from(struct reader *rd, xmlNode *n, bool *ok)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			return n;
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    !blank(n->content)) {
			*ok = false;
			lmn_err_set(rd->err, LMN_EINVAL,
				    (const char *)(n->parent ? n->parent->name : NULL), NULL,
				    "text where elements are expected in %s",
				    n->parent ? (const char *)n->parent->name : "the document");
			return NULL;
		}
		if (n->type == XML_ENTITY_REF_NODE) {
			*ok = false;
			lmn_err_set(rd->err, LMN_EINVAL, NULL, NULL, "entity reference");
			return NULL;
		}
	}
	return NULL;
}

/* A walk over the children of one element, in the schema's order. Elements of other namespaces
 * (the schemas' xs:any) are skipped. */
struct walk {
	struct reader *rd;
	xmlNode *parent;
	xmlNode *cur;	/* the next element not consumed */
	const char *ns; /* the namespace of the children */
	bool ok;
};

static void walk_skip_foreign(struct walk *w)
{
	while (w->ok && (w->cur = elem_from(w->rd, w->cur, &w->ok)) && !ns_is(w->cur, w->ns))
		w->cur = w->cur->next;
}

static void walk_init(struct walk *w, struct reader *rd, xmlNode *parent, const char *ns)
{
	w->rd = rd;
	w->parent = parent;
	w->cur = parent->children;
	w->ns = ns;
	w->ok = true;
	walk_skip_foreign(w);
}

/* The next child if it is name, consumed; NULL if not (an error if required). */
static xmlNode *take(struct walk *w, const char *name, bool required)
{
	xmlNode *n;

	if (!w->ok)
		return NULL;
	if (!is_elem(w->cur, w->ns, name)) {
		if (required) {
			w->ok = false;
			lmn_err_set(w->rd->err, LMN_EINVAL, name, NULL,
				    "element %s missing in %s%s%s", name,
				    (const char *)w->parent->name, w->cur ? " before " : "",
				    w->cur ? (const char *)w->cur->name : "");
		}
		return NULL;
	}
	n = w->cur;
	w->cur = w->cur->next;
	walk_skip_foreign(w);
	return n;
}

/* Every child of our namespace was consumed. */
static bool walk_done(struct walk *w)
{
	if (w->ok && w->cur) {
		w->ok = false;
		lmn_err_set(w->rd->err, LMN_EINVAL, (const char *)w->cur->name, NULL,
			    "unexpected element %s in %s", (const char *)w->cur->name,
			    (const char *)w->parent->name);
	}
	return w->ok;
}

/* The element's text, trimmed, copied into the request's texts; NULL on error. A nil element
 * (xsi:nil="true") has no text: "". */
static const char *text_of(struct reader *rd, xmlNode *n)
{
	struct ms_request *r = rd->r;
	size_t start = r->text_len;

	/* Room for the NUL, also when the element has no text at all. */
	if (r->text_len >= r->text_cap)
		goto full;
	for (xmlNode *c = n->children; c; c = c->next) {
		const char *s;
		size_t len;

		if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE) {
			lmn_err_set(rd->err, LMN_EINVAL, (const char *)n->name, NULL,
				    "element %s must hold text only", (const char *)n->name);
			return NULL;
		}
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		s = (const char *)c->content;
		len = s ? strlen(s) : 0;
		if (r->text_len - start + len > MS_MAX_TEXT) {
			lmn_err_set(rd->err, LMN_EINVAL, (const char *)n->name, NULL,
				    "element %s: text longer than %u bytes", (const char *)n->name,
				    MS_MAX_TEXT);
			return NULL;
		}
		if (r->text_len + len + 1 > r->text_cap)
			goto full;
		memcpy(r->text + r->text_len, s, len);
		r->text_len += len;
	}
	/* trim */
	char *t = r->text + start, *e = r->text + r->text_len;
	while (t < e && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
		t++;
	while (e > t && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	memmove(r->text + start, t, (size_t)(e - t));
	r->text_len = start + (size_t)(e - t);
	r->text[r->text_len++] = '\0';
	return r->text + start;
full:
	lmn_err_set(rd->err, LMN_EINVAL, (const char *)n->name, NULL,
		    "element %s: the request's texts are longer than %zu bytes",
		    (const char *)n->name, r->text_cap);
	return NULL;
}

/* Reads child name as text into *out (left NULL when absent and optional). */
static bool take_text(struct walk *w, const char *name, bool required, const char **out)
{
	xmlNode *n = take(w, name, required);

	*out = NULL;
	if (!n)
		return w->ok;
	if (!(*out = text_of(w->rd, n)))
		w->ok = false;
	return w->ok;
}

static bool take_bool(struct walk *w, const char *name, bool required, bool *out)
{
	const char *s;

	if (!take_text(w, name, required, &s))
		return false;
	if (!s)
		return true;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else {
		w->ok = false;
		lmn_err_set(w->rd->err, LMN_EINVAL, name, NULL, "%s: expected true or false", name);
	}
	return w->ok;
}

static bool take_int(struct walk *w, const char *name, int64_t *out)
{
	const char *s;
	char *end;
	long long v;

	if (!take_text(w, name, true, &s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < -2147483648LL || v > 2147483647LL) {
		w->ok = false;
		lmn_err_set(w->rd->err, LMN_EINVAL, name, NULL, "%s: expected an xs:int", name);
		return false;
	}
	*out = v;
	return true;
}

/* A code: 1.0's enumeration as text, 2.0's CVType (the value in originalText, else code). */
static bool take_code(struct walk *w, const char *name, const char **out)
{
	xmlNode *n;
	struct walk cv;
	const char *code, *system, *system_name, *system_version, *display, *original;

	*out = NULL;
	if (w->rd->r->version == 1)
		return take_text(w, name, true, out);
	if (!(n = take(w, name, true)))
		return false;
	walk_init(&cv, w->rd, n, w->rd->core);
	if (!take_text(&cv, "code", false, &code) ||
	    !take_text(&cv, "codeSystem", false, &system) ||
	    !take_text(&cv, "codeSystemName", false, &system_name) ||
	    !take_text(&cv, "codeSystemVersion", false, &system_version) ||
	    !take_text(&cv, "displayName", false, &display) ||
	    !take_text(&cv, "originalText", false, &original) || !walk_done(&cv)) {
		w->ok = false;
		return false;
	}
	*out = original && *original ? original : code;
	if (!*out) {
		w->ok = false;
		lmn_err_set(w->rd->err, LMN_EINVAL, name, NULL, "%s: neither originalText nor code",
			    name);
	}
	return w->ok;
}

static bool read_address(struct walk *w, const char *name, bool *has, struct ms_address *a)
{
	xmlNode *n = take(w, name, false);
	struct walk c;

	*has = n != NULL;
	if (!n)
		return w->ok;
	walk_init(&c, w->rd, n, w->rd->core);
	if (!take_text(&c, "Receiver", true, &a->receiver) ||
	    !take_text(&c, "CareOfAddress", false, &a->care_of) ||
	    !take_text(&c, "Street", true, &a->street) ||
	    !take_text(&c, "PostalCode", true, &a->postal_code) ||
	    !take_text(&c, "City", true, &a->city) ||
	    !take_text(&c, "DoorCode", false, &a->door_code) ||
	    !take_text(&c, "Phone", true, &a->phone) || !walk_done(&c))
		w->ok = false;
	return w->ok;
}

static bool read_choice(struct walk *w, struct ms_choice *ch)
{
	xmlNode *n = take(w, "DeliveryChoice", true), *p;
	struct walk c, pw;
	const char *ignored;

	if (!n)
		return false;
	walk_init(&c, w->rd, n, w->rd->core);
	if (!take_text(&c, "DeliveryMethodId", true, &ch->method_id) ||
	    !take_text(&c, "DeliveryMethod", true, &ch->method) ||
	    !read_address(&c, "HomeDeliveryAddress", &ch->has_home, &ch->home))
		goto bad;
	if ((p = take(&c, "DeliveryPoint", false))) {
		ch->has_point = true;
		walk_init(&pw, w->rd, p, w->rd->core);
		if (!take_text(&pw, "DeliveryPointId", true, &ch->point_id) ||
		    !take_text(&pw, "DeliveryPointName", true, &ignored) ||
		    !take_text(&pw, "DeliveryPointAddress", true, &ignored) ||
		    !take_text(&pw, "DeliveryPointPostalCode", true, &ignored) ||
		    !take_text(&pw, "DeliveryPointCity", true, &ignored) ||
		    !take_text(&pw, "CountryCode", true, &ignored) || !walk_done(&pw))
			goto bad;
	}
	if (!c.ok)
		goto bad;
	if (!take_text(&c, "DeliveryNotificationMethod", false, &ch->notification) ||
	    !take_text(&c, "DeliveryNotificationReceiver", false, &ch->notification_receiver) ||
	    !take_text(&c, "DeliveryComment", false, &ch->comment) ||
	    !read_address(&c, "InvoiceAddress", &ch->has_invoice, &ch->invoice) ||
	    !take_text(&c, "ContactPerson", false, &ch->contact_person) || !walk_done(&c))
		goto bad;
	if (ch->notification && !*ch->notification)
		ch->notification = NULL; /* nil */
	return true;
bad:
	w->ok = false;
	return false;
}

/* An ArticleType: what the order row says of its article (lmn reads the article from the item). */
static bool read_article(struct walk *w, struct ms_row *row)
{
	xmlNode *n = take(w, "Article", true), *img;
	struct walk a, iw;
	const char *ignored;
	int64_t size;
	bool orderable;

	if (!n)
		return false;
	walk_init(&a, w->rd, n, w->rd->core);
	if (!take_text(&a, "ArticleNo", true, &row->article_number) ||
	    !take_text(&a, "ArticleName", true, &row->article_name) ||
	    !take_int(&a, "PackageSize", &size) ||
	    !take_text(&a, "PackageSizeUnit", false, &ignored) ||
	    !take_code(&a, "ProductArea", &row->area) ||
	    !take_bool(&a, "IsOrderable", true, &orderable) ||
	    !take_text(&a, "Variety", false, &ignored))
		goto bad;
	if ((img = take(&a, "ArticleImage", false))) {
		walk_init(&iw, w->rd, img, w->rd->core);
		if (!take_text(&iw, "Original", true, &ignored) ||
		    !take_text(&iw, "Thumbnail", true, &ignored) || !walk_done(&iw))
			goto bad;
	}
	if (!a.ok || !take_text(&a, "GrossPrice", false, &ignored) || !walk_done(&a))
		goto bad;
	return true;
bad:
	w->ok = false;
	return false;
}

static bool read_order(struct reader *rd, xmlNode *req)
{
	struct ms_request *r = rd->r;
	struct walk top, o, rw;
	xmlNode *order, *rn;

	walk_init(&top, rd, req, rd->responder);
	if (!(order = take(&top, "Order", true)) || !walk_done(&top))
		return false;
	walk_init(&o, rd, order, rd->core);
	if (!take_text(&o, "SubjectOfCareId", true, &r->subject) ||
	    !take_text(&o, "Orderer", true, &r->orderer) ||
	    !take_bool(&o, "OrderByDelegate", true, &r->by_delegate))
		return false;
	while ((rn = take(&o, "OrderRow", r->nrows == 0))) {
		struct ms_row *row;

		if (r->nrows == MS_MAX_ROWS) {
			lmn_err_set(rd->err, LMN_EINVAL, "OrderRow", NULL,
				    "more than %d order rows", MS_MAX_ROWS);
			return false;
		}
		row = &r->rows[r->nrows++];
		walk_init(&rw, rd, rn, rd->core);
		if (!take_text(&rw, "PrescriptionId", true, &row->prescription_id) ||
		    !take_text(&rw, "PrescriptionItemId", true, &row->item_id) ||
		    !read_choice(&rw, &row->choice) || !read_article(&rw, row) ||
		    !take_int(&rw, "NoOfPackages", &row->packages) ||
		    !take_int(&rw, "NoOfPcs", &row->pieces) ||
		    !take_text(&rw, "Source", true, &row->source) || !walk_done(&rw))
			return false;
	}
	return o.ok && walk_done(&o);
}

/* libxml2 calls this at <!DOCTYPE, before anything of the DTD is read: the parse stops there. */
static void refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr p = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	p->_private = (void *)"dtd";
	xmlStopParser(p);
}

static void ms_request_init(struct ms_request *r, enum ms_interaction kind, int version)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->version = version;
}

enum lmn_rc ms_read(const char *body, size_t len, enum ms_interaction kind, int version,
		    struct ms_request *out, struct lmn_err *err)
{
	struct reader rd = { .r = out, .err = err, .core = ms_core_ns(version) };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root, *n, *header = NULL, *bodyel, *req;
	bool ok = true;
	enum lmn_rc rc = LMN_EINVAL;

	ms_request_init(out, kind, version);
	if ((unsigned)kind >= MS__COUNT || (version != 1 && version != 2))
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "unknown interaction or version");
	if (len > MS_MAX_REQUEST)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "request over %u bytes",
				   MS_MAX_REQUEST);
	if (len > (size_t)INT32_MAX)
		return lmn_err_set(err, LMN_EINVAL, NULL, NULL, "request too large");
	ms_responder_ns(kind, version, rd.responder);
	/* The texts as UTF-8, each with its NUL. No entity is expanded, but a document in another
	 * encoding grows: a byte of windows-1252 becomes up to three (0x80 is U+20AC), two of UTF-16
	 * up to three. text_of checks every copy and NUL against the capacity (a request that still
	 * outgrows it is refused). */
	out->text_cap = 3 * len + 16;
	if (!(out->text = malloc(out->text_cap)))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	if (!(ctxt = xmlNewParserCtxt()))
		return lmn_err_set(err, LMN_ENOMEM, NULL, NULL, "out of memory");
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->_private = NULL;
	/* No network, no entity substitution, no DTD loaded, no messages on stderr (they would quote
	 * the input). */
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (ctxt->_private) {
		lmn_err_set(err, LMN_EINVAL, NULL, NULL,
			    "a document type declaration (DTD) is not "
			    "accepted");
		goto out;
	}
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		lmn_err_set(err, LMN_EINVAL, NULL, NULL, "not well-formed XML (line %d, code %d)",
			    e ? e->line : 0, e ? e->code : 0);
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		lmn_err_set(err, LMN_EINVAL, NULL, NULL,
			    "a document type declaration (DTD) is not "
			    "accepted");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, SOAP_NS, "Envelope")) {
		lmn_err_set(err, LMN_EINVAL, NULL, NULL, "not a SOAP 1.1 Envelope");
		goto out;
	}
	n = elem_from(&rd, root->children, &ok);
	if (ok && is_elem(n, SOAP_NS, "Header")) {
		header = n;
		n = elem_from(&rd, n->next, &ok);
	}
	if (!ok)
		goto out;
	if (!is_elem(n, SOAP_NS, "Body")) {
		lmn_err_set(err, LMN_EINVAL, NULL, NULL,
			    "the Envelope must hold an optional Header "
			    "and a Body");
		goto out;
	}
	bodyel = n;
	if (elem_from(&rd, n->next, &ok) != NULL || !ok) {
		if (ok)
			lmn_err_set(err, LMN_EINVAL, NULL, NULL, "nothing may follow the Body");
		goto out;
	}
	for (n = header ? header->children : NULL; n; n = n->next)
		if (is_elem(n, REGISTRY_NS, "LogicalAddress")) {
			if (out->logical_address) {
				lmn_err_set(err, LMN_EINVAL, NULL, NULL,
					    "two LogicalAddress headers");
				goto out;
			}
			if (!(out->logical_address = text_of(&rd, n)))
				goto out;
		}
	req = elem_from(&rd, bodyel->children, &ok);
	if (!ok)
		goto out;
	if (!req || elem_from(&rd, req->next, &ok) != NULL || !ok) {
		if (ok)
			lmn_err_set(err, LMN_EINVAL, NULL, NULL, "the Body must hold one element");
		goto out;
	}
	if (!is_elem(req, rd.responder, ms_interaction_name(kind))) {
		lmn_err_set(err, LMN_EINVAL, NULL, NULL, "the Body's element is not %s of %s",
			    ms_interaction_name(kind), rd.responder);
		goto out;
	}
	switch (kind) {
	case MS_GET_PRESCRIPTIONS: {
		struct walk w;
		walk_init(&w, &rd, req, rd.responder);
		ok = take_text(&w, "SubjectOfCareId", true, &out->subject) && walk_done(&w);
		break;
	}
	case MS_GET_DELIVERY_POINTS: {
		struct walk w;
		walk_init(&w, &rd, req, rd.responder);
		/* ServicePointProvider's CVType children are in the common types' namespace. */
		ok = take_text(&w, "PostalCode", true, &out->postal_code) &&
		     take_code(&w, "ServicePointProvider", &out->provider) && walk_done(&w);
		break;
	}
	case MS_REGISTER_ORDER:
		ok = read_order(&rd, req);
		break;
	default:
		ok = false;
	}
	if (ok)
		rc = LMN_OK;
out:
	if (rc != LMN_OK && err && err->code == LMN_OK)
		lmn_err_set(err, LMN_EINVAL, NULL, NULL, "malformed request");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

void ms_request_release(struct ms_request *r)
{
	if (!r)
		return;
	free(r->text);
	r->text = NULL;
	r->text_len = r->text_cap = 0;
}

/* ---- Writing ---- */

/* The length of the UTF-8 sequence at s (at most n bytes) of a character XML 1.0 allows, or 0. */
static size_t xml_char_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return len;
}

void ms_add_escaped(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), run = 0;

	/* Characters that stand as they are go out in runs. */
	while (run < n) {
		size_t len = xml_char_len(p + run, n - run);
		const char *repl;

		switch (len ? p[run] : 0) {
		case '&':
			repl = "&amp;";
			break;
		case '<':
			repl = "&lt;";
			break;
		case '>':
			repl = "&gt;";
			break;
		case '"':
			repl = "&quot;";
			break;
		case '\'':
			repl = "&apos;";
			break;
		case '\r':
			repl = "&#13;";
			break;
		case 0:
			repl = "\xEF\xBF\xBD";
			len = 1;
			break;
		default:
			run += len;
			continue;
		}
		buf_add(b, p, run);
		buf_adds(b, repl);
		p += run + len;
		n -= run + len;
		run = 0;
	}
	buf_add(b, p, run);
}

void ms_add_tag(struct buf *b, const char *prefix, const char *name, bool close)
{
	char tag[128];
	size_t np = strlen(prefix), nn = strlen(name), n = 0;

	/* An answer has hundreds of tags: each goes out in one piece. */
	if (np + nn + 4 > sizeof(tag)) {
		buf_adds(b, close ? "</" : "<");
		buf_adds(b, prefix);
		buf_addc(b, ':');
		buf_adds(b, name);
		buf_addc(b, '>');
		return;
	}
	tag[n++] = '<';
	if (close)
		tag[n++] = '/';
	memcpy(tag + n, prefix, np);
	n += np;
	tag[n++] = ':';
	memcpy(tag + n, name, nn);
	n += nn;
	tag[n++] = '>';
	buf_add(b, tag, n);
}

void ms_add_elem(struct buf *b, const char *prefix, const char *name, const char *text)
{
	ms_add_tag(b, prefix, name, false);
	ms_add_escaped(b, text);
	ms_add_tag(b, prefix, name, true);
}

void ms_add_elem_int(struct buf *b, const char *prefix, const char *name, int64_t v)
{
	ms_add_tag(b, prefix, name, false);
	buf_add_int(b, v);
	ms_add_tag(b, prefix, name, true);
}

void ms_envelope_open(struct buf *b)
{
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<soap:Envelope xmlns:soap=\"" SOAP_NS "\"><soap:Body>");
}

void ms_envelope_close(struct buf *b)
{
	buf_adds(b, "</soap:Body></soap:Envelope>\n");
}

void ms_fault(struct buf *b, bool client, const char *faultstring)
{
	ms_envelope_open(b);
	buf_adds(b, "<soap:Fault><faultcode>");
	buf_adds(b, client ? "soap:Client" : "soap:Server");
	buf_adds(b, "</faultcode><faultstring>");
	ms_add_escaped(b, faultstring);
	buf_adds(b, "</faultstring></soap:Fault>");
	ms_envelope_close(b);
}
