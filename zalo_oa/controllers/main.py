import logging

from markupsafe import escape

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

STATE_COOKIE = "zalo_oa_oauth_state"


class ZaloOAController(http.Controller):
    # ------------------------------------------------------------------ OAuth

    @http.route("/zalo_oa/oauth/start/<int:oa_id>", type="http", auth="user", methods=["GET"])
    def oauth_start(self, oa_id, **kwargs):
        """Start the OA authorization: PKCE + signed state, then off to Zalo's page.

        The state is also kept in a short-lived HttpOnly cookie, because whether Zalo
        echoes ``state`` on the OA callback is not settled (conflict C3 of docs/zalo-api.md).
        """
        oa = request.env["zalo.oa"].browse(oa_id).exists()
        if not oa:
            raise request.not_found()
        url, state = oa._oauth_start(session_binding=self._session_binding())
        response = request.redirect(url, local=False)
        response.set_cookie(
            STATE_COOKIE, state, max_age=600, httponly=True, samesite="Lax", path="/zalo_oa/"
        )
        return response

    @http.route("/zalo_oa/oauth/callback", type="http", auth="user", methods=["GET"])
    def oauth_callback(self, **params):
        if not params.get("state"):
            params["state"] = request.httprequest.cookies.get(STATE_COOKIE)
        oa, error = request.env["zalo.oa"]._oauth_callback(
            params, session_binding=self._session_binding()
        )
        if error:
            _logger.info("Zalo OA connection failed: %s", error)
        if oa:
            action = request.env.ref("zalo_oa.action_zalo_oa", raise_if_not_found=False)
            url = f"/web#id={oa.id}&model=zalo.oa&view_type=form"
            if action:
                url += f"&action={action.id}"
        else:
            url = "/web"
            if error:
                return request.make_response(
                    f"<html><body><h3>{escape(error)}</h3>"
                    f'<p><a href="/web">Odoo</a></p></body></html>',
                    headers=[("Content-Type", "text/html; charset=utf-8")],
                    status=400,
                )
        response = request.redirect(url)
        response.delete_cookie(STATE_COOKIE, path="/zalo_oa/")
        return response

    @staticmethod
    def _session_binding():
        """What binds a connection's ``state`` to this browser session (HMAC of its id).

        The session id itself never leaves the server side: Zalo's page sees the state.
        """
        return request.env["zalo.oa"]._state_session_binding(request.session.sid)

    # ------------------------------------------------------- domain verification

    @http.route(
        "/zalo_verifier<string:code>.html", type="http", auth="public", methods=["GET"], csrf=False
    )
    def zalo_verifier(self, code, **kwargs):
        oa = request.env["zalo.oa"]._find_by_verification_code(code)
        if not oa:
            raise request.not_found()
        code = escape(oa.verification_code)
        body = (
            "<html><head>"
            f'<meta name="zalo-platform-site-verification" content="{code}" />'
            "</head><body>"
            f"There Is No Limit To What You Can Accomplish Using Zalo! {code}"
            "</body></html>"
        )
        return request.make_response(body, headers=[("Content-Type", "text/html; charset=utf-8")])
