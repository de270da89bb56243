from odoo import api, fields, models


class ZaloConversationDocument(models.Model):
    """A business document related to a Zalo conversation.

    Filled by the addons of the suite: a lead, quotation or ticket created from the
    conversation, or a document a ZBS template was sent from. The chatter bridge
    mirrors the conversation into these documents; smart buttons use it both ways.
    """

    _name = "zalo.conversation.document"
    _description = "Document linked to a Zalo conversation"
    _order = "id desc"

    channel_id = fields.Many2one(
        "discuss.channel", string="Conversation", required=True, index=True, ondelete="cascade"
    )
    oa_id = fields.Many2one(related="channel_id.zalo_oa_id", store=True)
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    res_model = fields.Char(string="Document model", required=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, index=True
    )
    origin = fields.Selection(
        [
            ("created", "Created from the conversation"),
            ("template", "Template sent from the document"),
            ("manual", "Linked manually"),
        ],
        required=True,
        default="manual",
    )
    last_linked_at = fields.Datetime(
        string="Last linked",
        default=fields.Datetime.now,
        readonly=True,
        help="Last time the document was related to the conversation, e.g. the last "
        "template sent from it.",
    )

    _sql_constraints = [
        (
            "document_unique",
            "UNIQUE(channel_id, res_model, res_id)",
            "This document is already linked to the conversation.",
        ),
    ]

    @api.model
    def _link(self, channel, record, origin="manual"):
        """Link ``record`` to ``channel`` once (the first origin is kept)."""
        record.ensure_one()
        existing = self.sudo().search(
            [
                ("channel_id", "=", channel.id),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
            ],
            limit=1,
        )
        if existing:
            existing.last_linked_at = fields.Datetime.now()
            return existing
        return self.sudo().create(
            {
                "channel_id": channel.id,
                "res_model": record._name,
                "res_id": record.id,
                "origin": origin,
            }
        )

    @api.model
    def _documents_of(self, channel):
        """The linked records of a conversation, as recordsets (deleted ones skipped)."""
        records = []
        for row in self.sudo().search([("channel_id", "=", channel.id)], order="id"):
            record = self.env[row.res_model].browse(row.res_id).exists()
            if record:
                records.append(record)
        return records

    @api.model
    def _channels_of(self, record):
        rows = self.sudo().search([("res_model", "=", record._name), ("res_id", "=", record.id)])
        return rows.channel_id
