"""The processing queue: cron jobs that take customers' backlogs in parallel, in order."""

import logging
import time

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import api, fields, models

from . import bus_bus, queue_listener
from .zalo_event import (
    BATCH_SIZE,
    EVENT_CHANNEL,
    GROUP_BUDGET,
    GROUP_CUSTOMERS,
    ON_CALL_AFTER_TRAFFIC,
    ON_CALL_BUDGET,
    ON_CALL_KEY,
    RUN_BUDGET,
    STUCK_AFTER,
    WAIT_WITHIN,
    may_commit,
)

_logger = logging.getLogger(__name__)


class ZaloEvent(models.Model):
    _inherit = "zalo.event"

    # ================================================================= queue

    @api.model
    def _cron_process_events(self, limit=BATCH_SIZE, on_call=False):
        """Process the waiting events, customer by customer, until none is due.

        Several cron jobs run this at once (see ``PROCESSING_CRONS``), on one server or
        many: PostgreSQL is the only coordinator. Each customer's backlog is taken by one
        worker at a time (a transaction-level advisory lock, tried, never waited for) and
        processed in Zalo-timestamp order in one transaction; the other workers skip that
        customer and take the next. A worker killed mid-way rolls its transaction back:
        the events are still waiting, nothing is half done.

        The ``on_call`` job (the first one) does not end when it runs out of work: it
        waits for the webhook's notification until the end of its run (see
        ``queue_listener``), and keeps itself on call while events keep coming.
        """
        auto_commit = may_commit(self.env)
        self.flush_model()
        self._recover_stuck()
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
            # READ COMMITTED for every transaction of this run: a customer's transaction
            # sees what other workers committed (conversation members, the customer's
            # link) instead of failing on it. Odoo sets REPEATABLE READ again on the next
            # cursor of this connection.
            self.env.cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
        listener = None
        if on_call and auto_commit and self._recent_traffic():
            listener = queue_listener.Listener(self.env.cr.dbname, EVENT_CHANNEL, ON_CALL_KEY)
        if auto_commit:
            # one connection for the bus notifications of all the run's commits
            bus_bus.notify_through(self.env.cr, bus_bus.BusNotifier())
        budget = ON_CALL_BUDGET if listener else RUN_BUDGET
        deadline = time.monotonic() + budget.total_seconds()
        busy = False
        try:
            while True:
                processed = self._process_waiting_customers(limit, auto_commit)
                busy = busy or bool(processed)
                if not auto_commit:
                    return
                left = deadline - time.monotonic()
                if left <= 0:
                    if processed or (listener and busy):
                        # still work, or traffic: a new run takes over at once
                        self._trigger_processing(shard=0 if listener else 1)
                    elif self._next_due_within(WAIT_WITHIN) is not None:
                        self._trigger_processing(shard=0)  # it waits for the retry
                    return
                if processed:
                    continue
                # Events due within seconds (a customer busy elsewhere, a short retry) are
                # picked up now rather than when their trigger wakes a cron worker.
                soon = self._next_due_within(WAIT_WITHIN)
                # a new snapshot after the wait: it must see what arrived meanwhile
                self.env.cr.commit()  # pylint: disable=invalid-commit
                if listener:
                    listener.wait(min(left, soon if soon is not None else left))
                    continue
                if soon is None:
                    return
                if soon > left:
                    # the on-call job waits on for it (a new run: the worker's watchdog
                    # hears from it in between)
                    self._trigger_processing(shard=0)
                    return
                time.sleep(max(soon, 0.05))
        finally:
            bus_bus.release(self.env.cr)
            if listener:
                listener.close()

    @api.model
    def _recent_traffic(self):
        """Whether Zalo sent an event lately: only then does a run stay on call (a quiet
        shop does not keep a cron worker waiting)."""
        self.env.cr.execute(
            """SELECT create_date > (now() at time zone 'UTC') - %s
                 FROM zalo_event ORDER BY id DESC LIMIT 1""",
            [ON_CALL_AFTER_TRAFFIC],
        )
        row = self.env.cr.fetchone()
        return bool(row and row[0])

    def _waiting_customers(self, limit):
        """(oa, Zalo user id) of the customers whose oldest waiting event is due."""
        self.env.cr.execute(
            """SELECT oa_id, zalo_user_id, next_attempt_at FROM (
                   SELECT DISTINCT ON (oa_id, zalo_user_id) oa_id, zalo_user_id, id,
                          next_attempt_at
                     FROM zalo_event
                    WHERE state IN ('received', 'queued')
                 ORDER BY oa_id, zalo_user_id, zalo_timestamp NULLS FIRST, id
               ) heads
               WHERE next_attempt_at IS NULL
                  OR next_attempt_at <= now() at time zone 'UTC'
               ORDER BY id
               LIMIT %s""",
            [limit],
        )
        return [(oa_id, user_id) for oa_id, user_id, _next in self.env.cr.fetchall()]

    def _process_waiting_customers(self, limit, auto_commit):
        """Process the backlog of each customer that no other worker holds.

        Customers are committed in groups (``GROUP_CUSTOMERS``, ``GROUP_BUDGET``): when
        many customers each have a message or two waiting, one transaction per customer
        would cost a commit and a cold start of every read per message. A group shares
        them, and its conversations' bus notifications are formatted together. The
        first customer of a group waits at most the group's budget for its commit.
        """
        count = 0
        customers = self._waiting_customers(limit)
        if auto_commit:
            # each group in a transaction of its own, READ COMMITTED from its start
            self.env.cr.commit()  # pylint: disable=invalid-commit
        posted = []
        grouped = 0
        started = time.monotonic()
        for oa_id, user_id in customers:
            count += self._process_customer(oa_id, user_id, posted=posted)
            grouped += 1
            if not auto_commit:
                continue
            if grouped >= GROUP_CUSTOMERS or time.monotonic() - started >= GROUP_BUDGET:
                self.env["discuss.channel"]._zalo_notify_new_messages(posted)
                self.env.cr.commit()  # pylint: disable=invalid-commit
                posted, grouped, started = [], 0, time.monotonic()
        if grouped:
            self.env["discuss.channel"]._zalo_notify_new_messages(posted)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return count

    def _process_customer(self, oa_id, user_id, posted=None):
        """Process one customer's waiting events in order; 0 when another worker has it.

        The ids of the messages posted are added to ``posted`` when given, for the caller
        to notify (``discuss.channel._zalo_notify_new_messages``); else they are notified
        here."""
        cr = self.env.cr
        cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext(%s))", [self._lock_key(oa_id, user_id)]
        )
        if not cr.fetchone()[0]:
            return 0
        # The customer's lock makes its events ours: no row lock, and one query that
        # reads what processing needs.
        backlog = self.search_fetch(
            [
                ("oa_id", "=", oa_id),
                ("zalo_user_id", "=", user_id or False),
                ("state", "in", ("received", "queued")),
            ],
            [
                *("payload", "attempts", "next_attempt_at", "zalo_user_id", "zalo_timestamp"),
                *("oa_id", "company_id", "event_name", "zalo_msg_id"),
            ],
            order="zalo_timestamp ASC NULLS FIRST, id",
            limit=BATCH_SIZE,
        )
        now = fields.Datetime.now()
        count = 0
        # The conversation's bus notifications go out once for the backlog (or for the
        # caller's group), and the customer's link is looked up once (a customer who
        # writes faster than one message is processed costs less per message).
        notify = posted is None
        posted = [] if posted is None else posted
        start = len(posted)
        links = {}
        backlog = backlog.with_context(zalo_deferred_messages=posted, zalo_backlog_links=links)
        due = backlog.browse()
        for event in backlog:
            if event.next_attempt_at and event.next_attempt_at > now:
                break  # strictly in order: the later events wait for this one
            due |= event
        # The whole backlog in one savepoint (one flush for all of it); when an event
        # fails, it is rolled back and processed again one event at a time.
        if len(due) > 1 and due._process_together():
            count = len(due)
        else:
            del posted[start:]
            links.clear()
            for event in due:
                count += 1
                before = len(posted)
                if not event._process():
                    # it failed and waits for its retry: so do the later ones (what it
                    # posted was rolled back with its savepoint)
                    del posted[before:]
                    break
        if notify:
            self.env["discuss.channel"]._zalo_notify_new_messages(posted)
        return count

    def _next_due_within(self, delta):
        """Seconds until the next queued event is due, if it is due within ``delta``."""
        self.env.cr.execute(
            """SELECT EXTRACT(EPOCH FROM MIN(next_attempt_at) - (now() at time zone 'UTC'))
                 FROM zalo_event
                WHERE state = 'queued' AND next_attempt_at IS NOT NULL
                  AND next_attempt_at <= (now() at time zone 'UTC') + %s""",
            [delta],
        )
        value = self.env.cr.fetchone()[0]
        return None if value is None else float(value)

    @api.model
    def _recover_stuck(self):
        """Events left in Processing (by versions that used that state) back to the queue."""
        limit = fields.Datetime.now() - STUCK_AFTER
        stuck = self.search([("state", "=", "processing"), ("write_date", "<", limit)])
        if stuck:
            stuck.write({"state": "queued", "next_attempt_at": False})
            _logger.info("Zalo: %s event(s) stuck in processing re-queued", len(stuck))
