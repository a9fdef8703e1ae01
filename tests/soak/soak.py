#!/usr/bin/env python3
"""tests/soak/soak.py - one long-lived server on the demo database, every route, every role.

Starts `svcdesk demo` + `svcdesk serve` on 127.0.0.1 (a free port) and drives it from several
threads for SOAK_SECONDS: each round of each thread writes in every area with fresh unique
values, through every operation of docs/openapi.json (the table OPS below) and every page route
of src/http/routes.c (the table PAGES), as the role that may do it and (GET and most writes)
again as every other role: admin, agent, customer, anonymous. An operation of the document or
a page route without an entry in its table fails the run before any load is sent.

Asserts (TAP, one line each): every request answered (no connection error or timeout), no 5xx,
every operation answered with success at least once (the table fills it right), open file
descriptors back to their baseline and RSS flat after warm-up, the server's stderr free of
BUG/fatal lines and sanitizer reports, and a clean exit on SIGTERM.

Environment: SVCDESK (the binary), SOAK_SECONDS (60), SOAK_THREADS (4), SOAK_RSS_CHECK (1;
0 under ASan, whose quarantine grows by design), SOAK_RSS_SLACK_MB (16), SOAK_RSS_RATIO (0.10),
SOAK_FD_SLACK (4). Loopback only; the request loops end at the deadline.
"""
import http.client
import hashlib
import html.parser
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from datetime import date, datetime, timedelta, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SVCDESK = os.environ.get("SVCDESK", os.path.join(ROOT, "build", "svcdesk"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
THREADS = int(os.environ.get("SOAK_THREADS", "4"))
RSS_CHECK = os.environ.get("SOAK_RSS_CHECK", "1") == "1"
RSS_SLACK_MB = float(os.environ.get("SOAK_RSS_SLACK_MB", "16"))
RSS_RATIO = float(os.environ.get("SOAK_RSS_RATIO", "0.10"))
FD_SLACK = int(os.environ.get("SOAK_FD_SLACK", "4"))
TIMEOUT = float(os.environ.get("SOAK_TIMEOUT", "60"))
PASSWORD = "svcdesk-demo"
DEMO = {
    "admin": "admin@vendor.demo",
    "agent": "agnes@vendor.demo",
    "agent2": "bo@vendor.demo",
    "customer": "mette@nordvand.demo",
    "customer2": "lars@fjordby.demo",
    "customer3": "sofie@lillea.demo",
}
ROLES = ["admin", "agent", "customer", "anonymous"]
TODAY = date.today()
RUN = "%x" % (int(time.time()) & 0xFFFFFF)
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//svcdesk soak//EN\r\n"
    "BEGIN:VEVENT\r\nUID:%s@soak\r\nDTSTART;VALUE=DATE:%s\r\nSUMMARY:Soak day %s\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)
HOURS = {d: ["08:00-16:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def day(offset=0):
    return (TODAY + timedelta(days=offset)).isoformat()


def month_bounds(offset_months=0):
    y, m = TODAY.year, TODAY.month + offset_months
    while m > 12:
        y, m = y + 1, m - 12
    while m < 1:
        y, m = y - 1, m + 12
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return first.isoformat(), (nxt - timedelta(days=1)).isoformat()


# ---------------------------------------------------------------------------------------------
# bookkeeping


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0
        self.per_class = {}  # key -> {status: n}
        self.errors = []  # (key, method, path, error)
        self.fivexx = []  # (key, method, path, status, body)
        self.unexpected = {}  # key -> {status: (n, sample)}

    def record(self, key, method, path, status, body, ok_expected):
        with self.lock:
            self.total += 1
            c = self.per_class.setdefault(key, {})
            c[status] = c.get(status, 0) + 1
            if status >= 500 and len(self.fivexx) < 200:
                self.fivexx.append((key, method, path, status, body[:300]))
            if ok_expected and status >= 400 and status < 500:
                u = self.unexpected.setdefault(key, {})
                n, sample = u.get(status, (0, body[:4000]))
                u[status] = (n + 1, sample)

    def error(self, key, method, path, err):
        with self.lock:
            self.total += 1
            c = self.per_class.setdefault(key, {})
            c["error"] = c.get("error", 0) + 1
            if len(self.errors) < 200:
                self.errors.append((key, method, path, err))


STATS = Stats()


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.n = 0

    def next(self):
        with self.lock:
            self.n += 1
            return self.n


UNIQ = Counter()


def uniq(prefix="soak"):
    return "%s-%s-%d" % (prefix, RUN, UNIQ.next())


# ---------------------------------------------------------------------------------------------
# HTTP


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies(self):
        out = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                pair = v.split(";", 1)[0]
                if "=" in pair:
                    n, val = pair.split("=", 1)
                    out[n.strip()] = val.strip()
        return out

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def text(self):
        return self.body.decode("utf-8", "replace")


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="svcdesk-soak-")
        self.db = os.path.join(self.dir, "soak.db")
        self.errpath = os.path.join(self.dir, "server.log")
        self.proc = None
        self.port = None

    def start(self):
        r = subprocess.run([SVCDESK, "demo", "--db", self.db], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("svcdesk demo failed: %s%s" % (r.stdout, r.stderr))
        self.err = open(self.errpath, "wb")
        self.proc = subprocess.Popen(
            [SVCDESK, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
             "--remote-access-key-file", os.path.join(self.dir, "remote-access.key")],
            stdout=subprocess.PIPE, stderr=self.err)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode()
            m = re.match(r"^listening on 127\.0\.0\.1:(\d+)$", line.strip())
            if m:
                self.port = int(m.group(1))
                break
            if not line and self.proc.poll() is not None:
                break
        if not self.port:
            raise RuntimeError("the server did not start: %s" % self.log())
        threading.Thread(target=self._drain, daemon=True).start()
        for _ in range(200):
            try:
                if request("GET", "/healthz", key=None).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server does not answer /healthz")

    def _drain(self):
        for _ in self.proc.stdout:
            pass

    def log(self):
        try:
            with open(self.errpath, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        if not self.proc:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.err.close()
        return rc

    def sample(self):
        pid = self.proc.pid
        rss = None
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])  # KiB
                elif line.startswith("Threads:"):
                    self.threads = int(line.split()[1])
                elif line.startswith("RssAnon:"):
                    self.anon = int(line.split()[1])
        return rss, len(os.listdir("/proc/%d/fd" % pid))


SERVER = Server()


def request(method, path, body=None, ctype=None, token=None, cookies=None, headers=None,
            key="", ok_expected=False):
    """One request on its own connection; recorded in STATS under key (None: not recorded)."""
    hdrs = {"Connection": "close"}
    if body is not None:
        if isinstance(body, str):
            body = body.encode()
        hdrs["Content-Type"] = ctype or "application/json"
    if token:
        hdrs["Authorization"] = "Bearer " + token
    if cookies:
        hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items() if kv[1])
    if headers:
        hdrs.update(headers)
    conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        resp = Resp(r.status, r.getheaders(), r.read())
    except (OSError, http.client.HTTPException) as e:
        if key is not None:
            STATS.error(key, method, path, "%s: %s" % (type(e).__name__, e))
        raise RequestFailed(str(e))
    finally:
        conn.close()
    if key is not None:
        STATS.record(key, method, path, resp.status, resp.body, ok_expected)
    return resp


class RequestFailed(Exception):
    pass


def multipart(fields, files):
    boundary = "soak" + uniq("b").replace("-", "")
    out = []
    for name, value in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, name, value)).encode())
    for name, (filename, ctype, data) in files.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, name, filename, ctype)).encode())
        out.append(data if isinstance(data, bytes) else data.encode())
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class Forms(html.parser.HTMLParser):
    """The forms of a page: action, method, enctype and their fields' defaults."""

    def __init__(self, text):
        super().__init__()
        self.forms = []
        self.cur = None
        self.select = None
        self.textarea = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.cur = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                        "enctype": a.get("enctype", ""), "fields": {}, "files": set()}
            self.forms.append(self.cur)
        elif self.cur is None:
            return
        elif tag == "input" and a.get("name"):
            t = a.get("type", "text")
            if t == "file":
                self.cur["files"].add(a["name"])
            elif t in ("checkbox", "radio"):
                if "checked" in a:
                    self.cur["fields"][a["name"]] = a.get("value", "on")
            elif t not in ("submit", "button", "reset"):
                self.cur["fields"].setdefault(a["name"], a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select:
            if self.select not in self.cur["fields"] or "selected" in a:
                self.cur["fields"][self.select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.cur["fields"][self.textarea] = ""

    def handle_data(self, data):
        if self.cur is not None and self.textarea:
            self.cur["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.cur = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


class Session:
    """A person in a browser: cookies, the session's CSRF token."""

    def __init__(self, email=None, password=PASSWORD):
        self.cookies = {}
        self.csrf = None
        self.email = email
        self.password = password

    def send(self, method, path, key, body=None, ctype=None, ok_expected=False):
        r = request(method, path, body=body, ctype=ctype, cookies=self.cookies, key=key,
                    ok_expected=ok_expected)
        for k, v in r.cookies().items():
            if v:
                self.cookies[k] = v
            else:
                self.cookies.pop(k, None)
        if r.status == 200 and "text/html" in (r.header("Content-Type") or ""):
            m = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text())
            if m:
                self.csrf = m.group(1)
        return r

    def sign_in(self, key="POST /login"):
        with SIGN_IN:
            self.send("GET", "/login", "GET /login")
            body = urllib.parse.urlencode({"email": self.email, "password": self.password,
                                           "csrf": self.csrf or ""})
            r = self.send("POST", "/login", key, body, "application/x-www-form-urlencoded",
                          ok_expected=True)
        return r.status == 303 and "svcdesk_session" in "".join(self.cookies) or r.status == 303

    def post_form(self, key, source, action, values, files=None, ok_expected=True):
        """Fill the form for action found on page source (its defaults, CSRF), then values."""
        fields, enctype = {}, ""
        if source:
            page = self.send("GET", source, "GET " + page_key(source))
            best = None
            for f in Forms(page.text()).forms if page.status == 200 else []:
                if f["method"] == "post" and f["action"] == action:
                    score = len(set(values) & set(f["fields"]) | set(files or {}) & f["files"])
                    if best is None or score > best[0]:
                        best = (score, f)
            if best:
                fields, enctype = dict(best[1]["fields"]), best[1]["enctype"]
        fields.update({k: str(v) for k, v in values.items()})
        fields["csrf"] = self.csrf or ""
        if files or enctype == "multipart/form-data":
            body, ctype = multipart(fields, files or {})
        else:
            body, ctype = urllib.parse.urlencode(fields), "application/x-www-form-urlencoded"
        return self.send("POST", action, key, body, ctype, ok_expected=ok_expected)


# One argon2id computation at a time (sign-ins and every write that hashes a password): the
# soak is not a sign-in flood, and a server that caps concurrent checks may answer 503 beyond
# its cap by design.
SIGN_IN = threading.RLock()
HASHING = {"POST /api/v1/users", "POST /api/v1/me/password", "POST /api/v1/tokens",
           "POST /desk/admin/users", "POST /desk/admin/users/{id}/password",
           "POST /account/password", "POST /login"}


# ---------------------------------------------------------------------------------------------
# the world: tokens, sessions and ids of the demo


class World:
    def __init__(self):
        self.tokens = {}
        self.sessions = {}
        self.ids = {}

    def setup(self):
        for role, email in DEMO.items():
            with SIGN_IN:
                r = request("POST", "/api/v1/tokens",
                            json.dumps({"email": email, "password": PASSWORD}), key=None)
            if r.status == 403 and "API-access add-on" in r.text():
                # a customer whose organisation has not bought API access takes no token by
                # signing in (docs/api.md, add-ons): the operator issues one
                t = subprocess.run([SVCDESK, "token", "create", "--db", SERVER.db, "--email", email],
                                   capture_output=True, text=True)
                if t.returncode != 0:
                    raise RuntimeError("svcdesk token create %s: %s" % (email, t.stderr))
                self.tokens[role] = t.stdout.strip()
                continue
            if r.status != 201 and r.status != 200:
                raise RuntimeError("cannot sign in %s: %d %s" % (email, r.status, r.text()))
            self.tokens[role] = r.json()["token"]
        for role in ("admin", "agent", "customer", "customer2"):
            s = Session(DEMO[role])
            if not s.sign_in(key=None):
                raise RuntimeError("cannot sign in %s on /login" % DEMO[role])
            s.send("GET", "/account/password", None)
            self.sessions[role] = s
        users = self.api("admin", "GET", "/api/v1/users?limit=100").json()
        for u in users.get("items", users) if isinstance(users, dict) else users:
            for role, email in DEMO.items():
                if u.get("email") == email:
                    self.ids[role] = u["id"]
                    if u.get("organization_id"):
                        self.ids[role + "_org"] = u["organization_id"]
        cals = self.api("admin", "GET", "/api/v1/calendars").json()
        self.ids["calendar"] = items(cals)[0]["id"]
        pols = self.api("admin", "GET", "/api/v1/sla-policies").json()
        self.ids["policy"] = items(pols)[0]["id"]
        cat = self.api("admin", "GET", "/api/v1/catalog").json()
        self.ids["api_access_service"] = [s["id"] for s in items(cat) if s["name"] == "API access"][0]
        for k in ("admin", "agent", "agent2", "customer", "customer2", "customer_org"):
            if k not in self.ids:
                raise RuntimeError("the demo has no %s" % k)

    def api(self, role, method, path, body=None, key=None, ctype=None, ok_expected=False):
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return request(method, path, body=body, ctype=ctype, token=self.tokens.get(role),
                       key=key, ok_expected=ok_expected)


def items(doc):
    if isinstance(doc, dict):
        for k in ("items", "data", "results"):
            if isinstance(doc.get(k), list):
                return doc[k]
    return doc if isinstance(doc, list) else []


WORLD = World()


def page_key(path):
    """The route class of a concrete page path: ids back to {id}."""
    path = path.split("?", 1)[0]
    return re.sub(r"/\d+(?=/|$|\.)", "/{id}", path)


# ---------------------------------------------------------------------------------------------
# one round's objects, made on first use through the API (and counted under their operations)


class Round:
    def __init__(self, n):
        self.n = n
        self.objs = {}

    def get(self, name):
        if name not in self.objs:
            self.objs[name] = MAKERS[name](self)
        return self.objs[name]

    # a write that must succeed for the round to go on: its id
    def make(self, role, method, path, body, key=None, ctype=None):
        key = key or "%s %s" % (method, api_key(path))
        r = WORLD.api(role, method, path, body, key=key, ctype=ctype, ok_expected=True)
        doc = r.json()
        if r.status >= 300 or not isinstance(doc, dict):
            raise Skip("%s %s answered %d: %s" % (method, path, r.status, r.text()[:200]))
        return doc


class Skip(Exception):
    """A step this round depends on did not succeed (recorded already); skip the rest."""


def api_key(path):
    path = path.split("?", 1)[0]
    key = re.sub(r"/\d+(?=/|$|\.)", "/{id}", path)
    key = re.sub(r"(/change-orders/)\{id\}", r"\1{cid}", key)
    return re.sub(r"(/bookings/)\{id\}", r"\1{bid}", key)


def mk_org(r):
    u = uniq("org")
    return r.make("admin", "POST", "/api/v1/organizations",
                  {"name": "Org " + u, "domains": [u + ".soak"]})["id"]


def mk_user(r):
    u = uniq("user")
    pw = "soak-pass-" + u
    with SIGN_IN:
        doc = r.make("admin", "POST", "/api/v1/users",
                     {"email": u + "@nordvand.demo", "name": "Soak " + u, "role": "customer",
                      "organization_id": WORLD.ids["customer_org"], "password": pw})
    return {"id": doc["id"], "email": u + "@nordvand.demo", "password": pw}


def mk_ticket(r):
    return r.make("customer", "POST", "/api/v1/tickets",
                  {"subject": "Meter " + uniq(), "body": "Readings stop at *06:00* " + uniq(),
                   "severity": random.choice("ABCD"), "type": "error"})["id"]


def mk_triage_ticket(r):
    """A request held for triage: mail from an unknown sender through `svcdesk mail-in`."""
    who = "stranger-%s@nowhere.test" % uniq()
    mail = ("From: %s\nTo: support@vendor.test\nSubject: Help %s\nMessage-ID: <%s>\n\nhello\n"
            % (who, uniq(), uniq() + "@nowhere.test"))
    out = subprocess.run([SVCDESK, "mail-in", "--db", SERVER.db], input=mail,
                         capture_output=True, text=True)
    found = re.match(r"ticket (\d+) triage", out.stdout)
    if not found:
        raise RuntimeError("svcdesk mail-in: %s %s" % (out.stdout, out.stderr))
    return int(found.group(1))


def mk_org_ticket(r):
    return r.make("admin", "POST", "/api/v1/tickets",
                  {"subject": "Call " + uniq(), "organization_id": r.get("org"),
                   "channel": "phone", "type": "assistance", "severity": "C"})["id"]


def mk_resolved_ticket(r):
    t = mk_ticket(r)
    r.make("agent", "PATCH", "/api/v1/tickets/%d" % t, {"status": "in_progress"})
    r.make("agent", "PATCH", "/api/v1/tickets/%d" % t, {"status": "resolved"})
    return t


def mk_advanced(r):
    return r.make("agent", "POST", "/api/v1/agreements",
                  {"organization_id": WORLD.ids["customer_org"], "kind": "advanced",
                   "starts_on": day(-40), "ends_on": day(330), "currency": "EUR", "hours": 100,
                   "rate": 12000, "per_diem_rate": 25000, "invoicing": "monthly",
                   "services": ["system_migrations"]})["id"]


def mk_advanced_quoted(r):
    a = mk_advanced(r)
    r.make("agent", "POST", "/api/v1/agreements/%d/quote" % a,
           {"amount": 1200000 + r.n, "valid_until": day(30)})
    return a


def accept(r, a):
    """The customer's signature: with the vendor's (…/sign) the agreement is in effect."""
    r.make("customer", "POST", "/api/v1/agreements/%d/accept" % a, {"name": "Soak Customer"},
           key="POST /api/v1/agreements/{id}/accept")


def mk_advanced_signed(r):
    a = mk_advanced_quoted(r)
    accept(r, a)
    r.make("agent", "POST", "/api/v1/agreements/%d/sign" % a, None)
    return a


def mk_enhanced_signed(r):
    a = r.make("agent", "POST", "/api/v1/agreements",
               {"organization_id": WORLD.ids["customer_org"], "kind": "enhanced",
                "starts_on": day(-40), "currency": "EUR", "hours": 100,
                "annual_fee": 2400000, "rate": 12000, "extras": ["live_chat"]})["id"]
    accept(r, a)
    r.make("agent", "POST", "/api/v1/agreements/%d/sign" % a, None)
    return a


def mk_change_order(r):
    a = r.get("enhanced")
    return r.make("agent", "POST", "/api/v1/agreements/%d/change-orders" % a,
                  {"hours": 5, "reason": "more " + uniq()})["id"]


def mk_booking(r):
    a = r.get("advanced")
    return r.make("agent", "POST", "/api/v1/agreements/%d/bookings" % a,
                  {"user_id": WORLD.ids["agent"], "starts_on": day(10), "ends_on": day(12),
                   "force": True, "reason": "soak: the same days again"})["id"]


def mk_invoice(r):
    a = r.get("advanced")
    r.make("agent", "POST", "/api/v1/agreements/%d/time-entries" % a,
           {"minutes": 90, "kind": "billable", "on": day(0), "note": "work " + uniq()})
    start, end = month_bounds(0)
    return r.make("agent", "POST", "/api/v1/agreements/%d/invoices" % a,
                  {"period_start": start, "period_end": end})["id"]


def mk_calendar(r):
    return r.make("admin", "POST", "/api/v1/calendars",
                  {"name": "Cal " + uniq(), "timezone": "Europe/Copenhagen", "hours": HOURS,
                   "holidays": [day(100)]})["id"]


def mk_policy(r):
    return r.make("admin", "POST", "/api/v1/sla-policies",
                  {"name": "Pol " + uniq(), "calendar_id": WORLD.ids["calendar"],
                   "targets": {"A": {"response_hours": 1.5, "resolution_hours": 24}}})["id"]


def mk_release(r):
    return r.make("agent", "POST", "/api/v1/releases",
                  {"version": "9.%d.%d" % (UNIQ.next(), r.n), "kind": "minor",
                   "released_on": day(0), "notes": "## Fixed\n\n- meters " + uniq()})["id"]


def mk_known_error(r):
    return r.make("agent", "POST", "/api/v1/known-errors",
                  {"title": "KE " + uniq(), "description": "readings stop",
                   "status": "investigating", "affected_versions": ["5.2"]})["id"]


def mk_installation(r):
    return r.make("agent", "POST", "/api/v1/installations",
                  {"organization_id": WORLD.ids["customer_org"], "name": "Inst " + uniq(),
                   "hosting": "vendor_hosted", "version": "5.2"})["id"]


def year_period():
    """A calendar year no yearly invoice of the soak has billed yet (far ahead)."""
    y = 2100 + UNIQ.next() % 7000
    return {"period_start": "%04d-01-01" % y, "period_end": "%04d-12-31" % y}


def mk_addon(r):
    return r.make("agent", "POST", "/api/v1/organizations/%d/add-ons" % WORLD.ids["customer2_org"],
                  {"service_id": WORLD.ids["api_access_service"], "starts_on": day(0),
                   "currency": "EUR", "annual_price": 10000 + r.n, "note": "soak " + uniq()})["id"]


def mk_release_file(r, release=None):
    doc = r.make("agent", "POST", "/api/v1/releases/%d/files?filename=%s" % (
        release or r.get("release"), urllib.parse.quote("fix %s.zip" % uniq())),
        "PK\x03\x04 " + uniq(), ctype="application/zip")
    return doc["id"]


def mk_published_file(r):
    rel = mk_release(r)
    f = mk_release_file(r, rel)
    r.make("agent", "POST", "/api/v1/releases/%d/publish" % rel, None)
    return f


def mk_remote_access(r):
    return r.make("agent", "POST", "/api/v1/installations/%d/remote-access" % r.get("installation"),
                  {"method": "ssh", "host": "meter-%s.example" % uniq(), "username": "ops",
                   "notes": "jump host", "secret": "s3cret-" + uniq()})["id"]


def mk_window(r):
    start = datetime.now(timezone.utc) + timedelta(days=10, minutes=r.n % 600)
    return r.make("agent", "POST", "/api/v1/maintenance-windows",
                  {"installation_id": r.get("installation"),
                   "starts_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "summary": "Upgrade " + uniq()})["id"]


def mk_reset_token(r):
    """A live reset link of the round's user: no interface hands one out but the mail, so the
    row is written into the SQLite file (as a mail would have carried its token)."""
    token = "%064x" % random.getrandbits(256)
    now = int(time.time())
    db = sqlite3.connect(SERVER.db, timeout=30)
    try:
        db.execute("INSERT INTO password_resets (user_id, hash, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?)", (r.get("user")["id"],
                                           hashlib.sha256(token.encode()).digest(), now,
                                           now + 3600))
        db.commit()
    finally:
        db.close()
    return token


def reset_password(r, token):
    """After a reset the round's user has a new password and no session or token."""
    r.get("user")["password"] = "soak-reset-" + token[:12]
    r.objs.pop("user_token", None)
    r.objs.pop("user_session", None)
    r.objs.pop("reset_token", None)
    return r.get("user")["password"]


def mk_proposed_change(r):
    return r.make("agent", "POST", "/api/v1/installations/%d/changes" % r.get("installation"),
                  {"what": "Install the billing module " + uniq(), "proposed": True,
                   "documentation": "module guide"})["id"]


def mk_canned(r):
    return r.make("agent", "POST", "/api/v1/canned-replies",
                  {"title": "Canned " + uniq(), "body": "Dear {{requester_name}}, #{{ticket_id}} "
                   "is due {{due}}. {{agent_name}} " + uniq()})["id"]


def mk_article(r):
    return r.make("agent", "POST", "/api/v1/kb/articles",
                  {"title": "Meters " + uniq(), "visibility": "public", "tags": ["meters"],
                   "body": "# Readings\n\nWhen *meters* stop, check the `collector`.\n\n"
                           "| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>x</script> " + uniq()})["id"]


def mk_service(r):
    return r.make("admin", "POST", "/api/v1/catalog",
                  {"name": "Svc " + uniq(), "position": 1 + r.n % 50,
                   "vendor_hosted": {"inclusion": "included"},
                   "customer_hosted": {"inclusion": "add_on", "comment": "on request"}})["id"]


def mk_rasci(r):
    return r.make("agent", "POST", "/api/v1/rasci-matrices",
                  {"name": "RASCI " + uniq(), "parties": ["Customer", "Vendor"],
                   "rows": [{"activity": "Backups", "cells": {"Customer": "I", "Vendor": "A/R"}}]}
                  )["id"]


def mk_attachment(r):
    t = r.get("ticket")
    doc = r.make("customer", "POST", "/api/v1/tickets/%d/attachments?filename=%s" % (
        t, urllib.parse.quote("log %s.txt" % uniq())), "line 1\nline 2 " + uniq(),
        ctype="text/plain")
    return doc["id"]


def mk_user_token(r):
    u = r.get("user")
    with SIGN_IN:
        doc = r.make("anonymous", "POST", "/api/v1/tokens",
                     {"email": u["email"], "password": u["password"]})
    return doc["token"]


def mk_user_session(r):
    u = r.get("user")
    s = Session(u["email"], u["password"])
    if not s.sign_in():
        raise Skip("the round's user cannot sign in")
    return s


MAKERS = {
    "org": mk_org, "user": mk_user, "ticket": mk_ticket, "org_ticket": mk_org_ticket,
    "resolved_ticket": mk_resolved_ticket, "advanced": mk_advanced_signed,
    "advanced_draft": mk_advanced, "advanced_quoted": mk_advanced_quoted,
    "enhanced": mk_enhanced_signed, "change_order": mk_change_order, "booking": mk_booking,
    "invoice": mk_invoice, "calendar": mk_calendar, "policy": mk_policy, "release": mk_release,
    "known_error": mk_known_error, "installation": mk_installation, "article": mk_article,
    "service": mk_service, "rasci": mk_rasci, "attachment": mk_attachment,
    "user_token": mk_user_token, "user_session": mk_user_session,
    "addon": mk_addon, "release_file": mk_release_file, "published_file": mk_published_file,
    "canned": mk_canned, "remote_access": mk_remote_access, "window": mk_window, "reset_token": mk_reset_token,
}


def mk_chat(r):
    """A live chat Mette opened (Nordvand's enhanced agreement includes live chat): waiting."""
    return r.make("customer", "POST", "/api/v1/chats",
                  {"subject": "Chat " + uniq(), "body": "are the readings late? " + uniq()})["id"]


def mk_active_chat(r):
    c = mk_chat(r)
    r.make("agent", "POST", "/api/v1/chats/%d/accept" % c, None)
    return c


MAKERS.update({"chat": mk_chat, "active_chat": mk_active_chat})


# ---------------------------------------------------------------------------------------------
# OPS: every operation of docs/openapi.json. Each entry: (role, builder, replay).
# builder(round) -> (path, body) or (path, body, content type); replay: the same request is
# also sent as every other role (False where that would end a shared credential).


def J(path, body=None):
    return (path, body)


def tickets_query(r):
    return J("/api/v1/tickets?" + urllib.parse.urlencode(random.choice([
        {"status": "new,in_progress", "limit": 5},
        {"severity": "A,B", "sort": "due", "limit": 3},
        {"q": "Meter", "sort": "priority"},
        {"organization_id": WORLD.ids["customer_org"], "assignee_id": WORLD.ids["agent"]},
        {"limit": 2, "cursor": "bm9wZQ"},
        {"type": "error,enhancement", "channel": "api,portal", "limit": 5},
    ])))


OPS = {
    "GET /healthz": ("anonymous", lambda r: J("/healthz"), True),
    "GET /metrics": ("admin", lambda r: J("/metrics"), True),
    "GET /api/v1/openapi.json": ("anonymous", lambda r: J("/api/v1/openapi.json"), True),
    "POST /api/v1/organizations": ("admin", lambda r: J("/api/v1/organizations", {
        "name": "Org " + uniq(), "domains": [uniq() + ".soak"]}), True),
    "GET /api/v1/organizations": ("customer", lambda r: J("/api/v1/organizations"), True),
    "GET /api/v1/organizations/{id}": ("admin", lambda r: J(
        "/api/v1/organizations/%d" % r.get("org")), True),
    "PATCH /api/v1/organizations/{id}": ("admin", lambda r: J(
        "/api/v1/organizations/%d" % r.get("org"),
        {"name": "Renamed " + uniq(), "domains": [uniq() + ".soak", uniq() + ".soak"]}), True),
    "POST /api/v1/users": ("admin", lambda r: J("/api/v1/users", {
        "email": uniq() + "@vendor.demo", "name": "Agent " + uniq(), "role": "agent",
        "password": "soak-pass-" + uniq()}), True),
    "GET /api/v1/users": ("agent", lambda r: J("/api/v1/users?limit=20"), True),
    "GET /api/v1/users/{id}": ("customer", lambda r: J(
        "/api/v1/users/%d" % WORLD.ids["customer"]), True),
    "PATCH /api/v1/users/{id}": ("admin", lambda r: J(
        "/api/v1/users/%d" % r.get("user")["id"],
        {"name": "Renamed " + uniq(), "notify": False, "disabled": False}), True),
    "GET /api/v1/users/{id}/sessions": ("admin", lambda r: J(
        "/api/v1/users/%d/sessions" % r.get("user")["id"]), True),
    "DELETE /api/v1/users/{id}/sessions": ("admin", lambda r: J(
        "/api/v1/users/%d/sessions" % r.get("user")["id"]), True),
    "POST /api/v1/me/password": ("round_user", lambda r: J("/api/v1/me/password", {
        "old_password": r.get("user")["password"],
        "new_password": r.get("user").__setitem__("password", "soak-new-" + uniq())
        or r.get("user")["password"]}), False),
    "POST /api/v1/calendars": ("admin", lambda r: J("/api/v1/calendars", {
        "name": "Cal " + uniq(), "timezone": "America/New_York", "hours": HOURS}), True),
    "GET /api/v1/calendars": ("customer", lambda r: J("/api/v1/calendars"), True),
    "GET /api/v1/calendars/{id}": ("customer", lambda r: J(
        "/api/v1/calendars/%d" % r.get("calendar")), True),
    "PATCH /api/v1/calendars/{id}": ("admin", lambda r: J(
        "/api/v1/calendars/%d" % r.get("calendar"),
        {"name": "Cal " + uniq(), "hours": dict(HOURS, sat=["10:00-12:00"])}), True),
    "POST /api/v1/calendars/{id}/holidays": ("admin", lambda r: (
        "/api/v1/calendars/%d/holidays" % r.get("calendar"),
        ICS % (uniq(), (TODAY + timedelta(days=200 + r.n % 100)).strftime("%Y%m%d"), uniq()),
        "text/calendar"), True),
    "POST /api/v1/sla-policies": ("admin", lambda r: J("/api/v1/sla-policies", {
        "name": "Pol " + uniq(), "calendar_id": r.get("calendar"), "warn_at": 0.7,
        "targets": {"A": {"response_hours": 2, "update_hours": 4, "resolution_hours": 16}},
        "escalation_emails": ["esc@vendor.demo"]}), True),
    "GET /api/v1/sla-policies": ("customer", lambda r: J("/api/v1/sla-policies"), True),
    "GET /api/v1/sla-policies/{id}": ("customer", lambda r: J(
        "/api/v1/sla-policies/%d" % r.get("policy")), True),
    "PATCH /api/v1/sla-policies/{id}": ("admin", lambda r: J(
        "/api/v1/sla-policies/%d" % r.get("policy"),
        {"warn_at": 0.8, "targets": {"B": {"response_hours": 6}}}), True),
    "POST /api/v1/tokens": ("anonymous", lambda r: J("/api/v1/tokens", {
        "email": r.get("user")["email"], "password": r.get("user")["password"]}), False),
    "DELETE /api/v1/tokens/current": ("round_token", lambda r: J("/api/v1/tokens/current"),
                                      False),
    "GET /api/v1/me": ("customer", lambda r: J("/api/v1/me"), True),
    "POST /api/v1/tickets": ("customer", lambda r: J("/api/v1/tickets", {
        "subject": "Meter " + uniq(), "body": "since 06:00 " + uniq(), "severity": "B",
        "type": "error"}), True),
    "GET /api/v1/tickets": ("agent", tickets_query, True),
    "GET /api/v1/tickets/{id}": ("customer", lambda r: J(
        "/api/v1/tickets/%d" % r.get("ticket")), True),
    "PATCH /api/v1/tickets/{id}": ("agent", lambda r: J(
        "/api/v1/tickets/%d" % r.get("ticket"),
        {"status": "in_progress", "severity": random.choice("ABCD"),
         "assignee_id": WORLD.ids["agent"], "billable": True,
         "root_cause": "race " + uniq(), "release_id": r.get("release")}), True),
    "POST /api/v1/tickets/{id}/escalate": ("customer", lambda r: J(
        "/api/v1/tickets/%d/escalate" % r.get("ticket"), {"reason": "production " + uniq()}),
        True),
    "GET /api/v1/tickets/{id}/sla": ("customer", lambda r: J(
        "/api/v1/tickets/%d/sla" % r.get("ticket")), True),
    "POST /api/v1/tickets/{id}/messages": ("agent", lambda r: J(
        "/api/v1/tickets/%d/messages" % r.get("ticket"),
        {"body": "Looking into it " + uniq(), "internal": random.random() < 0.5}), True),
    "GET /api/v1/tickets/{id}/messages": ("customer", lambda r: J(
        "/api/v1/tickets/%d/messages" % r.get("ticket")), True),
    "POST /api/v1/tickets/{id}/attachments": ("customer", lambda r: (
        "/api/v1/tickets/%d/attachments?filename=%s" % (r.get("ticket"),
                                                        urllib.parse.quote(uniq() + ".log")),
        ("x" * (r.n % 5000)) + uniq(), "application/octet-stream"), True),
    "GET /api/v1/tickets/{id}/attachments": ("customer", lambda r: J(
        "/api/v1/tickets/%d/attachments" % r.get("ticket")), True),
    "GET /api/v1/attachments/{id}": ("customer", lambda r: J(
        "/api/v1/attachments/%d" % r.get("attachment")), True),
    "POST /api/v1/agreements": ("agent", lambda r: J("/api/v1/agreements", {
        "organization_id": WORLD.ids["customer2_org"], "kind": "maintenance",
        "starts_on": day(-10), "currency": "EUR", "hosting": "customer_hosted",
        "sla_policy_id": WORLD.ids["policy"], "calendar_id": WORLD.ids["calendar"]}), True),
    "GET /api/v1/agreements": ("customer", lambda r: J("/api/v1/agreements?limit=10"), True),
    "GET /api/v1/agreements/{id}": ("customer", lambda r: J(
        "/api/v1/agreements/%d" % r.get("advanced")), True),
    "PATCH /api/v1/agreements/{id}": ("agent", lambda r: J(
        "/api/v1/agreements/%d" % r.get("advanced_draft"),
        {"hours": 120 + r.n % 10, "per_diem_rate": 26000, "ends_on": day(300)}), True),
    "POST /api/v1/agreements/{id}/quote": ("agent", lambda r: J(
        "/api/v1/agreements/%d/quote" % r.get("advanced_draft"),
        {"amount": 990000 + r.n, "valid_until": day(20)}), True),
    "POST /api/v1/agreements/{id}/sign": ("agent", lambda r: J(
        "/api/v1/agreements/%d/sign" % r.get("advanced_quoted")), True),
    "POST /api/v1/agreements/{id}/accept": ("customer", lambda r: J(
        "/api/v1/agreements/%d/accept" % mk_advanced_quoted(r), {"name": "Soak " + uniq()}),
        True),
    "GET /api/v1/agreements/{id}/quotes": ("customer", lambda r: J(
        "/api/v1/agreements/%d/quotes" % r.get("advanced")), True),
    "GET /api/v1/agreements/{id}/sow.html": ("customer", lambda r: J(
        "/api/v1/agreements/%d/sow.html" % r.get("advanced")), True),
    "GET /api/v1/agreements/{id}/sow.pdf": ("customer", lambda r: J(
        "/api/v1/agreements/%d/sow.pdf" % r.get("advanced")), True),
    "POST /api/v1/agreements/{id}/cancel": ("agent", lambda r: J(
        "/api/v1/agreements/%d/cancel" % r.get("enhanced"), {"notice_given_on": day(0)}), True),
    "GET /api/v1/agreements/{id}/balance": ("customer", lambda r: J(
        "/api/v1/agreements/%d/balance?on=%s" % (r.get("enhanced"), day(0))), True),
    "POST /api/v1/agreements/{id}/change-orders": ("agent", lambda r: J(
        "/api/v1/agreements/%d/change-orders" % r.get("enhanced"),
        {"hours": -2, "reason": "fewer " + uniq(), "applies_to": "following_years"}), True),
    "GET /api/v1/agreements/{id}/change-orders": ("customer", lambda r: J(
        "/api/v1/agreements/%d/change-orders" % r.get("enhanced")), True),
    "POST /api/v1/agreements/{id}/change-orders/{cid}/sign": ("agent", lambda r: J(
        "/api/v1/agreements/%d/change-orders/%d/sign" % (r.get("enhanced"),
                                                         r.get("change_order"))), True),
    "POST /api/v1/agreements/{id}/change-orders/{cid}/accept": ("customer", lambda r: J(
        "/api/v1/agreements/%d/change-orders/%d/accept" % (r.get("enhanced"),
                                                           mk_change_order(r)),
        {"name": "Soak " + uniq()}), True),
    "POST /api/v1/agreements/{id}/bookings": ("agent", lambda r: J(
        "/api/v1/agreements/%d/bookings" % r.get("advanced"),
        {"user_id": WORLD.ids["agent2"], "starts_on": day(40), "ends_on": day(41),
         "force": True, "reason": "soak: the same days again"}), True),
    "GET /api/v1/agreements/{id}/bookings": ("customer", lambda r: J(
        "/api/v1/agreements/%d/bookings" % r.get("advanced")), True),
    "POST /api/v1/agreements/{id}/bookings/{bid}/reschedule": ("agent", lambda r: J(
        "/api/v1/agreements/%d/bookings/%d/reschedule" % (r.get("advanced"), r.get("booking")),
        {"starts_on": day(20), "ends_on": day(22), "force": True, "reason": "soak",
         "costs": [{"amount": 8900, "note": "flight change " + uniq()}]}), True),
    "POST /api/v1/agreements/{id}/time-entries": ("agent", lambda r: J(
        "/api/v1/agreements/%d/time-entries" % r.get("advanced"),
        {"minutes": 30, "kind": "included", "on": day(0), "note": "analysis " + uniq()}), True),
    "GET /api/v1/agreements/{id}/time-entries": ("customer", lambda r: J(
        "/api/v1/agreements/%d/time-entries" % r.get("advanced")), True),
    "POST /api/v1/tickets/{id}/time-entries": ("agent", lambda r: J(
        "/api/v1/tickets/%d/time-entries" % r.get("org_ticket"),
        {"minutes": 45, "kind": "billable", "note": "call " + uniq()}), True),
    "GET /api/v1/tickets/{id}/time-entries": ("customer", lambda r: J(
        "/api/v1/tickets/%d/time-entries" % r.get("ticket")), True),
    "POST /api/v1/agreements/{id}/expenses": ("agent", lambda r: J(
        "/api/v1/agreements/%d/expenses" % r.get("advanced"), random.choice([
            {"kind": "per_diem", "days": 2, "note": "on site " + uniq(), "on": day(0)},
            {"kind": "actual", "amount": 1500, "note": "taxi " + uniq()}])), True),
    "GET /api/v1/agreements/{id}/expenses": ("customer", lambda r: J(
        "/api/v1/agreements/%d/expenses" % r.get("advanced")), True),
    "POST /api/v1/agreements/{id}/invoices": ("agent", lambda r: J(
        "/api/v1/agreements/%d/invoices" % r.get("advanced"),
        dict(zip(("period_start", "period_end"), month_bounds(-1)))), True),
    "POST /api/v1/organizations/{id}/invoices": ("agent", lambda r: (
        r.get("org_ticket"), WORLD.api("agent", "POST", "/api/v1/tickets/%d/time-entries"
                                        % r.get("org_ticket"),
                                        {"minutes": 60, "kind": "billable", "on": day(0)},
                                        key="POST /api/v1/tickets/{id}/time-entries"),
        J("/api/v1/organizations/%d/invoices" % r.get("org"),
          dict(zip(("period_start", "period_end"), month_bounds(0)))))[2], True),
    "GET /api/v1/invoices": ("customer", lambda r: J("/api/v1/invoices?limit=5"), True),
    "GET /api/v1/invoices/{id}": ("customer", lambda r: J(
        "/api/v1/invoices/%d" % r.get("invoice")), True),
    "GET /api/v1/invoices/{id}.html": ("customer", lambda r: J(
        "/api/v1/invoices/%d.html" % r.get("invoice")), True),
    "GET /api/v1/invoices/{id}.pdf": ("customer", lambda r: J(
        "/api/v1/invoices/%d.pdf" % r.get("invoice")), True),
    "GET /api/v1/invoices/{id}.csv": ("customer", lambda r: J(
        "/api/v1/invoices/%d.csv" % r.get("invoice")), True),
    "GET /api/v1/settings/billing": ("agent", lambda r: J("/api/v1/settings/billing"), True),
    "PUT /api/v1/settings/billing": ("admin", lambda r: J("/api/v1/settings/billing", {
        "default_rate": 9000 + r.n % 1000, "currency": "EUR"}), True),
    "GET /api/v1/catalog": ("customer", lambda r: J("/api/v1/catalog?hosting=vendor_hosted"),
                            True),
    "POST /api/v1/catalog": ("admin", lambda r: J("/api/v1/catalog", {
        "name": "Svc " + uniq(), "vendor_hosted": {"inclusion": "add_on", "comment": "x"},
        "customer_hosted": {"inclusion": "not_offered"}}), True),
    "PUT /api/v1/catalog/{id}": ("admin", lambda r: J("/api/v1/catalog/%d" % r.get("service"), {
        "name": "Svc " + uniq(), "position": 3, "vendor_hosted": {"inclusion": "included"},
        "customer_hosted": {"inclusion": "add_on", "comment": "quoted " + uniq()}}), True),
    "PATCH /api/v1/catalog/{id}": ("admin", lambda r: J(
        "/api/v1/catalog/%d" % r.get("service"),
        {"position": 7, "customer_hosted": {"inclusion": "included"}}), True),
    # a service of its own: the shared one stays offered for the add-ons bought of it
    "POST /api/v1/catalog/{id}/retire": ("admin", lambda r: J(
        "/api/v1/catalog/%d/retire" % mk_service(r)), True),
    "POST /api/v1/catalog/{id}/restore": ("admin", lambda r: J(
        "/api/v1/catalog/%d/restore" % r.get("service")), True),
    "POST /api/v1/rasci-matrices": ("agent", lambda r: J("/api/v1/rasci-matrices", {
        "name": "RASCI " + uniq(), "parties": ["Customer", "Vendor", "Telecom"],
        "rows": [{"activity": "Meters", "cells": {"Customer": "a,r", "Vendor": ["s"],
                                                   "Telecom": "I"}},
                 {"activity": "Network", "cells": {"Vendor": "A/R", "Telecom": "C"}}]}), True),
    "GET /api/v1/rasci-matrices": ("customer", lambda r: J("/api/v1/rasci-matrices"), True),
    "GET /api/v1/rasci-matrices/{id}": ("agent", lambda r: J(
        "/api/v1/rasci-matrices/%d" % r.get("rasci")), True),
    "GET /api/v1/kb/articles": ("anonymous", lambda r: J(
        "/api/v1/kb/articles?" + urllib.parse.urlencode(random.choice(
            [{"q": "meters collector"}, {"limit": 3}, {"q": "\"readings\" OR"}]))), True),
    "POST /api/v1/kb/articles": ("agent", lambda r: J("/api/v1/kb/articles", {
        "title": "How to " + uniq(), "body": "1. one\n2. **two** [link](http://x/)\n" + uniq(),
        "tags": ["howto", "meters"], "visibility": random.choice(
            ["public", "customers", "internal"])}), True),
    "GET /api/v1/kb/articles/{id}": ("anonymous", lambda r: J(
        "/api/v1/kb/articles/%d" % r.get("article")), True),
    "PATCH /api/v1/kb/articles/{id}": ("agent", lambda r: J(
        "/api/v1/kb/articles/%d" % r.get("article"),
        {"body": "Updated *body* " + uniq(), "tags": ["meters", "updated"]}), True),
    "GET /api/v1/known-errors": ("customer", lambda r: J("/api/v1/known-errors?limit=5"), True),
    "POST /api/v1/known-errors": ("agent", lambda r: J("/api/v1/known-errors", {
        "title": "KE " + uniq(), "description": "exports fail", "status": "workaround",
        "affected_versions": ["5.2", "5.3"], "workaround": "restart",
        "ticket_ids": [r.get("ticket")]}), True),
    "GET /api/v1/known-errors/{id}": ("agent", lambda r: J(
        "/api/v1/known-errors/%d" % r.get("known_error")), True),
    "PATCH /api/v1/known-errors/{id}": ("agent", lambda r: J(
        "/api/v1/known-errors/%d" % r.get("known_error"),
        {"status": "fixed", "fixed_in_release_id": r.get("release"),
         "description": "fixed " + uniq()}), True),
    "POST /api/v1/known-errors/{id}/tickets": ("agent", lambda r: J(
        "/api/v1/known-errors/%d/tickets" % r.get("known_error"),
        {"ticket_id": r.get("ticket")}), True),
    "POST /api/v1/tickets/{id}/known-error": ("agent", lambda r: J(
        "/api/v1/tickets/%d/known-error" % r.get("org_ticket"),
        {"title": "From request " + uniq(), "affected_versions": ["5.2"]}), True),
    "GET /api/v1/releases": ("customer", lambda r: J("/api/v1/releases?limit=5"), True),
    "POST /api/v1/releases": ("agent", lambda r: J("/api/v1/releases", {
        "version": "8.%d.0" % UNIQ.next(), "kind": "patch", "notes": "- fix " + uniq()}), True),
    "GET /api/v1/releases/{id}": ("agent", lambda r: J("/api/v1/releases/%d" % r.get("release")),
                                  True),
    "POST /api/v1/releases/{id}/publish": ("agent", lambda r: J(
        "/api/v1/releases/%d/publish" % r.get("release")), True),
    "GET /api/v1/installations": ("customer", lambda r: J("/api/v1/installations?limit=5"),
                                  True),
    "POST /api/v1/installations": ("agent", lambda r: J("/api/v1/installations", {
        "organization_id": WORLD.ids["customer2_org"], "name": "Inst " + uniq(),
        "hosting": "customer_hosted", "version": "5.3"}), True),
    "GET /api/v1/installations/{id}": ("agent", lambda r: J(
        "/api/v1/installations/%d" % r.get("installation")), True),
    "GET /api/v1/installations/{id}/changes": ("customer", lambda r: J(
        "/api/v1/installations/%d/changes?limit=5" % r.get("installation")), True),
    "POST /api/v1/installations/{id}/changes": ("agent", lambda r: J(
        "/api/v1/installations/%d/changes" % r.get("installation"),
        {"what": "upgrade " + uniq(), "documentation": "runbook", "version": "5.%d" % (
            4 + UNIQ.next())}), True),
    "GET /kb/": ("anonymous", lambda r: J("/kb/?q=meters"), True),
    "GET /kb/{id}": ("anonymous", lambda r: J("/kb/%d" % r.get("article")), True),
    # issue 16: add-ons and the yearly invoice, quote requests, hot-fix files, remote access,
    # maintenance windows, monitoring alerts; issue 15: the audit log, password resets
    "GET /api/v1/organizations/{id}/add-ons": ("customer", lambda r: J(
        "/api/v1/organizations/%d/add-ons" % WORLD.ids["customer_org"]), True),
    "POST /api/v1/organizations/{id}/add-ons": ("agent", lambda r: J(
        "/api/v1/organizations/%d/add-ons" % WORLD.ids["customer2_org"],
        {"service_id": WORLD.ids["api_access_service"], "starts_on": day(-r.n % 300),
         "ends_on": day(400), "currency": "EUR", "annual_price": 5000, "note": "<b>" + uniq()}),
        True),
    "GET /api/v1/add-ons/{id}": ("agent", lambda r: J("/api/v1/add-ons/%d" % r.get("addon")), True),
    "PATCH /api/v1/add-ons/{id}": ("agent", lambda r: J(
        "/api/v1/add-ons/%d" % r.get("addon"), {"annual_price": 12000, "note": uniq()}), True),
    "POST /api/v1/organizations/{id}/invoices/yearly": ("agent", lambda r: (
        r.get("addon"), J("/api/v1/organizations/%d/invoices/yearly" % WORLD.ids["customer2_org"],
                          year_period()))[1], True),
    "GET /api/v1/supplemental-services": ("customer", lambda r: J(
        "/api/v1/supplemental-services"), True),
    "POST /api/v1/quote-requests": ("customer", lambda r: J("/api/v1/quote-requests", {
        "service": random.choice(["system_migrations", "operator_training"]),
        "note": "for <i>2027</i> " + uniq()}), True),
    "POST /api/v1/releases/{id}/files": ("agent", lambda r: (
        "/api/v1/releases/%d/files?filename=%s" % (r.get("release"),
                                                   urllib.parse.quote("hotfix %s.zip" % uniq())),
        "PK " + uniq(), "application/zip"), True),
    "GET /api/v1/releases/{id}/files": ("agent", lambda r: J(
        "/api/v1/releases/%d/files" % r.get("release")), True),
    "GET /api/v1/release-files/{id}": ("customer", lambda r: J(
        "/api/v1/release-files/%d" % r.get("published_file")), True),
    "GET /api/v1/installations/{id}/remote-access": ("agent", lambda r: J(
        "/api/v1/installations/%d/remote-access" % r.get("installation")), True),
    "POST /api/v1/installations/{id}/remote-access": ("agent", lambda r: J(
        "/api/v1/installations/%d/remote-access" % r.get("installation"),
        {"method": "vpn", "host": "vpn.example", "secret": "pw-" + uniq()}), True),
    "GET /api/v1/remote-access/{id}": ("agent", lambda r: J(
        "/api/v1/remote-access/%d" % r.get("remote_access")), True),
    "PATCH /api/v1/remote-access/{id}": ("agent", lambda r: J(
        "/api/v1/remote-access/%d" % r.get("remote_access"),
        {"notes": "rotated " + uniq(), "secret": "pw2-" + uniq()}), True),
    "DELETE /api/v1/remote-access/{id}": ("agent", lambda r: J(
        "/api/v1/remote-access/%d" % r.objs.pop("remote_access", None) if "remote_access" in
        r.objs else "/api/v1/remote-access/%d" % mk_remote_access(r)), False),
    "GET /api/v1/maintenance-windows": ("customer", lambda r: J(
        "/api/v1/maintenance-windows?limit=5"), True),
    "POST /api/v1/maintenance-windows": ("agent", lambda r: J("/api/v1/maintenance-windows", {
        "organization_id": WORLD.ids["customer_org"],
        "starts_at": (datetime.now(timezone.utc) + timedelta(days=20)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"),
        "ends_at": (datetime.now(timezone.utc) + timedelta(days=20, hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"), "summary": "All hosted " + uniq()}), True),
    "GET /api/v1/maintenance-windows/{id}": ("agent", lambda r: J(
        "/api/v1/maintenance-windows/%d" % r.get("window")), True),
    "PATCH /api/v1/maintenance-windows/{id}": ("agent", lambda r: J(
        "/api/v1/maintenance-windows/%d" % r.get("window"), {"details": "moved " + uniq()}), True),
    "POST /api/v1/maintenance-windows/{id}/complete": ("agent", lambda r: J(
        "/api/v1/maintenance-windows/%d/complete" % r.objs.pop("window", None)
        if "window" in r.objs else "/api/v1/maintenance-windows/%d/complete" % mk_window(r)),
        False),
    "GET /api/v1/alerts": ("agent", lambda r: J("/api/v1/alerts?limit=5"), True),
    "POST /api/v1/alerts": ("agent", lambda r: J("/api/v1/alerts", {
        "fingerprint": "disk:%d" % (r.n % 7), "summary": "Disk full " + uniq(),
        "severity": random.choice(["critical", "minor", "warning", "C"]),
        "organization_id": WORLD.ids["customer_org"],
        "status": random.choice(["firing", "firing", "resolved"])}), True),
    "POST /api/v1/chats": ("customer", lambda r: J("/api/v1/chats", {
        "subject": "Chat " + uniq(), "body": "<b>hello</b> " + uniq()}), True),
    "GET /api/v1/chats": ("agent", lambda r: J("/api/v1/chats?" + random.choice(
        ["status=waiting&limit=5", "status=active", "status=closed&limit=3", "limit=2"])), True),
    "GET /api/v1/chats/{id}": ("customer", lambda r: J("/api/v1/chats/%d" % r.get("chat")), True),
    "POST /api/v1/chats/{id}/messages": ("customer", lambda r: J(
        "/api/v1/chats/%d/messages" % r.get("chat"), {"body": "line " + uniq()}), True),
    "GET /api/v1/chats/{id}/messages": ("customer", lambda r: J(
        "/api/v1/chats/%d/messages" % r.get("chat")), True),
    "POST /api/v1/chats/{id}/accept": ("agent", lambda r: J(
        "/api/v1/chats/%d/accept" % mk_chat(r)), True),
    "POST /api/v1/chats/{id}/close": ("customer", lambda r: J(
        "/api/v1/chats/%d/close" % mk_chat(r)), True),
    "POST /api/v1/tickets/{id}/merge": ("agent", lambda r: J(
        "/api/v1/tickets/%d/merge" % mk_ticket(r), {"into_id": r.get("ticket")}), True),
    "POST /api/v1/tickets/{id}/links": ("agent", lambda r: J(
        "/api/v1/tickets/%d/links" % r.get("ticket"),
        {"ticket_id": r.get("org_ticket"), "kind": random.choice(["related", "parent", "child"])}),
        True),
    "GET /api/v1/tickets/{id}/links": ("customer", lambda r: J(
        "/api/v1/tickets/%d/links" % r.get("ticket")), True),
    "POST /api/v1/installation-changes/{id}/approve": ("customer", lambda r: J(
        "/api/v1/installation-changes/%d/approve" % mk_proposed_change(r), {}), False),
    "POST /api/v1/installation-changes/{id}/decline": ("customer", lambda r: J(
        "/api/v1/installation-changes/%d/decline" % mk_proposed_change(r),
        {"reason": "not now " + uniq()}), False),
    # after=0: the events from the start at once (a cursor of now would be held ~25 s)
    "GET /api/v1/events": ("customer", lambda r: J("/api/v1/events?after=%d" % (r.n % 50)), True),
    "GET /api/v1/agreements/{id}/years": ("customer", lambda r: J(
        "/api/v1/agreements/%d/years" % r.get("enhanced")), True),
    "POST /api/v1/agreements/{id}/requirements": ("agent", lambda r: J(
        "/api/v1/agreements/%d/requirements" % r.get("enhanced"),
        {"year_start": day(-40), "scope": "upgrade <b>5.3</b> " + uniq(), "assumptions": "VPN",
         "schedule": "Q1", "roles": "Agnes leads"}), True),
    "GET /api/v1/canned-replies": ("agent", lambda r: J("/api/v1/canned-replies"), True),
    "POST /api/v1/canned-replies": ("agent", lambda r: J("/api/v1/canned-replies", {
        "title": "Snippet " + uniq(), "body": "Hello {{requester_name}} <b>" + uniq()}), True),
    "GET /api/v1/canned-replies/{id}": ("agent", lambda r: J(
        "/api/v1/canned-replies/%d?ticket_id=%d" % (r.get("canned"), r.get("ticket"))), True),
    "PATCH /api/v1/canned-replies/{id}": ("agent", lambda r: J(
        "/api/v1/canned-replies/%d" % r.get("canned"), {"body": "Hi {{agent_name}} " + uniq()}),
        True),
    "DELETE /api/v1/canned-replies/{id}": ("agent", lambda r: J(
        "/api/v1/canned-replies/%d" % (r.objs.pop("canned") if "canned" in r.objs
                                       else mk_canned(r))), False),
    "GET /api/v1/audit-log": ("admin", lambda r: J("/api/v1/audit-log?" + urllib.parse.urlencode(
        random.choice([{"limit": 5}, {"entity": "ticket", "limit": 3},
                       {"actor_id": WORLD.ids["agent"], "from": day(-1)}]))), True),
    "GET /api/v1/outbox": ("admin", lambda r: J("/api/v1/outbox?" + urllib.parse.urlencode(
        random.choice([{"limit": 5}, {"state": "pending", "limit": 3},
                       {"ticket_id": r.get("ticket"), "kind": "received"}]))), True),
    "POST /api/v1/tickets/{id}/triage": ("agent", lambda r: J(
        "/api/v1/tickets/%d/triage" % mk_triage_ticket(r),
        {"organization_id": WORLD.ids["customer_org"], "add_contact": random.random() < 0.5}),
        True),
    "GET /api/v1/tickets/{id}/followers": ("customer", lambda r: J(
        "/api/v1/tickets/%d/followers" % r.get("ticket")), True),
    "POST /api/v1/tickets/{id}/watchers": ("agent", lambda r: J(
        "/api/v1/tickets/%d/watchers" % r.get("ticket"),
        {"user_id": random.choice([WORLD.ids["agent"], WORLD.ids["agent2"]])}), True),
    "DELETE /api/v1/tickets/{id}/watchers/{user_id}": ("agent", lambda r: J(
        "/api/v1/tickets/%d/watchers/%d" % (r.get("ticket"), WORLD.ids["agent2"])), True),
    "POST /api/v1/tickets/{id}/cc": ("customer", lambda r: J(
        "/api/v1/tickets/%d/cc" % r.get("ticket"), {"email": "cc-%s@nordvand.demo" % uniq()}),
        True),
    "DELETE /api/v1/tickets/{id}/cc": ("customer", lambda r: J(
        "/api/v1/tickets/%d/cc?email=%s" % (r.get("ticket"), "gone@nordvand.demo")), True),
    "POST /api/v1/password-resets": ("anonymous", lambda r: J("/api/v1/password-resets", {
        "email": random.choice([r.get("user")["email"], "nobody-%s@example.test" % uniq()])}),
        True),
    "POST /api/v1/password-resets/{token}": ("anonymous", lambda r: (lambda t: J(
        "/api/v1/password-resets/" + t, {"password": reset_password(r, t)}))(
        r.get("reset_token")), False),
    "GET /api/v1/reports/sla": ("customer", lambda r: J(
        "/api/v1/reports/sla?from=%s&to=%s" % (day(-60), day(0))), True),
}


# ---------------------------------------------------------------------------------------------
# PAGES: every page route of src/http/routes.c that is not an operation of the document.
# GET entries: (role, path builder); POST entries: (role, source page, action, values, files).


def form_file(name="notes.txt"):
    return {"file": ("%s %s" % (uniq(), name), "text/plain", "a file " + uniq())}


def ics_file():
    return {"ics": ("holidays.ics", "text/calendar",
                    ICS % (uniq(), (TODAY + timedelta(days=300 + UNIQ.next() % 60))
                           .strftime("%Y%m%d"), uniq()))}


PAGE_GETS = {
    "GET /": ("customer", lambda r: "/"),
    "GET /login": ("anonymous", lambda r: "/login"),
    "GET /static/svcdesk.css": ("anonymous", lambda r: "/static/svcdesk.css"),
    "GET /static/svcdesk.js": ("anonymous", lambda r: "/static/svcdesk.js"),
    "GET /portal/": ("customer", lambda r: "/portal/?status=open"),
    "GET /portal/requests/new": ("customer", lambda r: "/portal/requests/new"),
    "GET /portal/requests/{id}": ("customer", lambda r: "/portal/requests/%d" % r.get("ticket")),
    "GET /portal/attachments/{id}": ("customer", lambda r: "/portal/attachments/%d"
                                     % r.get("attachment")),
    "GET /portal/service-levels": ("customer", lambda r: "/portal/service-levels"),
    "GET /portal/agreements": ("customer", lambda r: "/portal/agreements"),
    "GET /portal/agreements/{id}": ("customer", lambda r: "/portal/agreements/%d"
                                    % r.get("enhanced")),
    "GET /portal/responsibilities": ("customer", lambda r: "/portal/responsibilities"),
    "GET /portal/catalogue": ("customer", lambda r: "/portal/catalogue"),
    "GET /portal/releases": ("customer", lambda r: "/portal/releases"),
    "GET /portal/kb": ("customer", lambda r: "/portal/kb?q=meters"),
    "GET /portal/invoices": ("customer", lambda r: "/portal/invoices"),
    "GET /desk/agreements": ("agent", lambda r: "/desk/agreements?organization_id=%d"
                             % WORLD.ids["customer_org"]),
    "GET /desk/agreements/new": ("agent", lambda r: "/desk/agreements/new"),
    "GET /desk/agreements/{id}": ("agent", lambda r: "/desk/agreements/%d" % r.get("advanced")),
    "GET /desk/": ("agent", lambda r: "/desk/?" + urllib.parse.urlencode(random.choice(
        [{}, {"status": "new"}, {"severity": "A"}, {"q": "Meter"}, {"assignee": "me"}]))),
    "GET /desk/tickets/new": ("agent", lambda r: "/desk/tickets/new"),
    "GET /desk/tickets/{id}": ("agent", lambda r: "/desk/tickets/%d" % r.get("ticket")),
    "GET /desk/reports": ("agent", lambda r: "/desk/reports?from=%s&to=%s" % (day(-90), day(0))),
    "GET /desk/reports/sla.csv": ("agent", lambda r: "/desk/reports/sla.csv"),
    "GET /desk/reports/hours.csv": ("agent", lambda r: "/desk/reports/hours.csv"),
    "GET /desk/kb": ("agent", lambda r: "/desk/kb"),
    "GET /desk/kb/{id}": ("agent", lambda r: "/desk/kb/%d" % r.get("article")),
    "GET /desk/releases": ("agent", lambda r: "/desk/releases"),
    "GET /desk/installations": ("agent", lambda r: "/desk/installations"),
    "GET /desk/installations/{id}": ("agent", lambda r: desk_inst(r)),
    "GET /desk/known-errors": ("agent", lambda r: random.choice(
        ["/desk/known-errors", "/desk/known-errors?cursor="])),
    "GET /desk/known-errors/{id}": ("agent", lambda r: "/desk/known-errors/%d" % r.get(
        "known_error")),
    "GET /desk/attachments/{id}": ("agent", lambda r: "/desk/attachments/%d"
                                   % r.get("attachment")),
    "GET /desk/admin/": ("admin", lambda r: "/desk/admin/"),
    "GET /desk/admin/users": ("admin", lambda r: "/desk/admin/users"),
    "GET /desk/admin/users/{id}": ("admin", lambda r: "/desk/admin/users/%d"
                                   % r.get("user")["id"]),
    "GET /desk/admin/organizations": ("admin", lambda r: "/desk/admin/organizations"),
    "GET /desk/admin/calendars": ("admin", lambda r: "/desk/admin/calendars"),
    "GET /desk/admin/calendars/{id}": ("admin", lambda r: "/desk/admin/calendars/%d"
                                       % r.get("calendar")),
    "GET /desk/admin/policies": ("admin", lambda r: "/desk/admin/policies"),
    "GET /desk/admin/policies/{id}": ("admin", lambda r: "/desk/admin/policies/%d"
                                      % r.get("policy")),
    "GET /desk/admin/rasci": ("admin", lambda r: "/desk/admin/rasci"),
    "GET /desk/admin/catalogue": ("admin", lambda r: "/desk/admin/catalogue"),
    "GET /account/password": ("customer", lambda r: "/account/password"),
    "GET /portal/release-files/{id}": ("customer", lambda r: "/portal/release-files/%d"
                                       % r.get("published_file")),
    "GET /desk/release-files/{id}": ("agent", lambda r: "/desk/release-files/%d"
                                     % r.get("release_file")),
    "GET /portal/maintenance": ("customer", lambda r: "/portal/maintenance"),
    "GET /portal/changes": ("customer", lambda r: "/portal/changes"),
    "GET /portal/chat": ("customer", lambda r: random.choice(
        ["/portal/chat", "/portal/chat?chat=%d" % r.get("chat")])),
    "GET /desk/chats": ("agent", lambda r: "/desk/chats"),
    "GET /static/chat.js": ("anonymous", lambda r: "/static/chat.js"),
    "GET /desk/admin/audit": ("admin", lambda r: "/desk/admin/audit?entity=ticket"),
    "GET /desk/admin/outbox": ("admin", lambda r: "/desk/admin/outbox?state=" + random.choice(
        ["", "pending", "sent"])),
    "GET /login/forgot": ("anonymous", lambda r: "/login/forgot"),
    "GET /reset/{token}": ("anonymous", lambda r: "/reset/" + r.get("reset_token")),
}


def P(role, source, action, values, files=None):
    return (role, source, action, values, files)


def desk_inst(r):
    return "/desk/installations/%d" % r.get("installation")


def window_form(r, days):
    """A maintenance window's form, times typed as the desk's "YYYY-MM-DD HH:MM" (UTC)."""
    start = datetime.now(timezone.utc) + timedelta(days=days, minutes=r.n % 600)
    return {"starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "summary": "Page <i>window</i> " + uniq(), "details": "soak"}


def desk_agr(r, name="advanced"):
    a = r.get(name)
    return "/desk/agreements/%d" % a


PAGE_POSTS = {
    "POST /login": lambda r: ("login", None),
    "POST /logout": lambda r: ("logout", None),
    "POST /portal/requests": lambda r: P(
        "customer", "/portal/requests/new", "/portal/requests",
        {"subject": "<b>Meter</b> " + uniq(), "body": "since \"06:00\"", "severity": "B",
         "type": "error"}, form_file()),
    "POST /portal/requests/{id}/reply": lambda r: P(
        "customer", "/portal/requests/%d" % r.get("ticket"),
        "/portal/requests/%d/reply" % r.get("ticket"), {"body": "more detail " + uniq()},
        form_file()),
    "POST /portal/requests/{id}/escalate": lambda r: P(
        "customer", "/portal/requests/%d" % r.get("ticket"),
        "/portal/requests/%d/escalate" % r.get("ticket"), {"reason": "stopped " + uniq()}),
    "POST /portal/requests/{id}/status": lambda r: P(
        "customer", "/portal/requests/%d" % r.get("resolved_ticket"),
        "/portal/requests/%d/status" % r.get("resolved_ticket"),
        {"status": random.choice(["in_progress", "closed"])}),
    "POST /portal/agreements/{id}/accept": lambda r: (lambda a: P(
        "customer", "/portal/agreements/%d" % a, "/portal/agreements/%d/accept" % a,
        {"name": "Soak " + uniq()}))(mk_advanced_quoted(r)),
    "POST /portal/agreements/{id}/change-orders/{cid}/accept": lambda r: P(
        "customer", "/portal/agreements/%d" % r.get("enhanced"),
        "/portal/agreements/%d/change-orders/%d/accept" % (r.get("enhanced"), mk_change_order(r)),
        {"name": "Soak " + uniq()}),
    "POST /desk/agreements": lambda r: P(
        "agent", "/desk/agreements/new", "/desk/agreements",
        {"organization_id": str(WORLD.ids["customer2_org"]), "kind": "advanced",
         "starts_on": day(1), "ends_on": day(300), "currency": "EUR", "rate": "1.250,50", "invoicing": "end",
         "per_diem_rate": "800",
         "services": "operator_training"}),
    "POST /desk/agreements/{id}": lambda r: (lambda a: P(
        "agent", "/desk/agreements/%d" % a, "/desk/agreements/%d" % a,
        {"terms_form": "1", "rate": str(100 + r.n % 50), "ends_on": day(400),
         "services": "annual_health_checks"}))(mk_advanced_quoted(r)),
    "POST /desk/agreements/{id}/quote": lambda r: P(
        "agent", desk_agr(r, "advanced_draft"), desk_agr(r, "advanced_draft") + "/quote",
        {"amount": "24000.50", "valid_until": day(25)}),
    "POST /desk/agreements/{id}/sign": lambda r: P(
        "agent", desk_agr(r, "advanced_quoted"), desk_agr(r, "advanced_quoted") + "/sign", {}),
    "POST /desk/agreements/{id}/cancel": lambda r: P(
        "agent", desk_agr(r, "enhanced"), desk_agr(r, "enhanced") + "/cancel",
        {"notice_given_on": day(0)}),
    "POST /desk/agreements/{id}/change-orders": lambda r: P(
        "agent", desk_agr(r, "enhanced"), desk_agr(r, "enhanced") + "/change-orders",
        {"hours": "12.5", "reason": "<i>extra</i> " + uniq(), "applies_to": "current_year"}),
    "POST /desk/agreements/{id}/change-orders/{cid}/sign": lambda r: P(
        "agent", desk_agr(r, "enhanced"),
        "%s/change-orders/%d/sign" % (desk_agr(r, "enhanced"), mk_change_order(r)), {}),
    "POST /desk/agreements/{id}/bookings": lambda r: P(
        "agent", desk_agr(r), desk_agr(r) + "/bookings",
        {"user_id": WORLD.ids["agent"], "starts_on": day(50), "ends_on": day(52),
         "overlap_reason": "soak"}),
    "POST /desk/agreements/{id}/bookings/{bid}/reschedule": lambda r: P(
        "agent", desk_agr(r), "%s/bookings/%d/reschedule" % (desk_agr(r), mk_booking(r)),
        {"starts_on": day(60), "ends_on": day(61), "cost": "89.00", "cost_note": "fee " + uniq(),
         "overlap_reason": "soak"}),
    "POST /desk/agreements/{id}/time": lambda r: P(
        "agent", desk_agr(r), desk_agr(r) + "/time",
        {"minutes": "75", "kind": "included", "on": day(0), "note": "<script>n</script>"}),
    "POST /desk/agreements/{id}/expenses": lambda r: P(
        "agent", desk_agr(r), desk_agr(r) + "/expenses",
        {"kind": "actual", "amount": "12.50", "note": "train " + uniq(), "on": day(0)}),
    "POST /desk/agreements/{id}/invoices": lambda r: P(
        "agent", desk_agr(r), desk_agr(r) + "/invoices",
        dict(zip(("period_start", "period_end"), month_bounds(-2)))),
    "POST /desk/tickets": lambda r: P(
        "agent", "/desk/tickets/new", "/desk/tickets",
        {"organization_id": WORLD.ids["customer_org"], "requester_id": WORLD.ids["customer"],
         "channel": "phone", "type": "assistance", "severity": "D",
         "received_at": day(-1) + "T09:30", "subject": "Phone: " + uniq(), "body": "called"},
        form_file()),
    "POST /desk/tickets/{id}/reply": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"), "/desk/tickets/%d/reply" % r.get("ticket"),
        {"body": "We are on it " + uniq()}, form_file()),
    "POST /desk/tickets/{id}/triage": lambda r: (lambda t: P(
        "agent", "/desk/tickets/%d" % t, "/desk/tickets/%d/triage" % t,
        {"organization_id": WORLD.ids["customer_org"], "add_contact": "1",
         "contact_name": "Stranger " + uniq()}))(mk_triage_ticket(r)),
    "POST /desk/tickets/{id}/links": lambda r: (lambda a, b: P(
        "agent", "/desk/tickets/%d" % a, "/desk/tickets/%d/links" % a,
        {"ticket_id": b, "kind": random.choice(["related", "parent", "child"])}))(
            mk_ticket(r), mk_ticket(r)),
    "POST /desk/tickets/{id}/merge": lambda r: (lambda a, b: P(
        "agent", "/desk/tickets/%d" % a, "/desk/tickets/%d/merge" % a, {"into_id": b}))(
            mk_ticket(r), mk_ticket(r)),
    "POST /desk/tickets/{id}/watch": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"), "/desk/tickets/%d/watch" % r.get("ticket"),
        {"on": random.choice(["0", "1"])}),
    "POST /desk/tickets/{id}/cc": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"), "/desk/tickets/%d/cc" % r.get("ticket"),
        {"email": "desk-cc-%s@nordvand.demo" % uniq()}),
    "POST /desk/tickets/{id}/replying": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"),
        "/desk/tickets/%d/replying" % r.get("ticket"),
        {"state": random.choice(["typing", "typing", "done"])}),
    "POST /desk/tickets/{id}/escalate": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"),
        "/desk/tickets/%d/escalate" % r.get("ticket"), {"reason": "staff escalate " + uniq()}),
    "POST /desk/tickets/{id}/update": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"), "/desk/tickets/%d/update" % r.get("ticket"),
        {"status": random.choice(["in_progress", "waiting_customer"]), "severity": "C",
         "assignee_id": WORLD.ids["agent2"]}),
    "POST /desk/tickets/{id}/time": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"), "/desk/tickets/%d/time" % r.get("ticket"),
        {"minutes": "45", "kind": "billable", "note": "call " + uniq()}),
    "POST /desk/tickets/{id}/known-error": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"),
        "/desk/tickets/%d/known-error" % r.get("ticket"), {"known_error_id": r.get("known_error")}),
    "POST /desk/tickets/{id}/root-cause": lambda r: P(
        "agent", "/desk/tickets/%d" % r.get("ticket"),
        "/desk/tickets/%d/root-cause" % r.get("ticket"),
        {"root_cause": "<b>race</b> " + uniq(), "release_id": r.get("release")}),
    "POST /desk/kb": lambda r: P(
        "agent", "/desk/kb", "/desk/kb",
        {"title": "Desk article " + uniq(), "body": "*x* " + uniq(), "tags": "a, b",
         "visibility": "customers"}),
    "POST /desk/kb/{id}": lambda r: P(
        "agent", "/desk/kb/%d" % r.get("article"), "/desk/kb/%d" % r.get("article"),
        {"title": "Edited " + uniq(), "body": "## edited\n" + uniq(), "visibility": "public"}),
    "POST /desk/releases": lambda r: P(
        "agent", "/desk/releases", "/desk/releases",
        {"version": "7.%d.0" % UNIQ.next(), "kind": "minor", "released_on": day(0),
         "notes": "<script>z</script> " + uniq()}),
    "POST /desk/releases/{id}/publish": lambda r: P(
        "agent", "/desk/releases", "/desk/releases/%d/publish" % mk_release(r), {}),
    # issue 16: installations, maintenance windows and remote access on the desk
    "POST /desk/installations/{id}/maintenance": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/maintenance", window_form(r, 12)),
    "POST /desk/installations/{id}/maintenance/{wid}": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/maintenance/%d" % r.get("window"),
        window_form(r, 14)),
    "POST /desk/installations/{id}/maintenance/{wid}/complete": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/maintenance/%d/complete" % mk_window(r), {}),
    "POST /desk/installations/{id}/remote-access": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/remote-access",
        {"method": "vpn", "host": "vpn-%s.example" % uniq(), "username": "<b>ops</b>",
         "notes": "<script>n</script>", "secret": "page-s3cret-" + uniq()}),
    "POST /desk/installations/{id}/remote-access/{rid}": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/remote-access/%d" % r.get("remote_access"),
        {"method": "ssh", "host": "ssh-%s.example" % uniq(), "username": "ops", "notes": ""}),
    "POST /desk/installations/{id}/remote-access/{rid}/secret": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/remote-access/%d/secret" % r.get("remote_access"),
        {}),
    "POST /desk/installations": lambda r: P(
        "agent", "/desk/installations", "/desk/installations",
        {"organization_id": WORLD.ids["customer_org"], "name": "Page <b>inst</b> " + uniq(),
         "hosting": random.choice(["vendor_hosted", "customer_hosted"]), "version": "5.2"}),
    "POST /desk/installations/{id}/changes": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/changes",
        dict({"what": "Page <i>change</i> " + uniq(), "documentation": "<script>d</script>"},
             **random.choice([{}, {"proposed": "1"}, {"version": "5.%d" % (2 + r.n % 5)}]))),
    "POST /desk/installations/{id}/remote-access/{rid}/delete": lambda r: P(
        "agent", desk_inst(r), desk_inst(r) + "/remote-access/%d/delete" % mk_remote_access(r),
        {}),
    "POST /desk/known-errors": lambda r: P(
        "agent", "/desk/known-errors", "/desk/known-errors",
        {"title": "Page <b>KE</b> " + uniq(), "description": "stops <i>at</i> night",
         "status": "workaround", "versions": "5.2, 5.3", "workaround": "restart " + uniq(),
         "fixed_in_release_id": ""}),
    "POST /desk/known-errors/{id}": lambda r: P(
        "agent", "/desk/known-errors/%d" % r.get("known_error"),
        "/desk/known-errors/%d" % r.get("known_error"),
        {"title": "Edited KE " + uniq(), "description": "<script>s</script>",
         "status": random.choice(["investigating", "fixed", "closed"]), "versions": "5.2",
         "workaround": "", "fixed_in_release_id": str(r.get("release"))}),
    "POST /desk/known-errors/{id}/tickets": lambda r: P(
        "agent", "/desk/known-errors/%d" % r.get("known_error"),
        "/desk/known-errors/%d/tickets" % r.get("known_error"), {"ticket_id": r.get("ticket")}),
    "POST /desk/admin/catalogue/{id}/retired": lambda r: P(
        "admin", "/desk/admin/catalogue", "/desk/admin/catalogue/%d/retired" % mk_service(r),
        {"retired": random.choice(["1", "0"])}),
    "POST /desk/agreements/{id}/representative": lambda r: P(
        "agent", desk_agr(r, "enhanced"), desk_agr(r, "enhanced") + "/representative",
        {"representative_id": random.choice([str(WORLD.ids["agent"]), ""])}),
    "POST /desk/admin/organizations/{id}/account-executive": lambda r: P(
        "admin", "/desk/admin/organizations",
        "/desk/admin/organizations/%d/account-executive" % r.get("org"),
        {"account_executive_id": random.choice([str(WORLD.ids["agent"]), ""])}),
    "POST /desk/admin/users": lambda r: P(
        "admin", "/desk/admin/users", "/desk/admin/users",
        {"email": uniq() + "@lillea.demo", "name": "Nina <script>" + uniq(), "role": "customer",
         "organization_id": WORLD.ids["customer3_org"], "password": "soak-pass-" + uniq()}),
    "POST /desk/admin/users/{id}/password": lambda r: P(
        "admin", None, "/desk/admin/users/%d/password" % mk_user(r)["id"],
        {"password": "reset-pass-" + uniq()}),
    "POST /desk/admin/users/{id}/disabled": lambda r: (lambda u: P(
        "admin", "/desk/admin/users/%d" % u, "/desk/admin/users/%d/disabled" % u,
        {"disabled": "1"}))(mk_user(r)["id"]),
    "POST /desk/admin/users/{id}/sign-out": lambda r: (lambda u: P(
        "admin", "/desk/admin/users/%d" % u, "/desk/admin/users/%d/sign-out" % u, {}))(
        mk_user(r)["id"]),
    "POST /desk/admin/organizations": lambda r: P(
        "admin", "/desk/admin/organizations", "/desk/admin/organizations",
        {"name": "Page org " + uniq(), "domains": uniq() + ".soak, " + uniq() + ".soak"}),
    "POST /desk/admin/organizations/{id}": lambda r: P(
        "admin", "/desk/admin/organizations", "/desk/admin/organizations/%d" % r.get("org"),
        {"name": "Renamed <i>org</i> " + uniq(), "domains": uniq() + ".soak"}),
    "POST /desk/admin/calendars": lambda r: P(
        "admin", "/desk/admin/calendars", "/desk/admin/calendars",
        {"name": "Page cal " + uniq(), "definition": json.dumps(
            {"timezone": "Europe/Copenhagen", "hours": HOURS})}),
    "POST /desk/admin/calendars/{id}/holidays": lambda r: P(
        "admin", "/desk/admin/calendars/%d" % r.get("calendar"),
        "/desk/admin/calendars/%d/holidays" % r.get("calendar"), {}, ics_file()),
    "POST /desk/admin/calendars/{id}": lambda r: (lambda c: P(
        "admin", "/desk/admin/calendars/%d" % c, "/desk/admin/calendars/%d" % c,
        {"name": "Edited <b>cal</b> " + uniq(), "timezone": "Europe/Copenhagen",
         "mon_open": "1", "mon_slots": "3", "mon_from_0": "08:00", "mon_to_0": "12:00",
         "mon_from_1": "13:00", "mon_to_1": "16:30", "fri_open": "1", "fri_slots": "3",
         "fri_from_0": "08:00", "fri_to_0": "14:30"}))(mk_calendar(r)),
    "POST /desk/admin/calendars/{id}/holiday": lambda r: (lambda c: P(
        "admin", "/desk/admin/calendars/%d" % c, "/desk/admin/calendars/%d/holiday" % c,
        random.choice([{"new_day": day(200 + r.n % 300)},
                       {"day": day(100), "new_day": day(101)},
                       {"day": day(100), "remove": "1"}])))(mk_calendar(r)),
    "POST /desk/admin/policies": lambda r: P(
        "admin", "/desk/admin/policies", "/desk/admin/policies",
        {"name": "Page pol " + uniq(), "calendar_id": WORLD.ids["calendar"], "warn_at": "0.5",
         "response_A": "2", "response_B": "4.5"}),
    "POST /desk/admin/policies/{id}": lambda r: (lambda p: P(
        "admin", "/desk/admin/policies/%d" % p, "/desk/admin/policies/%d" % p,
        {"name": "Edited <b>pol</b> " + uniq(), "calendar_id": WORLD.ids["calendar"],
         "warn_at": "0.8", "A_response": "3", "B_update": "10", "enhancement_resolution": "200",
         "escalation_emails": "boss@lillea.demo\nops@lillea.demo"}))(r.get("policy")),
    "POST /desk/admin/rasci": lambda r: P(
        "admin", "/desk/admin/rasci", "/desk/admin/rasci",
        {"name": "Page RASCI " + uniq(), "rows": "Backups | I | A/R\nPatching <b>now</b> | A | R"}),
    "POST /desk/admin/catalogue": lambda r: P(
        "admin", "/desk/admin/catalogue", "/desk/admin/catalogue",
        {"name": "Page <b>service</b> " + uniq(), "vendor_inclusion": "included",
         "customer_inclusion": random.choice(["add_on", "not_offered"]),
         "customer_comment": "on <i>request</i>"}),
    "POST /desk/admin/catalogue/{id}": lambda r: P(
        "admin", "/desk/admin/catalogue", "/desk/admin/catalogue/%d" % r.get("service"),
        dict({"vendor_inclusion": "included", "customer_inclusion": "add_on",
              "customer_comment": "<script>alert(2)</script> " + uniq()},
             **random.choice([{}, {"name": "Renamed <i>svc</i> " + uniq(),
                                   "position": str(1 + r.n % 50)}]))),
    "POST /account/password": lambda r: ("password", None),
    "POST /account/time-zone": lambda r: P(
        random.choice(["agent", "customer"]), "/account/password", "/account/time-zone",
        {"time_zone": random.choice(["Europe/Copenhagen", "America/New_York", "UTC", ""])}),
    "POST /account/language": lambda r: P(
        random.choice(["agent", "customer"]), "/account/password", "/account/language",
        {"language": random.choice(["da", "en", ""])}),
    "POST /desk/agreements/{id}/requirements": lambda r: P(
        "agent", desk_agr(r, "enhanced"), desk_agr(r, "enhanced") + "/requirements",
        {"year_start": day(-40), "scope": "form " + uniq(), "assumptions": "", "schedule": "",
         "roles": ""}),
    "POST /portal/changes/{id}/approve": lambda r: (lambda c: P(
        "customer", "/portal/changes", "/portal/changes/%d/approve" % c, {}))(
        mk_proposed_change(r)),
    "POST /portal/changes/{id}/decline": lambda r: (lambda c: P(
        "customer", "/portal/changes", "/portal/changes/%d/decline" % c,
        {"reason": "later " + uniq()}))(mk_proposed_change(r)),
    "POST /portal/chat": lambda r: P(
        "customer", "/portal/chat", "/portal/chat",
        {"subject": "Form chat " + uniq(), "body": "<i>typed</i> " + uniq()}),
    "POST /portal/chat/{id}/messages": lambda r: P(
        "customer", "/portal/chat?chat=%d" % r.get("chat"),
        "/portal/chat/%d/messages" % r.get("chat"), {"body": "form line " + uniq()}),
    "POST /portal/chat/{id}/close": lambda r: (lambda c: P(
        "customer", "/portal/chat?chat=%d" % c, "/portal/chat/%d/close" % c, {}))(mk_chat(r)),
    "POST /desk/chats/{id}/accept": lambda r: (lambda c: P(
        "agent", "/desk/chats", "/desk/chats/%d/accept" % c, {}))(mk_chat(r)),
    "POST /desk/chats/{id}/messages": lambda r: P(
        "agent", "/desk/chats", "/desk/chats/%d/messages" % r.get("active_chat"),
        {"body": "desk line " + uniq()}),
    "POST /desk/chats/{id}/close": lambda r: (lambda c: P(
        "agent", "/desk/chats", "/desk/chats/%d/close" % c, {}))(mk_active_chat(r)),
    "POST /portal/quote-requests": lambda r: P(
        "customer", "/portal/catalogue", "/portal/quote-requests",
        {"service": "database_migrations", "note": "<b>two</b> " + uniq()}),
    "POST /desk/organizations/{id}/add-ons": lambda r: P(
        "agent", "/desk/agreements?organization_id=%d" % WORLD.ids["customer2_org"],
        "/desk/organizations/%d/add-ons" % WORLD.ids["customer2_org"],
        {"service_id": WORLD.ids["api_access_service"], "starts_on": day(0), "currency": "EUR",
         "annual_price": "99.50", "note": "page " + uniq()}),
    "POST /desk/organizations/{id}/invoices/yearly": lambda r: (r.get("addon"), P(
        "agent", "/desk/agreements?organization_id=%d" % WORLD.ids["customer2_org"],
        "/desk/organizations/%d/invoices/yearly" % WORLD.ids["customer2_org"],
        year_period()))[1],
    "POST /login/forgot": lambda r: P("anonymous", "/login/forgot", "/login/forgot",
                                      {"email": r.get("user")["email"]}),
    "POST /reset/{token}": lambda r: (lambda t: P(
        "anonymous", "/reset/" + t, "/reset/" + t,
        {"password": reset_password(r, t), "password_again": r.get("user")["password"]}))(
        r.get("reset_token")),
}


