from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        orders = invoices.sudo().invoice_line_ids.sale_line_ids.order_id
        orders._zalo_check_paid()
        return res
