import re
from datetime import datetime, timedelta, timezone

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import lint as zbs_lint

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
