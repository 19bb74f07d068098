#!/usr/bin/env python3
# The access log as a property of every route (issue 17): every route and page that reads or
# writes a patient's data, called as each role that may, leaves an entry naming that user in the
# patient's access log, as the patient reads it (GET /api/patients/{id}/access-log). The routes
# come from GET /api/openapi.json and the pages from src/web/pages.c; CLASSES and PAGE_CLASSES
# below say which of them read or write patient data, and every operation and page must be in them
# (a new one must be classified, or this test fails).
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

# Every operation of the OpenAPI document, classified:
#   "read"   reads a patient's data: called below as every role that may, an entry must follow;
#   "write"  writes a patient's data: done in the flow below, an entry must follow;
#   "none"   shows or changes no patient's data;
#   other    a reason why neither applies.
CLASSES = {
    "POST /api/login": "none",
    "POST /api/logout": "none",
    "GET /api/me": "none",
    "GET /api/patients": "read",
    "POST /api/patients": "a new patient has no login to read their log (test_api.sh checks it)",
    "GET /api/patients/{id}": "read",
    "GET /api/patients/{id}/access-log": "the log itself, read by the patient",
    "GET /api/patients/{id}/contact": "read",
    "PUT /api/patients/{id}/contact": "write",
    "GET /api/patients/{id}/prescriptions": "read",
    "POST /api/patients/{id}/prescriptions": "write",
    "POST /api/patients/{id}/care-relationships":
        "needs a search by number first; test_relationship.sh checks its access-log entry",
    "POST /api/prescription-items/{id}/cancel": "write",
    "GET /api/prescriptions/expiring":
        "a list view of the unit's patients; test_web_start.sh checks its access-log entry",
    "POST /api/prescription-items/{id}/renewal-request":
        "needs an item that ends soon; test_web_start.sh checks its access-log entry",
    "GET /api/renewal-requests":
        "a list view of the unit's patients; test_web_start.sh checks its access-log entry",
    "GET /api/municipal-housing/residents":
        "a list view of the municipality's residents; test_web_start.sh checks its entry",
    "GET /api/patients/{id}/orders": "read",
    "POST /api/patients/{id}/orders": "write",
    "GET /api/orders/{id}": "read",
    "POST /api/orders/{id}/cancel": "write",
    "GET /api/fulfilment/orders": "read",
    "GET /api/fulfilment/orders/{id}": "read",
    "GET /api/fulfilment/totals": "none",  # articles and sums, no patient
    "GET /api/orders/{id}/packing-slip": "read",
    "GET /api/fulfilment/packing-slips": "read",
    "POST /api/orders/{id}/shipments": "write",
    "POST /api/shipments/{id}/delivered": "write",
    "POST /api/shipments/{id}/returned": "write",
    "GET /api/shipments": "read",
    "GET /api/shipments/{id}": "read",
    "GET /api/contact-cases": "read",
    "POST /api/contact-cases/{id}/call": "write",
    "GET /api/articles": "none",
    "GET /api/pickup-points": "none",
    "GET /api/calls": "none",  # times and topics only
    "POST /api/calls": "write",
    "POST /api/article-imports": "none",
    "GET /api/article-imports": "none",
    "GET /api/article-imports/{id}": "none",
    "GET /api/notices": "none",  # ids, kinds and states of notices: no recipient, no text
    "POST /api/notices/{id}/retry": "none",
    "GET /api/users": "none",
    "POST /api/users": "none",
    "POST /api/users/{id}/deactivate": "none",
    "POST /api/users/{id}/reopen": "none",
    "GET /api/units": "none",
    "GET /api/municipalities": "none",
    "GET /api/users/{id}/tokens": "none",
    "POST /api/users/{id}/tokens": "none",
    "POST /api/api-tokens/{id}/revoke": "none",
    "GET /api/rules": "none",
    "GET /api/reports/key-figures": "none",  # aggregates
    "GET /api/reports/invoice-basis": "none",  # aggregates by care provider
    "GET /api/reports/surplus-repayment": "none",
    "GET /api/rivta/traffic": "none",  # counts of calls only
    "GET /api/fees": "none",
    "POST /api/fees": "none",
    "GET /api/delivery-alternatives": "none",
    "POST /api/delivery-alternatives": "none",
    "PUT /api/delivery-alternatives/{id}": "none",
    "GET /api/openapi.json": "none",
    "GET /api/bodies": "none",
    "POST /api/bodies": "none",
    "GET /api/bodies/{id}": "none",
    "POST /api/bodies/{id}/seats": "none",
    "POST /api/seats/{id}/terms": "none",
    "GET /api/people": "none",
    "POST /api/people": "none",
    "GET /api/meetings": "none",
    "POST /api/bodies/{id}/meetings": "none",
    "GET /api/meetings/{id}": "none",
    "PUT /api/meetings/{id}/attendance": "none",
    "POST /api/meetings/{id}/items": "none",
    "PUT /api/agenda-items/{id}": "none",
    "POST /api/agenda-items/{id}/written": "none",
    "POST /api/agenda-items/{id}/outcome": "none",
    "POST /api/agenda-items/{id}/actions": "none",
    "GET /api/actions": "none",
    "POST /api/actions/{id}/done": "none",
    "POST /api/meetings/{id}/minutes": "none",
    "GET /api/meetings/{id}/minutes": "none",
    "GET /api/minutes/{id}": "none",
    "POST /api/minutes/{id}/approve": "none",
    "POST /api/minutes/{id}/publish": "none",
    "GET /api/change-log": "none",
    "POST /api/change-log": "none",
    "GET /api/change-log/{id}": "none",
    "GET /api/specification": "none",
    "GET /api/specification/diff": "none",
    "GET /api/minutes/{id}/document": "none",
    "GET /api/minutes/{id}/pdf": "none",
    "GET /api/bodies/{id}/compliance": "none",
    "POST /api/what-if": "none",
    "POST /api/terms/{id}/end": "none",
}

