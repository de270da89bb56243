import logging
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.errors import KIND_HELP, KINDS

_logger = logging.getLogger(__name__)

IMAGE_TYPES = ("image/jpeg", "image/png", "image/jpg")
#: An uncertain send is first looked for in Zalo's history this long after the attempt,
RECONCILE_FIRST = timedelta(seconds=3)
#: then every RECONCILE_STEP, and sent again when it is still not there after the grace
#: period (or the retry backoff, when longer). After a timeout or a dropped connection,
#: Zalo may still be working on the request: the grace is long. After a 5xx answer,
#: Zalo is done with it: a message that went through is in the history already.
RECONCILE_STEP = timedelta(seconds=5)
RECONCILE_GRACE_NO_ANSWER = timedelta(seconds=60)
RECONCILE_GRACE_ANSWERED = timedelta(seconds=10)
#: A queue run that finds work due within this delay waits for it (handing over to a new
#: run at the end of its budget) rather than leaving it to the next wake-up of a cron
#: worker: Odoo's cron workers notice a trigger in the future only when they wake up on
#: their own, every 60-70 s.
WAIT_WITHIN = timedelta(seconds=75)
#: A queue run hands over to a new one after this long (see zalo_event.RUN_BUDGET).
RUN_BUDGET = timedelta(seconds=25)
#: The send queue's cron jobs: each can run in its own cron worker, on any server. They
#: split the rows that belong to no conversation (ZBS sends) by id, and take the
#: conversations one at a time each (order within a conversation).
SEND_CRONS = ("zalo_oa.ir_cron_zalo_send_messages", "zalo_oa.ir_cron_zalo_send_messages_2")
#: A run that finds more rows than this due wakes the other send jobs.
SHARE_ABOVE = 20
#: Calls that count against the app's rate limit (and are paced, see zalo.api.pace).
PACED_METHODS = ("send_cs", "send_zbs_by_uid")


def _send_after_commit(dbname, message_ids):
    """Post-commit: send the new outbound rows from the request thread."""
    try:
        with odoo.registry(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"zalo_interactive": True})
            env["zalo.message"].browse(message_ids)._send()
    except Exception:
        _logger.exception("Zalo: sending after commit failed; the queue will retry")


STATE_ORDER = {"pending": 0, "uncertain": 0, "failed": 0, "sent": 1, "delivered": 2, "read": 3}
#: States of an outbound row still in the queue.
QUEUED = ("pending", "uncertain")


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
    # The OA's company; computed unless given (inbound processing knows it already).
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, precompute=True, readonly=False
    )
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
            ("uncertain", "Checking delivery"),
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
    attempted_at = fields.Datetime(
        string="Last attempt", readonly=True, help="When the last send to Zalo started."
    )
    uncertain_since = fields.Datetime(
        string="Checking delivery since",
        readonly=True,
        help="The last send got no clear answer from Zalo since then: Zalo's history is "
        "checked before the message is sent again.",
    )
    reconcile_checks = fields.Integer(string="Delivery checks", readonly=True)
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

    @api.depends("oa_id")
    def _compute_company_id(self):
        for row in self:
            row.company_id = row.oa_id.company_id

    @api.model
    def _action_view(self, domain, context=None):
        """The Zalo messages list showing ``domain`` (target of the «messages» buttons)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_message")
        action["domain"] = domain
        action["context"] = context or {}
        return action

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
        return messages._move_forward(state, when)

    def _move_forward(self, state, when, msg_id=None):
        """Apply a receipt to these rows: forward only, never back; announce the moves."""
        moved = self.browse()
        for row in self:
            if STATE_ORDER.get(state, 0) <= STATE_ORDER.get(row.state, 0):
                continue
            values = {"state": state}
            if msg_id and not row.zalo_msg_id:
                values["zalo_msg_id"] = msg_id
            if state == "delivered":
                values["delivered_at"] = when
            elif state == "read":
                values["read_at"] = when
                values["delivered_at"] = row.delivered_at or when
            row.write(values)
            moved |= row
        if moved:
            moved._notify_state_change()
        return moved

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
        rows.sudo()._notify_state_change()
        rows.sudo()._send_soon()
        return True
