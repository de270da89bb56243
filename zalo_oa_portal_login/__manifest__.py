{
    "name": "Zalo OA - Portal Login",
    "version": "17.0.1.0.0",
    "summary": "Log in to the customer portal with Zalo",
    "category": "Website",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa", "auth_oauth"],
    "external_dependencies": {"python": ["requests", "pyjwt"]},
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/auth_templates.xml",
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "zalo_oa_portal_login/static/src/scss/zalo_login.scss",
        ],
    },
    "installable": True,
    "auto_install": False,
    "application": False,
}
