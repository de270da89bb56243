import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import ormcache

from ..tools import webhook as zalo_webhook
from . import queue_listener
from .queue_trigger import trigger_cron

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 100
#: Customers processed in one transaction (see ``_process_waiting_customers``): at most
#: this many, and no more once the group has run this long (seconds).
GROUP_CUSTOMERS = 10
GROUP_BUDGET = 0.05
STUCK_AFTER = timedelta(minutes=5)
#: The errors that mean "another transaction had it": Odoo's own list (it retries
#: requests on them), as exception classes.
CONCURRENCY_ERRORS = tuple(psycopg2.errors.lookup(code) for code in PG_CONCURRENCY_ERRORS_TO_RETRY)


def may_commit(env):
    """Auto-commit guard, as Odoo's own queues write it: while tests run, every cursor
    (the test's, a request's, a cron run's) is a savepoint of one shared transaction."""
    return not (
        env.registry.in_test_mode() or getattr(threading.current_thread(), "testing", False)
    )


#: When another worker holds the same customer, try again this soon.
BUSY_DELAY = timedelta(seconds=2)
#: A processing run that finds nothing due waits for events due within this delay (a
#: retry; Odoo's cron workers notice a trigger in the future only when they wake up on
#: their own, every 60-70 s),
WAIT_WITHIN = timedelta(seconds=75)
#: and hands over to a new run after this long (the on-call run: ON_CALL_BUDGET). A cron
#: worker of Odoo's prefork server runs the jobs that are ready one after the other and
#: tells its watchdog that it is alive only between two such rounds; the watchdog kills
#: it after ``limit_time_real_cron`` (default: ``limit_time_real``, 120 s). The suite's
#: seven queue jobs in one round stay under that: 25 s (on call) + 3 x 12 s (the other
#: processing jobs) + 2 x 25 s (the send jobs, zalo_message.RUN_BUDGET) = 111 s.
RUN_BUDGET = timedelta(seconds=12)
ON_CALL_BUDGET = timedelta(seconds=25)
#: The on-call run waits for events only when the last one arrived within this delay.
ON_CALL_AFTER_TRAFFIC = timedelta(seconds=120)
#: The processing cron jobs: each can run in its own cron worker, on any server.
PROCESSING_CRONS = (
    "zalo_oa.ir_cron_zalo_process_events",
    "zalo_oa.ir_cron_zalo_process_events_2",
    "zalo_oa.ir_cron_zalo_process_events_3",
    "zalo_oa.ir_cron_zalo_process_events_4",
)
#: The webhook notifies this channel; the on-call processing run listens to it.
EVENT_CHANNEL = "zalo_oa_event"
ON_CALL_KEY = 1
#: ``oa_send_*`` echoes wait a little: the send that caused them must be recorded first.
ECHO_DELAY = timedelta(seconds=10)
#: the stored end of the 7-day window moves in steps of at least this
WINDOW_SLACK = timedelta(seconds=60)
#: (database, OA record id) -> when this process last marked the OA's webhook as seen
_WEBHOOK_SEEN = {}
#: a process marks an OA's webhook as seen at most this often (the mark is hourly)
WEBHOOK_SEEN_EVERY = 30 * 60
MEDIA_MAX_BYTES = 25 * 1024 * 1024
MEDIA_TYPES = ("image", "gif", "file", "audio", "video", "sticker")
STATES = [
    ("received", "Received"),
    ("queued", "Queued"),
    ("processing", "Processing"),
    ("processed", "Processed"),
    ("error", "Error"),
]


class WebhookResult:
    """What the webhook controller answers, and how it wakes the queue after storing."""

    def __init__(
        self, status, reason, event_id=None, lock_key=None, process_at=None, customer=None
    ):
        self.status = status  # "stored", "duplicate", "ignored"
        self.reason = reason
        self.event_id = event_id
        self.lock_key = lock_key
        #: (OA record id, Zalo user id) of the event's customer
        self.customer = customer
        #: When the queue must pick the event up (None: at once).
        self.process_at = process_at


