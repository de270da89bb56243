"""``zalo.oa``: connecting an Official Account (OAuth v4 with PKCE, docs/zalo-api.md §1).

The ``state`` is a signed JWT bound to the user, the database, a single-use nonce of
the OA, ten minutes and the browser session; it is also kept in an HttpOnly cookie
because Zalo may not echo it (conflict C3).
"""

import base64
import hmac
import json
import secrets
from hashlib import sha256

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq

from ..tools import oauth as zalo_oauth
from ..tools.errors import KIND_AUTH, ZaloError
from . import zalo_crypto

#: The OAuth ``state`` is valid this long (Zalo's authorization code lives 10 min).
STATE_TTL = 600
STATE_AUDIENCE = "zalo_oa.connect"


class ZaloOAStateError(Exception):
    """A connection callback that cannot be trusted (bad, expired or replayed state)."""


class ZaloOA(models.Model):
    _inherit = "zalo.oa"

    # ------------------------------------------------------------------ OAuth

    @api.model
    def _state_key(self):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return zalo_oauth.state_key(secret, "zalo_oa.oauth_state")

    @api.model
    def _state_session_binding(self, sid):
        """HMAC of a browser session id: carried by the ``state``, checked on the callback."""
        if not sid:
            return ""
        key = self._state_key().encode()
        return hmac.new(key, b"session:" + str(sid).encode(), sha256).hexdigest()

    def _oauth_start(self, session_binding=None):
        """Prepare a PKCE pair and a signed ``state``; return (authorization URL, state).

        The state is bound to the user, the database, this OA's single-use nonce, ten
        minutes and, through ``session_binding`` (see ``_state_session_binding``), to
        the browser session that clicked Connect.
        """
        self.ensure_one()
        self._check_manager()
        raw = self.sudo()
        if not (raw.app_id and raw.app_secret):
            raise UserError(_("Fill in the App ID and the App Secret before connecting."))
        verifier, challenge = zalo_oauth.generate_pkce()
        nonce = secrets.token_urlsafe(24)
        raw.write(
            {
                "oauth_verifier_enc": zalo_crypto.encrypt(self.env, verifier),
                "oauth_nonce": nonce,
            }
        )
        state = zalo_oauth.sign_state(
            {
                "oa": self.id,
                "uid": self.env.uid,
                "db": self.env.cr.dbname,
                "nonce": nonce,
                "sid": session_binding or "",
            },
            self._state_key(),
            STATE_AUDIENCE,
            STATE_TTL,
        )
        url = zalo_oauth.oa_authorization_url(
            self._zalo_urls()["oauth"], raw.app_id, self.callback_url, challenge, state
        )
        return url, state

    def action_connect(self):
        self.ensure_one()
        self._check_manager()
        raw = self.sudo()
        if not (raw.app_id and raw.app_secret):
            raise UserError(_("Fill in the App ID and the App Secret before connecting."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/zalo_oa/oauth/start/{self.id}",
            "target": "self",
        }

    @api.model
    def _oauth_decode_state(self, state, session_binding=None):
        if not state:
            raise ZaloOAStateError(
                _("Zalo did not send back the connection request. Click Connect again.")
            )
        try:
            payload = zalo_oauth.verify_state(state, self._state_key(), STATE_AUDIENCE)
        except zalo_oauth.StateError as exc:
            if exc.reason == "expired":
                raise ZaloOAStateError(
                    _("The connection request expired (after 10 minutes). Click Connect again.")
                ) from exc
            raise ZaloOAStateError(
                _("The connection request could not be verified. Click Connect again.")
            ) from exc
        if payload.get("db") != self.env.cr.dbname or payload.get("uid") != self.env.uid:
            raise ZaloOAStateError(
                _("This connection was started by another user or database. Click Connect again.")
            )
        if not consteq(str(payload.get("sid") or ""), str(session_binding or "")):
            raise ZaloOAStateError(
                _(
                    "This connection was started in another browser or session. Click "
                    "Connect again in this browser."
                )
            )
        return payload

    @api.model
    def _oauth_guess_record(self, state):
        """The OA a (possibly invalid) state refers to, only to show the error on it."""
        try:
            segment = (state or "").split(".")[1]
            payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
            oa = self.browse(int(payload.get("oa"))).exists()
        except (IndexError, TypeError, ValueError, AttributeError):
            return self.browse()
        try:
            oa.check_access_rights("write")
            oa.check_access_rule("write")
        except AccessError:
            return self.browse()
        return oa

    @api.model
    def _oauth_callback(self, params, session_binding=None):
        """Handle ``/zalo_oa/oauth/callback``; return (OA record or empty, error text or None).

        ``session_binding`` is the current browser session's (``_state_session_binding``):
        a state started in another session is refused before its nonce is used.
        """
        state = params.get("state")
        try:
            payload = self._oauth_decode_state(state, session_binding=session_binding)
        except ZaloOAStateError as exc:
            oa = self._oauth_guess_record(state)
            if oa:
                oa.sudo().last_error = str(exc)
            return oa, str(exc)
        oa = self.browse(payload["oa"]).exists()
        if not oa:
            return oa, _("The Official Account of this connection no longer exists.")
        oa._check_manager()
        raw = oa.sudo()
        if not raw.oauth_nonce or not consteq(raw.oauth_nonce, str(payload.get("nonce", ""))):
            message = _("This connection link was already used. Click Connect again.")
            raw.last_error = message
            return oa, message
        verifier = zalo_crypto.decrypt(self.env, raw.oauth_verifier_enc)
        raw.write({"oauth_nonce": False, "oauth_verifier_enc": False})  # single use
        error = oa._oauth_check_params(params)
        if error:
            raw.last_error = error
            return oa, error
        log = oa._api_log()
        try:
            token = oa._zalo_oauth_client(api_log=log).exchange_code(params["code"], verifier)
            client = oa._zalo_client(token.access_token, api_log=log)
            info = client.get_oa_info()
        except ZaloError as err:
            message = oa._oauth_error_text(err)
            raw.last_error = message
            return oa, message
        finally:
            log.flush()
        zalo_oa_id = str(info.get("oaid") or info.get("oa_id") or params.get("oa_id") or "")
        if oa.zalo_oa_ref and zalo_oa_id and zalo_oa_id != oa.zalo_oa_ref:
            message = _(
                "You authorised the Official Account %(new)s, but this record is connected to "
                "%(old)s. Log in to Zalo as an admin of the right OA and click Connect again, or "
                "create a new record for the other OA.",
                new=info.get("name") or zalo_oa_id,
                old=oa.zalo_name or oa.zalo_oa_ref,
            )
            raw.last_error = message
            return oa, message
        other = (
            self.sudo()
            .with_context(active_test=False)
            .search([("zalo_oa_ref", "=", zalo_oa_id), ("id", "!=", oa.id)], limit=1)
        )
        if zalo_oa_id and other:
            message = _(
                "The Official Account %(name)s is already connected in the record «%(other)s».",
                name=info.get("name") or zalo_oa_id,
                other=other.name,
            )
            raw.last_error = message
            return oa, message
        oa._store_tokens(token)
        raw.write(
            {
                "zalo_oa_ref": zalo_oa_id or oa.zalo_oa_ref,
                "zalo_name": info.get("name") or False,
                "avatar_url": info.get("avatar") or False,
                "connected_at": fields.Datetime.now(),
            }
        )
        oa._close_reconnect_activities()
        oa.message_post(
            body=_("Connected to the Zalo Official Account %s.", info.get("name") or zalo_oa_id),
            subtype_xmlid="mail.mt_note",
        )
        return oa, None

    def _oauth_check_params(self, params):
        if params.get("error") or params.get("error_code"):
            return _(
                "Zalo did not grant access (%s). Click Connect and allow the permissions "
                "on Zalo's page.",
                params.get("error_description") or params.get("error") or params.get("error_code"),
            )
        if not params.get("code"):
            return _(
                "Zalo did not send an authorization code: the permission was probably refused. "
                "Click Connect and allow the permissions on Zalo's page."
            )
        return None

    def _oauth_error_text(self, error):
        if error.code == -14003:
            return _(
                "Zalo refused the callback URL (error -14003). In the Zalo developer console, "
                "set the Official Account Callback Url to %s, then click Connect again.",
                self.callback_url,
            )
        if error.code == -14002:
            return _(
                "Zalo refused the App ID (error -14002): activate the app in the Zalo developer "
                "console, or log in to Zalo as an admin of the app."
            )
        if error.family == "oauth" and error.kind == KIND_AUTH:
            return _(
                "Zalo refused the authorization code (%s). It is valid for 10 minutes and "
                "only once: click Connect again.",
                error.message,
            )
        return self._zalo_error_text(error)

    def _close_reconnect_activities(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == todo).action_feedback(
            feedback=_("The Official Account was reconnected.")
        )
