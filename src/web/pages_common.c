/* The start page, signing in and out. */
#include <sodium.h>
#include <stdio.h>
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

/* Login CSRF: a form on another site must not sign a browser in as someone else. The sign-in
 * form carries a token bound to a cookie of its own (lmn_login, for /logga-in only): the MAC of
 * the cookie under a key made when the process starts (auth_token_mac), so a form from before a
 * restart must be reloaded. A site that cannot read or set our cookies cannot produce a matching pair, and
 * SameSite keeps the cookie off another site's posts in the first place. */
#define LOGIN_COOKIE "lmn_login"

/* The browser's login cookie, if it is one of ours in form (32 hex digits). */
static const char *login_cookie(struct web_ctx *w)
{
	const char *c = w->req->lookup(w->req->conn, HTTP_COOKIE, LOGIN_COOKIE);

	if (!c || strlen(c) != 32 || strspn(c, "0123456789abcdef") != 32)
		return NULL;
	return c;
}

static bool login_csrf_ok(struct web_ctx *w)
{
	const char *cookie = login_cookie(w), *sent = web_field(w, "_csrf");
	char want[33];

	if (!cookie || !sent || strlen(sent) != 32)
		return false;
	auth_token_mac("login", cookie, want);
	return sodium_memcmp(sent, want, 32) == 0;
}

static int login_form(struct web_ctx *w, unsigned status)
{
	struct http_resp *r = w->resp;
	const char *cookie = login_cookie(w);
	unsigned char raw[16];
	char fresh[33], token[33];

	if (!cookie) {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(fresh, sizeof(fresh), raw, sizeof(raw));
		cookie = fresh;
	}
	if (r->nheaders < HTTP_MAX_HEADERS) {
		r->headers[r->nheaders].name = "Set-Cookie";
		snprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value),
			 LOGIN_COOKIE "=%s; Path=/logga-in; HttpOnly; SameSite=Strict; "
				      "Max-Age=86400%s",
			 cookie, auth_secure_cookies(&w->app->cfg) ? "; Secure" : "");
		r->nheaders++;
	}
	auth_token_mac("login", cookie, token);
	web_begin(w, "Logga in");
	html_lit(&w->h, "<p>Logga in för att beställa, förskriva eller följa leveranser av "
			"läkemedelsnära produkter.</p>\n");
	html_f(&w->h,
	       "<form method=\"post\" action=\"/logga-in\">\n"
	       "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n",
	       token);
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

	if (!w->me && !login_csrf_ok(w)) {
		web_error(w, "",
			  "Inloggningsformuläret har gått ut eller kom inte från den här "
			  "sidan. Logga in igen här.");
		return login_form(w, 403);
	}
	if (!user || !*user)
		web_error(w, "anvandarnamn", "Skriv ditt användarnamn.");
	if (!password || !*password)
		web_error(w, "losenord", "Skriv ditt lösenord.");
	if (w->nerrors)
		return login_form(w, 400);
	status = web_api(w, "POST", "/api/login", NULL,
			 json_pack("{s:s, s:s}", "username", user, "password", password), &out);
	if (status == 429 || status == 503) { /* too many attempts, or too many at once */
		web_problem(w, out, (const char *const[]){ "password", "losenord", NULL });
		json_decref(out);
		return login_form(w, (unsigned)status);
	}
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
