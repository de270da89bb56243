import base64
import hmac
import json
import logging
import secrets
import threading
import time
from datetime import timedelta
from hashlib import sha256

import jwt

from odoo import _, api, fields, models, modules
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq

from ..tools import endpoints as zalo_endpoints
from ..tools import oauth as zalo_oauth
from ..tools.client import ZaloClient
from ..tools.errors import KIND_AUTH, ZaloError
from . import zalo_crypto

_logger = logging.getLogger(__name__)

MANAGER = "zalo_oa.group_zalo_manager"
SECRET_FIELDS = ("app_secret", "oa_secret_key", "access_token", "refresh_token")
TOKEN_CACHE_FIELDS = [
    "access_token",
    "refresh_token",
    "access_token_enc",
    "refresh_token_enc",
    "token_expires_at",
    "state",
    "last_error",
]
#: Refresh the access token when less than this is left (Zalo gives 25 h).
REFRESH_MARGIN = timedelta(hours=3)
#: A scheduled refresh that failed on a network or server error is tried again then.
REFRESH_RETRY = timedelta(minutes=5)
#: The OAuth ``state`` is valid this long (Zalo's authorization code lives 10 min).
STATE_TTL = 600
STATE_AUDIENCE = "zalo_oa.connect"
PARAM_URLS = {
    "openapi": "zalo_oa.openapi_url",
    "oauth": "zalo_oa.oauth_url",
    "business": "zalo_oa.business_url",
    "graph": "zalo_oa.graph_url",
}
#: Extra media hosts (comma-separated): ``cdn.example.com`` (HTTPS) or an origin
#: ``http://10.0.0.5:8765``. Zalo's media hosts and the origins of the URLs above
#: are always allowed (tools/media.py).
PARAM_MEDIA_HOSTS = "zalo_oa.media_hosts"


class ZaloOAStateError(Exception):
    """A connection callback that cannot be trusted (bad, expired or replayed state)."""


