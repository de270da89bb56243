from odoo import models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        # Both directions: customer messages (posted with ``zalo_inbound``), replies typed
        # in Zalo's own app, and staff replies. Notices and notes are not mirrored.
        if (
            self.channel_type == "zalo"
            and msg_vals.get("message_type", message.message_type) == "comment"
        ):
            self.env["zalo.chatter.mirror"]._mirror_live(self, message)
        return res
