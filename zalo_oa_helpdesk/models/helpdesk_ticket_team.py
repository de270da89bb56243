from odoo import Command, fields, models
from odoo.addons.zalo_oa_zbs.models.zalo_zbs_template_usage import template_field

TICKET = "helpdesk.ticket"


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    zalo_auto_send = fields.Boolean(
        string="Zalo notifications",
        help="Send the templates below to the ticket's customer on Zalo automatically. Only "
        "templates approved by Zalo are sent; a ticket can opt out.",
    )
    zalo_created_template_id = template_field(
        TICKET, "When a ticket is created", company="company_id"
    )
    zalo_assigned_template_id = template_field(
        TICKET,
        "When a ticket is assigned",
        company="company_id",
        help="Sent when the assigned user changes after the ticket was created.",
    )
    # Only Zalo users read the rules (zalo.* models); copy() duplicates them for
    # helpdesk managers outside the Zalo groups too.
    zalo_stage_rule_ids = fields.One2many(
        "zalo.helpdesk.stage.rule",
        "team_id",
        string="When a ticket reaches a stage",
        copy=False,
    )

    def copy(self, default=None):
        team = super().copy(default)
        if "zalo_stage_rule_ids" not in (default or {}):
            for rule in self.sudo().zalo_stage_rule_ids:
                rule.copy({"team_id": team.id})
        return team

    def action_zalo_use_default_templates(self):
        """Set up the suite's helpdesk templates: created, assigned, every open stage but the
        first (updated), and the «Done» stage (done, then the rating request)."""
        Template = self.env["zalo.zbs.template"]
        done_stage = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False
        )
        for team in self:
            company = team.company_id or self.env.company

            def template(usage, company=company):
                return Template._zalo_template_for(TICKET, "zalo_helpdesk_usage", usage, company)

            stages = team._get_applicable_stages()
            open_stages = stages.filtered(lambda s: not s.closed)[1:]
            if done_stage and done_stage in stages:
                done_stages = done_stage
            else:
                done_stages = stages.filtered("closed")[:1]
            rules = [(stage, template("updated")) for stage in open_stages]
            rules += [(stage, template("done")) for stage in done_stages]
            rules += [(stage, template("rating")) for stage in done_stages]
            team.write(
                {
                    "zalo_auto_send": True,
                    "zalo_created_template_id": template("created").id,
                    "zalo_assigned_template_id": template("assigned").id,
                    "zalo_stage_rule_ids": [Command.clear()]
                    + [
                        Command.create(
                            {"sequence": index, "stage_id": stage.id, "template_id": tpl.id}
                        )
                        for index, (stage, tpl) in enumerate(rules, start=1)
                        if tpl
                    ],
                }
            )
        return True
