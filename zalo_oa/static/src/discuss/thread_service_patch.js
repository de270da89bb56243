/* @odoo-module */

import { Record } from "@mail/core/common/record";
import { ThreadService } from "@mail/core/common/thread_service";

import { _t } from "@web/core/l10n/translation";
import { memoize } from "@web/core/utils/functions";
import { patch } from "@web/core/utils/patch";

patch(ThreadService.prototype, {
    setup() {
        super.setup(...arguments);
        // The messaging menu shows the last message of each conversation, fetched once
        // when it first opens (`fetchPreviews`, an instance property): for chats, groups
        // and channels only. Zalo conversations too.
        const fetchPreviews = this.fetchPreviews;
        this.fetchPreviews = memoize(() =>
            Promise.all([fetchPreviews(), this.zaloFetchPreviews()])
        );
    },

    async zaloFetchPreviews() {
        const ids = Object.values(this.store.Thread.records)
            .filter((thread) => thread.model === "discuss.channel" && thread.type === "zalo")
            .map((thread) => thread.id);
        if (!ids.length) {
            return;
        }
        const previews = await this.orm.silent.call("discuss.channel", "channel_fetch_preview", [
            ids,
        ]);
        Record.MAKE_UPDATE(() => {
            for (const preview of previews) {
                this.store.Message.insert(preview.last_message, { html: true });
            }
        });
    },

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
