from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.addons.zalo_oa.models.zalo_event import CONCURRENCY_ERRORS

VN_TZ = pytz.timezone("Asia/Ho_Chi_Minh")


def next_quota_reset(now=None):
    """Zalo resets the daily ZBS quota at midnight, Vietnam time (UTC naive result)."""
    now = now or fields.Datetime.now()
    local = pytz.utc.localize(now).astimezone(VN_TZ)
    midnight = VN_TZ.localize(datetime.combine(local.date() + timedelta(days=1), time()))
    return midnight.astimezone(pytz.utc).replace(tzinfo=None) + timedelta(minutes=1)


class ZaloZbsQuota(models.Model):
    """The ZBS sending quota of an Official Account, as last reported by Zalo.

    Kept apart from ``zalo.oa`` on purpose: sends update it constantly, and the token
    refresh takes a row lock on ``zalo_oa`` (its callers must not have written that
    row in their open transaction).
    """

    _name = "zalo.zbs.quota"
    _description = "Zalo ZBS Quota"
    _rec_name = "oa_id"

    oa_id = fields.Many2one(
        "zalo.oa", string="Official Account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    daily_quota = fields.Integer(string="Daily quota")
    remaining_quota = fields.Integer(string="Remaining today")
    updated_at = fields.Datetime(string="Reported on")
    exhausted_until = fields.Datetime(
        help="Zalo said the quota is spent: sends wait until then (midnight, Vietnam time)."
    )
    exhausted_reason = fields.Char()

    _sql_constraints = [
        ("oa_unique", "UNIQUE(oa_id)", "One quota record per Official Account."),
    ]

    @api.model
    def _zbs_get(self, oa):
        """The quota record of ``oa`` (created on first use).

        Send jobs and the synchronisation cron ask for it at once: the row is created
        only when missing, and a creation racing another worker's (a concurrency error
        under REPEATABLE READ) simply uses the other's row.
        """
        quota = self.sudo().search([("oa_id", "=", oa.id)], limit=1)
        if quota:
            return quota
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """INSERT INTO zalo_zbs_quota (oa_id, company_id, daily_quota,
                                                  remaining_quota, create_uid, write_uid,
                                                  create_date, write_date)
                       SELECT %(oa)s, company_id, 0, 0, %(uid)s, %(uid)s,
                              now() at time zone 'UTC', now() at time zone 'UTC'
                         FROM zalo_oa WHERE id = %(oa)s
                       ON CONFLICT (oa_id) DO NOTHING""",
                    {"oa": oa.id, "uid": self.env.uid},
                    log_exceptions=False,
                )
        except CONCURRENCY_ERRORS:
            pass  # another worker created it since this transaction began
        return self.sudo().search([("oa_id", "=", oa.id)], limit=1)

    @api.model
    def _zbs_record(self, oa, daily=None, remaining=None):
        """Store what a send response or the quota API said."""
        quota = self._zbs_get(oa)
        values = {"updated_at": fields.Datetime.now()}
        if daily is not None:
            values["daily_quota"] = daily
        if remaining is not None:
            values["remaining_quota"] = remaining
            if remaining > 0:
                values.update(exhausted_until=False, exhausted_reason=False)
        quota.write(values)
        return quota

    @api.model
    def _zbs_exhausted(self, oa, reason, until=None):
        quota = self._zbs_get(oa)
        quota.write(
            {
                "remaining_quota": 0,
                "exhausted_until": until or next_quota_reset(),
                "exhausted_reason": reason,
                "updated_at": fields.Datetime.now(),
            }
        )
        return quota

    def _zbs_is_exhausted(self):
        if not self:  # created by another worker, not visible to this transaction yet
            return False
        self.ensure_one()
        return bool(self.exhausted_until and self.exhausted_until > fields.Datetime.now())

    @api.model
    def _zbs_refresh(self, oa):
        """Ask Zalo (``/message/quota``). Raises ZaloError."""
        data = oa._zalo_call("zbs_quota", res_model="zalo.oa", res_id=oa.id) or {}
        return self._zbs_record(
            oa, daily=_int(data.get("dailyQuota")), remaining=_int(data.get("remainingQuota"))
        )

    def _zbs_summary(self):
        """«Daily quota 500, 497 left (reported 10:42)», or a hint when unknown."""
        self.ensure_one()
        if not self.updated_at:
            return _("Quota not known yet: click «Refresh quota».")
        when = fields.Datetime.context_timestamp(self, self.updated_at)
        text = _(
            "Daily quota %(daily)s, %(left)s left (reported %(when)s).",
            daily=self.daily_quota or "?",
            left=self.remaining_quota,
            when=when.strftime("%d/%m %H:%M"),
        )
        if self._zbs_is_exhausted():
            text += " " + _(
                "Spent: sends resume after %s.",
                fields.Datetime.context_timestamp(self, self.exhausted_until).strftime(
                    "%d/%m %H:%M"
                ),
            )
        return text


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
