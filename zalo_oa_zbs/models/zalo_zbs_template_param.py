import datetime as dt
import re

import pytz

from odoo import _, api, fields, models
from odoo.addons.zalo_oa.tools.messages import PARAM_TYPES
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.tools import format_date, format_datetime, formatLang, html2plaintext

from ..tools import formatting
from ..tools import params as zbs_params

PARAM_TYPE_SELECTION = [
    ("1", "Name (30)"),
    ("2", "Phone (15)"),
    ("3", "Address (200)"),
    ("4", "Code (30)"),
    ("5", "Label (30)"),
    ("6", "Status (30)"),
    ("7", "Contact (50)"),
    ("8", "Title / gender (5)"),
    ("9", "Product (200)"),
    ("10", "Quantity (20)"),
    ("11", "Time (20)"),
    ("12", "OTP (10)"),
    ("13", "URL (200)"),
    ("14", "Currency (12)"),
    ("15", "Bank transfer note (90)"),
]
#: Where a param takes its value. Extend with ``selection_add`` and a method
#: ``_zbs_value_<source>(record)`` on this model (see readme/USAGE.md).
SOURCES = [
    ("field", "Field of the document"),
    ("fixed", "Fixed text"),
    ("portal_url", "Portal link of the document"),
    ("user", "Current user"),
    ("date", "Date"),
    ("amount", "Amount"),
]
PATH_SOURCES = ("field", "date", "amount")
#: Words of a param name → likely Zalo param type (import, detection while typing).
NAME_HINTS = [
    (("phone", "mobile", "sdt", "hotline", "dien_thoai"), "2"),
    (("address", "dia_chi", "diachi"), "3"),
    (("url", "link", "website"), "13"),
    (("amount", "price", "total", "money", "tien", "gia", "cost", "fee", "due"), "14"),
    (("qty", "quantity", "so_luong", "soluong"), "10"),
    (("date", "time", "ngay", "thoi_gian", "gio", "deadline"), "11"),
    (("otp",), "12"),
    (("status", "state", "trang_thai"), "6"),
    (("product", "san_pham", "item"), "9"),
    (("note", "content", "noi_dung", "memo"), "15"),
    (("name", "ten", "customer", "khach_hang"), "1"),
    (("code", "ref", "number", "id", "ma", "invoice", "order"), "4"),
]
VN_TZ = "Asia/Ho_Chi_Minh"


class ZbsValueError(Exception):
    """A param value cannot be computed for a record (the message is translated)."""


