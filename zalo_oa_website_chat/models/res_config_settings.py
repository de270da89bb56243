from odoo import _, api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    website_zalo_chat_company_id = fields.Many2one(
        related="website_id.company_id", string="Website company (Zalo chat)"
    )
    website_zalo_chat_enabled = fields.Boolean(
        related="website_id.zalo_chat_enabled", readonly=False
    )
    website_zalo_chat_oa_id = fields.Many2one(
        related="website_id.zalo_chat_oa_id",
        readonly=False,
        domain="[('company_id', '=', website_zalo_chat_company_id)]",
    )
    website_zalo_chat_welcome_message = fields.Char(
        related="website_id.zalo_chat_welcome_message", readonly=False
    )
    website_zalo_chat_autopopup = fields.Integer(
        related="website_id.zalo_chat_autopopup", readonly=False
    )
    website_zalo_chat_width = fields.Integer(related="website_id.zalo_chat_width", readonly=False)
    website_zalo_chat_height = fields.Integer(related="website_id.zalo_chat_height", readonly=False)
    website_zalo_chat_hidden_paths = fields.Text(
        related="website_id.zalo_chat_hidden_paths", readonly=False
    )
    website_zalo_chat_warning = fields.Char(compute="_compute_website_zalo_chat_warning")

    @api.depends("website_zalo_chat_enabled", "website_zalo_chat_oa_id")
    def _compute_website_zalo_chat_warning(self):
        for settings in self:
            oa = settings.website_zalo_chat_oa_id.sudo()
            warning = False
            if settings.website_zalo_chat_enabled and oa and not oa.zalo_oa_ref:
                warning = _(
                    "The Official Account %s is not connected yet: the widget appears once "
                    "it is connected (Zalo's OA id is needed).",
                    oa.name,
                )
            settings.website_zalo_chat_warning = warning
