#!/usr/bin/env python3
# Protected identity as a property of every route and page (issue 17): as every demo login, no
# protected identity's address or phone appears in any answer of the API or any page, except the
# distributor's delivery views. The markers are read from the database (the addresses and phones of
# the patients with protected identity and of their orders, where no other patient has the same),
# the routes from GET /api/openapi.json and the pages from src/web/pages.c; every GET route and page
# with an id in its path must say below which ids it is crawled with, or the test fails.
import html
import json
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

MAX_PAGES_PER_ROLE = 200  # pages fetched by following links, beyond the seeds
CRAWL_SECONDS = 150  # the crawl stops following links after this (the seeds are always fetched)

# The distributor must deliver: these views show it the address (DOMAIN.md §3).
DELIVERY_VIEWS = {
    "/api/fulfilment/orders", "/api/shipments", "/api/shipments/{id}", "/api/orders/{id}",
    "/api/fulfilment/orders/{id}", "/api/orders/{id}/packing-slip", "/api/fulfilment/packing-slips",
    "/plocklista", "/leveranser", "/plocka/{id}", "/leveranser/{id}", "/bestallningar/{id}",
}

t = lmntest.Tap()
wd = lmntest.Workdir()
q = wd.sql

# --- The markers: what must never be seen of a protected identity ---
prot = [r[0] for r in q("SELECT id FROM patients WHERE protected_identity = 1 ORDER BY id")]
t.ok(len(prot) >= 3, "the demo data has patients with protected identity (%s)" % prot)


def values(protected):
    rows = q("SELECT address, phone FROM patients WHERE protected_identity = ?", (protected,))
    rows += q("SELECT o.delivery_address, o.delivery_phone FROM orders o JOIN patients p "
              "ON p.id = o.patient_id WHERE p.protected_identity = ?", (protected,))
    out = set()
    for row in rows:
        for v in row:
            if v and v.strip():
                out.add(v.strip())
                if re.search(r"\d[\d -]{6,}\d", v):  # a phone number also without its spaces
                    out.add(re.sub(r"\D", "", v))
    return out


others = values(0)
MARKERS = sorted(values(1) - others)
phones = {r[0] for r in q("SELECT phone FROM patients WHERE protected_identity = 1")}
t.ok(phones <= set(MARKERS), "markers: the addresses and phones of protected identities (%d), "
     "every phone among them" % len(MARKERS), sorted(phones - set(MARKERS)))
LEAK = re.compile("|".join(r"(?<![\w-])%s(?!\w)" % re.escape(m) for m in MARKERS))


def leaks(r):
    """The markers in an answer: JSON decoded, HTML unescaped, the raw text too."""
    text = r.text
    found = set(LEAK.findall(text)) | set(LEAK.findall(html.unescape(text)))
    d = r.json() if "json" in (r.header("Content-Type") or "") else None
    if d is not None:
        found |= set(LEAK.findall(json.dumps(d, ensure_ascii=False)))
    return found


# --- The ids the crawl uses, by what a path's {id} names ---
prot_sql = ",".join(str(p) for p in prot)
# An open delay-contact case and a logged call for every protected identity, so that the lists of
# customer service show them too.
q("INSERT INTO contact_cases (order_id, opened_on) SELECT max(o.id), '2026-11-20' FROM orders o "
  "WHERE o.patient_id IN (%s) AND NOT EXISTS (SELECT 1 FROM contact_cases c WHERE c.order_id = "
  "o.id) GROUP BY o.patient_id" % prot_sql)
q("INSERT INTO calls (queued_at, answered_at, topic, agent_id, patient_id) SELECT "
  "'2026-11-23T08:00', '2026-11-23T08:01', 'delivery', 7, id FROM patients WHERE id IN (%s)" %
  prot_sql)
prot_orders = [r[0] for r in q(
    "SELECT id FROM (SELECT o.id, o.patient_id, row_number() OVER (PARTITION BY o.patient_id "
    "ORDER BY o.status IN ('received', 'shipped', 'partially_shipped') DESC, o.id DESC) AS n "
    "FROM orders o WHERE o.patient_id IN (%s)) AS r WHERE n <= 5 ORDER BY id" % prot_sql)]
