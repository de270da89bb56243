from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ZaloResend(models.TransientModel):
    """Resend a message that Zalo refused (the failure icon of a message, as
    ``sms.resend`` does for SMS): its failed sends go back to the send queue."""

    _name = "zalo.resend"
    _description = "Resend a Zalo message"
    _rec_name = "mail_message_id"

    mail_message_id = fields.Many2one(
        "mail.message", string="Message", readonly=True, required=True
    )
    partner_id = fields.Many2one("res.partner", string="Recipient", compute="_compute_failure")
    failure_type = fields.Char(string="Error", compute="_compute_failure")
    failure_reason = fields.Text(string="Reason", compute="_compute_failure")
    failed_count = fields.Integer(compute="_compute_failure")
    can_resend = fields.Boolean(compute="_compute_failure")

    def _failed_rows(self):
        self.ensure_one()
        return (
            self.env["zalo.message"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "=", self.mail_message_id.id),
                    ("direction", "=", "outbound"),
                    ("state", "=", "failed"),
                ],
                order="id",
            )
        )

    @api.depends("mail_message_id")
    def _compute_failure(self):
        for wizard in self:
            rows = wizard._failed_rows()
            notification = rows[:1]._zalo_notifications()[:1]
            labels = dict(
                self.env["mail.notification"]
                ._fields["failure_type"]
                ._description_selection(self.env)
            )
            wizard.partner_id = notification.res_partner_id
            wizard.failure_type = labels.get(notification.failure_type) or False
            wizard.failure_reason = rows[:1].failure_reason or False
            wizard.failed_count = len(rows)
            wizard.can_resend = bool(rows) and all(row._can_retry() for row in rows)

    def _check_access(self):
        message = self.mail_message_id
        if not message or not message.model or not message.res_id:
            raise UserError(_("You do not have access to the message and/or related document."))
        record = self.env[message.model].browse(message.res_id)
        record.check_access_rights("read")
        record.check_access_rule("read")

    def action_resend(self):
        """Send the failed parts of the message again, through the send queue; nothing
        when they are no longer failed (resent already)."""
        self.ensure_one()
        self._check_access()
        rows = self._failed_rows()
        if rows:
            rows.with_env(self.env).action_retry()
        return {"type": "ir.actions.act_window_close"}

    def action_cancel(self):
        """Ignore the failure: it leaves the failures of the messaging menu."""
        self.ensure_one()
        self._check_access()
        rows = self._failed_rows()
        if not self.can_resend:
            raise UserError(_("Only the author of a message or a Zalo manager can ignore it."))
        notifications = rows._zalo_notifications().filtered(
            lambda n: n.notification_status in ("exception", "bounce")
        )
        notifications.write({"notification_status": "canceled"})
        notifications.mail_message_id._zalo_notify_notification_update()
        return {"type": "ir.actions.act_window_close"}
