from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ZaloConversationDocument(models.Model):
    _inherit = "zalo.conversation.document"

    document_name = fields.Char(string="Document name", compute="_compute_document_name")
    document_model_name = fields.Char(string="Type", compute="_compute_document_name")
    mirrored_count = fields.Integer(string="Mirrored", compute="_compute_mirrored_count")

    @api.depends("res_model", "res_id")
    def _compute_document_name(self):
        for row in self:
            record = (
                self.env[row.res_model].sudo().browse(row.res_id).exists()
                if row.res_model in self.env and row.res_id
                else None
            )
            row.document_name = record.display_name if record else _("(deleted)")
            row.document_model_name = (
                self.env["ir.model"].sudo()._get(row.res_model).name
                if row.res_model in self.env
                else ""
            )

    def _compute_mirrored_count(self):
        counts = {}
        if self.ids:
            groups = (
                self.env["zalo.chatter.mirror"]
                .sudo()
                ._read_group(
                    [
                        ("channel_id", "in", self.channel_id.ids),
                        ("res_model", "in", list(set(self.mapped("res_model")))),
                        ("res_id", "in", self.mapped("res_id")),
                    ],
                    ["channel_id", "res_model", "res_id"],
                    ["__count"],
                )
            )
            counts = {(ch.id, model, res_id): n for ch, model, res_id, n in groups}
        for row in self:
            row.mirrored_count = counts.get((row.channel_id.id, row.res_model, row.res_id), 0)

    # ---------------------------------------------------------------- actions

    def _zalo_check_can_sync(self, record):
        if not self.env["zalo.chatter.mirror"]._is_enabled():
            raise UserError(
                _(
                    "The Zalo chatter bridge is switched off: turn it on in Settings > Zalo "
                    "to sync the history."
                )
            )
        if not self.env.user.has_group("zalo_oa.group_zalo_user"):
            raise AccessError(_("Only Zalo users can sync a Zalo conversation history."))
        record.check_access_rights("write")
        record.check_access_rule("write")

    def _zalo_sync_records(self, records):
        Mirror = self.env["zalo.chatter.mirror"]
        count = 0
        for record in records:
            self._zalo_check_can_sync(record)
            count += len(Mirror._sync_record(record))
        return count

    @api.model
    def zalo_sync_record(self, res_model, res_id):
        """Sync history from a document's chatter; the number of messages mirrored."""
        if res_model not in self.env:
            raise UserError(_("Unknown document type: %s", res_model))
        record = self.env[res_model].browse(int(res_id)).exists()
        if not record:
            raise UserError(_("The document no longer exists."))
        return self._zalo_sync_records(record)

    def action_sync_history(self):
        """Backfill the chatter of the selected documents with their conversations."""
        records = []
        seen = set()
        for row in self:
            key = (row.res_model, row.res_id)
            if key in seen or row.res_model not in self.env:
                continue
            seen.add(key)
            record = self.env[row.res_model].browse(row.res_id).exists()
            if record:
                records.append(record)
        count = self._zalo_sync_records(records)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Zalo history synced"),
                "message": _("%s message(s) copied into the chatter.", count)
                if count
                else _("Already up to date: nothing new to copy."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [[False, "form"]],
        }
