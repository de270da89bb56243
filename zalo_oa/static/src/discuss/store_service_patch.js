/* @odoo-module */

import { Store } from "@mail/core/common/store_service";

import { markRaw } from "@odoo/owl";

import { patch } from "@web/core/utils/patch";

/** Statuses that arrived on the bus before their message (see `Message.update`). */
const MAX_EARLY_STATUSES = 100;

patch(Store.prototype, {
    setup() {
        super.setup();
        /** @type {Map<number, import("./message_model_patch").ZaloStatus>} */
        this.zaloEarlyStatuses = markRaw(new Map());
    },

    /**
     * @param {number} messageId
     * @param {import("./message_model_patch").ZaloStatus} zalo
     */
    keepZaloEarlyStatus(messageId, zalo) {
        this.zaloEarlyStatuses.set(messageId, zalo);
        if (this.zaloEarlyStatuses.size > MAX_EARLY_STATUSES) {
            this.zaloEarlyStatuses.delete(this.zaloEarlyStatuses.keys().next().value);
        }
    },

    /** Zalo conversations are chats: list them in the messaging menu's "Chat" tab. */
    tabToThreadType(tab) {
        const threadTypes = super.tabToThreadType(tab);
        if (tab === "chat") {
            threadTypes.push("zalo");
        }
        return threadTypes;
    },
});
