{
    "name": "Zalo OA",
    "version": "17.0.1.0.0",
    "summary": "Chat with Zalo customers in Discuss; OA connection, webhooks, API log",
    "category": "Discuss",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["mail", "phone_validation", "portal"],
    "external_dependencies": {"python": ["requests", "jwt", "cryptography", "phonenumbers"]},
    "data": [
        "security/zalo_oa_security.xml",
        "security/ir.model.access.csv",
        "views/zalo_oa_menus.xml",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
    "auto_install": False,
    "application": True,
}
