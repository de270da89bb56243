"""17.0.1.1.0: the notifications of ZBS template sends logged in a chatter go to their
recipient contact (zalo_oa 17.0.1.2.0 created them knowing only the Zalo user's)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """UPDATE mail_notification n
              SET res_partner_id = m.partner_id
             FROM zalo_message m
            WHERE n.mail_message_id = m.mail_message_id
              AND n.notification_type = 'zalo'
              AND n.res_partner_id IS NULL
              AND m.partner_id IS NOT NULL
              AND m.message_kind IN ('zbs_uid', 'zbs_phone')
              AND NOT EXISTS (SELECT 1 FROM mail_notification o
                               WHERE o.mail_message_id = n.mail_message_id
                                 AND o.res_partner_id = m.partner_id)"""
    )
    env.invalidate_all()
