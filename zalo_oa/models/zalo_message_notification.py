"""The state of outbound Zalo messages, as ``mail.notification`` rows (like ``sms``).

Each ``mail.message`` sent to Zalo has one notification of type ``zalo`` for its
recipient. It follows the message's ``zalo.message`` rows (several for a long text with
attachments: the least advanced one counts, a failed one first): ``ready`` while
queued, ``sent`` once Zalo took it (delivered and read in ``zalo_state``), ``exception``
with a ``failure_type`` when it failed. Odoo then shows the failure on the message and
in its author's messaging menu, and the web client gets every change through
``mail.message/notification_update``.
"""

from odoo import api, models

from .mail_notification import FAILURE_TYPES
from .zalo_message import QUEUED, STATE_ORDER


class ZaloMessage(models.Model):
    _inherit = "zalo.message"

    def _zalo_notification_partner(self):
        """The contact the message goes to (empty when unknown)."""
        self.ensure_one()
        return self.partner_link_id.partner_id

    @api.model
    def _zalo_notification_values(self, rows):
        """Status of the notification of one mail.message, from its outbound rows."""
        failed = rows.filtered(lambda r: r.state == "failed")
        if failed:
            row = failed[0]
            return {
                "notification_status": "exception",
                "zalo_state": "failed",
                "failure_type": FAILURE_TYPES.get(row.failure_kind, "unknown"),
                "failure_reason": row.failure_reason or False,
            }
        state = min(rows.mapped("state"), key=lambda s: STATE_ORDER.get(s, 0))
        if state in QUEUED:
            # still sending; the reason of a retry (or of a delivery check) is shown
            retrying = rows.filtered(lambda r: r.state in QUEUED and r.failure_reason)
            return {
                "notification_status": "ready",
                "zalo_state": "pending",
                "failure_type": False,
                "failure_reason": retrying[:1].failure_reason or False,
            }
        return {
            "notification_status": "sent",
            "zalo_state": state,
            "failure_type": False,
            "failure_reason": False,
        }

    def _zalo_notifications(self):
        """The Zalo notifications of the messages of these rows."""
        return self.sudo().mail_message_id.notification_ids.filtered(
            lambda n: n.notification_type == "zalo"
        )

    def _zalo_sync_notifications(self, new=False):
        """Create or update the notification of the messages of these rows.

        Returns the messages whose notification changed. A failure that its author
        dismissed (``canceled``) stays dismissed while the message is still failed.
        ``new``: these are all the rows of new messages (nothing to look up).
        """
        messages = self.sudo().mail_message_id
        if not messages:
            return self.env["mail.message"]
        if new:
            rows = self.sudo()
        else:
            rows = self.sudo().search(
                [("mail_message_id", "in", messages.ids), ("direction", "=", "outbound")],
                order="id",
            )
        by_message = {}
        for row in rows:
            by_message.setdefault(row.mail_message_id, self.sudo().browse())
            by_message[row.mail_message_id] |= row
        existing = {} if new else {n.mail_message_id: n for n in self._zalo_notifications()}
        changed = self.env["mail.message"]
        to_create = []
        for message, group in by_message.items():
            values = self._zalo_notification_values(group)
            notification = existing.get(message)
            if notification:
                if (
                    notification.notification_status == "canceled"
                    and values["notification_status"] == "exception"
                ):
                    values["notification_status"] = "canceled"
                if any(notification[name] != value for name, value in values.items()):
                    notification.write(values)
                    changed |= message
                continue
            partner = group[0]._zalo_notification_partner()
            if not new and partner in message.sudo().notification_ids.res_partner_id:
                # One notification per recipient and message (Odoo's constraint).
                partner = partner.browse()
            to_create.append(
                dict(
                    values,
                    mail_message_id=message.id,
                    res_partner_id=partner.id,
                    author_id=message.author_id.id,
                    notification_type="zalo",
                    is_read=True,
                )
            )
            changed |= message
        if to_create:
            self.env["mail.notification"].sudo().create(to_create)
        return changed

    def _notify_state_change(self):
        """Bring the notifications of these rows' messages up to date, and tell the
        web clients (status icons, failures of the authors)."""
        changed = self._zalo_sync_notifications()
        if changed:
            changed._zalo_notify_notification_update()
        return changed
