/* @odoo-module */

import { ThreadService } from "@mail/core/common/thread_service";

import { patch } from "@web/core/utils/patch";

patch(ThreadService.prototype, {
    /**
     * In a Zalo conversation, "/lead" goes to the Zalo handler by name: it cannot be
     * shadowed by another addon's `execute_command_lead` (crm_livechat's does not call
     * super), whatever the order the addons were loaded in. Errors and answers are
     * handled like the other Zalo commands (see zalo_oa).
     *
     * @override
     */
    executeCommand(thread, command, body = "") {
        if (thread.type === "zalo" && command.methodName === "execute_command_lead") {
            command = { ...command, methodName: "zalo_execute_command_lead" };
            return super.executeCommand(thread, command, body);
        }
        return super.executeCommand(...arguments);
    },
});
