/* The page table: every page, its method and who may open it. The API checks again, with the
 * relationship to the patient; a page only decides what to show. */
#include "web/pages.h"

#define R(r)  ROLE_BIT(UR_##r)
#define STAFF (R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) | R(MUNICIPAL_ORDERER) | R(CUSTOMER_SERVICE))
#define ANY   ((1u << UR__COUNT) - 1)
#define GOV   (R(SECRETARY) | R(MEMBER) | R(ADMIN))

static const struct web_page pages[] = {
	{ "GET", "/", page_home, 0 },
	{ "GET", "/logga-in", page_login, 0 },
	{ "POST", "/logga-in", page_login_post, 0 },
	{ "POST", "/logga-ut", page_logout, ANY },

	{ "GET", "/mina-sidor", page_my_prescriptions, R(PATIENT) },
	{ "POST", "/mina-sidor/fornyelse/{id}", page_renewal_request_post, R(PATIENT) },
	{ "GET", "/bestall", page_my_order, R(PATIENT) },
	{ "POST", "/bestall", page_my_order_post, R(PATIENT) },
	{ "GET", "/mina-bestallningar", page_my_orders, R(PATIENT) },
	{ "GET", "/vem-har-last", page_my_access_log, R(PATIENT) },
	{ "GET", "/mina-uppgifter", page_my_contact, R(PATIENT) },
	{ "POST", "/mina-uppgifter", page_my_contact_post, R(PATIENT) },

	{ "GET", "/bestallningar/{id}", page_order, R(PATIENT) | STAFF | R(DISTRIBUTOR) },
	{ "POST", "/bestallningar/{id}/makulera", page_order_cancel, R(PATIENT) | STAFF },

	{ "GET", "/patienter", page_patients, STAFF },
	{ "GET", "/patienter/ny", page_patient_new, R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) },
	{ "POST", "/patienter/ny", page_patient_new_post, R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) },
	{ "GET", "/patienter/{id}", page_patient, STAFF },
	{ "POST", "/patienter/{id}/vardrelation", page_care_relationship_post,
	  R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) },
	{ "GET", "/patienter/{id}/forskriv", page_prescribe,
	  R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) },
	{ "POST", "/patienter/{id}/forskriv", page_prescribe_post,
	  R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) },
	{ "POST", "/forskrivningsrader/{id}/makulera", page_prescription_cancel,
	  R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) },
	{ "GET", "/patienter/{id}/bestall", page_staff_order, STAFF },
	{ "POST", "/patienter/{id}/bestall", page_staff_order_post, STAFF },
	{ "POST", "/boende/bestall", page_residents_order_post,
	  R(MUNICIPAL_PRESCRIBER) | R(MUNICIPAL_ORDERER) },
	{ "GET", "/kontaktarenden", page_contact_cases, R(CUSTOMER_SERVICE) },
	{ "POST", "/kontaktarenden/{id}/samtal", page_contact_case_call, R(CUSTOMER_SERVICE) },
	{ "GET", "/samtal", page_calls, R(CUSTOMER_SERVICE) },
	{ "POST", "/samtal", page_calls_post, R(CUSTOMER_SERVICE) },

	{ "GET", "/plocklista", page_picklist, R(DISTRIBUTOR) },
	{ "GET", "/plocklista/artiklar", page_pick_totals, R(DISTRIBUTOR) },
	{ "GET", "/leveranser", page_open_shipments, R(DISTRIBUTOR) },
	{ "GET", "/plocka/{id}", page_pick, R(DISTRIBUTOR) },
	{ "POST", "/plocka/{id}", page_pick_post, R(DISTRIBUTOR) },
	{ "GET", "/leveranser/{id}", page_shipment, R(DISTRIBUTOR) },
	{ "POST", "/leveranser/{id}/levererad", page_shipment_delivered, R(DISTRIBUTOR) },
	{ "POST", "/leveranser/{id}/retur", page_shipment_returned, R(DISTRIBUTOR) },

	{ "GET", "/admin/sortiment", page_admin_assortment, R(ADMIN) },
	{ "POST", "/admin/sortiment/import", page_admin_import_post, R(ADMIN) },
	{ "GET", "/admin/priser", page_admin_price, R(ADMIN) },
	{ "POST", "/admin/priser", page_admin_price_post, R(ADMIN) },
	{ "GET", "/admin/importer", page_admin_imports, R(ADMIN) },
	{ "GET", "/admin/importer/{id}", page_admin_import, R(ADMIN) },
	{ "GET", "/admin/anvandare", page_admin_users, R(ADMIN) },
	{ "POST", "/admin/anvandare", page_admin_users_post, R(ADMIN) },
	{ "GET", "/admin/anvandare/{id}/stang", page_admin_user_deactivate_confirm, R(ADMIN) },
	{ "POST", "/admin/anvandare/{id}/stang", page_admin_user_deactivate, R(ADMIN) },
	{ "POST", "/admin/anvandare/{id}/oppna", page_admin_user_reopen, R(ADMIN) },
	{ "GET", "/admin/anvandare/{id}/nycklar", page_admin_tokens, R(ADMIN) },
	{ "POST", "/admin/anvandare/{id}/nycklar", page_admin_tokens_post, R(ADMIN) },
	{ "POST", "/admin/anvandare/{id}/nycklar/{id}/aterkalla", page_admin_token_revoke,
	  R(ADMIN) },
	{ "GET", "/admin/regler", page_admin_rules, R(ADMIN) },
	{ "GET", "/admin/drift", page_admin_operations, R(ADMIN) },
	{ "POST", "/admin/drift/meddelanden/{id}/forsok-igen", page_admin_notice_retry, R(ADMIN) },
	{ "GET", "/admin/rapporter", page_admin_reports, R(ADMIN) },
	{ "GET", "/admin/fakturaunderlag", page_admin_invoice, R(ADMIN) },
	{ "GET", "/admin/avgifter", page_admin_fees, R(ADMIN) },
	{ "POST", "/admin/avgifter", page_admin_fees_post, R(ADMIN) },

	{ "GET", "/styrning", page_governance, GOV },
	{ "GET", "/styrning/moten/{id}", page_governance_meeting, GOV },
	{ "POST", "/styrning/moten", page_governance_meeting_post, R(SECRETARY) },
	{ "POST", "/styrning/moten/{id}/punkter", page_governance_item_post, R(SECRETARY) },
	{ "POST", "/styrning/atgarder/{id}/klar", page_governance_action_done_post, R(SECRETARY) },
	{ "POST", "/styrning/moten/{id}/narvaro", page_governance_attendance_post, R(SECRETARY) },
	{ "GET", "/styrning/moten/{id}/anteckningar", page_governance_minutes, GOV },
	{ "POST", "/styrning/moten/{id}/anteckningar", page_governance_minutes_post, R(SECRETARY) },
	{ "POST", "/styrning/punkter/{id}/utfall", page_governance_outcome_post, R(SECRETARY) },
	{ "POST", "/styrning/punkter/{id}/skriftligt", page_governance_written_post,
	  R(MEMBER) | R(SECRETARY) },
	{ "POST", "/styrning/anteckningar/{id}/godkann", page_governance_approve_post,
	  R(SECRETARY) | R(MEMBER) },
	{ "GET", "/styrning/andringslogg", page_governance_change_log, GOV },
	{ "POST", "/styrning/andringslogg", page_governance_change_log_post, R(SECRETARY) },
	{ "GET", "/styrning/organ/{id}", page_governance_compliance, GOV },
	{ "POST", "/styrning/platser/{id}/mandat", page_governance_term_post, R(SECRETARY) },
	{ "POST", "/styrning/mandat/{id}/avsluta", page_governance_term_end_post, R(SECRETARY) },
	{ "GET", "/styrning/vad-hander-om", page_governance_what_if, GOV },
	{ "POST", "/styrning/vad-hander-om", page_governance_what_if_post, GOV },
};

const struct web_page *web_pages(size_t *n)
{
	*n = sizeof(pages) / sizeof(pages[0]);
	return pages;
}
