from odoo import _, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    zalo_channel_count = fields.Integer(
        string="Zalo conversations", compute="_compute_zalo_channel_count"
    )

    def _compute_zalo_channel_count(self):
        counts = {}
        if self.ids:
            groups = (
                self.env["zalo.conversation.document"]
                .sudo()
                ._read_group(
                    [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                    ["res_id"],
                    ["__count"],
                )
            )
            counts = dict(groups)
        for lead in self:
            lead.zalo_channel_count = counts.get(lead.id, 0) if lead.id else 0

    def _zalo_channels(self):
        self.ensure_one()
        return self.env["zalo.conversation.document"]._channels_of(self)

    def action_zalo_open_conversation(self):
        """Smart button: the Zalo conversation(s) this lead was created from."""
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
