#!/usr/bin/env python3
# The SQLite and PostgreSQL migrations make the same schema (issue 22), after every migration, not
# only the last: a throwaway PostgreSQL cluster (tests/pg/cluster.sh) and a fresh SQLite file get
# the migrations one at a time, and after each the two are compared, normalised: tables; columns
# in order with their mapped types (INTEGER bigint, TEXT text, REAL double precision, BLOB bytea;
# an INTEGER PRIMARY KEY an identity column), NOT NULL and defaults; primary, unique and foreign
# keys; CHECK expressions; indexes (table, columns or expressions, unique, partial predicate);
# triggers (table, timing, event, UPDATE OF columns); views and their columns; and every row (the
# seed data). Then the same writes go to both, and what the triggers kept (report sums, derived
# columns, the access log's filing) and which writes were refused must be the same. Last, an
# upgrade: a second pair of stores gets rows after migration 6, and what migrations 7 to 25 derive
# from them must be the same too.
# Every difference is printed. PGBIN names PostgreSQL's binaries (/usr/lib/postgresql/15/bin).
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

SRC = lmntest.SRC
MIGRATIONS = os.path.join(SRC, "src", "store", "migrations")
PG_MIGRATIONS = os.path.join(MIGRATIONS, "pg")
CLUSTER = os.path.join(SRC, "tests", "pg", "cluster.sh")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
SQLITE_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}

t = lmntest.Tap()


# --- SQL text: comments, string literals and parentheses ------------------------------------

def mask(sql):
    """sql with comments blanked and the inside of string literals replaced by '_', same length,
    so that keywords and parentheses can be found by position."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "'":
            j = i + 1
            while j < n:
                if sql[j] == "'" and sql.startswith("''", j):
                    j += 2
                elif sql[j] == "'":
                    break
                else:
                    j += 1
            out.append("'" + "_" * (j - i - 1) + "'")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def closing(masked, open_at):
    """The index of the parenthesis closing the one at open_at."""
    depth = 0
    for i in range(open_at, len(masked)):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses")


def split_top(sql, masked):
    """sql split at the commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(masked):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(sql[start:i])
            start = i + 1
    parts.append(sql[start:])
    return [p.strip() for p in parts]


def strip_comments(sql):
    m = mask(sql)
    return "".join(c if m[i] != " " or c in " \t\n" else " " for i, c in enumerate(sql))


TOKEN = re.compile(r"'(?:[^']|'')*'|[a-z_][a-z0-9_.$]*|\d+|<>|!=|>=|<=|!~|\|\||\S")


def norm(expr):
    """An expression in one spelling for both engines: lower case outside literals, no casts, no
    parentheses, PostgreSQL's = ANY (ARRAY[…]) as IN (…), ~~ as LIKE, SQLite's NOT GLOB '*[…]*'
    as !~ '[…]', BETWEEN as two comparisons, SQLite's scalar min/max as least/greatest and its
    strftime('%s', t) as lmn_unixepoch(t)."""
    if expr is None:
        return None
    expr = strip_comments(expr)
    parts = re.split(r"('(?:[^']|'')*')", expr)
    s = "".join(p if i % 2 else p.lower().replace('"', "") for i, p in enumerate(parts))
    s = re.sub(r"'(-?\d+)'::(integer|bigint|smallint|numeric)", r"\1::\2", s)
    s = re.sub(r"::\s*(?:double precision|character varying|[a-z_]+)(?:\[\])?", "", s)
    s = re.sub(r"=\s*any\s*\(\s*array\s*\[(.*?)\]\s*\)", r" in (\1)", s)
    s = re.sub(r"<>\s*all\s*\(\s*array\s*\[(.*?)\]\s*\)", r" not in (\1)", s)
    s = re.sub(r"!~~", " not like ", s)
    s = re.sub(r"~~", " like ", s)
    s = re.sub(r"\bnot\s+glob\s+'\*(.*?)\*'", r"!~ '\1'", s)
    s = re.sub(r"([a-z_][a-z0-9_.]*(?:\([^()]*\))?)\s+between\s+(-?\w+)\s+and\s+(-?\w+)",
               r"\1 >= \2 and \1 <= \3", s)
    s = re.sub(r"\bstrftime\s*\(\s*'%s'\s*,\s*", "lmn_unixepoch(", s)
    s = re.sub(r"\bmin\s*\(", "least(", s)
    s = re.sub(r"\bmax\s*\(", "greatest(", s)
    return " ".join(tok for tok in TOKEN.findall(s) if tok not in "()")


# --- SQLite --------------------------------------------------------------------------------

def sqlite_checks(sql):
    """The CHECK expressions of a CREATE TABLE statement."""
    m = mask(sql)
    found = []
    for hit in re.finditer(r"\bcheck\s*\(", m, re.I):
        start = hit.end() - 1
        end = closing(m, start)
        found.append(norm(sql[start + 1:end]))
    return sorted(found)


