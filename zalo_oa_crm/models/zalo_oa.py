from odoo import _, fields, models


class ZaloOA(models.Model):
    _inherit = "zalo.oa"

    crm_source_id = fields.Many2one(
        "utm.source",
        string="Lead source",
        copy=False,
        ondelete="set null",
        help="UTM source of the leads created from this Official Account's conversations. "
        "Created with the first lead when empty.",
    )
    crm_lead_count = fields.Integer(string="Leads", compute="_compute_crm_lead_count")

    def _compute_crm_lead_count(self):
        medium = self.env.ref("zalo_oa.utm_medium_zalo_oa", raise_if_not_found=False)
        sources = self.crm_source_id
        counts = {}
        if sources and self.env["crm.lead"].check_access_rights("read", raise_exception=False):
            domain = [("source_id", "in", sources.ids)]
            if medium:
                domain.append(("medium_id", "=", medium.id))
            groups = (
                self.env["crm.lead"]
                .with_context(active_test=False)
                ._read_group(domain, ["source_id"], ["__count"])
            )
            counts = {source.id: count for source, count in groups}
        for oa in self:
            oa.crm_lead_count = counts.get(oa.crm_source_id.id, 0)

    def _zalo_crm_source(self):
        """The UTM source of this OA's leads, created on first use (keeps the OA's name)."""
        self.ensure_one()
        oa = self.sudo()
        if not oa.crm_source_id:
            oa.crm_source_id = (
                self.env["utm.source"].sudo().create({"name": _("Zalo OA: %(oa)s", oa=oa.name)})
            )
        return oa.crm_source_id

    def action_view_crm_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("source_id", "=", self.crm_source_id.id)]
        action["context"] = {"active_test": False, "create": False}
        return action
