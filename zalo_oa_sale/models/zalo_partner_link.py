from odoo import models


class ZaloPartnerLink(models.Model):
    _inherit = "zalo.partner.link"

    def action_zalo_create_quotation(self):
        """ "Create Quotation" on the customer form: a quotation from this conversation."""
        return self._zalo_conversation().action_zalo_create_quotation()
