#!/usr/bin/env python3
"""Slow clients against lmn serve, on loopback only, bounded in count and time.

slow PORT N SECONDS: N connections from 127.0.0.2 each send a request's first line and then a
header line every 2 s, never ending their headers (as slowloris does); a connection the server
closes is opened again at the next round. Meanwhile /healthz (and every fourth time the sign-in
page) is asked from 127.0.0.1 every 50 ms, each on a new connection with a 2 s time-out. Prints one JSON line: the probes' count, failures,
p50/p99/max in ms, and how many slow connections the server held open at the end.

hold PORT N SECONDS: N connections from 127.0.0.3 send a header line every second; prints one
JSON line with the seconds after which the server closed each (null: still open at the end).
"""
import json
import resource
import select
import socket
import sys
import threading
import time

SLOW_FROM, PROBE_FROM, HOLD_FROM = '127.0.0.2', '127.0.0.1', '127.0.0.3'


def raise_fd_limit(n):
    """Raises the soft limit of descriptors for n sockets; returns how many fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 256 if hard == resource.RLIM_INFINITY else min(hard, n + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return min(n, want - 256)


def open_slow(port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((source, 0))
    s.connect_ex(('127.0.0.1', port))  # in progress; the first send finds out
    return s


def send(s, data):
    """Sends data; False if the connection is closed (or not connected yet: tried again)."""
    try:
        s.send(data)
        return True
    except BlockingIOError:
        return True
    except OSError:
        return False


def closed_by_server(socks):
    """The sockets of socks that the server closed (readable, and reading gives EOF or an error)."""
    gone, by_fd, poller = set(), {}, select.poll()
    for s in socks:
        by_fd[s.fileno()] = s
        poller.register(s, select.POLLIN)
    for fd, _ in poller.poll(0):
        s = by_fd[fd]
        try:
            if s.recv(4096) == b'':
                gone.add(s)
        except BlockingIOError:
            pass
        except OSError:
            gone.add(s)
    return gone


def probe(port, stop, results):
    paths = [b'/healthz', b'/healthz', b'/healthz', b'/logga-in']  # a page now and then
    while not stop.is_set():
        t0 = time.monotonic()
        path = paths[len(results) % len(paths)]
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=2,
                                          source_address=(PROBE_FROM, 0)) as s:
                s.sendall(b'GET ' + path + b' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
                data = b''
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            ok = data.startswith(b'HTTP/1.1 200')
        except OSError:
            ok = False
        results.append((ok, (time.monotonic() - t0) * 1000))
        stop.wait(max(0.0, 0.05 - (time.monotonic() - t0)))


def slow(port, n, seconds):
    n = raise_fd_limit(n)
    socks = [open_slow(port, SLOW_FROM) for _ in range(n)]
    fresh = set(socks)
    results, stop = [], threading.Event()
    prober = threading.Thread(target=probe, args=(port, stop, results), daemon=True)
    prober.start()
    end = time.monotonic() + seconds
    reopened = 0
    while time.monotonic() < end:
        for s in list(socks):
            data = b'GET / HTTP/1.1\r\nHost: x\r\n' if s in fresh else b'X-Slow: 1\r\n'
            if send(s, data):
                fresh.discard(s)
        time.sleep(min(2.0, max(0.0, end - time.monotonic())))
        gone = closed_by_server(socks)
        for s in gone:  # the attacker comes back
            s.close()
            socks.remove(s)
            fresh.discard(s)
            if time.monotonic() < end:
                t = open_slow(port, SLOW_FROM)
                socks.append(t)
                fresh.add(t)
                reopened += 1
    stop.set()
    prober.join()
    time.sleep(0.2)
    held = len(socks) - len(closed_by_server(socks))
    for s in socks:
        s.close()
    lat = sorted(ms for ok, ms in results if ok)
    pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None
    print(json.dumps({'slow': n, 'probes': len(results), 'failed': sum(1 for ok, _ in results if not ok),
                      'p50_ms': pct(0.5), 'p99_ms': pct(0.99), 'max_ms': round(lat[-1], 1) if lat else None,
                      'slow_held_at_end': held, 'slow_reopened': reopened}))


def hold(port, n, seconds):
    n = raise_fd_limit(n)
    socks = [socket.create_connection(('127.0.0.1', port), timeout=2, source_address=(HOLD_FROM, 0))
             for _ in range(n)]
    start = time.monotonic()
    closed = {}
    for s in socks:
        s.setblocking(False)
        send(s, b'GET / HTTP/1.1\r\nHost: x\r\n')
    sent = start
    while time.monotonic() - start < seconds and len(closed) < n:
        time.sleep(0.1)
        for s in closed_by_server([s for s in socks if s not in closed]):
            closed[s] = round(time.monotonic() - start, 1)
        if time.monotonic() - sent >= 1:
            sent = time.monotonic()
            for s in socks:
                if s not in closed:
                    send(s, b'X-Slow: 1\r\n')
    print(json.dumps({'closed_after_s': [closed.get(s) for s in socks]}))
    for s in socks:
        s.close()


if __name__ == '__main__':
    mode, port, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    {'slow': slow, 'hold': hold}[mode](port, n, seconds)
