/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { browser } from "@web/core/browser/browser";
import { click, contains } from "@web/../tests/utils";

import { createZaloConversation } from "@zalo_oa/../tests/helpers/zalo_test_utils";

/** The categories and conversations of the sidebar, in their order. */
function sidebarItems() {
    return [
        ...document.querySelectorAll(
            ".o-mail-DiscussSidebarCategory, .o-mail-DiscussSidebarChannel"
        ),
    ].map((el) =>
        el.classList.contains("o-mail-DiscussSidebarCategory")
            ? `[${el.querySelector(".text-uppercase").textContent}]`
            : el.querySelector(".text-truncate").textContent
    );
}

QUnit.module("discuss sidebar");

QUnit.test(
    "one category per Official Account, by name; recent conversations first",
    async (assert) => {
        const pyEnv = await startServer();
        pyEnv["discuss.channel"].create({ name: "general" });
        const shopB = pyEnv["zalo.oa"].create({ name: "Shop B" });
        const shopA = pyEnv["zalo.oa"].create({ name: "Shop A" });
        createZaloConversation(pyEnv, {
            oaId: shopB,
            customerName: "Customer B1",
            member: { last_interest_dt: "2024-03-01 10:00:00" },
        });
        createZaloConversation(pyEnv, {
            oaId: shopA,
            customerName: "Customer A1",
            member: { last_interest_dt: "2024-03-01 09:00:00" },
        });
        createZaloConversation(pyEnv, {
            oaId: shopA,
            customerName: "Customer A2",
            member: { last_interest_dt: "2024-03-01 11:00:00" },
        });
        createZaloConversation(pyEnv, {
            oaId: shopA,
            customerName: "Customer A3",
            member: { last_interest_dt: "2024-02-28 18:00:00" },
        });
        const partnerId = pyEnv["res.partner"].create({ name: "Trần Thị Bình" });
        pyEnv["discuss.channel"].create({
            channel_member_ids: [
                [0, 0, { partner_id: pyEnv.currentPartnerId }],
                [0, 0, { partner_id: partnerId }],
            ],
            channel_type: "chat",
        });
        const { openDiscuss } = await start();
        await openDiscuss();
        await contains(".o-zalo-DiscussSidebarCategory", { count: 2 });
        await contains(".o-mail-DiscussSidebarChannel", { count: 6 });
        assert.deepEqual(sidebarItems(), [
            "[Channels]",
            "general",
            "[Zalo · Shop A]",
            "Customer A2",
            "Customer A1",
            "Customer A3",
            "[Zalo · Shop B]",
            "Customer B1",
            "[Direct messages]",
            "Trần Thị Bình",
        ]);
        await contains(`.o-zalo-DiscussSidebarCategory-${shopA}`, { text: "Zalo · Shop A" });
        await contains(`.o-zalo-DiscussSidebarCategory-${shopB}`, { text: "Zalo · Shop B" });
        // the customer's avatar, with the Zalo badge
        await contains(".o-mail-DiscussSidebarChannel img.o-zalo-ThreadIcon", { count: 4 });
    }
);

QUnit.test("counters; closing a category is remembered by the browser", async (assert) => {
    const pyEnv = await startServer();
    const { oaId } = createZaloConversation(pyEnv, {
        customerName: "Customer 1",
        member: { message_unread_counter: 3 },
    });
    createZaloConversation(pyEnv, {
        oaId,
        customerName: "Customer 2",
        member: { message_unread_counter: 1 },
    });
    createZaloConversation(pyEnv, { oaId, customerName: "Customer 3" });
    const { openDiscuss } = await start();
    await openDiscuss();
    await contains(".o-mail-DiscussSidebarChannel", { count: 3 });
    await contains(".o-mail-DiscussSidebarChannel.o-unread", { count: 2 });
    await contains(".o-mail-DiscussSidebarChannel", {
        text: "Customer 1",
        contains: [".badge", { text: "3" }],
    });
    await contains(".o-mail-DiscussSidebarChannel", {
        text: "Customer 2",
        contains: [".badge", { text: "1" }],
    });
    await contains(".o-mail-DiscussSidebarChannel", {
        text: "Customer 3",
        contains: [".badge", { count: 0 }],
    });
    // open: no counter on the category
    await contains(".o-zalo-DiscussSidebarCategory .badge", { count: 0 });
    await click(".o-zalo-DiscussSidebarCategory .btn", { text: "Zalo · Cửa hàng ABC" });
    await contains(".o-zalo-DiscussSidebarCategory .oi-chevron-right");
    await contains(".o-mail-DiscussSidebarChannel", { count: 0 });
    // closed: the number of conversations with unread messages
    await contains(".o-zalo-DiscussSidebarCategory .badge", { text: "2" });
    const key = `zalo_oa.discuss_category_open.${oaId}`;
    assert.strictEqual(browser.localStorage.getItem(key), "false");
    await click(".o-zalo-DiscussSidebarCategory .btn", { text: "Zalo · Cửa hàng ABC" });
    await contains(".o-mail-DiscussSidebarChannel", { count: 3 });
    assert.strictEqual(browser.localStorage.getItem(key), "true");
});

QUnit.test("a category closed in this browser starts closed", async () => {
    const pyEnv = await startServer();
    const { oaId } = createZaloConversation(pyEnv, {
        member: { message_unread_counter: 2 },
    });
    browser.localStorage.setItem(`zalo_oa.discuss_category_open.${oaId}`, "false");
    const { openDiscuss } = await start();
    await openDiscuss();
    await contains(".o-zalo-DiscussSidebarCategory .oi-chevron-right");
    await contains(".o-zalo-DiscussSidebarCategory .badge", { text: "1" });
    await contains(".o-mail-DiscussSidebarChannel", { count: 0 });
});

QUnit.test("a conversation that leaves the sidebar takes its empty category along", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        oaName: "Shop A",
        customerName: "Customer A1",
    });
    createZaloConversation(pyEnv, { oaName: "Shop B", customerName: "Customer B1" });
    const { openDiscuss } = await start();
    await openDiscuss();
    await contains(".o-zalo-DiscussSidebarCategory", { count: 2 });
    // what the server sends when the conversation is resolved
    pyEnv["bus.bus"]._sendone(pyEnv.currentPartner, "mail.record/insert", {
        Thread: {
            id: channelId,
            model: "discuss.channel",
            is_pinned: false,
            message_unread_counter: 0,
            zalo_status: "resolved",
        },
    });
    await contains(".o-mail-DiscussSidebarChannel", { text: "Customer A1", count: 0 });
    await contains(".o-zalo-DiscussSidebarCategory", { count: 1 });
    await contains(".o-zalo-DiscussSidebarCategory", { text: "Zalo · Shop B" });
    await contains(".o-mail-DiscussSidebarChannel", { text: "Customer B1" });
});
