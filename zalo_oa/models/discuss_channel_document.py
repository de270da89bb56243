from markupsafe import escape

from odoo import _, models
from odoo.exceptions import AccessError, UserError


class DiscussChannel(models.Model):
    """A business document created from a Zalo conversation (lead, quotation, ticket).

    The bridge addons supply the model, the values and the texts; the checks, the
    company, the links both ways and the notes are the same for all of them.
    """

    _inherit = "discuss.channel"

    def _zalo_create_document(
        self,
        model_name,
        values_hook,
        *,
        not_zalo,
        forbidden,
        note,
        no_customer=None,
        log_origin=True,
    ):
        """Create a ``model_name`` record for the customer of this Zalo conversation.

        In order: the user must read this Zalo conversation (else ``not_zalo`` for another
        channel type), be allowed to create such records (else ``forbidden``) and, with
        ``no_customer``, the conversation must have a customer who can receive documents.
        ``values_hook()`` then returns the values (it may raise a ``UserError`` for a
        missing setting); the record is created in the OA's company and related to the
        conversation, a note in the conversation (``note``, with ``%(user)s`` and
        ``%(document)s``) points to it and, with ``log_origin``, the record's chatter
        names the conversation. The texts are translated by the caller.
        """
        self.ensure_one()
        if self.channel_type != "zalo":
            raise UserError(not_zalo)
        self.check_access_rights("read")
        self.check_access_rule("read")
        Model = self.env[model_name]
        if not Model.check_access_rights("create", raise_exception=False):
            raise AccessError(forbidden)
        if no_customer and not self.sudo()._zalo_customer():
            raise UserError(no_customer)
        company = self.sudo().zalo_oa_id.company_id
        if company:
            Model = Model.with_company(company)
        record = Model.create(values_hook())
        self._zalo_link_document(record, "created")
        self._zalo_post_internal_note(
            escape(note) % {"user": self.env.user.name, "document": record._get_html_link()}
        )
        if log_origin:
            record._message_log(
                body=escape(_("Created from the Zalo conversation %(channel)s."))
                % {"channel": self._zalo_channel_link()}
            )
        return record

    def _zalo_document_title(self):
        """The default title of a document created from the conversation."""
        self.ensure_one()
        channel = self.sudo()
        link = channel.zalo_partner_link_id
        return _(
            "%(customer)s (Zalo %(oa)s)",
            customer=link.partner_id.name or link.zalo_display_name or _("Zalo customer"),
            oa=channel.zalo_oa_id.name,
        )

    def _zalo_document_action(self, record, target="current"):
        """Open ``record`` (a document created from the conversation) in a form view,
        over the conversation with ``target="new"``."""
        action = {
            "type": "ir.actions.act_window",
            "name": record.display_name,
            "res_model": record._name,
            "res_id": record.id,
            "views": [[False, "form"]],
            "target": target,
        }
        if target == "new":
            action["context"] = {"dialog_size": "extra-large"}
        return action
