"""Acting as customers: signed webhooks, payload shapes, receipts, retries."""

from __future__ import annotations

import json

import pytest
from simhelpers import oa_of, sha256_mac


def _event(call) -> dict:
    return json.loads(call["body"])


def _check_signature(sim, call, id_term="app_id", secret="oa_secret_key"):
    ids = oa_of(sim)
    raw = call["body"]
    ts = json.loads(raw)["timestamp"]
    header = call["headers"]["X-Zevent-Signature"]
    assert header == "mac=" + sha256_mac(ids[id_term], raw, ts, ids[secret])


def test_text_webhook_is_signed(sim, receiver, customer, http):
    resp = http.post(
        f"{sim.base_url}/_sim/customers/{customer['user_id']}/send",
        json={"type": "text", "text": "Chào shop, còn áo size M không?"},
    ).json()
    assert resp["delivery"]["state"] == "delivered"
    call = receiver.wait_for(1)[0]
    assert call["headers"]["Content-Type"] == "application/json"
    assert "num_retry" not in {k.lower() for k in call["headers"]}
    _check_signature(sim, call)
    event = _event(call)
    ids = oa_of(sim)
    assert event == resp["event"]
    assert event["event_name"] == "user_send_text"
    assert event["app_id"] == ids["app_id"]
    assert event["sender"] == {"id": customer["user_id"]}
    assert event["recipient"] == {"id": ids["oa_id"]}
    assert event["user_id_by_app"] == customer["user_id_by_app"]
    assert event["message"]["text"] == "Chào shop, còn áo size M không?"
    assert isinstance(event["timestamp"], str) and event["timestamp"].isdigit()
    # raw UTF-8, not \u escapes: the signature is over the bytes as sent
    assert "Chào".encode() in call["body"]


def test_msg_ids_unique_and_window_refreshed(sim, receiver, customer):
    ids = {
        sim.customer_send(customer["user_id"], text=f"tin {i}")["event"]["message"]["msg_id"]
        for i in range(5)
    }
    assert len(ids) == 5
    cust = sim.store.customers[customer["user_id"]]
    assert cust.last_interaction_ms > customer["last_interaction_ms"]


@pytest.mark.parametrize(
    ("kind", "spec", "attachment_type"),
    [
        ("image", {"text": "ảnh sản phẩm"}, "image"),
        ("gif", {}, "gif"),
        ("file", {}, "file"),
        ("audio", {}, "audio"),
        ("video", {}, "video"),
        ("sticker", {"sticker_id": "abc123"}, "sticker"),
        ("link", {"url": "https://shop.vn/sp/1", "title": "Áo thun"}, "link"),
        ("location", {"text": "Chợ Bến Thành", "latitude": 10.77, "longitude": 106.69}, "location"),
        ("business_card", {"name": "Lê Hoàng Minh", "phone": "0909123456"}, "link"),
    ],
)
def test_message_types(sim, receiver, customer, http, kind, spec, attachment_type):
    resp = sim.customer_send(customer["user_id"], type=kind, **spec)
    event = _event(receiver.wait_for(1)[0])
    assert event["event_name"] == f"user_send_{kind}"
    att = event["message"]["attachments"][0]
    assert att["type"] == attachment_type
    payload = att["payload"]
    if kind in ("image", "gif", "file", "audio", "video"):
        media = http.get(payload["url"])  # hosted by the simulator, downloadable
        assert media.status_code == 200 and media.content
    if kind == "image":
        assert event["message"]["text"] == "ảnh sản phẩm" and payload["thumbnail"]
        assert http.get(payload["url"]).headers["Content-Type"] == "image/png"
    if kind == "file":
        assert (
            payload["name"].endswith(".pdf") and payload["size"].isdigit() and payload["checksum"]
        )
    if kind == "sticker":
        assert payload["id"] == "abc123" and payload["url"]
    if kind == "location":
        assert payload["coordinates"] == {"latitude": "10.77", "longitude": "106.69"}
        assert event["message"]["text"] == "Chợ Bến Thành"
    if kind == "link":
        assert payload["url"] == "https://shop.vn/sp/1" and payload["title"] == "Áo thun"
    if kind == "business_card":
        assert json.loads(payload["description"])["phone"] == "84909123456"
    assert resp["message"]["type"] == kind


