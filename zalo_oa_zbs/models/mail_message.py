from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _message_format(self, fnames, format_reply=True):
        """Status icons on the chatter messages logging a ZBS template send."""
        vals_list = super()._message_format(fnames, format_reply=format_reply)
        ids = [
            v["id"]
            for v in vals_list
            if v.get("model") and v.get("model") != "discuss.channel" and "zalo" not in v
        ]
        if ids:
            statuses = self.env["zalo.message"]._format_for_messages(ids)
            for vals in vals_list:
                if vals["id"] in statuses:
                    vals["zalo"] = statuses[vals["id"]]
        return vals_list
