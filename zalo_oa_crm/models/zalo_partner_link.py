from odoo import models


class ZaloPartnerLink(models.Model):
    _inherit = "zalo.partner.link"

    def action_zalo_create_lead(self):
        """ "Create Lead" on the customer form: a lead from this customer's conversation."""
        return self._zalo_conversation().action_zalo_create_lead()
