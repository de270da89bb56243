from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "zalo.zbs.mixin", "zalo.conversation.mixin"]
    #: Without a salesperson / assignee, ``user_id.…`` params name the team leader.
    _zalo_zbs_user_stand_in = True

    zalo_no_auto_send = fields.Boolean(
        string="No automatic Zalo messages",
        copy=False,
        help="The team's automatic Zalo messages (created, assigned, stage changes) are not "
        "sent for this ticket. «Send via Zalo» still works.",
    )
    zalo_rating = fields.Selection(
        [(str(n), "★" * n) for n in range(1, 6)],
        string="Zalo rating",
        readonly=True,
        copy=False,
        help="The customer's last answer to a Zalo service-rating template about this ticket.",
    )
    zalo_rating_note = fields.Text(string="Zalo rating comment", readonly=True, copy=False)
    zalo_rated_at = fields.Datetime(string="Rated on Zalo", readonly=True, copy=False)

    # ------------------------------------------------------------ zbs hooks

    def _zalo_zbs_on_rating(self, message, answer):
        """The customer's last answer to a rating template is the ticket's Zalo rating."""
        self.ensure_one()
        self.sudo().write(
            {
                "zalo_rating": message.zbs_rating or False,
                "zalo_rating_note": message.zbs_rating_note or False,
                "zalo_rated_at": message.zbs_rated_at,
            }
        )
        return super()._zalo_zbs_on_rating(message, answer)

    def _zalo_zbs_default_template(self, templates):
        """Done (closed), updated (in progress), assigned or created, by the ticket's state."""
        self.ensure_one()
        if self.closed:
            order = ("done", "rating")
        elif self.stage_id and self.stage_id != self.team_id._get_applicable_stages()[:1]:
            order = ("updated", "assigned")
        elif self.user_id:
            order = ("assigned", "created")
        else:
            order = ("created",)
        for usage in order:
            matching = templates.filtered(lambda t, u=usage: t.zalo_helpdesk_usage == u)
            if matching:
                return matching[:1]
        return templates[:1]

    # ------------------------------------------------------- automatic sends

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        if not self.env.context.get("zalo_defer_auto_send"):
            tickets._zalo_auto_send("created")
        return tickets

    def write(self, vals):
        watched = {"stage_id", "user_id", "team_id"} & set(vals)
        before = (
            {ticket.id: (ticket.stage_id, ticket.user_id) for ticket in self} if watched else {}
        )
        res = super().write(vals)
        if before and not self.env.context.get("zalo_defer_auto_send"):
            assigned = self.filtered(lambda t: t.user_id and t.user_id != before[t.id][1])
            moved = self.filtered(lambda t: t.stage_id and t.stage_id != before[t.id][0])
            assigned._zalo_auto_send("assigned")
            moved._zalo_auto_send_stage()
        return res

    def _zalo_auto_tickets(self):
        """The tickets whose team sends Zalo notifications (and that did not opt out)."""
        return self.filtered(
            lambda t: not t.zalo_no_auto_send and t.team_id and t.team_id.sudo().zalo_auto_send
        )

    def _zalo_auto_send(self, event):
        """The team's template for ``event`` (created, assigned). Never raises."""
        rows = self.env["zalo.message"]
        tickets = self._zalo_auto_tickets()
        for team in tickets.team_id:
            template = team.sudo()[f"zalo_{event}_template_id"]
            if template:
                batch = tickets.filtered(lambda t, tm=team: t.team_id == tm)
                rows |= batch.sudo()._zalo_zbs_send(template.sudo())
        return rows

    def _zalo_auto_send_stage(self):
        """The templates of the team's rules for the stage each ticket just reached."""
        rows = self.env["zalo.message"]
        for ticket in self._zalo_auto_tickets():
            rules = ticket.team_id.sudo().zalo_stage_rule_ids.filtered(
                lambda r, t=ticket: r.stage_id == t.stage_id
            )
            for rule in rules:
                rows |= ticket.sudo()._zalo_zbs_send(rule.template_id)
        return rows
