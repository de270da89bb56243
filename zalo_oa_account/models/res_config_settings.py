from odoo import api, fields, models
from odoo.addons.zalo_oa_zbs.models.zalo_zbs_template_usage import template_setting


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_invoice_reminder = fields.Boolean(
        related="company_id.zalo_invoice_reminder", readonly=False
    )
    zalo_invoice_reminder_days = fields.Integer(
        related="company_id.zalo_invoice_reminder_days", readonly=False
    )
    zalo_invoice_reminder_template_id = template_setting(
        "account.move", "company_id.zalo_invoice_reminder_template_id"
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
            ]._zalo_template_for(
                "account.move", "zalo_account_usage", "payment_request", self.company_id
            )
        if not self.zalo_invoice_reminder_from:
            self.zalo_invoice_reminder_from = fields.Date.context_today(self)
