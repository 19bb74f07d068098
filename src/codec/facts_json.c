/* Reader and writer of order facts as JSON lines.
 *
 * The reader is on the hot path of `lmn rules eval` (a million lines a second), so it tokenizes
 * with jsmn, which allocates nothing, and checks the separators jsmn does not; the rare string with
 * an escape is decoded by jansson. */
#include "codec/facts_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "util/localtime.h"

#define MAX_TOKENS 64

enum field {
	F_RECEIVED,
	F_KIND,
	F_REQUESTED_BY,
	F_ENTERED_BY,
	F_AREA,
	F_STOCKED,
	F_ACUTE_ASSORTMENT,
	F_SPECIAL,
	F__COUNT
};

static const char *const field_names[F__COUNT] = {
	"received", "kind",    "requested_by",	   "entered_by",
	"area",	    "stocked", "acute_assortment", "special",
};

static enum lmn_rc invalid(struct lmn_err *err, const char *field, const char *msg)
{
	return lmn_err_set(err, LMN_EINVAL, field, NULL, "%s", msg);
}

/* An area not in the product area list, or (without a list) not a well-formed code. */
static enum lmn_rc bad_area(struct lmn_err *err, const char *field)
{
	struct buf known;
	enum lmn_rc rc;

	if (!areas_listed() || area_count() == 0)
		return invalid(err, field,
			       "Fältet \"area\" ska vara koden för ett produktområde "
			       "(a–z och _, högst 15 tecken).");
	buf_init(&known, 4096);
	areas_format_codes(&known, " eller ");
	rc = lmn_err_set(err, LMN_EINVAL, field, NULL, "Fältet \"area\" ska vara %s.",
			 known.data ? known.data : "");
	buf_release(&known);
	return rc;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Only whitespace and exactly `sep` (or nothing when sep is 0) in s[from, to). */
static bool gap_ok(const char *s, int from, int to, char sep)
{
	bool seen = sep == 0;

	for (int i = from; i < to; i++) {
		if (is_ws(s[i]))
			continue;
		if (s[i] == sep && !seen) {
			seen = true;
			continue;
		}
		return false;
	}
	return seen;
}

/* Token extent including a string's quotes. */
static int raw_start(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? t->start - 1 : t->start;
}

static int raw_end(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? t->end + 1 : t->end;
}

/* A string token's text: in place when it has no escape, else decoded by jansson into dec. */
static bool string_text(const char *s, const jsmntok_t *t, char *dec, size_t cap, const char **out,
			size_t *outn)
{
	const char *p = s + t->start;
	size_t n = (size_t)(t->end - t->start);
	json_t *j;
	size_t jn;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20)
			return false;
	if (!memchr(p, '\\', n)) {
		*out = p;
		*outn = n;
		return true;
	}
	/* \u0000 is valid JSON: decode it (it matches no accepted value), do not call the line broken. */
	j = json_loadb(p - 1, n + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!j || !json_is_string(j) || (jn = json_string_length(j)) >= cap) {
		json_decref(j);
		/* Too long to be any value we accept: hand back something that matches nothing. */
		if (j == NULL)
			return false;
		*out = "";
		*outn = 0;
		return true;
	}
	memcpy(dec, json_string_value(j), jn);
	json_decref(j);
	*out = dec;
	*outn = jn;
	return true;
}

static bool prim_is(const char *s, const jsmntok_t *t, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(t->end - t->start) == n && memcmp(s + t->start, word, n) == 0;
}

