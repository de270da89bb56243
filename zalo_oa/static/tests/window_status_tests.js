/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { browser } from "@web/core/browser/browser";
import { patchWithCleanup } from "@web/../tests/helpers/utils";
import { contains } from "@web/../tests/utils";

import {
    createZaloConversation,
    zaloWindowEndIn,
} from "@zalo_oa/../tests/helpers/zalo_test_utils";

QUnit.module("zalo_oa", () => {
    QUnit.module("window status");

    QUnit.test("open window: days and hours left", async () => {
        const pyEnv = await startServer();
        const { channelId } = createZaloConversation(pyEnv, {
            windowExpiresAt: zaloWindowEndIn({ days: 3, hours: 2, seconds: 30 }),
        });
        const { openDiscuss } = await start();
        await openDiscuss(channelId);
        await contains(".o-zalo-WindowStatus-window.text-muted", {
            text: "Reply window: 3 days, 2 hours left",
        });
        await contains(".o-zalo-WindowStatus-closed", { count: 0 });
        await contains(".o-zalo-WindowBanner", { count: 0 });
        await contains(".o-mail-Composer-input:enabled");
    });
});
