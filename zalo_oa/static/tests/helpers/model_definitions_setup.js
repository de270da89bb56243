/* @odoo-module */

import {
    addModelNamesToFetch,
    insertModelFields,
} from "@bus/../tests/helpers/model_definitions_helpers";

// The real definitions of the Zalo models (fields, selections) come from the server.
addModelNamesToFetch(["zalo.oa", "zalo.partner.link", "zalo.message"]);

insertModelFields("discuss.channel", {
    zalo_status: { default: "open" },
    // What zalo_oa_zbs computes (approved templates and a recipient); false in zalo_oa.
    zalo_can_send_template: { string: "Can send a ZBS template", type: "boolean", default: false },
});
insertModelFields("zalo.message", {
    direction: { default: "outbound" },
    state: { default: "pending" },
});
