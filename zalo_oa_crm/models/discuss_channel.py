from odoo import _, models


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

    def action_zalo_create_lead(self):
        """ "Create Lead" thread action: create the lead, then open it."""
        self.ensure_one()
        return self._zalo_document_action(self._zalo_create_lead())

    # ------------------------------------------------------------------ logic

    def _zalo_create_lead(self, name=None):
        """A lead for the customer of this Zalo conversation, linked both ways."""
        return self._zalo_create_document(
            "crm.lead",
            lambda: self._zalo_lead_values(name),
            not_zalo=_("Leads can only be created from a Zalo conversation here."),
            forbidden=_("You are not allowed to create leads: ask for CRM access."),
            note=_("%(user)s created the lead %(document)s."),
            log_origin=False,
        )

    def _zalo_lead_values(self, name=None):
        self.ensure_one()
        channel = self.sudo()
        oa = channel.zalo_oa_id
        link = channel.zalo_partner_link_id
        partner = link.partner_id
        user = self.env.user
        values = {
            "name": name or self._zalo_document_title(),
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
