/* @odoo-module */

import { DiscussApp } from "@mail/core/common/discuss_app_model";
import { Record } from "@mail/core/common/record";

import { patch } from "@web/core/utils/patch";

patch(DiscussApp.prototype, {
    setup(env) {
        super.setup(env);
        /** One sidebar category per Zalo Official Account, by name. */
        this.zaloCategories = Record.many("DiscussAppCategory", {
            sort: (c1, c2) =>
                String(c1.name).localeCompare(String(c2.name)) || c1.zaloOaId - c2.zaloOaId,
        });
    },
});
