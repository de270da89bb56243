import datetime as dt
from unittest.mock import patch

from odoo.tests import tagged

from .common import ZaloAccountCase


@tagged("post_install", "-at_install")
class TestPaymentReminders(ZaloAccountCase):
    def setUp(self):
        super().setUp()
        self.approve(self.template)
        self.company.write(
            {
                "zalo_invoice_reminder": True,
                "zalo_invoice_reminder_days": 3,
                "zalo_invoice_reminder_template_id": self.template.id,
                "zalo_invoice_reminder_from": "2026-01-01",
            }
        )
        self.partner = self.customers(1)[0]

    def run_cron(self, today):
        Move = type(self.env["account.move"])
        with patch.object(Move, "_zalo_reminder_today", lambda self, company: today):
            rows = self.env["account.move"]._cron_zalo_payment_reminders()
        self.run_queue()
        return rows

    def test_reminded_n_days_after_due_date_once_per_amount(self):
        invoice = self.invoice(self.partner)  # due 30/11/2026
        self.assertFalse(self.run_cron(dt.date(2026, 12, 2)), "only 2 days late")
        rows = self.run_cron(dt.date(2026, 12, 3))
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.res_id, rows.state), (invoice.id, "sent"))
        self.assertEqual(len(self.notes(invoice, self.template)), 1, "one chatter entry")
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(call["template_data"]["amount_due"], "12.500.000 ₫")
        self.assertEqual(invoice.zalo_reminder_ids.amount, 12500000)
        # Never twice for the same amount.
        self.assertFalse(self.run_cron(dt.date(2026, 12, 4)))
        self.assertFalse(self.run_cron(dt.date(2027, 1, 15)))
        # A partial payment: the new amount due is reminded once.
        self.pay(invoice, 5000000)
        rows = self.run_cron(dt.date(2026, 12, 5))
        self.assertEqual(len(rows), 1)
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(call["template_data"]["amount_due"], "7.500.000 ₫")
        self.assertFalse(self.run_cron(dt.date(2026, 12, 6)))
        self.assertEqual(sorted(invoice.zalo_reminder_ids.mapped("amount")), [7500000, 12500000])
        self.assertEqual(len(self.notes(invoice, self.template)), 2)
        self.assertEqual(len(self.sim_calls("/business/message/template")), 2)

    def test_what_is_not_reminded(self):
        opted_out = self.invoice(self.partner, zalo_no_auto_send=True)
        paid = self.invoice(self.partner)
        self.pay(paid, paid.amount_total)
        old = self.invoice(self.partner, due="2025-12-31")  # before «remind invoices due from»
        draft = self.invoice(self.partner, post=False)
        refund = self.invoice(self.partner, move_type="out_refund")
        self.assertFalse(self.run_cron(dt.date(2026, 12, 10)))
        for move in opted_out | paid | old | draft | refund:
            self.assertFalse(self.zbs_rows(move))
            self.assertFalse(self.notes(move, self.template))

    def test_switched_off_or_template_not_approved(self):
        invoice = self.invoice(self.partner)
        self.company.zalo_invoice_reminder = False
        self.assertFalse(self.run_cron(dt.date(2026, 12, 10)))
        self.company.zalo_invoice_reminder = True
        self.template.sudo().state = "disabled"
        self.assertFalse(self.run_cron(dt.date(2026, 12, 10)))
        self.assertFalse(self.notes(invoice, self.template), "no daily note about it either")
        self.template.sudo().state = "enabled"
        self.assertEqual(len(self.run_cron(dt.date(2026, 12, 10))), 1)

    def test_unreachable_customer_is_reminded_once_with_the_reason(self):
        nobody = self.env["res.partner"].create({"name": "Khách Không Số"})
        invoice = self.invoice(nobody)
        rows = self.run_cron(dt.date(2026, 12, 10))
        self.assertEqual(rows.state, "failed")
        self.assertIn("no mobile number", rows.failure_reason)
        self.assertEqual(len(self.notes(invoice, self.template)), 1)
        self.assertFalse(self.run_cron(dt.date(2026, 12, 11)), "not retried every day")

    def test_cron_and_settings(self):
        cron = self.env.ref("zalo_oa_account.ir_cron_zalo_payment_reminders")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.company.write(
            {"zalo_invoice_reminder": False, "zalo_invoice_reminder_template_id": False}
        )
        self.company.zalo_invoice_reminder_from = False
        settings = self.env["res.config.settings"].create({})
        settings.zalo_invoice_reminder = True
        settings._onchange_zalo_invoice_reminder()
        self.assertEqual(settings.zalo_invoice_reminder_template_id, self.template)
        self.assertTrue(settings.zalo_invoice_reminder_from)
        arch = self.env["res.config.settings"].get_view()["arch"]
        self.assertIn('name="zalo_invoice_reminder_days"', arch)
