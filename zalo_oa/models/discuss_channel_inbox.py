"""The team inbox of Zalo conversations: an owner, a status, response times.

A conversation belongs to one operator (its owner), chosen by the OA's assignment rule
when it starts and when the customer reopens it; staff take it over or reassign it, with
a note in the conversation. Only the owner (and operators who joined it) are members:
they get the unread counter and the notifications; the other operators find it in the
OA's lists. An unassigned conversation (nobody online, manual rule) has every operator
as a member until one takes it over. Resolved and snoozed conversations are unpinned for
everyone, so the Discuss sidebar holds what needs an answer and its start-up does not
grow with the history; the customer's next message (or the end of a snooze) brings the
conversation back, pinned for its owner.
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("snoozed", "Snoozed")]


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    zalo_owner_id = fields.Many2one(
        "res.users",
        string="Owner",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
        help="The operator who answers this conversation: the member notified of new "
        "messages, with the unread counter.",
    )
    zalo_assigned_at = fields.Datetime(string="Assigned on", readonly=True, copy=False)
    zalo_assign_seq = fields.Integer(
        string="Assignment order", readonly=True, copy=False, index="btree_not_null"
    )
    zalo_status = fields.Selection(
        STATUSES, string="Conversation status", readonly=True, index="btree_not_null"
    )
    zalo_snoozed_until = fields.Datetime(string="Snoozed until", readonly=True, copy=False)
    zalo_waiting_since = fields.Datetime(
        string="Waiting since",
        readonly=True,
        copy=False,
        help="The time of the customer's oldest message not answered yet by staff.",
    )
    zalo_first_inbound_at = fields.Datetime(
        string="First customer message", readonly=True, copy=False
    )
    zalo_first_response_at = fields.Datetime(string="First response", readonly=True, copy=False)
    zalo_first_response_minutes = fields.Float(
        string="First response time (min)",
        readonly=True,
        copy=False,
        group_operator="avg",
        help="Minutes between the customer's first message and the first staff answer.",
    )
    zalo_response_count = fields.Integer(string="Answers", readonly=True, copy=False)
    zalo_response_minutes_total = fields.Float(
        string="Total response time (min)", readonly=True, copy=False
    )
    zalo_avg_response_minutes = fields.Float(
        string="Average response time (min)",
        compute="_compute_zalo_avg_response",
        store=True,
        group_operator="avg",
        help="Average of the minutes the customer waited for each staff answer.",
    )
    zalo_is_late = fields.Boolean(
        string="Waiting too long",
        compute="_compute_zalo_is_late",
        search="_search_zalo_is_late",
        help="Open, and the customer has been waiting longer than the OA's alert delay.",
    )
    zalo_waiting_minutes = fields.Integer(string="Waiting (min)", compute="_compute_zalo_is_late")
    zalo_customer_id = fields.Many2one(
        related="zalo_partner_link_id.partner_id", string="Customer", readonly=True
    )

    def init(self):
        super().init()
        # Conversations from before the inbox: open, unassigned.
        self.env.cr.execute(
            "UPDATE discuss_channel SET zalo_status = 'open' "
            "WHERE channel_type = 'zalo' AND zalo_status IS NULL"
        )
        self.env.cr.execute("CREATE SEQUENCE IF NOT EXISTS zalo_oa_assign_seq")
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS discuss_channel_zalo_owner_status_idx "
            "ON discuss_channel (zalo_owner_id, zalo_oa_id, zalo_status) "
            "WHERE zalo_owner_id IS NOT NULL"
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("channel_type") == "zalo":
                vals.setdefault("zalo_status", "open")
        return super().create(vals_list)

    @api.depends("zalo_response_count", "zalo_response_minutes_total")
    def _compute_zalo_avg_response(self):
        for channel in self:
            count = channel.zalo_response_count
            channel.zalo_avg_response_minutes = (
                channel.zalo_response_minutes_total / count if count else 0.0
            )

    @api.depends("zalo_waiting_since", "zalo_status", "zalo_oa_id.waiting_alert_minutes")
    def _compute_zalo_is_late(self):
        now = fields.Datetime.now()
        for channel in self:
            since = channel.zalo_waiting_since if channel.zalo_status == "open" else False
            minutes = int((now - since).total_seconds() // 60) if since else 0
            channel.zalo_waiting_minutes = minutes
            limit = channel.sudo().zalo_oa_id.waiting_alert_minutes
            channel.zalo_is_late = bool(since) and limit > 0 and minutes >= limit

    def _search_zalo_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Waiting too long'."))
        self.env["discuss.channel"].flush_model(["zalo_waiting_since", "zalo_status"])
        self.env.cr.execute(
            """
            SELECT c.id FROM discuss_channel c JOIN zalo_oa oa ON oa.id = c.zalo_oa_id
             WHERE c.channel_type = 'zalo' AND c.zalo_status = 'open'
               AND c.zalo_waiting_since IS NOT NULL AND oa.waiting_alert_minutes > 0
               AND c.zalo_waiting_since
                   <= (now() at time zone 'UTC') - oa.waiting_alert_minutes * interval '1 minute'
            """
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    # ------------------------------------------------------------ membership

    def _zalo_operator_members(self):
        """Members that are staff (not the customer, not the OA's own author)."""
        self.ensure_one()
        channel = self.sudo()
        customer = channel.zalo_partner_link_id.partner_id
        oa_partner = channel.zalo_oa_id.partner_id
        return channel.channel_member_ids.filtered(
            lambda m: (
                m.partner_id
                and m.partner_id not in (customer | oa_partner)
                and m.partner_id.user_ids
            )
        )

    def _zalo_last_message_id(self):
        self.ensure_one()
        self.env["mail.message"].flush_model(["model", "res_id"])
        self.env.cr.execute(
            "SELECT max(id) FROM mail_message WHERE model = 'discuss.channel' AND res_id = %s",
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    def _zalo_seen_for_new_member(self):
        """Where a new owner's "seen" mark starts: before the customer's waiting messages."""
        self.ensure_one()
        domain = [("model", "=", "discuss.channel"), ("res_id", "=", self.id)]
        first_unseen = self.env.context.get("zalo_first_unseen_id")
        if first_unseen:
            domain.append(("id", "<", first_unseen))
        elif self.zalo_waiting_since:
            domain.append(("date", "<", self.zalo_waiting_since))
        message = self.env["mail.message"].sudo().search(domain, order="id desc", limit=1)
        return message.id or False

    def _zalo_pin_for(self, users):
        """Make ``users`` pinned members (created when missing) and tell their clients."""
        self.ensure_one()
        channel = self.sudo()
        members = channel.channel_member_ids
        notifications = []
        for user in users:
            member = members.filtered(lambda m, user=user: m.partner_id == user.partner_id)
            if member:
                if not member.is_pinned:
                    member.is_pinned = True
            else:
                member = (
                    self.env["discuss.channel.member"]
                    .sudo()
                    .create(
                        {
                            "channel_id": channel.id,
                            "partner_id": user.partner_id.id,
                            "seen_message_id": channel._zalo_seen_for_new_member(),
                        }
                    )
                )
            try:
                info = (
                    channel.with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                    ._channel_info()
                )
            except AccessError:
                info = None  # an operator outside the Zalo groups: nothing to show them
            if info:
                notifications.append(
                    (
                        user.partner_id,
                        "discuss.channel/joined",
                        {"channel": info[0], "invited_by_user_id": self.env.uid},
                    )
                )
        if notifications:
            self.env["bus.bus"].sudo()._sendmany(notifications)

    def _zalo_unpin_members(self, members, leave=False):
        """Unpin ``members`` (their counter goes to zero) or remove them (``leave``)."""
        self.ensure_one()
        if not members:
            return
        last_id = self._zalo_last_message_id()
        notifications = [
            (
                member.partner_id,
                "mail.record/insert",
                {
                    "Thread": {
                        "id": self.id,
                        "model": "discuss.channel",
                        "is_pinned": False,
                        "message_unread_counter": 0,
                        "zalo_status": self.zalo_status,
                    }
                },
            )
            for member in members
            if member.partner_id
        ]
        if leave:
            self.env["bus.bus"].sudo()._sendone(
                self,
                "mail.record/insert",
                {
                    "Thread": {
                        "id": self.id,
                        "model": "discuss.channel",
                        "channelMembers": [("DELETE", [{"id": m.id} for m in members])],
                    }
                },
            )
            members.sudo().unlink()
        else:
            members.sudo().write({"is_pinned": False})
            for member in members:
                if last_id and (member.seen_message_id.id or 0) < last_id:
                    member.seen_message_id = last_id
        self.env["bus.bus"].sudo()._sendmany(notifications)

    # ------------------------------------------------------------ assignment

    def _zalo_set_owner(self, user, note=None):
        """``user`` owns the conversation: the only staff member besides those who join
        later. An empty ``user`` leaves it unassigned: every operator is a member."""
        self.ensure_one()
        channel = self.sudo()
        staff = channel._zalo_operator_members()
        if user:
            self.env.cr.execute("SELECT nextval('zalo_oa_assign_seq')")
            seq = self.env.cr.fetchone()[0]
            channel.write(
                {
                    "zalo_owner_id": user.id,
                    "zalo_assigned_at": fields.Datetime.now(),
                    "zalo_assign_seq": seq,
                }
            )
            keep = user
        else:
            channel.zalo_owner_id = False
            keep = channel.zalo_oa_id.operator_ids.filtered("active")
        if note:
            channel._zalo_post_internal_note(note)
        leaving = staff.filtered(lambda m: m.partner_id not in keep.partner_id)
        channel._zalo_unpin_members(leaving, leave=True)
        if channel.zalo_status == "open":
            channel._zalo_pin_for(keep)
        channel._zalo_notify_inbox()

    def _zalo_assign_by_rule(self, reopening=False):
        """The OA's rule picks the owner: on a new conversation, or when the customer
        reopens one whose owner is no longer available (offline, not an operator)."""
        self.ensure_one()
        channel = self.sudo()
        oa = channel.zalo_oa_id
        owner = channel.zalo_owner_id
        owner_ok = owner and owner.active and owner in oa.operator_ids
        if (
            reopening
            and owner_ok
            and (oa.assignment_rule == "manual" or owner.im_status == "online")
        ):
            return owner
        user = oa._zalo_pick_owner()
        if not user and reopening and owner_ok:
            return owner  # nobody online: the previous owner keeps it
        if user:
            channel._zalo_set_owner(user, note=channel._zalo_assigned_note(user))
        elif owner and not owner_ok:
            channel._zalo_set_owner(self.env["res.users"])
        return user

    def _zalo_assigned_note(self, user):
        self.ensure_one()
        oa = self.sudo().zalo_oa_id
        rules = dict(oa._fields["assignment_rule"]._description_selection(self.env))
        return _("Assigned to %(user)s (%(rule)s).", user=user.name, rule=rules[oa.assignment_rule])

    def _zalo_check_staff(self):
        """Only Zalo users who may read the conversation act on it."""
        if not self.env.user.has_group("zalo_oa.group_zalo_user"):
            raise AccessError(_("Only Zalo users can act on Zalo conversations."))
        for channel in self:
            if channel.channel_type != "zalo":
                raise UserError(_("This is not a Zalo conversation."))
        self.check_access_rights("read")
        self.check_access_rule("read")

    def action_zalo_take_over(self):
        """The current user becomes the owner (a note says who and when)."""
        self._zalo_check_staff()
        user = self.env.user
        for channel in self:
            if channel.zalo_owner_id == user:
                continue
            old = channel.zalo_owner_id
            if old:
                note = _(
                    "%(user)s took over the conversation from %(old)s.",
                    user=user.name,
                    old=old.name,
                )
            else:
                note = _("%(user)s took over the conversation.", user=user.name)
            if channel.zalo_status != "open":
                channel.sudo().write({"zalo_status": "open", "zalo_snoozed_until": False})
            channel._zalo_set_owner(user, note=note)
        return True

    def action_zalo_assign(self, user_id):
        """Reassign to another operator of the OA (a note says who and when)."""
        self._zalo_check_staff()
        user = self.env["res.users"].browse(user_id).exists()
        for channel in self:
            if not user or user not in channel.sudo().zalo_oa_id.operator_ids:
                raise UserError(
                    _("Conversations can only be assigned to operators of their Official Account.")
                )
            if channel.zalo_owner_id == user:
                continue
            note = _(
                "%(by)s assigned the conversation to %(user)s.",
                by=self.env.user.name,
                user=user.name,
            )
            channel._zalo_set_owner(user, note=note)
        return True

    def action_zalo_join(self):
        """Join a conversation of the OA's lists (without taking it over) and open it."""
        self._zalo_check_staff()
        self.ensure_one()
        if self.is_member:
            self._zalo_pin_for(self.env.user)
        return self.action_zalo_open()

    def action_zalo_open(self):
        """The conversation in Discuss, history intact. Discuss shows the conversations of
        their members: an operator who is not one joins it (without taking it over)."""
        self.ensure_one()
        if self.channel_type == "zalo" and not self.is_member:
            self._zalo_check_staff()
            self._zalo_pin_for(self.env.user)
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "params": {"active_id": f"discuss.channel_{self.id}"},
        }

    # ---------------------------------------------------------------- status

    def action_zalo_resolve(self):
        """Resolved: unpinned for everyone until the customer writes again."""
        self._zalo_check_staff()
        for channel in self.sudo():
            if channel.zalo_status == "resolved":
                continue
            channel._zalo_post_internal_note(_("Resolved by %s.", self.env.user.name))
            channel.write(
                {
                    "zalo_status": "resolved",
                    "zalo_snoozed_until": False,
                    "zalo_waiting_since": False,
                }
            )
            channel._zalo_put_away()
        return True

    def action_zalo_snooze(self, minutes=60):
        """Snoozed: unpinned for everyone, back (pinned for its owner) in ``minutes``."""
        self._zalo_check_staff()
        minutes = int(minutes)
        if minutes <= 0:
            raise UserError(_("Snooze for a positive number of minutes."))
        until = fields.Datetime.now() + timedelta(minutes=minutes)
        for channel in self.sudo():
            channel._zalo_post_internal_note(
                _(
                    "Snoozed by %(user)s for %(minutes)s minutes.",
                    user=self.env.user.name,
                    minutes=minutes,
                )
            )
            channel.write({"zalo_status": "snoozed", "zalo_snoozed_until": until})
            channel._zalo_put_away()
        self.env.ref("zalo_oa.ir_cron_zalo_wake_snoozed").sudo()._trigger(at=until)
        return True

    def action_zalo_reopen(self):
        self._zalo_check_staff()
        for channel in self.sudo():
            if channel.zalo_status != "open":
                channel._zalo_reopen()
        return True

    def _zalo_put_away(self):
        """Resolved or snoozed: out of every sidebar. Staff members leave (the owner stays
        recorded and comes back with the next message), so that an operator's Discuss
        start-up loads their open conversations only, however long the history."""
        self.ensure_one()
        staff = self._zalo_operator_members()
        self._zalo_notify_inbox()
        self._zalo_unpin_members(staff, leave=True)
        self._zalo_unpin_members(self.sudo().channel_member_ids - staff)

    def _zalo_reopen(self):
        """Open again; pinned for its owner (kept when available, else by the rule)."""
        self.ensure_one()
        channel = self.sudo()
        channel.write({"zalo_status": "open", "zalo_snoozed_until": False})
        channel._zalo_assign_by_rule(reopening=True)
        owner = channel.zalo_owner_id
        channel._zalo_pin_for(owner or channel.zalo_oa_id.operator_ids.filtered("active"))
        channel._zalo_notify_inbox()

    @api.model
    def _cron_zalo_wake_snoozed(self):
        channels = self.sudo().search(
            [
                ("channel_type", "=", "zalo"),
                ("zalo_status", "=", "snoozed"),
                ("zalo_snoozed_until", "<=", fields.Datetime.now()),
            ]
        )
        for channel in channels:
            channel._zalo_post_internal_note(_("The snooze is over."))
            channel._zalo_reopen()
        later = self.sudo().search(
            [("channel_type", "=", "zalo"), ("zalo_status", "=", "snoozed")],
            order="zalo_snoozed_until",
            limit=1,
        )
        if later.zalo_snoozed_until:
            self.env.ref("zalo_oa.ir_cron_zalo_wake_snoozed").sudo()._trigger(
                at=later.zalo_snoozed_until
            )

    @api.autovacuum
    def _gc_zalo_resolve_idle(self, limit=5000):
        """Resolve open conversations nobody waits in whose reply window has closed (the
        customer has not written for 7 days), like Live Chat unpins idle sessions: they
        leave the sidebars, and the customer's next message reopens them. Also settles the
        conversations from before the team inbox."""
        channels = self.sudo().search(
            [
                ("channel_type", "=", "zalo"),
                ("zalo_status", "=", "open"),
                ("zalo_waiting_since", "=", False),
                ("zalo_window_expires_at", "<", fields.Datetime.now()),
            ],
            limit=limit,
        )
        for channel in channels:
            channel.zalo_status = "resolved"
            channel._zalo_put_away()
        return len(channels)

    def execute_command_resolve(self, **kwargs):
        """``/resolve`` in a Zalo conversation."""
        self.ensure_one()
        if self.channel_type != "zalo":
            raise UserError(_("/resolve only applies to Zalo conversations."))
        return self.action_zalo_resolve()

    def _zalo_notify_inbox(self):
        """Owner and status to the clients of the members (header, lists)."""
        for channel in self:
            self.env["bus.bus"].sudo()._sendone(
                channel,
                "mail.record/insert",
                {
                    "Thread": {
                        "id": channel.id,
                        "model": "discuss.channel",
                        **channel._zalo_inbox_info(),
                    }
                },
            )

    def _zalo_inbox_info(self):
        self.ensure_one()
        owner = self.sudo().zalo_owner_id
        return {
            "zalo_status": self.zalo_status or "open",
            "zalo_owner": {"id": owner.id, "name": owner.name} if owner else False,
        }

    # --------------------------------------------------------------- inbound

    def _zalo_on_inbound(self, message):
        """The customer wrote ``message`` (posted): start the waiting time; reopen a
        resolved/snoozed conversation, pinned for its owner with this message unread.
        Reads only the channel's own row in the common case."""
        self.ensure_one()
        values = {}
        if not self.zalo_waiting_since:
            values["zalo_waiting_since"] = message.date
        if not self.zalo_first_inbound_at:
            values["zalo_first_inbound_at"] = message.date
        if values:
            self.sudo().write(values)
        if self.zalo_status in ("resolved", "snoozed"):
            self.with_context(zalo_first_unseen_id=message.id)._zalo_reopen()

    def _zalo_on_staff_answer(self, message):
        """A staff answer (``message``) went out: the response time of the waiting
        customer, on the conversation and for who answered."""
        self.ensure_one()
        channel = self.sudo()
        if not channel.zalo_waiting_since:
            return
        when = message.date
        minutes = max((when - channel.zalo_waiting_since).total_seconds() / 60.0, 0.0)
        is_first = not channel.zalo_first_response_at
        values = {
            "zalo_waiting_since": False,
            "zalo_response_count": channel.zalo_response_count + 1,
            "zalo_response_minutes_total": channel.zalo_response_minutes_total + minutes,
        }
        if is_first:
            first = channel.zalo_first_inbound_at or channel.zalo_waiting_since
            values["zalo_first_response_at"] = when
            values["zalo_first_response_minutes"] = max((when - first).total_seconds() / 60.0, 0.0)
        author_user = message.author_id.user_ids.filtered(lambda u: not u.share)[:1]
        self.env["zalo.conversation.answer"].sudo().create(
            {
                "channel_id": channel.id,
                "oa_id": channel.zalo_oa_id.id,
                "user_id": author_user.id,
                "waiting_since": channel.zalo_waiting_since,
                "answered_at": when,
                "minutes": minutes,
                "is_first": is_first,
            }
        )
        channel.write(values)
