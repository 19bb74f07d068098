/* The page table: every page, its method and who may open it. The API checks again, with the
 * relationship to the patient; a page only decides what to show. */
#include "web/pages.h"

#define R(r) ROLE_BIT(UR_##r)
#define STAFF (R(PRESCRIBER) | R(MUNICIPAL_PRESCRIBER) | R(MUNICIPAL_ORDERER) | R(CUSTOMER_SERVICE))
#define ANY ((1u << UR__COUNT) - 1)

static const struct web_page pages[] = {
	{ "GET", "/", page_home, 0 },
	{ "GET", "/logga-in", page_login, 0 },
	{ "POST", "/logga-in", page_login_post, 0 },
	{ "POST", "/logga-ut", page_logout, ANY },

	{ "GET", "/mina-sidor", page_my_prescriptions, R(PATIENT) },
	{ "GET", "/bestall", page_my_order, R(PATIENT) },
	{ "POST", "/bestall", page_my_order_post, R(PATIENT) },
	{ "GET", "/mina-bestallningar", page_my_orders, R(PATIENT) },
	{ "GET", "/vem-har-last", page_my_access_log, R(PATIENT) },

	{ "GET", "/bestallningar/{id}", page_order, R(PATIENT) | STAFF | R(DISTRIBUTOR) },
	{ "POST", "/bestallningar/{id}/makulera", page_order_cancel, R(PATIENT) | STAFF },
};

const struct web_page *web_pages(size_t *n)
{
	*n = sizeof(pages) / sizeof(pages[0]);
	return pages;
}
