#!/usr/bin/env python3
# Backup and restore of a PostgreSQL store as the README documents it (issue 22): on a throwaway
# cluster (tests/pg/cluster.sh) orders are written in a stream by concurrent clients, each order
# with its own key; mid-stream `pg_dump -Fc` dumps the database, and `pg_restore` loads the dump
# into a new, empty database. Every order acknowledged before the dump began must be there with
# its id, none written after the dump ended may be, each client's orders there are a gap-free
# prefix (one moment's database), the restored database has the schema's tables, triggers and
# functions, and its identities continue past the ids restored. Then, with WAL archiving on,
# `pg_basebackup -Ft -z -X stream` mid-stream, restored into a second cluster with recovery.signal
# and a restore_command: every order acknowledged before it began is there, and with the archive
# replayed to its end every order acknowledged at all.
#
# Who writes: lmn itself when `lmn demo --db postgresql://…` works (the PostgreSQL backend):
# `lmn serve` on the cluster takes orders through the JSON API with Idempotency-Keys, and the
# restored database is served again and every order read back. Until then the migrations of
# src/store/migrations/pg/ are applied with psql and the orders are psql INSERTs, each committed
# on its own (acknowledged when psql prints the id RETURNING gives). The plan says which ran.
# PGBIN names PostgreSQL's binaries (/usr/lib/postgresql/15/bin).
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

SRC = lmntest.SRC
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
CLUSTER = os.path.join(SRC, "tests", "pg", "cluster.sh")
PG_MIGRATIONS = os.path.join(SRC, "src", "store", "migrations", "pg")
CLIENTS = 4
PATIENT = 1
BEFORE = 150  # orders acknowledged before the dump starts
AFTER = 100  # and after it ends, before the stream stops
PADDING_MB = 48  # a larger database, so the dump overlaps many writes
T0 = "'2026-11-23T10:00:00+01:00'"

t = lmntest.Tap()


def pg(*args, stdin=None, check=True, timeout=300):
    r = subprocess.run([os.path.join(PGBIN, args[0]), *args[1:]], input=stdin,
                       capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (args[0], r.stderr.strip()))
    return r


def as_server(*cmd, check=True):
    """Runs cmd as the user the cluster runs as (postgres when we are root, as cluster.sh)."""
    if os.getuid() == 0:
        cmd = ("runuser", "-u", "postgres", "--") + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (cmd, r.stderr.strip()))
    return r


def psql(conninfo, sql, check=True):
    return pg("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql,
              check=check)


def rows(conninfo, sql):
    out = psql(conninfo, sql).stdout
    return [line.split("|") for line in out.splitlines() if line]


