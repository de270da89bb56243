"""The state of outbound replies as Odoo notifications (type ``zalo``), like SMS."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ZaloTransactionCase


@tagged("post_install", "-at_install")
class TestZaloNotification(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,zalo_oa.group_zalo_user"
        cls.operator = new_test_user(cls.env, login="notif_op", groups=groups, name="Anh Tuấn")
        cls.colleague = new_test_user(cls.env, login="notif_op2", groups=groups, name="Bảo")

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.oa = self.create_oa(operator_ids=[(6, 0, (self.operator | self.colleague).ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, self.customer, "Cho em hỏi đơn hàng")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id

    def reply(self, body="Dạ, đơn của chị đang giao ạ", user=None, **kwargs):
        """The operator's reply, and the commit of its request (which sends a text)."""
        message = self.channel.with_user(user or self.operator).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs
        )
        self.run_postcommit()
        return message

    def notification(self, message):
        return message.notification_ids.filtered(lambda n: n.notification_type == "zalo")

    def row(self, message):
        return self.env["zalo.message"].search([("mail_message_id", "=", message.id)])

    def failed_ids(self, user):
        """The failures of the user's messaging menu (what /mail/load_message_failures
        returns)."""
        partner = user.partner_id.with_user(user)
        return [m["id"] for m in partner._message_fetch_failed()]

    def cs_calls(self):
        return list(self.sim.requests(path="/v3.0/oa/message/cs"))

    # ----------------------------------------------------------------- tests

    def test_reply_has_a_notification_for_the_customer(self):
        message = self.reply()
        notification = self.notification(message)
        self.assertEqual(len(notification), 1)
        self.assertEqual(notification.res_partner_id, self.link.partner_id)
        self.assertEqual(notification.author_id, self.operator.partner_id)
        self.assertEqual(notification.notification_status, "sent")
        self.assertEqual(notification.zalo_state, "sent")
        self.assertFalse(notification.failure_type)
        # the web client reads it with the message (status icon)
        (formatted,) = message.message_format()[0]["notifications"]
        self.assertEqual(
            (formatted["notification_type"], formatted["zalo_state"]), ("zalo", "sent")
        )
        self.assertEqual(formatted["persona"]["id"], self.link.partner_id.id)

    def test_states_follow_the_queue_and_the_receipts(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-32, count=1)
        message = self.reply()
        notification = self.notification(message)
        row = self.row(message)
        self.assertEqual(row.state, "pending")
        self.assertEqual(
            (notification.notification_status, notification.zalo_state), ("ready", "pending")
        )
        self.assertIn("Retrying", notification.failure_reason)
        row.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["zalo.message"]._cron_send_messages()
        self.assertEqual(row.state, "sent")
        self.assertEqual(
            (notification.notification_status, notification.zalo_state), ("sent", "sent")
        )
        self.assertFalse(notification.failure_reason)
        now = fields.Datetime.now()
        self.env["zalo.message"]._apply_receipts(self.oa, [row.zalo_msg_id], "delivered", now)
        self.assertEqual(
            (notification.notification_status, notification.zalo_state), ("sent", "delivered")
        )
        self.env["zalo.message"]._apply_receipts(self.oa, [row.zalo_msg_id], "read", now)
        self.assertEqual(notification.zalo_state, "read")
        # never backward
        self.env["zalo.message"]._apply_receipts(self.oa, [row.zalo_msg_id], "delivered", now)
        self.assertEqual(notification.zalo_state, "read")

    def test_permanent_error_is_a_failure_of_its_author(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-213, count=1)
        message = self.reply()
        notification = self.notification(message)
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "zalo_recipient")
        self.assertEqual(notification.zalo_state, "failed")
        self.assertIn("-213", notification.failure_reason)
        self.assertEqual(notification.author_id, self.operator.partner_id)
        # counted where Odoo's messaging menu counts failures: for the author only
        self.assertEqual(self.failed_ids(self.operator), [message.id])
        self.assertEqual(self.failed_ids(self.colleague), [])
        self.assertTrue(self.channel.with_user(self.operator).message_has_error)

    def test_window_closed_failure_type(self):
        # queued for a retry (rate limit) while the 7-day window closes
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-32, count=1)
        message = self.reply()
        self.assertEqual(len(self.cs_calls()), 1)
        self.channel.sudo().zalo_window_expires_at = fields.Datetime.now() - timedelta(days=1)
        self.row(message).next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["zalo.message"]._cron_send_messages()
        notification = self.notification(message)
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "zalo_window_closed")
        self.assertEqual(len(self.cs_calls()), 1, "refused before calling Zalo again")

    def test_resend_sends_exactly_once(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-213, count=1)
        message = self.reply()
        self.assertEqual(len(self.cs_calls()), 1)
        wizard = (
            self.env["zalo.resend"].with_user(self.operator).create({"mail_message_id": message.id})
        )
        self.assertTrue(wizard.can_resend)
        self.assertEqual(wizard.failure_type, "Recipient cannot receive the message")
        self.assertEqual(wizard.partner_id, self.link.partner_id)
        wizard.action_resend()
        self.run_postcommit()
        calls = self.cs_calls()
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls[-1]["response"]["json"]["error"], 0)
        self.assertEqual(self.row(message).state, "sent")
        notification = self.notification(message)
        self.assertEqual(notification.notification_status, "sent")
        self.assertFalse(notification.failure_type)
        self.assertEqual(self.failed_ids(self.operator), [])
        # the same dialog (a second click, another tab) sends nothing more
        wizard.action_resend()
        self.run_postcommit()
        again = (
            self.env["zalo.resend"].with_user(self.operator).create({"mail_message_id": message.id})
        )
        self.assertFalse(again.failed_count)
        again.action_resend()
        self.run_postcommit()
        self.assertEqual(len(self.cs_calls()), 2)

    def test_only_the_author_or_a_manager_resends(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-213, count=1)
        message = self.reply()
        wizard = (
            self.env["zalo.resend"]
            .with_user(self.colleague)
            .create({"mail_message_id": message.id})
        )
        self.assertFalse(wizard.can_resend)
        with self.assertRaises(AccessError):
            wizard.action_resend()
        self.run_postcommit()
        self.assertEqual(self.row(message).state, "failed")
        self.assertEqual(len(self.cs_calls()), 1)

    def test_ignored_failure_leaves_the_messaging_menu(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-213, count=2)
        first = self.reply("Tin thứ nhất")
        second = self.reply("Tin thứ hai")
        self.assertEqual(set(self.failed_ids(self.operator)), {first.id, second.id})
        self.env["zalo.resend"].with_user(self.operator).create(
            {"mail_message_id": first.id}
        ).action_cancel()
        self.assertEqual(self.notification(first).notification_status, "canceled")
        self.assertEqual(self.failed_ids(self.operator), [second.id])
        # and stays dismissed while the message is still failed
        self.row(first)._notify_state_change()
        self.assertEqual(self.notification(first).notification_status, "canceled")
        # "Discard" in the messaging menu
        self.env["discuss.channel"].with_user(self.operator).notify_cancel_by_type("zalo")
        self.assertEqual(self.failed_ids(self.operator), [])

    def test_mentioning_the_customer_sends_no_email(self):
        partner = self.link.partner_id
        partner.email = "thuha@example.com"
        message = self.reply(partner_ids=partner.ids)
        self.assertEqual(message.notification_ids.mapped("notification_type"), ["zalo"])
        self.assertFalse(self.env["mail.mail"].search([("mail_message_id", "=", message.id)]))
