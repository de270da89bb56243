"""openapi.zalo.me: auth checks, OA/user endpoints, consultation messages, uploads, ZBS by UID."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata

import pytest
from simhelpers import GIF_1PX, PDF_MIN, PNG_1PX, oa_of

DAY_S = 86_400


def advance_days(sim, api, days):
    """Move the simulated clock; the 25 h access token dies with it, so take a new one."""
    sim.advance_clock(days * DAY_S)
    api.token = sim.issue_tokens()["access_token"]


def cs(api, user_id, message):
    return api.post(
        "openapi",
        "/v3.0/oa/message/cs",
        json={"recipient": {"user_id": user_id}, "message": message},
    ).json()


def upload(api, kind, name, content, mimetype):
    return api.post(
        "openapi", f"/v2.0/oa/upload/{kind}", files={"file": (name, content, mimetype)}
    ).json()


# ------------------------------------------------------------------------ auth


def test_token_required_and_checked(sim, http, api):
    url = sim.urls["openapi"] + "/v2.0/oa/getoa"
    assert http.get(url).json()["error"] == -216
    assert http.get(url, headers={"access_token": "nope"}).json()["error"] == -216
    assert http.get(url, headers={"Authorization": f"Bearer {api.token}"}).json()["error"] == -216
    assert api.get("openapi", "/v2.0/oa/getoa").json()["error"] == 0


def test_expire_tokens(sim, http, api):
    resp = http.post(sim.base_url + "/_sim/tokens/expire", json={}).json()
    assert resp["expired"] >= 1
    assert api.get("openapi", "/v2.0/oa/getoa").json()["error"] == -220


def test_appsecret_proof(sim, api):
    secret = oa_of(sim)["app_secret"]
    good = hmac.new(secret.encode(), api.token.encode(), hashlib.sha256).hexdigest()
    ok = api.get("openapi", "/v2.0/oa/getoa", headers={"appsecret_proof": good}).json()
    assert ok["error"] == 0
    bad = api.get("openapi", "/v2.0/oa/getoa", headers={"appsecret_proof": "ab" * 32}).json()
    assert bad["error"] == -242


def test_rate_limit_headers(api):
    resp = api.get("openapi", "/v2.0/oa/getoa")
    assert resp.headers["X-RateLimit-Limit"] == "4000"
    remain = int(resp.headers["X-RateLimit-Remain"])
    again = api.get("openapi", "/v2.0/oa/getoa")
    assert int(again.headers["X-RateLimit-Remain"]) == remain - 1


# ------------------------------------------------------------------ OA & users


def test_getoa(sim, api, customer):
    data = api.get("openapi", "/v2.0/oa/getoa").json()["data"]
    for key in (
        "oaid",
        "name",
        "description",
        "avatar",
        "cover",
        "is_verified",
        "num_follower",
        "package_name",
        "oa_type",
        "cate_name",
    ):
        assert key in data
    assert data["oaid"] == oa_of(sim)["oa_id"] and data["num_follower"] == 1


def test_user_detail(api, customer):
    resp = api.get(
        "openapi",
        "/v3.0/oa/user/detail",
        params={"data": json.dumps({"user_id": customer["user_id"]})},
    ).json()
    data = resp["data"]
    assert data["user_id"] == customer["user_id"]
    assert data["user_id_by_app"] == customer["user_id_by_app"]
    assert data["display_name"] == "Nguyễn Văn An"
    assert data["user_is_follower"] is True
    assert len(data["user_last_interaction_date"].split("/")) == 3
    assert data["shared_info"]["phone"] == 0
    assert set(data["avatars"]) == {"120", "240"}
    unknown = api.get(
        "openapi", "/v3.0/oa/user/detail", params={"data": json.dumps({"user_id": "123"})}
    ).json()
    assert unknown["error"] == -201 and "user_id" in unknown["message"]
    broken = api.get("openapi", "/v3.0/oa/user/detail", params={"data": "{"}).json()
    assert broken["error"] == -201


def test_user_detail_shared_phone(sim, http, api, customer):
    http.patch(
        f"{sim.base_url}/_sim/customers/{customer['user_id']}", json={"shared_phone": "0912345678"}
    )
    data = api.get(
        "openapi",
        "/v3.0/oa/user/detail",
        params={"data": json.dumps({"user_id": customer["user_id"]})},
    ).json()["data"]
    assert data["shared_info"]["phone"] == 84912345678


def test_user_getlist_and_conversation(sim, api, customer):
    sim.add_customer(name="Trần Thị Bích", follower=False)
    data = api.get(
        "openapi", "/v3.0/oa/user/getlist", params={"data": json.dumps({"offset": 0, "count": 50})}
    ).json()["data"]
    assert data["total"] == 2
    followers = api.get(
        "openapi",
        "/v3.0/oa/user/getlist",
        params={"data": json.dumps({"offset": 0, "count": 10, "is_follower": True})},
    ).json()["data"]
    assert followers["users"] == [{"user_id": customer["user_id"]}]
    sim.customer_send(customer["user_id"], text="Alo")
    cs(api, customer["user_id"], {"text": "Dạ shop nghe"})
    conv = api.get(
        "openapi",
        "/v2.0/oa/conversation",
        params={"data": json.dumps({"user_id": customer["user_id"], "offset": 0, "count": 10})},
    ).json()["data"]
    assert [m["message"] for m in conv] == ["Dạ shop nghe", "Alo"]
    assert [m["src"] for m in conv] == [0, 1]


def test_quota_message(sim, api, customer):
    data = api.post(
        "openapi", "/v3.0/oa/quota/message", json={"user_id": customer["user_id"]}
    ).json()["data"]
    assert data["last_interaction"] == customer["last_interaction_ms"]
    assert "cs_reply" in data
    assert (
        api.post("openapi", "/v3.0/oa/quota/message", json={"user_id": "1"}).json()["error"] == -201
    )


# ------------------------------------------------------------------ messages


def test_cs_text(sim, api, customer):
    resp = cs(api, customer["user_id"], {"text": "Xin chào anh An"})
    assert resp["error"] == 0 and resp["message"] == "Success"
    data = resp["data"]
    assert len(data["message_id"]) == 20 and data["user_id"] == customer["user_id"]
    assert data["sent_time"].isdigit() and data["quota"]["quota_type"] == "reply"
    msgs = sim.store.conversation(oa_of(sim)["oa_id"], customer["user_id"])
    assert msgs[-1].text == "Xin chào anh An" and msgs[-1].direction == "oa"


def test_cs_unknown_user(api):
    assert cs(api, "1234567890123456789", {"text": "hi"})["error"] == -201


def test_cs_window(sim, http, api, customer):
    uid = customer["user_id"]
    http.patch(f"{sim.base_url}/_sim/customers/{uid}", json={"last_interaction_ago_s": 8 * DAY_S})
    resp = cs(api, uid, {"text": "Còn hàng không ạ?"})
    assert resp["error"] == -230
    http.patch(f"{sim.base_url}/_sim/customers/{uid}", json={"last_interaction_ago_s": 3 * DAY_S})
    resp = cs(api, uid, {"text": "Dạ còn ạ"})
    assert resp["error"] == 0 and resp["data"]["quota"]["quota_type"] == "purchase_quota"
    advance_days(sim, api, 5)
    assert cs(api, uid, {"text": "?"})["error"] == -230
    sim.customer_send(uid, text="Cho em hỏi")  # a new message re-opens the window
    assert cs(api, uid, {"text": "Dạ"})["error"] == 0


def test_cs_never_interacted(sim, api):
    newbie = sim.add_customer(name="Khách mới")
    assert cs(api, newbie["user_id"], {"text": "Chào"})["error"] == -230


def test_cs_text_length_counts_nfc(api, customer):
    composed = "ệ" * 2000
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > 2000
    assert cs(api, customer["user_id"], {"text": decomposed})["error"] == 0
    too_long = cs(api, customer["user_id"], {"text": "a" * 2001})
    assert too_long["error"] == -201 and "text" in too_long["message"]


def test_cs_empty_message(api, customer):
    assert cs(api, customer["user_id"], {})["error"] == -201
    assert api.post("openapi", "/v3.0/oa/message/cs", data="not json").json()["error"] == -201


def test_cs_quote(sim, api, customer):
    sent = sim.customer_send(customer["user_id"], text="Giá bao nhiêu?")
    msg_id = sent["event"]["message"]["msg_id"]
    ok = cs(api, customer["user_id"], {"text": "Dạ 200k", "quote_message_id": msg_id})
    assert ok["error"] == 0
    bad = cs(api, customer["user_id"], {"text": "?", "quote_message_id": "ffffffffffffffffffff"})
    assert bad["error"] == -201 and "quote_message_id" in bad["message"]


def _media(element, text=None):
    msg = {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "media", "elements": [element]},
        }
    }
    if text:
        msg["text"] = text
    return msg


def test_cs_image_by_url_and_attachment(sim, api, customer):
    uid = customer["user_id"]
    by_url = cs(
        api, uid, _media({"media_type": "image", "url": "https://cdn.example/a.jpg"}, "Ảnh")
    )
    assert by_url["error"] == 0
    att = upload(api, "image", "sp.png", PNG_1PX, "image/png")["data"]["attachment_id"]
    by_id = cs(api, uid, _media({"media_type": "image", "attachment_id": att}))
    assert by_id["error"] == 0
    stored = sim.store.messages[by_id["data"]["message_id"]]
    assert stored.type == "image" and "/_sim/media/" in stored.attachments[0]["payload"]["url"]
    unknown = cs(api, uid, _media({"media_type": "image", "attachment_id": "nope"}))
    assert unknown["error"] == -201
    assert cs(api, uid, _media({"media_type": "image", "url": "ftp://x"}))["error"] == -201


def test_cs_attachment_expires_after_7_days(sim, api, customer):
    att = upload(api, "image", "sp.png", PNG_1PX, "image/png")["data"]["attachment_id"]
    advance_days(sim, api, 8)
    sim.customer_send(customer["user_id"], text="Em vẫn ở đây")  # stay inside the window
    resp = cs(api, customer["user_id"], _media({"media_type": "image", "attachment_id": att}))
    assert resp["error"] == -100


def test_cs_file(sim, api, customer):
    token = upload(api, "file", "bao-gia.pdf", PDF_MIN, "application/pdf")["data"]["token"]
    msg = {"attachment": {"type": "file", "payload": {"token": token}}}
    resp = cs(api, customer["user_id"], msg)
    assert resp["error"] == 0
    payload = sim.store.messages[resp["data"]["message_id"]].attachments[0]["payload"]
    assert payload["name"] == "bao-gia.pdf" and payload["size"] == str(len(PDF_MIN))
    bad = cs(api, customer["user_id"], {"attachment": {"type": "file", "payload": {"token": "x"}}})
    assert bad["error"] == -201


def test_cs_gif_sticker_request_info(api, customer):
    uid = customer["user_id"]
    gif = upload(api, "gif", "vui.gif", GIF_1PX, "image/gif")["data"]["attachment_id"]
    assert cs(api, uid, _media({"media_type": "gif", "attachment_id": gif}))["error"] == -201
    ok = cs(api, uid, _media({"media_type": "gif", "attachment_id": gif, "width": 1, "height": 1}))
    assert ok["error"] == 0
    assert cs(api, uid, _media({"media_type": "sticker", "attachment_id": "abc"}))["error"] == 0
    card = {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "request_user_info",
                "elements": [
                    {
                        "title": "Shop ABC",
                        "subtitle": "Đang yêu cầu thông tin",
                        "image_url": "https://x/y.png",
                    }
                ],
            },
        }
    }
    assert cs(api, uid, card)["error"] == 0
    card["attachment"]["payload"]["elements"] *= 2
    assert cs(api, uid, card)["error"] == -201


def test_cs_unsupported_types(api, customer):
    uid = customer["user_id"]
    assert cs(api, uid, {"attachment": {"type": "audio", "payload": {}}})["error"] == -233
    listing = {
        "attachment": {"type": "template", "payload": {"template_type": "list", "elements": []}}
    }
    assert cs(api, uid, listing)["error"] == -233


def test_v2_message_shut_down(api, customer):
    resp = api.post(
        "openapi",
        "/v2.0/oa/message",
        json={"recipient": {"user_id": customer["user_id"]}, "message": {"text": "hi"}},
    ).json()
    assert resp["error"] == -240


# -------------------------------------------------------------------- uploads


def test_upload_image_rules(api):
    ok = upload(api, "image", "a.png", PNG_1PX, "image/png")
    assert ok["error"] == 0 and ok["data"]["attachment_id"]
    assert upload(api, "image", "a.pdf", PDF_MIN, "application/pdf")["error"] == -201
    assert upload(api, "image", "fake.png", b"not an image", "image/png")["error"] == -201
    big = PNG_1PX + b"\0" * (1024 * 1024)
    assert upload(api, "image", "big.png", big, "image/png")["error"] == -210
    assert api.post("openapi", "/v2.0/oa/upload/image").json()["error"] == -201


def test_upload_file_and_gif_rules(api):
    ok = upload(api, "file", "don-hang.pdf", PDF_MIN, "application/pdf")
    assert ok["error"] == 0 and ok["data"]["token"]
    assert upload(api, "file", "list.csv", b"a,b\n1,2\n", "text/csv")["error"] == 0
    assert upload(api, "file", "virus.exe", b"MZ", "application/octet-stream")["error"] == -201
    big = PDF_MIN + b"\0" * (5 * 1024 * 1024)
    assert upload(api, "file", "big.pdf", big, "application/pdf")["error"] == -210
    assert upload(api, "gif", "vui.gif", GIF_1PX, "image/gif")["data"]["attachment_id"]
    assert upload(api, "gif", "a.png", PNG_1PX, "image/png")["error"] == -201


# ------------------------------------------------------------------ ZBS by UID


@pytest.fixture
def template(sim):
    return sim.add_template(
        template_name="Xác nhận đơn hàng",
        params=[{"name": "order_code", "type": "4"}, {"name": "customer_name", "type": "1"}],
    )


def test_zbs_by_uid(sim, api, customer, template):
    body = {
        "user_id": customer["user_id"],
        "template_id": template["template_id"],
        "template_data": {"order_code": "S00042", "customer_name": "Nguyễn Văn An"},
    }
    resp = api.post("openapi", "/v3.0/oa/message/template", json=body).json()
    assert resp["error"] == 0 and len(resp["data"]["message_id"]) == 20
    # outside the 7-day window templates still go out
    advance_days(sim, api, 30)
    assert api.post("openapi", "/v3.0/oa/message/template", json=body).json()["error"] == 0


def test_zbs_by_uid_errors(sim, api, customer, template):
    base = {
        "template_id": template["template_id"],
        "template_data": {"order_code": "S1", "customer_name": "An"},
    }
    recipient_shape = {**base, "recipient": {"user_id": customer["user_id"]}}
    assert (
        api.post("openapi", "/v3.0/oa/message/template", json=recipient_shape).json()["error"]
        == -201
    )
    body = {**base, "user_id": customer["user_id"]}
    missing = {**body, "template_data": {"order_code": "S1"}}
    assert api.post("openapi", "/v3.0/oa/message/template", json=missing).json()["error"] == -1122
    unknown = {**body, "template_id": "1"}
    assert api.post("openapi", "/v3.0/oa/message/template", json=unknown).json()["error"] == -109
    sim.set_template_status(template["template_id"], "DISABLE")
    assert api.post("openapi", "/v3.0/oa/message/template", json=body).json()["error"] == -131
