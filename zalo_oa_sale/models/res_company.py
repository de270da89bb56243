from odoo import fields, models

TEMPLATE_DOMAIN = "[('model', '=', 'sale.order'), ('company_id', 'in', [id, False])]"


class ResCompany(models.Model):
    _inherit = "res.company"

    zalo_sale_auto_confirm = fields.Boolean(
        string="Zalo message on order confirmation", groups="zalo_oa.group_zalo_user"
    )
    zalo_sale_confirm_template_id = fields.Many2one(
        "zalo.zbs.template",
        string="Order confirmation template",
        domain=TEMPLATE_DOMAIN,
        ondelete="set null",
        groups="zalo_oa.group_zalo_user",
    )
    zalo_sale_auto_cancel = fields.Boolean(
        string="Zalo message on order cancellation", groups="zalo_oa.group_zalo_user"
    )
    zalo_sale_cancel_template_id = fields.Many2one(
        "zalo.zbs.template",
        string="Order cancellation template",
        domain=TEMPLATE_DOMAIN,
        ondelete="set null",
        groups="zalo_oa.group_zalo_user",
    )
    zalo_sale_auto_paid = fields.Boolean(
        string="Zalo message on full payment", groups="zalo_oa.group_zalo_user"
    )
    zalo_sale_paid_template_id = fields.Many2one(
        "zalo.zbs.template",
        string="Payment received template",
        domain=TEMPLATE_DOMAIN,
        ondelete="set null",
        groups="zalo_oa.group_zalo_user",
    )
