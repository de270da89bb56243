import json
import threading

import requests

import odoo
from odoo.tests import tagged

from ..tools.webhook import compute_signature
from .common import ZaloHttpCase

SECOND_OA_ID = "4455667788990011"
SECOND_OA_SECRET = "second-oa-secret-key"


@tagged("post_install", "-at_install")
class TestInbound(ZaloHttpCase):
    """Signed webhooks from the simulator, end to end into Discuss."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        port = odoo.tools.config["http_port"]
        cls.webhook_url = f"http://127.0.0.1:{port}/zalo_oa/webhook"
        cls.sim.configure(webhook_url=cls.webhook_url)
        cls.operator = cls.env["res.users"].create(
            {
                "name": "Chị Lan CSKH",
                "login": "lan_cskh",
                "groups_id": [(6, 0, [cls.env.ref("zalo_oa.group_zalo_user").id])],
            }
        )

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.oa = self.create_oa(operator_ids=[(6, 0, self.operator.ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Nguyễn Văn An", phone="0912345678", last_interaction_ms=self.sim.store.now_ms()
        )

    # ------------------------------------------------------------------ utils

    def send(self, kind="text", customer=None, **spec):
        customer = customer or self.customer
        self.env.flush_all()  # the server thread shares our transaction
        result = self.sim.customer_send(customer["user_id"], type=kind, **spec)
        self.assertEqual(result["delivery"]["state"], "delivered", result["delivery"])
        self.process_events()
        return result["event"]

    def events(self, **domain):
        return self.env["zalo.event"].search(
            [("oa_id", "=", self.oa.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def link(self, customer=None):
        customer = customer or self.customer
        return self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )

    def post_raw(self, body, signature=None, headers=None):
        self.env.flush_all()
        if isinstance(body, dict):
            body = json.dumps(body)
        raw = body.encode() if isinstance(body, str) else body
        all_headers = {"Content-Type": "application/json"}
        if signature is not None:
            all_headers["X-ZEvent-Signature"] = signature
        all_headers.update(headers or {})
        return requests.post(self.webhook_url, data=raw, headers=all_headers, timeout=30)

    def signed(self, payload, secret=None):
        raw = json.dumps(payload, ensure_ascii=False)
        mac = compute_signature(self.app_id, raw, payload["timestamp"], secret or self.oa_secret)
        return raw, f"mac={mac}"

    # ------------------------------------------------------------------ tests

    def test_first_text_creates_link_channel_and_message(self):
        event = self.send(text="Chào shop, áo còn size M không?")
        link = self.link()
        self.assertTrue(link.is_shadow)
        self.assertEqual(link.partner_id.name, "Nguyễn Văn An")
        self.assertEqual(link.zalo_display_name, "Nguyễn Văn An")
        self.assertEqual(link.user_id_by_app, event["user_id_by_app"])
        channel = link.channel_id
        self.assertEqual(channel.channel_type, "zalo")
        self.assertEqual(channel.zalo_oa_id, self.oa)
        self.assertEqual(
            channel.channel_member_ids.partner_id,
            self.operator.partner_id | link.partner_id,
        )
        message = channel.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, link.partner_id)
        self.assertIn("áo còn size M", message.body)
        zmsg = self.env["zalo.message"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(zmsg.direction, "inbound")
        self.assertEqual(zmsg.zalo_msg_id, event["message"]["msg_id"])
        stored = self.events(event_name="user_send_text")
        self.assertEqual(stored.state, "processed")
        self.assertEqual(stored.message_id, message)
        self.assertEqual(
            channel.zalo_window_expires_at.date(),
            (link.last_inbound_at + __import__("datetime").timedelta(days=7)).date(),
        )
        self.assertTrue(self.oa.last_webhook_at)
        # The operator is notified like any Discuss member (unread counter).
        member = channel.channel_member_ids.filtered(
            lambda m: m.partner_id == self.operator.partner_id
        )
        self.assertEqual(member.message_unread_counter, 1)

    def test_second_message_reuses_conversation(self):
        self.send(text="Tin 1")
        self.send(text="Tin 2")
        self.assertEqual(len(self.link()), 1)
        channel = self.link().channel_id
        self.assertEqual(
            len(channel.message_ids.filtered(lambda m: m.message_type == "comment")), 2
        )
        self.assertEqual(
            len(self.env["discuss.channel"].search([("zalo_oa_id", "=", self.oa.id)])), 1
        )

    def test_media_events(self):
        self.send(text="Xin chào")
        channel = self.link().channel_id
        for kind in ("image", "gif", "file", "audio", "video", "sticker"):
            self.send(kind)
        self.send("location", latitude=10.7769, longitude=106.7009, text="Quận 1")
        self.send("link", url="https://shop.example/ao-dai", title="Áo dài lụa")
        self.send("business_card", name="Trần Thị Bích", phone="0987654321")
        self.assertFalse(self.events().filtered(lambda e: e.state != "processed"))
        messages = channel.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(messages), 10)
        with_files = messages.filtered("attachment_ids")
        self.assertEqual(len(with_files), 6)
        mimetypes = set(with_files.attachment_ids.mapped("mimetype"))
        self.assertIn("image/png", mimetypes)
        self.assertIn("application/pdf", mimetypes)
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("google.com/maps?q=10.7769,106.7009", bodies)
        self.assertIn("Áo dài lụa", bodies)
        self.assertIn("Trần Thị Bích", bodies)

    def test_follow_unfollow(self):
        self.send(text="Hi")
        link = self.link()
        from zalo_simulator import actions

        self.env.flush_all()
        actions.follow(self.sim, self.customer["user_id"], False)
        self.process_events()
        self.assertFalse(link.is_follower)
        actions.follow(self.sim, self.customer["user_id"], True)
        self.process_events()
        self.assertTrue(link.is_follower)
        notices = link.channel_id.message_ids.filtered(lambda m: m.message_type == "notification")
        self.assertEqual(len(notices), 2)
        self.assertIn("unfollowed", notices[1].body)

    def test_oa_echo_mirrored_once_and_never_sent_back(self):
        self.send(text="Shop ơi")
        from zalo_simulator import actions

        sent_before = len(self.sim.requests(path="/message/cs"))
        self.env.flush_all()
        result = actions.oa_app_send(self.sim, self.customer["user_id"], {"text": "Dạ shop đây ạ"})
        self.assertEqual(result["delivery"]["state"], "delivered")
        self.env.invalidate_all()
        echo = self.events(event_name="oa_send_text")
        self.assertEqual(echo.state, "queued")  # waits for our own sends to be recorded
        echo.next_attempt_at = False
        self.env["zalo.event"]._cron_process_events()
        self.env.invalidate_all()
        channel = self.link().channel_id
        mirrored = channel.message_ids.filtered(lambda m: "Dạ shop đây ạ" in (m.body or ""))
        self.assertEqual(len(mirrored), 1)
        self.assertEqual(mirrored.author_id, self.oa.partner_id)
        self.assertEqual(len(self.sim.requests(path="/message/cs")), sent_before)
        zmsg = self.env["zalo.message"].search([("mail_message_id", "=", mirrored.id)])
        self.assertEqual((zmsg.direction, zmsg.state), ("outbound", "sent"))

    def test_receipts_move_outbound_state_forward_only(self):
        self.send(text="Hi")
        channel = self.link().channel_id
        message = channel.message_ids[0]
        zmsg = self.env["zalo.message"].create(
            {
                "oa_id": self.oa.id,
                "channel_id": channel.id,
                "mail_message_id": message.id,
                "direction": "outbound",
                "zalo_msg_id": "a1b2c3d4e5",
                "state": "sent",
            }
        )
        base = {
            "app_id": self.app_id,
            "sender": {"id": self.customer["user_id"]},
            "recipient": {"id": self.sim_oa_id},
            "user_id_by_app": "1",
        }
        seen = dict(
            base,
            event_name="user_seen_message",
            timestamp="1795000000200",
            message={"msg_ids": ["a1b2c3d4e5"]},
        )
        received = dict(
            base,
            event_name="user_received_message",
            timestamp="1795000000100",
            message={"msg_id": "a1b2c3d4e5"},
        )
        for payload in (seen, received):  # out of order: seen first
            raw, sig = self.signed(payload)
            self.assertEqual(self.post_raw(raw, sig).status_code, 200)
        self.process_events()
        self.assertEqual(zmsg.state, "read")
        self.assertTrue(zmsg.read_at and zmsg.delivered_at)

    def test_submit_info_saves_phone(self):
        self.send(text="Hi")
        from zalo_simulator import actions

        self.env.flush_all()
        actions.submit_info(
            self.sim, self.customer["user_id"], {"phone": "0912345678", "address": "12 Lê Lợi"}
        )
        self.env["zalo.event"]._cron_process_events()
        self.env.invalidate_all()
        link = self.link()
        self.assertEqual(link.zalo_phone, "84912345678")
        self.assertEqual(link.partner_id.mobile, "+84912345678")
        self.assertIn("12 Lê Lợi", link.channel_id.message_ids[0].body)

    def test_template_status_and_unknown_events_are_kept(self):
        for payload in (
            {
                "event_name": "change_template_status",
                "oa_id": self.sim_oa_id,
                "app_id": self.app_id,
                "template_id": "123",
                "status": {"prev_status": "PENDING_REVIEW", "new_status": "ENABLE"},
                "reason": "",
                "timestamp": "1795000000300",
            },
            {
                "event_name": "brand_new_event",
                "oa_id": self.sim_oa_id,
                "app_id": self.app_id,
                "timestamp": "1795000000400",
                "data": {"x": 1},
            },
        ):
            raw, sig = self.signed(payload)
            self.assertEqual(self.post_raw(raw, sig).status_code, 200)
        self.env["zalo.event"]._cron_process_events()
        self.env.invalidate_all()
        self.assertEqual(self.events(event_name="brand_new_event").state, "processed")
        template = self.events(event_name="change_template_status")
        self.assertEqual(template.state, "processed")
        self.assertIn("template", template.note)

    def test_rejected_requests_create_nothing(self):
        payload = {
            "app_id": self.app_id,
            "sender": {"id": self.customer["user_id"]},
            "recipient": {"id": self.sim_oa_id},
            "event_name": "user_send_text",
            "message": {"text": "fake", "msg_id": "fake-1"},
            "timestamp": "1795000000000",
        }
        raw, sig = self.signed(payload)
        _raw, wrong_sig = self.signed(payload, secret="wrong-secret")
        unknown = dict(payload, recipient={"id": "999"})
        unknown_raw, unknown_sig = self.signed(unknown)
        cases = [
            (raw, None),  # missing signature
            (raw, wrong_sig),
            (raw, "mac=" + "0" * 64),
            (raw.replace("fake", "evil"), sig),  # body tampered
            (unknown_raw, unknown_sig),  # unknown OA
            ("{not json", sig),
            ('"a string"', sig),
            ("x" * (300 * 1024), sig),  # oversized
            ("", sig),
        ]
        for body, signature in cases:
            resp = self.post_raw(body, signature)
            self.assertLess(resp.status_code, 500, body[:40])
        self.env.invalidate_all()
        self.assertFalse(self.events())
        self.assertFalse(self.link())

    def text_event(self, text, msg_id):
        """A user_send_text of the customer, as Zalo sends it."""
        return {
            "app_id": self.app_id,
            "sender": {"id": self.customer["user_id"]},
            "recipient": {"id": self.sim_oa_id},
            "user_id_by_app": "552177279717587730",
            "event_name": "user_send_text",
            "message": {"text": text, "msg_id": msg_id},
            "timestamp": "1795000000000",
        }

    def test_same_event_three_times_gives_one_message(self):
        payload = self.text_event("Một lần thôi", "dup-msg-1")
        raw, sig = self.signed(payload)
        for attempt in range(3):
            resp = self.post_raw(raw, sig, headers={"num_retry": str(attempt)})
            self.assertEqual(resp.status_code, 200)
        # and three concurrent deliveries of another event
        payload2 = dict(payload, message={"text": "Song song", "msg_id": "dup-msg-2"})
        raw2, sig2 = self.signed(payload2)
        threads = [threading.Thread(target=self.post_raw, args=(raw2, sig2)) for _i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.process_events()
        self.assertEqual(len(self.events(event_name="user_send_text")), 2)
        messages = self.link().channel_id.message_ids
        self.assertEqual(len(messages.filtered(lambda m: "Một lần thôi" in m.body)), 1)
        self.assertEqual(len(messages.filtered(lambda m: "Song song" in m.body)), 1)

    def test_webhook_only_acknowledges(self):
        """The request stores the event and wakes the processing job; it processes
        nothing itself, in tests as in production."""
        self.env["ir.cron.trigger"].search([]).unlink()
        raw, sig = self.signed(self.text_event("Chỉ ghi nhận", "ack-only-1"))
        resp = self.post_raw(raw, sig)
        self.assertEqual(resp.json(), {"status": "queued"})
        self.env.invalidate_all()
        event = self.events(event_name="user_send_text")
        self.assertEqual(event.state, "queued")
        self.assertFalse(self.link(), "nothing processed in the request")
        self.assert_queue_woken("zalo_oa.ir_cron_zalo_process_events")
        self.process_events()
        self.assertEqual(event.state, "processed")
        self.assertIn("Chỉ ghi nhận", self.link().channel_id.message_ids[0].body)

    def test_nul_characters_are_stored_and_processed_without(self):
        """A signed event whose ids and text carry NUL characters (PostgreSQL text cannot
        hold them; found by the controller fuzzing) is stored, answered and processed,
        not refused with a 503 on every delivery."""
        payload = self.text_event("Xin\u0000 chào", "nul\u0000-1")
        raw, sig = self.signed(payload)
        resp = self.post_raw(raw, sig)
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp.json(), {"status": "queued"})
        self.process_events()
        event = self.events(event_name="user_send_text")
        self.assertEqual((event.state, event.zalo_msg_id), ("processed", "nul-1"))
        self.assertIn("Xin chào", self.link().channel_id.message_ids[0].body)

    def test_same_person_in_two_oas_matched_by_phone(self):
        partner = self.env["res.partner"].create({"name": "Anh An", "mobile": "0912 345 678"})
        self.sim.configure(
            oa_id=SECOND_OA_ID, oa_name="Cửa hàng Hai", oa_secret_key=SECOND_OA_SECRET
        )
        self.sim.store.default_oa_id = self.sim_oa_id
        oa2 = self.create_oa(name="OA Hai", oa_secret_key=SECOND_OA_SECRET)
        tokens = self.sim.issue_tokens(SECOND_OA_ID)
        from ..tools.oauth import TokenResponse

        oa2._store_tokens(TokenResponse(tokens["access_token"], tokens["refresh_token"], 90000))
        oa2.sudo().zalo_oa_ref = SECOND_OA_ID
        other = self.sim.add_customer(
            oa_id=SECOND_OA_ID,
            name="An Nguyễn",
            phone="0912345678",
            last_interaction_ms=self.sim.store.now_ms(),
        )
        for cust in (self.customer, other):
            self.sim.store.customers[cust["user_id"]].shared_info = {"phone": "84912345678"}
            self.send(text="Chào", customer=cust)
        links = self.env["zalo.partner.link"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(links), 2)
        self.assertEqual(links.oa_id, self.oa | oa2)
        self.assertFalse(any(links.mapped("is_shadow")))
