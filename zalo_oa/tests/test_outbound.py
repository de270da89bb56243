import base64
import io
from datetime import timedelta

import requests
from PIL import Image

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ZaloMockTransactionCase, ZaloTransactionCase


def png_bytes(color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class OutboundFixtures:
    """A customer who just wrote, and replies of an operator; Zalo is the subclass's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="op_outbound",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Anh Tuấn",
        )

    def new_customer(self):
        return {"user_id": "8150000000000000001"}

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa(operator_ids=[(6, 0, self.operator.ids)])
        self.connect_oa(self.oa)
        self.customer = self.new_customer()
        self.receive_text(self.oa, self.customer, "Cho em hỏi đơn hàng", msg_id="in-quote-1")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        self.inbound = self.channel.message_ids[0]

    def reply(self, body="Dạ, đơn của chị đang giao ạ", **kwargs):
        """The operator's reply, and the commit of its request (which sends a text)."""
        message = self.channel.with_user(self.operator).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs
        )
        self.run_postcommit()
        return message

    def rows(self, message):
        return self.env["zalo.message"].search(
            [("mail_message_id", "=", message.id), ("direction", "=", "outbound")], order="id"
        )

    def _drain(self, times=5):
        """Run the queue as if each retry's time (and each grace period) had come."""
        for _i in range(times):
            past = fields.Datetime.now() - timedelta(seconds=1)
            self.env["zalo.message"].search([("state", "in", ("pending", "uncertain"))]).write(
                {"next_attempt_at": past}
            )
            self.env["zalo.message"].search([("state", "=", "uncertain")]).write(
                {"uncertain_since": past - timedelta(hours=1)}
            )
            self.env["zalo.message"]._cron_send_messages()


