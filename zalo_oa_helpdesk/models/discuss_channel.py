from markupsafe import Markup

from odoo import _, models
from odoo.exceptions import UserError


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def action_zalo_create_ticket(self):
        """ "Create Ticket" thread action: a ticket for the customer, opened."""
        self.ensure_one()
        return self._zalo_document_action(self._zalo_create_ticket())

    def execute_command_ticket(self, **kwargs):
        """``/ticket [title]`` typed in a Zalo conversation (registered in static/src).

        The same ticket as the button (the conversation as its description); the web
        client shows the returned notification with a link to it. An error creates nothing.
        """
        self.ensure_one()
        title = self._zalo_command_argument(kwargs.get("body"), "ticket")
        ticket = self._zalo_create_ticket(name=title or None)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Ticket created"),
                "message": "%s",
                "links": [
                    {
                        "label": ticket.display_name,
                        "url": f"#model=helpdesk.ticket&id={ticket.id}&view_type=form",
                    }
                ],
                "sticky": False,
            },
        }

    def _zalo_helpdesk_team(self):
        """The team of tickets from this conversation: the OA's team, else the team of the
        agent creating it, else the only team of the OA's company (none: empty)."""
        self.ensure_one()
        oa = self.sudo().zalo_oa_id
        if oa.helpdesk_team_id.active:
            return oa.helpdesk_team_id
        company = oa.company_id or self.env.company
        Team = self.env["helpdesk.ticket.team"].sudo()
        company_domain = [("company_id", "in", [company.id, False])]
        mine = Team.search([*company_domain, ("user_ids", "in", self.env.user.ids)], limit=2)
        if len(mine) == 1:
            return mine
        teams = Team.search(company_domain, limit=2)
        return teams if len(teams) == 1 else Team.browse()

    def _zalo_create_ticket(self, name=None):
        """A helpdesk ticket for the customer of this Zalo conversation, linked both ways.

        The team's «ticket created» message goes out once the ticket is linked, so the
        template send is related to this conversation as well.
        """
        ticket = self.with_context(zalo_defer_auto_send=True)._zalo_create_document(
            "helpdesk.ticket",
            lambda: self._zalo_ticket_values(name),
            not_zalo=_("Tickets can only be created from a Zalo conversation here."),
            forbidden=_("You are not allowed to create tickets: ask for access to the Helpdesk."),
            no_customer=_("This conversation has no customer to open a ticket for."),
            note=_("%(user)s created the ticket %(document)s."),
        )
        ticket = ticket.with_context(zalo_defer_auto_send=False)
        ticket._zalo_auto_send("created")
        return ticket

    def _zalo_ticket_values(self, name=None):
        self.ensure_one()
        channel = self.sudo()
        oa = channel.zalo_oa_id
        partner = channel.zalo_partner_link_id.partner_id
        user = self.env.user
        team = self._zalo_helpdesk_team()
        if not team:
            raise UserError(
                _(
                    "No helpdesk team for tickets from %(oa)s: a Zalo administrator sets one "
                    "on the Official Account (Helpdesk team).",
                    oa=oa.name,
                )
            )
        values = {
            "name": name or self._zalo_document_title(),
            "description": channel._zalo_history_html()
            or Markup("<p>%s</p>") % _("Created from a Zalo conversation on %s.", oa.name),
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "company_id": oa.company_id.id or self.env.company.id,
            "team_id": team.id,
        }
        zalo_channel = self.env.ref(
            "zalo_oa_helpdesk.helpdesk_ticket_channel_zalo", raise_if_not_found=False
        )
        if zalo_channel:
            values["channel_id"] = zalo_channel.id
        # Operators are often not helpdesk agents: assign only the team's agents.
        if user.has_group("helpdesk_mgmt.group_helpdesk_user") and user in team.user_ids:
            values["user_id"] = user.id
        return values
