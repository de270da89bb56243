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
    ],
    "installable": True,
    "auto_install": False,
    "application": False,
}
