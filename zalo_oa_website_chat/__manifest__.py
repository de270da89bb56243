{
    "name": "Zalo OA - Website Chat Button",
    "version": "17.0.1.0.0",
    "summary": "Zalo chat widget on the website",
    "category": "Website/Website",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa", "website"],
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/website_templates.xml",
        "views/snippets.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "zalo_oa_website_chat/static/src/scss/zalo_chat.scss",
        ],
    },
    "installable": True,
    "auto_install": False,
    "application": False,
}
