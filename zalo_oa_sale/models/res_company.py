from odoo import fields, models
from odoo.addons.zalo_oa_zbs.models.zalo_zbs_template_usage import USER, template_field

ORDER = "sale.order"


class ResCompany(models.Model):
    _inherit = "res.company"

    zalo_sale_auto_confirm = fields.Boolean("Zalo message on order confirmation", groups=USER)
    zalo_sale_confirm_template_id = template_field(
        ORDER, "Order confirmation template", groups=USER
    )
    zalo_sale_auto_cancel = fields.Boolean("Zalo message on order cancellation", groups=USER)
    zalo_sale_cancel_template_id = template_field(ORDER, "Order cancellation template", groups=USER)
    zalo_sale_auto_paid = fields.Boolean("Zalo message on full payment", groups=USER)
    zalo_sale_paid_template_id = template_field(ORDER, "Payment received template", groups=USER)
