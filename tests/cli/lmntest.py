# A small library for the Python tests that drive the real `lmn serve` (TAP output): a fresh demo
# database, the server on a free loopback port, signed-in clients with their CSRF token, and the
# route tables (the OpenAPI document, the page table of src/web/pages.c). Imported by test_*.py.
import fcntl
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

LMN = os.environ.get("LMN") or sys.exit("LMN must name the lmn binary")
SRC = os.environ.get("LMN_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
# Monday 2026-11-23 10:00 local time, the clock of the API tests (tests/cli/api_lib.sh).
os.environ["LMN_NOW"] = "2026-11-23T10:00"
PASSWORD = "demo2026"
# The demo logins of the README, one for every role (a test checks that every role the route table
# names has one here).
DEMO_USERS = {
    "patient": "patient",
    "ombud": "patient",
    "forskrivare": "prescriber",
    "dietist": "prescriber",
    "kommunforskrivare": "municipal_prescriber",
    "kommunbestallare": "municipal_orderer",
    "kundtjanst": "customer_service",
    "distributor": "distributor",
    "admin": "admin",
    "sekreterare": "secretary",
    "ledamot": "member",
}


class Tap:
    """TAP lines on standard output; done() prints the plan and gives the exit status."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, *diag):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, name))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, name))
            for d in diag:
                for line in str(d).splitlines() or [""]:
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def check(self, name, want, got):
        return self.ok(want == got, name, "expected: %r" % (want,), "actual:   %r" % (got,))

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line)
        sys.stdout.flush()

    def bail(self, why):
        print("Bail out! " + why)
        sys.exit(1)

    def skip_all(self, why):
        """Skips the whole test (before any test line): the plan 1..0 with the reason."""
        print("1..0 # SKIP " + why)
        sys.exit(0)

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


# LMN_TEST_PG=DIR (a cluster of tests/pg/cluster.sh running in DIR): each Workdir's database is a
# fresh PostgreSQL database of that cluster instead of a SQLite file, as tap.sh does for the shell
# tests (made with createdb, a copy of the demo: see _pg_demo_template); it is left to the
# cluster's removal at the end of the run.
PG = os.environ.get("LMN_TEST_PG") or None


def _sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        if "\0" in v:
            raise ValueError("a NUL in an SQL parameter")
        return "'" + v.replace("'", "''") + "'"
    raise TypeError("no SQL literal for %r" % (v,))


def _bind(query, args):
    """query with its SQLite parameters (? and ?N) replaced by literals of args, for psql. Quoted
    text and -- comments are left as they are (not $$-quoted text: no ? in a function body)."""
    out, i, n, nxt = [], 0, len(query), 0
    while i < n:
        ch = query[i]
        if ch in "'\"":
            j = query.index(ch, i + 1)
            while j + 1 < n and query[j + 1] == ch:  # a doubled quote inside
                j = query.index(ch, j + 2)
            out.append(query[i:j + 1])
            i = j + 1
        elif query.startswith("--", i):
            j = query.find("\n", i)
            j = n if j < 0 else j
            out.append(query[i:j])
            i = j
        elif ch == "?":
            m = re.match(r"\?(\d*)", query[i:])
            k = int(m.group(1)) if m.group(1) else nxt + 1
            nxt = max(nxt, k)
            out.append(_sql_literal(args[k - 1]))
            i += len(m.group(0))
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _pg(*args, check=True):
    """A client program of PostgreSQL (createdb, psql, …) on the LMN_TEST_PG cluster."""
    r = subprocess.run([args[0], "-h", PG, *args[1:]], capture_output=True, text=True,
                       timeout=300)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args[:2]), r.stderr.strip()))
    return r.stdout


def _pg_demo_template():
    """The name of a database of the LMN_TEST_PG cluster holding what `lmn demo` writes, made by
    the first test that needs it: each test's database is a copy of it (createdb -T, under a
    second), not a new demo (20 s to over a minute on PostgreSQL on a loaded machine, a
    round trip per row). Named by a hash of all the demo depends on: the binary, the clock
    (LMN_NOW) and the rule files; tests running at once take turns by a lock on the cluster's
    folder."""
    h = hashlib.sha256()
    with open(LMN, "rb") as f:
        h.update(f.read())
    h.update(os.environ["LMN_NOW"].encode())
    rules = os.environ.get("LMN_RULES_DIR") or ""
    for top, dirs, files in sorted(os.walk(rules)) if rules else []:
        dirs.sort()
        for name in sorted(files):
            with open(os.path.join(top, name), "rb") as f:
                h.update(name.encode() + b"\0" + f.read() + b"\0")
    name = "lmn_demo_" + h.hexdigest()[:16]
    if _pg("psql", "-XAtq", "-d", "postgres", "-c",
           "SELECT 1 FROM pg_database WHERE datname = '%s'" % name).strip():
        return name
    building = name + "_new"
    _pg("dropdb", "--if-exists", "--force", building)  # left by a test stopped meanwhile
    _pg("createdb", building)
    r = subprocess.run([LMN, "demo", "--db", "postgresql:///%s?host=%s" % (building, PG)],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("lmn demo failed: " + r.stderr)
    # Renamed once complete: a demo cut short is never copied.
    _pg("psql", "-XAtq", "-d", "postgres", "-c",
        "ALTER DATABASE %s RENAME TO %s" % (building, name))
    return name


def _tuple_of_pairs(pairs):
    return tuple(v for _, v in pairs)


class Workdir:
    """A temporary folder with a fresh demo database, removed at exit (see close). db is what
    --db takes: the SQLite file in the folder, or under LMN_TEST_PG a new PostgreSQL database's
    URL; pg says which."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="lmn-test-")
        self.pg = PG
        if PG:
            self.db_name = "lmn_t_%d_%s" % (os.getpid(), os.path.basename(self.path)[9:].lower())
            self.db = "postgresql:///%s?host=%s" % (self.db_name, PG)
            lock = os.open(PG, os.O_RDONLY)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)
                _pg("createdb", "-T", _pg_demo_template(), self.db_name)
            finally:
                os.close(lock)
            return
        self.db = os.path.join(self.path, "lmn.db")
        r = subprocess.run([LMN, "demo", "--db", self.db], capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            raise RuntimeError("lmn demo failed: " + r.stderr)

    def sql(self, query, args=()):
        """The rows (tuples) of one statement on the database, committed. Parameters are
        SQLite's ? and ?N; the SQL must be valid on both engines (a statement that returns rows
        on PostgreSQL starts with SELECT or WITH, or has RETURNING)."""
        if not self.pg:
            c = sqlite3.connect(self.db, timeout=30)
            try:
                rows = c.execute(query, args).fetchall()
                c.commit()
                return rows
            finally:
                c.close()
        q = _bind(query, args).strip().rstrip(";")
        head = q.split(None, 1)[0].upper() if q else ""
        if head in ("SELECT", "WITH", "VALUES"):
            q = "SELECT to_json(q) FROM (%s) AS q" % q
        elif re.search(r"\bRETURNING\b", q, re.I):
            q = "WITH q AS (%s) SELECT to_json(q) FROM q" % q
        else:
            head = None
        r = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-h", self.pg, "-d",
                            self.db_name, "-c", q], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError("psql: %s\n%s" % (r.stderr.strip(), q))
        if head is None:
            return []
        return [json.loads(line, object_pairs_hook=_tuple_of_pairs)
                for line in r.stdout.splitlines() if line]

    def columns(self, table):
        """The names of table's columns, in order."""
        if self.pg:
            return [r[0] for r in self.sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]
        return [r[1] for r in self.sql("SELECT * FROM pragma_table_info(?)", (table,))]

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


