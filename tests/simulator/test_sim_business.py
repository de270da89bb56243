"""business.openapi.zalo.me: ZNS/ZBS sends by phone, statuses, quota, template management."""

from __future__ import annotations

import json

import pytest
from simhelpers import PNG_1PX, oa_of


@pytest.fixture
def template(sim):
    return sim.add_template(
        template_name="Xác nhận đơn hàng",
        params=[
            {"name": "customer_name", "type": "1"},
            {"name": "order_code", "type": "4"},
        ],
    )


def send(api, **body):
    return api.post("business", "/message/template", json=body).json()


def _ok_body(template, **extra):
    return {
        "phone": "84912345678",
        "template_id": template["template_id"],
        "template_data": {"customer_name": "Nguyễn Văn An", "order_code": "S00042"},
        "tracking_id": "sale.order-42",
        **extra,
    }


VALID_LAYOUT = {
    "body": {
        "components": [
            {"TITLE": {"value": "Xác nhận đơn hàng <order_code>"}},
            {"PARAGRAPH": {"value": "Cảm ơn <customer_name> đã mua hàng."}},
            {
                "TABLE": {
                    "rows": [
                        {"title": "Mã đơn", "value": "<order_code>"},
                        {"title": "Tổng tiền", "value": "<amount>"},
                    ]
                }
            },
        ]
    },
    "footer": {
        "components": [
            {
                "BUTTONS": {
                    "items": [{"type": 1, "title": "Xem đơn hàng", "content": "https://x.vn"}]
                }
            }
        ]
    },
}
VALID_PARAMS = [
    {"type": "1", "name": "customer_name", "sample_value": "Nguyễn Văn An"},
    {"type": "4", "name": "order_code", "sample_value": "S00042"},
    {"type": "14", "name": "amount", "sample_value": "1.250.000đ"},
]


def create_body(**extra):
    return {
        "template_name": "Xác nhận đơn hàng mới",
        "template_type": 1,
        "tag": "1",
        "layout": VALID_LAYOUT,
        "params": VALID_PARAMS,
        "note": "Gửi khi xác nhận đơn",
        "tracking_id": "tpl-1",
        **extra,
    }


# ----------------------------------------------------------------- sending


def test_token_errors_are_124(sim, http, api):
    url = sim.urls["business"] + "/message/quota"
    assert http.get(url).json()["error"] == -124
    assert http.get(url, headers={"access_token": "x"}).json()["error"] == -124
    sim.expire_tokens()
    assert api.get("business", "/message/quota").json()["error"] == -124


def test_appsecret_proof_1241(api):
    resp = api.get("business", "/message/quota", headers={"appsecret_proof": "00" * 32}).json()
    assert resp["error"] == -1241


def test_send_by_phone_and_delivery_webhook(sim, api, receiver, template):
    resp = send(api, **_ok_body(template))
    assert resp["error"] == 0
    data = resp["data"]
    assert data["msg_id"] and data["sent_time"].isdigit() and data["sending_mode"] == "1"
    assert data["quota"] == {"dailyQuota": "500", "remainingQuota": "499"}
    call = receiver.wait_for(1, event_name="user_received_message")[0]
    event = json.loads(call["body"])
    assert call["headers"]["X-Zevent-Server"] == "ZNS"
    assert event["recipient"]["id"] == "84912345678"
    assert event["sender"]["id"] == oa_of(sim)["oa_id"]
    assert event["message"]["msg_id"] == data["msg_id"]
    assert event["message"]["tracking_id"] == "sale.order-42"
    assert event["message"]["delivery_time"].isdigit()
    assert sim.wait_deliveries_idle(5)
    status = api.get("business", "/message/status", params={"message_id": data["msg_id"]}).json()
    assert status["data"]["status"] == 1
    missing = api.get("business", "/message/status", params={"message_id": "nope"}).json()
    assert missing["data"]["status"] == -1


