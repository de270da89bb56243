"""Processing one stored webhook event: the customer, the conversation, the message."""

import base64
import itertools
import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models

from ..tools import retry as zalo_retry
from ..tools import webhook as zalo_webhook
from ..tools.errors import ZaloError
from ..tools.phone import InvalidPhoneError, normalize_phone
from .discuss_channel import WINDOW
from .zalo_event import (
    BUSY_DELAY,
    CONCURRENCY_ERRORS,
    MAX_ATTEMPTS,
    MEDIA_MAX_BYTES,
    MEDIA_TYPES,
    WINDOW_SLACK,
    _ms_to_datetime,
)
from .zalo_partner_link import ZaloRetryLater

_logger = logging.getLogger(__name__)


class ZaloEvent(models.Model):
    _inherit = "zalo.event"

    # ================================================================ process

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

    def _processed_values(self):
        return {
            "state": "processed",
            "attempts": self.attempts + 1,
            "processed_at": fields.Datetime.now(),
            "error": False,
            "next_attempt_at": False,
        }

    def _process_together(self):
        """Process these events (one customer's backlog, in order) in one savepoint.

        The customer's messages are posted together (one create, see
        ``_post_customer_messages``); any other event first posts the messages before
        it, so that everything happens in the events' order. True when all of them
        were processed. When one fails, nothing of any of them is kept and False is
        returned: the caller processes them again one savepoint each, which records
        the failure and keeps what came before it.
        """
        try:
            with self.env.cr.savepoint():
                messages = []
                for event in self:
                    parsed = zalo_webhook.parse_event(event.payload)
                    if event._is_customer_message(parsed) and not parsed.quote_msg_id:
                        messages.append((event, parsed))
                        continue
                    # (a quote may name a message of this backlog: posted first)
                    if messages:
                        self._post_customer_messages(messages)
                        messages = []
                    event._process_one(parsed)
                if messages:
                    self._post_customer_messages(messages)
                for event in self:
                    event.write(event._processed_values())
        except Exception as exc:  # processed again, one by one
            _logger.debug("Zalo events %s: processed again one by one (%s)", self.ids, exc)
            return False
        return True

    @api.model
    def _is_customer_message(self, event):
        """Whether a parsed event is a message the customer sent (``_handle_message``)."""
        return (
            isinstance(event, zalo_webhook.MessageEvent)
            and not event.is_anonymous
            and event.direction != "outbound"
        )

    def _process(self):
        """Process events; each in a savepoint, failures retried with backoff."""
        done = True
        for event in self:
            attempts = event.attempts + 1
            try:
                with self.env.cr.savepoint():
                    event._process_one()
                    # inside the savepoint: one UPDATE with what the handler wrote
                    event.write(event._processed_values())
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

    def _process_one(self, event=None):
        self.ensure_one()
        if event is None:
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
        user_id = self.zalo_user_id or zalo_webhook.customer_id(event, oa.zalo_oa_ref)
        if not user_id:
            raise ValueError(_("The event names no Zalo user."))
        # A customer's backlog (see _process_customer) looks the link up once: the
        # events are the same customer's, and a failed event ends the backlog's run.
        links = self.env.context.get("zalo_backlog_links")
        link = links.get((oa.id, user_id)) if links is not None else None
        if link is None:
            link = (
                self.env["zalo.partner.link"]
                .sudo()
                ._get_or_create(oa, user_id, user_id_by_app=event.user_id_by_app)
            )
            if links is not None:
                links[oa.id, user_id] = link
        elif event.user_id_by_app and not link.user_id_by_app:
            link.user_id_by_app = event.user_id_by_app
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
        self._post_customer_messages([(self, event)])

    @api.model
    def _post_customer_messages(self, items):
        """Post customer messages: ``items`` are (zalo.event, parsed message event)
        pairs of one customer, in Zalo-timestamp order.

        One event is a backlog of one: the same path posts one message or many (see
        ``discuss.channel._zalo_post_inbound``), with one create for the messages of
        a conversation and one for their ``zalo.message`` rows.
        """
        prepared = []
        for record, event in items:
            link = record._link_for(event)
            channel = self.env["discuss.channel"]._zalo_get_channel(link)
            record.channel_id = channel
            # No search for an earlier copy: the event's key is Zalo's msg_id, so a
            # message is stored (and reaches this point) once.
            body, attachments = record._message_content(event, channel)
            parent = record._quoted_message(event)
            post = {
                "author_id": link.partner_id.id,
                "body": body,
                "attachment_ids": attachments.ids,
                "parent_id": parent.id if parent else False,
                "record_company_id": record.company_id.id,
            }
            prepared.append((record, event, link, channel, post))
        rows = []
        # consecutive messages of one conversation are posted together
        for channel, group in itertools.groupby(prepared, key=lambda item: item[3]):
            chunk = list(group)
            messages = channel._zalo_post_inbound([item[4] for item in chunk])
            for (record, event, link, _channel, _post), message in zip(
                chunk, messages, strict=True
            ):
                record.message_id = message
                rows.append(
                    record._message_row(
                        "inbound", channel, message, link, event.msg_id, "delivered"
                    )
                )
        self.env["zalo.message"].sudo().create(rows)
        for record, _event, link, channel, _post in prepared:
            record._touch_window(link, channel, record.zalo_timestamp)

    def _record_message(self, direction, channel, message, link, msg_id, state, **values):
        """The zalo.message row of a message posted from this event."""
        return (
            self.env["zalo.message"]
            .sudo()
            .create(self._message_row(direction, channel, message, link, msg_id, state, **values))
        )

    def _message_row(self, direction, channel, message, link, msg_id, state, **values):
        """Values of the zalo.message row of a message posted from this event."""
        return {
            "oa_id": self.oa_id.id,
            "company_id": self.company_id.id,  # not read from the OA again
            "channel_id": channel.id,
            "mail_message_id": message.id,
            "partner_link_id": link.id,
            "direction": direction,
            "zalo_msg_id": msg_id,
            "state": state,
            **values,
        }

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
        self._record_message(
            "outbound",
            channel,
            message,
            link,
            event.msg_id,
            "sent",
            sent_at=self.zalo_timestamp or fields.Datetime.now(),
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
