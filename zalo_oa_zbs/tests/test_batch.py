import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestBatch(ZbsTransactionCase):
    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.template = self.enabled_template()

    def test_500_documents_3_invalid_phones(self):
        partners = self.customers(500)
        bad = partners[10] | partners[250] | partners[499]
        bad[0].mobile = "12345"
        bad[1].mobile = "không có"
        bad[2].mobile = "0912 34"
        started = time.time()
        composer = self.composer(partners)
        self.assertEqual(composer.composition_mode, "batch")
        self.assertEqual((composer.valid_count, composer.invalid_count), (497, 3))
        composer.action_send()
        self.assertIn("497 message(s) queued", composer.result_html)
        self.assertIn("3 message(s) not sent", composer.result_html)
        rows = self.zbs_rows(partners)
        self.assertEqual(len(rows), 500)
        self.assertEqual(set(rows.mapped("zbs_batch_ref")), {composer.batch_ref})
        self.run_queue()
        sent = rows.filtered(lambda r: r.state == "sent")
        failed = rows.filtered(lambda r: r.state == "failed")
        self.assertEqual(len(sent), 497)
        self.assertEqual(len(failed), 3)
        self.assertEqual(set(failed.mapped("partner_id")), set(bad))
        for row in failed:
            self.assertIn("is not valid", row.failure_reason)
            self.assertIn(row.partner_id.mobile, row.failure_reason)
            self.assertEqual(row.failure_kind, "recipient")
        self.assertEqual(len(self.sim_calls("/business/message/template")), 497)
        self.assertEqual(len(set(sent.mapped("tracking_id"))), 497)
        self.assertEqual(len(set(sent.mapped("zalo_msg_id"))), 497)
        # Every document has its chatter line; the failed ones say why.
        self.assertEqual(len(rows.mail_message_id), 500)
        self.assertIn("is not valid", failed[0].mail_message_id.body)
        quota = self.env["zalo.zbs.quota"].search([("oa_id", "=", self.oa.id)])
        self.assertEqual(quota.remaining_quota, 3)
        self.assertLess(time.time() - started, 60)

    def test_messages_buttons_list_their_messages(self):
        """The batch, the template, a document and the OA open the messages list on theirs."""
        partners = self.customers(3)
        partners[2].mobile = "12345"
        composer = self.composer(partners)
        composer.action_send()
        self.run_queue()
        batch = self.zbs_rows(partners)
        other = partners[0]._zalo_zbs_send(self.enabled_template(name="Khác"), send_now=True)
        self.assertEqual(batch.partner_id, partners)
        self.assertEqual(batch[:1].partner_id, partners[0])
        self.assertEqual(other.state, "sent")
        Message = self.env["zalo.message"]
        for action, expected, context in (
            (composer.action_view_messages(), batch, {}),
            (self.template.action_view_messages(), batch, {}),
            (partners[0].action_view_zalo_zbs_messages(), batch[:1] | other, {}),
            (
                self.oa.action_view_failed_messages(),
                batch | other,
                {"search_default_filter_failed": 1},
            ),
        ):
            self.assertEqual(action["res_model"], "zalo.message")
            self.assertEqual(action["context"], context)
            self.assertEqual(Message.search(action["domain"]), expected)
        failed = Message.search(
            self.oa.action_view_failed_messages()["domain"] + [("state", "=", "failed")]
        )
        self.assertEqual(failed.partner_id, partners[2])

    def test_quota_spent_in_the_middle_of_a_batch(self):
        self.sim.configure(zns_daily_quota=5)
        partners = self.customers(8)
        composer = self.composer(partners)
        composer.action_send()
        rows = self.zbs_rows(partners)
        self.assertEqual(rows.mapped("state"), ["sent"] * 5 + ["pending"] * 3)
        waiting = rows[5:]
        self.assertIn("quota", composer.result_html)
        self.assertIn("3 message(s) still queued", composer.result_html)
        for row in waiting:
            self.assertIn("stay queued", row.failure_reason)
            self.assertEqual(row.failure_kind, "quota")
            self.assertEqual(row.failure_code, -144)
            self.assertGreater(row.next_attempt_at, fields.Datetime.now())
            self.assertEqual(row.attempts, 0, "waiting is not a failed attempt")
        self.assertEqual(
            len(self.sim_calls("/business/message/template")), 6, "5 sent, then one -144: stop"
        )
        quota = self.env["zalo.zbs.quota"].search([("oa_id", "=", self.oa.id)])
        self.assertTrue(quota._zbs_is_exhausted())
        self.assertTrue(self.oa.zbs_quota_exhausted_until)
        # Another send meanwhile does not even call Zalo: it waits too.
        more = self.customers(1, name="Khách mới", phone="0933444555")
        self.composer(more).action_send()
        self.assertEqual(self.zbs_rows(more).state, "pending")
        self.assertEqual(len(self.sim_calls("/business/message/template")), 6)
        composer_quota = self.composer(more)
        self.assertIn("spent", composer_quota.quota_warning)
        # Midnight in Vietnam: the quota is back, the queue sends what waited.
        self.sim.configure(zns_daily_quota=100)
        quota.exhausted_until = fields.Datetime.now() - timedelta(minutes=1)
        (waiting | self.zbs_rows(more)).write(
            {"next_attempt_at": fields.Datetime.now() - timedelta(minutes=1)}
        )
        self.env["zalo.message"]._cron_send_messages()
        self.assertEqual(rows.mapped("state"), ["sent"] * 8)
        self.assertEqual(self.zbs_rows(more).state, "sent")
        self.assertFalse(waiting.mapped("failure_reason")[0])

    def test_quota_spent_in_a_queued_batch(self):
        self.env["ir.config_parameter"].set_param("zalo_oa_zbs.inline_send_limit", "2")
        self.sim.configure(zns_daily_quota=3)
        partners = self.customers(6)
        composer = self.composer(partners)
        composer.action_send()
        self.assertIn("6 message(s) queued", composer.result_html)
        rows = self.zbs_rows(partners)
        self.assertEqual(set(rows.mapped("state")), {"pending"})
        self.env["zalo.message"]._cron_send_messages()
        self.assertEqual(rows.mapped("state"), ["sent"] * 3 + ["pending"] * 3)
        self.assertTrue(all(r.next_attempt_at for r in rows[3:]))

    def test_balance_exhausted_keeps_everything_queued(self):
        self.sim.add_fault(match="/business/message/template", error=-115)
        partners = self.customers(4)
        self.composer(partners).action_send()
        rows = self.zbs_rows(partners)
        self.assertEqual(set(rows.mapped("state")), {"pending"})
        self.assertIn("top up", rows[0].failure_reason)
        self.assertEqual(len(self.sim_calls("/business/message/template")), 1)
        self.sim.clear_faults()

    def test_zalo_down_stops_after_a_few_retries(self):
        self.sim.add_fault(match="/business/message/template", http_status=503)
        partners = self.customers(10)
        self.composer(partners).action_send()
        rows = self.zbs_rows(partners)
        self.assertEqual(set(rows.mapped("state")), {"pending"})
        self.assertEqual(len(self.sim_calls("/business/message/template")), 3)
        self.assertTrue(all(rows.mapped("next_attempt_at")))
        self.sim.clear_faults()
        rows.write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.env["zalo.message"]._cron_send_messages()
        self.assertEqual(set(rows.mapped("state")), {"sent"})
