{
    "name": "Zalo OA",
    "version": "17.0.1.3.0",
    "summary": "Chat with Zalo customers in Discuss; OA connection, webhooks, API log",
    "category": "Discuss",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["mail", "portal", "utm"],
    # a deeper listen queue for the prefork HTTP server (models/listen_backlog.py)
    "post_load": "_post_load",
    "external_dependencies": {
        # PyPI distribution names: wheel dependencies and Odoo's install check
        "python": ["requests", "urllib3", "pyjwt", "cryptography", "phonenumbers"],
    },
    "data": [
        "security/zalo_oa_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/zalo_inbox_data.xml",
        "data/utm_data.xml",
        "views/zalo_oa_views.xml",
        "views/zalo_api_log_views.xml",
        "views/zalo_partner_link_views.xml",
        "views/zalo_event_views.xml",
        "views/zalo_message_views.xml",
        "views/zalo_resend_views.xml",
        "views/res_partner_views.xml",
        "views/zalo_oa_menus.xml",
        "views/zalo_oa_inbox_views.xml",
        "views/discuss_channel_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_backend": ["zalo_oa/static/src/**/*"],
        "web.assets_tests": ["zalo_oa/static/tests/tours/**/*"],
        # mock server models and helpers of the QUnit tests of the Discuss patches
        "web.tests_assets": ["zalo_oa/static/tests/helpers/**/*"],
        "web.qunit_suite_tests": [
            "zalo_oa/static/tests/**/*",
            ("remove", "zalo_oa/static/tests/tours/**/*"),
            ("remove", "zalo_oa/static/tests/helpers/**/*"),
        ],
    },
    "installable": True,
    "auto_install": False,
    "application": True,
}
