from odoo import api, fields, models

from ..tools import params as zbs_params


class ZaloZbsComposerValue(models.TransientModel):
    """One param of the template in «Send via Zalo», reviewed before a single send.

    Prefilled with the value rendered from the document; the user may change it.
    The value is checked against Zalo's type and maximum length of the param as
    it is typed (``error``), and the composer's preview and send use it.
    """

    _name = "zalo.zbs.composer.value"
    _description = "Value of a Zalo template param before sending"
    _order = "id"

    composer_id = fields.Many2one(
        "zalo.zbs.composer", required=True, ondelete="cascade", index=True
    )
    param_id = fields.Many2one(
        "zalo.zbs.template.param", string="Template param", required=True, ondelete="cascade"
    )
    name = fields.Char(related="param_id.name", string="Param")
    param_type = fields.Selection(related="param_id.param_type")
    max_length = fields.Integer(related="param_id.max_length")
    type_hint = fields.Char(string="Expected", compute="_compute_type_hint")
    value = fields.Char()
    initial_value = fields.Char(
        string="Value from the document", help="The value rendered from the document."
    )
    edited = fields.Boolean(compute="_compute_error")
    error = fields.Char(compute="_compute_error")

    @api.depends("param_id.param_type", "param_id.max_length")
    def _compute_type_hint(self):
        for line in self:
            line.type_hint = line.param_id._zbs_type_hint() if line.param_id else False

    @api.depends("value", "initial_value", "param_id")
    def _compute_error(self):
        for line in self:
            line.edited = zbs_params.clean_value(line.value) != zbs_params.clean_value(
                line.initial_value
            )
            if not line.param_id:
                line.error = False
                continue
            line.error = line.param_id._zbs_check_text(line.value, edited=line.edited) or False
