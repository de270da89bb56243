from odoo import fields, models


class ZaloHelpdeskStageRule(models.Model):
    """When a ticket of a team reaches a stage, send a Zalo template to its customer."""

    _name = "zalo.helpdesk.stage.rule"
    _description = "Zalo template sent on a helpdesk stage"
    _order = "sequence, id"

    team_id = fields.Many2one("helpdesk.ticket.team", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="When the ticket reaches",
        required=True,
        ondelete="cascade",
        domain="['|', ('team_ids', '=', False), ('team_ids', '=', team_id)]",
    )
    stage_closed = fields.Boolean(related="stage_id.closed", string="Closing stage")
    template_id = fields.Many2one(
        "zalo.zbs.template",
        string="Send",
        required=True,
        ondelete="cascade",
        domain="[('model', '=', 'helpdesk.ticket')]",
    )
    template_state = fields.Selection(related="template_id.state", string="Template status")
