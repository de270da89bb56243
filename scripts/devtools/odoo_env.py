"""Finding Odoo 17 (``ODOO_SRC``, an importable ``odoo``, the downloaded source), the
Python requirements, and Odoo's command line."""

import dataclasses
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import devenv  # scripts/devenv.py: venv, system packages, PostgreSQL
from devenv import CACHE, ROOT, loud, say

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


@dataclass
class OdooEnv:
    cmd: list
    addons_paths: list
    origin: str
    importable: bool = False
    extra_env: dict = field(default_factory=dict)
    #: False when the addons come from installed wheels (``from_wheels``)
    repo_on_addons_path: bool = True

    @property
    def addons_path_arg(self):
        paths = [*self.addons_paths, ROOT] if self.repo_on_addons_path else self.addons_paths
        return ",".join(str(p) for p in paths)

    def from_wheels(self, python):
        """This Odoo run by ``python``, a virtual environment where the addon wheels and the
        simulator wheel are installed: the addons path does not name this repository."""
        return dataclasses.replace(
            self,
            cmd=[str(python), *self.cmd[1:]],
            origin=f"{self.origin}; the addons and the simulator from the wheels installed "
            f"in {Path(python).parent.parent}",
            repo_on_addons_path=False,
            # nothing of the caller's PYTHONPATH but Odoo's source (ODOO_SRC)
            extra_env={**self.extra_env, "PYTHONPATH": self.extra_env.get("PYTHONPATH", "")},
        )

    def with_simulator(self):
        """This Odoo with the addons of this repository, and the simulator (a test
        dependency) importable from ``.cache/test-pythonpath``, which holds only a link to
        ``zalo_simulator/`` (not the repository: no ``import zalo_oa`` by accident)."""
        path_dir = CACHE / "test-pythonpath"
        path_dir.mkdir(parents=True, exist_ok=True)
        link = path_dir / "zalo_simulator"
        if not link.is_symlink() or link.resolve() != (ROOT / "zalo_simulator").resolve():
            link.unlink(missing_ok=True)
            link.symlink_to(ROOT / "zalo_simulator", target_is_directory=True)
        current = self.extra_env.get("PYTHONPATH", os.environ.get("PYTHONPATH"))
        pythonpath = os.pathsep.join(filter(None, [str(path_dir), current]))
        return dataclasses.replace(self, extra_env={**self.extra_env, "PYTHONPATH": pythonpath})

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
