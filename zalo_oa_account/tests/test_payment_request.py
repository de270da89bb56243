from odoo.tests import tagged

from .common import ZaloAccountCase


@tagged("post_install", "-at_install")
class TestPaymentRequest(ZaloAccountCase):
    def test_template_is_ready_to_submit(self):
        template = self.template
        self.assertEqual((template.state, template.model), ("draft", "account.move"))
        self.assertEqual(template.lint_error_count, 0, template.lint_html)
        self.assertLessEqual({i.code for i in template._zbs_lint()}, {"no_logo_or_image"})
        self.assertEqual(
            template.param_ids.mapped("name"),
            [
                "customer_name",
                "invoice_number",
                "amount_total",
                "amount_due",
                "due_date",
                "payment_ref",
                "portal_url",
            ],
        )
        self.approve(template)
        body = self.sim_calls("/business/template/create")[0]["body"]["json"]
        rows = body["layout"]["body"]["components"][-1]["TABLE"]["rows"]
        self.assertEqual(
            rows[2], {"title": "Số tiền cần thanh toán", "value": "<amount_due>", "row_type": 0}
        )

    def test_partially_paid_invoice_asks_for_the_rest(self):
        partner = self.env["res.partner"].create(
            {"name": "Công ty Minh Châu", "mobile": "0903 123 456"}
        )
        invoice = self.invoice(partner)
        self.pay(invoice, 5000000)
        self.assertEqual(invoice.payment_state, "partial")
        invoice._portal_ensure_token()
        data, problems = self.template._zbs_render(invoice, partner=partner)
        self.assertFalse(problems)
        self.assertEqual(data["customer_name"], "Công ty Minh Châu")
        self.assertEqual(data["invoice_number"], invoice.name)
        self.assertEqual(data["amount_total"], "12.500.000 ₫")
        self.assertEqual(data["amount_due"], "7.500.000 ₫")
        self.assertEqual(data["due_date"], "30/11/2026")
        self.assertTrue(invoice.payment_reference)
        self.assertEqual(data["payment_ref"], invoice.payment_reference)
        self.assertTrue(
            data["portal_url"].endswith(
                f"/my/invoices/{invoice.id}?access_token={invoice.access_token}"
            ),
            data["portal_url"],
        )

    def test_unpaid_invoice_due_equals_total(self):
        partner = self.customers(1)[0]
        invoice = self.invoice(partner, amount=1234567)
        data, problems = self.template._zbs_render(invoice)
        self.assertFalse(problems)
        self.assertEqual((data["amount_total"], data["amount_due"]), ("1.234.567 ₫",) * 2)

    def test_what_cannot_be_sent(self):
        partner = self.customers(1)[0]
        paid = self.invoice(partner)
        self.pay(paid, paid.amount_total)
        _data, problems = self.template._zbs_render(paid)
        self.assertIn("nothing is left to pay", problems["amount_due"])
        draft = self.invoice(partner, post=False)
        _data, problems = self.template._zbs_render(draft)
        self.assertIn("is not confirmed yet", problems["amount_due"])
        no_reference = self.invoice(partner)
        no_reference.payment_reference = False
        _data, problems = self.template._zbs_render(no_reference)
        self.assertEqual(list(problems), ["payment_ref"])
        self.assertIn("is empty", problems["payment_ref"])

    def test_send_via_zalo_button(self):
        self.approve(self.template)
        customer, link = self.linked_customer()
        invoice = self.invoice(link.partner_id)
        self.pay(invoice, 5000000)
        action = invoice.action_zalo_send()
        composer = self.env["zalo.zbs.composer"].with_context(**action["context"]).create({})
        self.assertEqual(composer.template_id, self.template)
        self.assertIn("12.500.000 ₫", composer.preview_html, "the total")
        self.assertIn("7.500.000 ₫", composer.preview_html, "and what is due")
        composer.action_send()
        row = self.zbs_rows(invoice)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.state, row.message_kind), ("sent", "zbs_uid"))
        call = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(call["user_id"], customer["user_id"])
        self.assertEqual(call["template_data"]["amount_due"], "7.500.000 ₫")
        self.assertEqual(call["template_data"]["payment_ref"], invoice.payment_reference)
        self.assertEqual(len(self.notes(invoice, self.template)), 1, "one chatter entry")
        self.assertEqual(invoice.zalo_channel_count, 1)
        action = invoice.action_zalo_open_conversation()
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{link.channel_id.id}")

    def test_button_on_customer_invoices(self):
        arch = self.env["account.move"].get_view(self.env.ref("account.view_move_form").id)["arch"]
        self.assertIn('name="action_zalo_send"', arch)
        self.assertIn("move_type != 'out_invoice'", arch)
        self.assertIn('name="zalo_no_auto_send"', arch)
