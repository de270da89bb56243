from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.addons.zalo_oa.tests.test_security_review import XSS_NAME
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestChatterBridgeEscaping(ZaloHttpCase):
    """Customer-controlled text mirrored into a chatter stays text (issue #19)."""

    def test_customer_text_is_text_in_the_chatter(self):
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa_chatter_bridge.enabled", "True")
        admin = self.env.ref("base.user_admin")
        oa = self.create_oa(operator_ids=[(6, 0, admin.ids)])
        self.connect_oa(oa)
        customer = self.sim.add_customer(name=XSS_NAME, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(oa, customer, "ordinary text")
        self.receive_text(oa, customer, '<img src=x onerror="window.__zaloXss=1"> in a message')
        self.receive(
            oa,
            {
                "sender": {"id": customer["user_id"]},
                "recipient": {"id": oa.zalo_oa_ref},
                "event_name": "user_send_link",
                "message": {
                    "msg_id": "xss-link-chatter",
                    "text": "",
                    "attachments": [
                        {
                            "type": "link",
                            "payload": {
                                "url": "javascript:window.__zaloXss=3",
                                "title": '<img src=x onerror="window.__zaloXss=2"> link title',
                            },
                        }
                    ],
                },
            },
        )
        link = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)])
        document = self.env["res.partner"].create({"name": "Đơn hàng", "is_company": True})
        link.channel_id._zalo_link_document(document, "created")
        self.env["zalo.chatter.mirror"]._sync_record(document)
        mirrored = self.env["zalo.chatter.mirror"].search([("res_id", "=", document.id)])
        self.assertEqual(len(mirrored), 3)
        bodies = "".join(mirrored.mirror_message_id.mapped("body"))
        self.assertNotIn("<img", bodies)
        self.assertNotIn("javascript:", bodies)
        self.start_tour(
            f"/web#model=res.partner&id={document.id}&view_type=form",
            "zalo_oa_chatter_bridge_escapes_customer_text",
            login="admin",
        )
