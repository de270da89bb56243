/* @odoo-module */

import { Thread } from "@mail/core/common/thread_model";
import { ThreadService } from "@mail/core/common/thread_service";

import { patch } from "@web/core/utils/patch";

patch(Thread.prototype, {
    setup() {
        super.setup();
        /** @type {{linked: boolean}|undefined} set for Zalo users when the bridge is on */
        this.zaloBridge = undefined;
    },
});

patch(ThreadService.prototype, {
    async fetchData(thread) {
        const result = await super.fetchData(...arguments);
        if (result && "zaloBridge" in result) {
            thread.zaloBridge = result.zaloBridge;
        }
        return result;
    },
});
