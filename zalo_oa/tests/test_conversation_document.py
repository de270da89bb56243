"""``discuss.channel._zalo_create_document``: what every document created from a Zalo
conversation gets (lead, quotation, ticket), shown here with a contact as the document."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ZaloTransactionCase

TEXTS = {
    "not_zalo": "Only from a Zalo conversation.",
    "forbidden": "No contacts for you.",
    "note": "%(user)s created the contact %(document)s.",
}


@tagged("post_install", "-at_install")
class TestConversationDocument(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,zalo_oa.group_zalo_user"
        cls.operator = new_test_user(
            cls.env,
            login="doc_op",
            groups=groups + ",base.group_partner_manager",
            name="Lê Văn Hải",
        )
        cls.reader = new_test_user(cls.env, login="doc_reader", groups=groups, name="Ngô Bảo")

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa(operator_ids=[(6, 0, (self.operator | self.reader).ids)])
        self.connect_oa(self.oa)
        customer = self.sim.add_customer(name="Đặng Thu Trang")
        self.receive_text(self.oa, customer, "Cho em xin báo giá")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        self.hook_calls = 0

    def values(self):
        self.hook_calls += 1
        return {"name": "Liên hệ từ Zalo", "parent_id": self.link.partner_id.id}

    def create(self, user, channel=None, **texts):
        channel = (channel or self.channel).with_user(user)
        return channel._zalo_create_document("res.partner", self.values, **{**TEXTS, **texts})

    def test_document_linked_both_ways_with_notes(self):
        document = self.create(self.operator)
        self.assertEqual(document.name, "Liên hệ từ Zalo")
        self.assertEqual(document.env.company, self.oa.company_id)
        row = self.env["zalo.conversation.document"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(
            (row.res_model, row.res_id, row.origin), ("res.partner", document.id, "created")
        )
        note = self.channel.message_ids[0]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.operator.partner_id)
        self.assertIn("Lê Văn Hải created the contact", note.body)
        self.assertIn(f'data-oe-id="{document.id}"', note.body)
        log = document.message_ids.filtered(
            lambda m: "Created from the Zalo conversation" in m.body
        )
        self.assertIn(f'data-oe-id="{self.channel.id}"', log.body)
        self.assertIn("Đặng Thu Trang on Cửa hàng Test", log.body)

    def test_no_origin_log_when_not_asked(self):
        document = self.create(self.operator, log_origin=False)
        self.assertFalse(
            document.message_ids.filtered(lambda m: "Created from the Zalo conversation" in m.body)
        )

    def test_refused_before_the_values_are_computed(self):
        with self.assertRaisesRegex(AccessError, "No contacts for you."):
            self.create(self.reader)
        other = self.env["discuss.channel"].create({"name": "Nội bộ", "channel_type": "channel"})
        with self.assertRaisesRegex(UserError, "Only from a Zalo conversation."):
            self.create(self.operator, channel=other)
        self.link.partner_id.active = False
        self.create(self.operator)  # a customer is not always needed
        with self.assertRaisesRegex(UserError, "No customer here."):
            self.create(self.operator, no_customer="No customer here.")
        self.assertEqual(self.hook_calls, 1)
        self.assertEqual(
            self.env["zalo.conversation.document"].search_count(
                [("channel_id", "in", (self.channel | other).ids)]
            ),
            1,
        )

    def test_document_action(self):
        document = self.create(self.operator)
        action = self.channel._zalo_document_action(document)
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"], action["views"]),
            ("res.partner", document.id, "current", [[False, "form"]]),
        )
        self.assertNotIn("context", action)
        dialog = self.channel._zalo_document_action(document, target="new")
        self.assertEqual(dialog["context"], {"dialog_size": "extra-large"})

    def test_document_title(self):
        self.assertEqual(self.channel._zalo_document_title(), "Đặng Thu Trang (Zalo Cửa hàng Test)")
