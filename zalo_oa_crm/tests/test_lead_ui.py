from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestZaloLeadUI(ZaloHttpCase):
    """The /lead command and the Create Lead thread action, in the Discuss app."""

    def test_command_and_thread_action(self):
        admin = self.env.ref("base.user_admin")
        oa = self.create_oa(operator_ids=[(6, 0, admin.ids)])
        self.connect_oa(oa)
        customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(oa, customer, "Chị muốn hỏi áo dài cưới size M")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)]).channel_id
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{channel.id}",
            "zalo_oa_crm_lead",
            login="admin",
        )
        leads = self.env["crm.lead"].search(
            [("partner_id", "=", channel.zalo_partner_link_id.partner_id.id)], order="id"
        )
        self.assertEqual(
            leads.mapped("name"), ["Áo dài cưới size M", "Phạm Thu Hà (Zalo Cửa hàng Test)"]
        )
        medium = self.env.ref("zalo_oa.utm_medium_zalo_oa")
        self.assertEqual(leads.medium_id, medium)
        self.assertEqual(leads.source_id, oa.crm_source_id)
        self.assertEqual(leads.user_id, admin)
        notes = channel.message_ids.filtered(lambda m: m.message_type == "notification")
        self.assertEqual(len(notes), 2)
