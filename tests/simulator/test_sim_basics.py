"""Server basics: URLs, routing per family, the page, config, request log, persistence."""

from __future__ import annotations

import json
import subprocess
import sys

from simhelpers import ROOT, oa_of

from zalo_simulator.server import Simulator


def test_urls_and_health(sim, http):
    assert set(sim.urls) == {"openapi", "oauth", "business", "graph"}
    for family, url in sim.urls.items():
        assert url == f"{sim.base_url}/{family}"
    body = http.get(sim.base_url + "/_sim/health").json()
    assert body["ok"] is True and body["urls"] == sim.urls


def test_wrong_family_is_404(api):
    # /v2.0/oa/getoa lives on openapi, not on business
    resp = api.get("business", "/v2.0/oa/getoa")
    assert resp.status_code == 404
    assert api.get("openapi", "/v2.0/oa/getoa").json()["error"] == 0


def test_page_served_at_root(sim, http):
    resp = http.get(sim.base_url + "/")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    html = resp.text
    for marker in (
        'lang="vi"',
        'charset="utf-8"',
        'id="customer-list"',
        'id="messages"',
        'id="composer"',
        'id="file-input"',
        'id="template-list"',
        "/static/app.js",
    ):
        assert marker in html
    js = http.get(sim.base_url + "/static/app.js").text
    for marker in ("/_sim/ui/state", "/_sim/media", "submit_info", "/seen", "Đánh dấu đã xem"):
        assert marker in js
    assert http.get(sim.base_url + "/static/app.css").status_code == 200
    assert http.get(sim.base_url + "/static/../server.py").status_code == 404


def test_ui_state(sim, http, customer):
    sim.customer_send(customer["user_id"], text="Xin chào shop")
    state = http.get(
        sim.base_url + "/_sim/ui/state", params={"user_id": customer["user_id"]}
    ).json()
    assert state["oa"]["webhook_url"].endswith("/zalo_oa/webhook")
    assert [c["name"] for c in state["customers"]] == ["Nguyễn Văn An"]
    assert state["messages"][-1]["text"] == "Xin chào shop"
    assert state["deliveries"][0]["event_name"] == "user_send_text"


def test_config_get_and_post(sim, http):
    cfg = http.get(sim.base_url + "/_sim/config").json()
    assert cfg["settings"]["access_token_lifetime"] == 90000
    assert cfg["oas"][0]["oa_id"] == oa_of(sim)["oa_id"]
    cfg = http.post(
        sim.base_url + "/_sim/config",
        json={"callback_url": "https://odoo.example/zalo_oa/oauth/callback", "retry_scale": 0.5},
    ).json()
    assert cfg["apps"][0]["callback_url"] == "https://odoo.example/zalo_oa/oauth/callback"
    assert cfg["settings"]["retry_scale"] == 0.5
    resp = http.post(sim.base_url + "/_sim/config", json={"no_such_key": 1})
    assert resp.status_code == 400 and "no_such_key" in resp.json()["error"]


def test_several_oas(sim, http):
    cfg = http.post(
        sim.base_url + "/_sim/config",
        json={
            "oas": [
                {
                    "oa_id": "111122223333444455",
                    "oa_name": "OA Hà Nội",
                    "app_id": "999000111222333444",
                },
                {"oa_id": "555566667777888899", "oa_name": "OA Sài Gòn"},
            ]
        },
    ).json()
    assert {o["name"] for o in cfg["oas"]} >= {"OA Hà Nội", "OA Sài Gòn"}
    assert {a["app_id"] for a in cfg["apps"]} >= {"999000111222333444"}
    tokens = http.post(sim.base_url + "/_sim/tokens", json={"oa_id": "111122223333444455"}).json()
    info = http.get(
        sim.urls["openapi"] + "/v2.0/oa/getoa", headers={"access_token": tokens["access_token"]}
    ).json()
    assert info["data"]["oaid"] == "111122223333444455"
    assert info["data"]["name"] == "OA Hà Nội"


