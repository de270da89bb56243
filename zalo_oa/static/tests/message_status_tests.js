/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { patchWithCleanup } from "@web/../tests/helpers/utils";
import { assertSteps, click, contains, insertText, step } from "@web/../tests/utils";

import {
    createZaloConversation,
    createZaloReply,
    notifyZaloNotificationUpdate,
} from "@zalo_oa/../tests/helpers/zalo_test_utils";

/**
 * The delivery status of a reply sent to Zalo, as the message's notification of type
 * "zalo" carries it (`notification_status`, and zalo_oa's `zalo_state` and
 * `failure_reason`): a Zalo status icon while it is on its way, Odoo's failure icon
 * (which opens the resend dialog) when it failed.
 */
QUnit.module("message status");

QUnit.test("pending: a clock, 'Sending to Zalo'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        notification: { notification_status: "ready", zalo_state: "pending" },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-mail-Message .o-zalo-MessageStatus.o-zalo-MessageStatus-pending[data-state='pending'][aria-label='Sending to Zalo'][data-tooltip='Sending to Zalo']"
    );
    await contains(".o-zalo-MessageStatus i", { count: 1 });
    await contains(".o-zalo-MessageStatus .fa-clock-o");
    // Zalo's receipts replace Odoo's "seen by" checks
    await contains(".o-mail-MessageSeenIndicator", { count: 0 });
    // not a failure: no stock notification icon, no reason
    await contains(".o-mail-Message-notification", { count: 0 });
    await contains(".o-zalo-MessageFailure", { count: 0 });
});

QUnit.test("pending again after a failed attempt: the reason in the tooltip", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        notification: {
            notification_status: "ready",
            zalo_state: "pending",
            failure_reason: "Zalo is busy, retrying.",
        },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-zalo-MessageStatus[data-state='pending'][data-tooltip='Sending to Zalo: Zalo is busy, retrying.'] .fa-clock-o"
    );
    await contains(".o-mail-Message-notification", { count: 0 });
    await contains(".o-zalo-MessageFailure", { count: 0 });
});

QUnit.test("sent: one check, 'Sent to Zalo'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        notification: { notification_status: "sent", zalo_state: "sent" },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-zalo-MessageStatus.o-zalo-MessageStatus-sent[data-state='sent'][aria-label='Sent to Zalo'] .fa-check"
    );
    await contains(".o-zalo-MessageStatus i", { count: 1 });
    await contains(".o-mail-MessageSeenIndicator", { count: 0 });
    await contains(".o-mail-Message-notification", { count: 0 });
});

QUnit.test("delivered: two checks, 'Delivered'", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        notification: { notification_status: "sent", zalo_state: "delivered" },
    });
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
    createZaloReply(pyEnv, channelId, {
        notification: { notification_status: "sent", zalo_state: "read" },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus-read[data-state='read'][aria-label='Read']");
    await contains(".o-zalo-MessageStatus .fa-check", { count: 2 });
});

QUnit.test("without zalo_state: the state follows Odoo's notification status", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    for (const [body, notification_status] of [
        ["queued", "ready"],
        ["in process", "process"],
        ["taken by Zalo", "sent"],
    ]) {
        createZaloReply(pyEnv, channelId, {
            body,
            notification: { notification_status, zalo_state: false },
        });
    }
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    for (const [body, state] of [
        ["queued", "pending"],
        ["in process", "pending"],
        ["taken by Zalo", "sent"],
    ]) {
        await contains(`.o-zalo-MessageStatus[data-state='${state}']`, {
            parent: [".o-mail-Message", { text: body }],
        });
    }
    await contains(".o-zalo-MessageStatus", { count: 3 });
});

QUnit.test("failed: Odoo's failure icon, the reason; a click opens the resend dialog", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { messageId } = createZaloReply(pyEnv, channelId, {
        notification: {
            notification_status: "exception",
            zalo_state: "failed",
            failure_type: "zalo_recipient",
            failure_reason: "The customer has blocked this Official Account.",
        },
    });
    const { env, openDiscuss } = await start();
    await openDiscuss(channelId);
    patchWithCleanup(env.services.action, {
        doAction(action, options) {
            step(`${action} ${JSON.stringify(options.additionalContext)}`);
            return Promise.resolve(true);
        },
    });
    await contains(".o-mail-Message-notification.text-danger i.fa.fa-exclamation-circle");
    await contains(".o-mail-Message-notification.text-danger", { text: "Zalo" });
    await contains(".o-zalo-MessageFailure", {
        text: "The customer has blocked this Official Account.",
    });
    // the failure icon says it all: no Zalo status icon next to it
    await contains(".o-zalo-MessageStatus", { count: 0 });
    await contains(".o-mail-MessageSeenIndicator", { count: 0 });
    await click(".o-mail-Message-notification");
    await assertSteps([
        `zalo_oa.zalo_resend_action ${JSON.stringify({ default_mail_message_id: messageId })}`,
    ]);
});

QUnit.test("failed without a reason: a generic one", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        notification: {
            notification_status: "exception",
            zalo_state: "failed",
            failure_type: "zalo_server",
        },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-mail-Message-notification.text-danger", { text: "Zalo" });
    await contains(".o-zalo-MessageFailure", { text: "This message could not be sent to Zalo." });
    await contains(".o-zalo-MessageStatus", { count: 0 });
});

