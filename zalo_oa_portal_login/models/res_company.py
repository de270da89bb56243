from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    zalo_login_oa_id = fields.Many2one(
        "zalo.oa",
        string="OA used for login",
        ondelete="set null",
        help="Customers log in to the portal with the Zalo app of this Official Account "
        "(Log in with Zalo). Leave empty to hide the button.",
    )

    @api.constrains("zalo_login_oa_id")
    def _check_zalo_login_oa_id(self):
        for company in self:
            oa = company.zalo_login_oa_id.sudo()
            if not oa:
                continue
            if oa.company_id != company:
                raise ValidationError(
                    _(
                        "The OA used for login must belong to the company %(company)s "
                        "(%(oa)s belongs to %(other)s).",
                        company=company.name,
                        oa=oa.name,
                        other=oa.company_id.name,
                    )
                )
            problems = oa._zalo_login_problems()
            if problems:
                raise ValidationError(
                    _("This Official Account cannot be used for login yet:")
                    + "\n- "
                    + "\n- ".join(problems)
                )
