"""PKCE, permission URLs, token exchange/refresh and the Social /me call."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from zalo_fakes import FakeSession, make_response
from zalo_oa_tools import oauth
from zalo_oa_tools.errors import ZaloError
from zalo_oa_tools.oauth import (
    OAuthClient,
    TokenResponse,
    code_challenge,
    generate_code_verifier,
    generate_pkce,
    graph_me,
    oa_authorization_url,
    parse_token_response,
    social_authorization_url,
)

APP_ID = "3608465248940903967"
SECRET = "AppSecret-Very-Private-42"

# ------------------------------------------------------------------------ PKCE


def test_rfc7636_appendix_b_vector():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_challenge_is_base64url_of_raw_digest_not_hex():
    verifier = generate_code_verifier()
    raw = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    challenge = code_challenge(verifier)
    assert challenge == expected
    assert len(challenge) == 43 and "=" not in challenge
    hex_based = base64.urlsafe_b64encode(raw.hex().encode()).decode().rstrip("=")
    assert challenge != hex_based


def test_verifier_is_43_chars_of_32_random_bytes():
    verifiers = {generate_code_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for verifier in verifiers:
        assert len(verifier) == 43
        assert re.fullmatch(r"[A-Za-z0-9]{43}", verifier)  # alphanumeric-only choice
        assert len(base64.urlsafe_b64decode(verifier + "=")) == 32


def test_verifier_may_contain_url_safe_symbols_when_switched_off(monkeypatch):
    monkeypatch.setattr(oauth, "VERIFIER_ALPHANUMERIC_ONLY", False)
    seen = "".join(generate_code_verifier() for _ in range(200))
    assert set(seen) - set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") <= {
        "-",
        "_",
    }


def test_generate_pkce_pair_matches():
    verifier, challenge = generate_pkce()
    assert code_challenge(verifier) == challenge


@pytest.mark.parametrize("bad", ["short", "x" * 129, "a" * 42 + "!", None])
def test_code_challenge_rejects_invalid_verifier(bad):
    with pytest.raises(ValueError):
        code_challenge(bad)


def test_state_round_trip_and_url_safe():
    key = oauth.state_key("db-secret", "zalo_oa.oauth_state")
    state = oauth.sign_state({"oa": 7, "nonce": "n1"}, key, "zalo_oa.connect", 600)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", state)
    claims = oauth.verify_state(state, key, "zalo_oa.connect", require=("nonce", "oa"))
    assert claims["oa"] == 7 and claims["nonce"] == "n1"
    assert claims["exp"] - claims["iat"] == 600


def test_state_key_is_per_purpose_and_needs_a_secret():
    assert oauth.state_key("s", "a") == oauth.state_key("s", "a") != oauth.state_key("s", "b")
    assert oauth.state_key("s", "a") != oauth.state_key("t", "a")
    with pytest.raises(ValueError):
        oauth.state_key("", "a")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"now": 1_000}, "expired"),  # signed long ago
        ({"audience": "zalo_oa.login"}, "invalid"),  # the other flow's state
        ({"key": "0" * 64}, "invalid"),  # forged
        ({"claims": {"oa": 7}}, "invalid"),  # a required claim is missing
    ],
)
def test_state_refused(change, reason):
    key = oauth.state_key("db-secret", "p")
    state = oauth.sign_state(
        change.get("claims", {"oa": 7, "nonce": "n"}),
        change.get("key", key),
        change.get("audience", "zalo_oa.connect"),
        600,
        now=change.get("now"),
    )
    with pytest.raises(oauth.StateError) as info:
        oauth.verify_state(state, key, "zalo_oa.connect", require=("nonce",))
    assert info.value.reason == reason


@pytest.mark.parametrize("bad", [None, "", 42, "not-a-jwt", "a.b.c"])
def test_state_garbage_is_invalid(bad):
    with pytest.raises(oauth.StateError) as info:
        oauth.verify_state(bad, "k", "zalo_oa.connect")
    assert info.value.reason == "invalid"


# ---------------------------------------------------------------- permission URLs


def test_oa_authorization_url_has_exactly_four_params():
    url = oa_authorization_url(
        "https://oauth.zaloapp.com",
        APP_ID,
        "https://erp.example.com/zalo_oa/oauth/callback",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "st&ate=1",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "oauth.zaloapp.com",
        "/v4/oa/permission",
    )
    assert parse_qsl(parts.query) == [
        ("app_id", APP_ID),
        ("redirect_uri", "https://erp.example.com/zalo_oa/oauth/callback"),
        ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
        ("state", "st&ate=1"),
    ]
    assert "code_challenge_method" not in url and "response_type" not in url


def test_social_authorization_url_and_simulator_prefix():
    url = social_authorization_url("http://127.0.0.1:8765/oauth/", 1, "https://r/cb", "c", "s")
    parts = urlsplit(url)
    assert parts.path == "/oauth/v4/permission"
    assert parse_qs(parts.query) == {
        "app_id": ["1"],
        "redirect_uri": ["https://r/cb"],
        "code_challenge": ["c"],
        "state": ["s"],
    }
    assert oa_authorization_url(None, 1, "https://r", "c", "s").startswith(
        "https://oauth.zaloapp.com/v4/oa/permission?"
    )


def test_authorization_url_requires_all_params():
    with pytest.raises(ValueError):
        oa_authorization_url(None, APP_ID, "https://r", "", "s")


# ------------------------------------------------------------------ token bodies


def test_parse_token_response_coerces_string_expires_in():
    token = parse_token_response({"access_token": "A", "refresh_token": "R", "expires_in": "90000"})
    assert token == TokenResponse("A", "R", 90000, {"expires_in": "90000"})
    assert isinstance(token.expires_in, int)
    assert token.expires_at(datetime(2026, 1, 1)) == datetime(2026, 1, 2, 1, 0)


def test_parse_token_response_accepts_json_text_and_numbers():
    token = parse_token_response(b'{"access_token":"A","refresh_token":"R","expires_in":3600}')
    assert token.expires_in == 3600
    assert parse_token_response('{"access_token":"A","expires_in":"3600.0"}').expires_in == 3600
    assert parse_token_response({"access_token": "A"}).expires_in == oauth.DEFAULT_EXPIRES_IN
    assert parse_token_response({"access_token": "A", "expires_in": "x"}).refresh_token is None


def test_token_repr_hides_tokens():
    token = parse_token_response(
        {"access_token": "ACCESS-XYZ", "refresh_token": "REFRESH-XYZ", "expires_in": "90000"}
    )
    assert "ACCESS-XYZ" not in repr(token) and "REFRESH-XYZ" not in repr(token)


@pytest.mark.parametrize(
    "body",
    [
        {
            "error": -14020,
            "error_name": "Invalid refresh token",
            "error_reason": "refresh token is expired",
            "ref_doc": "https://developers.zalo.me",
        },
        {"error": "-14002", "error_description": "Invalid appId"},
        {"error": "invalid_grant", "error_description": "bad code"},
        {"message": "no token here"},
        "not json",
        [1, 2],
    ],
)
def test_parse_token_response_errors_are_auth(body):
    with pytest.raises(ZaloError) as info:
        parse_token_response(body)
    err = info.value
    assert (err.kind, err.retryable, err.family) == ("auth", False, "oauth")


def test_parse_token_response_keeps_error_details():
    with pytest.raises(ZaloError) as info:
        parse_token_response(
            {
                "error": -14020,
                "error_name": "Invalid refresh token",
                "error_reason": "expired",
                "ref_doc": "https://doc",
            }
        )
    err = info.value
    assert err.code == -14020
    assert err.details == {
        "error_name": "Invalid refresh token",
        "error_reason": "expired",
        "ref_doc": "https://doc",
    }


# ------------------------------------------------------------------ OAuthClient


def _token_reply(**extra):
    return make_response(
        200, {"access_token": "NEW-AT", "refresh_token": "NEW-RT", "expires_in": "90000", **extra}
    )


def test_exchange_code_request_exactly_as_documented():
    session = FakeSession(_token_reply())
    calls = []
    client = OAuthClient(
        APP_ID, SECRET, "https://oauth.zaloapp.com", session=session, on_call=calls.append
    )
    token = client.exchange_code("AUTH-CODE", "VERIFIER-123")
    assert (token.access_token, token.refresh_token, token.expires_in) == (
        "NEW-AT",
        "NEW-RT",
        90000,
    )
    req = session.last
    assert req.method == "POST"
    assert req.url == "https://oauth.zaloapp.com/v4/oa/access_token"
    assert req.headers["secret_key"] == SECRET
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in req.headers and "access_token" not in req.headers
    assert parse_qsl(req.data) == [
        ("code", "AUTH-CODE"),
        ("app_id", APP_ID),
        ("grant_type", "authorization_code"),
        ("code_verifier", "VERIFIER-123"),
    ]
    assert req.json is None and req.params is None
    assert calls[0]["endpoint"] == "/v4/oa/access_token" and calls[0]["ok"]


def test_refresh_request_and_social_endpoint():
    session = FakeSession(_token_reply(), _token_reply())
    client = OAuthClient(APP_ID, SECRET, session=session)
    client.refresh("OLD-RT")
    assert session.last.url == "https://oauth.zaloapp.com/v4/oa/access_token"
    assert parse_qsl(session.last.data) == [
        ("refresh_token", "OLD-RT"),
        ("app_id", APP_ID),
        ("grant_type", "refresh_token"),
    ]
    client.exchange_code("C", "V", social=True)
    assert session.last.url == "https://oauth.zaloapp.com/v4/access_token"


def test_token_errors_never_leak_secrets():
    session = FakeSession(
        make_response(
            200,
            {
                "error": -14020,
                "error_name": "Invalid refresh token",
                "error_reason": f"refresh token OLD-RT-123 invalid (key {SECRET})",
            },
        ),
        requests.ConnectionError(f"https://oauth.zaloapp.com?secret={SECRET}"),
    )
    calls = []
    client = OAuthClient(APP_ID, SECRET, session=session, on_call=calls.append)
    for _ in range(2):
        with pytest.raises(ZaloError) as info:
            client.refresh("OLD-RT-123")
        text = str(info.value) + repr(info.value) + json.dumps(info.value.to_dict())
        assert SECRET not in text and "OLD-RT-123" not in text
        assert info.value.kind in ("auth", "network")
    for record in calls:
        assert SECRET not in repr(record) and "OLD-RT-123" not in repr(record)
    assert SECRET not in repr(client)
    assert calls[0]["error_code"] == -14020 and calls[0]["kind"] == "auth"
    assert calls[1]["kind"] == "network"


def test_refresh_error_with_http_200_is_terminal_auth():
    session = FakeSession(make_response(200, {"error": -14020, "message": "Refresh token invalid"}))
    client = OAuthClient(APP_ID, SECRET, session=session)
    with pytest.raises(ZaloError) as info:
        client.refresh("RT")
    assert (info.value.code, info.value.kind, info.value.retryable) == (-14020, "auth", False)
    assert not info.value.is_token_error


def test_oauth_5xx_is_retryable():
    client = OAuthClient(APP_ID, SECRET, session=FakeSession(make_response(503, content=b"")))
    with pytest.raises(ZaloError) as info:
        client.refresh("RT")
    assert (info.value.kind, info.value.retryable) == ("server", True)


def test_oauth_client_network_guard():
    session = FakeSession()
    client = OAuthClient(APP_ID, SECRET, session=session, allow_network=False)
    with pytest.raises(ZaloError) as info:
        client.exchange_code("c", "v")
    assert info.value.kind == "network" and session.requests == []


def test_oauth_client_requires_inputs():
    client = OAuthClient(APP_ID, "", session=FakeSession())
    with pytest.raises(ZaloError):
        client.refresh("RT")
    with pytest.raises(ZaloError):
        OAuthClient(APP_ID, SECRET, session=FakeSession()).refresh("")
    with pytest.raises(ZaloError):
        OAuthClient(APP_ID, SECRET, session=FakeSession()).exchange_code("", "v")


# ------------------------------------------------------------------------- /me


def test_graph_me_flattens_picture_and_sends_proof():
    session = FakeSession(
        make_response(
            200,
            {
                "id": 5521772797175877300,
                "name": "Lan Nguyễn",
                "picture": {"data": {"url": "https://s120-ava-talk.zadn.vn/a.jpg"}},
                "error": 0,
                "message": "Success",
            },
        )
    )
    profile = graph_me("https://graph.zalo.me", "USER-TOKEN", SECRET, session=session)
    assert profile == {
        "id": "5521772797175877300",
        "name": "Lan Nguyễn",
        "picture": "https://s120-ava-talk.zadn.vn/a.jpg",
    }
    req = session.last
    assert req.url == "https://graph.zalo.me/v2.0/me"
    assert req.params == {"fields": "id,name,picture"}
    assert req.headers["access_token"] == "USER-TOKEN"
    import hmac

    assert (
        req.headers["appsecret_proof"]
        == hmac.new(SECRET.encode(), b"USER-TOKEN", hashlib.sha256).hexdigest()
    )


def test_graph_me_without_secret_or_picture():
    session = FakeSession(make_response(200, {"id": "1", "name": "A", "error": 0}))
    profile = graph_me(None, "T", session=session)
    assert profile["picture"] is None
    assert "appsecret_proof" not in session.last.headers


def test_graph_me_error_is_classified():
    session = FakeSession(make_response(200, {"error": 452, "message": "Login key invalid"}))
    with pytest.raises(ZaloError) as info:
        graph_me(None, "T", session=session)
    assert (info.value.kind, info.value.is_token_error) == ("auth", True)


def test_graph_me_guard():
    with pytest.raises(ZaloError) as info:
        graph_me(None, "T", session=FakeSession(), allow_network=False)
    assert info.value.kind == "network"
