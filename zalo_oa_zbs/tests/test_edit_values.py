from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ZbsTransactionCase

#: Zalo param type → (a valid value, an invalid value, a piece of the error text).
CASES = {
    "1": ("Nguyễn Văn An", "N" * 31, "has 31 characters, Zalo allows 30"),
    "2": ("0912 345 678", "gọi 0912", "should be a phone number"),
    "3": ("12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội", "A" * 201, "Zalo allows 200"),
    "4": ("SO2026/0042", "C" * 31, "Zalo allows 30"),
    "5": ("Khách hàng thân thiết", "L" * 31, "Zalo allows 30"),
    "6": ("Đã xác nhận", "S" * 31, "Zalo allows 30"),
    "7": ("Chị Lan - 0912 345 678", "C" * 51, "Zalo allows 50"),
    "8": ("Anh", "Quý khách", "has 9 characters, Zalo allows 5"),
    "9": ("Áo thun cotton (size M)", "P" * 201, "Zalo allows 200"),
    "10": ("12", "mười hai", "should be a number"),
    "11": ("21/11/2026 14:30", "ngày mai", "should be a date or time"),
    "12": ("482913", "12", "should be 4 to 10 letters or digits"),
    "13": ("https://shop.example.vn/don-hang/42", "shop.example.vn", "a link starting with"),
    "14": ("1.234.567 ₫", "một triệu", "should be an amount"),
    "15": ("Thanh toan SO2026 0042", "B" * 91, "Zalo allows 90"),
}


@tagged("post_install", "-at_install")
class TestEditValues(ZbsTransactionCase):
    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.template = self.enabled_template()
        self.partner = self.env["res.partner"].create(
            {"name": "Nguyễn Văn An", "ref": "KH0007", "mobile": "0912 345 678"}
        )

    def line(self, composer, name):
        line = composer.value_ids.filtered(lambda v: v.param_id.name == name)
        self.assertEqual(len(line), 1, composer.value_ids.mapped("param_id.name"))
        return line

    def test_every_param_is_prefilled_from_the_document(self):
        composer = self.composer(self.partner)
        self.assertEqual(
            [(v.param_id.name, v.value) for v in composer.value_ids],
            [("customer_name", "Nguyễn Văn An"), ("customer_code", "KH0007")],
        )
        self.assertFalse(any(composer.value_ids.mapped("error")))
        self.assertEqual(
            self.line(composer, "customer_name").type_hint, "Text, at most 30 characters"
        )

    def test_validation_per_type(self):
        """Each of Zalo's 15 param types: a valid value passes, an invalid one says why."""
        template = self.enabled_template(
            name="Mẫu kiểm tra các kiểu tham số",
            title="Thông tin <p1>",
            body_text="Chi tiết đơn hàng của quý khách.",
            param_ids=[
                Command.create(
                    {"name": f"p{code}", "param_type": code, "source": "fixed", "fixed_value": ok}
                )
                for code, (ok, _bad, _error) in CASES.items()
            ],
        )
        composer = self.composer(self.partner, template_id=template.id)
        self.assertEqual(len(composer.value_ids), 15)
        for code, (ok, bad, error) in CASES.items():
            with self.subTest(param_type=code):
                line = self.line(composer, f"p{code}")
                self.assertEqual(line.value, ok)
                self.assertFalse(line.error)
                line.value = bad
                self.assertIn(f"«p{code}»", line.error)
                self.assertIn(error, line.error)
                self.assertEqual(composer.valid_count, 0)
                self.assertIn(error, composer.preview_html)
                line.value = ""
                self.assertEqual(line.error, f"«p{code}» is empty: Zalo requires a value.")
                line.value = ok
                self.assertFalse(line.error)
                self.assertEqual(composer.valid_count, 1)

    def test_edited_value_is_previewed_and_sent(self):
        composer = self.composer(self.partner)
        self.line(composer, "customer_code").value = "  VIP-2026  "
        self.assertIn("VIP-2026", composer.preview_html)
        self.assertNotIn("KH0007", composer.preview_html)
        composer.action_send()
        self.assertIn("1 message(s) sent", composer.result_html)
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(
            call["template_data"], {"customer_name": "Nguyễn Văn An", "customer_code": "VIP-2026"}
        )
        row = self.zbs_rows(self.partner)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.template_data["customer_code"], "VIP-2026")
        self.assertEqual(row.zbs_edited_values, {"customer_code": "VIP-2026"})
        self.assertIn("VIP-2026", row.mail_message_id.body)

    def test_edited_through_the_form(self):
        """The client's onchange round trip: the preview follows, the send uses the edit."""
        form = Form(
            self.env["zalo.zbs.composer"].with_context(
                active_model="res.partner", active_ids=self.partner.ids
            )
        )
        with form.value_ids.edit(1) as line:
            line.value = "C" * 31
            self.assertIn("Zalo allows 30", line.error)
        self.assertEqual(form.valid_count, 0)
        with form.value_ids.edit(1) as line:
            line.value = "KH-SUA-01"
        self.assertIn("KH-SUA-01", form.preview_html)
        composer = form.save()
        composer.action_send()
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(call["template_data"]["customer_code"], "KH-SUA-01")

    def test_invalid_edit_is_not_sent(self):
        composer = self.composer(self.partner)
        self.line(composer, "customer_name").value = "Quý khách hàng thân thiết của cửa hàng ABC"
        with self.assertRaisesRegex(UserError, "Zalo allows 30"):
            composer.action_send()
        self.assertFalse(self.zbs_rows(self.partner))
        self.assertFalse(self.sim_calls("/business/message/template"))

    def test_a_missing_value_can_be_typed(self):
        partner = self.env["res.partner"].create({"name": "Trần Bình", "mobile": "0987 654 321"})
        composer = self.composer(partner)
        self.assertEqual(composer.valid_count, 0)
        self.assertIn("«customer_code» is empty", self.line(composer, "customer_code").error)
        self.line(composer, "customer_code").value = "KH0999"
        self.assertEqual(composer.valid_count, 1)
        composer.action_send()
        self.assertEqual(self.zbs_rows(partner).state, "sent")

    def test_retry_keeps_the_edited_value(self):
        self.sim.add_fault(match="/business/message/template", error=-1124, count=1)
        composer = self.composer(self.partner)
        self.line(composer, "customer_code").value = "VIP-2026"
        composer.action_send()
        row = self.zbs_rows(self.partner)
        self.assertEqual(row.state, "failed")
        self.partner.name = "Nguyễn Văn Anh"
        row.action_retry()
        self.run_queue()
        self.assertEqual(row.state, "sent")
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(
            call["template_data"], {"customer_name": "Nguyễn Văn Anh", "customer_code": "VIP-2026"}
        )

    def test_batch_keeps_the_mapping(self):
        other = self.env["res.partner"].create(
            {"name": "Lê Thị Hoa", "ref": "KH0008", "mobile": "0912 345 679"}
        )
        composer = self.composer(self.partner | other)
        self.assertEqual(composer.composition_mode, "batch")
        self.assertFalse(composer.value_ids)
        composer.action_send()
        calls = self.sim_calls("/business/message/template")
        self.assertEqual(
            sorted(c["body"]["json"]["template_data"]["customer_code"] for c in calls),
            ["KH0007", "KH0008"],
        )

    def test_edited_values_need_a_single_document(self):
        other = self.env["res.partner"].create({"name": "Lê Thị Hoa", "mobile": "0912345679"})
        with self.assertRaisesRegex(UserError, "one document at a time"):
            self.template._zbs_queue(self.partner | other, values={"customer_code": "X1"})
