import base64
import logging
import re
import threading
from datetime import datetime, timedelta, timezone

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.addons.zalo_oa.tools import messages as zalo_messages
from odoo.addons.zalo_oa.tools import retry as zalo_retry
from odoo.addons.zalo_oa.tools.errors import ZaloError
from odoo.addons.zalo_oa.tools.phone import InvalidPhoneError, normalize_phone
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from ..tools import lint as zbs_lint
from ..tools import params as zbs_params

_logger = logging.getLogger(__name__)

MANAGER = "zalo_oa.group_zalo_manager"

TAGS = [("1", "Transaction"), ("2", "Customer care"), ("3", "Promotion")]
TEMPLATE_TYPES = [
    ("1", "Custom"),
    ("2", "Authentication (OTP)"),
    ("3", "Payment request"),
    ("4", "Voucher"),
    ("5", "Service rating"),
]
STATES = [
    ("draft", "Draft"),
    ("pending_review", "Pending review"),
    ("enabled", "Enabled"),
    ("rejected", "Rejected"),
    ("disabled", "Disabled"),
    ("deleted", "Deleted"),
]
QUALITIES = [
    ("HIGH", "High"),
    ("MEDIUM", "Medium"),
    ("LOW", "Low"),
    ("UNDEFINED", "Undefined"),
]
#: Zalo status (webhook ``new_status``, ``template/info`` ``status``) → state.
ZALO_STATES = {
    "DRAFT": "draft",
    "PENDING_REVIEW": "pending_review",
    "ENABLE": "enabled",
    "REJECT": "rejected",
    "DISABLE": "disabled",
    "DELETE": "deleted",
}
#: ``templateTag`` of ``template/info`` (new names and legacy ZNS tags) → tag.
ZALO_TAGS = {
    "1": "1",
    "2": "2",
    "3": "3",
    "TRANSACTION": "1",
    "OTP": "1",
    "IN_TRANSACTION": "1",
    "POST_TRANSACTION": "1",
    "ACCOUNT_UPDATE": "1",
    "CUSTOMER_CARE": "2",
    "GENERAL_UPDATE": "2",
    "PROMOTION": "3",
    "FOLLOW_UP": "3",
}
#: Button types of the ZBS layout (Zalo's template console; M confidence).
BUTTON_TYPES = [
    ("1", "Open the business's web page"),
    ("2", "Call a phone number"),
    ("3", "Open the OA's information page"),
    ("4", "Open the business's Zalo Mini App"),
    ("5", "Open the app download page"),
    ("6", "Open a product distribution page"),
    ("7", "Open another web page or Mini App"),
    ("8", "Open another app"),
]
PARAGRAPH_SPLIT_RE = re.compile(r"\n\s*\n")
#: A status webhook older than the last known change (minus clock skew) is a late retry.
CLOCK_TOLERANCE = timedelta(minutes=2)


def _testing(env):
    return env.registry.in_test_mode() or getattr(threading.current_thread(), "testing", False)


