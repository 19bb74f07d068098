#!/usr/bin/env python3
# Online backup and restore of a SQLite store (issue 22): lmn serve on a demo store takes a stream
# of orders from concurrent clients, each with its own Idempotency-Key; mid-stream `lmn store
# backup` copies the live store. Every order acknowledged (201) before the backup began must be in
# the copy, none acknowledged after it ended may be (it is the store as of its start), orders were
# acknowledged while it ran (the server's writer was not held up), and the copy passes PRAGMA
# integrity_check. Then it is restored as the README says (the server stopped, the copy put in
# place in a fresh folder, no -wal or -shm beside it) and served: each of those orders reads back
# with its line and a retry of its key returns it (200). Last, the refusals: an existing --to, a
# PostgreSQL address, a missing --db.
# LMN_BACKUP_WITH=cp takes the "backup" with a plain cp of the live database file instead (what
# the test must catch: the orders still in the write-ahead log are lost); only for a proof by hand.
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

CLIENTS = 4
PRESCRIPTIONS = 40  # of 50 items each: one order per item
PATIENT = 1
PADDING_MB = 48  # a larger store, so the backup takes long enough to overlap many placements
BEFORE = 150  # orders acknowledged before the backup starts
AFTER = 100  # and after it ends, before the stream stops

t = lmntest.Tap()
if lmntest.PG:
    # lmn store backup copies a SQLite file; a PostgreSQL store is backed up with PostgreSQL's own
    # tools, which test_backup_pg.py tests under the same stream of orders.
    t.skip_all("lmn store backup is for a SQLite store (PostgreSQL: test_backup_pg.py)")
wd = lmntest.Workdir()
with_cp = os.environ.get("LMN_BACKUP_WITH") == "cp"
if with_cp:
    t.diag("LMN_BACKUP_WITH=cp: a plain cp of the live file instead of lmn store backup")
pad = sqlite3.connect(wd.db)
pad.execute("CREATE TABLE backup_test_padding (b BLOB)")
pad.executemany("INSERT INTO backup_test_padding VALUES (randomblob(65536))",
                [()] * (PADDING_MB * 16))
pad.commit()
pad.close()
srv = lmntest.Server(wd, "live")
restored_srv = None


def integrity(path):
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
    try:
        return c.execute("PRAGMA integrity_check").fetchall()
    finally:
        c.close()


def backup(*args):
    return subprocess.run([lmntest.LMN, "store", "backup", *args], capture_output=True,
                          text=True, timeout=300)


