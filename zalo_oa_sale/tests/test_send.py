from odoo.tests import tagged

from .common import ZaloSaleCase


@tagged("post_install", "-at_install")
class TestSaleSend(ZaloSaleCase):
    def setUp(self):
        super().setUp()
        self.templates = {
            usage: self.approve(self.sale_template(usage))
            for usage in ("quotation", "confirmation", "paid", "cancel")
        }

    def test_send_via_zalo_from_the_form(self):
        customer, link = self.linked_customer()
        order = self.make_order(link.partner_id)
        action = order.with_user(self.salesperson).action_zalo_send()
        self.assertEqual(action["res_model"], "zalo.zbs.composer")
        composer = (
            self.env["zalo.zbs.composer"]
            .with_user(self.salesperson)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(composer.template_id, self.templates["quotation"], "a quotation")
        self.assertIn("Zalo account", composer.recipient_text)
        self.assertIn("1.234.567 ₫", composer.preview_html)
        composer.action_send()
        row = self.zbs_rows(order)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.state, row.message_kind), ("sent", "zbs_uid"))
        self.assertEqual(row.author_id, self.salesperson)
        calls = self.sim_calls("/openapi/v3.0/oa/message/template")
        self.assertEqual(len(calls), 1)
        call = calls[0]["body"]["json"]
        self.assertEqual(call["user_id"], customer["user_id"])
        self.assertEqual(call["template_data"]["order_ref"], order.name)
        self.assertEqual(call["template_data"]["customer_name"], "Nguyễn Thị Hồng Nhung")
        self.assertIn("access_token=", call["template_data"]["portal_url"])
        notes = self.notes(order, self.templates["quotation"])
        self.assertEqual(len(notes), 1, "one chatter entry")
        self.assertEqual(notes.message_format()[0]["notifications"][0]["zalo_state"], "sent")
        # The order is now related to the customer's conversation (smart button).
        self.assertEqual(order.zalo_channel_count, 1)
        self.assertEqual(order.zalo_zbs_message_count, 1)
        action = order.action_zalo_open_conversation()
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{link.channel_id.id}")

    def test_send_from_the_list_by_phone(self):
        first, second = self.customers(2)
        orders = self.make_order(first) | self.make_order(second)
        orders.action_confirm()  # no automatic send configured
        self.assertFalse(self.zbs_rows(orders))
        composer = self.composer(orders)
        self.assertEqual(composer.composition_mode, "batch")
        self.assertEqual(composer.template_id, self.templates["confirmation"])
        composer.action_send()
        rows = self.zbs_rows(orders)
        self.assertEqual(rows.mapped("state"), ["sent", "sent"])
        self.assertEqual(rows.mapped("message_kind"), ["zbs_phone", "zbs_phone"])
        self.assertEqual(rows.mapped("phone"), ["84912000000", "84912000001"])
        for order in orders:
            self.assertEqual(len(self.notes(order, self.templates["confirmation"])), 1)
        self.assertEqual(len(self.sim_calls("/business/message/template")), 2)

    def test_default_template_follows_the_order(self):
        order = self.make_order(self.customers(1)[0])
        templates = self.env["zalo.zbs.template"].browse([t.id for t in self.templates.values()])
        self.assertEqual(order._zalo_zbs_default_template(templates), self.templates["quotation"])
        order.action_confirm()
        self.assertEqual(
            order._zalo_zbs_default_template(templates), self.templates["confirmation"]
        )
        invoice = order._create_invoices()
        invoice.action_post()
        self.pay(invoice, invoice.amount_total)
        self.assertEqual(order._zalo_zbs_default_template(templates), self.templates["paid"])
        order._action_cancel()
        self.assertEqual(order._zalo_zbs_default_template(templates), self.templates["cancel"])

    def test_order_without_recipient_is_not_sent(self):
        partner = self.env["res.partner"].create({"name": "Khách Không Số"})
        order = self.make_order(partner)
        composer = self.composer(order)
        self.assertEqual(composer.valid_count, 0)
        self.assertIn("no mobile number", composer.problem_html)
        self.assertFalse(self.zbs_rows(order))

    def test_buttons_in_views(self):
        form = self.env["sale.order"].get_view(self.env.ref("sale.view_order_form").id)["arch"]
        self.assertIn('name="action_zalo_send"', form)
        self.assertIn('name="action_zalo_open_conversation"', form)
        self.assertIn('name="zalo_no_auto_send"', form)
        for xmlid in ("sale.view_quotation_tree", "sale.view_order_tree"):
            arch = self.env["sale.order"].get_view(self.env.ref(xmlid).id, "tree")["arch"]
            self.assertIn('name="action_zalo_send"', arch, xmlid)
