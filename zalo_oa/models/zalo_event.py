import base64
import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone

import psycopg2.errors
from markupsafe import Markup, escape
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import _, api, fields, models
from odoo.tools import ormcache

from ..tools import retry as zalo_retry
from ..tools import webhook as zalo_webhook
from ..tools.errors import ZaloError
from ..tools.phone import InvalidPhoneError, normalize_phone
from . import queue_listener
from .discuss_channel import WINDOW
from .queue_trigger import trigger_cron
from .zalo_partner_link import ZaloRetryLater

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 100
STUCK_AFTER = timedelta(minutes=5)
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)
#: When another worker holds the same customer, try again this soon.
BUSY_DELAY = timedelta(seconds=2)
#: A processing run that finds nothing due waits for events due within this delay,
WAIT_WITHIN = timedelta(seconds=4)
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
    """What the webhook controller answers, and what it processes after storing."""

    def __init__(self, status, reason, event_id=None, inline=False, lock_key=None, process_at=None):
        self.status = status  # "stored", "duplicate", "ignored"
        self.reason = reason
        self.event_id = event_id
        self.inline = inline
        self.lock_key = lock_key
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
        oa = self.env["zalo.oa"].sudo().search([("oa_id", "=", zalo_oa_id)], limit=1)
        if not oa:
            return None
        secrets = tuple(
            (label, value)
            for label, value in (("oa_secret", oa.oa_secret_key), ("app_secret", oa.app_secret))
            if value
        )
        return oa.id, oa.app_id or "", oa.oa_id, secrets

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
        inline = self._is_cheap(event)
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
            "state": "received" if inline else "queued",
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
            inline,
            self._lock_key(oa_record_id, user_id),
            process_at=params["next"],
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
    def _is_cheap(self, event):
        """Processed right after the acknowledgement: no download, no Zalo call expected."""
        if isinstance(event, zalo_webhook.MessageEvent):
            return event.direction == "inbound" and not event.attachments
        return isinstance(event, (zalo_webhook.ReceiptEvent, zalo_webhook.FollowEvent))

    @api.model
    def _first_attempt_at(self, event):
        if isinstance(event, zalo_webhook.MessageEvent) and event.direction == "outbound":
            return fields.Datetime.now() + ECHO_DELAY
        return None

    def _trigger_processing(self, at=None, shard=0):
        """Wake one of the processing crons (``shard`` picks which: spread the work)."""
        xmlid = PROCESSING_CRONS[int(shard or 0) % len(PROCESSING_CRONS)]
        cron = self.env.ref(xmlid, raise_if_not_found=False) or self.env.ref(PROCESSING_CRONS[0])
        trigger_cron(cron, at)

    @api.model
    def _wake_processing(self, result):
        """Wake a processing run for a just-stored event (in the storing transaction).

        The on-call run is notified (at commit); a cron job is triggered as well when no
        run is idle, or when other events wait already (more workers then help).
        """
        if result.process_at:
            self._trigger_processing(at=result.process_at)
            return
        cr = self.env.cr
        queue_listener.notify(cr, EVENT_CHANNEL)
        if queue_listener.idle_runners(cr, ON_CALL_KEY):
            cr.execute(
                """SELECT count(*) FROM (
                       SELECT 1 FROM zalo_event WHERE state IN ('received', 'queued')
                          AND (next_attempt_at IS NULL
                               OR next_attempt_at <= now() at time zone 'UTC')
                        LIMIT 2) waiting"""
            )
            if cr.fetchone()[0] <= 1:
                return
        # a cron job other than the on-call one: it may be busy
        self._trigger_processing(shard=1 + result.event_id % (len(PROCESSING_CRONS) - 1))

    # ================================================================ process

    @api.model
    def _process_inline(self, event_id):
        """Process one stored event in the current transaction, unless a worker has it.

        Used while tests run (they share one transaction with the server); in
        production the HTTP worker only stores and acknowledges, and the queue crons
        process (see :meth:`_cron_process_events`).
        """
        claimed = self._claim(
            """SELECT id FROM zalo_event WHERE id = %s AND state IN ('received', 'queued')
               FOR UPDATE SKIP LOCKED""",
            [event_id],
        )
        if not claimed:
            return False
        return self.browse(claimed)._process()

    @api.model
    def _lock_key(self, oa_record_id, zalo_user_id):
        return f"zalo_oa.customer:{oa_record_id}:{zalo_user_id or ''}"

    @api.model
    def _claim(self, query, params):
        """Lock events for processing; [] when another worker has (or just had) them.

        Under REPEATABLE READ, locking a row that another transaction changed since our
        snapshot is a serialisation failure: that worker is handling it, so it is simply
        not ours to process now (the queue is woken again to pick up what is left).
        """
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, params, log_exceptions=False)
                return [row[0] for row in self.env.cr.fetchall()]
        except CONCURRENCY_ERRORS:
            self._trigger_processing()
            return []

    def _process(self):
        """Process events; each in a savepoint, failures retried with backoff."""
        done = True
        for event in self:
            attempts = event.attempts + 1
            try:
                with self.env.cr.savepoint():
                    event._process_one()
                    # inside the savepoint: one UPDATE with what the handler wrote
                    event.write(
                        {
                            "state": "processed",
                            "attempts": attempts,
                            "processed_at": fields.Datetime.now(),
                            "error": False,
                            "next_attempt_at": False,
                        }
                    )
            except (ZaloRetryLater, *CONCURRENCY_ERRORS):
                # Another transaction touched the same customer or conversation: not a
                # failure, the event is simply processed again in a moment.
                done = False
                event._retry_soon()
            except Exception as exc:  # any failure is recorded and retried
                done = False
                event.attempts = attempts
                event._schedule_retry(exc)
        return done

    def _retry_soon(self):
        """The customer is busy in another worker: not a failure, just later."""
        self.ensure_one()
        when = fields.Datetime.now() + BUSY_DELAY
        self.write({"state": "queued", "next_attempt_at": when})
        self._trigger_processing(at=when)

    def _schedule_retry(self, exc):
        self.ensure_one()
        if isinstance(exc, ZaloError):
            text = self.oa_id._zalo_error_text(exc)
            retry = exc.retryable or exc.kind in ("auth", "network", "server", "rate_limit")
        else:
            text = f"{type(exc).__name__}: {exc}"
            retry = True
        kind = exc.kind if isinstance(exc, ZaloError) else None
        if retry and self.attempts < MAX_ATTEMPTS:
            when = fields.Datetime.now() + zalo_retry.delay(kind, self.attempts)
            self.write({"state": "queued", "error": text, "next_attempt_at": when})
            self._trigger_processing(at=when)
            _logger.info(
                "Zalo event %s failed (attempt %s), retried later: %s", self.id, self.attempts, text
            )
        else:
            self.write({"state": "error", "error": text, "next_attempt_at": False})
            _logger.warning(
                "Zalo event %s (%s) failed for good: %s", self.id, self.event_name, text
            )

    def _process_one(self):
        self.ensure_one()
        event = zalo_webhook.parse_event(self.payload)
        if isinstance(event, zalo_webhook.MessageEvent):
            if event.is_anonymous:
                return self._handle_anonymous(event)
            if event.direction == "outbound":
                return self._handle_oa_echo(event)
            return self._handle_message(event)
        if isinstance(event, zalo_webhook.ReceiptEvent):
            return self._handle_receipt(event)
        if isinstance(event, zalo_webhook.FollowEvent):
            return self._handle_follow(event)
        if isinstance(event, zalo_webhook.UserSubmitInfoEvent):
            return self._handle_submit_info(event)
        if isinstance(event, zalo_webhook.TemplateStatusEvent):
            return self._handle_template_status(event)
        return self._handle_other(event)

    # ---------------------------------------------------------------- helpers

    def _link_for(self, event):
        oa = self.oa_id.sudo()
        # computed from the event when it was stored (no read of the OA for it)
        user_id = self.zalo_user_id or zalo_webhook.customer_id(event, oa.oa_id)
        if not user_id:
            raise ValueError(_("The event names no Zalo user."))
        link = (
            self.env["zalo.partner.link"]
            .sudo()
            ._get_or_create(oa, user_id, user_id_by_app=event.user_id_by_app)
        )
        self.partner_link_id = link
        return link

    def _touch_window(self, link, channel, when):
        """The window runs 7 days from the customer's last interaction."""
        when = when or fields.Datetime.now()
        # A shift under a minute is not written (nor announced): on a busy conversation
        # the stored times then lag the true ones by less than a minute, and the window
        # never ends later than it really does.
        if not link.last_inbound_at or link.last_inbound_at < when - WINDOW_SLACK:
            link.last_inbound_at = when
        expires = when + WINDOW
        if channel and (
            not channel.zalo_window_expires_at
            or channel.zalo_window_expires_at < expires - WINDOW_SLACK
        ):
            channel.zalo_window_expires_at = expires
            channel._zalo_notify_window()

    # ---------------------------------------------------------------- handlers

    def _handle_message(self, event):
        link = self._link_for(event)
        channel = self.env["discuss.channel"]._zalo_get_channel(link)
        self.channel_id = channel
        # No search for an earlier copy: the event's key is Zalo's msg_id, so a message
        # is stored (and reaches this point) once.
        body, attachments = self._message_content(event, channel)
        parent = self._quoted_message(event)
        message = channel.with_context(
            zalo_inbound=True,
            mail_create_nosubscribe=True,
            # a chat post renders no email: no need to read the cron user's language
            lang=self.env.context.get("lang") or "en_US",
        ).sudo()
        message = message.message_post(
            author_id=link.partner_id.id,
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
            parent_id=parent.id if parent else False,
            # A chat message, not an email: no sender address, reply-to or alias to
            # compute (message_post would otherwise read them for every message).
            email_from=False,
            reply_to=False,
            record_alias_domain_id=False,
            record_company_id=self.company_id.id,
        )
        self.message_id = message
        self.env["zalo.message"].sudo().create(
            {
                "oa_id": self.oa_id.id,
                "company_id": self.company_id.id,  # not read from the OA again
                "channel_id": channel.id,
                "mail_message_id": message.id,
                "partner_link_id": link.id,
                "direction": "inbound",
                "zalo_msg_id": event.msg_id,
                "state": "delivered",
            }
        )
        self._touch_window(link, channel, self.zalo_timestamp)

    def _recorded_message(self, direction, msg_id):
        """The zalo.message already recorded for a Zalo message id, if any."""
        if not msg_id:
            return self.env["zalo.message"]
        return (
            self.env["zalo.message"]
            .sudo()
            .search(
                [
                    ("oa_id", "=", self.oa_id.id),
                    ("direction", "=", direction),
                    ("zalo_msg_id", "=", msg_id),
                ],
                limit=1,
            )
        )

    def _quoted_message(self, event):
        if not event.quote_msg_id:
            return None
        quoted = (
            self.env["zalo.message"]
            .sudo()
            .search(
                [("oa_id", "=", self.oa_id.id), ("zalo_msg_id", "=", event.quote_msg_id)], limit=1
            )
        )
        return quoted.mail_message_id or None

    def _message_content(self, event, channel):
        """(HTML body, ir.attachment records) for a message event."""
        parts = []
        if event.text:
            parts.append(escape(event.text))
        attachments = self.env["ir.attachment"]
        for index, att in enumerate(event.attachments):
            kind = att.type or event.message_type
            if kind == "location" or att.latitude is not None:
                lat, lng = att.latitude, att.longitude
                url = f"https://www.google.com/maps?q={lat},{lng}"
                parts.append(
                    Markup('📍 <a href="%s" target="_blank" rel="noopener">%s</a>')
                    % (url, _("Location %(lat)s, %(lng)s", lat=lat, lng=lng))
                )
            elif kind == "link":
                title = att.title or att.url or _("Link")
                link_html = Markup('🔗 <a href="%s" target="_blank" rel="noopener">%s</a>') % (
                    att.url or "#",
                    title,
                )
                if att.description:
                    link_html += Markup("<br/>") + escape(att.description)
                parts.append(link_html)
            elif kind in ("business_card", "contact"):
                card = " · ".join(
                    str(v) for v in (att.title, att.description, att.payload.get("phone")) if v
                )
                parts.append(escape(_("Business card: %s", card or att.url or "")))
            elif kind in MEDIA_TYPES and att.url:
                attachment = self._download_attachment(att, kind, channel, index)
                if attachment:
                    attachments |= attachment
                else:
                    parts.append(
                        Markup('<a href="%s" target="_blank" rel="noopener">%s</a>')
                        % (att.url, _("%s (not downloaded)", kind))
                    )
            else:
                parts.append(escape(_("[%s]", kind)))
        if not parts and not attachments:
            parts.append(escape(_("[%s]", event.message_type)))
        return Markup("<br/>").join(parts), attachments

    def _download_attachment(self, att, kind, channel, index):
        client = self.oa_id.sudo()._zalo_client(None)
        try:
            content, mimetype = client.download_media(att.url, max_bytes=MEDIA_MAX_BYTES)
        except ZaloError as err:
            if err.retryable and self.attempts < MAX_ATTEMPTS:
                raise
            _logger.info("Zalo event %s: media not downloaded: %s", self.id, err)
            return None
        name = att.name or self._media_name(kind, mimetype, index)
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype or False,
                    "res_model": "discuss.channel",
                    "res_id": channel.id,
                }
            )
        )

    def _media_name(self, kind, mimetype, index):
        ext = {
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "image/gif": ".gif",
            "image/webp": ".webp",
            "video/mp4": ".mp4",
            "audio/mpeg": ".mp3",
            "audio/aac": ".aac",
            "audio/mp4": ".m4a",
            "application/pdf": ".pdf",
        }.get(mimetype or "", "")
        stamp = (self.zalo_timestamp or fields.Datetime.now()).strftime("%Y%m%d-%H%M%S")
        return f"zalo-{kind}-{stamp}-{index + 1}{ext}"

    def _handle_oa_echo(self, event):
        """A reply typed in Zalo's own OA app (or our own send, echoed back)."""
        ours = self._recorded_message("outbound", event.msg_id)
        if ours:
            self.message_id = ours.mail_message_id
            return
        link = self._link_for(event)
        # Our own send whose answer was lost (timeout): the echo confirms it.
        ours = self.env["zalo.message"]._match_echo(link, event, self.zalo_timestamp)
        if ours:
            self.message_id = ours.mail_message_id
            self.channel_id = ours.channel_id
            return
        channel = self.env["discuss.channel"]._zalo_get_channel(link)
        self.channel_id = channel
        body, attachments = self._message_content(event, channel)
        author = self.oa_id.sudo()._zalo_author_partner()
        message = (
            channel.with_context(zalo_inbound=True)
            .sudo()
            .message_post(
                author_id=author.id,
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachments.ids,
            )
        )
        self.message_id = message
        self.env["zalo.message"].sudo().create(
            {
                "oa_id": self.oa_id.id,
                "company_id": self.company_id.id,  # not read from the OA again
                "channel_id": channel.id,
                "mail_message_id": message.id,
                "partner_link_id": link.id,
                "direction": "outbound",
                "zalo_msg_id": event.msg_id,
                "state": "sent",
                "sent_at": self.zalo_timestamp or fields.Datetime.now(),
            }
        )

    def _handle_anonymous(self, event):
        """Anonymous widget visitors cannot be answered through /message/cs: kept only."""
        self.note = _("Anonymous visitor message kept in the event log only.")

    def _handle_receipt(self, event):
        when = _ms_to_datetime(event.delivery_time) or self.zalo_timestamp
        state = "read" if event.seen else "delivered"
        msg_ids = list(event.msg_ids or ([event.msg_id] if event.msg_id else []))
        self.env["zalo.message"]._apply_receipts(self.oa_id, msg_ids, state, when)
        if event.tracking_id:
            self._handle_tracking_receipt(event, state, when)

    def _handle_tracking_receipt(self, event, state, when):
        """Hook for ZBS delivery receipts (``tracking_id``), see zalo_oa_zbs."""
        return None

    def _handle_follow(self, event):
        link = self._link_for(event)
        link.is_follower = event.follow
        if event.follow:
            self._touch_window(link, link.channel_id, self.zalo_timestamp)
        if link.channel_id:
            text = (
                _("%s followed the Official Account.", link.partner_id.name)
                if event.follow
                else _("%s unfollowed the Official Account.", link.partner_id.name)
            )
            link.channel_id._zalo_post_notice(text)

    def _handle_submit_info(self, event):
        link = self._link_for(event)
        info = event.info or {}
        phone = None
        if event.phone:
            try:
                phone = normalize_phone(event.phone)
            except InvalidPhoneError:
                phone = None
        if phone:
            link.zalo_phone = phone
            partner = link.partner_id
            if link.is_shadow and not (partner.mobile or partner.phone):
                partner.mobile = f"+{phone}"
        channel = self.env["discuss.channel"]._zalo_get_channel(link)
        self._touch_window(link, channel, self.zalo_timestamp)
        details = ", ".join(f"{k}: {v}" for k, v in info.items() if v not in (None, ""))
        channel._zalo_post_notice(
            _(
                "%(name)s shared their information: %(details)s",
                name=link.partner_id.name,
                details=details,
            )
        )

    def _handle_template_status(self, event):
        """Hook for ZBS template status changes, see zalo_oa_zbs."""
        self.note = _("No template module installed: status change kept in the log only.")

    def _handle_other(self, event):
        """Known-but-unused and unknown events are kept, never dropped."""
        self.note = _("Kept in the event log; nothing to do for this event.")

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
        auto_commit = not getattr(threading.current_thread(), "testing", False)
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
                time.sleep(min(max(soon, 0.05), WAIT_WITHIN.total_seconds()))
        finally:
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
        """Process the backlog of each customer that no other worker holds."""
        count = 0
        customers = self._waiting_customers(limit)
        if auto_commit:
            # each customer in a transaction of its own, READ COMMITTED from its start
            self.env.cr.commit()  # pylint: disable=invalid-commit
        for oa_id, user_id in customers:
            count += self._process_customer(oa_id, user_id, auto_commit)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return count

    def _process_customer(self, oa_id, user_id, auto_commit=True):
        """Process one customer's waiting events in order; 0 when another worker has it."""
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
        for event in backlog:
            if event.next_attempt_at and event.next_attempt_at > now:
                break  # strictly in order: the later events wait for this one
            count += 1
            if not event._process():
                break  # it failed and waits for its retry: so do the later ones
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
