"""Shared machinery of the benchmarks and the reliability scripts.

Starts a real Odoo HTTP server (prefork, ``--workers=2``) on a throwaway database and the
Zalo simulator as a separate process, builds signed webhook bodies, posts them with a small
fast client, and watches commits in the database through ``LISTEN``/``NOTIFY``.

Nothing here is imported by the addons; it runs on the machine of the developer, with the
same Odoo lookup as ``scripts/dev.py`` (``ODOO_SRC``, an importable ``odoo``, ...).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
BENCH_ADDONS = BENCH_DIR / "addons"
CACHE = ROOT / ".cache" / "bench"
PY = sys.executable

sys.path.insert(0, str(ROOT / "scripts"))
# scripts/devtools: the Odoo lookup, databases, ports, the simulator's parameters
from devtools import database as _database  # noqa: E402
from devtools import odoo_env as _odoo_env  # noqa: E402
from devtools import processes as _processes  # noqa: E402

dev = SimpleNamespace(
    find_odoo=_odoo_env.find_odoo,
    ODOO_FIX=_odoo_env.ODOO_FIX,
    drop_db=_database.drop_db,
    pg_connect=_database.pg_connect,
    free_port=_processes.free_port,
    wait_http=_processes.wait_http,
    simulator_params=_processes.simulator_params,
)

sys.path.insert(0, str(ROOT))
from zalo_simulator.state import (  # noqa: E402
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_OA_ID,
    DEFAULT_OA_SECRET,
)

#: The OCA peer, installed from PyPI only for the bench (never a suite requirement).
PEER_PIP = "odoo-addon-mail-gateway-whatsapp>=17.0,<17.1"
PEER_SECRET = "bench-whatsapp-secret"
PEER_KEY = "benchhook"
#: Marker put in every bench message body; a trigger NOTIFYs it when the row commits.
MARK = "zb:"


def say(msg=""):
    print(msg, flush=True)


# ----------------------------------------------------------------------------- Odoo


def find_odoo():
    odoo, why = dev.find_odoo()
    if odoo is None:
        raise SystemExit(f"Odoo 17 not found: {why}. {dev.ODOO_FIX}")
    check = subprocess.run(
        [PY, "-c", "import gevent.monkey; gevent.monkey.patch_all()"],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        say(
            "!! WARNING: gevent cannot monkey-patch here ("
            + (check.stderr.strip().splitlines() or ["?"])[-1]
            + "): the prefork server's gevent worker will crash-loop and steal CPU from "
            "the measurements. See tests/bench/README.md, 'Machine'."
        )
    return odoo


def ensure_peer(odoo):
    """Install the OCA WhatsApp gateway (and mail_gateway) from PyPI when missing."""
    if odoo.has_addon("mail_gateway_whatsapp"):
        return True
    say(f"Installing the peer from PyPI: pip install '{PEER_PIP}'")
    rc = subprocess.call([PY, "-m", "pip", "install", "--quiet", PEER_PIP])
    if rc != 0 or not odoo.has_addon("mail_gateway_whatsapp"):
        say("!! could not install the peer; its column will be empty")
        return False
    return True


def addons_path(odoo):
    return ",".join(str(p) for p in [*odoo.addons_paths, ROOT, BENCH_ADDONS])


def server_cmd(odoo):
    """The command that starts a prefork server (see odoo_bin.py)."""
    if odoo.importable:
        return [PY, str(BENCH_DIR / "odoo_bin.py")]
    return odoo.cmd


def odoo_env(odoo):
    return {**os.environ, **odoo.extra_env}


def create_db(odoo, db, modules, log_path):
    """A fresh database with ``modules`` installed (no demo data)."""
    dev.drop_db(db)
    cmd = [
        *odoo.cmd,
        f"--addons-path={addons_path(odoo)}",
        "-d",
        db,
        "-i",
        ",".join(modules),
        "--without-demo=all",
        "--stop-after-init",
        "--max-cron-threads=0",
        f"--logfile={log_path}",
        "--log-level=warn",
    ]
    t0 = time.time()
    rc = subprocess.call(cmd, cwd="/", env=odoo_env(odoo))
    if rc != 0:
        raise SystemExit(f"installing {modules} in {db} failed (exit {rc}); see {log_path}")
    return time.time() - t0


def clone_db(template, db):
    dev.drop_db(db)
    conn = dev.pg_connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    finally:
        conn.close()
    src = Path.home() / ".local/share/Odoo/filestore" / template
    if src.is_dir():
        subprocess.call(["cp", "-a", str(src), str(src.parent / db)])


def odoo_shell(odoo, db, code, log_path, timeout=600):
    """Run ``code`` in ``odoo shell`` (``env`` defined); it must print one JSON line last."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(code)
        script = fh.name
    cmd = [
        *odoo.cmd,
        "shell",
        f"--addons-path={addons_path(odoo)}",
        "-d",
        db,
        "--no-http",
        f"--logfile={log_path}",
        "--log-level=warn",
    ]
    try:
        with open(script) as stdin:
            proc = subprocess.run(
                cmd,
                cwd="/",
                env=odoo_env(odoo),
                stdin=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
    finally:
        os.unlink(script)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(
            f"odoo shell failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n"
            f"{proc.stderr[-3000:]}"
        )
    return json.loads(lines[-1])


class OdooServer:
    """``python3 -m odoo --workers=2 -d <db>`` on free ports; ``kill()`` is SIGKILL."""

    def __init__(self, odoo, db, log_path, workers=2, cron_workers=2, extra=()):
        self.odoo, self.db, self.log_path = odoo, db, log_path
        self.workers, self.cron_workers, self.extra = workers, cron_workers, list(extra)
        self.port = dev.free_port()
        self.gevent_port = dev.free_port()
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=120):
        if not getattr(self, "_log_reset", False):
            # Odoo appends to --logfile: each server of a run starts its own log
            Path(self.log_path).unlink(missing_ok=True)
            self._log_reset = True
        cmd = [
            *server_cmd(self.odoo),
            f"--addons-path={addons_path(self.odoo)}",
            "-d",
            self.db,
            f"--http-port={self.port}",
            f"--gevent-port={self.gevent_port}",
            "--http-interface=127.0.0.1",
            f"--workers={self.workers}",
            f"--max-cron-threads={self.cron_workers}",
            # a worker is recycled after --limit-request requests (default 8192): the
            # registry reload would show up as an unrelated latency spike in a long run.
            "--limit-request=1000000",
            "--without-demo=all",
            f"--logfile={self.log_path}",
            "--log-level=info",
            *self.extra,
        ]
        self.proc = subprocess.Popen(cmd, cwd="/", env=odoo_env(self.odoo), start_new_session=True)
        if not dev.wait_http(f"{self.url}/web/health", timeout, self.proc):
            self.stop()
            raise SystemExit(f"Odoo did not start; see {self.log_path}")
        return self

    def pids(self):
        """The master and its children (HTTP, cron and gevent workers)."""
        if not self.proc:
            return []
        out = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [self.proc.pid, *map(int, out)]

    def worker_pids(self):
        return self.pids()[1:]

    def kill(self):
        """SIGKILL the whole process group at once: a crash, not a shutdown."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class SimulatorProcess:
    """``python3 -m zalo_simulator`` as a separate process, driven by its control API."""

    def __init__(self, log_path, odoo_port=None, extra=()):
        self.port = dev.free_port()
        self.log_path = log_path
        self.odoo_port = odoo_port
        self.extra = list(extra)
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        cmd = [PY, "-m", "zalo_simulator", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.odoo_port:
            cmd += ["--webhook-url", f"http://127.0.0.1:{self.odoo_port}/zalo_oa/webhook"]
        cmd += self.extra
        self.log = open(self.log_path, "a")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        if not dev.wait_http(f"{self.url}/_sim/health", 20, self.proc):
            raise SystemExit(f"the simulator did not start; see {self.log_path}")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        with contextlib.suppress(Exception):
            self.log.close()

    def call(self, method, path, payload=None, timeout=30):
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def params(self):
        return dev.simulator_params(self.port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------------------ DB setup

SETUP_CODE = r"""
import json
from odoo import Command
from odoo.addons.zalo_oa.tools.oauth import TokenResponse
ARGS = json.loads(%(args)r)
params = env["ir.config_parameter"].sudo()
for key, value in ARGS["params"].items():
    params.set_param(key, value)
