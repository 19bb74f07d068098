/* The start page, signing in and out. */
#include <string.h>

#include "web/pages.h"

int page_home(struct web_ctx *w)
{
	static const char *const homes[UR__COUNT] = {
		[UR_PATIENT] = "/mina-sidor",
		[UR_PRESCRIBER] = "/patienter",
		[UR_MUNICIPAL_PRESCRIBER] = "/patienter",
		[UR_MUNICIPAL_ORDERER] = "/patienter",
		[UR_CUSTOMER_SERVICE] = "/patienter",
		[UR_DISTRIBUTOR] = "/plocklista",
		[UR_ADMIN] = "/admin/sortiment",
		[UR_SECRETARY] = "/styrning",
		[UR_MEMBER] = "/styrning",
	};
	int role = w->me ? user_role_parse(w->role) : -1;

	return web_redirect(w, role >= 0 ? homes[role] : "/logga-in");
}

static int login_form(struct web_ctx *w, unsigned status)
{
	web_begin(w, "Logga in");
	html_lit(&w->h, "<p>Logga in för att beställa, förskriva eller följa leveranser av "
			"läkemedelsnära produkter.</p>\n");
	web_form(w, "/logga-in", false);
	web_input(w, "anvandarnamn", "Användarnamn", "text", NULL, true, NULL);
	web_input(w, "losenord", "Lösenord", "password", "", true, NULL);
	web_form_end(w, "Logga in");
	return web_end(w, status);
}

int page_login(struct web_ctx *w)
{
	if (w->me)
		return page_home(w);
	return login_form(w, 200);
}

int page_login_post(struct web_ctx *w)
{
	const char *user = web_field(w, "anvandarnamn"), *password = web_field(w, "losenord");
	json_t *out = NULL;
	int status;

	if (!user || !*user)
		web_error(w, "anvandarnamn", "Skriv ditt användarnamn.");
	if (!password || !*password)
		web_error(w, "losenord", "Skriv ditt lösenord.");
	if (w->nerrors)
		return login_form(w, 400);
	status = web_api(w, "POST", "/api/login", NULL,
			 json_pack("{s:s, s:s}", "username", user, "password", password), &out);
	json_decref(out);
	if (status != 200) {
		web_error(w, "losenord", "Fel användarnamn eller lösenord.");
		return login_form(w, status == 401 ? 401 : 400);
	}
	return web_redirect(w, "/");
}

int page_logout(struct web_ctx *w)
{
	json_t *out = NULL;

	web_api(w, "POST", "/api/logout", NULL, NULL, &out);
	json_decref(out);
	return web_redirect(w, "/logga-in");
}
