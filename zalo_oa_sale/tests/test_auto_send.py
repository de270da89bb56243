from odoo.tests import Form, tagged

from .common import ZaloSaleCase


@tagged("post_install", "-at_install")
class TestSaleAutoSend(ZaloSaleCase):
    def setUp(self):
        super().setUp()
        self.confirmation = self.approve(self.sale_template("confirmation"))
        self.paid = self.approve(self.sale_template("paid"))
        self.cancel = self.approve(self.sale_template("cancel"))
        self.company.write(
            {
                "zalo_sale_auto_confirm": True,
                "zalo_sale_confirm_template_id": self.confirmation.id,
                "zalo_sale_auto_paid": True,
                "zalo_sale_paid_template_id": self.paid.id,
                "zalo_sale_auto_cancel": True,
                "zalo_sale_cancel_template_id": self.cancel.id,
            }
        )
        _customer, self.link = self.linked_customer()
        self.partner = self.link.partner_id

    def assert_sent_once(self, order, template):
        rows = self.zbs_rows(order, zbs_template_id=template.id)
        self.assertEqual(len(rows), 1, f"one {template.name} for {order.name}")
        self.run_queue()
        self.assertEqual(rows.state, "sent", rows.failure_reason)
        self.assertEqual(len(self.notes(order, template)), 1, "one chatter entry")
        return rows

    def test_confirmation(self):
        order = self.make_order(self.partner)
        order.with_user(self.salesperson).action_confirm()
        row = self.assert_sent_once(order, self.confirmation)
        self.assertEqual(row.author_id, self.salesperson)
        self.assertEqual(row.message_kind, "zbs_uid")
        data = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(data["template_data"]["amount_total"], "1.234.567 ₫")
        self.assertEqual(self.zbs_rows(order).zbs_template_id, self.confirmation, "nothing else")

    def test_confirmation_from_the_list(self):
        first, second = self.customers(2)
        orders = self.make_order(first) | self.make_order(second)
        orders.action_confirm()
        for order in orders:
            self.assert_sent_once(order, self.confirmation)

    def test_salesperson_without_zalo_rights(self):
        """Automatic sends do not need Zalo rights: they follow the company's settings."""
        self.salesperson.groups_id -= self.env.ref("zalo_oa.group_zalo_user")
        self.salesperson.groups_id -= self.env.ref("zalo_oa.group_zalo_manager")
        order = self.make_order(self.partner)
        order.with_user(self.salesperson).action_confirm()
        self.assert_sent_once(order, self.confirmation)

    def test_opt_out(self):
        order = self.make_order(self.partner)
        with Form(order) as form:
            form.zalo_no_auto_send = True
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        invoice = order._create_invoices()
        invoice.action_post()
        self.pay(invoice, invoice.amount_total)
        order._action_cancel()
        self.assertFalse(self.zbs_rows(order))
        self.assertFalse(self.notes(order, self.confirmation))
        self.assertFalse(self.sim_calls("/message/template"))

    def test_switched_off(self):
        self.company.zalo_sale_auto_confirm = False
        order = self.make_order(self.partner)
        order.action_confirm()
        self.assertFalse(self.zbs_rows(order))

    def test_cancellation_of_a_confirmed_order(self):
        quotation = self.make_order(self.partner)
        quotation._action_cancel()
        self.assertFalse(self.zbs_rows(quotation), "a cancelled quotation is not announced")
        order = self.make_order(self.partner)
        order.action_confirm()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assert_sent_once(order, self.cancel)

    def test_full_payment_once(self):
        order = self.make_order(self.partner)
        order.action_confirm()
        self.assert_sent_once(order, self.confirmation)
        invoice = order._create_invoices()
        invoice.action_post()
        self.pay(invoice, 234567)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(self.zbs_rows(order, zbs_template_id=self.paid.id), "not fully paid")
        self.pay(invoice, 1000000)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(order.zalo_paid_notified)
        row = self.assert_sent_once(order, self.paid)
        data = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(data["template_data"]["amount_paid"], "1.234.567 ₫")
        # Unreconciled and paid again: still one payment message.
        invoice.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.pay(invoice, invoice.amount_residual)
        self.assertEqual(self.zbs_rows(order, zbs_template_id=self.paid.id), row)

    def test_template_not_approved_does_not_block(self):
        draft = self.sale_template("quotation").copy({"zalo_sale_usage": "confirmation"})
        self.company.zalo_sale_confirm_template_id = draft
        order = self.make_order(self.partner)
        order.action_confirm()
        self.assertEqual(order.state, "sale", "the confirmation goes through")
        self.assertFalse(self.zbs_rows(order))
        self.note_with(order, "not approved by Zalo")

    def test_settings_propose_the_shipped_template(self):
        self.company.write(
            {"zalo_sale_auto_confirm": False, "zalo_sale_confirm_template_id": False}
        )
        settings = self.env["res.config.settings"].create({})
        settings.zalo_sale_auto_confirm = True
        settings._onchange_zalo_sale_auto()
        self.assertEqual(settings.zalo_sale_confirm_template_id, self.confirmation)
        self.assertTrue(self.company.zalo_sale_auto_confirm)
        self.assertEqual(self.company.zalo_sale_confirm_template_id, self.confirmation)
        arch = self.env["res.config.settings"].get_view()["arch"]
        for field in ("zalo_sale_auto_confirm", "zalo_sale_auto_paid", "zalo_sale_auto_cancel"):
            self.assertIn(f'name="{field}"', arch)
