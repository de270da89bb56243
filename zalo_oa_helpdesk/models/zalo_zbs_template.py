from odoo import fields, models

HELPDESK_USAGES = [
    ("created", "Ticket created"),
    ("assigned", "Ticket assigned"),
    ("updated", "Ticket updated"),
    ("done", "Ticket done"),
    ("rating", "Rating request"),
]


class ZaloZbsTemplate(models.Model):
    _inherit = "zalo.zbs.template"

    zalo_helpdesk_usage = fields.Selection(
        HELPDESK_USAGES,
        string="Helpdesk use",
        copy=True,
        help="What the template announces on a ticket: «Send via Zalo» preselects it and the "
        "helpdesk teams' «Use the Zalo templates» button sets it up.",
    )
