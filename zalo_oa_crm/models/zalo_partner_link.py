from odoo import models


class ZaloPartnerLink(models.Model):
    _inherit = "zalo.partner.link"

    def action_zalo_create_lead(self):
        """ "Create Lead" on the customer form: a lead from this customer's conversation."""
        self.ensure_one()
        channel = self.channel_id or self.env["discuss.channel"]._zalo_get_channel(self)
        return channel.zalo_action_create_lead()
