import logging

from odoo import api, fields, models

from ..tools.errors import KIND_HELP, KINDS

_logger = logging.getLogger(__name__)

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

    def _notify_state_change(self):
        """Hook for the Discuss UI (status icons): send the new states on the bus."""
        return True
