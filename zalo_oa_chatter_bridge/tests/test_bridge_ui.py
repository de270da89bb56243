from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestChatterBridgeUI(ZaloHttpCase):
    def test_sync_history_from_the_chatter(self):
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa_chatter_bridge.enabled", "True")
        admin = self.env.ref("base.user_admin")
        oa = self.create_oa(operator_ids=[(6, 0, admin.ids)])
        self.connect_oa(oa)
        customer = self.sim.add_customer(
            name="Phạm Thu Hà", last_interaction_ms=self.sim.store.now_ms()
        )
        self.receive_text(oa, customer, "Chị muốn đặt 2 áo dài")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)]).channel_id
        channel.with_user(admin).message_post(
            body="Dạ shop nhận đơn ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        document = self.env["res.partner"].create({"name": "Đơn hàng áo dài", "is_company": True})
        channel._zalo_link_document(document, "created")
        self.start_tour(
            f"/web#model=res.partner&id={document.id}&view_type=form",
            "zalo_oa_chatter_bridge_sync",
            login="admin",
        )
        mirrored = self.env["zalo.chatter.mirror"].search([("res_id", "=", document.id)])
        self.assertEqual(len(mirrored), 2)
