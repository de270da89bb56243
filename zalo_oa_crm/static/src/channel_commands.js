/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

const commandRegistry = registry.category("discuss.channel_commands");

// crm_livechat registers "/lead" for every channel type (its assets come first: Odoo
// orders the bundle by dependencies, then by module name). Its entry already calls
// `execute_command_lead`, which zalo_oa_crm handles for Zalo conversations; only add
// the command when it is missing, restricted to Zalo conversations.
if (!commandRegistry.contains("lead")) {
    commandRegistry.add("lead", {
        channel_types: ["zalo"],
        help: _t("Create a lead for this customer (/lead lead title)"),
        methodName: "execute_command_lead",
    });
}