def sqlite_index_parts(sql):
    """(columns or expressions, predicate) of a CREATE INDEX statement."""
    m = mask(sql)
    on = re.search(r"\bon\s+\w+\s*\(", m, re.I)
    start = on.end() - 1
    end = closing(m, start)
    cols = [norm(c) for c in split_top(sql[start + 1:end], m[start + 1:end])]
    where = re.search(r"\bwhere\b", m[end:], re.I)
    pred = norm(sql[end + where.end():].rstrip().rstrip(";")) if where else None
    return cols, pred


def sqlite_trigger_head(sql):
    m = mask(sql)
    h = re.match(r"\s*create\s+(?:temp\w*\s+)?trigger\s+(?:if\s+not\s+exists\s+)?\S+\s+"
                 r"(before|after|instead\s+of)?\s*(insert|delete|update)(?:\s+of\s+(.*?))?\s+on\s",
                 m, re.I | re.S)
    timing = (h.group(1) or "before").lower()
    event = h.group(2).lower()
    cols = sorted(c.strip().lower() for c in h.group(3).split(",")) if h.group(3) else []
    return ["row", re.sub(r"\s+", " ", timing), event, cols]


def sqlite_schema(con):
    tables, indexes, triggers, views = {}, {}, {}, {}
    objects = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                          "WHERE name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    for kind, name, tbl, sql in objects:
        if kind == "table":
            cols = con.execute("SELECT name, type, \"notnull\", dflt_value, pk "
                               "FROM pragma_table_info(?) ORDER BY cid", (name,)).fetchall()
            pk = [c[0] for c in sorted((c for c in cols if c[4]), key=lambda c: c[4])]
            rowid = not re.search(r"\bwithout\s+rowid\b", mask(sql), re.I)
            columns = []
            for cname, ctype, notnull, dflt, in_pk in cols:
                alias = rowid and len(pk) == 1 and in_pk and ctype.upper() == "INTEGER"
                columns.append([cname, SQLITE_TYPES.get(ctype.upper(), "?" + ctype),
                                bool(notnull or in_pk), norm(dflt), bool(alias)])
            fks = {}
            for fid, seq, rtable, cfrom, cto, on_update, on_delete, _match in con.execute(
                    "SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq", (name,)):
                fk = fks.setdefault(fid, [[], rtable, [], on_update.lower(), on_delete.lower()])
                fk[0].append(cfrom)
                fk[2].append(cto)
            for fk in fks.values():
                if None in fk[2]:  # REFERENCES t: its primary key
                    fk[2] = [r[0] for r in sorted(
                        (r for r in con.execute("SELECT name, pk FROM pragma_table_info(?)",
                                                (fk[1],)) if r[1]), key=lambda r: r[1])]
            uniques = []
            for _seq, iname, _unique, origin, _partial in con.execute(
                    "SELECT * FROM pragma_index_list(?)", (name,)):
                if origin == "u":
                    uniques.append([r[0] for r in con.execute(
                        "SELECT name FROM pragma_index_info(?) ORDER BY seqno", (iname,))])
            tables[name] = {"columns": columns, "primary key": pk,
                            "foreign keys": sorted(fks.values()), "unique": sorted(uniques),
                            "checks": sqlite_checks(sql)}
        elif kind == "index" and sql is not None:
            cols, pred = sqlite_index_parts(sql)
            unique = bool(re.match(r"\s*create\s+unique\b", sql, re.I))
            indexes[name] = [tbl, cols, unique, pred]
        elif kind == "trigger":
            triggers["%s on %s" % (name, tbl)] = sqlite_trigger_head(sql)
        elif kind == "view":
            views[name] = [r[0] for r in con.execute(
                "SELECT name FROM pragma_table_info(?) ORDER BY cid", (name,))]
    return {"tables": tables, "indexes": indexes, "triggers": triggers, "views": views}


def sqlite_rows(con, tables):
    return {name: sorted((list(r) for r in con.execute('SELECT * FROM "%s"' % name)), key=repr)
            for name in tables}


# --- PostgreSQL ----------------------------------------------------------------------------

