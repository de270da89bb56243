import base64
import logging

from odoo import _, api, fields, models
from odoo.addons.zalo_oa.models.zalo_event import may_commit
from odoo.addons.zalo_oa.tools import messages as zalo_messages
from odoo.addons.zalo_oa.tools import retry as zalo_retry
from odoo.addons.zalo_oa.tools.errors import ZaloError
from odoo.exceptions import AccessError, UserError
from odoo.tools.mimetypes import guess_mimetype

from ..tools import lint as zbs_lint
from .zalo_zbs_template import (
    CLOCK_TOLERANCE,
    QUALITIES,
    TEMPLATE_TYPES,
    ZALO_STATES,
    ZALO_TAGS,
    _ms_to_datetime,
)

_logger = logging.getLogger(__name__)


class ZaloZbsTemplate(models.Model):
    """Zalo's review of a template: submit, resubmit, follow the status and quality, import."""

    _inherit = "zalo.zbs.template"

    # ---------------------------------------------------------------- submit

    def _zbs_upload_media(self):
        """Upload the header images with /upload/image; {field name: media_id}."""
        self.ensure_one()
        media = {}
        for fname in ("logo", "logo_dark", "header_image"):
            data = self[fname]
            if not data:
                continue
            content = base64.b64decode(data)
            mimetype = guess_mimetype(content, default="image/png")
            extension = ".jpg" if mimetype in ("image/jpeg", "image/jpg") else ".png"
            result = self.oa_id._zalo_call(
                "template_upload_image",
                f"{fname}{extension}",
                content,
                mimetype,
                res_model=self._name,
                res_id=self.id,
            )
            media[fname] = result.get("media_id")
        return media

    def _zbs_create_body(self, media):
        self.ensure_one()
        return zalo_messages.template_create_body(
            template_name=self.name.strip(),
            template_type=int(self.template_type),
            tag=self.tag,
            layout=self._zbs_layout(media),
            params=[
                {"name": p.name, "type": int(p.param_type), "sample_value": p.sample_value}
                for p in self.param_ids
            ],
            note=(self.note or "").strip() or None,
            tracking_id=f"odoo-template-{self.id}",
        )

    def _zbs_check_submittable(self):
        self.ensure_one()
        if self.imported:
            raise UserError(
                _(
                    "«%s» was imported from Zalo, which does not give its content back. Edit it "
                    "in Zalo's console, or duplicate it and write the content in Odoo.",
                    self.name,
                )
            )
        if not self.oa_id:
            raise UserError(
                _("Choose the Official Account of «%s» before submitting it.", self.name)
            )
        if self.oa_id.state != "connected":
            raise UserError(
                _(
                    "The Official Account %s is not connected: connect it before submitting "
                    "templates.",
                    self.oa_id.name,
                )
            )
        errors = [i for i in self._zbs_lint() if i.level == zbs_lint.ERROR]
        if errors:
            raise UserError(
                _(
                    "Zalo would refuse this template. Fix these points first:\n%s",
                    "\n".join(f"• {self._zbs_lint_text(i)}" for i in errors),
                )
            )

    def _zbs_api_error(self, err):
        return UserError(
            _(
                "Zalo refused the template «%(name)s»: %(reason)s",
                name=self.name,
                reason=self.oa_id._zalo_error_text(err),
            )
        )

    def action_submit(self):
        """Create the template on Zalo (uploading the logo/image first)."""
        self._check_manager()
        for template in self:
            if template.state != "draft" or template.zalo_template_id:
                raise UserError(
                    _(
                        "«%s» was already submitted. Use «Edit and resubmit» when Zalo rejects it.",
                        template.name,
                    )
                )
            template._zbs_check_submittable()
            try:
                media = template._zbs_upload_media()
                body = template._zbs_create_body(media)
                data = template.oa_id._zalo_call(
                    "template_create", body, res_model=template._name, res_id=template.id
                )
            except ZaloError as err:
                raise template._zbs_api_error(err) from None
            template.sudo().write(
                {
                    "zalo_template_id": str(data.get("template_id") or ""),
                    "state": ZALO_STATES.get(
                        str(data.get("status") or "PENDING_REVIEW").upper(), "pending_review"
                    ),
                    "rejection_reason": False,
                    "zalo_status_at": fields.Datetime.now(),
                    **template._zbs_price_values(data),
                }
            )
            template.message_post(
                body=_(
                    "Submitted to Zalo for review (Zalo template ID %s). Zalo usually answers "
                    "within 1 to 3 business days.",
                    template.zalo_template_id,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_resubmit(self):
        """Send the corrected content of a rejected template (/template/edit)."""
        self._check_manager()
        for template in self:
            if template.state != "rejected" or not template.zalo_template_id:
                raise UserError(
                    _(
                        "Zalo only accepts changes to rejected templates; «%(name)s» is %(state)s.",
                        name=template.name,
                        state=dict(template._fields["state"]._description_selection(self.env))[
                            template.state
                        ],
                    )
                )
            template._zbs_check_submittable()
            try:
                media = template._zbs_upload_media()
                body = template._zbs_create_body(media)
                body["template_id"] = template.zalo_template_id
                data = template.oa_id._zalo_call(
                    "template_edit", body, res_model=template._name, res_id=template.id
                )
            except ZaloError as err:
                raise template._zbs_api_error(err) from None
            template.sudo().write(
                {
                    "state": ZALO_STATES.get(
                        str(data.get("status") or "PENDING_REVIEW").upper(), "pending_review"
                    ),
                    "rejection_reason": False,
                    "zalo_status_at": fields.Datetime.now(),
                    **template._zbs_price_values(data),
                }
            )
            template._zbs_close_activities(_("The template was corrected and resubmitted."))
            template.message_post(
                body=_("Corrected and resubmitted to Zalo for review."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_sync(self):
        """Read the status, quality and prices back from Zalo (/template/info/v2)."""
        if not self.env.user.has_group("zalo_oa.group_zalo_user"):
            raise AccessError(_("Only Zalo users can synchronise templates."))
        templates = self.filtered("zalo_template_id")
        if not templates:
            raise UserError(_("Submit the template first: it is not on Zalo yet."))
        for template in templates:
            try:
                template.sudo()._zbs_sync_one()
            except ZaloError as err:
                raise UserError(
                    _(
                        "Could not synchronise «%(name)s»: %(reason)s",
                        name=template.name,
                        reason=template.oa_id._zalo_error_text(err),
                    )
                ) from None
        return True

    def action_duplicate_draft(self):
        """A new draft from a disabled, deleted or imported template."""
        self.ensure_one()
        self._check_manager()
        copy = self.copy({"imported": False})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": copy.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_messages(self):
        self.ensure_one()
        return self.env["zalo.message"]._action_view([("zbs_template_id", "=", self.id)])

    # ------------------------------------------------------------------- sync

    @api.model
    def _zbs_price_values(self, data):
        values = {}
        for key, fname in (
            ("price", "price"),
            ("price_uid", "price_uid"),
            ("price_sdt", "price_phone"),
        ):
            if data.get(key) not in (None, ""):
                try:
                    values[fname] = float(data[key])
                except (TypeError, ValueError):
                    continue
        if data.get("preview_url") or data.get("previewUrl"):
            values["preview_url"] = data.get("preview_url") or data.get("previewUrl")
        return values

    def _zbs_sync_one(self):
        self.ensure_one()
        try:
            info = self.oa_id._zalo_call(
                "template_info", self.zalo_template_id, res_model=self._name, res_id=self.id
            )
        except ZaloError as err:
            if err.code == -109:  # Zalo no longer knows it
                self._zbs_apply_status("DELETE", reason=_("Zalo no longer knows this template."))
                self.last_sync_at = fields.Datetime.now()
                return
            raise
        self._zbs_apply_info(info or {})

    def _zbs_apply_info(self, info):
        """Apply ``template/info`` data (status, quality, prices, params of imported ones)."""
        self.ensure_one()
        values = self._zbs_price_values(info)
        values["last_sync_at"] = fields.Datetime.now()
        tag = ZALO_TAGS.get(str(info.get("templateTag") or "").upper())
        if tag and self.imported:
            values["tag"] = tag
        if self.imported and self.template_type == "1":
            values["template_type"] = self._zbs_type_from_info(info)
        if self.imported and (values.get("template_type") or self.template_type) == "2":
            values["supports_uid"] = False  # OTP templates go by phone only (-249)
        self.write(values)
        if self.imported:
            self._zbs_apply_list_params(info.get("listParams") or [])
        status = str(info.get("status") or "").upper()
        if status:
            self._zbs_apply_status(status, reason=info.get("reason") or None)
        quality = str(info.get("templateQuality") or "").upper()
        if quality:
            self._zbs_apply_quality(quality)

    @api.model
    def _zbs_type_from_info(self, info):
        """The template type of a ``template/info`` answer: Zalo does not document a type
        field there; ``templateType`` is read when present, the ``OTP`` tag means OTP."""
        raw = str(info.get("templateType") or info.get("template_type") or "").strip()
        if raw in dict(TEMPLATE_TYPES):
            return raw
        if str(info.get("templateTag") or "").upper() == "OTP":
            return "2"
        return "1"

    def _zbs_apply_list_params(self, list_params, samples=None):
        """Params of an imported template from Zalo's ``listParams`` (kept sources)."""
        self.ensure_one()
        Param = self.env["zalo.zbs.template.param"]
        samples = samples or {}
        existing = {p.name: p for p in self.param_ids}
        for index, item in enumerate(list_params):
            name = str(item.get("name") or "").strip()
            if not name:
                continue
            max_length = int(item.get("maxLength") or 0) or False
            required = bool(item.get("require", True)) and not item.get("acceptNull")
            if name in existing:
                existing[name].write({"max_length": max_length, "required": required})
                continue
            ptype = Param._zbs_guess_type(name, max_length, item.get("type"))
            Param.create(
                {
                    "template_id": self.id,
                    "sequence": 10 + index,
                    "name": name,
                    "param_type": ptype,
                    "max_length": max_length or Param._zbs_type_max(ptype),
                    "required": required,
                    "sample_value": samples.get(name) or False,
                }
            )

    def _zbs_apply_status(self, zalo_status, reason=None, when=None):
        """Move to the state of a Zalo status, post it in the chatter, notify the owner."""
        self.ensure_one()
        state = ZALO_STATES.get(str(zalo_status or "").upper())
        if not state:
            return False
        when = when or fields.Datetime.now()
        if state == self.state:
            values = {"zalo_status_at": max(when, self.zalo_status_at or when)}
            if state == "rejected" and reason and reason != self.rejection_reason:
                values["rejection_reason"] = reason
            self.write(values)
            return False
        labels = dict(self._fields["state"]._description_selection(self.env))
        previous = self.state
        values = {"state": state, "zalo_status_at": when}
        if state == "rejected":
            values["rejection_reason"] = reason or False
        elif state in ("enabled", "pending_review"):
            values["rejection_reason"] = False
        self.write(values)
        if state == "enabled":
            body = _("Zalo approved the template: it can be sent now.")
        elif state == "rejected":
            body = _(
                "Zalo rejected the template. Reason: %s. Correct it, then click «Edit and "
                "resubmit».",
                reason or _("none given"),
            )
        elif state == "disabled":
            body = _(
                "Zalo disabled the template (%s). It cannot be sent until Zalo enables it again.",
                reason or _("no reason given"),
            )
        elif state == "deleted":
            body = _("The template was deleted on Zalo: it can no longer be sent.")
        else:
            body = _(
                "Zalo status: %(new)s (was %(old)s).",
                new=labels[state],
                old=labels.get(previous, previous),
            )
            if reason:
                body += " " + _("Reason: %s", reason)
        partners = self.user_id.partner_id if self.user_id and self.user_id.active else None
        self.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=partners.ids if partners else [],
        )
        if state == "rejected" and self.user_id.active and not self.user_id.share:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Zalo rejected the template «%s»", self.name),
                note=reason or "",
                user_id=self.user_id.id,
            )
        elif state in ("enabled", "pending_review"):
            self._zbs_close_activities(labels[state])
        return True

    def _zbs_close_activities(self, feedback):
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == todo).action_feedback(
            feedback=feedback
        )

    def _zbs_apply_quality(self, quality, reason=None):
        self.ensure_one()
        quality = str(quality or "").upper()
        if quality not in dict(QUALITIES) or quality == self.quality:
            return False
        previous = self.quality
        self.quality = quality
        labels = dict(self._fields["quality"]._description_selection(self.env))
        if previous or quality != "UNDEFINED":
            body = _("Zalo rates the template's quality %s.", labels[quality])
            if quality == "LOW":
                body += " " + _(
                    "Customers report or ignore it: review its content, Zalo disables "
                    "low-quality templates."
                )
            if reason:
                body += " " + _("Reason: %s", reason)
            self.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    @api.model
    def _zbs_template_of_event(self, event_record, event):
        """The template a template webhook event is about (archived ones included)."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("oa_id", "=", event_record.oa_id.id),
                    ("zalo_template_id", "=", str(event.template_id or "")),
                ],
                limit=1,
            )
        )

    @api.model
    def _zbs_on_status_event(self, event_record, event):
        """``change_template_status`` webhook (called from zalo.event)."""
        template = self._zbs_template_of_event(event_record, event)
        if not template:
            event_record.note = _(
                "Template %s is not in Odoo: import the Official Account's templates to follow it.",
                event.template_id,
            )
            return
        when = _ms_to_datetime(event.timestamp) or fields.Datetime.now()
        if template.zalo_status_at and when < template.zalo_status_at - CLOCK_TOLERANCE:
            event_record.note = _("Older than the template's current status: ignored.")
            return
        template._zbs_apply_status(event.new_status, reason=event.reason, when=when)
        event_record.note = _(
            "Template «%(name)s»: %(status)s", name=template.name, status=event.new_status
        )
        if template.state == "enabled":
            # Prices and quality come with template/info; a failure is for the cron.
            try:
                template._zbs_sync_one()
            except ZaloError as err:
                _logger.info(
                    "Zalo template %s: not synchronised after approval: %s", template.id, err
                )

    @api.model
    def _zbs_on_quality_event(self, event_record, event):
        template = self._zbs_template_of_event(event_record, event)
        if not template:
            event_record.note = _("Template %s is not in Odoo.", event.template_id)
            return
        template._zbs_apply_quality(event.new_quality, reason=event.reason)
        event_record.note = _(
            "Template «%(name)s»: quality %(quality)s",
            name=template.name,
            quality=event.new_quality,
        )

    @api.model
    def _cron_sync_templates(self):
        """Status, quality and prices of the submitted templates, and each OA's quota."""
        auto_commit = may_commit(self.env)
        oas = self.env["zalo.oa"].sudo().search([("state", "=", "connected")])
        retry_at = set()
        for oa in oas:
            templates = self.sudo().search(
                [
                    ("oa_id", "=", oa.id),
                    ("zalo_template_id", "!=", False),
                    ("state", "!=", "deleted"),
                ]
            )
            for template in templates:
                try:
                    template._zbs_sync_one()
                except ZaloError as err:
                    _logger.info("Zalo template %s: sync failed: %s", template.id, err)
                    if err.kind in ("network", "server", "rate_limit"):
                        # Zalo unreachable or busy: the OA's templates are synced again
                        # soon rather than at the next hourly run.
                        retry_at.add(fields.Datetime.now() + zalo_retry.delay(err.kind, 4))
                    if err.kind in ("auth", "network", "server", "rate_limit"):
                        break  # the OA as a whole has a problem: next run
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            try:
                self.env["zalo.zbs.quota"]._zbs_refresh(oa)
            except ZaloError as err:
                _logger.info("Zalo OA %s: quota not refreshed: %s", oa.id, err)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if retry_at:
            self.env.ref("zalo_oa_zbs.ir_cron_zalo_zbs_sync_templates").sudo()._trigger(
                at=min(retry_at)
            )

    # ----------------------------------------------------------------- import

    @api.model
    def _zbs_import(self, oa):
        """Create (or update) the templates the OA has on Zalo; return (created, updated)."""
        oa.ensure_one()
        try:
            items = oa._zalo_call("template_list_all", res_model="zalo.oa", res_id=oa.id)
        except ZaloError as err:
            raise UserError(
                _("Zalo did not list the templates: %s", oa._zalo_error_text(err))
            ) from None
        created = updated = self.browse()
        Template = self.sudo().with_context(active_test=False, mail_create_nolog=True)
        for item in items or []:
            template_id = str(item.get("templateId") or item.get("template_id") or "")
            if not template_id:
                continue
            existing = Template.search(
                [("oa_id", "=", oa.id), ("zalo_template_id", "=", template_id)], limit=1
            )
            try:
                info = oa._zalo_call(
                    "template_info", template_id, res_model="zalo.oa", res_id=oa.id
                )
            except ZaloError as err:
                _logger.info("Zalo template %s not imported: %s", template_id, err)
                continue
            if existing:
                existing._zbs_apply_info(info or {})
                updated |= existing
                continue
            try:
                samples = oa._zalo_call(
                    "template_sample_data", template_id, res_model="zalo.oa", res_id=oa.id
                )
            except ZaloError:
                samples = {}
            name = (info.get("templateName") or item.get("templateName") or template_id).strip()
            status = str(info.get("status") or item.get("status") or "").upper()
            template = Template.create(
                {
                    "name": name[: zbs_lint.NAME_LENGTH[1]],
                    "oa_id": oa.id,
                    "zalo_template_id": template_id,
                    "imported": True,
                    "state": ZALO_STATES.get(status, "pending_review"),
                    "rejection_reason": info.get("reason") if status == "REJECT" else False,
                    "tag": ZALO_TAGS.get(str(info.get("templateTag") or "").upper(), "1"),
                    "template_type": self._zbs_type_from_info(info),
                    "supports_uid": self._zbs_type_from_info(info) != "2",
                    "quality": str(info.get("templateQuality") or "").upper() or False,
                    "zalo_status_at": fields.Datetime.now(),
                    "last_sync_at": fields.Datetime.now(),
                    "user_id": self.env.user.id,
                    **self._zbs_price_values(info),
                }
            )
            template._zbs_apply_list_params(
                info.get("listParams") or [], samples if isinstance(samples, dict) else {}
            )
            template.message_post(
                body=_(
                    "Imported from Zalo. Choose the document it is sent from and where each "
                    "param takes its value (Params tab) before sending it."
                ),
                subtype_xmlid="mail.mt_note",
            )
            created |= template
        return created, updated
