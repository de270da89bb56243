/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { addZaloDocumentAction } from "@zalo_oa/document_actions";

addZaloDocumentAction("zalo-create-lead", {
    icon: "fa-handshake-o",
    name: _t("Create Lead"),
    method: "action_zalo_create_lead",
    sequence: 12,
});
