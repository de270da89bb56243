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

registry.category("web_tour.tours").add("zalo_oa_sale_quotation_command", {
    test: true,
    steps: () => [
        {
            content: "The Zalo conversation is open",
            trigger: ".o-mail-Message:contains('Shop báo giá giúp mình nhé')",
            isCheck: true,
        },
        {
            content: "Start a command",
            trigger: ".o-mail-Composer-input",
            run: "text /quo",
        },
        {
            content: "The command is suggested with its help",
            trigger:
                ".o-mail-Composer-suggestion:contains('quotation'):contains('Create a draft quotation for this customer')",
            run: "click",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-input",
            extra_trigger: ".o-mail-Composer-send:enabled",
            run() {
                if (!this.$anchor[0].value.startsWith("/quotation")) {
                    throw new Error(`Unexpected composer text: ${this.$anchor[0].value}`);
                }
                document.querySelector(".o-mail-Composer-send").click();
            },
        },
        {
            content: "The new quotation opens in a dialog, over the conversation",
            // Tour triggers are looked up inside the open dialog.
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run() {
                if (
                    !this.$anchor[0].closest(".modal") ||
                    !document.querySelector(".o_action_manager .o-mail-Discuss")
                ) {
                    throw new Error("The quotation should open in a dialog over the conversation");
                }
                const value = this.$anchor[0].value;
                if (!value.includes("Nguyễn Thị Hồng Nhung")) {
                    throw new Error(`Unexpected customer: ${value}`);
                }
            },
        },
        {
            content: "Close the dialog",
            trigger: ".modal-header .btn-close",
        },
        {
            content: "Back to the conversation, the composer is empty again",
            trigger: ".o-mail-Composer-input",
            extra_trigger: "body:not(:has(.modal))",
            run() {
                if (this.$anchor[0].value) {
                    throw new Error("The command should have left the composer");
                }
            },
        },
    ],
});
