#!/usr/bin/env python3
# The national e-service 1177 as a client of lmn's RIVTA listener (issue 19): the three service
# contracts of crm:selfservice:medicalsupply, 1.0.2 and 2.0, over HTTPS with mutual TLS. Every
# answer that is not a fault is validated with `xmllint --schema` against the responder schema of
# its interaction and version; what the answers say is compared with lmn's own JSON API. The
# schemas come from ../shared/interop (or LMN_INTEROP), the certificates from the openssl CLI.
import datetime
import html
import http.client
import json
import os
import re
import select
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmntest  # noqa: E402

HSAID = "SE2321000131-S000000010251"  # the region's HSA-id, lmn's --logical-address
TODAY = "2026-11-23"  # lmntest sets LMN_NOW=2026-11-23T10:00
LATER_NOW = "2027-02-01T10:00"  # the clock of the last part: demo items valid to 2027-01-26 expired
SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"
REGISTRY = "urn:riv:itintegration:registry:1"
GET_RX = "GetMedicalSupplyPrescriptions"
GET_DP = "GetMedicalSupplyDeliveryPoints"
REGISTER = "RegisterMedicalSupplyOrder"
UNKNOWN_PIN = "191212121212"  # Tolvan Tolvansson: valid checksum, the Tax Agency's test number
BAD_PIN = "191212121213"  # its checksum digit off by one
# lmn's statuses (rx_status_name) as the contract names them.
STATUS = {"active": "AKTIV", "cancelled": "MAKULERAD", "fully_withdrawn": "LEVERERAD",
          "expired": "UTGÅTT"}
AREA = {"nutrition": "NUTRITION", "incontinence": "INKONTINENS", "stoma": "STOMI",
        "diabetes": "DIABETES", "special_sewing": "SÄRNÄR"}


def find_interop():
    """The folder holding 1177-medicalsupply/ and 1177-medicalsupply-2.0/: LMN_INTEROP, a copy
    in the source tree, or ../shared/interop beside it."""
    src = os.path.abspath(lmntest.SRC)
    cands = [os.environ.get("LMN_INTEROP", "")]
    for dirpath, dirnames, _ in os.walk(src):
        if dirpath[len(src):].count(os.sep) >= 4 or os.path.exists(
                os.path.join(dirpath, "meson-private")):
            dirnames[:] = []  # not deep, not into build folders
            continue
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if "1177-medicalsupply" in dirnames:
            cands.append(dirpath)
    cands += [os.path.join(src, "..", "shared", "interop")]
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "1177-medicalsupply", "examples",
                                             "RegisterMedicalSupplyOrder-request.xml")) and \
                os.path.isdir(os.path.join(c, "1177-medicalsupply-2.0")):
            return os.path.abspath(c)
    return None


def responder_ns(interaction, v):
    return "urn:riv:crm:selfservice:medicalsupply:%sResponder:%d" % (interaction, v)


def core_ns(v):
    return "urn:riv:crm:selfservice:medicalsupply:%d" % v


def xsd(interaction, v):
    folder = "1177-medicalsupply" if v == 1 else "1177-medicalsupply-2.0"
    return os.path.join(INTEROP, folder, "interactions", interaction + "Interaction",
                        "%sResponder_%d.0.xsd" % (interaction, v))


def path_of(interaction, v):
    return "/crm/selfservice/medicalsupply/%s/%d/rivtabp21" % (interaction, v)


def esc(s):
    return html.escape(str(s), quote=True)


def envelope(body_xml, logical_address=HSAID, prolog=""):
    """A SOAP 1.1 envelope as the e-service sends it (bytes); logical_address None: no header
    element."""
    la = ("<LogicalAddress xmlns=\"%s\">%s</LogicalAddress>" % (REGISTRY, esc(logical_address))
          if logical_address is not None else "")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>%s<soapenv:Envelope xmlns:soapenv=\"%s\">"
            "<soapenv:Header>%s</soapenv:Header><soapenv:Body>%s</soapenv:Body>"
            "</soapenv:Envelope>" % (prolog, SOAPENV, la, body_xml)).encode("utf-8")


# --- The request elements ---

def code(v, value):
    """ProductArea / ServicePointProvider: 1.0's fixed code, 2.0's CVType with originalText."""
    return esc(value) if v == 1 else "<originalText xmlns=\"%s\">%s</originalText>" % (
        core_ns(v), esc(value))


def get_rx(v, pin):
    return "<GetMedicalSupplyPrescriptions xmlns=\"%s\"><SubjectOfCareId>%s</SubjectOfCareId>" \
           "</GetMedicalSupplyPrescriptions>" % (responder_ns(GET_RX, v), esc(pin))


def get_dp(v, postal_code, provider):
    return "<GetMedicalSupplyDeliveryPoints xmlns=\"%s\"><PostalCode>%s</PostalCode>" \
           "<ServicePointProvider>%s</ServicePointProvider></GetMedicalSupplyDeliveryPoints>" % (
               responder_ns(GET_DP, v), esc(postal_code), code(v, provider))


def address_xml(a):
    x = "<Receiver>%s</Receiver>" % esc(a["receiver"])
    x += "<Street>%s</Street><PostalCode>%s</PostalCode><City>%s</City>" % (
        esc(a["street"]), esc(a["postal_code"]), esc(a["city"]))
    if a.get("door_code"):
        x += "<DoorCode>%s</DoorCode>" % esc(a["door_code"])
    return x + "<Phone>%s</Phone>" % esc(a["phone"])


def article_xml(v, art):
    x = "<ArticleNo>%s</ArticleNo><ArticleName>%s</ArticleName><PackageSize>%d</PackageSize>" % (
        esc(art["no"]), esc(art["name"]), art["size"])
    if art.get("unit"):
        x += "<PackageSizeUnit>%s</PackageSizeUnit>" % esc(art["unit"])
    return x + "<ProductArea>%s</ProductArea><IsOrderable>%s</IsOrderable>" % (
        code(v, art["area"]), "true" if art["orderable"] else "false")


def register(v, pin, orderer, delegate, rows):
    """The request element, laid out as the e-service's example is (the common types' namespace
    the default). rows: [{item: as parse_items gives it, choice: {method_id, method, address?,
    point?, notification?, receiver?}}]"""
    x = "<r:RegisterMedicalSupplyOrder xmlns:r=\"%s\" xmlns=\"%s\"><r:Order>" % (
        responder_ns(REGISTER, v), core_ns(v))
    x += "<SubjectOfCareId>%s</SubjectOfCareId><Orderer>%s</Orderer>" \
         "<OrderByDelegate>%s</OrderByDelegate>" % (esc(pin), esc(orderer),
                                                    "true" if delegate else "false")
    for r in rows:
        it, ch = r["item"], r["choice"]
        dc = "<DeliveryMethodId>%s</DeliveryMethodId><DeliveryMethod>%s</DeliveryMethod>" % (
            esc(ch["method_id"]), esc(ch["method"]))
        if ch.get("address"):
            dc += "<HomeDeliveryAddress>%s</HomeDeliveryAddress>" % address_xml(ch["address"])
        if ch.get("point"):
            p = ch["point"]
            dc += ("<DeliveryPoint><DeliveryPointId>%s</DeliveryPointId><DeliveryPointName>%s"
                   "</DeliveryPointName><DeliveryPointAddress>%s</DeliveryPointAddress>"
                   "<DeliveryPointPostalCode>%s</DeliveryPointPostalCode><DeliveryPointCity>%s"
                   "</DeliveryPointCity><CountryCode>SE</CountryCode></DeliveryPoint>" % (
                       esc(p["id"]), esc(p["name"]), esc(p["address"]), esc(p["postal_code"]),
                       esc(p["city"])))
        if ch.get("notification"):
            dc += "<DeliveryNotificationMethod>%s</DeliveryNotificationMethod>" % esc(
                ch["notification"])
            dc += "<DeliveryNotificationReceiver>%s</DeliveryNotificationReceiver>" % esc(
                ch["receiver"])
        x += ("<OrderRow><PrescriptionId>%s</PrescriptionId><PrescriptionItemId>%s"
              "</PrescriptionItemId><DeliveryChoice>%s</DeliveryChoice><Article>%s</Article>"
              "<NoOfPackages>%d</NoOfPackages><NoOfPcs>%d</NoOfPcs><Source>%s</Source>"
              "</OrderRow>" % (esc(it["prescription_id"]), esc(it["id"]), dc,
                               article_xml(v, it["article"]), it["packages_per_order"],
                               it["articles_per_order"], esc(it["source"])))
    return x + "</r:Order></r:RegisterMedicalSupplyOrder>"