class ZaloOA(models.Model):
    _name = "zalo.oa"
    _description = "Zalo Official Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("connected", "Connected"),
            ("expired", "Expired"),
            ("error", "Error"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="Draft: not connected yet. Connected: tokens are valid and refreshed "
        "automatically. Expired: Zalo no longer accepts the tokens, reconnect the OA. "
        "Error: the connection failed, see the message above the form.",
    )
    last_error = fields.Text(readonly=True, copy=False, help="Why the last connection failed.")

    # Zalo app credentials (developers.zalo.me) and OA identity.
    app_id = fields.Char(string="App ID", tracking=True, copy=False)
    oa_id = fields.Char(
        string="OA ID", readonly=True, copy=False, index=True, help="Zalo's id of the OA."
    )
    zalo_name = fields.Char(string="Name on Zalo", readonly=True, copy=False)
    avatar_url = fields.Char(string="Avatar", readonly=True, copy=False)
    verification_code = fields.Char(
        string="Domain verification code",
        copy=False,
        help="Code of Zalo's domain verification file: this database then serves "
        "/zalo_verifier<code>.html.",
    )
    operator_ids = fields.Many2many(
        "res.users",
        "zalo_oa_operator_rel",
        "oa_id",
        "user_id",
        string="Operators",
        domain=[("share", "=", False)],
        help="Users who take part in new Zalo conversations of this OA.",
    )

    # Secrets: stored encrypted, readable only by Zalo managers (see zalo_crypto).
    app_secret = fields.Char(
        compute="_compute_secrets", inverse="_inverse_app_secret", groups=MANAGER
    )
    oa_secret_key = fields.Char(
        string="OA Secret Key",
        compute="_compute_secrets",
        inverse="_inverse_oa_secret_key",
        groups=MANAGER,
        help="Shown on the Webhook page of the Zalo app; it signs the webhooks.",
    )
    access_token = fields.Char(compute="_compute_secrets", groups=MANAGER)
    refresh_token = fields.Char(compute="_compute_secrets", groups=MANAGER)
    app_secret_enc = fields.Char(groups=MANAGER, copy=False)
    oa_secret_key_enc = fields.Char(groups=MANAGER, copy=False)
    access_token_enc = fields.Char(groups=MANAGER, copy=False)
    refresh_token_enc = fields.Char(groups=MANAGER, copy=False)
    oauth_verifier_enc = fields.Char(groups=MANAGER, copy=False)
    oauth_nonce = fields.Char(groups=MANAGER, copy=False)
    token_expires_at = fields.Datetime(readonly=True, copy=False)
    connected_at = fields.Datetime(readonly=True, copy=False)
    last_webhook_at = fields.Datetime(string="Last webhook", readonly=True, copy=False)

    # Console URLs and setup checklist.
    webhook_url = fields.Char(compute="_compute_urls", string="Webhook URL")
    callback_url = fields.Char(compute="_compute_urls", string="OAuth callback URL")
    setup_credentials_done = fields.Boolean(compute="_compute_setup", string="Credentials")
    setup_connected_done = fields.Boolean(compute="_compute_setup", string="Connected")
    setup_webhook_done = fields.Boolean(compute="_compute_setup", string="First webhook")
    api_log_count = fields.Integer(compute="_compute_api_log_count", groups=MANAGER)
    partner_id = fields.Many2one(
        "res.partner",
        string="Author partner",
        readonly=True,
        copy=False,
        help="Author of the replies typed in Zalo's own OA app, mirrored into Discuss.",
    )
    link_count = fields.Integer(compute="_compute_counts", string="Partners")
    event_count = fields.Integer(compute="_compute_counts", string="Events")
    event_error_count = fields.Integer(compute="_compute_counts", string="Event errors")
    failed_message_count = fields.Integer(compute="_compute_counts", string="Failed messages")

    _sql_constraints = [
        (
            "oa_id_unique",
            "UNIQUE(oa_id)",
            "This Zalo Official Account is already connected in another record.",
        ),
    ]

    # ------------------------------------------------------------------ compute

    @api.depends(*(f"{name}_enc" for name in SECRET_FIELDS))
    @api.depends_context("uid")
    def _compute_secrets(self):
        # Decrypt only for Zalo managers and sudo: field groups guard read() and
        # search_read(), but not every path (export_data reads record[field]).
        allowed = self.env.su or self.env.user.has_group(MANAGER)
        for oa in self:
            raw = oa.sudo()
            for name in SECRET_FIELDS:
                oa[name] = allowed and zalo_crypto.decrypt(self.env, raw[f"{name}_enc"])

    def export_data(self, fields_to_export):
        if not (self.env.su or self.env.user.has_group(MANAGER)):
            restricted = set(SECRET_FIELDS) | {
                f"{name}_enc" for name in (*SECRET_FIELDS, "oauth_verifier")
            }
            restricted.add("oauth_nonce")
            asked = {path.split("/")[0].split(".")[0] for path in fields_to_export}
            if asked & restricted:
                raise AccessError(_("Only Zalo administrators can export secrets and tokens."))
        return super().export_data(fields_to_export)

    def _inverse_app_secret(self):
        for oa in self:
            oa.sudo().app_secret_enc = zalo_crypto.encrypt(self.env, (oa.app_secret or "").strip())

    def _inverse_oa_secret_key(self):
        for oa in self:
            oa.sudo().oa_secret_key_enc = zalo_crypto.encrypt(
                self.env, (oa.oa_secret_key or "").strip()
            )

    def _compute_urls(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        base = base.rstrip("/")
        for oa in self:
            oa.webhook_url = f"{base}/zalo_oa/webhook"
            oa.callback_url = f"{base}/zalo_oa/oauth/callback"

    @api.depends("app_id", "app_secret_enc", "oa_secret_key_enc", "state", "last_webhook_at")
    def _compute_setup(self):
        for oa in self:
            raw = oa.sudo()
            oa.setup_credentials_done = bool(
                oa.app_id and raw.app_secret_enc and raw.oa_secret_key_enc
            )
            oa.setup_connected_done = oa.state == "connected"
            oa.setup_webhook_done = bool(oa.last_webhook_at)

    def _compute_api_log_count(self):
        counts = dict(
            self.env["zalo.api.log"]
            .sudo()
            ._read_group([("oa_id", "in", self.ids)], ["oa_id"], ["__count"])
        )
        for oa in self:
            oa.api_log_count = counts.get(oa, 0)

    def _compute_counts(self):
        links = dict(
            self.env["zalo.partner.link"]
            .sudo()
            ._read_group([("oa_id", "in", self.ids)], ["oa_id"], ["__count"])
        )
        events = dict(
            self.env["zalo.event"]
            .sudo()
            ._read_group([("oa_id", "in", self.ids)], ["oa_id"], ["__count"])
        )
        errors = dict(
            self.env["zalo.event"]
            .sudo()
            ._read_group(
                [("oa_id", "in", self.ids), ("state", "=", "error")], ["oa_id"], ["__count"]
            )
        )
        failed = dict(
            self.env["zalo.message"]
            .sudo()
            ._read_group(
                [("oa_id", "in", self.ids), ("state", "=", "failed")], ["oa_id"], ["__count"]
            )
        )
        for oa in self:
            oa.failed_message_count = failed.get(oa, 0)
            oa.link_count = links.get(oa, 0)
            oa.event_count = events.get(oa, 0)
            oa.event_error_count = errors.get(oa, 0)

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()  # webhook lookup cache (zalo.event._webhook_oa)
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"oa_id", "app_id", "active", "app_secret_enc", "oa_secret_key_enc"} & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------------ helpers

    def _zalo_author_partner(self):
        """The partner that authors OA replies typed outside Odoo (created once)."""
        self.ensure_one()
        oa = self.sudo()
        if not oa.partner_id:
            oa.partner_id = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": oa.zalo_name or oa.name,
                        "company_id": oa.company_id.id,
                        "is_company": True,
                        "comment": _("Zalo Official Account %s", oa.name),
                    }
                )
            )
        return oa.partner_id

    def _check_manager(self):
        if not self.env.is_superuser() and not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only Zalo administrators can connect Official Accounts."))

    @api.model
    def _zalo_urls(self):
        params = self.env["ir.config_parameter"].sudo()
        urls = dict(zalo_endpoints.DEFAULT_URLS)
        for family, key in PARAM_URLS.items():
            urls[family] = params.get_param(key) or urls[family]
        return urls

    @api.model
    def _zalo_allow_network(self):
        """Zalo itself is never called while Odoo runs tests: only loopback (the simulator)."""
        testing = (
            modules.module.current_test
            or getattr(threading.current_thread(), "testing", False)
            or self.pool.in_test_mode()
        )
        return not testing

    @api.model
    def _zalo_timeout(self):
        """(connect, read) seconds. Shorter while a user's request waits for the call
        (a reply sent right after posting): a slow Zalo then leaves it to the queue."""
        if self.env.context.get("zalo_interactive"):
            return (3, 5)
        return (5, 20)

    def _zalo_client(self, access_token, api_log=None):
        self.ensure_one()
        return ZaloClient(
            access_token=access_token,
            app_secret=self.sudo().app_secret,
            urls=self._zalo_urls(),
            timeout=self._zalo_timeout(),
            on_call=api_log.add if api_log is not None else None,
            allow_network=self._zalo_allow_network(),
            media_hosts=self.env["ir.config_parameter"].sudo().get_param(PARAM_MEDIA_HOSTS),
        )

    def _zalo_oauth_client(self, api_log=None):
        self.ensure_one()
        raw = self.sudo()
        return zalo_oauth.OAuthClient(
            raw.app_id,
            raw.app_secret,
            self._zalo_urls()["oauth"],
            timeout=self._zalo_timeout(),
            on_call=api_log.add if api_log is not None else None,
            allow_network=self._zalo_allow_network(),
        )

    def _api_log(self, res_model=None, res_id=None):
        self.ensure_one()
        return self.env["zalo.api.log"]._buffer(self, res_model=res_model, res_id=res_id)

    @api.model
    def _zalo_error_text(self, error):
        """A translated, user-facing explanation of a ZaloError (never contains secrets)."""
        return self.env["zalo.api.log"]._error_text(error)

    # --------------------------------------------------------------- API calls

    def _zalo_call(self, method, *args, res_model=None, res_id=None, **kwargs):
        """Call ``ZaloClient.<method>`` with a valid access token.

        The token is refreshed ahead of expiry, and once more when Zalo answers
        with a token error, after which the call is retried once. Every call is
        written to ``zalo.api.log``. Raises :class:`ZaloError`.
        """
        self.ensure_one()
        oa = self.sudo()
        if oa.state != "connected":
            raise ZaloError(
                None,
                f"The Official Account {oa.name} is not connected",
                KIND_AUTH,
                False,
            )
        log = oa._api_log(res_model, res_id)
        try:
            token = oa.access_token
            if not token or (
                oa.token_expires_at and oa.token_expires_at - fields.Datetime.now() < REFRESH_MARGIN
            ):
                token = oa._refresh_tokens(failed_token=token, api_log=log)
            client = oa._zalo_client(token, api_log=log)
            try:
                return getattr(client, method)(*args, **kwargs)
            except ZaloError as err:
                if not err.is_token_error:
                    raise
                client.access_token = oa._refresh_tokens(failed_token=token, api_log=log)
                return getattr(client, method)(*args, **kwargs)
        finally:
            log.flush()

    def _refresh_tokens(self, failed_token=None, api_log=None):
        """Refresh the token pair once, whatever the number of concurrent callers.

        Zalo's refresh tokens are single-use: the refresh runs in its own
        transaction, under a row lock on the OA, and commits the new pair at once.
        A caller that waited on the lock finds a token different from the one that
        failed and reuses it instead of refreshing again. Returns a valid access
        token; raises :class:`ZaloError` (and marks the OA Expired) when Zalo
        refuses the refresh.
        """
        self.ensure_one()
        if self.pool.in_test_mode():
            # Tests share one transaction: make pending writes visible to the refresh.
            self.env.flush_all()
        with self.pool.cursor() as cr:
            if not self.pool.in_test_mode():
                # READ COMMITTED so that, after waiting on the lock, we read the pair
                # committed by the worker that refreshed first. Callers must not have
                # written the zalo_oa row in their own open transaction.
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cr.execute("SET LOCAL lock_timeout = '30s'")
            cr.execute("SELECT id FROM zalo_oa WHERE id = %s FOR UPDATE", [self.id])
            oa = self.env(cr=cr, su=True)[self._name].browse(self.id)
            current = oa.access_token
            fresh = (
                current
                and current != failed_token
                and oa.state == "connected"
                and oa.token_expires_at
                and oa.token_expires_at - fields.Datetime.now() > timedelta(minutes=5)
            )
            if fresh:
                self.invalidate_recordset(TOKEN_CACHE_FIELDS)
                return current
            log = api_log if api_log is not None else oa._api_log()
            try:
                token = oa._zalo_oauth_client(api_log=log).refresh(oa.refresh_token)
            except ZaloError as err:
                if err.kind == KIND_AUTH:
                    oa._set_expired(err)
                    # Own transaction: the expiry must survive the caller's rollback.
                    cr.commit()  # pylint: disable=invalid-commit
                    self.invalidate_recordset(TOKEN_CACHE_FIELDS)
                raise
            finally:
                if api_log is None:
                    log.flush()
            oa._store_tokens(token)
            # Own transaction: a single-use refresh token must be replaced at once.
            cr.commit()  # pylint: disable=invalid-commit
            _logger.info("Zalo OA %s (id %s): access token refreshed", oa.name, oa.id)
        # Our own cache still holds the old pair; the new one was returned/committed above.
        self.invalidate_recordset(TOKEN_CACHE_FIELDS)
        return token.access_token

    def _store_tokens(self, token):
        self.ensure_one()
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "access_token_enc": zalo_crypto.encrypt(self.env, token.access_token),
                "refresh_token_enc": zalo_crypto.encrypt(self.env, token.refresh_token),
                "token_expires_at": now + timedelta(seconds=token.expires_in),
                "state": "connected",
                "last_error": False,
            }
        )

    def _set_expired(self, error):
        """Zalo refused the refresh: the OA must be authorised again by a human."""
        self.ensure_one()
        reason = self._zalo_error_text(error)
        self.sudo().write({"state": "expired", "last_error": reason})
        self._notify_managers(
            _("Reconnect the Zalo Official Account %s", self.name),
            _(
                "Zalo no longer accepts the tokens of this Official Account (%s). "
                "Open it and click Reconnect: messages cannot be sent until then.",
                reason,
            ),
        )
        _logger.warning(
            "Zalo OA %s (id %s) expired: the token refresh was refused (code %s)",
            self.name,
            self.id,
            error.code,
        )

    def _notify_managers(self, summary, note):
        """One to-do activity per Zalo manager, not repeated while one is open."""
        self.ensure_one()
        group = self.env.ref(MANAGER)
        todo = self.env.ref("mail.mail_activity_data_todo")
        oa = self.sudo()
        existing = oa.activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.summary == summary
        ).user_id
        users = group.users.filtered(
            lambda u: (
                u.active
                and not u.share
                and self.company_id in u.company_ids
                and u not in existing
                and u.id != self.env.ref("base.user_root").id
            )
        )
        for user in users:
            oa.activity_schedule(
                "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
            )

    # ------------------------------------------------------------------ OAuth

    @api.model
    def _state_key(self):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(secret.encode(), b"zalo_oa.oauth_state", sha256).hexdigest()

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
        now = int(time.time())
        state = jwt.encode(
            {
                "aud": STATE_AUDIENCE,
                "oa": self.id,
                "uid": self.env.uid,
                "db": self.env.cr.dbname,
                "nonce": nonce,
                "sid": session_binding or "",
                "iat": now,
                "exp": now + STATE_TTL,
            },
            self._state_key(),
            algorithm="HS256",
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
            payload = jwt.decode(
                state,
                self._state_key(),
                algorithms=["HS256"],
                audience=STATE_AUDIENCE,
                options={"require": ["exp", "iat", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise ZaloOAStateError(
                _("The connection request expired (after 10 minutes). Click Connect again.")
            ) from exc
        except jwt.InvalidTokenError as exc:
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
        if oa.oa_id and zalo_oa_id and zalo_oa_id != oa.oa_id:
            message = _(
                "You authorised the Official Account %(new)s, but this record is connected to "
                "%(old)s. Log in to Zalo as an admin of the right OA and click Connect again, or "
                "create a new record for the other OA.",
                new=info.get("name") or zalo_oa_id,
                old=oa.zalo_name or oa.oa_id,
            )
            raw.last_error = message
            return oa, message
        other = (
            self.sudo()
            .with_context(active_test=False)
            .search([("oa_id", "=", zalo_oa_id), ("id", "!=", oa.id)], limit=1)
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
                "oa_id": zalo_oa_id or oa.oa_id,
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

    # ----------------------------------------------------------------- actions

    def action_disconnect(self):
        self._check_manager()
        self.sudo().write(
            {
                "access_token_enc": False,
                "refresh_token_enc": False,
                "token_expires_at": False,
                "state": "draft",
                "last_error": False,
            }
        )
        for oa in self:
            oa.message_post(body=_("Disconnected from Zalo."), subtype_xmlid="mail.mt_note")

    def action_refresh_token(self):
        self.ensure_one()
        self._check_manager()
        log = self._api_log()
        try:
            self._refresh_tokens(failed_token=self.sudo().access_token, api_log=log)
        except ZaloError as err:
            raise UserError(self._zalo_error_text(err)) from None
        finally:
            log.flush()
        return self._notify(_("The access token was refreshed."), "success")

    def action_test_connection(self):
        self.ensure_one()
        self._check_manager()
        try:
            info = self._zalo_call("get_oa_info")
        except ZaloError as err:
            return self._notify(
                _("Zalo answered with an error: %s", self._zalo_error_text(err)), "danger"
            )
        return self._notify(
            _(
                "The connection works: Zalo knows this Official Account as «%(name)s» "
                "(OA id %(oa)s, %(followers)s followers).",
                name=info.get("name") or "?",
                oa=info.get("oaid") or self.oa_id,
                followers=info.get("num_follower", "?"),
            ),
            "success",
        )

    def action_sync_oa_info(self):
        self.ensure_one()
        self._check_manager()
        try:
            info = self._zalo_call("get_oa_info")
        except ZaloError as err:
            raise UserError(self._zalo_error_text(err)) from None
        self.sudo().write(
            {
                "zalo_name": info.get("name") or self.zalo_name,
                "avatar_url": info.get("avatar") or self.avatar_url,
            }
        )
        return True

    def action_view_links(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_partner_link")
        action["domain"] = [("oa_id", "=", self.id)]
        action["context"] = {"default_oa_id": self.id, "active_test": False}
        return action

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_event")
        action["domain"] = [("oa_id", "=", self.id)]
        action["context"] = {"search_default_filter_errors": bool(self.event_error_count)}
        return action

    def action_view_failed_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_message")
        action["domain"] = [("oa_id", "=", self.id)]
        action["context"] = {"search_default_filter_failed": 1}
        return action

    def action_view_api_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_api_log")
        action["domain"] = [("oa_id", "=", self.id)]
        action["context"] = {"default_oa_id": self.id}
        return action

    def _notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": kind == "danger"},
        }

    # -------------------------------------------------------------------- cron

    @api.model
    def _cron_refresh_tokens(self):
        """Refresh tokens that expire within REFRESH_MARGIN, one OA per transaction."""
        limit = fields.Datetime.now() + REFRESH_MARGIN
        oas = self.sudo().search([("state", "=", "connected"), ("token_expires_at", "<", limit)])
        retry_at = set()
        for oa in oas:
            try:
                oa._refresh_tokens(failed_token=oa.access_token)
            except ZaloError as err:
                level = logging.INFO if err.retryable else logging.WARNING
                _logger.log(level, "Zalo OA %s: scheduled token refresh failed: %s", oa.id, err)
                if err.retryable:
                    # Zalo unreachable or busy: try again soon, not at the next hourly run.
                    retry_at.add(fields.Datetime.now() + REFRESH_RETRY)
        if retry_at:
            self.env.ref("zalo_oa.ir_cron_zalo_refresh_tokens").sudo()._trigger(at=min(retry_at))

    # --------------------------------------------------------------- webhooks

    @api.model
    def _find_by_verification_code(self, code):
        if not code:
            return self.browse()
        return self.sudo().search([("verification_code", "=", code)], limit=1)
