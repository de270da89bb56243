"""``zalo.oa``: the Official Account record (fields, settings, actions, Zalo clients).

By concern: calls with a valid token and the token refresh are in ``zalo_oa_api.py``,
connecting the OA (OAuth) in ``zalo_oa_oauth.py``.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import endpoints as zalo_endpoints
from ..tools import oauth as zalo_oauth
from ..tools.client import ZaloClient
from ..tools.errors import ZaloError
from . import zalo_crypto

_logger = logging.getLogger(__name__)

MANAGER = "zalo_oa.group_zalo_manager"
SECRET_FIELDS = ("app_secret", "oa_secret_key", "access_token", "refresh_token")
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
#: Avatars (contacts, portal users) larger than this are not downloaded.
AVATAR_MAX_BYTES = 2 * 1024 * 1024


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
    zalo_oa_ref = fields.Char(
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
            "zalo_oa_ref_unique",
            "UNIQUE(zalo_oa_ref)",
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
        if {"zalo_oa_ref", "app_id", "active", "app_secret_enc", "oa_secret_key_enc"} & set(vals):
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
        )

    def _zalo_download_avatar(self, url, max_bytes=AVATAR_MAX_BYTES):
        """A Zalo avatar's bytes (best effort): None when missing, refused or not an image."""
        self.ensure_one()
        if not url:
            return None
        try:
            content, mimetype = self._zalo_client(None).download_media(url, max_bytes=max_bytes)
        except ZaloError as err:
            _logger.info("Zalo OA %s: avatar not downloaded (%s)", self.id, err)
            return None
        if not content or (mimetype and not mimetype.startswith("image/")):
            return None
        return content

    def _api_log(self, res_model=None, res_id=None):
        self.ensure_one()
        return self.env["zalo.api.log"]._buffer(self, res_model=res_model, res_id=res_id)

    @api.model
    def _zalo_error_text(self, error):
        """A translated, user-facing explanation of a ZaloError (never contains secrets)."""
        return self.env["zalo.api.log"]._error_text(error)

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
                oa=info.get("oaid") or self.zalo_oa_ref,
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
        return self.env["zalo.message"]._action_view(
            [("oa_id", "=", self.id)], {"search_default_filter_failed": 1}
        )

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

    # --------------------------------------------------------------- webhooks

    @api.model
    def _find_by_verification_code(self, code):
        if not code:
            return self.browse()
        return self.sudo().search([("verification_code", "=", code)], limit=1)
