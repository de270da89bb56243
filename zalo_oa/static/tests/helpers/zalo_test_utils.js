/* @odoo-module */

import { Command } from "@mail/../tests/helpers/command";

import { serializeDateTime } from "@web/core/l10n/dates";

const { DateTime } = luxon;

/**
 * A Zalo reply window ending `duration` from now (a luxon duration object, negative
 * for a closed window), in the server's format.
 *
 * @param {Object} duration e.g. { days: 3, hours: 2 }
 * @returns {string}
 */
export function zaloWindowEndIn(duration) {
    return serializeDateTime(DateTime.now().plus(duration));
}

/**
 * Creates, in the mock server, a Zalo conversation as zalo_oa does: one customer
 * (a contact and its partner link) of an Official Account, with the current user
 * as operator and member.
 *
 * @param {Object} pyEnv
 * @param {Object} [param1]
 * @param {number} [param1.oaId] the zalo.oa (created when not given)
 * @param {string} [param1.oaName]
 * @param {string} [param1.customerName]
 * @param {string|false} [param1.windowExpiresAt] UTC "YYYY-MM-DD HH:MM:SS"; default:
 *   open for 3 more days
 * @param {Object} [param1.channel] more values of the discuss.channel
 * @param {Object} [param1.member] more values of the current user's member
 * @param {Object} [param1.link] more values of the zalo.partner.link
 * @returns {{ channelId: number, customerId: number, linkId: number, oaId: number }}
 */
export function createZaloConversation(
    pyEnv,
    {
        oaId,
        oaName = "Cửa hàng ABC",
        customerName = "Nguyễn Văn An",
        windowExpiresAt = zaloWindowEndIn({ days: 3 }),
        channel = {},
        member = {},
        link = {},
    } = {}
) {
    oaId ??= pyEnv["zalo.oa"].create({ name: oaName, operator_ids: [pyEnv.currentUserId] });
    const customerId = pyEnv["res.partner"].create({ name: customerName });
    const linkId = pyEnv["zalo.partner.link"].create({
        oa_id: oaId,
        partner_id: customerId,
        zalo_user_id: `zalo-user-${customerId}`,
        zalo_display_name: customerName,
        ...link,
    });
    const channelId = pyEnv["discuss.channel"].create({
        name: customerName,
        channel_type: "zalo",
        zalo_oa_id: oaId,
        zalo_partner_link_id: linkId,
        zalo_window_expires_at: windowExpiresAt,
        zalo_owner_id: pyEnv.currentUserId,
        channel_member_ids: [
            Command.create({ partner_id: pyEnv.currentPartnerId, ...member }),
            Command.create({ partner_id: customerId }),
        ],
        ...channel,
    });
    pyEnv["zalo.partner.link"].write([linkId], { channel_id: channelId });
    return { channelId, customerId, linkId, oaId };
}

/**
 * A reply of a user in a Zalo conversation and its notification of type "zalo" (to
 * the customer), as zalo_oa records them: the client reads the status of the send
 * there (`notification_status`, and `zalo_state`/`failure_reason` that zalo_oa adds).
 *
 * @param {Object} pyEnv
 * @param {number} channelId
 * @param {Object} [param2]
 * @param {string} [param2.body]
 * @param {Object} [param2.notification] values of the mail.notification; default:
 *   queued (`ready`, `zalo_state` pending)
 * @returns {{ messageId: number, notificationId: number }}
 */
export function createZaloReply(
    pyEnv,
    channelId,
    { body = "Dạ shop còn size M ạ", notification = {} } = {}
) {
    const [channel] = pyEnv["discuss.channel"].searchRead([["id", "=", channelId]]);
    const [link] = pyEnv["zalo.partner.link"].searchRead([
        ["id", "=", channel.zalo_partner_link_id[0]],
    ]);
    const messageId = pyEnv["mail.message"].create({
        author_id: pyEnv.currentPartnerId,
        body,
        message_type: "comment",
        model: "discuss.channel",
        res_id: channelId,
    });
    const notificationId = pyEnv["mail.notification"].create({
        author_id: pyEnv.currentPartnerId,
        is_read: true,
        mail_message_id: messageId,
        notification_status: "ready",
        notification_type: "zalo",
        res_partner_id: link.partner_id[0],
        zalo_state: "pending",
        ...notification,
    });
    return { messageId, notificationId };
}

/**
 * What the server sends when the Zalo status of messages changes
 * (`_zalo_notify_notification_update` on `mail.message`): Odoo's
 * `mail.message/notification_update`, on the conversation's bus channel, with the
 * messages' notifications as they are now in the mock server.
 *
 * @param {Object} pyEnv
 * @param {number} channelId
 * @param {number[]} messageIds
 * @returns {Object} the payload (to send again later, e.g. as a stale update)
 */
export function notifyZaloNotificationUpdate(pyEnv, channelId, messageIds) {
    const [channel] = pyEnv["discuss.channel"].searchRead([["id", "=", channelId]]);
    const payload = {
        elements: pyEnv.mockServer._mockMailMessage_MessageNotificationFormat(messageIds),
    };
    pyEnv["bus.bus"]._sendone(channel, "mail.message/notification_update", payload);
    return payload;
}
