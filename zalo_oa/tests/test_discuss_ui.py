from datetime import timedelta

import odoo
from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import ZaloHttpCase


@tagged("post_install", "-at_install")
class TestDiscussUI(ZaloHttpCase):
    """Zalo conversations in the Discuss app (tours in static/tests/tours)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        port = odoo.tools.config["http_port"]
        cls.sim.configure(webhook_url=f"http://127.0.0.1:{port}/zalo_oa/webhook")
        cls.admin = cls.env.ref("base.user_admin")

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.oa = self.create_oa(name="Cửa hàng ABC", operator_ids=[(6, 0, self.admin.ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Nguyễn Văn An", phone="0912345678", last_interaction_ms=self.sim.store.now_ms()
        )
        self.env.flush_all()  # the server thread shares our transaction
        result = self.sim.customer_send(
            self.customer["user_id"], type="text", text="Chào shop, áo còn size M không?"
        )
        self.assertEqual(result["delivery"]["state"], "delivered", result["delivery"])
        self.process_events()
        self.channel = self.env["discuss.channel"].search([("zalo_oa_id", "=", self.oa.id)])
        self.assertEqual(len(self.channel), 1)

    def outbound(self):
        self.env.invalidate_all()
        return self.env["zalo.message"].search(
            [("channel_id", "=", self.channel.id), ("direction", "=", "outbound")]
        )

    def test_reply_and_receipt(self):
        self.sim.configure(auto_receipts=True, auto_receipt_delay_ms=100)
        self.addCleanup(self.sim.configure, auto_receipts=False)
        self.start_tour("/web#action=mail.action_discuss", "zalo_oa_discuss_reply", login="admin")
        sent = self.outbound()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.text, "Dạ shop còn size M ạ")
        self.assertEqual(sent.state, "delivered")
        self.assertEqual(sent.author_id, self.admin)

    def test_window_closed(self):
        self.channel.sudo().zalo_window_expires_at = fields.Datetime.now() - timedelta(days=1)
        partner = self.channel.zalo_partner_link_id.partner_id
        Channel = type(self.env["discuss.channel"])
        # What zalo_oa_zbs provides: the template composer of the conversation.
        self.patch(Channel, "_zalo_can_send_template", lambda channel: True)
        self.patch(
            Channel,
            "action_zalo_send_template",
            lambda channel: {
                "type": "ir.actions.act_window",
                "res_model": "res.partner",
                "res_id": partner.id,
                "views": [[False, "form"]],
                "target": "new",
            },
        )
        self.start_tour(
            "/web#action=mail.action_discuss", "zalo_oa_discuss_window_closed", login="admin"
        )
        self.assertFalse(self.outbound())

    def test_failed_then_resent(self):
        """A reply Zalo refuses (permanent error) shows Odoo's failure icon; the icon
        opens the resend dialog, and Resend sends it once."""
        self.sim.clear_requests()
        self.sim.add_fault(match="/message/cs", error=-217, count=1)
        self.start_tour("/web#action=mail.action_discuss", "zalo_oa_discuss_retry", login="admin")
        sent = self.outbound()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.state, "sent")
        self.assertTrue(sent.zalo_msg_id)
        calls = self.sim.requests(path="/v3.0/oa/message/cs")
        self.assertEqual([c["response"]["json"]["error"] for c in calls], [-217, 0])
        notification = sent.mail_message_id.notification_ids
        self.assertEqual(
            (notification.notification_type, notification.notification_status),
            ("zalo", "sent"),
        )

    def test_composer_actions(self):
        """Only what Zalo can deliver: no GIF picker, voice recorder or reactions in Zalo
        conversations (an ordinary channel keeps them), files Zalo refuses are refused
        before sending, canned responses work."""
        shortcode = self.env["mail.shortcode"].create(
            {"source": "camon", "substitution": "Dạ, shop cảm ơn chị đã liên hệ ạ"}
        )
        internal = self.env["discuss.channel"].channel_create(name="Nội bộ", group_id=None)
        internal.add_members(partner_ids=self.admin.partner_id.ids)
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{internal.id}",
            "zalo_oa_discuss_composer",
            login="admin",
        )
        sent = self.outbound()
        self.assertEqual(sent.mapped("text"), ["Dạ, shop cảm ơn chị đã liên hệ ạ"])
        self.assertEqual(sent.state, "sent")
        self.assertFalse(sent.filtered("attachment_id"), "the audio file was not sent")
        self.assertTrue(shortcode.last_used)

    def test_inbox_for_a_second_manager(self):
        """The messaging menu shows the last Zalo message; a colleague's reply refused by
        Zalo in the queue shows Odoo's failure icon to another Zalo manager without a reload,
        who resends it from the dialog; reading
        the conversation changes only the reader's unread counter."""
        manager = new_test_user(
            self.env,
            login="zalo_manager_2",
            groups="base.group_user,base.group_system,zalo_oa.group_zalo_manager",
            name="Đỗ Quang Huy",
        )
        self.oa.operator_ids = [(4, manager.id)]
        self.channel.add_members(partner_ids=manager.partner_id.ids)
        # The admin's reply hits Zalo's rate limit: queued for a retry...
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-32, count=1)
        self.channel.with_user(self.admin).message_post(
            body="Dạ shop còn size M ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.run_postcommit()
        row = self.outbound()
        self.assertEqual((row.state, row.failure_kind), ("pending", "rate_limit"))
        # (due when the tour makes it due)
        row.next_attempt_at = fields.Datetime.now() + timedelta(hours=1)
        self.channel.with_user(self.admin)._zalo_post_internal_note("Khách hỏi size M")
        # ... which Zalo will refuse (the customer blocked the OA meanwhile).
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-217, count=1)
        self.env.flush_all()
        self.sim.customer_send(self.customer["user_id"], type="text", text="Còn màu đỏ không shop?")
        self.process_events()
        self.channel.with_user(self.admin)._channel_seen()
        counters = self.unread_counters(manager)
        self.assertEqual(counters[self.admin], 0)
        self.assertEqual(counters[manager], 3, "customer, admin's reply, customer (no note)")

        self.start_tour(
            "/web#action=zalo_oa.action_zalo_partner_link",
            "zalo_oa_discuss_inbox",
            login="zalo_manager_2",
        )
        row = self.outbound()
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.author_id, self.admin)
        self.assertEqual(self.unread_counters(manager)[self.admin], 0)

    def unread_counters(self, *users):
        self.env.invalidate_all()
        members = self.channel.channel_member_ids
        return {
            user: members.filtered(
                lambda m, user=user: m.partner_id == user.partner_id
            ).message_unread_counter
            for user in (self.admin, *users)
        }
