from odoo import _, models
from odoo.addons.zalo_oa.tools import webhook as zalo_webhook

from ..tools import rating as zbs_rating
from .zalo_zbs_template import _ms_to_datetime


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
        if event.event_name == "user_feedback":
            return self._handle_user_feedback(event)
        return super()._handle_other(event)

    def _handle_user_feedback(self, event):
        """``user_feedback``: the customer answered a service-rating template.

        Zalo does not document this event's body: the answer is read with the field
        names of ``/rating/get`` (see :mod:`..tools.rating`) and kept on the template
        message it answers (found by Zalo's message id, else the tracking id), and on
        its document. The raw event stays in the log either way.
        """
        answer = zbs_rating.parse_feedback(event.raw)
        if not answer["msg_id"] and event.msg_id:
            answer["msg_id"] = event.msg_id
        row = self.env["zalo.message"]._zbs_find_rated(self.oa_id, answer)
        if not row:
            self.note = _(
                "Rating answer kept in the log only: no template message sent by Odoo has the "
                "Zalo message id %s.",
                answer["msg_id"] or answer["tracking_id"] or "?",
            )
            return
        when = _ms_to_datetime(answer["submitted_ms"]) or event.event_time
        row._zbs_apply_rating(answer, when=when)
        if answer["rate"]:
            self.note = _(
                "Rating %(rate)s/5 kept on %(doc)s.", rate=answer["rate"], doc=row.res_name
            )
        else:
            self.note = _(
                "Rating answer without a recognisable score (Zalo's format of this event is not "
                "documented): the comment is kept on %s, the raw event here.",
                row.res_name,
            )

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