def test_send_uploaded_media(sim, http, receiver, customer):
    up = http.post(
        sim.base_url + "/_sim/media",
        files={"file": ("hóa đơn.pdf", b"%PDF-1.4 test", "application/pdf")},
    ).json()
    assert up["content_type"] == "application/pdf"
    sim.customer_send(customer["user_id"], type="file", media_id=up["media_id"])
    payload = _event(receiver.wait_for(1)[0])["message"]["attachments"][0]["payload"]
    assert payload["name"] == "hóa đơn.pdf"
    got = http.get(payload["url"])
    assert got.content == b"%PDF-1.4 test" and got.headers["Content-Type"] == "application/pdf"


def test_media_json_upload_and_errors(sim, http):
    up = http.post(
        sim.base_url + "/_sim/media",
        json={"filename": "a.txt", "content_type": "text/plain", "data_b64": "eGluIGNow6Bv"},
    ).json()
    assert http.get(up["url"]).content == "xin chào".encode()
    assert http.get(sim.base_url + "/_sim/media/nope").status_code == 404
    assert http.post(sim.base_url + "/_sim/media", json={"data_b64": ""}).status_code == 400
    img = http.get(sim.base_url + "/_sim/img/anything.png")
    assert img.headers["Content-Type"] == "image/png" and img.content.startswith(b"\x89PNG")


def test_follow_unfollow(sim, http, receiver, customer):
    uid = customer["user_id"]
    http.post(f"{sim.base_url}/_sim/customers/{uid}/unfollow", json={})
    http.post(f"{sim.base_url}/_sim/customers/{uid}/follow", json={"source": "qr_code"})
    calls = receiver.wait_for(2)
    unfollow, follow = (_event(c) for c in calls)
    ids = oa_of(sim)
    assert unfollow["event_name"] == "unfollow" and follow["event_name"] == "follow"
    assert follow["oa_id"] == ids["oa_id"] and follow["app_id"] == ids["app_id"]
    assert follow["follower"] == {"id": uid} and follow["source"] == "qr_code"
    assert follow["user_id_by_app"] == customer["user_id_by_app"]
    for call in calls:
        _check_signature(sim, call)
    assert sim.store.customers[uid].follower is True


def test_submit_info(sim, http, receiver, customer):
    uid = customer["user_id"]
    http.post(
        f"{sim.base_url}/_sim/customers/{uid}/submit_info",
        json={"phone": "0987654321", "address": "12 Lê Lợi", "city": "Huế"},
    )
    event = _event(receiver.wait_for(1)[0])
    assert event["event_name"] == "user_submit_info"
    assert event["info"]["phone"] == "84987654321" and event["info"]["city"] == "Huế"
    assert event["sender"] == {"id": uid}
    assert sim.store.customers[uid].shared_info["phone"] == "84987654321"


def test_oa_app_echo(sim, http, receiver, customer):
    resp = http.post(
        f"{sim.base_url}/_sim/customers/{customer['user_id']}/oa_send",
        json={"type": "text", "text": "Dạ shop gửi báo giá ạ"},
    ).json()
    event = _event(receiver.wait_for(1)[0])
    assert event["event_name"] == "oa_send_text"
    assert event["sender"] == {"id": oa_of(sim)["oa_id"]}
    assert event["recipient"] == {"id": customer["user_id"]}
    assert resp["message"]["source"] == "oa_app" and resp["message"]["direction"] == "oa"


def test_auto_receipt_and_seen(sim, http, api, receiver, customer):
    uid = customer["user_id"]
    sent = api.post(
        "openapi",
        "/v3.0/oa/message/cs",
        json={"recipient": {"user_id": uid}, "message": {"text": "Hi"}},
    ).json()["data"]
    received = _event(receiver.wait_for(1, event_name="user_received_message")[0])
    assert received["message"]["msg_ids"] == [sent["message_id"]]
    assert received["sender"] == {"id": uid}
    assert received["recipient"] == {"id": oa_of(sim)["oa_id"]}
    resp = http.post(f"{sim.base_url}/_sim/messages/{sent['message_id']}/seen", json={}).json()
    assert resp["event"]["event_name"] == "user_seen_message"
    seen = _event(receiver.wait_for(1, event_name="user_seen_message")[0])
    assert seen["message"]["msg_ids"] == [sent["message_id"]]
    msgs = http.get(f"{sim.base_url}/_sim/customers/{uid}/messages").json()
    assert msgs[-1]["state"] == "seen"