static bool prim_valid(const char *s, const jsmntok_t *t)
{
	const char *p = s + t->start;
	int n = t->end - t->start, i = 0;

	if (prim_is(s, t, "true") || prim_is(s, t, "false") || prim_is(s, t, "null"))
		return true;
	/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (i < n && p[i] == '-')
		i++;
	if (i < n && p[i] == '0')
		i++;
	else if (i < n && p[i] >= '1' && p[i] <= '9')
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	else
		return false;
	if (i < n && p[i] == '.') {
		int d = ++i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		int d = i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	return i == n;
}

/* Index of the token after t's subtree. */
static int skip(const jsmntok_t *tok, int ntok, int i)
{
	int end = tok[i].end;

	i++;
	while (i < ntok && tok[i].start < end)
		i++;
	return i;
}

static enum lmn_rc set_field(enum field fi, const char *s, const jsmntok_t *v,
			     struct order_facts *f, bool *entered_given, struct lmn_err *err)
{
	const char *name = field_names[fi];
	char dec[64];
	const char *text;
	size_t n;
	int x;

	if (v->type == JSMN_PRIMITIVE && prim_is(s, v, "null")) {
		if (fi == F_RECEIVED)
			return invalid(err, name, "Fältet \"received\" krävs.");
		return LMN_OK; /* null: the default */
	}
	switch (fi) {
	case F_STOCKED:
	case F_ACUTE_ASSORTMENT:
	case F_SPECIAL: {
		bool b;
		if (v->type != JSMN_PRIMITIVE || !(prim_is(s, v, "true") || prim_is(s, v, "false")))
			return lmn_err_set(err, LMN_EINVAL, name, NULL,
					   "Fältet \"%s\" ska vara true eller false.", name);
		b = s[v->start] == 't';
		if (fi == F_STOCKED)
			f->stocked = b;
		else if (fi == F_ACUTE_ASSORTMENT)
			f->acute_assortment = b;
		else
			f->special = b;
		return LMN_OK;
	}
	default:
		break;
	}
	if (v->type != JSMN_STRING)
		return lmn_err_set(err, LMN_EINVAL, name, NULL, "Fältet \"%s\" ska vara en sträng.",
				   name);
	if (!string_text(s, v, dec, sizeof(dec), &text, &n))
		return invalid(err, name, "Raden är inte giltig JSON.");
	switch (fi) {
	case F_RECEIVED:
		return localtime_parse(text, n, &f->received_day, &f->received_sec, err);
	case F_KIND:
		if ((x = kind_parse(text, n)) < 0)
			return invalid(err, name,
				       "Fältet \"kind\" ska vara normal, acute eller express.");
		f->kind = (enum order_kind)x;
		return LMN_OK;
	case F_REQUESTED_BY:
	case F_ENTERED_BY:
		if ((x = role_parse(text, n)) < 0)
			return lmn_err_set(
				err, LMN_EINVAL, name, NULL,
				"Fältet \"%s\" ska vara patient, prescriber, municipal_prescriber, "
				"municipal_orderer eller customer_service.",
				name);
		if (fi == F_REQUESTED_BY) {
			f->requested_by = (enum role)x;
		} else {
			f->entered_by = (enum role)x;
			*entered_given = true;
		}
		return LMN_OK;
	case F_AREA:
		/* A code of the product area list; without a database's list (lmn rules eval without
		 * --db), any well-formed code, which no rule then names (AREA_OTHER). */
		if ((x = area_parse(text, n)) < 0) {
			if (!area_code_valid(text, n) || areas_listed())
				return bad_area(err, name);
			x = AREA_OTHER;
		}
		f->area = x;
		return LMN_OK;
	default:
		return invalid(err, name, "Okänt fält.");
	}
}

static int field_lookup(const char *s, size_t n)
{
	for (int i = 0; i < F__COUNT; i++)
		if (strlen(field_names[i]) == n && memcmp(field_names[i], s, n) == 0)
			return i;
	return -1;
}

enum lmn_rc facts_json_parse(const char *s, size_t len, struct order_facts *f, struct lmn_err *err)
{
	jsmn_parser parser;
	jsmntok_t tok[MAX_TOKENS];
	int ntok, i, pos, pairs;
	bool seen[F__COUNT] = { false }, entered_given = false;
	enum lmn_rc rc;

	order_facts_init(f);
	if (len > 0x7fffffff)
		return invalid(err, "", "Raden är för lång.");
	jsmn_init(&parser);
	ntok = jsmn_parse(&parser, s, len, tok, MAX_TOKENS);
	if (ntok == JSMN_ERROR_NOMEM)
		return invalid(err, "", "Raden har för många fält.");
	if (ntok < 0)
		return invalid(err, "", "Raden är inte giltig JSON.");
	if (ntok == 0 || tok[0].type != JSMN_OBJECT)
		return invalid(err, "", "Raden ska vara ett JSON-objekt.");
	/* jsmn stops at a NUL; anything after the object but whitespace is an error. */
	if (!gap_ok(s, 0, tok[0].start, 0) || !gap_ok(s, tok[0].end, (int)len, 0) ||
	    skip(tok, ntok, 0) != ntok)
		return invalid(err, "", "Raden ska innehålla exakt ett JSON-objekt.");
	pairs = tok[0].size;
	pos = tok[0].start + 1;
	i = 1;
	for (int k = 0; k < pairs; k++) {
		const jsmntok_t *key = &tok[i], *val;
		char dec[64];
		const char *kt;
		size_t kn;
		int fi;

		if (i + 1 >= ntok || key->type != JSMN_STRING || key->size != 1 ||
		    !gap_ok(s, pos, raw_start(key), k ? ',' : 0))
			return invalid(err, "", "Raden är inte giltig JSON.");
		val = &tok[i + 1];
		if (!gap_ok(s, raw_end(key), raw_start(val), ':') ||
		    (val->type == JSMN_PRIMITIVE && !prim_valid(s, val)))
			return invalid(err, "", "Raden är inte giltig JSON.");
		if (!string_text(s, key, dec, sizeof(dec), &kt, &kn))
			return invalid(err, "", "Raden är inte giltig JSON.");
		fi = field_lookup(kt, kn);
		if (fi < 0) {
			char name[48];
			size_t m = kn > 40 ? 40 : kn;
			memcpy(name, kt, m);
			name[m] = '\0';
			return lmn_err_set(
				err, LMN_EINVAL, name, NULL,
				"Okänt fält. Kända fält: received, kind, requested_by, entered_by, "
				"area, stocked, acute_assortment, special.");
		}
		if (seen[fi])
			return lmn_err_set(err, LMN_EINVAL, field_names[fi], NULL,
					   "Fältet \"%s\" förekommer två gånger.", field_names[fi]);
		seen[fi] = true;
		pos = raw_end(val);
		i = skip(tok, ntok, i + 1);
		if (val->type == JSMN_OBJECT || val->type == JSMN_ARRAY) {
			/* Never an accepted value; report the type once the line is known to be JSON. */
			json_t *whole = json_loadb(s, len, JSON_ALLOW_NUL, NULL);
			if (!whole)
				return invalid(err, "", "Raden är inte giltig JSON.");
			json_decref(whole);
			return lmn_err_set(err, LMN_EINVAL, field_names[fi], NULL,
					   "Fältet \"%s\" har fel typ.", field_names[fi]);
		}
		if ((rc = set_field((enum field)fi, s, val, f, &entered_given, err)) != LMN_OK)
			return rc;
	}
	if (!gap_ok(s, pos, tok[0].end - 1, 0))
		return invalid(err, "", "Raden är inte giltig JSON.");
	if (!seen[F_RECEIVED])
		return invalid(err, "received", "Fältet \"received\" krävs.");
	if (!entered_given)
		f->entered_by = f->requested_by;
	return LMN_OK;
}

/* Room for an answer line is reserved once and the line written straight into it: this writer
 * runs once per input line. Returns where to write, or NULL when the buffer is full (then marked
 * failed). */
static char *reserve(struct buf *out, size_t n)
{
	return buf_reserve(out, n) == LMN_OK ? out->data + out->len : NULL;
}

static void commit(struct buf *out, const char *end)
{
	out->len = (size_t)(end - out->data);
	out->data[out->len] = '\0';
}

#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* "YYYY-MM-DD" with its quotes: 12 bytes. */
static char *put_date(char *p, lmn_day day)
{
	*p++ = '"';
	date_format(day, p); /* its NUL is overwritten by the closing quote */
	p[10] = '"';
	return p + 11;
}

/* The refusal's message as a JSON string. It is written in place and, in the usual case that it
 * needs no escaping, only quoted; otherwise it is escaped like any other string. */
static void add_message(struct buf *out, const struct delivery_decision *d)
{
	size_t start, n;
	char *raw;

	buf_addc(out, '"');
	start = out->len;
	delivery_message(d, out);
	if (out->failed)
		return;
	n = out->len - start;
	if (buf_json_plain_len(out->data + start, n) == n) {
		buf_addc(out, '"');
		return;
	}
	raw = malloc(n ? n : 1);
	if (!raw) {
		out->failed = true;
		return;
	}
	memcpy(raw, out->data + start, n);
	out->len = start - 1;
	buf_add_json_string(out, raw, n);
	free(raw);
}

void facts_json_write_decision(struct buf *out, const struct delivery_decision *d)
{
	if (d->code == DELIVERY_OK) {
		/* The line's shape, for its length; each rule adds its reference, quotes and comma. */
		size_t need =
			sizeof("{'due':'YYYY-MM-DD','contact_from':'YYYY-MM-DD','rules':[]}\n");
		size_t len[DELIVERY_MAX_RULES];
		char *p;

		for (int i = 0; i < d->nrules; i++)
			need += (len[i] = strlen(d->rules[i]->ref)) + 3;
		if (!(p = reserve(out, need)))
			return;
		p = PUT(p, "{\"due\":");
		p = put_date(p, d->due);
		p = PUT(p, ",\"contact_from\":");
		if (d->contact_from == LMN_DAY_NONE)
			p = PUT(p, "null");
		else
			p = put_date(p, d->contact_from);
		p = PUT(p, ",\"rules\":[");
		for (int i = 0; i < d->nrules; i++) {
			if (i)
				*p++ = ',';
			*p++ = '"';
			memcpy(p, d->rules[i]->ref, len[i]);
			p += len[i];
			*p++ = '"';
		}
		p = PUT(p, "]}\n");
		commit(out, p);
		return;
	}
	buf_adds(out, "{\"error\":{\"code\":\"");
	buf_adds(out, delivery_code_name(d->code));
	buf_adds(out, "\",\"rule\":\"");
	buf_adds(out, d->rs->src[d->refused_by]->ref);
	buf_adds(out, "\",\"message\":");
	add_message(out, d);
	buf_adds(out, "}}\n");
}

void facts_json_write_invalid(struct buf *out, long line, const struct lmn_err *err)
{
	buf_adds(out, "{\"error\":{\"code\":\"invalid_input\",\"rule\":null,\"field\":");
	if (err->field[0])
		buf_add_json_string(out, err->field, strlen(err->field));
	else
		buf_adds(out, "null");
	buf_adds(out, ",\"message\":");
	buf_add_json_string(out, err->message, strlen(err->message));
	buf_addf(out, ",\"line\":%ld}}\n", line);
}
