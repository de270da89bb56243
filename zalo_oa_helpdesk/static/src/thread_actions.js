/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { addZaloDocumentAction } from "@zalo_oa/document_actions";

addZaloDocumentAction("zalo-create-ticket", {
    icon: "fa-life-ring",
    name: _t("Create Ticket"),
    method: "action_zalo_create_ticket",
    sequence: 14,
});
