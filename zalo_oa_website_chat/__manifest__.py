{
    "name": "Zalo OA - Website Chat Button",
    "version": "17.0.1.0.0",
    "summary": "Zalo chat widget on the website",
    "category": "Website/Website",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa", "website"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "auto_install": False,
    "application": False,
}
