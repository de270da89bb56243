from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools import rating as zbs_rating
from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestTemplateTypes(ZbsTransactionCase):
    def setUp(self):
        super().setUp()
        self.setup_oa()

    def test_other_types_are_import_only(self):
        """Zalo's API takes them, but their blocks are undocumented: Odoo refuses to submit."""
        for template_type in ("2", "3", "4", "5"):
            with self.subTest(template_type=template_type):
                template = self.new_template(template_type=template_type)
                self.assertEqual(template.lint_error_count, 1)
                self.assertIn("Only custom templates can be created from Odoo", template.lint_html)
                with self.assertRaisesRegex(UserError, "create the other types in Zalo's console"):
                    template.action_submit()
                self.assertEqual(template.state, "draft")
        self.assertFalse(self.sim_calls("/template/create"))
        custom = self.new_template(name="Thông báo khách hàng mới 2")
        self.assertEqual(custom.lint_error_count, 0)

    def test_type_of_imported_templates(self):
        Template = self.env["zalo.zbs.template"]
        self.assertEqual(Template._zbs_type_from_info({"templateTag": "OTP"}), "2")
        self.assertEqual(Template._zbs_type_from_info({"templateType": 5}), "5")
        self.assertEqual(Template._zbs_type_from_info({"templateTag": "TRANSACTION"}), "1")
        imported = self.enabled_template()
        imported.imported = True
        imported._zbs_apply_info({"templateTag": "OTP", "status": "ENABLE"})
        self.assertEqual(imported.template_type, "2")
        self.assertFalse(imported.supports_uid, "OTP templates go by phone only")
        other = self.enabled_template(name="Mẫu đánh giá dịch vụ khách hàng")
        other.write({"imported": True, "template_type": "5"})
        self.assertTrue(other.supports_uid)


@tagged("post_install", "-at_install")
class TestRatingAnswers(ZbsTransactionCase):
    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.template = self.enabled_template(template_type="5", imported=True)
        self.partner = self.env["res.partner"].create(
            {"name": "Nguyễn Văn An", "ref": "KH0007", "mobile": "0912 345 678"}
        )
        self.template._zbs_queue(self.partner)._send()
        self.row = self.zbs_rows(self.partner)
        self.assertEqual(self.row.state, "sent")

    def feedback(self, **message):
        return self.receive(
            self.oa,
            {
                "event_name": "user_feedback",
                "oa_id": self.oa.zalo_oa_ref,
                "sender": {"id": "2512523625412515"},
                "recipient": {"id": self.oa.zalo_oa_ref},
                "message": message,
            },
        )

    def test_parse_feedback_shapes(self):
        flat = zbs_rating.parse_feedback(
            {"msgId": "m1", "rate": "4", "note": "Tốt", "feedbacks": ["Nhanh", "Thân thiện"]}
        )
        self.assertEqual(
            (flat["msg_id"], flat["rate"], flat["note"], flat["feedbacks"]),
            ("m1", 4, "Tốt", ["Nhanh", "Thân thiện"]),
        )
        nested = zbs_rating.parse_feedback(
            {"message": {"msg_id": "m2", "feedback": {"rate": 5, "submitDate": "1700000000000"}}}
        )
        self.assertEqual((nested["msg_id"], nested["rate"]), ("m2", 5))
        self.assertEqual(nested["submitted_ms"], "1700000000000")
        odd = zbs_rating.parse_feedback({"message": {"msg_id": "m3", "rate": 9}})
        self.assertIsNone(odd["rate"], "out of the 1..5 scale")
        self.assertEqual(zbs_rating.parse_feedback("not a dict")["feedbacks"], [])

    def test_answer_is_kept_on_the_message_and_the_document(self):
        self.feedback(
            msg_id=self.row.zalo_msg_id, rate=4, note="Nhân viên nhiệt tình", feedbacks=["Nhanh"]
        )
        self.assertEqual(self.row.zbs_rating, "4")
        self.assertEqual(self.row.zbs_rating_note, "Nhân viên nhiệt tình\nNhanh")
        self.assertTrue(self.row.zbs_rated_at)
        note = self.note_with(self.partner, "rated 4/5")
        self.assertIn("Nhân viên nhiệt tình", note.body)
        event = self.env["zalo.event"].search([("event_name", "=", "user_feedback")])
        self.assertEqual(event.state, "processed")
        self.assertIn("Rating 4/5", event.note)

    def test_answer_found_by_tracking_id(self):
        self.feedback(tracking_id=self.row.tracking_id, rate="5")
        self.assertEqual(self.row.zbs_rating, "5")

    def test_answer_without_score_keeps_the_comment(self):
        self.feedback(msg_id=self.row.zalo_msg_id, note="Chưa hài lòng")
        self.assertFalse(self.row.zbs_rating)
        self.assertEqual(self.row.zbs_rating_note, "Chưa hài lòng")
        event = self.env["zalo.event"].search([("event_name", "=", "user_feedback")])
        self.assertIn("not documented", event.note)

    def test_answer_to_an_unknown_message(self):
        self.feedback(msg_id="khong-co", rate=3)
        self.assertFalse(self.row.zbs_rating)
        event = self.env["zalo.event"].search([("event_name", "=", "user_feedback")])
        self.assertEqual(event.state, "processed")
        self.assertIn("khong-co", event.note)
