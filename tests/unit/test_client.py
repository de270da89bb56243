"""ZaloClient against a fake requests session (and once against a real local server)."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from zalo_fakes import FakeSession, make_response
from zalo_oa_tools import messages
from zalo_oa_tools.client import (
    UPLOAD_RULES,
    ZaloClient,
    compute_appsecret_proof,
    template_status_code,
)
from zalo_oa_tools.errors import ZaloError

OK = {"error": 0, "message": "Success", "data": {"message_id": "m1", "user_id": "u1"}}


def _query(url):
    return parse_qs(urlsplit(url).query)


# ------------------------------------------------------------------ wire format


def test_access_token_header_and_no_authorization(client, fake_session):
    fake_session.add(200, OK)
    client.send_cs(messages.text_message("2512523625412515", "hello"))
    req = fake_session.last
    assert req.method == "POST"
    assert req.url == "https://openapi.zalo.me/v3.0/oa/message/cs"
    assert req.headers["access_token"] == client.access_token
    assert "Authorization" not in req.headers
    assert "appsecret_proof" not in req.headers  # off by default
    assert req.json == {"recipient": {"user_id": "2512523625412515"}, "message": {"text": "hello"}}
    assert req.allow_redirects is False
    assert req.timeout == (5, 20)


def test_appsecret_proof_header_is_hmac_sha256_hex(fake_session):
    fake_session.add(200, {"error": 0, "data": {"oaid": "1"}})
    client = ZaloClient("the-token", "the-secret", session=fake_session, appsecret_proof=True)
    client.get_oa_info()
    expected = hmac.new(b"the-secret", b"the-token", hashlib.sha256).hexdigest()
    assert fake_session.last.headers["appsecret_proof"] == expected
    assert compute_appsecret_proof("the-token", "the-secret") == expected
    assert expected == expected.lower() and len(expected) == 64


def test_get_on_openapi_encodes_one_json_data_param(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"user_id": "123", "display_name": "Lan"}})
    data = client.get_user_detail("2468458835296197922")
    assert data["display_name"] == "Lan"
    req = fake_session.last
    assert req.method == "GET"
    assert req.url == "https://openapi.zalo.me/v3.0/oa/user/detail"
    assert list(req.params) == ["data"]
    assert json.loads(req.params["data"]) == {"user_id": "2468458835296197922"}


def test_get_on_business_uses_plain_query_params(client, fake_session):
    fake_session.add(200, {"error": 0, "data": [{"templateId": "1"}], "metadata": {"total": 1}})
    assert client.template_list(status="ENABLE") == [{"templateId": "1"}]
    req = fake_session.last
    assert req.url == "https://business.openapi.zalo.me/template/all"
    assert req.params == {"offset": 0, "limit": 100, "status": 1}
    assert client.last_body["metadata"]["total"] == 1


def test_base_url_with_path_prefix_is_kept(fake_session):
    fake_session.add(200, {"error": 0, "data": {}})
    client = ZaloClient(
        "t", urls={"openapi": "http://127.0.0.1:8765/openapi/"}, session=fake_session
    )
    client.get_user_detail("42")
    assert fake_session.last.url == "http://127.0.0.1:8765/openapi/v3.0/oa/user/detail"
    assert fake_session.last.params == {"data": '{"user_id":"42"}'}


def test_empty_url_settings_fall_back_to_defaults(fake_session):
    fake_session.add(200, {"error": 0, "data": {}})
    client = ZaloClient("t", urls={"business": "", "openapi": None}, session=fake_session)
    client.zbs_quota()
    assert fake_session.last.url == "https://business.openapi.zalo.me/message/quota"


def test_returns_whole_body_when_no_data_key(client, fake_session):
    fake_session.add(200, {"error": 0, "message": "Success"})
    assert client.send_cs(messages.text_message("1", "x")) == {"error": 0, "message": "Success"}


def test_call_returns_whole_body(client, fake_session):
    fake_session.add(200, OK)
    body = client.call("openapi", "POST", "/v3.0/oa/message/cs", json={"a": 1})
    assert body == OK


# ------------------------------------------------------------------------ errors


@pytest.mark.parametrize("error_value", [-230, "-230"])
def test_http_200_error_body_raises_classified_error(client, fake_session, error_value):
    fake_session.add(
        200,
        {"error": error_value, "message": "User has not interacted with the OA in the past 7 days"},
    )
    with pytest.raises(ZaloError) as info:
        client.send_cs(messages.text_message("1", "hi"))
    err = info.value
    assert (err.code, err.kind, err.retryable, err.http_status) == (-230, "window", False, 200)
    assert (err.endpoint, err.family) == ("/v3.0/oa/message/cs", "openapi")
    assert str(err) == "Zalo error -230: User has not interacted with the OA in the past 7 days"


def test_error_zero_as_string_is_success(client, fake_session):
    fake_session.add(200, {"error": "0", "message": "Success", "data": {"x": 1}})
    assert client.get_oa_info() == {"x": 1}


def test_http_5xx_is_retryable_server_error(client, fake_session):
    fake_session.add(502, content=b"<html>Bad gateway</html>")
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    err = info.value
    assert (err.kind, err.retryable, err.http_status, err.code) == ("server", True, 502, None)
    assert "<html>" not in str(err)


def test_http_error_with_zalo_body_uses_the_code(client, fake_session):
    fake_session.add(400, {"error": -201, "message": "user_id is invalid!"})
    with pytest.raises(ZaloError) as info:
        client.get_user_detail("x")
    assert (info.value.code, info.value.kind, info.value.http_status) == (-201, "param", 400)


def test_http_429_is_rate_limited(client, fake_session):
    fake_session.add(429, content=b"")
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert (info.value.kind, info.value.retryable) == ("rate_limit", True)


def test_invalid_json_on_200_is_server_error(client, fake_session):
    fake_session.add(200, content=b"not json")
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert info.value.kind == "server" and not info.value.retryable


def test_timeout_is_retryable_network_error(client, fake_session, calls):
    fake_session.queue.append(requests.ReadTimeout("read timed out (url with ?data=secret)"))
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    err = info.value
    assert (err.kind, err.retryable, err.code, err.http_status) == ("network", True, None, None)
    assert "?data" not in str(err)
    assert calls[-1]["kind"] == "network" and calls[-1]["http_status"] is None


def test_connection_error_is_retryable_network_error(client, fake_session):
    fake_session.queue.append(requests.ConnectionError("Max retries exceeded"))
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert (info.value.kind, info.value.retryable) == ("network", True)
    assert "ConnectionError" in info.value.message


def test_redirects_are_errors_not_followed(client, fake_session):
    fake_session.add(302, headers={"Location": "https://evil.example/"})
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert info.value.http_status == 302
    assert len(fake_session.requests) == 1


# One test per error kind, through the client.
KIND_CASES = [
    ("auth", {"error": -216, "message": "Access token is invalid"}, "openapi"),
    ("window", {"error": -232, "message": "User has not interacted"}, "openapi"),
    ("quota", {"error": -211, "message": "Out of quota"}, "openapi"),
    ("rate_limit", {"error": -32, "message": "Your application reached limit call api"}, "openapi"),
    ("recipient", {"error": -213, "message": "User has not followed OA"}, "openapi"),
    ("template", {"error": -131, "message": "Template not approved"}, "business"),
    ("param", {"error": -1122, "message": "Missing param"}, "business"),
    ("server", {"error": -100, "message": "Unknown error, retry"}, "business"),
]


@pytest.mark.parametrize(("kind", "body", "family"), KIND_CASES)
def test_one_error_per_kind(client, fake_session, kind, body, family):
    fake_session.add(200, body)
    with pytest.raises(ZaloError) as info:
        if family == "business":
            client.send_zbs_by_phone(
                messages.zbs_phone_payload("0912345678", "tpl", {"a": "b"}, "trk-1")
            )
        else:
            client.send_cs(messages.text_message("1", "hi"))
    assert info.value.kind == kind
    assert info.value.retryable is (kind in ("rate_limit", "server"))


def test_network_kind_from_guard(tools):
    client = ZaloClient("t", allow_network=False, session=FakeSession())
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert info.value.kind == "network"


def test_zbs_by_uid_uses_zbs_error_table(client, fake_session):
    fake_session.add(200, {"error": -249, "message": "Template does not support send via UID"})
    payload = messages.zbs_uid_payload("2512523625412515", "tpl1", {"name": "An"})
    with pytest.raises(ZaloError) as info:
        client.send_zbs_by_uid(payload)
    assert info.value.kind == "template"
    assert fake_session.last.url == "https://openapi.zalo.me/v3.0/oa/message/template"
    assert fake_session.last.json == {
        "user_id": "2512523625412515",
        "template_id": "tpl1",
        "template_data": {"name": "An"},
    }


def test_zbs_by_uid_falls_back_to_recipient_shape_on_201(client, fake_session):
    fake_session.add(200, {"error": -201, "message": "user_id is invalid!"})
    fake_session.add(200, {"error": 0, "data": {"message_id": "abc"}})
    payload = messages.zbs_uid_payload("777", "tpl1", {"name": "An"})
    assert client.send_zbs_by_uid(payload) == {"message_id": "abc"}
    first, second = fake_session.requests
    assert first.json["user_id"] == "777"
    assert second.json == {
        "recipient": {"user_id": "777"},
        "template_id": "tpl1",
        "template_data": {"name": "An"},
    }


def test_zbs_by_uid_fallback_can_be_disabled(client, fake_session):
    fake_session.add(200, {"error": -201, "message": "bad"})
    with pytest.raises(ZaloError):
        client.send_zbs_by_uid(messages.zbs_uid_payload("777", "t", {}), fallback=False)
    assert len(fake_session.requests) == 1


def test_zbs_phone_send_and_status(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"msg_id": "a4d0", "sent_time": "1626926349402"}})
    fake_session.add(200, {"error": 0, "data": {"status": 1, "delivery_time": "1"}})
    payload = messages.zbs_phone_payload("+84 912 345 678", "7895", {"order_code": "DH001"}, "o-1")
    assert client.send_zbs_by_phone(payload)["msg_id"] == "a4d0"
    assert fake_session.requests[0].url == "https://business.openapi.zalo.me/message/template"
    assert fake_session.requests[0].json["phone"] == "84912345678"
    assert client.zbs_message_status("a4d0", phone="0912345678")["status"] == 1
    assert fake_session.last.params == {"message_id": "a4d0", "phone": "84912345678"}


def test_zbs_status_with_invalid_phone_is_recipient_error(client, fake_session):
    with pytest.raises(ZaloError) as info:
        client.zbs_message_status("m", phone="12")
    assert info.value.kind == "recipient"
    assert fake_session.requests == []


def test_template_endpoints(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"template_id": "1", "status": "PENDING_REVIEW"}})
    fake_session.add(200, {"error": 0, "data": {"template_id": "1"}})
    fake_session.add(200, {"error": 0, "data": {"templateId": "1", "listParams": []}})
    body = messages.template_create_body(
        "Order confirmation",
        1,
        1,
        {"body": {"components": [{"TITLE": {"value": "Hi <name>"}}]}},
        [{"name": "name", "type": 1, "sample_value": "An"}],
    )
    assert client.template_create(body)["status"] == "PENDING_REVIEW"
    assert fake_session.requests[0].url.endswith("/template/create")
    client.template_edit({**body, "template_id": "1"})
    assert fake_session.requests[1].url.endswith("/template/edit")
    assert client.template_info("1")["templateId"] == "1"
    assert fake_session.last.url == "https://business.openapi.zalo.me/template/info/v2"
    assert fake_session.last.params == {"template_id": "1"}


def test_template_list_all_pages(client, fake_session):
    fake_session.add(
        200, {"error": 0, "data": [{"templateId": i} for i in range(2)], "metadata": {"total": 3}}
    )
    fake_session.add(200, {"error": 0, "data": [{"templateId": 2}], "metadata": {"total": 3}})
    items = client.template_list_all(page_size=2)
    assert [t["templateId"] for t in items] == [0, 1, 2]
    assert [r.params["offset"] for r in fake_session.requests] == [0, 2]


@pytest.mark.parametrize(
    ("status", "expected"),
    [(None, None), ("ENABLE", 1), ("pending_review", 2), ("REJECT", 3), (4, 4), ("5", 5)],
)
def test_template_status_code(status, expected):
    assert template_status_code(status) == expected


@pytest.mark.parametrize("status", ["ENABLED", 0, 6, True, "x"])
def test_template_status_code_rejects_unknown(status):
    with pytest.raises(ZaloError) as info:
        template_status_code(status)
    assert info.value.kind == "param"


def test_template_list_limit_validated(client, fake_session):
    with pytest.raises(ZaloError):
        client.template_list(limit=101)
    assert fake_session.requests == []


# ------------------------------------------------------------------------ uploads


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_upload_image_multipart_file_field(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"attachment_id": "att-1"}})
    assert client.upload_image("photo.png", PNG, "image/png") == {"attachment_id": "att-1"}
    req = fake_session.last
    assert req.url == "https://openapi.zalo.me/v2.0/oa/upload/image"
    assert req.files == {"file": ("photo.png", PNG, "image/png")}
    assert req.json is None


def test_upload_file_returns_token_and_adds_extension(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"token": "tok-file"}})
    assert client.upload_file("invoice", b"%PDF-1.4 ...", "application/pdf")["token"] == "tok-file"
    assert fake_session.last.files["file"][0] == "invoice.pdf"
    assert fake_session.last.url.endswith("/v2.0/oa/upload/file")


def test_upload_gif_and_template_image_endpoints(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"attachment_id": "g1"}})
    fake_session.add(200, {"error": 0, "data": {"media_id": "media-1"}})
    assert client.upload_gif("a.gif", b"GIF89a...")["attachment_id"] == "g1"
    assert fake_session.requests[0].files["file"][2] == "image/gif"
    assert client.template_upload_image("logo.png", PNG, "image/png") == {"media_id": "media-1"}
    assert fake_session.last.url == "https://business.openapi.zalo.me/upload/image"


@pytest.mark.parametrize(
    ("method", "filename", "size", "mimetype", "fragment"),
    [
        ("upload_image", "a.gif", 10, "image/gif", "JPG or PNG"),
        ("upload_image", "a.png", 1024 * 1024 + 1, "image/png", "too large"),
        ("upload_file", "a.exe", 10, "application/x-msdownload", "PDF, DOC, DOCX or CSV"),
        ("upload_file", "a.pdf", 5 * 1024 * 1024 + 1, "application/pdf", "too large"),
        ("upload_gif", "a.png", 10, "image/png", "GIF"),
        ("upload_gif", "a.gif", 5 * 1024 * 1024 + 1, "image/gif", "too large"),
        ("template_upload_image", "a.png", 500 * 1024 + 1, "image/png", "500 KB"),
        ("upload_image", "a.png", 0, "image/png", "empty"),
    ],
)
def test_upload_limits_are_checked_client_side(
    client, fake_session, method, filename, size, mimetype, fragment
):
    with pytest.raises(ZaloError) as info:
        getattr(client, method)(filename, b"x" * size, mimetype)
    assert info.value.kind == "param"
    assert fragment in info.value.message
    assert info.value.endpoint is not None
    assert fake_session.requests == []


def test_upload_limits_accept_boundaries(client, fake_session):
    fake_session.add(200, {"error": 0, "data": {"attachment_id": "x"}})
    fake_session.add(200, {"error": 0, "data": {"token": "y"}})
    client.upload_image("max.jpg", b"x" * UPLOAD_RULES["image"].max_bytes, None)
    assert fake_session.requests[0].files["file"][2] == "image/jpeg"
    client.upload_file("list.csv", b"a,b\n1,2\n", "application/vnd.ms-excel")  # Windows CSV mime
    assert fake_session.last.files["file"][0] == "list.csv"


# ------------------------------------------------------------------- on_call


def test_on_call_records_success_and_failure_without_secrets(client, fake_session, calls):
    fake_session.add(200, OK, headers={"X-RateLimit-Limit": "4000", "X-RateLimit-Remain": "3999"})
    fake_session.add(200, {"error": -216, "message": "Access token is invalid"})
    fake_session.queue.append(requests.ConnectTimeout("timeout"))
    fake_session.add(200, {"error": 0, "data": {"attachment_id": "a"}})
    client.appsecret_proof = True
    proof = compute_appsecret_proof(client.access_token, client.app_secret)
    client.send_cs(messages.text_message("1", "hello"))
    with pytest.raises(ZaloError):
        client.get_user_detail("u-123")
    with pytest.raises(ZaloError):
        client.zbs_quota()
    client.upload_image("p.png", PNG, "image/png")
    assert len(calls) == 4
    required = {
        "family",
        "method",
        "endpoint",
        "http_status",
        "error_code",
        "error_message",
        "duration_ms",
    }
    for record in calls:
        assert required <= set(record)
        text = repr(record)
        for secret in (client.access_token, client.app_secret, proof):
            assert secret not in text
        assert "?" not in record["endpoint"]
        assert "data=" not in text and "u-123" not in text  # no query string, no body
        assert isinstance(record["duration_ms"], int) and record["duration_ms"] >= 0
    ok, auth, timeout, upload = calls
    assert ok["ok"] and ok["http_status"] == 200 and ok["error_code"] is None
    assert ok["rate_limit_remain"] == 3999
    assert (auth["error_code"], auth["kind"], auth["endpoint"]) == (
        -216,
        "auth",
        "/v3.0/oa/user/detail",
    )
    assert (timeout["family"], timeout["kind"], timeout["http_status"]) == (
        "business",
        "network",
        None,
    )
    assert upload["endpoint"] == "/v2.0/oa/upload/image" and upload["method"] == "POST"


def test_on_call_failure_does_not_break_the_call(fake_session):
    def broken(_record):
        raise RuntimeError("hook bug")

    fake_session.add(200, {"error": 0, "data": {"oaid": "1"}})
    client = ZaloClient("t", session=fake_session, on_call=broken)
    assert client.get_oa_info() == {"oaid": "1"}


def test_error_messages_are_scrubbed_of_secrets(fake_session):
    token = "SECRET-TOKEN-123456"
    fake_session.add(200, {"error": -216, "message": f"Access token {token} is invalid"})
    client = ZaloClient(token, session=fake_session)
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert token not in str(info.value) and token not in repr(info.value)
    assert token not in repr(client)


def test_rate_limit_headers_exposed(client, fake_session):
    fake_session.add(200, OK, headers={"x-ratelimit-limit": "4000", "x-ratelimit-remain": "12"})
    client.send_cs(messages.text_message("1", "x"))
    assert client.last_rate_limit == (4000, 12)
    assert client.last_rate_limit.remain == 12
    fake_session.add(200, OK)
    client.send_cs(messages.text_message("1", "x"))
    assert client.last_rate_limit is None


# ------------------------------------------------------------ network guard


@pytest.mark.parametrize(
    "base",
    [
        "https://openapi.zalo.me",
        "http://10.0.0.5:8069",
        "http://127.0.0.1.evil.com",
        "http://localhost.evil.com",
        "http://[2001:db8::1]:80",
    ],
)
def test_allow_network_false_refuses_non_loopback(base, calls):
    session = FakeSession()
    client = ZaloClient(
        "t", urls={"openapi": base}, session=session, allow_network=False, on_call=calls.append
    )
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    err = info.value
    assert (err.kind, err.retryable) == ("network", False)
    assert "cannot be reached during tests" in err.message
    assert session.requests == []
    assert calls[-1]["kind"] == "network"


@pytest.mark.parametrize(
    "base",
    ["http://127.0.0.1:8765/openapi", "http://localhost:1", "http://[::1]:9", "http://127.8.9.10"],
)
def test_allow_network_false_allows_loopback(base):
    session = FakeSession(make_response(200, {"error": 0, "data": {"oaid": "9"}}))
    client = ZaloClient("t", urls={"openapi": base}, session=session, allow_network=False)
    assert client.get_oa_info() == {"oaid": "9"}
    assert session.last.url.startswith(base)


def test_real_http_to_local_server(local_server):
    """End to end with real requests: headers, data param, multipart, guard on loopback."""
    local_server.reply = (
        200,
        {"error": 0, "message": "Success", "data": {"user_id": "1"}},
        {"X-RateLimit-Limit": "4000", "X-RateLimit-Remain": "7"},
    )
    client = ZaloClient(
        "real-token",
        "real-secret",
        urls={"openapi": local_server.base_url + "/openapi"},
        appsecret_proof=True,
        allow_network=False,
    )
    assert client.get_user_detail("Nguyễn 1") == {"user_id": "1"}
    req = local_server.received[-1]
    assert urlsplit(req.path).path == "/openapi/v3.0/oa/user/detail"
    assert json.loads(parse_qs(urlsplit(req.path).query)["data"][0]) == {"user_id": "Nguyễn 1"}
    headers = {k.lower(): v for k, v in req.headers.items()}
    assert headers["access_token"] == "real-token"
    assert headers["appsecret_proof"] == compute_appsecret_proof("real-token", "real-secret")
    assert client.last_rate_limit.remain == 7

    client.upload_image("p.png", PNG, "image/png")
    req = local_server.received[-1]
    assert req.method == "POST"
    assert b'name="file"; filename="p.png"' in req.body and PNG in req.body

    local_server.reply = (503, {"error": -1, "message": "busy"}, {})
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert (info.value.http_status, info.value.kind, info.value.retryable) == (503, "server", True)


def test_unreachable_local_port_is_network_error():
    client = ZaloClient(
        "t", urls={"openapi": "http://127.0.0.1:9"}, allow_network=False, timeout=(1, 1)
    )
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert (info.value.kind, info.value.retryable) == ("network", True)


# --------------------------------------------------------------------- media


#: A simulator on loopback: its origin is an allowed media origin (see test_media_policy).
SIM_URLS = {"openapi": "http://127.0.0.1/openapi"}


def test_download_media_sends_no_token_and_follows_guarded_redirects(calls):
    session = FakeSession(
        make_response(302, headers={"Location": "http://127.0.0.1/final.jpg?sig=abc"}),
        make_response(200, content=b"JPEGDATA", headers={"Content-Type": "image/jpeg"}),
    )
    client = ZaloClient(
        "tok-xyz", urls=SIM_URLS, session=session, allow_network=False, on_call=calls.append
    )
    content, mimetype = client.download_media("http://127.0.0.1/a.jpg?sig=1")
    assert (content, mimetype) == (b"JPEGDATA", "image/jpeg")
    assert all("access_token" not in r.headers for r in session.requests)
    assert [c["endpoint"] for c in calls] == ["/a.jpg", "/final.jpg"]


def test_download_media_redirect_to_remote_host_is_refused():
    session = FakeSession(
        make_response(302, headers={"Location": "https://f6.photo.talk.zdn.vn/x"})
    )
    client = ZaloClient("t", urls=SIM_URLS, session=session, allow_network=False)
    with pytest.raises(ZaloError) as info:
        client.download_media("http://127.0.0.1/a.jpg")
    assert info.value.kind == "network"
    assert len(session.requests) == 1


def test_download_media_size_limit():
    session = FakeSession(make_response(200, content=b"x" * 11))
    client = ZaloClient("t", session=session)
    with pytest.raises(ZaloError) as info:
        client.download_media("https://f6.photo.talk.zdn.vn/a.jpg", max_bytes=10)
    assert info.value.kind == "param"


def test_download_media_rejects_non_http_scheme():
    client = ZaloClient("t", session=FakeSession())
    with pytest.raises(ZaloError) as info:
        client.download_media("file:///etc/passwd")
    assert info.value.kind == "param"


def test_invalid_url_setting_is_a_param_error_not_retried(fake_session):
    fake_session.queue.append(requests.exceptions.InvalidURL("Failed to parse"))
    client = ZaloClient("t", session=fake_session)
    with pytest.raises(ZaloError) as info:
        client.get_oa_info()
    assert (info.value.kind, info.value.retryable) == ("param", False)


def test_network_error_message_names_host_but_not_query_or_credentials(fake_session):
    fake_session.queue.append(requests.ConnectTimeout("x"))
    client = ZaloClient(
        "t", urls={"business": "http://user:pw@127.0.0.1:8765/business"}, session=fake_session
    )
    with pytest.raises(ZaloError) as info:
        client.zbs_message_status("m1")
    message = info.value.message
    assert "127.0.0.1:8765" in message and "/message/status" in message
    assert "pw" not in message and "m1" not in message


def test_upload_content_must_be_bytes(client, fake_session):
    with pytest.raises(ZaloError) as info:
        client.upload_image("a.png", "not bytes", "image/png")
    assert info.value.kind == "param" and fake_session.requests == []
    fake_session.add(200, {"error": 0, "data": {"attachment_id": "x"}})
    client.upload_image("C:\\Users\\me\\a.png", bytearray(PNG), None)
    assert fake_session.last.files["file"][:2] == ("a.png", PNG)
