/* @odoo-module */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("zalo_oa_helpdesk_ticket", {
    test: true,
    steps: () => [
        {
            content: "The Zalo conversation is open",
            trigger: ".o-mail-Message:contains('Máy lọc nước nhà mình bị rò rỉ')",
            isCheck: true,
        },
        {
            content: "Create Ticket from the conversation header",
            trigger: ".o-mail-Discuss-header button[name='zalo-create-ticket']",
            run: "click",
        },
        {
            content: "The new ticket opens",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run() {
                const value = this.$anchor[0].value;
                if (value !== "Phạm Thu Hà (Zalo Cửa hàng Test)") {
                    throw new Error(`Unexpected ticket title: ${value}`);
                }
            },
        },
        {
            content: "with its Zalo smart button",
            trigger: ".o_form_view button[name='action_zalo_open_conversation']",
            isCheck: true,
        },
    ],
});
