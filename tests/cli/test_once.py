#!/usr/bin/env python3
# Several lmn servers on one database (issue 22), here two `lmn serve` on one SQLite file (or one
# PostgreSQL database, LMN_TEST_PG): what must happen once happens once, whichever server does it.
# (a) Notices: both servers send to one SMTP relay (smtp_sink.py, a little slow) while hundreds of
#     notices are due: each is delivered exactly once, and both servers sent some. Then one
#     server is killed (SIGKILL) mid-run: every notice is still delivered, and a notice is
#     delivered twice only if the killed server had claimed it and not recorded it sent. One
#     stopped with SIGTERM mid-run gives back its claims: the other sends the rest at once, each
#     once.
# (b) Idempotency-Key: the same key sent to both servers at the same moment, for many keys at
#     once, with one session (signed in on one server, used on both): one order per key, and both
#     answers name it.
# (c) Background jobs: both servers started at once on a day when the orders of (b) are due for
#     delay contact and prescriptions end within 30 days: one contact case per order, one
#     "delayed" notice per case, one notice per prescription ending.
# (d) An assortment import sent to one server: the other tells it running, and how far it has
#     come, and refuses a second import meanwhile; then tells it done.
import collections
import datetime
import os
import re
import signal
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
NOTICES = 300  # per round of (a)
KEYS = 40  # (b)
LEASE = 5  # --notice-lease of (a): how long a killed server's claims keep others off

t = lmntest.Tap()
# Stopped by meson's time-out: the servers and the relay are stopped all the same (finally).
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
wd = lmntest.Workdir()
mails_dir = os.path.join(wd.path, "mails")
os.mkdir(mails_dir)
servers = []
sink = None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(name, *extra):
    s = lmntest.Server(wd, name=name, args=extra)
    servers.append(s)
    return s


def delivered():
    """{notice id: times delivered}, from the Message-ID of each mail the relay took."""
    n = collections.Counter()
    for name in os.listdir(mails_dir):
        if name.endswith(".eml"):
            with open(os.path.join(mails_dir, name), "rb") as f:
                g = re.search(rb"\r\nMessage-ID: <lmn-notice-(\d+)@lmn>\r\n", f.read())
            if g:
                n[int(g.group(1))] += 1
    return n


def sent(ids):
    return wd.sql("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND id BETWEEN ? AND ?",
                  (min(ids), max(ids)))[0][0]


def queue(round_no):
    """NOTICES notices due now for patient 1, by e-mail, in one statement; their ids."""
    return [r[0] for r in wd.sql(
        "INSERT INTO outbox (patient_id, kind, channel, recipient, subject, body, created_at) "
        "SELECT 1, 'order_received', 'email', ?, ? || k, ? || k, '2026-11-23T10:00:00+01:00' "
        "FROM (WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < ?) "
        "SELECT k FROM n) AS c ORDER BY k RETURNING id",
        (MAIL, "Test %d." % round_no, "Notis %d." % round_no, NOTICES - 1))]


def unsent(ids):
    return wd.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND id BETWEEN ? AND ?",
                  (min(ids), max(ids)))[0][0]


def wait_for(cond, seconds):
    end = time.time() + seconds
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    return cond()


def notice_args(lease=LEASE):
    return ("--smtp-url", "smtp://127.0.0.1:%d" % sink_port, "--mail-from", "noreply@lmn.example",
            "--notice-retry", "1", "--notice-lease", str(lease))


