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
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
