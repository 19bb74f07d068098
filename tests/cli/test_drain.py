#!/usr/bin/env python3
# SIGTERM drains lmn serve (issue 22, an upgrade without downtime): while clients place orders
# (each with its Idempotency-Key) on kept-alive connections and a few requests arrive slowly, the
# server is sent SIGTERM. Every request sent before the signal gets a complete 2xx answer (the
# slow ones finish after it, with Connection: close, also on kept-alive connections that had a
# part of their next request line or body in when the signal came), a kept-alive connection
# waiting for its next request is closed while the drain goes on, a new connection is refused,
# the server exits 0 with "lmn: stopped", and every acknowledged order is in the database. Then
# the drain's bound (--drain-timeout), and a second signal, which stops at once.
import http.client
import json
import os
import select
import signal
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

CLIENTS = 4
PATIENT = 1
RUN_BEFORE = 1.5  # seconds of placements before the signal
SLOW_AFTER = 1.5  # the slow requests finish this long after the signal
DRAIN_BOUND = 20
PAUSE = 0.002  # between a client's placements
QUICK = 20  # kept-alive connections that send a part of their next request line at once

t = lmntest.Tap()
wd = lmntest.Workdir()
srv = None


def wait_line(server, text, timeout=10):
    """Whether server printed a line containing text (on standard output) within timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        server.out.seek(0)
        if text in server.out.read():
            return True
        time.sleep(0.01)
    return False


def wait_exit(server, timeout):
    """The exit status and the seconds waited, or None if still running after timeout."""
    t0 = time.monotonic()
    try:
        rc = server.proc.wait(timeout=timeout)
    except Exception:
        return None, time.monotonic() - t0
    return rc, time.monotonic() - t0


def refused(port):
    """Whether a new connection to port is refused."""
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))
        return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    finally:
        s.close()


def read_answer(sock):
    """The HTTP answer on sock: (status, Connection header, body), or the exception's name."""
    try:
        r = http.client.HTTPResponse(sock)
        r.begin()
        return r.status, (r.getheader("Connection") or "").lower(), r.read()
    except (OSError, http.client.HTTPException) as e:
        return type(e).__name__, "", b""


