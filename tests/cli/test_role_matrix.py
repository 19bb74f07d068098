#!/usr/bin/env python3
# The role matrix over the route tables, against the real `lmn serve`: every operation of
# GET /api/openapi.json, and every page of src/web/pages.c, as every demo login and anonymously.
# The expected answer comes from the table itself (x-lmn-roles; the page's roles), so a new route
# or page is covered without touching this test:
#   API:   anonymous -> 401 (unless public); a role not listed -> 403 role_not_allowed (both as
#          application/problem+json); a listed role -> neither 401 nor role_not_allowed, no 5xx.
#   pages: anonymous -> 303 to /logga-in (unless public); a role not listed -> 403 "Din roll får
#          inte använda den här sidan"; a listed role -> neither, and no 5xx.
# Ids in paths are 999999 (nothing), bodies empty: a check of roles, not of what a handler does.
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

NO_ID = 999999
ROLE_PAGE = "Din roll får inte använda den här sidan"
# Signing out ends the session the rest of the matrix uses: done last by every caller.
LAST = {("POST", "/api/logout"), ("POST", "/logga-ut")}

t = lmntest.Tap()
wd = lmntest.Workdir()
srv = lmntest.Server(wd)
try:
    anon = lmntest.Client(srv.port)
    r = anon.get("/api/openapi.json")
    t.check("the OpenAPI document is public", 200, r.status)
    ops = lmntest.openapi_operations(r.json())
    t.ok(len(ops) >= 70, "the document has the operations (%d)" % len(ops))
    roles_named = {role for _, _, roles in ops for role in roles}
    t.check("every role the route table names has a demo login", set(),
            roles_named - set(lmntest.DEMO_USERS.values()))
    pages = lmntest.web_pages()
    t.ok(len(pages) >= 60, "the page table is read (%d pages)" % len(pages))
    t.check("every role the page table names has a demo login", set(),
            {role for _, _, roles in pages for role in roles} - set(lmntest.DEMO_USERS.values()))

    # One session per caller for the API and another for the pages (each ends with signing out).
    callers = {None: anon}
    page_callers = {None: lmntest.Client(srv.port)}
    for u in lmntest.DEMO_USERS:
        callers[u] = lmntest.Client(srv.port, u)
        page_callers[u] = lmntest.Client(srv.port, u)
    t.check("every demo login has the role the test expects",
            lmntest.DEMO_USERS, {u: c.me["role"] for u, c in callers.items() if u})

    def ordered(table):
        return sorted(table, key=lambda op: (op[0], op[1]) in LAST)

    # --- The API ---
    results = {}  # (method, path) -> [mismatch, ...]
    for who, c in callers.items():
        for method, path, roles in ordered(ops):
            url = lmntest.fill(path, *([NO_ID] * lmntest.params(path)))
            body = {} if method in ("POST", "PUT", "PATCH") else None
            r = c.request(method, url, body)
            role = lmntest.DEMO_USERS.get(who)
            problem = (r.header("Content-Type") or "").startswith("application/problem+json")
            if not roles:
                want = "public: not 401, not role_not_allowed, no 5xx"
                good = r.status != 401 and r.code != "role_not_allowed" and r.status < 500
            elif who is None:
                want = "401 problem+json"
                good = r.status == 401 and problem
            elif role not in roles:
                want = "403 role_not_allowed problem+json"
                good = r.status == 403 and r.code == "role_not_allowed" and problem
            else:
                want = "allowed: not 401, not role_not_allowed, no 5xx"
                good = r.status != 401 and r.code != "role_not_allowed" and r.status < 500
            bad = results.setdefault((method, path), [])
            if not good:
                bad.append("%s (%s): want %s, got %d %s" % (who or "anonymous", role or "-", want,
                                                           r.status, r.text[:200]))
        c.close()
    for (method, path), bad in results.items():
        t.ok(not bad, "API %s %s: every role and anonymous as x-lmn-roles says" % (method, path),
             *bad)

    # --- The pages ---
    results = {}
    for who, c in page_callers.items():
        for method, path, roles in ordered(pages):
            url = lmntest.fill(path, *([NO_ID] * lmntest.params(path)))
            form = {"_csrf": c.csrf or ""} if method == "POST" else None
            cookies = dict(c.cookies)
            r = c.request(method, url, form=form)
            role = lmntest.DEMO_USERS.get(who)
            to_login = r.status == 303 and (r.header("Location") or "").startswith("/logga-in")
            if (method, path) in LAST and who is not None and to_login:
                # Signing out answers with the sign-in page too: allowed if the session ended.
                old = lmntest.Client(srv.port, keep_alive=False)
                old.cookies = cookies
                to_login = old.get("/api/me").status != 401
            role_refused = r.status == 403 and ROLE_PAGE in r.text
            if not roles:  # the start page may send anyone to sign in
                want = "public: not the role's 403, no 5xx"
                good = not role_refused and r.status < 500
            elif who is None:
                want = "303 to /logga-in"
                good = to_login
            elif role not in roles:
                want = "403 for the role"
                good = role_refused
            else:
                want = "allowed: not 303 to /logga-in, not the role's 403, no 5xx"
                good = not to_login and not role_refused and r.status < 500
            bad = results.setdefault((method, path), [])
            if not good:
                bad.append("%s (%s): want %s, got %d %s" % (who or "anonymous", role or "-", want,
                                                           r.status, r.text[:200]))
        c.close()
    for (method, path), bad in results.items():
        t.ok(not bad, "page %s %s: every role and anonymous as the page table says" %
             (method, path), *bad)
finally:
    srv.stop()
    wd.close()
sys.exit(t.done())
