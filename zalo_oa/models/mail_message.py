from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _zalo_notify_notification_update(self):
        """New Zalo statuses, sent as Odoo sends notification changes.

        Odoo tells the author (the failures of the messaging menu); the members of a
        Zalo conversation follow its messages too (status icons).
        """
        messages = self.sudo()
        in_channels = messages.filtered(lambda m: m.model == "discuss.channel" and m.res_id)
        if messages - in_channels:
            (messages - in_channels)._notify_message_notification_update()
        if not in_channels:
            return
        by_target = {}
        for message in in_channels:
            channel = self.env["discuss.channel"].sudo().browse(message.res_id)
            # the author's own bus channel: the failures of their messaging menu
            targets = [channel, message.author_id] if message.author_id else [channel]
            for target in targets:
                by_target.setdefault(target, messages.browse())
                by_target[target] |= message

        # Odoo's _message_notification_format, less the model's name (a conversation's
        # client knows it): one query less on every status change.
        def notifications_format(message):
            return message.notification_ids._filtered_for_web_client()._notification_format()

        formatted = {
            message.id: {
                "author": {"id": message.author_id.id, "type": "partner"}
                if message.author_id
                else False,
                "id": message.id,
                "res_id": message.res_id,
                "model": message.model,
                "date": message.date,
                "message_type": message.message_type,
                "body": message.body,
                "notifications": notifications_format(message),
            }
            for message in in_channels
        }
        # sudo: bus.bus - the conversation's own bus channel, and its authors
        self.env["bus.bus"].sudo()._sendmany(
            [
                (
                    target,
                    "mail.message/notification_update",
                    {"elements": [formatted[message.id] for message in target_messages]},
                )
                for target, target_messages in by_target.items()
            ]
        )
