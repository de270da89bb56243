"""Pure tests of scripts/devenv.py: the decisions of the set-up, without touching the machine.

The real thing (a new empty venv, Odoo's requirements from PyPI, the full ``make test``) is
``tests/bootstrap/check_bare_env.py``, run by hand.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    name = "zalo_devenv_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "devenv.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


devenv = _load()


def _dpkg(installed):
    """A fake ``subprocess.run`` answering dpkg-query for the given installed packages."""

    def runner(cmd, **kwargs):
        assert cmd[0] == "dpkg-query"
        lines = [f"{p}\tinstalled" for p in cmd[3:] if p in installed]
        return subprocess.CompletedProcess(cmd, 0 if lines else 1, "\n".join(lines) + "\n", "")

    return runner


@pytest.fixture
def debian(monkeypatch):
    """A Debian machine where only ``installed`` (a set to fill) is installed."""
    installed = set()
    monkeypatch.setattr(devenv.shutil, "which", lambda name: f"/usr/bin/{name}")
    real = devenv.dpkg_missing
    monkeypatch.setattr(devenv, "dpkg_missing", lambda pkgs: real(pkgs, runner=_dpkg(installed)))
    return installed


def test_dpkg_missing_lists_what_is_not_installed(debian):
    debian.update({"libpq-dev", "chromium"})
    assert devenv.dpkg_missing(["libpq-dev", "libldap2-dev", "chromium", "libsasl2-dev"]) == [
        "libldap2-dev",
        "libsasl2-dev",
    ]


def test_dpkg_missing_without_dpkg_is_none(monkeypatch):
    monkeypatch.setattr(devenv.shutil, "which", lambda name: None)
    assert devenv.dpkg_missing(["libpq-dev"]) is None


def test_not_root_prints_one_exact_command_and_stops(debian, monkeypatch):
    debian.add("libpq-dev")
    monkeypatch.setattr(devenv, "is_root", lambda: False)
    calls = []
    with pytest.raises(devenv.SetupError) as err:
        devenv.ensure_system_packages(
            ["libldap2-dev", "libsasl2-dev", "libpq-dev"], ["chromium"], runner=calls.append
        )
    assert not calls
    command = [line for line in str(err.value).splitlines() if "apt-get" in line]
    assert command == ["    sudo apt-get install -y libldap2-dev libsasl2-dev chromium"]


def test_not_root_only_optional_missing_goes_on(debian, monkeypatch, capsys):
    debian.update({"libldap2-dev"})
    monkeypatch.setattr(devenv, "is_root", lambda: False)
    assert devenv.ensure_system_packages(["libldap2-dev"], ["chromium"]) == ["chromium"]
    assert "sudo apt-get install -y chromium" in capsys.readouterr().out


def test_root_installs_with_apt_get(debian, monkeypatch):
    monkeypatch.setattr(devenv, "is_root", lambda: True)
    calls = []

    def runner(cmd, env):
        calls.append(cmd)
        assert env["DEBIAN_FRONTEND"] == "noninteractive"
        return 0

    assert devenv.ensure_system_packages(["libpq-dev"], ["chromium"], runner=runner) == []
    assert calls == [
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "libpq-dev", "chromium"],
    ]


def test_root_apt_failure_is_a_clear_error(debian, monkeypatch):
    monkeypatch.setattr(devenv, "is_root", lambda: True)
    with pytest.raises(devenv.SetupError, match="apt-get could not install libpq-dev"):
        devenv.ensure_system_packages(["libpq-dev"], runner=lambda cmd, env: 100)


def test_nothing_missing_does_nothing(debian, monkeypatch):
    debian.update({"libpq-dev", "chromium"})
    monkeypatch.setattr(devenv, "is_root", lambda: True)
    calls = []
    assert devenv.ensure_system_packages(["libpq-dev"], ["chromium"], runner=calls.append) == []
    assert not calls


def test_build_packages_cover_odoo_requirements():
    try:
        packages = devenv.python_build_packages()
    except devenv.SetupError as exc:  # a Python without headers that apt cannot fix
        pytest.skip(str(exc))
    assert {"libldap2-dev", "libsasl2-dev", "libpq-dev", "build-essential"} <= set(packages)


CLUSTERS = """15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/x.log
16  other   5433 online postgres /var/lib/postgresql/16/other /var/log/y.log
"""


def test_pg_start_command_starts_the_cluster_on_the_port():
    clusters = devenv.parse_pg_lsclusters(CLUSTERS)
    assert clusters == [("15", "main", 5432, "down"), ("16", "other", 5433, "online")]
    assert devenv.pg_start_command(clusters, 5432, ["15", "16"]) == [
        "pg_ctlcluster",
        "15",
        "main",
        "start",
    ]
    assert devenv.pg_start_command(clusters, 5433, ["15", "16"]) is None


def test_pg_start_command_creates_a_cluster_when_there_is_none():
    assert devenv.pg_start_command([], 5432, ["15"]) == [
        "pg_createcluster",
        "--start",
        "-p",
        "5432",
        "15",
        "main",
    ]
    assert devenv.pg_start_command([], 5432, []) is None


def test_start_local_postgres_not_root_says_the_command(monkeypatch):
    monkeypatch.setattr(devenv, "pg_answers", lambda: False)
    monkeypatch.setattr(devenv, "pg_is_local", lambda: True)
    monkeypatch.setattr(devenv, "is_root", lambda: False)
    monkeypatch.setattr(devenv.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("PGPORT", raising=False)

    def runner(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 0, CLUSTERS, "")

    with pytest.raises(devenv.SetupError, match=r"sudo pg_ctlcluster 15 main start"):
        devenv.start_local_postgres(runner=runner)


def test_missing_role_and_its_command(monkeypatch):
    err = 'connection failed: FATAL:  role "alice" does not exist'
    assert devenv.missing_role(err) == "alice"
    assert devenv.missing_role("timeout") is None
    monkeypatch.setattr(devenv, "is_root", lambda: False)
    with pytest.raises(devenv.SetupError, match="sudo -u postgres createuser --superuser alice"):
        devenv.create_pg_role("alice")


def test_pg_is_local():
    assert devenv.pg_is_local({})
    assert devenv.pg_is_local({"PGHOST": "/var/run/postgresql"})
    assert not devenv.pg_is_local({"PGHOST": "db.example.com"})


def _odoo_tree(tmp_path, major=17):
    (tmp_path / "odoo").mkdir(parents=True)
    (tmp_path / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (tmp_path / "requirements.txt").write_text("psycopg2\n")
    (tmp_path / "odoo" / "release.py").write_text(f"version_info = ({major}, 0, 0, 'final', 0)\n")
    return tmp_path


def test_odoo_source_problem(tmp_path):
    assert devenv.odoo_source_problem(_odoo_tree(tmp_path / "a")) is None
    assert "not Odoo 17.0" in devenv.odoo_source_problem(_odoo_tree(tmp_path / "b", 16))
    assert "not an Odoo source tree" in devenv.odoo_source_problem(tmp_path / "nothing")


def test_bad_odoo_src_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ODOO_SRC", str(tmp_path))
    with pytest.raises(devenv.SetupError, match=r"Point ODOO_SRC at an Odoo 17\.0 source tree"):
        devenv.prepare("test")


def test_odoo_addon_requirements_only_with_odoo():
    without = devenv.our_requirements(with_odoo_addons=False)
    with_odoo = devenv.our_requirements(with_odoo_addons=True)
    assert not any(r.startswith("odoo-addon-") for r in without)
    assert any(r.startswith("odoo-addon-helpdesk-mgmt") for r in with_odoo)
    assert "pytest" in " ".join(without)


def test_stamp_follows_the_odoo_source(tmp_path):
    a = devenv.wanted_stamp(_odoo_tree(tmp_path / "a"))
    b = devenv.wanted_stamp(_odoo_tree(tmp_path / "b"))
    assert a != b and a["odoo_requirements"] == b["odoo_requirements"]
    assert devenv.wanted_stamp(None)["odoo_src"] is None


def test_apt_command():
    assert devenv.apt_command(["a", "b"], sudo=True) == "sudo apt-get install -y a b"
    assert devenv.apt_command(["a"], sudo=False) == "apt-get install -y a"
