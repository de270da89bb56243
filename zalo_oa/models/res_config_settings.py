from odoo import fields, models

# Defaults mirror ``tools.endpoints.DEFAULT_URLS``; a database points these system
# parameters at the Zalo simulator for demos and end-to-end tests.
OPENAPI_URL = "https://openapi.zalo.me"
OAUTH_URL = "https://oauth.zaloapp.com"
BUSINESS_URL = "https://business.openapi.zalo.me"
GRAPH_URL = "https://graph.zalo.me"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zalo_openapi_url = fields.Char(
        string="Zalo OpenAPI URL",
        config_parameter="zalo_oa.openapi_url",
        default=OPENAPI_URL,
        help="Base URL of Zalo's OA API (messages, users, uploads).",
    )
    zalo_oauth_url = fields.Char(
        string="Zalo OAuth URL",
        config_parameter="zalo_oa.oauth_url",
        default=OAUTH_URL,
        help="Base URL of Zalo's OAuth v4 server (connection and token refresh).",
    )
    zalo_business_url = fields.Char(
        string="Zalo Business API URL",
        config_parameter="zalo_oa.business_url",
        default=BUSINESS_URL,
        help="Base URL of Zalo's ZBS template API.",
    )
    zalo_graph_url = fields.Char(
        string="Zalo Graph URL",
        config_parameter="zalo_oa.graph_url",
        default=GRAPH_URL,
        help="Base URL of Zalo's Graph API (social login profile).",
    )
    zalo_api_log_retention_days = fields.Integer(
        string="Keep API logs (days)",
        config_parameter="zalo_oa.api_log_retention_days",
        default=30,
        help="API log rows older than this are deleted every day. 0 keeps them forever.",
    )
    zalo_event_retention_days = fields.Integer(
        string="Keep processed events (days)",
        config_parameter="zalo_oa.event_retention_days",
        default=30,
        help="Processed webhook events older than this are deleted every day; events in "
        "error are kept. Conversations and messages are never deleted. 0 keeps them forever.",
    )
