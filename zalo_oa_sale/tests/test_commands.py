from odoo.addons.zalo_oa.tests.commands import ZaloCommandHttpCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestQuotationCommand(ZaloCommandHttpCase):
    """``/quotation`` as the web client runs it: JSON-RPC, a Vietnamese salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="zalo_quote_cmd",
            groups="base.group_user,sales_team.group_sale_salesman,zalo_oa.group_zalo_user",
            name="Trần Minh Đức",
            lang="vi_VN",
            tz="Asia/Ho_Chi_Minh",
        )

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa(operator_ids=[(6, 0, self.salesperson.ids)])
        self.connect_oa(self.oa)
        self.channel = self.conversation(self.oa, "Nguyễn Thị Hồng Nhung", "Báo giá giúp mình")
        self.partner = self.channel.zalo_partner_link_id.partner_id
        self.sim.clear_requests()

    def orders(self):
        return self.env["sale.order"].search([("partner_id", "=", self.partner.id)])

    def test_quotation_opens_in_a_dialog(self):
        result, error = self.run_command(
            self.salesperson, self.channel, "execute_command_quotation", "/quotation"
        )
        self.assertIsNone(error)
        order = self.orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(
            (result["res_model"], result["res_id"], result["target"]),
            ("sale.order", order.id, "new"),
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(order), self.channel)
        note = self.channel.message_ids[0]
        self.assertEqual(note.message_type, "notification")
        self.assertIn(f'data-oe-id="{order.id}"', note.body)
        self.assertIn("đã tạo báo giá", note.body, "the note is in the user's language")
        self.assertFalse(self.env["zalo.message"].search([("mail_message_id", "=", note.id)]))
        self.assertFalse(self.sim.requests(path="/message/cs"), "nothing went to the customer")

    def test_not_a_zalo_conversation(self):
        channel = self.env["discuss.channel"].channel_create(name="Kinh doanh", group_id=None)
        channel.add_members(partner_ids=self.salesperson.partner_id.ids)
        _result, error = self.run_command(
            self.salesperson, channel, "execute_command_quotation", "/quotation"
        )
        self.assert_refused(error, "Tại đây chỉ tạo được báo giá từ một cuộc hội thoại Zalo.")
        self.assertFalse(self.env["sale.order"].search([("user_id", "=", self.salesperson.id)]))

    def test_no_customer(self):
        self.partner.active = False
        _result, error = self.run_command(
            self.salesperson, self.channel, "execute_command_quotation", "/quotation"
        )
        self.assert_refused(error, "Cuộc hội thoại này không có khách hàng để lập báo giá.")
        self.assertFalse(self.orders())
        self.assertFalse(self.env["zalo.conversation.document"].search([]))

    def test_without_sales_rights(self):
        operator = new_test_user(
            self.env,
            login="zalo_quote_cs",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Hỗ Trợ Viên",
            lang="vi_VN",
        )
        self.channel.sudo().add_members(partner_ids=operator.partner_id.ids)
        _result, error = self.run_command(
            operator, self.channel, "execute_command_quotation", "/quotation"
        )
        self.assert_refused(
            error,
            "Bạn không có quyền tạo báo giá: hãy xin quyền truy cập Bán hàng.",
            "odoo.exceptions.AccessError",
        )
        self.assertFalse(self.orders())
