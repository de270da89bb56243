/* @odoo-module */

import { Store } from "@mail/core/common/store_service";

import { patch } from "@web/core/utils/patch";

patch(Store.prototype, {
    /** Zalo conversations are chats: list them in the messaging menu's "Chat" tab. */
    tabToThreadType(tab) {
        const threadTypes = super.tabToThreadType(tab);
        if (tab === "chat") {
            threadTypes.push("zalo");
        }
        return threadTypes;
    },
});
