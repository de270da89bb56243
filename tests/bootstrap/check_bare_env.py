#!/usr/bin/env python3
"""From a new empty virtual environment to a green ``make test``, as a new user would.

    ODOO_SRC=/path/to/odoo-17.0 python3 tests/bootstrap/check_bare_env.py [--worktree] [--keep]

Run by hand (not by ``make test``: it installs Odoo's requirements from PyPI, builds
python-ldap and psycopg2, then runs the whole ``make test``; about 15-25 minutes on 2 cores).

1. clones the committed HEAD of this repository into a scratch directory, so there is no
   ``.cache/`` (``--worktree`` also copies the uncommitted changes and untracked files);
2. creates a new empty virtual environment and checks that it cannot import Odoo, even with
   ``ODOO_SRC`` on its path (Odoo's requirements are not installed in it);
3. runs the README's test command, ``make test``, in the clone with that environment first on
   ``PATH`` (so ``python3`` is its Python) and ``ODOO_SRC`` set;
   pip's cache is off (``--pip-cache`` turns it on), so what has no wheel is built;
4. asserts that it exited 0, reached the Odoo tests (the Odoo log has the result line of a
   test run with tests in it), ended with ``N passed, 0 failed, M skipped``, put what it
   installed into the clone's ``.cache/venv``, and installed nothing into the empty
   environment nor into the Python this script runs with.

Prints how long each part took. Exit status 0 when all assertions hold.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_RE = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", re.M)
ODOO_RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")


def say(msg=""):
    print(msg, flush=True)


def run(cmd, **kwargs):
    return subprocess.run(
        [str(c) for c in cmd], check=False, capture_output=True, text=True, **kwargs
    )


def freeze(python):
    proc = run([python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"])
    return set(proc.stdout.split())


def clone(workdir, worktree):
    repo = workdir / "repo"
    proc = run(["git", "clone", "--quiet", ROOT, repo])
    if proc.returncode != 0:
        sys.exit(f"git clone {ROOT} failed: {proc.stderr.strip()}")
    if worktree:
        listed = run(
            ["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        )
        for rel in filter(None, listed.stdout.split("\0")):
            src = ROOT / rel
            if src.is_file():
                (repo / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, repo / rel)
            elif not src.exists():
                (repo / rel).unlink(missing_ok=True)
    return repo


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC"), help="default: $ODOO_SRC")
    parser.add_argument("--worktree", action="store_true", help="include uncommitted changes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument(
        "--pip-cache",
        action="store_true",
        help="let pip use its cache (default: none, so psycopg2 and python-ldap are built)",
    )
    parser.add_argument(
        "--workdir", type=Path, help="scratch directory (default: a new one in /tmp)"
    )
    args = parser.parse_args(argv)
    if not args.odoo_src:
        sys.exit(
            "Set ODOO_SRC (or --odoo-src) to an Odoo 17.0 source tree, e.g. ODOO_SRC=/opt/odoo17"
        )
    odoo_src = Path(args.odoo_src).resolve()
    if not (odoo_src / "odoo-bin").exists() or not (odoo_src / "requirements.txt").exists():
        sys.exit(f"{odoo_src} is not an Odoo source tree (no odoo-bin or requirements.txt)")
    if not shutil.which("make"):
        sys.exit("make is not installed (apt-get install make)")

    t_start = time.time()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="zalo-bare-"))
    workdir.mkdir(parents=True, exist_ok=True)
    failures = []

    def check(name, ok, detail=""):
        say(f"[{'ok' if ok else 'FAILED'}] {name}{'' if ok or not detail else ': ' + detail}")
        if not ok:
            failures.append(name)

    try:
        repo = clone(workdir, args.worktree)
        say(f"Clone: {repo}")
        empty = workdir / "empty-venv"
        base = getattr(sys, "_base_executable", None) or sys.executable
        if run([base, "-m", "venv", empty]).returncode != 0:
            sys.exit(f"{base} -m venv failed")
        empty_py = empty / "bin" / "python"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env.update(
            {
                "PATH": os.pathsep.join([str(empty / "bin"), env.get("PATH", "")]),
                "VIRTUAL_ENV": str(empty),
                "ODOO_SRC": str(odoo_src),
            }
        )
        if not args.pip_cache:
            env["PIP_NO_CACHE_DIR"] = "1"
        probe = run(
            [empty_py, "-c", "import odoo"], env={**env, "PYTHONPATH": str(odoo_src)}, cwd="/"
        )
        check(
            "the empty venv cannot import Odoo (its requirements are not installed)",
            probe.returncode != 0,
            "it can: this would not test the bootstrap",
        )
        which = run(["sh", "-c", "command -v python3"], env=env).stdout.strip()
        check("python3 is the empty venv's", Path(which) == empty / "bin" / "python3", which)
        empty_before = freeze(empty_py)
        host_before = freeze(sys.executable)

        say(f"\n== make test in {repo} (python3 = {which}, ODOO_SRC={odoo_src})\n")
        t0 = time.time()
        log_path = workdir / "make-test.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                ["make", "test"],
                cwd=repo,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for line in proc.stdout:
                sys.stdout.write(line)
                log.write(line)
            rc = proc.wait()
        make_seconds = time.time() - t0
        output = log_path.read_text(errors="replace")
        say("")
        check("make test exited 0", rc == 0, f"exit {rc}")
        check(
            "it set up .cache/venv with Odoo from ODOO_SRC",
            (repo / ".cache" / "venv" / "zalo-dev-stamp.json").exists()
            and "Continuing in .cache/venv" in output,
        )
        odoo_log = repo / ".cache" / "odoo-test.log"
        odoo_text = odoo_log.read_text(errors="replace") if odoo_log.exists() else ""
        results = ODOO_RESULT_RE.findall(odoo_text)
        check(
            "it reached the Odoo tests",
            "== Odoo: fresh database" in output and results and int(results[-1][2]) > 0,
            f"no test result line in {odoo_log}",
        )
        summaries = SUMMARY_RE.findall(output)
        last = summaries[-1] if summaries else None
        check(
            "it ended with 'N passed, 0 failed'",
            bool(last) and last[1] == "0" and int(last[0]) > 0,
            f"last summary: {last}",
        )
        check("nothing was installed into the empty venv", freeze(empty_py) == empty_before)
        added = freeze(sys.executable) - host_before
        check(f"nothing was installed into {sys.executable}", not added, f"new: {sorted(added)}")
        say("")
        if last:
            say(f"make test summary: {last[0]} passed, {last[1]} failed, {last[2]} skipped")
        if results:
            f, e, n = results[-1]
            say(f"Odoo tests: {n} tests, {f} failed, {e} errors")
        say(
            f"make test took {make_seconds / 60:.1f} min; "
            f"everything {(time.time() - t_start) / 60:.1f} min"
        )
        say(f"Log: {log_path}")
    finally:
        if args.keep or failures:
            say(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    say("BARE ENVIRONMENT CHECK " + ("PASSED" if not failures else f"FAILED: {failures}"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