# --- Transport ---

class Answer:
    def __init__(self, status=None, headers=None, body=b"", elapsed=0.0, error=None):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.elapsed = elapsed
        self.error = error

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def brief(self):
        if self.error:
            return "no answer: %s (after %.2f s)" % (self.error, self.elapsed)
        return "HTTP %s, Content-Type %r, %.2f s: %s" % (
            self.status, self.headers.get("content-type"), self.elapsed, self.text[:1500])


def tls_context(cert):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(CERTS, "ca.pem"))
    ctx.check_hostname = True  # the server certificate names IP:127.0.0.1
    if cert:
        ctx.load_cert_chain(os.path.join(CERTS, cert + ".pem"), os.path.join(CERTS, cert + ".key"))
    return ctx


EXCHANGES = []  # (what, request bytes, answer) of every call, for the checks over all answers


def post(what, path, body, action=None, cert="client", timeout=30, port=None):
    """POSTs body (bytes) over HTTPS as the e-service (cert: client, untrusted or None)."""
    headers = {"Content-Type": "text/xml; charset=UTF-8", "Accept": "text/xml",
               "Content-Length": str(len(body))}
    if action is not None:
        headers["SOAPAction"] = "\"%s\"" % action
    t0 = time.monotonic()
    conn = http.client.HTTPSConnection("127.0.0.1", port or RIVTA_PORT, timeout=timeout,
                                       context=tls_context(cert))
    try:
        conn.request("POST", path, body=body, headers=headers)
        r = conn.getresponse()
        a = Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(),
                   time.monotonic() - t0)
    except (OSError, http.client.HTTPException) as e:
        a = Answer(error="%s: %s" % (type(e).__name__, e), elapsed=time.monotonic() - t0)
    finally:
        conn.close()
    EXCHANGES.append((what, body, a))
    if os.environ.get("LMN_RIVTA_DUMP"):  # a folder: every request and answer, for a reader
        with open(os.path.join(os.environ["LMN_RIVTA_DUMP"], "%03d %s.txt" % (
                len(EXCHANGES), re.sub(r"[^\w.-]+", " ", what)[:80])), "wb") as f:
            f.write(body[:20000] + b"\n\n" + a.brief()[:200].encode() + b"\n" + a.body)
    return a


def call(what, interaction, v, body_xml, **kw):
    return post(what, path_of(interaction, v), envelope(body_xml),
                action="%s:%s" % (responder_ns(interaction, v), interaction), **kw)


def post_huge(path, head, tail, size, action):
    """Sends a well-formed body of size bytes (head, spaces, tail) and reads what the server
    answers, stopping the upload as soon as it has answered or closed. Returns an Answer."""
    t0 = time.monotonic()
    raw = socket.create_connection(("127.0.0.1", RIVTA_PORT), timeout=30)
    s = tls_context("client").wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        s.sendall(("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/xml; "
                   "charset=UTF-8\r\nSOAPAction: \"%s\"\r\nContent-Length: %d\r\n"
                   "Connection: close\r\n\r\n" % (path, RIVTA_PORT, action, size)).encode())
        body = head + b" " * (size - len(head) - len(tail)) + tail
        sent, err, data, closed = 0, None, b"", False
        while sent < size:
            if select.select([s], [], [], 0)[0] or s.pending():
                # Something came: a TLS 1.3 session ticket, or the answer before the whole body.
                s.settimeout(0)
                try:
                    chunk = s.recv(65536)
                except (ssl.SSLWantReadError, BlockingIOError):
                    chunk = None
                except OSError as e:
                    err, chunk = e, b""
                s.settimeout(30)
                if chunk is not None:
                    data, closed = chunk, not chunk
                    break
            try:
                sent += s.send(body[sent:sent + 65536])
            except OSError as e:
                err = e
                break
        try:
            while not closed:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (OSError, ssl.SSLError) as e:
            err = err or e
        elapsed = time.monotonic() - t0
        if not data:
            return Answer(error="sent %d of %d bytes, no HTTP answer (%s)" % (sent, size, err),
                          elapsed=elapsed)
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
        hdrs = {}
        for ln in lines[1:]:
            k, _, val = ln.partition(":")
            hdrs[k.strip().lower()] = val.strip()
        if "chunked" in hdrs.get("transfer-encoding", ""):
            out, buf = b"", rest
            while buf:
                n, _, buf = buf.partition(b"\r\n")
                n = int(n.split(b";")[0] or b"0", 16)
                if n == 0:
                    break
                out, buf = out + buf[:n], buf[n + 2:]
            rest = out
        return Answer(int(m.group(1)) if m else None, hdrs, rest, elapsed,
                      None if m else "not an HTTP answer: %r" % data[:200])
    finally:
        s.close()


# --- Reading answers ---

def local(tag):
    return tag.rsplit("}", 1)[-1]


def kids(el, name):
    return [c for c in el if local(c.tag) == name] if el is not None else []


def kid(el, name):
    k = kids(el, name)
    return k[0] if k else None


def txt(el, name):
    k = kid(el, name)
    return (k.text or "").strip() if k is not None else None


def value(el, name, v):
    """The value of a 1.0 code / 2.0 CVType child."""
    k = kid(el, name)
    if k is None:
        return None
    return (k.text or "").strip() if v == 1 else txt(k, "originalText")


def soap_body_child(a):
    """(the single element of soap:Body, None) or (None, why not)."""
    if a.error:
        return None, a.brief()
    try:
        root = ET.fromstring(a.body)
    except ET.ParseError as e:
        return None, "not XML (%s): %s" % (e, a.text[:500])
    if root.tag != "{%s}Envelope" % SOAPENV:
        return None, "the root is %s, not a SOAP 1.1 Envelope" % root.tag
    body = root.find("{%s}Body" % SOAPENV)
    if body is None:
        return None, "no soap:Body"
    elems = list(body)
    if len(elems) != 1:
        return None, "soap:Body holds %d elements, not one: %s" % (
            len(elems), [e.tag for e in elems])
    return elems[0], None


def validate(el, interaction, v):
    """xmllint --schema on el written out as its own document: (ok, output)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".xml", dir=CERTS, delete=False) as f:
        f.write(ET.tostring(el, encoding="UTF-8"))
        name = f.name
    try:
        r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", xsd(interaction, v), name],
                           capture_output=True, text=True, timeout=60)
        return r.returncode == 0, (r.stdout + r.stderr).replace(name, "<response>")
    finally:
        os.unlink(name)


def validate_request(t, what, body_xml, interaction, v):
    """The test's own request is valid by the schema (a test of the test)."""
    el = ET.fromstring(body_xml)
    ok, out = validate(el, interaction, v)
    t.ok(ok, "%s: the request the test sends is valid by %s" % (what, os.path.basename(
        xsd(interaction, v))), out)


N_VALID = [0]


def soap_ok(t, what, a, interaction, v):
    """An answer that is not a fault: HTTP 200, text/xml, a SOAP 1.1 envelope whose Body holds the
    response element, valid by the responder schema. Returns the element or None."""
    el, why = soap_body_child(a)
    want = "{%s}%sResponse" % (responder_ns(interaction, v), interaction)
    good = (el is not None and a.status == 200 and el.tag == want and
            (a.headers.get("content-type") or "").startswith("text/xml"))
    t.ok(good, "%s: HTTP 200, text/xml, a SOAP 1.1 envelope with %sResponse (%d)" % (
        what, interaction, v), "expected: HTTP 200, text/xml, Body holding %s" % want,
        "got: " + (why or "%s in Body; %s" % (el.tag, a.brief()[:800])))
    if not good:
        return None
    ok, out = validate(el, interaction, v)
    N_VALID[0] += ok
    t.ok(ok, "%s: the answer is valid by %s" % (what, os.path.basename(xsd(interaction, v))),
         out, "answer: " + a.text[:3000])
    return el


