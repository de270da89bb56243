/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { addZaloDocumentAction } from "@zalo_oa/document_actions";

addZaloDocumentAction("zalo-create-quotation", {
    icon: "fa-file-text-o",
    name: _t("Create Quotation"),
    method: "action_zalo_create_quotation",
    sequence: 13,
});
