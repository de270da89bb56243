/* @odoo-module */

import { Thread } from "@mail/core/common/thread";

import { patch } from "@web/core/utils/patch";

patch(Thread.prototype, {
    /** A message Zalo refused keeps its header: Odoo's failure icon is there. */
    isSquashed(msg, prevMsg) {
        if (msg.failureNotifications.some((n) => n.notification_type === "zalo")) {
            return false;
        }
        return super.isSquashed(msg, prevMsg);
    },
});
