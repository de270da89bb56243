from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _message_format(self, fnames, format_reply=True):
        vals_list = super()._message_format(fnames, format_reply=format_reply)
        channel_msgs = [v["id"] for v in vals_list if v.get("model") == "discuss.channel"]
        # A message posted by inbound processing has no outbound state to show.
        if channel_msgs and not self.env.context.get("zalo_inbound"):
            statuses = self.env["zalo.message"]._format_for_messages(channel_msgs)
            for vals in vals_list:
                if vals["id"] in statuses:
                    vals["zalo"] = statuses[vals["id"]]
        return vals_list