def test_plus84_accepted_domestic_rejected(api, template):
    assert send(api, **_ok_body(template, phone="+84912345678"))["error"] == 0
    assert send(api, **_ok_body(template, phone="0912345678"))["error"] == -108
    assert send(api, **_ok_body(template, phone="84123"))["error"] == -108


def test_template_checks(sim, api, template):
    assert send(api, **_ok_body(template, template_id="999"))["error"] == -109
    missing = send(api, **_ok_body(template, template_data={"customer_name": "An"}))
    assert missing["error"] == -1122 and "order_code" in missing["message"]
    long_name = {"customer_name": "x" * 31, "order_code": "S1"}
    assert send(api, **_ok_body(template, template_data=long_name))["error"] == -1121
    assert send(api, **_ok_body(template, template_data={}))["error"] == -111
    pending = sim.add_template(template_name="Mẫu chờ duyệt", status="PENDING_REVIEW")
    assert send(api, **_ok_body(pending, template_data={}))["error"] == -131


def test_development_mode_admins_only(sim, api, template):
    assert send(api, **_ok_body(template, mode="development"))["error"] == -127
    sim.configure(admin_phones=["0912345678"])
    assert send(api, **_ok_body(template, mode="development"))["error"] == 0


def test_daily_quota(sim, api, template):
    sim.configure(zns_daily_quota=2)
    assert send(api, **_ok_body(template))["data"]["quota"]["remainingQuota"] == "1"
    assert send(api, **_ok_body(template))["error"] == 0
    assert send(api, **_ok_body(template))["error"] == -144
    quota = api.get("business", "/message/quota").json()["data"]
    assert quota["dailyQuota"] == "2" and quota["remainingQuota"] == "0"


def test_body_checks(api, template):
    assert api.post("business", "/message/template", data="").json()["error"] == -121
    assert api.post("business", "/message/template", data="{oops").json()["error"] == -122
    assert send(api, **_ok_body(template, tracking_id="t" * 49))["error"] == -132


# -------------------------------------------------------------- templates


def test_template_all_and_status_filter(sim, api, template):
    sim.add_template(template_name="Mẫu bị từ chối", status="REJECT")
    body = api.get("business", "/template/all", params={"offset": 0, "limit": 100}).json()
    assert body["metadata"]["total"] == 2
    assert {t["status"] for t in body["data"]} == {"ENABLE", "REJECT"}
    item = body["data"][0]
    assert set(item) >= {"templateId", "templateName", "createdTime", "status", "templateQuality"}
    enabled = api.get("business", "/template/all", params={"status": 1}).json()
    assert [t["templateId"] for t in enabled["data"]] == [int(template["template_id"])]
    as_text = api.get("business", "/template/all", params={"status": "ENABLE"}).json()
    assert as_text["error"] == -132
    assert api.get("business", "/template/all", params={"limit": 101}).json()["error"] == -132


def test_template_info_v2(api, template):
    data = api.get(
        "business", "/template/info/v2", params={"template_id": template["template_id"]}
    ).json()["data"]
    assert data["templateId"] == int(template["template_id"])
    assert data["status"] == "ENABLE"
    assert [p["name"] for p in data["listParams"]] == ["customer_name", "order_code"]
    assert data["listParams"][0]["maxLength"] == 30 and data["listParams"][0]["require"] is True
    assert data["previewUrl"].startswith("http") and "price_uid" in data and "price_sdt" in data
    unknown = api.get("business", "/template/info/v2", params={"template_id": "1"}).json()
    assert unknown["error"] == -109


