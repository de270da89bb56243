from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: Zalo's official widget script (docs/zalo-api.md §6.1).
ZALO_SDK_URL = "https://sp.zalo.me/plugins/sdk.js"
#: Deep link that opens a chat with the OA in the Zalo app (§6.1, ad-blocker fallback).
ZALO_CHAT_LINK = "https://zalo.me/"
DEFAULT_WIDTH = 350
DEFAULT_HEIGHT = 420


class Website(models.Model):
    _inherit = "website"

    zalo_chat_enabled = fields.Boolean(
        string="Zalo chat widget",
        help="Show Zalo's chat widget on the pages of this website.",
    )
    zalo_chat_oa_id = fields.Many2one(
        "zalo.oa",
        string="Zalo Official Account",
        ondelete="set null",
        domain="[('company_id', '=', company_id)]",
        help="Visitors chat with this Official Account; their messages reach Discuss like "
        "any other Zalo message.",
    )
    zalo_chat_welcome_message = fields.Char(
        string="Welcome message",
        translate=True,
        default=lambda self: _("Hello! How can we help you?"),
    )
    zalo_chat_autopopup = fields.Integer(
        string="Open automatically after (seconds)",
        default=0,
        help="0 never opens the chat by itself.",
    )
    zalo_chat_width = fields.Integer(
        string="Widget width (px)", default=DEFAULT_WIDTH, help="0 keeps Zalo's default."
    )
    zalo_chat_height = fields.Integer(
        string="Widget height (px)", default=DEFAULT_HEIGHT, help="0 keeps Zalo's default."
    )
    zalo_chat_hidden_paths = fields.Text(
        string="Hide the widget on",
        help="One URL path per line. /shop hides /shop and every page under it; /shop* "
        "hides every path starting with /shop; / hides the home page only. Paths are "
        "compared without the language prefix (/vi/shop is /shop).",
    )

    @api.constrains(
        "zalo_chat_enabled",
        "zalo_chat_oa_id",
        "zalo_chat_autopopup",
        "zalo_chat_width",
        "zalo_chat_height",
    )
    def _check_zalo_chat(self):
        for website in self:
            oa = website.zalo_chat_oa_id.sudo()
            if website.zalo_chat_enabled and not oa:
                raise ValidationError(
                    _("Choose the Zalo Official Account of the chat widget of %s.", website.name)
                )
            if oa and oa.company_id != website.company_id:
                raise ValidationError(
                    _(
                        "The Official Account %(oa)s belongs to %(company)s, not to the company "
                        "of the website %(website)s.",
                        oa=oa.name,
                        company=oa.company_id.name,
                        website=website.name,
                    )
                )
            if (
                min(website.zalo_chat_autopopup, website.zalo_chat_width, website.zalo_chat_height)
                < 0
            ):
                raise ValidationError(
                    _("The delay and the size of the Zalo chat cannot be negative.")
                )

    # ---------------------------------------------------------------- widget

    def _zalo_chat_rules(self):
        self.ensure_one()
        rules = []
        for line in (self.zalo_chat_hidden_paths or "").splitlines():
            rule = line.strip()
            if not rule or rule.startswith("#"):
                continue
            rules.append(rule if rule.startswith("/") else f"/{rule}")
        return rules

    def _zalo_chat_is_hidden(self, path):
        """Whether ``path`` (with or without a language prefix) is a hidden page."""
        self.ensure_one()
        rules = self._zalo_chat_rules()
        if not rules:
            return False
        path = path or "/"
        candidates = {path}
        segments = path.split("/", 2)
        url_codes = set(self.language_ids.mapped("url_code"))
        if len(segments) > 1 and segments[1] in url_codes:
            candidates.add("/" + (segments[2] if len(segments) > 2 else ""))
        for candidate in candidates:
            for rule in rules:
                if rule.endswith("*"):
                    if candidate.startswith(rule[:-1]):
                        return True
                elif rule == "/":
                    if candidate == "/":
                        return True
                else:
                    base = rule.rstrip("/")
                    if candidate == base or candidate.startswith(base + "/"):
                        return True
        return False

    def _zalo_chat_widget(self, path):
        """The attributes of the widget for this page, or None when nothing is shown."""
        self.ensure_one()
        website = self.sudo()
        oa = website.zalo_chat_oa_id
        if not (website.zalo_chat_enabled and oa.active and oa.zalo_oa_ref):
            return None
        if self._zalo_chat_is_hidden(path):
            return None
        return {
            "oaid": oa.zalo_oa_ref,
            "welcome_message": self.zalo_chat_welcome_message or "",
            "autopopup": str(max(self.zalo_chat_autopopup, 0)),
            "width": str(self.zalo_chat_width) if self.zalo_chat_width > 0 else None,
            "height": str(self.zalo_chat_height) if self.zalo_chat_height > 0 else None,
            "sdk_url": ZALO_SDK_URL,
        }

    def _zalo_chat_deep_link(self):
        """``https://zalo.me/<OA id>``: opens the chat in the Zalo app (no script)."""
        self.ensure_one()
        zalo_oa_ref = self.sudo().zalo_chat_oa_id.zalo_oa_ref
        return f"{ZALO_CHAT_LINK}{zalo_oa_ref}" if zalo_oa_ref else ZALO_CHAT_LINK
