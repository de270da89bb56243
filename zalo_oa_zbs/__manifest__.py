{
    "name": "Zalo OA - ZBS Template Messages",
    "version": "17.0.1.0.0",
    "summary": 'Zalo ZBS template lifecycle and "Send via Zalo" on any document',
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
