from odoo import fields, models


class ZaloInvoiceReminder(models.Model):
    """An overdue reminder sent on Zalo for an invoice and the amount then due.

    One row per (invoice, amount): the reminder cron never sends the same amount of the
    same invoice twice. A partial payment changes the amount due, so a later reminder
    asks for the new amount once.
    """

    _name = "zalo.invoice.reminder"
    _description = "Zalo payment reminder of an invoice"
    _order = "id desc"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    currency_id = fields.Many2one("res.currency", required=True)
    amount = fields.Monetary(string="Amount due", required=True)
    amount_key = fields.Char(
        required=True, help="The amount due rounded to the currency, as text (uniqueness)."
    )
    message_id = fields.Many2one("zalo.message", string="Zalo message", ondelete="set null")
    state = fields.Selection(related="message_id.state", string="Status")

    _sql_constraints = [
        (
            "amount_unique",
            "UNIQUE(move_id, amount_key)",
            "This amount of the invoice was already reminded.",
        ),
    ]