class Serve:
    """`lmn serve` on a PostgreSQL address, on a free loopback port."""

    def __init__(self, conninfo, logs):
        self.out = open(logs + ".out", "w+")
        self.err = open(logs + ".err", "w+")
        self.proc = subprocess.Popen([lmntest.LMN, "serve", "--db", conninfo, "--port", "0"],
                                     stdout=self.out, stderr=self.err)
        self.port = None
        for _ in range(1200):
            self.out.seek(0)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.out.read())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.025)
        self.stop()
        self.err.seek(0)
        raise RuntimeError("lmn serve did not start: " + self.err.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def order_body(item):
    return {"reason": "Säkerhetskopia", "lines": [{"prescription_item_id": item, "quantity": 1}],
            "delivery": {"method": "home"}}


class LmnWriter:
    """Orders placed through lmn serve's JSON API, one Idempotency-Key each."""

    def __init__(self, conninfo, work):
        self.srv = Serve(conninfo, os.path.join(work, "live"))
        pr = lmntest.Client(self.srv.port, "forskrivare")
        r = pr.request("POST", "/api/patients/%d/prescriptions" % PATIENT, {"items": [
            {"article_id": a, "withdrawals_allowed": 1, "quantity_per_withdrawal": 1,
             "period_days": 30, "last_valid": "2027-06-30"} for a in range(1, 51)]})
        if r.status != 201:
            raise RuntimeError("prescribing: %d %s" % (r.status, r.text[:300]))
        first = r.json()["id"]
        # More active items of the same articles, written as the first was (through the API a
        # new item for an article replaces the active one).
        psql(conninfo, """DO $$ DECLARE rid bigint; BEGIN FOR n IN 1..39 LOOP
            INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on,
                                       created_at)
            SELECT patient_id, prescriber_id, unit_id, prescribed_on, created_at
              FROM prescriptions WHERE id = %d RETURNING id INTO rid;
            INSERT INTO prescription_items (prescription_id, article_id, withdrawals_allowed,
                   withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid)
            SELECT rid, article_id, withdrawals_allowed, withdrawals_remaining,
                   quantity_per_withdrawal, period_days, last_valid
              FROM prescription_items WHERE prescription_id = %d;
            END LOOP; END $$""" % (first, first))
        mine = {int(r[0]) for r in rows(conninfo, "SELECT id FROM prescriptions WHERE id >= %d"
                                        % first)}
        self.items = [i["id"] for i in
                      pr.get("/api/patients/%d/prescriptions" % PATIENT).json()["items"]
                      if i["prescription_id"] in mine]
        self.ks = lmntest.Client(self.srv.port, "kundtjanst")

    def pools(self):
        return [self.items[n::CLIENTS] for n in range(CLIENTS)]

    def client(self):
        ks, port = self.ks, self.srv.port

        class One:
            def __init__(self):
                self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

            def place(self, key, item):
                h = {"Content-Type": "application/json", "X-CSRF-Token": ks.csrf,
                     "Cookie": "lmn_session=" + ks.cookies["lmn_session"],
                     "Idempotency-Key": key}
                self.conn.request("POST", "/api/patients/%d/orders" % PATIENT,
                                  body=json.dumps(order_body(item)).encode(), headers=h)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.status != 201:
                    raise RuntimeError("%d %s" % (resp.status, data[:200]))
                return json.loads(data)["id"]

            def close(self):
                self.conn.close()
        return One()

    def stop(self):
        return self.srv.stop()


class PsqlWriter:
    """Orders INSERTed by psql, each committed on its own, into the migrated schema."""

    def __init__(self, conninfo, work):
        self.conninfo = conninfo
        for name in sorted(f for f in os.listdir(PG_MIGRATIONS) if f.endswith(".sql")):
            with open(os.path.join(PG_MIGRATIONS, name), encoding="utf-8") as f:
                pg("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-1", "-f", "-",
                   stdin=f.read())
        psql(conninfo, "INSERT INTO care_providers (name, kind) VALUES ('VGR', 'region'); "
             "INSERT INTO units (care_provider_id, name, cost_centre, postal_code) "
             "VALUES (1, 'VC Norr', '100', '41101'); "
             "INSERT INTO patients (id_number, id_kind, given_name, family_name, address, "
             "postal_code, city, municipality, created_at) VALUES ('191212121212', "
             "'personnummer', 'Tolvan', 'Tolvansson', 'Gatan 1', '41101', 'Göteborg', "
             "'Göteborg', %s)" % T0)

    def pools(self):
        return [range(100000) for _ in range(CLIENTS)]

    def client(self):
        conninfo = self.conninfo

        class One:
            def __init__(self):
                self.p = subprocess.Popen(
                    [os.path.join(PGBIN, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                     "-d", conninfo], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    text=True, bufsize=1)

            def place(self, key, item):
                self.p.stdin.write(
                    "INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, "
                    "received_at, received_day, due, contact_from, rules, delivery_method, "
                    "idempotency_key) VALUES (%d, 'normal', 'digital', 'p', 'p', %s, "
                    "'2026-11-23', '2026-11-27', '2026-11-30', 'B3:1', 'home', '%s') "
                    "RETURNING id;\n" % (PATIENT, T0, key))
                self.p.stdin.flush()
                line = self.p.stdout.readline()
                if not line.strip().isdigit():
                    raise RuntimeError("psql answered %r" % line)
                return int(line)

            def close(self):
                self.p.stdin.close()
                self.p.wait(timeout=30)
        return One()

    def stop(self):
        return 0


def main():
    if not os.access(os.path.join(PGBIN, "initdb"), os.X_OK):
        t.bail("no PostgreSQL server in %s: install Debian's package postgresql" % PGBIN)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    work = tempfile.mkdtemp(prefix="lmn-backup-pg-")
    # Apart from work: as root the cluster runs as the user postgres, who cannot enter work.
    cluster = tempfile.mkdtemp(prefix="lmn-pg-")
    writer = restored_srv = None
    try:
        r = subprocess.run([CLUSTER, "start", cluster], capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            t.bail("cluster.sh start failed: " + r.stderr.strip())
        live = r.stdout.strip()
        restored = "postgresql:///lmn_restored?host=" + cluster
        # WAL archiving, as the README's base backup needs: into a folder of the cluster's
        # (a restart, so before anything connects).
        archive = os.path.join(cluster, "archive")
        as_server("mkdir", "-m", "700", archive)
        psql(live, "ALTER SYSTEM SET archive_mode = on")
        psql(live, "ALTER SYSTEM SET archive_command = 'test ! -f %s/%%f && cp %%p %s/%%f'"
             % (archive, archive))
        as_server(os.path.join(PGBIN, "pg_ctl"), "--pgdata", os.path.join(cluster, "data"),
                  "--wait", "--mode=fast", "restart", "--log",
                  os.path.join(cluster, "server.log"))
        probe = subprocess.run([lmntest.LMN, "demo", "--db", live], capture_output=True,
                               text=True, timeout=600)
        if probe.returncode == 0:
            t.diag("lmn demo works on PostgreSQL: lmn serve places the orders")
            writer = LmnWriter(live, work)
        else:
            t.diag("lmn demo --db postgresql://… failed (%s): psql writes the orders" %
                   (probe.stderr.strip().splitlines() or ["?"])[-1][:200])
            pg("dropdb", "--host", cluster, "lmn")
            pg("createdb", "--host", cluster, "lmn")
            writer = PsqlWriter(live, work)
        psql(live, "CREATE TABLE backup_test_padding (b bytea); INSERT INTO backup_test_padding "
             "SELECT convert_to(repeat(md5(g::text), 2048), 'UTF8') FROM "
             "generate_series(1, %d) g" % (PADDING_MB * 16))

        acked = {}  # key -> (order id, item, monotonic time of the answer)
        sent_at = {}
        other = []
        lock = threading.Lock()
        stop = threading.Event()

        def place(n, pool):
            cl = writer.client()
            try:
                for k, item in enumerate(pool):
                    if stop.is_set():
                        break
                    key = "backup-%d-%d" % (n, k)
                    with lock:
                        sent_at[key] = time.monotonic()
                    try:
                        oid = cl.place(key, item)
                    except (OSError, RuntimeError, http.client.HTTPException) as e:
                        with lock:
                            other.append((key, str(e)[:200]))
                        break
                    with lock:
                        acked[key] = (oid, item, time.monotonic())
            finally:
                cl.close()

        threads = [threading.Thread(target=place, args=(n, pool))
                   for n, pool in enumerate(writer.pools())]
        for th in threads:
            th.start()

        def wait_for(count, limit):
            t0 = time.monotonic()
            while len(acked) < count and time.monotonic() - t0 < limit and \
                    any(th.is_alive() for th in threads):
                time.sleep(0.005)

        wait_for(BEFORE, 120)
        dump = os.path.join(work, "lmn.dump")
        with lock:
            began = time.monotonic()
            acked_before = dict(acked)
        res = pg("pg_dump", "-Fc", "-f", dump, "-d", live, check=False)
        ended = time.monotonic()
        busy = sum(th.is_alive() for th in threads)
        wait_for(len(acked) + AFTER, 120)
        # Then a base backup, also mid-stream.
        base = os.path.join(work, "base")
        with lock:
            base_began = time.monotonic()
            acked_before_base = dict(acked)
        base_res = pg("pg_basebackup", "-d", live, "-D", base, "-Ft", "-z", "-X", "stream",
                      "-c", "fast", check=False)
        base_ended = time.monotonic()
        base_busy = sum(th.is_alive() for th in threads)
        wait_for(len(acked) + AFTER, 120)
        stop.set()
        for th in threads:
            th.join(timeout=60)
        t.check("the live server stops cleanly", 0, writer.stop())
        during = [k for k, v in acked.items() if v[2] > began and sent_at[k] < ended]
        after = {k for k in acked if sent_at[k] > ended}
        t.diag("pg_dump -Fc in %.2f s: %d orders acknowledged before it began, %d during, "
               "%d sent after" % (ended - began, len(acked_before), len(during), len(after)))
        t.check("pg_dump -Fc exits 0", (0, ""), (res.returncode, res.stderr.strip()))
        t.check("every write of the stream was acknowledged", [], other[:5])
        t.ok(busy == CLIENTS, "every client was still writing when the dump ended",
             "%d of %d busy" % (busy, CLIENTS))
        t.ok(len(during) > 0, "orders were acknowledged while the dump ran (%d)" % len(during))
        t.ok(len(after) >= AFTER // 2, "orders were written after it ended (%d)" % len(after))

        pg("createdb", "--host", cluster, "lmn_restored")
        res = pg("pg_restore", "--exit-on-error", "-d", restored, dump, check=False)
        t.check("pg_restore into a new, empty database exits 0", (0, ""),
                (res.returncode, res.stderr.strip()))

        in_copy = {k: int(i) for k, i in rows(
            restored, "SELECT idempotency_key, id FROM orders "
            "WHERE idempotency_key LIKE 'backup-%'")}
        missing = [(k, v[0], in_copy.get(k)) for k, v in acked_before.items()
                   if in_copy.get(k) != v[0]]
        t.ok(not missing, "every order acknowledged before the dump began is restored with its "
             "id (%d)" % len(acked_before), "%d missing, e.g.:" % len(missing), missing[:10])
        torn = []
        for n in range(CLIENTS):
            ks_n = sorted(int(k.split("-")[2]) for k in in_copy
                          if k.startswith("backup-%d-" % n))
            if ks_n != list(range(len(ks_n))):
                torn.append((n, ks_n[:5], len(ks_n)))
        t.check("each client's orders restored are its first ones, none missing between: one "
                "moment's database", [], torn)
        t.check("no order written after the dump ended is restored", [],
                sorted(k for k in after if k in in_copy)[:10])
        shape = ("SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'), "
                 "(SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal), "
                 "(SELECT count(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace "
                 "WHERE s.nspname = 'public'), (SELECT count(*) FROM pg_indexes "
                 "WHERE schemaname = 'public')")
        t.check("the restored database has the live one's tables, triggers, functions and "
                "indexes", rows(live, shape), rows(restored, shape))
        t.check("its identities continue past the ids restored", [["t"]], rows(
            restored, "SELECT nextval(pg_get_serial_sequence('orders', 'id')) > "
            "(SELECT max(id) FROM orders)"))
        # The base backup restored as the README says, into a second cluster beside the live one,
        # which has archived its last segment: every order acknowledged is there, those after
        # the base backup too (the archive replayed to its end).
        t.diag("pg_basebackup in %.2f s: %d orders acknowledged before it began, %d in all" %
               (base_ended - base_began, len(acked_before_base), len(acked)))
        t.check("pg_basebackup -Ft -z -X stream exits 0", 0, base_res.returncode)
        t.ok(base_busy == CLIENTS, "every client was still writing when it ended")
        last = rows(live, "SELECT pg_walfile_name(pg_switch_wal())")[0][0]
        for _ in range(600):
            if rows(live, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")[0][0] \
                    >= last:
                break
            time.sleep(0.1)
        data2, sock2 = os.path.join(cluster, "data2"), os.path.join(cluster, "r")
        subprocess.run(["mkdir", "-m", "700", data2, sock2], check=True)
        subprocess.run(["tar", "-xzf", os.path.join(base, "base.tar.gz"), "-C", data2],
                       check=True)
        subprocess.run(["tar", "-xzf", os.path.join(base, "pg_wal.tar.gz"), "-C",
                        os.path.join(data2, "pg_wal")], check=True)
        with open(os.path.join(data2, "postgresql.auto.conf"), "a") as f:
            f.write("restore_command = 'cp %s/%%f %%p'\narchive_mode = off\n"
                    "unix_socket_directories = '%s'\n" % (archive, sock2))
        open(os.path.join(data2, "recovery.signal"), "w").close()
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "postgres:", data2, sock2], check=True)
        r = as_server(os.path.join(PGBIN, "pg_ctl"), "--pgdata", data2, "--wait",
                      "--timeout=120", "--log", os.path.join(cluster, "server2.log"), "start",
                      check=False)
        t.check("the base backup starts as a server and recovers", 0, r.returncode)
        if r.returncode == 0:
            from_base = "postgresql:///lmn?host=" + sock2
            for _ in range(600):
                if rows(from_base, "SELECT pg_is_in_recovery()")[0][0] == "f":
                    break
                time.sleep(0.1)
            in_base = {k: int(i) for k, i in rows(
                from_base, "SELECT idempotency_key, id FROM orders "
                "WHERE idempotency_key LIKE 'backup-%'")}
            missing = [(k, v[0], in_base.get(k)) for k, v in acked_before_base.items()
                       if in_base.get(k) != v[0]]
            t.ok(not missing, "every order acknowledged before the base backup began is there "
                 "(%d)" % len(acked_before_base), "%d missing, e.g.:" % len(missing),
                 missing[:10])
            missing = [(k, v[0], in_base.get(k)) for k, v in acked.items()
                       if in_base.get(k) != v[0]]
            t.ok(not missing, "and with the archive replayed to its end every order "
                 "acknowledged at all (%d)" % len(acked), "%d missing, e.g.:" % len(missing),
                 missing[:10])
            t.check("it opens for writing after recovery", [["f"]],
                    rows(from_base, "SELECT pg_is_in_recovery()"))
            as_server(os.path.join(PGBIN, "pg_ctl"), "--pgdata", data2, "--wait",
                      "--mode=fast", "stop", check=False)
        if isinstance(writer, LmnWriter):
            restored_srv = Serve(restored, os.path.join(work, "restored"))
            ks = lmntest.Client(restored_srv.port, "kundtjanst")
            unread = []
            for k, (oid, item, _) in acked_before.items():
                r = ks.get("/api/orders/%d" % oid)
                if r.status != 200 or [ln.get("prescription_item_id")
                                       for ln in r.json()["lines"]] != [item]:
                    unread.append((oid, r.status, r.text[:200]))
            t.check("lmn serve on the restored database reads each back with its line", [],
                    unread[:10])
            wrong = []
            for k, (oid, item, _) in list(acked_before.items())[:50]:
                r = ks.request("POST", "/api/patients/%d/orders" % PATIENT, order_body(item),
                               headers={"Idempotency-Key": k})
                if r.status != 200 or (r.json() or {}).get("id") != oid:
                    wrong.append((k, oid, r.status, r.text[:200]))
            t.check("a retry of its key returns the same order (200), no second", [],
                    wrong[:10])
            t.check("the restored server stops cleanly", 0, restored_srv.stop())
    finally:
        if restored_srv:
            restored_srv.stop()
        if writer:
            writer.stop()
        data2 = os.path.join(cluster, "data2")
        if os.path.exists(os.path.join(data2, "postmaster.pid")):
            as_server(os.path.join(PGBIN, "pg_ctl"), "--pgdata", data2, "--wait",
                      "--mode=fast", "stop", check=False)
        subprocess.run([CLUSTER, "stop", cluster], capture_output=True, timeout=120)
        subprocess.run(["rm", "-rf", work, cluster])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
