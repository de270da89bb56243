/* @odoo-module */

// ensure mail's overrides are applied first
import "@mail/../tests/helpers/mock_server/models/discuss_channel";
import "@mail/../tests/helpers/mock_server/models/mail_thread";
import "@mail/../tests/helpers/mock_server/models/res_partner";

import { patch } from "@web/core/utils/patch";
import { MockServer } from "@web/../tests/helpers/mock_server";

patch(MockServer.prototype, {
    /** @override */
    async _performRPC(route, args) {
        if (args.model === "discuss.channel" && args.method === "action_zalo_send_template") {
            return this._mockDiscussChannelZaloActionSendTemplate(args.args[0]);
        }
        return super._performRPC(...arguments);
    },

    /**
     * Simulates `_channel_info` on `discuss.channel`: the Zalo part.
     *
     * @override
     */
    _mockDiscussChannelChannelInfo(ids) {
        const channelInfos = super._mockDiscussChannelChannelInfo(...arguments);
        for (const channelInfo of channelInfos) {
            const [channel] = this.getRecords("discuss.channel", [["id", "=", channelInfo.id]]);
            if (channel.channel_type !== "zalo") {
                continue;
            }
            const [oa] = this.getRecords("zalo.oa", [["id", "=", channel.zalo_oa_id]], {
                active_test: false,
            });
            const [link] = this.getRecords(
                "zalo.partner.link",
                [["id", "=", channel.zalo_partner_link_id]],
                { active_test: false }
            );
            const [owner] = channel.zalo_owner_id
                ? this.getRecords("res.users", [["id", "=", channel.zalo_owner_id]])
                : [];
            const [customer] = link?.partner_id
                ? this.getRecords("res.partner", [["id", "=", link.partner_id]], {
                      active_test: false,
                  })
                : [];
            Object.assign(channelInfo, {
                zalo_oa: { id: oa.id, name: oa.name },
                zalo_status: channel.zalo_status || "open",
                zalo_owner: owner ? { id: owner.id, name: owner.name } : false,
                zalo_window_expires_at: channel.zalo_window_expires_at || false,
                zalo_can_send_template: Boolean(channel.zalo_can_send_template),
                zalo_partner: {
                    id: customer?.id || false,
                    name: customer?.name || false,
                    is_shadow: Boolean(link?.is_shadow),
                    is_follower: Boolean(link?.is_follower),
                },
            });
        }
        return channelInfos;
    },

    /**
     * Simulates `_init_messaging` on `res.users`: the conversations other than
     * channels and groups are loaded when pinned, Zalo ones too.
     *
     * @override
     */
    _mockResPartner_GetChannelsAsMember(ids) {
        const channels = super._mockResPartner_GetChannelsAsMember(...arguments);
        const [partner] = this.getRecords("res.partner", [["id", "in", ids]]);
        const members = this.getRecords("discuss.channel.member", [
            ["partner_id", "=", partner.id],
            ["is_pinned", "=", true],
        ]);
        const conversations = this.getRecords("discuss.channel", [
            ["channel_type", "=", "zalo"],
            ["channel_member_ids", "in", members.map((member) => member.id)],
        ]);
        return [...channels, ...conversations];
    },

    /**
     * Simulates `_message_post_after_hook` on `discuss.channel`, which Odoo runs before
     * `_notify_thread`: a reply of a user in a Zalo conversation is queued for Zalo (an
     * outbound `zalo.message`, pending) with its notification of type "zalo" (ready),
     * so the new message reaches the clients with its status.
     *
     * @override
     */
    _mockMailThread_NotifyThread(model, ids, messageId, temporary_id) {
        if (model === "discuss.channel") {
            this._mockDiscussChannelZaloQueueFromPost(ids[0], messageId);
        }
        return super._mockMailThread_NotifyThread(...arguments);
    },

    /**
     * Simulates `_queue_from_post` on `zalo.message` for a message of a user (not the
     * customer's, not the OA's) in a Zalo conversation.
     *
     * @param {number} id of the discuss.channel
     * @param {number} messageId
     */
    _mockDiscussChannelZaloQueueFromPost(id, messageId) {
        const [channel] = this.getRecords("discuss.channel", [["id", "=", id]]);
        const [message] = this.getRecords("mail.message", [["id", "=", messageId]]);
        if (channel?.channel_type !== "zalo" || message.message_type !== "comment") {
            return;
        }
        const [link] = this.getRecords("zalo.partner.link", [
            ["id", "=", channel.zalo_partner_link_id],
        ]);
        const [oa] = this.getRecords("zalo.oa", [["id", "=", channel.zalo_oa_id]], {
            active_test: false,
        });
        if ([link?.partner_id, oa?.partner_id].filter(Boolean).includes(message.author_id)) {
            return; // the customer's message, or the OA's (written in Zalo's app)
        }
        this.pyEnv["zalo.message"].create({
            author_id: this.pyEnv.currentUserId,
            channel_id: channel.id,
            direction: "outbound",
            mail_message_id: messageId,
            oa_id: channel.zalo_oa_id,
            partner_link_id: link.id,
            state: "pending",
        });
        this.pyEnv["mail.notification"].create({
            author_id: message.author_id || false,
            is_read: true,
            mail_message_id: messageId,
            notification_status: "ready",
            notification_type: "zalo",
            res_partner_id: link.partner_id,
            zalo_state: "pending",
        });
    },

    /**
     * Simulates `action_zalo_send_template` on `discuss.channel` (an action in
     * zalo_oa_zbs, false without it).
     */
    _mockDiscussChannelZaloActionSendTemplate(ids) {
        return false;
    },
});