prot_shipments = [r[0] for r in q(
    "SELECT id FROM (SELECT s.id, row_number() OVER (PARTITION BY o.patient_id "
    "ORDER BY s.id DESC) AS n FROM shipments s JOIN orders o ON o.id = s.order_id "
    "WHERE o.patient_id IN (%s)) AS r WHERE n <= 3 ORDER BY id" % prot_sql)]


def first_ids(table, n=3):
    return [r[0] for r in q("SELECT id FROM %s ORDER BY id LIMIT %d" % (table, n))] or [1]


IDS = {  # path template -> the ids of its {id}
    "/api/patients/{id}": prot,
    "/api/patients/{id}/access-log": prot,
    "/api/patients/{id}/prescriptions": prot,
    "/api/patients/{id}/orders": prot,
    "/api/patients/{id}/contact": prot,
    "/api/orders/{id}": prot_orders,
    "/api/fulfilment/orders/{id}": prot_orders,
    "/api/orders/{id}/packing-slip": prot_orders,
    "/api/shipments/{id}": prot_shipments,
    "/api/article-imports/{id}": first_ids("article_imports"),
    "/api/users/{id}/tokens": first_ids("users", 11),
    "/api/bodies/{id}": first_ids("bodies", 4),
    "/api/bodies/{id}/compliance": first_ids("bodies", 4),
    "/api/meetings/{id}": first_ids("meetings", 6),
    "/api/meetings/{id}/minutes": first_ids("meetings", 6),
    "/api/minutes/{id}": first_ids("minutes", 3),
    "/api/minutes/{id}/document": first_ids("minutes", 3),
    "/api/minutes/{id}/pdf": first_ids("minutes", 1),
    "/api/change-log/{id}": first_ids("change_log", 4),
    "/patienter/{id}": prot,
    "/patienter/{id}/forskriv": prot,
    "/patienter/{id}/bestall": prot,
    "/bestallningar/{id}": prot_orders,
    "/plocka/{id}": prot_orders,
    "/leveranser/{id}": prot_shipments,
    "/admin/importer/{id}": first_ids("article_imports"),
    "/admin/anvandare/{id}/nycklar": first_ids("users", 11),
    "/admin/anvandare/{id}/stang": first_ids("users", 11),
    "/styrning/moten/{id}": first_ids("meetings", 6),
    "/styrning/moten/{id}/anteckningar": first_ids("meetings", 6),
    "/styrning/organ/{id}": first_ids("bodies", 4),
}
names = q("SELECT family_name, given_name || ' ' || family_name, id_number FROM patients "
          "WHERE protected_identity = 1")
QUERIES = {  # path template -> the query strings it is crawled with (besides none)
    "/api/patients": ["?q=" + urllib.parse.quote(n[1]) for n in names] +
                     ["?q=" + urllib.parse.quote(n[0]) for n in names] +
                     ["?id_number=" + n[2] for n in names],
    "/api/fulfilment/orders": ["?until=2026-12-31"],
    "/api/fulfilment/totals": ["?until=2026-12-31"],
    "/api/fulfilment/packing-slips": ["?until=2026-12-31"],
    "/api/shipments": ["?open=1"] + ["?order_id=%d" % o for o in prot_orders[::4]],
    "/api/calls": ["?date=2026-11-23"],
    "/api/reports/key-figures": ["?year=2026&tertial=3", "?year=2026&tertial=3&format=csv"],
    "/api/reports/invoice-basis": ["?month=2026-10", "?month=2026-10&format=csv"],
    "/api/reports/surplus-repayment": ["?year=2025&surplus_ore=100000",
                                       "?year=2025&surplus_ore=100000&format=csv"],
    "/api/articles": ["?q=a"],
    "/api/pickup-points": ["?postal_code=46102"],
    "/samtal": ["?datum=2026-11-23"],
    "/patienter": ["?namn=" + urllib.parse.quote(n[0]) for n in names] +
                  ["?personnummer=" + n[2] for n in names],
}


def template_re(template):
    return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", r"[0-9]+", re.escape(template)) + "$")


