from odoo import models


class ZaloPartnerLink(models.Model):
    _inherit = "zalo.partner.link"

    def action_zalo_create_ticket(self):
        """ "Create Ticket" on the customer form: a ticket from this customer's conversation."""
        return self._zalo_conversation().action_zalo_create_ticket()
