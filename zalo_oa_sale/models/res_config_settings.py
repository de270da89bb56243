from odoo import api, fields, models

#: event -> usage of the shipped template proposed when the automatic send is switched on
EVENTS = {"confirm": "confirmation", "cancel": "cancel", "paid": "paid"}
TEMPLATE_DOMAIN = "[('model', '=', 'sale.order'), ('company_id', 'in', [company_id, False])]"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_sale_auto_confirm = fields.Boolean(
        related="company_id.zalo_sale_auto_confirm", readonly=False
    )
    zalo_sale_confirm_template_id = fields.Many2one(
        related="company_id.zalo_sale_confirm_template_id",
        readonly=False,
        domain=TEMPLATE_DOMAIN,
    )
    zalo_sale_auto_cancel = fields.Boolean(
        related="company_id.zalo_sale_auto_cancel", readonly=False
    )
    zalo_sale_cancel_template_id = fields.Many2one(
        related="company_id.zalo_sale_cancel_template_id",
        readonly=False,
        domain=TEMPLATE_DOMAIN,
    )
    zalo_sale_auto_paid = fields.Boolean(related="company_id.zalo_sale_auto_paid", readonly=False)
    zalo_sale_paid_template_id = fields.Many2one(
        related="company_id.zalo_sale_paid_template_id",
        readonly=False,
        domain=TEMPLATE_DOMAIN,
    )

    @api.onchange("zalo_sale_auto_confirm", "zalo_sale_auto_cancel", "zalo_sale_auto_paid")
    def _onchange_zalo_sale_auto(self):
        """Propose the template made for the event when an automatic send is switched on."""
        for event, usage in EVENTS.items():
            field = f"zalo_sale_{event}_template_id"
            if self[f"zalo_sale_auto_{event}"] and not self[field]:
                self[field] = self.env["zalo.zbs.template"]._zalo_sale_template_for(
                    usage, self.company_id
                )