def route_table():
    """Every route of src/http/routes.c as 'METHOD /path/{id}' with its flags text."""
    text = open(os.path.join(ROOT, "src", "http", "routes.c")).read()
    out = {}
    for m in re.finditer(r'\{"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)",\s*(\w+),\s*(\w+),\s*'
                         r'([^,]+),', text):
        path = re.sub(r":(\w+)", r"{\1}", m.group(2)).replace("/*", "/{token}")
        out["%s %s" % (m.group(1), path)] = m.group(5).strip()
    return out


def document_ops():
    doc = json.load(open(os.path.join(ROOT, "docs", "openapi.json")))
    out = []
    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                out.append("%s %s" % (method.upper(), path))
    return out


# ---------------------------------------------------------------------------------------------
# a round


def as_role(role, r):
    if role == "round_user":
        return r.get("user_token")
    if role == "round_token":
        return r.get("user_token")
    return WORLD.tokens.get(role)


def run_op(key, r, replay):
    role, build, may_replay = OPS[key]
    token = as_role(role, r)  # before the builder: it may change the round user's password
    spec = build(r)
    path, body = spec[0], spec[1]
    ctype = spec[2] if len(spec) > 2 else None
    method = key.split(" ", 1)[0]
    if body is not None and not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    resp = request(method, path, body, ctype, token=token, key=key, ok_expected=True)
    if key in ("DELETE /api/v1/tokens/current", "POST /api/v1/me/password",
               "DELETE /api/v1/users/{id}/sessions"):
        r.objs.pop("user_token", None)  # the token is gone (or a password change ended it)
    if key == "POST /api/v1/tokens" and resp.status in (200, 201):
        t = (resp.json() or {}).get("token")
        if t:  # do not keep live tokens around: end it at once
            request("DELETE", "/api/v1/tokens/current", token=t,
                    key="DELETE /api/v1/tokens/current")
    if replay and may_replay:
        for other in ROLES:
            if other != role:
                request(method, path, body, ctype, token=WORLD.tokens.get(other), key=key)
    # a JSON answer for JSON routes
    if resp.status < 500 and path.startswith("/api/") and resp.status != 204 and \
            not re.search(r"\.(html|pdf|csv)$", path.split("?")[0]) and \
            "/attachments/" not in path[len("/api/v1/tickets"):] and \
            not (path.startswith(("/api/v1/attachments/", "/api/v1/release-files/",
                                  "/api/v1/events")) and resp.status == 200):
        if resp.json() is None and key != "GET /metrics":
            STATS.record(key + " (not JSON)", method, path, 599, resp.body, False)
    if key == "GET /api/v1/tickets" and resp.status == 200:  # follow the cursor once
        nxt = (resp.json() or {}).get("next_cursor")
        if nxt:
            request("GET", "/api/v1/tickets?limit=2&cursor=" + urllib.parse.quote(nxt),
                    token=token, key=key, ok_expected=True)