FORM = "a form: it writes through the API route it posts to, checked above"
# Every page of src/web/pages.c, classified likewise ("read": called as every role that may).
PAGE_CLASSES = {
    "GET /": "none",
    "GET /logga-in": "none",
    "POST /logga-in": "none",
    "POST /logga-ut": "none",
    "GET /mina-sidor": "read",
    "POST /mina-sidor/fornyelse/{id}": FORM,
    "GET /bestall": "read",
    "POST /bestall": FORM,
    "GET /mina-bestallningar": "read",
    "GET /vem-har-last": "the log itself, read by the patient",
    "GET /mina-uppgifter": "read",
    "POST /mina-uppgifter": FORM,
    "GET /bestallningar/{id}": "read",
    "POST /bestallningar/{id}/makulera": FORM,
    "GET /patienter": "read",
    "GET /patienter/ny": "none",  # the empty form of a new patient
    "POST /patienter/ny": FORM,
    "GET /patienter/{id}": "read",
    "GET /patienter/{id}/forskriv": "read",
    "POST /patienter/{id}/forskriv": FORM,
    "POST /patienter/{id}/vardrelation": FORM,
    "POST /forskrivningsrader/{id}/makulera": FORM,
    "GET /patienter/{id}/bestall": "read",
    "POST /patienter/{id}/bestall": FORM,
    "POST /boende/bestall": FORM,
    "GET /kontaktarenden": "read",
    "POST /kontaktarenden/{id}/samtal": FORM,
    "GET /samtal": "none",  # times and topics only
    "POST /samtal": FORM,
    "GET /plocklista": "read",
    "GET /plocklista/artiklar": "none",  # articles and sums, no patient
    "GET /leveranser": "read",
    "GET /plocka/{id}": "read",
    "POST /plocka/{id}": FORM,
    "GET /leveranser/{id}": "read",
    "POST /leveranser/{id}/levererad": FORM,
    "POST /leveranser/{id}/retur": FORM,
    "GET /admin/sortiment": "none",
    "POST /admin/sortiment/import": "none",
    "GET /admin/priser": "none",
    "POST /admin/priser": "none",
    "GET /admin/importer": "none",
    "GET /admin/importer/{id}": "none",
    "GET /admin/anvandare": "none",
    "POST /admin/anvandare": "none",
    "GET /admin/anvandare/{id}/stang": "none",
    "POST /admin/anvandare/{id}/stang": "none",
    "POST /admin/anvandare/{id}/oppna": "none",
    "POST /admin/drift/meddelanden/{id}/forsok-igen": "none",
    "GET /admin/anvandare/{id}/nycklar": "none",
    "POST /admin/anvandare/{id}/nycklar": "none",
    "POST /admin/anvandare/{id}/nycklar/{id}/aterkalla": "none",
    "GET /admin/regler": "none",
    "GET /admin/drift": "none",
    "GET /admin/rapporter": "none",
    "GET /admin/fakturaunderlag": "none",
    "GET /admin/avgifter": "none",
    "POST /admin/avgifter": "none",
    "GET /styrning": "none",
    "GET /styrning/moten/{id}": "none",
    "POST /styrning/moten": "none",
    "POST /styrning/moten/{id}/punkter": "none",
    "POST /styrning/atgarder/{id}/klar": "none",
    "POST /styrning/moten/{id}/narvaro": "none",
    "GET /styrning/moten/{id}/anteckningar": "none",
    "POST /styrning/moten/{id}/anteckningar": "none",
    "POST /styrning/punkter/{id}/utfall": "none",
    "POST /styrning/punkter/{id}/skriftligt": "none",
    "POST /styrning/anteckningar/{id}/godkann": "none",
    "GET /styrning/andringslogg": "none",
    "POST /styrning/andringslogg": "none",
    "GET /styrning/organ/{id}": "none",
    "POST /styrning/platser/{id}/mandat": "none",
    "POST /styrning/mandat/{id}/avsluta": "none",
    "GET /styrning/vad-hander-om": "none",
    "POST /styrning/vad-hander-om": "none",
}

