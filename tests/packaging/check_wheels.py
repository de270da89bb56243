#!/usr/bin/env python3
"""Build the nine addons as OCA-style wheels and install Odoo from them.

    python3 tests/packaging/check_wheels.py [--worktree] [--all] [--keep] [--json FILE]

Run by ``make test`` (step "packaging"), or alone. With the Python that has Odoo 17 (the one
``make test`` uses: the system one, or ``.cache/venv/bin/python``):

1. clones the committed HEAD of this repository into a scratch directory (whool packages the
   files under git control; ``--worktree`` builds from the working tree instead, which
   includes uncommitted changes to tracked files but never untracked files);
2. creates a scratch virtual environment that sees the packages of this Python (Odoo 17,
   ``odoo-addon-helpdesk_mgmt``, ...) without being able to change them;
3. builds the nine wheels with pip and the build backend declared in each addon's
   ``pyproject.toml`` (whool, from PyPI), and checks their names (``odoo-addon-<addon>``),
   versions (the manifest's) and dependencies;
4. installs them into the scratch environment, checks that Odoo finds every addon there
   without ``--addons-path`` naming this repository, and installs ``zalo_oa`` (``--all``: the
   nine) into a fresh database, which is dropped afterwards.

Exit status 0 when every check passed, 1 when one failed, 3 when the check cannot run here
(no git checkout, or the build backend cannot be installed).
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
import socket
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
# the addon list and database clean-up of scripts/dev.py (no Odoo import)
from devtools.database import drop_db  # noqa: E402
from devtools.odoo_env import ADDONS  # noqa: E402

SKIP = 3
LOG_LEVEL_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


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
    if worktree:
        return ROOT
    src = tmp / "src"
    proc = run(["git", "clone", "--quiet", "--no-checkout", ROOT, src])
    if proc.returncode == 0:
        proc = run(["git", "-C", src, "checkout", "--quiet", "HEAD"])
    if proc.returncode != 0:
        raise RuntimeError(f"git clone of {ROOT} failed: {proc.stderr.strip()}")
    return src


def scratch_venv(tmp):
    """A venv whose site-packages come first, then those of this Python (read only)."""
    venv = tmp / "venv"
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def module_states(db, names):
    import psycopg2

    conn = psycopg2.connect(dbname=db, connect_timeout=5)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", (names,))
            return dict(cr.fetchall())
    finally:
        conn.close()


def check_install(checks, py, tmp, install_all, keep):
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
    for addon in ADDONS:
        path = paths.get(addon, "")
        ok = path.startswith(str(site_dir)) and ROOT not in Path(path).parents
        checks.add(f"Odoo finds {addon} in the installed wheel", ok, path or proc.stderr[-300:])
    to_install = ADDONS if install_all else ["zalo_oa"]
    db = f"zalo_wheels_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    log = tmp / "odoo-install.log"
    say(f"   odoo -i {','.join(to_install)} in the fresh database {db} (log: {log}) ...")
    t0 = time.time()
    try:
        proc = run(
            [
                py,
                "-m",
                "odoo",
                f"--addons-path={addons_path}",
                "-d",
                db,
                "-i",
                ",".join(to_install),
                "--stop-after-init",
                "--without-demo=all",
                "--max-cron-threads=0",
                f"--http-port={free_port()}",
                "--http-interface=127.0.0.1",
                "--log-level=warn",
                f"--logfile={log}",
            ],
            cwd=tmp,
            env=_clean_env(),
        )
        text = log.read_text(errors="replace") if log.exists() else ""
        bad = [line for line in text.splitlines() if LOG_LEVEL_RE.match(line)]
        states = module_states(db, to_install)
        not_installed = [a for a in to_install if states.get(a) != "installed"]
        checks.add(
            f"odoo -i {','.join(to_install)} from the wheels ({time.time() - t0:.0f}s)",
            proc.returncode == 0 and not not_installed and not bad,
            f"exit {proc.returncode}; not installed: {not_installed}; "
            f"{len(bad)} ERROR line(s){': ' + bad[0][:300] if bad else ''}",
        )
    finally:
        if keep:
            say(f"   keeping database {db} (--keep)")
        else:
            drop_db(db)


def _clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("ODOO_RC", None)
    return env


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worktree", action="store_true", help="build from the working tree")
    parser.add_argument("--all", action="store_true", help="install the nine addons")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir and database")
    parser.add_argument("--json", type=Path, help="write the checks to this file")
    args = parser.parse_args(argv)
    checks = Checks()
    t0 = time.time()
    say("== packaging: build the nine wheels, install them, odoo -i from them")
    status = _run(checks, args)
    if status == 0 and checks.failed:
        status = 1
    if args.json:
        args.json.write_text(json.dumps({"status": status, "checks": checks.results}))
    say(
        f"   packaging: {len(checks.results) - len(checks.failed)} passed, "
        f"{len(checks.failed)} failed in {time.time() - t0:.0f}s"
    )
    return status


def _run(checks, args):
    if run(["git", "-C", ROOT, "rev-parse", "--git-dir"]).returncode != 0:
        say(f"   SKIPPED: {ROOT} is not a git checkout (whool packages the files git tracks)")
        return SKIP
    try:
        import psycopg2  # noqa: F401

        import odoo  # noqa: F401
    except ImportError as exc:
        say(f"   SKIPPED: {sys.executable} has no Odoo 17 ({exc}); run it with that Python")
        return SKIP
    try:
        importlib.metadata.version("odoo")
    except importlib.metadata.PackageNotFoundError:
        say(
            f"   SKIPPED: Odoo is not pip-installed in {sys.executable} (only on PYTHONPATH), "
            "and the wheels depend on the 'odoo' distribution. Install it with: "
            "pip install -e $ODOO_SRC --config-settings editable_mode=compat"
        )
        return SKIP
    tmp = Path(tempfile.mkdtemp(prefix="zalo-wheels-"))
    try:
        src = source_tree(tmp, args.worktree)
        py = scratch_venv(tmp)
        dist = tmp / "dist"
        say(f"   pip wheel {len(ADDONS)} addons from {src} (build backend from pyproject.toml)")
        proc = run(
            [py, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist]
            + [src / a for a in ADDONS],
            cwd=tmp,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout)[-1500:]
            if "whool" in tail and ("No matching distribution" in tail or "Could not" in tail):
                say(f"   SKIPPED: the build backend whool cannot be installed:\n{tail}")
                return SKIP
            checks.add("pip wheel of the nine addons", False, tail)
            return 1
        wheels = sorted(dist.glob("*.whl"))
        check_metadata(checks, wheels, src)
        proc = run([py, "-m", "pip", "install", "--quiet", *wheels], cwd=tmp)
        if not checks.add(
            "pip install of the nine wheels", proc.returncode == 0, proc.stderr[-1500:]
        ):
            return 1
        check_install(checks, py, tmp, args.all, args.keep)
    except RuntimeError as exc:
        checks.add("packaging set-up", False, str(exc))
    finally:
        if args.keep:
            say(f"   keeping {tmp} (--keep)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
