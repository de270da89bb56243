from odoo import _, models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _zalo_zbs_templates(self):
        """Enabled contact templates of this conversation's OA."""
        self.ensure_one()
        return self.env["zalo.zbs.template"].search(
            [
                ("oa_id", "=", self.zalo_oa_id.id),
                ("model", "=", "res.partner"),
                ("state", "=", "enabled"),
            ]
        )

    def _zalo_can_send_template(self):
        if self.channel_type != "zalo" or not self.zalo_partner_link_id:
            return super()._zalo_can_send_template()
        if not self.env.user.has_group("zalo_oa.group_zalo_user"):
            return False
        return bool(self._zalo_zbs_templates()[:1])

    def action_zalo_send_template(self):
        """The template composer for the customer of this conversation (window closed)."""
        self.ensure_one()
        if self.channel_type != "zalo" or not self.zalo_partner_link_id:
            return super().action_zalo_send_template()
        partner = self.zalo_partner_link_id.partner_id
        return {
            "type": "ir.actions.act_window",
            "name": _("Send a Zalo template to %s", partner.display_name),
            "res_model": "zalo.zbs.composer",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partner.ids,
                "active_id": partner.id,
                "default_channel_id": self.id,
            },
        }
