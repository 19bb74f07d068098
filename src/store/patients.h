/* Patients: registering one, reading one, finding them by number or by name within what a role
 * may list, and their contact details for notices. Every statement of the API on the table. */
#ifndef LMN_STORE_PATIENTS_H
#define LMN_STORE_PATIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* A patient's record; the strings live while the callback that gets it runs. */
struct patient_row {
	int64_t id;
	const char *id_number, *id_kind, *given_name, *family_name;
	const char *address, *postal_code, *city, *phone; /* phone "" when none */
	const char *municipality;
	bool protected_identity, municipal_housing, rural_route;
};
typedef enum lmn_rc (*patient_fn)(const struct patient_row *p, void *arg);

/* Calls fn for the patient id, if there is one (*found). */
LMN_MUST_USE enum lmn_rc patient_read(struct db_conn *c, int64_t id, patient_fn fn, void *arg,
				      bool *found, struct lmn_err *err);
/* Calls fn for the patient with this canonical personal identity number, if there is one
 * (*found). */
LMN_MUST_USE enum lmn_rc patient_read_by_number(struct db_conn *c, const char *canonical,
						patient_fn fn, void *arg, bool *found,
						struct lmn_err *err);

/* Whom a search by name may list (DOMAIN.md §2); never a protected identity. */
enum patient_scope {
	PATIENTS_OF_UNIT,	  /* a prescription or a care relationship (to today) of the unit */
	PATIENTS_IN_HOUSING,	  /* the municipality's residents of municipal housing */
	PATIENTS_OF_MUNICIPALITY, /* the municipality's residents */
	PATIENTS_ALL,
};
struct patient_search {
	enum patient_scope scope;
	const char *like; /* a LIKE pattern of "given family", with \ as its escape */
	int64_t unit_id;
	const char *municipality;
	const char *today; /* YYYY-MM-DD */
	int64_t limit;
};
/* Calls fn for at most s->limit patients of s's scope whose name is like s->like, by family name
 * and given name; fn's failure stops the read and is returned. */
LMN_MUST_USE enum lmn_rc patients_by_name(struct db_conn *c, const struct patient_search *s,
					  patient_fn fn, void *arg, struct lmn_err *err);

/* A new patient; phone NULL for none; id 0 for the next one. */
struct patient_new {
	int64_t id;
	const char *id_number, *id_kind, *given_name, *family_name;
	const char *address, *postal_code, *city, *phone, *municipality;
	bool protected_identity, municipal_housing, rural_route;
	const char *created_at;
};
/* Registers the patient r in the caller's write transaction; *id is the new row's. */
LMN_MUST_USE enum lmn_rc patients_insert(struct db_conn *c, const struct patient_new *r,
					 int64_t *id, struct lmn_err *err);

/* Whether any patient is registered. */
LMN_MUST_USE enum lmn_rc patients_any(struct db_conn *c, bool *any, struct lmn_err *err);

/* The patient's contact details for notices, and a temporary delivery address ("Mina
 * uppgifter"). */
struct patient_contact {
	char phone[64];
	char email[256];
	char channel[8];	 /* "sms", "email" or "none" */
	bool protected_identity; /* read only: the patient's identity is protected */
	/* A temporary delivery address, from and until (dates, both included); "" for none. */
	char temp_address[256], temp_postal_code[8], temp_city[64], temp_from[11], temp_until[11];
};
LMN_MUST_USE enum lmn_rc patient_contact_get(struct db_conn *c, int64_t patient_id,
					     struct patient_contact *out, struct lmn_err *err);
/* Sets them (a NULL or "" phone or e-mail: none). LMN_ENOTFOUND without the patient. In the
 * caller's write transaction. */
LMN_MUST_USE enum lmn_rc patient_contact_set(struct db_conn *c, int64_t patient_id,
					     const struct patient_contact *in, struct lmn_err *err);

/* What placing an order reads of its patient: the address to deliver home to on day (the
 * temporary one, migration 21, on the days it is for), the phone ("" when none) and whether the
 * identity is protected. */
struct patient_delivery {
	char address[256], postal_code[8], city[64], phone[32];
	bool protected_identity;
};

/* Patient patient_id's as of day (YYYY-MM-DD) into *out; *found false when there is none. */
LMN_MUST_USE enum lmn_rc patient_delivery_address(struct db_conn *c, int64_t patient_id,
						  const char *day, struct patient_delivery *out,
						  bool *found, struct lmn_err *err);

/* Whether patient patient_id lives in municipal housing (false when there is none). */
LMN_MUST_USE enum lmn_rc patient_in_municipal_housing(struct db_conn *c, int64_t patient_id,
						      bool *housing, struct lmn_err *err);

#endif
