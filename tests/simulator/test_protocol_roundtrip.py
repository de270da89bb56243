"""Round trip through the protocol layer alone: ``zalo_oa/tools`` ⇄ the simulator.

The tools package is loaded standalone as ``zalo_oa_tools`` (``tests/conftest.py``).
Nothing here uses the simulator's own signature code: webhooks are verified and
parsed with the tools, as the Odoo webhook controller does.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from simhelpers import PDF_MIN, PNG_1PX, oa_of

tools = pytest.importorskip("zalo_oa_tools")
from zalo_oa_tools import messages, oauth, webhook  # noqa: E402
from zalo_oa_tools.client import ZaloClient  # noqa: E402
from zalo_oa_tools.errors import ZaloError  # noqa: E402

CALLBACK = "http://127.0.0.1:8069/zalo_oa/oauth/callback"

LAYOUT = {
    "body": {
        "components": [
            {"TITLE": {"value": "Xác nhận đơn hàng <order_code>"}},
            {"PARAGRAPH": {"value": "Cảm ơn <customer_name> đã đặt hàng tại cửa hàng."}},
            {
                "TABLE": {
                    "rows": [
                        {"title": "Mã đơn hàng", "value": "<order_code>"},
                        {"title": "Tổng tiền", "value": "<amount>"},
                    ]
                }
            },
        ]
    }
}
PARAMS = [
    {"name": "customer_name", "type": 1, "sample_value": "Nguyễn Văn An"},
    {"name": "order_code", "type": 4, "sample_value": "S00042"},
    {"name": "amount", "type": 14, "sample_value": "1.250.000đ"},
]


def _browser_consent(http, url: str, **extra) -> dict:
    """What the OA admin's browser does: open the permission URL and click Allow."""
    resp = http.get(url, params={"decision": "allow", **extra}, allow_redirects=False)
    assert resp.status_code == 302, resp.text
    return {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}


def _verified_event(sim, call):
    """Verify the signature and parse the body with the tools, like the webhook controller."""
    ids = oa_of(sim)
    raw = call["body"]
    label = webhook.verify_request(
        call["headers"],
        raw,
        ids["app_id"],
        [("oa_secret", ids["oa_secret_key"]), ("app_secret", ids["app_secret"])],
        alt_ids=[("oa_id", ids["oa_id"])],
    )
    assert label == "app_id+oa_secret"
    header = call["headers"]["X-Zevent-Signature"]
    timestamp = json.loads(raw)["timestamp"]
    assert webhook.verify_signature(header, raw, ids["app_id"], timestamp, ids["oa_secret_key"])
    assert (
        webhook.verify_signature(header, raw + b" ", ids["app_id"], timestamp, ids["oa_secret_key"])
        is None
    )
    assert webhook.verify_signature(header, raw, ids["app_id"], timestamp, "wrong-secret") is None
    return webhook.parse_event(raw)


@pytest.fixture
def ids(sim):
    sim.configure(callback_url=CALLBACK)
    return oa_of(sim)


@pytest.fixture
def connected(sim, http, ids):
    """Connect the OA through PKCE with the tools; return (OAuthClient, TokenResponse)."""
    verifier, challenge = oauth.generate_pkce()
    url = oauth.oa_authorization_url(sim.urls["oauth"], ids["app_id"], CALLBACK, challenge, "st-42")
    callback = _browser_consent(http, url)
    assert callback["oa_id"] == ids["oa_id"] and callback["state"] == "st-42"
    client = oauth.OAuthClient(
        ids["app_id"], ids["app_secret"], sim.urls["oauth"], allow_network=False
    )
    token = client.exchange_code(callback["code"], verifier)
    assert token.expires_in == 90000 and token.refresh_token
    return client, token


def _client(sim, ids, token: str) -> ZaloClient:
    return ZaloClient(
        access_token=token,
        app_secret=ids["app_secret"],
        urls=sim.urls,
        appsecret_proof=True,
        allow_network=False,
    )


