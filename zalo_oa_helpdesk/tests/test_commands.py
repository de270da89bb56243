from odoo.addons.zalo_oa.tests.commands import ZaloCommandHttpCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTicketCommand(ZaloCommandHttpCase):
    """``/ticket`` as the web client runs it: JSON-RPC, a Vietnamese helpdesk agent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="zalo_ticket_cmd",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,zalo_oa.group_zalo_user",
            name="Lê Thị Mỹ Duyên",
            lang="vi_VN",
            tz="Asia/Ho_Chi_Minh",
        )
        cls.Team = cls.env["helpdesk.ticket.team"]
        # Teams of other tests or of demo data are not this OA's.
        cls.Team.search([]).active = False

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa(operator_ids=[(6, 0, self.agent.ids)])
        self.connect_oa(self.oa)
        self.channel = self.conversation(self.oa, "Phạm Thu Hà", "Máy lọc nước nhà mình bị rò rỉ")
        self.partner = self.channel.zalo_partner_link_id.partner_id

    def tickets(self):
        return self.env["helpdesk.ticket"].with_context(active_test=False).search([])

    def test_ticket_with_title(self):
        team = self.Team.create({"name": "Chăm sóc khách hàng", "user_ids": self.agent.ids})
        self.oa.helpdesk_team_id = team
        result, error = self.run_command(
            self.agent, self.channel, "execute_command_ticket", "/ticket Van dưới bị rò rỉ"
        )
        self.assertIsNone(error)
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Van dưới bị rò rỉ")
        self.assertEqual((ticket.partner_id, ticket.team_id), (self.partner, team))
        self.assertEqual(ticket.user_id, self.agent)
        self.assertIn("Máy lọc nước nhà mình bị rò rỉ", ticket.description)
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(ticket), self.channel)
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["title"], "Đã tạo phiếu hỗ trợ")
        self.assertEqual(result["params"]["links"][0]["label"], ticket.display_name)
        note = self.channel.message_ids.filtered(lambda m: m.message_type == "notification")
        self.assertIn(f'data-oe-id="{ticket.id}"', note.body)

    def test_ticket_without_title_in_the_agents_team(self):
        """No team on the OA: the agent's own team."""
        self.Team.create({"name": "Bảo hành"})
        team = self.Team.create({"name": "Chăm sóc khách hàng", "user_ids": self.agent.ids})
        _result, error = self.run_command(
            self.agent, self.channel, "execute_command_ticket", "/ticket"
        )
        self.assertIsNone(error)
        ticket = self.tickets()
        self.assertEqual(ticket.name, "Phạm Thu Hà (Zalo Cửa hàng Test)")
        self.assertEqual(ticket.team_id, team)

    def test_no_helpdesk_team(self):
        self.Team.create({"name": "Bảo hành"})
        self.Team.create({"name": "Lắp đặt"})
        _result, error = self.run_command(
            self.agent, self.channel, "execute_command_ticket", "/ticket Van dưới bị rò rỉ"
        )
        self.assert_refused(
            error,
            "Chưa có đội hỗ trợ cho các phiếu từ Cửa hàng Test: quản trị viên Zalo chọn một đội "
            "trên Tài khoản OA (Đội hỗ trợ).",
        )
        self.assertFalse(self.tickets())
        self.assertFalse(
            self.channel.message_ids.filtered(lambda m: m.message_type == "notification")
        )

    def test_not_a_zalo_conversation(self):
        self.oa.helpdesk_team_id = self.Team.create({"name": "Chăm sóc khách hàng"})
        channel = self.env["discuss.channel"].channel_create(name="Hỗ trợ", group_id=None)
        channel.add_members(partner_ids=self.agent.partner_id.ids)
        _result, error = self.run_command(self.agent, channel, "execute_command_ticket", "/ticket")
        self.assert_refused(error, "Tại đây chỉ tạo được phiếu hỗ trợ từ một cuộc hội thoại Zalo.")
        self.assertFalse(self.tickets())

    def test_no_customer(self):
        self.oa.helpdesk_team_id = self.Team.create({"name": "Chăm sóc khách hàng"})
        self.partner.active = False
        _result, error = self.run_command(
            self.agent, self.channel, "execute_command_ticket", "/ticket"
        )
        self.assert_refused(error, "Cuộc hội thoại này không có khách hàng để mở phiếu hỗ trợ.")
        self.assertFalse(self.tickets())
