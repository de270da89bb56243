from odoo import fields, models

from .zalo_zbs_template import BUTTON_TYPES


class ZaloZbsTemplateRow(models.Model):
    """A row of the template's table (title: value), e.g. «Mã đơn hàng: <order_ref>»."""

    _name = "zalo.zbs.template.row"
    _description = "Zalo ZBS Template Table Row"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "zalo.zbs.template", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    title = fields.Char(required=True, help="3 to 36 characters, no param.")
    value = fields.Char(required=True, help="3 to 90 characters, at most one param.")


class ZaloZbsTemplateButton(models.Model):
    """A call-to-action button of the template (at most two)."""

    _name = "zalo.zbs.template.button"
    _description = "Zalo ZBS Template Button"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "zalo.zbs.template", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    button_type = fields.Selection(BUTTON_TYPES, string="Action", required=True, default="1")
    title = fields.Char(required=True, help="5 to 30 characters.")
    content = fields.Char(
        string="Link or phone", required=True, help="The URL to open or the phone number to call."
    )
