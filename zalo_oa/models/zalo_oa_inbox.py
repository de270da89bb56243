from odoo import fields, models

#: Advisory-lock namespace of the assignment of new conversations (per OA).
ASSIGN_LOCK = 74021


class ZaloOa(models.Model):
    """The team inbox settings of an OA: who owns a new conversation."""

    _inherit = "zalo.oa"

    assignment_rule = fields.Selection(
        [
            ("round_robin", "Round-robin among online operators"),
            ("least_busy", "Online operator with the fewest open conversations"),
            ("manual", "Manual (operators take conversations over)"),
        ],
        string="Assignment",
        default="round_robin",
        required=True,
        help="Who owns a new conversation, or one the customer reopens. Online means "
        "connected to Odoo now (Discuss presence). When no operator is online, or with "
        "the manual rule, the conversation stays unassigned and every operator sees it "
        "until one of them takes it over.",
    )
    waiting_alert_minutes = fields.Integer(
        string="Waiting alert (minutes)",
        default=15,
        help="Conversations whose customer has been waiting longer than this for an "
        "answer are highlighted in the conversation lists.",
    )

    def _zalo_online_operators(self):
        """Operators of the OA connected now (Discuss presence, like Live Chat)."""
        self.ensure_one()
        operators = self.sudo().operator_ids.filtered(lambda user: user.active)
        return operators.filtered(lambda user: user.im_status == "online").sorted("id")

    def _zalo_pick_owner(self):
        """The operator a new (or reopened) conversation goes to, by the OA's rule.

        Round-robin: the online operator whose last assignment in this OA is the oldest
        (never assigned first). Least busy: the fewest open conversations, then
        round-robin. An empty recordset when the rule is manual or nobody is online.
        """
        self.ensure_one()
        users = self.env["res.users"]
        if self.assignment_rule == "manual":
            return users
        candidates = self._zalo_online_operators()
        if not candidates:
            return users
        # Serialize the choice per OA (concurrent workers create conversations at once);
        # released at commit, taken by nothing else.
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ASSIGN_LOCK, self.id])
        self.env["discuss.channel"].flush_model(
            ["zalo_owner_id", "zalo_assign_seq", "zalo_status", "zalo_oa_id"]
        )
        self.env.cr.execute(
            """
            SELECT u.id,
                   (SELECT max(c.zalo_assign_seq) FROM discuss_channel c
                     WHERE c.zalo_owner_id = u.id AND c.zalo_oa_id = %(oa)s),
                   (SELECT count(*) FROM discuss_channel c
                     WHERE c.zalo_owner_id = u.id AND c.zalo_oa_id = %(oa)s
                       AND c.zalo_status = 'open')
              FROM unnest(%(users)s::int[]) AS u(id)
            """,
            {"oa": self.id, "users": candidates.ids},
        )
        stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}

        def last_assigned(user):
            # never assigned first, then the oldest assignment, then the lowest id
            last = stats[user.id][0]
            return (last is not None, last or 0, user.id)

        if self.assignment_rule == "least_busy":
            return min(candidates, key=lambda user: (stats[user.id][1], *last_assigned(user)))
        return min(candidates, key=last_assigned)
