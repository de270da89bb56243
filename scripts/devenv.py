"""The environment of the developer commands (``scripts/dev.py run|test``).

* **Python.** When Odoo 17 is importable in the Python running the command (with
  ``ODOO_SRC`` on the path when it is set), that Python is used as is. Otherwise one
  virtual environment, ``.cache/venv``, gets Odoo's requirements, the Odoo source
  (``ODOO_SRC``, else the official 17.0 source downloaded into ``.cache/odoo-17.0``)
  installed editable in compat mode, and ``requirements.txt``; the command then re-executes
  itself inside it. Nothing is installed into the Python that started the command.
* **System packages** (Debian/Ubuntu): the build dependencies of Odoo's requirements
  (python-ldap, psycopg2), PostgreSQL when no server can be had and Chromium for the tours,
  installed with apt-get when running as root; otherwise one line with the exact command to
  run is printed and the command stops.
* **PostgreSQL**: a local cluster that is down is started, and the role of the current user
  is created when it is missing (as root; otherwise the exact command is printed).

Only the standard library is used here: this runs before anything is installed.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
VENV = CACHE / "venv"
STAMP = VENV / "zalo-dev-stamp.json"
DOWNLOADED_ODOO = CACHE / "odoo-17.0"
ODOO_DOWNLOAD_URL = "https://github.com/odoo/odoo/archive/refs/heads/17.0.tar.gz"
REEXEC_MARK = "ZALO_DEV_IN_VENV"
STAMP_FORMAT = 1

# What Odoo 17's requirements.txt needs to build on Debian/Ubuntu (python-ldap, psycopg2,
# and C extensions without wheels).
BUILD_PACKAGES = ["build-essential", "libldap2-dev", "libsasl2-dev", "libpq-dev"]
CHROMIUM_BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class SetupError(Exception):
    """The environment cannot be prepared; the message says what to do."""


def say(msg=""):
    print(msg, flush=True)


def loud(msg):
    bar = "!" * 78
    say(f"{bar}\n!! {msg}\n{bar}")


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------- system packages


def dpkg_missing(packages, runner=subprocess.run):
    """The packages of ``packages`` that dpkg does not report installed; None without dpkg."""
    if not packages:
        return []
    if not shutil.which("dpkg-query"):
        return None
    proc = runner(
        ["dpkg-query", "-W", "-f=${Package}\\t${db:Status-Status}\\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = set()
    for line in proc.stdout.splitlines():
        name, _, status = line.partition("\t")
        if status.strip() == "installed":
            installed.add(name.split(":")[0])
    return [p for p in packages if p not in installed]


def os_release_id():
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return ""
    match = re.search(r"^ID=\"?([^\"\n]+)\"?$", text, re.M)
    return match.group(1) if match else ""


def chromium_binary():
    return next((shutil.which(n) for n in CHROMIUM_BINARIES if shutil.which(n)), None)


def chromium_package():
    return "chromium-browser" if os_release_id() == "ubuntu" else "chromium"


def _distro_python():
    """True for the Python of the distribution (``/usr/bin/python3``), whose headers and
    venv module come in apt packages."""
    return Path(sys.base_prefix).resolve() == Path("/usr")


def python_build_packages():
    """apt packages the running Python needs to create a venv and build C extensions."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    pkgs = list(BUILD_PACKAGES)
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.exists():
        if not _distro_python():
            raise SetupError(
                f"{sys.executable} has no C headers ({headers} is missing), needed to build "
                "psycopg2 and python-ldap. Install the development files of this Python, or "
                "run with the system one: make test PYTHON=/usr/bin/python3"
            )
        pkgs.append(f"python{version}-dev")
    if importlib.util.find_spec("ensurepip") is None:
        if not _distro_python():
            raise SetupError(
                f"{sys.executable} cannot create virtual environments (no ensurepip). Use a "
                "complete Python 3.10-3.12: make test PYTHON=/path/to/python3"
            )
        pkgs.append(f"python{version}-venv")
    return pkgs


def apt_command(packages, sudo):
    cmd = ["apt-get", "install", "-y", *packages]
    return ("sudo " if sudo else "") + shlex.join(cmd)


