/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

// "/ticket [title]" in a Zalo conversation: a helpdesk ticket for the customer, the
// conversation as its description (see discuss.channel.execute_command_ticket).
registry.category("discuss.channel_commands").add("ticket", {
    channel_types: ["zalo"],
    help: _t("Create a helpdesk ticket for this customer (/ticket ticket title)"),
    methodName: "execute_command_ticket",
});