def run_page(key, r, replay):
    if key in PAGE_GETS:
        role, build = PAGE_GETS[key]
        path = build(r)
        s = WORLD.sessions.get(role) or Session()
        if role == "customer" and r.n % 2:
            s = WORLD.sessions["customer2"] if "{id}" not in key else s
        s.send("GET", path, key, ok_expected=True)
        if replay:
            for other in ROLES:
                if other != role:
                    (WORLD.sessions.get(other) or Session()).send("GET", path, key)
        return
    spec = PAGE_POSTS[key](r)
    if spec[0] == "login":
        s = Session(r.get("user")["email"], r.get("user")["password"])
        s.sign_in()
        r.objs["login_session"] = s
        return
    if spec[0] == "logout":
        s = r.objs.get("login_session") or r.get("user_session")
        s.send("GET", "/portal/", "GET /portal/")
        s.send("POST", "/logout", key, urllib.parse.urlencode({"csrf": s.csrf or ""}),
               "application/x-www-form-urlencoded", ok_expected=True)
        r.objs.pop("login_session", None)
        r.objs.pop("user_session", None)
        return
    if spec[0] == "password":
        s = r.get("user_session")
        u = r.get("user")
        new = "soak-new-" + uniq()
        resp = s.post_form(key, "/account/password", "/account/password",
                           {"old_password": u["password"], "new_password": new,
                            "new_password_again": new})
        if resp.status < 400:
            u["password"] = new
        r.objs.pop("user_session", None)
        r.objs.pop("user_token", None)
        return
    role, source, action, values, files = spec
    s = Session() if role == "anonymous" else WORLD.sessions[role]
    s.post_form(key, source, action, values, files)
    if replay:  # as nobody (no session: sign-in asked for) and without the token (403)
        body = urllib.parse.urlencode(values)
        Session().send("POST", action, key, body, "application/x-www-form-urlencoded")
        request("POST", action, body, "application/x-www-form-urlencoded",
                cookies=s.cookies, key=key)