def ensure_system_packages(required, optional=(), why="", runner=subprocess.call):
    """Install the missing ``required`` and ``optional`` Debian packages with apt-get when
    root. Otherwise print the one command to run and stop (SetupError) when a required
    package is missing; only a loud line when just optional ones are. Returns the optional
    packages still missing."""
    wanted = list(dict.fromkeys([*required, *optional]))
    missing = dpkg_missing(wanted)
    if missing is None:  # not a dpkg system: nothing we can check or install
        return []
    if not missing:
        return []
    if shutil.which("apt-get") and is_root():
        say(f"Installing system packages with apt-get: {' '.join(missing)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        runner(["apt-get", "update", "-q"], env=env)
        rc = runner(["apt-get", "install", "-y", "-q", *missing], env=env)
        if rc != 0:
            raise SetupError(
                f"apt-get could not install {' '.join(missing)} (exit {rc}); see its output above."
            )
        return []
    command = apt_command(missing, sudo=not is_root())
    if any(p in required for p in missing):
        raise SetupError(
            f"Missing system packages{f' ({why})' if why else ''}. Run this, then the command "
            f"again:\n    {command}"
        )
    loud(f"Not installed: {' '.join(missing)}. Install with: {command}")
    return missing


# --------------------------------------------------------------------------- PostgreSQL


def pg_is_local(env=None):
    host = (env if env is not None else os.environ).get("PGHOST", "")
    return host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")


def pg_answers(env=None, timeout=2):
    """Something accepts connections where libpq would connect (no authentication tried)."""
    env = env if env is not None else os.environ
    host = env.get("PGHOST", "")
    port = int(env.get("PGPORT") or 5432)
    if host and not host.startswith("/"):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            return False
    dirs = [host] if host else ["/var/run/postgresql", "/tmp"]
    for directory in dirs:
        path = Path(directory) / f".s.PGSQL.{port}"
        if not path.exists():
            continue
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect(str(path))
                return True
            except OSError:
                continue
    return False


def pg_server_installed():
    return bool(shutil.which("pg_lsclusters") or list(Path("/usr/lib/postgresql").glob("*/bin")))


def postgres_packages_needed():
    """['postgresql'] when the local server is wanted, silent and not installed."""
    if not pg_is_local() or pg_answers() or pg_server_installed():
        return []
    return ["postgresql"]


def parse_pg_lsclusters(text):
    """[(version, name, port, status)] from ``pg_lsclusters --no-header``."""
    clusters = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2].isdigit():
            clusters.append((parts[0], parts[1], int(parts[2]), parts[3]))
    return clusters


def pg_start_command(clusters, port, versions):
    """The command that starts the cluster on ``port`` (or creates one), or None."""
    on_port = [c for c in clusters if c[2] == port]
    for version, name, _port, status in on_port or clusters:
        if status.startswith("down"):
            return ["pg_ctlcluster", version, name, "start"]
    if not clusters and versions:
        return ["pg_createcluster", "--start", "-p", str(port), versions[-1], "main"]
    return None


def start_local_postgres(runner=subprocess.run):
    """Start the local Debian cluster when nothing answers. Raises SetupError with the
    command to run when this needs root; returns silently when there is nothing to do."""
    if not pg_is_local() or pg_answers() or not shutil.which("pg_lsclusters"):
        return
    port = int(os.environ.get("PGPORT") or 5432)
    proc = runner(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False)
    clusters = parse_pg_lsclusters(proc.stdout)
    versions = sorted(
        (p.name for p in Path("/usr/lib/postgresql").glob("*") if (p / "bin").is_dir()),
        key=lambda v: [int(x) for x in re.findall(r"\d+", v)],
    )
    command = pg_start_command(clusters, port, versions)
    if command is None:
        return
    if not is_root():
        raise SetupError(
            f"PostgreSQL is not running. Run this, then the command again:\n"
            f"    sudo {shlex.join(command)}"
        )
    say(f"Starting PostgreSQL: {shlex.join(command)}")
    runner(command, check=False)
    deadline = time.time() + 20
    while time.time() < deadline and not pg_answers():
        time.sleep(0.5)


def missing_role(error_text):
    match = re.search(r'role "([^"]+)" does not exist', error_text)
    return match.group(1) if match else None


def create_pg_role(role, runner=subprocess.call):
    """Create the missing superuser role of the local server (root only), else SetupError."""
    command = ["createuser", "--superuser", role]
    if not is_root() or not pg_is_local() or not shutil.which("runuser"):
        raise SetupError(
            f'PostgreSQL has no role "{role}". Run this, then the command again:\n'
            f"    sudo -u postgres {shlex.join(command)}"
        )
    say(f"Creating the PostgreSQL role {role} (superuser, for the local development server)")
    rc = runner(["runuser", "-u", "postgres", "--", *command], cwd="/")
    if rc != 0:
        raise SetupError(f'could not create the PostgreSQL role "{role}" (exit {rc})')


