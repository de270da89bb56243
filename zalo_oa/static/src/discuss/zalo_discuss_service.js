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
        /** Current time (ms), ticking: components reading it re-render. */
        this.now = Date.now();
    }

    setup() {
        browser.setInterval(() => (this.now = Date.now()), CLOCK_TICK);
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
}

export const zaloDiscussService = {
    dependencies: [],
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