PG_SCHEMA = r"""
WITH tbl AS (
    SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')),
cols AS (
    SELECT a.attrelid, json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod),
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '')
               ORDER BY a.attnum) AS j
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped GROUP BY a.attrelid),
con AS (
    SELECT c.conrelid, c.contype, c.confrelid, c.confupdtype, c.confdeltype, c.oid,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                  ORDER BY k.o)::text[] AS cols,
           ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                  ORDER BY k.o)::text[] AS refcols
      FROM pg_constraint c)
SELECT json_build_object(
 'tables', (SELECT json_object_agg(t.relname, json_build_object(
     'columns', (SELECT j FROM cols WHERE cols.attrelid = t.oid),
     'primary key', (SELECT to_json(cols) FROM con WHERE conrelid = t.oid AND contype = 'p'),
     'foreign keys', (SELECT json_agg(json_build_array(cols, confrelid::regclass::text, refcols,
                         CASE confupdtype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict'
                           WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null'
                           ELSE 'set default' END,
                         CASE confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict'
                           WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null'
                           ELSE 'set default' END))
                      FROM con WHERE conrelid = t.oid AND contype = 'f'),
     'unique', (SELECT json_agg(cols) FROM con WHERE conrelid = t.oid AND contype = 'u'),
     'checks', (SELECT json_agg(pg_get_constraintdef(oid, true))
                  FROM con WHERE conrelid = t.oid AND contype = 'c'))) FROM tbl t),
 'indexes', (SELECT json_object_agg(c.relname, json_build_array(
     i.indrelid::regclass::text,
     (SELECT json_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
        FROM generate_series(1, i.indnkeyatts) k),
     i.indisunique, pg_get_expr(i.indpred, i.indrelid, true)))
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN tbl ON tbl.oid = i.indrelid
    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k
                       WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))),
 'triggers', (SELECT json_object_agg(g.tgname || ' on ' || tbl.relname, json_build_array(
     CASE WHEN g.tgtype & 1 = 1 THEN 'row' ELSE 'statement' END,
     CASE WHEN g.tgtype & 64 = 64 THEN 'instead of' WHEN g.tgtype & 2 = 2 THEN 'before'
          ELSE 'after' END,
     concat_ws(' or ', CASE WHEN g.tgtype & 4 = 4 THEN 'insert' END,
               CASE WHEN g.tgtype & 8 = 8 THEN 'delete' END,
               CASE WHEN g.tgtype & 16 = 16 THEN 'update' END,
               CASE WHEN g.tgtype & 32 = 32 THEN 'truncate' END),
     ARRAY(SELECT a.attname FROM unnest(g.tgattr) k
             JOIN pg_attribute a ON a.attrelid = g.tgrelid AND a.attnum = k ORDER BY 1)::text[]))
     FROM pg_trigger g JOIN tbl ON tbl.oid = g.tgrelid WHERE NOT g.tgisinternal),
 'views', (SELECT json_object_agg(c.relname, (SELECT json_agg(a.attname ORDER BY a.attnum)
                                             FROM pg_attribute a
                                            WHERE a.attrelid = c.oid AND a.attnum > 0))
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'v'))
"""


