"""The outbound queue: staff replies and ZBS sends, in order per conversation, in
parallel across conversations and workers, paced to the app's rate limit, never twice."""

import base64
import logging
import time
from datetime import timedelta, timezone

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import _, api, fields, models
from odoo.tools import html2plaintext

from ..tools import messages as zalo_messages
from ..tools import reconcile as zalo_reconcile
from ..tools import retry as zalo_retry
from ..tools.errors import KIND_NETWORK, KIND_PARAM, KIND_WINDOW, ZaloError
from .queue_trigger import trigger_cron
from .zalo_event import CONCURRENCY_ERRORS, may_commit
from .zalo_message import (
    IMAGE_TYPES,
    PACED_METHODS,
    QUEUED,
    RECONCILE_FIRST,
    RECONCILE_GRACE_ANSWERED,
    RECONCILE_GRACE_NO_ANSWER,
    RECONCILE_STEP,
    RUN_BUDGET,
    SEND_CRONS,
    SHARE_ABOVE,
    WAIT_WITHIN,
    _send_after_commit,
)

_logger = logging.getLogger(__name__)


class ZaloMessage(models.Model):
    _inherit = "zalo.message"

    # ================================================================ outbound

    @api.model
    def _queue_from_post(self, channel, message):
        """Outbound rows for a message posted by staff in a Zalo conversation.

        Text first (split at Zalo's 2000 characters), then one row per attachment,
        in order: Zalo shows them as separate messages.
        """
        link = channel.zalo_partner_link_id
        quote = False
        if message.parent_id:
            quote = (
                self.sudo()
                .search(
                    [("mail_message_id", "=", message.parent_id.id), ("zalo_msg_id", "!=", False)],
                    limit=1,
                )
                .zalo_msg_id
            )
        base = {
            "oa_id": channel.zalo_oa_id.id,
            "channel_id": channel.id,
            "mail_message_id": message.id,
            "partner_link_id": link.id,
            "direction": "outbound",
            "state": "pending",
            "author_id": self.env.uid,
        }
        vals_list = []
        text = html2plaintext(message.body or "").strip()
        if text:
            for index, chunk in enumerate(zalo_messages.split_text(text)):
                vals_list.append(
                    dict(
                        base,
                        content_type="text",
                        text=chunk,
                        quote_zalo_msg_id=quote if index == 0 else False,
                    )
                )
        for attachment in message.attachment_ids.sorted("id"):
            mimetype = attachment.mimetype or ""
            if mimetype == "image/gif":
                kind = "gif"
            elif mimetype in IMAGE_TYPES:
                kind = "image"
            else:
                kind = "file"
            vals_list.append(dict(base, content_type=kind, attachment_id=attachment.id))
        rows = self.sudo().create(vals_list)
        if not rows:
            return rows
        # Its notification goes with the message to the conversation (status icon).
        rows._zalo_sync_notifications(new=True)
        rows._send_soon()
        return rows

    def _send_soon(self):
        """Send these queued rows once this transaction commits (never twice: a request
        that fails and is retried sends nothing), or let the queue do it."""
        if not self:
            return
        if self.filtered(lambda r: r.content_type != "text"):
            # Uploads (and templates) go through the queue, woken when this transaction
            # commits.
            self._trigger_queue()
        else:
            self.env.cr.postcommit.add(
                lambda dbname=self.env.cr.dbname, ids=tuple(self.ids): _send_after_commit(
                    dbname, list(ids)
                )
            )

    def _trigger_queue(self, at=None, shards=1):
        """Wake the send queue now, or at the given time(s) (one trigger per time).

        A retry due within ``WAIT_WITHIN`` also wakes the queue now: that run waits for
        it (see :meth:`_cron_send_messages`). ``shards`` send jobs are woken (a large
        batch: all of them).
        """
        for xmlid in SEND_CRONS[: max(1, shards)]:
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                trigger_cron(cron, at, wake_now_within=WAIT_WITHIN)

    def _zalo_send_call(self, oa, method, *args, **kwargs):
        """``oa._zalo_call`` for a send, paced to the app's rate limit across workers."""
        if method in PACED_METHODS:
            raw = oa.sudo()
            self.env["zalo.api.pace"].sudo()._wait_for_slot(f"app:{raw.app_id or raw.id}")
        return oa._zalo_call(method, *args, **kwargs)

    def _send(self):
        """Send the queued rows that are due, in order per conversation, each at most once.

        A row whose last send got no clear answer (``uncertain``) is first looked for in
        Zalo's history; the later rows of its conversation wait for it.
        """
        queued = self.filtered(lambda r: r.direction == "outbound" and r.state in QUEUED)
        if not queued:
            return
        self.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                # Each row comes with whether an earlier row of its conversation, not among
                # these, is still queued (retrying, checking delivery, or new): then the
                # conversation waits for it.
                self.env.cr.execute(
                    """SELECT m.id, m.channel_id, EXISTS(
                              SELECT 1 FROM zalo_message e
                               WHERE e.channel_id = m.channel_id AND e.id < m.id
                                 AND e.direction = 'outbound'
                                 AND e.state IN ('pending', 'uncertain')
                                 AND NOT (e.id IN %s))
                         FROM zalo_message m
                        WHERE m.id IN %s AND m.state IN ('pending', 'uncertain')
                        ORDER BY m.id FOR UPDATE OF m SKIP LOCKED""",
                    [tuple(queued.ids), tuple(queued.ids)],
                    log_exceptions=False,
                )
                result = self.env.cr.fetchall()
        except CONCURRENCY_ERRORS:
            # Another worker changed these rows since our snapshot: it is sending them.
            self._trigger_queue()
            return
        claimed = self.browse([row[0] for row in result])
        claimed.invalidate_recordset(["state", "next_attempt_at"])
        claimed_ids = set(claimed.ids)
        blocked_channels = {channel for _id, channel, earlier in result if channel and earlier}
        # A candidate locked by another worker (being sent there) holds back the later ones.
        first_claimed = {}
        for row_id, channel, _earlier in result:
            first_claimed.setdefault(channel, row_id)
        for row in queued:
            channel = row.channel_id.id
            if channel and row.id not in claimed_ids and row.id < first_claimed.get(channel, 0):
                blocked_channels.add(channel)
        retry_at = set()
        now = fields.Datetime.now()
        for row in claimed:
            # Order matters within a conversation; rows without one stand alone.
            key = row.channel_id.id or f"row-{row.id}"
            if key in blocked_channels or row.state not in QUEUED:
                continue
            if row.next_attempt_at and row.next_attempt_at > now:
                blocked_channels.add(key)
                continue
            if row.state == "uncertain" and not row._reconcile():
                blocked_channels.add(key)
            elif row.state == "pending" and not row._send_one():
                # keep the order: later messages of this conversation wait
                blocked_channels.add(key)
            if row.state in QUEUED and row.next_attempt_at:
                retry_at.add(row.next_attempt_at)
        if retry_at:
            self._trigger_queue(at=sorted(retry_at))
        claimed._notify_state_change()

    def _send_one(self):
        """Send one row; return True when the conversation may go on with the next."""
        self.ensure_one()
        channel = self.channel_id
        oa = self.oa_id.sudo()
        self.attempts += 1
        if channel and not channel._zalo_window_open():
            self._fail(
                ZaloError(
                    -230,
                    "User has not interacted with the OA in the past 7 days",
                    KIND_WINDOW,
                    False,
                )
            )
            return True
        try:
            payload = self._build_payload(oa)
        except ZaloError as err:
            # Uploads: nothing reaches the customer before the send itself.
            return self._retry_or_fail(err)
        started = fields.Datetime.now()
        self.attempted_at = started
        try:
            data = self._zalo_send_call(
                oa, "send_cs", payload, res_model="discuss.channel", res_id=channel.id
            )
        except ZaloError as err:
            if err.uncertain:
                self._mark_uncertain(err, started)
                return False
            return self._retry_or_fail(err)
        self._mark_sent((data or {}).get("message_id"))
        return True

    def _retry_or_fail(self, err):
        """A failed attempt: retried at its time when it may succeed later, else failed."""
        if err.retryable and not zalo_retry.give_up(err.kind, self.attempts):
            self.write(
                {
                    "state": "pending",
                    "next_attempt_at": fields.Datetime.now()
                    + zalo_retry.delay(err.kind, self.attempts),
                    "failure_reason": _("Retrying: %s", self.oa_id._zalo_error_text(err)),
                    "failure_kind": err.kind,
                    "failure_code": err.code or 0,
                }
            )
            return False
        self._fail(err)
        return True

    def _mark_sent(self, zalo_msg_id):
        self.write(
            {
                "state": "sent",
                "zalo_msg_id": zalo_msg_id or False,
                "sent_at": fields.Datetime.now(),
                "next_attempt_at": False,
                "uncertain_since": False,
                "reconcile_checks": 0,
                "failure_reason": False,
                "failure_kind": False,
                "failure_code": 0,
            }
        )

    def _mark_uncertain(self, err, started):
        """Zalo may have the message: look for it before sending it again."""
        self.write(
            {
                "state": "uncertain",
                "uncertain_since": started,
                "reconcile_checks": 0,
                "next_attempt_at": fields.Datetime.now() + RECONCILE_FIRST,
                "failure_reason": _(
                    "Checking delivery: Zalo did not confirm the send (%s).",
                    self.oa_id._zalo_error_text(err),
                ),
                "failure_kind": err.kind,
                "failure_code": err.code or 0,
            }
        )

    def _resend_at(self):
        """When an uncertain row not found in Zalo's history is sent again."""
        grace = (
            RECONCILE_GRACE_NO_ANSWER
            if self.failure_kind == KIND_NETWORK
            else RECONCILE_GRACE_ANSWERED
        )
        wait = max(grace, zalo_retry.delay(self.failure_kind, self.attempts))
        return (self.uncertain_since or fields.Datetime.now()) + wait

    def _reconcile(self):
        """An uncertain row: sent (found in Zalo's history), sent again, or checked later.

        Returns True when the conversation may go on with its next message.
        """
        self.ensure_one()
        oa = self.oa_id.sudo()
        now = fields.Datetime.now()
        self.reconcile_checks += 1
        try:
            history = oa._zalo_call(
                "get_conversation",
                self.partner_link_id.zalo_user_id,
                0,
                10,
                res_model="discuss.channel",
                res_id=self.channel_id.id,
            )
        except ZaloError as err:
            if zalo_retry.give_up(err.kind, self.reconcile_checks):
                self._fail(err)
                self.failure_reason = _(
                    "Zalo never confirmed whether this message was delivered (%s). Look at "
                    "the conversation in Zalo's OA chat before retrying it, or the customer "
                    "may get it twice.",
                    oa._zalo_error_text(err),
                )
                return True
            self.next_attempt_at = now + zalo_retry.delay(err.kind, self.reconcile_checks)
            return False
        found = self._find_in_history(history)
        if found:
            _logger.info("Zalo message %s: found in Zalo's history, not sent again", self.id)
            self._mark_sent(found)
            return True
        resend_at = self._resend_at()
        if now < resend_at:
            self.next_attempt_at = min(now + RECONCILE_STEP, resend_at)
            return False
        _logger.info("Zalo message %s: not in Zalo's history, sent again", self.id)
        self.write({"state": "pending", "next_attempt_at": False, "uncertain_since": False})
        return self._send_one()

    def _find_in_history(self, history):
        """Zalo's ``message_id`` of this row in a conversation history, or False."""
        since = self.uncertain_since or self.attempted_at or self.create_date
        since_ms = int(since.replace(tzinfo=timezone.utc).timestamp() * 1000)
        candidate_ids = [
            str(item.get("message_id"))
            for item in history or []
            if isinstance(item, dict) and item.get("message_id")
        ]
        known = set()
        if candidate_ids:
            known = set(
                self.sudo()
                .search(
                    [
                        ("oa_id", "=", self.oa_id.id),
                        ("direction", "=", "outbound"),
                        ("zalo_msg_id", "in", candidate_ids),
                    ]
                )
                .mapped("zalo_msg_id")
            )
        return (
            zalo_reconcile.find_sent(
                history,
                content_type=self.content_type,
                text=self.text,
                since_ms=since_ms,
                known_ids=known,
            )
            or False
        )

    @api.model
    def _match_echo(self, link, event, when):
        """The uncertain row an ``oa_send_*`` echo confirms, if any (then marked sent)."""
        rows = self.sudo().search(
            [
                ("partner_link_id", "=", link.id),
                ("direction", "=", "outbound"),
                ("state", "=", "uncertain"),
            ],
            order="id",
        )
        content = {"oa_send_image": "image", "oa_send_gif": "gif", "oa_send_file": "file"}.get(
            event.event_name, "text"
        )
        for row in rows:
            since = row.uncertain_since or row.attempted_at or row.create_date
            if when and when < since - timedelta(milliseconds=zalo_reconcile.CLOCK_TOLERANCE_MS):
                continue
            if (row.content_type or "text") != content and not (
                content == "image" and row.content_type == "gif"
            ):
                continue
            if content == "text" and not zalo_reconcile.same_text(row.text, event.text):
                continue
            row._mark_sent(event.msg_id)
            row._notify_state_change()
            return row
        return self.browse()

    def _fail(self, error):
        self.write(
            {
                "state": "failed",
                "failure_reason": self.oa_id._zalo_error_text(error),
                "failure_kind": error.kind,
                "failure_code": error.code or 0,
                "next_attempt_at": False,
                "uncertain_since": False,
            }
        )

    def _build_payload(self, oa):
        user_id = self.partner_link_id.zalo_user_id
        if self.content_type == "text":
            return zalo_messages.text_message(user_id, self.text, self.quote_zalo_msg_id or None)
        attachment = self.attachment_id.sudo()
        if not attachment:
            raise ZaloError(
                None, "The attachment was deleted before it could be sent", KIND_PARAM, False
            )
        content = base64.b64decode(attachment.datas or b"")
        name, mimetype = attachment.name, attachment.mimetype
        if self.content_type == "image":
            data = oa._zalo_call("upload_image", name, content, mimetype)
            return zalo_messages.image_message(user_id, attachment_id=data["attachment_id"])
        if self.content_type == "gif":
            data = oa._zalo_call("upload_gif", name, content, mimetype)
            width, height = self._image_size(content)
            return zalo_messages.gif_message(user_id, data["attachment_id"], width, height)
        data = oa._zalo_call("upload_file", name, content, mimetype)
        return zalo_messages.file_message(user_id, data["token"])

    @api.model
    def _image_size(self, content):
        try:
            import io

            from PIL import Image

            with Image.open(io.BytesIO(content)) as image:
                return image.size
        except Exception:
            return 500, 280

    def _queue_due_domain(self):
        return [
            ("direction", "=", "outbound"),
            ("state", "in", QUEUED),
            "|",
            ("next_attempt_at", "=", False),
            ("next_attempt_at", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _cron_send_messages(self, limit=200, shard=0):
        """Send what is due; then wait for work due within seconds (retries, checks).

        Several jobs run this at once (``SEND_CRONS``, ``shard`` says which), on one
        server or many: each conversation is sent by one worker at a time (a
        transaction-level advisory lock, tried, never waited for) in its own READ
        COMMITTED transaction; the rows of no conversation are split by id between the
        jobs. A run waits for work due within ``WAIT_WITHIN`` and hands over to a new run
        after ``RUN_BUDGET``; a later retry wakes the cron by its own trigger.
        """
        auto_commit = may_commit(self.env)
        if auto_commit:
            # READ COMMITTED for every transaction of this run: several workers update
            # the same rows (a conversation's queue, the ZBS quota); each sees the
            # others' commits instead of failing on them. (Odoo sets REPEATABLE READ
            # again on the next cursor of this connection.)
            self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
        deadline = time.monotonic() + RUN_BUDGET.total_seconds()
        shared = False
        while True:
            count = self._send_due(limit, auto_commit, shard=shard)
            if not auto_commit:
                return
            if count > SHARE_ABOVE and not shared and shard == 0:
                # a batch: the other send jobs (other cron workers, servers) help
                shared = True
                self._trigger_queue(shards=len(SEND_CRONS))
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if count:
                if time.monotonic() > deadline:
                    # a new run takes over (and the worker's watchdog hears from it)
                    self._trigger_queue(shards=len(SEND_CRONS) if shared else 1)
                    return
                continue
            wait = self._seconds_until_next_due()
            if wait is None or wait > WAIT_WITHIN.total_seconds():
                return
            if time.monotonic() + wait > deadline:
                # a new run waits on (the worker's watchdog hears from it in between)
                self._trigger_queue()
                return
            self.env.cr.commit()  # pylint: disable=invalid-commit
            time.sleep(max(wait, 0.2))

    def _send_due(self, limit, auto_commit, shard=0):
        """Send the due rows of up to ``limit``: each conversation in its own transaction."""
        self.flush_model()
        rows = self.search(self._queue_due_domain(), order="id", limit=limit)
        shards = len(SEND_CRONS)
        # this job's share of the rows of no conversation first, the others' after
        rows = rows.sorted(lambda r: (not r.channel_id and r.id % shards != shard, r.id))
        by_channel = {}
        for row in rows:
            by_channel.setdefault(row.channel_id.id, self.browse())
            by_channel[row.channel_id.id] |= row
        sent = 0
        for channel_id, channel_rows in by_channel.items():
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                if channel_id and not self._lock_conversation(channel_id):
                    continue  # another worker is sending this conversation
            channel_rows._send()
            # what left the queue (or waits for its time) counts; rows another worker
            # is still sending do not, so that a run never spins on them
            channel_rows.invalidate_recordset(["state", "next_attempt_at"])
            sent += len(channel_rows.filtered(lambda r: r.state not in QUEUED or r.next_attempt_at))
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return sent

    @api.model
    def _lock_conversation(self, channel_id):
        """Hold the conversation for this transaction; False when another worker has it."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"zalo_oa.send:{channel_id}"]
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _seconds_until_next_due(self):
        """Seconds until the next queued outbound row is due (None: nothing queued)."""
        self.env.cr.execute(
            """SELECT EXTRACT(EPOCH FROM MIN(next_attempt_at) - (now() at time zone 'UTC'))
                 FROM zalo_message
                WHERE direction = 'outbound' AND state IN ('pending', 'uncertain')
                  AND next_attempt_at IS NOT NULL"""
        )
        value = self.env.cr.fetchone()[0]
        return None if value is None else float(value)
