/* @odoo-module */

import { registry } from "@web/core/registry";

/**
 * «Send via Zalo» from a contact: template, preview, send, result.
 * (While a dialog is open, tour triggers are looked up inside it.)
 */
registry.category("web_tour.tours").add("zalo_oa_zbs_composer", {
    test: true,
    steps: () => [
        {
            content: "Open the Action menu of the contact",
            trigger: ".o_form_view .o_cp_action_menus button.dropdown-toggle",
        },
        {
            content: "Send via Zalo",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Send via Zalo')",
        },
        {
            content: "The approved template is preselected",
            trigger: ".o_field_widget[name=template_id] input",
            run() {
                const value = this.$anchor.val();
                if (!value.includes("Thông báo khách hàng mới")) {
                    throw new Error(`Unexpected template: ${value}`);
                }
            },
        },
        {
            content: "The preview shows the customer's values",
            trigger: ".o_zalo_zbs_preview:contains('Chào mừng Nguyễn Văn An'):contains('KH0007')",
            isCheck: true,
        },
        {
            content: "The customer has no Zalo link: sent by phone",
            trigger: ".o_field_widget[name=recipient_text]:contains('84912345678')",
            isCheck: true,
        },
        {
            content: "The quota is shown",
            trigger: ".o_field_widget[name=quota_text]:contains('500')",
            isCheck: true,
        },
        {
            content: "Send",
            trigger: ".modal-footer button[name=action_send]",
        },
        {
            content: "Sent",
            trigger: ".o_zalo_zbs_result:contains('1 message(s) sent')",
            isCheck: true,
        },
        {
            content: "Close",
            trigger: ".modal-footer button:contains('Close')",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});

/** A Zalo conversation whose 7-day window is closed: send a template instead. */
registry.category("web_tour.tours").add("zalo_oa_zbs_conversation", {
    test: true,
    steps: () => [
        {
            content: "Open the conversation",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Nguyễn Văn An')",
        },
        {
            content: "The window is closed: offer a template",
            trigger: ".o-zalo-WindowBanner-sendTemplate",
        },
        {
            content: "The composer is opened on the customer, by Zalo account",
            trigger: ".o_field_widget[name=recipient_text]:contains('Zalo account')",
            isCheck: true,
        },
        {
            content: "Send",
            trigger: ".modal-footer button[name=action_send]",
        },
        {
            content: "Sent",
            trigger: ".o_zalo_zbs_result:contains('1 message(s) sent')",
            isCheck: true,
        },
        {
            content: "Close",
            trigger: ".modal-footer button:contains('Close')",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});

/** «Send via Zalo» from a contact: change a value before sending, with its check. */
registry.category("web_tour.tours").add("zalo_oa_zbs_composer_edit", {
    test: true,
    steps: () => [
        {
            content: "Open the Action menu of the contact",
            trigger: ".o_form_view .o_cp_action_menus button.dropdown-toggle",
        },
        {
            content: "Send via Zalo",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Send via Zalo')",
        },
        {
            content: "The values are prefilled from the contact",
            trigger: ".o_zalo_zbs_values .o_data_row:contains('customer_code'):contains('KH0007')",
            isCheck: true,
        },
        {
            content: "Edit the customer code",
            trigger: ".o_zalo_zbs_values .o_data_row:contains('customer_code') td[name=value]",
        },
        {
            content: "Type a value longer than Zalo allows for a code",
            trigger: ".o_zalo_zbs_values .o_selected_row td[name=value] input",
            run: "text KHACH-HANG-THAN-THIET-CUA-CUA-HANG",
        },
        {
            content: "Leave the line",
            trigger: ".o_zalo_zbs_composer label:contains('Preview')",
        },
        {
            content: "The error is shown on the line",
            trigger:
                ".o_zalo_zbs_values .o_data_row:contains('customer_code') td[name=error]:contains('Zalo allows 30')",
            isCheck: true,
        },
        {
            content: "Nothing can be sent with an invalid value",
            trigger: ".modal-footer:not(:has(button[name=action_send]))",
            isCheck: true,
        },
        {
            content: "Edit the customer code again",
            trigger: ".o_zalo_zbs_values .o_data_row:contains('customer_code') td[name=value]",
        },
        {
            content: "Type a valid code",
            trigger: ".o_zalo_zbs_values .o_selected_row td[name=value] input",
            run: "text VIP-2026",
        },
        {
            content: "Leave the line",
            trigger: ".o_zalo_zbs_composer label:contains('Preview')",
        },
        {
            content: "The preview follows the edited value",
            trigger: ".o_zalo_zbs_preview:contains('VIP-2026'):not(:contains('KH0007'))",
            isCheck: true,
        },
        {
            content: "Send",
            trigger: ".modal-footer button[name=action_send]",
        },
        {
            content: "Sent",
            trigger: ".o_zalo_zbs_result:contains('1 message(s) sent')",
            isCheck: true,
        },
        {
            content: "Close",
            trigger: ".modal-footer button:contains('Close')",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});
