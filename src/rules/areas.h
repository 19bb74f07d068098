/* Product areas: a code list kept as data (table product_areas, issue 18), known to the pure layers
 * by a small index so that a rule's set of areas is a bit set.
 *
 * The store registers the database's list when it opens one (areas_set_listed): from then on the
 * list is the database's and a rule file naming another area is an error. A command without a
 * database (lmn rules eval, show, check) knows only the areas its rule files name.
 *
 * Registering happens while a process starts (before the server's threads); reading is safe from
 * any thread at any time. */
#ifndef LMN_AREAS_H
#define LMN_AREAS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/rc.h"

#define AREA_MAX      32   /* a rule's set of areas is a 32-bit set */
#define AREA_CODE_MAX 16   /* a code: 1–15 of a–z and _ */
#define AREA_NAME_MAX 64   /* the Swedish name, UTF-8 */
#define AREA_UNKNOWN  (-1) /* no area given */
#define AREA_OTHER    (-2) /* a well-formed code that is not in the list */

/* Whether s is a well-formed area code: 1–15 characters of a–z and _. */
bool area_code_valid(const char *s, size_t n);

/* How many areas are registered: indexes 0 … area_count() - 1. */
int area_count(void);
/* The code of an area ("nutrition"), or "?" for an index not registered. */
const char *area_name(int a);
/* The Swedish name of an area ("Inkontinens"), or its code when no name is known. */
const char *area_title(int a);
/* Finds an area by its code; -1 when unknown. */
int area_parse(const char *s, size_t n);
/* Finds an area by its code or its Swedish name, ignoring ASCII case; -1 when unknown. */
int area_find(const char *s, size_t n);

/* Adds an area to the list (or gives a known one its name, if it had none) and sets *index.
 * name may be NULL. Refuses a malformed code, or a new one when AREA_MAX are registered. */
LMN_MUST_USE enum lmn_rc area_register(const char *code, size_t n, const char *name, int *index,
				       struct lmn_err *err);
/* The list registered is a database's code list: names outside it are errors from now on. */
void areas_set_listed(void);
bool areas_listed(void);

/* Appends the codes for a message: "nutrition, incontinence (inkontinens), diabetes eller stoma
 * (stomi)" — a code with its Swedish name in brackets where the two differ, last_sep before the
 * last one. */
void areas_format_codes(struct buf *out, const char *last_sep);

#endif