def test_template_create(sim, http, api):
    resp = api.post("business", "/template/create", json=create_body()).json()
    assert resp["error"] == 0, resp
    data = resp["data"]
    assert data["status"] == "PENDING_REVIEW"
    assert data["template_id"] and data["preview_url"].startswith("http")
    assert data["price_sdt"] > data["price_uid"] > 0
    preview = http.get(data["preview_url"])
    assert "S00042" in preview.text and "Nguyễn Văn An" in preview.text
    info = api.get("business", "/template/info/v2", params={"template_id": data["template_id"]})
    assert info.json()["data"]["status"] == "PENDING_REVIEW"


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"template_name": "Ngắn"}, "template_name"),
        ({"template_name": "x" * 61}, "template_name"),
        ({"tag": "4"}, "tag"),
        ({"template_type": 9}, "template_type"),
        (
            {"layout": {"body": {"components": [{"type": "TITLE", "value": "Xin chào"}]}}},
            "component",
        ),
        (
            {"layout": {"body": {"components": [{"TITLE": {"value": "Ngắn"}}]}}, "params": []},
            "TITLE",
        ),
        ({"params": VALID_PARAMS[:2]}, "amount"),
        ({"params": [*VALID_PARAMS[:2], {**VALID_PARAMS[2], "type": "16"}]}, "type"),
        ({"params": [*VALID_PARAMS[:2], {**VALID_PARAMS[2], "name": "số tiền"}]}, "name"),
        ({"params": [*VALID_PARAMS[:2], {**VALID_PARAMS[2], "sample_value": "1" * 13}]}, "sample"),
    ],
)
def test_template_create_validation(api, change, needle):
    resp = api.post("business", "/template/create", json=create_body(**change)).json()
    assert resp["error"] == -132, resp
    assert needle in resp["message"]


def test_template_edit_only_rejected(sim, api):
    tpl = api.post("business", "/template/create", json=create_body()).json()["data"]
    edit = create_body(template_id=tpl["template_id"], template_name="Xác nhận đơn hàng (sửa)")
    assert api.post("business", "/template/edit", json=edit).json()["error"] == -1091
    sim.set_template_status(tpl["template_id"], "REJECT", "Sai quy định")
    resp = api.post("business", "/template/edit", json=edit).json()
    assert resp["error"] == 0 and resp["data"]["status"] == "PENDING_REVIEW"
    assert resp["data"]["template_name"] == "Xác nhận đơn hàng (sửa)"


def test_template_auto_review(sim, api, receiver):
    sim.configure(template_review="approve", template_review_delay_ms=10)
    tpl = api.post("business", "/template/create", json=create_body()).json()["data"]
    call = receiver.wait_for(1, event_name="change_template_status")[0]
    event = json.loads(call["body"])
    assert event["template_id"] == tpl["template_id"]
    assert event["status"] == {"prev_status": "PENDING_REVIEW", "new_status": "ENABLE"}


def test_upload_image_and_use_in_layout(api):
    resp = api.post(
        "business", "/upload/image", files={"file": ("logo.png", PNG_1PX, "image/png")}
    ).json()
    media_id = resp["data"]["media_id"]
    layout = {
        "header": {
            "components": [
                {
                    "LOGO": {
                        "light": {"type": "IMAGE", "media_id": media_id},
                        "dark": {"type": "IMAGE", "media_id": media_id},
                    }
                }
            ]
        },
        **VALID_LAYOUT,
    }
    assert (
        api.post("business", "/template/create", json=create_body(layout=layout)).json()["error"]
        == 0
    )
    bad_logo = {**layout, "header": {"components": [{"LOGO": {"light": {"media_id": "nope"}}}]}}
    assert (
        api.post("business", "/template/create", json=create_body(layout=bad_logo)).json()["error"]
        == -132
    )
    too_big = PNG_1PX + b"\0" * (500 * 1024)
    resp = api.post("business", "/upload/image", files={"file": ("a.png", too_big, "image/png")})
    assert resp.json()["error"] == -158
    resp = api.post("business", "/upload/image", files={"file": ("a.gif", b"GIF89a", "image/gif")})
    assert resp.json()["error"] == -159


def test_sample_data(api, template):
    data = api.get(
        "business", "/template/sample-data", params={"template_id": template["template_id"]}
    ).json()["data"]
    assert set(data) == {"customer_name", "order_code"}
