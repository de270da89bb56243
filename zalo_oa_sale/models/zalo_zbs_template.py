from odoo import api, fields, models

SALE_USAGES = [
    ("quotation", "Quotation"),
    ("confirmation", "Order confirmation"),
    ("paid", "Payment received"),
    ("cancel", "Order cancelled"),
]


class ZaloZbsTemplate(models.Model):
    _inherit = "zalo.zbs.template"

    zalo_sale_usage = fields.Selection(
        SALE_USAGES,
        string="Sales use",
        copy=True,
        help="What the template announces on a sales order: «Send via Zalo» preselects it "
        "according to the order's status, and the Zalo settings offer it for automatic sends.",
    )

    @api.model
    def _zalo_sale_template_for(self, usage, company=None):
        """The sales template announcing ``usage`` for ``company``: an enabled one first."""
        domain = [("model", "=", "sale.order"), ("zalo_sale_usage", "=", usage)]
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        templates = self.search(domain)
        return templates.filtered(lambda t: t.state == "enabled")[:1] or templates[:1]
