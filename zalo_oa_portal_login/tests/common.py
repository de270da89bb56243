import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests

import odoo
from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.tests.common import Opener

CALLBACK = "/zalo_oa/login/callback"


class ZaloLoginCase(ZaloHttpCase):
    """One connected OA used for login, simulator customers, and the browser steps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa = cls.create_oa()
        cls.connect_oa(cls.oa)
        cls.company = cls.env.company
        cls.company.zalo_login_oa_id = cls.oa
        cls.provider = cls.env["auth.oauth.provider"]._zalo_provider(cls.app_id)

    def setUp(self):
        super().setUp()
        self.sim.configure(login_callback_url=self.base_url() + CALLBACK)
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.new_browser()
        self.set_signup("b2b")

    # ----------------------------------------------------------------- set-up

    def set_signup(self, scope):
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", scope)
        if "website" in self.env:
            self.env["website"].sudo().search([]).write({"auth_signup_uninvited": scope})

    def add_customer(self, name, **kwargs):
        return self.sim.add_customer(name=name, **kwargs)

    def add_link(self, customer, partner, oa=None, **values):
        vals = {
            "oa_id": (oa or self.oa).id,
            "zalo_user_id": customer["user_id"],
            "user_id_by_app": customer["user_id_by_app"],
            "partner_id": partner.id,
        }
        vals.update(values)
        return self.env["zalo.partner.link"].sudo().create(vals)

    def new_browser(self):
        """A fresh browser: no cookie, hence a new anonymous session on first request."""
        self.opener = Opener(self.cr)

    # ---------------------------------------------------------------- browser

    def start(self, redirect=None, path="/zalo_oa/login"):
        """Click "Log in with Zalo"; returns the response (a redirect)."""
        url = path
        if redirect is not None:
            url += "?" + urlencode({"redirect": redirect})
        resp = self.url_open(url, allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303), resp.text[:500])
        return resp

    def start_ok(self, redirect=None, path="/zalo_oa/login"):
        """Start a login and check the permission URL; returns (location, query)."""
        location = self.start(redirect, path).headers["Location"]
        self.assertTrue(location.startswith(self.sim.urls["oauth"] + "/v4/permission?"), location)
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        self.assertEqual(sorted(query), ["app_id", "code_challenge", "redirect_uri", "state"])
        self.assertEqual(query["redirect_uri"], self.base_url() + CALLBACK)
        self.assertEqual(query["app_id"], self.app_id)
        return location, query

    def consent(self, location, customer, decision="allow"):
        """Play the customer on Zalo's page; returns the callback path with its query."""
        extra = {"decision": decision}
        if customer:
            extra["customer"] = customer["user_id_by_app"]
        resp = requests.get(f"{location}&{urlencode(extra)}", allow_redirects=False, timeout=10)
        self.assertEqual(resp.status_code, 302, resp.text[:500])
        callback = resp.headers["Location"]
        self.assertTrue(callback.startswith(self.base_url() + CALLBACK), callback)
        return callback[len(self.base_url()) :]

    def callback(self, path):
        resp = self.url_open(path, allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303), resp.text[:500])
        return resp

    def login_with_zalo(self, customer, redirect=None):
        location, _query = self.start_ok(redirect)
        return self.callback(self.consent(location, customer))

    # ---------------------------------------------------------------- checks

    def browser_session(self):
        sids = [c.value for c in self.opener.cookies if c.name == "session_id"]
        self.assertTrue(sids, "no session cookie")
        return odoo.http.root.session_store.get(sids[-1])

    def assertLoggedIn(self, user):
        self.assertEqual(self.browser_session().uid, user.id)

    def assertNotLoggedIn(self):
        sids = [c.value for c in self.opener.cookies if c.name == "session_id"]
        if sids:
            self.assertFalse(odoo.http.root.session_store.get(sids[-1]).uid)

    def assertRefused(self, resp, message, path="/web/login"):
        """The refusal redirects to ``path`` and the page shows ``message``."""
        location = resp.headers["Location"]
        self.assertEqual(urlsplit(location).path, path, location)
        self.assertIn("zalo_error=", location)
        page = self.url_open(location)
        self.assertEqual(page.status_code, 200)
        self.assertIn(message, page.text)
        return page

    def token_exchanges(self):
        return self.sim.requests(path="/v4/access_token")

    def forge_state(self, **changes):
        """A state signed with the real key (as if the server had issued it)."""
        now = int(time.time())
        payload = {
            "aud": "zalo_oa.login",
            "db": self.env.cr.dbname,
            "oa": self.oa.id,
            "nonce": "n",
            "r": "",
            "link": 0,
            "iat": now,
            "exp": now + 600,
        }
        payload.update(changes)
        return jwt.encode(payload, self.env["zalo.oa"]._zalo_login_state_key(), algorithm="HS256")