users = env["res.users"].with_context(no_reset_password=True)
operators = env["res.users"]
for i in range(ARGS["operators"]):
    login = "bench_op_%%d" %% i
    user = users.search([("login", "=", login)]) or users.create({
        "name": "Bench operator %%d" %% i, "login": login, "password": login,
        "groups_id": [Command.link(env.ref("zalo_oa.group_zalo_user").id),
                      Command.link(env.ref("base.group_user").id)],
    })
    operators |= user
oa = env["zalo.oa"].search([("app_id", "=", ARGS["app_id"])], limit=1) or env["zalo.oa"].create({
    "name": "Bench OA", "app_id": ARGS["app_id"], "app_secret": ARGS["app_secret"],
    "oa_secret_key": ARGS["oa_secret"],
})
tok = ARGS["tokens"]
oa._store_tokens(TokenResponse(access_token=tok["access_token"],
                               refresh_token=tok["refresh_token"],
                               expires_in=int(tok["expires_in"])))
oa.sudo().write({"zalo_oa_ref": tok["oa_id"], "operator_ids": [Command.set(operators.ids)]})
out = {"oa": oa.id, "oa_id": oa.zalo_oa_ref, "operators": operators.ids,
       "operator_logins": operators.mapped("login")}
# the floor: one existing channel per customer, same members as a Zalo conversation
floor = []
for i, name in enumerate(ARGS["floor_customers"]):
    partner = env["res.partner"].create({"name": name})
    channel = env["discuss.channel"].with_context(
        mail_create_nosubscribe=True, mail_create_nolog=True).create({
        "name": name, "channel_type": "channel",
        "channel_member_ids": [Command.create({"partner_id": p.id})
                               for p in operators.partner_id | partner],
    })
    channel.channel_member_ids.filtered(
        lambda m: m.partner_id not in operators.partner_id | partner).unlink()
    floor.append({"channel_id": channel.id, "author_id": partner.id})
