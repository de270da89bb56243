/* @odoo-module */

import {
    DiscussSidebarCategories,
    discussSidebarCategoriesRegistry,
} from "@mail/discuss/core/web/discuss_sidebar_categories";

import { browser } from "@web/core/browser/browser";
import { patch } from "@web/core/utils/patch";

import { zaloCategoryStorageKey } from "./thread_model_patch";

/**
 * One entry standing for all the Official Accounts: the sidebar expands it
 * into one category per OA that has conversations to show.
 */
discussSidebarCategoriesRegistry.add(
    "zalo",
    {
        predicate: () => false,
        value: () => undefined,
        expand: (store) =>
            store.discuss.zaloCategories
                .filter((category) =>
                    category.threads.some(
                        (thread) => thread.displayToSelf || thread.isLocallyPinned
                    )
                )
                .map((category) => ({ value: () => category })),
    },
    { sequence: 25 }
);

patch(DiscussSidebarCategories.prototype, {
    get categories() {
        return super.categories.flatMap((data) => (data.expand ? data.expand(this.store) : [data]));
    },

    /** The open state of Zalo categories is a browser preference, not a user setting. */
    async toggleCategory(category) {
        if (!category.zaloOaId) {
            return super.toggleCategory(category);
        }
        category.isOpen = !category.isOpen;
        browser.localStorage.setItem(
            zaloCategoryStorageKey(category.zaloOaId),
            category.isOpen ? "true" : "false"
        );
    },
});
