import datetime as dt

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestParams(ZbsTransactionCase):
    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.env.company.country_id = self.env.ref("base.vn")
        self.Param = self.env["zalo.zbs.template.param"]

    def param_template(self, params):
        return self.enabled_template(
            title="Thông báo <customer_name>",
            body_text="Thông tin tài khoản của bạn: <value_one> <value_two>.",
            param_ids=[Command.create(p) for p in params],
        )

    def test_missing_too_long_and_wrong_type(self):
        template = self.param_template(
            [
                {
                    "name": "customer_name",
                    "param_type": "1",
                    "source": "field",
                    "field_path": "name",
                    "sample_value": "An",
                },
                {
                    "name": "value_one",
                    "param_type": "4",
                    "source": "field",
                    "field_path": "ref",
                    "sample_value": "KH01",
                },
                {
                    "name": "value_two",
                    "param_type": "2",
                    "source": "field",
                    "field_path": "function",
                    "sample_value": "0912345678",
                },
            ]
        )
        good = self.env["res.partner"].create(
            {
                "name": "Nguyễn Văn An",
                "ref": "KH01",
                "function": "0912 345 678",
                "mobile": "0912345678",
            }
        )
        missing = self.env["res.partner"].create(
            {"name": "Thiếu Mã", "function": "0912 345 679", "mobile": "0912345679"}
        )
        too_long = self.env["res.partner"].create(
            {
                "name": "Công ty Trách nhiệm Hữu hạn Thương mại Dịch vụ Sài Gòn",
                "ref": "KH03",
                "function": "0912 345 670",
                "mobile": "0912345670",
            }
        )
        wrong = self.env["res.partner"].create(
            {"name": "Sai Kiểu", "ref": "KH04", "function": "không có", "mobile": "0912345671"}
        )
        data, problems = template._zbs_render(good)
        self.assertEqual(data["value_two"], "0912 345 678")
        self.assertFalse(problems)
        _data, problems = template._zbs_render(missing)
        self.assertEqual(list(problems), ["value_one"])
        self.assertEqual(problems["value_one"], "«value_one» is empty (Reference).")
        _data, problems = template._zbs_render(too_long)
        self.assertIn("Zalo allows 30", problems["customer_name"])
        _data, problems = template._zbs_render(wrong)
        self.assertIn("should be a phone number", problems["value_two"])

        partners = good | missing | too_long | wrong
        composer = self.composer(partners)
        self.assertEqual((composer.valid_count, composer.invalid_count), (1, 3))
        self.assertIn("Thiếu Mã", composer.problem_html)
        composer.action_send()
        rows = self.zbs_rows(partners)
        self.assertEqual(rows.mapped("state"), ["sent", "failed", "failed", "failed"])
        self.assertEqual(rows[1].failure_kind, "param")
        self.assertIn("is empty", rows[1].failure_reason)
        self.assertIn("Zalo allows 30", rows[2].failure_reason)
        self.assertIn("should be a phone number", rows[3].failure_reason)
        self.assertEqual(len(self.sim_calls("/business/message/template")), 1)

    def test_sources_and_vietnamese_formats(self):
        template = self.param_template(
            [
                {"name": "customer_name", "param_type": "1", "source": "user"},
                {
                    "name": "value_one",
                    "param_type": "5",
                    "source": "fixed",
                    "fixed_value": "Cửa hàng ABC",
                },
                {"name": "value_two", "param_type": "11", "source": "date"},
                {
                    "name": "value_three",
                    "param_type": "11",
                    "source": "date",
                    "field_path": "create_date",
                    "date_style": "datetime",
                },
                {"name": "value_four", "param_type": "13", "source": "portal_url"},
            ]
        )
        partner = self.env["res.partner"].create({"name": "Khách", "mobile": "0912345678"})
        data, problems = template._zbs_render(partner)
        self.assertEqual(data["customer_name"], self.env.user.name)
        self.assertEqual(data["value_one"], "Cửa hàng ABC")
        self.assertRegex(data["value_two"], r"^\d\d/\d\d/\d{4}$")
        self.assertRegex(data["value_three"], r"^\d\d/\d\d/\d{4} \d\d:\d\d$")
        self.assertEqual(list(problems), ["value_four"])
        self.assertIn("no customer portal page", problems["value_four"])

    def test_amount_and_date_helpers(self):
        vnd = self.env.ref("base.VND")
        usd = self.env.ref("base.USD")
        company = self.env.company
        self.assertEqual(self.Param._zbs_format_amount(1234567, vnd, company), "1.234.567 ₫")
        self.assertEqual(
            self.Param._zbs_format_amount(123456789, vnd, company, max_length=12), "123.456.789"
        )
        self.assertEqual(
            self.Param._zbs_format_amount(1234567, vnd, company, style="digits"), "1234567"
        )
        self.assertEqual(self.Param._zbs_format_amount(12.5, usd, company), "12,50 $")
        self.assertEqual(self.Param._zbs_format_date(dt.date(2026, 11, 21), company), "21/11/2026")
        self.env.user.tz = "Asia/Ho_Chi_Minh"
        self.assertEqual(
            self.Param._zbs_format_date(dt.datetime(2026, 11, 21, 7, 30), company, with_time=True),
            "21/11/2026 14:30",
        )
        partner = self.env["res.partner"].create({"name": "Khách"})
        self.assertEqual(partner._zalo_zbs_format_amount(2500000, vnd), "2.500.000 ₫")
        # Not a Vietnamese company: the language's formats.
        company.country_id = self.env.ref("base.us")
        company.currency_id = usd
        self.assertEqual(
            self.Param._zbs_format_amount(1234.5, usd, company), "$\N{NO-BREAK SPACE}1,234.50"
        )
        self.assertEqual(self.Param._zbs_format_date(dt.date(2026, 11, 21), company), "11/21/2026")

    def test_field_path_is_checked_when_saved(self):
        template = self.new_template()
        with self.assertRaises(ValidationError) as caught:
            template.param_ids[0].field_path = "parent_id.nam"
        self.assertIn("«nam» is not a field of Contact", str(caught.exception))
        with self.assertRaises(ValidationError):
            template.param_ids[0].write({"source": "date", "field_path": "name"})
        template.param_ids[0].field_path = "parent_id.name"
        self.assertEqual(template.param_ids[0].source_label, "Related Company › Name")

    def test_document_hook_overrides_a_param(self):
        template = self.enabled_template()
        partner = self.env["res.partner"].create({"name": "Khách", "mobile": "0912345678"})
        Partner = type(self.env["res.partner"])
        self.patch(
            Partner,
            "_zalo_zbs_param_value",
            lambda record, param: "MÃ-ĐẶC-BIỆT" if param.name == "customer_code" else None,
        )
        data, problems = template._zbs_render(partner)
        self.assertEqual(data["customer_code"], "MÃ-ĐẶC-BIỆT")
        self.assertFalse(problems)

    def test_guess_types_and_detect_params(self):
        guess = self.Param._zbs_guess_type
        self.assertEqual(guess("customer_name"), "1")
        self.assertEqual(guess("customer_phone"), "2")
        self.assertEqual(guess("order_code"), "4")
        self.assertEqual(guess("amount_due"), "14")
        self.assertEqual(guess("delivery_date"), "11")
        self.assertEqual(guess("tracking_url"), "13")
        self.assertEqual(guess("product_name"), "9")
        self.assertEqual(guess("whatever", 50), "7")
        self.assertEqual(guess("so_tien", 12, "NUMBER"), "14")
        template = self.new_template(param_ids=[], body_text=False)
        with Form(template) as form:
            form.title = "Đơn hàng <order_code> của <customer_name>"
        self.assertEqual(
            [(p.name, p.param_type) for p in template.param_ids],
            [("order_code", "4"), ("customer_name", "1")],
        )
