from odoo import api, fields, models
from odoo.addons.zalo_oa_zbs.models.zalo_zbs_template_usage import template_setting

#: event -> usage of the shipped template proposed when the automatic send is switched on
EVENTS = {"confirm": "confirmation", "cancel": "cancel", "paid": "paid"}
ORDER = "sale.order"
#: the settings edit the company's fields ``zalo_sale_auto_<event>`` and ``..._template_id``
COMPANY = "company_id.zalo_sale_"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_sale_auto_confirm = fields.Boolean(related=COMPANY + "auto_confirm", readonly=False)
    zalo_sale_confirm_template_id = template_setting(ORDER, COMPANY + "confirm_template_id")
    zalo_sale_auto_cancel = fields.Boolean(related=COMPANY + "auto_cancel", readonly=False)
    zalo_sale_cancel_template_id = template_setting(ORDER, COMPANY + "cancel_template_id")
    zalo_sale_auto_paid = fields.Boolean(related=COMPANY + "auto_paid", readonly=False)
    zalo_sale_paid_template_id = template_setting(ORDER, COMPANY + "paid_template_id")

    @api.onchange("zalo_sale_auto_confirm", "zalo_sale_auto_cancel", "zalo_sale_auto_paid")
    def _onchange_zalo_sale_auto(self):
        """Propose the template made for the event when an automatic send is switched on."""
        for event, usage in EVENTS.items():
            field = f"zalo_sale_{event}_template_id"
            if self[f"zalo_sale_auto_{event}"] and not self[field]:
                self[field] = self.env["zalo.zbs.template"]._zalo_template_for(
                    ORDER, "zalo_sale_usage", usage, self.company_id
                )
