from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ZaloLinkPartnerWizard(models.TransientModel):
    """Link a Zalo user (usually a shadow contact) to an existing contact."""

    _name = "zalo.link.partner.wizard"
    _description = "Link a Zalo user to an existing contact"

    link_id = fields.Many2one("zalo.partner.link", required=True, ondelete="cascade")
    current_partner_id = fields.Many2one(related="link_id.partner_id", string="Current contact")
    is_shadow = fields.Boolean(related="link_id.is_shadow")
    partner_id = fields.Many2one(
        "res.partner",
        string="Existing contact",
        required=True,
        domain="[('id', '!=', current_partner_id)]",
    )

    @api.constrains("partner_id", "link_id")
    def _check_partner(self):
        for wizard in self:
            if wizard.partner_id == wizard.link_id.partner_id:
                raise UserError(_("Choose a different contact."))

    def action_link(self):
        self.ensure_one()
        self.link_id._merge_into(self.partner_id)
        return {"type": "ir.actions.act_window_close"}
