import time

import psycopg2

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

#: Zalo's OA API allows 4,000 calls per minute per app (error -32 beyond): the default.
PARAM_RATE = "zalo_oa.api_rate_limit"
DEFAULT_RATE = 4000
#: Sends are spaced for this share of the limit: clocks and network jitter never push a
#: minute over it.
SAFETY = 0.98
#: a reservation that collides with another worker's is tried again (a fresh snapshot)
RESERVE_TRIES = 20


class ZaloApiPace(models.Model):
    """The next free send slot of one Zalo app, shared by every worker of every server.

    Each send reserves a slot in a short transaction of its own (one ``UPDATE`` of one
    row, committed at once), then waits for it: however many cron workers send at once,
    an app never gets more calls than its rate limit allows, and none is refused with
    ``-32`` for it.
    """

    _name = "zalo.api.pace"
    _description = "Zalo API send pacing"
    _rec_name = "key"

    key = fields.Char(required=True, readonly=True)
    next_at = fields.Float(
        string="Next free slot", readonly=True, help="Epoch seconds (database clock)."
    )

    _sql_constraints = [("key_unique", "UNIQUE(key)", "One pacing row per Zalo app.")]

    @api.model
    def _rate_per_minute(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_RATE)
        try:
            rate = int(value) if value else DEFAULT_RATE
        except ValueError:
            rate = DEFAULT_RATE
        return rate if rate > 0 else 0

    @api.model
    def _wait_for_slot(self, key):
        """Reserve the next send slot of ``key`` and sleep until it (0 rate: no limit)."""
        rate = self._rate_per_minute()
        if not rate:
            return 0.0
        interval = 60.0 / (rate * SAFETY)
        wait = 0.0
        for _attempt in range(RESERVE_TRIES):
            try:
                with self.pool.cursor() as cr:
                    cr.execute(
                        """INSERT INTO zalo_api_pace (key, next_at)
                           VALUES (%(key)s, EXTRACT(EPOCH FROM clock_timestamp()) + %(step)s)
                           ON CONFLICT (key) DO UPDATE
                              SET next_at = GREATEST(zalo_api_pace.next_at,
                                                     EXTRACT(EPOCH FROM clock_timestamp()))
                                            + %(step)s
                           RETURNING next_at - %(step)s
                                     - EXTRACT(EPOCH FROM clock_timestamp())""",
                        {"key": key, "step": interval},
                        log_exceptions=False,
                    )
                    wait = float(cr.fetchone()[0])
                break
            except psycopg2.Error as exc:
                if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                # another worker took the slot between our snapshot and our update (its
                # transaction lasts one statement): take the next one
                continue
        else:
            # every try collided: space this send by one interval all the same
            wait = interval
        if wait > 0:
            time.sleep(wait)
        return max(wait, 0.0)
