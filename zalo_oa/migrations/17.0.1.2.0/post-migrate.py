"""17.0.1.2.0: the state of outbound messages is a ``zalo`` mail.notification.

Messages sent before the update get theirs, in batches (no bus notification).
"""

from odoo import SUPERUSER_ID, api

BATCH = 1000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """SELECT DISTINCT m.mail_message_id
             FROM zalo_message m
            WHERE m.direction = 'outbound' AND m.mail_message_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM mail_notification n
                               WHERE n.mail_message_id = m.mail_message_id
                                 AND n.notification_type = 'zalo')
            ORDER BY 1"""
    )
    message_ids = [row[0] for row in cr.fetchall()]
    Message = env["zalo.message"]
    for start in range(0, len(message_ids), BATCH):
        rows = Message.search(
            [
                ("mail_message_id", "in", message_ids[start : start + BATCH]),
                ("direction", "=", "outbound"),
            ]
        )
        rows._zalo_sync_notifications()
        env.flush_all()
        env.invalidate_all()
