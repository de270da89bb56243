from odoo import _, api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_login_oa_id = fields.Many2one(
        related="company_id.zalo_login_oa_id",
        readonly=False,
        domain="[('company_id', '=', company_id), ('state', '=', 'connected'), "
        "('app_id', '!=', False)]",
    )
    zalo_login_callback_url = fields.Char(
        string="Login callback URL",
        compute="_compute_zalo_login_status",
        help="Register this URL in the Zalo developer console: app, Login (Đăng nhập), "
        "Web platform.",
    )
    zalo_login_problems = fields.Text(
        string="Login prerequisites", compute="_compute_zalo_login_status"
    )
    zalo_login_signup_policy = fields.Char(
        string="Zalo sign-up policy", compute="_compute_zalo_login_status"
    )

    @api.depends("zalo_login_oa_id", "company_id")
    def _compute_zalo_login_status(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        b2c = self.env["res.users"].sudo()._get_signup_invitation_scope() == "b2c"
        policy = (
            _("Anyone may sign up: a Zalo account without a match gets a new portal user.")
            if b2c
            else _(
                "On invitation: only customers matched through a Zalo partner link (or "
                "already linked users) can log in with Zalo."
            )
        )
        for settings in self:
            settings.zalo_login_callback_url = f"{base}/zalo_oa/login/callback"
            oa = settings.zalo_login_oa_id
            settings.zalo_login_problems = "\n".join(oa._zalo_login_problems()) if oa else False
            settings.zalo_login_signup_policy = policy
