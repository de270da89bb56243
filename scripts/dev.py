#!/usr/bin/env python3
"""Developer entry points of the Zalo OA suite: ``run`` (the demo) and ``test``.

    python3 scripts/dev.py run      # demo database + Zalo simulator + Odoo, Ctrl-C stops both
    python3 scripts/dev.py test     # lint, pure tests, Odoo tests, end-to-end tests, summary

The Makefile wraps both (``make run``, ``make test``). Odoo 17 is found, in order, through
the ``ODOO_SRC`` variable (an Odoo 17 source tree), an importable ``odoo`` package, then the
official 17.0 source downloaded into ``.cache/`` when the network allows. When the Python
running this script cannot import Odoo 17, everything is installed into one virtual
environment, ``.cache/venv``, and the script re-executes itself there (``scripts/devenv.py``:
venv, system packages, PostgreSQL). PostgreSQL is the local server or the one named by the
usual ``PG*`` variables.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import devenv  # scripts/devenv.py: venv, system packages, PostgreSQL
from devenv import CACHE, ROOT, SetupError, loud, say

PY = sys.executable

ADDONS = [
    "zalo_oa",
    "zalo_oa_zbs",
    "zalo_oa_sale",
    "zalo_oa_account",
    "zalo_oa_helpdesk",
    "zalo_oa_crm",
    "zalo_oa_chatter_bridge",
    "zalo_oa_portal_login",
    "zalo_oa_website_chat",
]
PURE_TEST_DIRS = ["tests/unit", "tests/simulator", "tests/bootstrap"]
E2E_DIR = "tests/e2e"
# Python modules the suite and its tools need, by import name.
REQUIRED_IMPORTS = [
    "requests",
    "jwt",
    "cryptography",
    "phonenumbers",
    "werkzeug",
    "pytest",
    "hypothesis",
    "ruff",
    "pylint_odoo",
    "websocket",
]


# --------------------------------------------------------------------------- setup


def _missing_imports(names):
    return [n for n in names if importlib.util.find_spec(n) is None]


def ensure_requirements(odoo_env=None):
    """Install what is missing from requirements.txt (never upgrades what is there).

    In .cache/venv everything is there already (``devenv.ensure_venv``); this matters when
    Odoo is importable in the Python running the command, which is then used as is."""
    missing = _missing_imports(REQUIRED_IMPORTS)
    need_helpdesk = False
    if odoo_env is not None and odoo_env.importable:
        need_helpdesk = not odoo_env.has_addon("helpdesk_mgmt")
    if not missing and not need_helpdesk:
        return
    wanted = missing + (["helpdesk_mgmt"] if need_helpdesk else [])
    say(f"Installing missing Python requirements: {', '.join(wanted)}")
    reqs = devenv.our_requirements(with_odoo_addons=need_helpdesk)
    cmd = [PY, "-m", "pip", "install", "--quiet", *reqs]
    if subprocess.call(cmd) != 0:
        loud("pip could not install requirements.txt; see the output above.")
        sys.exit(2)


# --------------------------------------------------------------------------- Odoo


@dataclass
class OdooEnv:
    cmd: list
    addons_paths: list
    origin: str
    importable: bool = False
    extra_env: dict = field(default_factory=dict)

    @property
    def addons_path_arg(self):
        return ",".join(str(p) for p in [*self.addons_paths, ROOT])

    def has_addon(self, name):
        """True when ``name`` is an importable addon (e.g. an OCA wheel in odoo/addons)."""
        code = (
            "import sys, importlib.util, odoo.addons;"
            f"sys.exit(0 if importlib.util.find_spec('odoo.addons.{name}') else 1)"
        )
        env = {**os.environ, **self.extra_env}
        proc = subprocess.run([PY, "-c", code], cwd="/", env=env, capture_output=True, check=False)
        return proc.returncode == 0


def _odoo_from_source(src, origin):
    src = Path(src).resolve()
    problem = devenv.odoo_source_problem(src)
    if problem:
        return None, problem
    env = OdooEnv(
        cmd=[PY, str(src / "odoo-bin")],
        addons_paths=[src / "addons", src / "odoo" / "addons"],
        origin=origin,
        extra_env={
            "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
        },
    )
    return env, None


def _odoo_importable():
    code = (
        "import os, odoo.release as r; print(r.version_info[0]); print(os.path.dirname(r.__file__))"
    )
    proc = subprocess.run([PY, "-c", code], cwd="/", capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None, "no importable 'odoo' package"
    major, path = proc.stdout.split()
    if major != "17":
        return None, f"the importable odoo is version {major}, not 17"
    odoo_dir = Path(path)
    paths = [p for p in (odoo_dir.parent / "addons", odoo_dir / "addons") if p.is_dir()]
    return OdooEnv(
        cmd=[PY, "-m", "odoo"],
        addons_paths=paths,
        origin=f"importable odoo at {odoo_dir}",
        importable=True,
    ), None


def _odoo_download():
    """The 17.0 source downloaded into .cache/ by ``devenv.prepare`` (not fetched here)."""
    target = devenv.DOWNLOADED_ODOO
    if devenv.odoo_source_problem(target):
        return None, f"no downloaded Odoo 17.0 source in {target}"
    return _odoo_from_source(target, f"downloaded source in {target}")


def find_odoo():
    """Return (OdooEnv, None) or (None, reason)."""
    reasons = []
    if os.environ.get("ODOO_SRC"):
        env, why = _odoo_from_source(os.environ["ODOO_SRC"], f"ODOO_SRC={os.environ['ODOO_SRC']}")
        if env:
            return env, None
        reasons.append(f"ODOO_SRC: {why}")
    env, why = _odoo_importable()
    if env:
        return env, None
    reasons.append(why)
    env, why = _odoo_download()
    if env:
        return env, None
    reasons.append(why)
    return None, "; ".join(reasons)


ODOO_FIX = (
    "Fix: set ODOO_SRC to an Odoo 17.0 source tree (its requirements are then installed into "
    ".cache/venv), or run with a Python where Odoo 17 is importable (see README.md, "
    "'Requirements')."
)


def pg_connect(dbname="postgres"):
    import psycopg2

    return psycopg2.connect(dbname=dbname, connect_timeout=5)


def check_postgres():
    try:
        conn = pg_connect()
        conn.close()
        return None
    except ImportError:
        return f"psycopg2 is not importable in {PY}; Odoo's requirements are not installed."
    except Exception as exc:
        where = os.environ.get("PGHOST") or "the local socket"
        return (
            f"PostgreSQL does not answer on {where} ({str(exc).strip()}). Start it (e.g. "
            "'pg_ctlcluster 15 main start') or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
        )


def ensure_postgres():
    """Start the local cluster and create our role when needed; None or the problem."""
    try:
        devenv.start_local_postgres()
        problem = check_postgres()
        role = devenv.missing_role(problem or "")
        if role:
            devenv.create_pg_role(role)
            problem = check_postgres()
    except SetupError as exc:
        return str(exc)
    return problem


def db_exists(name):
    conn = pg_connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def drop_db(name):
    conn = pg_connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()
    filestore = Path.home() / ".local" / "share" / "Odoo" / "filestore" / name
    shutil.rmtree(filestore, ignore_errors=True)


def module_states(db):
    conn = pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", (ADDONS,))
            return dict(cr.fetchall())
    finally:
        conn.close()


def set_params(db, params):
    conn = pg_connect(db)
    try:
        with conn, conn.cursor() as cr:
            for key, value in params.items():
                cr.execute(
                    """INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
                                                        create_date, write_date)
                       VALUES (%s, %s, 1, 1, now(), now())
                       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""",
                    (key, value),
                )
    finally:
        conn.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return True
        except Exception:
            pass
        time.sleep(0.5)
    return False


def start_simulator(port, odoo_port, state_file=None, seed=False, log=None):
    cmd = [
        PY,
        "-m",
        "zalo_simulator",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--webhook-url",
        f"http://127.0.0.1:{odoo_port}/zalo_oa/webhook",
        "--callback-url",
        f"http://127.0.0.1:{odoo_port}/zalo_oa/oauth/callback",
    ]
    if state_file:
        cmd += ["--state-file", str(state_file)]
    if seed:
        cmd.append("--seed-demo")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if not wait_http(f"http://127.0.0.1:{port}/_sim/health", 20, proc):
        proc.terminate()
        raise RuntimeError(
            "the Zalo simulator did not start; run 'python3 -m zalo_simulator --help'"
        )
    return proc


def simulator_params(port):
    base = f"http://127.0.0.1:{port}"
    return {
        "zalo_oa.openapi_url": f"{base}/openapi",
        "zalo_oa.oauth_url": f"{base}/oauth",
        "zalo_oa.business_url": f"{base}/business",
        "zalo_oa.graph_url": f"{base}/graph",
    }


def stop(proc, timeout=15):
    """Stop a child gracefully. After Ctrl-C it may already be stopping (same process
    group): give it a moment first, since a second signal forces Odoo's shutdown."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.wait(3)
        return
    except subprocess.TimeoutExpired:
        pass
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- test


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.problems = []

    def add(self, passed=0, failed=0, skipped=0):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped

    def check(self, name, ok, detail=""):
        """A single pass/fail check (lint, install, clean log)."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.problems.append(f"{name}: {detail}" if detail else name)

    def line(self):
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def run_junit_pytest(tally, name, paths, junit, extra_env=None):
    junit.parent.mkdir(parents=True, exist_ok=True)
    if junit.exists():
        junit.unlink()
    say(f"\n== {name}: pytest {' '.join(paths)}")
    env = {**os.environ, **(extra_env or {})}
    rc = subprocess.call(
        [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *paths],
        cwd=ROOT,
        env=env,
    )
    if not junit.exists():
        tally.check(name, False, f"pytest exited with {rc} and wrote no report")
        return
    total = failures = errors = skipped = 0
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        total += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    tally.add(total - failures - errors - skipped, failures + errors, skipped)
    if failures or errors:
        tally.problems.append(f"{name}: {failures + errors} failing test(s)")
    elif rc not in (0, 5):
        tally.check(name, False, f"pytest exited with {rc}")


def run_lint(tally):
    say("\n== lint: ruff check, ruff format --check, pylint-odoo")
    rc = subprocess.call([PY, "-m", "ruff", "check", "."], cwd=ROOT)
    tally.check("ruff check", rc == 0, "see output above")
    rc = subprocess.call([PY, "-m", "ruff", "format", "--check", "."], cwd=ROOT)
    tally.check("ruff format", rc == 0, "run 'ruff format .'")
    rc = subprocess.call(
        [PY, "-m", "pylint", "--rcfile", str(ROOT / ".pylintrc"), *ADDONS], cwd=ROOT
    )
    tally.check("pylint-odoo", rc == 0, "see output above")


RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) (\S+) (\S+): (.*)$")


def analyse_odoo_log(tally, log_path, db):
    text = log_path.read_text(errors="replace")
    match = None
    for match in RESULT_RE.finditer(text):  # noqa: B007 - keep the last one
        pass
    bad_lines = []
    skipped = 0
    for line in text.splitlines():
        m = LOG_LINE_RE.match(line)
        if not m:
            continue
        level, _db, logger, message = m.groups()
        if level in ("ERROR", "CRITICAL") or (
            level == "WARNING" and ("zalo" in logger or "zalo_oa" in message)
        ):
            bad_lines.append(line)
        elif (
            level == "INFO" and logger.startswith("odoo.addons.") and message.startswith("skipped ")
        ):
            skipped += 1
    if match:
        failed, errors, total = (int(x) for x in match.groups())
        tally.add(total - failed - errors - skipped, failed + errors, skipped)
        if failed or errors:
            tally.problems.append(f"Odoo tests: {failed + errors} failing test(s)")
    else:
        tally.check("Odoo test run", False, f"no test result line in {log_path}")
    tally.check(
        "Odoo log has no ERROR/CRITICAL line and no warning of ours",
        not bad_lines,
        f"{len(bad_lines)} line(s), first: {bad_lines[0][:300] if bad_lines else ''}",
    )
    if bad_lines:
        say("\nProblem lines in the Odoo log:")
        for line in bad_lines[:30]:
            say("  " + line[:400])
    states = module_states(db)
    not_installed = [a for a in ADDONS if states.get(a) != "installed"]
    tally.check(
        "all nine addons installed",
        not not_installed,
        "not installed: " + ", ".join(f"{a} ({states.get(a, 'missing')})" for a in not_installed),
    )


def odoo_base_args(odoo, db, http_port, log_path=None, cron_threads=0):
    """Odoo's command line; ``cron_threads`` for servers that must process queues (the
    webhook only acknowledges: cron workers process the events)."""
    args = [
        *odoo.cmd,
        f"--addons-path={odoo.addons_path_arg}",
        "-d",
        db,
        f"--http-port={http_port}",
        "--http-interface=127.0.0.1",
        "--without-demo=all",
        f"--max-cron-threads={cron_threads}",
    ]
    if log_path:
        args.append(f"--logfile={log_path}")
    return args


def run_odoo_tests(tally, odoo, keep_db=False):
    db = f"zalo_test_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    log_path = CACHE / "odoo-test.log"
    log_path.unlink(missing_ok=True)
    tags = ",".join(f"/{a}" for a in ADDONS)
    say(f"\n== Odoo: fresh database {db}, install the nine addons, run their tests")
    say(f"   Odoo: {odoo.origin}; log: {log_path}")
    cmd = [
        *odoo_base_args(odoo, db, free_port(), log_path),
        "-i",
        ",".join(ADDONS),
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--log-level=info",
    ]
    env = {**os.environ, **odoo.extra_env}
    t0 = time.time()
    try:
        rc = subprocess.call(cmd, cwd="/", env=env)
        say(f"   Odoo finished in {time.time() - t0:.0f}s with exit status {rc}")
        analyse_odoo_log(tally, log_path, db)
        run_e2e(tally, odoo, db)
    finally:
        if keep_db:
            say(f"   Keeping database {db} (--keep-db)")
        else:
            drop_db(db)


def run_e2e(tally, odoo, db):
    tests = sorted((ROOT / E2E_DIR).glob("test_*.py"))
    if not tests:
        say("\n== end-to-end: no tests in tests/e2e")
        return
    say("\n== end-to-end: Odoo server + Zalo simulator + tests/e2e")
    odoo_port, sim_port = free_port(), free_port()
    CACHE.mkdir(exist_ok=True)
    sim_log = open(CACHE / "e2e-simulator.log", "w")  # noqa: SIM115
    sim = server = None
    try:
        sim = start_simulator(sim_port, odoo_port, log=sim_log)
        set_params(db, simulator_params(sim_port))
        cmd = [
            *odoo_base_args(odoo, db, odoo_port, CACHE / "e2e-odoo.log", cron_threads=2),
            "--log-level=info",
        ]
        env = {**os.environ, **odoo.extra_env}
        server = subprocess.Popen(cmd, cwd="/", env=env)
        if not wait_http(f"http://127.0.0.1:{odoo_port}/web/health", 90, server):
            tally.check("end-to-end: Odoo server start", False, "see .cache/e2e-odoo.log")
            return
        run_junit_pytest(
            tally,
            "end-to-end",
            [E2E_DIR],
            CACHE / "junit-e2e.xml",
            {
                "ZALO_E2E_ODOO_URL": f"http://127.0.0.1:{odoo_port}",
                "ZALO_E2E_DB": db,
                "ZALO_E2E_SIM_URL": f"http://127.0.0.1:{sim_port}",
            },
        )
    finally:
        stop(server)
        stop(sim)
        sim_log.close()


def run_packaging(tally, odoo):
    """tests/packaging/check_wheels.py: the nine wheels build, install, and odoo -i works."""
    say("")
    result = CACHE / "packaging.json"
    result.unlink(missing_ok=True)
    env = {**os.environ, **odoo.extra_env}
    script = ROOT / "tests" / "packaging" / "check_wheels.py"
    rc = subprocess.call([PY, str(script), "--json", str(result)], cwd=ROOT, env=env)
    if not result.exists():
        tally.check("packaging", False, f"{script.name} exited with {rc} and wrote no result")
        return
    data = json.loads(result.read_text())
    if data["status"] == 3:
        loud("PACKAGING CHECK SKIPPED (see the line above)")
        tally.add(skipped=1)
    for check in data["checks"]:
        tally.check(f"packaging: {check['name']}", check["ok"], check["detail"])
    if data["status"] not in (0, 3) and not any(not c["ok"] for c in data["checks"]):
        tally.check("packaging", False, f"{script.name} exited with {data['status']}")


def cmd_test(args, setup_why=None):
    tally = Tally()
    CACHE.mkdir(exist_ok=True)
    odoo, why = find_odoo()
    if odoo is None and setup_why:
        why = f"{why}; {setup_why}"
    ensure_requirements(odoo)
    if odoo is not None and not devenv.chromium_binary():
        loud("Chromium is not installed: the browser tours will be skipped.")
    if not args.skip_lint:
        run_lint(tally)
    pure_dirs = [d for d in PURE_TEST_DIRS if (ROOT / d).is_dir()]
    if pure_dirs:
        run_junit_pytest(tally, "pure tests", pure_dirs, CACHE / "junit-pure.xml")
    if odoo is None:
        loud(f"ODOO PART SKIPPED: Odoo 17 was not found ({why}). {ODOO_FIX}")
    else:
        pg_problem = ensure_postgres()
        if pg_problem:
            loud(f"ODOO PART FAILED: {pg_problem}")
            tally.check("PostgreSQL reachable", False, pg_problem)
        else:
            run_odoo_tests(tally, odoo, keep_db=args.keep_db)
            if not args.skip_wheels:
                run_packaging(tally, odoo)
    if tally.problems:
        say("\nProblems:")
        for problem in tally.problems:
            say(f"  - {problem}")
    say("")
    say(tally.line())
    return 1 if tally.failed else 0


# --------------------------------------------------------------------------- run


def cmd_run(args):
    odoo, why = find_odoo()
    if odoo is None:
        loud(f"Cannot start the demo: Odoo 17 was not found ({why}). {ODOO_FIX}")
        return 2
    ensure_requirements(odoo)
    pg_problem = ensure_postgres()
    if pg_problem:
        loud(pg_problem)
        return 2
    CACHE.mkdir(exist_ok=True)
    db = args.db
    env = {**os.environ, **odoo.extra_env}
    base = [
        *odoo.cmd,
        f"--addons-path={odoo.addons_path_arg}",
        "-d",
        db,
        f"--http-port={args.port}",
        "--http-interface=127.0.0.1",
    ]
    if args.reset and db_exists(db):
        say(f"Dropping demo database {db} (--reset)")
        drop_db(db)
    action = ["-u", ",".join(ADDONS)] if db_exists(db) else ["-i", ",".join(ADDONS)]
    verb = "Updating" if action[0] == "-u" else "Creating"
    say(f"{verb} demo database {db} (log: .cache/demo-install.log) ...")
    with open(CACHE / "demo-install.log", "w") as log:
        rc = subprocess.call(
            [*base, *action, "--stop-after-init", "--log-level=warn"],
            cwd="/",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if rc != 0:
        loud(f"Installing the addons failed (exit {rc}); see .cache/demo-install.log")
        return rc
    set_params(db, simulator_params(args.sim_port))
    sim_log = open(CACHE / "demo-simulator.log", "a")  # noqa: SIM115
    sim = server = None
    try:
        sim = start_simulator(
            args.sim_port,
            args.port,
            state_file=CACHE / "simulator-state.json",
            seed=True,
            log=sim_log,
        )
        server = subprocess.Popen([*base, "--log-level=info"], cwd="/", env=env)
        if not wait_http(f"http://127.0.0.1:{args.port}/web/health", 120, server):
            loud("Odoo did not start; see the output above.")
            return 1
        try:
            demo = _load_script("demo")
            demo.setup_demo(
                f"http://127.0.0.1:{args.port}", db, f"http://127.0.0.1:{args.sim_port}"
            )
        except Exception as exc:  # the demo content is a convenience, Odoo still runs
            loud(f"The demo content could not be set up: {exc}")
        say("")
        say("=" * 78)
        say(f"  Odoo            http://localhost:{args.port}/web  (login admin / admin)")
        say(f"  Discuss         http://localhost:{args.port}/web#action=mail.action_discuss")
        say(f"  Zalo simulator  http://localhost:{args.sim_port}/   (play a customer of the OA)")
        say(f"  Database        {db}")
        say("  Ctrl-C stops both.")
        say("=" * 78)
        while server.poll() is None and sim.poll() is None:
            time.sleep(0.5)
        return server.returncode or 0
    except KeyboardInterrupt:
        say("\nStopping Odoo and the simulator ...")
        return 0
    finally:
        with contextlib.suppress(Exception):
            stop(server)
            stop(sim)
        sim_log.close()


def _load_script(name):
    spec = importlib.util.spec_from_file_location(f"zalo_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_test = sub.add_parser("test", help="lint, pure tests, Odoo tests and end-to-end tests")
    p_test.add_argument("--keep-db", action="store_true", help="do not drop the test database")
    p_test.add_argument("--skip-lint", action="store_true", help="skip ruff and pylint-odoo")
    p_test.add_argument(
        "--skip-wheels", action="store_true", help="skip building and installing the wheels"
    )
    p_run = sub.add_parser("run", help="demo database, Zalo simulator and Odoo in the foreground")
    p_run.add_argument("--db", default="zalo_demo", help="demo database name (default zalo_demo)")
    p_run.add_argument("--port", type=int, default=8069, help="Odoo HTTP port (default 8069)")
    p_run.add_argument("--sim-port", type=int, default=8765, help="simulator port (default 8765)")
    p_run.add_argument("--reset", action="store_true", help="drop and recreate the demo database")
    args = parser.parse_args(argv)
    try:
        setup_why = devenv.prepare(args.command)
    except SetupError as exc:
        loud(str(exc))
        return 2
    return cmd_test(args, setup_why) if args.command == "test" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
