/* Result codes and error details. */
#include "util/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lmn_err_clear(struct lmn_err *err)
{
	if (!err)
		return;
	err->code = LMN_OK;
	err->field[0] = '\0';
	err->rule[0] = '\0';
	err->message[0] = '\0';
}

enum lmn_rc lmn_err_set(struct lmn_err *err, enum lmn_rc code, const char *field, const char *rule,
			const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	snprintf(err->rule, sizeof(err->rule), "%s", rule ? rule : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

const char *lmn_rc_name(enum lmn_rc rc)
{
	switch (rc) {
	case LMN_OK:
		return "ok";
	case LMN_EINVAL:
		return "invalid";
	case LMN_ERANGE:
		return "out of range";
	case LMN_ENOMEM:
		return "out of memory";
	case LMN_EIO:
		return "i/o error";
	case LMN_ENOTFOUND:
		return "not found";
	case LMN_EREFUSED:
		return "refused";
	case LMN_EDB:
		return "database error";
	case LMN_EEXIST:
		return "exists already";
	case LMN_EFULL:
		return "storage full";
	case LMN_EUNAVAIL:
		return "database unavailable";
	}
	return "unknown";
}
