"""Endpoints helpers, the standalone loader and the no-Odoo rule."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import zalo_oa_tools
from zalo_oa_tools import endpoints
from zalo_oa_tools.endpoints import (
    DEFAULT_URLS,
    is_loopback_host,
    is_loopback_url,
    join_url,
    resolve_urls,
)

TESTS_DIR = Path(__file__).resolve().parent.parent
TOOLS_DIR = TESTS_DIR.parent / "zalo_oa" / "tools"


def test_default_urls():
    assert DEFAULT_URLS == {
        "openapi": "https://openapi.zalo.me",
        "oauth": "https://oauth.zaloapp.com",
        "business": "https://business.openapi.zalo.me",
        "graph": "https://graph.zalo.me",
    }


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        (
            "https://openapi.zalo.me",
            "/v3.0/oa/message/cs",
            "https://openapi.zalo.me/v3.0/oa/message/cs",
        ),
        (
            "https://openapi.zalo.me/",
            "v3.0/oa/message/cs",
            "https://openapi.zalo.me/v3.0/oa/message/cs",
        ),
        (
            "http://127.0.0.1:8765/openapi",
            "/v2.0/oa/getoa",
            "http://127.0.0.1:8765/openapi/v2.0/oa/getoa",
        ),
        (
            "http://127.0.0.1:8765/business/",
            "/message/template",
            "http://127.0.0.1:8765/business/message/template",
        ),
        ("https://x", "", "https://x"),
    ],
)
def test_join_url_keeps_path_prefix(base, path, expected):
    assert join_url(base, path) == expected


def test_join_url_requires_base():
    with pytest.raises(ValueError):
        join_url("", "/x")


def test_resolve_urls_merges_and_ignores_empty():
    urls = resolve_urls({"openapi": " http://127.0.0.1:8765/openapi/ ", "oauth": "", "graph": None})
    assert urls["openapi"] == "http://127.0.0.1:8765/openapi"
    assert urls["oauth"] == DEFAULT_URLS["oauth"] and urls["graph"] == DEFAULT_URLS["graph"]
    assert resolve_urls(None) == DEFAULT_URLS


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("openapi.zalo.me", False),
        ("localhost.example.com", False),
        ("127.0.0.1.nip.io", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback_host(host, expected):
    assert is_loopback_host(host) is expected


def test_is_loopback_url():
    assert is_loopback_url("http://127.0.0.1:8765/openapi")
    assert is_loopback_url("http://[::1]:8069/x")
    assert not is_loopback_url("https://openapi.zalo.me/v2.0/oa/getoa")
    assert not is_loopback_url("http://user@evil.com@127.0.0.1.evil.com/")


def test_path_constants_from_the_reference():
    assert endpoints.OA_MESSAGE_CS == "/v3.0/oa/message/cs"
    assert endpoints.OA_USER_DETAIL == "/v3.0/oa/user/detail"
    assert endpoints.OA_INFO == "/v2.0/oa/getoa"
    assert endpoints.OA_MESSAGE_TEMPLATE == "/v3.0/oa/message/template"
    assert endpoints.ZBS_MESSAGE_TEMPLATE == "/message/template"
    assert endpoints.ZBS_TEMPLATE_INFO == "/template/info/v2"
    assert endpoints.OAUTH_OA_ACCESS_TOKEN == "/v4/oa/access_token"
    assert endpoints.OAUTH_ACCESS_TOKEN == "/v4/access_token"
    assert endpoints.GRAPH_ME == "/v2.0/me"


# ------------------------------------------------------------------ package


def test_module_exports_resolve():
    modules = [p.stem for p in TOOLS_DIR.glob("*.py") if p.stem != "__init__"]
    for module_name in modules:
        module = getattr(zalo_oa_tools, module_name)
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module_name}.{name}"


def test_webhook_reexports_events_and_signature():
    """The models import only ``webhook``: it serves every name of the two modules it joins."""
    webhook = zalo_oa_tools.webhook
    for module in (zalo_oa_tools.events, zalo_oa_tools.signature):
        for name in module.__all__:
            assert name in webhook.__all__, name
            assert getattr(webhook, name) is getattr(module, name), name
    assert {"parse_event", "customer_id"} <= set(webhook.__all__)


def test_tools_never_import_odoo_and_only_import_relatively():
    for path in TOOLS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative import: fine
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root not in ("odoo", "openerp", "zalo_oa"), f"{path.name} imports {name}"


def test_loader_works_in_a_fresh_interpreter_without_odoo():
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from _loader import load_tools; t = load_tools();"
        "assert load_tools() is t;"
        "import zalo_oa_tools.webhook as w;"
        "assert w.parse_event(b'{\"event_name\": \"follow\"}').event_name == 'follow';"
        "bad = [m for m in sys.modules if m == 'odoo' or m.startswith(('odoo.', 'zalo_oa.'))"
        " or m == 'zalo_oa'];"
        "assert not bad, bad; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(TESTS_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_loaded_package_name_and_submodules():
    import zalo_oa_tools.client as client_module

    assert zalo_oa_tools.__name__ == "zalo_oa_tools"
    assert client_module is zalo_oa_tools.client
    assert Path(zalo_oa_tools.__file__).resolve().parent == TOOLS_DIR
