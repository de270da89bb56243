from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _get_mail_thread_data(self, request_list):
        res = super()._get_mail_thread_data(request_list)
        if (
            len(self) == 1
            and self.env.user.has_group("zalo_oa.group_zalo_user")
            and self.env["zalo.chatter.mirror"]._is_enabled()
        ):
            linked = (
                self.env["zalo.conversation.document"]
                .sudo()
                .search_count([("res_model", "=", self._name), ("res_id", "=", self.id)], limit=1)
            )
            res["zaloBridge"] = {"linked": bool(linked)}
        return res
