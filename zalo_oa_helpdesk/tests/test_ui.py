from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTicketUI(ZaloHttpCase):
    """The Create Ticket thread action, in the Discuss app."""

    def test_thread_action(self):
        admin = self.env.ref("base.user_admin")
        oa = self.create_oa(operator_ids=[(6, 0, admin.ids)])
        self.connect_oa(oa)
        customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(oa, customer, "Máy lọc nước nhà mình bị rò rỉ")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)]).channel_id
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{channel.id}",
            "zalo_oa_helpdesk_ticket",
            login="admin",
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", channel.zalo_partner_link_id.partner_id.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(ticket), channel)
