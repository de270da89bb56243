from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ZaloSaleCase


@tagged("post_install", "-at_install")
class TestQuotationFromConversation(ZaloSaleCase):
    def setUp(self):
        super().setUp()
        self.oa.operator_ids = self.salesperson
        self.customer, self.link = self.linked_customer(text="Mình muốn đặt 2 áo dài lụa")
        self.channel = self.link.channel_id
        self.assertIn(self.salesperson.partner_id, self.channel.channel_partner_ids)

    def quotations(self):
        return self.env["sale.order"].search([("partner_id", "=", self.link.partner_id.id)])

    def assert_linked_both_ways(self, order):
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.link.partner_id)
        self.assertEqual(order.partner_id.name, "Nguyễn Thị Hồng Nhung")
        self.assertEqual(order.company_id, self.oa.company_id)
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(order.medium_id, self.env.ref("zalo_oa.utm_medium_zalo_oa"))
        document = self.env["zalo.conversation.document"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual((document.channel_id, document.origin), (self.channel, "created"))
        self.assertEqual(self.channel._zalo_documents(), [order])
        # Document → conversation: smart button and a chatter line linking to it.
        self.assertEqual(order.with_user(self.salesperson).zalo_channel_count, 1)
        action = order.with_user(self.salesperson).action_zalo_open_conversation()
        self.assertEqual(action["tag"], "mail.action_discuss")
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{self.channel.id}")
        log = order.message_ids.filtered(lambda m: "o_channel_redirect" in (m.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn(f'data-oe-id="{self.channel.id}"', log.body)
        # Conversation → document: an internal note, never sent to Zalo.
        note = self.channel.message_ids[0]
        self.assertEqual(note.message_type, "notification")
        self.assertIn('data-oe-model="sale.order"', note.body)
        self.assertIn(f'data-oe-id="{order.id}"', note.body)
        self.assertIn("Trần Minh Đức", note.body)
        self.assertEqual(note.author_id, self.salesperson.partner_id)
        self.assertFalse(self.env["zalo.message"].search([("mail_message_id", "=", note.id)]))
        self.assertFalse(self.sim.requests(path="/message/cs"), "nothing went to the customer")

    def test_thread_action_creates_a_quotation(self):
        action = self.channel.with_user(self.salesperson).action_zalo_create_quotation()
        order = self.quotations()
        self.assertEqual(len(order), 1)
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        self.assert_linked_both_ways(order)
        # Then sent from the quotation: the same conversation, no duplicate link.
        template = self.approve(self.sale_template("quotation"))
        order.order_line = [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})]
        self.composer(order).action_send()
        self.assertEqual(self.zbs_rows(order).state, "sent")
        self.assertEqual(len(self.notes(order, template)), 1)
        self.assertEqual(order.zalo_channel_count, 1)

    def test_button_on_the_customer_form(self):
        action = self.link.with_user(self.salesperson).action_zalo_create_quotation()
        order = self.quotations()
        self.assertEqual(action["res_id"], order.id)
        self.assert_linked_both_ways(order)
        arch = self.env["zalo.partner.link"].get_view(
            self.env.ref("zalo_oa.zalo_partner_link_view_form").id
        )["arch"]
        self.assertIn('name="action_zalo_create_quotation"', arch)

    def test_requires_sales_rights(self):
        support = new_test_user(
            self.env,
            login="zalo_sale_support",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Hỗ Trợ Viên",
            company_id=self.company.id,
        )
        self.channel.sudo().add_members(partner_ids=support.partner_id.ids)
        with self.assertRaises(AccessError):
            self.channel.with_user(support).action_zalo_create_quotation()
        self.assertFalse(self.quotations())
