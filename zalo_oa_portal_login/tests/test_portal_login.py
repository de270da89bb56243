from urllib.parse import parse_qs, urlsplit

import jwt

import odoo
from odoo.exceptions import AccessDenied, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CALLBACK, ZaloLoginCase


@tagged("post_install", "-at_install")
class TestZaloPortalLogin(ZaloLoginCase):
    """The whole "Log in with Zalo" flow against the simulator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust_bound = cls.sim.add_customer(name="Nguyễn Văn An", phone="0912345678")
        cls.cust_linked = cls.sim.add_customer(name="Trần Thị Bích")
        cls.cust_new = cls.sim.add_customer(name="Lê Hoàng Minh")
        cls.cust_staff = cls.sim.add_customer(name="Phạm Thu Hà")
        cls.portal_user = new_test_user(
            cls.env,
            login="an.portal",
            name="Nguyễn Văn An",
            groups="base.group_portal",
            oauth_provider_id=cls.provider.id,
            oauth_uid=cls.cust_bound["user_id_by_app"],
        )
        cls.employee = new_test_user(
            cls.env, login="ha.employee", name="Phạm Thu Hà", groups="base.group_user"
        )

    # ------------------------------------------------------------ the button

    def test_button_on_login_and_signup_pages(self):
        page = self.url_open("/web/login?redirect=/my/orders")
        self.assertIn(f"/zalo_oa/login?oa={self.oa.id}&amp;redirect=%2Fmy%2Forders", page.text)
        self.assertIn("Log in with Zalo", page.text)
        self.set_signup("b2c")
        page = self.url_open("/web/signup")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/zalo_oa/login?oa={self.oa.id}", page.text)
        # A foreign redirect on the login page is not carried into the Zalo link.
        page = self.url_open("/web/login?redirect=https://evil.example/")
        self.assertIn(f'href="/zalo_oa/login?oa={self.oa.id}"', page.text)
        self.assertNotIn("evil.example", page.text.split("o_zalo_login")[-1][:300])
        # The generic OAuth provider list never shows the Zalo binding provider.
        self.provider.enabled = True
        page = self.url_open("/web/login")
        self.assertNotIn(self.provider.auth_endpoint, page.text)

    def test_button_hidden_when_not_configured(self):
        self.company.zalo_login_oa_id = False
        page = self.url_open("/web/login")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/zalo_oa/login", page.text)
        resp = self.start()
        self.assertRefused(resp, "Log in with Zalo is not available here.")

    def test_button_hidden_when_oa_disconnected(self):
        self.oa.action_disconnect()
        page = self.url_open("/web/login")
        self.assertNotIn("/zalo_oa/login", page.text)
        # A login started from an old page is refused too.
        self.assertRefused(self.start(), "Log in with Zalo is not available here.")

    # --------------------------------------------------------- settings

    def test_settings_require_connected_oa_with_credentials(self):
        draft = self.create_oa(name="Chưa kết nối")
        with self.assertRaises(ValidationError):
            self.company.zalo_login_oa_id = draft
        no_app = self.create_oa(name="Không app", app_id=False)
        no_app.sudo().state = "connected"
        with self.assertRaises(ValidationError):
            self.company.zalo_login_oa_id = no_app
        other_company = self.env["res.company"].create({"name": "Công ty khác"})
        with self.assertRaises(ValidationError):
            other_company.zalo_login_oa_id = self.oa
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.zalo_login_oa_id, self.oa)
        self.assertFalse(settings.zalo_login_problems)
        self.assertTrue(settings.zalo_login_callback_url.endswith(CALLBACK))
        self.oa.action_disconnect()
        settings = self.env["res.config.settings"].create({})
        self.assertIn("is not connected", settings.zalo_login_problems)

    # ------------------------------------------------------------- matching

    def test_existing_user_logs_in(self):
        resp = self.login_with_zalo(self.cust_bound, redirect="/my/account")
        self.assertEqual(urlsplit(resp.headers["Location"]).path, "/my/account")
        self.assertLoggedIn(self.portal_user)
        # PKCE: the verifier sent to Zalo matches the challenge, with the secret header.
        exchange = self.token_exchanges()[-1]
        self.assertEqual(exchange["body"]["form"]["grant_type"], "authorization_code")
        self.assertEqual(len(exchange["body"]["form"]["code_verifier"]), 43)
        self.assertIn("access_token", exchange["response"]["json"])
        me = self.sim.requests(path="/v2.0/me")[-1]
        self.assertEqual(me["response"]["json"]["id"], self.cust_bound["user_id_by_app"])
        # Zalo's tokens are not stored anywhere.
        token = exchange["response"]["json"]["access_token"]
        refresh = exchange["response"]["json"]["refresh_token"]
        self.env.flush_all()
        self.assertFalse(self.portal_user.sudo().oauth_access_token)
        for table, column in (
            ("res_users", "oauth_access_token"),
            ("ir_config_parameter", "value"),
            ("zalo_api_log", "error_message"),
            ("zalo_api_log", "endpoint"),
        ):
            self.env.cr.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} IN %s OR {column} LIKE %s",
                [(token, refresh), f"%{token}%"],
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0, f"{table}.{column}")
        # The calls are in the API log of the OA.
        logs = self.env["zalo.api.log"].sudo().search([("oa_id", "=", self.oa.id)])
        self.assertTrue({"oauth", "graph"} <= set(logs.mapped("family")))

    def test_linked_partner_gets_portal_user(self):
        """b2b (sign up on invitation): a partner known through a partner link gets in."""
        partner = self.env["res.partner"].create(
            {"name": "Trần Thị Bích", "email": "bich@example.com"}
        )
        self.add_link(self.cust_linked, partner, is_shadow=False)
        resp = self.login_with_zalo(self.cust_linked)
        user = partner.with_context(active_test=False).user_ids
        self.assertEqual(len(user), 1)
        self.assertTrue(user.share)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(user.login, "bich@example.com")
        self.assertEqual(user.oauth_provider_id, self.provider)
        self.assertEqual(user.oauth_uid, self.cust_linked["user_id_by_app"])
        self.assertLoggedIn(user)
        self.assertEqual(urlsplit(resp.headers["Location"]).path, "/my")
        # Next time, the binding is used directly.
        self.new_browser()
        self.login_with_zalo(self.cust_linked)
        self.assertLoggedIn(user)
        self.assertEqual(len(partner.with_context(active_test=False).user_ids), 1)

    def test_linked_partner_with_portal_user_is_bound(self):
        partner = self.env["res.partner"].create({"name": "Trần Thị Bích"})
        user = new_test_user(
            self.env, login="bich.portal", groups="base.group_portal", partner_id=partner.id
        )
        self.add_link(self.cust_linked, partner)
        self.login_with_zalo(self.cust_linked)
        self.assertLoggedIn(user)
        self.assertEqual(user.oauth_uid, self.cust_linked["user_id_by_app"])

    def test_link_of_another_oa_of_the_same_app(self):
        """Links of every OA of the login OA's app are used (the id is app-scoped)."""
        other_oa = self.create_oa(name="OA chi nhánh")
        partner = self.env["res.partner"].create({"name": "Trần Thị Bích"})
        self.add_link(self.cust_linked, partner, oa=other_oa)
        self.login_with_zalo(self.cust_linked)
        self.assertTrue(partner.user_ids)
        self.assertLoggedIn(partner.user_ids)

    def test_new_signup(self):
        self.set_signup("b2c")
        users_before = self.env["res.users"].search_count([])
        resp = self.login_with_zalo(self.cust_new, redirect="/my/home")
        self.assertEqual(urlsplit(resp.headers["Location"]).path, "/my/home")
        user = self.env["res.users"].search(
            [
                ("oauth_provider_id", "=", self.provider.id),
                ("oauth_uid", "=", self.cust_new["user_id_by_app"]),
            ]
        )
        self.assertEqual(len(user), 1)
        self.assertEqual(self.env["res.users"].search_count([]), users_before + 1)
        self.assertEqual(user.name, "Lê Hoàng Minh")
        self.assertTrue(user.share)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(user.login, f"zalo_{self.cust_new['user_id_by_app']}")
        self.assertTrue(user.partner_id.image_1920, "the Zalo avatar becomes the picture")
        self.assertFalse(user.sudo().oauth_access_token)
        self.assertLoggedIn(user)

    def test_zalo_name_is_text_in_the_portal(self):
        """A Zalo display name carrying HTML becomes the portal user's name: escaped."""
        self.set_signup("b2c")
        name = '<img src=x onerror="window.__zaloXss=1">'
        customer = self.sim.add_customer(name=name)
        self.login_with_zalo(customer, redirect="/my/account")
        user = self.env["res.users"].search(
            [
                ("oauth_provider_id", "=", self.provider.id),
                ("oauth_uid", "=", customer["user_id_by_app"]),
            ]
        )
        self.assertEqual(user.name, name)
        self.assertLoggedIn(user)
        for path in ("/my", "/my/account", "/my/security"):
            page = self.url_open(path)
            self.assertEqual(page.status_code, 200, path)
            self.assertNotIn("<img src=x", page.text, path)
            self.assertNotIn('onerror="window', page.text, path)
            self.assertIn("&lt;img src=x onerror=", page.text, path)

    def test_signup_closed(self):
        users_before = self.env["res.users"].with_context(active_test=False).search_count([])
        resp = self.login_with_zalo(self.cust_new)
        self.assertRefused(resp, "new accounts are created on invitation only")
        self.assertNotLoggedIn()
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]), users_before
        )

    def test_archived_user_refused(self):
        self.portal_user.active = False
        resp = self.login_with_zalo(self.cust_bound)
        self.assertRefused(resp, "is disabled")
        self.assertNotLoggedIn()

    def test_user_denied_on_zalo(self):
        location, _query = self.start_ok()
        resp = self.callback(self.consent(location, self.cust_bound, decision="deny"))
        self.assertRefused(resp, "You did not allow the login on Zalo.")
        self.assertFalse(self.token_exchanges())
        self.assertNotLoggedIn()

    # --------------------------------------------------------------- security

    def test_tampered_state(self):
        location, query = self.start_ok()
        callback = self.consent(location, self.cust_bound)
        state = query["state"]
        header, payload, signature = state.split(".")
        forged = jwt.encode(
            jwt.decode(state, options={"verify_signature": False}),
            "not-the-database-secret-but-long-enough-for-hs256",
            algorithm="HS256",
        )
        for bad in (f"{header}.{payload}.{signature[:-3]}abc", forged, "garbage"):
            resp = self.callback(callback.replace(state, bad))
            self.assertRefused(resp, "The Zalo login could not be verified.")
        self.assertFalse(self.token_exchanges())
        self.assertNotLoggedIn()
        # Without any parameter: a clear refusal, not an error page.
        self.assertRefused(self.callback(CALLBACK), "The Zalo login could not be verified.")

    def test_expired_state(self):
        location, query = self.start_ok()
        callback = self.consent(location, self.cust_bound)
        real = jwt.decode(query["state"], options={"verify_signature": False})
        expired = self.forge_state(
            nonce=real["nonce"], iat=real["iat"] - 1200, exp=real["iat"] - 600
        )
        resp = self.callback(callback.replace(query["state"], expired))
        self.assertRefused(resp, "took too long")
        self.assertFalse(self.token_exchanges())

    def test_wrong_verifier(self):
        """A code obtained for another challenge (code injection) fails at Zalo."""
        location, query = self.start_ok()
        other = "A" * 43
        location = location.replace(query["code_challenge"], other)
        resp = self.callback(self.consent(location, self.cust_bound))
        self.assertRefused(resp, "Zalo refused the login (error -14019)")
        self.assertEqual(len(self.token_exchanges()), 1)
        self.assertFalse(self.sim.requests(path="/v2.0/me"))
        self.assertNotLoggedIn()

    def test_foreign_redirect(self):
        for redirect in (
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "http:/evil.example",
            "evil.example",
            "/ok\r\nLocation: https://evil.example",
        ):
            resp = self.start(redirect)
            location = resp.headers["Location"]
            self.assertFalse(location.startswith(self.sim.base_url), redirect)
            self.assertIn("zalo_error=redirect", location, redirect)
        self.assertRefused(resp, "is not on this website")
        self.assertFalse(self.sim.requests(path="/v4/permission"))
        # A forged state carrying a foreign redirect is refused as well.
        state = self.forge_state(r="https://evil.example/")
        resp = self.callback(f"{CALLBACK}?code=x&state={state}")
        self.assertNotIn("evil.example", resp.headers["Location"])
        self.assertRefused(resp, "is not on this website")

    def test_replayed_callback(self):
        location, _query = self.start_ok()
        callback = self.consent(location, self.cust_bound)
        self.callback(callback)
        self.assertLoggedIn(self.portal_user)
        self.assertEqual(len(self.token_exchanges()), 1)
        resp = self.callback(callback)
        self.assertRefused(resp, "already used")
        self.assertEqual(len(self.token_exchanges()), 1)

    def test_callback_in_another_browser(self):
        """Login CSRF: a callback can only finish the login started in the same session."""
        location, _query = self.start_ok()
        callback = self.consent(location, self.cust_bound)
        self.new_browser()
        resp = self.callback(callback)
        self.assertRefused(resp, "already used, or it was started in another browser")
        self.assertNotLoggedIn()
        self.assertFalse(self.token_exchanges())

    def test_internal_user_not_taken_over_through_partner_link(self):
        self.set_signup("b2c")
        self.add_link(self.cust_staff, self.employee.partner_id)
        resp = self.login_with_zalo(self.cust_staff)
        self.assertRefused(resp, "matches an employee account")
        self.assertNotLoggedIn()
        self.assertFalse(self.employee.oauth_uid)
        self.assertEqual(len(self.employee.partner_id.user_ids), 1)

    def test_internal_user_not_reached_through_phone_match(self):
        """A phone shared on Zalo is typed by the customer: matching an employee's phone
        proves nothing. The conversation gets its own contact, and the Zalo login never
        opens the employee's account."""
        self.set_signup("b2c")
        self.employee.partner_id.mobile = "0938 111 222"
        impostor = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.sim.store.customers[impostor["user_id"]].shared_info = {"phone": "84938111222"}
        self.receive_text(self.oa, impostor, "Chào shop")
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", impostor["user_id"])]
        )
        self.assertTrue(link)
        self.assertNotEqual(link.partner_id, self.employee.partner_id)
        self.assertTrue(link.is_shadow)
        self.assertNotIn(
            self.employee.partner_id, link.channel_id.message_ids.author_id, "no impersonation"
        )
        resp = self.login_with_zalo(impostor)
        self.assertNotEqual(self.browser_session().uid, self.employee.id)
        self.assertFalse(self.employee.oauth_uid)
        self.assertEqual(len(self.employee.partner_id.user_ids), 1)
        self.assertNotIn("/web", urlsplit(resp.headers["Location"]).path.replace("/web/login", ""))
        # A partner link written by hand to the employee's contact is refused as well.
        self.new_browser()
        link.sudo().write({"partner_id": self.employee.partner_id.id, "is_shadow": False})
        other = (
            self.env["res.users"].sudo().search([("oauth_uid", "=", impostor["user_id_by_app"])])
        )
        other.write({"oauth_uid": False, "oauth_provider_id": False})
        resp = self.login_with_zalo(impostor)
        self.assertRefused(resp, "matches an employee account")
        self.assertNotLoggedIn()

    def test_internal_user_not_logged_in_by_unconfirmed_binding(self):
        """A binding the employee did not make (e.g. written by someone else) is refused."""
        self.employee.write(
            {"oauth_provider_id": self.provider.id, "oauth_uid": self.cust_staff["user_id_by_app"]}
        )
        resp = self.login_with_zalo(self.cust_staff)
        self.assertRefused(resp, "matches an employee account")
        self.assertNotLoggedIn()

    def test_portal_user_promoted_to_employee_must_link_again(self):
        self.portal_user.write(
            {
                "groups_id": [
                    (3, self.env.ref("base.group_portal").id),
                    (4, self.env.ref("base.group_user").id),
                ]
            }
        )
        self.assertFalse(self.portal_user.share)
        self.assertRefused(self.login_with_zalo(self.cust_bound), "matches an employee account")
        self.assertNotLoggedIn()

    def test_generic_oauth_flow_refused_for_zalo_provider(self):
        with self.assertRaises(AccessDenied):
            self.env["res.users"].sudo().auth_oauth(
                self.provider.id, {"access_token": "x", "state": "{}"}
            )

    def test_no_password_login_through_the_ticket(self):
        """The one-time password only exists inside the callback: the form refuses anything."""
        self.login_with_zalo(self.cust_bound)
        self.assertLoggedIn(self.portal_user)
        self.new_browser()
        page = self.url_open("/web/login")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        resp = self.url_open(
            "/web/login",
            data={"login": self.portal_user.login, "password": "x" * 43, "csrf_token": csrf},
        )
        self.assertIn("Wrong login/password", resp.text)
        self.assertNotLoggedIn()
        with self.assertRaises(AccessDenied):
            self.env["res.users"].authenticate(
                self.env.cr.dbname, self.portal_user.login, "anything", {"interactive": True}
            )

    def test_unknown_oa_in_start_url(self):
        resp = self.start(path=f"/zalo_oa/login?oa={self.oa.id + 1000}")
        self.assertRefused(resp, "Log in with Zalo is not available here.")
        resp = self.start(path="/zalo_oa/login?oa=abc")
        self.assertRefused(resp, "Log in with Zalo is not available here.")

    # ---------------------------------------------------------------- linking

    def test_employee_links_own_zalo_account(self):
        self.authenticate("ha.employee", "ha.employee")
        # Without the CSRF token, nothing starts.
        resp = self.url_open("/zalo_oa/link/start", allow_redirects=False)
        self.assertEqual(urlsplit(resp.headers["Location"]).path, "/my/security")
        self.assertIn("zalo_error=csrf", resp.headers["Location"])
        # The preferences button gives the start URL.
        page = self.url_open("/my/security")
        self.assertIn("Link my Zalo account", page.text)
        start = page.text.split('href="/zalo_oa/link/start?')[1].split('"')[0]
        location, _query = self.start_ok(path="/zalo_oa/link/start?" + start.replace("&amp;", "&"))
        resp = self.callback(self.consent(location, self.cust_staff))
        self.assertEqual(
            resp.headers["Location"].split("?")[0].rsplit("/", 2)[-2:], ["my", "security"]
        )
        self.assertIn("zalo_link=done", resp.headers["Location"])
        page = self.url_open(resp.headers["Location"])
        self.assertIn("Your Zalo account is linked", page.text)
        self.assertEqual(self.employee.oauth_provider_id, self.provider)
        self.assertEqual(self.employee.oauth_uid, self.cust_staff["user_id_by_app"])
        self.assertTrue(self.employee.zalo_login_confirmed)
        # Now the employee logs in with Zalo, in a new browser.
        self.new_browser()
        resp = self.login_with_zalo(self.cust_staff)
        self.assertLoggedIn(self.employee)
        self.assertEqual(urlsplit(resp.headers["Location"]).path, "/web")
        # ...and can unlink it.
        resp = self.url_open("/zalo_oa/link/remove", data={"csrf_token": self._csrf()})
        self.assertEqual(resp.status_code, 200)
        self.assertIn("Your Zalo account was unlinked", resp.text)
        self.assertFalse(self.employee.oauth_uid)

    def test_preferences_show_the_link_state(self):
        """The preferences form of an employee reads the Zalo state of their own user."""
        view = self.env.ref("base.view_users_form_simple_modif")
        me = self.employee.with_user(self.employee)
        arch = me.get_views([(view.id, "form")])["views"]["form"]["arch"]
        self.assertIn("action_zalo_login_link", arch)
        self.assertEqual(me.read(["zalo_login_linked"])[0]["zalo_login_linked"], False)
        self.employee.write(
            {
                "oauth_provider_id": self.provider.id,
                "oauth_uid": "123",
                "zalo_login_confirmed": True,
            }
        )
        me.invalidate_recordset()
        self.assertTrue(me.read(["zalo_login_linked"])[0]["zalo_login_linked"])
        me.action_zalo_login_unlink()
        self.assertFalse(self.employee.oauth_uid)
        self.assertFalse(self.employee.zalo_login_confirmed)
        # Nobody unlinks someone else.
        with self.assertRaises(AccessDenied):
            self.portal_user.with_user(self.employee)._zalo_login_unlink()

    def test_link_refused_when_zalo_account_taken(self):
        self.authenticate("ha.employee", "ha.employee")
        action = self.employee.with_user(self.employee).action_zalo_login_link()
        self.assertTrue(action["url"].startswith("/zalo_oa/link/start?csrf_token="))
        page = self.url_open("/my/security")
        start = page.text.split('href="/zalo_oa/link/start?')[1].split('"')[0]
        location, _query = self.start_ok(path="/zalo_oa/link/start?" + start.replace("&amp;", "&"))
        resp = self.callback(self.consent(location, self.cust_bound))
        self.assertRefused(resp, "already linked to another user", path="/my/security")
        self.assertFalse(self.employee.oauth_uid)
        self.assertEqual(self.portal_user.oauth_uid, self.cust_bound["user_id_by_app"])

    def test_link_callback_needs_the_same_user(self):
        """A link state only binds the user who started it."""
        state = self.forge_state(link=self.employee.id, nonce="abc")
        session = self.authenticate("an.portal", "an.portal")
        session["zalo_oa_login_pending"] = {"abc": {"v": "v" * 43, "exp": 9e9}}
        odoo.http.root.session_store.save(session)
        resp = self.callback(f"{CALLBACK}?code=x&state={state}")
        self.assertRefused(resp, "started by another user", path="/my/security")
        self.assertFalse(self.employee.oauth_uid)
        self.assertFalse(self.token_exchanges())

    def _csrf(self):
        page = self.url_open("/my/security")
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]

    def test_permission_url_parameters(self):
        _location, query = self.start_ok(redirect="/shop?x=1")
        payload = jwt.decode(query["state"], options={"verify_signature": False})
        self.assertEqual(payload["r"], "/shop?x=1")
        self.assertEqual(payload["aud"], "zalo_oa.login")
        self.assertLessEqual(payload["exp"] - payload["iat"], 600)
        self.assertEqual(len(query["code_challenge"]), 43)
        self.assertNotIn("=", query["code_challenge"])
        # The verifier stays on the server: not in the state, not in a cookie.
        self.assertNotIn("v", payload)
        self.assertFalse([c for c in self.opener.cookies if "zalo" in c.name])
        self.assertFalse(parse_qs(urlsplit(_location).query).get("code_verifier"))
