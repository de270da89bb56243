from odoo import _, api, fields, models
from odoo.exceptions import UserError


def default_partner(record):
    """The contact a document is about: itself for a contact, else its ``partner_id``."""
    if record._name == "res.partner":
        return record
    field = record._fields.get("partner_id")
    if field is not None and field.type == "many2one" and field.comodel_name == "res.partner":
        return record.partner_id
    return record.env["res.partner"]


def default_phone(record, partner):
    """The number to send to when the contact has no Zalo link: mobile, else phone."""
    return (partner.mobile or partner.phone or False) if partner else False


DEFAULTS = {
    "_zalo_zbs_partner": default_partner,
    "_zalo_zbs_phone": default_phone,
}


def call_hook(record, name, *args):
    """``record.<name>(*args)`` when the model inherits the mixin, else the default.

    The composer works on any ``mail.thread`` model; models that inherit
    ``zalo.zbs.mixin`` can override the hooks.
    """
    method = getattr(record, name, None)
    if method is not None:
        return method(*args)
    return DEFAULTS[name](record, *args)


class ZaloZbsMixin(models.AbstractModel):
    """«Send via Zalo» for a document: ZBS templates filled from its fields.

    Inherit it next to ``mail.thread`` (``_inherit = ["sale.order", "zalo.zbs.mixin"]``)
    and add a button calling :meth:`action_zalo_send`. Override the ``_zalo_zbs_*``
    hooks to choose the recipient, the phone number, the default template or the
    value of a param (see readme/USAGE.md).
    """

    _name = "zalo.zbs.mixin"
    _description = "Send ZBS templates via Zalo"

    zalo_zbs_message_ids = fields.One2many(
        "zalo.message",
        "res_id",
        string="Zalo template messages",
        domain=lambda self: [("res_model", "=", self._name), ("message_kind", "!=", "cs")],
        groups="zalo_oa.group_zalo_user",
    )
    zalo_zbs_message_count = fields.Integer(
        string="Zalo messages",
        compute="_compute_zalo_zbs_message_count",
        groups="zalo_oa.group_zalo_user",
    )

    def _compute_zalo_zbs_message_count(self):
        counts = dict(
            self.env["zalo.message"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("message_kind", "!=", "cs"),
                ],
                ["res_id"],
                ["__count"],
            )
        )
        for record in self:
            record.zalo_zbs_message_count = counts.get(record.id, 0)

    # ------------------------------------------------------------------ hooks

    def _zalo_zbs_partner(self):
        """The contact to send to (default: the document's ``partner_id``)."""
        self.ensure_one()
        return default_partner(self)

    def _zalo_zbs_phone(self, partner):
        """The phone number used when ``partner`` has no Zalo link (default: mobile/phone)."""
        self.ensure_one()
        return default_phone(self, partner)

    #: ``user_id.…`` params of a document without a user name someone else
    #: (see :meth:`_zalo_zbs_stand_in_user`): set it on orders, tickets...
    _zalo_zbs_user_stand_in = False

    def _zalo_zbs_param_value(self, param):
        """The value of ``param`` for this document, or None to use the param's source.

        With ``_zalo_zbs_user_stand_in``, a ``user_id.…`` field param of a document
        whose ``user_id`` is empty names :meth:`_zalo_zbs_stand_in_user` instead.
        """
        path = param.field_path or ""
        if (
            self._zalo_zbs_user_stand_in
            and param.source == "field"
            and path.startswith("user_id.")
            and "user_id" in self._fields
            and not self.user_id
        ):
            user = self._zalo_zbs_stand_in_user()
            if user:
                company = param.template_id._zbs_record_company(self)
                value, field, owner = param._zbs_read_path(user, path.split(".", 1)[1])
                if field is None:
                    return value or ""
                return param._zbs_format_field(value, field, owner, company)
        return None

    def _zalo_zbs_stand_in_user(self):
        """Who a document without a user is from: its team's leader, else the employee
        who sends (automatic sends: who acted), never the superuser."""
        self.ensure_one()
        team = self.team_id if "team_id" in self._fields else None
        user = team.user_id if team and "user_id" in team._fields else self.env["res.users"]
        if not user and self.env.user._is_internal() and not self.env.user._is_superuser():
            user = self.env.user
        return user

    def _zalo_zbs_on_rating(self, message, answer):
        """The customer answered a service-rating template sent from this document.

        ``message`` is the ``zalo.message`` that asked (its ``zbs_rating``,
        ``zbs_rating_note`` and ``zbs_rated_at`` are set, and a note is already in the
        chatter); ``answer`` is what Zalo reported (see ``tools/rating.py``). Override
        to keep the rating on the document itself (default: nothing more).
        """
        return None

    def _zalo_zbs_default_template(self, templates):
        """The template pre-selected in the composer among ``templates`` (the first one)."""
        return templates[:1]

    def _zalo_zbs_oa(self):
        """The Official Accounts whose templates are offered (default: all the user sees)."""
        return self.env["zalo.oa"].search([("state", "=", "connected")])

    # ---------------------------------------------------------------- helpers

    def _zalo_zbs_format_amount(self, amount, currency=None, max_length=None, style="auto"):
        """``1.234.567 ₫`` for Vietnamese companies (see zalo.zbs.template.param)."""
        company = self[:1].company_id if "company_id" in self._fields else None
        return self.env["zalo.zbs.template.param"]._zbs_format_amount(
            amount, currency, company, max_length=max_length, style=style
        )

    def _zalo_zbs_format_date(self, value, with_time=False):
        """``21/11/2026`` (``21/11/2026 14:30``) for Vietnamese companies."""
        company = self[:1].company_id if "company_id" in self._fields else None
        return self.env["zalo.zbs.template.param"]._zbs_format_date(
            value, company, with_time=with_time
        )

    # ---------------------------------------------------------------- actions

    def action_zalo_send(self):
        """Open the composer on these documents (one: single mode; several: batch)."""
        if not self:
            raise UserError(_("Select the documents to send a Zalo message for."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Send via Zalo"),
            "res_model": "zalo.zbs.composer",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": self.ids,
                "active_id": self.ids[0],
            },
        }

    def action_view_zalo_zbs_messages(self):
        return self.env["zalo.message"]._action_view(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("message_kind", "!=", "cs"),
            ]
        )

    @api.model
    def _zalo_zbs_templates(self):
        """Enabled templates of this model the user may send."""
        return self.env["zalo.zbs.template"].search(
            [("model", "=", self._name), ("state", "=", "enabled")]
        )

    def _zalo_zbs_send(self, template, development=False, send_now=False):
        """Queue ``template`` for these documents without the composer (automatic sends).

        Returns the ``zalo.message`` rows; they are sent by the queue (at once when
        ``send_now``). Documents that cannot be sent get a failed row with the reason. A
        template that is not enabled is not sent (a note says so): nothing is raised.
        """
        if template.state != "enabled" or not template.zalo_template_id:
            # Automatic sends must not break the business flow that triggers them.
            for record in self.filtered(lambda r: hasattr(r, "_message_log")):
                record._message_log(
                    body=_(
                        "Zalo template «%s» not sent: it is not approved by Zalo (anymore).",
                        template.name,
                    )
                )
            return self.env["zalo.message"]
        rows = template._zbs_queue(self, development=development)
        pending = rows.filtered(lambda r: r.state == "pending")
        if send_now:
            pending._send()
        elif pending:
            pending._trigger_queue()
        return rows
