from odoo import _, fields, models


class ZaloConversationMixin(models.AbstractModel):
    """A "Zalo Conversation" smart button for documents related to conversations.

    Documents become related through ``zalo.conversation.document`` (created from a
    conversation, a template sent from them, linked by hand). Inherited by leads,
    quotations, invoices and tickets in the bridge addons.
    """

    _name = "zalo.conversation.mixin"
    _description = "Document related to Zalo conversations"

    zalo_channel_count = fields.Integer(
        string="Zalo conversations",
        compute="_compute_zalo_channel_count",
        groups="zalo_oa.group_zalo_user",
    )

    def _compute_zalo_channel_count(self):
        counts = {}
        if self.ids:
            counts = dict(
                self.env["zalo.conversation.document"]
                .sudo()
                ._read_group(
                    [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                    ["res_id"],
                    ["__count"],
                )
            )
        for record in self:
            record.zalo_channel_count = counts.get(record.id, 0) if record.id else 0

    def _zalo_channels(self):
        self.ensure_one()
        return self.env["zalo.conversation.document"]._channels_of(self)

    def action_zalo_open_conversation(self):
        """Smart button: the conversation in Discuss, or the list when there are several."""
        self.ensure_one()
        channels = self._zalo_channels()
        if len(channels) == 1:
            return {
                "type": "ir.actions.client",
                "tag": "mail.action_discuss",
                "params": {"active_id": f"discuss.channel_{channels.id}"},
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Zalo conversations"),
            "res_model": "zalo.partner.link",
            "view_mode": "tree,form",
            "domain": [("channel_id", "in", channels.ids)],
        }
