/* @odoo-module */

import { Message } from "@mail/core/common/message_model";

import { patch } from "@web/core/utils/patch";

/** Zalo delivery states only move forward (a retry moves "failed" back to "pending"). */
const STATE_RANK = { pending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/**
 * @typedef {Object} ZaloStatus
 * @property {"pending"|"sent"|"delivered"|"read"|"failed"} state
 * @property {string|false} failure_reason
 * @property {boolean} can_retry
 */

patch(Message.prototype, {
    setup() {
        super.setup();
        /** @type {ZaloStatus|undefined} delivery status of a message sent to Zalo */
        this.zalo = undefined;
    },

    /** @param {Object} data */
    update(data) {
        const { zalo, ...otherData } = data;
        super.update(otherData);
        this.updateZaloStatus(zalo);
        const early = this._store.zaloEarlyStatuses.get(this.id);
        if (early) {
            this._store.zaloEarlyStatuses.delete(this.id);
            this.updateZaloStatus(early);
        }
    },

    /**
     * Apply a status from the server, ignoring stale ones: the bus can deliver
     * "sent" before the response of the post that says "pending".
     *
     * @param {ZaloStatus|false|undefined} zalo
     */
    updateZaloStatus(zalo) {
        if (!zalo?.state) {
            return;
        }
        if (this.zalo && STATE_RANK[zalo.state] < STATE_RANK[this.zalo.state]) {
            return;
        }
        this.zalo = { ...zalo };
    },

    /** What Zalo received cannot be edited or deleted from Odoo. */
    get editable() {
        return !this.zalo && super.editable;
    },
});
