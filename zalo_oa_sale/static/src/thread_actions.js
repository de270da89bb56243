/* @odoo-module */

import { threadActionsRegistry } from "@mail/core/common/thread_actions";

import { _t } from "@web/core/l10n/translation";

threadActionsRegistry.add("zalo-create-quotation", {
    condition(component) {
        return (
            component.thread?.model === "discuss.channel" &&
            component.thread.type === "zalo" &&
            (!component.props.chatWindow || component.props.chatWindow.isOpen)
        );
    },
    icon: "fa fa-fw fa-file-text-o",
    iconLarge: "fa fa-lg fa-fw fa-file-text-o",
    name: _t("Create Quotation"),
    async open(component) {
        const { action, orm } = component.env.services;
        const quotationAction = await orm.call("discuss.channel", "zalo_action_create_quotation", [
            [component.thread.id],
        ]);
        await action.doAction(quotationAction);
    },
    sequence: 13,
});
