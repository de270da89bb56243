from odoo import fields, models

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
