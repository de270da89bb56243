/* @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

registry.category("discuss.channel_commands").add("resolve", {
    channel_types: ["zalo"],
    help: _t("Mark this conversation as resolved (it leaves the sidebar until the customer writes again)"),
    methodName: "execute_command_resolve",
});
