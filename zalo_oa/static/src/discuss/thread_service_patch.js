/* @odoo-module */

import { ThreadService } from "@mail/core/common/thread_service";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(ThreadService.prototype, {
    /**
     * Commands of Zalo conversations (``/lead``, ``/quotation``, ``/ticket``...) may
     * answer an action (a form in a dialog, a notification): run it. A refused command
     * (no customer, no team...) shows the server's reason and leaves the composer usable.
     *
     * @override
     * @param {import("models").Thread} thread
     * @param {Object} command
     * @param {string} body
     */
    async executeCommand(thread, command, body = "") {
        if (thread.type !== "zalo") {
            return super.executeCommand(...arguments);
        }
        let result;
        try {
            result = await super.executeCommand(...arguments);
        } catch (error) {
            const message = error?.data?.message;
            if (!message || !error.exceptionName?.startsWith("odoo.exceptions.")) {
                throw error;
            }
            const [name] = body.substring(1).split(/\s/);
            this.notificationService.add(message, {
                title: _t("/%(command)s: nothing was created", { command: name }),
                type: "danger",
            });
            return false;
        }
        if (result && typeof result === "object" && result.type) {
            await this.env.services.action.doAction(result);
        }
        return result;
    },

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
