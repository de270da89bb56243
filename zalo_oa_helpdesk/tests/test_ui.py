from odoo import Command
from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTicketUI(ZaloHttpCase):
    """The Create Ticket thread action and the /ticket command, in the Discuss app."""

    def setUp(self):
        super().setUp()
        self.admin = self.env.ref("base.user_admin")
        self.oa = self.create_oa(operator_ids=[(6, 0, self.admin.ids)])
        self.connect_oa(self.oa)
        customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(self.oa, customer, "Máy lọc nước nhà mình bị rò rỉ")
        self.channel = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)]).channel_id
        Team = self.env["helpdesk.ticket.team"]
        self.team = Team.create({"name": "Chăm sóc khách hàng"})
        self.other_team = Team.create({"name": "Bảo hành"})

    def tickets(self):
        return self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.channel.zalo_partner_link_id.partner_id.id)]
        )

    def test_thread_action(self):
        self.oa.helpdesk_team_id = self.team
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{self.channel.id}",
            "zalo_oa_helpdesk_ticket",
            login="admin",
        )
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(ticket), self.channel)

    def test_command(self):
        """Refused while no team is set (two teams, none the OA's), then created."""
        self.other_team.user_ids = [Command.clear()]
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{self.channel.id}",
            "zalo_oa_helpdesk_ticket_command",
            login="admin",
        )
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Máy lọc nước bị rò rỉ ở van dưới")
        self.assertEqual(ticket.team_id, self.team)
        self.assertIn("Máy lọc nước nhà mình bị rò rỉ", ticket.description)
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(ticket), self.channel)
        note = self.channel.message_ids.filtered(lambda m: m.message_type == "notification")
        self.assertEqual(len(note), 1)
        self.assertIn(f'data-oe-id="{ticket.id}"', note.body)
