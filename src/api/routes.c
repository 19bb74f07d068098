/* The route table. Every route here is documented in src/api/openapi.json; tests/unit/test_openapi.c
 * checks that both agree (paths, methods, roles and summaries). */
#include "api/api.h"

#define STAFF_WITH_PATIENTS                                            \
	(ROLE_BIT(UR_PRESCRIBER) | ROLE_BIT(UR_MUNICIPAL_PRESCRIBER) | \
	 ROLE_BIT(UR_MUNICIPAL_ORDERER) | ROLE_BIT(UR_CUSTOMER_SERVICE))
#define PATIENT_OR_STAFF (ROLE_BIT(UR_PATIENT) | STAFF_WITH_PATIENTS)
#define ORDERING_ROLES	 PATIENT_OR_STAFF
#define PRESCRIBERS	 (ROLE_BIT(UR_PRESCRIBER) | ROLE_BIT(UR_MUNICIPAL_PRESCRIBER))
#define SECRETARY	 ROLE_BIT(UR_SECRETARY)
#define GOV_READ	 (ROLE_BIT(UR_SECRETARY) | ROLE_BIT(UR_MEMBER) | ROLE_BIT(UR_ADMIN))
#define GOV_TAKE_PART	 (ROLE_BIT(UR_SECRETARY) | ROLE_BIT(UR_MEMBER))
#define STAFF		 (ANY_ROLE & ~ROLE_BIT(UR_PATIENT))