srv = lmntest.Server(wd)
try:
    anon = lmntest.Client(srv.port)
    ops = lmntest.openapi_operations(anon.get("/api/openapi.json").json())
    api_gets = [p for m, p, _ in ops if m == "GET"]
    page_gets = [p for m, p, _ in lmntest.web_pages() if m == "GET"]
    unclassified = [p for p in api_gets + page_gets if lmntest.params(p) and p not in IDS]
    t.check("every GET route and page with an id says which ids it is crawled with", [],
            unclassified)
    page_res = [(p, template_re(p)) for p in page_gets]

    def page_template(path):
        for p, rx in page_res:
            if rx.match(path.split("?", 1)[0]):
                return p
        return None

    clients = {u: lmntest.Client(srv.port, u) for u in lmntest.DEMO_USERS}
    deadline = time.monotonic() + CRAWL_SECONDS
    cases = clients["kundtjanst"].get("/api/contact-cases").json()["cases"]
    t.check("customer service's delay-contact list has a case of every protected identity",
            prot, sorted({k["patient_id"] for k in cases} & set(prot)))

    # A new home-delivery order of a protected patient, placed by customer service: its answer is
    # the order view too.
    ks = clients["kundtjanst"]
    placed = None
    for pid in prot:
        rx = ks.get("/api/patients/%d/prescriptions" % pid).json() or {}
        item = next((i for i in rx.get("items", []) if i.get("may_order_now")), None)
        if item:
            r = ks.request("POST", "/api/patients/%d/orders" % pid, {
                "reason": "Test av skyddad identitet",
                "lines": [{"prescription_item_id": item["id"], "quantity": 1}],
                "delivery": {"method": "home"}}, headers={"Idempotency-Key": "protected-%d" % pid})
            placed = (pid, r)
            break
    if t.ok(placed is not None and placed[1].status == 201,
            "customer service places a home delivery for a protected identity",
            placed and placed[1].text[:300]):
        t.check("and the answer shows neither its address nor its phone", set(), leaks(placed[1]))
        prot_orders.append(placed[1].json()["id"])

    for user, c in clients.items():
        role = lmntest.DEMO_USERS[user]
        found = {}  # path -> markers
        count = [0]

        def look(path, template):
            r = c.get(path)
            count[0] += 1
            exempt = role == "distributor" and template in DELIVERY_VIEWS
            if r.status >= 500:
                found[path] = {"status %d" % r.status}
            elif not exempt:
                m = leaks(r)
                if m:
                    found[path] = m
            return r

        # The API: every GET route, with every id and query above.
        for path in api_gets:
            for ids in (IDS.get(path, [None]) if lmntest.params(path) else [None]):
                url = lmntest.fill(path, ids) if ids is not None else path
                for query in [""] + QUERIES.get(path, []):
                    look(url + query, path)
        # The pages: the seeds (every GET page with every id and query above), then the links.
        seen = set()
        queue = []
        for path in page_gets:
            for ids in (IDS.get(path, [None]) if lmntest.params(path) else [None]):
                url = lmntest.fill(path, ids) if ids is not None else path
                for query in [""] + QUERIES.get(path, []):
                    queue.append(url + query)
        seeds = len(queue)
        followed = 0
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            template = page_template(url)
            if template is None:
                continue  # not a page (a static file, an API route linked from a page)
            r = look(url, template)
            if "html" not in (r.header("Content-Type") or ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)"', r.text):
                href = html.unescape(href)
                if href not in seen and followed < MAX_PAGES_PER_ROLE and \
                        time.monotonic() < deadline:
                    followed += 1
                    queue.append(href)
        t.ok(not found, "%s (%s): no protected address or phone in %d answers (%d seed pages)" %
             (user, role, count[0], seeds),
             *["%s: %s" % (p, sorted(m)) for p, m in sorted(found.items())[:30]])
        t.diag("%s: %d pages by following links" % (user, followed))
        c.close()

    # Cancelling the new order answers with the order view too.
    if placed is not None and placed[1].status == 201:
        r = ks.request("POST", "/api/orders/%d/cancel" % placed[1].json()["id"], {})
        t.ok(r.status == 200 and not leaks(r), "customer service cancels it: the answer shows "
             "neither its address nor its phone", "%d %s" % (r.status, r.text[:300]))

    # The property can fail: the distributor's delivery views do show the markers (by design).
    dist = clients["distributor"]
    seen_by_distributor = set()
    for o in prot_orders:
        seen_by_distributor |= leaks(dist.get("/api/orders/%d" % o))
    t.ok(seen_by_distributor, "the distributor's order view shows protected addresses (the markers "
         "are found where they are shown)")
finally:
    srv.stop()
    wd.close()
sys.exit(t.done())
