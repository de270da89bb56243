"""Waking the suite's queue crons at the time their next work is due."""

from odoo import fields


def trigger_cron(cron, at=None, wake_now_within=None):
    """Trigger ``cron`` now (``at`` None) or at each distinct time of ``at``.

    One trigger row per distinct time: times that already have a trigger are skipped.
    A cron worker notices a trigger in the future only at its next wake-up (up to a
    minute later in Odoo); with ``wake_now_within``, a time due within that delay also
    wakes the cron now, so that a queue run can wait for it.
    """
    cron = cron.sudo()
    if at is None:
        cron._trigger()
        return
    times = {at} if not isinstance(at, (list, tuple, set, frozenset)) else set(at)
    times.discard(None)
    times.discard(False)
    if not times:
        return
    now = fields.Datetime.now()
    if wake_now_within is not None and any(when - now <= wake_now_within for when in times):
        times.add(now)
    existing = (
        cron.env["ir.cron.trigger"]
        .sudo()
        .search([("cron_id", "=", cron.id), ("call_at", "in", sorted(times))])
    )
    new = sorted(times - set(existing.mapped("call_at")))
    if new:
        cron._trigger(at=new)