def fault(t, what, a, forbidden=()):
    """A SOAP 1.1 Fault: HTTP 500, faultcode and faultstring, nothing of forbidden in it."""
    el, why = soap_body_child(a)
    good = (el is not None and a.status == 500 and el.tag == "{%s}Fault" % SOAPENV and
            bool(txt(el, "faultcode")) and txt(el, "faultstring") is not None and
            (a.headers.get("content-type") or "").startswith("text/xml"))
    t.ok(good, "%s: a SOAP 1.1 Fault (HTTP 500, text/xml, faultcode, faultstring)" % what,
         "got: " + (why or a.brief()[:1500]))
    if forbidden:
        found = [f for f in forbidden if f and f in a.text]
        t.ok(not found and a.error is None, "%s: the fault names no personal identity number or "
             "name" % what, "found in the answer: %r" % found, a.brief()[:1500])
    return el if good else None


SWEDISH = re.compile(r"[åäöÅÄÖ]|\b(och|inte|kan|ska|finns|saknas|som|för|är|har|med|eller|"
                     r"till|av|ej|du|din|ditt|dina|vi|hos|på|om)\b", re.I)
ENGLISH = re.compile(r"\b(error|invalid|exception|failed|failure|not|found|null|the|is|must|"
                     r"cannot|unknown|none|sql|errno)\b", re.I)
# Field names (snake_case), markup and the contracts' element names are not for a patient's eyes
# (ELEMENTS: the CamelCase names of the schemas, read when the schemas are found).
TECHNICAL = re.compile(r"\b[A-Za-z]+_[A-Za-z_]+\b|[<>{}]")
ELEMENTS = set()


def readable_swedish(s):
    """A comment a patient can read as it stands: Swedish, no English or technical words, no
    element or field names."""
    return bool(s and SWEDISH.search(s) and not ENGLISH.search(s) and not TECHNICAL.search(s) and
                not ELEMENTS & set(re.findall(r"\w+", s)))


def result(el):
    return txt(el, "ResultCode"), txt(el, "comment")


def logical_error(t, what, el, must=None):
    """ResultCode ERROR with a Swedish comment (containing must, a regex, if given)."""
    rc, comment = result(el) if el is not None else (None, None)
    t.ok(rc == "ERROR", "%s: ResultCode ERROR" % what, "expected: ERROR", "got: %r (comment %r)"
         % (rc, comment))
    t.ok(readable_swedish(comment) and (must is None or re.search(must, comment or "")),
         "%s: a comment in Swedish a patient can read%s" % (
             what, " (matching %s)" % must if must else ""), "comment: %r" % (comment,))
    return comment


# --- The answer of GetMedicalSupplyPrescriptions as data ---

def parse_items(el, v):
    subject = kid(el, "SubjectOfCareType")
    items = []
    for pi in kids(subject, "PrescriptionItem"):
        art = kid(pi, "Article")
        items.append({
            "id": txt(pi, "PrescriptionItemId"), "prescription_id": txt(pi, "PrescriptionId"),
            "article": {"no": txt(art, "ArticleNo"), "name": txt(art, "ArticleName"),
                        "size": int(txt(art, "PackageSize") or 0),
                        "unit": txt(art, "PackageSizeUnit"), "area": value(art, "ProductArea", v),
                        "orderable": txt(art, "IsOrderable") in ("true", "1")},
            "orders": txt(pi, "NoOfOrders"), "remaining": txt(pi, "NoOfRemainingOrders"),
            "articles_per_order": int(txt(pi, "NoOfArticlesPerOrder") or 0),
            "packages_per_order": int(txt(pi, "NoOfPackagesPerOrder") or 0),
            "next_earliest": txt(pi, "NextEarliestOrderDate"),
            "last_valid": txt(pi, "LastValidDate"), "status": txt(pi, "Status"),
            "source": txt(pi, "Source"),
            "alternatives": [{
                "id": txt(d, "DeliveryMethodId"), "name": txt(d, "DeliveryMethodName"),
                "method": txt(d, "DeliveryMethod"), "provider": value(d, "ServicePointProvider", v),
                "choose_point": txt(d, "AllowChioceOfDeliveryPoints") in ("true", "1"),
                "notifications": [(n.text or "").strip()
                                  for n in kids(d, "DeliveryNotificationMethod")],
            } for d in kids(pi, "DeliveryAlternative")],
        })
    orders = [{"id": txt(o, "OrderItemId"), "item": txt(o, "PrescriptionItemId"),
               "date": txt(o, "OrderDate"), "delivered": txt(o, "DeliveredDate")}
              for o in kids(subject, "OrderItem")]
    return txt(subject, "SubjectOfCareId") if subject is not None else None, items, orders


def days_before(day, n):
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=n)).isoformat()


def compare_with_api(t, what, items, jitems, today=TODAY, pin=None, got_pin=None):
    """The items of Get against the JSON API's items of the same patient."""
    if pin is not None:
        t.check("%s: SubjectOfCareId is the patient's" % what, pin, got_pin)
    year_ago = datetime.date.fromisoformat(today).replace(
        year=datetime.date.fromisoformat(today).year - 1).isoformat()
    # Valid now or at most 12 months ago (a day either side of the boundary is not asked).
    need = {str(j["id"]) for j in jitems if j["last_valid"] > days_before(year_ago, -1)}
    too_old = {str(j["id"]) for j in jitems if j["last_valid"] < days_before(year_ago, 1)}
    got = {i["id"] for i in items}
    by_id = {str(j["id"]): j for j in jitems}
    t.ok(need <= got and not (got & too_old) and got <= set(by_id),
         "%s: the prescription items are the patient's valid now or at most 12 months ago, by "
         "lmn's ids" % what, "expected (at least): %s" % sorted(need, key=int),
         "got: %s" % sorted(got), "missing: %s" % sorted(need - got),
         "older than 12 months: %s" % sorted(got & too_old),
         "not the patient's items in the JSON API: %s" % sorted(got - set(by_id)))
    bad = []
    for i in items:
        j = by_id.get(i["id"])
        if not j:
            continue
        want = {
            "PrescriptionId": str(j["prescription_id"]),
            "NoOfOrders": str(j["withdrawals_allowed"]),
            "NoOfRemainingOrders": str(j["withdrawals_remaining"]),
            "LastValidDate": j["last_valid"],
            "Status": STATUS.get(j["status"], j["status"]),
            "ArticleNo": j["article"]["article_number"],
            "ProductArea": AREA.get(j["article"]["area"], j["article"]["area"]),
        }
        got_i = {"PrescriptionId": i["prescription_id"], "NoOfOrders": i["orders"],
                 "NoOfRemainingOrders": i["remaining"], "LastValidDate": i["last_valid"],
                 "Status": i["status"], "ArticleNo": i["article"]["no"],
                 "ProductArea": i["article"]["area"]}
        if j["status"] == "active" and not i["article"]["orderable"] and i["status"] == "UTGÅTT":
            got_i["Status"] = want["Status"]  # the article has gone out of the assortment
        for k in want:
            if want[k] != got_i[k]:
                bad.append("item %s %s: expected %r, got %r" % (i["id"], k, want[k], got_i[k]))
        ne = j.get("next_earliest")
        if ne is None:
            if i["next_earliest"] is not None and i["next_earliest"] > today:
                bad.append("item %s NextEarliestOrderDate: expected none or <= %s (JSON: now), "
                           "got %s" % (i["id"], today, i["next_earliest"]))
        elif i["next_earliest"] is None and j["status"] != "active":
            pass  # no next withdrawal of an item that cannot be ordered: nothing to say
        elif i["next_earliest"] != ne:
            bad.append("item %s NextEarliestOrderDate: expected %s, got %r" % (
                i["id"], ne, i["next_earliest"]))
    t.ok(not bad, "%s: PrescriptionId, NoOfOrders, NoOfRemainingOrders, NextEarliestOrderDate, "
         "LastValidDate, Status, article number and product area agree with the JSON API" % what,
         *bad)
    t.ok(items and all(i["alternatives"] and i["source"] for i in items),
         "%s: every item has a DeliveryAlternative and a Source" % what,
         "items without: %s" % [i["id"] for i in items if not (i["alternatives"] and i["source"])])


