from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _zalo_notify_notification_update(self):
        """New Zalo statuses, sent as Odoo sends notification changes.

        Odoo tells the author (the failures of the messaging menu); the members of a
        Zalo conversation follow its messages too (status icons).
        """
        messages = self.sudo()
        messages._notify_message_notification_update()
        by_channel = {}
        for message in messages.filtered(lambda m: m.model == "discuss.channel" and m.res_id):
            by_channel.setdefault(message.res_id, messages.browse())
            by_channel[message.res_id] |= message
        if not by_channel:
            return
        channels = self.env["discuss.channel"].sudo().browse(list(by_channel))
        # sudo: bus.bus - the conversation's own bus channel
        self.env["bus.bus"].sudo()._sendmany(
            [
                (
                    channel,
                    "mail.message/notification_update",
                    {"elements": by_channel[channel.id]._message_notification_format()},
                )
                for channel in channels.exists()
            ]
        )