@tagged("post_install", "-at_install")
class TestOutbound(OutboundFixtures, ZaloMockTransactionCase):
    """Sends and their failures, Zalo's answers scripted (mock_zalo_api)."""

    def cs_calls(self):
        return self.zalo.calls_to("/v3.0/oa/message/cs")

    def sent_to_zalo(self):
        """The CS sends Zalo accepted."""
        return [c for c in self.cs_calls() if isinstance(c.answer, dict) and not c.answer["error"]]

    def attachment(self, name, content, mimetype):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(content),
                "mimetype": mimetype,
                "res_model": "discuss.channel",
                "res_id": self.channel.id,
            }
        )

    # ----------------------------------------------------------------- tests

    def test_text_reply_reaches_zalo(self):
        message = self.reply()
        row = self.rows(message)
        self.assertEqual(row.state, "sent")
        self.assertTrue(row.zalo_msg_id)
        call = self.cs_calls()[-1]
        self.assertEqual(call.url, "https://openapi.zalo.me/v3.0/oa/message/cs")
        self.assertEqual(call.headers["access_token"], self.oa.sudo().access_token)
        self.assertEqual(
            call.json,
            {
                "recipient": {"user_id": self.customer["user_id"]},
                "message": {"text": "Dạ, đơn của chị đang giao ạ"},
            },
        )
        self.assertEqual(row.zalo_msg_id, call.answer["data"]["message_id"])
        log = self.env["zalo.api.log"].search([("endpoint", "=", "/v3.0/oa/message/cs")])
        self.assertEqual(len(log), 1)
        formatted = message.message_format()[0]
        self.assertEqual(formatted["notifications"][0]["zalo_state"], "sent")

    def test_reply_quotes_the_customer_message(self):
        self.reply(parent_id=self.inbound.id)
        message_json = self.cs_calls()[-1].json["message"]
        self.assertEqual(message_json["quote_message_id"], "in-quote-1")

    def test_image_pdf_and_order(self):
        image = self.attachment("ao-dai.png", png_bytes(), "image/png")
        pdf = self.attachment("bao-gia.pdf", PDF, "application/pdf")
        message = self.reply("Mẫu và báo giá ạ", attachment_ids=[image.id, pdf.id])
        rows = self.rows(message)
        self.assertEqual(rows.mapped("content_type"), ["text", "image", "file"])
        self.env["zalo.message"]._cron_send_messages()
        self.assertEqual(rows.mapped("state"), ["sent", "sent", "sent"])
        uploads = self.zalo.calls_to("/v2.0/oa/upload/")
        self.assertEqual([u.path.rsplit("/", 1)[-1] for u in uploads], ["image", "file"])
        _name, content, mimetype = uploads[0].files["file"]
        self.assertEqual((content, mimetype), (png_bytes(), "image/png"))
        calls = [c.json["message"] for c in self.cs_calls()]
        self.assertEqual(calls[0], {"text": "Mẫu và báo giá ạ"})
        element = calls[1]["attachment"]["payload"]["elements"][0]
        self.assertEqual(element["media_type"], "image")
        self.assertEqual(element["attachment_id"], uploads[0].answer["data"]["attachment_id"])
        self.assertEqual(calls[2]["attachment"]["type"], "file")
        self.assertEqual(
            calls[2]["attachment"]["payload"]["token"], uploads[1].answer["data"]["token"]
        )

    def test_receipts_move_state(self):
        message = self.reply()
        row = self.rows(message)
        for name, key in (("user_received_message", "msg_id"), ("user_seen_message", "msg_ids")):
            value = row.zalo_msg_id if key == "msg_id" else [row.zalo_msg_id]
            self.receive(
                self.oa,
                {
                    "event_name": name,
                    "sender": {"id": self.customer["user_id"]},
                    "recipient": {"id": self.oa.zalo_oa_ref},
                    "message": {key: value},
                },
            )
            row.invalidate_recordset()
        self.assertEqual(row.state, "read")

    def test_outside_window_refused_before_zalo(self):
        self.channel.sudo().zalo_window_expires_at = fields.Datetime.now() - timedelta(hours=1)
        before = len(self.cs_calls())
        with self.assertRaises(UserError) as ctx:
            self.reply()
        self.assertIn("7 days", str(ctx.exception))
        self.assertEqual(len(self.cs_calls()), before)

    def test_window_closes_while_queued(self):
        message = self.reply()  # sent
        self.channel.sudo().zalo_window_expires_at = fields.Datetime.now() - timedelta(hours=1)
        row = self.env["zalo.message"].create(
            {
                "oa_id": self.oa.id,
                "channel_id": self.channel.id,
                "mail_message_id": message.id,
                "partner_link_id": self.link.id,
                "direction": "outbound",
                "content_type": "text",
                "text": "late",
                "state": "pending",
            }
        )
        before = len(self.cs_calls())
        row._send()
        self.assertEqual(row.state, "failed")
        self.assertEqual(row.failure_kind, "window")
        self.assertEqual(len(self.cs_calls()), before)

    def test_rate_limit_then_sent_exactly_once(self):
        self.zalo.error(
            "/v3.0/oa/message/cs", -32, "Your application reached limit call api", count=2
        )
        message = self.reply()
        row = self.rows(message)
        self.assertEqual(row.state, "pending")
        self.assertEqual(row.failure_kind, "rate_limit")
        self.assertTrue(row.next_attempt_at)
        self._drain()
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.attempts, 3)
        self.assertEqual(len(self.cs_calls()), 3)
        self.assertEqual(len(self.sent_to_zalo()), 1)

    def test_network_error_before_sending_is_retried(self):
        """Nothing reached Zalo (connection refused): no history check, a plain retry."""
        self.zalo.network_error("/v3.0/oa/message/cs")
        row = self.rows(self.reply())
        self.assertEqual(row.state, "pending")
        self.assertEqual(row.failure_kind, "network")
        self._drain()
        self.assertEqual(row.state, "sent")
        self.assertFalse(self.zalo.calls_to("/oa/conversation"))
        self.assertEqual(len(self.sent_to_zalo()), 1)

    def test_answer_lost_after_sending_is_looked_for_first(self):
        """The request may have reached Zalo: its history is read before sending again."""
        self.zalo.network_error("/v3.0/oa/message/cs", requests.ReadTimeout("mock"))
        row = self.rows(self.reply())
        self.assertEqual(row.state, "uncertain")
        self._drain()
        self.assertEqual(row.state, "sent")
        history = self.zalo.calls_to("/v2.0/oa/conversation")
        self.assertTrue(history)
        self.assertEqual(history[0].query["user_id"], self.customer["user_id"])
        self.assertEqual(len(self.sent_to_zalo()), 1)

    def test_non_retryable_error_fails_then_retry(self):
        self.zalo.error("/v3.0/oa/message/cs", -213, "User has not interacted with the OA")
        message = self.reply()
        row = self.rows(message)
        self.assertEqual(row.state, "failed")
        self.assertEqual(row.failure_kind, "recipient")
        self.assertIn("-213", row.failure_reason)
        (notification,) = message.message_format()[0]["notifications"]
        self.assertEqual(notification["notification_type"], "zalo")
        self.assertEqual(notification["notification_status"], "exception")
        self.assertEqual(notification["failure_type"], "zalo_recipient")
        self.assertEqual(notification["zalo_state"], "failed")
        self.assertEqual(self.oa.failed_message_count, 1)
        # only its author (or a manager) may retry
        other = new_test_user(
            self.env, login="other_op", groups="base.group_user,zalo_oa.group_zalo_user"
        )
        self.assertFalse(row.with_user(other)._can_retry())
        row.with_user(self.operator).action_retry()
        self.run_postcommit()
        self.assertEqual(row.state, "sent")
        self.assertEqual(len(self.sent_to_zalo()), 1)

    def test_expired_token_refreshed_and_sent(self):
        old_token = self.oa.sudo().access_token
        self.zalo.error("/v3.0/oa/message/cs", -216, "Access token is invalid")
        start = len(self.zalo.calls)
        message = self.reply()
        self.assertEqual(self.rows(message).state, "sent")
        first, refresh, second = self.zalo.calls[start:]
        self.assertEqual(first.headers["access_token"], old_token)
        self.assertEqual(refresh.url, "https://oauth.zaloapp.com/v4/oa/access_token")
        new_token = refresh.answer["access_token"]
        self.assertEqual(second.headers["access_token"], new_token)
        self.assertEqual(self.oa.sudo().access_token, new_token)

    def test_inbound_never_sent_back(self):
        self.receive_text(self.oa, self.customer, "Tin nhắn thứ hai")
        self.assertFalse(
            self.env["zalo.message"].search(
                [("channel_id", "=", self.channel.id), ("direction", "=", "outbound")]
            )
        )
        self.assertFalse(self.cs_calls())

    def test_long_text_split(self):
        message = self.reply("chữ " * 900)  # ~3600 characters
        rows = self.rows(message)
        self.assertEqual(len(rows), 2)
        self.assertTrue(all(len(t) <= 2000 for t in rows.mapped("text")))
        self.assertEqual(rows.mapped("state"), ["sent", "sent"])

    def test_query_count_one_reply(self):
        self.reply("khởi động")
        self.env.flush_all()
        # A server's caches are warm: which environment first queued a bus notification
        # in the test's shared transaction decides whose bus.bus defaults are cached.
        self.env["ir.default"].with_user(self.operator)._get_model_defaults("bus.bus")
        self.env.invalidate_all()
        channel = self.channel.with_user(self.operator)
        # upper bound, all nine addons installed: the post, then the send at its commit
        # (in its own environment, as on a server: the rows are read again)
        with self.assertQueryCount(__system__=67):
            message = channel.message_post(
                body="Dạ vâng", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            self.env.flush_all()
            self.env.cr.postcommit.run()
        self.env.invalidate_all()
        self.assertEqual(self.rows(message).state, "sent")


@tagged("post_install", "-at_install")
class TestOutboundOnSimulator(OutboundFixtures, ZaloTransactionCase):
    """What needs Zalo's memory: a send that may have got through is looked for in the
    conversation history the simulator keeps."""

    def new_customer(self):
        return self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )

    def setUp(self):
        self.sim.clear_faults()
        self.sim.clear_requests()
        super().setUp()

    def test_server_errors_then_sent_exactly_once(self):
        self.sim.add_fault(match="/v3.0/oa/message/cs", http_status=503, count=3)
        message = self.reply()
        # A 5xx may come after Zalo took the message: checked in Zalo's history first.
        self.assertEqual(self.rows(message).state, "uncertain")
        self._drain()
        self.assertEqual(self.rows(message).state, "sent")
        oa_messages = [
            m
            for m in self.sim.store.messages.values()
            if m.user_id == self.customer["user_id"] and m.direction == "oa"
        ]
        self.assertEqual(len(oa_messages), 1)
