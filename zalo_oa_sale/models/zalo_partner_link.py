from odoo import models


class ZaloPartnerLink(models.Model):
    _inherit = "zalo.partner.link"

    def action_zalo_create_quotation(self):
        """ "Create Quotation" on the customer form: a quotation from this conversation."""
        self.ensure_one()
        channel = self.channel_id or self.env["discuss.channel"]._zalo_get_channel(self)
        return channel.zalo_action_create_quotation()
