from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from .zalo_message import ZBS_KINDS


class ZaloMessage(models.Model):
    """Retry and cancel of ZBS template messages."""

    _inherit = "zalo.message"

    zbs_edited_values = fields.Json(
        string="Values edited before sending",
        readonly=True,
        help="Params whose value the sender changed in the composer: kept when the message is "
        "retried.",
    )

    # ================================================================== retry

    def action_retry(self):
        """ZBS rows are rendered again from their document first (fixed phone, fields)."""
        zbs = self.filtered(
            lambda r: (
                r.message_kind in ZBS_KINDS and r.direction == "outbound" and r.state == "failed"
            )
        )
        still_invalid = self.browse()
        for row in zbs:
            if not row._can_retry():
                raise AccessError(_("Only the author of a message or a Zalo manager can retry it."))
            problem = row._zbs_refresh_from_record()
            if problem:
                still_invalid |= row
        if still_invalid and still_invalid == self:
            raise UserError(
                _("It still cannot be sent: %s", still_invalid[0].failure_reason)
                if len(still_invalid) == 1
                else _(
                    "%(count)s messages still cannot be sent; their reasons are updated. First: "
                    "%(reason)s",
                    count=len(still_invalid),
                    reason=still_invalid[0].failure_reason,
                )
            )
        return super(ZaloMessage, self - still_invalid).action_retry()

    def _zbs_kept_values(self, template):
        """The values typed in the composer for this row, for params the template still has."""
        edited = self.zbs_edited_values or {}
        if not isinstance(edited, dict):
            return None
        names = set(template.param_ids.mapped("name"))
        return {name: value for name, value in edited.items() if name in names} or None

    def _zbs_refresh_from_record(self):
        """Render the row again from its document; the reason (str) when still invalid.

        Values the user typed in the composer are kept (only the others are rendered
        again).
        """
        self.ensure_one()
        record = self._zbs_record()
        template = self.zbs_template_id
        if record is None or not template:
            return None  # nothing to re-render: retry as it is
        channel = self.channel_id if self.mail_message_id.model == "discuss.channel" else None
        item = template._zbs_prepare(
            record.with_env(self.env),
            channel=channel,
            partner=None if channel else (self.partner_id or None),
            development=self.zbs_development_mode,
            values=self._zbs_kept_values(template),
        )[0]
        recipient = item["recipient"]
        values = {
            "template_data": item["data"],
            "text": template._zbs_render_text(item["data"]),
        }
        if recipient.get("kind"):
            values.update(
                message_kind=recipient["kind"],
                partner_link_id=recipient["link"].id if recipient["link"] else False,
                phone=recipient["phone"] or False,
            )
        if item["problem"]:
            values.update(failure_reason=item["problem"], failure_kind=item["problem_kind"])
        self.sudo().write(values)
        return item["problem"]

    def action_zbs_cancel(self):
        """Give up queued template messages (e.g. waiting for the quota)."""
        rows = self.filtered(lambda r: r.message_kind in ZBS_KINDS and r.state == "pending")
        for row in rows:
            if not row._zbs_can_cancel():
                raise AccessError(
                    _("Only the author of a message or a Zalo manager can cancel it.")
                )
        rows.sudo().write(
            {
                "state": "failed",
                "failure_reason": _("Cancelled by %s before it was sent.", self.env.user.name),
                "failure_kind": False,
                "failure_code": 0,
                "next_attempt_at": False,
            }
        )
        # Given up by the user: no failure to show or resend (Odoo's "canceled").
        rows._zalo_sync_notifications()
        notifications = rows._zalo_notifications().filtered(
            lambda n: n.notification_status == "exception"
        )
        notifications.write({"notification_status": "canceled"})
        notifications.mail_message_id._zalo_notify_notification_update()
        return True

    def _zbs_can_cancel(self):
        self.ensure_one()
        return self.author_id == self.env.user or self.env.user.has_group(
            "zalo_oa.group_zalo_manager"
        )
