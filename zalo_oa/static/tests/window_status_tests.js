/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { browser } from "@web/core/browser/browser";
import { serializeDateTime } from "@web/core/l10n/dates";
import { patchWithCleanup } from "@web/../tests/helpers/utils";
import { click, contains } from "@web/../tests/utils";

import { createZaloConversation, zaloWindowEndIn } from "@zalo_oa/../tests/helpers/zalo_test_utils";

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
    await contains(".o-zalo-WindowStatus-window[data-tooltip^='Free replies are possible until ']");
});

QUnit.test("less than a day left: hours and minutes, in orange", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ hours: 5, minutes: 12, seconds: 30 }),
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-WindowStatus-window.text-warning", {
        text: "Reply window: 5 hours, 12 minutes left",
    });
    await contains(".o-zalo-WindowStatus-window.text-muted", { count: 0 });
});

QUnit.test("closed window: in red, since when", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ days: -2 }),
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-WindowStatus-window.o-zalo-WindowStatus-closed.text-danger", {
        text: "Reply window closed",
    });
    await contains(
        ".o-zalo-WindowStatus-closed[data-tooltip^='Closed since '][data-tooltip$=\": the customer's last message is more than 7 days old.\"]"
    );
});

QUnit.test("customer who never wrote: closed, only templates", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, { windowExpiresAt: false });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-WindowStatus-closed", { text: "Reply window closed" });
    await contains(
        ".o-zalo-WindowStatus-closed[data-tooltip='The customer has not written yet: only ZBS templates can be sent.']"
    );
});

QUnit.test("contact created from Zalo: 'New Zalo contact'", async () => {
    const pyEnv = await startServer();
    const { channelId: shadowId, oaId } = createZaloConversation(pyEnv, {
        customerName: "Zalo user 1",
        link: { is_shadow: true },
    });
    createZaloConversation(pyEnv, { oaId });
    const { openDiscuss } = await start();
    await openDiscuss(shadowId);
    await contains(".o-zalo-WindowStatus-shadow", { text: "New Zalo contact" });
    await click(".o-mail-DiscussSidebarChannel", { text: "Nguyễn Văn An" });
    await contains("input.o-mail-Discuss-threadName", { value: "Nguyễn Văn An" });
    await contains(".o-zalo-WindowStatus-window");
    await contains(".o-zalo-WindowStatus-shadow", { count: 0 });
});

QUnit.test("the window closes when its time is over", async () => {
    // the Zalo service re-reads the clock every 30 seconds (so does Odoo's RTC service:
    // 30 seconds pass for both)
    const every30s = [];
    const tick = () => every30s.forEach((fn) => fn());
    patchWithCleanup(browser, {
        setInterval(fn, delay) {
            if (delay === 30 * 1000) {
                every30s.push(fn);
            }
            return super.setInterval(...arguments);
        },
    });
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ seconds: 45 }),
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-WindowStatus-window.text-warning", {
        text: "Reply window: 1 minute left",
    });
    await contains(".o-mail-Composer-input:enabled");
    const now = Date.now();
    patchWithCleanup(Date, { now: () => now + 60 * 1000 });
    tick();
    await contains(".o-zalo-WindowStatus-closed", { text: "Reply window closed" });
    await contains(".o-mail-Composer-input:disabled");
    await contains(".o-zalo-WindowBanner");
});

QUnit.test("a message of the customer reopens the window at once", async () => {
    const pyEnv = await startServer();
    const colleagueId = pyEnv["res.partner"].create({ name: "Trần Thị Bình" });
    const { channelId, customerId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ days: -1 }),
    });
    pyEnv["discuss.channel"].write([channelId], {
        channel_member_ids: [[0, 0, { partner_id: colleagueId }]],
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-WindowStatus-closed", { text: "Reply window closed" });
    // a note of a colleague does not
    pyEnv.mockServer._mockDiscussChannelMessagePost(channelId, {
        author_id: colleagueId,
        body: "Khách này hỏi size M",
        message_type: "comment",
        subtype_xmlid: "mail.mt_comment",
    });
    await contains(".o-mail-Message", { text: "Khách này hỏi size M" });
    await contains(".o-zalo-WindowStatus-closed", { text: "Reply window closed" });
    await contains(".o-mail-Composer-input:disabled");
    pyEnv.mockServer._mockDiscussChannelMessagePost(channelId, {
        author_id: customerId,
        body: "Shop ơi, còn áo không?",
        // sent on Zalo a little while ago
        date: serializeDateTime(luxon.DateTime.now().minus({ hours: 2, seconds: 30 })),
        message_type: "comment",
        subtype_xmlid: "mail.mt_comment",
    });
    await contains(".o-mail-Message", { text: "Shop ơi, còn áo không?" });
    // 7 days after the customer's message
    await contains(".o-zalo-WindowStatus-window.text-muted", {
        text: "Reply window: 6 days, 21 hours left",
    });
    await contains(".o-zalo-WindowStatus-closed", { count: 0 });
    await contains(".o-mail-Composer-input:enabled");
    await contains(".o-zalo-WindowBanner", { count: 0 });
});
