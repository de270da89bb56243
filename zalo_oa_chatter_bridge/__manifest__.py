{
    "name": "Zalo OA - Chatter Bridge",
    "version": "17.0.1.0.0",
    "summary": "Mirror Zalo conversations into the chatter of related documents",
    "category": "Discuss",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
        "security/zalo_chatter_bridge_security.xml",
        "data/mail_message_subtype_data.xml",
        "views/zalo_conversation_document_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_backend": ["zalo_oa_chatter_bridge/static/src/**/*"],
        "web.assets_tests": ["zalo_oa_chatter_bridge/static/tests/tours/**/*"],
    },
    "installable": True,
    "auto_install": False,
    "application": False,
}
