from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestSend(ZbsTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="zbs_send_user",
            groups="base.group_user,base.group_partner_manager,zalo_oa.group_zalo_user",
            name="Anh Tuấn",
        )

    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.template = self.enabled_template()

    def linked_customer(self, name="Phạm Thu Hà", phone=None):
        customer = self.sim.add_customer(
            name=name, phone=phone, last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, customer, "Cho mình hỏi đơn hàng")
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        link.partner_id.ref = "KH0100"
        return customer, link

    def test_linked_customer_gets_it_by_zalo_account(self):
        customer, link = self.linked_customer()
        partner = link.partner_id
        composer = self.composer(partner, user=self.user)
        self.assertIn("Zalo account", composer.recipient_text)
        composer.action_send()
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.message_kind, "zbs_uid")
        self.assertEqual(row.partner_link_id, link)
        self.assertEqual(row.author_id, self.user)
        call = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(call["user_id"], customer["user_id"])
        self.assertEqual(call["template_id"], self.template.zalo_template_id)
        self.assertEqual(call["template_data"]["customer_code"], "KH0100")
        # UID receipts are ordinary user_received_message events (msg_ids).
        self.deliver(row.zalo_msg_id)
        self.assertEqual(row.state, "delivered")
        self.assertEqual(partner.zalo_zbs_message_count, 1)

    def test_development_mode_goes_to_admin_phones_only(self):
        self.sim.configure(admin_phones=["0912345678"])
        admin = self.env["res.partner"].create(
            {"name": "Quản trị viên", "ref": "AD01", "mobile": "0912345678"}
        )
        other = self.env["res.partner"].create(
            {"name": "Khách thường", "ref": "KH02", "mobile": "0987654321"}
        )
        self.oa.zbs_development_mode = True
        composer = self.composer(admin | other)
        self.assertTrue(composer.development_mode, "the OA's switch is the default")
        composer.action_send()
        rows = self.zbs_rows(admin | other)
        self.assertEqual(rows.mapped("state"), ["sent", "failed"])
        self.assertTrue(all(rows.mapped("zbs_development_mode")))
        calls = self.sim_calls("/business/message/template")
        self.assertEqual([c["body"]["json"].get("mode") for c in calls], ["development"] * 2)
        self.assertIn("-127", rows[1].failure_reason)

    def test_uid_not_supported_falls_back_to_phone(self):
        """Templates from before 10/12/2025 cannot go by Zalo account (-249)."""
        old = self.sim.add_template(
            template_name="Mẫu tin cũ trước 2025",
            params=[{"name": "customer_name", "type": "1"}, {"name": "customer_code", "type": "4"}],
            supports_uid=False,
        )
        self.template.zalo_template_id = old["template_id"]
        _customer, link = self.linked_customer(phone="0903123456")
        link.partner_id.mobile = "0903 123 456"
        self.composer(link.partner_id).action_send()
        row = self.zbs_rows(link.partner_id)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.message_kind, "zbs_phone")
        self.assertEqual(row.phone, "84903123456")
        self.assertFalse(self.template.supports_uid)
        # Next time it goes by phone directly.
        self.composer(link.partner_id).action_send()
        self.assertEqual(len(self.sim_calls("/openapi/v3.0/oa/message/template")), 1)

    def test_mixin_send_without_composer(self):
        partner = self.env["res.partner"].create(
            {"name": "Đỗ Minh Khôi", "ref": "KH0301", "mobile": "0933111222"}
        )
        rows = partner._zalo_zbs_send(self.template, send_now=True)
        self.assertEqual(rows.state, "sent")
        self.assertEqual(rows.res_id, partner.id)
        action = partner.action_zalo_send()
        self.assertEqual(action["res_model"], "zalo.zbs.composer")
        self.assertEqual(action["context"]["active_ids"], partner.ids)

    def test_automatic_send_of_a_disabled_template_does_not_raise(self):
        partner = self.env["res.partner"].create(
            {"name": "Đỗ Minh Khôi", "ref": "KH0302", "mobile": "0933111223"}
        )
        self.template.state = "disabled"
        rows = partner._zalo_zbs_send(self.template, send_now=True)
        self.assertFalse(rows)
        self.note_with(partner, "not approved by Zalo")

    def test_composer_reads_the_quota(self):
        partner = self.env["res.partner"].create(
            {"name": "Đỗ Minh Khôi", "ref": "KH0303", "mobile": "0933111224"}
        )
        composer = self.composer(partner)
        self.assertIn("Refresh quota", composer.quota_text)
        composer.action_refresh_quota()
        composer.invalidate_recordset()
        self.assertIn("Daily quota 500, 500 left", composer.quota_text)
        self.assertEqual(self.oa.zbs_daily_quota, 500)
        self.assertTrue(self.sim_calls("/business/message/quota"))

    def test_retry_after_fixing_the_phone(self):
        partner = self.env["res.partner"].create(
            {"name": "Vũ Thị Lan", "ref": "KH0401", "mobile": "12345"}
        )
        other = self.env["res.partner"].create(
            {"name": "Ngô Văn Nam", "ref": "KH0402", "mobile": "0977000111"}
        )
        composer = self.composer(partner | other)
        self.assertEqual((composer.valid_count, composer.invalid_count), (1, 1))
        self.assertIn("12345", composer.problem_html)
        composer.action_send()
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "failed")
        self.assertIn("«12345»", row.failure_reason)
        self.assertEqual(
            row.mail_message_id.message_format()[0]["notifications"][0]["zalo_state"], "failed"
        )
        with self.assertRaises(UserError):
            row.action_retry()  # still the same number
        partner.mobile = "0912 000 333"
        row.action_retry()
        self.run_queue()
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.phone, "84912000333")

    def test_single_invalid_document_is_not_sent(self):
        partner = self.env["res.partner"].create({"name": "Không Có Số", "ref": "KH0501"})
        composer = self.composer(partner)
        self.assertEqual(composer.valid_count, 0)
        self.assertIn("no mobile number", composer.problem_html)
        with self.assertRaises(UserError):
            composer.action_send()
        self.assertFalse(self.zbs_rows(partner))

    def test_template_disabled_meanwhile(self):
        partner = self.env["res.partner"].create(
            {"name": "Hồ Văn Tâm", "ref": "KH0601", "mobile": "0911222333"}
        )
        rows = self.template._zbs_queue(partner)
        self.template.state = "disabled"
        rows._send()
        self.assertEqual(rows.state, "failed")
        self.assertIn("Disabled", rows.failure_reason)
        self.assertFalse(self.sim_calls("/message/template"))

    def test_cancel_waiting_message(self):
        partner = self.env["res.partner"].create(
            {"name": "Mai Anh Đào", "ref": "KH0701", "mobile": "0911222444"}
        )
        rows = self.template._zbs_queue(partner)
        with self.assertRaises(AccessError):
            rows.with_user(self.user).action_zbs_cancel()  # only its author or a manager
        self.assertEqual(rows.state, "pending")

    def test_cancel_by_author(self):
        partner = self.env["res.partner"].create(
            {"name": "Mai Anh Đào", "ref": "KH0701", "mobile": "0911222444"}
        )
        rows = self.template.with_user(self.user)._zbs_queue(partner.with_user(self.user))
        rows.with_user(self.user).action_zbs_cancel()
        self.assertEqual(rows.state, "failed")
        self.assertIn("Cancelled", rows.failure_reason)

    def test_refused_template_is_a_failure_in_the_chatter(self):
        """A template Zalo refuses shows as a failed notification of its chatter entry,
        counted in its author's messaging menu, and is resent once from the dialog."""
        partner = self.env["res.partner"].create(
            {"name": "Lê Văn Cường", "ref": "KH0601", "mobile": "0912 000 601"}
        )
        self.sim.add_fault(match="/business/message/template", error=-118, count=1)
        self.composer(partner, user=self.user).action_send()
        self.run_queue()
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "failed")
        log = row.mail_message_id
        self.assertEqual((log.model, log.res_id), ("res.partner", partner.id))
        notification = log.notification_ids.filtered(lambda n: n.notification_type == "zalo")
        self.assertEqual(notification.res_partner_id, partner)
        self.assertEqual(notification.author_id, self.user.partner_id)
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "zalo_recipient")
        failures = self.user.partner_id.with_user(self.user)._message_fetch_failed()
        self.assertEqual([m["id"] for m in failures], [log.id])
        self.assertEqual(failures[0]["notifications"][0]["zalo_state"], "failed")
        wizard = self.env["zalo.resend"].with_user(self.user).create({"mail_message_id": log.id})
        wizard.action_resend()
        self.run_queue()
        self.assertEqual(row.state, "sent")
        self.assertEqual(len(self.sim_calls("/business/message/template")), 2)
        self.assertEqual(notification.notification_status, "sent")
        self.assertFalse(self.user.partner_id.with_user(self.user)._message_fetch_failed())
        wizard.action_resend()
        self.run_queue()
        self.assertEqual(len(self.sim_calls("/business/message/template")), 2)

    def test_cancelled_template_is_not_a_failure(self):
        partner = self.env["res.partner"].create(
            {"name": "Đặng Thị Mai", "ref": "KH0602", "mobile": "0912 000 602"}
        )
        self.sim.add_fault(match="/business/message/template", error=-144, count=1)
        self.composer(partner, user=self.user).action_send()
        self.run_queue()
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "pending", "waits for the quota")
        notification = row._zalo_notifications()
        self.assertEqual(notification.notification_status, "ready")
        row.with_user(self.user).action_zbs_cancel()
        self.assertEqual(row.state, "failed")
        self.assertEqual(notification.notification_status, "canceled")
        self.assertFalse(self.user.partner_id.with_user(self.user)._message_fetch_failed())
