from odoo import api, fields, models


class ZaloConversationAssignWizard(models.TransientModel):
    """Reassign Zalo conversations to an operator of their OA (a note in each)."""

    _name = "zalo.conversation.assign.wizard"
    _description = "Assign Zalo conversations"

    channel_ids = fields.Many2many("discuss.channel", string="Conversations", required=True)
    allowed_user_ids = fields.Many2many("res.users", compute="_compute_allowed_user_ids")
    user_id = fields.Many2one(
        "res.users",
        string="Assign to",
        required=True,
        domain="[('id', 'in', allowed_user_ids)]",
        help="An operator of the Official Account of every selected conversation.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "channel_ids" in fields_list and self.env.context.get("active_model") == (
            "discuss.channel"
        ):
            values["channel_ids"] = [(6, 0, self.env.context.get("active_ids") or [])]
        return values

    @api.depends("channel_ids")
    def _compute_allowed_user_ids(self):
        for wizard in self:
            oas = wizard.channel_ids.sudo().zalo_oa_id
            users = oas[:1].operator_ids
            for oa in oas[1:]:
                users &= oa.operator_ids
            wizard.allowed_user_ids = users.filtered("active")

    def action_assign(self):
        self.ensure_one()
        self.channel_ids.action_zalo_assign(self.user_id.id)
        return {"type": "ir.actions.act_window_close"}
