/* @odoo-module */

import { Notification } from "@mail/core/common/notification_model";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/** Zalo delivery states only move forward (a resend moves "failed" back to "pending"). */
const STATE_RANK = { pending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/** Odoo's status of a Zalo notification, when it comes without `zalo_state`. */
const STATE_OF_STATUS = {
    ready: "pending",
    process: "pending",
    pending: "sent",
    sent: "sent",
    exception: "failed",
    bounce: "failed",
    canceled: "failed",
};

patch(Notification.prototype, {
    /** @param {Object} data */
    update(data) {
        if (
            data &&
            typeof data === "object" &&
            (data.notification_type ?? this.notification_type) === "zalo" &&
            this.notification_status
        ) {
            // Notifications arrive by the bus and in the responses of requests, in any
            // order: a stale "sending" never hides "sent" (nor "delivered" or "read").
            const next = data.zalo_state || STATE_OF_STATUS[data.notification_status];
            if (next && STATE_RANK[next] < STATE_RANK[this.zaloState]) {
                const {
                    notification_status,
                    zalo_state,
                    failure_type,
                    failure_reason,
                    ...otherData
                } = data;
                return super.update(otherData);
            }
        }
        return super.update(data);
    },

    /** @type {"pending"|"sent"|"delivered"|"read"|"failed"|undefined} */
    get zaloState() {
        return this.zalo_state || STATE_OF_STATUS[this.notification_status];
    },

    get icon() {
        if (this.notification_type === "zalo") {
            return "fa fa-exclamation-circle";
        }
        return super.icon;
    },

    get label() {
        if (this.notification_type === "zalo") {
            return _t("Zalo");
        }
        return super.label;
    },
});
