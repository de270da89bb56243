from odoo import fields, models


class ZaloOA(models.Model):
    _inherit = "zalo.oa"

    helpdesk_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Helpdesk team",
        ondelete="set null",
        help="Team of the tickets created from this Official Account's conversations.",
    )
