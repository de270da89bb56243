#!/usr/bin/env python3
"""Build the nine addons and the simulator as wheels and run the addons' tests from them.

    python3 tests/packaging/check_wheels.py [--worktree] [--test-tags TAGS] [--install-only]
                                            [--venv DIR] [--db NAME] [--keep] [--json FILE]

With the Python that has Odoo 17 (the one ``make test`` uses: the system one, or
``.cache/venv/bin/python``):

1. clones the committed HEAD of this repository into a scratch directory (whool packages the
   files under git control); ``--worktree`` adds the working tree to that clone (changes,
   deletions and new files that git does not ignore, staged there): what ``git add -A``
   and a commit would build;
2. creates a virtual environment (scratch, or ``--venv DIR``, recreated) that sees the
   packages of this Python (Odoo 17, ``odoo-addon-helpdesk_mgmt``, ...) without being able
   to change them;
3. builds the nine addon wheels (``odoo-addon-<addon>``, whool) and the simulator's
   (``zalo-simulator``, the addons' test dependency) with pip and the build backend of each
   ``pyproject.toml``, and checks their names, versions and dependencies;
4. installs them into the environment and checks that Odoo finds every addon there, and
   Python the simulator, with an addons path that does not name this repository;
5. (not with ``--install-only``) installs the nine addons into a fresh database from there
   and runs their Odoo tests (``--test-tags``, default: the nine addons' tests), with the
   log analysis of ``make test`` (failures, ``ERROR`` lines, uninstalled addons); the
   database is dropped afterwards.

``make test`` runs steps 1-4 with ``--worktree --install-only --venv .cache/wheels-venv`` and then
its Odoo tests and end-to-end tests with the Odoo of that environment.

Exit status 0 when every check passed, 1 when one failed, 3 when the check cannot run here
(no git checkout, Odoo not pip-installed, or a build backend cannot be installed).
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
# the addon list, database clean-up and Odoo test run of scripts/dev.py
from devtools.odoo_env import ADDONS, find_odoo  # noqa: E402
from devtools.testing import Tally, run_odoo_tests  # noqa: E402

SIMULATOR = "zalo_simulator"

SKIP = 3


def say(msg=""):
    print(msg, flush=True)


class Checks:
    def __init__(self):
        self.results = []

    def add(self, name, ok, detail=""):
        self.results.append({"name": name, "ok": bool(ok), "detail": detail})
        say(f"   [{'ok' if ok else 'FAILED'}] {name}{'' if ok or not detail else ': ' + detail}")
        return ok

    @property
    def failed(self):
        return [r for r in self.results if not r["ok"]]


def run(cmd, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run([str(c) for c in cmd], check=False, **kwargs)


def manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


def source_tree(tmp, worktree):
    src = tmp / "src"
    proc = run(["git", "clone", "--quiet", "--no-checkout", ROOT, src])
    if proc.returncode == 0:
        proc = run(["git", "-C", src, "checkout", "--quiet", "HEAD"])
    if proc.returncode != 0:
        raise RuntimeError(f"git clone of {ROOT} failed: {proc.stderr.strip()}")
    if worktree:
        _add_worktree(src)
    return src


def _git_files(repo, *options):
    proc = run(["git", "-C", repo, "ls-files", "-z", *options])
    if proc.returncode != 0:
        raise RuntimeError(f"git ls-files in {repo} failed: {proc.stderr.strip()}")
    return {name for name in proc.stdout.split("\0") if name}


def _add_worktree(src):
    """Copy the working tree's files that git does not ignore over the clone, remove the
    ones deleted here, and stage it all: whool lists the files with ``git ls-files``."""
    wanted = _git_files(ROOT, "--cached", "--others", "--exclude-standard")
    for name in sorted(wanted | _git_files(src)):
        here, there = ROOT / name, src / name
        if there.is_symlink() or there.exists():
            there.unlink()
        if name in wanted and (here.is_symlink() or here.is_file()):
            there.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(here, there, follow_symlinks=False)
    proc = run(["git", "-C", src, "add", "-A"])
    if proc.returncode != 0:
        raise RuntimeError(f"git add in the copy of the working tree failed: {proc.stderr}")


def scratch_venv(venv):
    """A venv whose site-packages come first, then those of this Python (read only)."""
    if venv.exists():
        if not (venv / "pyvenv.cfg").is_file():
            raise RuntimeError(f"{venv} exists and is not a virtual environment: not replaced")
        shutil.rmtree(venv)
    base = getattr(sys, "_base_executable", None) or sys.executable
    proc = run([base, "-m", "venv", venv])
    if proc.returncode != 0:
        raise RuntimeError(f"python -m venv failed: {proc.stderr.strip()}")
    py = venv / "bin" / "python"
    purelib = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    parents = [p for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]] if p]
    lines = [f"import site; site.addsitedir({p!r})" for p in dict.fromkeys(parents)]
    Path(purelib.stdout.strip(), "zz_parent_env.pth").write_text("\n".join(lines) + "\n")
    return py


def odoo_own_addons_paths():
    """Odoo's own addons directories (never this repository)."""
    import odoo

    odoo_dir = Path(odoo.__file__).resolve().parent
    paths = [p for p in (odoo_dir.parent / "addons", odoo_dir / "addons") if p.is_dir()]
    return [p for p in paths if ROOT not in (p, *p.parents)]


