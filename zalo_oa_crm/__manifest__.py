{
    "name": "Zalo OA - CRM",
    "version": "17.0.1.0.0",
    "summary": "Turn Zalo conversations into CRM leads with UTM medium Zalo OA",
    "category": "Sales/CRM",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa", "crm"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
        "views/crm_lead_views.xml",
        "views/zalo_oa_views.xml",
        "views/zalo_partner_link_views.xml",
    ],
    "assets": {
        "web.assets_backend": ["zalo_oa_crm/static/src/**/*"],
        "web.assets_tests": ["zalo_oa_crm/static/tests/tours/**/*"],
    },
    "installable": True,
    "auto_install": True,
    "application": False,
}