def test_request_log(sim, api, http):
    api.get("openapi", "/v2.0/oa/getoa")
    api.post("openapi", "/v3.0/oa/message/cs", json={"recipient": {"user_id": "1"}, "message": {}})
    records = sim.requests()
    assert [r["path"] for r in records] == ["/openapi/v2.0/oa/getoa", "/openapi/v3.0/oa/message/cs"]
    cs = records[1]
    assert cs["family"] == "openapi" and cs["method"] == "POST" and cs["test_only"] is True
    assert cs["headers"]["Access-Token"] == api.token
    assert cs["body"] == {"kind": "json", "json": {"recipient": {"user_id": "1"}, "message": {}}}
    assert cs["response"]["json"]["error"] == -201
    over_http = http.get(sim.base_url + "/_sim/requests", params={"path": "message/cs"}).json()
    assert [r["id"] for r in over_http] == [cs["id"]]
    assert http.get(sim.base_url + "/_sim/requests", params={"after": cs["id"]}).json() == []
    assert http.get(sim.base_url + "/_sim/requests", params={"since": cs["ts_ms"]}).json()
    http.delete(sim.base_url + "/_sim/requests")
    assert sim.requests() == []


def test_state_file_roundtrip(tmp_path, http):
    path = tmp_path / "state.json"
    first = Simulator(port=0, state_file=str(path), seed_demo=True).start()
    try:
        tokens = first.issue_tokens()
        names = sorted(c["name"] for c in http.get(first.base_url + "/_sim/customers").json())
    finally:
        first.stop()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["customers"]) == 4 and len(data["templates"]) == 2
    second = Simulator(port=0, state_file=str(path), seed_demo=True).start()
    try:
        again = sorted(c["name"] for c in http.get(second.base_url + "/_sim/customers").json())
        assert again == names  # seeding is not repeated
        info = http.get(
            second.urls["openapi"] + "/v2.0/oa/getoa",
            headers={"access_token": tokens["access_token"]},
        ).json()
        assert info["error"] == 0  # tokens survive a restart
    finally:
        second.stop()


def test_seed_demo_customers(http):
    with Simulator(port=0, seed_demo=True) as demo:
        custs = http.get(demo.base_url + "/_sim/customers").json()
        names = {c["name"] for c in custs}
        assert {"Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Minh"} <= names
        an = next(c for c in custs if c["name"] == "Nguyễn Văn An")
        assert an["phone"] == "84912345678"
        assert 16 <= len(an["user_id"]) <= 19 and an["user_id"].isdigit()
        assert an["user_id_by_app"] != an["user_id"]
        assert any(not c["in_window"] for c in custs)  # one customer outside the window


def test_reset(sim, http, customer):
    sim.add_fault(match="getoa", error=-200)
    http.post(sim.base_url + "/_sim/reset")
    assert http.get(sim.base_url + "/_sim/customers").json() == []
    assert sim.faults.list() == []
    assert oa_of(sim)["oa_id"] == sim.store.default_oa_id


def test_clock(sim, http):
    before = http.get(sim.base_url + "/_sim/clock").json()
    after = http.post(sim.base_url + "/_sim/clock", json={"advance_s": 3600}).json()
    assert after["offset_ms"] == before["offset_ms"] + 3_600_000
    assert after["now_ms"] - before["now_ms"] >= 3_600_000


def test_cli_help():
    out = subprocess.run(
        [sys.executable, "-m", "zalo_simulator", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    for flag in (
        "--port",
        "--webhook-url",
        "--callback-url",
        "--retry-scale",
        "--state-file",
        "--seed-demo",
        "--oa-secret-key",
        "--token-lifetime",
    ):
        assert flag in out


def test_cli_starts_and_prints_urls(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "zalo_simulator", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = "".join(lines)
    for family in ("/openapi", "/oauth", "/business", "/graph"):
        assert family in text