def check_metadata(checks, wheels, src):
    for addon in ADDONS:
        found = [w for w in wheels if w.name.startswith(f"odoo_addon_{addon}-")]
        if not checks.add(f"wheel {addon} built", len(found) == 1, f"found {found}"):
            continue
        with zipfile.ZipFile(found[0]) as zf:
            meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            meta = Parser().parsestr(zf.read(meta_name).decode())
            files = zf.namelist()
        man = manifest(src / addon)
        requires = meta.get_all("Requires-Dist") or []
        problems = []
        if meta["Name"] != f"odoo-addon-{addon}":
            problems.append(f"name {meta['Name']}")
        if not meta["Version"].startswith(man["version"]):
            problems.append(f"version {meta['Version']} not from manifest {man['version']}")
        if not any(r.startswith("odoo>=17.0") for r in requires):
            problems.append("no odoo 17.0 requirement")
        # addons that are not part of Odoo: ours and OCA's helpdesk_mgmt
        for dep in man["depends"]:
            ours = (src / dep / "__manifest__.py").exists() or dep == "helpdesk_mgmt"
            if ours and not any(r.startswith(f"odoo-addon-{dep}>=17.0") for r in requires):
                problems.append(f"no requirement on odoo-addon-{dep}")
        for pydep in man.get("external_dependencies", {}).get("python", []):
            if not any(re.split(r"[<>=!~; ]", r, maxsplit=1)[0].lower() == pydep for r in requires):
                problems.append(f"no requirement on {pydep}")
        if f"odoo/addons/{addon}/__manifest__.py" not in files:
            problems.append("no odoo/addons/<addon>/__manifest__.py in the wheel")
        checks.add(
            f"wheel {addon}: {meta['Name']} {meta['Version']}, {len(requires)} dependencies",
            not problems,
            "; ".join(problems),
        )


def check_simulator_wheel(checks, wheels):
    found = [w for w in wheels if w.name.startswith(f"{SIMULATOR}-")]
    if not checks.add("wheel zalo-simulator built", len(found) == 1, f"found {found}"):
        return
    with zipfile.ZipFile(found[0]) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode())
        files = zf.namelist()
    requires = meta.get_all("Requires-Dist") or []
    problems = []
    if meta["Name"] != "zalo-simulator":
        problems.append(f"name {meta['Name']}")
    for needed in ("requests", "werkzeug"):
        if not any(r.lower().startswith(needed) for r in requires):
            problems.append(f"no requirement on {needed}")
    for needed in ("server.py", "__main__.py", "static/index.html"):
        if f"{SIMULATOR}/{needed}" not in files:
            problems.append(f"no {SIMULATOR}/{needed} in the wheel")
    checks.add(
        f"wheel zalo-simulator: {meta['Name']} {meta['Version']}", not problems, "; ".join(problems)
    )


def check_found(checks, py, tmp):
    """Odoo finds every addon, and Python the simulator, in the installed wheels."""
    site_dir = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    site_dir = Path(site_dir.stdout.strip())
    addons_path = ",".join(str(p) for p in odoo_own_addons_paths())
    code = (
        "import sys, odoo; from odoo.modules import module as m;"
        f"odoo.tools.config.parse_config(['--addons-path={addons_path}']);"
        "m.initialize_sys_path();"
        "[print(a, m.get_module_path(a, display_warning=False)) for a in sys.argv[1:]]"
    )
    proc = run([py, "-c", code, *ADDONS], cwd=tmp, env=_clean_env())
    paths = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    ok_all = True
    for addon in ADDONS:
        path = paths.get(addon, "")
        ok = bool(path) and Path(path).is_relative_to(site_dir)
        ok_all &= checks.add(
            f"Odoo finds {addon} in the installed wheel", ok, path or proc.stderr[-300:]
        )
    proc = run(
        [py, "-c", f"import {SIMULATOR}; print({SIMULATOR}.__file__)"], cwd=tmp, env=_clean_env()
    )
    path = proc.stdout.strip()
    ok = bool(path) and Path(path).is_relative_to(site_dir)
    ok_all &= checks.add(
        "the simulator is imported from its installed wheel", ok, path or proc.stderr[-300:]
    )
    return ok_all


