#!/usr/bin/env python3
# An upgrade without downtime (issue 22): two `lmn serve` on one database (SQLite in WAL mode, or
# PostgreSQL under LMN_TEST_PG) behind haproxy (Debian's package), which checks /healthz and sends
# a connection that a server refuses to the other (option redispatch). Under a steady load of reads
# of a patient's orders and placements with Idempotency-Keys through haproxy, server A is restarted
# (SIGTERM drains it; then started again and waited for until haproxy finds it healthy), then
# server B. No request fails (every answer 2xx, no connection error), every acknowledged order
# exists exactly once, and each server exits 0 after its drain. haproxy retries only connections
# that could not be made (retry-on conn-failure, its default): a request cut by a stopping server
# would fail the test.
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

READERS = 3
PLACERS = 3
PAUSE = 0.02  # between a client's requests: a steady load, not the most the servers can take
DURATION = 20.0  # seconds of load in all
SETTLE = 4.0  # seconds of load before the first restart and after each
PATIENT = 1

t = lmntest.Tap()
HAPROXY = shutil.which("haproxy") or shutil.which("/usr/sbin/haproxy")
if not HAPROXY:
    t.bail("haproxy is missing (scripts/lib.sh PKGS_TEST installs it)")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Lmn:
    """One `lmn serve` on a fixed port (haproxy's configuration names it)."""

    def __init__(self, wd, name, port):
        self.wd, self.name, self.port = wd, name, port
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        base = os.path.join(self.wd.path, "%s.%d" % (self.name, self.starts))
        self.out = open(base + ".out", "w+")
        self.err = open(base + ".err", "w+")
        self.proc = subprocess.Popen(
            [lmntest.LMN, "serve", "--db", self.wd.db, "--port", str(self.port),
             "--drain-timeout", "20"], stdout=self.out, stderr=self.err)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            self.out.seek(0)
            if "lmn: serving" in self.out.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.err.seek(0)
        raise RuntimeError("lmn serve %s did not start: %s" % (self.name, self.err.read()))

    def drain(self):
        """SIGTERM; (exit status, seconds, standard output)."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            rc = None
        self.out.seek(0)
        return rc, time.monotonic() - t0, self.out.read()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Haproxy:
    def __init__(self, wd, port, servers):
        self.sock = os.path.join(wd.path, "haproxy.sock")
        self.cfg = os.path.join(wd.path, "haproxy.cfg")
        with open(self.cfg, "w") as f:
            f.write("""global
    maxconn 512
    stats socket %(sock)s mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout queue 10s
    # A connection the server refuses (it is draining, or not started yet) is made again to
    # the other server; nothing else is retried.
    retries 3
    option redispatch 1
    retry-on conn-failure
    # A connection to a server per request: no kept-alive connection to a server that closes it.
    option http-server-close

frontend lmn
    bind 127.0.0.1:%(port)d
    default_backend lmn

