from odoo import fields, models

from .zalo_chatter_mirror import DEFAULT_TEMPLATE_DAYS, PARAM_ENABLED, PARAM_TEMPLATE_DAYS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_chatter_bridge_enabled = fields.Boolean(
        string="Zalo chatter bridge",
        config_parameter=PARAM_ENABLED,
        help="Mirror every message of a Zalo conversation, both directions, as a note in the "
        "chatter of the documents linked to it.",
    )
    zalo_chatter_bridge_template_days = fields.Integer(
        string="Mirror into template documents for (days)",
        config_parameter=PARAM_TEMPLATE_DAYS,
        default=DEFAULT_TEMPLATE_DAYS,
        help="A document a ZBS template was sent from receives the conversation for this "
        "many days after the last template sent from it.",
    )