class Server:
    """`lmn serve` on the database, on a free loopback port: db is a Workdir (its database, the
    server's output in its folder) or a SQLite file's path (the output beside it)."""

    def __init__(self, db, name="serve", args=()):
        if isinstance(db, Workdir):
            base, db = os.path.join(db.path, "lmn.db"), db.db
        elif re.match(r"postgres(ql)?://", db):
            raise ValueError("Server: give the Workdir of a PostgreSQL database, not its URL")
        else:
            base = db
        self.out = open(base + "." + name + ".out", "w+")
        self.err = open(base + "." + name + ".err", "w+")
        self.proc = subprocess.Popen(
            [LMN, "serve", "--db", db, "--port", "0", *args], stdout=self.out,
            stderr=self.err)
        self.port = None
        for _ in range(400):
            self.out.seek(0)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.out.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.025)
        if not self.port:
            self.stop()
            self.err.seek(0)
            raise RuntimeError("lmn serve did not start: " + self.err.read())

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def code(self):
        """The problem's code of an error answer, or None."""
        d = self.json()
        return d.get("code") if isinstance(d, dict) else None


class Client:
    """One caller: anonymous, or signed in as a demo user (session cookie and CSRF token)."""

    def __init__(self, port, username=None, timeout=30, keep_alive=True):
        self.port = port
        self.timeout = timeout
        # Without keep-alive each request has its own connection: many callers at once then hold
        # none open between their requests (a server may limit connections per address).
        self.keep_alive = keep_alive
        self.conn = None
        self.cookies = {}
        self.csrf = None
        self.username = username
        self.me = None
        if username:
            r = self.request("POST", "/api/login", {"username": username, "password": PASSWORD})
            if r.status != 200:
                raise RuntimeError("login %s: %d %s" % (username, r.status, r.text))
            self.csrf = r.json()["csrf_token"]
            self.me = self.request("GET", "/api/me").json()["user"]
            self.close()  # opened again by the next request

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None, form=None, raw=None):
        h = {}
        data = raw  # bytes as they are, with their Content-Type in headers
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request(method, path, body=data, headers=h)
                resp = self.conn.getresponse()
                body_bytes = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a kept-alive connection: once more on a new one.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        hdrs = resp.getheaders()
        for k, v in hdrs:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if "max-age=0" in v.lower() or not value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        if not self.keep_alive or resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return Response(resp.status, hdrs, body_bytes)

    def get(self, path):
        return self.request("GET", path)

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None


