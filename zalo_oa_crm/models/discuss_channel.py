from markupsafe import escape

from odoo import _, models
from odoo.exceptions import AccessError, UserError


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    # ------------------------------------------------------------ /lead command

    def execute_command_lead(self, **kwargs):
        """``/lead [title]`` typed in a conversation (registered in static/src).

        In a Zalo conversation the lead is created for the customer at once (the title
        is optional); other channel types keep their own ``/lead`` (crm_livechat).
        """
        if any(channel.channel_type != "zalo" for channel in self):
            parent = getattr(super(), "execute_command_lead", None)
            return parent(**kwargs) if parent else False
        return self.zalo_execute_command_lead(**kwargs)

    def zalo_execute_command_lead(self, **kwargs):
        """``/lead`` in a Zalo conversation; the web client calls it by this name."""
        self.ensure_one()
        text = self._zalo_command_argument(kwargs.get("body"), "lead")
        self._zalo_create_lead(name=text or None)
        return True

    # ------------------------------------------------------------------ button

    def zalo_action_create_lead(self):
        """ "Create Lead" thread action: create the lead, then open it."""
        self.ensure_one()
        lead = self._zalo_create_lead()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "views": [[False, "form"]],
            "target": "current",
        }

    # ------------------------------------------------------------------ logic

    def _zalo_create_lead(self, name=None):
        """A lead for the customer of this Zalo conversation, linked both ways."""
        self.ensure_one()
        if self.channel_type != "zalo":
            raise UserError(_("Leads can only be created from a Zalo conversation here."))
        self.check_access_rights("read")
        self.check_access_rule("read")
        if not self.env["crm.lead"].check_access_rights("create", raise_exception=False):
            raise AccessError(_("You are not allowed to create leads: ask for CRM access."))
        lead = self.env["crm.lead"].create(self._zalo_lead_values(name))
        self._zalo_link_document(lead, "created")
        self._zalo_post_lead_note(lead)
        return lead

    def _zalo_lead_values(self, name=None):
        self.ensure_one()
        channel = self.sudo()
        oa = channel.zalo_oa_id
        link = channel.zalo_partner_link_id
        partner = link.partner_id
        user = self.env.user
        values = {
            "name": name
            or _(
                "%(customer)s (Zalo %(oa)s)",
                customer=partner.name or link.zalo_display_name or _("Zalo customer"),
                oa=oa.name,
            ),
            "partner_id": partner.id,
            "medium_id": self.env.ref("zalo_oa.utm_medium_zalo_oa").id,
            "source_id": oa._zalo_crm_source().id,
            "description": channel._zalo_history_html(),
            "company_id": oa.company_id.id,
            # Operators are often customer service, not sales: assign only salespeople.
            "user_id": user.id if user.has_group("sales_team.group_sale_salesman") else False,
        }
        if link.zalo_phone and not (partner.phone or partner.mobile):
            values["phone"] = f"+{link.zalo_phone}"
        return values

    def _zalo_post_lead_note(self, lead):
        """A note in the conversation pointing to the new lead (never sent to Zalo)."""
        body = escape(_("%(user)s created the lead %(lead)s.")) % {
            "user": self.env.user.name,
            "lead": lead._get_html_link(),
        }
        self._zalo_post_internal_note(body)