def pg_user():
    return os.environ.get("PGUSER") or getpass.getuser()


# --------------------------------------------------------------------------- Odoo source


def odoo_source_problem(src):
    """None when ``src`` is an Odoo 17.0 source tree, else what is wrong with it."""
    src = Path(src)
    release = src / "odoo" / "release.py"
    if not (src / "odoo-bin").exists() or not release.exists():
        return f"{src} is not an Odoo source tree (no odoo-bin or odoo/release.py)"
    if not re.search(r"version_info\s*=\s*\(\s*17\s*,", release.read_text()):
        return f"{src} is not Odoo 17.0"
    if not (src / "requirements.txt").exists():
        return f"{src} has no requirements.txt"
    return None


def odoo_importable(python, odoo_src=None):
    """True when ``python`` imports Odoo 17 with its requirements (``odoo_src`` first on
    the path when given)."""
    env = dict(os.environ)
    if odoo_src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(odoo_src), env.get("PYTHONPATH")]))
    code = "import odoo, odoo.release as r; print(r.version_info[0])"
    try:
        proc = subprocess.run(
            [str(python), "-c", code], cwd="/", env=env, capture_output=True, text=True
        )
    except OSError:
        return False
    return proc.returncode == 0 and proc.stdout.strip().endswith("17")


def download_odoo():
    """The downloaded 17.0 source in .cache/ (fetched when missing), or (None, reason)."""
    if not odoo_source_problem(DOWNLOADED_ODOO):
        return DOWNLOADED_ODOO, None
    try:
        with socket.create_connection(("github.com", 443), timeout=5):
            pass
    except OSError as exc:
        reason = f"{exc.__class__.__name__}: no network to github.com"
        return None, f"cannot download Odoo 17.0 ({reason})"
    say(f"Downloading the official Odoo 17.0 source from {ODOO_DOWNLOAD_URL} ...")
    CACHE.mkdir(exist_ok=True)
    archive = CACHE / "odoo-17.0.tar.gz"
    try:
        urllib.request.urlretrieve(ODOO_DOWNLOAD_URL, archive)
        with tarfile.open(archive) as tar:
            top = tar.getmembers()[0].name.split("/")[0]
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(CACHE, **safe)
        shutil.rmtree(DOWNLOADED_ODOO, ignore_errors=True)
        (CACHE / top).rename(DOWNLOADED_ODOO)
    except Exception as exc:
        return None, f"downloading Odoo 17.0 failed: {exc}"
    finally:
        archive.unlink(missing_ok=True)
    return DOWNLOADED_ODOO, None


# --------------------------------------------------------------------------- the venv


def venv_python():
    return VENV / "bin" / "python"


def in_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else None


def wanted_stamp(odoo_src):
    return {
        "format": STAMP_FORMAT,
        "odoo_src": str(odoo_src) if odoo_src else None,
        "odoo_requirements": _sha(Path(odoo_src) / "requirements.txt") if odoo_src else None,
        "requirements": _sha(ROOT / "requirements.txt"),
    }


def read_stamp():
    try:
        return json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}


