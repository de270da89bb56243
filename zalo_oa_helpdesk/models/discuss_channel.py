from markupsafe import Markup, escape

from odoo import _, models
from odoo.exceptions import AccessError, UserError


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def zalo_action_create_ticket(self):
        """ "Create Ticket" thread action: a ticket for the customer, opened."""
        self.ensure_one()
        ticket = self._zalo_create_ticket()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
            "views": [[False, "form"]],
            "target": "current",
        }

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
        self.ensure_one()
        if self.channel_type != "zalo":
            raise UserError(_("Tickets can only be created from a Zalo conversation here."))
        self.check_access_rights("read")
        self.check_access_rule("read")
        Ticket = self.env["helpdesk.ticket"]
        if not Ticket.check_access_rights("create", raise_exception=False):
            raise AccessError(
                _("You are not allowed to create tickets: ask for access to the Helpdesk.")
            )
        if not self.sudo()._zalo_customer():
            raise UserError(_("This conversation has no customer to open a ticket for."))
        if not self._zalo_helpdesk_team():
            raise UserError(
                _(
                    "No helpdesk team for tickets from %(oa)s: a Zalo administrator sets one "
                    "on the Official Account (Helpdesk team).",
                    oa=self.sudo().zalo_oa_id.name,
                )
            )
        company = self.sudo().zalo_oa_id.company_id
        if company:
            Ticket = Ticket.with_company(company)
        ticket = Ticket.with_context(zalo_defer_auto_send=True).create(
            self._zalo_ticket_values(name)
        )
        ticket = ticket.with_context(zalo_defer_auto_send=False)
        self._zalo_link_document(ticket, "created")
        self._zalo_post_ticket_note(ticket)
        ticket._message_log(
            body=escape(_("Created from the Zalo conversation %(channel)s."))
            % {
                "channel": self._zalo_channel_link(),
            }
        )
        ticket._zalo_auto_send("created")
        return ticket

    def _zalo_ticket_values(self, name=None):
        self.ensure_one()
        channel = self.sudo()
        oa = channel.zalo_oa_id
        link = channel.zalo_partner_link_id
        partner = link.partner_id
        user = self.env.user
        team = self._zalo_helpdesk_team()
        values = {
            "name": name
            or _(
                "%(customer)s (Zalo %(oa)s)",
                customer=partner.name or link.zalo_display_name or _("Zalo customer"),
                oa=oa.name,
            ),
            "description": channel._zalo_history_html()
            or Markup("<p>%s</p>") % _("Created from a Zalo conversation on %s.", oa.name),
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "company_id": oa.company_id.id or self.env.company.id,
        }
        zalo_channel = self.env.ref(
            "zalo_oa_helpdesk.helpdesk_ticket_channel_zalo", raise_if_not_found=False
        )
        if zalo_channel:
            values["channel_id"] = zalo_channel.id
        values["team_id"] = team.id
        # Operators are often not helpdesk agents: assign only the team's agents.
        if user.has_group("helpdesk_mgmt.group_helpdesk_user") and (
            not team or user in team.user_ids
        ):
            values["user_id"] = user.id
        return values

    def _zalo_post_ticket_note(self, ticket):
        """A note in the conversation pointing to the new ticket (never sent to Zalo)."""
        body = escape(_("%(user)s created the ticket %(ticket)s.")) % {
            "user": self.env.user.name,
            "ticket": ticket._get_html_link(),
        }
        self._zalo_post_internal_note(body)
