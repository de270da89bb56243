"""``dev.py test``: lint, pure tests, the Odoo tests with a log check, end-to-end tests
and the wheel check, counted in one tally."""

import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

import devenv  # scripts/devenv.py: venv, system packages, PostgreSQL
from devenv import CACHE, ROOT, loud, say

from .database import drop_db, ensure_postgres, module_states, set_params
from .odoo_env import ADDONS, ODOO_FIX, PY, ensure_requirements, find_odoo, odoo_base_args
from .processes import free_port, simulator_params, start_simulator, stop, wait_http

PURE_TEST_DIRS = ["tests/unit", "tests/simulator", "tests/bootstrap"]


E2E_DIR = "tests/e2e"


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


def run_odoo_tests(tally, odoo, keep_db=False, db=None, log_path=None, tags=None, e2e=True):
    """Install the nine addons into a fresh database and run their tests (``tags``: the
    nine addons' tests by default), then, with ``e2e``, the end-to-end tests on it."""
    db = db or f"zalo_test_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    log_path = log_path or CACHE / "odoo-test.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.unlink(missing_ok=True)
    tags = tags or ",".join(f"/{a}" for a in ADDONS)
    say(f"\n== Odoo: fresh database {db}, install the nine addons, run their tests")
    say(f"   Odoo: {odoo.origin}\n   addons path: {odoo.addons_path_arg}\n   log: {log_path}")
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
        if e2e:
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


WHEELS_VENV = CACHE / "wheels-venv"


def run_packaging(tally, odoo):
    """tests/packaging/check_wheels.py, up to the installation: the nine addon wheels and
    the simulator wheel built from the working tree, checked and installed into the
    virtual environment ``.cache/wheels-venv``. Returns the OdooEnv that runs Odoo from
    there (None when the wheels are not installed: the Odoo tests then run from the
    repository)."""
    say("")
    result = CACHE / "packaging.json"
    result.unlink(missing_ok=True)
    env = {**os.environ, **odoo.extra_env}
    script = ROOT / "tests" / "packaging" / "check_wheels.py"
    cmd = [PY, str(script), "--worktree", "--install-only", "--venv", str(WHEELS_VENV)]
    rc = subprocess.call([*cmd, "--json", str(result)], cwd=ROOT, env=env)
    if not result.exists():
        tally.check("packaging", False, f"{script.name} exited with {rc} and wrote no result")
        return None
    data = json.loads(result.read_text())
    if data["status"] == 3:
        loud("PACKAGING CHECK SKIPPED (see the line above): the Odoo tests run from the repository")
        tally.add(skipped=1)
    for check in data["checks"]:
        tally.check(f"packaging: {check['name']}", check["ok"], check["detail"])
    if data["status"] not in (0, 3) and not any(not c["ok"] for c in data["checks"]):
        tally.check("packaging", False, f"{script.name} exited with {data['status']}")
    python = data.get("python")
    return odoo.from_wheels(python) if python else None


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
            # The addons' tests run from their installed wheels (with the simulator's),
            # with an addons path that does not name this repository; from the repository
            # only with --skip-wheels or when the wheels cannot be built here.
            from_wheels = None if args.skip_wheels else run_packaging(tally, odoo)
            if from_wheels is None:
                say("\n   The Odoo tests run from this repository's addons path.")
            run_odoo_tests(tally, from_wheels or odoo.with_simulator(), keep_db=args.keep_db)
    if tally.problems:
        say("\nProblems:")
        for problem in tally.problems:
            say(f"  - {problem}")
    say("")
    say(tally.line())
    return 1 if tally.failed else 0
