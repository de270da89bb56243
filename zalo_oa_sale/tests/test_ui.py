from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestQuotationUI(ZaloHttpCase):
    """The Create Quotation thread action, in the Discuss app."""

    def test_thread_action(self):
        admin = self.env.ref("base.user_admin")
        oa = self.create_oa(operator_ids=[(6, 0, admin.ids)])
        self.connect_oa(oa)
        customer = self.sim.add_customer(
            name="Nguyễn Thị Hồng Nhung", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(oa, customer, "Shop báo giá giúp mình nhé")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)]).channel_id
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{channel.id}",
            "zalo_oa_sale_quotation",
            login="admin",
        )
        order = self.env["sale.order"].search(
            [("partner_id", "=", channel.zalo_partner_link_id.partner_id.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "draft")
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(order), channel)

    def test_quotation_command(self):
        admin = self.env.ref("base.user_admin")
        oa = self.create_oa(operator_ids=[(6, 0, admin.ids)])
        self.connect_oa(oa)
        customer = self.sim.add_customer(
            name="Nguyễn Thị Hồng Nhung", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(oa, customer, "Shop báo giá giúp mình nhé")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)]).channel_id
        self.start_tour(
            f"/web#action=mail.action_discuss&active_id=discuss.channel_{channel.id}",
            "zalo_oa_sale_quotation_command",
            login="admin",
        )
        order = self.env["sale.order"].search(
            [("partner_id", "=", channel.zalo_partner_link_id.partner_id.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "draft")
        self.assertEqual(self.env["zalo.conversation.document"]._channels_of(order), channel)
        self.assertFalse(
            self.env["zalo.message"]
            .search([("channel_id", "=", channel.id)])
            .filtered(lambda m: m.direction == "outbound")
        )
