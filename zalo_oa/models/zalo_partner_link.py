import base64
import logging

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.errors import ZaloError
from ..tools.phone import InvalidPhoneError, normalize_phone

_logger = logging.getLogger(__name__)


class ZaloRetryLater(Exception):
    """Another worker is handling the same customer right now: try again in a moment."""


class ZaloPartnerLink(models.Model):
    """The link between a Zalo user of one OA and an Odoo contact.

    Zalo user ids are scoped per OA (``zalo_user_id``, the ``sender.id`` of webhooks
    and the recipient of messages) and per app (``user_id_by_app``, the id Social
    Login returns). One partner may have links in several OAs.
    """

    _name = "zalo.partner.link"
    _description = "Zalo Partner Link"
    _order = "last_inbound_at desc nulls last, id desc"
    _rec_name = "display_name"

    oa_id = fields.Many2one(
        "zalo.oa", string="Official Account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    zalo_user_id = fields.Char(string="Zalo user ID", required=True, readonly=True)
    user_id_by_app = fields.Char(string="Zalo app user ID", index="btree_not_null", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="restrict"
    )
    is_shadow = fields.Boolean(
        string="Created from Zalo",
        help="The contact was created automatically from the Zalo profile. Link it to an "
        "existing contact to merge the history.",
    )
    is_follower = fields.Boolean(string="Follows the OA")
    zalo_display_name = fields.Char(string="Name on Zalo", readonly=True)
    zalo_avatar_url = fields.Char(string="Zalo avatar", readonly=True)
    zalo_phone = fields.Char(string="Phone shared on Zalo", readonly=True)
    last_inbound_at = fields.Datetime(string="Last message from customer", readonly=True)
    profile_synced_at = fields.Datetime(readonly=True)
    channel_id = fields.Many2one("discuss.channel", string="Conversation", readonly=True)
    window_expires_at = fields.Datetime(
        related="channel_id.zalo_window_expires_at", string="Reply window ends"
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "oa_user_unique",
            "UNIQUE(oa_id, zalo_user_id)",
            "This Zalo user is already linked in this Official Account.",
        ),
    ]

    @api.depends("partner_id.name", "oa_id.name", "zalo_display_name")
    def _compute_display_name(self):
        for link in self:
            name = link.partner_id.name or link.zalo_display_name or link.zalo_user_id
            link.display_name = f"{name} ({link.oa_id.name})"

    # ------------------------------------------------------------ resolution

    @api.model
    def _find(self, oa, zalo_user_id):
        # one query: the fields inbound processing reads come with the search
        return self.with_context(active_test=False).search_fetch(
            [("oa_id", "=", oa.id), ("zalo_user_id", "=", zalo_user_id)],
            ["partner_id", "channel_id", "user_id_by_app", "last_inbound_at", "oa_id"],
            limit=1,
        )

    @api.model
    def _get_or_create(self, oa, zalo_user_id, user_id_by_app=None, fetch_profile=True):
        """The link of a Zalo user, created on first contact (with a shadow contact).

        The new contact is named from the Zalo profile; when the phone shared on Zalo
        matches exactly one existing contact, that contact is linked instead.
        """
        link = self._find(oa, zalo_user_id)
        if link:
            if user_id_by_app and not link.user_id_by_app:
                link.user_id_by_app = user_id_by_app
            return link
        profile = {}
        if fetch_profile:
            profile = self._fetch_profile(oa, zalo_user_id)
        user_id_by_app = user_id_by_app or profile.get("user_id_by_app")
        phone = self._profile_phone(profile)
        partner = self.env["res.partner"]
        if phone:
            partner = self.env["res.partner"]._zalo_match_phone(phone, oa.company_id)
        if not partner and user_id_by_app:
            # The same person already linked through another OA of the same app.
            other = self.search(
                [("user_id_by_app", "=", user_id_by_app), ("oa_id.app_id", "=", oa.app_id)],
                limit=1,
            )
            partner = other.partner_id
        is_shadow = not partner
        if not partner:
            partner = self.env["res.partner"].create(
                self._shadow_partner_values(oa, zalo_user_id, profile, phone)
            )
        # Two events of a new customer may be processed at once: the unique index
        # decides without an error, and the loser retries in a moment (its own
        # snapshot cannot see the winner's row yet).
        now = fields.Datetime.now()
        query = """
            INSERT INTO zalo_partner_link (
                oa_id, company_id, zalo_user_id, user_id_by_app, partner_id, is_shadow,
                is_follower, zalo_display_name, zalo_avatar_url, zalo_phone,
                profile_synced_at, active, create_uid, write_uid, create_date, write_date)
            VALUES (%(oa)s, %(company)s, %(user)s, %(by_app)s, %(partner)s, %(shadow)s,
                    %(follower)s, %(name)s, %(avatar)s, %(phone)s, %(synced)s, true,
                    %(uid)s, %(uid)s, %(now)s, %(now)s)
            ON CONFLICT (oa_id, zalo_user_id) DO NOTHING
            RETURNING id
            """
        params = {
            "oa": oa.id,
            "company": oa.company_id.id,
            "user": zalo_user_id,
            "by_app": user_id_by_app or None,
            "partner": partner.id,
            "shadow": is_shadow,
            "follower": bool(profile.get("user_is_follower")),
            "name": profile.get("display_name") or None,
            "avatar": profile.get("avatar") or None,
            "phone": phone or None,
            "synced": now if profile else None,
            "uid": self.env.uid,
            "now": now,
        }
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, params, log_exceptions=False)
                row = self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure as exc:
            # RR snapshot: the concurrent winner committed after our transaction began
            raise ZaloRetryLater() from exc
        if not row:
            raise ZaloRetryLater()
        link = self.browse(row[0])
        return link

    @api.model
    def _fetch_profile(self, oa, zalo_user_id):
        try:
            return oa._zalo_call("get_user_detail", zalo_user_id) or {}
        except ZaloError as err:
            _logger.info("Zalo OA %s: no profile for user %s (%s)", oa.id, zalo_user_id, err)
            return {}

    @api.model
    def _profile_phone(self, profile):
        shared = profile.get("shared_info") or {}
        raw = shared.get("phone")
        if not raw or str(raw) in ("0", ""):
            return None
        try:
            return normalize_phone(str(raw))
        except InvalidPhoneError:
            return None

    @api.model
    def _shadow_partner_values(self, oa, zalo_user_id, profile, phone):
        name = profile.get("display_name") or _("Zalo user %s", zalo_user_id[-6:])
        values = {
            "name": name,
            "company_id": False,
            "comment": _("Created from a Zalo conversation with %s.", oa.name),
        }
        if phone:
            values["mobile"] = f"+{phone}"
        avatar = self._download_avatar(oa, profile.get("avatar"))
        if avatar:
            values["image_1920"] = avatar
        return values

    @api.model
    def _download_avatar(self, oa, url):
        content = oa._zalo_download_avatar(url)
        return base64.b64encode(content) if content else False

    # --------------------------------------------------------------- actions

    def action_sync_profile(self):
        """Fetch the Zalo profile again: name, avatar, phone, follower status."""
        for link in self:
            try:
                profile = link.oa_id._zalo_call(
                    "get_user_detail", link.zalo_user_id, res_model=self._name, res_id=link.id
                )
            except ZaloError as err:
                raise UserError(link.oa_id._zalo_error_text(err)) from None
            phone = self._profile_phone(profile)
            values = {
                "zalo_display_name": profile.get("display_name") or link.zalo_display_name,
                "zalo_avatar_url": profile.get("avatar") or link.zalo_avatar_url,
                "is_follower": bool(profile.get("user_is_follower")),
                "user_id_by_app": profile.get("user_id_by_app") or link.user_id_by_app,
                "profile_synced_at": fields.Datetime.now(),
            }
            if phone:
                values["zalo_phone"] = phone
            link.write(values)
            if link.is_shadow:
                partner_values = {}
                if profile.get("display_name"):
                    partner_values["name"] = profile["display_name"]
                if phone and not (link.partner_id.mobile or link.partner_id.phone):
                    partner_values["mobile"] = f"+{phone}"
                avatar = self._download_avatar(link.oa_id, profile.get("avatar"))
                if avatar:
                    partner_values["image_1920"] = avatar
                if partner_values:
                    link.partner_id.write(partner_values)
        return True

    def _zalo_conversation(self):
        """The customer's conversation, created when there is none yet."""
        self.ensure_one()
        return self.channel_id or self.env["discuss.channel"]._zalo_get_channel(self)

    def action_open_conversation(self):
        channel = self._zalo_conversation()
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "params": {"active_id": f"discuss.channel_{channel.id}"},
        }

    def action_link_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Link to an existing contact"),
            "res_model": "zalo.link.partner.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_link_id": self.id},
        }

    # ----------------------------------------------------------------- merge

    def _merge_into(self, partner):
        """Link to ``partner``: the conversation and its authorship move with the link.

        When the old contact was a shadow created from Zalo and nothing else uses it,
        it is archived.
        """
        self.ensure_one()
        old = self.partner_id
        if not partner or partner == old:
            return
        link = self.sudo()
        channel = link.channel_id
        if channel:
            messages = (
                self.env["mail.message"]
                .sudo()
                .search(
                    [
                        ("model", "=", "discuss.channel"),
                        ("res_id", "=", channel.id),
                        ("author_id", "=", old.id),
                    ]
                )
            )
            messages.write({"author_id": partner.id})
            member = channel.channel_member_ids.filtered(lambda m: m.partner_id == old)
            if partner in channel.channel_member_ids.partner_id:
                member.unlink()
            else:
                member.write({"partner_id": partner.id})
            channel.name = partner.name
        was_shadow = link.is_shadow
        link.write({"partner_id": partner.id, "is_shadow": False})
        if was_shadow:
            others = (
                self.sudo()
                .with_context(active_test=False)
                .search([("partner_id", "=", old.id), ("id", "!=", link.id)])
            )
            others.write({"partner_id": partner.id, "is_shadow": False})
            old.sudo().write({"active": False})
        if channel:
            channel._zalo_post_notice(
                _("Linked to the contact %(new)s (was %(old)s).", new=partner.name, old=old.name)
            )
