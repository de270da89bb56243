from odoo import _, api, fields, models
from odoo.addons.zalo_oa.tools.errors import ZaloError
from odoo.exceptions import UserError


class ZaloOA(models.Model):
    _inherit = "zalo.oa"

    zbs_template_ids = fields.One2many("zalo.zbs.template", "oa_id", string="ZBS templates")
    zbs_template_count = fields.Integer(string="Templates", compute="_compute_zbs_template_count")
    zbs_development_mode = fields.Boolean(
        string="ZBS development mode",
        help="Template messages are sent with Zalo's development mode: only the admins of the "
        "Zalo app and of the OA receive them (by phone number). For trying templates out.",
    )
    zbs_daily_quota = fields.Integer(string="Daily ZBS quota", compute="_compute_zbs_quota")
    zbs_remaining_quota = fields.Integer(
        string="ZBS messages left today", compute="_compute_zbs_quota"
    )
    zbs_quota_updated_at = fields.Datetime(string="Quota reported on", compute="_compute_zbs_quota")
    zbs_quota_exhausted_until = fields.Datetime(
        string="Quota spent until", compute="_compute_zbs_quota"
    )
    zbs_quota_summary = fields.Char(string="ZBS quota", compute="_compute_zbs_quota")

    def _compute_zbs_template_count(self):
        counts = dict(
            self.env["zalo.zbs.template"]._read_group(
                [("oa_id", "in", self.ids)], ["oa_id"], ["__count"]
            )
        )
        for oa in self:
            oa.zbs_template_count = counts.get(oa, 0)

    def _compute_zbs_quota(self):
        quotas = {
            q.oa_id.id: q
            for q in self.env["zalo.zbs.quota"].sudo().search([("oa_id", "in", self.ids)])
        }
        for oa in self:
            quota = quotas.get(oa.id)
            oa.zbs_daily_quota = quota.daily_quota if quota else 0
            oa.zbs_remaining_quota = quota.remaining_quota if quota else 0
            oa.zbs_quota_updated_at = quota.updated_at if quota else False
            oa.zbs_quota_exhausted_until = (
                quota.exhausted_until if quota and quota._zbs_is_exhausted() else False
            )
            oa.zbs_quota_summary = (
                quota._zbs_summary() if quota else _("Quota not known yet: click «Refresh quota».")
            )

    def action_zbs_refresh_quota(self):
        self.ensure_one()
        try:
            quota = self.env["zalo.zbs.quota"]._zbs_refresh(self.sudo())
        except ZaloError as err:
            raise UserError(
                _("Zalo did not give the quota: %s", self._zalo_error_text(err))
            ) from None
        return self._notify(quota._zbs_summary(), "info")

    def action_zbs_import_templates(self):
        """Import the templates this OA already has on Zalo (with their params)."""
        self.ensure_one()
        self.env["zalo.zbs.template"]._check_manager()
        if self.state != "connected":
            raise UserError(
                _("Connect the Official Account %s before importing its templates.", self.name)
            )
        created, updated = self.env["zalo.zbs.template"]._zbs_import(self.sudo())
        if created:
            message = _(
                "%(created)s template(s) imported, %(updated)s updated. Set where each param "
                "takes its value before sending them.",
                created=len(created),
                updated=len(updated),
            )
        else:
            message = _(
                "No new template on Zalo; %s already imported template(s) updated.", len(updated)
            )
        action = self.action_view_zbs_templates()
        action["domain"] = [("id", "in", (created | updated).ids)] if created else action["domain"]
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        return action

    def action_view_zbs_templates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "zalo_oa_zbs.action_zalo_zbs_template"
        )
        action["domain"] = [("oa_id", "=", self.id)]
        action["context"] = {"default_oa_id": self.id}
        return action

    @api.model
    def _zbs_connected(self):
        return self.search([("state", "=", "connected")])
