import json
import uuid

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.addons.zalo_oa.tools.errors import ZaloError
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

from ..tools import params as zbs_params

#: Up to this many messages are sent while the user waits; more go through the queue.
INLINE_LIMIT_PARAM = "zalo_oa_zbs.inline_send_limit"
INLINE_LIMIT = 20
#: At most this many per-record problems are listed in the composer.
PROBLEMS_SHOWN = 20


class ZaloZbsComposer(models.TransientModel):
    """«Send via Zalo»: choose an approved template, check the preview, send.

    Opened on one document (single mode) or on several from a list (batch mode),
    or on the customer of a Zalo conversation whose 7-day window is closed.
    """

    _name = "zalo.zbs.composer"
    _description = "Send a Zalo template"

    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_ids = fields.Char(string="Document IDs", required=True, readonly=True)
    res_model_description = fields.Char(compute="_compute_records")
    record_count = fields.Integer(string="Documents", compute="_compute_records")
    composition_mode = fields.Selection(
        [("single", "One document"), ("batch", "Several documents")],
        compute="_compute_records",
    )
    channel_id = fields.Many2one("discuss.channel", string="Conversation", readonly=True)
    available_template_ids = fields.Many2many(
        "zalo.zbs.template", compute="_compute_available_template_ids"
    )
    template_id = fields.Many2one(
        "zalo.zbs.template",
        compute="_compute_template_id",
        compute_sudo=False,
        store=True,
        readonly=False,
        domain="[('id', 'in', available_template_ids)]",
    )
    oa_id = fields.Many2one(related="template_id.oa_id", string="Official Account")
    development_mode = fields.Boolean(
        string="Development mode",
        compute="_compute_development_mode",
        compute_sudo=False,
        store=True,
        readonly=False,
        help="Zalo only delivers development-mode messages to the admins of the Zalo app and "
        "of the OA, by phone number: to try a template out.",
    )
    value_ids = fields.One2many(
        "zalo.zbs.composer.value",
        "composer_id",
        string="Values",
        compute="_compute_value_ids",
        store=True,
        readonly=False,
        help="For one document: the value of each param, rendered from the document; change "
        "any of them before sending. Several documents keep the template's mapping.",
    )
    recipient_text = fields.Char(string="To", compute="_compute_preview")
    preview_html = fields.Html(string="Preview", compute="_compute_preview", sanitize=False)
    problem_html = fields.Html(compute="_compute_preview", sanitize=False)
    valid_count = fields.Integer(compute="_compute_preview")
    invalid_count = fields.Integer(compute="_compute_preview")
    no_template_text = fields.Char(compute="_compute_available_template_ids")
    quota_text = fields.Char(string="Quota", compute="_compute_quota")
    quota_warning = fields.Char(compute="_compute_quota")
    state = fields.Selection([("compose", "Compose"), ("done", "Done")], default="compose")
    result_html = fields.Html(readonly=True, sanitize=False)
    batch_ref = fields.Char(readonly=True)

    # ------------------------------------------------------------- defaults

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        model = values.get("res_model") or context.get("active_model")
        ids = context.get("active_ids") or (
            [context["active_id"]] if context.get("active_id") else []
        )
        if values.get("res_ids"):
            ids = json.loads(values["res_ids"])
        if not model or model == self._name or model not in self.env:
            raise UserError(_("Open «Send via Zalo» from a document or a list of documents."))
        if not isinstance(self.env[model], self.env.registry["mail.thread"]):
            raise UserError(_("%s has no chatter: Zalo templates cannot be sent from it.", model))
        if not ids:
            raise UserError(_("Select the documents to send a Zalo message for."))
        values["res_model"] = model
        values["res_ids"] = json.dumps([int(i) for i in ids])
        return values

    def _records(self):
        self.ensure_one()
        ids = json.loads(self.res_ids or "[]")
        return self.env[self.res_model].browse(ids).exists()

    # -------------------------------------------------------------- compute

    @api.depends("res_model", "res_ids")
    def _compute_records(self):
        for wizard in self:
            records = wizard._records() if wizard.res_model else None
            wizard.record_count = len(records) if records is not None else 0
            wizard.composition_mode = "batch" if wizard.record_count > 1 else "single"
            wizard.res_model_description = (
                self.env["ir.model"]._get(wizard.res_model).name if wizard.res_model else False
            )

    @api.depends("res_model", "channel_id")
    def _compute_available_template_ids(self):
        Template = self.env["zalo.zbs.template"]
        for wizard in self:
            domain = [
                ("model", "=", wizard.res_model),
                ("state", "=", "enabled"),
                ("company_id", "in", self.env.companies.ids),
            ]
            if wizard.channel_id:
                domain.append(("oa_id", "=", wizard.channel_id.zalo_oa_id.id))
            templates = Template.search(domain)
            wizard.available_template_ids = templates
            wizard.no_template_text = (
                False
                if templates
                else _(
                    "No template approved by Zalo can be sent from %s yet. A Zalo administrator "
                    "creates one in Zalo › Templates and submits it to Zalo.",
                    wizard.res_model_description or wizard.res_model,
                )
            )

    @api.depends("available_template_ids")
    def _compute_template_id(self):
        for wizard in self:
            if wizard.template_id and wizard.template_id in wizard.available_template_ids:
                continue
            templates = wizard.available_template_ids
            records = wizard._records() if wizard.res_model else None
            if records and hasattr(records[:1], "_zalo_zbs_default_template") and templates:
                wizard.template_id = records[:1]._zalo_zbs_default_template(templates)
            else:
                wizard.template_id = templates[:1]

    @api.depends("template_id")
    def _compute_development_mode(self):
        for wizard in self:
            wizard.development_mode = wizard.template_id.oa_id.zbs_development_mode

    @api.depends("template_id", "res_ids", "channel_id")
    def _compute_value_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            template = wizard.template_id
            records = wizard._records() if wizard.res_model and template else None
            if template and records and len(records) == 1:
                item = template._zbs_prepare(records, channel=wizard.channel_id or None)[0]
                for param in template.param_ids:
                    value = item["data"].get(param.name, "")
                    commands.append(
                        Command.create(
                            {"param_id": param.id, "value": value, "initial_value": value}
                        )
                    )
            wizard.value_ids = commands

    def _edited_values(self):
        """{param name: value} of the params changed by the user (single send only)."""
        self.ensure_one()
        if self.composition_mode != "single":
            return None
        template_params = self.template_id.param_ids
        return {
            line.param_id.name: zbs_params.clean_value(line.value)
            for line in self.value_ids
            if line.edited and line.param_id in template_params
        } or None

    @api.depends("template_id", "development_mode", "res_ids", "channel_id", "value_ids.value")
    def _compute_preview(self):
        for wizard in self:
            template = wizard.template_id
            if not template:
                wizard.update(
                    {
                        "recipient_text": False,
                        "preview_html": False,
                        "problem_html": False,
                        "valid_count": 0,
                        "invalid_count": 0,
                    }
                )
                continue
            prepared = template._zbs_prepare(
                wizard._records(),
                channel=wizard.channel_id or None,
                development=wizard.development_mode,
                values=wizard._edited_values(),
            )
            valid = [item for item in prepared if not item["problem"]]
            invalid = [item for item in prepared if item["problem"]]
            first = (valid or prepared or [None])[0]
            wizard.valid_count = len(valid)
            wizard.invalid_count = len(invalid)
            wizard.recipient_text = (
                template._zbs_recipient_label(first["recipient"]) if first else False
            )
            wizard.preview_html = (
                template._zbs_render_html(first["data"], first["problems"]) if first else False
            )
            wizard.problem_html = wizard._problems_html(invalid)

    def _problems_html(self, invalid):
        if not invalid:
            return False
        items = Markup("").join(
            Markup("<li><b>%s</b>: %s</li>") % (item["record"].display_name, item["problem"])
            for item in invalid[:PROBLEMS_SHOWN]
        )
        more = (
            Markup("<li>%s</li>") % _("… and %s more.", len(invalid) - PROBLEMS_SHOWN)
            if len(invalid) > PROBLEMS_SHOWN
            else Markup("")
        )
        head = _(
            "%s document(s) cannot be sent; the others can. Fix them, or send anyway: they are "
            "listed as failed with the reason, ready to retry.",
            len(invalid),
        )
        if self.composition_mode == "single":
            head = _("This document cannot be sent yet:")
        return Markup("<p class='mb-1'>%s</p><ul class='mb-0'>%s%s</ul>") % (head, items, more)

    @api.depends("template_id", "valid_count")
    def _compute_quota(self):
        Quota = self.env["zalo.zbs.quota"].sudo()
        for wizard in self:
            wizard.quota_warning = False
            oa = wizard.template_id.oa_id
            if not oa:
                wizard.quota_text = False
                continue
            quota = Quota.search([("oa_id", "=", oa.id)], limit=1)
            if not quota:
                wizard.quota_text = _("Quota not known yet: click «Refresh quota».")
                continue
            wizard.quota_text = quota._zbs_summary()
            if quota._zbs_is_exhausted():
                wizard.quota_warning = _(
                    "Zalo's daily quota is spent: the messages are queued and go out after it "
                    "resets."
                )
            elif quota.updated_at and 0 <= quota.remaining_quota < wizard.valid_count:
                wizard.quota_warning = _(
                    "Only %(left)s of the %(count)s messages fit in today's remaining quota: "
                    "the others stay queued until it resets.",
                    left=quota.remaining_quota,
                    count=wizard.valid_count,
                )

    # -------------------------------------------------------------- actions

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Send via Zalo"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": dict(self.env.context),
        }

    def action_refresh_quota(self):
        self.ensure_one()
        oa = self.template_id.oa_id
        if not oa:
            raise UserError(_("Choose a template first."))
        try:
            self.env["zalo.zbs.quota"]._zbs_refresh(oa.sudo())
        except ZaloError as err:
            raise UserError(
                _("Zalo did not give the quota: %s", oa._zalo_error_text(err))
            ) from None
        return self._reopen()

    def action_send(self):
        self.ensure_one()
        if self.state == "done":
            return {"type": "ir.actions.act_window_close"}
        # The defaults meant for the composer must not leak into what sending creates.
        return self.with_env(self.env(context=clean_context(self.env.context)))._send()

    def _send(self):
        if not self.env.user.has_group("zalo_oa.group_zalo_user"):
            raise UserError(_("Only Zalo users can send Zalo messages. Ask a Zalo administrator."))
        template = self.template_id
        if not template:
            raise UserError(self.no_template_text or _("Choose a template."))
        if template not in self.available_template_ids:
            raise UserError(
                _(
                    "«%s» cannot be sent from these documents: choose another template.",
                    template.name,
                )
            )
        records = self._records()
        if not records:
            raise UserError(_("The documents no longer exist."))
        records.check_access_rights("read")
        records.check_access_rule("read")
        values = self._edited_values() if len(records) == 1 else None
        if self.composition_mode == "single":
            item = template._zbs_prepare(
                records,
                channel=self.channel_id or None,
                development=self.development_mode,
                values=values,
            )[0]
            if item["problem"]:
                raise UserError(_("This message cannot be sent: %s", item["problem"]))
        batch_ref = uuid.uuid4().hex
        rows = template._zbs_queue(
            records,
            channel=self.channel_id or None,
            development=self.development_mode,
            batch_ref=batch_ref,
            values=values,
        )
        pending = rows.filtered(lambda r: r.state == "pending")
        limit = self._inline_limit()
        summary = None
        if pending and len(pending) <= limit:
            summary = pending._send()
        elif pending:
            pending._trigger_queue()
        self.write(
            {
                "state": "done",
                "batch_ref": batch_ref,
                "result_html": self._result_html(rows, summary),
            }
        )
        return self._reopen()

    def _inline_limit(self):
        value = self.env["ir.config_parameter"].sudo().get_param(INLINE_LIMIT_PARAM)
        try:
            return int(value) if value not in (None, False, "") else INLINE_LIMIT
        except ValueError:
            return INLINE_LIMIT

    def _result_html(self, rows, summary):
        failed = rows.filtered(lambda r: r.state == "failed")
        parts = []
        if summary is None:
            queued = len(rows.filtered(lambda r: r.state == "pending"))
            if queued:
                parts.append(
                    Markup("<p class='o_zbs_result_queued'>%s</p>")
                    % _(
                        "%s message(s) queued: they are sent in the background. Follow them in "
                        "the chatter of the documents or with «View messages».",
                        queued,
                    )
                )
        else:
            sent = len(rows.filtered(lambda r: r.state in ("sent", "delivered", "read")))
            waiting = len(rows.filtered(lambda r: r.state == "pending"))
            if sent:
                parts.append(
                    Markup("<p class='o_zbs_result_sent text-success'>%s</p>")
                    % _("%s message(s) sent.", sent)
                )
            if waiting:
                parts.append(
                    Markup("<p class='o_zbs_result_waiting text-warning'>%s</p>")
                    % _("%s message(s) still queued.", waiting)
                )
            for reason in (summary or {}).get("stops", {}).values():
                parts.append(Markup("<p class='alert alert-warning'>%s</p>") % reason)
        if failed:
            items = Markup("").join(
                Markup("<li><b>%s</b>: %s</li>") % (row.res_name or "?", row.failure_reason)
                for row in failed[:PROBLEMS_SHOWN]
            )
            parts.append(
                Markup("<p class='o_zbs_result_failed text-danger mb-1'>%s</p><ul>%s</ul>")
                % (_("%s message(s) not sent:", len(failed)), items)
            )
        return Markup("").join(parts)

    def action_view_messages(self):
        self.ensure_one()
        return self.env["zalo.message"]._action_view([("zbs_batch_ref", "=", self.batch_ref)])
