from datetime import timedelta

import odoo
from odoo import fields
from odoo.tests import tagged

from .common import ZbsHttpCase


@tagged("post_install", "-at_install")
class TestComposerTour(ZbsHttpCase):
    def setUp(self):
        super().setUp()
        self.setup_oa(
            name="Cửa hàng ABC", operator_ids=[(6, 0, self.env.ref("base.user_admin").ids)]
        )
        self.template = self.enabled_template()

    def test_send_from_a_contact(self):
        partner = self.env["res.partner"].create(
            {"name": "Nguyễn Văn An", "ref": "KH0007", "mobile": "0912 345 678"}
        )
        self.env["zalo.zbs.quota"]._zbs_record(self.oa, daily=500, remaining=500)
        self.start_tour(
            f"/web#model=res.partner&id={partner.id}&view_type=form",
            "zalo_oa_zbs_composer",
            login="admin",
        )
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.phone, "84912345678")
        self.assertEqual(row.author_id, self.env.ref("base.user_admin"))
        self.assertEqual(row.mail_message_id.res_id, partner.id)

    def test_edit_a_value_and_send(self):
        partner = self.env["res.partner"].create(
            {"name": "Nguyễn Văn An", "ref": "KH0007", "mobile": "0912 345 678"}
        )
        self.env["zalo.zbs.quota"]._zbs_record(self.oa, daily=500, remaining=500)
        self.start_tour(
            f"/web#model=res.partner&id={partner.id}&view_type=form",
            "zalo_oa_zbs_composer_edit",
            login="admin",
        )
        row = self.zbs_rows(partner)
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.template_data["customer_code"], "VIP-2026")
        call = self.sim_calls("/business/message/template")[-1]["body"]["json"]
        self.assertEqual(
            call["template_data"], {"customer_name": "Nguyễn Văn An", "customer_code": "VIP-2026"}
        )

    def test_send_from_a_closed_conversation(self):
        port = odoo.tools.config["http_port"]
        self.sim.configure(webhook_url=f"http://127.0.0.1:{port}/zalo_oa/webhook")
        customer = self.sim.add_customer(
            name="Nguyễn Văn An", phone="0912345678", last_interaction_ms=self.sim.store.now_ms()
        )
        self.env.flush_all()  # the server thread shares our transaction
        result = self.sim.customer_send(customer["user_id"], type="text", text="Shop ơi")
        self.assertEqual(result["delivery"]["state"], "delivered", result["delivery"])
        self.process_events()
        channel = self.env["discuss.channel"].search([("zalo_oa_id", "=", self.oa.id)])
        channel.zalo_partner_link_id.partner_id.ref = "KH0009"
        channel.sudo().zalo_window_expires_at = fields.Datetime.now() - timedelta(days=1)
        self.start_tour(
            "/web#action=mail.action_discuss", "zalo_oa_zbs_conversation", login="admin"
        )
        self.env.invalidate_all()
        row = self.env["zalo.message"].search([("message_kind", "=", "zbs_uid")])
        self.assertEqual(row.state, "sent")
        self.assertEqual(row.channel_id, channel)
        self.assertEqual(row.mail_message_id.model, "discuss.channel")