def test_customer_seen_all(sim, http, api, receiver, customer):
    uid = customer["user_id"]
    ids = [
        api.post(
            "openapi",
            "/v3.0/oa/message/cs",
            json={"recipient": {"user_id": uid}, "message": {"text": t}},
        ).json()["data"]["message_id"]
        for t in ("một", "hai")
    ]
    resp = http.post(f"{sim.base_url}/_sim/customers/{uid}/seen", json={}).json()
    assert resp["event"]["message"]["msg_ids"] == ids
    again = http.post(f"{sim.base_url}/_sim/customers/{uid}/seen", json={}).json()
    assert again["event"] is None


def test_no_auto_receipts_then_manual(sim, http, api, receiver, customer):
    sim.configure(auto_receipts=False)
    uid = customer["user_id"]
    msg_id = api.post(
        "openapi",
        "/v3.0/oa/message/cs",
        json={"recipient": {"user_id": uid}, "message": {"text": "x"}},
    ).json()["data"]["message_id"]
    assert sim.wait_deliveries_idle(5)
    assert receiver.calls == []
    http.post(f"{sim.base_url}/_sim/messages/{msg_id}/received", json={})
    event = _event(receiver.wait_for(1)[0])
    assert event["event_name"] == "user_received_message"


def test_echo_api_sends(sim, api, receiver, customer):
    sim.configure(echo_api_sends=True)
    api.post(
        "openapi",
        "/v3.0/oa/message/cs",
        json={"recipient": {"user_id": customer["user_id"]}, "message": {"text": "echo"}},
    )
    echo = _event(receiver.wait_for(1, event_name="oa_send_text")[0])
    assert echo["message"]["text"] == "echo"


