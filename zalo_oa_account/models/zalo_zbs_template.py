from odoo import api, fields, models


class ZaloZbsTemplate(models.Model):
    _inherit = "zalo.zbs.template"

    zalo_account_usage = fields.Selection(
        [("payment_request", "Payment request")],
        string="Invoicing use",
        copy=True,
        help="A payment request is preselected by «Send via Zalo» on unpaid customer invoices "
        "and offered for the overdue reminders.",
    )

    @api.model
    def _zalo_account_template_for(self, usage, company=None):
        """The invoicing template for ``usage`` and ``company``: an enabled one first."""
        domain = [("model", "=", "account.move"), ("zalo_account_usage", "=", usage)]
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        templates = self.search(domain)
        return templates.filtered(lambda t: t.state == "enabled")[:1] or templates[:1]
