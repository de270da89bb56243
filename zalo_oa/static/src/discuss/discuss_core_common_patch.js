/* @odoo-module */

import { DiscussCoreCommon } from "@mail/discuss/core/common/discuss_core_common_service";

import { patch } from "@web/core/utils/patch";

patch(DiscussCoreCommon.prototype, {
    /**
     * The server counts only messages as unread, not notifications; the web client
     * counts every new message of a colleague. In Zalo conversations notifications are
     * frequent (notes "… created the lead/quotation/ticket", follow and shared-info
     * notices): counted, they would make the counters of the other operators drift from
     * the server's until the next reload. Keep the server's rule.
     *
     * @override
     */
    async _handleNotificationNewMessage(notif) {
        const { id, message: data } = notif.payload;
        const channel = this.store.Thread.get({ model: "discuss.channel", id });
        const counter = channel?.type === "zalo" ? channel.message_unread_counter : undefined;
        await super._handleNotificationNewMessage(...arguments);
        if (
            counter !== undefined &&
            ["notification", "user_notification"].includes(data?.message_type) &&
            channel.message_unread_counter === counter + 1
        ) {
            channel.message_unread_counter = counter;
        }
    },
});
