"""Message and template payload builders, limits and validators."""

from __future__ import annotations

import unicodedata

import pytest
from zalo_oa_tools import messages
from zalo_oa_tools.errors import ZaloError
from zalo_oa_tools.messages import (
    PARAM_TYPES,
    TEMPLATE_STATUS,
    TEMPLATE_STATUS_NAMES,
    extract_layout_params,
    file_message,
    gif_message,
    image_message,
    request_user_info_message,
    split_text,
    sticker_message,
    template_create_body,
    template_edit_body,
    text_message,
    validate_param_name,
    validate_param_value,
    validate_template_name,
    zbs_phone_payload,
    zbs_uid_payload,
    zbs_uid_payload_alternate,
)

UID = "2512523625412515"


def _param_error(call, *args, **kwargs) -> ZaloError:
    with pytest.raises(ZaloError) as info:
        call(*args, **kwargs)
    assert info.value.kind == "param", info.value
    return info.value


# --------------------------------------------------------------------- text


def test_text_message_shape():
    assert text_message(UID, "hello") == {
        "recipient": {"user_id": UID},
        "message": {"text": "hello"},
    }


def test_text_message_quote():
    payload = text_message(UID, "ok", quote_message_id="63ecf43f0df7dba892e6")
    assert payload["message"] == {"text": "ok", "quote_message_id": "63ecf43f0df7dba892e6"}


def test_text_is_nfc_normalised_before_counting():
    decomposed = unicodedata.normalize("NFD", "Việt Nam")
    assert len(decomposed) > len("Việt Nam")
    assert text_message(UID, decomposed)["message"]["text"] == "Việt Nam"
    # 2000 NFC characters whose NFD form is longer than 2000 are accepted
    text = unicodedata.normalize("NFD", "ệ" * 2000)
    assert len(text) > 2000
    assert len(text_message(UID, text)["message"]["text"]) == 2000


def test_text_length_limit():
    assert len(text_message(UID, "a" * 2000)["message"]["text"]) == 2000
    err = _param_error(text_message, UID, "a" * 2001)
    assert "2001" in err.message and "2000" in err.message


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_empty_text_rejected(text):
    _param_error(text_message, UID, text)


@pytest.mark.parametrize("user_id", ["", None, "  "])
def test_recipient_required(user_id):
    _param_error(text_message, user_id, "hi")


# -------------------------------------------------------------- split_text


def test_split_text_short_and_empty():
    assert split_text("hello") == ["hello"]
    assert split_text("") == [] and split_text("   ") == []


def test_split_text_on_whitespace_boundaries():
    words = [f"từ{i}" for i in range(1500)]
    text = " ".join(words)
    chunks = split_text(text, limit=2000)
    assert len(chunks) > 1
    assert all(0 < len(c) <= 2000 for c in chunks)
    assert " ".join(chunks).split() == words  # nothing lost, no word cut
    assert all(c == c.strip() for c in chunks)


def test_split_text_prefers_line_breaks():
    para1 = "a" * 60 + "\n" + "b " * 10
    chunks = split_text(para1 + "c" * 10, limit=80)
    assert chunks[0] == "a" * 60


def test_split_text_hard_cuts_long_words_without_breaking_combining_marks():
    text = "x" * 9 + "e\u0301\u0302" * 3  # combining marks that do not compose fully
    chunks = split_text(text, limit=10)
    assert "".join(chunks) == unicodedata.normalize("NFC", text)
    assert all(len(c) <= 10 for c in chunks)
    for chunk in chunks:
        assert not unicodedata.combining(chunk[0])


def test_split_text_exact_limit_and_invalid_limit():
    assert split_text("abcde fghij", limit=5) == ["abcde", "fghij"]
    with pytest.raises(ValueError):
        split_text("x", limit=0)


def test_split_chunks_are_valid_text_messages():
    text = ("Xin chào quý khách, đơn hàng của bạn đã được xác nhận. " * 120).strip()
    for chunk in split_text(text):
        assert text_message(UID, chunk)["message"]["text"] == chunk


# ------------------------------------------------------------------- media


def test_image_message_by_url_with_caption():
    payload = image_message(UID, url="https://cdn.example.com/a.jpg", caption="Hoá đơn")
    assert payload == {
        "recipient": {"user_id": UID},
        "message": {
            "text": "Hoá đơn",
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "media",
                    "elements": [{"media_type": "image", "url": "https://cdn.example.com/a.jpg"}],
                },
            },
        },
    }


def test_image_message_by_attachment_id():
    payload = image_message(UID, attachment_id="att-1")
    assert "text" not in payload["message"]
    element = payload["message"]["attachment"]["payload"]["elements"][0]
    assert element == {"media_type": "image", "attachment_id": "att-1"}


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"attachment_id": "a", "url": "https://x/a.jpg"}, {"url": "ftp://x/a.jpg"}],
)
def test_image_message_validation(kwargs):
    _param_error(image_message, UID, **kwargs)