try:
    # Items with a withdrawal left: PRESCRIPTIONS copies of a prescription of 50 articles.
    try:
        items = lmntest.prescribe_items(wd, srv.port, PATIENT, PRESCRIPTIONS)
    except RuntimeError as e:
        t.bail(str(e))
    t.check("the items to order are prescribed", PRESCRIPTIONS * 50, len(items))

    ks = lmntest.Client(srv.port, "kundtjanst")

    def body(item):
        return {"reason": "Säkerhetskopia", "lines": [{"prescription_item_id": item,
                                                      "quantity": 1}],
                "delivery": {"method": "home"}}

    acked = {}  # key -> (order id, item, monotonic time of the answer)
    sent_at = {}  # key -> monotonic time the request was sent
    other = []
    lock = threading.Lock()
    stop = threading.Event()

    def place(n, pool):
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        for k, item in enumerate(pool):
            if stop.is_set():
                break
            key = "backup-%d-%d" % (n, k)
            h = {"Content-Type": "application/json", "X-CSRF-Token": ks.csrf,
                 "Cookie": "lmn_session=" + ks.cookies["lmn_session"], "Idempotency-Key": key}
            with lock:
                sent_at[key] = time.monotonic()
            try:
                conn.request("POST", "/api/patients/%d/orders" % PATIENT,
                             body=json.dumps(body(item)).encode(), headers=h)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    other.append((key, "error", str(e)))
                break
            now = time.monotonic()
            with lock:
                if resp.status == 201:
                    acked[key] = (json.loads(data)["id"], item, now)
                else:
                    other.append((key, resp.status, data[:200]))
        conn.close()

    threads = [threading.Thread(target=place, args=(n, items[n::CLIENTS]))
               for n in range(CLIENTS)]
    for th in threads:
        th.start()

    def wait_for(count, limit):
        t0 = time.monotonic()
        while len(acked) < count and time.monotonic() - t0 < limit and \
                any(th.is_alive() for th in threads):
            time.sleep(0.005)

    wait_for(BEFORE, 60)
    copy = os.path.join(wd.path, "backup.db")
    with lock:
        began = time.monotonic()
        acked_before = dict(acked)
    if with_cp:
        shutil.copyfile(wd.db, copy)
        res = subprocess.CompletedProcess([], 0, "", "")
    else:
        res = backup("--db", wd.db, "--to", copy)
    ended = time.monotonic()
    busy = sum(th.is_alive() for th in threads)
    n_end = len(acked)
    wait_for(n_end + AFTER, 60)
    stop.set()
    for th in threads:
        th.join(timeout=60)
    during = [k for k, v in acked.items() if v[2] > began and sent_at[k] < ended]
    after = {k: v for k, v in acked.items() if sent_at[k] > ended}
    t.diag("backup in %.2f s: %d orders acknowledged before it began, %d during, %d sent after"
           % (ended - began, len(acked_before), len(during), len(after)))
    t.check("lmn store backup exits 0", 0, res.returncode)
    t.diag(res.stderr.strip())
    t.ok(with_cp or res.stderr.count("säkerhetskopierar:") >= 2,
         "it shows its progress on stderr, step by step", res.stderr)
    t.ok(with_cp or "integrity_check ok" in res.stdout,
         "it says the copy is checked before it says done", res.stdout)
    t.check("every answer of the stream was 201", [], other[:5])
    t.ok(busy == CLIENTS, "every client was still placing orders when the backup ended",
         "%d of %d busy: raise PRESCRIPTIONS" % (busy, CLIENTS))
    t.ok(len(during) > 0, "orders were acknowledged while the backup ran (%d): the server's "
         "writer went on" % len(during))
    t.ok(len(after) >= AFTER // 2, "orders were placed after it ended (%d)" % len(after))
    t.check("PRAGMA integrity_check of the backup", [("ok",)], integrity(copy))

    in_copy = dict(sqlite3.connect("file:%s?mode=ro" % copy, uri=True).execute(
        "SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE 'backup-%'"))
    missing = [(k, v[0], in_copy.get(k)) for k, v in acked_before.items()
               if in_copy.get(k) != v[0]]
    t.ok(not missing, "every order acknowledged before the backup began is in it (%d)" %
         len(acked_before), "%d of them missing, e.g. (key, id, id in the copy):" % len(missing),
         missing[:10])
    torn = []
    for n in range(CLIENTS):
        ks_n = sorted(int(k.split("-")[2]) for k in in_copy if k.startswith("backup-%d-" % n))
        if ks_n != list(range(len(ks_n))):
            torn.append((n, ks_n[:5], len(ks_n)))
    t.check("each client's orders in it are its first ones, none missing between: one moment's "
            "store", [], torn)
    late = sorted(k for k in after if k in in_copy)
    t.check("no order sent after the backup ended is in it: a copy as of its start", [],
            late[:10])

    # Restore as the README says: stop lmn, put the file in place (a fresh folder here), serve.
    t.check("the live server stops cleanly", 0, srv.stop())
    place_dir = os.path.join(wd.path, "restored")
    os.mkdir(place_dir)
    restored = os.path.join(place_dir, "lmn.db")
    shutil.copyfile(copy, restored)
    t.ok(not any(os.path.exists(restored + ext) for ext in ("-wal", "-shm")),
         "the restored store has no -wal or -shm beside it")
    restored_srv = lmntest.Server(restored, "restored")
    ks2 = lmntest.Client(restored_srv.port, "kundtjanst")
    unread = []
    for k, (oid, item, _) in acked_before.items():
        r = ks2.get("/api/orders/%d" % oid)
        if r.status != 200 or [ln.get("prescription_item_id") for ln in r.json()["lines"]] != \
                [item]:
            unread.append((oid, r.status, r.text[:200]))
    t.check("served from the restored store, each reads back with its line", [], unread[:10])
    wrong = []
    for k, (oid, item, _) in list(acked_before.items())[:50]:
        r = ks2.request("POST", "/api/patients/%d/orders" % PATIENT, body(item),
                        headers={"Idempotency-Key": k})
        if r.status != 200 or (r.json() or {}).get("id") != oid:
            wrong.append((k, oid, r.status, r.text[:200]))
    t.check("a retry of its key returns the same order (200), no second", [], wrong[:10])
    h = ks2.get("/healthz").json() or {}
    t.check("the restored store answers /healthz with its schema", ("ok", True),
            (h.get("database"), isinstance(h.get("schema"), int) and h.get("schema") > 0))
    t.check("the restored server stops cleanly", 0, restored_srv.stop())

    # Refusals, nothing overwritten or made.
    size = os.path.getsize(copy)
    r = backup("--db", wd.db, "--to", copy)
    t.ok(r.returncode == 1 and "finns redan" in r.stderr and os.path.getsize(copy) == size,
         "an existing --to is refused in Swedish and left as it was", r.returncode, r.stderr)
    other_to = os.path.join(wd.path, "pg.db")
    r = backup("--db", "postgresql:///lmn?host=/nonexistent", "--to", other_to)
    t.ok(r.returncode == 1 and "pg_dump" in r.stderr and not os.path.exists(other_to),
         "a PostgreSQL store is referred to pg_basebackup/pg_dump", r.returncode, r.stderr)
    r = backup("--db", os.path.join(wd.path, "none.db"), "--to", other_to)
    t.ok(r.returncode == 1 and "finns inte" in r.stderr and not os.path.exists(other_to),
         "a missing --db is refused", r.returncode, r.stderr)
    r = backup("--db", wd.db)
    t.check("without --to: usage (exit 2)", 2, r.returncode)
finally:
    srv.stop()
    if restored_srv:
        restored_srv.stop()
    wd.close()
sys.exit(t.done())
