from odoo import _, fields, models
from odoo.addons.zalo_oa_zbs.models.zalo_zbs_template_param import ZbsValueError


class ZaloZbsTemplateParam(models.Model):
    _inherit = "zalo.zbs.template.param"

    source = fields.Selection(
        selection_add=[("amount_due", "Amount still due (invoice)")],
        ondelete={"amount_due": "set default"},
    )

    def _zbs_value_amount_due(self, record, company):
        """What the customer still has to pay: the residual, not the total.

        A partially paid invoice asks for the rest; an invoice with nothing left to pay
        (or not posted yet) cannot be sent, with the reason.
        """
        if record._name != "account.move" or not record.is_invoice(include_receipts=True):
            raise ZbsValueError(_("only invoices have an amount due"))
        if record.state != "posted":
            raise ZbsValueError(_("%s is not confirmed yet", record.display_name))
        if record.currency_id.is_zero(record.amount_residual) or record.payment_state in (
            "paid",
            "in_payment",
            "reversed",
        ):
            raise ZbsValueError(_("nothing is left to pay on %s", record.display_name))
        return self._zbs_format_amount(
            record.amount_residual,
            record.currency_id,
            company,
            self.max_length,
            self.amount_style,
        )
