/* Effective-dated rule parameters (DOMAIN.md §3–§6, §9).
 *
 * Every rule value is a parameter with dated versions; each version carries its effective date,
 * its value and its change-log reference. Versions are read from a documented text format
 * (data/rules/README.md) and looked up "as in force on date D", never by the clock.
 *
 * After loading, the parameters are resolved into rule sets: one per interval between change
 * dates, so a lookup is a binary search over a handful of intervals. */
#ifndef LMN_PARAMS_H
#define LMN_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/areas.h"
#include "rules/date.h"
#include "util/buf.h"
#include "util/rc.h"

enum param_id {
	/* Spec B 3:1 delivery to ordinary housing */
	P_LEAD_TIME_WORKING_DAYS,
	P_DELIVERY_WINDOW_START,
	P_DELIVERY_WINDOW_END,
	P_PARTIAL_ONLY_BACKORDER,
	P_NON_WORKING_EVES,
	/* Spec B 3:3 acute and express delivery */
	P_ORDER_CUTOFF,
	P_ACUTE_LEAD_WORKING_DAYS,
	P_ACUTE_REQUESTERS,
	P_ACUTE_ARTICLES,
	P_ACUTE_AFTER_CUTOFF,
	P_EXPRESS_OFFERED,
	P_EXPRESS_AREAS,
	P_EXPRESS_REQUESTERS,
	P_EXPRESS_ARTICLES,
	/* Spec B 3:6 delivery delays */
	P_DELAY_CONTACT_AFTER_DAYS,
	P_DELAY_CONTACT_DAY_KIND,
	P_DELAY_CONTACT_EXEMPT_SPECIAL,
	/* Spec B 6.1 quality follow-up */
	P_PHONE_ANSWER_MINUTES,
	P_PHONE_ANSWER_TARGET,
	P_DELIVERY_RELIABILITY_TARGET,
	/* Ordering rights (council decision 2024-10-24, item 3d; DOMAIN.md §5) */
	P_WITHDRAWAL_ENTRY_ROLES,
	P_MUNICIPAL_ENTRY_HOUSING_ONLY,
	/* Prescriptions (DOMAIN.md §3, interpretation) */
	P_PRESCRIPTION_MAX_VALIDITY_MONTHS,
	P_NEXT_WITHDRAWAL_FRACTION,
	/* Spec D cooperation and governance (GOVERNANCE.md) */
	P_PREPARATION_IT_LIMIT_KR,
	P_FORUM_NOTICE_DAYS,
	/* Access to patient data (issue 17, interpretation) */
	P_CARE_RELATIONSHIP_DAYS,
	P_ID_NUMBER_SEARCH_LIMIT,
	P_ID_NUMBER_SEARCH_WINDOW_MINUTES,
	P_DISTRIBUTOR_HISTORY_DAYS,
	P__COUNT
};

enum param_type {
	PT_INT,	     /* integer within [min, max] */
	PT_BOOL,     /* true | false */
	PT_TIME,     /* HH:MM, stored as seconds since midnight */
	PT_PERCENT,  /* 0–100 with up to two decimals, stored in hundredths of a percent */
	PT_FRACTION, /* 0–1 with up to three decimals, stored in thousandths */
	PT_ROLES,    /* comma-separated roles, stored as a bit set of enum role */
	PT_AREAS,    /* comma-separated product area codes, stored as a bit set of area indexes */
	PT_CHOICE,   /* one word of the parameter's choices, stored as its index */
	PT_EVES,     /* comma-separated eves, stored as a bit set of CALENDAR_EVE_* */
};

/* Roles that request or enter orders (DOMAIN.md §2). */
enum role {
	ROLE_PATIENT,
	ROLE_PRESCRIBER, /* regional prescriber */
	ROLE_MUNICIPAL_PRESCRIBER,
	ROLE_MUNICIPAL_ORDERER,
	ROLE_CUSTOMER_SERVICE,
	ROLE__COUNT
};

/* Choices of the PT_CHOICE parameters. */
enum article_rule { ARTICLES_STOCKED, ARTICLES_ACUTE_ASSORTMENT };
enum late_rule { LATE_NEXT_WORKING_DAY, LATE_REFUSE };
enum day_kind { DAYS_WORKING, DAYS_CALENDAR };

const char *role_name(enum role r);
/* Finds a role by its name; returns -1 when unknown. */
int role_parse(const char *s, size_t n);

union param_value {
	int64_t i;    /* PT_INT, PT_TIME, PT_PERCENT, PT_FRACTION, PT_CHOICE */
	bool b;	      /* PT_BOOL */
	uint32_t set; /* PT_ROLES, PT_AREAS */
};

struct param_def {
	const char *key;
	const char *section;
	enum param_type type;
	int64_t min, max;	    /* PT_INT */
	const char *const *choices; /* PT_CHOICE, NULL-terminated */
	const char *help;
};

const struct param_def *param_def(enum param_id id);
/* Finds a parameter by key; returns -1 when unknown. */
int param_lookup(const char *key, size_t n);

/* A section of the specification that owns parameters ("B3:3"), and its title. */
struct rule_section {
	const char *id;
	const char *title;
};
const struct rule_section *rule_sections(size_t *count);

/* One dated version of a section: what the change log says about it. */
struct param_source {
	char *section; /* "B3:3" */
	lmn_day effective;
	lmn_day decided;
	char *body;	 /* deciding body */
	char *reference; /* change-log or specification reference */
	char *file;
	int line;
	/* The first version of its section in a rule file: the wording before the change log, whose
	 * start our sources do not give. It is in force on every date before the section's next
	 * version; its date only names it (DOMAIN.md §9). */
	bool original;
	char ref[48]; /* "B3:3@2020-01-30": how answers name this version */
};

/* Every parameter as in force during [from, until). */
struct rule_set {
	lmn_day from; /* LMN_DAY_NONE: the first set, in force on every date before the first change */
	lmn_day until; /* LMN_DAY_NONE: open-ended */
	union param_value v[P__COUNT];
	const struct param_source *src[P__COUNT];
};

struct params {
	struct param_source **sources;
	size_t nsources, asources;
	/* Raw versions as loaded: per parameter, ascending by effective date. */
	struct pversion {
		union param_value value;
		const struct param_source *src;
	} * versions[P__COUNT];
	size_t nversions[P__COUNT];
	struct rule_set *sets;
	size_t nsets;
	bool finished;
};

void params_init(struct params *p);
void params_release(struct params *p);

/* Adds the versions in one rule file's text; name is used in error messages. */
LMN_MUST_USE enum lmn_rc params_load_text(struct params *p, const char *name, const char *text,
					  size_t len, struct lmn_err *err);
/* Adds the versions of a change-log entry: text in the same syntax, for a section a rule file
 * already defines (call after the files); a version must come after that section's versions and
 * may set only some of its parameters. name is used in error messages. */
LMN_MUST_USE enum lmn_rc params_load_change(struct params *p, const char *name, const char *text,
					    size_t len, struct lmn_err *err);
/* Checks that every parameter has a value and builds the rule sets. */
LMN_MUST_USE enum lmn_rc params_finish(struct params *p, struct lmn_err *err);

/* The rule set in force on day; NULL only before params_finish. Every date before the first change
 * has the first versions (they have no start date). */
const struct rule_set *params_at(const struct params *p, lmn_day day);
/* The first change: the first day on which a version other than a section's first takes effect,
 * or LMN_DAY_NONE when there is none. */
lmn_day params_first_change(const struct params *p);

/* Appends a parameter's value in the rule-file syntax. */
void param_format(enum param_id id, union param_value v, struct buf *out);

#endif
