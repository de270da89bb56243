/* @odoo-module */

import { patch } from "@web/core/utils/patch";
import { MockServer } from "@web/../tests/helpers/mock_server";

patch(MockServer.prototype, {
    /** @override */
    async _performRPC(route, args) {
        if (route === "/zalo_oa/message/retry") {
            return this._mockRouteZaloOaMessageRetry(args.message_id);
        }
        return super._performRPC(...arguments);
    },

    /**
     * Simulates the route `/zalo_oa/message/retry`: the failed sends of a message
     * go back to the queue.
     *
     * @param {number} messageId
     */
    _mockRouteZaloOaMessageRetry(messageId) {
        const rows = this.getRecords("zalo.message", [
            ["mail_message_id", "=", messageId],
            ["state", "=", "failed"],
        ]);
        if (!rows.every((row) => this._mockZaloMessage_canRetry(row))) {
            throw new Error("Only the author of a message or a Zalo manager can retry it.");
        }
        this.pyEnv["zalo.message"].write(
            rows.map((row) => row.id),
            { state: "pending", failure_reason: false }
        );
        return this._mockZaloMessage_formatForMessages([messageId])[messageId];
    },
});