t = lmntest.Tap()
wd = lmntest.Workdir()
# Patient 1 (the login `patient`) moves to Borås, into municipal housing: every staff role may then
# read them (the unit's patient of forskrivare and dietist, a Borås resident in municipal housing
# for the municipal roles). An open delay-contact case on one of their orders.
wd.sql("UPDATE patients SET municipality = 'Borås', municipal_housing = 1 WHERE id = 1")
last_order = wd.sql("SELECT max(id) FROM orders WHERE patient_id = 1")[0][0]
wd.sql("INSERT INTO contact_cases (order_id, opened_on) VALUES (?, '2026-11-20')", (last_order,))
id_number, full_name = wd.sql(
    "SELECT id_number, given_name || ' ' || family_name FROM patients WHERE id = 1")[0]
ombud_order = wd.sql("SELECT max(id) FROM orders WHERE patient_id = 2")[0][0]

srv = lmntest.Server(wd)
try:
    c = {u: lmntest.Client(srv.port, u, keep_alive=False) for u in lmntest.DEMO_USERS}
    ops = lmntest.openapi_operations(c["patient"].get("/api/openapi.json").json())
    keys = {"%s %s" % (m, p) for m, p, _ in ops}
    t.check("every operation of the OpenAPI document is classified", [],
            sorted(keys - set(CLASSES)))
    t.check("and every classified operation is in the document", [], sorted(set(CLASSES) - keys))
    roles_of = {"%s %s" % (m, p): set(r) for m, p, r in ops}
    pages = lmntest.web_pages()
    page_keys = {"%s %s" % (m, p) for m, p, _ in pages}
    t.check("every page of the page table is classified", [], sorted(page_keys - set(PAGE_CLASSES)))
    t.check("and every classified page is in the table", [], sorted(set(PAGE_CLASSES) - page_keys))
    page_roles = {"%s %s" % (m, p): set(r) for m, p, r in pages}
    # Whose log a user's reads go to, and who reads that log.
    subject = {u: 2 if u == "ombud" else 1 for u in lmntest.DEMO_USERS}
    log_reader = {1: c["patient"], 2: c["ombud"]}

    def log(pid):
        r = log_reader[pid].get("/api/patients/%d/access-log?limit=1000" % pid)
        assert r.status == 200, r.text
        entries = r.json()["entries"]
        # New entries are told by the count (the clock is fixed, so entries can look alike).
        assert len(entries) < 1000, "patient %d's log is longer than one page of it" % pid
        return entries

    def new_by(before, after, who):
        new = after[:len(after) - len(before)]
        return sum(1 for e in new if e.get("who") == who)

    # What reading the log itself adds (nothing today; if it is logged, so much is expected).
    base = {}
    for pid, reader in log_reader.items():
        b = log(pid)
        base[pid] = new_by(b, log(pid), reader.me["display_name"])

    def logged(user, method, path, body=None, headers=None, want=(200, 201)):
        """Calls the route as user; asserts the answer and the new entry of the user's subject."""
        pid = subject[user]
        cl = c[user]
        before = log(pid)
        r = cl.request(method, path, body, headers=headers)
        after = log(pid)
        name = cl.me["display_name"]
        n = new_by(before, after, name) - (base[pid] if cl is log_reader[pid] else 0)
        t.ok(r.status in want and n >= 1,
                  "%s %s as %s: answered, and patient %d's access log names %s" %
                  (method, path, user, pid, name),
                  "status %d: %s" % (r.status, r.text[:300]),
                  "new entries: %r" % (after[:len(after) - len(before)],))
        return r

    # --- The objects the reads need: a new prescription, orders to deliver, a shipment ---
    r = logged("forskrivare", "POST", "/api/patients/1/prescriptions", {"items": [
        {"article_id": a, "withdrawals_allowed": 2, "quantity_per_withdrawal": 1,
         "period_days": 30, "last_valid": "2027-06-30"} for a in (1, 2, 3, 4)]})
    items = [i["id"] for i in c["forskrivare"].get("/api/patients/1/prescriptions").json()["items"]
             if i["prescription_id"] == (r.json() or {}).get("id")]
    t.check("the prescription has its four items", 4, len(items))
    orders = []
    for n, item in enumerate(items[:3]):
        r = logged("patient", "POST", "/api/patients/1/orders",
                   {"lines": [{"prescription_item_id": item, "quantity": 1}],
                    "delivery": {"method": "home"}},
                   headers={"Idempotency-Key": "access-log-%d" % n})
        orders.append((r.json() or {}).get("id"))
    to_ship, to_pick, to_cancel = orders
    lines = c["kundtjanst"].get("/api/orders/%s" % to_ship).json()["lines"]
    r = logged("distributor", "POST", "/api/orders/%s/shipments" % to_ship,
               {"lines": [{"line_id": ln["id"], "quantity": ln["quantity"]} for ln in lines]})
    shipment = (r.json() or {}).get("id")

    # --- Every read, as every role that may (ids of the caller's subject) ---
    reads = {
        "GET /api/patients": ["?id_number=" + id_number,
                              "?q=" + urllib.parse.quote(full_name)],
        "GET /api/patients/{id}": ["/api/patients/{p}"],
        "GET /api/patients/{id}/prescriptions": ["/api/patients/{p}/prescriptions"],
        "GET /api/patients/{id}/orders": ["/api/patients/{p}/orders"],
        "GET /api/patients/{id}/contact": ["/api/patients/{p}/contact"],
        "GET /api/orders/{id}": ["/api/orders/{o}"],
        "GET /api/fulfilment/orders": ["?until=2026-12-31"],
        "GET /api/fulfilment/orders/{id}": ["/api/fulfilment/orders/%s" % to_pick],
        "GET /api/orders/{id}/packing-slip": ["/api/orders/%s/packing-slip" % to_pick],
        "GET /api/fulfilment/packing-slips": ["?until=2026-12-31"],
        "GET /api/shipments": ["?order_id=%s" % to_ship, "?open=1"],
        "GET /api/shipments/{id}": ["/api/shipments/%s" % shipment],
        "GET /api/contact-cases": [""],
    }
    t.check("every route classified as a read is called", sorted(k for k, v in CLASSES.items()
                                                                 if v == "read"), sorted(reads))
    for key, variants in reads.items():
        path = key.split(" ", 1)[1]
        for user, role in lmntest.DEMO_USERS.items():
            if role not in roles_of[key]:
                continue
            pid = subject[user]
            for v in variants:
                url = v if v.startswith("/") else path + v
                url = url.format(p=pid, o=to_ship if pid == 1 else ombud_order)
                logged(user, "GET", url)

    def queue_page_of(pid):
        cases = c["kundtjanst"].get("/api/contact-cases?sort=oldest").json()["cases"]
        at = next(i for i, k in enumerate(cases) if k["patient_id"] == pid)
        return at // 25 + 1

    # --- Every page that shows patient data, likewise ---
    page_reads = {
        "GET /mina-sidor": [""],
        "GET /bestall": [""],
        "GET /mina-bestallningar": [""],
        "GET /mina-uppgifter": [""],
        "GET /bestallningar/{id}": ["/bestallningar/{o}"],
        "GET /patienter": ["?namn=" + urllib.parse.quote(full_name),
                           "?personnummer=" + id_number],
        "GET /patienter/{id}": ["/patienter/{p}"],
        "GET /patienter/{id}/forskriv": ["/patienter/{p}/forskriv"],
        "GET /patienter/{id}/bestall": ["/patienter/{p}/bestall"],
        # The queue shows 25 cases a page and logs the patients of the page: the page, in the
        # oldest-first order, that holds patient 1's case.
        "GET /kontaktarenden": ["?ordning=oldest&sida=%d" % queue_page_of(1)],
        "GET /plocklista": [""],
        "GET /leveranser": [""],
        "GET /plocka/{id}": ["/plocka/%s" % to_pick],
        "GET /leveranser/{id}": ["/leveranser/%s" % shipment],
    }
    t.check("every page classified as a read is called", sorted(
        k for k, v in PAGE_CLASSES.items() if v == "read"), sorted(page_reads))
    for key, variants in page_reads.items():
        path = key.split(" ", 1)[1]
        for user, role in lmntest.DEMO_USERS.items():
            if role not in page_roles[key]:
                continue
            pid = subject[user]
            for v in variants:
                url = v if v.startswith("/") else path + v
                url = url.format(p=pid, o=to_ship if pid == 1 else ombud_order)
                logged(user, "GET", url, want=(200, 303))

    # --- The writes not done above ---
    logged("kundtjanst", "POST", "/api/orders/%s/cancel" % to_cancel, {})
    logged("forskrivare", "POST", "/api/prescription-items/%s/cancel" % items[3], {})
    logged("distributor", "POST", "/api/shipments/%s/delivered" % shipment,
           {"delivered_at": "2026-11-23T10:00"})  # not before the order, not in the future
    lines = c["kundtjanst"].get("/api/orders/%s" % to_pick).json()["lines"]
    r = logged("distributor", "POST", "/api/orders/%s/shipments" % to_pick,
               {"lines": [{"line_id": ln["id"], "quantity": ln["quantity"]} for ln in lines]})
    logged("distributor", "POST", "/api/shipments/%s/returned" % (r.json() or {}).get("id"),
           {"outcome": "returned"})
    case = next((k["id"] for k in c["kundtjanst"].get("/api/contact-cases").json()["cases"]
                 if k["patient_id"] == 1), None)
    logged("kundtjanst", "POST", "/api/contact-cases/%s/call" % case, {"outcome": "reached"})
    logged("patient", "PUT", "/api/patients/1/contact",
           {"phone": "070-123 45 67", "email": "", "notice_channel": "sms"})
    logged("kundtjanst", "POST", "/api/calls", {"topic": "order", "patient_id": 1,
                                                 "queued_at": "2026-11-23T09:50",
                                                 "answered_at": "2026-11-23T09:51"})
finally:
    srv.stop()
    wd.close()
sys.exit(t.done())