class Postgres:
    def __init__(self, conninfo):
        self.conninfo = conninfo

    def psql(self, *args, stdin=None, check=True):
        r = subprocess.run([os.path.join(PGBIN, "psql"), "-X", "-q", "-At", "-v",
                            "ON_ERROR_STOP=1", "-d", self.conninfo, *args], input=stdin,
                           capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError("psql: " + r.stderr.strip())
        return r

    def query_json(self, sql):
        return json.loads(self.psql("-c", sql).stdout.strip() or "null")

    def schema(self):
        s = self.query_json(PG_SCHEMA)
        tables = {}
        for name, t_ in (s["tables"] or {}).items():
            tables[name] = {
                "columns": [[c[0], c[1], c[2], norm(c[3]), c[4]] for c in t_["columns"] or []],
                "primary key": t_["primary key"] or [],
                "foreign keys": sorted(t_["foreign keys"] or []),
                "unique": sorted(t_["unique"] or []),
                "checks": sorted(norm(re.sub(r"^CHECK\s*", "", c)) for c in t_["checks"] or []),
            }
        indexes = {name: [i[0], [norm(c) for c in i[1]], i[2], norm(i[3])]
                   for name, i in (s["indexes"] or {}).items()}
        triggers = {name: [g[0], g[1], g[2], sorted(g[3])]
                    for name, g in (s["triggers"] or {}).items()}
        return {"tables": tables, "indexes": indexes, "triggers": triggers,
                "views": s["views"] or {}}

    def rows(self, tables):
        if not tables:
            return {}
        # A row as a JSON object keeps the table's column order.
        sql = "SELECT json_object_agg(n, j) FROM (%s) s" % " UNION ALL ".join(
            "SELECT '%s' AS n, (SELECT coalesce(json_agg(x), '[]') FROM \"%s\" x) AS j" % (
                name, name) for name in tables)
        got = self.query_json(sql)
        return {name: sorted((list(r.values()) for r in got[name]), key=repr) for name in tables}


# --- Comparing -----------------------------------------------------------------------------

def differences(a, b, path=""):
    """What differs between the SQLite side a and the PostgreSQL side b, one line each."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            where = "%s %s" % (path, k) if path else k
            if k not in b:
                out.append("%s: only in SQLite: %s" % (where, json.dumps(a[k])))
            elif k not in a:
                out.append("%s: only in PostgreSQL: %s" % (where, json.dumps(b[k])))
            else:
                out += differences(a[k], b[k], where)
    elif path.endswith(" checks") or path.endswith(" unique") or path.endswith(" foreign keys"):
        for x in a:
            if x not in b:
                out.append("%s: only in SQLite: %s" % (path, json.dumps(x)))
        for x in b:
            if x not in a:
                out.append("%s: only in PostgreSQL: %s" % (path, json.dumps(x)))
        if not out and len(a) != len(b):
            out.append("%s: %d in SQLite, %d in PostgreSQL" % (path, len(a), len(b)))
    elif path.endswith(" columns") and isinstance(a, list) and isinstance(b, list):
        names_a, names_b = [c[0] for c in a], [c[0] for c in b]
        if names_a != names_b:
            out.append("%s: SQLite %s, PostgreSQL %s" % (path, names_a, names_b))
        for ca, cb in zip(a, b):
            if ca != cb and ca[0] == cb[0]:
                out.append("%s %s: SQLite [type, not null, default, identity] %s, "
                           "PostgreSQL %s" % (path, ca[0], json.dumps(ca[1:]),
                                               json.dumps(cb[1:])))
    elif path.startswith("rows of") and isinstance(a, list) and isinstance(b, list):
        rest = list(b)
        for row in a:
            if row in rest:
                rest.remove(row)
            else:
                out.append("%s: only in SQLite: %s" % (path, json.dumps(row)[:300]))
        for row in rest:
            out.append("%s: only in PostgreSQL: %s" % (path, json.dumps(row)[:300]))
    elif a != b:
        out.append("%s: SQLite %s, PostgreSQL %s" % (path, json.dumps(a), json.dumps(b)))
    return out


def report(name, diffs, limit=60):
    t.ok(not diffs, name, *diffs[:limit],
         *(["… and %d more" % (len(diffs) - limit)] if len(diffs) > limit else []))


# Writes after the last migration, on both engines: (True if the engine must refuse it, SQL).
# They exercise every trigger: the report facts and daily sums of orders, shipments and calls,
# the order's line count, the access log's filing (every 2 entries here) and the refusals. A
# refused insert names its id: PostgreSQL's identity takes a number from its sequence also for a
# row refused (later rows get other ids than SQLite's max(id) + 1 gives), a known difference.
T0 = "'2026-11-23T10:00:00+01:00'"
WRITES = [
    (False, "INSERT INTO care_providers (name, kind) VALUES ('VGR', 'region'), ('Kommunen', 'municipality')"),
    (False, "INSERT INTO units (care_provider_id, name, cost_centre, postal_code) VALUES (1, 'VC Norr', '100', '41101'), (2, 'Hemsjukvård', '200', NULL)"),
    (True, "INSERT INTO units (id, care_provider_id, name, cost_centre, postal_code) VALUES (9, 1, 'Fel', '101', '4110A')"),
    (False, "INSERT INTO suppliers (name) VALUES ('Leverantör')"),
    (False, "INSERT INTO articles (article_number, name, area, unit, package_size, supplier_id, stocked, acute_assortment, special) VALUES ('A1', 'Näring', 'nutrition', 'st', 1, 1, 1, 0, 0), ('A2', 'Skydd', 'incontinence', 'st', 10, 1, 1, 0, 0)"),
    (True, "INSERT INTO articles (id, article_number, name, area, unit, package_size, supplier_id, stocked, acute_assortment, special) VALUES (9, 'A3', 'X', 'eyes', 'st', 1, 1, 1, 0, 0)"),
    (False, "INSERT INTO patients (id_number, id_kind, given_name, family_name, address, postal_code, city, municipality, created_at) VALUES ('191212121212', 'personnummer', 'Tolvan', 'Tolvansson', 'Gatan 1', '41101', 'Göteborg', 'Göteborg', %s), ('200001012384', 'personnummer', 'Anna', 'Ek', 'Vägen 2', '41102', 'Göteborg', 'Göteborg', %s)" % (T0, T0)),
    (False, "INSERT INTO users (username, display_name, role, unit_id, created_at) VALUES ('dr', 'Doktor', 'prescriber', 1, %s)" % T0),
    (True, "INSERT INTO users (id, username, display_name, role, created_at) VALUES (9, 'p', 'Patient', 'patient', %s)" % T0),
    (False, "INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, created_at) VALUES (1, 1178, 1, '2026-11-01', %s), (2, 1178, 2, '2026-11-01', %s)" % (T0, T0)),
    (False, "INSERT INTO prescription_items (prescription_id, article_id, withdrawals_allowed, withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid) VALUES (1, 1, 4, 4, 1, 30, '2027-11-01'), (1, 2, 4, 4, 2, 30, '2027-11-01'), (2, 2, 4, 4, 1, 30, '2027-11-01')"),
    (False, "INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (1, 'normal', 'digital', 'p', 'p', %s, '2026-11-23', '2026-11-27', '2026-11-30', 'B3:1', 'home')" % T0),
    (False, "INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (2, 'normal', '1177', 'p', 'p', %s, '2026-11-23', '2026-11-27', NULL, 'B3:1', 'home')" % T0),
    (False, "INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (1, 'acute', 'phone', 'p', 'p', %s, '2026-11-24', '2026-11-25', '2026-11-26', 'B3:3', 'home')" % T0),
    (True, "INSERT INTO orders (id, patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (9, 1, 'normal', 'fax', 'p', 'p', %s, '2026-11-23', '2026-11-27', NULL, 'B3:1', 'home')" % T0),
    (False, "INSERT INTO order_lines (order_id, article_id, prescription_item_id, quantity) VALUES (1, 1, 1, 1), (1, 2, 2, 2), (2, 2, 3, 1), (3, 1, 1, 1)"),
    (False, "INSERT INTO shipments (order_id, shipped_at, partial, delivered_at) VALUES (1, '2026-11-24T08:00:00+01:00', 0, '2026-11-26T12:00:00+01:00')"),
    (False, "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, backordered) VALUES (1, 1, 1, 0), (1, 2, 2, 0)"),
    (False, "INSERT INTO shipments (order_id, shipped_at, partial) VALUES (3, '2026-11-25T08:00:00+01:00', 1)"),
    (False, "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, backordered) VALUES (2, 4, 0, 1)"),
    (False, "UPDATE shipments SET delivered_at = '2026-11-28T09:00:00+01:00' WHERE id = 2"),
    (False, "UPDATE shipments SET outcome = 'returned', outcome_at = '2026-11-30T10:00:00+01:00' WHERE id = 2"),
    (False, "INSERT INTO contact_cases (order_id, opened_on) VALUES (3, '2026-11-26')"),
    (True, "INSERT INTO contact_cases (id, order_id, opened_on) VALUES (9, 3, '2026-11-27')"),
    (False, "UPDATE orders SET status = 'delivered' WHERE id = 1"),
    (False, "UPDATE orders SET status = 'cancelled' WHERE id = 2"),
    (False, "INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (2, 'normal', 'digital', 'p', 'p', %s, '2026-11-25', '2026-11-29', '2026-12-01', 'B3:1', 'home')" % T0),
    (False, "INSERT INTO order_lines (order_id, article_id, prescription_item_id, quantity) VALUES (4, 2, 3, 1)"),
    (False, "DELETE FROM order_lines WHERE order_id = 4"),
    (False, "DELETE FROM orders WHERE id = 4"),
    # Ids given: SQLite would give the deleted order's and line's ids again (max(id) + 1),
    # PostgreSQL not.
    (False, "INSERT INTO orders (id, patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (5, 2, 'normal', '1177', 'p', 'p', %s, '2026-11-25', '2026-11-29', NULL, 'B3:1', 'pickup_point')" % T0),
    (False, "INSERT INTO order_lines (id, order_id, article_id, prescription_item_id, quantity) VALUES (6, 5, 2, 3, 2)"),
    (False, "INSERT INTO calls (queued_at, answered_at, topic) VALUES ('2026-11-23T10:00:00+01:00', '2026-11-23T10:02:10+01:00', 'order'), ('2026-11-23T11:00:00+01:00', NULL, 'other'), ('2026-11-23T12:00:00+01:00', '2026-11-23T14:00:00+01:00', 'delivery'), ('2026-11-24T09:00:00Z', '2026-11-24T10:00:30+01:00', 'product')"),
    (False, "UPDATE calls SET answered_at = '2026-11-23T11:04:00+01:00' WHERE id = 2"),
    (False, "DELETE FROM calls WHERE id = 3"),
    (False, "UPDATE access_log_indexed SET every = 2"),
    (False, "INSERT INTO access_log (at, role, patient_id, action, what) VALUES ('2026-11-23T10:00:00+01:00', 'patient', 2, 'read', 'a')"),
    (False, "INSERT INTO access_log (at, role, patient_id, action, what) VALUES ('2026-11-23T10:00:01+01:00', 'patient', 1, 'read', 'b')"),
    (False, "INSERT INTO access_log (at, role, patient_id, action, what) VALUES ('2026-11-23T10:00:02+01:00', 'patient', 2, 'read', 'c'), ('2026-11-23T10:00:03+01:00', 'patient', 1, 'read', 'd'), ('2026-11-23T10:00:04+01:00', 'patient', 2, 'update', 'e')"),
    (False, "INSERT INTO access_log (at, role, patient_id, action, what) VALUES ('2026-11-23T10:00:05+01:00', 'patient', 1, 'create', 'f')"),
    (True, "UPDATE access_log SET what = 'x' WHERE id = 1"),
    (True, "DELETE FROM access_log WHERE id = 1"),
    (True, "DELETE FROM access_log_by_patient WHERE id = 1"),
    (False, "INSERT INTO access_log_views (after, at, role, what, patients) VALUES (6, '2026-11-23T10:01:00+01:00', 'prescriber', 'search', ',1,2,')"),
    (True, "INSERT INTO access_log_views (id, after, at, role, what, patients) VALUES (9, 6, '2026-11-23T10:01:00+01:00', 'prescriber', 'search', '1,2')"),
    (False, "INSERT INTO access_log_view_batches (patient_id, batch) VALUES (1, 0), (2, 0)"),
    (True, "DELETE FROM access_log_view_batches WHERE batch = 0"),
    (False, "INSERT INTO bodies (code, name, kind, active_from) VALUES ('LR', 'Ledningsråd', 'council', '2019-01-01')"),
    (False, "INSERT INTO meetings (body_id, starts_at, form) VALUES (1, '2026-11-23T10:00:00+01:00', 'digital')"),
    (False, "INSERT INTO minutes (meeting_id, version, html, created_at) VALUES (1, 1, '<p>utkast</p>', %s)" % T0),
    (False, "UPDATE minutes SET html = '<p>rättat</p>' WHERE id = 1"),
    (False, "UPDATE minutes SET approved_at = '2026-11-24T10:00:00+01:00' WHERE id = 1"),
    (True, "UPDATE minutes SET html = '<p>ändrat</p>' WHERE id = 1"),
    (True, "DELETE FROM minutes WHERE id = 1"),
    (True, "UPDATE change_log SET heading = 'x' WHERE id = 1"),
    (False, "INSERT INTO delivery_alternatives (name, method, provider, choose_point, notifications) VALUES ('Ny', 'home', 'INGEN', 0, 'sms')"),
    (True, "INSERT INTO delivery_alternatives (id, name, method, provider, choose_point, notifications) VALUES (9, 'Fel', 'home', 'INGEN', 1, 'sms')"),
    (False, "INSERT INTO users (username, display_name, role, kind, created_at) VALUES ('e', 'Integration', 'patient', 'integration', %s)" % T0),
    (False, "INSERT INTO id_number_searches (at, at_minute, user_id, id_number, via) VALUES (%s, 1, 1178, '191212121212', 'search')" % T0),
    (True, "UPDATE id_number_searches SET via = 'register'"),
]


# Rows written after migration 6, before the migrations that derive columns and sums from the rows
# there are (7, 8, 10, 12, 20, 25): what those migrations fill in must be the same on both.
UPGRADE_ROWS = {"0006_reports.sql": [
    "INSERT INTO care_providers (name, kind) VALUES ('VGR', 'region'), ('Kommunen', 'municipality')",
    "INSERT INTO units (care_provider_id, name, cost_centre) VALUES (2, 'Hemsjukvård', '200'), (1, 'VC Norr', '100')",
    "INSERT INTO suppliers (name) VALUES ('Leverantör')",
    "INSERT INTO articles (article_number, name, area, unit, package_size, supplier_id, stocked, acute_assortment, special) VALUES ('A1', 'Näring', 'nutrition', 'st', 1, 1, 1, 0, 0), ('A2', 'Skydd', 'incontinence', 'st', 10, 1, 1, 0, 0)",
    "INSERT INTO patients (id_number, id_kind, given_name, family_name, address, postal_code, city, municipality, created_at) VALUES ('191212121212', 'personnummer', 'Tolvan', 'Tolvansson', 'Gatan 1', '41101', 'Göteborg', 'Göteborg', %s), ('200001012384', 'personnummer', 'Anna', 'Ek', 'Vägen 2', '41102', 'Göteborg', 'Göteborg', %s)" % (T0, T0),
    "INSERT INTO users (username, display_name, role, unit_id, created_at) VALUES ('dr', 'Doktor', 'prescriber', 2, %s), ('kt', 'Kundtjänst', 'customer_service', NULL, %s)" % (T0, T0),
    "INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, prescribed_on, created_at) VALUES (1, 1, 2, '2026-11-01', %s), (2, 1, 1, '2026-11-01', %s)" % (T0, T0),
    "INSERT INTO prescription_items (prescription_id, article_id, withdrawals_allowed, withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid) VALUES (1, 2, 4, 4, 1, 30, '2027-11-01'), (1, 1, 4, 4, 2, 30, '2027-11-01'), (2, 1, 4, 4, 1, 30, '2027-11-01')",
    "INSERT INTO orders (patient_id, kind, channel, requested_by, entered_by, received_at, received_day, due, contact_from, rules, delivery_method) VALUES (1, 'normal', 'digital', 'p', 'p', %s, '2026-11-23', '2026-11-27', '2026-11-30', 'B3:1', 'home'), (2, 'normal', 'phone', 'p', 'p', %s, '2026-11-23', '2026-11-27', NULL, 'B3:1', 'home'), (1, 'acute', 'phone', 'p', 'p', %s, '2026-11-24', '2026-11-25', '2026-11-26', 'B3:3', 'home')" % (T0, T0, T0),
    "INSERT INTO order_lines (order_id, article_id, prescription_item_id, quantity) VALUES (1, 2, 1, 1), (1, 1, 2, 2), (2, 1, 3, 1), (3, 1, 2, 1), (3, 2, 1, 1)",
    "INSERT INTO shipments (order_id, shipped_at, partial, delivered_at) VALUES (1, '2026-11-24T08:00:00+01:00', 1, '2026-11-26T12:00:00+01:00'), (1, '2026-11-27T08:00:00+01:00', 0, '2026-11-29T12:00:00+01:00')",
    "INSERT INTO shipments (order_id, shipped_at, partial, delivered_at, outcome, outcome_at) VALUES (3, '2026-11-25T08:00:00+01:00', 0, NULL, 'returned', '2026-11-30T09:00:00+01:00')",
    "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, backordered) VALUES (1, 1, 1, 0), (1, 2, 0, 1), (2, 2, 2, 0), (3, 4, 1, 0), (3, 5, 1, 0)",
    "INSERT INTO contact_cases (order_id, opened_on, called_at, called_by, outcome, note) VALUES (3, '2026-11-26', '2026-11-26T10:00:00+01:00', 2, 'reached', 'ok'), (1, '2026-11-30', NULL, NULL, NULL, NULL)",
    "INSERT INTO calls (queued_at, answered_at, topic) VALUES ('2026-11-23T10:00:00+01:00', '2026-11-23T10:07:01+01:00', 'order'), ('2026-11-23T11:00:00+01:00', NULL, 'other'), ('2026-11-24T11:00:00+01:00', '2026-11-24T11:00:00+01:00', 'other')",
    "INSERT INTO access_log (at, role, patient_id, action, what) VALUES ('2026-11-23T10:00:00+01:00', 'patient', 2, 'read', 'a'), ('2026-11-23T10:00:01+01:00', 'patient', 1, 'read', 'b'), ('2026-11-23T10:00:02+01:00', 'patient', 2, 'create', 'c')",
]}


def migrate(lite, pg, names, label, rows_after):
    """Applies the migrations to both, comparing the schemas and rows after each."""
    for name in names:
        # Each migration in one transaction, as lmn applies them.
        with open(os.path.join(MIGRATIONS, name), encoding="utf-8") as f:
            lite.executescript("BEGIN;\n" + f.read() + "\nCOMMIT;")
        with open(os.path.join(PG_MIGRATIONS, name), encoding="utf-8") as f:
            pg.psql("-1", "-f", "-", stdin=f.read())
        a, b = sqlite_schema(lite), pg.schema()
        report("%sthe schema after %s is the same on both" % (label, name), differences(a, b))
        tables = sorted(set(a["tables"]) & set(b["tables"]))
        report("%sthe rows after %s are the same on both" % (label, name),
               differences(sqlite_rows(lite, tables), pg.rows(tables), "rows of"))
        for sql in rows_after.get(name, []):
            lite.execute(sql)
            pg.psql("-c", sql)


def main():
    if not os.access(os.path.join(PGBIN, "initdb"), os.X_OK):
        t.bail("no PostgreSQL server in %s: install Debian's package postgresql" % PGBIN)
    names = sorted(f for f in os.listdir(MIGRATIONS) if f.endswith(".sql"))
    pg_names = sorted(f for f in os.listdir(PG_MIGRATIONS) if f.endswith(".sql"))
    t.check("the PostgreSQL migrations have the SQLite migrations' numbers and names",
            names, pg_names)
    # Stopped by meson's timeout or ^C: the finally below still stops the cluster.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    work = tempfile.mkdtemp(prefix="lmn-schema-pg-")
    # Apart from work: as root the cluster runs as the user postgres, who cannot enter work.
    cluster = tempfile.mkdtemp(prefix="lmn-pg-")
    try:
        r = subprocess.run([CLUSTER, "start", cluster], capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            t.bail("cluster.sh start failed: " + r.stderr.strip())
        conninfo = r.stdout.strip()
        pg = Postgres(conninfo)
        lite = sqlite3.connect(os.path.join(work, "lmn.db"), isolation_level=None)
        lite.execute("PRAGMA foreign_keys=ON")
        migrate(lite, pg, names, "", {})

        refused = []
        for must_fail, sql in WRITES:
            try:
                lite.execute(sql)
                lite_failed = False
            except sqlite3.Error:
                lite_failed = True
            pg_failed = pg.psql("-c", sql, check=False).returncode != 0
            if (lite_failed, pg_failed) != (must_fail, must_fail):
                refused.append("%s: %s (SQLite %s, PostgreSQL %s)" % (
                    "must be refused" if must_fail else "must be accepted", sql[:100],
                    "refused" if lite_failed else "accepted",
                    "refused" if pg_failed else "accepted"))
        report("both engines accept and refuse the same %d writes" % len(WRITES), refused)
        tables = sorted(sqlite_schema(lite)["tables"])
        lite_rows, pg_rows = sqlite_rows(lite, tables), pg.rows(tables)
        report("the rows after the writes (what the triggers kept) are the same on both",
               differences(lite_rows, pg_rows, "rows of"))
        # What the writes above must have made the triggers keep, so that the comparison is not of
        # two equally empty tables.
        t.check("report_order_days: one order each of 23, 24 and 25 November, 1177 counted apart",
                [["2026-11-23", 1, "nutrition", 1, 1, 0, 0, 1, 1, 0, 0, 0],
                 ["2026-11-24", 1, "nutrition", 1, 0, 0, 0, 1, 0, 1, 1, 1],
                 ["2026-11-25", 2, "incontinence", 1, 0, 1, 1, 0, 0, 0, 0, 0]],
                [[r[0], r[1], r[2], r[3], r[4], r[11], r[5], r[6], r[7], r[8], r[9], r[10]]
                 for r in pg_rows["report_order_days"] if r[3] != 0])
        t.check("report_call_days: waits of 1, 3 and 4 minutes; unanswered and over an hour undone",
                [["2026-11-23", -1, 0], ["2026-11-23", 3, 1], ["2026-11-23", 4, 1],
                 ["2026-11-23", 61, 0],
                 ["2026-11-24", 1, 1]],
                sorted(r for r in pg_rows["report_call_days"]))
        t.check("access_log entries filed by patient or in chunks, each once",
                list(range(1, 7)),
                sorted([r[1] for r in pg_rows["access_log_by_patient"]]
                       + [r[2] for r in pg_rows["access_log_recent"]]))
        lite.close()

        # An upgrade: a store with rows in it when migrations 7 to 25 come.
        pg.psql("-c", "CREATE DATABASE lmn_upgrade")
        pg = Postgres(conninfo.replace("/lmn?", "/lmn_upgrade?"))
        lite = sqlite3.connect(os.path.join(work, "upgrade.db"), isolation_level=None)
        lite.execute("PRAGMA foreign_keys=ON")
        migrate(lite, pg, names, "with rows: ", UPGRADE_ROWS)
        # What the migrations must have filled in from those rows (worked out by hand).
        t.check("with rows: migrations 7, 10 and 25 filled in the orders' report columns",
                [[1, "incontinence", 1, 2, 2, "2026-11-26", "2026-11-29", 1, 1],
                 [2, "nutrition", 2, 1, 1, None, None, 0, 0],
                 [3, "nutrition", 1, 2, 2, None, None, 0, 1]],
                pg.query_json("SELECT json_agg(json_build_array(id, area, care_provider_id, "
                              "cost_unit_id, lines, first_delivered, last_delivered, partial, "
                              "contact_case) ORDER BY id) FROM orders"))
        rows = pg.rows(["report_order_days", "report_ship_days", "report_call_days",
                        "access_log_by_patient", "contact_case_calls", "contact_cases"])
        t.check("with rows: migration 8 summed the orders by day",
                [["2026-11-23", 1, "incontinence", 1, 1, 0, 1, 1, 0, 1, 1, 0],
                 ["2026-11-23", 2, "nutrition", 1, 0, 1, 0, 0, 0, 0, 0, 0],
                 ["2026-11-24", 1, "nutrition", 1, 0, 0, 0, 0, 0, 1, 0, 0]],
                rows["report_order_days"])
        t.check("with rows: migration 8 summed shipments and returns by day",
                [["2026-11-26", 1, "incontinence", 1, 0], ["2026-11-29", 1, "incontinence", 1, 0],
                 ["2026-11-30", 1, "nutrition", 0, 1]], rows["report_ship_days"])
        t.check("with rows: migration 8 counted the calls by day and wait",
                [["2026-11-23", -1, 1], ["2026-11-23", 8, 1], ["2026-11-24", 0, 1]],
                sorted(rows["report_call_days"]))
        t.check("with rows: migration 12 filed the access log by patient",
                [[1, 2], [2, 1], [2, 3]], rows["access_log_by_patient"])
        t.check("with rows: migration 20 moved the call of a case and counted it",
                [[[1, 1, "2026-11-26T10:00:00+01:00", 2, "reached", "ok"]],
                 [[1, 1, "nutrition", 1], [2, 0, "incontinence", 1]]],
                [rows["contact_case_calls"],
                 sorted([r[0], r[8], r[9], r[10]] for r in rows["contact_cases"])])
        lite.close()
    finally:
        subprocess.run([CLUSTER, "stop", cluster], capture_output=True, timeout=120)
        subprocess.run(["rm", "-rf", work])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
