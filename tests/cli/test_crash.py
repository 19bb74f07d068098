#!/usr/bin/env python3
# Crash durability (issue 17): orders are placed by concurrent clients, each with its own
# Idempotency-Key, and the server is killed with SIGKILL after 1-3 s (or once half of the 8 000
# items are ordered); restarted on the same database, every acknowledged (201) order is there with
# its key, a retry of an acknowledged key returns the same order (200) and makes no second, and
# PRAGMA integrity_check is ok. On PostgreSQL (LMN_TEST_PG) the same, with amcheck's heap and
# index checks for PRAGMA integrity_check.
# LMN_CRASH_SEED fixes the moment of the kill (it is printed).
import http.client
import json
import os
import random
import shutil
import sqlite3
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

CLIENTS = 6
PRESCRIPTIONS = 160  # of 50 items each: one order per item (a withdrawal per period)
PATIENT = 1

t = lmntest.Tap()
seed = int(os.environ.get("LMN_CRASH_SEED") or random.randrange(1 << 30))
t.diag("LMN_CRASH_SEED=%d" % seed)
rnd = random.Random(seed)
wd = lmntest.Workdir()
CHECK = "amcheck" if wd.pg else "PRAGMA integrity_check"
started = time.monotonic()  # the test's own work, after the demo database (30 s under ASan)
srv = lmntest.Server(wd, "first")


def integrity(path):
    """[("ok",)], or what is wrong: SQLite's PRAGMA integrity_check of the file at path, or on
    PostgreSQL amcheck's verify_heapam of every table and bt_index_check of every index (it raises
    an error on a corrupt index)."""
    if wd.pg:
        wd.sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        bad = wd.sql("SELECT c.relname, v.blkno, v.offnum, v.msg FROM pg_class c "
                     "CROSS JOIN LATERAL verify_heapam(c.oid) v WHERE c.relkind = 'r' "
                     "AND c.relnamespace = current_schema()::regnamespace")
        try:
            n = wd.sql("SELECT count(bt_index_check(c.oid, true)) FROM pg_index i "
                       "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                       "WHERE a.amname = 'btree' AND c.relnamespace = "
                       "current_schema()::regnamespace")[0][0]
            if n < 10:
                bad.append("only %d indexes checked" % n)
        except RuntimeError as e:
            bad.append(str(e))
        return bad or [("ok",)]
    c = sqlite3.connect(path, timeout=30)
    try:
        return c.execute("PRAGMA integrity_check").fetchall()
    finally:
        c.close()


