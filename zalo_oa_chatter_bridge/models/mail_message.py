from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def message_format(self, format_reply=True, msg_vals=None):
        vals_list = super().message_format(format_reply=format_reply, msg_vals=msg_vals)
        # cached xmlid lookup: no query on this hot path (every Discuss message)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "zalo_oa_chatter_bridge.mt_zalo", raise_if_not_found=False
        )
        if subtype_id:
            mirrored = set(self.sudo().filtered(lambda m: m.subtype_id.id == subtype_id).ids)
            for vals in vals_list:
                if vals["id"] in mirrored:
                    # Shown like a note in the chatter: internal, nobody was notified.
                    vals["is_note"] = True
        return vals_list