def our_requirements(with_odoo_addons):
    """requirements.txt lines; ``odoo-addon-*`` only when Odoo is installed (they need it)."""
    lines = []
    for raw in (ROOT / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and (with_odoo_addons or not line.startswith("odoo-addon-")):
            lines.append(line)
    return lines


def _venv_works():
    py = venv_python()
    if not py.exists():
        return False
    try:
        return subprocess.run([str(py), "-c", "import sys"], capture_output=True).returncode == 0
    except OSError:
        return False


def _pip(args, what, hint=""):
    say(f"   pip install {what}")
    cmd = [str(venv_python()), "-m", "pip", "install", "--quiet", *args]
    if subprocess.call(cmd, cwd=ROOT) != 0:
        raise SetupError(f"pip could not install {what} into {VENV}; see its output above.{hint}")


@contextlib.contextmanager
def _lock():
    """One bootstrap at a time per checkout (two `make test` started together)."""
    import fcntl

    CACHE.mkdir(exist_ok=True)
    with open(CACHE / "venv.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_venv(odoo_src):
    """Create or complete .cache/venv for ``odoo_src`` (None: tools only). Fast no-op when
    its stamp says it is up to date."""
    stamp = wanted_stamp(odoo_src)
    with _lock():
        if _venv_works() and read_stamp() == stamp:
            return venv_python()
        if not (3, 10) <= sys.version_info[:2] <= (3, 12):
            raise SetupError(
                f"Odoo 17 needs Python 3.10-3.12 and {sys.executable} is "
                f"{sys.version.split()[0]}. Run with another one, e.g. "
                "make test PYTHON=python3.11"
            )
        if not _venv_works():
            shutil.rmtree(VENV, ignore_errors=True)
            say(f"Creating the virtual environment {VENV.relative_to(ROOT)} ...")
            base = getattr(sys, "_base_executable", None) or sys.executable
            if subprocess.call([base, "-m", "venv", str(VENV)]) != 0:
                raise SetupError(f"could not create the virtual environment {VENV}")
        STAMP.unlink(missing_ok=True)
        hint = (
            " Building python-ldap and psycopg2 needs a C compiler and the development "
            f"files of OpenLDAP, SASL and libpq ({apt_command(BUILD_PACKAGES, not is_root())})."
        )
        say(
            "Installing the Python packages into .cache/venv"
            + (" (Odoo's requirements: a few minutes the first time) ..." if odoo_src else " ...")
        )
        _pip(["setuptools<70", "wheel"], "setuptools<70 wheel")
        if odoo_src:
            req = Path(odoo_src) / "requirements.txt"
            _pip(["-r", str(req)], f"-r {req}", hint)
            _pip(
                [
                    "--no-build-isolation",
                    "--use-pep517",
                    "--config-settings",
                    "editable_mode=compat",
                    "-e",
                    str(odoo_src),
                ],
                f"-e {odoo_src} (editable, compat mode)",
            )
            constraints = ["-c", str(req)]
        else:
            constraints = []
        reqs = our_requirements(with_odoo_addons=bool(odoo_src))
        _pip([*reqs, *constraints], "requirements.txt")
        STAMP.write_text(json.dumps(stamp, indent=1))
    return venv_python()


def _odoo_source_for_venv():
    """(source, reason): ODOO_SRC, else the one installed in the venv, else the download."""
    if os.environ.get("ODOO_SRC"):
        return Path(os.environ["ODOO_SRC"]).resolve(), None
    previous = read_stamp().get("odoo_src")
    if previous and not odoo_source_problem(previous):
        return Path(previous), None
    return download_odoo()


def reexec_in_venv(python):
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env[REEXEC_MARK] = "1"
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = os.pathsep.join([str(VENV / "bin"), env.get("PATH", "")])
    script = str(ROOT / "scripts" / "dev.py")
    say(f"Continuing in {VENV.relative_to(ROOT)}: {python} scripts/dev.py {' '.join(sys.argv[1:])}")
    os.execve(str(python), [str(python), script, *sys.argv[1:]], env)


def prepare(command):
    """Make the current process a Python with Odoo 17 (re-executing in .cache/venv when
    needed) and the system packages present. Returns the reason when Odoo 17 cannot be had
    (the ``test`` command still runs its pure part); raises SetupError to stop."""
    odoo_src = os.environ.get("ODOO_SRC")
    if odoo_src:
        problem = odoo_source_problem(Path(odoo_src).resolve())
        if problem:
            raise SetupError(
                f"ODOO_SRC={odoo_src}: {problem}. Point ODOO_SRC at an Odoo 17.0 source tree "
                "(the directory with odoo-bin), or unset it."
            )
    optional = []
    if command == "test" and not chromium_binary():
        optional.append(chromium_package())
    required = postgres_packages_needed()
    if not in_venv() and odoo_importable(sys.executable, odoo_src):
        # Odoo is already usable here (CI, developers): use this Python as it is.
        ensure_system_packages(required, optional, why="PostgreSQL, Chromium")
        return None
    if not in_venv() and os.environ.get(REEXEC_MARK):
        raise SetupError(f"re-executed into {VENV} but running {sys.executable}")
    source, why = _odoo_source_for_venv()
    if source is not None:
        stamp_ok = _venv_works() and read_stamp() == wanted_stamp(source)
        if not stamp_ok:
            required = [*python_build_packages(), *required]
    elif command == "run":
        raise SetupError(
            f"Cannot start the demo: Odoo 17 was not found ({why}). Set ODOO_SRC to an Odoo "
            "17.0 source tree, or allow access to github.com for the download."
        )
    elif importlib.util.find_spec("ensurepip") is None and not _venv_works():
        required = [*python_build_packages(), *required]
    ensure_system_packages(
        required, optional, why="to build Odoo 17's Python requirements and run it"
    )
    python = ensure_venv(source)
    if not in_venv():
        reexec_in_venv(python)
    return why
