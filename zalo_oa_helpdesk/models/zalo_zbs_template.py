from odoo import api, fields, models

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

    @api.model
    def _zalo_helpdesk_template_for(self, usage, company=None):
        """The helpdesk template for ``usage`` and ``company``: an enabled one first."""
        domain = [("model", "=", "helpdesk.ticket"), ("zalo_helpdesk_usage", "=", usage)]
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        templates = self.search(domain)
        return templates.filtered(lambda t: t.state == "enabled")[:1] or templates[:1]