def prescribe_items(wd, port, patient, copies):
    """Prescription items for patient, each with a withdrawal left (one order each): a prescription
    of 50 articles through the API by the unit's prescriber, and copies - 1 copies of it written to
    the database (through the API a new item for an article replaces the active one). Returns the
    items' ids."""
    pr = Client(port, "forskrivare")
    r = pr.request("POST", "/api/patients/%d/prescriptions" % patient, {"items": [
        {"article_id": a, "withdrawals_allowed": 1, "quantity_per_withdrawal": 1,
         "period_days": 30, "last_valid": "2027-06-30"} for a in range(1, 51)]})
    if r.status != 201:
        raise RuntimeError("prescribing: %d %s" % (r.status, r.text[:300]))
    first = r.json()["id"]
    rx_ids = [first]
    if copies > 1:
        # Two statements in all (a copy each would be hundreds of commits).
        rx_ids += [row[0] for row in wd.sql(
            "INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, "
            "created_at) SELECT p.patient_id, p.prescriber_id, p.unit_id, p.prescribed_on, "
            "p.created_at FROM prescriptions p JOIN (WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL "
            "SELECT k + 1 FROM n WHERE k < ?) SELECT k FROM n) AS c ON 1 = 1 WHERE p.id = ? "
            "RETURNING id", (copies - 1, first))]
        wd.sql("INSERT INTO prescription_items (prescription_id, article_id, "
               "withdrawals_allowed, withdrawals_remaining, quantity_per_withdrawal, "
               "period_days, last_valid) SELECT r.id, i.article_id, i.withdrawals_allowed, "
               "i.withdrawals_remaining, i.quantity_per_withdrawal, i.period_days, i.last_valid "
               "FROM prescription_items i JOIN prescriptions r ON r.id IN (%s) "
               "WHERE i.prescription_id = ?" % ",".join(str(x) for x in rx_ids[1:]), (first,))
    rx_set = set(rx_ids)
    return [i["id"] for i in pr.get("/api/patients/%d/prescriptions" % patient).json()["items"]
            if i["prescription_id"] in rx_set]


def order_body(item):
    """A placement of one prescription item, delivered home."""
    return {"reason": "Driftstest", "lines": [{"prescription_item_id": item, "quantity": 1}],
            "delivery": {"method": "home"}}


def openapi_operations(doc):
    """[(METHOD, path template, roles or [] for public)] of an OpenAPI document."""
    ops = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method.lower() in ("get", "post", "put", "patch", "delete"):
                ops.append((method.upper(), path, list(op.get("x-lmn-roles") or [])))
    return ops


def role_names_of(enum_name):
    """UR_MUNICIPAL_ORDERER / MUNICIPAL_ORDERER -> municipal_orderer (as src/api/router.c names it)."""
    return enum_name.replace("UR_", "", 1).lower()


def web_pages():
    """[(METHOD, path template, roles or [] for public)] of the page table in src/web/pages.c,
    with its macros (R(X), STAFF, GOV, ANY, 0) expanded."""
    text = open(os.path.join(SRC, "src", "web", "pages.c"), encoding="utf-8").read()
    all_roles = sorted(set(DEMO_USERS.values()))
    macros = {}
    for name, expr in re.findall(r"^#define (\w+)(?!\() +(.*)$", text, re.M):
        macros[name] = expr

    def expand(expr):
        expr = expr.strip()
        if expr == "0":
            return set()
        if expr == "ANY" or "UR__COUNT" in expr:
            return set(all_roles)
        roles = set()
        # Split on | at the top level (parentheses only group).
        depth, cur, parts = 0, "", []
        for ch in expr:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            if ch == "|" and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
        if len(parts) > 1:
            for p in parts:
                roles |= expand(p)
            return roles
        m = re.fullmatch(r"R\((\w+)\)", expr)
        if m:
            return {role_names_of(m.group(1))}
        m = re.fullmatch(r"ROLE_BIT\(UR_(\w+)\)", expr)
        if m:
            return {role_names_of(m.group(1))}
        if expr.startswith("(") and expr.endswith(")"):
            return expand(expr[1:-1])
        if expr in macros:
            return expand(macros[expr])
        raise ValueError("cannot read the roles of a page: " + expr)

    table = text[text.index("pages[] = {"):]
    table = table[:table.index("\n};")]
    pages = []
    for method, path, roles in re.findall(
            r'\{\s*"(GET|POST)",\s*"([^"]+)",\s*\w+,\s*([^}]*?)\s*\}', table, re.S):
        pages.append((method, path, sorted(expand(roles))))
    return pages


def fill(template, *ids):
    """The path template with its {…} parameters replaced by ids, in order."""
    it = iter(ids)
    return re.sub(r"\{[^}]*\}", lambda m: str(next(it)), template)


def params(template):
    return len(re.findall(r"\{[^}]*\}", template))
