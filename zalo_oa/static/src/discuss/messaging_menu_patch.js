/* @odoo-module */

import { MessagingMenu } from "@mail/core/web/messaging_menu";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(MessagingMenu.prototype, {
    /** Zalo failures in several conversations or documents: the list of them. */
    openFailureView(failure) {
        if (failure.type !== "zalo") {
            return super.openFailureView(failure);
        }
        const domain = [["message_has_error", "=", true]];
        if (failure.resModel === "discuss.channel") {
            domain.push(["channel_type", "=", "zalo"]);
        }
        this.env.services.action.doAction({
            name: _t("Zalo Failures"),
            type: "ir.actions.act_window",
            view_mode: "list,form",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
            res_model: failure.resModel,
            domain,
            context: { create: false },
        });
        this.close();
    },
});