def test_full_round_trip(sim, http, receiver, ids, connected):
    oauth_client, first = connected

    # -- refresh: single use, and the old access token dies with it
    second = oauth_client.refresh(first.refresh_token)
    assert second.access_token != first.access_token
    with pytest.raises(ZaloError) as reused:
        oauth_client.refresh(first.refresh_token)
    assert reused.value.code == -14020 and reused.value.kind == "auth"
    with pytest.raises(ZaloError) as old:
        _client(sim, ids, first.access_token).get_oa_info()
    assert old.value.code == -220 and old.value.is_token_error
    zc = _client(sim, ids, second.access_token)
    assert zc.get_oa_info()["oaid"] == ids["oa_id"]
    assert sim.requests("/oa/getoa")[-1]["headers"]["Appsecret-Proof"]  # proof was sent and passed

    # -- a customer writes; the signed webhook is verified and parsed by the tools
    customer = sim.add_customer(name="Nguyễn Văn An", phone="0912345678")
    uid = customer["user_id"]
    sim.customer_send(uid, text="Chào shop, đơn S00042 của mình sao rồi?")
    inbound = _verified_event(sim, receiver.wait_for(1, event_name="user_send_text")[0])
    assert inbound.event_name == "user_send_text"
    assert inbound.user_id == uid and inbound.oa_id == ids["oa_id"]
    assert inbound.user_id_by_app == customer["user_id_by_app"]
    assert inbound.text == "Chào shop, đơn S00042 của mình sao rồi?" and inbound.msg_id
    assert inbound.direction == "inbound" and inbound.is_interaction
    assert zc.get_user_detail(uid)["display_name"] == "Nguyễn Văn An"

    # -- text (quoting the customer), image and file replies
    text = zc.send_cs(
        messages.text_message(uid, "Dạ đơn đang giao ạ", quote_message_id=inbound.msg_id)
    )
    attachment_id = zc.upload_image("san-pham.png", PNG_1PX, "image/png")["attachment_id"]
    image = zc.send_cs(messages.image_message(uid, attachment_id=attachment_id, caption="Ảnh"))
    token = zc.upload_file("bao-gia.pdf", PDF_MIN, "application/pdf")["token"]
    file = zc.send_cs(messages.file_message(uid, token))
    sent_ids = [text["message_id"], image["message_id"], file["message_id"]]
    assert len(set(sent_ids)) == 3 and text["user_id"] == uid

    # -- delivery receipts come back for each of them
    receipts = [
        _verified_event(sim, c) for c in receiver.wait_for(3, event_name="user_received_message")
    ]
    assert all(isinstance(r, webhook.ReceiptEvent) and not r.seen for r in receipts)
    assert sorted(i for r in receipts for i in r.msg_ids) == sorted(sent_ids)
    assert {r.user_id for r in receipts} == {uid}
    http.post(f"{sim.base_url}/_sim/messages/{text['message_id']}/seen", json={})
    seen = _verified_event(sim, receiver.wait_for(1, event_name="user_seen_message")[0])
    assert seen.seen and seen.msg_ids == [text["message_id"]]

    # -- template: create → PENDING_REVIEW → status webhook → ENABLE
    body = messages.template_create_body(
        "Xác nhận đơn hàng", 1, "1", LAYOUT, PARAMS, note="Gửi khi xác nhận đơn"
    )
    created = zc.template_create(body)
    template_id = str(created["template_id"])
    assert created["status"] == "PENDING_REVIEW"
    assert zc.template_info(template_id)["status"] == "PENDING_REVIEW"
    http.post(f"{sim.base_url}/_sim/templates/{template_id}/status", json={"status": "ENABLE"})
    status = _verified_event(sim, receiver.wait_for(1, event_name="change_template_status")[0])
    assert isinstance(status, webhook.TemplateStatusEvent)
    assert status.template_id == template_id
    assert (status.prev_status, status.new_status) == ("PENDING_REVIEW", "ENABLE")
    info = zc.template_info(template_id)
    assert info["status"] == "ENABLE"
    assert [p["name"] for p in info["listParams"]] == ["customer_name", "order_code", "amount"]

    # -- send by phone (domestic number normalised by the tools) → ZNS delivery webhook
    data = {"customer_name": "Nguyễn Văn An", "order_code": "S00042", "amount": "1.250.000đ"}
    zns = zc.send_zbs_by_phone(
        messages.zbs_phone_payload("0912 345 678", template_id, data, "so-42")
    )
    assert zns["msg_id"] and zns["quota"]["remainingQuota"]
    delivery_calls = [
        c for c in receiver.wait_for(1, event_name="tracking_id") if b"so-42" in c["body"]
    ]
    assert delivery_calls[0]["headers"]["X-Zevent-Server"] == "ZNS"
    delivery = _verified_event(sim, delivery_calls[0])
    assert isinstance(delivery, webhook.ReceiptEvent) and delivery.is_zns
    assert delivery.msg_ids == [zns["msg_id"]]
    assert delivery.tracking_id == "so-42" and delivery.phone == "84912345678"
    assert delivery.delivery_time and delivery.user_id is None
    assert sim.wait_deliveries_idle(5)
    assert zc.zbs_message_status(zns["msg_id"])["status"] == 1

    # -- and by UID (top-level user_id, docs/zalo-api.md C11)
    uid_send = zc.send_zbs_by_uid(messages.zbs_uid_payload(uid, template_id, data))
    assert uid_send["message_id"]


