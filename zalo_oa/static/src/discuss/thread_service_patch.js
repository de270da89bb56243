/* @odoo-module */

import { ThreadService } from "@mail/core/common/thread_service";

import { patch } from "@web/core/utils/patch";

patch(ThreadService.prototype, {
    /** @param {import("models").Thread} thread */
    canUnpin(thread) {
        if (thread.type === "zalo") {
            return this.getCounter(thread) === 0;
        }
        return super.canUnpin(thread);
    },

    /**
     * On small screens, Zalo conversations live in the "Chat" tab.
     *
     * @param {import("models").Thread} thread
     * @param {boolean} pushState
     */
    setDiscussThread(thread, pushState) {
        super.setDiscussThread(thread, pushState);
        if (this.ui.isSmall && thread.type === "zalo") {
            this.store.discuss.activeTab = "chat";
        }
    },

    /** @param {string} categoryId */
    getDiscussSidebarCategoryCounter(categoryId) {
        const category = this.store.discuss.zaloCategories.find(({ id }) => id === categoryId);
        if (category) {
            return category.threads.filter((thread) => thread.message_unread_counter > 0).length;
        }
        return super.getDiscussSidebarCategoryCounter(categoryId);
    },
});
