/* @odoo-module */

import "@mail/../tests/helpers/mock_server/models/mail_message"; // mail's overrides first

import { patch } from "@web/core/utils/patch";
import { MockServer } from "@web/../tests/helpers/mock_server";

/** As `STATE_ORDER` in zalo_oa/models/zalo_message.py. */
const STATE_ORDER = { pending: 0, uncertain: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

patch(MockServer.prototype, {
    /**
     * Simulates `_message_format` on `mail.message`: the delivery status of the
     * messages sent to Zalo.
     *
     * @override
     */
    _mockMailMessageMessageFormat(ids) {
        const formattedMessages = super._mockMailMessageMessageFormat(...arguments);
        const channelMessageIds = formattedMessages
            .filter((message) => message.model === "discuss.channel")
            .map((message) => message.id);
        if (!channelMessageIds.length || !("zalo.message" in this.models)) {
            return formattedMessages;
        }
        const statuses = this._mockZaloMessage_formatForMessages(channelMessageIds);
        for (const message of formattedMessages) {
            if (message.id in statuses) {
                message.zalo = statuses[message.id];
            }
        }
        return formattedMessages;
    },

    /**
     * Simulates `_format_for_messages` on `zalo.message`.
     *
     * @param {number[]} messageIds ids of mail.message
     * @returns {Object} {mail.message id: status}
     */
    _mockZaloMessage_formatForMessages(messageIds) {
        const rows = this.getRecords("zalo.message", [
            ["mail_message_id", "in", messageIds],
            ["direction", "=", "outbound"],
        ]).sort((r1, r2) => r1.id - r2.id);
        const grouped = {};
        for (const row of rows) {
            (grouped[row.mail_message_id] ||= []).push(row);
        }
        const statuses = {};
        for (const [messageId, group] of Object.entries(grouped)) {
            statuses[messageId] = this._mockZaloMessage_zaloStatus(group);
        }
        return statuses;
    },

    /**
     * Simulates `_zalo_status` on `zalo.message`: the state shown for one message.
     *
     * @param {Object[]} rows its outbound zalo.message records
     */
    _mockZaloMessage_zaloStatus(rows) {
        const failed = rows.filter((row) => row.state === "failed");
        if (failed.length) {
            return {
                state: "failed",
                failure_reason: failed[0].failure_reason || "",
                can_retry: failed.every((row) => this._mockZaloMessage_canRetry(row)),
                author_user_ids: [...new Set(failed.map((row) => row.author_id).filter(Boolean))],
            };
        }
        let state = rows
            .map((row) => row.state)
            .reduce((s1, s2) => ((STATE_ORDER[s2] ?? 0) < (STATE_ORDER[s1] ?? 0) ? s2 : s1));
        if (state === "uncertain") {
            state = "pending";
        }
        const retrying = rows.find(
            (row) => ["pending", "uncertain"].includes(row.state) && row.failure_reason
        );
        return {
            state,
            failure_reason: retrying ? retrying.failure_reason : false,
            can_retry: false,
        };
    },

    /**
     * Simulates `_can_retry` on `zalo.message` (the author may retry; Zalo managers
     * too, which the current user of these tests is not).
     */
    _mockZaloMessage_canRetry(row) {
        return row.state === "failed" && row.author_id === this.pyEnv.currentUserId;
    },
});
