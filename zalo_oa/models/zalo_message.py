import base64
import logging
import threading
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import html2plaintext

from ..tools import messages as zalo_messages
from ..tools.errors import KIND_HELP, KIND_PARAM, KIND_WINDOW, KINDS, ZaloError
from .zalo_event import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

#: Retryable failures (rate limit, Zalo 5xx, network) are retried this many times.
MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/jpg")


def _testing(env):
    return env.registry.in_test_mode() or getattr(threading.current_thread(), "testing", False)


def _send_after_commit(dbname, message_ids):
    """Post-commit: send the new outbound rows from the request thread."""
    try:
        with odoo.registry(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"zalo_interactive": True})
            env["zalo.message"].browse(message_ids)._send()
    except Exception:
        _logger.exception("Zalo: sending after commit failed; the queue will retry")


STATE_ORDER = {"pending": 0, "failed": 0, "sent": 1, "delivered": 2, "read": 3}


class ZaloMessage(models.Model):
    """One message exchanged with Zalo, in either direction.

    Inbound rows record what a customer sent (and dedupe echoes); outbound rows are
    the sending queue: ``pending`` → ``sent`` (Zalo's ``message_id``) → ``delivered``
    → ``read`` from the receipt webhooks, or ``failed`` with a typed reason.
    """

    _name = "zalo.message"
    _description = "Zalo Message"
    _order = "id desc"
    _rec_name = "zalo_msg_id"

    oa_id = fields.Many2one(
        "zalo.oa", string="Official Account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    channel_id = fields.Many2one(
        "discuss.channel", string="Conversation", index="btree_not_null", ondelete="set null"
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Message", index="btree_not_null", ondelete="set null"
    )
    partner_link_id = fields.Many2one(
        "zalo.partner.link", string="Partner link", index="btree_not_null", ondelete="set null"
    )
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], required=True, readonly=True
    )
    zalo_msg_id = fields.Char(string="Zalo message ID", index="btree_not_null", readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    failure_kind = fields.Selection(
        [(k, KIND_HELP[k].label) for k in KINDS], string="Failure kind", readonly=True
    )
    failure_reason = fields.Text(readonly=True)
    failure_code = fields.Integer(string="Zalo error code", readonly=True)
    content_type = fields.Selection(
        [("text", "Text"), ("image", "Image"), ("gif", "GIF"), ("file", "File")],
        string="Content",
        readonly=True,
    )
    text = fields.Text(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, ondelete="set null")
    quote_zalo_msg_id = fields.Char(readonly=True)
    author_id = fields.Many2one("res.users", string="Sent by", readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index="btree_not_null")
    sent_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    read_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "zalo_msg_unique",
            "UNIQUE(oa_id, direction, zalo_msg_id)",
            "This Zalo message is already recorded.",
        ),
    ]

    @api.model
    def _apply_receipts(self, oa, msg_ids, state, when):
        """Move outbound messages forward (never backward) on a receipt webhook."""
        if not msg_ids:
            return self.browse()
        messages = self.sudo().search(
            [
                ("oa_id", "=", oa.id),
                ("direction", "=", "outbound"),
                ("zalo_msg_id", "in", list(msg_ids)),
            ]
        )
        moved = self.browse()
        for message in messages:
            if STATE_ORDER.get(state, 0) <= STATE_ORDER.get(message.state, 0):
                continue
            values = {"state": state}
            if state == "delivered":
                values["delivered_at"] = when
            elif state == "read":
                values["read_at"] = when
                values["delivered_at"] = message.delivered_at or when
            message.write(values)
            moved |= message
        if moved:
            moved._notify_state_change()
        return moved

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
        if _testing(self.env):
            rows._send()
        elif rows.filtered(lambda r: r.content_type != "text"):
            # Uploads first: the queue does it, woken when this transaction commits.
            self._trigger_queue()
        else:
            self.env.cr.postcommit.add(
                lambda dbname=self.env.cr.dbname, ids=tuple(rows.ids): _send_after_commit(
                    dbname, list(ids)
                )
            )
        return rows

    def _trigger_queue(self):
        self.env.ref("zalo_oa.ir_cron_zalo_send_messages")._trigger()

    def _send(self):
        """Send pending outbound rows, in order per conversation, each at most once."""
        pending = self.filtered(lambda r: r.direction == "outbound" and r.state == "pending")
        if not pending:
            return
        self.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """SELECT id FROM zalo_message WHERE id IN %s AND state = 'pending'
                       ORDER BY id FOR UPDATE SKIP LOCKED""",
                    [tuple(pending.ids)],
                    log_exceptions=False,
                )
                claimed = self.browse([row[0] for row in self.env.cr.fetchall()])
        except CONCURRENCY_ERRORS:
            # Another worker changed these rows since our snapshot: it is sending them.
            self._trigger_queue()
            return
        blocked_channels = set()
        now = fields.Datetime.now()
        for row in claimed:
            # Order matters within a conversation; rows without one stand alone.
            key = row.channel_id.id or f"row-{row.id}"
            if key in blocked_channels:
                continue
            if row.next_attempt_at and row.next_attempt_at > now:
                blocked_channels.add(key)
                continue
            if not row._send_one():
                # keep the order: later messages of this conversation wait
                blocked_channels.add(key)
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
            data = oa._zalo_call("send_cs", payload, res_model="discuss.channel", res_id=channel.id)
        except ZaloError as err:
            if err.retryable and self.attempts < MAX_ATTEMPTS:
                delay = min(RETRY_BASE * (2 ** (self.attempts - 1)), RETRY_CAP)
                self.write(
                    {
                        "next_attempt_at": fields.Datetime.now() + delay,
                        "failure_reason": _("Retrying: %s", oa._zalo_error_text(err)),
                        "failure_kind": err.kind,
                        "failure_code": err.code or 0,
                    }
                )
                self._trigger_queue()
                return False
            self._fail(err)
            return True
        self.write(
            {
                "state": "sent",
                "zalo_msg_id": (data or {}).get("message_id") or False,
                "sent_at": fields.Datetime.now(),
                "next_attempt_at": False,
                "failure_reason": False,
                "failure_kind": False,
                "failure_code": 0,
            }
        )
        return True

    def _fail(self, error):
        self.write(
            {
                "state": "failed",
                "failure_reason": self.oa_id._zalo_error_text(error),
                "failure_kind": error.kind,
                "failure_code": error.code or 0,
                "next_attempt_at": False,
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

    @api.model
    def _cron_send_messages(self, limit=200):
        auto_commit = not _testing(self.env)
        self.flush_model()
        rows = self.search(
            [
                ("direction", "=", "outbound"),
                ("state", "=", "pending"),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ],
            order="id",
            limit=limit,
        )
        by_channel = {}
        for row in rows:
            by_channel.setdefault(row.channel_id.id, self.browse())
            by_channel[row.channel_id.id] |= row
        for channel_rows in by_channel.values():
            channel_rows._send()
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------ retry

    def _can_retry(self):
        self.ensure_one()
        return self.state == "failed" and (
            self.author_id == self.env.user or self.env.user.has_group("zalo_oa.group_zalo_manager")
        )

    def action_retry(self):
        rows = self.filtered(lambda r: r.direction == "outbound" and r.state == "failed")
        for row in rows:
            if not row._can_retry():
                raise AccessError(_("Only the author of a message or a Zalo manager can retry it."))
        rows.sudo().write(
            {
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": False,
                "failure_reason": False,
                "failure_kind": False,
                "failure_code": 0,
            }
        )
        rows.sudo()._send()
        return True

    # --------------------------------------------------------------- Discuss

    @api.model
    def _format_for_messages(self, mail_message_ids):
        """{mail.message id: zalo dict} for the status icons."""
        rows = self.sudo().search(
            [("mail_message_id", "in", list(mail_message_ids)), ("direction", "=", "outbound")],
            order="id",
        )
        grouped = {}
        for row in rows:
            grouped.setdefault(row.mail_message_id.id, self.browse())
            grouped[row.mail_message_id.id] |= row
        return {mid: group._zalo_status() for mid, group in grouped.items()}

    def _zalo_status(self):
        """The state shown for one mail.message (several rows: the least advanced)."""
        if not self:
            return False
        failed = self.filtered(lambda r: r.state == "failed")
        if failed:
            row = failed[0]
            return {
                "state": "failed",
                "failure_reason": row.failure_reason or "",
                "can_retry": all(r._can_retry() for r in failed),
            }
        state = min(self.mapped("state"), key=lambda s: STATE_ORDER.get(s, 0))
        retrying = self.filtered(lambda r: r.state == "pending" and r.failure_reason)
        return {
            "state": state,
            "failure_reason": retrying[0].failure_reason if retrying else False,
            "can_retry": False,
        }

    def _notify_state_change(self):
        """Send the new states of the messages to their conversation (status icons)."""
        by_message = {}
        for row in self.filtered("mail_message_id"):
            by_message.setdefault(row.mail_message_id, row.channel_id)
        if not by_message:
            return
        statuses = self._format_for_messages([m.id for m in by_message])
        bus = self.env["bus.bus"].sudo()
        for message, channel in by_message.items():
            if channel:
                bus._sendone(
                    channel,
                    "zalo.message/update",
                    {"message_id": message.id, "zalo": statuses.get(message.id) or False},
                )
