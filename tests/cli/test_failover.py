#!/usr/bin/env python3
# Failover (issue 22): lmn serve on a PostgreSQL primary with a synchronous standby
# (tests/pg/pair.sh), given both hosts with target_session_attrs=read-write. During a stream of
# order placements, each with its own Idempotency-Key, the primary is killed with SIGKILL and the
# standby promoted. A request during the switch gets 503 with Retry-After, never a hang or another
# failure; the client retries it with the same key after the time it was told. lmn reconnects by
# itself: placements succeed again after the promotion. Every order that was acknowledged exists
# afterwards on the new primary, exactly once per key, and no key made two orders.
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

PLACERS = 4
PAUSE = 0.05  # between a client's placements: a steady stream, not the most lmn can take
BEFORE = 3.0  # seconds of placements before the primary is killed
DOWN = 1.0  # seconds between the kill and the promotion
AFTER = 5.0  # seconds of placements after the promotion
HANG = 20.0  # a request not answered within this is a hang
PATIENT = 1
PAIR = os.path.join(lmntest.SRC, "tests", "pg", "pair.sh")

t = lmntest.Tap()


def pair(cmd, d):
    r = subprocess.run([PAIR, cmd, d], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("pair.sh %s: %s" % (cmd, r.stderr))
    return r.stdout.strip()


def psql(url, sql):
    r = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("psql: " + r.stderr)
    return [ln.split("|") for ln in r.stdout.splitlines() if ln]


def items_to_order(port, url, copies):
    """Prescription items of PATIENT with a withdrawal each: one prescription of 50 articles
    through the API, and copies - 1 copies of it written with psql."""
    pr = lmntest.Client(port, "forskrivare")
    r = pr.request("POST", "/api/patients/%d/prescriptions" % PATIENT, {"items": [
        {"article_id": a, "withdrawals_allowed": 1, "quantity_per_withdrawal": 1,
         "period_days": 30, "last_valid": "2027-06-30"} for a in range(1, 51)]})
    if r.status != 201:
        raise RuntimeError("prescribing: %d %s" % (r.status, r.text[:300]))
    first = r.json()["id"]
    psql(url, """
        DO $$
        DECLARE rid bigint;
        BEGIN
            FOR n IN 2..%d LOOP
                INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on,
                                           created_at)
                SELECT patient_id, prescriber_id, unit_id, prescribed_on, created_at
                  FROM prescriptions WHERE id = %d RETURNING id INTO rid;
                INSERT INTO prescription_items (prescription_id, article_id,
                        withdrawals_allowed, withdrawals_remaining, quantity_per_withdrawal,
                        period_days, last_valid)
                SELECT rid, article_id, withdrawals_allowed, withdrawals_remaining,
                       quantity_per_withdrawal, period_days, last_valid
                  FROM prescription_items WHERE prescription_id = %d;
            END LOOP;
        END $$""" % (copies, first, first))
    return [int(row[0]) for row in psql(
        url, "SELECT i.id FROM prescription_items i JOIN prescriptions p "
             "ON p.id = i.prescription_id WHERE p.patient_id = %d AND p.id >= %d "
             "ORDER BY i.id" % (PATIENT, first))]


signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
tmp = tempfile.mkdtemp(prefix="lmn-failover-")
d = os.path.join(tmp, "pg")
os.chmod(tmp, 0o755)  # the servers run as the user postgres when the test runs as root
stop = threading.Event()
try:
    url = pair("start", d)
    t.ok(url.startswith("postgresql://"), "a primary and a synchronous standby run", url)
    r = subprocess.run([lmntest.LMN, "demo", "--db", url], capture_output=True, text=True,
                       timeout=300)
    t.check("lmn demo fills the primary", 0, r.returncode)
    if r.returncode != 0:
        t.diag(r.stderr)
        t.bail("no demo data")
    out = open(os.path.join(tmp, "serve.out"), "w+")
    err = open(os.path.join(tmp, "serve.err"), "w+")
    proc = subprocess.Popen([lmntest.LMN, "serve", "--db", url, "--port", "0"], stdout=out,
                            stderr=err)
    port = None
    for _ in range(1200):
        out.seek(0)
        text = out.read()
        if "http://127.0.0.1:" in text:
            port = int(text.split("http://127.0.0.1:")[1].split("/")[0])
            break
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    if not port:
        err.seek(0)
        t.bail("lmn serve did not start: " + err.read())
    items = items_to_order(port, url, 24)
    t.ok(len(items) == 1200, "1200 items to order are prescribed (%d)" % len(items))
    ks = lmntest.Client(port, "kundtjanst")

    log = []  # (key, attempt's outcome, seconds, Retry-After)
    acked = {}  # key -> order id
    lock = threading.Lock()
    phase = {"now": "before"}

    def place(n, pool):
        conn = None
        for k, item in enumerate(pool):
            if stop.is_set():
                return
            key = "failover-%d-%d" % (n, k)
            body = json.dumps(lmntest.order_body(item))
            while not stop.is_set():  # the same key until it is acknowledged
                t_req = time.monotonic()
                retry = None
                try:
                    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
                    conn.request("POST", "/api/patients/%d/orders" % PATIENT, body=body,
                                 headers={"Cookie": "lmn_session=" + ks.cookies["lmn_session"],
                                          "X-CSRF-Token": ks.csrf,
                                          "Content-Type": "application/json",
                                          "Idempotency-Key": key})
                    resp = conn.getresponse()
                    data = resp.read()
                    outcome = resp.status
                    retry = resp.getheader("Retry-After")
                    if (resp.getheader("Connection") or "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as e:
                    outcome = type(e).__name__
                    if conn:
                        conn.close()
                    conn = None
                took = time.monotonic() - t_req
                with lock:
                    log.append((key, outcome, took, retry, phase["now"]))
                    if outcome in (200, 201):
                        acked[key] = json.loads(data)["id"]
                if outcome in (200, 201):
                    time.sleep(PAUSE)
                    break
                # Told to wait: as long as it says; anything else is already a failure.
                time.sleep(min(float(retry), 5.0) if retry and retry.isdigit() else 0.5)

    pools = [items[n::PLACERS] for n in range(PLACERS)]
    threads = [threading.Thread(target=place, args=(n, pools[n])) for n in range(PLACERS)]
    for th in threads:
        th.start()
    time.sleep(BEFORE)
    before = len(acked)
    phase["now"] = "switch"
    pair("kill", d)
    time.sleep(DOWN)
    pair("promote", d)
    phase["now"] = "after"
    time.sleep(AFTER)
    stop.set()
    for th in threads:
        th.join(timeout=HANG + 10)
    after_ok = [e for e in log if e[4] == "after" and e[1] in (200, 201)]
    t.diag("%d placements acknowledged before the kill, %d in all; %d attempts" % (
        before, len(acked), len(log)))
    t.ok(before >= 20, "placements were acknowledged before the kill (%d)" % before)
    unavailable = [e for e in log if e[1] == 503]
    t.diag("%d answers 503 during the switch" % len(unavailable))
    t.check("every answer was 201, 200 (a retry of an acknowledged key) or 503", [],
            [e for e in log if e[1] not in (200, 201, 503)][:10])
    t.check("every 503 says when to try again (Retry-After)", [],
            [e for e in unavailable if not (e[3] or "").isdigit()][:10])
    t.check("no request hung", [], [e for e in log if e[2] >= HANG - 1][:10])
    t.ok(len(after_ok) >= 10,
         "lmn reconnected by itself: %d placements acknowledged after the promotion" %
         len(after_ok))
    rows = psql(url, "SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE "
                     "'failover-%'")
    stored = {}
    for key, oid in rows:
        stored.setdefault(key, []).append(int(oid))
    t.check("every acknowledged order exists on the new primary, once", [],
            [(k, v, stored.get(k)) for k, v in acked.items() if stored.get(k) != [v]][:10])
    t.check("no key made two orders", [], [k for k, v in stored.items() if len(v) > 1][:10])
    proc.send_signal(signal.SIGTERM)
    t.check("lmn serve stops with status 0", 0, proc.wait(timeout=60))
    if t.failed:
        err.seek(0)
        t.diag("lmn serve, standard error:\n" + err.read()[-4000:])
finally:
    stop.set()
    try:
        if "proc" in globals() and proc.poll() is None:
            proc.kill()
            proc.wait()
    finally:
        subprocess.run([PAIR, "stop", d], capture_output=True, timeout=120)
        subprocess.run(["rm", "-rf", tmp])
sys.exit(t.done())
