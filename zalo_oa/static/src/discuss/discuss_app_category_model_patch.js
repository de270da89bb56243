/* @odoo-module */

import { DiscussAppCategory } from "@mail/core/common/discuss_app_category_model";
import { compareDatetime } from "@mail/utils/common/misc";

import { patch } from "@web/core/utils/patch";

patch(DiscussAppCategory.prototype, {
    setup() {
        super.setup();
        /** @type {number|undefined} id of the zalo.oa of a Zalo category */
        this.zaloOaId = undefined;
    },

    /**
     * Zalo conversations: most recent activity first, like live chats.
     *
     * @param {import("models").Thread} t1
     * @param {import("models").Thread} t2
     */
    sortThreads(t1, t2) {
        if (this.zaloOaId) {
            return (
                compareDatetime(t2.lastInterestDateTime, t1.lastInterestDateTime) || t2.id - t1.id
            );
        }
        return super.sortThreads(t1, t2);
    },
});
