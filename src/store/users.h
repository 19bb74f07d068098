/* Accounts, sessions and API tokens: every statement on the users, sessions and api_tokens tables
 * that the API makes (signing in, who a credential names, managing staff accounts and tokens). */
#ifndef LMN_STORE_USERS_H
#define LMN_STORE_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/rc.h"

/* Who an account is, as a credential names it. */
struct account {
	int64_t id;
	char role[32];
	int64_t patient_id, unit_id, person_id; /* 0: none */
	char municipality[64];			/* "": none */
	char username[64], display_name[128];
};

/* A session's own columns. Times are "YYYY-MM-DDTHH:MM:SSZ". */
struct session_row {
	char csrf[48];
	char expires_at[32];
	char idle_until[32]; /* the absolute end when the session has no idle end */
};

/* The active account of the unrevoked API token whose hash (hex of SHA-256) is hash, and the
 * token's id; *found false when none. */
LMN_MUST_USE enum lmn_rc account_by_token(struct db_conn *c, const char *hash, struct account *a,
					  int64_t *token_id, bool *found, struct lmn_err *err);
/* The active person account (not an integration) with this user name; *found false when none. */
LMN_MUST_USE enum lmn_rc account_by_person_name(struct db_conn *c, const char *username,
						struct account *a, bool *found,
						struct lmn_err *err);
/* The active account of the session whose token hash is hash, if the session has not ended by
 * the system clock (absolute or idle end), with the session's columns; *found false when none. */
LMN_MUST_USE enum lmn_rc account_by_session(struct db_conn *c, const char *hash, struct account *a,
					    struct session_row *s, bool *found,
					    struct lmn_err *err);
/* The active account with this user name and its password hash ("" without one, stored holds
 * size bytes); *found false when none. */
LMN_MUST_USE enum lmn_rc account_for_login(struct db_conn *c, const char *username,
					   struct account *a, char *stored, size_t size,
					   bool *found, struct lmn_err *err);

/* Opens a session for user_id (created at now) with token hash hash and CSRF token csrf: it ends
 * twelve hours from the system clock, or after idle_s seconds without a request. */
LMN_MUST_USE enum lmn_rc sessions_insert(struct db_conn *c, const char *hash, int64_t user_id,
					 const char *csrf, const char *now, int idle_s,
					 struct lmn_err *err);
/* Moves the idle end of the session with token hash hash to idle_s seconds from the system
 * clock (never past its absolute end). */
LMN_MUST_USE enum lmn_rc sessions_touch(struct db_conn *c, const char *hash, int idle_s,
					struct lmn_err *err);
/* Ends the session with token hash hash (none: nothing). */
LMN_MUST_USE enum lmn_rc sessions_delete(struct db_conn *c, const char *hash, struct lmn_err *err);

/* Stores an API token (its hash only) of user_id, created by created_by at now. */
LMN_MUST_USE enum lmn_rc api_tokens_insert(struct db_conn *c, const char *hash, int64_t user_id,
					   const char *name, const char *now, int64_t created_by,
					   struct lmn_err *err);
/* Revokes the token id at now (a revoked one keeps its time), if it belongs to owner (0: any);
 * *found false when there is no such token. In the caller's write transaction. */
LMN_MUST_USE enum lmn_rc api_tokens_revoke(struct db_conn *c, int64_t id, int64_t owner,
					   const char *now, bool *found, struct lmn_err *err);

/* One API token as its list shows it; strings valid during the call. */
struct api_token_row {
	int64_t id;
	const char *name, *created_at, *revoked_at; /* revoked_at "": not revoked */
	int64_t created_by;			    /* 0: unknown */
	const char *created_by_username;
};
typedef enum lmn_rc (*api_token_fn)(const struct api_token_row *r, void *arg);
/* Calls fn for each API token of user_id, oldest first; fn's failure stops the read. */
LMN_MUST_USE enum lmn_rc api_tokens_each(struct db_conn *c, int64_t user_id, api_token_fn fn,
					 void *arg, struct lmn_err *err);

