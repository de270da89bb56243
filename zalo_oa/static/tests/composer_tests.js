/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { patchWithCleanup } from "@web/../tests/helpers/utils";
import {
    assertSteps,
    click,
    contains,
    createFile,
    inputFiles,
    insertText,
    step,
} from "@web/../tests/utils";

import { createZaloConversation, zaloWindowEndIn } from "@zalo_oa/../tests/helpers/zalo_test_utils";

const ZALO_FILES_ONLY =
    "Zalo only accepts JPEG and PNG images (up to 1 MB), GIFs and PDF, DOC, DOCX or CSV files (up to 5 MB).";

QUnit.module("composer");

QUnit.test("open window: Zalo's file types only, no GIF picker, no voice message", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    pyEnv["discuss.channel"].create({ name: "general" });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(".o-mail-Composer-input:enabled[placeholder='Reply to Nguyễn Văn An on Zalo…']");
    await contains(
        ".o-mail-Composer .o_input_file[accept='.jpg,.jpeg,.png,.gif,.pdf,.doc,.docx,.csv']"
    );
    await contains(".o-mail-Composer-attachFiles:enabled");
    await contains("button[aria-label='Emojis']:enabled");
    await contains("button[aria-label='GIFs']", { count: 0 });
    await contains(".o-mail-VoiceRecorder", { count: 0 });
    await contains(".o-zalo-WindowBanner", { count: 0 });
    // all of them in other channels
    await click(".o-mail-DiscussSidebarChannel", { text: "general" });
    await contains(".o-mail-Composer-input[placeholder='Message #general…']");
    await contains(".o-mail-Composer .o_input_file[accept='*']");
    await contains("button[aria-label='GIFs']");
    await contains(".o-mail-VoiceRecorder");
});

QUnit.test("closed window: nothing can be typed, attached or sent", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ days: -1 }),
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await contains(
        ".o-mail-Composer-input:disabled[placeholder='Free messages cannot be sent: the reply window is closed']"
    );
    await contains(".o-mail-Composer-send:disabled");
    await contains("button[aria-label='Emojis']:disabled");
    await contains(".o-mail-Composer-attachFiles", { count: 0 });
    await contains(".o-mail-VoiceRecorder", { count: 0 });
    await contains(".o-zalo-WindowBanner", {
        text: "The 7-day window is closed: Zalo only accepts approved ZBS templates now",
    });
    // zalo_oa alone sends no ZBS template
    await contains(".o-zalo-WindowBanner-sendTemplate", { count: 0 });
});

QUnit.test("the server closes the window while a reply is typed: not sent", async (assert) => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { openDiscuss } = await start({
        mockRPC(route) {
            if (route === "/mail/message/post") {
                assert.step("message_post");
            }
        },
    });
    await openDiscuss(channelId);
    await insertText(".o-mail-Composer-input", "Dạ shop còn size M ạ");
    await contains(".o-mail-Composer-send:enabled");
    // as discuss.channel._zalo_notify_window() does
    const [channel] = pyEnv["discuss.channel"].searchRead([["id", "=", channelId]]);
    pyEnv["bus.bus"]._sendone(channel, "mail.record/insert", {
        Thread: {
            id: channelId,
            model: "discuss.channel",
            zalo_window_expires_at: zaloWindowEndIn({ minutes: -1 }),
        },
    });
    await contains(".o-zalo-WindowBanner");
    await contains(".o-mail-Composer-input:disabled", { value: "Dạ shop còn size M ạ" });
    await contains(".o-mail-Composer-send:disabled");
    // nothing is posted, even when the send button is forced
    document.querySelector(".o-mail-Composer-send").disabled = false;
    await click(".o-mail-Composer-send");
    await contains(".o-mail-Message", { count: 0 });
    assert.verifySteps([]);
});

