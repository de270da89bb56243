"""Waking the suite's queue crons at the time their next work is due."""

from odoo import fields


def trigger_cron(cron, at=None, wake_now_within=None, unless_pending=False):
    """Trigger ``cron`` now (``at`` None) or at each distinct time of ``at``.

    One trigger row per distinct time: times that already have a trigger are skipped.
    A cron worker notices a trigger in the future only at its next wake-up (up to a
    minute later in Odoo); with ``wake_now_within``, a time due within that delay also
    wakes the cron now, so that a queue run can wait for it.

    With ``unless_pending``, an immediate trigger is skipped when one is already due and
    not consumed (the job is about to start, or runs: Odoo deletes the due triggers when
    the run ends). Each trigger costs a row and, at commit, a new connection to the
    ``postgres`` database to wake the cron workers: under load, one per run is enough.
    Only for a job whose missed wake-up another runner makes good (a run may decide to
    end just before such a trigger is skipped).
    """
    cron = cron.sudo()
    if at is None:
        if unless_pending:
            cron.env.cr.execute(
                """SELECT 1 FROM ir_cron_trigger
                    WHERE cron_id = %s AND call_at <= clock_timestamp() at time zone 'UTC'
                    LIMIT 1""",
                [cron.id],
            )
            if cron.env.cr.fetchone():
                return
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