/* A staff account as the administration sees it; strings valid during the call. */
struct staff_row {
	int64_t id;
	const char *username, *display_name, *role;
	int64_t unit_id;	  /* 0: none */
	const char *municipality; /* "": none */
	bool active;
	const char *created_at, *kind;
};
typedef enum lmn_rc (*staff_fn)(const struct staff_row *r, void *arg);
/* Calls fn for each staff account (not patients'), by role and user name. */
LMN_MUST_USE enum lmn_rc staff_each(struct db_conn *c, staff_fn fn, void *arg, struct lmn_err *err);
/* Calls fn once for the account id (staff or not); LMN_ENOTFOUND when there is none. */
LMN_MUST_USE enum lmn_rc staff_get(struct db_conn *c, int64_t id, staff_fn fn, void *arg,
				   struct lmn_err *err);

/* The columns an INSERT INTO users writes, in the order of enum user_col. */
#define USERS_INSERT_COLUMNS                                                                   \
	"id, username, display_name, role, patient_id, unit_id, municipality, password_hash, " \
	"active, created_at, person_id, kind"

/* The parameter number of each column in an INSERT with USERS_INSERT_COLUMNS. */
enum user_col {
	USER_COL_ID = 1,
	USER_COL_USERNAME,
	USER_COL_DISPLAY_NAME,
	USER_COL_ROLE,
	USER_COL_PATIENT_ID,
	USER_COL_UNIT_ID,
	USER_COL_MUNICIPALITY,
	USER_COL_PASSWORD_HASH,
	USER_COL_ACTIVE,
	USER_COL_CREATED_AT,
	USER_COL_PERSON_ID,
	USER_COL_KIND,
	USERS_COLUMN_COUNT = USER_COL_KIND
};

/* A new account of any role. Ids of 0 and NULL strings are NULL in the row (id 0: the next
 * one); a municipality "" is none; kind NULL is "person". */
struct user_row {
	int64_t id;
	const char *username, *display_name, *role;
	int64_t patient_id, unit_id;
	const char *municipality, *password_hash;
	bool active;
	const char *created_at;
	int64_t person_id;
	const char *kind;
};
/* Creates the account r in the caller's write transaction; *id is the new row's. */
LMN_MUST_USE enum lmn_rc users_insert(struct db_conn *c, const struct user_row *r, int64_t *id,
				      struct lmn_err *err);

/* Gives the prescribers' accounts fictional HSA-ids in the directory's form, from their ids (the
 * demo's, for the 1177 contracts). */
LMN_MUST_USE enum lmn_rc users_invent_hsa_ids(struct db_conn *c, struct lmn_err *err);

/* A new staff account; NULL or 0 for what it does not have. */
struct staff_new {
	const char *username, *display_name, *role;
	int64_t unit_id;
	const char *municipality; /* "" or NULL: none */
	const char *password_hash;
	const char *created_at;
	int64_t person_id;
	const char *kind; /* person, integration */
};
/* Creates the account r in the caller's write transaction; *id is the new row's. */
LMN_MUST_USE enum lmn_rc staff_insert(struct db_conn *c, const struct staff_new *r, int64_t *id,
				      struct lmn_err *err);

/* Whether id is a staff account (not a patient's); *integration whether it is an integration
 * account. */
LMN_MUST_USE enum lmn_rc staff_kind(struct db_conn *c, int64_t id, bool *exists, bool *integration,
				    struct lmn_err *err);

/* Closes the account id at now, in the caller's write transaction: it can no longer sign in,
 * its sessions end and its API tokens are revoked. */
LMN_MUST_USE enum lmn_rc staff_close(struct db_conn *c, int64_t id, const char *now,
				     struct lmn_err *err);

/* Whether an account (of anyone, patients too) has this user name. */
LMN_MUST_USE enum lmn_rc username_taken(struct db_conn *c, const char *username, bool *taken,
					struct lmn_err *err);

/* Reopens the closed staff account id, in the caller's write transaction: it may sign in again
 * with its password; its sessions and API tokens stay ended. *found is false when there is no such
 * staff account. */
LMN_MUST_USE enum lmn_rc staff_reopen(struct db_conn *c, int64_t id, bool *found,
				      struct lmn_err *err);

#endif
