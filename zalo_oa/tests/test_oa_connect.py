import time
from urllib.parse import parse_qs, urlsplit

import jwt
import requests

from odoo.tests import tagged

from .common import ZaloHttpCase


@tagged("post_install", "-at_install")
class TestOAConnect(ZaloHttpCase):
    """The whole OAuth v4 connect flow through the HTTP routes and the simulator."""

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa()
        self.sim.configure(callback_url=self.oa.callback_url)
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.authenticate("admin", "admin")

    def start(self):
        """GET /zalo_oa/oauth/start/<id>: returns the query of Zalo's permission URL."""
        resp = self.url_open(f"/zalo_oa/oauth/start/{self.oa.id}", allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303))
        location = resp.headers["Location"]
        self.assertTrue(location.startswith(self.sim.urls["oauth"] + "/v4/oa/permission?"))
        query = parse_qs(urlsplit(location).query)
        self.assertEqual(
            sorted(query), ["app_id", "code_challenge", "redirect_uri", "state"], location
        )
        self.assertEqual(query["redirect_uri"], [self.oa.callback_url])
        return location, {k: v[0] for k, v in query.items()}

    def consent(self, location, decision="allow"):
        """Play the OA admin on the simulator's page; returns the callback query."""
        resp = requests.get(f"{location}&decision={decision}", allow_redirects=False, timeout=10)
        self.assertEqual(resp.status_code, 302, resp.text)
        callback = resp.headers["Location"]
        self.assertTrue(callback.startswith(self.oa.callback_url), callback)
        return urlsplit(callback).query

    def callback(self, query):
        resp = self.url_open(f"/zalo_oa/oauth/callback?{query}", allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303, 400), resp.text)
        self.oa.invalidate_recordset()
        return resp

    def test_connect_flow(self):
        location, query = self.start()
        self.assertEqual(len(query["code_challenge"]), 43)  # S256, base64url without padding
        callback = self.consent(location)
        resp = self.callback(callback)
        self.assertIn(f"id={self.oa.id}&model=zalo.oa", resp.headers["Location"])
        oa = self.oa.sudo()
        self.assertEqual(oa.state, "connected", oa.last_error)
        self.assertFalse(oa.last_error)
        self.assertEqual(oa.zalo_oa_ref, self.sim_oa_id)
        self.assertEqual(oa.zalo_name, "Cửa hàng Mô Phỏng")
        self.assertTrue(oa.access_token and oa.refresh_token)
        self.assertGreater(oa.token_expires_at, oa.connected_at)
        # Stored encrypted, never in clear in the database.
        self.env.cr.execute(
            "SELECT access_token_enc, refresh_token_enc, app_secret_enc FROM zalo_oa WHERE id=%s",
            [oa.id],
        )
        row = self.env.cr.fetchone()
        self.assertTrue(all(v.startswith("fernet:") for v in row))
        self.assertNotIn(oa.access_token, "".join(row))
        # The exchange sent the PKCE verifier matching the challenge, with the secret header.
        exchange = self.sim.requests(path="/v4/oa/access_token")[-1]
        self.assertIn("access_token", exchange["response"]["json"])
        self.assertEqual(exchange["body"]["form"]["grant_type"], "authorization_code")
        self.assertTrue(self.oa.setup_connected_done)
        self.assertTrue(self.oa.setup_credentials_done)
        self.assertIn(
            "Connected to the Zalo Official Account",
            "".join(self.oa.message_ids.mapped("body")),
        )

    def test_user_denied(self):
        location, _query = self.start()
        self.callback(self.consent(location, decision="deny"))
        self.assertEqual(self.oa.state, "draft")
        self.assertIn("did not grant access", self.oa.last_error)

    def test_redirect_mismatch(self):
        location, _query = self.start()
        callback = self.consent(location)
        self.sim.add_fault(match="/v4/oa/access_token", error=-14003, count=1)
        self.callback(callback)
        self.assertEqual(self.oa.state, "draft")
        self.assertIn("-14003", self.oa.last_error)
        self.assertIn(self.oa.callback_url, self.oa.last_error)

    def test_expired_code(self):
        location, _query = self.start()
        callback = self.consent(location)
        self.sim.advance_clock(11 * 60)  # codes live 10 minutes
        try:
            self.callback(callback)
        finally:
            self.sim.advance_clock(-11 * 60)
        self.assertEqual(self.oa.state, "draft")
        self.assertIn("Zalo refused the authorization code", self.oa.last_error)

    def test_replayed_state(self):
        location, _query = self.start()
        callback = self.consent(location)
        self.callback(callback)
        self.assertEqual(self.oa.state, "connected")
        calls = len(self.sim.requests(path="/v4/oa/access_token"))
        self.callback(callback)
        self.assertIn("already used", self.oa.last_error)
        self.assertEqual(len(self.sim.requests(path="/v4/oa/access_token")), calls)

    def test_tampered_state(self):
        location, query = self.start()
        callback = self.consent(location)
        state = query["state"]
        header, payload, signature = state.split(".")
        forged = jwt.encode(
            {**jwt.decode(state, options={"verify_signature": False}), "oa": self.oa.id},
            "not-the-database-secret-but-long-enough-for-hs256",
            algorithm="HS256",
        )
        for bad in (f"{header}.{payload}.{signature[:-2]}xx", forged):
            bad_query = callback.replace(state, bad)
            self.callback(bad_query)
            self.assertEqual(self.oa.state, "draft")
            self.assertIn("could not be verified", self.oa.last_error)
        self.assertFalse(self.sim.requests(path="/v4/oa/access_token"))

    def test_expired_state(self):
        self.start()
        oa = self.oa.sudo()
        now = int(time.time())
        state = jwt.encode(
            {
                "aud": "zalo_oa.connect",
                "oa": oa.id,
                "uid": self.env.ref("base.user_admin").id,
                "db": self.env.cr.dbname,
                "nonce": oa.oauth_nonce,
                "iat": now - 1200,
                "exp": now - 600,
            },
            self.env["zalo.oa"]._state_key(),
            algorithm="HS256",
        )
        self.callback(f"code=abc&oa_id={self.sim_oa_id}&state={state}")
        self.assertIn("expired", self.oa.last_error)
        self.assertEqual(self.oa.state, "draft")

    def test_oa_id_mismatch(self):
        self.oa.sudo().zalo_oa_ref = "999999"
        location, _query = self.start()
        self.callback(self.consent(location))
        self.assertEqual(self.oa.state, "draft")
        self.assertIn("You authorised the Official Account", self.oa.last_error)

    def test_state_from_cookie_when_not_echoed(self):
        """Conflict C3 (docs/zalo-api.md): state may not be echoed; the cookie carries it."""
        location, _query = self.start()
        callback = self.consent(location)
        without_state = "&".join(p for p in callback.split("&") if not p.startswith("state="))
        self.callback(without_state)
        self.assertEqual(self.oa.state, "connected", self.oa.last_error)

    def test_state_bound_to_the_browser_session(self):
        """Login CSRF / state theft: a state only finishes the connection in the browser
        session that started it, even for the same user."""
        location, query = self.start()
        callback = self.consent(location)
        first_browser = self.opener.cookies.copy()
        self.session = None  # keep the first browser's session alive
        self.authenticate("admin", "admin")  # the same user, another browser
        self.assertNotEqual(self.opener.cookies.get("session_id"), first_browser.get("session_id"))
        self.callback(callback)
        self.assertEqual(self.oa.state, "draft")
        self.assertIn("another browser", self.oa.last_error)
        self.assertFalse(self.sim.requests(path="/v4/oa/access_token"))
        # The state travelled with the cookie too: not accepted from there either.
        without_state = "&".join(p for p in callback.split("&") if not p.startswith("state="))
        self.opener.cookies.set("zalo_oa_oauth_state", query["state"], path="/zalo_oa/")
        self.callback(without_state)
        self.assertEqual(self.oa.state, "draft")
        # The browser that started it still can (the refusal did not use the state up).
        self.opener.cookies = first_browser
        self.callback(callback)
        self.assertEqual(self.oa.state, "connected", self.oa.last_error)

    def test_state_signed_for_another_session_is_refused(self):
        """A validly signed state (nonce and user right) without this session's binding."""
        self.start()
        oa = self.oa.sudo()
        now = int(time.time())
        state = jwt.encode(
            {
                "aud": "zalo_oa.connect",
                "oa": oa.id,
                "uid": self.env.ref("base.user_admin").id,
                "db": self.env.cr.dbname,
                "nonce": oa.oauth_nonce,
                "sid": "0" * 64,
                "iat": now,
                "exp": now + 600,
            },
            self.env["zalo.oa"]._state_key(),
            algorithm="HS256",
        )
        self.callback(f"code=abc&oa_id={self.sim_oa_id}&state={state}")
        self.assertIn("another browser", self.oa.last_error)
        self.assertEqual(self.oa.state, "draft")
        self.assertFalse(self.sim.requests(path="/v4/oa/access_token"))

    def test_callback_never_redirects_off_site(self):
        location, _query = self.start()
        callback = self.consent(location)
        for extra in ("redirect=https://evil.example/", "redirect=//evil.example"):
            resp = self.callback(f"{callback}&{extra}")
            target = resp.headers.get("Location", "")
            self.assertNotIn("evil.example", target)
            if target:
                self.assertFalse(
                    urlsplit(target).netloc not in ("", urlsplit(self.base_url()).netloc)
                )
        resp = self.url_open(
            "/zalo_oa/oauth/callback?redirect=https://evil.example/", allow_redirects=False
        )
        self.assertNotIn("evil.example", resp.headers.get("Location", ""))

    def test_domain_verification_file(self):
        self.oa.verification_code = "ABC123xyz"
        resp = self.url_open("/zalo_verifierABC123xyz.html")
        self.assertEqual(resp.status_code, 200)
        self.assertIn('content="ABC123xyz"', resp.text)
        self.assertEqual(self.url_open("/zalo_verifierNOPE.html").status_code, 404)