backend lmn
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 200ms fastinter 100ms downinter 100ms fall 1 rise 2
%(servers)s
""" % {"sock": self.sock, "port": port, "servers": "".join(
                "    server %s 127.0.0.1:%d check\n" % (s.name, s.port) for s in servers)})
        self.log = open(os.path.join(wd.path, "haproxy.log"), "w+")
        self.proc = subprocess.Popen([HAPROXY, "-db", "-f", self.cfg], stdout=self.log,
                                     stderr=self.log)

    def status(self, field="status"):
        """{server name: field} from haproxy's stats socket (status: UP, DOWN, …; stot: the
        connections made to it)."""
        try:
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(2)
            s.connect(self.sock)
            s.sendall(b"show stat\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
        except OSError:
            return {}
        lines = data.decode().splitlines()
        if not lines or not lines[0].startswith("# "):
            return {}
        head = lines[0][2:].split(",")
        out = {}
        for ln in lines[1:]:
            row = dict(zip(head, ln.split(",")))
            if row.get("pxname") == "lmn" and row.get("svname") not in ("FRONTEND", "BACKEND"):
                out[row["svname"]] = row.get(field, "")
        return out

    def wait_up(self, name, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.status().get(name, "").startswith("UP"):
                return True
            time.sleep(0.05)
        return False

    def unusual(self):
        """The lines of haproxy's log other than of a request answered without incident (its
        termination state ----)."""
        self.log.seek(0)
        return [ln for ln in self.log.read().splitlines()
                if " ---- " not in ln and not ln.startswith("[WARNING]")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# Stopped by meson's time-out: the servers and haproxy are stopped all the same (finally).
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
wd = lmntest.Workdir()
servers = []
proxy = None
stop = threading.Event()
try:
    a = Lmn(wd, "a", free_port())
    b = Lmn(wd, "b", free_port())
    servers = [a, b]
    a.start()
    items = lmntest.prescribe_items(wd, a.port, PATIENT, 80)
    t.ok(len(items) == 4000, "4000 items to order are prescribed (%d)" % len(items))
    b.start()
    port = free_port()
    proxy = Haproxy(wd, port, servers)
    t.ok(proxy.wait_up("a") and proxy.wait_up("b"), "haproxy finds both servers healthy",
         proxy.status())
    ks = lmntest.Client(port, "kundtjanst")
    t.ok(ks.csrf is not None, "signed in through haproxy")

    log = []  # (kind, key, outcome: status or exception name, seconds taken)
    acked = {}  # key -> order id
    lock = threading.Lock()

    def headers(key=None):
        h = {"Cookie": "lmn_session=" + ks.cookies["lmn_session"], "X-CSRF-Token": ks.csrf}
        if key:
            h.update({"Content-Type": "application/json", "Idempotency-Key": key})
        return h

    def client(kind, n, pool):
        """Reads or places orders through haproxy (its kept-alive connection) until stopped."""
        conn = None
        k = 0
        while not stop.is_set():
            t_req = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if kind == "read":
                    key = None
                    conn.request("GET", "/api/patients/%d/orders" % PATIENT,
                                 headers=headers())
                else:
                    if k >= len(pool):
                        return
                    key = "rolling-%d-%d" % (n, k)
                    conn.request("POST", "/api/patients/%d/orders" % PATIENT,
                                 body=json.dumps(lmntest.order_body(pool[k])),
                                 headers=headers(key))
                    k += 1
                resp = conn.getresponse()
                data = resp.read()
                outcome = resp.status
                if (resp.getheader("Connection") or "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                outcome = type(e).__name__
                conn.close()
                conn = None
            with lock:
                log.append((kind, key, outcome, time.monotonic() - t_req))
                if outcome == 201:
                    acked[key] = json.loads(data)["id"]
            time.sleep(PAUSE)

    pools = [items[n::PLACERS] for n in range(PLACERS)]
    threads = [threading.Thread(target=client, args=("read", n, None)) for n in range(READERS)]
    threads += [threading.Thread(target=client, args=("place", n, pools[n]))
                for n in range(PLACERS)]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    time.sleep(SETTLE)
    for s in servers:
        n0, t1 = len(log), time.monotonic()
        rc, took, out = s.drain()
        t.check("server %s exits 0 after SIGTERM under load" % s.name, 0, rc)
        t.ok("lmn: draining" in out and "lmn: stopped" in out,
             "it drained (%.1f s) and said so" % took, out)
        s.start()
        t.ok(proxy.wait_up(s.name), "server %s, started again, is healthy in haproxy" % s.name,
             proxy.status())
        t.diag("%d requests during %s's restart (%.1f s)" % (len(log) - n0, s.name,
                                                              time.monotonic() - t1))
        made = int(proxy.status("stot").get(s.name) or 0)
        time.sleep(SETTLE)
        t.ok(int(proxy.status("stot").get(s.name) or 0) > made,
             "haproxy sends requests to server %s again" % s.name)
    time.sleep(max(0.0, t0 + DURATION - time.monotonic()))
    stop.set()
    for th in threads:
        th.join(timeout=60)
    elapsed = time.monotonic() - t0

    reads = [e for e in log if e[0] == "read"]
    places = [e for e in log if e[0] == "place"]
    slow = sorted(e[3] for e in log)[-1] if log else 0
    t.diag("%d reads and %d placements in %.1f s, the slowest %.2f s" % (
        len(reads), len(places), elapsed, slow))
    t.ok(len(reads) >= 100 and len(places) >= 100,
         "a steady load ran (%d reads, %d placements)" % (len(reads), len(places)))
    failed = [e for e in log if not (isinstance(e[2], int) and 200 <= e[2] < 300)]
    # Its servers going down and up, and any request that did not go smoothly.
    t.diag("haproxy's log, other than requests answered without incident:")
    t.diag("\n".join(proxy.unusual()[:30]))
    if not t.check("no request failed while the servers were restarted one after the other", [],
                   failed[:10]):
        for s in servers:
            for n in range(1, s.starts + 1):
                with open(os.path.join(wd.path, "%s.%d.err" % (s.name, n))) as f:
                    t.diag("lmn serve %s (%d), standard error:\n%s" % (s.name, n, f.read()))
    t.check("every placement was acknowledged as new (201)", [],
            [e for e in places if e[2] != 201][:10])
    rows = wd.sql("SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE "
                  "'rolling-%'")
    stored = {}
    for key, oid in rows:
        stored.setdefault(key, []).append(oid)
    t.check("every acknowledged order exists exactly once", [],
            [(k, v, stored.get(k)) for k, v in acked.items() if stored.get(k) != [v]][:10])
    t.check("and no order was stored that was not acknowledged", [],
            sorted(set(stored) - set(acked))[:10])
    # Under AddressSanitizer a leak or an error would change the status.
    t.check("the restarted servers stop with status 0", [0, 0], [s.drain()[0] for s in servers])
finally:
    stop.set()
    if proxy:
        proxy.stop()
    for s in servers:
        s.kill()
    wd.close()
sys.exit(t.done())