out["floor"] = floor
if "mail.gateway" in env:
    gw = env["mail.gateway"].search([("webhook_key", "=", ARGS["peer_key"])]) or \
        env["mail.gateway"].create({
        "name": "Bench WhatsApp", "gateway_type": "whatsapp", "token": "bench-token",
        "whatsapp_security_key": "bench-verify", "webhook_key": ARGS["peer_key"],
        "webhook_secret": ARGS["peer_secret"], "member_ids": [Command.set(operators.ids)],
    })
    gw.write({"integrated_webhook_state": "integrated"})
    for phone, name in ARGS["peer_customers"]:
        env["res.partner"].create({"name": name, "mobile": "+" + phone})
    out["peer_gateway"] = gw.id
# bench instrument: NOTIFY at commit time for every bench message (body carries a mark)
env.cr.execute('''
CREATE OR REPLACE FUNCTION zbench_notify() RETURNS trigger AS $f$
BEGIN
  IF NEW.body LIKE '%%%(mark)s%%' THEN
    PERFORM pg_notify('zbench', substring(NEW.body from '%(mark)s[0-9a-z.-]+'));
  END IF;
  RETURN NEW;
END $f$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS zbench_notify ON mail_message;
CREATE TRIGGER zbench_notify AFTER INSERT ON mail_message
  FOR EACH ROW EXECUTE FUNCTION zbench_notify();
''')
env.cr.commit()
print(json.dumps(out))
"""


def setup_db(odoo, db, sim, log_path, *, operators=2, floor_customers=0, peer_customers=()):
    tokens = sim.call("POST", "/_sim/tokens", {})
    args = {
        "params": sim.params(),
        "operators": operators,
        "app_id": DEFAULT_APP_ID,
        "app_secret": DEFAULT_APP_SECRET,
        "oa_secret": DEFAULT_OA_SECRET,
        "tokens": tokens,
        "floor_customers": [f"Floor customer {i}" for i in range(floor_customers)],
        "peer_key": PEER_KEY,
        "peer_secret": PEER_SECRET,
        "peer_customers": list(peer_customers),
    }
    code = SETUP_CODE % {"args": json.dumps(args), "mark": MARK}
    return odoo_shell(odoo, db, code, log_path)


def sim_customers(sim, count, prefix="Khách"):
    now_ms = int(time.time() * 1000)
    out = []
    for i in range(count):
        out.append(
            sim.call(
                "POST",
                "/_sim/customers",
                {
                    "name": f"{prefix} {i}",
                    "follower": True,
                    "last_interaction_ms": now_ms,
                },
            )
        )
    return out


# ------------------------------------------------------------------- payloads


def zalo_body(customer, text, msg_id=None, ts_ms=None, oa_id=DEFAULT_OA_ID):
    """(raw body, headers) of a signed ``user_send_text`` exactly as Zalo sends it."""
    ts = str(ts_ms or int(time.time() * 1000))
    payload = {
        "app_id": DEFAULT_APP_ID,
        "sender": {"id": customer["user_id"]},
        "recipient": {"id": oa_id},
        "user_id_by_app": customer.get("user_id_by_app", ""),
        "event_name": "user_send_text",
        "message": {"text": text, "msg_id": msg_id or uuid.uuid4().hex},
        "timestamp": ts,
    }
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return raw, zalo_headers(raw, ts)


def zalo_headers(raw, ts, secret=DEFAULT_OA_SECRET, app_id=DEFAULT_APP_ID):
    mac = hashlib.sha256(app_id.encode() + raw + str(ts).encode() + secret.encode()).hexdigest()
    return {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}


def whatsapp_body(phone, name, text, msg_id=None):
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "BENCH_WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "1", "phone_number_id": "1"},
                            "contacts": [{"profile": {"name": name}, "wa_id": phone}],
                            "messages": [
                                {
                                    "from": phone,
                                    "id": msg_id or f"wamid.{uuid.uuid4().hex}",
                                    "timestamp": str(int(time.time())),
                                    "text": {"body": text},
                                    "type": "text",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    sig = hmac.new(PEER_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "x-hub-signature-256": f"sha256={sig}"}


def floor_body(target, text):
    raw = json.dumps({**target, "text": text}).encode()
    return raw, {"Content-Type": "application/json"}


# ---------------------------------------------------------------------- client


def post(port, path, raw, headers, timeout=60):
    """One POST on a fresh connection (as Zalo does); returns (status, body, seconds)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=raw, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, time.perf_counter() - t0
    finally:
        conn.close()


