/* @odoo-module */

import { threadActionsRegistry } from "@mail/core/common/thread_actions";

import { _t } from "@web/core/l10n/translation";

threadActionsRegistry.add("zalo-create-lead", {
    condition(component) {
        return (
            component.thread?.model === "discuss.channel" &&
            component.thread.type === "zalo" &&
            (!component.props.chatWindow || component.props.chatWindow.isOpen)
        );
    },
    icon: "fa fa-fw fa-handshake-o",
    iconLarge: "fa fa-lg fa-fw fa-handshake-o",
    name: _t("Create Lead"),
    async open(component) {
        const { action, orm } = component.env.services;
        const leadAction = await orm.call("discuss.channel", "zalo_action_create_lead", [
            [component.thread.id],
        ]);
        await action.doAction(leadAction);
    },
    sequence: 12,
});