def test_gif_message_needs_dimensions():
    payload = gif_message(UID, "gif-1", 500, 280)
    assert payload["message"]["attachment"]["payload"]["elements"] == [
        {"media_type": "gif", "attachment_id": "gif-1", "width": 500, "height": 280}
    ]
    for width, height in [(0, 10), (10, -1), ("500", 280), (True, 1)]:
        _param_error(gif_message, UID, "gif-1", width, height)


def test_sticker_message():
    payload = sticker_message(UID, "bfe458bf64fa8da4d4eb")
    assert payload["message"]["attachment"]["payload"] == {
        "template_type": "media",
        "elements": [{"media_type": "sticker", "attachment_id": "bfe458bf64fa8da4d4eb"}],
    }
    _param_error(sticker_message, UID, "")


def test_file_message_uses_file_attachment_type():
    assert file_message(UID, "tok") == {
        "recipient": {"user_id": UID},
        "message": {"attachment": {"type": "file", "payload": {"token": "tok"}}},
    }
    _param_error(file_message, UID, None)


def test_request_user_info_message():
    payload = request_user_info_message(
        UID, "Shop ABC", "Đang yêu cầu thông tin từ bạn", "https://shop.vn/logo.png"
    )
    assert payload["message"]["attachment"] == {
        "type": "template",
        "payload": {
            "template_type": "request_user_info",
            "elements": [
                {
                    "title": "Shop ABC",
                    "subtitle": "Đang yêu cầu thông tin từ bạn",
                    "image_url": "https://shop.vn/logo.png",
                }
            ],
        },
    }
    _param_error(request_user_info_message, UID, "", "sub", "https://x")


# --------------------------------------------------------------------- ZBS


def test_zbs_uid_payload_top_level_user_id_c11():
    payload = zbs_uid_payload(
        UID, "tpl-1", {"customer_name": "An", "amount": 150000, "ratio": 1.0, "paid": False}
    )
    assert payload == {
        "user_id": UID,
        "template_id": "tpl-1",
        "template_data": {"customer_name": "An", "amount": "150000", "ratio": "1", "paid": "false"},
    }
    assert "tracking_id" not in payload


def test_zbs_uid_payload_style_switch(monkeypatch):
    monkeypatch.setattr(messages, "ZBS_UID_RECIPIENT_STYLE", "recipient")
    payload = zbs_uid_payload(UID, "t", {})
    assert payload["recipient"] == {"user_id": UID} and "user_id" not in payload
    with pytest.raises(ValueError):
        zbs_uid_payload(UID, "t", {}, style="nope")


def test_zbs_uid_payload_alternate_round_trip():
    top = zbs_uid_payload(UID, "t", {"a": "b"})
    alt = zbs_uid_payload_alternate(top)
    assert alt == {"recipient": {"user_id": UID}, "template_id": "t", "template_data": {"a": "b"}}
    assert zbs_uid_payload_alternate(alt) == top
    assert zbs_uid_payload_alternate({"template_id": "t"}) is None


@pytest.mark.parametrize("value", [None, {"x": 1}, ["a"]])
def test_template_data_values_must_be_scalars(value):
    err = _param_error(zbs_uid_payload, UID, "t", {"order_code": value})
    assert "order_code" in err.message


def test_zbs_phone_payload_normalises_phone_and_requires_tracking():
    payload = zbs_phone_payload(
        "0987 654 321",
        "7895417a7d3f9461cd2e",
        {"customer_name": "Nguyen Van A", "order_code": "DH001"},
        "order-88213",
        mode="development",
        sending_mode=1,
    )
    assert payload == {
        "phone": "84987654321",
        "template_id": "7895417a7d3f9461cd2e",
        "template_data": {"customer_name": "Nguyen Van A", "order_code": "DH001"},
        "tracking_id": "order-88213",
        "mode": "development",
        "sending_mode": "1",
    }
    assert "mode" not in zbs_phone_payload("84987654321", "t", {}, "x")


def test_zbs_phone_payload_tracking_id_limits():
    assert zbs_phone_payload("84987654321", "t", {}, "x" * 48)["tracking_id"] == "x" * 48
    assert "48" in _param_error(zbs_phone_payload, "84987654321", "t", {}, "x" * 49).message
    _param_error(zbs_phone_payload, "84987654321", "t", {}, "")
    _param_error(zbs_phone_payload, "84987654321", "t", {}, None)


def test_zbs_phone_payload_invalid_mode_and_phone():
    _param_error(zbs_phone_payload, "84987654321", "t", {}, "x", mode="production")
    _param_error(zbs_phone_payload, "84987654321", "t", {}, "x", sending_mode="2")
    with pytest.raises(ZaloError) as info:
        zbs_phone_payload("12345", "t", {}, "x")
    assert info.value.kind == "recipient" and "12345" in info.value.message


