from odoo.tests import tagged

from .common import ZaloMockTransactionCase


@tagged("post_install", "-at_install")
class TestRetention(ZaloMockTransactionCase):
    def test_processed_events_collected_messages_kept(self):
        oa = self.create_oa()
        self.connect_oa(oa)
        customer = {"user_id": "8150000000000000002"}
        self.receive_text(oa, customer, "cũ")
        self.receive_text(oa, customer, "mới")
        events = self.env["zalo.event"].search([("oa_id", "=", oa.id)], order="id")
        self.assertEqual(events.mapped("state"), ["processed", "processed"])
        failed = events[1].copy({"event_key": "failed-one", "state": "error"})
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa.event_retention_days", "10")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE zalo_event SET create_date = now() - interval '11 days' WHERE id IN %s",
            [(events[0].id, failed.id)],
        )
        self.env["zalo.event"]._gc_processed_events()
        remaining = self.env["zalo.event"].search([("oa_id", "=", oa.id)])
        self.assertEqual(remaining, events[1] | failed)  # errors are kept for a human
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", oa.id)]).channel_id
        self.assertEqual(
            len(channel.message_ids.filtered(lambda m: m.message_type == "comment")), 2
        )
        self.assertEqual(
            self.env["zalo.message"].search_count([("channel_id", "=", channel.id)]), 2
        )