def _ms_to_datetime(value):
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class ZaloZbsTemplate(models.Model):
    """A ZBS template message: drafted in Odoo, reviewed by Zalo, sent from documents.

    Lifecycle: ``draft`` → (Submit: ``/template/create``) → ``pending_review`` →
    ``enabled`` or ``rejected`` (Edit and resubmit: ``/template/edit``) → Zalo may
    later ``disabled`` (low quality) or ``deleted`` it. The status follows Zalo
    through the ``change_template_status`` webhook, the Sync button and a cron.
    """

    _name = "zalo.zbs.template"
    _description = "Zalo ZBS Template"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(
        required=True,
        tracking=True,
        help="The template name on Zalo: 10 to 60 characters, seen by Zalo's reviewers only.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    oa_id = fields.Many2one(
        "zalo.oa",
        string="Official Account",
        index=True,
        ondelete="cascade",
        tracking=True,
        default=lambda self: self.env["zalo.oa"].search([], limit=1),
        help="Templates belong to one Official Account. Drafts shipped by modules have none "
        "until an administrator chooses it.",
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        help="Notified when Zalo approves, rejects or disables the template.",
    )
    zalo_template_id = fields.Char(
        string="Zalo template ID", readonly=True, copy=False, index="btree_not_null"
    )
    tag = fields.Selection(
        TAGS,
        required=True,
        default="1",
        tracking=True,
        help="Transaction: about an order, payment or account of the customer. Customer care: "
        "service updates. Promotion: marketing (limited per customer, not at night).",
    )
    template_type = fields.Selection(
        TEMPLATE_TYPES,
        string="Template type",
        required=True,
        default="1",
        help="Custom templates are written in Odoo and submitted to Zalo. OTP, payment "
        "request, voucher and service rating templates are import-only: create them in Zalo's "
        "template console, then «Import templates» on the Official Account, and set their type "
        "here if Zalo did not give it.",
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Sent from",
        required=True,
        ondelete="cascade",
        domain=[("is_mail_thread", "=", True), ("transient", "=", False)],
        default=lambda self: self.env["ir.model"]._get("res.partner"),
        help="The kind of document this template is sent from: its fields fill the params.",
    )
    model = fields.Char(related="model_id.model", store=True, index=True, string="Model name")
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    rejection_reason = fields.Text(readonly=True, copy=False)
    quality = fields.Selection(QUALITIES, readonly=True, copy=False, tracking=True)
    price = fields.Float(string="Price (₫)", digits=(16, 0), readonly=True, copy=False)
    price_uid = fields.Float(
        string="Price by Zalo account (₫)", digits=(16, 0), readonly=True, copy=False
    )
    price_phone = fields.Float(
        string="Price by phone (₫)", digits=(16, 0), readonly=True, copy=False
    )
    preview_url = fields.Char(string="Zalo preview", readonly=True, copy=False)
    zalo_status_at = fields.Datetime(string="Status changed on Zalo", readonly=True, copy=False)
    last_sync_at = fields.Datetime(string="Last synchronised", readonly=True, copy=False)
    imported = fields.Boolean(
        readonly=True,
        copy=False,
        help="Created in Zalo's console and imported: Zalo does not give its content back, "
        "only its params.",
    )
    supports_uid = fields.Boolean(
        string="Sendable by Zalo account",
        default=True,
        readonly=True,
        copy=False,
        help="Templates created before 10/12/2025, OTP and journey templates can only be sent "
        "by phone number (Zalo error -249).",
    )

    # Layout (what /template/create takes).
    logo = fields.Image(help="PNG, 400×96 pixels, at most 500 KB: shown in the header.")
    logo_dark = fields.Image(string="Logo (dark mode)", help="Same as the logo when empty.")
    header_image = fields.Image(
        string="Header image", help="JPG or PNG, 16:9, at most 500 KB, instead of the logo."
    )
    title = fields.Char(help="9 to 65 characters, at most 4 params written like <customer_name>.")
    body_text = fields.Text(
        string="Paragraphs",
        help="1 to 4 paragraphs separated by an empty line, 9 to 400 characters each, at most "
        "10 params in all.",
    )
    table_row_ids = fields.One2many(
        "zalo.zbs.template.row", "template_id", string="Table rows", copy=True
    )
    button_ids = fields.One2many(
        "zalo.zbs.template.button", "template_id", string="Buttons", copy=True
    )
    note = fields.Text(
        string="Note for Zalo's reviewer",
        help="At most 400 characters: when and why the message is sent.",
    )
    param_ids = fields.One2many(
        "zalo.zbs.template.param", "template_id", string="Params", copy=True
    )

    lint_html = fields.Html(string="Checks", compute="_compute_lint", sanitize=False)
    lint_error_count = fields.Integer(compute="_compute_lint")
    preview_html = fields.Html(string="Preview", compute="_compute_preview_html", sanitize=False)
    is_editable = fields.Boolean(compute="_compute_is_editable")
    message_zbs_count = fields.Integer(string="Sent", compute="_compute_message_zbs_count")

    _sql_constraints = [
        (
            "oa_required",
            "CHECK(state = 'draft' OR oa_id IS NOT NULL)",
            "A template submitted to Zalo belongs to an Official Account.",
        ),
        (
            "zalo_template_unique",
            "UNIQUE(oa_id, zalo_template_id)",
            "This Zalo template is already in Odoo for this Official Account.",
        ),
    ]

    # ------------------------------------------------------------------ compute

    @api.depends("state", "imported")
    def _compute_is_editable(self):
        for template in self:
            template.is_editable = template.state in ("draft", "rejected") and not template.imported

    def _compute_message_zbs_count(self):
        counts = dict(
            self.env["zalo.message"]
            .sudo()
            ._read_group([("zbs_template_id", "in", self.ids)], ["zbs_template_id"], ["__count"])
        )
        for template in self:
            template.message_zbs_count = counts.get(template, 0)

    @api.depends(
        "name",
        "template_type",
        "title",
        "body_text",
        "logo",
        "header_image",
        "note",
        "table_row_ids.title",
        "table_row_ids.value",
        "button_ids.title",
        "button_ids.content",
        "button_ids.button_type",
        "param_ids.name",
        "param_ids.param_type",
        "param_ids.sample_value",
        "imported",
    )
    def _compute_lint(self):
        for template in self:
            if template.imported:
                template.lint_html = False
                template.lint_error_count = 0
                continue
            issues = template._zbs_lint()
            template.lint_error_count = sum(1 for i in issues if i.level == zbs_lint.ERROR)
            template.lint_html = template._zbs_lint_html(issues)

    @api.depends(
        "title",
        "body_text",
        "table_row_ids.title",
        "table_row_ids.value",
        "button_ids.title",
        "param_ids.name",
        "param_ids.sample_value",
        "logo",
        "header_image",
        "imported",
        "preview_url",
    )
    def _compute_preview_html(self):
        for template in self:
            values = {p.name: p.sample_value or "" for p in template.param_ids if p.name}
            template.preview_html = template._zbs_render_html(values)

    # ------------------------------------------------------------------ layout

    def _zbs_paragraphs(self):
        self.ensure_one()
        text = (self.body_text or "").replace("\r\n", "\n").strip()
        return [p.strip() for p in PARAGRAPH_SPLIT_RE.split(text) if p.strip()]

    def _zbs_lint_spec(self):
        self.ensure_one()
        return {
            "name": self.name,
            "template_type": int(self.template_type or 1),
            "title": self.title,
            "paragraphs": self._zbs_paragraphs(),
            "rows": [(r.title, r.value) for r in self.table_row_ids],
            "buttons": [(b.button_type, b.title, b.content) for b in self.button_ids],
            "has_logo": bool(self.logo),
            "has_image": bool(self.header_image),
            "params": [
                {"name": p.name, "type": int(p.param_type or 0), "sample": p.sample_value}
                for p in self.param_ids
            ],
            "note": self.note,
        }

    def _zbs_lint(self):
        self.ensure_one()
        return zbs_lint.lint(self._zbs_lint_spec())

    @api.model
    def _zbs_lint_text(self, issue):
        """A translated sentence for a :class:`~..tools.lint.Issue`."""
        a = issue.args
        texts = {
            "name_length": lambda: _(
                "The name must be %(min)s to %(max)s characters long (it has %(length)s).", **a
            ),
            "type_not_custom": lambda: _(
                "Only custom templates can be created from Odoo: create the other types in "
                "Zalo's console, then import them."
            ),
            "no_title": lambda: _("Write a title."),
            "title_length": lambda: _(
                "The title must be %(min)s to %(max)s characters long (it has %(length)s).", **a
            ),
            "title_params": lambda: _(
                "The title uses %(count)s params; Zalo allows at most %(max)s.", **a
            ),
            "no_paragraph": lambda: _("Write at least one paragraph."),
            "too_many_paragraphs": lambda: _(
                "There are %(count)s paragraphs; Zalo allows at most %(max)s (separate them with "
                "an empty line).",
                **a,
            ),
            "paragraph_length": lambda: _(
                "Paragraph %(index)s must be %(min)s to %(max)s characters long (it has "
                "%(length)s).",
                **a,
            ),
            "paragraph_params": lambda: _(
                "The paragraphs use %(count)s params; Zalo allows at most %(max)s.", **a
            ),
            "table_rows": lambda: _(
                "The table has %(count)s rows; Zalo wants %(min)s to %(max)s (or no table).", **a
            ),
            "row_title_length": lambda: _(
                "The title of table row %(index)s must be %(min)s to %(max)s characters long "
                "(it has %(length)s).",
                **a,
            ),
            "row_value_length": lambda: _(
                "The value of table row %(index)s must be %(min)s to %(max)s characters long "
                "(it has %(length)s).",
                **a,
            ),
            "row_title_param": lambda: _(
                "The title of table row %(index)s cannot contain a param.", **a
            ),
            "row_value_params": lambda: _(
                "The value of table row %(index)s may contain at most %(max)s param.", **a
            ),
            "buttons_count": lambda: _(
                "There are %(count)s buttons; Zalo allows at most %(max)s.", **a
            ),
            "button_title_length": lambda: _(
                "The title of button %(index)s must be %(min)s to %(max)s characters long "
                "(it has %(length)s).",
                **a,
            ),
            "button_content_missing": lambda: _(
                "Button %(index)s needs a link or a phone number.", **a
            ),
            "image_needs_button": lambda: _("A template with a header image needs a button."),
            "no_logo_or_image": lambda: _(
                "Zalo's reviewers expect a logo or an image in the header."
            ),
            "param_name_invalid": lambda: _(
                "The param name «%(name)s» is not valid: use lower-case letters, digits and "
                "underscores, without accents or spaces (e.g. customer_name).",
                **a,
            ),
            "param_duplicate": lambda: _("The param «%(name)s» is declared twice.", **a),
            "param_sample_missing": lambda: _(
                "The param «%(name)s» needs a sample value: Zalo's reviewers read it.", **a
            ),
            "param_sample_too_long": lambda: _(
                "The sample value of «%(name)s» has %(length)s characters; its type allows "
                "%(max)s.",
                **a,
            ),
            "undeclared_param": lambda: _(
                "The text uses <%(name)s> but no such param is declared: add it in the Params tab.",
                **a,
            ),
            "unused_param": lambda: _(
                "The param «%(name)s» is declared but not used in the text.", **a
            ),
            "note_length": lambda: _(
                "The note has %(length)s characters; Zalo allows at most %(max)s.", **a
            ),
            "anh_chi": lambda: _(
                "Do not address the customer as «anh/chị»: Zalo rejects it. Use «bạn» or "
                "«quý khách»."
            ),
            "url_in_text": lambda: _(
                "Links in the text are rejected by Zalo: put them in a button instead."
            ),
            "phone_in_text": lambda: _(
                "Phone numbers in the text are rejected by Zalo: use a «Call» button instead."
            ),
            "symbols": lambda: _("Icons and special characters are rejected by Zalo: remove them."),
            "word_sms": lambda: _("Zalo rejects templates that mention «SMS»."),
        }
        builder = texts.get(issue.code)
        return builder() if builder else issue.code

    def _zbs_lint_html(self, issues):
        if not issues:
            return Markup('<div class="text-success">%s</div>') % _(
                "Ready to submit: no problem found."
            )
        items = Markup("").join(
            Markup('<li class="%s">%s</li>')
            % (
                "text-danger" if issue.level == zbs_lint.ERROR else "text-warning",
                self._zbs_lint_text(issue),
            )
            for issue in issues
        )
        return Markup("<ul class='mb-0'>%s</ul>") % items

    def _zbs_layout(self, media=None):
        """The ``layout`` of /template/create (zalo-platform.md §4.3), with uploaded media ids."""
        self.ensure_one()
        media = media or {}
        header = []
        if media.get("logo"):
            header.append(
                {
                    "LOGO": {
                        "light": {"type": "IMAGE", "media_id": media["logo"]},
                        "dark": {
                            "type": "IMAGE",
                            "media_id": media.get("logo_dark") or media["logo"],
                        },
                    }
                }
            )
        if media.get("header_image"):
            header.append(
                {"IMAGE": {"items": [{"type": "IMAGE", "media_id": media["header_image"]}]}}
            )
        body = []
        if self.title:
            body.append({"TITLE": {"value": self.title.strip()}})
        body += [{"PARAGRAPH": {"value": p}} for p in self._zbs_paragraphs()]
        if self.table_row_ids:
            body.append(
                {
                    "TABLE": {
                        "rows": [
                            {"title": r.title.strip(), "value": r.value.strip(), "row_type": 0}
                            for r in self.table_row_ids
                        ]
                    }
                }
            )
        layout = {}
        if header:
            layout["header"] = {"components": header}
        layout["body"] = {"components": body}
        if self.button_ids:
            layout["footer"] = {
                "components": [
                    {
                        "BUTTONS": {
                            "items": [
                                {
                                    "type": int(b.button_type),
                                    "title": b.title.strip(),
                                    "content": b.content.strip(),
                                }
                                for b in self.button_ids
                            ]
                        }
                    }
                ]
            }
        return layout

    def _zbs_render_lines(self, values):
        """The text of the template with ``values`` substituted, as (kind, text) lines."""
        self.ensure_one()

        def sub(text):
            return zbs_lint.PARAM_RE.sub(
                lambda m: values.get(m.group(1)) or m.group(0), (text or "").strip()
            )

        lines = []
        if self.title:
            lines.append(("title", sub(self.title)))
        lines += [("paragraph", sub(p)) for p in self._zbs_paragraphs()]
        lines += [("row", (r.title or "", sub(r.value))) for r in self.table_row_ids]
        lines += [("button", b.title or "") for b in self.button_ids]
        return lines

    def _zbs_render_text(self, values):
        """Plain text of the rendered template (kept on the outbound message)."""
        self.ensure_one()
        out = []
        for kind, text in self._zbs_render_lines(values):
            if kind == "row":
                out.append(f"{text[0]}: {text[1]}")
            elif kind == "button":
                out.append(f"[{text}]")
            else:
                out.append(text)
        if not out:  # imported: Zalo does not give the content back
            out = [f"{name}: {value}" for name, value in values.items()]
        return "\n".join(out)

    def _zbs_render_html(self, values, problems=None):
        """HTML preview (composer, template form) with ``values`` substituted."""
        self.ensure_one()
        problems = problems or {}
        lines = self._zbs_render_lines(values)
        parts = []
        if self.logo or self.header_image:
            parts.append(
                Markup('<div class="text-muted small mb-1">%s</div>')
                % (_("[Logo]") if self.logo else _("[Image]"))
            )
        rows = []
        for kind, text in lines:
            if kind == "title":
                parts.append(Markup('<div class="fw-bold mb-1">%s</div>') % text)
            elif kind == "paragraph":
                parts.append(Markup('<p class="mb-1">%s</p>') % text)
            elif kind == "row":
                rows.append(
                    Markup('<tr><td class="text-muted pe-3">%s</td><td>%s</td></tr>') % text
                )
            elif kind == "button":
                if rows:
                    parts.append(Markup('<table class="mb-1">%s</table>') % Markup("").join(rows))
                    rows = []
                parts.append(
                    Markup('<span class="btn btn-sm btn-outline-primary me-1 disabled">%s</span>')
                    % text
                )
        if rows:
            parts.append(Markup('<table class="mb-1">%s</table>') % Markup("").join(rows))
        if not lines:
            # Imported templates: the params, and Zalo's own preview page.
            items = Markup("").join(
                Markup('<tr><td class="text-muted pe-3">&lt;%s&gt;</td><td>%s</td></tr>')
                % (name, value)
                for name, value in values.items()
            )
            parts.append(Markup('<table class="mb-1">%s</table>') % items)
            if self.preview_url:
                parts.append(
                    Markup('<a href="%s" target="_blank" rel="noopener">%s</a>')
                    % (self.preview_url, _("See the template on Zalo"))
                )
        if problems:
            items = Markup("").join(
                Markup("<li>%s</li>") % text for text in problems.values() if text
            )
            parts.append(Markup('<ul class="text-danger mb-0 mt-1">%s</ul>') % items)
        return Markup('<div class="o_zalo_zbs_preview border rounded p-2">%s</div>') % Markup(
            ""
        ).join(parts)

    # ---------------------------------------------------------------- onchange

    @api.onchange("title", "body_text", "table_row_ids")
    def _onchange_detect_params(self):
        """Declare the params the text uses (name, type guessed from the name)."""
        used = zbs_lint.PARAM_RE.findall(
            "\n".join(
                [self.title or "", self.body_text or ""]
                + [r.value or "" for r in self.table_row_ids]
            )
        )
        declared = set(self.param_ids.mapped("name"))
        Param = self.env["zalo.zbs.template.param"]
        for name in dict.fromkeys(used):
            if name in declared or not zbs_lint.PARAM_NAME_RE.match(name):
                continue
            ptype = Param._zbs_guess_type(name)
            self.param_ids += Param.new(
                {"name": name, "param_type": ptype, "sequence": 10 + len(self.param_ids)}
            )

    # ----------------------------------------------------------------- checks

    @api.constrains("name")
    def _check_name(self):
        for template in self:
            if template.name and len(template.name.strip()) > zbs_lint.NAME_LENGTH[1]:
                raise ValidationError(
                    _(
                        "The template name «%(name)s» is too long: Zalo allows at most %(max)s "
                        "characters.",
                        name=template.name,
                        max=zbs_lint.NAME_LENGTH[1],
                    )
                )

    def _check_manager(self):
        if not (self.env.su or self.env.user.has_group(MANAGER)):
            raise AccessError(
                _("Only Zalo administrators can submit templates to Zalo or import them.")
            )

    # ------------------------------------------------------------------- CRUD

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._zbs_ensure_bindings()
        return templates

    def write(self, vals):
        if vals.get("template_type") == "2":
            vals = dict(vals, supports_uid=False)  # OTP templates go by phone only (-249)
        res = super().write(vals)
        if "model_id" in vals:
            self._zbs_ensure_bindings()
        return res

    def unlink(self):
        sent = self.filtered("zalo_template_id").filtered(
            lambda t: t.state in ("pending_review", "enabled")
        )
        if sent and not self.env.context.get("zalo_zbs_force_unlink"):
            raise UserError(
                _(
                    "The template «%s» is live on Zalo. Archive it instead of deleting it "
                    "(delete it in Zalo's console if it must go).",
                    sent[0].name,
                )
            )
        return super().unlink()

    def copy(self, default=None):
        default = dict(default or {})
        default.setdefault("name", _("%s (copy)", self.name)[: zbs_lint.NAME_LENGTH[1]])
        return super().copy(default)

    def _zbs_ensure_bindings(self):
        """A "Send via Zalo" entry in the Action menu of every model templates are sent from."""
        composer = self.env["ir.model"]._get("zalo.zbs.composer")
        Action = self.env["ir.actions.act_window"].sudo()
        for model in self.sudo().mapped("model_id"):
            exists = Action.search_count(
                [("res_model", "=", "zalo.zbs.composer"), ("binding_model_id", "=", model.id)]
            )
            if exists or not composer:
                continue
            Action.create(
                {
                    "name": _("Send via Zalo"),
                    "res_model": "zalo.zbs.composer",
                    "view_mode": "form",
                    "target": "new",
                    "binding_model_id": model.id,
                    "binding_view_types": "list,form",
                    "groups_id": [(4, self.env.ref("zalo_oa.group_zalo_user").id)],
                }
            )

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
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_message")
        action["domain"] = [("zbs_template_id", "=", self.id)]
        action["context"] = {}
        return action

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
    def _zbs_on_status_event(self, event_record, event):
        """``change_template_status`` webhook (called from zalo.event)."""
        template = (
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
        template = (
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
        auto_commit = not _testing(self.env)
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
