import logging
import secrets
import time

from werkzeug.urls import url_encode

from odoo import _, http
from odoo.addons.auth_oauth.controllers.main import OAuthLogin
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessDenied
from odoo.http import request

from ..exceptions import ZaloLoginRefused
from ..models.res_users import TICKET_SESSION_KEY
from ..models.zalo_oa import LOGIN_STATE_TTL
from ..utils import local_path

_logger = logging.getLogger(__name__)

#: Session key of the pending logins: ``{nonce: {"v": code_verifier, "exp": ts}}``.
PENDING_SESSION_KEY = "zalo_oa_login_pending"
#: At most this many logins may be pending in one session (several tabs).
MAX_PENDING = 5
CALLBACK_PATH = "/zalo_oa/login/callback"
SECURITY_PATH = "/my/security"


class ZaloLogin(OAuthLogin):
    """Log in with Zalo: OAuth v4 + PKCE, signed state, matching to users and partners.

    ``GET /zalo_oa/login`` starts a login, ``GET /zalo_oa/link/start`` starts the link
    of the logged-in user's Zalo account, ``GET /zalo_oa/login/callback`` finishes
    both. Refusals come back to the login page (or ``/my/security`` for a link) as
    a reason key, shown translated; never a 500, never a secret.
    """

    # ------------------------------------------------------------- login page

    def list_providers(self):
        # Zalo providers only hold bindings; their button is ours (below), not the
        # implicit-flow link of auth_oauth.
        return [p for p in super().list_providers() if not p.get("zalo_app_id")]

    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        if getattr(response, "is_qweb", False):
            response.qcontext.update(self._zalo_login_qcontext())
            key = request.params.get("zalo_error")
            if key and not response.qcontext.get("error"):
                response.qcontext["error"] = request.env["res.users"]._zalo_login_message(
                    str(key), self._zalo_int(request.params.get("zalo_code"))
                )
        return response

    def get_auth_signup_qcontext(self):
        qcontext = super().get_auth_signup_qcontext()
        qcontext.update(self._zalo_login_qcontext())
        return qcontext

    def _zalo_login_qcontext(self):
        oa = request.env["zalo.oa"]._zalo_login_oa_for_company(request.env.company)
        if not oa:
            return {"zalo_login_url": False}
        query = {"oa": oa.id}
        redirect = local_path(request.params.get("redirect"))
        if redirect:
            query["redirect"] = redirect
        return {"zalo_login_url": f"/zalo_oa/login?{url_encode(query)}"}

    # ------------------------------------------------------------------ start

    @http.route("/zalo_oa/login", type="http", auth="public", methods=["GET"], sitemap=False)
    def zalo_login_start(self, oa=None, redirect=None, **kw):
        if redirect and not local_path(redirect):
            _logger.info("Zalo login refused: the redirect is not a local path")
            return self._zalo_refuse(ZaloLoginRefused("redirect"))
        ZaloOA = request.env["zalo.oa"]
        account = (
            ZaloOA._zalo_login_oa_by_id(oa)
            if oa
            else ZaloOA._zalo_login_oa_for_company(request.env.company)
        )
        if not account:
            return self._zalo_refuse(ZaloLoginRefused("config"), redirect=redirect)
        return self._zalo_start(account, redirect=redirect)

    @http.route("/zalo_oa/link/start", type="http", auth="user", methods=["GET"], sitemap=False)
    def zalo_link_start(self, csrf_token=None, **kw):
        if not csrf_token or not request.validate_csrf(csrf_token):
            return self._zalo_refuse(ZaloLoginRefused("csrf"), link=True)
        account = request.env["zalo.oa"]._zalo_login_oa_for_company(request.env.company)
        if not account:
            account = request.env["zalo.oa"]._zalo_login_oa_for_company(request.env.user.company_id)
        if not account:
            return self._zalo_refuse(ZaloLoginRefused("config"), link=True)
        return self._zalo_start(account, link_uid=request.env.uid)

    @http.route("/zalo_oa/link/remove", type="http", auth="user", methods=["POST"], sitemap=False)
    def zalo_link_remove(self, **kw):
        request.env.user._zalo_login_unlink()
        return request.redirect(f"{SECURITY_PATH}?zalo_link=removed")

    def _zalo_start(self, oa, redirect=None, link_uid=None):
        nonce = secrets.token_urlsafe(24)
        redirect_uri = request.httprequest.url_root.rstrip("/") + CALLBACK_PATH
        url, verifier = oa._zalo_login_start(
            redirect_uri, nonce, redirect=redirect, link_uid=link_uid
        )
        now = time.time()
        pending = {
            key: value
            for key, value in (request.session.get(PENDING_SESSION_KEY) or {}).items()
            if isinstance(value, dict) and value.get("exp", 0) > now
        }
        while len(pending) >= MAX_PENDING:
            pending.pop(min(pending, key=lambda k: pending[k]["exp"]))
        pending[nonce] = {"v": verifier, "exp": now + LOGIN_STATE_TTL}
        request.session[PENDING_SESSION_KEY] = pending
        return request.redirect(url, code=303, local=False)

    # --------------------------------------------------------------- callback

    @http.route(CALLBACK_PATH, type="http", auth="public", methods=["GET"], sitemap=False)
    def zalo_login_callback(self, **params):
        payload = None
        try:
            payload = request.env["zalo.oa"]._zalo_login_decode_state(params.get("state"))
            verifier = self._zalo_pop_verifier(payload["nonce"])
            if params.get("error") or params.get("error_code") or not params.get("code"):
                raise ZaloLoginRefused("denied")
            oa = request.env["zalo.oa"].sudo().browse(int(payload["oa"])).exists()
            if not oa or not oa._zalo_login_is_ready():
                raise ZaloLoginRefused("config")
            link_uid = payload.get("link")
            if link_uid and request.session.uid != link_uid:
                raise ZaloLoginRefused("session")
            if not link_uid and not request.env["zalo.oa"]._zalo_login_oa_by_id(oa.id):
                raise ZaloLoginRefused("config")
            profile = oa._zalo_login_profile(params["code"], verifier)
            if link_uid:
                request.env.user._zalo_login_link(oa, profile)
                return request.redirect(f"{SECURITY_PATH}?zalo_link=done")
            user, how = request.env["res.users"].sudo()._zalo_login_resolve(oa, profile)
        except ZaloLoginRefused as refused:
            request.env.cr.rollback()
            _logger.info("Zalo login refused: %s", refused.key)
            link = bool(payload and payload.get("link"))
            return self._zalo_refuse(refused, link=link, redirect=(payload or {}).get("r"))
        except Exception:
            # A login page answers with a message, never with a server error.
            request.env.cr.rollback()
            _logger.exception("Zalo login failed")
            link = bool(payload and payload.get("link"))
            return self._zalo_refuse(ZaloLoginRefused("failed"), link=link)
        _logger.info("Zalo login: user %s (%s) logs in with OA %s", user.id, how, oa.id)
        try:
            return self._zalo_authenticate(user, payload.get("r") or None)
        except AccessDenied:
            # e.g. the user's account is restricted to another website.
            _logger.info("Zalo login: user %s could not be authenticated here", user.id)
            return self._zalo_refuse(ZaloLoginRefused("failed"), redirect=payload.get("r"))

    def _zalo_pop_verifier(self, nonce):
        pending = dict(request.session.get(PENDING_SESSION_KEY) or {})
        entry = pending.pop(str(nonce), None)
        request.session[PENDING_SESSION_KEY] = pending
        if not isinstance(entry, dict) or not entry.get("v") or entry.get("exp", 0) < time.time():
            raise ZaloLoginRefused("replay")
        return entry["v"]

    def _zalo_authenticate(self, user, redirect):
        password = user._zalo_login_ticket()
        # The user (maybe just created) must be visible to authenticate()'s own cursor.
        request.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            pre_uid = request.session.authenticate(request.db, user.login, password)
        finally:
            request.session.pop(TICKET_SESSION_KEY, None)
        target = self._login_redirect(pre_uid, redirect=redirect)
        return request.redirect(target, code=303)

    def _zalo_refuse(self, refused, link=False, redirect=None):
        query = {"zalo_error": refused.key}
        if refused.code:
            query["zalo_code"] = refused.code
        if link:
            return request.redirect(f"{SECURITY_PATH}?{url_encode(query)}")
        redirect = local_path(redirect)
        if redirect:
            query["redirect"] = redirect
        return request.redirect(f"/web/login?{url_encode(query)}")

    @staticmethod
    def _zalo_int(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None


class ZaloLoginPortal(CustomerPortal):
    @http.route()
    def security(self, **post):
        response = super().security(**post)
        if getattr(response, "is_qweb", False):
            response.qcontext.update(self._zalo_security_values())
        return response

    def _zalo_security_values(self):
        user = request.env.user
        oa = request.env["zalo.oa"]._zalo_login_oa_for_company(request.env.company)
        if not oa:
            oa = request.env["zalo.oa"]._zalo_login_oa_for_company(user.company_id)
        values = {
            "zalo_login_available": bool(oa),
            "zalo_login_linked": user.zalo_login_linked,
            "zalo_link_url": "/zalo_oa/link/start?"
            + url_encode({"csrf_token": request.csrf_token()}),
            "zalo_link_message": False,
            "zalo_link_error": False,
        }
        status = request.params.get("zalo_link")
        if status == "done":
            values["zalo_link_message"] = _(
                "Your Zalo account is linked: you can now log in with Zalo."
            )
        elif status == "removed":
            values["zalo_link_message"] = _("Your Zalo account was unlinked.")
        key = request.params.get("zalo_error")
        if key:
            values["zalo_link_error"] = request.env["res.users"]._zalo_login_message(
                str(key), ZaloLogin._zalo_int(request.params.get("zalo_code"))
            )
        return values
