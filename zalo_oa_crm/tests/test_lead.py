from odoo.addons.zalo_oa.tests.common import ZaloTransactionCase
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestZaloLead(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="op_crm",
            groups="base.group_user,zalo_oa.group_zalo_user,sales_team.group_sale_salesman",
            name="Trần Minh Đức",
        )
        cls.medium = cls.env.ref("zalo_oa.utm_medium_zalo_oa")

    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.oa = self.create_oa(operator_ids=[(6, 0, self.operator.ids)])
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, self.customer, "Chị muốn hỏi áo dài cưới size M")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        self.channel.with_user(self.operator).message_post(
            body="Dạ, shop còn size M ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.receive_text(self.oa, self.customer, "Giá <b>bao nhiêu</b> vậy shop?")

    def leads(self):
        return (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("partner_id", "=", self.link.partner_id.id)])
        )

    def cs_calls(self):
        return self.sim.requests(path="/message/cs")

    def assert_zalo_lead(self, lead):
        self.assertEqual(lead.partner_id, self.link.partner_id)
        self.assertEqual(lead.partner_id.name, "Phạm Thu Hà")
        self.assertEqual(lead.medium_id, self.medium)
        self.assertEqual(lead.medium_id.name, "Zalo OA")
        self.assertEqual(lead.source_id, self.oa.crm_source_id)
        self.assertEqual(lead.source_id.name, "Zalo OA: Cửa hàng Test")
        self.assertEqual(lead.user_id, self.operator)
        self.assertEqual(lead.company_id, self.oa.company_id)
        description = lead.description
        for text in ("Chị muốn hỏi áo dài cưới size M", "Dạ, shop còn size M ạ", "Phạm Thu Hà"):
            self.assertIn(text, description)
        self.assertIn("Trần Minh Đức", description)
        # Customer text is text, never markup.
        self.assertIn("Giá &lt;b&gt;bao nhiêu&lt;/b&gt; vậy shop?", description)
        # Linked both ways: document row, smart button, note in the conversation.
        document = self.env["zalo.conversation.document"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual((document.channel_id, document.origin), (self.channel, "created"))
        self.assertEqual(lead.zalo_channel_count, 1)
        action = lead.with_user(self.operator).action_zalo_open_conversation()
        self.assertEqual(action["tag"], "mail.action_discuss")
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{self.channel.id}")
        note = self.channel.message_ids[0]
        self.assertEqual(note.message_type, "notification")
        self.assertIn(f'data-oe-id="{lead.id}"', note.body)
        self.assertIn('data-oe-model="crm.lead"', note.body)
        self.assertEqual(note.author_id, self.operator.partner_id)
        # The note is internal: nothing goes to Zalo for it.
        self.assertFalse(self.env["zalo.message"].search([("mail_message_id", "=", note.id)]))

    # ----------------------------------------------------------------- tests

    def test_command_creates_lead(self):
        calls = len(self.cs_calls())
        result = self.channel.with_user(self.operator).execute_command_lead(
            body="/lead Áo dài cưới size M"
        )
        self.assertTrue(result)
        lead = self.leads()
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.name, "Áo dài cưới size M")
        self.assert_zalo_lead(lead)
        self.assertEqual(len(self.cs_calls()), calls, "the command is never sent to Zalo")
        self.assertFalse(
            self.channel.message_ids.filtered(lambda m: "/lead" in (m.body or "")),
            "the command itself is not posted",
        )

    def test_command_without_title(self):
        self.channel.with_user(self.operator).execute_command_lead(body="/lead")
        lead = self.leads()
        self.assertEqual(lead.name, "Phạm Thu Hà (Zalo Cửa hàng Test)")
        self.assert_zalo_lead(lead)

    def test_button_creates_lead(self):
        calls = len(self.cs_calls())
        action = self.channel.with_user(self.operator).action_zalo_create_lead()
        lead = self.leads()
        self.assertEqual(len(lead), 1)
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", lead.id))
        self.assert_zalo_lead(lead)
        self.assertEqual(len(self.cs_calls()), calls)

    def test_button_on_customer_form(self):
        action = self.link.with_user(self.operator).action_zalo_create_lead()
        lead = self.leads()
        self.assertEqual(action["res_id"], lead.id)
        self.assert_zalo_lead(lead)

    def test_source_per_oa_and_reporting_by_medium(self):
        self.channel.with_user(self.operator).action_zalo_create_lead()
        self.channel.with_user(self.operator).action_zalo_create_lead()
        oa2 = self.create_oa(name="Chi nhánh Hà Nội", app_id="other-app")
        link2 = (
            self.env["zalo.partner.link"]
            .sudo()
            .create(
                {
                    "oa_id": oa2.id,
                    "zalo_user_id": "hn-user-1",
                    "partner_id": self.env["res.partner"].create({"name": "Lê Văn Bình"}).id,
                }
            )
        )
        channel2 = self.env["discuss.channel"]._zalo_get_channel(link2)
        self.assertIn(self.operator.partner_id, self.channel.channel_partner_ids)
        lead2 = self.env["crm.lead"].browse(channel2.action_zalo_create_lead()["res_id"])
        self.assertEqual(lead2.partner_id.name, "Lê Văn Bình")
        self.assertFalse(lead2.description, "no history yet")
        self.assertEqual(lead2.source_id.name, "Zalo OA: Chi nhánh Hà Nội")
        self.assertNotEqual(lead2.source_id, self.oa.crm_source_id)
        self.assertEqual(self.oa.crm_lead_count, 2)
        self.assertEqual(oa2.crm_lead_count, 1)
        # CRM reporting by medium: no setup needed.
        groups = self.env["crm.lead"]._read_group(
            [("medium_id", "!=", False)], ["medium_id"], ["__count"]
        )
        self.assertIn((self.medium, 3), groups)
        by_source = dict(
            self.env["crm.lead"]._read_group(
                [("medium_id", "=", self.medium.id)], ["source_id"], ["__count"]
            )
        )
        self.assertEqual(by_source, {self.oa.crm_source_id: 2, oa2.crm_source_id: 1})

    def test_oa_keeps_a_chosen_source(self):
        source = self.env["utm.source"].create({"name": "Zalo Tết 2025"})
        self.oa.crm_source_id = source
        self.channel.with_user(self.operator).action_zalo_create_lead()
        self.assertEqual(self.leads().source_id, source)

    def test_phone_shared_on_zalo(self):
        self.link.sudo().zalo_phone = "84912345678"
        self.channel.with_user(self.operator).action_zalo_create_lead()
        self.assertEqual(self.leads().phone, "+84912345678")

    def test_other_channels_untouched(self):
        channel = self.env["discuss.channel"].create({"name": "Nội bộ", "channel_type": "channel"})
        before = self.env["crm.lead"].search_count([])
        if "crm_livechat" not in self.env.registry._init_modules:
            self.assertFalse(channel.execute_command_lead(body="/lead Không"))
            self.assertEqual(self.env["crm.lead"].search_count([]), before)
        self.assertFalse(
            self.env["zalo.conversation.document"].search([("res_model", "=", "crm.lead")])
        )

    def test_requires_crm_rights(self):
        support = new_test_user(
            self.env,
            login="op_support",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Hỗ trợ",
        )
        self.channel.sudo().add_members(partner_ids=support.partner_id.ids)
        with self.assertRaises(AccessError):
            self.channel.with_user(support).execute_command_lead(body="/lead Thử")
        self.assertFalse(self.leads())

    def test_web_client_command_name(self):
        """The web client calls the Zalo handler by its own name (see static/src)."""
        self.channel.with_user(self.operator).zalo_execute_command_lead(body="/lead   Đầm  ")
        lead = self.leads()
        self.assertEqual(lead.name, "Đầm")
        self.assert_zalo_lead(lead)

    def test_conversation_mirrored_into_the_lead(self):
        """With the chatter bridge on, the lead's chatter follows the conversation."""
        if "zalo.chatter.mirror" not in self.env:
            self.skipTest("zalo_oa_chatter_bridge is not installed")
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa_chatter_bridge.enabled", "True")
        self.channel.with_user(self.operator).execute_command_lead(body="/lead Áo dài")
        lead = self.leads()
        self.receive_text(self.oa, self.customer, "Chị lấy 2 cái nhé")
        notes = lead.message_ids.filtered(lambda m: "Chị lấy 2 cái nhé" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.subtype_id, self.env.ref("zalo_oa_chatter_bridge.mt_zalo"))
        self.assertFalse(notes.notification_ids)
        # Sync history brings the earlier messages in, once.
        synced = self.env["zalo.chatter.mirror"]._sync_record(lead)
        self.assertEqual(len(synced), 3)
        self.assertFalse(self.env["zalo.chatter.mirror"]._sync_record(lead))