class Gate:
    """Parks the workers between requests so that the server can be measured at rest."""

    def __init__(self, n):
        self.cv = threading.Condition()
        self.n = n
        self.parked = 0
        self.paused = False

    def check(self):
        with self.cv:
            if not self.paused:
                return
            self.parked += 1
            self.cv.notify_all()
            while self.paused:
                self.cv.wait()
            self.parked -= 1

    def leave(self):  # a worker that ends counts as parked for good
        with self.cv:
            self.n -= 1
            self.cv.notify_all()

    def pause(self, timeout):
        with self.cv:
            self.paused = True
            end = time.time() + timeout
            while self.parked < self.n and time.time() < end:
                self.cv.wait(end - time.time())

    def resume(self):
        with self.cv:
            self.paused = False
            self.cv.notify_all()


def worker(tid, deadline, keys, errors, gate):
    try:
        work(tid, deadline, keys, errors, gate)
    finally:
        gate.leave()


def work(tid, deadline, keys, errors, gate):
    n = 0
    while time.time() < deadline:
        n += 1
        r = Round(n * 100 + tid)
        order = list(keys)
        random.shuffle(order)
        replay = n % 2 == 1
        for kind, key in order:
            if time.time() >= deadline:
                break
            gate.check()
            try:
                if key in HASHING:
                    with SIGN_IN:
                        (run_op if kind == "op" else run_page)(key, r, replay)
                else:
                    (run_op if kind == "op" else run_page)(key, r, replay)
            except Skip:
                pass
            except RequestFailed:
                pass
            except Exception:  # a defect of the driver: stop the run with its trace
                errors.append("%s: %s" % (key, traceback.format_exc()))
                return


