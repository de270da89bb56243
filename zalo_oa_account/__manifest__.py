{
    "name": "Zalo OA - Invoicing",
    "version": "17.0.1.0.0",
    "summary": "Payment requests on Zalo from customer invoices",
    "category": "Accounting/Accounting",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa_zbs", "account"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
