/* @odoo-module */

import { Message } from "@mail/core/common/message_model";

import { patch } from "@web/core/utils/patch";

/**
 * @typedef {Object} ZaloStatus
 * @property {"pending"|"sent"|"delivered"|"read"|"failed"} state
 * @property {string|false} failure_reason
 */

patch(Message.prototype, {
    /**
     * The notification of a message sent to Zalo (type "zalo"), if any.
     *
     * @returns {import("models").Notification|undefined}
     */
    get zaloNotification() {
        return this.notifications.find((n) => n.notification_type === "zalo");
    },

    /**
     * Delivery status of a message sent to Zalo, read from its notification:
     * `zalo_state` (pending, sent, delivered, read, failed), else derived from
     * Odoo's `notification_status`.
     *
     * @returns {ZaloStatus|undefined}
     */
    get zaloStatus() {
        const notification = this.zaloNotification;
        if (!notification) {
            return undefined;
        }
        return {
            state: notification.zaloState,
            failure_reason: notification.failure_reason || false,
        };
    },

    /** What Zalo received cannot be edited or deleted from Odoo. */
    get editable() {
        return !this.zaloNotification && super.editable;
    },
});
