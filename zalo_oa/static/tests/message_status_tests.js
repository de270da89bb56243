/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { assertSteps, click, contains, insertText, step } from "@web/../tests/utils";

import { createZaloConversation, createZaloReply } from "@zalo_oa/../tests/helpers/zalo_test_utils";

/**
 * The delivery status of a reply sent to Zalo, as the message carries it from the
 * server (`zalo` in the formatted message, from its outbound `zalo.message`).
 */
QUnit.module("message status");

QUnit.test("pending: a clock, 'Sending to Zalo'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, { zalo: { state: "pending" } });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-mail-Message .o-zalo-MessageStatus[data-state='pending'][aria-label='Sending to Zalo'][data-tooltip='Sending to Zalo']"
    );
    await contains(".o-zalo-MessageStatus i", { count: 1 });
    await contains(".o-zalo-MessageStatus .fa-clock-o");
    // Zalo's receipts replace Odoo's "seen by" checks
    await contains(".o-mail-MessageSeenIndicator", { count: 0 });
    await contains(".o-zalo-MessageFailure", { count: 0 });
});

QUnit.test("pending again after a failed attempt: the reason in the tooltip", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        zalo: { state: "pending", failure_reason: "Zalo is busy, retrying." },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-zalo-MessageStatus[data-state='pending'][data-tooltip='Sending to Zalo: Zalo is busy, retrying.'] .fa-clock-o"
    );
    await contains(".o-zalo-MessageFailure", { count: 0 });
});

QUnit.test("sent: one check, 'Sent to Zalo'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, { zalo: { state: "sent" } });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus[data-state='sent'][aria-label='Sent to Zalo'] .fa-check");
    await contains(".o-zalo-MessageStatus i", { count: 1 });
});

QUnit.test("delivered: two checks, 'Delivered'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, { zalo: { state: "delivered" } });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus[data-state='delivered'][aria-label='Delivered']");
    await contains(".o-zalo-MessageStatus .fa-check", { count: 2 });
    await contains(".o-zalo-MessageStatus .fa-check.o-second");
    await contains(".o-zalo-MessageStatus-read", { count: 0 });
});

QUnit.test("read: two checks, 'Read'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, { zalo: { state: "read" } });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus-read[data-state='read'][aria-label='Read']");
    await contains(".o-zalo-MessageStatus .fa-check", { count: 2 });
});

QUnit.test("a message sent in several parts shows its least advanced part", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { messageId } = createZaloReply(pyEnv, channelId, { zalo: { state: "read" } });
    const [channel] = pyEnv["discuss.channel"].searchRead([["id", "=", channelId]]);
    // e.g. the text and an attached image: two sends for one message
    pyEnv["zalo.message"].create({
        author_id: pyEnv.currentUserId,
        channel_id: channelId,
        mail_message_id: messageId,
        oa_id: channel.zalo_oa_id[0],
        state: "sent",
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus[data-state='sent'][aria-label='Sent to Zalo']");
    await contains(".o-zalo-MessageStatus .fa-check", { count: 1 });
});

QUnit.test("failed: the reason, and Retry for its author", async (assert) => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { messageId, zaloMessageId } = createZaloReply(pyEnv, channelId, {
        zalo: {
            state: "failed",
            failure_reason: "The customer has blocked this Official Account.",
        },
    });
    const { openDiscuss } = await start({
        mockRPC(route, args) {
            if (route === "/zalo_oa/message/retry") {
                step(`retry ${args.message_id}`);
            }
        },
    });
    await openDiscuss(channelId);
    await contains(
        ".o-zalo-MessageStatus[data-state='failed'][aria-label='Not sent: The customer has blocked this Official Account.'] .fa-exclamation-circle"
    );
    await contains(".o-zalo-MessageFailure", {
        text: "The customer has blocked this Official Account.Retry",
    });
    await click(".o-zalo-MessageFailure-retry");
    await assertSteps([`retry ${messageId}`]);
    // the answer of the retry is shown at once
    await contains(".o-zalo-MessageStatus[data-state='pending'] .fa-clock-o");
    const [zaloMessage] = pyEnv["zalo.message"].searchRead([["id", "=", zaloMessageId]]);
    assert.strictEqual(zaloMessage.state, "pending");
    await contains(".o-zalo-MessageFailure", { count: 0 });
});

QUnit.test("failed, sent by a colleague: no Retry", async () => {
    const pyEnv = await startServer();
    const colleagueUserId = pyEnv["res.users"].create({ name: "Trần Thị Bình" });
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        zalo: { state: "failed", failure_reason: "", author_id: colleagueUserId },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus[data-state='failed'][aria-label='Not sent']");
    await contains(".o-zalo-MessageFailure", {
        text: "This message could not be sent to Zalo.",
    });
    await contains(".o-zalo-MessageFailure-retry", { count: 0 });
});

QUnit.test("a reply posted in Discuss shows its send as pending", async (assert) => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await insertText(".o-mail-Composer-input", "Dạ shop còn size M ạ");
    await click(".o-mail-Composer-send:enabled");
    await contains(".o-mail-Message", { text: "Dạ shop còn size M ạ" });
    await contains(".o-mail-Message .o-zalo-MessageStatus[data-state='pending']");
    const zaloMessages = pyEnv["zalo.message"].searchRead([]);
    assert.strictEqual(zaloMessages.length, 1);
    assert.strictEqual(zaloMessages[0].state, "pending");
});

QUnit.test("no status on the customer's messages", async () => {
    const pyEnv = await startServer();
    const { channelId, customerId } = createZaloConversation(pyEnv);
    pyEnv["mail.message"].create({
        author_id: customerId,
        body: "Chào shop, áo còn size M không?",
        message_type: "comment",
        model: "discuss.channel",
        res_id: channelId,
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-mail-Message", { text: "Chào shop, áo còn size M không?" });
    await contains(".o-zalo-MessageStatus", { count: 0 });
});
