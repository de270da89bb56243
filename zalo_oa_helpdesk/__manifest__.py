{
    "name": "Zalo OA - Helpdesk",
    "version": "17.0.1.0.0",
    "summary": "Ticket updates on Zalo for OCA Helpdesk",
    "category": "After-Sales",
    "author": "Zalo OA for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["zalo_oa_zbs", "helpdesk_mgmt"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
