/* @odoo-module */

import { Chatter } from "@mail/core/web/chatter";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(Chatter.prototype, {
    /** Copy the Zalo conversation(s) linked to this document into its chatter. */
    async onClickZaloSync() {
        const thread = this.state.thread;
        if (!thread?.id) {
            return;
        }
        const count = await this.orm.call("zalo.conversation.document", "zalo_sync_record", [
            thread.model,
            thread.id,
        ]);
        this.env.services.notification.add(
            count
                ? _t("%(count)s Zalo message(s) copied into the chatter.", { count })
                : _t("Already up to date: nothing new to copy."),
            { type: count ? "success" : "info" }
        );
        if (count) {
            await this.threadService.fetchNewMessages(thread);
        }
    },
});
