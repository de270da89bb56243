/* @odoo-module */

import { threadActionsRegistry } from "@mail/core/common/thread_actions";

import { _t } from "@web/core/l10n/translation";

threadActionsRegistry.add("zalo-create-ticket", {
    condition(component) {
        return (
            component.thread?.model === "discuss.channel" &&
            component.thread.type === "zalo" &&
            (!component.props.chatWindow || component.props.chatWindow.isOpen)
        );
    },
    icon: "fa fa-fw fa-life-ring",
    iconLarge: "fa fa-lg fa-fw fa-life-ring",
    name: _t("Create Ticket"),
    async open(component) {
        const { action, orm } = component.env.services;
        const ticketAction = await orm.call("discuss.channel", "zalo_action_create_ticket", [
            [component.thread.id],
        ]);
        await action.doAction(ticketAction);
    },
    sequence: 14,
});
