"""Fault injection and rate limiting."""

from __future__ import annotations

import time

import pytest


def getoa(api):
    return api.get("openapi", "/v2.0/oa/getoa")


def test_error_n_times_then_success(sim, http, api):
    fault = http.post(
        sim.base_url + "/_sim/faults", json={"match": "/oa/getoa", "error": -200, "count": 2}
    )
    assert fault.status_code == 201
    first, second, third = (getoa(api) for _ in range(3))
    assert first.status_code == 200 and first.json() == {
        "error": -200,
        "message": "Send message failed",
    }
    assert second.json()["error"] == -200
    assert third.json()["error"] == 0
    assert http.get(sim.base_url + "/_sim/faults").json() == []


def test_custom_message_and_other_paths_untouched(sim, api, customer):
    sim.add_fault(match="message/cs", error=-230, message="Không thể gửi", count=1)
    assert getoa(api).json()["error"] == 0
    resp = api.post(
        "openapi",
        "/v3.0/oa/message/cs",
        json={"recipient": {"user_id": customer["user_id"]}, "message": {"text": "x"}},
    ).json()
    assert resp == {"error": -230, "message": "Không thể gửi"}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_status(sim, api, status):
    sim.add_fault(match="getoa", http_status=status, count=1)
    resp = getoa(api)
    assert resp.status_code == status
    assert getoa(api).status_code == 200


def test_latency(sim, api):
    sim.add_fault(match="getoa", latency_ms=300, count=1)
    started = time.monotonic()
    resp = getoa(api)
    assert time.monotonic() - started >= 0.3
    assert resp.json()["error"] == 0  # latency alone lets the call through
    started = time.monotonic()
    getoa(api)
    assert time.monotonic() - started < 0.3


def test_until_cleared_and_delete_one(sim, http, api):
    keep = sim.add_fault(match="getoa", error=-216)
    other = sim.add_fault(match="user/detail", error=-201)
    for _ in range(3):
        assert getoa(api).json()["error"] == -216
    assert http.delete(f"{sim.base_url}/_sim/faults/{keep['id']}").json() == {"ok": True}
    assert getoa(api).json()["error"] == 0
    assert [f["id"] for f in http.get(sim.base_url + "/_sim/faults").json()] == [other["id"]]
    http.delete(sim.base_url + "/_sim/faults")
    assert http.get(sim.base_url + "/_sim/faults").json() == []
    assert http.delete(f"{sim.base_url}/_sim/faults/999").status_code == 404


def test_method_and_family_filters(sim, http, api):
    sim.add_fault(match="/", family="business", error=-100)
    assert getoa(api).json()["error"] == 0
    assert api.get("business", "/message/quota").json()["error"] == -100
    sim.clear_faults()
    sim.add_fault(match="access_token", method="POST", http_status=503, count=1)
    resp = http.post(sim.urls["oauth"] + "/v4/oa/access_token", data={})
    assert resp.status_code == 503


def test_fault_validation(sim, http):
    assert http.post(sim.base_url + "/_sim/faults", json={"match": "x"}).status_code == 400
    assert (
        http.post(sim.base_url + "/_sim/faults", json={"error": -1, "count": 0}).status_code == 400
    )
    assert (
        http.post(sim.base_url + "/_sim/faults", json={"error": -1, "nope": 1}).status_code == 400
    )


def test_faulted_calls_are_recorded(sim, api):
    sim.add_fault(match="getoa", error=-32, count=1)
    getoa(api)
    record = sim.requests("getoa")[-1]
    assert record["response"]["json"]["error"] == -32


def test_rate_limit(sim, http, api):
    cfg = http.post(sim.base_url + "/_sim/ratelimit", json={"limit": 3, "window_ms": 60_000}).json()
    assert cfg["limit"] == 3
    answers = [getoa(api) for _ in range(5)]
    assert [r.json()["error"] for r in answers] == [0, 0, 0, -32, -32]
    assert [r.headers["X-RateLimit-Remain"] for r in answers] == ["2", "1", "0", "0", "0"]
    assert answers[-1].headers["X-RateLimit-Limit"] == "3"
    assert "limit" in answers[-1].json()["message"]
    http.post(sim.base_url + "/_sim/ratelimit", json={"limit": 1, "window_ms": 200})
    assert [getoa(api).json()["error"] for _ in range(2)] == [0, -32]
    time.sleep(0.25)  # next window
    assert getoa(api).json()["error"] == 0
    # business (ZBS) calls are outside the OA API bucket
    for _ in range(5):
        assert api.get("business", "/message/quota").json()["error"] == 0
    http.delete(sim.base_url + "/_sim/ratelimit")
    assert http.get(sim.base_url + "/_sim/ratelimit").json()["limit"] == 4000


def test_rate_limit_through_faults_endpoint(sim, http, api):
    resp = http.post(
        sim.base_url + "/_sim/faults", json={"rate_limit": {"limit": 1, "window_ms": 60_000}}
    )
    assert resp.status_code == 201 and resp.json()["rate_limit"]["limit"] == 1
    assert [getoa(api).json()["error"] for _ in range(2)] == [0, -32]


def test_drop_carries_the_call_out_then_closes_without_answering(sim, api, customer):
    import requests

    sim.add_fault(match="message/cs", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        api.post(
            "openapi",
            "/v3.0/oa/message/cs",
            json={"recipient": {"user_id": customer["user_id"]}, "message": {"text": "đã nhận"}},
        )
    sent = [m for m in sim.store.messages.values() if m.direction == "oa"]
    assert [m.text for m in sent] == ["đã nhận"]
