/* @odoo-module */

// ensure mail's overrides are applied first
import "@mail/../tests/helpers/mock_server/models/discuss_channel";
import "@mail/../tests/helpers/mock_server/models/res_partner";

import { patch } from "@web/core/utils/patch";
import { MockServer } from "@web/../tests/helpers/mock_server";

patch(MockServer.prototype, {
    /** @override */
    async _performRPC(route, args) {
        if (args.model === "discuss.channel" && args.method === "zalo_action_send_template") {
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
     * Simulates `_message_post_after_hook` on `discuss.channel`: a reply of a user in a
     * Zalo conversation is queued for Zalo (an outbound `zalo.message`, pending).
     *
     * @override
     */
    _mockDiscussChannelMessagePost(id, kwargs, context) {
        const messageData = super._mockDiscussChannelMessagePost(...arguments);
        const [channel] = this.getRecords("discuss.channel", [["id", "=", id]]);
        if (channel.channel_type !== "zalo" || messageData.message_type !== "comment") {
            return messageData;
        }
        const [link] = this.getRecords("zalo.partner.link", [
            ["id", "=", channel.zalo_partner_link_id],
        ]);
        if (messageData.author?.id === link?.partner_id) {
            return messageData; // the customer's message
        }
        this.pyEnv["zalo.message"].create({
            author_id: this.pyEnv.currentUserId,
            channel_id: channel.id,
            direction: "outbound",
            mail_message_id: messageData.id,
            oa_id: channel.zalo_oa_id,
            state: "pending",
        });
        const zalo = this._mockZaloMessage_formatForMessages([messageData.id])[messageData.id];
        return Object.assign(messageData, { zalo });
    },

    /**
     * Simulates `zalo_action_send_template` on `discuss.channel` (an action in
     * zalo_oa_zbs, false without it).
     */
    _mockDiscussChannelZaloActionSendTemplate(ids) {
        return false;
    },
});
