from markupsafe import Markup, escape

from odoo import _, models
from odoo.addons.zalo_oa.tools.phone import InvalidPhoneError, normalize_phone
from odoo.exceptions import UserError

from ..tools import params as zbs_params


class ZaloZbsTemplate(models.Model):
    """Sending a template from documents: values, recipient, queue, chatter log."""

    _inherit = "zalo.zbs.template"

    # ---------------------------------------------------------------- sending

    def _zbs_record_company(self, record):
        """The company whose conventions format the values of ``record``."""
        company = False
        field = record._fields.get("company_id")
        if field is not None and field.type == "many2one" and field.comodel_name == "res.company":
            company = record.company_id
        return company or self.company_id or self.env.company

    def _zbs_render(self, record, partner=None, values=None):
        """Param values for ``record``: (template_data, {param name: problem text}).

        Values are rendered in the recipient's language (selection labels, names).
        ``values`` ({param name: text}) replaces the rendered value of these params:
        the values reviewed and edited in the composer (checked the same way).
        """
        self.ensure_one()
        values = values or {}
        company = self._zbs_record_company(record)
        lang = (partner.lang if partner else None) or self.env.lang
        record = record.with_context(lang=lang)
        data, problems = {}, {}
        for param in self.param_ids.with_context(lang=lang):
            if param.name in values:
                value = zbs_params.clean_value(values[param.name])
                problem = param._zbs_check_text(value, edited=True)
            else:
                value, problem = param._zbs_value_checked(record, partner=partner, company=company)
            data[param.name] = value
            if problem:
                problems[param.name] = problem
        return data, problems

    def _zbs_recipient(self, record, channel=None, partner=None, development=False):
        """Who gets the message and how.

        The partner's link in this OA (send by Zalo user id, the cheaper channel),
        else their mobile/phone normalised to 84… (send by phone). Development mode
        always sends by phone (Zalo only delivers it to the app's and OA's admins).
        Returns a dict: ``kind`` (zbs_uid/zbs_phone), ``partner``, ``link``,
        ``phone``, ``problem`` (a translated reason, or None).
        """
        self.ensure_one()
        from .zalo_zbs_mixin import call_hook  # avoid an import cycle

        link = self.env["zalo.partner.link"]
        if channel:
            link = channel.zalo_partner_link_id.sudo()
            partner = link.partner_id
        elif partner is None:
            partner = call_hook(record, "_zalo_zbs_partner")
        result = {"kind": False, "partner": partner, "link": link, "phone": False}
        if not partner:
            result["problem"] = _(
                "%s has no customer to send to: set its contact first.", record.display_name
            )
            return result
        if not link:
            link = (
                self.env["zalo.partner.link"]
                .sudo()
                .search(
                    [
                        ("oa_id", "=", self.oa_id.id),
                        ("partner_id", "=", partner.id),
                        ("zalo_user_id", "!=", False),
                    ],
                    order="last_inbound_at desc nulls last, id desc",
                    limit=1,
                )
            )
        result["link"] = link
        if link and self.supports_uid and not development:
            result.update(kind="zbs_uid", problem=None)
            return result
        phone = call_hook(record, "_zalo_zbs_phone", partner) or (link and link.zalo_phone)
        if not phone:
            if development:
                text = _(
                    "Development mode sends by phone number, and %s has none: add the mobile "
                    "number of an admin of the Zalo app or OA.",
                    partner.display_name,
                )
            elif link:
                text = _(
                    "«%(template)s» can only be sent by phone number (Zalo error -249), and "
                    "%(partner)s has none: add a mobile number to the contact.",
                    template=self.name,
                    partner=partner.display_name,
                )
            else:
                text = _(
                    "%(partner)s is not linked to a Zalo account of %(oa)s and has no mobile "
                    "number: add one to the contact.",
                    partner=partner.display_name,
                    oa=self.oa_id.name,
                )
            result["problem"] = text
            return result
        try:
            normalized = normalize_phone(phone, default_region=partner.country_id.code or "VN")
        except InvalidPhoneError:
            result["problem"] = _(
                "The phone number «%(phone)s» of %(partner)s is not valid: correct it on the "
                "contact (e.g. 0912 345 678).",
                phone=phone,
                partner=partner.display_name,
            )
            return result
        result.update(kind="zbs_phone", phone=normalized, problem=None)
        return result

    def _zbs_prepare(self, records, channel=None, partner=None, development=False, values=None):
        """For each record: recipient, rendered values and the reason it cannot be sent.

        ``values``: edited param values, for a single record (see :meth:`_zbs_render`).
        """
        self.ensure_one()
        prepared = []
        for record in records:
            recipient = self._zbs_recipient(
                record, channel=channel, partner=partner, development=development
            )
            data, problems = self._zbs_render(
                record, partner=recipient["partner"] or None, values=values
            )
            reasons = [recipient["problem"]] if recipient.get("problem") else []
            reasons += list(problems.values())
            prepared.append(
                {
                    "record": record,
                    "recipient": recipient,
                    "data": data,
                    "problems": problems,
                    "problem": " ".join(reasons) or None,
                    "problem_kind": "recipient" if recipient.get("problem") else "param",
                }
            )
        return prepared

    def _zbs_recipient_label(self, recipient):
        partner = recipient.get("partner")
        name = partner.display_name if partner else _("nobody")
        if recipient.get("kind") == "zbs_uid":
            return _("%s (Zalo account)", name)
        if recipient.get("kind") == "zbs_phone":
            return _("%(name)s (phone %(phone)s)", name=name, phone=recipient["phone"])
        return name

    def _zbs_log_body(self, item, development=False):
        text = self._zbs_render_text(item["data"])
        lines = Markup("<br/>").join(escape(line) for line in text.splitlines())
        if item["problem"]:
            head = _(
                "Zalo template «%(template)s» not sent to %(to)s: %(reason)s",
                template=self.name,
                to=self._zbs_recipient_label(item["recipient"]),
                reason=item["problem"],
            )
        else:
            head = _(
                "Zalo template «%(template)s» to %(to)s",
                template=self.name,
                to=self._zbs_recipient_label(item["recipient"]),
            )
            if development:
                head += " " + _("(development mode)")
        return Markup('<p>%s</p><blockquote class="o_zalo_zbs_log">%s</blockquote>') % (
            head,
            lines,
        )

    def _zbs_queue(
        self, records, channel=None, partner=None, development=False, batch_ref=None, values=None
    ):
        """Queue this template for ``records`` as ``zalo.message`` rows (not sent yet).

        ``values``: param values edited in the composer (one record only).

        Records that cannot be sent get a ``failed`` row with the reason, so that every
        record has a visible outcome (and a Retry once the data is fixed). Each send is
        logged in the document's chatter, or in the conversation when sent from one.
        """
        self.ensure_one()
        if self.state != "enabled" or not self.zalo_template_id:
            raise UserError(
                _(
                    "«%s» is not approved by Zalo yet: only enabled templates can be sent.",
                    self.name,
                )
            )
        if values and len(records) > 1:
            raise UserError(_("Edited values can only be sent to one document at a time."))
        prepared = self._zbs_prepare(
            records, channel=channel, partner=partner, development=development, values=values
        )
        Message = self.env["zalo.message"].sudo()
        vals_list = []
        for item in prepared:
            recipient = item["recipient"]
            record = item["record"]
            vals = {
                "oa_id": self.oa_id.id,
                "direction": "outbound",
                "message_kind": recipient["kind"] or "zbs_phone",
                "content_type": "template",
                "zbs_template_id": self.id,
                "template_data": item["data"],
                "text": self._zbs_render_text(item["data"]),
                "partner_id": recipient["partner"].id if recipient["partner"] else False,
                "partner_link_id": recipient["link"].id if recipient["link"] else False,
                "phone": recipient["phone"] or False,
                "res_model": record._name,
                "res_id": record.id,
                "channel_id": channel.id if channel else False,
                "author_id": self.env.uid,
                "zbs_development_mode": development,
                "zbs_batch_ref": batch_ref or False,
                "zbs_edited_values": values or False,
                "state": "pending",
            }
            if item["problem"]:
                vals.update(
                    state="failed",
                    failure_reason=item["problem"],
                    failure_kind=item["problem_kind"],
                )
            vals_list.append(vals)
        rows = Message.create(vals_list)
        self._zbs_log_sends(prepared, rows, channel=channel, development=development)
        return rows

    def _zbs_log_sends(self, prepared, rows, channel=None, development=False):
        """Chatter (or conversation) messages of the sends, linked to their rows."""
        self.ensure_one()
        if channel:
            for item, row in zip(prepared, rows, strict=True):
                message = (
                    channel.with_context(zalo_inbound=True, mail_create_nosubscribe=True)
                    .sudo()
                    .message_post(
                        author_id=self.env.user.partner_id.id,
                        body=self._zbs_log_body(item, development),
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
                )
                row.mail_message_id = message
            rows._notify_state_change()
            return
        by_model = {}
        for item, row in zip(prepared, rows, strict=True):
            by_model.setdefault(item["record"]._name, []).append((item, row))
        for model, pairs in by_model.items():
            records = self.env[model].browse([item["record"].id for item, _row in pairs])
            if not hasattr(records, "_message_log_batch"):
                continue
            bodies = {
                item["record"].id: self._zbs_log_body(item, development) for item, _r in pairs
            }
            messages = records._message_log_batch(
                bodies, author_id=self.env.user.partner_id.id, message_type="comment"
            )
            by_res_id = {message.res_id: message for message in messages}
            for item, row in pairs:
                row.mail_message_id = by_res_id.get(item["record"].id, False)
            for item, row in pairs:
                self._zbs_link_conversation(item, row)
        rows._notify_state_change()

    def _zbs_link_conversation(self, item, row):
        """Relate the document to the customer's conversation, when there is one."""
        record = item["record"]
        if record._name in ("res.partner", "discuss.channel"):
            return
        link = item["recipient"]["link"]
        if not link and item["recipient"]["partner"]:
            link = (
                self.env["zalo.partner.link"]
                .sudo()
                .search(
                    [
                        ("oa_id", "=", self.oa_id.id),
                        ("partner_id", "=", item["recipient"]["partner"].id),
                        ("channel_id", "!=", False),
                    ],
                    limit=1,
                )
            )
        channel = link.channel_id if link else False
        if channel:
            channel._zalo_link_document(record, "template")
            row.channel_id = channel
