from odoo import _, models
from odoo.addons.zalo_oa.tools import webhook as zalo_webhook


class ZaloEvent(models.Model):
    _inherit = "zalo.event"

    def _handle_template_status(self, event):
        """``change_template_status``: the template follows Zalo's review."""
        self.env["zalo.zbs.template"]._zbs_on_status_event(self, event)

    def _handle_tracking_receipt(self, event, state, when):
        """ZBS delivery receipt: find the message by the ``tracking_id`` it was sent with."""
        rows = (
            self.env["zalo.message"]
            .sudo()
            .search(
                [
                    ("oa_id", "=", self.oa_id.id),
                    ("direction", "=", "outbound"),
                    ("tracking_id", "=", event.tracking_id),
                ]
            )
        )
        if not rows:
            self.note = _("No Zalo message with the tracking id %s.", event.tracking_id)
            return
        rows._zbs_apply_receipt(state, when, msg_id=event.msg_id)

    def _handle_other(self, event):
        if isinstance(event, zalo_webhook.TemplateQualityEvent):
            return self.env["zalo.zbs.template"]._zbs_on_quality_event(self, event)
        if isinstance(event, zalo_webhook.QuotaChangeEvent):
            return self._handle_quota_change(event)
        return super()._handle_other(event)

    def _handle_quota_change(self, event):
        """``change_oa_daily_quota``: the OA's daily ZBS quota moved with its quality."""
        oa = self.oa_id.sudo()
        Quota = self.env["zalo.zbs.quota"].sudo()
        quota = Quota._zbs_get(oa)
        values = {}
        if event.new_value is not None:
            values["daily_quota"] = event.new_value
            if event.prev_value is not None and event.new_value > event.prev_value:
                values.update(exhausted_until=False, exhausted_reason=False)
        quota.write(values)
        self.note = _(
            "Daily ZBS quota of %(oa)s: %(prev)s → %(new)s",
            oa=oa.name,
            prev=event.prev_value if event.prev_value is not None else "?",
            new=event.new_value if event.new_value is not None else "?",
        )
        if values.get("exhausted_until") is False:
            self.env["zalo.message"]._trigger_queue()