def test_errors_are_classified(sim, http, ids, connected):
    _client_oauth, token = connected
    zc = _client(sim, ids, token.access_token)
    stale = sim.add_customer(
        name="Lê Hoàng Minh", last_interaction_ms=sim.store.now_ms() - 8 * 86_400_000
    )
    with pytest.raises(ZaloError) as window:
        zc.send_cs(messages.text_message(stale["user_id"], "Chào anh"))
    assert window.value.code == -230 and window.value.kind == "window"

    fresh = sim.add_customer(name="Trần Thị Bích", last_interaction_ms=sim.store.now_ms())
    sim.add_fault(match="message/cs", http_status=503, count=1)
    with pytest.raises(ZaloError) as unavailable:
        zc.send_cs(messages.text_message(fresh["user_id"], "Chào chị"))
    assert unavailable.value.http_status == 503 and unavailable.value.retryable
    assert zc.send_cs(messages.text_message(fresh["user_id"], "Chào chị"))["message_id"]

    http.post(sim.base_url + "/_sim/ratelimit", json={"limit": 1, "window_ms": 60_000})
    zc.get_oa_info()
    with pytest.raises(ZaloError) as limited:
        zc.get_oa_info()
    assert (
        limited.value.code == -32 and limited.value.kind == "rate_limit" and limited.value.retryable
    )
    assert zc.last_rate_limit.limit == 1 and zc.last_rate_limit.remain == 0
    http.delete(sim.base_url + "/_sim/ratelimit")

    tpl = sim.add_template(template_name="Mẫu chưa duyệt", status="PENDING_REVIEW", params=["code"])
    payload = messages.zbs_phone_payload("0912345678", tpl["template_id"], {"code": "1"}, "t-1")
    with pytest.raises(ZaloError) as not_approved:
        zc.send_zbs_by_phone(payload)
    assert not_approved.value.code == -131 and not_approved.value.kind == "template"

    sim.expire_tokens()
    with pytest.raises(ZaloError) as expired:
        zc.zbs_quota()
    assert expired.value.code == -124 and expired.value.is_token_error


def test_social_login_and_media_download(sim, http, receiver, ids):
    customer = sim.add_customer(name="Phạm Thu Hà", phone="0938111222")
    verifier, challenge = oauth.generate_pkce()
    url = oauth.social_authorization_url(
        sim.urls["oauth"], ids["app_id"], "http://127.0.0.1:8069/auth_oauth/signin", challenge, "s1"
    )
    callback = _browser_consent(http, url, customer=customer["user_id_by_app"])
    client = oauth.OAuthClient(
        ids["app_id"], ids["app_secret"], sim.urls["oauth"], allow_network=False
    )
    token = client.exchange_code(callback["code"], verifier, social=True)
    assert token.expires_in == 3600
    profile = oauth.graph_me(
        sim.urls["graph"], token.access_token, ids["app_secret"], allow_network=False
    )
    assert profile["id"] == customer["user_id_by_app"] and profile["name"] == "Phạm Thu Hà"
    assert profile["picture"].startswith("http://127.0.0.1")

    # inbound media links point at the simulator and download through the guarded client
    sim.customer_send(customer["user_id"], type="image", text="ảnh lỗi sản phẩm")
    event = _verified_event(sim, receiver.wait_for(1, event_name="user_send_image")[0])
    assert event.attachments[0].type == "image"
    zc = _client(sim, ids, sim.issue_tokens()["access_token"])
    content, mimetype = zc.download_media(event.attachments[0].url)
    assert mimetype == "image/png" and content.startswith(b"\x89PNG")
