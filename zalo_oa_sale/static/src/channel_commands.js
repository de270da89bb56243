/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

// "/quotation" in a Zalo conversation: a draft quotation for the customer, opened in a
// dialog over the conversation (see discuss.channel.execute_command_quotation).
registry.category("discuss.channel_commands").add("quotation", {
    channel_types: ["zalo"],
    help: _t("Create a draft quotation for this customer"),
    methodName: "execute_command_quotation",
});
