from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_invoice_reminder = fields.Boolean(
        related="company_id.zalo_invoice_reminder", readonly=False
    )
    zalo_invoice_reminder_days = fields.Integer(
        related="company_id.zalo_invoice_reminder_days", readonly=False
    )
    zalo_invoice_reminder_template_id = fields.Many2one(
        related="company_id.zalo_invoice_reminder_template_id",
        readonly=False,
        domain="[('model', '=', 'account.move'), ('company_id', 'in', [company_id, False])]",
    )
    zalo_invoice_reminder_from = fields.Date(
        related="company_id.zalo_invoice_reminder_from", readonly=False
    )

    @api.onchange("zalo_invoice_reminder")
    def _onchange_zalo_invoice_reminder(self):
        """Switched on: the payment request template, and only invoices due from today."""
        if not self.zalo_invoice_reminder:
            return
        if not self.zalo_invoice_reminder_template_id:
            self.zalo_invoice_reminder_template_id = self.env[
                "zalo.zbs.template"
            ]._zalo_account_template_for("payment_request", self.company_id)
        if not self.zalo_invoice_reminder_from:
            self.zalo_invoice_reminder_from = fields.Date.context_today(self)