class ZaloZbsTemplateParam(models.Model):
    """A ``<param>`` of a template: its Zalo type and where its value comes from.

    The value for a record is computed by ``_zbs_value_<source>(record)``; the
    document model may override any param with ``_zalo_zbs_param_value(param)``
    (see :class:`~.zalo_zbs_mixin.ZaloZbsMixin`). Values are checked against the
    type and maximum length before sending.
    """

    _name = "zalo.zbs.template.param"
    _description = "Zalo ZBS Template Param"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "zalo.zbs.template", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    model = fields.Char(related="template_id.model", string="Document model")
    sequence = fields.Integer(default=10)
    name = fields.Char(
        required=True,
        help="As written in the text between < and >: lower-case letters, digits and "
        "underscores (e.g. customer_name).",
    )
    param_type = fields.Selection(
        PARAM_TYPE_SELECTION,
        string="Zalo type",
        required=True,
        default="5",
        help="Zalo's technical type of the param; it sets the maximum length.",
    )
    max_length = fields.Integer(
        compute="_compute_max_length",
        store=True,
        readonly=False,
        help="Values longer than this are refused before sending.",
    )
    required = fields.Boolean(default=True, help="Zalo refuses a message where it is empty.")
    source = fields.Selection(SOURCES, required=True, default="field")
    field_path = fields.Char(
        string="Field",
        help="Field of the document, dotted for related records: partner_id.name, "
        "partner_id.mobile, amount_total, date_order. For «Current user», a field of the user "
        "(name when empty).",
    )
    fixed_value = fields.Char(string="Text")
    amount_style = fields.Selection(
        [
            ("auto", "Readable, shortened to fit"),
            ("formatted", "With separators and currency"),
            ("digits", "Digits only"),
        ],
        default="auto",
        help="Readable: 1.234.567 ₫ when it fits the maximum length, else 1.234.567, else 1234567.",
    )
    date_style = fields.Selection(
        [("date", "Date"), ("datetime", "Date and time")],
        default="date",
        help="Vietnamese companies: 21/11/2026 or 21/11/2026 14:30. For a date source, today "
        "when no field is given.",
    )
    sample_value = fields.Char(help="Shown to Zalo's reviewers and in the preview.")
    source_label = fields.Char(string="Value from", compute="_compute_source_label")

    _sql_constraints = [
        (
            "name_unique",
            "UNIQUE(template_id, name)",
            "A param name is used only once per template.",
        ),
    ]

    # ---------------------------------------------------------------- compute

    @api.model
    def _zbs_type_max(self, param_type):
        try:
            return PARAM_TYPES[int(param_type)][1]
        except (KeyError, TypeError, ValueError):
            return 0

    @api.depends("param_type")
    def _compute_max_length(self):
        for param in self:
            param.max_length = self._zbs_type_max(param.param_type)

    @api.depends("source", "field_path", "fixed_value", "template_id.model", "date_style")
    def _compute_source_label(self):
        sources = dict(self._fields["source"]._description_selection(self.env))
        for param in self:
            label = sources.get(param.source, "")
            if param.source in (*PATH_SOURCES, "user") and param.field_path:
                model = "res.users" if param.source == "user" else param.model
                try:
                    chain = self._zbs_path_fields(model, param.field_path)
                    label = " › ".join(f.string for f in chain)
                except ValueError:
                    label = param.field_path
            elif param.source == "fixed":
                label = f"«{param.fixed_value or ''}»"
            param.source_label = label

    # ------------------------------------------------------------ guessing

    @api.model
    def _zbs_guess_type(self, name, max_length=None, zalo_type=None):
        """The likely Zalo type of a param from its name (and Zalo's maxLength/type)."""
        tokens = set(re.split(r"[_\W]+", (name or "").lower()))
        joined = (name or "").lower()
        guess = "5"
        for words, code in NAME_HINTS:
            if any(w in tokens or ("_" in w and w in joined) for w in words):
                guess = code
                break
        if str(zalo_type or "").upper() == "NUMBER" and guess not in ("10", "14"):
            guess = "14" if max_length == PARAM_TYPES[14][1] else "10"
        if max_length and PARAM_TYPES[int(guess)][1] != max_length:
            same = [str(code) for code, (_m, size) in PARAM_TYPES.items() if size == max_length]
            if same:
                guess = same[0]
        return guess

    # -------------------------------------------------------------- checks

    @api.constrains("name")
    def _check_name(self):
        for param in self:
            if not re.match(r"^[A-Za-z0-9_]{1,30}$", param.name or ""):
                raise ValidationError(
                    _(
                        "The param name «%s» is not valid: use letters, digits and underscores "
                        "only, without accents or spaces (e.g. customer_name).",
                        param.name,
                    )
                )

    @api.constrains("source", "field_path", "template_id")
    def _check_field_path(self):
        for param in self:
            if not param.field_path or param.source not in (*PATH_SOURCES, "user"):
                continue
            model = "res.users" if param.source == "user" else param.template_id.model
            if not model:
                continue
            try:
                chain = self._zbs_path_fields(model, param.field_path)
            except ValueError as exc:
                raise ValidationError(
                    _("Param «%(name)s»: %(error)s", name=param.name, error=exc)
                ) from None
            last = chain[-1]
            if param.source == "date" and last.type not in ("date", "datetime"):
                raise ValidationError(
                    _(
                        "Param «%(name)s»: «%(path)s» is not a date field. Use the source "
                        "«Field of the document» for other values.",
                        name=param.name,
                        path=param.field_path,
                    )
                )
            if param.source == "amount" and last.type not in ("monetary", "float", "integer"):
                raise ValidationError(
                    _(
                        "Param «%(name)s»: «%(path)s» is not an amount. Use the source «Field "
                        "of the document» for other values.",
                        name=param.name,
                        path=param.field_path,
                    )
                )

    @api.model
    def _zbs_path_fields(self, model_name, path):
        """The fields of a dotted path on ``model_name``; ValueError names the bad part."""
        if model_name not in self.env:
            raise ValueError(_("the model %s is not installed", model_name))
        model = self.env[model_name]
        chain = []
        parts = [p.strip() for p in (path or "").split(".")]
        for index, part in enumerate(parts):
            field = model._fields.get(part)
            if field is None:
                raise ValueError(
                    _(
                        "«%(part)s» is not a field of %(model)s (in «%(path)s»)",
                        part=part,
                        model=model._description,
                        path=path,
                    )
                )
            chain.append(field)
            if index < len(parts) - 1:
                if not field.relational:
                    raise ValueError(
                        _(
                            "«%(part)s» is not a related record, nothing can follow it (in "
                            "«%(path)s»)",
                            part=part,
                            path=path,
                        )
                    )
                model = self.env[field.comodel_name]
        return chain

    # ------------------------------------------------------------- formatting

    @api.model
    def _zbs_is_vietnamese(self, company):
        company = company or self.env.company
        if company.country_id:
            return company.country_id.code == "VN"
        return company.currency_id.name == "VND"

    @api.model
    def _zbs_tz(self, company=None):
        company = company or self.env.company
        tz = self.env.user.tz or company.partner_id.tz
        if not tz:
            tz = VN_TZ if self._zbs_is_vietnamese(company) else "UTC"
        try:
            return pytz.timezone(tz)
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    @api.model
    def _zbs_format_amount(
        self, amount, currency=None, company=None, max_length=None, style="auto"
    ):
        """An amount as Zalo customers read it.

        Vietnamese companies: ``1.234.567 ₫`` (``auto`` shortens to ``1.234.567`` or
        ``1234567`` when ``max_length`` requires); others: the language's format.
        """
        company = company or self.env.company
        currency = currency or company.currency_id
        amount = amount or 0.0
        decimals = currency.decimal_places if currency else 0
        if currency and currency.name == "VND":
            decimals = 0
        symbol = currency.symbol if currency else None
        if style == "digits":
            return formatting.amount_candidates(amount, symbol, decimals)[-1]
        if self._zbs_is_vietnamese(company):
            if style == "formatted":
                return formatting.format_vn_amount(amount, symbol, decimals)
            return formatting.fit_amount(amount, max_length, symbol, decimals)
        text = formatLang(self.env, amount, currency_obj=currency) if currency else str(amount)
        if style == "formatted" or not max_length or len(text) <= max_length:
            return text
        plain = formatLang(self.env, amount, digits=decimals)
        if len(plain) <= max_length:
            return plain
        return formatting.amount_candidates(amount, None, decimals)[-1]

    @api.model
    def _zbs_format_date(self, value, company=None, with_time=False):
        """A date (or datetime, shown in the user's timezone) for a Zalo param.

        Vietnamese companies: ``21/11/2026`` or ``21/11/2026 14:30``; others: the
        language's format.
        """
        if not value:
            return ""
        company = company or self.env.company
        if isinstance(value, dt.datetime):
            local = pytz.utc.localize(value).astimezone(self._zbs_tz(company)).replace(tzinfo=None)
        else:
            local = value
        if self._zbs_is_vietnamese(company):
            if with_time:
                return formatting.format_vn_datetime(local)
            return formatting.format_vn_date(local)
        if with_time and isinstance(value, dt.datetime):
            return format_datetime(
                self.env, value, tz=self._zbs_tz(company).zone, dt_format="short"
            )
        return format_date(self.env, local)

    def _zbs_format_field(self, value, field, owner, company):
        """A field value as text: labels for selections, names for records, formats."""
        if field.type == "boolean":
            return _("Yes") if value else _("No")
        if value is False or value is None:
            return ""
        if field.type == "many2one":
            return value.display_name or ""
        if field.type in ("one2many", "many2many"):
            return ", ".join(n for n in value.mapped("display_name") if n)
        if field.type == "selection":
            labels = dict(field._description_selection(owner.env))
            return labels.get(value, value)
        if field.type == "date":
            return self._zbs_format_date(value, company)
        if field.type == "datetime":
            return self._zbs_format_date(value, company, with_time=self.date_style == "datetime")
        if field.type == "monetary":
            currency = None
            if field.currency_field in owner._fields:
                currency = owner[field.currency_field]
            return self._zbs_format_amount(
                value, currency, company, self.max_length, self.amount_style
            )
        if field.type == "float":
            if self._zbs_is_vietnamese(company):
                decimals = 0 if float(value).is_integer() else 2
                return formatting.format_vn_number(value, decimals)
            return formatLang(self.env, value)
        if field.type == "html":
            return html2plaintext(value or "")
        return str(value)

    # ---------------------------------------------------------------- values

    def _zbs_read_path(self, record, path):
        """(value, last field, record owning it) of a dotted path, as the current user."""
        current = record
        value, field, owner = False, None, record
        parts = [p.strip() for p in (path or "").split(".")]
        for part in parts:
            field = current._fields.get(part)
            if field is None:
                raise ZbsValueError(
                    _(
                        "«%(part)s» is not a field of %(model)s",
                        part=part,
                        model=current._description,
                    )
                )
            owner = current
            try:
                if not current:
                    return False, field, owner
                if len(current) > 1 and not field.relational:
                    value = ", ".join(str(v) for v in current.mapped(part) if v)
                    return value, None, owner
                value = current.mapped(part) if len(current) > 1 else current[part]
            except (AccessError, MissingError):
                raise ZbsValueError(
                    _(
                        "you cannot read «%(field)s» of %(model)s",
                        field=field.string,
                        model=current._description,
                    )
                ) from None
            current = value
        return value, field, owner

    def _zbs_value_fixed(self, record, company):
        return self.fixed_value or ""

    def _zbs_value_field(self, record, company):
        if not self.field_path:
            raise ZbsValueError(_("no field is set for it on the template"))
        value, field, owner = self._zbs_read_path(record, self.field_path)
        if field is None:
            return value or ""
        return self._zbs_format_field(value, field, owner, company)

    def _zbs_value_date(self, record, company):
        with_time = self.date_style == "datetime"
        if not self.field_path:
            if with_time:
                return self._zbs_format_date(fields.Datetime.now(), company, with_time=True)
            today = dt.datetime.now(self._zbs_tz(company)).date()
            return self._zbs_format_date(today, company)
        value, _field, _owner = self._zbs_read_path(record, self.field_path)
        return self._zbs_format_date(value, company, with_time=with_time)

    def _zbs_value_amount(self, record, company):
        if not self.field_path:
            raise ZbsValueError(_("no amount field is set for it on the template"))
        value, field, owner = self._zbs_read_path(record, self.field_path)
        currency = None
        if field is not None and field.type == "monetary" and field.currency_field in owner._fields:
            currency = owner[field.currency_field]
        elif "currency_id" in record._fields:
            currency = record.currency_id
        if value is False or value is None:
            return ""
        return self._zbs_format_amount(
            value, currency or None, company, self.max_length, self.amount_style
        )

    def _zbs_value_portal_url(self, record, company):
        access_url = record["access_url"] if "access_url" in record._fields else False
        if not access_url or access_url == "#" or not hasattr(record, "get_portal_url"):
            raise ZbsValueError(_("%s has no customer portal page to link to", record._description))
        return record.get_base_url() + record.sudo().get_portal_url()

    def _zbs_value_user(self, record, company):
        user = self.env.user
        if not self.field_path:
            return user.name or ""
        value, field, owner = self._zbs_read_path(user, self.field_path)
        if field is None:
            return value or ""
        return self._zbs_format_field(value, field, owner, company)

    def _zbs_value(self, record, company=None):
        """The raw text of this param for ``record`` (the mixin hook first)."""
        self.ensure_one()
        company = company or self.template_id._zbs_record_company(record)
        hook = getattr(record, "_zalo_zbs_param_value", None)
        if hook is not None:
            value = hook(self)
            if value is not None:
                return str(value)
        method = getattr(self, f"_zbs_value_{self.source}", None)
        if method is None:
            raise ZbsValueError(_("its source «%s» is not available", self.source))
        return method(record, company)

    def _zbs_value_checked(self, record, partner=None, company=None):
        """(value, problem text or None) for ``record``, after Zalo's checks."""
        self.ensure_one()
        try:
            raw = self._zbs_value(record, company)
        except ZbsValueError as exc:
            return "", _("«%(param)s» cannot be filled: %(error)s.", param=self.name, error=exc)
        value = zbs_params.clean_value(raw)
        return value, self._zbs_check_text(value)

    def _zbs_type_hint(self):
        """What a value of this param looks like, for the user typing it (translated)."""
        self.ensure_one()
        hints = {
            "2": _("a phone number (8 to 15 digits)"),
            "10": _("a number"),
            "11": _("a date or time"),
            "12": _("4 to 10 letters or digits"),
            "13": _("a link starting with http:// or https://"),
            "14": _("an amount"),
        }
        hint = hints.get(self.param_type)
        if hint and self.max_length:
            return _("%(hint)s, at most %(max)s characters", hint=hint, max=self.max_length)
        if self.max_length:
            return _("Text, at most %s characters", self.max_length)
        return hint or _("Text")

    def _zbs_check_text(self, value, edited=False):
        """The translated reason ``value`` cannot be sent for this param, or None.

        ``edited``: the value was typed by the user (the messages do not point at
        the param's source then).
        """
        self.ensure_one()
        value = zbs_params.clean_value(value)
        problem = zbs_params.check_value(
            int(self.param_type or 0), value, self.max_length or None, self.required
        )
        if not problem:
            return None
        if problem.code == zbs_params.MISSING:
            if edited:
                return _("«%s» is empty: Zalo requires a value.", self.name)
            return _(
                "«%(param)s» is empty (%(origin)s).", param=self.name, origin=self.source_label
            )
        if problem.code == zbs_params.TOO_LONG:
            return _(
                "«%(param)s» has %(length)s characters, Zalo allows %(max)s: «%(value)s».",
                param=self.name,
                length=len(value),
                max=problem.detail,
                value=value,
            )
        hints = {
            2: _("a phone number"),
            10: _("a number"),
            11: _("a date or time"),
            12: _("4 to 10 letters or digits"),
            13: _("a link starting with http:// or https://"),
            14: _("an amount"),
        }
        return _(
            "«%(param)s» should be %(hint)s, not «%(value)s».",
            param=self.name,
            hint=hints.get(problem.detail, _("a valid value")),
            value=value,
        )