def run_tests(checks, py, tmp, args):
    """The nine addons installed from the wheels into a fresh database, their tests run."""
    odoo, why = find_odoo()
    if odoo is None:
        checks.add("Odoo tests from the wheels", False, f"Odoo not found: {why}")
        return
    tally = Tally()
    db = args.db or f"zalo_wheels_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    wheels_odoo = odoo.from_wheels(py)
    run_odoo_tests(
        tally,
        wheels_odoo,
        keep_db=args.keep,
        db=db,
        log_path=tmp / "odoo-test.log",
        tags=args.test_tags,
        e2e=False,
    )
    for problem in tally.problems:
        say(f"   - {problem}")
    checks.add(
        f"Odoo tests of the addons from the wheels: {tally.line()}",
        tally.failed == 0 and tally.passed > 0,
        "; ".join(tally.problems) or "no test ran",
    )


def _clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("ODOO_RC", None)
    return env


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--worktree", action="store_true", help="build HEAD plus the working tree's changes"
    )
    parser.add_argument(
        "--test-tags", help="Odoo --test-tags of the run (default: the nine addons' tests)"
    )
    parser.add_argument(
        "--install-only", action="store_true", help="stop after installing the wheels"
    )
    parser.add_argument("--venv", type=Path, help="(re)create the environment here and keep it")
    parser.add_argument("--db", help="name of the test database (default: a new name)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir and database")
    parser.add_argument("--json", type=Path, help="write the checks to this file")
    args = parser.parse_args(argv)
    checks = Checks()
    t0 = time.time()
    say("== packaging: build the nine addon wheels and the simulator's, install them")
    status, python = _run(checks, args)
    if status == 0 and checks.failed:
        status = 1
    if args.json:
        result = {"status": status, "checks": checks.results}
        if python and args.venv:
            result["python"] = str(python)
        args.json.write_text(json.dumps(result))
    say(
        f"   packaging: {len(checks.results) - len(checks.failed)} passed, "
        f"{len(checks.failed)} failed in {time.time() - t0:.0f}s"
    )
    return status


def _run(checks, args):
    """Returns (status, the environment's python when the wheels are installed and found)."""
    if run(["git", "-C", ROOT, "rev-parse", "--git-dir"]).returncode != 0:
        say(f"   SKIPPED: {ROOT} is not a git checkout (whool packages the files git tracks)")
        return SKIP, None
    try:
        import psycopg2  # noqa: F401

        import odoo  # noqa: F401
    except ImportError as exc:
        say(f"   SKIPPED: {sys.executable} has no Odoo 17 ({exc}); run it with that Python")
        return SKIP, None
    try:
        importlib.metadata.version("odoo")
    except importlib.metadata.PackageNotFoundError:
        say(
            f"   SKIPPED: Odoo is not pip-installed in {sys.executable} (only on PYTHONPATH), "
            "and the wheels depend on the 'odoo' distribution. Install it with: "
            "pip install -e $ODOO_SRC --config-settings editable_mode=compat"
        )
        return SKIP, None
    tmp = Path(tempfile.mkdtemp(prefix="zalo-wheels-"))
    python = None
    try:
        src = source_tree(tmp, args.worktree)
        venv = args.venv.resolve() if args.venv else tmp / "venv"
        py = scratch_venv(venv)
        dist = tmp / "dist"
        projects = [src / a for a in ADDONS] + [src / SIMULATOR]
        say(
            f"   pip wheel {len(ADDONS)} addons and the simulator from "
            f"{'HEAD + the working tree' if args.worktree else 'HEAD'} (build backends from "
            "pyproject.toml)"
        )
        proc = run(
            [py, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, *projects], cwd=tmp
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout)[-1500:]
            if "No matching distribution" in tail and ("whool" in tail or "setuptools" in tail):
                say(f"   SKIPPED: a build backend cannot be installed:\n{tail}")
                return SKIP, None
            checks.add("pip wheel of the nine addons and the simulator", False, tail)
            return 1, None
        wheels = sorted(dist.glob("*.whl"))
        check_metadata(checks, wheels, src)
        check_simulator_wheel(checks, wheels)
        proc = run([py, "-m", "pip", "install", "--quiet", *wheels], cwd=tmp)
        if not checks.add(
            "pip install of the nine wheels and the simulator's",
            proc.returncode == 0,
            proc.stderr[-1500:],
        ):
            return 1, None
        if check_found(checks, py, tmp):
            python = py
        if python and not args.install_only:
            run_tests(checks, py, tmp, args)
    except RuntimeError as exc:
        checks.add("packaging set-up", False, str(exc))
    finally:
        if args.keep:
            say(f"   keeping {tmp} (--keep)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0, python


if __name__ == "__main__":
    sys.exit(main())
