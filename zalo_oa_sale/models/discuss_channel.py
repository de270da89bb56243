from markupsafe import escape

from odoo import _, models
from odoo.exceptions import AccessError, UserError


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def zalo_action_create_quotation(self):
        """ "Create Quotation" thread action: a draft quotation for the customer, opened."""
        self.ensure_one()
        order = self._zalo_create_quotation()
        return self._zalo_quotation_action(order)

    def execute_command_quotation(self, **kwargs):
        """``/quotation`` typed in a Zalo conversation (registered in static/src).

        The same quotation as the button, opened in a dialog over the conversation (the
        web client runs the returned action); an error creates nothing.
        """
        self.ensure_one()
        order = self._zalo_create_quotation()
        return self._zalo_quotation_action(order, target="new")

    def _zalo_quotation_action(self, order, target="current"):
        action = {
            "type": "ir.actions.act_window",
            "name": order.name,
            "res_model": "sale.order",
            "res_id": order.id,
            "views": [[False, "form"]],
            "target": target,
        }
        if target == "new":
            action["context"] = {"dialog_size": "extra-large"}
        return action

    def _zalo_create_quotation(self):
        """A draft quotation for the customer of this Zalo conversation, linked both ways."""
        self.ensure_one()
        if self.channel_type != "zalo":
            raise UserError(_("Quotations can only be created from a Zalo conversation here."))
        self.check_access_rights("read")
        self.check_access_rule("read")
        Order = self.env["sale.order"]
        if not Order.check_access_rights("create", raise_exception=False):
            raise AccessError(
                _("You are not allowed to create quotations: ask for access to Sales.")
            )
        if not self.sudo()._zalo_customer():
            raise UserError(_("This conversation has no customer to quote."))
        company = self.sudo().zalo_oa_id.company_id
        if company:
            Order = Order.with_company(company)
        order = Order.create(Order._zalo_quotation_values(self))
        self._zalo_link_document(order, "created")
        self._zalo_post_quotation_note(order)
        order._message_log(
            body=escape(_("Created from the Zalo conversation %(channel)s."))
            % {
                "channel": self._zalo_channel_link(),
            }
        )
        return order

    def _zalo_post_quotation_note(self, order):
        """A note in the conversation pointing to the new quotation (never sent to Zalo)."""
        body = escape(_("%(user)s created the quotation %(order)s.")) % {
            "user": self.env.user.name,
            "order": order._get_html_link(),
        }
        self._zalo_post_internal_note(body)