def test_template_status_webhook(sim, http, receiver):
    tpl = sim.add_template(template_name="Nhắc lịch hẹn khám", status="PENDING_REVIEW")
    resp = http.post(
        f"{sim.base_url}/_sim/templates/{tpl['template_id']}/status",
        json={"status": "REJECT", "reason": "Thiếu thông tin"},
    ).json()
    assert resp["delivery"]["state"] == "delivered"
    call = receiver.wait_for(1)[0]
    _check_signature(sim, call)
    event = _event(call)
    ids = oa_of(sim)
    assert event == {
        "event_name": "change_template_status",
        "oa_id": ids["oa_id"],
        "app_id": ids["app_id"],
        "template_id": tpl["template_id"],
        "status": {"prev_status": "PENDING_REVIEW", "new_status": "REJECT"},
        "reason": "Thiếu thông tin",
        "timestamp": event["timestamp"],
    }
    bad = http.post(
        f"{sim.base_url}/_sim/templates/{tpl['template_id']}/status", json={"status": "X"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("mode", "expect"),
    [
        ("valid", "ok"),
        ("bare", "bare"),
        ("oa_id", "oa_id"),
        ("app_secret", "app_secret"),
        ("bad", "bad"),
        ("none", "none"),
    ],
)
def test_raw_webhook_signature_modes(sim, http, receiver, mode, expect):
    payload = {"event_name": "user_send_text", "timestamp": "1717061839659", "app_id": "x"}
    resp = http.post(
        sim.base_url + "/_sim/webhook/raw",
        json={"payload": payload, "signature": mode, "headers": {"X-Test": "1"}},
    ).json()
    call = receiver.wait_for(1)[0]
    assert call["headers"]["X-Test"] == "1"
    raw, ids = call["body"], oa_of(sim)
    assert resp["body"] == raw.decode()
    header = call["headers"].get("X-Zevent-Signature")
    ts = "1717061839659"
    if expect == "ok":
        assert header == "mac=" + sha256_mac(ids["app_id"], raw, ts, ids["oa_secret_key"])
    elif expect == "bare":
        assert header == sha256_mac(ids["app_id"], raw, ts, ids["oa_secret_key"])
    elif expect == "oa_id":
        assert header == "mac=" + sha256_mac(ids["oa_id"], raw, ts, ids["oa_secret_key"])
    elif expect == "app_secret":
        assert header == "mac=" + sha256_mac(ids["app_id"], raw, ts, ids["app_secret"])
    elif expect == "bad":
        assert header.startswith("mac=")
        assert header != "mac=" + sha256_mac(ids["app_id"], raw, ts, ids["oa_secret_key"])
    else:
        assert header is None


def test_raw_webhook_string_payload(sim, http, receiver):
    http.post(
        sim.base_url + "/_sim/webhook/raw", json={"payload": "not json {", "signature": "none"}
    )
    assert receiver.wait_for(1)[0]["body"] == b"not json {"


def test_retries_with_num_retry(sim, http, receiver, customer):
    receiver.statuses = [500, 502]
    resp = sim.customer_send(customer["user_id"], text="thử lại")
    assert resp["delivery"]["attempts"][0]["status"] == 500
    calls = receiver.wait_for(3)
    assert [c["status"] for c in calls] == [500, 502, 200]
    assert "num_retry" not in calls[0]["headers"] and "Num-Retry" not in calls[0]["headers"]
    assert [c["headers"].get("Num-Retry") for c in calls[1:]] == ["1", "2"]
    assert calls[0]["body"] == calls[2]["body"]  # same event, same signature
    assert calls[0]["headers"]["X-Zevent-Signature"] == calls[2]["headers"]["X-Zevent-Signature"]
    assert sim.wait_deliveries_idle(5)
    log = http.get(sim.base_url + "/_sim/deliveries").json()
    assert log[0]["state"] == "delivered" and len(log[0]["attempts"]) == 3
    assert [a["num_retry"] for a in log[0]["attempts"]] == [0, 1, 2]


def test_retry_ladder_exhausted(sim, http, receiver, customer):
    receiver.statuses = [500] * 10
    sim.customer_send(customer["user_id"], text="không tới", wait=False)
    assert sim.wait_deliveries_idle(10)
    log = sim.deliveries()
    assert log[0]["state"] == "failed" and len(log[0]["attempts"]) == 6  # 1 + 5 retries


def test_retry_on_connection_error(sim, http, customer):
    sim.configure(webhook_url="http://127.0.0.1:9/nothing-listens-here")
    resp = sim.customer_send(customer["user_id"], text="alo")
    assert resp["delivery"]["attempts"][0]["status"] is None
    assert "Error" in resp["delivery"]["attempts"][0]["error"]


def test_no_webhook_url(sim, customer):
    sim.configure(webhook_url="")
    resp = sim.customer_send(customer["user_id"], text="alo")
    assert resp["delivery"]["state"] == "no_url"


def test_deliveries_endpoints(sim, http, receiver, customer):
    sim.customer_send(customer["user_id"], text="1")
    assert http.post(sim.base_url + "/_sim/deliveries/wait", json={"timeout": 5}).json()["idle"]
    log = http.get(
        sim.base_url + "/_sim/deliveries", params={"event_name": "user_send_text"}
    ).json()
    assert len(log) == 1 and log[0]["body"]
    http.delete(sim.base_url + "/_sim/deliveries")
    assert http.get(sim.base_url + "/_sim/deliveries").json() == []


def test_customer_control_errors(sim, http, customer):
    assert (
        http.post(sim.base_url + "/_sim/customers/123/send", json={"text": "x"}).status_code == 404
    )
    bad_type = http.post(
        f"{sim.base_url}/_sim/customers/{customer['user_id']}/send", json={"type": "hologram"}
    )
    assert bad_type.status_code == 400
    assert http.post(sim.base_url + "/_sim/customers", json={}).status_code == 400
    created = http.post(
        sim.base_url + "/_sim/customers",
        json={"name": "Trần Thị Bích", "phone": "0987654321", "follower": False},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["phone"] == "84987654321" and body["follower"] is False
    assert body["in_window"] is False and body["user_id"].isdigit()
