from odoo import api, fields, models
from odoo.addons.zalo_oa.tools import endpoints as zalo_endpoints


class AuthOAuthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    zalo_app_id = fields.Char(
        string="Zalo App ID",
        readonly=True,
        copy=False,
        index=True,
        help="Set on the providers that bind users to a Zalo app (Log in with Zalo). "
        "They are driven by the Zalo login flow (OAuth v4 + PKCE), never by the "
        "generic OAuth implicit flow.",
    )

    _sql_constraints = [
        ("zalo_app_id_unique", "UNIQUE(zalo_app_id)", "One Zalo login provider per Zalo app."),
    ]

    @api.model
    def _zalo_provider(self, app_id):
        """The (disabled) provider that holds the bindings of one Zalo app; created once.

        Zalo's Social Login ids are app-scoped (docs/zalo-api.md §5.3), so users are
        bound with ``oauth_provider_id`` = this provider and ``oauth_uid`` = ``/me.id``.
        """
        app_id = str(app_id or "").strip()
        provider = self.sudo().with_context(active_test=False)
        found = provider.search([("zalo_app_id", "=", app_id)], limit=1)
        if found:
            return found
        urls = self.env["zalo.oa"]._zalo_urls()
        return provider.create(
            {
                "name": f"Zalo (app {app_id})",
                "zalo_app_id": app_id,
                "client_id": app_id,
                "enabled": False,
                "auth_endpoint": zalo_endpoints.join_url(
                    urls["oauth"], zalo_endpoints.OAUTH_PERMISSION
                ),
                "validation_endpoint": zalo_endpoints.join_url(
                    urls["graph"], zalo_endpoints.GRAPH_ME
                ),
                "scope": "id,name,picture",
                "body": "Log in with Zalo",
                "css_class": "fa fa-fw fa-comment text-primary",
            }
        )
