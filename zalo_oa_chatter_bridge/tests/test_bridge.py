import base64
from datetime import timedelta

from odoo import fields
from odoo.addons.zalo_oa.tests.common import ZaloTransactionCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestChatterBridge(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="op_bridge",
            groups="base.group_user,base.group_partner_manager,zalo_oa.group_zalo_user",
            name="Nguyễn Thị Lan",
        )
        cls.subtype = cls.env.ref("zalo_oa_chatter_bridge.mt_zalo")

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.set_bridge(True)
        self.oa = self.create_oa(operator_ids=[(6, 0, self.operator.ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, self.customer, "Tin nhắn đầu tiên")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        # Any document with a chatter: the bridge does not depend on CRM, Sales or Helpdesk.
        self.document = self.env["res.partner"].create(
            {"name": "Công ty TNHH Hoa Mai", "is_company": True}
        )
        self.channel._zalo_link_document(self.document, "created")
        # A follower subscribed to everything, even the Zalo subtype: never notified.
        self.follower = self.env["res.partner"].create(
            {"name": "Trưởng phòng Kinh doanh", "email": "truongphong@example.com"}
        )
        self.document.message_subscribe(
            partner_ids=self.follower.ids,
            subtype_ids=(self.subtype | self.env.ref("mail.mt_comment")).ids,
        )

    # ----------------------------------------------------------------- utils

    def set_bridge(self, enabled, days=None):
        values = {"zalo_chatter_bridge_enabled": enabled}
        if days is not None:
            values["zalo_chatter_bridge_template_days"] = days
        self.env["res.config.settings"].create(values).execute()

    def mirrored(self, record=None):
        record = record or self.document
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("subtype_id", "=", self.subtype.id),
            ],
            order="id",
        )

    def conversation(self):
        return self.channel.message_ids.filtered(lambda m: m.message_type == "comment").sorted("id")

    def reply(self, body="Dạ, shop gửi chị mẫu ạ", **kwargs):
        """The operator's reply, and the commit of its request (which sends a text)."""
        message = self.channel.with_user(self.operator).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs
        )
        self.run_postcommit()
        return message

    def oa_app_reply(self, text, msg_id):
        """A reply typed in Zalo's own OA app, echoed to the webhook."""
        return self.receive(
            self.oa,
            {
                "event_name": "oa_send_text",
                "sender": {"id": self.oa.zalo_oa_ref},
                "recipient": {"id": self.customer["user_id"]},
                "message": {"text": text, "msg_id": msg_id},
            },
        )

    def notification_counts(self):
        return (
            self.env["mail.mail"].sudo().search_count([]),
            # (a reply's own Zalo notification carries its status, not a mirror's)
            self.env["mail.notification"]
            .sudo()
            .search_count([("notification_type", "!=", "zalo")]),
        )

    # ----------------------------------------------------------------- tests

    def test_mirror_both_directions(self):
        self.assertFalse(self.mirrored(), "messages before the link are left to Sync history")
        before = self.notification_counts()
        self.receive_text(self.oa, self.customer, "Cho chị xem mẫu áo dài <đỏ>")
        reply = self.reply()
        self.oa_app_reply("Dạ mẫu này còn hàng ạ", "oa-app-1")
        notes = self.mirrored()
        self.assertEqual(len(notes), 3)
        sources = self.conversation()[-3:]
        self.assertIn(reply, sources)
        customer = self.link.partner_id
        self.assertEqual(
            notes.mapped("author_id"), customer | self.operator.partner_id | self.oa.partner_id
        )
        for note, source in zip(notes, sources, strict=True):
            self.assertEqual(note.message_type, "comment")
            self.assertTrue(note.is_internal)
            self.assertEqual(note.date, source.date)
            self.assertFalse(note.partner_ids)
            self.assertFalse(note.notification_ids)
            # Links back to the conversation.
            self.assertIn(f"active_id=discuss.channel_{self.channel.id}", note.body)
            self.assertIn("Phạm Thu Hà on Cửa hàng Test", note.body)
        self.assertIn("Received on Zalo", notes[0].body)
        self.assertIn("Cho chị xem mẫu áo dài &lt;đỏ&gt;", notes[0].body)
        self.assertIn("Sent on Zalo", notes[1].body)
        self.assertIn("Dạ, shop gửi chị mẫu ạ", notes[1].body)
        self.assertIn("Dạ mẫu này còn hàng ạ", notes[2].body)
        rows = self.env["zalo.chatter.mirror"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(rows.source_message_id, sources)
        self.assertEqual(rows.mirror_message_id, notes)
        # No notification e-mail, no inbox notification, for anyone (the follower included).
        self.assertEqual(self.notification_counts(), before)
        # Shown as notes in the chatter.
        self.assertTrue(all(vals["is_note"] for vals in notes.message_format()))

    def test_never_echoed_to_zalo(self):
        calls = len(self.sim.requests(path="/message/cs"))
        reply = self.reply()
        self.receive_text(self.oa, self.customer, "Vâng")
        self.assertEqual(len(self.sim.requests(path="/message/cs")), calls + 1)
        notes = self.mirrored()
        self.assertEqual(len(notes), 2)
        self.assertFalse(
            self.env["zalo.message"].search([("mail_message_id", "in", notes.ids)]),
            "mirrored notes never enter the Zalo queue",
        )
        self.assertEqual(
            len(self.env["zalo.message"].search([("mail_message_id", "=", reply.id)])), 1
        )

    def test_attachments_referenced_not_copied(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "mẫu-áo-dài.png",
                "datas": base64.b64encode(PNG),
                "mimetype": "image/png",
                "res_model": "discuss.channel",
                "res_id": self.channel.id,
            }
        )
        count = self.env["ir.attachment"].search_count([])
        reply = self.reply("Mẫu đây ạ", attachment_ids=attachment.ids)
        note = self.mirrored()
        self.assertEqual(note.attachment_ids, reply.attachment_ids)
        self.assertEqual(note.attachment_ids, attachment)
        self.assertEqual(self.env["ir.attachment"].search_count([]), count)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("discuss.channel", self.channel.id)
        )

    def test_same_webhook_twice_mirrors_once(self):
        payload = {
            "sender": {"id": self.customer["user_id"]},
            "recipient": {"id": self.oa.zalo_oa_ref},
            "event_name": "user_send_text",
            "message": {"text": "Gửi hai lần", "msg_id": "dup-bridge-1"},
            "timestamp": "1795000000000",
        }
        first = self.receive(self.oa, dict(payload))
        second = self.receive(self.oa, dict(payload))
        self.assertEqual((first.status, second.status), ("stored", "duplicate"))
        self.assertEqual(len(self.mirrored()), 1)
        # Even if the same message reached the bridge again (a retried job), no duplicate.
        source = self.conversation()[-1]
        Mirror = self.env["zalo.chatter.mirror"]
        self.assertFalse(Mirror._mirror_live(self.channel, source))
        self.assertFalse(Mirror._mirror(source, self.channel, self.document))
        self.assertEqual(len(self.mirrored()), 1)

    def test_backfill_is_idempotent(self):
        self.set_bridge(False)
        self.receive_text(self.oa, self.customer, "Hỏi giá")
        self.reply("Dạ 500.000đ ạ")
        self.channel._zalo_post_notice("Phạm Thu Hà đã quan tâm OA")
        self.set_bridge(True)
        self.assertFalse(self.mirrored())
        row = self.env["zalo.conversation.document"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.document.id)]
        )
        action = row.with_user(self.operator).action_sync_history()
        self.assertEqual(action["params"]["type"], "success")
        sources = self.conversation()
        self.assertEqual(len(sources), 3, "notices are not conversation messages")
        notes = self.mirrored()
        self.assertEqual(len(notes), 3)
        self.assertEqual(notes.mapped("date"), sources.mapped("date"))
        self.assertEqual(row.mirrored_count, 3)
        # Again, from the chatter button and from the list: nothing new.
        Documents = self.env["zalo.conversation.document"].with_user(self.operator)
        self.assertEqual(Documents.zalo_sync_record("res.partner", self.document.id), 0)
        row.with_user(self.operator).action_sync_history()
        self.assertEqual(self.mirrored(), notes)
        # A new message arrives live, then a backfill: still one note per message.
        self.receive_text(self.oa, self.customer, "Chốt đơn")
        self.assertEqual(Documents.zalo_sync_record("res.partner", self.document.id), 0)
        self.assertEqual(len(self.mirrored()), 4)
        # A deleted note comes back with the next sync, once.
        self.mirrored()[0].unlink()
        self.assertEqual(Documents.zalo_sync_record("res.partner", self.document.id), 1)
        self.assertEqual(len(self.mirrored()), 4)

    def test_switching_off_stops_mirroring(self):
        self.receive_text(self.oa, self.customer, "Bật")
        self.assertEqual(len(self.mirrored()), 1)
        self.set_bridge(False)
        self.assertFalse(self.env["zalo.chatter.mirror"]._is_enabled())
        self.receive_text(self.oa, self.customer, "Tắt")
        self.reply("Dạ")
        self.assertEqual(len(self.mirrored()), 1)
        with self.assertRaises(UserError):
            self.env["zalo.conversation.document"].with_user(self.operator).zalo_sync_record(
                "res.partner", self.document.id
            )
        self.assertNotIn(
            "zaloBridge", self.document.with_user(self.operator)._get_mail_thread_data([])
        )
        self.set_bridge(True)
        self.receive_text(self.oa, self.customer, "Bật lại")
        self.assertEqual(len(self.mirrored()), 2)

    def test_template_documents_only_recently(self):
        self.set_bridge(True, days=30)
        recent = self.env["res.partner"].create({"name": "Báo giá gần đây"})
        old = self.env["res.partner"].create({"name": "Báo giá cũ"})
        self.channel._zalo_link_document(recent, "template")
        self.channel._zalo_link_document(old, "template")
        old_row = self.env["zalo.conversation.document"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", old.id)]
        )
        forty_days_ago = fields.Datetime.now() - timedelta(days=40)
        old_row.flush_recordset()
        self.env.cr.execute(
            "UPDATE zalo_conversation_document SET create_date = %s, last_linked_at = %s "
            "WHERE id = %s",
            [forty_days_ago, forty_days_ago, old_row.id],
        )
        old_row.invalidate_recordset()
        self.receive_text(self.oa, self.customer, "Chị đồng ý báo giá")
        self.assertEqual(len(self.mirrored(recent)), 1)
        self.assertFalse(self.mirrored(old))
        self.assertEqual(len(self.mirrored()), 1, "created documents always mirror")
        # A backfill keeps to the window: nothing from after the 30 days.
        Documents = self.env["zalo.conversation.document"].with_user(self.operator)
        self.assertEqual(Documents.zalo_sync_record("res.partner", old.id), 0)
        # A template sent again from the old document: mirrored again.
        self.channel._zalo_link_document(old, "template")
        self.assertEqual(old_row.origin, "template")
        self.receive_text(self.oa, self.customer, "Gửi lại giúp chị")
        self.assertEqual(len(self.mirrored(old)), 1)
        self.assertEqual(len(self.mirrored(recent)), 2)

    def test_several_documents_and_unrelated_conversations(self):
        lead_like = self.env["res.partner"].create({"name": "Cơ hội áo dài cưới"})
        self.channel._zalo_link_document(lead_like, "manual")
        other = self.sim.add_customer(
            name="Lê Văn Bình", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, other, "Tin của khách khác")
        self.receive_text(self.oa, self.customer, "Tin của chị Hà")
        for record in (self.document, lead_like):
            notes = self.mirrored(record)
            self.assertEqual(len(notes), 1)
            self.assertIn("Tin của chị Hà", notes.body)

    def test_notices_and_lead_notes_not_mirrored(self):
        self.channel._zalo_post_notice("Phạm Thu Hà đã quan tâm OA")
        self.channel.message_post(
            body="Ghi chú nội bộ", message_type="notification", subtype_xmlid="mail.mt_note"
        )
        self.assertFalse(self.mirrored())

    def test_chatter_button_data_and_rights(self):
        data = self.document.with_user(self.operator)._get_mail_thread_data([])
        self.assertEqual(data["zaloBridge"], {"linked": True})
        unlinked = self.env["res.partner"].create({"name": "Không liên quan"})
        data = unlinked.with_user(self.operator)._get_mail_thread_data([])
        self.assertEqual(data["zaloBridge"], {"linked": False})
        sales = new_test_user(self.env, login="sales_no_zalo", groups="base.group_user")
        self.assertNotIn("zaloBridge", self.document.with_user(sales)._get_mail_thread_data([]))
        with self.assertRaises(AccessError):
            self.env["zalo.conversation.document"].with_user(sales).zalo_sync_record(
                "res.partner", self.document.id
            )

    def test_mirroring_failure_never_blocks_the_conversation(self):
        Mirror = type(self.env["zalo.chatter.mirror"])

        def broken(self, message, channel, record):
            raise ValueError("boom")

        self.patch(Mirror, "_mirror_values", broken)
        with self.assertLogs("odoo.addons.zalo_oa_chatter_bridge", "WARNING") as logs:
            self.receive_text(self.oa, self.customer, "Vẫn nhận được")
        self.assertIn("not mirrored", logs.output[0])
        self.assertIn("Vẫn nhận được", self.conversation()[-1].body)
        self.assertFalse(self.env["zalo.chatter.mirror"].search([]))
