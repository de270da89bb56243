"""Zalo conversations as a shared inbox: unread counters per operator, the last message
for the messaging menu, and the status updates of the replies on the bus."""

import json

from odoo.tests import new_test_user, tagged

from .common import ZaloTransactionCase


@tagged("post_install", "-at_install")
class TestInbox(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,zalo_oa.group_zalo_user"
        cls.op_a = new_test_user(cls.env, login="inbox_a", groups=groups, name="Anh Tuấn")
        cls.op_b = new_test_user(cls.env, login="inbox_b", groups=groups, name="Bảo Ngọc")
        cls.manager = new_test_user(
            cls.env,
            login="inbox_manager",
            groups="base.group_user,zalo_oa.group_zalo_manager",
            name="Đỗ Quang Huy",
        )

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.oa = self.create_oa(operator_ids=[(6, 0, (self.op_a | self.op_b | self.manager).ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, self.customer, "Cho em hỏi đơn hàng")
        self.channel = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)]).channel_id

    def counter(self, user):
        self.env.invalidate_all()
        member = self.channel.channel_member_ids.filtered(lambda m: m.partner_id == user.partner_id)
        return member.message_unread_counter

    def bus_payloads(self, target, kind):
        """Payloads of the ``kind`` notifications for ``target`` (a record): stored by a
        committed transaction (a send after the commit), then queued by this one."""
        channel = json.dumps([self.env.cr.dbname, target._name, target.id], separators=(",", ":"))
        stored = (
            self.env["bus.bus"]
            .sudo()
            .search([("channel", "=", channel), ("id", ">", self.bus_floor)], order="id")
        )
        values = self.env.cr.precommit.data.get("bus.bus.values", [])
        messages = [json.loads(b.message) for b in stored] + [
            json.loads(v["message"]) for v in values if v["channel"] == channel
        ]
        return [m["payload"] for m in messages if m["type"] == kind]

    bus_floor = 0

    def clear_bus(self):
        self.env.cr.precommit.data.get("bus.bus.values", []).clear()
        self.bus_floor = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0

    def test_each_operator_keeps_their_unread_counter(self):
        self.assertEqual((self.counter(self.op_a), self.counter(self.op_b)), (1, 1))
        self.clear_bus()
        self.channel.with_user(self.op_a)._channel_seen()
        self.assertEqual((self.counter(self.op_a), self.counter(self.op_b)), (0, 1))
        # A's seen state goes to A only: nothing tells B's client to reset its counter.
        self.assertTrue(self.bus_payloads(self.op_a.partner_id, "mail.record/insert"))
        self.assertFalse(self.bus_payloads(self.op_b.partner_id, "mail.record/insert"))
        self.assertFalse(self.bus_payloads(self.channel, "mail.record/insert"))
        # A answers: read for A, one more unread for B; the customer writes again.
        self.channel.with_user(self.op_a).message_post(
            body="Dạ, chị cho em xin mã đơn ạ", message_type="comment"
        )
        self.receive_text(self.oa, self.customer, "Mã đơn là DH001")
        self.assertEqual((self.counter(self.op_a), self.counter(self.op_b)), (1, 3))
        self.channel.with_user(self.op_b)._channel_seen()
        self.assertEqual((self.counter(self.op_a), self.counter(self.op_b)), (1, 0))
        self.channel.with_user(self.op_a)._channel_seen()
        self.assertEqual((self.counter(self.op_a), self.counter(self.op_b)), (0, 0))

    def test_notes_and_notices_are_not_unread_messages(self):
        """The web client follows this rule for Zalo conversations (discuss_core_common_patch)."""
        self.channel.with_user(self.op_a)._channel_seen()
        self.channel.with_user(self.op_a)._zalo_post_internal_note("Ghi chú nội bộ")
        self.channel._zalo_post_notice("Phạm Thu Hà đã quan tâm Tài khoản OA.")
        self.assertEqual((self.counter(self.op_a), self.counter(self.op_b)), (0, 1))

    def test_last_message_for_the_messaging_menu(self):
        self.receive_text(self.oa, self.customer, "Mã đơn là DH001")
        previews = self.channel.with_user(self.op_b).channel_fetch_preview()
        self.assertEqual(len(previews), 1)
        last = previews[0]["last_message"]
        self.assertEqual(last["id"], self.channel.message_ids[0].id)
        self.assertIn("Mã đơn là DH001", last["body"])
        self.assertEqual(last["author"]["id"], self.channel.zalo_partner_link_id.partner_id.id)

    def test_status_update_reaches_the_conversation_and_the_author(self):
        """The queue (or a colleague) changes a reply's state: Odoo's notification update
        goes to the conversation (every operator's status icon) and to the author (the
        failures of the messaging menu). Who may resend is decided by the resend dialog."""
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-217, count=1)
        message = self.channel.with_user(self.op_a).message_post(
            body="Dạ shop còn hàng ạ", message_type="comment"
        )
        self.run_postcommit()
        row = self.env["zalo.message"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(row.state, "failed")
        self.assertTrue(row.with_user(self.op_a)._can_retry())
        self.assertTrue(row.with_user(self.manager)._can_retry())
        self.assertFalse(row.with_user(self.op_b)._can_retry())
        for target in (self.channel, self.op_a.partner_id):
            updates = self.bus_payloads(target, "mail.message/notification_update")
            self.assertTrue(updates, target)
            (element,) = updates[-1]["elements"]
            self.assertEqual(element["id"], message.id)
            (notification,) = element["notifications"]
            self.assertEqual(notification["notification_type"], "zalo")
            self.assertEqual(notification["notification_status"], "exception")
            self.assertEqual(notification["zalo_state"], "failed")
            self.assertIn("-217", notification["failure_reason"])
        wizard = (
            self.env["zalo.resend"].with_user(self.op_b).create({"mail_message_id": message.id})
        )
        self.assertFalse(wizard.can_resend, "not the author, not a manager")