# --- The test ---

t = lmntest.Tap()
INTEROP = find_interop()
if not INTEROP:
    t.bail("the 1177 schemas are not found (set LMN_INTEROP to the folder holding "
           "1177-medicalsupply/, or keep ../shared/interop beside the source)")
for prog in ("openssl", "xmllint"):
    if subprocess.run(["sh", "-c", "command -v " + prog], capture_output=True).returncode:
        t.bail(prog + " is missing (scripts/lib.sh PKGS_TEST installs it)")
for dirpath, _, files in os.walk(INTEROP):
    for f in files:
        if f.endswith(".xsd"):
            ELEMENTS |= {n for n in re.findall(r"name=['\"](\w+)['\"]", open(os.path.join(
                dirpath, f), encoding="utf-8").read()) if re.search(r"[a-z][A-Z]", n)}

CERTS = tempfile.mkdtemp(prefix="lmn-rivta-")


def openssl(*args):
    r = subprocess.run(["openssl", *args], cwd=CERTS, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        t.bail("openssl %s: %s" % (" ".join(args), r.stderr))


def make_certs():
    """A CA, the server's certificate for IP 127.0.0.1 and the e-service's client certificate
    issued by it; a client certificate issued by another CA."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca, cn in (("ca", "lmn test CA"), ("ca2", "some other CA")):
        openssl("req", "-x509", *ec, "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "30",
                "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    leaves = (("server", "ca", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\n"
               "extendedKeyUsage=serverAuth\n"),
              ("client", "ca", "/O=Inera/CN=1177 e-tjanst test", "extendedKeyUsage=clientAuth\n"),
              ("untrusted", "ca2", "/O=Inera/CN=1177 e-tjanst test",
               "extendedKeyUsage=clientAuth\n"))
    for n, (name, ca, subj, ext) in enumerate(leaves):
        with open(os.path.join(CERTS, name + ".ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,"
                    "keyEncipherment\n" + ext)
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", subj)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-set_serial", str(1000 + n), "-days", "30", "-out", name + ".pem",
                "-extfile", name + ".ext")


SERVE_ARGS = ["--rivta-port", "0", "--rivta-cert", os.path.join(CERTS, "server.pem"),
              "--rivta-key", os.path.join(CERTS, "server.key"),
              "--rivta-client-ca", os.path.join(CERTS, "ca.pem"), "--logical-address", HSAID]
wd = None
srv = None


def start(name):
    """lmn serve with the contracts' listener: (server, rivta port)."""
    global srv
    try:
        srv = lmntest.Server(wd, name, SERVE_ARGS)
    except RuntimeError as e:
        t.bail(str(e))
    port = None
    for _ in range(400):
        srv.out.seek(0)
        m = re.search(r"lmn: rivta on https://127\.0\.0\.1:(\d+)/", srv.out.read())
        if m:
            port = int(m.group(1))
            break
        if srv.proc.poll() is not None:
            break
        time.sleep(0.025)
    if not port:
        srv.out.seek(0)
        out = srv.out.read()
        srv.stop()
        t.bail("lmn serve printed no 'lmn: rivta on https://127.0.0.1:N/': %s %s" % (
            out, srv.stderr()))
    return srv, port


# --- What the JSON API says (as customer service, the access log as the patient) ---
cs = None
readers = {}


def patient(pid):
    r = cs.get("/api/patients/%d" % pid)
    assert r.status == 200, r.text
    return r.json()


def rx(pid):
    r = cs.get("/api/patients/%d/prescriptions" % pid)
    assert r.status == 200, r.text
    return r.json()["items"]


def orders(pid):
    r = cs.get("/api/patients/%d/orders" % pid)
    assert r.status == 200, r.text
    return {o["id"] for o in r.json()["orders"]}


def access_log(pid):
    r = readers[pid].get("/api/patients/%d/access-log?limit=1000" % pid)
    assert r.status == 200, r.text
    return r.json()["entries"]


def new_entries(before, after):
    return after[:len(after) - len(before)]  # newest first; the clock stands still


def logged(entries, *words):
    return any(all(w in json.dumps(e, ensure_ascii=False) for w in words) for e in entries)


def name_of(p):
    return "%s %s" % (p["given_name"], p["family_name"])


def forbidden_of(p):
    n = p["id_number"]
    return [n, n[2:], n[2:8] + "-" + n[8:], n[:8] + "-" + n[8:], name_of(p)]


def home(p, door_code, phone=None):
    return {"receiver": name_of(p), "street": p["address"], "postal_code": p["postal_code"],
            "city": p["city"], "phone": phone or p["phone"], "door_code": door_code}


def home_choice(item, address):
    """Home delivery as the item allows it (if it allows none, its first alternative with the
    address, as the e-service's example does)."""
    alt = next((a for a in item["alternatives"] if a["method"] == "HEMLEVERANS"),
               item["alternatives"][0] if item["alternatives"] else None)
    ch = {"method_id": alt["id"] if alt else "1", "method": alt["method"] if alt else "HEMLEVERANS",
          "address": address}
    if alt and alt["notifications"]:
        ch["notification"] = "SMS" if "SMS" in alt["notifications"] else alt["notifications"][0]
        ch["receiver"] = address["phone"]
    return ch


def orderable(i, today=TODAY):
    return (i["status"] == "AKTIV" and i["article"]["orderable"] and int(i["remaining"] or 0) > 0
            and (i["next_earliest"] is None or i["next_earliest"] <= today))


def get_items(what, v, pin):
    a = call(what, GET_RX, v, get_rx(v, pin))
    el = soap_ok(t, what, a, GET_RX, v)
    if el is None:
        return None, [], []
    t.check("%s: ResultCode OK" % what, "OK", result(el)[0])
    return parse_items(el, v)


def order(what, v, pin, orderer, delegate, rows):
    body = register(v, pin, orderer, delegate, rows)
    validate_request(t, what, body, REGISTER, v)
    return body, soap_ok(t, what, call(what, REGISTER, v, body), REGISTER, v)


def placed(what, el, rows):
    """ResultCode OK (or INFO) and an Order per row: the OrderItemIds."""
    rc, comment = result(el) if el is not None else (None, None)
    t.ok(rc in ("OK", "INFO") and (rc == "OK" or readable_swedish(comment)),
         "%s: ResultCode OK (or INFO with a Swedish comment)" % what,
         "got: %r, comment %r" % (rc, comment))
    got = kids(el, "Order") if el is not None else []
    ids = [txt(o, "OrderItemId") for o in got]
    t.ok(len(got) == len(rows) and all(ids) and
         [txt(o, "PrescriptionItemId") for o in got] == [r["item"]["id"] for r in rows],
         "%s: an Order with an OrderItemId per row" % what,
         "expected: %d Order elements, for items %s" % (len(rows), [r["item"]["id"] for r in rows]),
         "got: %s" % [(txt(o, "OrderItemId"), txt(o, "PrescriptionItemId")) for o in got])
    return ids


def the_order(pid, before):
    """The one new order of the patient since before (JSON), or None."""
    made = sorted(orders(pid) - before)
    t.check("the JSON API shows one new order of patient %d" % pid, 1, len(made))
    return cs.get("/api/orders/%d" % made[0]).json() if made else None


def alive(after):
    a = call("GetMedicalSupplyPrescriptions after " + after, GET_RX, 1, get_rx(1, PIN1))
    el, why = soap_body_child(a)
    t.ok(el is not None and a.status == 200 and result(el)[0] == "OK",
         "the server still answers after %s" % after, "got: " + (why or a.brief()[:500]))


def transport(p1):
    """Only the trusted e-service gets an answer."""
    for cert, name in ((None, "no client certificate"),
                       ("untrusted", "a client certificate of another CA")):
        a = call("GetMedicalSupplyPrescriptions with " + name, GET_RX, 1,
                 get_rx(1, p1["id_number"]), cert=cert)
        t.ok(a.error is not None or (a.status == 403 and b"PrescriptionItem" not in a.body and
                                     b"ResultCode" not in a.body),
             "%s: the handshake fails or HTTP 403, no SOAP answer" % name,
             "expected: a failed handshake or 403", "got: " + a.brief()[:800])


def prescriptions_and_points(p1):
    """GetMedicalSupplyPrescriptions 1.0 and 2.0 against the JSON API; the delivery points."""
    log_before = access_log(1)
    j1 = rx(1)
    got = {}
    for v in (1, 2):
        what = "GetMedicalSupplyPrescriptions %d.0 for patient 1" % v
        validate_request(t, what, get_rx(v, PIN1), GET_RX, v)
        sid, items, past = get_items(what, v, PIN1)
        got[v] = items
        # The past order items' delivered dates: the day of each order's first delivered
        # shipment, none before it is delivered.
        want = {str(line): day for line, day in wd.sql(
            "SELECT l.id, (SELECT min(substr(s.delivered_at, 1, 10)) FROM shipments s "
            "WHERE s.order_id = o.id AND s.delivered_at IS NOT NULL) FROM orders o "
            "JOIN order_lines l ON l.order_id = o.id WHERE o.patient_id = 1 "
            "AND o.status <> 'cancelled' AND o.received_day >= ?", (days_before(TODAY, 366),))}
        t.check("%s: each past order item's DeliveredDate is its first delivery's day" % what,
                want, {o["id"]: o["delivered"] for o in past})
        t.ok(any(want.values()), "%s: patient 1 has delivered order items" % what, want)
        compare_with_api(t, what, items, j1, pin=PIN1, got_pin=sid)
        t.ok(any(i["status"] == "AKTIV" for i in items), "%s: an active item is AKTIV" % what,
             [(i["id"], i["status"]) for i in items])
    t.check("2.0's ProductArea originalText is 1.0's product area code",
            {i["id"]: i["article"]["area"] for i in got[1]},
            {i["id"]: i["article"]["area"] for i in got[2]})
    new = new_entries(log_before, access_log(1))
    t.ok(logged(new, "1177"), "patient 1's access log names the 1177 e-service after the "
         "look-ups", "new entries: %r" % new)
    for v, provider in ((1, "POSTNORD"), (2, "POSTNORD"), (1, "DHL"), (2, "SCHENKER")):
        what = "GetMedicalSupplyDeliveryPoints %d.0 %s near %s" % (v, provider, p1["postal_code"])
        validate_request(t, what, get_dp(v, p1["postal_code"], provider), GET_DP, v)
        el = soap_ok(t, what, call(what, GET_DP, v, get_dp(v, p1["postal_code"], provider)),
                     GET_DP, v)
        n = len(kids(el, "DeliveryPoint")) if el is not None else -1
        t.ok(el is not None and result(el)[0] == "OK" and 1 <= n <= 10,
             "%s: OK with 1-10 DeliveryPoint" % what,
             "got: %s, %d points" % (result(el) if el is not None else None, n))
    return got


def order_retry_early(p1, got1):
    """An orderable item ordered (1.0), the same request again, then too early (2.0)."""
    item = next((i for i in got1[1] if orderable(i)), None)
    if not t.ok(item is not None, "patient 1 has an AKTIV item that may be ordered today",
                [(i["id"], i["status"], i["next_earliest"]) for i in got1[1]]):
        return None
    t.ok(any(a["method"] == "HEMLEVERANS" for a in item["alternatives"]),
         "item %s offers home delivery (HEMLEVERANS)" % item["id"], item["alternatives"])
    before = orders(1)
    log_before = access_log(1)
    rows = [{"item": item, "choice": home_choice(item, home(P1, "1234"))}]
    body, el = order("RegisterMedicalSupplyOrder 1.0 of item %s" % item["id"], 1, PIN1,
                     name_of(p1), False, rows)
    ids = placed("the order of item %s" % item["id"], el, rows)
    o = the_order(1, before)
    if o:
        t.check("the new order's channel is 1177", "1177", o.get("channel"))
        t.check("the new order is delivered home with door code 1234", ("home", "1234"),
                (o.get("delivery_method"), (o.get("delivery") or {}).get("door_code")))
        t.check("the new order's line is for item %s" % item["id"], [int(item["id"])],
                [ln.get("prescription_item_id") for ln in o.get("lines", [])])
    new = new_entries(log_before, access_log(1))
    t.ok(logged(new, "1177", name_of(p1)), "patient 1's access log has an entry naming 1177 and "
         "the orderer %s" % name_of(p1), "new entries: %r" % new)

    # The same request again, byte for byte (the e-service retries on a time-out).
    a = post("RegisterMedicalSupplyOrder 1.0 retried", path_of(REGISTER, 1), envelope(body),
             action="%s:%s" % (responder_ns(REGISTER, 1), REGISTER))
    el = soap_ok(t, "the retried order", a, REGISTER, 1)
    again = [txt(o, "OrderItemId") for o in kids(el, "Order")] if el is not None else None
    t.ok(el is not None and result(el)[0] in ("OK", "INFO") and ids and again == ids,
         "the retry answers OK with the same OrderItemId(s)", "expected: OK/INFO with %s" % ids,
         "got: %s with %s" % (result(el) if el is not None else None, again))
    t.check("after the retry still exactly one new order", 1, len(orders(1) - before))

    # What Get says after it.
    j1 = rx(1)
    what = "GetMedicalSupplyPrescriptions 1.0 after the order"
    _, items, past = get_items(what, 1, PIN1)
    compare_with_api(t, what, items, j1)
    after = next((i for i in items if i["id"] == item["id"]), None)
    t.check("NoOfRemainingOrders of item %s is one less" % item["id"],
            str(int(item["remaining"]) - 1), after and after["remaining"])
    t.ok(any(o["id"] in ids and o["item"] == item["id"] and o["date"] == TODAY for o in past),
         "the new order item is among the OrderItems, ordered %s" % TODAY,
         "expected an OrderItemId of %s for item %s" % (ids, item["id"]), "got: %s" % past)

    # Again, too early (2.0, another door code).
    _, items2, _ = get_items("GetMedicalSupplyPrescriptions 2.0 after the order", 2, PIN1)
    item2 = next((i for i in items2 if i["id"] == item["id"]), None)
    jitem = next((j for j in j1 if str(j["id"]) == item["id"]), {})
    if not t.ok(item2 is not None, "item %s is in the 2.0 answer" % item["id"]):
        return item
    before = orders(1)
    rows = [{"item": item2, "choice": home_choice(item2, home(P1, "5678"))}]
    _, el = order("RegisterMedicalSupplyOrder 2.0 of item %s again" % item["id"], 2, PIN1,
                  name_of(p1), False, rows)
    comment = logical_error(t, "item %s ordered again too early" % item["id"], el,
                            r"tidigast.*\d{4}-\d{2}-\d{2}")
    t.ok(jitem.get("next_earliest") and jitem["next_earliest"] in (comment or ""),
         "the comment names the next earliest date the JSON API shows",
         "expected the date %r in %r" % (jitem.get("next_earliest"), comment))
    t.check("no Order element in the refusal", 0, len(kids(el, "Order")) if el is not None else 0)
    t.check("no new order for the early one", set(), orders(1) - before)
    return item


def refusal_names_its_row():
    """Two delivery choices are two orders in one transaction: when the second is refused, the
    comment names the second row's product (as the request names it), and neither is placed."""
    pid, pj = None, None
    for (p,) in wd.sql("SELECT id FROM patients WHERE protected_identity = 0 AND id > 2 "
                       "ORDER BY id"):
        js = rx(p)
        if any(j["may_order_now"] for j in js):
            pid, pj = p, js
            break
    if not t.ok(pid is not None, "a patient may order an item today (for two delivery choices)"):
        return
    info = patient(pid)
    _, items, _ = get_items("GetMedicalSupplyPrescriptions 1.0 for patient %d" % pid, 1,
                            info["id_number"])
    may = {str(j["id"]) for j in pj if j["may_order_now"]}
    item = next((i for i in items if i["id"] in may and orderable(i)), None)
    if not t.ok(item is not None, "patient %d's orderable item is in the answer" % pid):
        return
    rows = []
    for name, door in (("Första raden", "1111"), ("Andra raden", "2222")):
        it = dict(item, article=dict(item["article"], name=name))
        rows.append({"item": it, "choice": home_choice(it, home(info, door))})
    before = orders(pid)
    _, el = order("RegisterMedicalSupplyOrder 1.0: one item, two delivery choices", 1,
                  info["id_number"], name_of(info), False, rows)
    comment = logical_error(t, "the second order of the same item, too early", el,
                            r"tidigast.*\d{4}-\d{2}-\d{2}")
    t.ok((comment or "").startswith("Andra raden:"),
         "the comment names the row refused (the second), not the first",
         "got: %r" % comment)
    t.check("all or none: no order for either row", set(), orders(pid) - before)


def expired_today(p1, got1):
    """The demo's expired item (last valid before today)."""
    expired = next((i for i in got1[1] if i["last_valid"] < TODAY), None)
    if not t.ok(expired is not None, "patient 1 has an item whose LastValidDate has passed",
                [(i["id"], i["last_valid"]) for i in got1[1]]):
        return
    t.check("the expired item %s (valid to %s) is UTGÅTT" % (expired["id"], expired["last_valid"]),
            "UTGÅTT", expired["status"])
    before = orders(1)
    rows = [{"item": expired, "choice": home_choice(expired, home(p1, "1234"))}]
    _, el = order("RegisterMedicalSupplyOrder 1.0 of the expired item %s" % expired["id"], 1,
                  PIN1, name_of(p1), False, rows)
    logical_error(t, "the expired item %s ordered" % expired["id"], el)
    t.check("no new order for the expired item", set(), orders(1) - before)


def delegate(p1, p2):
    """A delegate's order (2.0; at a pickup point if the item offers one), then another
    patient's item. Returns an item of patient 2 still orderable."""
    pin2 = p2["id_number"]
    what = "GetMedicalSupplyPrescriptions 2.0 for patient 2"
    sid, items, _ = get_items(what, 2, pin2)
    compare_with_api(t, what, items, rx(2), pin=pin2, got_pin=sid)
    ok2 = [i for i in items if orderable(i)]
    if not t.ok(len(ok2) >= 2, "patient 2 has two AKTIV items that may be ordered today",
                [(i["id"], i["status"], i["next_earliest"]) for i in items]):
        return None
    item = ok2[0]
    orderer = "Greta Ombudsson"
    alt = next((a for a in item["alternatives"] if a["method"] == "UTLÄMNINGSSTÄLLE" and
                a["choose_point"]), None)
    choice = None
    if alt:
        what = "GetMedicalSupplyDeliveryPoints 2.0 %s near %s" % (alt["provider"],
                                                                  p2["postal_code"])
        el = soap_ok(t, what, call(what, GET_DP, 2, get_dp(2, p2["postal_code"], alt["provider"])),
                     GET_DP, 2)
        pts = kids(el, "DeliveryPoint") if el is not None else []
        if t.ok(pts, "%s: pickup points for the delegate's order" % what):
            pt = pts[0]
            choice = {"method_id": alt["id"], "method": "UTLÄMNINGSSTÄLLE", "point": {
                "id": txt(pt, "DeliveryPointId"), "name": txt(pt, "DeliveryPointName"),
                "address": txt(pt, "DeliveryPointAddress"),
                "postal_code": txt(pt, "DeliveryPointPostalCode"),
                "city": txt(pt, "DeliveryPointCity")}}
            if alt["notifications"]:
                choice["notification"] = alt["notifications"][0]
                choice["receiver"] = "070-000 00 00"
    if choice is None:
        choice = home_choice(item, home(p2, "4321", phone="070-000 00 00"))
    method = "pickup_point" if choice["method"] == "UTLÄMNINGSSTÄLLE" else "home"
    before = orders(2)
    log_before = access_log(2)
    rows = [{"item": item, "choice": choice}]
    _, el = order("RegisterMedicalSupplyOrder 2.0 by a delegate (%s)" % method, 2, pin2, orderer,
                  True, rows)
    placed("the delegate's order", el, rows)
    o = the_order(2, before)
    if o:
        t.check("the delegate's order: channel 1177, delivery %s" % method, ("1177", method),
                (o.get("channel"), o.get("delivery_method")))
    new = new_entries(log_before, access_log(2))
    t.ok(logged(new, "1177", orderer), "patient 2's access log has an entry naming 1177 and the "
         "orderer %s" % orderer, "new entries: %r" % new)

    # Another patient's item: refused, no order for anyone.
    other = ok2[1]
    b1, b2 = orders(1), orders(2)
    rows = [{"item": other, "choice": home_choice(other, home(p1, "1234"))}]
    _, el = order("RegisterMedicalSupplyOrder 2.0 of patient 2's item for patient 1", 2, PIN1,
                  name_of(p1), False, rows)
    comment = logical_error(t, "an item of another patient ordered", el)
    t.ok(not any(x in (comment or "") for x in forbidden_of(p2)),
         "the refusal names nothing of the other patient", "comment: %r" % comment)
    t.check("no new order for either patient", (set(), set()), (orders(1) - b1, orders(2) - b2))
    return other


def protected():
    """A patient with protected identity: Get answers, an order is taken."""
    prot = [r[0] for r in wd.sql("SELECT id FROM patients WHERE protected_identity = 1 "
                                 "ORDER BY id")]
    pid, pj = None, None
    for p in prot:
        js = rx(p)
        if any(j["may_order_now"] for j in js):
            pid, pj = p, js
            break
    if not t.ok(pid is not None, "a patient with protected identity may order an item today",
                "patients with protected identity: %s" % prot):
        return
    info = patient(pid)
    street, postal, city, phone = wd.sql(
        "SELECT address, postal_code, city, phone FROM patients WHERE id = ?", (pid,))[0]
    pin = info["id_number"]
    item = None
    for v in (1, 2):
        what = "GetMedicalSupplyPrescriptions %d.0 for protected patient %d" % (v, pid)
        sid, items, _ = get_items(what, v, pin)
        compare_with_api(t, what, items, pj, pin=pin, got_pin=sid)
        if v == 1:
            may = {str(j["id"]) for j in pj if j["may_order_now"]}
            item = next((i for i in items if orderable(i) and i["id"] in may), None)
    if not t.ok(item is not None, "the protected patient's orderable item is in the answer"):
        return
    before = orders(pid)
    # The address the e-service has from the portal's profile service: the real one.
    addr = {"receiver": name_of(info), "street": street, "postal_code": postal, "city": city,
            "phone": phone, "door_code": "9999"}
    rows = [{"item": item, "choice": home_choice(item, addr)}]
    _, el = order("RegisterMedicalSupplyOrder 1.0 for the protected patient", 1, pin,
                  name_of(info), False, rows)
    placed("the protected patient's order", el, rows)
    the_order(pid, before)
    get_items("GetMedicalSupplyPrescriptions 2.0 for the protected patient after the order", 2, pin)


def unknown_numbers(p2, other):
    t.check("%s is no demo patient's number" % UNKNOWN_PIN, 0, wd.sql(
        "SELECT count(*) FROM patients WHERE id_number = ?", (UNKNOWN_PIN,))[0][0])
    for v in (1, 2):
        what = "GetMedicalSupplyPrescriptions %d.0 for an unknown number" % v
        el = soap_ok(t, what, call(what, GET_RX, v, get_rx(v, UNKNOWN_PIN)), GET_RX, v)
        rc, comment = result(el) if el is not None else (None, None)
        _, items, _ = parse_items(el, v) if el is not None else (None, [], [])
        t.ok((rc == "OK" and not items) or (rc == "ERROR" and readable_swedish(comment)),
             "%s: OK without PrescriptionItem, or ERROR with a Swedish comment" % what,
             "got: %r, %d items, comment %r" % (rc, len(items), comment))
        what = "GetMedicalSupplyPrescriptions %d.0 for a number with a bad checksum" % v
        logical_error(t, what, soap_ok(t, what, call(what, GET_RX, v, get_rx(v, BAD_PIN)),
                                       GET_RX, v))
    if other is None:
        t.ok(False, "an item to order for an unknown number (patient 2 had none)")
        return
    for v, pin, why in ((1, UNKNOWN_PIN, "an unknown number"), (2, BAD_PIN, "a bad checksum")):
        before = orders(2)
        rows = [{"item": other, "choice": home_choice(other, home(p2, "1234"))}]
        what = "RegisterMedicalSupplyOrder %d.0 for %s" % (v, why)
        _, el = order(what, v, pin, "Tolvan Tolvansson", False, rows)
        logical_error(t, what, el)
        t.check("%s: no new order" % what, set(), orders(2) - before)


def example_request():
    """The e-service's own example (1.0): its patient, prescriptions and articles are not in
    the demo."""
    ex = open(os.path.join(INTEROP, "1177-medicalsupply", "examples",
                           "RegisterMedicalSupplyOrder-request.xml"), encoding="utf-8").read()
    body = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", ex)
    validate_request(t, "the example request", body, REGISTER, 1)
    n = wd.sql("SELECT count(*) FROM orders")[0][0]
    what = "the example RegisterMedicalSupplyOrder"
    logical_error(t, what, soap_ok(t, what, call(what, REGISTER, 1, body), REGISTER, 1))
    t.check("the example request places no order", n, wd.sql("SELECT count(*) FROM orders")[0][0])


def drain_rivta():
    """SIGTERM drains the contracts' listener too (issue 22): a call half sent at the signal is
    answered, with Connection: close, a new connection is refused, and the server exits 0."""
    body = envelope(get_rx(1, PIN1))
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/xml; charset=UTF-8\r\n"
            "SOAPAction: \"%s:%s\"\r\nContent-Length: %d\r\n\r\n" % (
                path_of(GET_RX, 1), RIVTA_PORT, responder_ns(GET_RX, 1), GET_RX, len(body)))
    raw = socket.create_connection(("127.0.0.1", RIVTA_PORT), timeout=30)
    s = tls_context("client").wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        s.sendall(head.encode() + body[:len(body) // 2])
        time.sleep(0.2)
        srv.proc.send_signal(signal.SIGTERM)
        draining = False
        for _ in range(400):
            srv.out.seek(0)
            if "lmn: draining" in srv.out.read():
                draining = True
                break
            time.sleep(0.025)
        refused = False
        try:
            socket.create_connection(("127.0.0.1", RIVTA_PORT), timeout=5).close()
        except ConnectionRefusedError:
            refused = True
        t.ok(draining and refused, "SIGTERM: the contracts' listener refuses new connections")
        try:
            s.sendall(body[len(body) // 2:])
            r = http.client.HTTPResponse(s)
            r.begin()
            data = r.read()
            got = (r.status, (r.getheader("Connection") or "").lower(),
                   b"PrescriptionItem" in data)
        except (OSError, http.client.HTTPException) as e:
            got = (type(e).__name__, "", False)
        t.check("a call half sent at the signal is answered, and its connection closed",
                (200, "close", True), got)
    finally:
        s.close()
    try:
        rc = srv.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        rc = None
    srv.out.seek(0)
    t.check("and the server exits 0 after the drain, saying so", (0, True),
            (rc, "lmn: stopped" in srv.out.read()))


def technical_faults(item):
    secret = forbidden_of(P1)
    for v in (1, 2):
        for la, name in (("SE2321000131-S000000099999", "a wrong LogicalAddress"),
                         (None, "no LogicalAddress")):
            what = "GetMedicalSupplyPrescriptions %d.0 with %s" % (v, name)
            fault(t, what, post(what, path_of(GET_RX, v), envelope(get_rx(v, PIN1), la),
                                action="%s:%s" % (responder_ns(GET_RX, v), GET_RX)), secret)
        if item is not None:
            what = "RegisterMedicalSupplyOrder %d.0 with a wrong LogicalAddress" % v
            before = orders(1)
            body = register(v, PIN1, name_of(P1), False, [{"item": item, "choice": home_choice(
                item, home(P1, "1111"))}])
            fault(t, what, post(what, path_of(REGISTER, v), envelope(body, HSAID + "0"),
                                action="%s:%s" % (responder_ns(REGISTER, v), REGISTER)), secret)
            t.check("%s: no new order" % what, set(), orders(1) - before)

    for p, name in (("/crm/selfservice/medicalsupply/GetMedicalSupplyNothing/1/rivtabp21",
                     "an unknown interaction"),
                    ("/crm/selfservice/medicalsupply/GetMedicalSupplyPrescriptions/3/rivtabp21",
                     "version 3")):
        a = post(name, p, envelope(get_rx(1, PIN1)))
        el, why = soap_body_child(a)
        is_fault = el is not None and el.tag == "{%s}Fault" % SOAPENV and a.status == 500
        t.ok(a.status == 404 or is_fault, "%s: HTTP 404 or a Fault" % name, "got: " + a.brief())
        t.ok(a.error is None and b"PrescriptionItem" not in a.body and
             PIN1.encode() not in a.body, "%s: no patient data in the answer" % name, a.brief())

    action = "%s:%s" % (responder_ns(GET_RX, 1), GET_RX)
    for body, name in (
            (envelope(get_rx(1, PIN1))[:-40], "a truncated envelope"),
            (("<soapenv:Envelope xmlns:soapenv=\"%s\"><soapenv:Body><a></b></soapenv:Body>"
              "</soapenv:Envelope>" % SOAPENV).encode(), "mismatched tags"),
            (b"this is not XML", "text that is not XML"),
            (envelope("<GetMedicalSupplyPrescriptions xmlns=\"%s\"><SubjectOfCareId>%s"
                      "</SubjectOfCareId>" % (responder_ns(GET_RX, 1), PIN1)),
             "an unclosed request element")):
        what = "malformed XML (%s)" % name
        fault(t, what, post(what, path_of(GET_RX, 1), body, action=action), secret)
    alive("malformed XML")

    size = 5 * 1024 * 1024
    env = envelope(get_rx(1, PIN1))
    tail = b"</soapenv:Body></soapenv:Envelope>"
    a = post_huge(path_of(GET_RX, 1), env[:-len(tail)], tail, size, action)
    EXCHANGES.append(("a 5 MiB body", env, a))
    el, why = soap_body_child(a) if a.status == 500 else (None, None)
    t.ok(a.status == 413 or (el is not None and el.tag == "{%s}Fault" % SOAPENV),
         "a 5 MiB body is refused: HTTP 413 or a Fault", "got: " + a.brief()[:800])
    alive("a 5 MiB body")

    lol = "<!ENTITY lol0 \"lollollollollollollollollollol\">" + "".join(
        "<!ENTITY lol%d \"%s\">" % (n, ("&lol%d;" % (n - 1)) * 10) for n in range(1, 10))
    bombs = (("billion laughs", "<!DOCTYPE soapenv:Envelope [%s]>" % lol, "&lol9;"),
             ("an external entity", "<!DOCTYPE soapenv:Envelope [<!ENTITY x SYSTEM "
              "\"file:///etc/passwd\">]>", "&x;"),
             ("an external parameter entity", "<!DOCTYPE soapenv:Envelope [<!ENTITY % p SYSTEM "
              "\"file:///etc/passwd\"> %p;]>", PIN1))
    passwd = open("/etc/passwd", encoding="utf-8", errors="replace").read().splitlines()
    marks = [ln for ln in passwd[:3] if ln.strip()] + ["root:x:0:0"]
    for name, dtd, ref in bombs:
        body = envelope("<GetMedicalSupplyPrescriptions xmlns=\"%s\"><SubjectOfCareId>%s"
                        "</SubjectOfCareId></GetMedicalSupplyPrescriptions>" % (
                            responder_ns(GET_RX, 1), ref), prolog=dtd)
        what = "an XML bomb (%s)" % name
        a = post(what, path_of(GET_RX, 1), body, action=action)
        fault(t, what, a, secret)
        t.ok(a.error is None and a.elapsed < 2.0, "%s: answered within 2 s" % what,
             "took %.2f s (%s)" % (a.elapsed, a.error))
        leaked = [m for m in marks if m in a.text]
        t.ok(not leaked and "lollollollol" not in a.text,
             "%s: neither /etc/passwd nor an expanded entity in the answer" % what,
             "found: %r" % leaked, a.brief()[:800])
        alive(what)


def no_protected_data():
    """Over every answer: no protected identity's street address, nor phone (lmn's own rule,
    tests/cli/test_protected.py), beyond what the request itself sent."""
    def values(column, protected):
        out = set()
        for (v,) in wd.sql("SELECT %s FROM patients WHERE protected_identity = ?" % column,
                           (protected,)):
            if v and v.strip():
                out.add(v.strip())
                if column == "phone":
                    out.add(re.sub(r"\D", "", v))
        return out

    for column, name in (("address", "street address"), ("phone", "phone")):
        markers = sorted(values(column, 1) - values(column, 0))
        leak = re.compile("|".join(r"(?<![\w-])%s(?!\w)" % re.escape(m) for m in markers))

        def found(text):
            return set(leak.findall(text)) | set(leak.findall(html.unescape(text)))

        bad = []
        for what, req, a in EXCHANGES:
            extra = found(a.text) - found(req.decode("utf-8", "replace"))
            if extra:
                bad.append("%s: %s" % (what, sorted(extra)))
        t.ok(markers and not bad, "no answer shows a protected identity's %s (%d of them) beyond "
             "what its own request sent" % (name, len(markers)), *bad)


def later_clock():
    """On 2027-02-01 the demo's items valid to 2027-01-26 have expired with withdrawals left:
    UTGÅTT, and not orderable."""
    today = LATER_NOW[:10]
    p2 = patient(2)
    j2 = rx(2)
    exp = [j for j in j2 if j["status"] == "expired" and j["withdrawals_remaining"] > 0]
    if not t.ok(exp, "on %s patient 2 has expired items with withdrawals left (JSON API)" % today,
                [(j["id"], j["status"], j["withdrawals_remaining"]) for j in j2]):
        return
    for v in (1, 2):
        what = "GetMedicalSupplyPrescriptions %d.0 on %s" % (v, today)
        el = soap_ok(t, what, call(what, GET_RX, v, get_rx(v, p2["id_number"])), GET_RX, v)
        sid, items, _ = parse_items(el, v) if el is not None else (None, [], [])
        compare_with_api(t, what, items, j2, today=today, pin=p2["id_number"], got_pin=sid)
        e = next((i for i in items if i["id"] == str(exp[0]["id"])), None)
        t.check("%s: item %s (valid to %s, %d withdrawals left) is UTGÅTT" % (
            what, exp[0]["id"], exp[0]["last_valid"], exp[0]["withdrawals_remaining"]),
            "UTGÅTT", e and e["status"])
        if e:
            before = orders(2)
            rows = [{"item": e, "choice": home_choice(e, home(p2, "1234"))}]
            what = "RegisterMedicalSupplyOrder %d.0 of the expired item %s" % (v, e["id"])
            _, el = order(what, v, p2["id_number"], name_of(p2), False, rows)
            logical_error(t, what, el)
            t.check("%s: no new order" % what, set(), orders(2) - before)


def many_areas(p1):
    """A patient whose items span more product areas than the first of them: every area of the
    rows is named in the answer, which is written after the read (a held connection)."""
    extra = 8
    item = wd.sql("SELECT i.id FROM prescription_items i JOIN prescriptions r ON "
                  "r.id = i.prescription_id WHERE r.patient_id = ? AND i.replaced_by IS NULL "
                  "ORDER BY i.last_valid DESC LIMIT 1", (p1["id"],))[0][0]
    cols = [c for c in wd.columns("prescription_items") if c not in ("id", "article_id")]
    for n in range(extra):
        wd.sql("INSERT INTO product_areas (code, name, code_1177, position) VALUES (?, ?, ?, ?)",
               ("extra_%c" % (97 + n), "Extra %d" % n, "EXTRA_%d" % n, 100 + n))
        wd.sql("INSERT INTO articles (article_number, name, area, unit, package_size, "
               "supplier_id, stocked, acute_assortment, special) SELECT ?, ?, ?, unit, "
               "package_size, supplier_id, stocked, acute_assortment, special FROM articles "
               "WHERE id = 1", ("X9000%d" % n, "Extra %d" % n, "extra_%c" % (97 + n)))
        wd.sql("INSERT INTO prescription_items (article_id, %s) SELECT "
               "(SELECT id FROM articles WHERE article_number = ?), %s FROM prescription_items "
               "WHERE id = ?" % (", ".join(cols), ", ".join(cols)), ("X9000%d" % n, item))
    areas = wd.sql("SELECT count(DISTINCT a.area) FROM prescription_items i JOIN prescriptions r "
                   "ON r.id = i.prescription_id JOIN articles a ON a.id = i.article_id "
                   "WHERE r.patient_id = ?", (p1["id"],))[0][0]
    t.ok(areas > extra, "patient 1 has items in %d product areas" % areas)
    what = "GetMedicalSupplyPrescriptions 2.0 over %d product areas" % areas
    a = call(what, GET_RX, 2, get_rx(2, p1["id_number"]))
    el = soap_ok(t, what, a, GET_RX, 2)
    t.ok(el is not None and result(el)[0] == "OK" and
         all("X9000%d" % n in a.text for n in range(extra)),
         "%s: ResultCode OK, every new item listed" % what, "got: " + a.brief()[:800])
    alive("a look-up over %d product areas" % areas)


try:
    make_certs()
    wd = lmntest.Workdir()
    srv, RIVTA_PORT = start("serve")
    t.ok(True, "lmn serve: web on %d, contracts on https://127.0.0.1:%d/" % (srv.port, RIVTA_PORT))
    cs = lmntest.Client(srv.port, "kundtjanst")
    readers = {1: lmntest.Client(srv.port, "patient"), 2: lmntest.Client(srv.port, "ombud")}
    P1 = patient(1)
    PIN1 = P1["id_number"]
    P2 = patient(2)
    transport(P1)
    got1 = prescriptions_and_points(P1)
    ordered = order_retry_early(P1, got1)
    expired_today(P1, got1)
    other = delegate(P1, P2)
    protected()
    refusal_names_its_row()
    unknown_numbers(P2, other)
    example_request()
    technical_faults(ordered)
    many_areas(P1)
    no_protected_data()
    t.ok(N_VALID[0] > 0, "%d answers valid by the responder schemas, every one checked" %
         N_VALID[0])
    t.ok(srv.proc.poll() is None, "the server is still running", srv.stderr()[-2000:])
    drain_rivta()
    srv.stop()
    t.ok(not re.search(r"AddressSanitizer|LeakSanitizer|runtime error:", srv.stderr()),
         "the server's standard error has no sanitizer report", srv.stderr()[-3000:])

    os.environ["LMN_NOW"] = LATER_NOW
    srv, RIVTA_PORT = start("later")
    cs = lmntest.Client(srv.port, "kundtjanst")
    later_clock()
    srv.stop()
    t.ok(not re.search(r"AddressSanitizer|LeakSanitizer|runtime error:", srv.stderr()),
         "the second server's standard error has no sanitizer report", srv.stderr()[-3000:])
except Exception:
    t.bail("the test itself failed: " + traceback.format_exc().replace("\n", " | "))
finally:
    if srv:
        srv.stop()
    if wd:
        wd.close()
    subprocess.run(["rm", "-rf", CERTS])
sys.exit(t.done())
