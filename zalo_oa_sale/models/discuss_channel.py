from odoo import _, models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def action_zalo_create_quotation(self):
        """ "Create Quotation" thread action: a draft quotation for the customer, opened."""
        self.ensure_one()
        return self._zalo_document_action(self._zalo_create_quotation())

    def execute_command_quotation(self, **kwargs):
        """``/quotation`` typed in a Zalo conversation (registered in static/src).

        The same quotation as the button, opened in a dialog over the conversation (the
        web client runs the returned action); an error creates nothing.
        """
        self.ensure_one()
        return self._zalo_document_action(self._zalo_create_quotation(), target="new")

    def _zalo_create_quotation(self):
        """A draft quotation for the customer of this Zalo conversation, linked both ways."""
        return self._zalo_create_document(
            "sale.order",
            lambda: self.env["sale.order"]._zalo_quotation_values(self),
            not_zalo=_("Quotations can only be created from a Zalo conversation here."),
            forbidden=_("You are not allowed to create quotations: ask for access to Sales."),
            no_customer=_("This conversation has no customer to quote."),
            note=_("%(user)s created the quotation %(document)s."),
        )
