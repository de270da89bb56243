import time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestTemplateLifecycle(ZbsTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="zbs_lifecycle_manager",
            groups="base.group_user,zalo_oa.group_zalo_manager",
            name="Chị Quản Lý",
        )

    def setUp(self):
        super().setUp()
        self.setup_oa()

    def test_submit_approve_send_and_receipt(self):
        template = self.new_template(user_id=self.manager.id)
        self.assertEqual(template.lint_error_count, 0, template.lint_html)
        template.with_user(self.manager).action_submit()
        self.assertEqual(template.state, "pending_review")
        self.assertTrue(template.zalo_template_id)

        upload = self.sim_calls("/business/upload/image")
        self.assertEqual(len(upload), 1, "the logo is uploaded once")
        media_id = upload[0]["response"]["json"]["data"]["media_id"]
        body = self.sim_calls("/business/template/create")[-1]["body"]["json"]
        logo = body["layout"]["header"]["components"][0]["LOGO"]
        self.assertEqual(logo["light"]["media_id"], media_id)
        self.assertEqual(
            body["layout"]["body"]["components"][0]["TITLE"]["value"], "Chào mừng <customer_name>"
        )
        self.assertEqual(len(body["layout"]["body"]["components"]), 3, "title + 2 paragraphs")
        self.assertEqual(
            [(p["name"], p["type"]) for p in body["params"]],
            [("customer_name", "1"), ("customer_code", "4")],
        )
        self.assertEqual(body["tag"], "2")

        # Zalo's reviewer approves: change_template_status webhook.
        result = self.sim.set_template_status(
            template.zalo_template_id, "ENABLE", "Mẫu tin đã được duyệt"
        )
        self.receive(self.oa, result["event"])
        self.assertEqual(template.state, "enabled")
        self.assertEqual(template.quality, "HIGH", "template/info is read after approval")
        self.assertEqual(template.price_phone, 200)
        self.assertTrue(template.preview_url)
        note = self.note_with(template, "approved")
        self.assertIn(self.manager.partner_id, note.partner_ids, "the owner is notified")

        # Sent from a document (a contact) by phone: the contact has no Zalo link.
        partner = self.env["res.partner"].create(
            {"name": "Trần Thị Bích", "ref": "KH0042", "mobile": "0912 345 678"}
        )
        composer = self.composer(partner)
        self.assertEqual(composer.template_id, template)
        self.assertEqual(composer.composition_mode, "single")
        self.assertIn("Trần Thị Bích", composer.preview_html)
        self.assertIn("84912345678", composer.recipient_text)
        composer.action_send()
        self.assertEqual(composer.state, "done")
        self.assertIn("1 message(s) sent", composer.result_html)

        row = self.zbs_rows(partner)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.message_kind, "zbs_phone")
        self.assertEqual(row.phone, "84912345678")
        self.assertTrue(row.tracking_id)
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(
            call["template_data"], {"customer_name": "Trần Thị Bích", "customer_code": "KH0042"}
        )
        self.assertEqual(call["tracking_id"], row.tracking_id)
        self.assertEqual(call["phone"], "84912345678")
        self.assertNotIn("mode", call)

        log = row.mail_message_id
        self.assertEqual((log.model, log.res_id), ("res.partner", partner.id))
        self.assertIn("Thông báo khách hàng mới", log.body)
        self.assertIn("Trần Thị Bích", log.body)
        self.assertEqual(log.message_format()[0]["notifications"][0]["zalo_state"], "sent")

        # Zalo's delivery receipt (user_received_message from the ZNS server).
        self.deliver(row.zalo_msg_id)
        self.assertEqual(row.state, "delivered")
        self.assertTrue(row.delivered_at)
        self.assertEqual(log.message_format()[0]["notifications"][0]["zalo_state"], "delivered")

        quota = self.env["zalo.zbs.quota"].search([("oa_id", "=", self.oa.id)])
        self.assertEqual((quota.daily_quota, quota.remaining_quota), (500, 499))
        self.assertEqual(self.oa.zbs_remaining_quota, 499)

    def test_receipt_by_tracking_id_only(self):
        """Flat receipt shape (C9) whose msg_id is unknown: found by tracking_id."""
        template = self.enabled_template()
        partner = self.env["res.partner"].create(
            {"name": "Lê Hoàng Minh", "ref": "KH0043", "mobile": "0987654321"}
        )
        self.composer(partner).action_send()
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "sent")
        self.receive(
            self.oa,
            {
                "event_name": "user_received_message",
                "sender": {"id": self.oa.zalo_oa_ref},
                "recipient": {"id": "84987654321"},
                "delivery_time": str(int(time.time() * 1000)),
                "msg_id": "not-the-send-response-id",
                "tracking_id": row.tracking_id,
            },
        )
        self.assertEqual(row.state, "delivered")
        self.assertEqual(template.message_zbs_count, 1)

    def test_rejected_then_edited_and_resubmitted(self):
        template = self.new_template(user_id=self.manager.id)
        template.action_submit()
        result = self.sim.set_template_status(
            template.zalo_template_id, "REJECT", "Nội dung chưa rõ mục đích gửi"
        )
        self.receive(self.oa, result["event"])
        self.assertEqual(template.state, "rejected")
        self.assertEqual(template.rejection_reason, "Nội dung chưa rõ mục đích gửi")
        self.note_with(template, "Nội dung chưa rõ mục đích gửi")
        activity = template.activity_ids
        self.assertEqual(activity.user_id, self.manager)

        with self.assertRaises(UserError):
            template.action_submit()  # already submitted: edit instead
        template.body_text = (
            "Cảm ơn bạn đã đăng ký thành viên tại cửa hàng.\n\n"
            "Mã khách hàng của bạn là <customer_code>."
        )
        template.with_user(self.manager).action_resubmit()
        self.assertEqual(template.state, "pending_review")
        self.assertFalse(template.rejection_reason)
        self.assertFalse(template.activity_ids, "the to-do is done")
        edit = self.sim_calls("/business/template/edit")[-1]["body"]["json"]
        self.assertEqual(edit["template_id"], template.zalo_template_id)
        paragraph = edit["layout"]["body"]["components"][1]["PARAGRAPH"]["value"]
        self.assertIn("đăng ký thành viên", paragraph)
        with self.assertRaises(UserError):
            template.action_resubmit()  # only rejected templates can be edited

    def test_lint_blocks_what_zalo_would_refuse(self):
        template = self.new_template(title="Chào", body_text="Cảm ơn <unknown_param>")
        self.assertGreater(template.lint_error_count, 0)
        self.assertIn("title must be", template.lint_html)
        self.assertIn("unknown_param", template.lint_html)
        self.sim.clear_requests()
        with self.assertRaises(UserError) as caught:
            template.action_submit()
        self.assertIn("Fix these points first", str(caught.exception))
        self.assertFalse(self.sim.requests(), "nothing reaches Zalo")
        self.assertEqual(template.state, "draft")

    def test_content_rules_are_warnings(self):
        template = self.new_template(
            body_text="Cảm ơn anh/chị, xem chi tiết tại https://shop.vn nhé.\n\n"
            "Mã khách hàng: <customer_code>."
        )
        self.assertEqual(template.lint_error_count, 0)
        self.assertIn("anh/chị", template.lint_html)
        self.assertIn("button", template.lint_html)

    def test_sync_button_and_cron(self):
        template = self.new_template()
        template.action_submit()
        # Zalo approved it but the webhook was lost: Sync reads it back.
        self.sim.set_template_status(template.zalo_template_id, "ENABLE")
        template.action_sync()
        self.assertEqual(template.state, "enabled")
        self.assertTrue(template.last_sync_at)
        # Later disabled for low quality: the hourly cron notices.
        self.sim.set_template_status(template.zalo_template_id, "DISABLE", "Chất lượng thấp")
        self.env["zalo.zbs.template"]._cron_sync_templates()
        self.assertEqual(template.state, "disabled")
        self.note_with(template, "Chất lượng thấp")
        # The cron also reads each OA's quota.
        quota = self.env["zalo.zbs.quota"].search([("oa_id", "=", self.oa.id)])
        self.assertEqual(quota.daily_quota, 500)

    def test_stale_status_webhook_is_ignored(self):
        template = self.new_template()
        template.action_submit()
        result = self.sim.set_template_status(template.zalo_template_id, "ENABLE")
        event = dict(result["event"], timestamp=str(int(time.time() * 1000) - 3_600_000))
        event["status"] = {"prev_status": "PENDING_REVIEW", "new_status": "REJECT"}
        self.receive(self.oa, event)
        self.assertEqual(template.state, "pending_review", "older than the submission")
        self.receive(self.oa, result["event"])
        self.assertEqual(template.state, "enabled")

    def test_unknown_template_webhook_is_noted(self):
        result = self.receive(
            self.oa,
            {
                "event_name": "change_template_status",
                "oa_id": self.oa.zalo_oa_ref,
                "template_id": "999999",
                "status": {"prev_status": "PENDING_REVIEW", "new_status": "ENABLE"},
                "reason": "",
            },
        )
        event = self.env["zalo.event"].browse(result.event_id)
        self.assertEqual(event.state, "processed")
        self.assertIn("import", event.note)

    def test_quality_and_quota_webhooks(self):
        template = self.enabled_template()
        self.receive(
            self.oa,
            {
                "event_name": "change_template_quality",
                "oa_id": self.oa.zalo_oa_ref,
                "template_id": template.zalo_template_id,
                "quality": {"prev_quality": "HIGH", "new_quality": "LOW"},
            },
        )
        self.assertEqual(template.quality, "LOW")
        self.note_with(template, "quality Low")
        quota = self.env["zalo.zbs.quota"]._zbs_exhausted(self.oa, "Hết hạn mức")
        self.assertTrue(quota._zbs_is_exhausted())
        self.receive(
            self.oa,
            {
                "event_name": "change_oa_daily_quota",
                "oaId": self.oa.zalo_oa_ref,
                "quota": {"prev_value": 500, "new_value": 2000},
            },
        )
        self.assertEqual(quota.daily_quota, 2000)
        self.assertFalse(quota._zbs_is_exhausted(), "a higher quota lets sends resume")

    def test_import_templates_with_params(self):
        approved = self.sim.add_template(
            template_name="Xác nhận thanh toán đơn hàng",
            params=[
                {"name": "customer_name", "type": "1", "sample_value": "Nguyễn Văn An"},
                {"name": "order_amount", "type": "14", "sample_value": "1500000"},
                {"name": "payment_date", "type": "11", "sample_value": "21/11/2026"},
            ],
            status="ENABLE",
        )
        rejected = self.sim.add_template(
            template_name="Khuyến mãi cuối tuần",
            params=[{"name": "voucher_code", "type": "4"}],
            status="REJECT",
            tag="3",
        )
        self.oa.action_zbs_import_templates()
        templates = self.env["zalo.zbs.template"].search([("oa_id", "=", self.oa.id)])
        self.assertEqual(len(templates), 2)
        first = templates.filtered(lambda t: t.zalo_template_id == approved["template_id"])
        self.assertEqual(first.name, "Xác nhận thanh toán đơn hàng")
        self.assertEqual(first.state, "enabled")
        self.assertTrue(first.imported)
        self.assertEqual(first.model, "res.partner")
        params = {p.name: p for p in first.param_ids}
        self.assertEqual(set(params), {"customer_name", "order_amount", "payment_date"})
        self.assertEqual(
            (params["customer_name"].param_type, params["customer_name"].max_length), ("1", 30)
        )
        self.assertEqual(
            (params["order_amount"].param_type, params["order_amount"].max_length), ("14", 12)
        )
        self.assertEqual(params["payment_date"].param_type, "11")
        self.assertEqual(params["order_amount"].sample_value, "1500000")
        second = templates - first
        self.assertEqual(second.zalo_template_id, rejected["template_id"])
        self.assertEqual(second.state, "rejected")
        self.assertEqual(second.tag, "3")
        # Importing again updates instead of duplicating.
        self.sim.set_template_status(rejected["template_id"], "ENABLE")
        self.oa.action_zbs_import_templates()
        self.assertEqual(
            self.env["zalo.zbs.template"].search_count([("oa_id", "=", self.oa.id)]), 2
        )
        self.assertEqual(second.state, "enabled")
        with self.assertRaises(UserError):
            first.action_submit()

    def test_shipped_draft_without_oa(self):
        """Modules ship drafts without an OA: the administrator chooses it to submit."""
        template = self.new_template(oa_id=False)
        self.assertFalse(template.company_id)
        with self.assertRaises(UserError) as caught:
            template.action_submit()
        self.assertIn("Choose the Official Account", str(caught.exception))
        template.oa_id = self.oa
        template.action_submit()
        self.assertEqual(template.state, "pending_review")

    def test_zalo_refusal_is_explained(self):
        template = self.new_template()
        self.sim.add_fault(match="/template/create", error=-160, count=1)
        with self.assertRaises(UserError) as caught:
            template.action_submit()
        self.assertIn("-160", str(caught.exception))
        self.assertEqual(template.state, "draft")
        self.assertFalse(template.zalo_template_id)
