"""OA OAuth v4, Social Login and graph /me."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

from simhelpers import consent_code, oa_of, pkce_pair


def _exchange(http, sim, code, verifier, social=False, secret=None):
    path = "/v4/access_token" if social else "/v4/oa/access_token"
    ids = oa_of(sim)
    return http.post(
        sim.urls["oauth"] + path,
        data={
            "code": code,
            "app_id": ids["app_id"],
            "grant_type": "authorization_code",
            "code_verifier": verifier,
        },
        headers={"secret_key": secret or ids["app_secret"]},
    ).json()


def _refresh(http, sim, refresh_token, social=False):
    path = "/v4/access_token" if social else "/v4/oa/access_token"
    ids = oa_of(sim)
    return http.post(
        sim.urls["oauth"] + path,
        data={
            "refresh_token": refresh_token,
            "app_id": ids["app_id"],
            "grant_type": "refresh_token",
        },
        headers={"secret_key": ids["app_secret"]},
    ).json()


def test_consent_page_html(sim, http):
    _verifier, challenge = pkce_pair()
    resp = http.get(
        sim.urls["oauth"] + "/v4/oa/permission",
        params={
            "app_id": oa_of(sim)["app_id"],
            "redirect_uri": "https://shop.example/cb",
            "code_challenge": challenge,
            "state": "abc",
        },
    )
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    assert 'value="allow"' in resp.text and 'value="deny"' in resp.text
    assert sim.store.get_oa().name in resp.text


def test_allow_redirects_with_code_oa_id_state(sim, http):
    q = consent_code(http, sim)
    assert q["oa_id"] == oa_of(sim)["oa_id"]
    assert q["state"] == "st-1"
    assert q["code"]


def test_redirect_keeps_existing_query(sim, http):
    q = consent_code(http, sim, redirect_uri="https://shop.example/cb?db=demo")
    assert q["db"] == "demo" and q["code"]


def test_deny_redirects_with_error(sim, http):
    _verifier, challenge = pkce_pair()
    resp = http.get(
        sim.urls["oauth"] + "/v4/oa/permission",
        params={
            "app_id": oa_of(sim)["app_id"],
            "redirect_uri": "https://shop.example/cb",
            "code_challenge": challenge,
            "state": "s9",
            "decision": "deny",
        },
        allow_redirects=False,
    )
    assert resp.status_code == 302
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["s9"]
    assert "code" not in query


def test_unknown_app_14002(sim, http):
    params = {"app_id": "1", "redirect_uri": "https://x/cb", "code_challenge": "c", "state": "s"}
    body = http.get(
        sim.urls["oauth"] + "/v4/oa/permission", params={**params, "decision": "allow"}
    ).json()
    assert body["error"] == -14002
    page = http.get(sim.urls["oauth"] + "/v4/oa/permission", params=params)
    assert "-14002" in page.text


def test_redirect_mismatch_14003(sim, http):
    sim.configure(callback_url="https://odoo.example/zalo_oa/oauth/callback")
    params = {
        "app_id": oa_of(sim)["app_id"],
        "redirect_uri": "https://evil.example/cb",
        "code_challenge": "c",
        "state": "s",
        "decision": "allow",
    }
    body = http.get(sim.urls["oauth"] + "/v4/oa/permission", params=params).json()
    assert body["error"] == -14003 and body["error_name"]
    ok = consent_code(http, sim, redirect_uri="https://odoo.example/zalo_oa/oauth/callback")
    assert ok["code"]


def test_exchange_and_use(sim, http):
    q = consent_code(http, sim)
    tokens = _exchange(http, sim, q["code"], q["verifier"])
    assert set(tokens) == {"access_token", "refresh_token", "expires_in"}
    assert tokens["expires_in"] == "90000"
    info = http.get(
        sim.urls["openapi"] + "/v2.0/oa/getoa", headers={"access_token": tokens["access_token"]}
    ).json()
    assert info["error"] == 0 and info["data"]["oaid"] == q["oa_id"]


def test_exchange_checks_pkce(sim, http):
    q = consent_code(http, sim)
    other_verifier, _ = pkce_pair()
    assert _exchange(http, sim, q["code"], other_verifier)["error"] == -14019
    assert _exchange(http, sim, q["code"], "")["error"] == -14019
    assert "access_token" in _exchange(http, sim, q["code"], q["verifier"])


def test_challenge_must_be_base64url_of_raw_digest(sim, http):
    """A challenge built from the *hex* digest (a classic mistake) fails the exchange."""
    verifier, _ = pkce_pair()
    hex_challenge = hashlib.sha256(verifier.encode()).hexdigest()
    resp = http.get(
        sim.urls["oauth"] + "/v4/oa/permission",
        params={
            "app_id": oa_of(sim)["app_id"],
            "redirect_uri": "https://shop.example/cb",
            "code_challenge": hex_challenge,
            "state": "s",
            "decision": "allow",
        },
        allow_redirects=False,
    )
    code = parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]
    assert _exchange(http, sim, code, verifier)["error"] == -14019


def test_code_single_use_and_expiry(sim, http):
    q = consent_code(http, sim)
    assert "access_token" in _exchange(http, sim, q["code"], q["verifier"])
    assert _exchange(http, sim, q["code"], q["verifier"])["error"] == -14008
    q2 = consent_code(http, sim)
    sim.advance_clock(11 * 60)
    assert _exchange(http, sim, q2["code"], q2["verifier"])["error"] == -14008


def test_wrong_secret_and_app(sim, http):
    q = consent_code(http, sim)
    assert _exchange(http, sim, q["code"], q["verifier"], secret="nope")["error"] == -14005
    resp = http.post(
        sim.urls["oauth"] + "/v4/oa/access_token",
        data={"code": q["code"], "app_id": "42", "grant_type": "authorization_code"},
        headers={"secret_key": "x"},
    ).json()
    assert resp["error"] == -14002


def test_refresh_is_single_use_and_rotates(sim, http):
    q = consent_code(http, sim)
    first = _exchange(http, sim, q["code"], q["verifier"])
    second = _refresh(http, sim, first["refresh_token"])
    assert second["expires_in"] == "90000"
    assert second["refresh_token"] != first["refresh_token"]
    again = _refresh(http, sim, first["refresh_token"])
    assert again["error"] == -14020 and again["message"]
    third = _refresh(http, sim, second["refresh_token"])
    assert "access_token" in third


def test_new_access_token_kills_previous(sim, http):
    q = consent_code(http, sim)
    first = _exchange(http, sim, q["code"], q["verifier"])
    second = _refresh(http, sim, first["refresh_token"])

    def getoa(token):
        return http.get(
            sim.urls["openapi"] + "/v2.0/oa/getoa", headers={"access_token": token}
        ).json()["error"]

    assert getoa(first["access_token"]) == -220
    assert getoa(second["access_token"]) == 0


def test_token_lifetime_setting(sim, http):
    sim.configure(access_token_lifetime=5)
    tokens = sim.issue_tokens()
    assert tokens["expires_in"] == "5"
    sim.advance_clock(6)
    resp = http.get(
        sim.urls["openapi"] + "/v2.0/oa/getoa", headers={"access_token": tokens["access_token"]}
    ).json()
    assert resp["error"] == -220


def _social_code(http, sim, customer, **extra):
    verifier, challenge = pkce_pair()
    resp = http.get(
        sim.urls["oauth"] + "/v4/permission",
        params={
            "app_id": oa_of(sim)["app_id"],
            "redirect_uri": "https://shop.example/auth_oauth/signin",
            "code_challenge": challenge,
            "state": "login-1",
            "decision": "allow",
            "customer": customer["user_id_by_app"],
            **extra,
        },
        allow_redirects=False,
    )
    assert resp.status_code == 302, resp.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}
    assert "oa_id" not in query and query["state"] == "login-1"
    return query["code"], verifier


def test_social_login_and_me(sim, http, customer):
    page = http.get(
        sim.urls["oauth"] + "/v4/permission",
        params={
            "app_id": oa_of(sim)["app_id"],
            "redirect_uri": "https://shop.example/cb",
            "code_challenge": "c",
            "state": "s",
        },
    )
    assert "Nguyễn Văn An" in page.text
    code, verifier = _social_code(http, sim, customer)
    tokens = _exchange(http, sim, code, verifier, social=True)
    assert tokens["expires_in"] == "3600"
    # an OA code cannot be exchanged on the social endpoint and vice versa
    oa_q = consent_code(http, sim)
    assert _exchange(http, sim, oa_q["code"], oa_q["verifier"], social=True)["error"] == -14008
    token = tokens["access_token"]
    proof = hmac.new(oa_of(sim)["app_secret"].encode(), token.encode(), hashlib.sha256).hexdigest()
    me = http.get(
        sim.urls["graph"] + "/v2.0/me",
        params={"fields": "id,name,picture"},
        headers={"access_token": token, "appsecret_proof": proof},
    ).json()
    assert me["error"] == 0 and me["message"] == "Success"
    assert me["id"] == customer["user_id_by_app"]
    assert me["name"] == "Nguyễn Văn An"
    assert me["picture"]["data"]["url"].startswith("http")
    bad = http.get(
        sim.urls["graph"] + "/v2.0/me",
        headers={"access_token": token, "appsecret_proof": "0" * 64},
    ).json()
    assert bad["error"] == -242
    oa_token = sim.issue_tokens()["access_token"]
    assert (
        http.get(sim.urls["graph"] + "/v2.0/me", headers={"access_token": oa_token}).json()["error"]
        == 452
    )
    # and a social token is not an OA token
    resp = http.get(sim.urls["openapi"] + "/v2.0/oa/getoa", headers={"access_token": token})
    assert resp.json()["error"] == -216


def test_social_pick_by_oa_scoped_id_and_refresh(sim, http, customer):
    code, verifier = _social_code(http, sim, {"user_id_by_app": customer["user_id"]})
    tokens = _exchange(http, sim, code, verifier, social=True)
    refreshed = _refresh(http, sim, tokens["refresh_token"], social=True)
    assert refreshed["expires_in"] == "3600"
    assert _refresh(http, sim, tokens["refresh_token"], social=True)["error"] == -14020


def test_social_new_person(sim, http):
    resp = http.get(
        sim.urls["oauth"] + "/v4/permission",
        params={
            "app_id": oa_of(sim)["app_id"],
            "redirect_uri": "https://shop.example/cb",
            "code_challenge": "",
            "state": "s",
            "decision": "allow",
            "new_name": "Đỗ Quang Huy",
        },
        allow_redirects=False,
    )
    assert resp.status_code == 302
    names = [c["name"] for c in http.get(sim.base_url + "/_sim/customers").json()]
    assert "Đỗ Quang Huy" in names
