import datetime as dt
import logging

from odoo import api, fields, models
from odoo.tools import float_repr

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "zalo.zbs.mixin", "zalo.conversation.mixin"]

    zalo_no_auto_send = fields.Boolean(
        string="No Zalo payment reminders",
        copy=False,
        help="The automatic overdue reminders on Zalo skip this invoice. «Send via Zalo» "
        "still works.",
    )
    zalo_reminder_ids = fields.One2many(
        "zalo.invoice.reminder",
        "move_id",
        string="Zalo payment reminders",
        readonly=True,
        groups="zalo_oa.group_zalo_user",
    )
    # ------------------------------------------------------------ zbs hooks

    def _zalo_zbs_default_template(self, templates):
        """A payment request for a customer invoice with something left to pay."""
        self.ensure_one()
        if self.move_type == "out_invoice" and self.payment_state in ("not_paid", "partial"):
            requests = templates.filtered(lambda t: t.zalo_account_usage == "payment_request")
            if requests:
                return requests[:1]
        return templates[:1]

    # ------------------------------------------------------------- reminders

    def _zalo_amount_key(self):
        """The amount due as text, rounded to the currency (one reminder per value)."""
        self.ensure_one()
        currency = self.currency_id
        return float_repr(currency.round(self.amount_residual), currency.decimal_places)

    @api.model
    def _zalo_reminder_today(self, company):
        """Today in the company's timezone (Vietnam for Vietnamese companies)."""
        tz = self.env["zalo.zbs.template.param"]._zbs_tz(company)
        return dt.datetime.now(tz).date()

    @api.model
    def _zalo_reminder_due_invoices(self, company, today=None):
        """Customer invoices of ``company`` overdue by the configured days, not reminded
        yet for the amount they have due now."""
        company = company.sudo()
        today = today or self._zalo_reminder_today(company)
        last_due_date = today - dt.timedelta(days=max(company.zalo_invoice_reminder_days, 0))
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<=", last_due_date),
            ("zalo_no_auto_send", "=", False),
        ]
        if company.zalo_invoice_reminder_from:
            domain.append(("invoice_date_due", ">=", company.zalo_invoice_reminder_from))
        invoices = self.sudo().search(domain, order="invoice_date_due, id")
        reminded = {
            (reminder.move_id.id, reminder.amount_key)
            for reminder in self.env["zalo.invoice.reminder"]
            .sudo()
            .search([("move_id", "in", invoices.ids)])
        }
        return invoices.filtered(
            lambda m: (
                not m.currency_id.is_zero(m.amount_residual)
                and (m.id, m._zalo_amount_key()) not in reminded
            )
        )

    def _zalo_send_reminders(self, template):
        """Send the reminder ``template`` for these invoices, and remember the amounts."""
        if not self:
            return self.env["zalo.message"]
        rows = self.sudo()._zalo_zbs_send(template.sudo())
        by_move = {row.res_id: row for row in rows}
        self.env["zalo.invoice.reminder"].sudo().create(
            [
                {
                    "move_id": move.id,
                    "currency_id": move.currency_id.id,
                    "amount": move.amount_residual,
                    "amount_key": move._zalo_amount_key(),
                    "message_id": by_move[move.id].id if move.id in by_move else False,
                }
                for move in self
            ]
        )
        return rows

    @api.model
    def _cron_zalo_payment_reminders(self):
        """Daily: a Zalo reminder for customer invoices overdue by N days (Zalo settings)."""
        companies = self.env["res.company"].sudo().search([("zalo_invoice_reminder", "=", True)])
        rows = self.env["zalo.message"]
        for company in companies:
            template = company.zalo_invoice_reminder_template_id
            if not template or template.state != "enabled" or not template.zalo_template_id:
                _logger.info(
                    "Zalo payment reminders of company %s skipped: no template approved by Zalo "
                    "is set.",
                    company.id,
                )
                continue
            invoices = self._zalo_reminder_due_invoices(company)
            rows |= invoices._zalo_send_reminders(template)
        return rows
