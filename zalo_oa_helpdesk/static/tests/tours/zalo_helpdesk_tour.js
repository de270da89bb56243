/* @odoo-module */

import { jsonrpc } from "@web/core/network/rpc_service";
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

const TITLE = "Máy lọc nước bị rò rỉ ở van dưới";

/**
 * @param {string} model
 * @param {string} method
 * @param {Array} args
 * @param {Object} [kwargs]
 */
function call(model, method, args, kwargs = {}) {
    return jsonrpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs });
}

registry.category("web_tour.tours").add("zalo_oa_helpdesk_ticket_command", {
    test: true,
    steps: () => [
        {
            content: "The Zalo conversation is open",
            trigger: ".o-mail-Message:contains('Máy lọc nước nhà mình bị rò rỉ')",
            isCheck: true,
        },
        {
            content: "Start a command",
            trigger: ".o-mail-Composer-input",
            run: "text /tic",
        },
        {
            content: "The command is suggested with its help",
            trigger:
                ".o-mail-Composer-suggestion:contains('ticket'):contains('Create a helpdesk ticket for this customer')",
            isCheck: true,
        },
        {
            content: "Type the command with a title",
            trigger: ".o-mail-Composer-input",
            run: `text /ticket ${TITLE}`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "No team for this OA yet: the reason is shown, nothing is created",
            trigger: ".o_notification.border-danger:contains('No helpdesk team')",
            async run() {
                const count = await call("helpdesk.ticket", "search_count", [[]]);
                if (count) {
                    throw new Error("A refused command should create no ticket");
                }
            },
        },
        {
            content: "The composer is usable again; a Zalo administrator sets the team",
            trigger: ".o-mail-Composer-input:not(:disabled)",
            async run() {
                const [team] = await call("helpdesk.ticket.team", "search", [
                    [["name", "=", "Chăm sóc khách hàng"]],
                ]);
                const oas = await call("zalo.oa", "search", [[]]);
                await call("zalo.oa", "write", [oas, { helpdesk_team_id: team }]);
            },
        },
        {
            content: "Type the command again",
            trigger: ".o-mail-Composer-input",
            run: `text /ticket ${TITLE}`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The ticket is created, with a link to it",
            trigger: `.o_notification:contains('Ticket created') a:contains('${TITLE}')`,
            isCheck: true,
        },
    ],
});