class CommitWatcher:
    """LISTEN zbench: the mark of every bench message, received when its row commits."""

    def __init__(self, db):
        self.conn = psycopg2.connect(dbname=db)
        self.conn.autocommit = True
        self.conn.cursor().execute("LISTEN zbench")
        self.seen = {}
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            if select.select([self.conn], [], [], 0.2) == ([], [], []):
                continue
            self.conn.poll()
            now = time.perf_counter()
            with self.cond:
                while self.conn.notifies:
                    note = self.conn.notifies.pop(0)
                    self.seen.setdefault(note.payload, now)
                    self.seen[note.payload + "#n"] = self.seen.get(note.payload + "#n", 0) + 1
                self.cond.notify_all()

    def wait_for(self, marks, timeout):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                missing = [m for m in marks if m not in self.seen]
                if not missing or time.time() > deadline:
                    return missing
                self.cond.wait(0.2)

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.conn.close()


def pg(db):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    return conn


def query(db, sql, args=None):
    conn = pg(db)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    if ordered[hi] == float("inf"):
        return ordered[hi] if k > lo or ordered[lo] == ordered[hi] else ordered[lo]
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def code_version():
    """The commit measured, and a digest of uncommitted changes to the addons, if any."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    diff = subprocess.run(
        ["git", "-C", str(ROOT), "diff", "HEAD", "--", "zalo_oa"],
        capture_output=True,
        check=False,
    ).stdout
    if diff:
        digest = hashlib.sha1(diff).hexdigest()[:10]
        return f"{head} + uncommitted zalo_oa changes (diff sha1 {digest})"
    return head


def rss_mb(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def log_errors(path):
    """ERROR/CRITICAL lines of an Odoo log (0 when the file is missing)."""
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return 0
    return sum(1 for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line)
