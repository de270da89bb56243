import json
import time

from odoo.tests import tagged

from ..tools.webhook import compute_signature
from .common import ZaloTransactionCase


@tagged("post_install", "-at_install")
class TestInboundCost(ZaloTransactionCase):
    """The cost of one inbound text on an existing conversation is pinned."""

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa()
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(name="Lê Hoàng Minh")
        self.seq = 0
        self.base_ms = int(time.time() * 1000) - 3600 * 1000

    def deliver(self, text="Xin chào", user_id=None):
        self.seq += 1
        payload = {
            "app_id": self.app_id,
            "sender": {"id": user_id or self.customer["user_id"]},
            "recipient": {"id": self.sim_oa_id},
            "user_id_by_app": "7000000000000000001",
            "event_name": "user_send_text",
            "message": {"text": text, "msg_id": f"cost-{self.seq}-{user_id}"},
            # one second apart: stored datetimes have no sub-second part
            "timestamp": str(self.base_ms + self.seq * 1000),
        }
        raw = json.dumps(payload).encode()
        mac = compute_signature(self.app_id, raw, payload["timestamp"], self.oa_secret)
        result = self.env["zalo.event"]._webhook_receive(raw, {"X-ZEvent-Signature": f"mac={mac}"})
        self.assertEqual(result.status, "stored")
        self.env["zalo.event"]._process_inline(result.event_id)
        return result

    def test_query_count_one_inbound_text(self):
        self.deliver("warm-up: creates the link and the conversation")
        self.deliver("warm-up 2")
        self.env.flush_all()
        self.env.invalidate_all()
        # store (insert + OA timestamp) and process (link, channel, post, zalo.message, window)
        with self.assertQueryCount(__system__=45):
            self.deliver("Cho mình hỏi giá")
            self.env.flush_all()

    def test_cost_does_not_grow_with_links(self):
        self.deliver("warm-up")
        self.deliver("warm-up 2")
        self.env.flush_all()
        self.env.invalidate_all()
        before = min(self._count_queries() for _i in range(3))
        partner = self.env["res.partner"].create({"name": "Bulk"})
        self.env.cr.execute(
            """INSERT INTO zalo_partner_link (oa_id, company_id, zalo_user_id, partner_id,
                                              is_shadow, active, create_date, write_date)
               SELECT %s, %s, 'bulk-' || g, %s, true, true, now(), now()
                 FROM generate_series(1, 5000) g""",
            [self.oa.id, self.oa.company_id.id, partner.id],
        )
        self.env.cr.execute("ANALYZE zalo_partner_link")
        self.env.invalidate_all()
        after = min(self._count_queries() for _i in range(3))
        self.assertEqual(before, after)

    def _count_queries(self):
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        self.deliver("đếm truy vấn")
        self.env.flush_all()
        return self.env.cr.sql_log_count - start