QUnit.test("a failure its author dismissed: 'Not sent' in the Zalo status icon", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    createZaloReply(pyEnv, channelId, {
        notification: {
            notification_status: "canceled",
            zalo_state: "failed",
            failure_type: "zalo_recipient",
            failure_reason: "The customer has blocked this Official Account.",
        },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-zalo-MessageStatus[data-state='failed'][aria-label='Not sent: The customer has blocked this Official Account.'] .fa-exclamation-circle"
    );
    await contains(".o-zalo-MessageFailure", {
        text: "The customer has blocked this Official Account.",
    });
    // no longer a failure to resend
    await contains(".o-mail-Message-notification", { count: 0 });
});

QUnit.test("status updates by the bus; a stale one never moves the icon back", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { messageId, notificationId } = createZaloReply(pyEnv, channelId);
    const other = createZaloReply(pyEnv, channelId, { body: "Shop gửi ảnh ạ" });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    const parent = [".o-mail-Message", { text: "Dạ shop còn size M ạ" }];
    await contains(".o-zalo-MessageStatus[data-state='pending']", { parent });
    const queuedPayload = notifyZaloNotificationUpdate(pyEnv, channelId, [messageId]);

    pyEnv["mail.notification"].write([notificationId], {
        notification_status: "sent",
        zalo_state: "sent",
    });
    const sentPayload = notifyZaloNotificationUpdate(pyEnv, channelId, [messageId]);
    await contains(".o-zalo-MessageStatus[data-state='sent'] .fa-check", { parent });

    pyEnv["mail.notification"].write([notificationId], { zalo_state: "delivered" });
    notifyZaloNotificationUpdate(pyEnv, channelId, [messageId]);
    await contains(".o-zalo-MessageStatus[data-state='delivered'] .fa-check", {
        count: 2,
        parent,
    });

    pyEnv["mail.notification"].write([notificationId], { zalo_state: "read" });
    notifyZaloNotificationUpdate(pyEnv, channelId, [messageId]);
    await contains(".o-zalo-MessageStatus-read[data-state='read']", { parent });

    // late deliveries of older updates (the author's own bus channel gets them too)
    for (const payload of [sentPayload, queuedPayload]) {
        pyEnv["bus.bus"]._sendone(
            pyEnv.currentPartner,
            "mail.message/notification_update",
            payload
        );
    }
    // a later update of the other message: the stale ones were handled before it
    pyEnv["mail.notification"].write([other.notificationId], {
        notification_status: "sent",
        zalo_state: "sent",
    });
    notifyZaloNotificationUpdate(pyEnv, channelId, [other.messageId]);
    await contains(".o-zalo-MessageStatus[data-state='sent']", {
        parent: [".o-mail-Message", { text: "Shop gửi ảnh ạ" }],
    });
    await contains(".o-zalo-MessageStatus[data-state='read'][aria-label='Read']", { parent });
    await contains(".o-zalo-MessageStatus .fa-check", { count: 2, parent });
});

QUnit.test("a failure by the bus; the resend puts the message back to pending", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { messageId, notificationId } = createZaloReply(pyEnv, channelId);
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus[data-state='pending']");

    pyEnv["mail.notification"].write([notificationId], {
        notification_status: "exception",
        zalo_state: "failed",
        failure_type: "zalo_window_closed",
        failure_reason: "The reply window is closed.",
    });
    notifyZaloNotificationUpdate(pyEnv, channelId, [messageId]);
    await contains(".o-mail-Message-notification.text-danger", { text: "Zalo" });
    await contains(".o-zalo-MessageFailure", { text: "The reply window is closed." });
    await contains(".o-zalo-MessageStatus", { count: 0 });

    // resent from the dialog: queued again
    pyEnv["mail.notification"].write([notificationId], {
        notification_status: "ready",
        zalo_state: "pending",
        failure_type: false,
        failure_reason: false,
    });
    notifyZaloNotificationUpdate(pyEnv, channelId, [messageId]);
    await contains(".o-zalo-MessageStatus[data-state='pending'][aria-label='Sending to Zalo']");
    await contains(".o-mail-Message-notification", { count: 0 });
    await contains(".o-zalo-MessageFailure", { count: 0 });
});

QUnit.test("a reply posted in Discuss shows its send as pending", async (assert) => {
    const pyEnv = await startServer();
    const { channelId, customerId } = createZaloConversation(pyEnv);
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await insertText(".o-mail-Composer-input", "Dạ shop còn size M ạ");
    await click(".o-mail-Composer-send:enabled");
    await contains(".o-mail-Message", { text: "Dạ shop còn size M ạ" });
    await contains(".o-mail-Message .o-zalo-MessageStatus[data-state='pending']");
    await contains(".o-mail-Message-notification", { count: 0 });
    const zaloMessages = pyEnv["zalo.message"].searchRead([]);
    assert.strictEqual(zaloMessages.length, 1);
    assert.strictEqual(zaloMessages[0].state, "pending");
    const notifications = pyEnv["mail.notification"].searchRead([
        ["notification_type", "=", "zalo"],
    ]);
    assert.strictEqual(notifications.length, 1);
    assert.strictEqual(notifications[0].mail_message_id[0], zaloMessages[0].mail_message_id[0]);
    assert.strictEqual(notifications[0].res_partner_id[0], customerId);
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
    createZaloReply(pyEnv, channelId, {
        notification: { notification_status: "sent", zalo_state: "read" },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-zalo-MessageStatus[data-state='read']", {
        parent: [".o-mail-Message", { text: "Dạ shop còn size M ạ" }],
    });
    await contains(".o-zalo-MessageStatus", {
        count: 0,
        parent: [".o-mail-Message", { text: "Chào shop, áo còn size M không?" }],
    });
    await contains(".o-zalo-MessageStatus", { count: 1 });
});
