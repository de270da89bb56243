import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models, tools
from odoo.tools.misc import clean_context

_logger = logging.getLogger(__name__)

PARAM_ENABLED = "zalo_oa_chatter_bridge.enabled"
PARAM_TEMPLATE_DAYS = "zalo_oa_chatter_bridge.template_days"
DEFAULT_TEMPLATE_DAYS = 30


class ZaloChatterMirror(models.Model):
    """One conversation message mirrored into the chatter of one linked document.

    The row is claimed (``INSERT … ON CONFLICT DO NOTHING``) before the note is written,
    so live mirroring, retries and backfills never mirror a message twice into the same
    document, even when they run at the same time.
    """

    _name = "zalo.chatter.mirror"
    _description = "Zalo message mirrored into a document"
    _order = "id desc"

    source_message_id = fields.Many2one(
        "mail.message", string="Conversation message", required=True, ondelete="cascade"
    )
    channel_id = fields.Many2one(
        "discuss.channel", string="Conversation", required=True, index=True, ondelete="cascade"
    )
    res_model = fields.Char(string="Document model", required=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True)
    mirror_message_id = fields.Many2one(
        "mail.message",
        string="Mirrored note",
        index="btree_not_null",
        ondelete="cascade",
        help="Deleting the note deletes this row: the next Sync history writes it again.",
    )

    _sql_constraints = [
        (
            "source_document_unique",
            "UNIQUE(source_message_id, res_model, res_id)",
            "This message is already mirrored into this document.",
        ),
    ]

    def init(self):
        tools.create_index(
            self._cr,
            "zalo_chatter_mirror_document_index",
            self._table,
            ["res_model", "res_id"],
        )

    # ------------------------------------------------------------- settings

    @api.model
    def _is_enabled(self):
        return tools.str2bool(
            self.env["ir.config_parameter"].sudo().get_param(PARAM_ENABLED) or "False"
        )

    @api.model
    def _template_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_TEMPLATE_DAYS)
        try:
            return max(int(value), 0) if value not in (None, False, "") else DEFAULT_TEMPLATE_DAYS
        except ValueError:
            return DEFAULT_TEMPLATE_DAYS

    # -------------------------------------------------------------- targets

    @api.model
    def _document_of(self, row):
        """The record of a zalo.conversation.document row when it has a chatter."""
        if row.res_model not in self.env or row.res_model == "discuss.channel":
            return None
        model = self.env[row.res_model]
        if not hasattr(model, "_message_log") or model._abstract or model._transient:
            return None
        return model.browse(row.res_id).sudo().exists() or None

    @api.model
    def _row_window(self, row):
        """(start, end) of the messages mirrored into a linked document; None is open.

        Documents created from the conversation or linked by hand get all of it; a
        document a template was sent from, the messages from its first send until
        ``template_days`` after its last one.
        """
        if row.origin != "template":
            return None, None
        last = row.last_linked_at or row.create_date
        return row.create_date, last + timedelta(days=self._template_days())

    @api.model
    def _live_targets(self, channel, when):
        """(document row, record) pairs a new message of ``channel`` is mirrored into."""
        rows = (
            self.env["zalo.conversation.document"]
            .sudo()
            .search([("channel_id", "=", channel.id)], order="id")
        )
        targets = []
        for row in rows:
            end = self._row_window(row)[1]
            if end is not None and when > end:
                continue
            record = self._document_of(row)
            if record:
                targets.append((row, record))
        return targets

    # ------------------------------------------------------------ mirroring

    @api.model
    def _mirror_live(self, channel, message):
        """Mirror a new message of a Zalo conversation (called after it is posted).

        Never breaks the posting: a failure is logged and the message can be mirrored
        later with Sync history.
        """
        if not self._is_enabled():
            return self.browse()
        try:
            with self.env.cr.savepoint():
                mirrors = self.browse()
                for _row, record in self._live_targets(channel, fields.Datetime.now()):
                    mirrors |= self._mirror(message, channel, record)
                return mirrors
        except Exception as exc:  # the conversation must go on
            _logger.warning(
                "Zalo chatter bridge: message %s of conversation %s not mirrored (%s); "
                "use Sync history on the documents to catch up",
                message.id,
                channel.id,
                exc,
            )
            return self.browse()

    @api.model
    def _mirror(self, message, channel, record):
        """Mirror ``message`` into ``record`` once; the new row, or nothing if done already."""
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            """
            INSERT INTO zalo_chatter_mirror (source_message_id, channel_id, res_model, res_id,
                                             create_uid, write_uid, create_date, write_date)
            VALUES (%(message)s, %(channel)s, %(model)s, %(res_id)s, %(uid)s, %(uid)s,
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (source_message_id, res_model, res_id) DO NOTHING
            RETURNING id
            """,
            {
                "message": message.id,
                "channel": channel.id,
                "model": record._name,
                "res_id": record.id,
                "uid": self.env.uid,
            },
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.browse()
        mirror = self.browse(row[0])
        # A clean context: the caller's default_* keys (e.g. default_res_id) must not leak.
        messages = self.env["mail.message"].sudo()
        messages = messages.with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
        note = messages.create(self._mirror_values(message, channel, record))
        mirror.sudo().mirror_message_id = note
        return mirror

    @api.model
    def _mirror_values(self, message, channel, record):
        """An internal note with the Zalo subtype: no recipient, no notification.

        Attachments are referenced (the same ir.attachment records), not copied.
        """
        message = message.sudo()
        return {
            "model": record._name,
            "res_id": record.id,
            "author_id": message.author_id.id,
            "email_from": message.email_from,
            "date": message.date,
            "body": self._mirror_body(message, channel),
            "message_type": "comment",
            "is_internal": True,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                "zalo_oa_chatter_bridge.mt_zalo"
            ),
            "attachment_ids": [Command.set(message.attachment_ids.ids)],
            "email_add_signature": False,
            "message_id": tools.generate_tracking_message_id("zalo-mirror"),
            "reply_to": False,
        }

    @api.model
    def _mirror_body(self, message, channel):
        channel = channel.sudo()
        received = message.author_id == channel.zalo_partner_link_id.partner_id
        url = f"/web#action=mail.action_discuss&active_id=discuss.channel_{channel.id}"
        origin = (
            _("Received on Zalo · %(conversation)s", conversation=channel._zalo_channel_title())
            if received
            else _("Sent on Zalo · %(conversation)s", conversation=channel._zalo_channel_title())
        )
        header = Markup(
            '<p class="o_zalo_mirror small text-muted mb-1">'
            '<i class="fa fa-comments" title="Zalo"></i> '
            '<a href="%s" class="o_zalo_mirror_link">%s</a></p>'
        ) % (url, origin)
        return header + Markup(message.body or "")

    # ------------------------------------------------------------- backfill

    @api.model
    def _sync_record(self, record):
        """Mirror the past messages of the conversations linked to ``record``.

        Idempotent: messages already mirrored into the record are skipped.
        :return: the new mirror rows
        """
        record.ensure_one()
        rows = (
            self.env["zalo.conversation.document"]
            .sudo()
            .search([("res_model", "=", record._name), ("res_id", "=", record.id)], order="id")
        )
        mirrors = self.browse()
        for row in rows:
            target = self._document_of(row)
            if not target:
                continue
            channel = row.channel_id
            domain = [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
                ("message_type", "=", "comment"),
            ]
            start, end = self._row_window(row)
            if start:
                domain.append(("date", ">=", start))
            if end:
                domain.append(("date", "<=", end))
            done = (
                self.sudo()
                .search(
                    [
                        ("channel_id", "=", channel.id),
                        ("res_model", "=", target._name),
                        ("res_id", "=", target.id),
                    ]
                )
                .source_message_id
            )
            if done:
                domain.append(("id", "not in", done.ids))
            messages = self.env["mail.message"].sudo().search(domain, order="id")
            for message in messages:
                mirrors |= self._mirror(message, channel, target)
        return mirrors
