import datetime as dt

from odoo.tests import BaseCase, tagged

from ..tools import formatting, lint, params


@tagged("post_install", "-at_install")
class TestTools(BaseCase):
    """The pure helpers (no database)."""

    def test_vietnamese_formats(self):
        self.assertEqual(formatting.format_vn_amount(1234567), "1.234.567 ₫")
        self.assertEqual(formatting.format_vn_amount(0), "0 ₫")
        self.assertEqual(formatting.format_vn_amount(-1500), "-1.500 ₫")
        self.assertEqual(formatting.format_vn_amount(999.5), "1.000 ₫")
        self.assertEqual(formatting.format_vn_amount(1234.5, "$", 2), "1.234,50 $")
        self.assertEqual(formatting.fit_amount(1234567, 12), "1.234.567 ₫")
        self.assertEqual(formatting.fit_amount(123456789, 12), "123.456.789")
        self.assertEqual(formatting.fit_amount(123456789012, 12), "123456789012")
        self.assertEqual(formatting.format_vn_date(dt.date(2026, 11, 21)), "21/11/2026")
        self.assertEqual(
            formatting.format_vn_datetime(dt.datetime(2026, 1, 2, 9, 5)), "02/01/2026 09:05"
        )

    def test_param_checks(self):
        self.assertIsNone(params.check_value(1, "Nguyễn Văn An", 30))
        self.assertEqual(params.check_value(1, "  ", 30).code, params.MISSING)
        self.assertIsNone(params.check_value(1, "", 30, required=False))
        self.assertEqual(params.check_value(1, "x" * 31, 30).code, params.TOO_LONG)
        self.assertEqual(params.check_value(2, "không có", 15).code, params.WRONG_TYPE)
        self.assertIsNone(params.check_value(2, "+84 912 345 678", 15))
        self.assertIsNone(params.check_value(14, "1.234.567 ₫", 12))
        self.assertEqual(params.check_value(14, "miễn phí", 12).code, params.WRONG_TYPE)
        self.assertIsNone(params.check_value(13, "https://shop.vn/my/orders/1", 200))
        self.assertEqual(params.check_value(13, "shop.vn", 200).code, params.WRONG_TYPE)
        self.assertEqual(params.clean_value(" Dòng 1\n  dòng 2 "), "Dòng 1 dòng 2")

    def test_lint(self):
        spec = {
            "name": "Xác nhận đơn hàng",
            "template_type": 1,
            "title": "Xác nhận đơn hàng <order_ref>",
            "paragraphs": ["Cảm ơn bạn đã đặt hàng tại cửa hàng của chúng tôi."],
            "rows": [("Mã đơn", "<order_ref>"), ("Tổng tiền", "<amount>")],
            "buttons": [("1", "Xem đơn hàng", "https://shop.vn")],
            "has_logo": True,
            "params": [
                {"name": "order_ref", "type": 4, "sample": "S0001"},
                {"name": "amount", "type": 14, "sample": "100000"},
            ],
        }
        self.assertEqual(lint.lint(spec), [])
        codes = {i.code for i in lint.lint(dict(spec, rows=[("Mã", "<order_ref>")]))}
        self.assertEqual(codes, {"table_rows", "row_title_length", "unused_param"})
        bad = dict(spec, paragraphs=["Gọi 0912 345 678 hoặc vào www.shop.vn 🎉 SMS"])
        codes = {i.code for i in lint.lint(bad)}
        self.assertTrue({"phone_in_text", "url_in_text", "symbols", "word_sms"} <= codes)
        self.assertTrue(all(i.level == lint.WARNING for i in lint.lint(bad)))
        codes = {i.code for i in lint.lint(dict(spec, params=spec["params"][:1]))}
        self.assertEqual(codes, {"undeclared_param"})