QUnit.test("closed window: 'Send a ZBS template' opens the template composer", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ days: -1 }),
        channel: { zalo_can_send_template: true },
    });
    const action = {
        type: "ir.actions.act_window",
        res_model: "zalo.zbs.send",
        views: [[false, "form"]],
        target: "new",
    };
    const { env, openDiscuss } = await start({
        mockRPC(route, args) {
            if (args.method === "action_zalo_send_template") {
                step(`action_zalo_send_template ${JSON.stringify(args.args[0])}`);
                return action;
            }
        },
    });
    patchWithCleanup(env.services.action, {
        doAction(request) {
            if (request === action) {
                step("doAction");
                return;
            }
            return super.doAction(...arguments);
        },
    });
    await openDiscuss(channelId);
    await click(".o-zalo-WindowBanner-sendTemplate", { text: "Send a ZBS template" });
    await assertSteps([`action_zalo_send_template [${channelId}]`, "doAction"]);
});

QUnit.test("closed window, no ZBS module on the server: a warning", async () => {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv, {
        windowExpiresAt: zaloWindowEndIn({ days: -1 }),
        channel: { zalo_can_send_template: true },
    });
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    await click(".o-zalo-WindowBanner-sendTemplate");
    await contains(".o_notification.border-warning", {
        text: "Sending ZBS templates needs the Zalo ZBS module.",
    });
});

/**
 * A Zalo conversation open in Discuss; each message posted is an assertion step.
 *
 * @param {Object} assert
 * @param {Function} [mockRPC] more routes to mock
 */
async function openCountingPosts(assert, mockRPC = () => {}) {
    const pyEnv = await startServer();
    const { channelId } = createZaloConversation(pyEnv);
    const { openDiscuss } = await start({
        async mockRPC(route, args, performRPC) {
            if (route === "/mail/message/post") {
                assert.step("message_post");
            }
            return mockRPC(route, args, performRPC);
        },
    });
    await openDiscuss(channelId);
}

QUnit.test("a file Zalo refuses is not sent", async (assert) => {
    await openCountingPosts(assert);
    await inputFiles(".o-mail-Composer .o_input_file", [
        await createFile({ name: "voice.mp3", contentType: "audio/mpeg", content: "ID3" }),
    ]);
    await contains(".o-mail-AttachmentCard:not(.o-isUploading)", { text: "voice.mp3" });
    await click(".o-mail-Composer-send:enabled");
    await contains(".o_notification", {
        text: `Not sent: remove these filesvoice.mp3: ${ZALO_FILES_ONLY}`,
    });
    await contains(".o-mail-Message", { count: 0 });
    await contains(".o-mail-AttachmentCard", { text: "voice.mp3" });
    assert.verifySteps([]);
});

QUnit.test("an image over 1 MB is not sent", async (assert) => {
    await openCountingPosts(assert, async (route, args, performRPC) => {
        if (route === "/mail/attachment/upload") {
            // the server's answer has the size of the file
            const attachment = await performRPC(route, args);
            return { ...attachment, size: args.body.get("ufile").size };
        }
    });
    await inputFiles(".o-mail-Composer .o_input_file", [
        await createFile({
            name: "photo.png",
            contentType: "image/png",
            content: "x".repeat(1024 * 1024 + 1),
        }),
    ]);
    await contains(".o-mail-AttachmentCard:not(.o-isUploading), .o-mail-AttachmentImage");
    await click(".o-mail-Composer-send:enabled");
    await contains(".o_notification", {
        text: "Not sent: remove these filesphoto.png: too large for Zalo (at most 1 MB for this type).",
    });
    assert.verifySteps([]);
});

QUnit.test("a file Zalo accepts is sent", async (assert) => {
    await openCountingPosts(assert);
    await inputFiles(".o-mail-Composer .o_input_file", [
        await createFile({
            name: "bang_gia.pdf",
            contentType: "application/pdf",
            content: "%PDF",
        }),
    ]);
    await contains(".o-mail-AttachmentCard:not(.o-isUploading)", { text: "bang_gia.pdf" });
    await click(".o-mail-Composer-send:enabled");
    await contains(".o-mail-Message .o-mail-AttachmentCard", { text: "bang_gia.pdf" });
    await contains(".o_notification", { count: 0 });
    assert.verifySteps(["message_post"]);
});
