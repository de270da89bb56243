from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _reconcile_after_done(self):
        res = super()._reconcile_after_done()
        self.filtered(lambda tx: tx.state == "done").sudo().sale_order_ids._zalo_check_paid()
        return res
