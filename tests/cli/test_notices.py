#!/usr/bin/env python3
# Notices to patients by e-mail and SMS (issue 20), against a real SMTP server (smtp_sink.py) and a
# local HTTP receiver standing in for the SMS gateway: an order received is one e-mail with the
# order's number and no personal identity number; with the relay down the notice stays queued
# and, once it is back, arrives exactly once; an order rolled back or refused tells nothing; a
# patient who chose SMS gets one JSON POST, one who chose none nothing; a shipment tells the
# carrier's tracking number; a notice the gateway keeps refusing ends as a dead letter the
# administration sees; without a relay or gateway notices wait in the outbox; a notice waiting
# when the patient changes their choice or number goes by the new one, or not at all.
import email
import email.policy
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAIL = "patient@example.se"
OPTED_OUT = "inga.meddelanden@example.se"

t = lmntest.Tap()
wd = lmntest.Workdir()
mails_dir = os.path.join(wd.path, "mails")
os.mkdir(mails_dir)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sink:
    """smtp_sink.py on a port of its own, stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "smtp_sink.py"),
                                      str(self.port), mails_dir], stdout=subprocess.PIPE,
                                     text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("smtp_sink.py did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Gateway(http.server.BaseHTTPRequestHandler):
    """The SMS gateway: records each POST's path and JSON body, answers with `status`."""
    posts = []
    status = 200

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        Gateway.posts.append((self.path, self.headers.get("Content-Type"), body))
        self.send_response(Gateway.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def mails():
    """[(envelope recipients, parsed message)] in order of arrival."""
    out = []
    for name in sorted(os.listdir(mails_dir)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(mails_dir, name), "rb") as f:
            first, _, raw = f.read().partition(b"\r\n")
        out.append((first.decode()[len("RCPT: "):],
                    email.message_from_bytes(raw, policy=email.policy.default)))
    return out


def wait_for(cond, seconds=15):
    end = time.time() + seconds
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    return cond()


def outbox(order_id):
    return wd.sql("SELECT channel, recipient, attempts, sent_at IS NOT NULL, dead_at IS NOT NULL, "
                  "coalesce(last_error, '') FROM outbox WHERE order_id = ? ORDER BY id",
                  (order_id,))


def mentions(order_id):
    return [m for _, m in mails() if "beställning %d " % order_id in m.get_content()]


sink = Sink()
gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
threading.Thread(target=gateway.serve_forever, daemon=True).start()
srv = None


def serve(*extra):
    return lmntest.Server(wd, name="serve%d" % time.monotonic_ns(), args=extra)


def serve_all(attempts):
    return serve("--smtp-url", "smtp://127.0.0.1:%d" % sink.port, "--mail-from",
                 "noreply@lmn.example", "--sms-url",
                 "http://127.0.0.1:%d/sms" % gateway.server_port, "--notice-retry", "1",
                 "--notice-attempts", str(attempts))


try:
    # Patient 1 (the demo patient's login) chose e-mail, patient 2 SMS, patient 3 none (with an
    # e-mail address all the same). A test trigger rolls back an order whose reason says so, at
    # its access-log entry: after its notice was queued in the same transaction.
    wd.sql("UPDATE patients SET notice_channel = 'email', email = ? WHERE id = 1", (MAIL,))
    wd.sql("UPDATE patients SET notice_channel = 'sms', phone = '070-843 53 63' WHERE id = 2")
    wd.sql("UPDATE patients SET notice_channel = 'none', email = ? WHERE id = 3", (OPTED_OUT,))
    roll_back_when = ("NEW.what = 'beställning' AND "
                      "(SELECT reason FROM orders ORDER BY id DESC LIMIT 1) = 'Återrullas'")
    if wd.pg:
        wd.sql("CREATE FUNCTION test_roll_back() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "IF %s THEN RAISE EXCEPTION 'test: the order is rolled back'; END IF; "
               "RETURN NEW; END $$; CREATE TRIGGER test_roll_back BEFORE INSERT ON access_log "
               "FOR EACH ROW EXECUTE FUNCTION test_roll_back()" % roll_back_when)
    else:
        wd.sql("CREATE TRIGGER test_roll_back BEFORE INSERT ON access_log WHEN %s "
               "BEGIN SELECT RAISE(ABORT, 'test: the order is rolled back'); END" %
               roll_back_when)
    id_number, given, family = wd.sql(
        "SELECT id_number, given_name, family_name FROM patients WHERE id = 1")[0]
    secrets = [id_number, id_number[2:8] + "-" + id_number[8:], id_number[:8] + "-" + id_number[8:],
               given, family]

    sink.start()
    srv = serve_all(6)
    pr = lmntest.Client(srv.port, "forskrivare")
    r = pr.request("POST", "/api/patients/1/prescriptions", {"items": [
        {"article_id": a, "withdrawals_allowed": 1, "quantity_per_withdrawal": 1,
         "period_days": 30, "last_valid": "2027-06-30"} for a in range(1, 13)]})
    if r.status != 201:
        t.bail("prescribing: %d %s" % (r.status, r.text[:300]))
    rx = r.json()["id"]
    # The same prescription for patients 2 and 3, written as the first was.
    for p in (2, 3):
        nrx = wd.sql("INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, "
                     "created_at) SELECT ?, prescriber_id, unit_id, prescribed_on, created_at "
                     "FROM prescriptions WHERE id = ? RETURNING id", (p, rx))[0][0]
        wd.sql("INSERT INTO prescription_items (prescription_id, article_id, withdrawals_allowed, "
               "withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid) "
               "SELECT ?, article_id, withdrawals_allowed, withdrawals_remaining, "
               "quantity_per_withdrawal, period_days, last_valid FROM prescription_items "
               "WHERE prescription_id = ?", (nrx, rx))
    items = {p: [i[0] for i in wd.sql(
        "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id "
        "WHERE r.patient_id = ? AND r.id >= ? ORDER BY i.id", (p, rx))] for p in (1, 2, 3)}

    patient = lmntest.Client(srv.port, "patient")
    ks = lmntest.Client(srv.port, "kundtjanst")

    def place(client, p, item, reason=None, quantity=1):
        body = {"lines": [{"prescription_item_id": item, "quantity": quantity}],
                "delivery": {"method": "home"}}
        if client.username != "patient":  # on the patient's behalf, with a reason
            body["reason"] = reason or "Beställd per telefon"
        return client.request("POST", "/api/patients/%d/orders" % p, body)

    # --- An order received: one e-mail to the address the patient gave ---
    r = place(patient, 1, items[1][0])
    first = (r.json() or {}).get("id")
    t.check("the patient's order is placed", 201, r.status)
    got = wait_for(lambda: mentions(first))
    t.check("exactly one e-mail tells of the order", 1, len(got))
    if got:
        m = got[0]
        text = m.get_content()
        t.check("it went to the patient's address", MAIL, mails()[0][0])
        t.check("its subject is plain Swedish with the order's number",
                "Din beställning %d har kommit in" % first, str(m["Subject"]))
        t.ok("Den levereras senast " in text, "it tells the day it is delivered by", text)
        t.ok(not any(s in text or s in str(m["Subject"]) for s in secrets),
             "it carries neither the personal identity number nor the name", text)
    t.check("the outbox records it sent at the first attempt",
            [("email", MAIL, 1, 1, 0, "")], outbox(first))

    # --- The relay down: the notice stays queued, then is delivered once when it is back ---
    sink.stop()
    r = place(patient, 1, items[1][1])
    second = (r.json() or {}).get("id")
    t.check("an order is placed while the relay is down", 201, r.status)
    row = wait_for(lambda: [x for x in outbox(second) if x[2] >= 1])
    t.ok(row and row[0][3] == 0 and row[0][4] == 0 and "E-postservern (SMTP)" in row[0][5],
         "its notice failed, is kept queued with the relay's error", row)
    t.ok(row and MAIL not in row[0][5], "the error does not name the recipient", row)
    t.check("nothing arrived meanwhile", [], mentions(second))
    sink.start()
    t.ok(wait_for(lambda: mentions(second)), "once the relay is back the notice arrives")
    time.sleep(2.5)  # past another retry, were one due
    t.check("exactly once", 1, len(mentions(second)))
    t.check("and is recorded sent", 1, outbox(second)[0][3])

    # --- An order rolled back, or refused, tells nothing ---
    before = len(mails())
    queued = wd.sql("SELECT count(*) FROM outbox")[0][0]
    r = place(ks, 1, items[1][2], reason="Återrullas")
    t.ok(r.status >= 400 and "rolled back" in r.text, "the order is rolled back by the test trigger",
         r.status, r.text[:300])
    t.check("the order is not in the database", 0,
            wd.sql("SELECT count(*) FROM orders WHERE reason = 'Återrullas'")[0][0])
    r = place(patient, 1, items[1][3], quantity=999)
    t.check("an order beyond the prescription is refused", 422, r.status)
    time.sleep(2)
    t.check("neither queued a notice", queued, wd.sql("SELECT count(*) FROM outbox")[0][0])
    t.check("nor sent one", before, len(mails()))

    # --- A patient who chose SMS: one JSON POST to the gateway ---
    r = place(ks, 2, items[2][0])
    sms_order = (r.json() or {}).get("id")
    t.check("an order for the patient who chose SMS is placed", 201, r.status)
    posts = wait_for(lambda: [p for p in Gateway.posts
                              if ("beställning %d " % sms_order).encode() in p[2]])
    t.check("one POST reaches the gateway", 1, len(posts))
    if posts:
        path, ctype, body = posts[0]
        d = json.loads(body)
        t.check("to the configured path, as JSON", ("/sms", "application/json"), (path, ctype))
        t.check("to the patient's phone in international form", "+46708435363", d.get("to"))
        t.ok(d.get("message", "").startswith("Din beställning %d har kommit in." % sms_order),
             "its message is the notice", d)
        t.check("with the outbox's reference", "lmn-notice-%d" % wd.sql(
            "SELECT id FROM outbox WHERE order_id = ?", (sms_order,))[0][0], d.get("reference"))
        pid2 = wd.sql("SELECT id_number FROM patients WHERE id = 2")[0][0]
        t.ok(pid2 not in body.decode() and pid2[2:8] not in body.decode(),
             "without the personal identity number", d)

    # --- A patient who chose none: nothing ---
    r = place(ks, 3, items[3][0])
    none_order = (r.json() or {}).get("id")
    t.check("an order for the patient who chose none is placed", 201, r.status)
    time.sleep(2)
    t.check("nothing is queued for them", [], outbox(none_order))
    t.check("nothing reaches their address", [],
            [1 for rc, _ in mails() if OPTED_OUT in rc])

    # --- A shipment tells the carrier's tracking number ---
    dist = lmntest.Client(srv.port, "distributor")
    lines = ks.get("/api/orders/%d" % first).json()["lines"]
    r = dist.request("POST", "/api/orders/%d/shipments" % first, {
        "lines": [{"line_id": ln["id"], "quantity": ln["quantity"]} for ln in lines],
        "tracking_number": "00340434161094042557"})
    t.check("the first order is shipped", 201, r.status)
    shipped = wait_for(lambda: [m for _, m in mails()
                                if "har skickats" in m.get_content()
                                and "beställning %d " % first in m.get_content()])
    t.ok(len(shipped) == 1 and "00340434161094042557" in shipped[0].get_content(),
         "one e-mail tells it was shipped, with the tracking number",
         [m.get_content() for m in shipped])

    # --- A parcel delivered to a pickup point is ready for pickup ---
    pp = wd.sql("SELECT id FROM pickup_points ORDER BY id LIMIT 1")[0][0]
    r = patient.request("POST", "/api/patients/1/orders", {
        "lines": [{"prescription_item_id": items[1][5], "quantity": 1}],
        "delivery": {"method": "pickup_point", "pickup_point_id": pp, "notification": "email"}})
    pick = (r.json() or {}).get("id")
    t.check("an order to a pickup point is placed", 201, r.status)
    lines = ks.get("/api/orders/%d" % pick).json()["lines"]
    r = dist.request("POST", "/api/orders/%d/shipments" % pick, {
        "lines": [{"line_id": ln["id"], "quantity": ln["quantity"]} for ln in lines]})
    r = dist.request("POST", "/api/shipments/%d/delivered" % (r.json() or {}).get("id", 0), {})
    t.check("its parcel is registered delivered to the point", 200, r.status)
    ready = wait_for(lambda: [m for m in mentions(pick) if "kan hämtas" in m.get_content()])
    t.check("one e-mail says it can be picked up", 1, len(ready))
    t.check("the order's notices: received, shipped, ready for pickup",
            ["order_received", "shipped", "ready_for_pickup"],
            [k for (k,) in wd.sql("SELECT kind FROM outbox WHERE order_id = ? ORDER BY id",
                                  (pick,))])
    t.check("lmn serve with its notice worker stops cleanly (and, sanitized, without a leak)",
            0, srv.stop())

    # --- A notice the gateway keeps refusing ends as a dead letter the administration sees ---
    Gateway.status = 500
    srv = serve_all(2)
    ks = lmntest.Client(srv.port, "kundtjanst")
    r = place(ks, 2, items[2][1])
    dead_order = (r.json() or {}).get("id")
    row = wait_for(lambda: [x for x in outbox(dead_order) if x[4]], 20)
    t.ok(row and row[0][2] == 2 and "HTTP-status 500" in row[0][5],
         "after two refused attempts the notice is dead", outbox(dead_order))
    admin = lmntest.Client(srv.port, "admin")
    r = admin.get("/api/notices?state=dead")
    listed = [n for n in (r.json() or {}).get("notices", []) if n.get("order_id") == dead_order]
    t.ok(r.status == 200 and len(listed) == 1 and listed[0]["state"] == "dead"
         and listed[0]["attempts"] == 2 and listed[0]["kind"] == "order_received",
         "the administration finds it among the dead letters", r.status, r.text[:500])
    t.ok("0708435363" not in r.text.replace(" ", "").replace("-", "") and "+4670" not in r.text
         and "beställning" not in r.text, "without the recipient or the text", r.text[:500])
    page = admin.get("/admin/drift")
    t.ok(page.status == 200 and "Meddelanden som inte gick att skicka" in page.text
         and ">%d</td>" % dead_order in page.text
         and "Sms-tjänsten svarade med HTTP-status 500." in page.text
         and "0708435363" not in page.text.replace(" ", "").replace("-", ""),
         "the operations page lists it in Swedish, without the recipient", page.text[-2500:])
    # Once the gateway is fixed the administration queues the dead notice again: sent once.
    Gateway.status = 200
    nid = listed[0]["id"] if listed else 0
    page = admin.get("/admin/drift")
    t.ok('action="/admin/drift/meddelanden/%d/forsok-igen"' % nid in page.text,
         "the page offers to try the dead notice again")
    page = admin.request("POST", "/admin/drift/meddelanden/%d/forsok-igen" % nid,
                         form={"_csrf": admin.csrf})
    t.check("trying again leads back to the page", 303, page.status)
    row = wait_for(lambda: [x for x in outbox(dead_order) if x[3]])
    t.ok(row and row[0][2] == 1 and row[0][4] == 0,
         "the notice is sent at its first new attempt", outbox(dead_order))
    t.check("one more POST reached the gateway for it", 3, len(
        [p for p in Gateway.posts if ("beställning %d " % dead_order).encode() in p[2]]))
    t.check("a notice not dead cannot be tried again", 404,
            admin.request("POST", "/api/notices/%d/retry" % nid).status)
    t.check("a patient may not list notices", 403,
            lmntest.Client(srv.port, "patient").get("/api/notices").status)
    srv.stop()

    # --- Without a relay or gateway, notices wait in the outbox. The order of the relay's outage
    # and the opted-out patient's are late: the contact cases opened at start tell the first ---
    wd.sql("UPDATE orders SET contact_from = '2026-11-23' WHERE id IN (?, ?)",
           (second, none_order))
    # A notice sent more than 90 days ago is removed at start (the first one's copy, moved back),
    # one sent 80 days ago is kept.
    for at in ("2026-08-24T09:00:00+02:00", "2026-09-04T09:00:00+02:00"):
        wd.sql("INSERT INTO outbox (patient_id, order_id, kind, channel, recipient, subject, body, "
               "created_at, attempts, sent_at) SELECT patient_id, order_id, kind, channel, "
               "recipient, subject, body, ?1, 1, ?1 FROM outbox WHERE id = (SELECT min(id) "
               "FROM outbox WHERE order_id = ?2)", (at, first))
    # Patient 1's prescription ends within 30 days (patient 2's copy does not): told once.
    wd.sql("UPDATE prescription_items SET last_valid = '2026-12-10' WHERE prescription_id = ?",
           (rx,))
    srv = serve()
    t.check("a delayed order's patient is told when its contact case opens",
            ["order_received", "delayed"],
            [k for (k,) in wd.sql("SELECT kind FROM outbox WHERE order_id = ? ORDER BY id",
                                  (second,))])
    late = wd.sql("SELECT body FROM outbox WHERE order_id = ? AND kind = 'delayed'", (second,))
    t.ok(late and late[0][0].startswith("Din beställning %d är försenad." % second),
         "in plain Swedish", late)
    t.check("the opted-out patient's late order tells nothing", [], outbox(none_order))
    exp = wait_for(lambda: wd.sql("SELECT patient_id, prescription_id, subject, body FROM outbox "
                                  "WHERE kind = 'prescription_expiring'"), 5)
    t.check("a prescription ending within 30 days is told, once, to its patient", [(1, rx)],
            [(p, x) for p, x, _, _ in exp])
    t.ok(exp and "går snart ut (sista dag torsdag 10 december)" in exp[0][3]
         and exp[0][2] == "Din förskrivning går snart ut", "in plain Swedish", exp)
    t.check("a notice sent over 90 days ago is removed in that job, one of 80 days kept",
            ["2026-09-04T09:00:00+02:00"],
            [a for (a,) in wd.sql("SELECT sent_at FROM outbox WHERE sent_at < '2026-10'")])
    t.check("both cases were opened", 2, wd.sql(
        "SELECT count(*) FROM contact_cases WHERE order_id IN (?, ?)", (second, none_order))[0][0])
    patient = lmntest.Client(srv.port, "patient")
    ks = lmntest.Client(srv.port, "kundtjanst")
    r = place(patient, 1, items[1][4])
    waiting = (r.json() or {}).get("id")
    time.sleep(2)
    t.check("without --smtp-url the notice stays queued, untried", [("email", MAIL, 0, 0, 0, "")],
            outbox(waiting))
    r = lmntest.Client(srv.port, "admin").get("/api/notices?state=queued")
    t.ok(any(n.get("order_id") == waiting for n in (r.json() or {}).get("notices", [])),
         "and is listed as queued", r.text[:300])

    # --- "Mina uppgifter": the patient's phone, e-mail and choice, through the API and the page ---
    r = patient.get("/api/patients/1/contact")
    t.check("the patient reads their contact details", (200, MAIL, "email"),
            (r.status, (r.json() or {}).get("email"), (r.json() or {}).get("notice_channel")))
    r = patient.request("PUT", "/api/patients/1/contact",
                        {"phone": "", "email": "inte en adress", "notice_channel": "email"})
    t.check("an e-mail address that is none is refused at its field", (422, "email"),
            (r.status, (r.json() or {}).get("field")))
    r = patient.request("PUT", "/api/patients/1/contact",
                        {"phone": "", "email": MAIL, "notice_channel": "sms"})
    t.check("SMS without a phone is refused at the phone", (422, "phone"),
            (r.status, (r.json() or {}).get("field")))
    r = patient.request("PUT", "/api/patients/2/contact",
                        {"phone": "", "email": MAIL, "notice_channel": "email"})
    t.check("a patient may not change another's", 403, r.status)
    r = patient.request("PUT", "/api/patients/1/contact",
                        {"phone": "070-111 22 33", "email": "", "notice_channel": "sms"})
    t.check("the patient chooses SMS", 200, r.status)
    t.check("and it is stored", [("070-111 22 33", None, "sms")],
            wd.sql("SELECT phone, email, notice_channel FROM patients WHERE id = 1"))
    t.check("the notice still waiting now goes by SMS to the number given",
            [("sms", "070-111 22 33", 0, 0, 0, "")], outbox(waiting))
    t.check("what was sent stays as it was sent", [("email", MAIL)], wd.sql(
        "SELECT DISTINCT channel, recipient FROM outbox WHERE patient_id = 1 "
        "AND sent_at IS NOT NULL"))
    log = patient.get("/api/patients/1/access-log").json()["entries"]
    t.ok(any(e["what"] == "kontaktuppgifter ändrade" and e["action"] == "update" for e in log),
         "the change is in the patient's access log", log[:3])
    page = patient.get("/mina-uppgifter")
    t.ok(page.status == 200 and 'href="/mina-uppgifter"' in page.text
         and 'value="070-111 22 33"' in page.text,
         "the page shows the choice, linked from the patient's navigation", page.text[:300])
    form = {"_csrf": patient.csrf, "telefon": "12", "epost": "", "meddelanden": "sms"}
    page = patient.request("POST", "/mina-uppgifter", form=form)
    t.ok(page.status == 422 and 'id="telefon-fel"' in page.text
         and "Skriv ett svenskt mobilnummer" in page.text,
         "a wrong number is shown in Swedish next to its field", page.status, page.text[-1500:])
    form.update(telefon="", epost=MAIL, meddelanden="email")
    page = patient.request("POST", "/mina-uppgifter", form=form)
    t.ok(page.status == 422 and "Telefonnumret behövs" in page.text,
         "the phone, which deliveries need, cannot be removed", page.status)
    form.update(telefon="070-111 22 33", epost=MAIL, meddelanden="none")
    page = patient.request("POST", "/mina-uppgifter", form=form)
    t.check("opting out through the page is stored", (303, "none"),
            (page.status, wd.sql("SELECT notice_channel FROM patients WHERE id = 1")[0][0]))
    t.check("and nothing waits to be sent to the patient any more", [], wd.sql(
        "SELECT kind FROM outbox WHERE patient_id = 1 AND sent_at IS NULL"))

    # --- A temporary delivery address: home deliveries of orders placed in its days go there ---
    def delivered_to(order_id):
        return wd.sql("SELECT delivery_address, delivery_postal_code, delivery_city FROM orders "
                      "WHERE id = ?", (order_id,))

    base = {"phone": "070-111 22 33", "email": MAIL, "notice_channel": "none"}
    summer = {"address": "Sommarvägen 3", "postal_code": "452 30", "city": "Strömstad",
              "from": "2026-11-30", "until": "2026-11-29"}
    r = patient.request("PUT", "/api/patients/1/contact", dict(base, temporary_address=summer))
    t.check("a period that ends before it starts is refused at its last day",
            (422, "temporary_address.until"), (r.status, (r.json() or {}).get("field")))
    summer.update({"from": "2026-11-20", "until": "2026-12-31"})
    r = patient.request("PUT", "/api/patients/1/contact", dict(base, temporary_address=summer))
    t.check("the patient gives a temporary address", (200, "45230"),
            (r.status, ((r.json() or {}).get("temporary_address") or {}).get("postal_code")))
    page = patient.get("/mina-uppgifter")
    t.ok('value="Sommarvägen 3"' in page.text, "the page shows it")
    r = place(patient, 1, items[1][6])
    t.check("an order placed in its days goes there", [("Sommarvägen 3", "45230", "Strömstad")],
            delivered_to((r.json() or {}).get("id")))
    t.check("after opting out an order queues nothing", (201, []),
            (r.status, outbox((r.json() or {}).get("id"))))
    form.update(tillf_adress="Sommarvägen 3", tillf_postnummer="4523", tillf_ort="Strömstad",
                tillf_fran="2026-12-01", tillf_till="2026-12-31")
    page = patient.request("POST", "/mina-uppgifter", form=form)
    t.ok(page.status == 422 and 'id="tillf_postnummer-fel"' in page.text
         and "Postnumret ska ha fem siffror" in page.text,
         "a wrong postal code is shown next to its field", page.status)
    form.update(tillf_postnummer="45230")
    page = patient.request("POST", "/mina-uppgifter", form=form)
    t.check("a later period through the page is stored", (303, "2026-12-01"),
            (page.status, wd.sql("SELECT temp_from FROM patients WHERE id = 1")[0][0]))
    home = wd.sql("SELECT address, postal_code, city FROM patients WHERE id = 1")
    r = place(patient, 1, items[1][7])
    t.check("an order placed before it goes to the registered address", home,
            delivered_to((r.json() or {}).get("id")))
    r = ks.request("PUT", "/api/patients/1/contact", dict(base))
    t.check("customer service may change them for the patient, here removing the temporary "
            "address", (200, None), (r.status, wd.sql(
                "SELECT temp_address FROM patients WHERE id = 1")[0][0]))
except Exception as e:  # a failure to set up is a failed test, not a crash of the harness
    t.ok(False, "the notice tests ran to the end", repr(e),
         srv.stderr() if srv else "")
finally:
    if srv:
        srv.stop()
    sink.stop()
    gateway.shutdown()
    wd.close()
sys.exit(t.done())
