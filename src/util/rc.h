/* Result codes and the error detail every fallible function fills in (curl's discipline). */
#ifndef LMN_RC_H
#define LMN_RC_H

#include <stddef.h>

#define LMN_MUST_USE __attribute__((warn_unused_result))

enum lmn_rc {
	LMN_OK = 0,
	LMN_EINVAL,    /* input is malformed or outside what is accepted */
	LMN_ERANGE,    /* a value is outside the supported range */
	LMN_ENOMEM,    /* allocation failed or a size cap was reached */
	LMN_EIO,       /* reading or writing a file or socket failed */
	LMN_ENOTFOUND, /* the thing asked for does not exist */
	LMN_EREFUSED,  /* a rule of the domain refuses the request */
	LMN_EDB,       /* the database failed */
	LMN_EEXIST,    /* it exists already (e.g. an order placed before with the same key) */
	LMN_EFULL,     /* no room left to store it (a full disk or quota) */
	LMN_EUNAVAIL,  /* the database cannot be reached now (its server is down or switching) */
};

/* What went wrong, for the person who must fix it: the field or rule at fault and a message. */
struct lmn_err {
	enum lmn_rc code;
	char field[64];
	char rule[64];
	char message[512];
};

void lmn_err_clear(struct lmn_err *err);

/* Sets err (if not NULL) and returns code, so callers can `return lmn_err_set(...)`. */
enum lmn_rc lmn_err_set(struct lmn_err *err, enum lmn_rc code, const char *field, const char *rule,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

const char *lmn_rc_name(enum lmn_rc rc);

#endif
