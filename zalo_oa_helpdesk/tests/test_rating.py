from odoo.tests import tagged

from .common import ZaloHelpdeskCase


@tagged("post_install", "-at_install")
class TestRating(ZaloHelpdeskCase):
    def test_rating_answer_is_stored_on_the_ticket(self):
        template = self.approve(self.template("rating"))
        customer, link = self.linked_customer()
        ticket = self.ticket(link.partner_id, user_id=self.agent.id)
        ticket._portal_ensure_token()
        row = ticket._zalo_zbs_send(template, send_now=True)
        self.assertEqual(row.state, "sent")
        self.assertFalse(ticket.zalo_rating)
        self.receive(
            self.oa,
            {
                "event_name": "user_feedback",
                "oa_id": self.oa.zalo_oa_ref,
                "sender": {"id": customer["user_id"]},
                "recipient": {"id": self.oa.zalo_oa_ref},
                "message": {
                    "msg_id": row.zalo_msg_id,
                    "rate": 5,
                    "note": "Sửa rất nhanh",
                    "submitDate": "1795000000000",
                },
            },
        )
        self.assertEqual(ticket.zalo_rating, "5")
        self.assertEqual(ticket.zalo_rating_note, "Sửa rất nhanh")
        self.assertEqual(ticket.zalo_rated_at, row.zbs_rated_at)
        self.assertEqual(ticket.zalo_rated_at.year, 2026)
        note = ticket.message_ids.filtered(lambda m: "rated 5/5" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, link.partner_id)
