"""Retries at their time, uncertain sends reconciled with Zalo's history, receipts of
either orientation (issue #19, points 1-3)."""

from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged

from ..tools.client import ZaloClient
from ..tools.errors import KIND_NETWORK, ZaloError
from .common import ZaloTransactionCase


@tagged("post_install", "-at_install")
class TestOutboundRetry(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="op_retry",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Chị Lan",
        )
        cls.send_cron = cls.env.ref("zalo_oa.ir_cron_zalo_send_messages")

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.oa = self.create_oa(operator_ids=[(6, 0, self.operator.ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Lê Minh Châu", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, self.customer, "Shop ơi")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        self.env["ir.cron.trigger"].search([]).unlink()
        self.clock = None

    # ---------------------------------------------------------------- helpers

    @contextmanager
    def frozen(self):
        with freeze_time(fields.Datetime.now()) as clock:
            self.clock = clock
            yield clock

    def advance(self, seconds):
        self.clock.tick(timedelta(seconds=seconds))

    def reply(self, body):
        message = self.channel.with_user(self.operator).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.run_postcommit()  # the commit of the operator's request sends it
        return self.env["zalo.message"].search(
            [("mail_message_id", "=", message.id), ("direction", "=", "outbound")]
        )

    def run_queue(self):
        self.env["zalo.message"]._cron_send_messages()
        self.env.invalidate_all()

    def cs_calls(self):
        return self.sim.requests(path="/v3.0/oa/message/cs")

    def delivered_texts(self):
        return [
            m.text
            for m in self.sim.store.messages.values()
            if m.user_id == self.customer["user_id"] and m.direction == "oa"
        ]

    def trigger_times(self, cron):
        return sorted(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).mapped("call_at")
        )

    @contextmanager
    def answer_lost(self, deliver=True, times=1):
        """Zalo gets the send (or not) but its answer never arrives (read timeout)."""
        original = ZaloClient.send_cs
        calls = {"n": 0}

        def send_cs(client, payload):
            if calls["n"] >= times:
                return original(client, payload)
            calls["n"] += 1
            if deliver:
                original(client, payload)
            raise ZaloError(None, "Timed out waiting for Zalo", KIND_NETWORK, True, uncertain=True)

        with patch.object(ZaloClient, "send_cs", send_cs):
            yield calls

    # ----------------------------------------------------------- retry times

    def test_rate_limited_reply_is_retried_at_its_time(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-32, count=2)
        with self.frozen():
            row = self.reply("Dạ shop kiểm tra ngay ạ")
            self.assertEqual((row.state, row.failure_kind), ("pending", "rate_limit"))
            due = row.next_attempt_at
            self.assertEqual(due, fields.Datetime.now() + timedelta(seconds=2))
            # The cron is woken at the retry's time (and now: it is due within seconds).
            self.assertIn(due, self.trigger_times(self.send_cron))
            self.run_queue()  # not due yet: nothing sent
            self.assertEqual(len(self.cs_calls()), 1)
            self.advance(2)
            self.run_queue()
            self.assertEqual(row.state, "pending")
            self.assertEqual(row.next_attempt_at, fields.Datetime.now() + timedelta(seconds=4))
            self.assertIn(row.next_attempt_at, self.trigger_times(self.send_cron))
            self.advance(4)
            self.run_queue()
        self.assertEqual(row.state, "sent")
        self.assertEqual(len(self.cs_calls()), 3)
        self.assertEqual(self.delivered_texts(), ["Dạ shop kiểm tra ngay ạ"])

    def test_one_trigger_per_distinct_time(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", error=-32)
        other = self.sim.add_customer(name="Đỗ Hải", last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(self.oa, other, "Alo")
        other_channel = (
            self.env["zalo.partner.link"]
            .search([("oa_id", "=", self.oa.id), ("zalo_user_id", "=", other["user_id"])])
            .channel_id
        )
        with self.frozen():
            rows = self.reply("một")
            rows |= self.env["zalo.message"].search(
                [
                    (
                        "mail_message_id",
                        "=",
                        other_channel.with_user(self.operator)
                        .message_post(
                            body="hai", message_type="comment", subtype_xmlid="mail.mt_comment"
                        )
                        .id,
                    )
                ]
            )
            self.run_postcommit()
            self.env["ir.cron.trigger"].search([]).unlink()
            rows.write({"next_attempt_at": fields.Datetime.now()})
            self.run_queue()
            self.assertEqual(len(set(rows.mapped("next_attempt_at"))), 1)
            times = self.trigger_times(self.send_cron)
            now = fields.Datetime.to_datetime(fields.Datetime.to_string(fields.Datetime.now()))
            self.assertEqual(times, [now, rows[0].next_attempt_at])

    def test_outage_backoff_is_capped_for_a_fast_recovery(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", http_status=404)
        with self.frozen():
            row = self.reply("Zalo đang bảo trì")
            self.assertEqual(row.state, "failed")  # 404 is not an outage
        self.sim.clear_faults()
        original = ZaloClient.send_cs

        def refused(client, payload):
            raise ZaloError(None, "Could not connect to Zalo", KIND_NETWORK, True)

        delays = []
        with self.frozen(), patch.object(ZaloClient, "send_cs", refused):
            row = self.reply("Tin trong lúc Zalo sập")
            for _i in range(8):
                delays.append((row.next_attempt_at - fields.Datetime.now()).total_seconds())
                self.advance(delays[-1])
                self.run_queue()
        self.assertEqual(delays, [5, 10, 20, 30, 30, 30, 30, 30])
        self.assertEqual(row.state, "pending")
        with patch.object(ZaloClient, "send_cs", original):
            row.next_attempt_at = fields.Datetime.now()
            self.run_queue()
        self.assertEqual(row.state, "sent")
        self.assertEqual(self.delivered_texts(), ["Tin trong lúc Zalo sập"])

    # -------------------------------------------------------- uncertain sends

    def test_lost_answer_found_in_history_is_not_sent_again(self):
        with self.frozen(), self.answer_lost(deliver=True):
            row = self.reply("Đơn của chị đã giao")
            self.assertEqual(row.state, "uncertain")
            (status,) = row.mail_message_id.message_format()[0]["notifications"]
            self.assertEqual(status["zalo_state"], "pending")
            self.assertEqual(status["notification_status"], "ready")
            self.assertIn("Checking delivery", status["failure_reason"])
            self.assertIn(row.next_attempt_at, self.trigger_times(self.send_cron))
            self.advance(3)
            self.run_queue()
        self.assertEqual(row.state, "sent")
        sim_ids = [
            m.msg_id
            for m in self.sim.store.messages.values()
            if m.user_id == self.customer["user_id"] and m.direction == "oa"
        ]
        self.assertEqual(row.zalo_msg_id, sim_ids[0])
        self.assertEqual(len(self.cs_calls()), 1)
        self.assertEqual(len(self.sim.requests(path="/v2.0/oa/conversation")), 1)
        self.assertEqual(self.delivered_texts(), ["Đơn của chị đã giao"])

    def test_lost_request_not_in_history_is_sent_after_the_grace_period(self):
        with self.frozen(), self.answer_lost(deliver=False):
            row = self.reply("Chị chờ shop chút nhé")
            self.assertEqual(row.state, "uncertain")
            self.advance(3)
            self.run_queue()  # not in the history yet: checked again later, not resent
            self.assertEqual(row.state, "uncertain")
            self.assertEqual(len(self.cs_calls()), 0)
            for _i in range(20):
                self.advance((row.next_attempt_at - fields.Datetime.now()).total_seconds())
                self.run_queue()
                if row.state != "uncertain":
                    break
        self.assertEqual(row.state, "sent")
        self.assertEqual(self.delivered_texts(), ["Chị chờ shop chút nhé"])
        # No answer at all: Zalo may still be working on it, so the wait is a minute.
        self.assertGreaterEqual(row.sent_at - row.attempted_at, timedelta(0))
        self.assertEqual(len(self.sim.requests(path="/v2.0/oa/conversation")), 13)

    def test_same_text_sent_earlier_is_not_taken_for_the_lost_one(self):
        first = self.reply("Dạ vâng")
        self.assertEqual(first.state, "sent")
        with self.frozen(), self.answer_lost(deliver=False):
            self.advance(1)
            row = self.reply("Dạ vâng")
            for _i in range(20):
                self.advance((row.next_attempt_at - fields.Datetime.now()).total_seconds())
                self.run_queue()
                if row.state != "uncertain":
                    break
        self.assertEqual(row.state, "sent")
        self.assertNotEqual(row.zalo_msg_id, first.zalo_msg_id)
        self.assertEqual(self.delivered_texts(), ["Dạ vâng", "Dạ vâng"])

    def test_later_replies_wait_for_an_uncertain_one(self):
        with self.frozen(), self.answer_lost(deliver=True):
            first = self.reply("Thứ nhất")
            second = self.reply("Thứ hai")
            self.assertEqual((first.state, second.state), ("uncertain", "pending"))
            self.assertEqual(self.delivered_texts(), ["Thứ nhất"])
            self.advance(3)
            self.run_queue()
        self.assertEqual((first.state, second.state), ("sent", "sent"))
        self.assertEqual(self.delivered_texts(), ["Thứ nhất", "Thứ hai"])

    def test_echo_confirms_an_uncertain_send(self):
        with self.frozen(), self.answer_lost(deliver=True):
            row = self.reply("Cảm ơn chị")
        sim_msg = next(
            m
            for m in self.sim.store.messages.values()
            if m.user_id == self.customer["user_id"] and m.direction == "oa"
        )
        posted_before = len(self.channel.message_ids)
        self.receive(
            self.oa,
            {
                "event_name": "oa_send_text",
                "sender": {"id": self.oa.zalo_oa_ref},
                "recipient": {"id": self.customer["user_id"]},
                "message": {"text": "Cảm ơn chị", "msg_id": sim_msg.msg_id},
            },
        )
        row.invalidate_recordset()
        self.assertEqual((row.state, row.zalo_msg_id), ("sent", sim_msg.msg_id))
        self.assertEqual(len(self.channel.message_ids), posted_before)  # no copy posted

    def test_history_unreadable_keeps_checking_then_gives_up_visibly(self):
        self.sim.add_fault(match="/v2.0/oa/conversation", http_status=503)
        with self.frozen(), self.answer_lost(deliver=True):
            row = self.reply("Chị ơi")
            for _i in range(30):
                self.advance((row.next_attempt_at - fields.Datetime.now()).total_seconds())
                self.run_queue()
                if row.state != "uncertain":
                    break
        self.assertEqual(row.state, "failed")
        self.assertIn("never confirmed", row.failure_reason)
        self.assertEqual(self.delivered_texts(), ["Chị ơi"])  # never sent twice

    # ---------------------------------------------------------------- receipts

    def test_receipts_of_either_orientation(self):
        row = self.reply("Xem giúp em")
        links_before = self.env["zalo.partner.link"].search_count([])
        user, oa = self.customer["user_id"], self.oa.zalo_oa_ref
        for name, sender, recipient, expected in (
            ("user_received_message", oa, user, "delivered"),
            ("user_seen_message", user, oa, "read"),
        ):
            result = self.receive(
                self.oa,
                {
                    "event_name": name,
                    "sender": {"id": sender},
                    "recipient": {"id": recipient},
                    "message": {"msg_ids": [row.zalo_msg_id]},
                },
            )
            event = self.env["zalo.event"].browse(result.event_id)
            self.assertEqual(event.state, "processed")
            self.assertEqual(event.zalo_user_id, user)
            self.assertIn(f":{user}", result.lock_key)
            row.invalidate_recordset()
            self.assertEqual(row.state, expected)
        self.assertEqual(self.env["zalo.partner.link"].search_count([]), links_before)
        self.assertFalse(self.env["zalo.partner.link"].search([("zalo_user_id", "=", oa)]))

    # ------------------------------------------------------- other queues

    def test_failed_event_retried_at_its_time(self):
        event_cron = self.env.ref("zalo_oa.ir_cron_zalo_process_events")

        def fail(event_self):
            raise ZaloError(None, "Could not connect to Zalo", KIND_NETWORK, True)

        with self.frozen(), patch.object(type(self.env["zalo.event"]), "_process_one", fail):
            result = self.receive_text(self.oa, self.customer, "Ảnh đây ạ")
            event = self.env["zalo.event"].browse(result.event_id)
            self.assertEqual(event.state, "queued")
            self.assertEqual(event.next_attempt_at, fields.Datetime.now() + timedelta(seconds=5))
            self.assertIn(event.next_attempt_at, self.trigger_times(event_cron))

    def test_scheduled_token_refresh_retried_soon(self):
        refresh_cron = self.env.ref("zalo_oa.ir_cron_zalo_refresh_tokens")
        self.oa.sudo().token_expires_at = fields.Datetime.now() + timedelta(hours=1)
        self.sim.add_fault(match="/v4/oa/access_token", http_status=503)
        with self.frozen():
            self.env["zalo.oa"]._cron_refresh_tokens()
            self.assertEqual(
                self.trigger_times(refresh_cron), [fields.Datetime.now() + timedelta(minutes=5)]
            )
        self.assertEqual(self.oa.state, "connected")
