/* Who is related to which patient (DOMAIN.md §2): the relationship checks of each role, care
 * relationships recorded by prescribers, and the audit log of searches by personal identity
 * number (migration 13): every statement on their tables. */
#ifndef LMN_RELATIONSHIPS_H
#define LMN_RELATIONSHIPS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* Records a care relationship of unit_id to patient_id until ends_on (YYYY-MM-DD, inclusive), in
 * the caller's write transaction; *id is the new row's. */
LMN_MUST_USE enum lmn_rc relationships_add(struct db_conn *c, int64_t patient_id, int64_t unit_id,
					   int64_t user_id, const char *reason, const char *now,
					   const char *ends_on, int64_t *id, struct lmn_err *err);

/* The relationship rules of DOMAIN.md §2, one per role (the handler picks the role's). */
enum relation_rule {
	REL_PATIENT,		  /* the patient themself or their delegate */
	REL_UNIT,		  /* a prescription or a care relationship of the unit */
	REL_MUNICIPAL_PRESCRIBER, /* the municipality's residents, or REL_UNIT */
	REL_MUNICIPAL_ORDERER,	  /* residents of municipal housing in the municipality */
	REL_EVERY,		  /* every patient (customer service) */
	REL_NONE,		  /* none by relationship */
};

/* Who asks about a patient, for relation_check. */
struct relation_query {
	enum relation_rule rule;
	int64_t patient_id;	  /* the patient asked about */
	int64_t own_id;		  /* REL_PATIENT: the caller's patient; unit rules: the unit */
	int64_t user_id;	  /* the caller's account (REL_PATIENT: a delegate) */
	const char *municipality; /* municipal rules */
	const char *today;	  /* YYYY-MM-DD: a care relationship lasts until its end */
};

/* Whether the patient exists, and whether q's caller is related to them by q's rule. */
LMN_MUST_USE enum lmn_rc relation_check(struct db_conn *c, const struct relation_query *q,
					bool *exists, bool *related, struct lmn_err *err);

/* Whether the distributor has order_id to deliver, or delivered (or got back) a shipment of it
 * on or after since (YYYY-MM-DD). */
LMN_MUST_USE enum lmn_rc distributor_has_order(struct db_conn *c, int64_t order_id,
					       const char *since, bool *has, struct lmn_err *err);

/* Makes user_id a delegate (ombud) of patient_id, in the caller's write transaction. */
LMN_MUST_USE enum lmn_rc delegates_add(struct db_conn *c, int64_t user_id, int64_t patient_id,
				       struct lmn_err *err);

/* Whether user_id is a delegate (ombud) of patient_id rather than the patient. */
LMN_MUST_USE enum lmn_rc delegate_of(struct db_conn *c, int64_t user_id, int64_t patient_id,
				     bool *is, struct lmn_err *err);

/* One search by personal identity number (or a registration that found the number taken). */
struct id_number_search {
	const char *at;	   /* ISO 8601 with offset */
	int64_t at_minute; /* local day * 1440 + minute of the day */
	int64_t user_id;
	int64_t token_id;      /* 0: none */
	const char *id_number; /* canonical */
	int64_t patient_id;    /* 0: no patient has it */
	bool register_;	       /* via POST /api/patients rather than a search */
};

LMN_MUST_USE enum lmn_rc searches_add(struct db_conn *c, const struct id_number_search *s,
				      struct lmn_err *err);
/* How many searches user_id made after minute `after`, and the minute of the first of them. */
LMN_MUST_USE enum lmn_rc searches_count(struct db_conn *c, int64_t user_id, int64_t after,
					int64_t *count, int64_t *first_minute, struct lmn_err *err);
/* Whether user_id found patient_id by its number after minute `after`. */
LMN_MUST_USE enum lmn_rc searches_found(struct db_conn *c, int64_t user_id, int64_t patient_id,
					int64_t after, bool *found, struct lmn_err *err);

#endif
