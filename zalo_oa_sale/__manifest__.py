{
    "name": "Zalo OA - Sales",
    "version": "17.0.1.0.0",
    "summary": "Quotation and order messages on Zalo from sales orders",
    "category": "Sales/Sales",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa_zbs", "sale_management"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
