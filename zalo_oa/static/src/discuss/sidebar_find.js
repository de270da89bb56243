/* @odoo-module */

import { discussSidebarItemsRegistry } from "@mail/core/web/discuss_sidebar";

import { Component, onWillStart, useState } from "@odoo/owl";

import { useService } from "@web/core/utils/hooks";

/**
 * Discuss sidebar: find any Zalo conversation of the user's OAs by the customer's name,
 * Zalo name or phone (the sidebar shows only the conversations that need an answer).
 * Opens Zalo > Conversations searched for the term; "Open" there shows it in Discuss.
 *
 * @extends {Component<{}, Env>}
 */
export class ZaloSidebarFind extends Component {
    static template = "zalo_oa.SidebarFind";
    static props = {};

    setup() {
        this.action = useService("action");
        this.userService = useService("user");
        this.state = useState({ term: "", visible: false });
        onWillStart(async () => {
            this.state.visible = await this.userService.hasGroup("zalo_oa.group_zalo_user");
        });
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.find();
        }
    }

    find() {
        const term = this.state.term.trim();
        return this.action.doAction("zalo_oa.action_zalo_conversation", {
            additionalContext: term
                ? { search_default_name: term, search_default_filter_open: false }
                : {},
        });
    }
}

discussSidebarItemsRegistry.add("zalo-find", ZaloSidebarFind, { sequence: 20 });
