"""Pure tests of how the addon tests are set up from wheels (tests/packaging/check_wheels.py)
and from the repository (scripts/devtools/odoo_env.py): what the builds contain, what the
Odoo of the test run sees."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_check_wheels():
    name = "zalo_check_wheels_under_test"
    if name in sys.modules:
        return sys.modules[name]
    path = ROOT / "tests" / "packaging" / "check_wheels.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check_wheels = _load_check_wheels()
from devtools import odoo_env  # noqa: E402 - scripts/ is on sys.path after the load above


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    """A checkout with a commit, then a change, a deletion, a new file and an ignored one."""
    repo = tmp_path / "repo"
    (repo / "addon").mkdir(parents=True)
    (repo / "addon" / "models.py").write_text("v1\n")
    (repo / "addon" / "old.py").write_text("old\n")
    (repo / ".gitignore").write_text("*.log\n")
    _git(repo.parent, "init", "--quiet", str(repo))
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    (repo / "addon" / "models.py").write_text("v2, not committed\n")
    (repo / "addon" / "old.py").unlink()
    (repo / "addon" / "new_test.py").write_text("new\n")
    (repo / "addon" / "debug.log").write_text("ignored\n")
    return repo


def _staged(repo):
    out = subprocess.run(
        ["git", "-C", str(repo), "ls-files"], check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


def test_head_build_is_the_commit(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(check_wheels, "ROOT", repo)
    (tmp_path / "head").mkdir()
    src = check_wheels.source_tree(tmp_path / "head", worktree=False)
    assert _staged(src) == {".gitignore", "addon/models.py", "addon/old.py"}
    assert (src / "addon" / "models.py").read_text() == "v1\n"


def test_worktree_build_has_changes_and_new_files_but_not_ignored_ones(repo, tmp_path, monkeypatch):
    """whool packages what ``git ls-files`` lists: a new test file must be in the wheel."""
    monkeypatch.setattr(check_wheels, "ROOT", repo)
    (tmp_path / "wt").mkdir()
    src = check_wheels.source_tree(tmp_path / "wt", worktree=True)
    assert _staged(src) == {".gitignore", "addon/models.py", "addon/new_test.py"}
    assert (src / "addon" / "models.py").read_text() == "v2, not committed\n"
    assert not (src / "addon" / "old.py").exists()
    assert not (src / "addon" / "debug.log").exists()
    # the working tree itself is left alone
    assert _staged(repo) == {".gitignore", "addon/models.py", "addon/old.py"}


def _odoo():
    return odoo_env.OdooEnv(
        cmd=["/usr/bin/python3", "-m", "odoo"],
        addons_paths=[Path("/opt/odoo/addons"), Path("/opt/odoo/odoo/addons")],
        origin="importable odoo",
        importable=True,
    )


def test_odoo_from_wheels_has_no_repository_on_its_paths():
    odoo = _odoo()
    assert str(ROOT) in odoo.addons_path_arg.split(",")
    wheels = odoo.from_wheels("/tmp/w/venv/bin/python")
    assert wheels.cmd == ["/tmp/w/venv/bin/python", "-m", "odoo"]
    assert wheels.addons_path_arg == "/opt/odoo/addons,/opt/odoo/odoo/addons"
    # an empty PYTHONPATH overrides the caller's
    assert wheels.extra_env == {"PYTHONPATH": ""}
    from_src = odoo_env.OdooEnv(
        cmd=["/usr/bin/python3", "/src/odoo-bin"],
        addons_paths=[Path("/src/addons")],
        origin="ODOO_SRC",
        extra_env={"PYTHONPATH": "/src"},
    ).from_wheels("/v/bin/python")
    assert from_src.cmd == ["/v/bin/python", "/src/odoo-bin"]
    assert from_src.extra_env == {"PYTHONPATH": "/src"}


def test_odoo_from_the_repository_imports_the_simulator_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(odoo_env, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    odoo = _odoo().with_simulator()
    first, rest = odoo.extra_env["PYTHONPATH"].split(os.pathsep, 1)
    assert rest == "/elsewhere"
    entries = list(Path(first).iterdir())
    assert [p.name for p in entries] == ["zalo_simulator"]
    assert entries[0].resolve() == (ROOT / "zalo_simulator").resolve()
    # idempotent
    assert odoo_env.OdooEnv.with_simulator(_odoo()).extra_env["PYTHONPATH"].startswith(first)