# ---------------------------------------------------------------- templates


LAYOUT = {
    "header": {
        "components": [
            {
                "LOGO": {
                    "light": {"type": "IMAGE", "media_id": "m1"},
                    "dark": {"type": "IMAGE", "media_id": "m2"},
                }
            }
        ]
    },
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
                    "items": [{"type": 1, "title": "Xem đơn hàng", "content": "https://shop.vn/o"}]
                }
            }
        ]
    },
}
PARAMS = [
    {"name": "order_code", "type": 4, "sample_value": "DH001"},
    {"name": "customer_name", "type": 1, "sample_value": "Nguyễn Văn A"},
    {"name": "amount", "type": "14", "sample_value": "1.500.000đ"},
]


def test_template_create_body():
    body = template_create_body(
        "Xác nhận đơn hàng", 1, 1, LAYOUT, PARAMS, note="Gửi khi xác nhận", tracking_id="tpl-sale-1"
    )
    assert body["template_name"] == "Xác nhận đơn hàng"
    assert (body["template_type"], body["tag"]) == (1, "1")
    assert body["params"][2] == {"type": "14", "name": "amount", "sample_value": "1.500.000đ"}
    assert body["layout"] == LAYOUT and body["note"] == "Gửi khi xác nhận"
    assert body["tracking_id"] == "tpl-sale-1"
    edit = template_edit_body(
        "12345",
        template_name="Xác nhận đơn hàng",
        template_type=1,
        tag="1",
        layout=LAYOUT,
        params=PARAMS,
    )
    assert edit["template_id"] == "12345"


def test_template_body_rejects_undeclared_layout_params():
    err = _param_error(template_create_body, "Xác nhận đơn hàng", 1, 1, LAYOUT, PARAMS[:2])
    assert "amount" in err.message


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("Short", 1, 1, LAYOUT, PARAMS), "10-60"),
        (("x" * 61, 1, 1, LAYOUT, PARAMS), "10-60"),
        (("Xác nhận đơn hàng", 6, 1, LAYOUT, PARAMS), "template_type"),
        (("Xác nhận đơn hàng", 1, 4, LAYOUT, PARAMS), "tag"),
        (("Xác nhận đơn hàng", 1, 1, {}, PARAMS), "layout"),
        (("Xác nhận đơn hàng", 1, 1, LAYOUT, [*PARAMS, PARAMS[0]]), "twice"),
        (
            ("Xác nhận đơn hàng", 1, 1, LAYOUT, [{**PARAMS[0], "sample_value": ""}, *PARAMS[1:]]),
            "sample_value",
        ),
        (("Xác nhận đơn hàng", 1, 1, LAYOUT, [{**PARAMS[0], "type": 16}, *PARAMS[1:]]), "type"),
        (
            (
                "Xác nhận đơn hàng",
                1,
                1,
                LAYOUT,
                [{**PARAMS[0], "sample_value": "x" * 31}, *PARAMS[1:]],
            ),
            "at most 30",
        ),
    ],
)
def test_template_body_validation(args, fragment):
    assert fragment in _param_error(template_create_body, *args).message


def test_template_note_limit():
    _param_error(template_create_body, "Xác nhận đơn hàng", 1, 1, LAYOUT, PARAMS, note="n" * 401)


@pytest.mark.parametrize("name", ["Order 0001", "x" * 60, "  Xác nhận đơn  "])
def test_validate_template_name_ok(name):
    assert 10 <= len(validate_template_name(name)) <= 60


@pytest.mark.parametrize("name", ["customer_name", "order_code2", "a"])
def test_validate_param_name_ok(name):
    assert validate_param_name(name) == name


@pytest.mark.parametrize(
    "name", ["tên_khách", "customer-name", "customer name", "CustomerName", "1code", "", None]
)
def test_validate_param_name_rejects(name):
    _param_error(validate_param_name, name)


def test_param_types_table():
    assert len(PARAM_TYPES) == 15
    assert PARAM_TYPES[1] == ("name", 30)
    assert PARAM_TYPES[12] == ("OTP", 10)
    assert PARAM_TYPES[15] == ("bank note", 90)
    assert validate_param_value(12, "123456") == "123456"
    assert "OTP" in _param_error(validate_param_value, 12, "12345678901", "otp").message


def test_template_status_maps():
    assert TEMPLATE_STATUS == {
        "ENABLE": 1,
        "PENDING_REVIEW": 2,
        "REJECT": 3,
        "DISABLE": 4,
        "DELETE": 5,
    }
    assert TEMPLATE_STATUS_NAMES[3] == "REJECT"


def test_extract_layout_params():
    assert extract_layout_params(LAYOUT) == {"order_code", "customer_name", "amount"}
    assert extract_layout_params("no params <b> here") == {"b"}
    assert extract_layout_params(None) == set()
