/* @odoo-module */

import { jsonrpc } from "@web/core/network/rpc_service";
import { registry } from "@web/core/registry";

const TITLE = "Áo dài cưới size M";
const DEFAULT_TITLE = "Phạm Thu Hà (Zalo Cửa hàng Test)";

/**
 * The command answers nothing visible without the bus (off while tests run): wait
 * until the server has created the lead.
 *
 * @param {string} name
 */
async function waitForLead(name) {
    for (let attempt = 0; attempt < 50; attempt++) {
        const count = await jsonrpc("/web/dataset/call_kw/crm.lead/search_count", {
            model: "crm.lead",
            method: "search_count",
            args: [[["name", "=", name]]],
            kwargs: {},
        });
        if (count) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`No lead named ${name} was created`);
}

registry.category("web_tour.tours").add("zalo_oa_crm_lead", {
    test: true,
    steps: () => [
        {
            content: "The Zalo conversation is open",
            trigger: ".o-mail-Message:contains('Chị muốn hỏi áo dài cưới size M')",
            isCheck: true,
        },
        {
            content: "Type the /lead command",
            trigger: ".o-mail-Composer-input",
            run: `text /lead ${TITLE}`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The lead is created on the server",
            trigger: ".o-mail-Composer-input",
            async run() {
                await waitForLead(TITLE);
            },
        },
        {
            content: "Create Lead from the conversation header",
            trigger: ".o-mail-Discuss-header button[name='zalo-create-lead']",
            run: "click",
        },
        {
            content: "The new lead opens",
            trigger: `.o_form_view .o_last_breadcrumb_item:contains('${DEFAULT_TITLE}')`,
            isCheck: true,
        },
        {
            content: "with its Zalo smart button",
            trigger: ".o_form_view button[name='action_zalo_open_conversation']",
            isCheck: true,
        },
    ],
});
