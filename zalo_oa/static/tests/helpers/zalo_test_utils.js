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
 * A reply of a user in a Zalo conversation and its send to Zalo (`zalo.message`),
 * as zalo_oa records them.
 *
 * @param {Object} pyEnv
 * @param {number} channelId
 * @param {Object} [param2]
 * @param {string} [param2.body]
 * @param {Object} [param2.zalo] values of the outbound zalo.message (state...)
 * @returns {{ messageId: number, zaloMessageId: number }}
 */
export function createZaloReply(
    pyEnv,
    channelId,
    { body = "Dạ shop còn size M ạ", zalo = {} } = {}
) {
    const [channel] = pyEnv["discuss.channel"].searchRead([["id", "=", channelId]]);
    const messageId = pyEnv["mail.message"].create({
        author_id: pyEnv.currentPartnerId,
        body,
        message_type: "comment",
        model: "discuss.channel",
        res_id: channelId,
    });
    const zaloMessageId = pyEnv["zalo.message"].create({
        author_id: pyEnv.currentUserId,
        channel_id: channelId,
        direction: "outbound",
        mail_message_id: messageId,
        oa_id: channel.zalo_oa_id[0],
        state: "pending",
        ...zalo,
    });
    return { messageId, zaloMessageId };
}
