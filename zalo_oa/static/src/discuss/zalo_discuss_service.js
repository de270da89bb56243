/* @odoo-module */

import { reactive } from "@odoo/owl";

import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

import { extendZaloWindow, zaloWindowMsLeft } from "./zalo_window";

/** The reply window is re-evaluated this often (countdown, composer lock). */
const CLOCK_TICK = 30 * 1000;

export class ZaloDiscuss {
    /**
     * @param {import("@web/env").OdooEnv} env
     * @param {Partial<import("services").Services>} services
     */
    constructor(env, services) {
        this.env = env;
        this.busService = services.bus_service;
        this.rpc = services.rpc;
        /** @type {import("@mail/core/common/store_service").Store} */
        this.store = services["mail.store"];
        this.userService = services.user;
        /** Current time (ms), ticking: components reading it re-render. */
        this.now = Date.now();
        /** Zalo managers may retry anyone's failed message. */
        this.isZaloManager = false;
    }

    setup() {
        // a promise, or a boolean (the user service of Odoo's QUnit web client)
        Promise.resolve(this.userService.hasGroup("zalo_oa.group_zalo_manager")).then(
            (isManager) => (this.isZaloManager = isManager)
        );
        browser.setInterval(() => (this.now = Date.now()), CLOCK_TICK);
        this.busService.subscribe("zalo.message/update", ({ message_id, zalo }) =>
            this.applyStatus(message_id, zalo)
        );
        this.env.bus.addEventListener("discuss.channel/new_message", ({ detail }) =>
            this.onNewMessage(detail)
        );
    }

    /**
     * A message from the customer reopens the reply window at once.
     *
     * @param {Object} param0
     * @param {import("models").Thread} param0.channel
     * @param {import("models").Message} param0.message
     */
    onNewMessage({ channel, message }) {
        if (
            channel?.type === "zalo" &&
            channel.zaloPartner &&
            message.author?.eq(channel.zaloPartner)
        ) {
            extendZaloWindow(channel, message.datetime);
        }
    }

    /**
     * @param {number} messageId
     * @param {import("./message_model_patch").ZaloStatus} zalo
     */
    applyStatus(messageId, zalo) {
        const message = this.store.Message.get(messageId);
        if (!message) {
            // The bus may be faster than the response of the post.
            this.store.keepZaloEarlyStatus(messageId, this.forCurrentUser(zalo));
            return;
        }
        message.updateZaloStatus(this.forCurrentUser(zalo, message));
    }

    /**
     * A status from the bus was computed for whoever caused the change (the queue, a
     * colleague): whether Retry is offered is decided here, for the current user — the
     * author(s) of the failed sends and Zalo managers (as the server checks).
     *
     * @param {import("./message_model_patch").ZaloStatus} zalo
     * @param {import("models").Message} [message]
     * @returns {import("./message_model_patch").ZaloStatus}
     */
    forCurrentUser(zalo, message) {
        if (zalo?.state !== "failed") {
            return zalo;
        }
        let canRetry;
        if (Array.isArray(zalo.author_user_ids)) {
            const uid = this.userService.userId;
            canRetry =
                this.isZaloManager ||
                (zalo.author_user_ids.length > 0 && zalo.author_user_ids.every((id) => id === uid));
        } else {
            canRetry = Boolean(
                zalo.can_retry && (message?.isSelfAuthored || message?.zalo?.can_retry)
            );
        }
        return { ...zalo, can_retry: canRetry };
    }

    /**
     * @param {import("models").Thread} thread
     * @returns {boolean} whether free text can be sent in this Zalo conversation now
     */
    isWindowOpen(thread) {
        return zaloWindowMsLeft(thread, this.now) > 0;
    }

    /**
     * @param {import("models").Thread} thread
     * @returns {number}
     */
    windowMsLeft(thread) {
        return zaloWindowMsLeft(thread, this.now);
    }

    /** @param {import("models").Message} message */
    async retry(message) {
        const zalo = await this.rpc("/zalo_oa/message/retry", { message_id: message.id });
        message.updateZaloStatus(zalo);
    }
}

export const zaloDiscussService = {
    dependencies: ["bus_service", "mail.store", "rpc", "user"],
    /**
     * @param {import("@web/env").OdooEnv} env
     * @param {Partial<import("services").Services>} services
     */
    start(env, services) {
        const zaloDiscuss = reactive(new ZaloDiscuss(env, services));
        zaloDiscuss.setup();
        return zaloDiscuss;
    },
};

registry.category("services").add("zalo_oa.discuss", zaloDiscussService);
