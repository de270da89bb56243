from odoo import fields, models


class ZaloZbsTemplate(models.Model):
    _inherit = "zalo.zbs.template"

    zalo_account_usage = fields.Selection(
        [("payment_request", "Payment request")],
        string="Invoicing use",
        copy=True,
        help="A payment request is preselected by «Send via Zalo» on unpaid customer invoices "
        "and offered for the overdue reminders.",
    )
