/* The pages of each role (web/pages_*.c) and the pieces they share. */
#ifndef LMN_PAGES_H
#define LMN_PAGES_H

#include "web/web.h"

/* Options of the order form. */
#define ORDER_KIND	1u /* choose normal, acute or express (staff) */
#define ORDER_ON_BEHALF 2u /* customer service: who requests it, and why */
#define ORDER_CARE_UNIT 4u /* delivery to the care unit (staff) */

/* Writes the order form for a patient, posting to action. */
void order_form(struct web_ctx *w, int64_t patient_id, const char *action, unsigned options);
/* Places the order from the submitted form. Returns the API's status (201 or 200 when placed,
 * with *order_id set); otherwise the errors are in w. */
int order_submit(struct web_ctx *w, int64_t patient_id, unsigned options, int64_t *order_id);

/* A table of a patient's orders (GET /api/patients/{id}/orders). */
void orders_table(struct web_ctx *w, int64_t patient_id);
/* A patient's prescription items as cards: what may be ordered now, and when next. */
void prescriptions_cards(struct web_ctx *w, int64_t patient_id, bool staff);

/* "torsdag 10 december" for an ISO date, with the year when it is not the year of ref (an ISO date
 * or NULL); the text itself when it is not a date. */
void day_in_words(const char *iso, const char *ref, char out[48]);
/* "fyra" for 4: the numbers 0–12 in words, others in digits. */
void number_in_words(int n, char out[16]);
/* An article's package in words: count 0, the package ("förpackning om 4 st", "burk"); else
 * that many ("1 förpackning om 4 st", "3 förpackningar om 4 st", "2 burkar"). */
void package_text(json_t *article, long long count, char out[64]);
/* Spec B 3:1: the lead time in working days in force today (the rules of the day). */
int lead_time_today(struct web_ctx *w);

/* pages_common.c */
int page_home(struct web_ctx *w);
int page_login(struct web_ctx *w);
int page_login_post(struct web_ctx *w);
int page_logout(struct web_ctx *w);

/* pages_patient.c */
int page_my_prescriptions(struct web_ctx *w);
int page_my_order(struct web_ctx *w);
int page_my_order_post(struct web_ctx *w);
int page_my_orders(struct web_ctx *w);
int page_my_order_detail(struct web_ctx *w);
int page_my_access_log(struct web_ctx *w);
int page_my_contact(struct web_ctx *w);
int page_my_contact_post(struct web_ctx *w);
int page_admin_notice_retry(struct web_ctx *w);

/* pages_orders.c */
int page_order(struct web_ctx *w);
int page_order_cancel(struct web_ctx *w);

/* pages_staff.c */
int page_patients(struct web_ctx *w);
int page_patient(struct web_ctx *w);
int page_care_relationship_post(struct web_ctx *w);
int page_prescribe(struct web_ctx *w);
int page_prescribe_post(struct web_ctx *w);
int page_prescription_cancel(struct web_ctx *w);
int page_staff_order(struct web_ctx *w);
int page_staff_order_post(struct web_ctx *w);

/* pages_start.c: the start pages' work lists and registering a new patient (issue 20) */
void start_expiring(struct web_ctx *w);
/* may_order: the role may enter withdrawals (a link to order for each resident) */
void start_residents(struct web_ctx *w, bool may_order);
int page_patient_new(struct web_ctx *w);
int page_patient_new_post(struct web_ctx *w);
void start_renewal_requests(struct web_ctx *w);
int page_renewal_request_post(struct web_ctx *w);
/* One submit orders for several residents in municipal housing: an order each. */
int page_residents_order_post(struct web_ctx *w);

/* pages_service.c */
int page_contact_cases(struct web_ctx *w);
int page_contact_case_call(struct web_ctx *w);
int page_calls(struct web_ctx *w);
int page_calls_post(struct web_ctx *w);

/* pages_distributor.c */
int page_picklist(struct web_ctx *w);
int page_pick_totals(struct web_ctx *w);
int page_open_shipments(struct web_ctx *w);
int page_pick(struct web_ctx *w);
int page_pick_post(struct web_ctx *w);
int page_shipment(struct web_ctx *w);
int page_shipment_delivered(struct web_ctx *w);
int page_shipment_returned(struct web_ctx *w);

/* pages_admin.c */
int page_admin_assortment(struct web_ctx *w);
int page_admin_import_post(struct web_ctx *w);
int page_admin_price(struct web_ctx *w);
int page_admin_price_post(struct web_ctx *w);
int page_admin_imports(struct web_ctx *w);
int page_admin_import(struct web_ctx *w);
int page_admin_users(struct web_ctx *w);
int page_admin_users_post(struct web_ctx *w);
int page_admin_user_deactivate(struct web_ctx *w);
int page_admin_user_deactivate_confirm(struct web_ctx *w);
int page_admin_user_reopen(struct web_ctx *w);
int page_admin_tokens(struct web_ctx *w);
int page_admin_tokens_post(struct web_ctx *w);
int page_admin_token_revoke(struct web_ctx *w);
int page_admin_rules(struct web_ctx *w);
int page_admin_operations(struct web_ctx *w);

/* pages_reports.c */
int page_admin_reports(struct web_ctx *w);
int page_admin_invoice(struct web_ctx *w);
int page_admin_fees(struct web_ctx *w);
int page_admin_fees_post(struct web_ctx *w);

/* pages_governance.c */
int page_governance(struct web_ctx *w);
int page_governance_meeting(struct web_ctx *w);
int page_governance_outcome_post(struct web_ctx *w);
int page_governance_written_post(struct web_ctx *w);
int page_governance_attendance_post(struct web_ctx *w);
int page_governance_minutes(struct web_ctx *w);
int page_governance_minutes_post(struct web_ctx *w);
int page_governance_approve_post(struct web_ctx *w);
int page_governance_change_log(struct web_ctx *w);
int page_governance_change_log_post(struct web_ctx *w);
int page_governance_compliance(struct web_ctx *w);
int page_governance_term_post(struct web_ctx *w);
int page_governance_term_end_post(struct web_ctx *w);
int page_governance_what_if(struct web_ctx *w);
int page_governance_what_if_post(struct web_ctx *w);
int page_governance_meeting_post(struct web_ctx *w);
int page_governance_item_post(struct web_ctx *w);
int page_governance_action_done_post(struct web_ctx *w);

#endif
