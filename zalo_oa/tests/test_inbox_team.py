"""The team inbox: an owner per conversation (assignment rules over Odoo presence),
take over / reassign, statuses (resolve, snooze, reopened by the customer) and the
response times measured from the message times."""

from collections import Counter
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .commands import ZaloCommandHttpCase
from .common import ZaloHttpCase, ZaloTransactionCase


@tagged("post_install", "-at_install")
class TestInboxTeam(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,zalo_oa.group_zalo_user"
        cls.ops = [
            new_test_user(cls.env, login=f"team_{i}", groups=groups, name=name)
            for i, name in enumerate(("Lan", "Minh", "Hùng", "Vy (offline)"))
        ]
        cls.offline = cls.ops[3]
        cls.online = cls.ops[0] | cls.ops[1] | cls.ops[2]
        cls.manager = new_test_user(
            cls.env, login="team_mgr", groups="base.group_user,zalo_oa.group_zalo_manager"
        )
        cls.outsider = new_test_user(
            cls.env, login="team_outsider", groups="base.group_user,zalo_oa.group_zalo_user"
        )

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.oa = self.create_oa(
            operator_ids=[(6, 0, (self.online | self.offline).ids)], assignment_rule="round_robin"
        )
        self.connect_oa(self.oa)
        self.set_online(self.online)

    def set_online(self, users):
        presence = self.env["bus.presence"]
        presence.search([("user_id", "in", users.ids)]).unlink()
        for user in users:
            presence.create({"user_id": user.id, "status": "online"})
        self.env["res.users"].invalidate_model(["im_status"])

    def set_offline(self, users):
        self.env["bus.presence"].search([("user_id", "in", users.ids)]).write({"status": "offline"})
        self.env["res.users"].invalidate_model(["im_status"])

    def new_link(self, index):
        partner = self.env["res.partner"].create({"name": f"Khách {index}"})
        return self.env["zalo.partner.link"].create(
            {"oa_id": self.oa.id, "zalo_user_id": f"team-{index}", "partner_id": partner.id}
        )

    def conversation(self, name="Phạm Thu Hà", text="Chào shop"):
        customer = self.sim.add_customer(name=name, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(self.oa, customer, text)
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        return customer, link.channel_id

    def member(self, channel, user):
        self.env.invalidate_all()
        return channel.channel_member_ids.filtered(lambda m: m.partner_id == user.partner_id)

    def staff_members(self, channel):
        self.env.invalidate_all()
        return channel._zalo_operator_members().partner_id

    # ------------------------------------------------------------ assignment

    def test_round_robin_99_conversations_over_3_online_operators(self):
        channel_model = self.env["discuss.channel"]
        channels = channel_model.browse(
            [channel_model._zalo_get_channel(self.new_link(i)).id for i in range(99)]
        )
        owners = Counter(channel.zalo_owner_id.login for channel in channels)
        self.assertEqual(owners, Counter({"team_0": 33, "team_1": 33, "team_2": 33}))
        self.assertNotIn(self.offline, channels.zalo_owner_id)
        # strictly in turn, and only the owner (no other operator) is a member
        self.assertEqual(
            [c.zalo_owner_id.login for c in channels[:3]], ["team_0", "team_1", "team_2"]
        )
        self.assertEqual(channels[3].zalo_owner_id, channels[0].zalo_owner_id)
        for channel in channels[:5]:
            self.assertEqual(self.staff_members(channel), channel.zalo_owner_id.partner_id)
        self.assertFalse(
            self.env["discuss.channel.member"].search_count(
                [
                    ("channel_id", "in", channels.ids),
                    ("partner_id", "=", self.offline.partner_id.id),
                ]
            )
        )

    def test_least_busy_goes_to_the_fewest_open_conversations(self):
        self.oa.assignment_rule = "least_busy"
        first = self.env["discuss.channel"]._zalo_get_channel(self.new_link(1))
        second = self.env["discuss.channel"]._zalo_get_channel(self.new_link(2))
        third = self.env["discuss.channel"]._zalo_get_channel(self.new_link(3))
        self.assertEqual(
            (first | second | third).zalo_owner_id, self.online, "one each while equal"
        )
        # the first owner resolves theirs: the next one goes to them
        first.with_user(first.zalo_owner_id).action_zalo_resolve()
        fourth = self.env["discuss.channel"]._zalo_get_channel(self.new_link(4))
        self.assertEqual(fourth.zalo_owner_id, first.zalo_owner_id)

    def test_nobody_online_or_manual_stays_unassigned_for_every_operator(self):
        self.set_offline(self.online)
        channel = self.env["discuss.channel"]._zalo_get_channel(self.new_link(1))
        self.assertFalse(channel.zalo_owner_id)
        self.assertEqual(self.staff_members(channel), self.oa.operator_ids.partner_id)
        self.set_online(self.online)
        self.oa.assignment_rule = "manual"
        manual = self.env["discuss.channel"]._zalo_get_channel(self.new_link(2))
        self.assertFalse(manual.zalo_owner_id)

    def test_owner_alone_gets_the_unread_counter(self):
        _customer, channel = self.conversation()
        owner = channel.zalo_owner_id
        self.assertIn(owner, self.online)
        self.assertEqual(self.member(channel, owner).message_unread_counter, 1)
        for other in self.oa.operator_ids - owner:
            self.assertFalse(self.member(channel, other))
        self.assertIn("Assigned to", channel.message_ids.sorted("id")[0].body)

    def test_take_over_and_reassign_with_a_note(self):
        _customer, channel = self.conversation()
        owner = channel.zalo_owner_id
        other = (self.online - owner)[0]
        channel.with_user(other).action_zalo_take_over()
        self.assertEqual(channel.zalo_owner_id, other)
        self.assertEqual(self.staff_members(channel), other.partner_id)
        note = channel.message_ids.sorted("id")[-1]
        self.assertIn(f"{other.name} took over the conversation from {owner.name}", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        # the new owner sees the customer's waiting message as unread
        self.assertEqual(self.member(channel, other).message_unread_counter, 1)
        # reassign to an operator; not to someone outside the OA
        channel.with_user(self.manager).action_zalo_assign(self.offline.id)
        self.assertEqual(channel.zalo_owner_id, self.offline)
        self.assertIn("assigned the conversation to", channel.message_ids.sorted("id")[-1].body)
        with self.assertRaises(UserError):
            channel.with_user(self.manager).action_zalo_assign(self.outsider.id)
        # the "Assign to…" dialog offers the OA's operators only
        wizard = (
            self.env["zalo.conversation.assign.wizard"]
            .with_user(self.manager)
            .with_context(active_model="discuss.channel", active_ids=channel.ids)
            .create({"user_id": owner.id})
        )
        self.assertEqual(wizard.allowed_user_ids, self.oa.operator_ids)
        wizard.action_assign()
        self.assertEqual(channel.zalo_owner_id, owner)
        self.assertEqual(self.staff_members(channel), owner.partner_id)

    def test_operators_read_their_oas_only_and_open_from_the_contact(self):
        _customer, channel = self.conversation()
        owner = channel.zalo_owner_id
        other = (self.online - owner)[0]
        Channel = self.env["discuss.channel"]
        # a colleague (not a member) finds it in the OA's list; a Zalo user outside the OA
        # does not
        domain = [("channel_type", "=", "zalo"), ("zalo_oa_id", "=", self.oa.id)]
        self.assertIn(channel, Channel.with_user(other).search(domain))
        self.assertNotIn(channel, Channel.with_user(self.outsider).search(domain))
        with self.assertRaises(AccessError):
            channel.with_user(self.outsider).action_zalo_take_over()
        # the search finds it by the customer's Zalo name
        link = channel.zalo_partner_link_id
        found = Channel.with_user(other).search(
            [("zalo_partner_link_id.zalo_display_name", "ilike", link.zalo_display_name)]
        )
        self.assertEqual(found, channel)
        # the contact's smart button opens it in Discuss in one click (joined, not owned)
        action = link.partner_id.with_user(other).action_view_zalo_links()
        self.assertEqual(action["tag"], "mail.action_discuss")
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{channel.id}")
        self.assertIn(other.partner_id, self.staff_members(channel))
        self.assertEqual(channel.zalo_owner_id, owner)

    # ---------------------------------------------------------------- status

    def test_resolve_unpins_for_all_and_the_customer_reopens_for_the_owner(self):
        self.set_offline(self.online)
        customer, channel = self.conversation()
        self.assertFalse(channel.zalo_owner_id)
        self.set_online(self.ops[1])
        channel.with_user(self.ops[1]).action_zalo_take_over()
        self.set_online(self.online)
        channel.with_user(self.ops[1])._channel_seen()
        channel.with_user(self.ops[2]).action_zalo_join()
        self.env.invalidate_all()
        self.assertTrue(all(channel.channel_member_ids.mapped("is_pinned")))
        channel.with_user(self.ops[1]).execute_command_resolve()
        self.env.invalidate_all()
        self.assertEqual(channel.zalo_status, "resolved")
        self.assertFalse(any(channel.channel_member_ids.mapped("is_pinned")))
        self.assertFalse(self.staff_members(channel), "staff leave until it reopens")
        self.assertFalse(channel.zalo_waiting_since)
        # Discuss start-up of the owner no longer loads it
        init = self.ops[1].with_user(self.ops[1])._init_messaging()
        self.assertNotIn(channel.id, [c["id"] for c in init["channels"]])
        # the customer writes again: open, pinned for its owner (online) with counter 1
        self.receive_text(self.oa, customer, "Shop ơi, em hỏi thêm")
        self.env.invalidate_all()
        self.assertEqual(channel.zalo_status, "open")
        owner_member = self.member(channel, self.ops[1])
        self.assertEqual(channel.zalo_owner_id, self.ops[1])
        self.assertTrue(owner_member.is_pinned)
        self.assertEqual(owner_member.message_unread_counter, 1)
        init = self.ops[1].with_user(self.ops[1])._init_messaging()
        info = next(c for c in init["channels"] if c["id"] == channel.id)
        self.assertEqual(info["message_unread_counter"], 1)
        self.assertEqual(info["zalo_status"], "open")
        self.assertEqual(info["zalo_owner"]["id"], self.ops[1].id)

    def test_reopened_conversation_of_an_offline_owner_goes_by_the_rule(self):
        customer, channel = self.conversation()
        owner = channel.zalo_owner_id
        channel.with_user(owner).action_zalo_resolve()
        self.set_offline(owner)
        self.receive_text(self.oa, customer, "Còn hàng không shop?")
        self.env.invalidate_all()
        self.assertEqual(channel.zalo_status, "open")
        self.assertIn(channel.zalo_owner_id, self.online - owner)
        self.assertEqual(self.staff_members(channel), channel.zalo_owner_id.partner_id)
        self.assertEqual(self.member(channel, channel.zalo_owner_id).message_unread_counter, 1)

    def test_snooze_comes_back_at_its_time(self):
        _customer, channel = self.conversation()
        owner = channel.zalo_owner_id
        cron = self.env.ref("zalo_oa.ir_cron_zalo_wake_snoozed")
        start = fields.Datetime.now()
        with freeze_time(start):
            channel.with_user(owner).action_zalo_snooze(minutes=90)
        self.env.invalidate_all()
        self.assertEqual(channel.zalo_status, "snoozed")
        self.assertFalse(any(channel.channel_member_ids.mapped("is_pinned")))
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertEqual(trigger.call_at, start + timedelta(minutes=90))
        with freeze_time(start + timedelta(minutes=89)):
            self.env["discuss.channel"]._cron_zalo_wake_snoozed()
        self.assertEqual(channel.zalo_status, "snoozed")
        with freeze_time(start + timedelta(minutes=90)):
            self.env["discuss.channel"]._cron_zalo_wake_snoozed()
        self.env.invalidate_all()
        self.assertEqual(channel.zalo_status, "open")
        self.assertTrue(self.member(channel, owner).is_pinned)
        self.assertFalse(channel.zalo_snoozed_until)

    def test_idle_conversations_are_resolved_by_the_autovacuum(self):
        _customer, answered = self.conversation(name="Khách Đã Trả Lời")
        _customer, waiting = self.conversation(name="Khách Đang Chờ")
        owner = answered.zalo_owner_id
        answered.with_user(owner).message_post(
            body="Dạ shop đây ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        expired = fields.Datetime.now() - timedelta(hours=1)
        (answered | waiting).sudo().zalo_window_expires_at = expired
        self.env["discuss.channel"]._gc_zalo_resolve_idle()
        self.assertEqual(answered.zalo_status, "resolved")
        self.assertFalse(self.staff_members(answered))
        # a customer still waiting for an answer stays in the sidebar
        self.assertEqual(waiting.zalo_status, "open")

    def test_response_times_from_message_times(self):
        t0 = datetime(2026, 12, 1, 9, 0, 0)
        with freeze_time(t0):
            customer, channel = self.conversation(text="Chào shop")
        owner = channel.zalo_owner_id
        self.assertEqual(channel.zalo_waiting_since, t0)
        self.assertEqual(channel.zalo_first_inbound_at, t0)
        with freeze_time(t0 + timedelta(minutes=2)):
            self.receive_text(self.oa, customer, "Có ai không?")
        self.assertEqual(channel.zalo_waiting_since, t0, "waiting since the first unanswered")
        with freeze_time(t0 + timedelta(minutes=30)):
            self.assertTrue(channel.zalo_is_late)  # threshold 15 minutes
            self.assertIn(
                channel, self.env["discuss.channel"].search([("zalo_is_late", "=", True)])
            )
        with freeze_time(t0 + timedelta(minutes=12)):
            channel.with_user(owner).message_post(
                body="Dạ shop đây ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertFalse(channel.zalo_waiting_since)
        self.assertFalse(channel.zalo_is_late)
        self.assertEqual(channel.zalo_first_response_at, t0 + timedelta(minutes=12))
        self.assertAlmostEqual(channel.zalo_first_response_minutes, 12.0)
        with freeze_time(t0 + timedelta(hours=1)):
            self.receive_text(self.oa, customer, "Giá bao nhiêu?")
        with freeze_time(t0 + timedelta(hours=1, minutes=4)):
            channel.with_user(owner).message_post(
                body="Dạ 200k ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(channel.zalo_response_count, 2)
        self.assertAlmostEqual(channel.zalo_avg_response_minutes, 8.0)
        self.assertAlmostEqual(channel.zalo_first_response_minutes, 12.0)
        # per operator: one row per answer that ended a wait, by who answered
        answers = self.env["zalo.conversation.answer"].search(
            [("channel_id", "=", channel.id)], order="answered_at"
        )
        self.assertEqual(answers.mapped("minutes"), [12.0, 4.0])
        self.assertEqual(answers.mapped("is_first"), [True, False])
        self.assertEqual(answers.user_id, owner)
        per_operator = self.env["zalo.conversation.answer"]._read_group(
            [("oa_id", "=", self.oa.id)], ["user_id"], ["minutes:avg", "__count"]
        )
        self.assertEqual(per_operator, [(owner, 8.0, 2)])


@tagged("post_install", "-at_install")
class TestInboxTour(ZaloHttpCase):
    """Mine / Unassigned, take over, open in Discuss, resolve (tour zalo_oa_inbox)."""

    def test_inbox_tour(self):
        admin = self.env.ref("base.user_admin")
        lan = new_test_user(
            self.env, login="tour_lan", groups="base.group_user,zalo_oa.group_zalo_user", name="Lan"
        )
        oa = self.create_oa(name="Cửa hàng ABC", operator_ids=[(6, 0, (admin | lan).ids)])
        self.connect_oa(oa)
        # nobody online: both start unassigned; a lead gives one to Lan
        self.env["bus.presence"].search([]).unlink()
        channels = {}
        for name, text in (
            ("Khách Chờ Hàng", "Shop ơi còn hàng không?"),
            ("Khách Của Lan", "Chào"),
        ):
            customer = self.sim.add_customer(name=name, last_interaction_ms=self.sim.store.now_ms())
            self.receive_text(oa, customer, text)
            link = self.env["zalo.partner.link"].search(
                [("zalo_user_id", "=", customer["user_id"])]
            )
            channels[name] = link.channel_id
        channels["Khách Của Lan"].action_zalo_assign(lan.id)
        waiting = channels["Khách Chờ Hàng"]
        self.assertFalse(waiting.zalo_owner_id)
        self.env.flush_all()  # the server thread shares our transaction
        self.start_tour(
            "/web#action=zalo_oa.action_zalo_conversation", "zalo_oa_inbox", login="admin"
        )
        self.env.invalidate_all()
        self.assertEqual(waiting.zalo_owner_id, admin)
        self.assertEqual(waiting.zalo_status, "resolved")
        self.assertFalse(waiting._zalo_operator_members())
        self.assertIn("took over the conversation", "".join(waiting.message_ids.mapped("body")))
        lans = channels["Khách Của Lan"]
        self.assertEqual(lans.zalo_status, "snoozed")
        self.assertEqual(lans.zalo_owner_id, lan)
        self.assertTrue(lans.zalo_snoozed_until)


@tagged("post_install", "-at_install")
class TestResolveCommand(ZaloCommandHttpCase):
    """``/resolve`` as the web client sends it (JSON-RPC, a Vietnamese user)."""

    def test_resolve_command(self):
        groups = "base.group_user,zalo_oa.group_zalo_user"
        operator = new_test_user(self.env, login="cmd_operator", groups=groups, lang="vi_VN")
        stranger = new_test_user(self.env, login="cmd_stranger", groups=groups, lang="vi_VN")
        oa = self.create_oa(operator_ids=[(6, 0, operator.ids)])
        self.connect_oa(oa)
        channel = self.conversation(oa)
        self.env.flush_all()
        result, error = self.run_command(operator, channel, "execute_command_resolve", "/resolve")
        self.assertIsNone(error)
        self.assertTrue(result)
        self.assertEqual(channel.zalo_status, "resolved")
        self.assertIn("đã đánh dấu xử lý xong", channel.message_ids.sorted("id")[-1].body)
        # a Zalo user who does not operate the OA cannot resolve it
        channel.sudo().zalo_status = "open"
        self.env.flush_all()
        _result, error = self.run_command(stranger, channel, "execute_command_resolve", "/resolve")
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(channel.zalo_status, "open")
