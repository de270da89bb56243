"""Templates by use: the template a bridge addon proposes for an event (order confirmed,
ticket created, payment request...), and the fields that choose one per company or team."""

from odoo import api, fields, models

USER = "zalo_oa.group_zalo_user"


def template_field(model, string, *, company="id", **kwargs):
    """A Many2one choosing a ZBS template of ``model`` in the record's company or shared;
    ``company`` names the company field in the domain (``id`` on a company itself)."""
    return fields.Many2one(
        "zalo.zbs.template",
        string=string,
        domain=f"[('model', '=', '{model}'), ('company_id', 'in', [{company}, False])]",
        ondelete="set null",
        **kwargs,
    )


def template_setting(model, related):
    """The settings' editable copy of a company's :func:`template_field`."""
    return fields.Many2one(
        related=related,
        readonly=False,
        domain=f"[('model', '=', '{model}'), ('company_id', 'in', [company_id, False])]",
    )


class ZaloZbsTemplate(models.Model):
    _inherit = "zalo.zbs.template"

    @api.model
    def _zalo_template_for(self, model, usage_field, usage, company=None):
        """The ``model`` template whose ``usage_field`` is ``usage``, in ``company`` or
        shared: an enabled one first."""
        domain = [("model", "=", model), (usage_field, "=", usage)]
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        templates = self.search(domain)
        return templates.filtered(lambda t: t.state == "enabled")[:1] or templates[:1]
