from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ZaloHelpdeskCase


@tagged("post_install", "-at_install")
class TestTicketFromConversation(ZaloHelpdeskCase):
    def setUp(self):
        super().setUp()
        self.oa.write({"operator_ids": [(6, 0, self.agent.ids)], "helpdesk_team_id": self.team.id})
        self.customer, self.link = self.linked_customer()
        self.channel = self.link.channel_id
        self.channel.with_user(self.agent).message_post(
            body="Dạ, bạn chụp giúp mình chỗ rò rỉ nhé",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def tickets(self):
        return self.env["helpdesk.ticket"].search([("partner_id", "=", self.link.partner_id.id)])

    def assert_linked_both_ways(self, ticket):
        self.assertEqual(ticket.partner_id, self.link.partner_id)
        self.assertEqual(ticket.name, "Phạm Thu Hà (Zalo Cửa hàng Test)")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(
            ticket.channel_id, self.env.ref("zalo_oa_helpdesk.helpdesk_ticket_channel_zalo")
        )
        self.assertEqual(ticket.company_id, self.oa.company_id)
        self.assertIn("Máy lọc nước nhà mình bị rò rỉ", ticket.description)
        self.assertIn("Dạ, bạn chụp giúp mình chỗ rò rỉ nhé", ticket.description)
        document = self.env["zalo.conversation.document"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual((document.channel_id, document.origin), (self.channel, "created"))
        self.assertEqual(ticket.with_user(self.agent).zalo_channel_count, 1)
        action = ticket.with_user(self.agent).action_zalo_open_conversation()
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{self.channel.id}")
        log = ticket.message_ids.filtered(lambda m: "o_channel_redirect" in (m.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn(f'data-oe-id="{self.channel.id}"', log.body)
        note = self.channel.message_ids.filtered(lambda m: m.message_type == "notification")[0]
        self.assertIn('data-oe-model="helpdesk.ticket"', note.body)
        self.assertIn(f'data-oe-id="{ticket.id}"', note.body)
        self.assertEqual(note.author_id, self.agent.partner_id)
        self.assertFalse(self.env["zalo.message"].search([("mail_message_id", "=", note.id)]))

    def test_thread_action_creates_a_ticket(self):
        action = self.channel.with_user(self.agent).action_zalo_create_ticket()
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual((action["res_model"], action["res_id"]), ("helpdesk.ticket", ticket.id))
        self.assert_linked_both_ways(ticket)
        self.assertFalse(self.zbs_rows(ticket), "the team sends no Zalo notification")

    def test_created_message_goes_to_the_same_conversation(self):
        created = self.approve(self.template("created"))
        self.team.write({"zalo_auto_send": True, "zalo_created_template_id": created.id})
        self.link.partner_id.mobile = False
        self.channel.with_user(self.agent).action_zalo_create_ticket()
        ticket = self.tickets()
        self.assert_linked_both_ways(ticket)
        row = self.zbs_rows(ticket)
        self.assertEqual(len(row), 1)
        self.run_queue()
        self.assertEqual((row.state, row.message_kind), ("sent", "zbs_uid"))
        self.assertEqual(row.channel_id, self.channel)
        self.assertEqual(len(self.notes(ticket, created)), 1)

    def test_button_on_the_customer_form(self):
        action = self.link.with_user(self.agent).action_zalo_create_ticket()
        ticket = self.tickets()
        self.assertEqual(action["res_id"], ticket.id)
        self.assert_linked_both_ways(ticket)
        arch = self.env["zalo.partner.link"].get_view(
            self.env.ref("zalo_oa.zalo_partner_link_view_form").id
        )["arch"]
        self.assertIn('name="action_zalo_create_ticket"', arch)

    def test_requires_helpdesk_rights(self):
        support = new_test_user(
            self.env,
            login="zalo_hd_operator",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Nhân Viên Trực Chat",
        )
        self.channel.sudo().add_members(partner_ids=support.partner_id.ids)
        with self.assertRaises(AccessError):
            self.channel.with_user(support).action_zalo_create_ticket()
        self.assertFalse(self.tickets())