try:
    # Items with a withdrawal left: PRESCRIPTIONS copies of a prescription of 50 articles.
    try:
        items = lmntest.prescribe_items(wd, srv.port, PATIENT, PRESCRIPTIONS)
    except RuntimeError as e:
        t.bail(str(e))
    t.check("the items to order are prescribed", PRESCRIPTIONS * 50, len(items))

    ks = lmntest.Client(srv.port, "kundtjanst")

    def body(item):
        return {"reason": "Krocktest", "lines": [{"prescription_item_id": item, "quantity": 1}],
                "delivery": {"method": "home"}}

    acked = {}  # key -> (order id, item)
    in_flight = {}  # key -> item: sent, and the connection broke before an answer
    other = []  # any other answer before the kill
    lock = threading.Lock()
    killed = threading.Event()

    def place(n, pool):
        cl = lmntest.Client(srv.port)
        cl.cookies, cl.csrf = dict(ks.cookies), ks.csrf
        cl.timeout = 10
        for k, item in enumerate(pool):
            if killed.is_set():
                return
            key = "crash-%d-%d" % (n, k)
            try:
                # One try only: a retry after the kill must not be made by the client library.
                cl.conn = cl.conn or http.client.HTTPConnection(
                    "127.0.0.1", srv.port, timeout=10)
                h = {"Content-Type": "application/json", "X-CSRF-Token": cl.csrf,
                     "Cookie": "lmn_session=" + cl.cookies["lmn_session"],
                     "Idempotency-Key": key}
                cl.conn.request("POST", "/api/patients/%d/orders" % PATIENT,
                                body=json.dumps(body(item)).encode(), headers=h)
                resp = cl.conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    in_flight[key] = item
                return
            with lock:
                if resp.status == 201:
                    acked[key] = (json.loads(data)["id"], item)
                else:
                    other.append((key, resp.status, data[:200]))

    pools = [items[n::CLIENTS] for n in range(CLIENTS)]
    threads = [threading.Thread(target=place, args=(n, pools[n])) for n in range(CLIENTS)]
    for th in threads:
        th.start()
    # Killed after 1-3 s, or sooner once half the items are ordered (a fast machine), so that it
    # is killed while every client is placing orders.
    delay = rnd.uniform(1.0, 3.0)
    t0 = time.monotonic()
    while time.monotonic() - t0 < delay and len(acked) < len(items) // 2:
        time.sleep(0.01)
    delay = time.monotonic() - t0
    busy = sum(th.is_alive() for th in threads)
    srv.kill9()
    killed.set()
    for th in threads:
        th.join(timeout=30)
    t.diag("killed with SIGKILL after %.2f s: %d acknowledged, %d in flight, %d clients busy" %
           (delay, len(acked), len(in_flight), busy))
    t.check("every answer before the kill was 201", [], other[:5])
    t.ok(busy == CLIENTS, "the server was killed while every client was still placing orders",
         "%d of %d busy: raise PRESCRIPTIONS" % (busy, CLIENTS))
    t.ok(len(acked) >= 50, "orders were acknowledged before the kill (%d)" % len(acked))

    # The files as the kill left them, checked on a copy before anything opens them again; on
    # PostgreSQL the database itself, before the restart.
    if wd.pg:
        copy = None
    else:
        copy = os.path.join(wd.path, "copy.db")
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(wd.db + ext):
                shutil.copyfile(wd.db + ext, copy + ext)
    t.check("%s of the database as the kill left it" % CHECK, [("ok",)], integrity(copy))

    srv = lmntest.Server(wd, "second")
    ks = lmntest.Client(srv.port, "kundtjanst")
    rows = dict(wd.sql("SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE "
                       "'crash-%'"))
    missing = [(k, v[0], rows.get(k)) for k, v in acked.items() if rows.get(k) != v[0]]
    t.check("after the restart every acknowledged order is stored with its key", [], missing[:10])
    unread = []
    for k, (oid, item) in acked.items():
        r = ks.get("/api/orders/%d" % oid)
        if r.status != 200 or [ln.get("prescription_item_id") for ln in r.json()["lines"]] != \
                [item]:
            unread.append((oid, r.status, r.text[:200]))
    t.check("and reads back with its line", [], unread[:10])
    wrong = []
    for k, (oid, item) in acked.items():
        r = ks.request("POST", "/api/patients/%d/orders" % PATIENT, body(item),
                       headers={"Idempotency-Key": k})
        if r.status != 200 or (r.json() or {}).get("id") != oid:
            wrong.append((k, oid, r.status, r.text[:200]))
    t.check("a retry of every acknowledged key returns the same order (200)", [], wrong[:10])
    retried = {}
    for k, item in in_flight.items():
        r = ks.request("POST", "/api/patients/%d/orders" % PATIENT, body(item),
                       headers={"Idempotency-Key": k})
        retried[k] = r.status
    t.ok(all(s in (200, 201) for s in retried.values()),
         "a retry of a request in flight at the kill is placed or found (%s)" %
         sorted(retried.values()), retried)
    dup = wd.sql("SELECT idempotency_key, count(*) FROM orders WHERE idempotency_key LIKE "
                 "'crash-%' GROUP BY idempotency_key HAVING count(*) > 1")
    t.check("and no key has a second order", [], dup)
    n_orders = wd.sql("SELECT count(*) FROM orders WHERE idempotency_key LIKE 'crash-%'")[0][0]
    t.check("the orders stored are the acknowledged ones and those retried", len(acked) +
            len(in_flight), n_orders)
    t.check("%s after the restart" % CHECK, [("ok",)], integrity(wd.db))
    t.check("the restarted server stops cleanly", 0, srv.stop())
    elapsed = time.monotonic() - started
    t.ok(elapsed < 60, "within a minute (%.1f s)" % elapsed)
finally:
    srv.stop()
    wd.close()
sys.exit(t.done())
