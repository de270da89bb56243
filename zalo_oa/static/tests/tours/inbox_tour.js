/* @odoo-module */

import { registry } from "@web/core/registry";

const WAITING = "Khách Chờ Hàng";
const LANS = "Khách Của Lan";

function toggleFilter(name) {
    return [
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
        },
        {
            content: `Filter ${name}`,
            trigger: `.o_filter_menu .o_menu_item:contains('${name}')`,
        },
        {
            content: "Close the search options",
            trigger: ".o_searchview_dropdown_toggler",
        },
    ];
}

/**
 * The team inbox as an operator: the Unassigned list, take over, Mine, open the
 * conversation in Discuss and resolve it from its header.
 */
registry.category("web_tour.tours").add("zalo_oa_inbox", {
    test: true,
    steps: () => [
        {
            content: "The conversations of my OAs, open ones by default",
            trigger: `.o_data_row:contains('${LANS}')`,
            isCheck: true,
        },
        ...toggleFilter("Unassigned"),
        {
            content: "Only the unassigned conversation is listed",
            trigger: `.o_list_renderer:not(:has(.o_data_row:contains('${LANS}'))) .o_data_row:contains('${WAITING}')`,
            isCheck: true,
        },
        {
            content: "Take it over",
            trigger: `.o_data_row:contains('${WAITING}') button[name='action_zalo_take_over']`,
        },
        ...toggleFilter("Unassigned"),
        ...toggleFilter("Mine"),
        {
            content: "It is mine now; Lan's is not",
            trigger: `.o_list_renderer:not(:has(.o_data_row:contains('${LANS}'))) .o_data_row:contains('${WAITING}'):not(:has(button[name='action_zalo_take_over']))`,
            isCheck: true,
        },
        {
            content: "Open it in Discuss",
            trigger: `.o_data_row:contains('${WAITING}') button[name='action_zalo_open']`,
        },
        {
            content: "The header shows its status; mine, so no Take over",
            trigger: ".o-zalo-InboxBar[data-status='open']:has(.o-zalo-InboxBar-resolve):not(:has(.o-zalo-InboxBar-takeOver))",
            isCheck: true,
        },
        {
            content: "The customer's message is there, history intact",
            trigger: ".o-mail-Message:contains('Shop ơi còn hàng không?')",
            isCheck: true,
        },
        {
            content: "Pinned in my sidebar",
            trigger: `.o-mail-DiscussSidebarChannel:contains('${WAITING}')`,
            isCheck: true,
        },
        {
            content: "Resolve",
            trigger: ".o-zalo-InboxBar-resolve",
        },
        {
            content: "Resolved: out of the sidebar (the server checks its status)",
            trigger: `.o-mail-Discuss:has(.o-mail-DiscussSidebar):not(:has(.o-mail-DiscussSidebarChannel:contains('${WAITING}')))`,
            isCheck: true,
        },
        {
            content: "Find Lan's customer from Discuss by the Zalo name",
            trigger: ".o-zalo-SidebarFind-input",
            run: "text Của Lan",
        },
        {
            content: "Search",
            trigger: ".o-zalo-SidebarFind-button",
        },
        {
            content: "Found (whatever its owner or status), and only it",
            trigger: `.o_list_renderer:not(:has(.o_data_row:contains('${WAITING}'))) .o_data_row:contains('${LANS}')`,
            isCheck: true,
        },
        {
            content: "Open Lan's conversation (I join it, Lan keeps it)",
            trigger: `.o_data_row:contains('${LANS}') button[name='action_zalo_open']`,
        },
        {
            content: "Lan owns it: I may take it over",
            trigger: ".o-zalo-InboxBar:has(.o-zalo-InboxBar-owner:contains('Lan')) .o-zalo-InboxBar-takeOver",
            isCheck: true,
        },
        {
            content: "Snooze",
            trigger: ".o-zalo-InboxBar-snooze",
        },
        {
            content: "For 1 hour",
            trigger: ".o-zalo-InboxBar-snoozeOption:first",
        },
        {
            content: "Snoozed: out of the sidebar (the server checks its status)",
            trigger: `.o-mail-Discuss:has(.o-mail-DiscussSidebar):not(:has(.o-mail-DiscussSidebarChannel:contains('${LANS}')))`,
            isCheck: true,
        },
    ],
});