def monitor(stop, samples, rests, gate, every):
    """Samples RSS and fds twice a second under load (fds: their peak), and every `every`
    seconds at rest: the workers parked, the server idle for a moment (RSS: a sign-in's
    argon2id check holds 64 MiB while it runs, so only RSS at rest says whether memory grows)."""
    next_rest = time.time() + every
    while not stop.is_set():
        try:
            rss, fds = SERVER.sample()
            samples.append((time.time(), rss, fds))
            if time.time() >= next_rest:
                gate.pause(TIMEOUT)
                time.sleep(0.3)
                rss, fds = SERVER.sample()
                gate.resume()
                rests.append((time.time(), rss, fds))
                next_rest = time.time() + every
                if os.environ.get("SOAK_TRACE"):
                    print("# at rest t=%.1f rss=%d anon=%d fds=%d threads=%d" % (
                        time.time(), rss, SERVER.anon, fds, SERVER.threads), flush=True)
        except OSError:
            break
        stop.wait(0.5)


# ---------------------------------------------------------------------------------------------
# TAP


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines()[:40]:
                print("#   " + line)
        sys.stdout.flush()
        return cond


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0


def main():
    tap = Tap()
    ops = document_ops()
    missing = [k for k in ops if k not in OPS]
    tap.ok(not missing, "every operation of docs/openapi.json has an entry in the soak's table",
           "no entry for: " + ", ".join(missing))
    stale = [k for k in OPS if k not in ops]
    tap.ok(not stale, "every entry of the soak's table is an operation of the document",
           "not in the document: " + ", ".join(stale))
    routes = route_table()
    pages = [k for k in routes if k not in ops]
    page_keys = set(PAGE_GETS) | set(PAGE_POSTS)
    missing = [k for k in pages if k not in page_keys]
    tap.ok(not missing, "every page route of src/http/routes.c has an entry in the soak's table",
           "no entry for: " + ", ".join(missing))
    stale = [k for k in page_keys if k not in routes]
    tap.ok(not stale, "every page entry of the soak's table is a route",
           "not a route: " + ", ".join(stale))
    if tap.failed:
        print("1..%d" % tap.n)
        return 1

    try:
        SERVER.start()
        WORLD.setup()
    except Exception as e:
        tap.ok(False, "the demo server starts and the demo users sign in", e)
        SERVER.stop()
        print(SERVER.log()[-3000:])
        print("1..%d" % tap.n)
        return 1
    tap.ok(True, "the demo server starts and the demo users sign in")

    time.sleep(0.5)
    rss0, fd0 = SERVER.sample()
    keys = [("op", k) for k in ops] + [("page", k) for k in pages]
    if os.environ.get("SOAK_SKIP"):  # for finding a cause by hand: a regex of keys to leave out
        keys = [(t, k) for t, k in keys if not re.search(os.environ["SOAK_SKIP"], k)]
    samples, rests, errors = [], [], []
    stop = threading.Event()
    gate = Gate(THREADS)
    mon = threading.Thread(target=monitor, args=(stop, samples, rests, gate,
                                                 max(1.0, SECONDS / 30)), daemon=True)
    mon.start()
    start = time.time()
    deadline = start + SECONDS
    threads = [threading.Thread(target=worker, args=(i, deadline, keys, errors, gate))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    time.sleep(1.5)  # connections closing
    stop.set()
    mon.join()
    rss1, fd1 = SERVER.sample()
    alive = SERVER.proc.poll() is None

    tap.ok(not errors, "the soak driver ran without a defect of its own", "\n".join(errors[:3]))
    tap.ok(alive, "the server is still running after %.0f s" % elapsed, SERVER.log()[-2000:])
    tap.ok(not STATS.errors, "every request was answered (%d requests)" % STATS.total,
           "\n".join("%s %s: %s" % (m, p, e) for _, m, p, e in STATS.errors[:20]))
    tap.ok(not STATS.fivexx, "no 5xx answer (nor a JSON route answering something else)",
           "\n".join("%s %s -> %d %s" % (m, p, s, b) for _, m, p, s, b in STATS.fivexx[:20]))
    never = [k for _, k in keys if not any(
        isinstance(s, int) and 200 <= s < 400 for s in STATS.per_class.get(k, {}))]
    tap.ok(not never, "every operation and page answered with success at least once",
           "\n".join("%s: %s %s" % (k, STATS.per_class.get(k), {
               s: v for s, v in STATS.unexpected.get(k, {}).items()}) for k in never))

    warm = [s for s in rests if s[0] >= start + elapsed * 0.2]
    third = max(1, len(warm) // 3)
    first_rss = median([s[1] for s in warm[:third]] or [rss0])
    last_rss = median([s[1] for s in warm[-third:]] or [rss0])
    max_fd = max([s[2] for s in samples] or [fd0])
    limit = first_rss * (1 + RSS_RATIO) + RSS_SLACK_MB * 1024
    if RSS_CHECK:
        tap.ok(last_rss <= limit, "RSS at rest flat after warm-up: the median of the last third %d KiB <= "
               "%d KiB (first third %d KiB + %.0f%% + %.0f MiB)" % (
                   last_rss, limit, first_rss, RSS_RATIO * 100, RSS_SLACK_MB))
    else:
        print("# RSS not checked (SOAK_RSS_CHECK=0): first third %d KiB, last third %d KiB"
              % (first_rss, last_rss))
    # the store opens its pooled database connections as the load needs them (a bounded
    # pool): the baseline is the count at rest once warmed up, not before the first request
    fd_base = max([s[2] for s in warm[:third]] or [fd0])
    fd_last = max([s[2] for s in warm[-third:]] or [fd1])
    tap.ok(fd1 <= fd_base + FD_SLACK and fd_last <= fd_base + FD_SLACK,
           "open file descriptors back to the baseline: %d at the end, %d at rest in the last "
           "third, %d at rest after warm-up (+%d allowed; %d before the first request)"
           % (fd1, fd_last, fd_base, FD_SLACK, fd0))
    tap.ok(max_fd <= fd0 + THREADS * 8 + 32, "file descriptors bounded during the load "
           "(at most %d)" % max_fd)

    rc = SERVER.stop()
    log = SERVER.log()
    bad = [l for l in log.splitlines() if re.search(
        r"\bBUG\b|fatal|ERROR: (Address|Leak)Sanitizer|runtime error:|panic|Assertion", l)]
    tap.ok(not bad, "the server's stderr has no BUG, fatal or sanitizer line", "\n".join(bad[:20]))
    tap.ok(rc == 0, "the server exits cleanly on SIGTERM (status %s)" % rc,
           "\n".join(log.splitlines()[-30:]))

    # the figures
    print("# soak: %.0f s, %d threads, %d requests served (%.1f/s)" % (
        elapsed, THREADS, STATS.total, STATS.total / max(elapsed, 1)))
    print("# RSS: %d KiB at start, %d KiB at the end (first third after warm-up %d KiB, last "
          "third %d KiB)" % (rss0, rss1, first_rss, last_rss))
    print("# open fds: %d at start, %d at rest after warm-up, %d at the end, at most %d during "
          "the load" % (fd0, fd_base, fd1, max_fd))
    classes = {}
    for k, c in STATS.per_class.items():
        cls = k.split(" ", 1)[1]
        cls = ("api " if cls.startswith("/api/") else "page ") + k.split(" ", 1)[0]
        cls += " " + re.sub(r"^/(api/v1/)?([^/?]*).*", r"/\2", k.split(" ", 1)[1])
        classes[cls] = classes.get(cls, 0) + sum(c.values())
    print("# requests per route class:")
    for cls in sorted(classes):
        print("#   %-40s %d" % (cls, classes[cls]))
    if os.environ.get("SOAK_VERBOSE"):
        print("# per operation (status: count):")
        for k in sorted(STATS.per_class):
            print("#   %-60s %s" % (k, dict(sorted(STATS.per_class[k].items(), key=str))))
        for k, u in sorted(STATS.unexpected.items()):
            for s, (n, sample) in u.items():
                text = sample.decode("utf-8", "replace")
                m = re.search(r'role="alert">([^<]*)|error-page">(.*)', text, re.S)
                if m:
                    text = re.sub(r"<[^>]*>|\s+", " ", m.group(1) or m.group(2))
                print("#   4xx %s %d x%d: %s" % (k, s, n, text.replace("\n", " ")[:160]))
    print("1..%d" % tap.n)
    shutil.rmtree(SERVER.dir, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