def _ms_to_datetime(value):
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class ZaloEvent(models.Model):
    """A webhook event, stored before it is acknowledged, then processed idempotently."""

    _name = "zalo.event"
    _description = "Zalo Webhook Event"
    _order = "id desc"
    _rec_name = "event_name"

    oa_id = fields.Many2one(
        "zalo.oa", string="Official Account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    event_name = fields.Char(required=True, index=True, readonly=True)
    event_key = fields.Char(required=True, readonly=True)
    zalo_msg_id = fields.Char(string="Zalo message ID", readonly=True)
    zalo_user_id = fields.Char(string="Zalo user ID", index="btree_not_null", readonly=True)
    zalo_timestamp = fields.Datetime(string="Zalo time", readonly=True)
    payload = fields.Text(readonly=True)
    state = fields.Selection(STATES, default="received", required=True, index=True)
    error = fields.Text(readonly=True)
    note = fields.Char(string="Processing note", readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    num_retry = fields.Integer(string="Zalo redelivery", readonly=True)
    signature_variant = fields.Char(readonly=True)
    partner_link_id = fields.Many2one(
        "zalo.partner.link", string="Partner link", readonly=True, ondelete="set null"
    )
    channel_id = fields.Many2one(
        "discuss.channel", string="Conversation", readonly=True, ondelete="set null"
    )
    message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("event_unique", "UNIQUE(oa_id, event_key)", "This Zalo event is already stored."),
    ]

    # ================================================================ receive

    @api.model
    @ormcache("zalo_oa_id")
    def _webhook_oa(self, zalo_oa_id):
        """(record id, app id, OA id, secrets) of a connected OA, cached per worker."""
        oa = self.env["zalo.oa"].sudo().search([("zalo_oa_ref", "=", zalo_oa_id)], limit=1)
        if not oa:
            return None
        secrets = tuple(
            (label, value)
            for label, value in (("oa_secret", oa.oa_secret_key), ("app_secret", oa.app_secret))
            if value
        )
        return oa.id, oa.app_id or "", oa.zalo_oa_ref, secrets

    @api.model
    def _webhook_candidate_oa_ids(self, event, payload):
        candidates = [event.oa_id, payload.get("oa_id"), payload.get("oaId")]
        for side in ("recipient", "sender"):
            value = payload.get(side)
            if isinstance(value, dict):
                candidates.append(value.get("id"))
        seen = []
        for value in candidates:
            if value not in (None, "") and str(value) not in seen:
                seen.append(str(value))
        return seen

    @api.model
    def _webhook_receive(self, raw_body, headers):
        """Verify, store (once) and classify one webhook delivery. Never raises."""
        try:
            payload = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            return WebhookResult("ignored", "invalid JSON")
        if not isinstance(payload, dict):
            return WebhookResult("ignored", "not a JSON object")
        try:
            event = zalo_webhook.parse_event(payload)
        except zalo_webhook.WebhookParseError as exc:
            return WebhookResult("ignored", f"unreadable event: {exc}")
        oa_info = None
        for candidate in self._webhook_candidate_oa_ids(event, payload):
            oa_info = self._webhook_oa(candidate)
            if oa_info:
                break
        if not oa_info:
            return WebhookResult("ignored", "unknown Official Account")
        oa_record_id, app_id, zalo_oa_id, secrets = oa_info
        if payload.get("app_id") and app_id and str(payload["app_id"]) != app_id:
            return WebhookResult("ignored", "unknown app")
        variant = zalo_webhook.verify_signature(
            headers.get(zalo_webhook.SIGNATURE_HEADER),
            raw_body,
            app_id,
            event.timestamp,
            secrets=secrets,
            alt_ids=(("oa_id", zalo_oa_id),),
        )
        if not variant:
            return WebhookResult("ignored", "missing or invalid signature")
        key = zalo_webhook.event_key(event)
        user_id = zalo_webhook.customer_id(event, zalo_oa_id)
        query = """
            INSERT INTO zalo_event (oa_id, event_name, event_key, zalo_msg_id, zalo_user_id,
                                    zalo_timestamp, payload, state, attempts, next_attempt_at,
                                    num_retry, signature_variant, company_id,
                                    create_uid, write_uid, create_date, write_date)
            SELECT %(oa)s, %(name)s, %(key)s, %(msg)s, %(user)s, %(ts)s, %(payload)s, %(state)s,
                   0, %(next)s, %(retry)s, %(variant)s, oa.company_id,
                   1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM zalo_oa oa WHERE oa.id = %(oa)s
            ON CONFLICT (oa_id, event_key) DO NOTHING
            RETURNING id
            """
        params = {
            "oa": oa_record_id,
            "name": event.event_name or "unknown",
            "key": key,
            "msg": event.msg_id,
            "user": user_id,
            "ts": _ms_to_datetime(event.timestamp),
            "payload": raw_body.decode("utf-8", "replace")
            if isinstance(raw_body, bytes)
            else raw_body,
            "state": "queued",
            "next": self._first_attempt_at(event),
            "retry": zalo_webhook.retry_count(headers),
            "variant": variant,
        }
        try:
            # No savepoint: the insert is all this transaction writes.
            self.env.cr.execute(query, params, log_exceptions=False)
            row = self.env.cr.fetchone()
        except CONCURRENCY_ERRORS:
            # The same event was stored (or processed) by a transaction that committed
            # after ours began: it is a redelivery.
            self.env.cr.rollback()
            return WebhookResult("duplicate", "already received")
        if not row:
            return WebhookResult("duplicate", "already received")
        self._note_webhook_seen(oa_record_id)
        return WebhookResult(
            "stored",
            "stored",
            row[0],
            self._lock_key(oa_record_id, user_id),
            process_at=params["next"],
            customer=(oa_record_id, user_id or ""),
        )

    @api.model
    def _note_webhook_seen(self, oa_record_id):
        """Mark the OA's webhook as working (at most hourly), never at the event's expense.

        Concurrent webhooks (and a cron refreshing the OA's token) touch the same row:
        the row is skipped when it is locked, and a serialisation failure only means
        another transaction marked it already.
        """
        cache_key = (self.env.cr.dbname, oa_record_id)
        seen = _WEBHOOK_SEEN.get(cache_key)
        if seen and time.monotonic() - seen < WEBHOOK_SEEN_EVERY:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """UPDATE zalo_oa SET last_webhook_at = now() at time zone 'UTC'
                        WHERE id IN (
                            SELECT id FROM zalo_oa
                             WHERE id = %s AND (last_webhook_at IS NULL
                                   OR last_webhook_at
                                      < now() at time zone 'UTC' - interval '1 hour')
                               FOR NO KEY UPDATE SKIP LOCKED)""",
                    [oa_record_id],
                    log_exceptions=False,
                )
        except CONCURRENCY_ERRORS:
            return
        _WEBHOOK_SEEN[cache_key] = time.monotonic()

    @api.model
    def _first_attempt_at(self, event):
        if isinstance(event, zalo_webhook.MessageEvent) and event.direction == "outbound":
            return fields.Datetime.now() + ECHO_DELAY
        return None

    def _trigger_processing(self, at=None, shard=0, unless_pending=False):
        """Wake one of the processing crons (``shard`` picks which: spread the work)."""
        xmlid = PROCESSING_CRONS[int(shard or 0) % len(PROCESSING_CRONS)]
        cron = self.env.ref(xmlid, raise_if_not_found=False) or self.env.ref(PROCESSING_CRONS[0])
        # work due soon also starts a run now, which waits for it
        trigger_cron(cron, at, wake_now_within=WAIT_WITHIN, unless_pending=unless_pending)

    @api.model
    def _wake_processing(self, result):
        """Wake a processing run for a just-stored event (in the storing transaction).

        The on-call run is notified (at commit); a cron job is triggered as well when no
        run is idle, or when another customer's events wait already (more workers then
        help: one customer's events are processed by one worker at a time).
        """
        if result.process_at:
            self._trigger_processing(at=result.process_at)
            return
        cr = self.env.cr
        queue_listener.notify(cr, EVENT_CHANNEL)
        running, idle = queue_listener.runners(cr, ON_CALL_KEY)
        if not running:
            # the on-call job starts (and stays on call while events keep coming)
            self._trigger_processing(shard=0)
            return
        if idle:
            return  # it takes this event the moment it is committed
        oa_id, user_id = result.customer or (None, "")
        cr.execute(
            """SELECT 1 FROM zalo_event WHERE state IN ('received', 'queued')
                  AND (next_attempt_at IS NULL OR next_attempt_at <= now() at time zone 'UTC')
                  AND (oa_id IS DISTINCT FROM %s OR coalesce(zalo_user_id, '') <> %s)
                LIMIT 1""",
            [oa_id, user_id],
        )
        if cr.fetchone():
            # The on-call job is busy and another customer's events wait: another job
            # helps (a helper could not take this customer while the on-call job has
            # it). Once woken, it runs while there is work; the on-call job takes what
            # arrives as it ends.
            self._trigger_processing(
                shard=1 + result.event_id % (len(PROCESSING_CRONS) - 1), unless_pending=True
            )

    # =============================================================== actions

    def action_retry(self):
        events = self.filtered(lambda e: e.state in ("error", "queued", "received"))
        events.write({"state": "queued", "next_attempt_at": False, "attempts": 0})
        if events:
            self._trigger_processing()
        return True

    def action_mark_error(self):
        self.filtered(lambda e: e.state != "processed").write(
            {"state": "error", "error": _("Marked as error by %s", self.env.user.name)}
        )
        return True

    def action_view_payload(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    @api.autovacuum
    def _gc_processed_events(self):
        days = int(
            self.env["ir.config_parameter"].sudo().get_param("zalo_oa.event_retention_days") or 30
        )
        if days <= 0:
            return
        limit = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(
            "DELETE FROM zalo_event WHERE state = 'processed' AND create_date < %s", [limit]
        )
