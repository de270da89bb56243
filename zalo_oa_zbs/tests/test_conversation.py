from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import tagged

from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestConversation(ZbsTransactionCase):
    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.customer = self.sim.add_customer(
            name="Nguyễn Văn An", phone="0912345678", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, self.customer, "Shop ơi")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        self.channel.sudo().zalo_window_expires_at = fields.Datetime.now() - timedelta(days=1)
        self.link.partner_id.ref = "KH0009"

    def test_closed_window_offers_the_template_composer(self):
        self.assertFalse(self.channel._zalo_can_send_template(), "no approved template yet")
        template = self.enabled_template()
        self.assertTrue(self.channel._zalo_can_send_template())
        info = self.channel._channel_info()[0]
        self.assertTrue(info["zalo_can_send_template"])
        action = self.channel.action_zalo_send_template()
        self.assertEqual(action["res_model"], "zalo.zbs.composer")
        composer = self.env["zalo.zbs.composer"].with_context(**action["context"]).create({})
        self.assertEqual(composer.channel_id, self.channel)
        self.assertEqual(composer.template_id, template)
        self.assertIn("Zalo account", composer.recipient_text)
        composer.action_send()
        row = self.env["zalo.message"].search([("message_kind", "=", "zbs_uid")])
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.channel_id, self.channel)
        call = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(call["user_id"], self.customer["user_id"])
        # The template appears in the conversation, with its Zalo status.
        message = row.mail_message_id
        self.assertEqual((message.model, message.res_id), ("discuss.channel", self.channel.id))
        self.assertIn("Nguyễn Văn An", message.body)
        self.assertEqual(message.message_format()[0]["notifications"][0]["zalo_state"], "sent")
        self.assertFalse(
            self.env["zalo.message"].search(
                [("message_kind", "=", "cs"), ("direction", "=", "outbound")]
            ),
            "no free-text message was queued",
        )

    def test_other_oa_templates_are_not_offered(self):
        other_oa = self.env["zalo.oa"].create({"name": "OA khác"})
        self.enabled_template(oa_id=other_oa.id)
        self.assertFalse(self.channel._zalo_can_send_template())

    def test_document_is_linked_to_the_conversation(self):
        """Any mail.thread document: here a phone blacklist entry about the customer."""
        template = self.enabled_template(
            model_id=self.env["ir.model"]._get("phone.blacklist").id,
            param_ids=[
                Command.create(
                    {
                        "name": "customer_name",
                        "param_type": "1",
                        "source": "field",
                        "field_path": "number",
                        "sample_value": "0912",
                    }
                ),
                Command.create(
                    {
                        "name": "customer_code",
                        "param_type": "4",
                        "source": "fixed",
                        "fixed_value": "BL01",
                        "sample_value": "BL01",
                    }
                ),
            ],
        )
        document = self.env["phone.blacklist"].create({"number": "+84912345678"})
        partner = self.link.partner_id
        Blacklist = type(self.env["phone.blacklist"])
        patcher = patch.object(Blacklist, "_zalo_zbs_partner", lambda record: partner, create=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        composer = self.composer(document)
        self.assertEqual(composer.template_id, template)
        composer.action_send()
        row = self.zbs_rows(document)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.message_kind, "zbs_uid")
        self.assertEqual(row.mail_message_id.model, "phone.blacklist")
        self.assertEqual(self.channel._zalo_documents(), [document])
        self.assertEqual(row.channel_id, self.channel)
        binding = self.env["ir.actions.act_window"].search(
            [
                ("res_model", "=", "zalo.zbs.composer"),
                ("binding_model_id.model", "=", "phone.blacklist"),
            ]
        )
        self.assertEqual(len(binding), 1, "«Send via Zalo» in the Action menu of the model")
