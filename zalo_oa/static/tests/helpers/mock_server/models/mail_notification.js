/* @odoo-module */

import "@mail/../tests/helpers/mock_server/models/mail_notification"; // mail's overrides first

import { patch } from "@web/core/utils/patch";
import { MockServer } from "@web/../tests/helpers/mock_server";

patch(MockServer.prototype, {
    /**
     * Simulates `_filtered_for_web_client` on `mail.notification`: the Zalo
     * notifications always reach the client (they drive the status icons).
     *
     * @override
     */
    _mockMailNotification_FilteredForWebClient(ids) {
        const kept = new Set(
            super._mockMailNotification_FilteredForWebClient(...arguments).map((n) => n.id)
        );
        return this.getRecords("mail.notification", [["id", "in", ids]]).filter(
            (notification) => notification.notification_type === "zalo" || kept.has(notification.id)
        );
    },

    /**
     * Simulates `_notification_format` on `mail.notification`: Zalo's own state
     * (delivered and read, which mail has no status for) and the failure reason.
     *
     * @override
     */
    _mockMailNotification_NotificationFormat(ids) {
        const formatted = super._mockMailNotification_NotificationFormat(...arguments);
        for (const vals of formatted) {
            if (vals.notification_type !== "zalo") {
                continue;
            }
            const [notification] = this.getRecords("mail.notification", [["id", "=", vals.id]]);
            vals.zalo_state = notification.zalo_state || false;
            vals.failure_reason = notification.failure_reason || false;
        }
        return formatted;
    },
});
