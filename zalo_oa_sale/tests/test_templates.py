import re

from odoo import fields
from odoo.tests import tagged

from .common import SALE_TEMPLATES, ZaloSaleCase


@tagged("post_install", "-at_install")
class TestSaleTemplates(ZaloSaleCase):
    def test_shipped_templates_are_ready_to_submit(self):
        for usage, xmlid in SALE_TEMPLATES.items():
            template = self.env.ref(xmlid)
            with self.subTest(usage=usage):
                self.assertEqual(template.state, "draft")
                self.assertEqual(template.model, "sale.order")
                self.assertEqual(template.zalo_sale_usage, usage)
                self.assertTrue(10 <= len(template.name) <= 60, template.name)
                self.assertEqual(template.lint_error_count, 0, template.lint_html)
                codes = {issue.code for issue in template._zbs_lint()}
                self.assertLessEqual(codes, {"no_logo_or_image"}, "only the logo is missing")
                for param in template.param_ids:
                    self.assertRegex(param.name, r"^[a-z][a-z0-9_]*$")
                data = self.env["ir.model.data"].search(
                    [("model", "=", "zalo.zbs.template"), ("res_id", "=", template.id)]
                )
                self.assertTrue(data.noupdate, "users edit the shipped templates")
                # Zalo (the simulator) accepts the body as it is.
                self.approve(template)
        body = self.sim_calls("/business/template/create")[0]["body"]["json"]
        self.assertEqual(body["tag"], "1")
        components = body["layout"]["body"]["components"]
        self.assertEqual(
            [next(iter(c)) for c in components], ["TITLE", "PARAGRAPH", "PARAGRAPH", "TABLE"]
        )

    def test_templates_render_from_an_order(self):
        _customer, link = self.linked_customer()
        partner = link.partner_id
        order = self.make_order(partner)
        order._portal_ensure_token()
        expected_url = f"/my/orders/{order.id}?access_token={order.access_token}"
        today = fields.Date.context_today(order.with_context(tz="Asia/Ho_Chi_Minh"))
        expected = {
            "customer_name": "Nguyễn Thị Hồng Nhung",
            "order_ref": order.name,
            "quotation_date": "21/11/2026",
            "order_date": "21/11/2026",
            "amount_total": "1.234.567 ₫",
            "amount_paid": "1.234.567 ₫",
            "payment_date": today.strftime("%d/%m/%Y"),
            "salesperson": "Trần Minh Đức",
        }
        for usage in SALE_TEMPLATES:
            template = self.sale_template(usage)
            with self.subTest(usage=usage):
                data, problems = template._zbs_render(order, partner=partner)
                self.assertFalse(problems)
                for name, value in data.items():
                    if name == "portal_url":
                        self.assertTrue(value.endswith(expected_url), value)
                        self.assertTrue(re.match(r"^https?://", value))
                    else:
                        self.assertEqual(value, expected[name], name)
        text = self.sale_template("confirmation")._zbs_render_text(
            self.sale_template("confirmation")._zbs_render(order)[0]
        )
        self.assertIn("Xin chào Nguyễn Thị Hồng Nhung, cảm ơn Quý khách đã đặt hàng.", text)
        self.assertIn("Tổng thanh toán: 1.234.567 ₫", text)

    def test_large_amount_is_shortened_to_fit(self):
        """A currency param holds 12 characters: 123.456.789 ₫ loses its symbol."""
        order = self.make_order(self.customers(1)[0], price=123456789)
        data, problems = self.sale_template("confirmation")._zbs_render(order)
        self.assertFalse(problems)
        self.assertEqual(data["amount_total"], "123.456.789")

    def test_salesperson_falls_back_to_team_leader(self):
        leader = self.env["res.users"].create(
            {"name": "Lê Thị Mỹ Duyên", "login": "zalo_sale_leader", "company_id": self.company.id}
        )
        team = self.env["crm.team"].create(
            {"name": "Kinh doanh", "user_id": leader.id, "company_id": self.company.id}
        )
        order = self.make_order(self.customers(1)[0], team_id=team.id)
        order.user_id = False
        data, problems = self.sale_template("quotation")._zbs_render(order)
        self.assertFalse(problems)
        self.assertEqual(data["salesperson"], "Lê Thị Mỹ Duyên")
