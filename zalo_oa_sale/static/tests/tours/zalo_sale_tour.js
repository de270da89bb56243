/* @odoo-module */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("zalo_oa_sale_quotation", {
    test: true,
    steps: () => [
        {
            content: "The Zalo conversation is open",
            trigger: ".o-mail-Message:contains('Shop báo giá giúp mình nhé')",
            isCheck: true,
        },
        {
            content: "Create Quotation from the conversation header",
            trigger: ".o-mail-Discuss-header button[name='zalo-create-quotation']",
            run: "click",
        },
        {
            content: "The new quotation opens for the customer",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run() {
                const value = this.$anchor[0].value;
                if (!value.includes("Nguyễn Thị Hồng Nhung")) {
                    throw new Error(`Unexpected customer: ${value}`);
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