static const struct route routes[] = {
	{ "POST", "/api/login", auth_login, 0, "Sign in with username and password" },
	{ "POST", "/api/logout", auth_logout, ANY_ROLE, "Sign out" },
	{ "GET", "/api/me", auth_me, ANY_ROLE, "The signed-in user" },

	{ "GET", "/api/patients", patients_list, STAFF_WITH_PATIENTS, "Find patients" },
	{ "POST", "/api/patients", patients_create, ROLE_BIT(UR_CUSTOMER_SERVICE) | PRESCRIBERS,
	  "Register a patient (municipality: one of the 49 of Västra Götaland, data/municipalities.txt)" },
	{ "GET", "/api/patients/{id}", patients_get, PATIENT_OR_STAFF, "A patient" },
	{ "GET", "/api/patients/{id}/access-log", patients_access_log, ROLE_BIT(UR_PATIENT),
	  "Who accessed my data" },
	{ "GET", "/api/patients/{id}/contact", patients_contact_get,
	  ROLE_BIT(UR_PATIENT) | ROLE_BIT(UR_CUSTOMER_SERVICE),
	  "A patient's phone, e-mail and choice of notices (sms, email, none)" },
	{ "PUT", "/api/patients/{id}/contact", patients_contact_put,
	  ROLE_BIT(UR_PATIENT) | ROLE_BIT(UR_CUSTOMER_SERVICE),
	  "Change a patient's phone, e-mail and choice of notices" },
	{ "POST", "/api/patients/{id}/care-relationships", care_relationships_create, PRESCRIBERS,
	  "Record a care relationship of the unit to a patient found by number (with a reason)" },

	{ "GET", "/api/patients/{id}/prescriptions", prescriptions_list, PATIENT_OR_STAFF,
	  "A patient's prescriptions with what may be ordered now" },
	{ "POST", "/api/patients/{id}/prescriptions", prescriptions_create, PRESCRIBERS,
	  "Prescribe (an item for an article the patient has an active item for replaces it)" },
	{ "POST", "/api/prescription-items/{id}/cancel", prescription_items_cancel, PRESCRIBERS,
	  "Cancel a prescription item" },
	{ "GET", "/api/prescriptions/expiring", prescriptions_expiring, PRESCRIBERS,
	  "The caller's unit's prescription items that end within days= (default 30), the first to "
	  "end first" },
	{ "POST", "/api/prescription-items/{id}/renewal-request", renewal_requests_create,
	  ROLE_BIT(UR_PATIENT),
	  "A patient asks the prescribing unit to renew an item that has ended, has no withdrawal left or ends within 30 days (asking again changes nothing)" },
	{ "GET", "/api/renewal-requests", renewal_requests_list, PRESCRIBERS,
	  "The caller's unit's open renewal requests, the oldest first" },
	{ "GET", "/api/municipal-housing/residents", municipal_residents,
	  ROLE_BIT(UR_MUNICIPAL_ORDERER) | ROLE_BIT(UR_MUNICIPAL_PRESCRIBER),
	  "The residents in municipal housing of the caller's municipality with what each may order "
	  "today" },

	{ "GET", "/api/patients/{id}/orders", orders_list, PATIENT_OR_STAFF, "A patient's orders" },
	{ "POST", "/api/patients/{id}/orders", orders_create, ORDERING_ROLES,
	  "Place a withdrawal (order); Idempotency-Key makes retries safe" },
	{ "GET", "/api/orders/{id}", orders_get, PATIENT_OR_STAFF | ROLE_BIT(UR_DISTRIBUTOR),
	  "An order" },
	{ "POST", "/api/orders/{id}/cancel", orders_cancel, PATIENT_OR_STAFF,
	  "Cancel an order that has not shipped" },

	{ "GET", "/api/fulfilment/orders", fulfilment_list, ROLE_BIT(UR_DISTRIBUTOR),
	  "Orders to pick, by due date, backordered ones last (until=YYYY-MM-DD, default a week "
	  "ahead)" },
	{ "GET", "/api/fulfilment/orders/{id}", fulfilment_get, ROLE_BIT(UR_DISTRIBUTOR),
	  "An order to pick, with its recipient and where it goes" },
	{ "GET", "/api/fulfilment/totals", fulfilment_totals, ROLE_BIT(UR_DISTRIBUTOR),
	  "A wave's totals per article: what is left to ship of the orders due on or before until "
	  "(default the next working day), backordered lines left out" },
	{ "GET", "/api/orders/{id}/packing-slip", packing_slip_get, ROLE_BIT(UR_DISTRIBUTOR),
	  "An order's packing slip with its address label, as PDF" },
	{ "GET", "/api/fulfilment/packing-slips", packing_slips_wave, ROLE_BIT(UR_DISTRIBUTOR),
	  "A wave's packing slips, a page per order not waiting for the supplier, as PDF (until=, "
	  "default the next working day)" },
	{ "POST", "/api/orders/{id}/shipments", shipments_create, ROLE_BIT(UR_DISTRIBUTOR),
	  "Ship an order: in full, or partially only for backordered lines" },
	{ "POST", "/api/shipments/{id}/delivered", shipments_delivered, ROLE_BIT(UR_DISTRIBUTOR),
	  "Register delivery (a home delivery outside 08:00–19:00, 19:00 included, on a working day "
	  "is a deviation; a time before the order was received or in the future is refused, 422 "
	  "impossible_time)" },
	{ "POST", "/api/shipments/{id}/returned", shipments_returned, ROLE_BIT(UR_DISTRIBUTOR),
	  "Register a return or a parcel not collected" },
	{ "GET", "/api/shipments", shipments_list, ROLE_BIT(UR_DISTRIBUTOR),
	  "Shipments with their lines (open=1: no delivery or return registered yet; order_id=)" },
	{ "GET", "/api/shipments/{id}", shipments_get, ROLE_BIT(UR_DISTRIBUTOR),
	  "A shipment with its lines and outcome" },

	{ "GET", "/api/contact-cases", contact_cases_list, ROLE_BIT(UR_CUSTOMER_SERVICE),
	  "Open delay-contact cases, a page at a time (opened by lmn serve's job)" },
	{ "POST", "/api/contact-cases/{id}/call", contact_cases_call, ROLE_BIT(UR_CUSTOMER_SERVICE),
	  "Record a call about a contact case" },

	{ "GET", "/api/articles", articles_list, ANY_ROLE,
	  "The assortment with the prices in force today (area=, q=)" },
	{ "GET", "/api/pickup-points", pickup_points_near, ANY_ROLE,
	  "The ten pickup points nearest a postal code (postal_code=)" },
	{ "GET", "/api/calls", calls_list, ROLE_BIT(UR_CUSTOMER_SERVICE) | ROLE_BIT(UR_ADMIN),
	  "The call log of a day (date=)" },
	{ "POST", "/api/calls", calls_create, ROLE_BIT(UR_CUSTOMER_SERVICE),
	  "Log a call: queued, answered or abandoned, topic" },

	{ "POST", "/api/article-imports", article_imports_create, ROLE_BIT(UR_ADMIN),
	  "Import an assortment CSV file (text/csv); all rows or none" },
	{ "GET", "/api/article-imports", article_imports_list, ROLE_BIT(UR_ADMIN),
	  "Recent assortment imports" },
	{ "GET", "/api/article-imports/{id}", article_imports_get, ROLE_BIT(UR_ADMIN),
	  "An import's progress, or its outcome with every error" },

	{ "GET", "/api/notices", notices_list_route, ROLE_BIT(UR_ADMIN),
	  "Notices to patients not sent: dead letters and those still queued" },
	{ "POST", "/api/notices/{id}/retry", notices_retry_route, ROLE_BIT(UR_ADMIN),
	  "Queue a dead notice again, its attempts from 0 (once the relay or gateway is fixed)" },
	{ "GET", "/api/users", users_list, ROLE_BIT(UR_ADMIN), "Staff accounts" },
	{ "POST", "/api/users", users_create, ROLE_BIT(UR_ADMIN), "Create a staff account" },
	{ "POST", "/api/users/{id}/deactivate", users_deactivate, ROLE_BIT(UR_ADMIN),
	  "Close an account: sign-in, sessions and tokens stop working" },
	{ "POST", "/api/users/{id}/reopen", users_reopen, ROLE_BIT(UR_ADMIN),
	  "Reopen a closed account: it signs in with its password again; its tokens stay revoked" },
	{ "GET", "/api/units", units_list, ROLE_BIT(UR_ADMIN),
	  "The care units with their care provider and cost centre, for a prescriber's account" },
	{ "GET", "/api/municipalities", municipalities_list, STAFF,
	  "The municipalities of the agreement (data/municipalities.txt): a patient's or a municipal "
	  "account's municipality is one of them" },
	{ "GET", "/api/users/{id}/tokens", tokens_list, STAFF,
	  "A user's API tokens (never their secrets): one's own, or admin any staff account's" },
	{ "POST", "/api/users/{id}/tokens", tokens_create, STAFF,
	  "Create an API token (one's own, or admin for an integration account); its secret is "
	  "shown only in this answer" },
	{ "POST", "/api/api-tokens/{id}/revoke", tokens_revoke, STAFF,
	  "Revoke an API token (one's own; admin any)" },

	{ "GET", "/api/rules", rules_list, ANY_ROLE & ~ROLE_BIT(UR_PATIENT),
	  "Every rule parameter as in force on a date (on=YYYY-MM-DD, default today) with its source" },

	{ "GET", "/api/bodies", bodies_list, GOV_READ,
	  "Governance bodies (a member sees their own)" },
	{ "POST", "/api/bodies", bodies_create, SECRETARY, "Create a governance body" },
	{ "GET", "/api/bodies/{id}", bodies_get, GOV_READ,
	  "A body with its seats and who holds them on a date (on=YYYY-MM-DD)" },
	{ "POST", "/api/bodies/{id}/seats", seats_create, SECRETARY, "Add a seat to a body" },
	{ "GET", "/api/bodies/{id}/compliance", bodies_compliance, GOV_READ,
	  "Compliance report of a body for a year (year=): meetings, alternation, composition, "
	  "notices, minutes, open actions" },
	{ "POST", "/api/seats/{id}/terms", terms_create, SECRETARY,
	  "Appoint a person to a seat for a term" },
	{ "POST", "/api/terms/{id}/end", terms_end, SECRETARY,
	  "End a term on a day (the seat is vacant after it)" },
	{ "GET", "/api/people", people_list, SECRETARY | ROLE_BIT(UR_ADMIN),
	  "People who hold seats or take part in meetings" },
	{ "POST", "/api/people", people_create, SECRETARY, "Add a person" },
	{ "GET", "/api/meetings", meetings_list, GOV_READ, "Meetings (body_id=, year=)" },
	{ "POST", "/api/bodies/{id}/meetings", meetings_create, SECRETARY, "Schedule a meeting" },
	{ "GET", "/api/meetings/{id}", meetings_get, GOV_READ,
	  "A meeting with its agenda, attendance and the live quorum of every item" },
	{ "PUT", "/api/meetings/{id}/attendance", meetings_attendance, SECRETARY,
	  "Record the items a person was present for (all, none, a list, or from/until), or many "
	  "people's at once (people)" },
	{ "POST", "/api/meetings/{id}/items", items_create, SECRETARY, "Add an agenda item" },
	{ "PUT", "/api/agenda-items/{id}", items_update, SECRETARY,
	  "Change an agenda item's text, presenter, position, follow-up, matter or cost" },
	{ "POST", "/api/agenda-items/{id}/written", items_written, GOV_TAKE_PART,
	  "Take part in an item in writing before the meeting (the secretary records an e-mail)" },
	{ "POST", "/api/agenda-items/{id}/outcome", items_outcome, SECRETARY,
	  "Record an item's outcome; decided needs quorum and the body's mandate" },
	{ "POST", "/api/agenda-items/{id}/actions", actions_create, SECRETARY,
	  "Add a follow-up action with owner and due date" },
	{ "GET", "/api/actions", actions_list, GOV_READ,
	  "Follow-up actions across meetings (open=1, body_id=)" },
	{ "POST", "/api/actions/{id}/done", actions_done, SECRETARY,
	  "Mark a follow-up action done" },
	{ "POST", "/api/meetings/{id}/minutes", minutes_generate, SECRETARY,
	  "Generate the minutes from the meeting (after approval: a new version)" },
	{ "GET", "/api/meetings/{id}/minutes", minutes_list, GOV_READ,
	  "The versions of a meeting's minutes" },
	{ "GET", "/api/minutes/{id}", minutes_get, GOV_READ,
	  "Minutes as HTML with their approvals and who must still approve" },
	{ "GET", "/api/minutes/{id}/document", minutes_document, GOV_READ,
	  "Minutes as an HTML document" },
	{ "GET", "/api/minutes/{id}/pdf", minutes_pdf_get, GOV_READ, "Minutes as PDF" },
	{ "POST", "/api/minutes/{id}/approve", minutes_approve, GOV_TAKE_PART,
	  "Approve minutes (a member for themselves; the secretary records person_id and how)" },
	{ "POST", "/api/minutes/{id}/publish", minutes_publish, SECRETARY,
	  "Publish approved minutes (the date is kept)" },
	{ "GET", "/api/change-log", change_log_list, GOV_READ, "The change log (section=, body=)" },
	{ "POST", "/api/change-log", change_log_create, SECRETARY,
	  "Record a decision that changes a specification, with the rule parameters it changes" },
	{ "GET", "/api/change-log/{id}", change_log_get, GOV_READ,
	  "A change-log entry with the difference between its original and new text" },
	{ "GET", "/api/specification", specification_get, GOV_READ,
	  "A specification section's text as in force on a date (section=, on=)" },
	{ "POST", "/api/what-if", what_if, GOV_READ,
	  "Replay a past period's orders under a proposed rule-parameter value and compare the key "
	  "figures" },
	{ "GET", "/api/specification/diff", specification_diff, GOV_READ,
	  "The difference of a section's text between two dates (section=, from=, to=)" },

	{ "GET", "/api/reports/key-figures", reports_keyfigures_get, ROLE_BIT(UR_ADMIN),
	  "Key figures of a tertial or year against the targets in force, with the trend "
	  "(year=, tertial=1-3 or 0 for the year, format=json|csv)" },
	{ "GET", "/api/reports/invoice-basis", reports_invoice_get, ROLE_BIT(UR_ADMIN),
	  "The invoice basis of a month per care provider and cost centre (month=YYYY-MM, "
	  "format=json|csv)" },
	{ "GET", "/api/reports/surplus-repayment", reports_repayment_get, ROLE_BIT(UR_ADMIN),
	  "A year's surplus repaid pro rata to what each care provider was charged (year=, "
	  "surplus_ore=, format=json|csv)" },
	{ "GET", "/api/rivta/traffic", rivta_traffic_get, ROLE_BIT(UR_ADMIN),
	  "The 1177 service contracts' calls today on every server of the database, per "
	  "interaction and major version: answered, logical errors (ResultCode ERROR) and SOAP "
	  "Faults" },
	{ "GET", "/api/fees", fees_list, ROLE_BIT(UR_ADMIN), "Every version of the fee tables" },
	{ "POST", "/api/fees", fees_create, ROLE_BIT(UR_ADMIN),
	  "Set a fee from a date (today or later)" },

	{ "GET", "/api/delivery-alternatives", delivery_alternatives_list,
	  ROLE_BIT(UR_ADMIN) | ROLE_BIT(UR_CUSTOMER_SERVICE),
	  "The delivery alternatives prescription items allow, per product area" },
	{ "POST", "/api/delivery-alternatives", delivery_alternatives_create, ROLE_BIT(UR_ADMIN),
	  "Add a delivery alternative" },
	{ "PUT", "/api/delivery-alternatives/{id}", delivery_alternatives_update,
	  ROLE_BIT(UR_ADMIN), "Change a delivery alternative (active false: no longer offered)" },

	{ "GET", "/api/openapi.json", openapi_get, 0, "This document" },
};

const struct route *api_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
