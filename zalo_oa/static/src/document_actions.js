/* @odoo-module */

import { threadActionsRegistry } from "@mail/core/common/thread_actions";

/**
 * Add a "create a document from this conversation" button to Zalo conversations.
 *
 * The button calls `method` on the channel (a `discuss.channel` method of the addon
 * that owns the document: `action_zalo_create_lead`, ...) and opens the action it
 * returns. Used by zalo_oa_crm, zalo_oa_sale and zalo_oa_helpdesk.
 *
 * @param {string} id registry key
 * @param {Object} params
 * @param {string} params.icon Font Awesome class, e.g. "fa-handshake-o"
 * @param {string} params.name translated label
 * @param {string} params.method `discuss.channel` method returning an action
 * @param {number} params.sequence position among the thread actions
 */
export function addZaloDocumentAction(id, { icon, name, method, sequence }) {
    threadActionsRegistry.add(id, {
        condition(component) {
            return (
                component.thread?.model === "discuss.channel" &&
                component.thread.type === "zalo" &&
                (!component.props.chatWindow || component.props.chatWindow.isOpen)
            );
        },
        icon: `fa fa-fw ${icon}`,
        iconLarge: `fa fa-lg fa-fw ${icon}`,
        name,
        async open(component) {
            const { action, orm } = component.env.services;
            const documentAction = await orm.call("discuss.channel", method, [
                [component.thread.id],
            ]);
            await action.doAction(documentAction);
        },
        sequence,
    });
}
