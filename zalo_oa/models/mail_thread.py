from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def notify_cancel_by_type(self, notification_type):
        """Dismiss the Zalo failures of the current user (messaging menu)."""
        super().notify_cancel_by_type(notification_type)
        if notification_type == "zalo":
            self._notify_cancel_by_type_generic("zalo")
        return True
