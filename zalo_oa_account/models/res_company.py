from odoo import fields, models
from odoo.addons.zalo_oa_zbs.models.zalo_zbs_template_usage import template_field


class ResCompany(models.Model):
    _inherit = "res.company"

    zalo_invoice_reminder = fields.Boolean(
        string="Zalo payment reminders", groups="zalo_oa.group_zalo_user"
    )
    zalo_invoice_reminder_days = fields.Integer(
        string="Days after the due date",
        default=3,
        groups="zalo_oa.group_zalo_user",
    )
    zalo_invoice_reminder_template_id = template_field(
        "account.move", "Payment reminder template", groups="zalo_oa.group_zalo_user"
    )
    zalo_invoice_reminder_from = fields.Date(
        string="Remind invoices due from",
        groups="zalo_oa.group_zalo_user",
        help="Only invoices due on or after this date are reminded, so that switching the "
        "reminders on does not message every old unpaid invoice at once.",
    )
