from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models

#: Zalo's advisory-message window: 7 days after the customer's last interaction.
WINDOW = timedelta(days=7)


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[("zalo", "Zalo Conversation")], ondelete={"zalo": "cascade"}
    )
    zalo_oa_id = fields.Many2one(
        "zalo.oa",
        string="Zalo Official Account",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    zalo_partner_link_id = fields.Many2one(
        "zalo.partner.link", string="Zalo partner link", index="btree_not_null", readonly=True
    )
    zalo_window_expires_at = fields.Datetime(
        string="Reply window ends",
        index="btree_not_null",
        readonly=True,
        help="7 days after the customer's last message: until then staff may answer with "
        "free text; afterwards only approved ZBS templates can be sent.",
    )

    _sql_constraints = [
        (
            "zalo_channel_has_oa",
            "CHECK(channel_type != 'zalo' OR zalo_oa_id IS NOT NULL)",
            "A Zalo conversation needs an Official Account.",
        ),
    ]

    def _compute_is_chat(self):
        super()._compute_is_chat()
        for channel in self:
            if channel.channel_type == "zalo":
                channel.is_chat = True

    def _zalo_window_open(self):
        self.ensure_one()
        return bool(
            self.zalo_window_expires_at and self.zalo_window_expires_at > fields.Datetime.now()
        )

    def _channel_info(self):
        infos = super()._channel_info()
        zalo = self.filtered(lambda c: c.channel_type == "zalo")
        if not zalo:
            return infos
        by_id = {info["id"]: info for info in infos}
        for channel in zalo:
            info = by_id.get(channel.id)
            if info is None:
                continue
            link = channel.zalo_partner_link_id
            info["zalo_oa"] = {"id": channel.zalo_oa_id.id, "name": channel.zalo_oa_id.name}
            info["zalo_window_expires_at"] = fields.Datetime.to_string(
                channel.zalo_window_expires_at
            )
            info["zalo_partner"] = {
                "id": link.partner_id.id,
                "name": link.partner_id.name,
                "is_shadow": link.is_shadow,
                "is_follower": link.is_follower,
            }
        return infos

    # ------------------------------------------------------------- creation

    @api.model
    def _zalo_get_channel(self, link):
        """The conversation of a partner link, created with the OA's operators."""
        link = link.sudo()
        if link.channel_id:
            return link.channel_id
        oa = link.oa_id
        partners = oa.operator_ids.partner_id | link.partner_id
        channel = (
            self.sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
            .create(
                {
                    "name": link.partner_id.name or link.zalo_display_name,
                    "channel_type": "zalo",
                    "zalo_oa_id": oa.id,
                    "zalo_partner_link_id": link.id,
                    "channel_member_ids": [
                        Command.create({"partner_id": partner.id}) for partner in partners
                    ],
                }
            )
        )
        # discuss.channel.create() adds the creating user; only operators and the customer
        # belong to a Zalo conversation.
        channel.channel_member_ids.filtered(lambda m: m.partner_id not in partners).unlink()
        link.channel_id = channel
        return channel

    # --------------------------------------------------------------- notices

    def _zalo_post_notice(self, text):
        """A short system notice in the conversation (follow, unfollow, shared info)."""
        for channel in self:
            channel.sudo().with_context(zalo_inbound=True).message_post(
                body=Markup("<i>%s</i>") % escape(text),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )

    def _zalo_channel_title(self):
        self.ensure_one()
        return _("%(partner)s on %(oa)s", partner=self.name, oa=self.zalo_oa_id.name)
