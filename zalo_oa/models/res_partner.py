from odoo import api, fields, models

from ..tools.phone import InvalidPhoneError, normalize_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    zalo_link_ids = fields.One2many("zalo.partner.link", "partner_id", string="Zalo links")
    zalo_link_count = fields.Integer(compute="_compute_zalo_link_count", string="Zalo")
    zalo_phone_normalized = fields.Char(
        compute="_compute_zalo_phone_normalized",
        store=True,
        index="btree_not_null",
        help="Mobile (or phone) in Zalo's 84… form, used to match Zalo users to contacts.",
    )

    @api.depends("mobile", "phone", "country_id")
    def _compute_zalo_phone_normalized(self):
        for partner in self:
            value = False
            region = partner.country_id.code or "VN"
            for number in (partner.mobile, partner.phone):
                if not number:
                    continue
                try:
                    value = normalize_phone(number, default_region=region)
                    break
                except InvalidPhoneError:
                    continue
            partner.zalo_phone_normalized = value

    def _compute_zalo_link_count(self):
        counts = dict(
            self.env["zalo.partner.link"]
            .sudo()
            ._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.zalo_link_count = counts.get(partner, 0)

    @api.model
    def _zalo_match_phone(self, phone, company=None):
        """The one contact whose normalised phone is ``phone`` (84…), else nothing.

        The phone shared on Zalo is typed by the customer: it is no proof of identity.
        The contact of an internal user is never matched (the conversation would be
        authored as the employee, and their contact linked to a stranger's Zalo account).
        """
        domain = [("zalo_phone_normalized", "=", phone)]
        if company:
            domain += [("company_id", "in", [False, company.id])]
        partners = self.sudo().search(domain, limit=2)
        if len(partners) != 1:
            return self.browse()
        if partners.with_context(active_test=False).user_ids.filtered(lambda u: not u.share):
            return self.browse()
        return partners

    def action_view_zalo_links(self):
        """Smart button: the contact's Zalo conversation in Discuss (one click), the list of
        their conversations when there are several, else their partner links."""
        self.ensure_one()
        channels = self.env["discuss.channel"].search(
            [("channel_type", "=", "zalo"), ("zalo_partner_link_id.partner_id", "=", self.id)]
        )
        if len(channels) == 1:
            return channels.action_zalo_open()
        if channels:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "zalo_oa.action_zalo_conversation"
            )
            action["domain"] = [("id", "in", channels.ids)]
            action["context"] = {}
            return action
        action = self.env["ir.actions.act_window"]._for_xml_id("zalo_oa.action_zalo_partner_link")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action