def closed_by_server(sock, timeout):
    """Whether the server closes sock (end of file or reset) within timeout."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except OSError:
        return False


def headers_of(ks, key=None, length=None):
    h = "Host: 127.0.0.1\r\nCookie: lmn_session=%s\r\nX-CSRF-Token: %s\r\n" % (
        ks.cookies["lmn_session"], ks.csrf)
    if key:
        h += "Idempotency-Key: %s\r\n" % key
    if length is not None:
        h += "Content-Type: application/json\r\nContent-Length: %d\r\n" % length
    return h


try:
    srv = lmntest.Server(wd, "drain", args=["--drain-timeout", str(DRAIN_BOUND)])
    items = lmntest.prescribe_items(wd, srv.port, PATIENT, 40)
    t.ok(len(items) == 2000, "2000 items to order are prescribed (%d)" % len(items))
    ks = lmntest.Client(srv.port, "kundtjanst")
    orders_path = "/api/patients/%d/orders" % PATIENT

    log = []  # (client, key, t_sent or None, outcome: status or exception name, connection)
    lock = threading.Lock()
    stop = threading.Event()
    t_sig = [None]

    def place(n, pool):
        """Places orders one after the other on a kept-alive connection (a new one after an
        answer with Connection: close), until stopped or a connection fails."""
        conn = None
        for k, item in enumerate(pool):
            if stop.is_set():
                return
            key = "drain-%d-%d" % (n, k)
            h = {"Content-Type": "application/json", "X-CSRF-Token": ks.csrf,
                 "Cookie": "lmn_session=" + ks.cookies["lmn_session"], "Idempotency-Key": key}
            sent = None
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
                conn.request("POST", orders_path, body=json.dumps(lmntest.order_body(item)),
                             headers=h)
                sent = time.monotonic()
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    log.append((n, key, sent, type(e).__name__, None, None))
                return
            close = (resp.getheader("Connection") or "").lower() == "close"
            with lock:
                log.append((n, key, sent, resp.status, close,
                            json.loads(data).get("id") if resp.status == 201 else None))
            if close:
                conn.close()
                conn = None
            time.sleep(PAUSE)  # a steady stream, not the most the server can take

    pools = [items[n::CLIENTS] for n in range(CLIENTS)]
    threads = [threading.Thread(target=place, args=(n, pools[n])) for n in range(CLIENTS)]

    # Opened before the signal: a slow placement (its body half sent), a slow read (its first
    # line sent), a connection with no request yet, and a kept-alive one after one answer.
    body = json.dumps(lmntest.order_body(pools[0][-1])).encode()
    slow_post = socket.create_connection(("127.0.0.1", srv.port))
    slow_post.sendall(("POST %s HTTP/1.1\r\n%s" % (orders_path, headers_of(
        ks, "drain-slow", len(body)))).encode() + b"\r\n" + body[:len(body) // 2])
    slow_get = socket.create_connection(("127.0.0.1", srv.port))
    slow_get.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % orders_path).encode())
    fresh = socket.create_connection(("127.0.0.1", srv.port))
    idle = socket.create_connection(("127.0.0.1", srv.port))
    idle.sendall(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode())
    first = read_answer(idle)
    t.check("a kept-alive connection is answered before the signal", (200, ""), first[:2])
    # Kept-alive connections answered once, then with part of their next request sent: a part of
    # its request line (libmicrohttpd reads it and waits for the rest, a request not yet begun),
    # and the headers and half the body of a placement.
    kept_line = socket.create_connection(("127.0.0.1", srv.port))
    kept_line.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    kept_post = socket.create_connection(("127.0.0.1", srv.port))
    kept_post.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    t.check("two more kept-alive connections are answered before the signal",
            [(200, ""), (200, "")], [read_answer(kept_line)[:2], read_answer(kept_post)[:2]])
    kept_body = json.dumps(lmntest.order_body(pools[1][-1])).encode()
    kept_line.sendall(b"GET /heal")
    # More of them, each sending a part of its next request line the moment it has read its
    # answer: it may arrive before the server has been told that the answer was sent.
    quick = []
    for _ in range(QUICK):
        q = socket.create_connection(("127.0.0.1", srv.port))
        q.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        q_first = read_answer(q)[:2]
        q.sendall(b"GET /heal")
        quick.append((q, q_first))
    t.check("%d kept-alive connections are answered, then send a part of their next request "
            "line at once" % QUICK, [(200, "")] * QUICK, [f for _, f in quick])
    kept_post.sendall(("POST %s HTTP/1.1\r\n%s" % (orders_path, headers_of(
        ks, "drain-kept", len(kept_body)))).encode() + b"\r\n" + kept_body[:len(kept_body) // 2])

    for th in threads:
        th.start()
    time.sleep(RUN_BEFORE)
    before = len(log)
    t_sig[0] = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    t.ok(wait_line(srv, "lmn: draining"), "the server says it drains")
    t.ok(refused(srv.port), "a new connection after the signal is refused")
    # The slow requests keep the server draining for SLOW_AFTER: the idle connection is closed
    # by the drain, not by the process's exit.
    t.ok(closed_by_server(idle, 1) and srv.proc.poll() is None,
         "a kept-alive connection waiting for a request is closed while the drain goes on")
    t.ok(srv.proc.poll() is None, "the server still runs while requests are unanswered")
    t.ok(not closed_by_server(kept_line, 0.3) and not closed_by_server(kept_post, 0.3),
         "kept-alive connections with a part of their next request in are not closed")
    t.check("nor any of those that sent it at once", [],
            select.select([q for q, _ in quick], [], [], 0.3)[0])
    kept_line.settimeout(10)
    kept_post.settimeout(10)

    time.sleep(max(0.0, t_sig[0] + SLOW_AFTER - time.monotonic()))
    slow_post.sendall(body[len(body) // 2:])
    slow_get.sendall(headers_of(ks).encode()[len("Host: 127.0.0.1\r\n"):] + b"\r\n")
    fresh.sendall(("GET %s HTTP/1.1\r\n%s\r\n" % (orders_path, headers_of(ks))).encode())
    kept_line.sendall(b"thz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    kept_post.sendall(kept_body[len(kept_body) // 2:])
    for q, _ in quick:
        q.settimeout(10)
        q.sendall(b"thz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    post_answer = read_answer(slow_post)
    t.check("a placement whose body was half sent at the signal is placed, and its connection "
            "closed", (201, "close"), post_answer[:2])
    t.check("a read whose first line was sent before the signal is answered, and its connection "
            "closed", (200, "close"), read_answer(slow_get)[:2])
    t.check("a connection opened before the signal has its first request answered",
            (200, "close"), read_answer(fresh)[:2])
    t.check("a kept-alive connection with a part of its next request line in at the signal has "
            "it answered, and its connection closed", (200, "close"), read_answer(kept_line)[:2])
    t.check("and each of those that sent it at once", [(200, "close")] * QUICK,
            [read_answer(q)[:2] for q, _ in quick])
    kept_answer = read_answer(kept_post)
    t.check("a kept-alive connection with half a placement's body in at the signal has it placed, "
            "and its connection closed", (201, "close"), kept_answer[:2])
    stop.set()
    for th in threads:
        th.join(timeout=60)

    rc, waited = wait_exit(srv, DRAIN_BOUND + 10)
    elapsed = time.monotonic() - t_sig[0]
    t.check("the server exits 0 after the drain", 0, rc)
    t.ok(elapsed < DRAIN_BOUND, "within the drain's bound (%.1f s after the signal)" % elapsed)
    srv.out.seek(0)
    out = srv.out.read()
    t.ok("lmn: stopped" in out, "and says it stopped", out)

    sent_before = [e for e in log if e[2] is not None and e[2] < t_sig[0]]
    failed = [e for e in sent_before if not (isinstance(e[3], int) and 200 <= e[3] < 300)]
    t.diag("%d placements answered before the signal, %d sent before it, %d in all" %
           (before, len(sent_before), len(log)))
    t.ok(before >= 20, "orders were placed before the signal (%d)" % before)
    t.check("every placement sent before the signal has a 2xx answer", [], failed[:10])
    after = [e for e in log if e[2] is None or e[2] >= t_sig[0]]
    t.check("the placements after it are answered 2xx or find no connection",
            [], [e for e in after if isinstance(e[3], int) and not 200 <= e[3] < 300][:10])
    # Each client goes on until its connection fails: its answers close the connection or the
    # server closes it, and a new one is refused.
    last = {n: [e for e in log if e[0] == n][-1] for n in range(CLIENTS)}
    t.check("every client's stream was ended by the drain, not left on an open connection", [],
            [e for e in last.values() if isinstance(e[3], int)])
    t.ok(not any(th.is_alive() for th in threads), "every client stopped")

    acked = {e[1]: e[5] for e in log if e[3] == 201}
    if post_answer[0] == 201:
        acked["drain-slow"] = json.loads(post_answer[2])["id"]
    if kept_answer[0] == 201:
        acked["drain-kept"] = json.loads(kept_answer[2])["id"]
    rows = dict(wd.sql("SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE "
                       "'drain-%'"))
    t.check("every acknowledged order is in the database", [],
            [(k, v, rows.get(k)) for k, v in acked.items() if rows.get(k) != v][:10])
    for s in (slow_post, slow_get, fresh, idle, kept_line, kept_post):
        s.close()

    # The bound: a request that never finishes arriving is cut after --drain-timeout.
    srv = lmntest.Server(wd, "bound", args=["--drain-timeout", "2", "--request-timeout", "60"])
    stalled = socket.create_connection(("127.0.0.1", srv.port))
    stalled.sendall(("POST %s HTTP/1.1\r\n%s\r\n{" % (orders_path, headers_of(
        ks, "drain-stalled", 100))).encode())
    time.sleep(0.2)
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    t.ok(wait_line(srv, "lmn: draining") and refused(srv.port),
         "with a request unfinished, new connections are refused")
    t.ok(not closed_by_server(stalled, 1) and time.monotonic() - t0 < 1.8,
         "the unfinished request's connection is not cut before the bound")
    rc, _ = wait_exit(srv, 30)
    waited = time.monotonic() - t0
    t.check("the server exits 0 after --drain-timeout 2", 0, rc)
    t.ok(1.8 <= waited < 8, "about 2 s after the signal (%.1f s)" % waited)
    t.ok("still open after --drain-timeout" in srv.stderr(), "and says what it cut",
         srv.stderr())
    stalled.close()

    # A second signal ends the drain at once.
    srv = lmntest.Server(wd, "twice", args=["--request-timeout", "60"])
    stalled = socket.create_connection(("127.0.0.1", srv.port))
    stalled.sendall(("POST %s HTTP/1.1\r\n%s\r\n{" % (orders_path, headers_of(
        ks, "drain-stalled", 100))).encode())
    time.sleep(0.2)
    srv.proc.send_signal(signal.SIGTERM)
    wait_line(srv, "lmn: draining")
    time.sleep(0.3)
    t.ok(srv.proc.poll() is None, "the drain waits for an unfinished request")
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGINT)
    rc, _ = wait_exit(srv, 30)
    t.check("a second signal stops it at once, with status 0", (0, True),
            (rc, time.monotonic() - t0 < 5))
    stalled.close()
finally:
    if srv:
        srv.stop()
    wd.close()
sys.exit(t.done())