try:
    wd.sql("UPDATE patients SET notice_channel = 'email', email = ? WHERE id = 1", (MAIL,))
    sink_port = free_port()
    sink = subprocess.Popen([sys.executable, os.path.join(HERE, "smtp_sink.py"), str(sink_port),
                             mails_dir, "0.01"], stdout=subprocess.PIPE, text=True)
    if sink.stdout.readline().strip() != "ready":
        t.bail("smtp_sink.py did not start")

    # --- (a) Notices: each delivered once by two servers ---
    first = queue(1)
    a = serve("a", *notice_args())
    b = serve("b", *notice_args())
    t.ok(wait_for(lambda: unsent(first) == 0, 120), "two servers send %d notices" % NOTICES,
         "%d not sent" % unsent(first))
    got = delivered()
    twice = sorted(i for i in first if got[i] > 1)
    t.check("each notice is delivered exactly once (none twice)", [], twice)
    t.check("none is missing", [], [i for i in first if got[i] == 0])
    senders = dict(wd.sql("SELECT claimed_by, count(*) FROM outbox WHERE id BETWEEN ? AND ? "
                          "GROUP BY claimed_by", (min(first), max(first))))
    t.ok(len(senders) == 2 and all(n >= 10 for n in senders.values()),
         "both servers sent some of them (the test raced them)", senders)
    t.check("no claim is left on a notice sent", 0, wd.sql(
        "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND claimed_until IS NOT NULL")[0][0])

    # --- (a) One server killed mid-run: every notice still delivered, twice only if claimed ---
    before = delivered()
    second = queue(2)
    wait_for(lambda: sent(second) >= NOTICES // 5, 60)
    a.kill9()
    claimed = {r[0] for r in wd.sql(
        "SELECT id FROM outbox WHERE sent_at IS NULL AND claimed_by LIKE ? AND id BETWEEN ? AND ?",
        ("%%:%d:%%" % a.proc.pid, min(second), max(second)))}
    t.diag("killed server a with %d notices claimed and not recorded sent" % len(claimed))
    t.ok(len(claimed) <= 16, "the killed server held at most a batch (16) of claims", claimed)
    t.ok(wait_for(lambda: unsent(second) == 0, 60 + LEASE),
         "the other server sends the rest, the killed one's claims after they ran out",
         "%d not sent" % unsent(second))
    got = delivered()
    t.check("every notice is delivered", [], [i for i in second if got[i] == 0])
    twice = {i for i in second if got[i] > 1}
    t.ok(twice <= claimed, "a notice delivered twice is one the killed server had claimed",
         "twice: %s" % sorted(twice), "claimed: %s" % sorted(claimed))
    t.check("none is delivered more than twice", [], [i for i in second if got[i] > 2])
    t.check("the first round was not sent again", [before[i] for i in first],
            [got[i] for i in first])
    b.stop()

    # --- (a) One server stopped with SIGTERM mid-run: its claims are given back at once ---
    a = serve("a1", *notice_args(60))
    b = serve("b1", *notice_args(60))
    third = queue(3)
    wait_for(lambda: sent(third) >= NOTICES // 5, 60)
    t.check("the server stopped with SIGTERM exits 0", 0, a.stop())
    held = wd.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND claimed_by LIKE ? "
                  "AND claimed_until IS NOT NULL", ("%%:%d:%%" % a.proc.pid,))[0][0]
    t.check("it left no claim on a notice it did not send", 0, held)
    t.ok(wait_for(lambda: unsent(third) == 0, 40),
         "the other server sends the rest, without waiting for the stopped one's claims (60 s)",
         "%d not sent" % unsent(third))
    got = delivered()
    t.check("each of them is delivered exactly once", [],
            [(i, got[i]) for i in third if got[i] != 1])
    b.stop()

    # --- (b) One Idempotency-Key at both servers at the same moment: one order ---
    a = serve("a2")
    b = serve("b2")
    # Every second item of two prescriptions: each keeps items to withdraw, so it can end (c).
    items = lmntest.prescribe_items(wd, a.port, 1, 2)[::2][:KEYS]
    ks = lmntest.Client(a.port, "kundtjanst")
    answers = {}

    def place(port, key, item, barrier):
        c = lmntest.Client(port)  # the session signed in on server a, also on server b
        c.cookies, c.csrf = dict(ks.cookies), ks.csrf
        barrier.wait()
        try:
            r = c.request("POST", "/api/patients/1/orders", lmntest.order_body(item),
                          headers={"Idempotency-Key": key})
            answers[(key, port)] = (r.status, (r.json() or {}).get("id"))
        except OSError as e:
            answers[(key, port)] = (0, str(e))
        c.close()

    keys = ["samtidig-%03d" % i for i in range(len(items))]
    for at in range(0, len(keys), 8):  # 8 keys at a time, each at both servers
        threads = []
        for key, item in zip(keys[at:at + 8], items[at:at + 8]):
            barrier = threading.Barrier(2)
            for port in (a.port, b.port):
                threads.append(threading.Thread(target=place, args=(port, key, item, barrier)))
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
    bad = []
    for key in keys:
        ra, rb = answers.get((key, a.port)), answers.get((key, b.port))
        if not ra or not rb or sorted((ra[0], rb[0])) != [200, 201] or ra[1] != rb[1] or not ra[1]:
            bad.append((key, ra, rb))
    t.check("both answers of each key name the same order (one 201, one 200)", [], bad)
    counts = wd.sql("SELECT count(*) FROM orders WHERE idempotency_key LIKE 'samtidig-%' "
                    "GROUP BY idempotency_key HAVING count(*) <> 1")
    t.check("one order per key", ([], KEYS), (counts, wd.sql(
        "SELECT count(*) FROM orders WHERE idempotency_key LIKE 'samtidig-%'")[0][0]))
    a.stop()
    b.stop()

    # --- (c) Background jobs of two servers started at once run once ---
    # The orders of (b) are due for delay contact on their contact date (Spec B 3:6), none
    # delivered; the prescriptions of (b) end within 30 days of it.
    contact = wd.sql("SELECT max(contact_from) FROM orders WHERE idempotency_key LIKE 'samtidig-%'")[0][0]
    due = wd.sql("SELECT count(*) FROM orders WHERE idempotency_key LIKE 'samtidig-%' "
                 "AND contact_from IS NOT NULL")[0][0]
    rx = [r[0] for r in wd.sql("SELECT DISTINCT i.prescription_id FROM prescription_items i "
                               "JOIN orders o ON o.idempotency_key LIKE 'samtidig-%' "
                               "JOIN order_lines l ON l.order_id = o.id "
                               "AND l.prescription_item_id = i.id")]
    ends = (datetime.date.fromisoformat(contact) + datetime.timedelta(days=20)).isoformat()
    wd.sql("UPDATE prescription_items SET last_valid = ? WHERE prescription_id IN "
           "(%s)" % ",".join("?" * len(rx)), [ends] + rx)
    t.ok(due == KEYS and contact, "the %d orders have a contact date (%s)" % (due, contact))
    os.environ["LMN_NOW"] = contact + "T10:00"
    started = []
    go = threading.Barrier(2)

    def start(name):
        go.wait()
        started.append(serve(name))

    threads = [threading.Thread(target=start, args=(n,)) for n in ("a3", "b3")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    t.check("both servers started", 2, len(started))
    cases = wd.sql("SELECT count(*), count(DISTINCT k.order_id) FROM contact_cases k JOIN orders o "
                   "ON o.id = k.order_id WHERE o.idempotency_key LIKE 'samtidig-%'")[0]
    t.check("one contact case per order due", (KEYS, KEYS), tuple(cases))
    delayed = wd.sql("SELECT count(*), count(DISTINCT x.order_id) FROM outbox x JOIN orders o "
                     "ON o.id = x.order_id WHERE x.kind = 'delayed' "
                     "AND o.idempotency_key LIKE 'samtidig-%'")[0]
    t.check("one delayed notice per case", (KEYS, KEYS), tuple(delayed))

    def expiring():
        return tuple(wd.sql("SELECT count(*), count(DISTINCT prescription_id) FROM outbox "
                            "WHERE kind = 'prescription_expiring' AND prescription_id IN (%s)"
                            % ",".join("?" * len(rx)), rx)[0])

    wait_for(lambda: expiring()[0] >= len(rx), 30)
    time.sleep(1)  # the other server's daily run, had it queued them again
    t.check("one notice per prescription ending (%d)" % len(rx), (len(rx), len(rx)), expiring())

    # --- (d) An assortment import runs on one server at a time, followed on either ---
    # Its articles are written slowly (a test trigger, 30 ms each): it runs for a few seconds.
    if wd.pg:
        wd.sql("CREATE FUNCTION test_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "PERFORM pg_sleep(0.03); RETURN NEW; END $$; CREATE TRIGGER test_slow "
               "AFTER INSERT ON articles FOR EACH ROW WHEN (NEW.article_number LIKE 'SLOW%') "
               "EXECUTE FUNCTION test_slow()")
    else:
        wd.sql("CREATE TRIGGER test_slow AFTER INSERT ON articles "
               "WHEN NEW.article_number LIKE 'SLOW%' BEGIN SELECT count(*) FROM (WITH "
               "RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 300000) "
               "SELECT k FROM n); END")
    head = "article_number;name;area;unit;package_size;supplier;stocked;price;price_from\r\n"
    slow = (head + "".join("SLOW%03d;Testartikel %d;nutrition;st;1;Exempel AB;ja;10,00;"
                           "2026-12-01\r\n" % (i, i) for i in range(100))).encode()
    other = (head + "ANNAN1;Annan artikel;nutrition;st;1;Exempel AB;ja;10,00;2026-12-01\r\n"
             ).encode()
    ia = serve("ia")
    ib = serve("ib")
    adm_a = lmntest.Client(ia.port, "admin")
    adm_b = lmntest.Client(ib.port, "admin")
    csv = {"Content-Type": "text/csv"}
    r = adm_a.request("POST", "/api/article-imports?filename=langsam.csv", raw=slow, headers=csv)
    imp = (r.json() or {}).get("id")
    t.check("an import is sent to server a", 202, r.status)
    states = []

    def on_b():
        got = adm_b.get("/api/article-imports/%s" % imp).json() or {}
        states.append((got.get("state"), got.get("phase")))
        return got.get("state") == "running" and got.get("phase") == "writing"

    t.ok(wait_for(on_b, 30), "server b tells it running, writing its articles", states[-3:])
    r = adm_b.request("POST", "/api/article-imports?filename=annan.csv", raw=other, headers=csv)
    t.ok(r.status == 409 and "En import pågår redan (nr %s)" % imp in r.text,
         "server b refuses a second import meanwhile, naming the running one", r.status, r.text)
    wait_for(lambda: not on_b(), 60)
    t.check("then server b tells it done, never failed", ("done", []),
            (states[-1][0], [s for s in states if s[0] == "failed"]))
    t.check("its 100 articles are written once", 100,
            wd.sql("SELECT count(*) FROM articles WHERE article_number LIKE 'SLOW%'")[0][0])
    r = adm_b.request("POST", "/api/article-imports?filename=annan.csv", raw=other, headers=csv)
    t.check("once it is done server b takes an import", 202, r.status)

    for s in servers:
        if s.proc.poll() is None:
            t.check("server %s stops cleanly" % os.path.basename(s.out.name), 0, s.stop())
finally:
    for s in servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()
    if sink and sink.poll() is None:
        sink.terminate()
        sink.wait(timeout=10)
    if t.failed:
        for s in servers:
            t.diag("%s: %s" % (os.path.basename(s.err.name), s.stderr()[-2000:]))
    wd.close()
sys.exit(t.done())
