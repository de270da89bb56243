/* @odoo-module */

import { jsonrpc } from "@web/core/network/rpc_service";
import { registry } from "@web/core/registry";
import { createFile, inputFiles } from "@web/../tests/utils";

const CATEGORY = ".o-zalo-DiscussSidebarCategory:contains('Zalo · Cửa hàng ABC')";
const CONVERSATION =
    ".o-mail-DiscussSidebarChannel:has(.o-zalo-ThreadIcon):contains('Nguyễn Văn An')";
const REPLY = "Dạ shop còn size M ạ";

/**
 * No cron worker runs while Odoo runs tests, and the test transaction drops
 * post-commit hooks: run the processing and send jobs, as the cron workers of a
 * running server do.
 */
async function runZaloQueues() {
    const crons = await jsonrpc("/web/dataset/call_kw/ir.model.data/search_read", {
        model: "ir.model.data",
        method: "search_read",
        args: [
            [
                ["module", "=", "zalo_oa"],
                ["name", "in", ["ir_cron_zalo_process_events", "ir_cron_zalo_send_messages"]],
            ],
            ["res_id"],
        ],
        kwargs: {},
    });
    await jsonrpc("/web/dataset/call_kw/ir.cron/method_direct_trigger", {
        model: "ir.cron",
        method: "method_direct_trigger",
        args: [crons.map(({ res_id }) => res_id)],
        kwargs: {},
    });
}

/**
 * Websockets are off while Odoo runs tests: run the queues, read the bus
 * notifications the server sent to this user and hand the Zalo status updates
 * to the store, as mail's bus subscription does (Odoo's notification
 * updates carry the Zalo status of the messages).
 *
 * @param {(notification: Object) => boolean} until wait for such a notification
 */
async function deliverZaloBusNotifications(until) {
    const store = odoo.__WOWL_DEBUG__.root.env.services["mail.store"];
    for (let attempt = 0; attempt < 50; attempt++) {
        await runZaloQueues();
        const { notifications } = await jsonrpc("/websocket/peek_notifications", {
            channels: [],
            last: 0,
            is_first_poll: true,
        });
        const updates = notifications
            .map(({ message }) => message)
            .filter(({ type }) => type === "mail.message/notification_update")
            .map(({ payload }) => payload);
        const zaloNotifications = updates.flatMap(({ elements }) =>
            elements.flatMap((element) =>
                element.notifications.filter((n) => n.notification_type === "zalo")
            )
        );
        if (zaloNotifications.some(until)) {
            for (const { elements } of updates) {
                store.Message.insert(elements, { html: true });
            }
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("No such mail.message/notification_update notification on the bus");
}

function openConversation() {
    return [
        {
            content: "One category per Official Account",
            trigger: CATEGORY,
            isCheck: true,
        },
        {
            content: "Listed under its OA only, not under direct messages",
            trigger: ".o-mail-DiscussSidebarCategory-chat",
            run() {
                const items = [
                    ...document.querySelectorAll(
                        ".o-mail-DiscussSidebarCategory, .o-mail-DiscussSidebarChannel"
                    ),
                ];
                const found = items
                    .map((el, index) => ({ el, index }))
                    .filter(({ el }) => el.textContent.includes("Nguyễn Văn An"));
                const category = items
                    .slice(0, found[0]?.index)
                    .findLast((el) => el.matches(".o-mail-DiscussSidebarCategory"));
                if (found.length !== 1 || !category?.matches(".o-zalo-DiscussSidebarCategory")) {
                    throw new Error("The conversation should be listed once, under its OA");
                }
            },
        },
        {
            content: "Open the conversation",
            trigger: CONVERSATION,
        },
        {
            content: "The customer's message is there",
            trigger: ".o-mail-Message:contains('Chào shop, áo còn size M không?')",
            isCheck: true,
        },
    ];
}

registry.category("web_tour.tours").add("zalo_oa_discuss_reply", {
    test: true,
    url: "/web#action=mail.action_discuss",
    steps: () => [
        ...openConversation(),
        {
            content: "Time left to answer with free text",
            trigger:
                ".o-mail-Discuss-header .o-zalo-WindowStatus:contains('Reply window:'):contains('left')",
            isCheck: true,
        },
        {
            content: "Write a reply",
            trigger: ".o-mail-Composer-input[placeholder*='on Zalo']",
            run: `text ${REPLY}`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
        },
        {
            content: "Sent by the queue after the commit, then delivered: updates from the bus",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus`,
            async run() {
                await deliverZaloBusNotifications((n) => n.zalo_state === "delivered");
            },
        },
        {
            content: "Delivered",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus-delivered`,
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("zalo_oa_discuss_window_closed", {
    test: true,
    url: "/web#action=mail.action_discuss",
    steps: () => [
        ...openConversation(),
        {
            content: "The window is closed",
            trigger: ".o-mail-Discuss-header .o-zalo-WindowStatus-closed",
            isCheck: true,
        },
        {
            content: "Free text cannot be sent",
            trigger: ".o-zalo-WindowBanner:contains('The 7-day window is closed')",
            extra_trigger: ".o-mail-Composer-input:disabled",
            isCheck: true,
        },
        {
            content: "No attachment, no send button",
            trigger: ".o-mail-Composer-send:disabled",
            run() {
                if (document.querySelector(".o-mail-Composer-attachFiles")) {
                    throw new Error("Files cannot be sent either");
                }
            },
            isCheck: true,
        },
        {
            content: "Offer a ZBS template instead",
            trigger: ".o-zalo-WindowBanner-sendTemplate",
        },
        {
            content: "The template composer opens",
            trigger: ".modal-body .o_form_renderer",
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("zalo_oa_discuss_retry", {
    test: true,
    url: "/web#action=mail.action_discuss",
    steps: () => [
        ...openConversation(),
        {
            content: "Write a reply",
            trigger: ".o-mail-Composer-input",
            run: `text ${REPLY}`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
        },
        {
            content: "The queue sends it after the commit",
            trigger: `.o-mail-Message:contains('${REPLY}')`,
            async run() {
                await deliverZaloBusNotifications((n) => n.zalo_state === "failed");
            },
        },
        {
            content: "Zalo refused it: Odoo's failure icon, and the reason",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-mail-Message-notification.text-danger`,
            extra_trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageFailure:contains('blocked')`,
        },
        ...resendFromDialog(".o-mail-Discuss"),
    ],
});

/**
 * The failure icon was clicked: the resend dialog shows the reason; Resend
 * sends the message again (once), and its status comes back by the bus.
 *
 * @param {string} scope where the message is shown
 */
function resendFromDialog(scope) {
    return [
        {
            content: "The resend dialog says why",
            // (a tour looks for its triggers inside the open dialog)
            trigger: ".o_field_widget[name='failure_reason']:contains('blocked')",
            isCheck: true,
        },
        {
            content: "Resend",
            trigger: "button[name='action_resend']",
        },
        {
            content: "The dialog closes; the new status arrives by the bus",
            trigger: "body:not(:has(.modal))",
            async run() {
                await deliverZaloBusNotifications((n) => n.zalo_state === "sent");
            },
        },
        {
            content: "Sent this time: no failure left",
            trigger: `${scope} .o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus-sent`,
            extra_trigger: `${scope} .o-mail-Message:contains('${REPLY}'):not(:has(.o-zalo-MessageFailure)):not(:has(.o-mail-Message-notification))`,
            isCheck: true,
        },
    ];
}

const CANNED = "Dạ, shop cảm ơn chị đã liên hệ ạ";

registry.category("web_tour.tours").add("zalo_oa_discuss_composer", {
    test: true,
    steps: () => [
        {
            content: "An ordinary channel first: GIF picker and voice messages are there",
            trigger: ".o-mail-DiscussSidebarChannel.o-active:contains('Nội bộ')",
            extra_trigger: ".o-mail-Composer button[aria-label='GIFs']",
            run() {
                if (!document.querySelector(".o-mail-Composer .o-mail-VoiceRecorder")) {
                    throw new Error("The voice recorder should be offered in an ordinary channel");
                }
            },
        },
        ...openConversation(),
        {
            content: "In the Zalo conversation: no GIF picker, no voice recorder",
            trigger: ".o-mail-Composer-input[placeholder*='on Zalo']",
            run() {
                const composer = document.querySelector(".o-mail-Composer");
                if (composer.querySelector("button[aria-label='GIFs']")) {
                    throw new Error("Zalo shows a GIF picker link as a bare URL: no GIF picker");
                }
                if (composer.querySelector(".o-mail-VoiceRecorder")) {
                    throw new Error("Zalo takes no audio from an OA: no voice recorder");
                }
                const accept = composer.querySelector(".o_input_file")?.getAttribute("accept");
                if (accept !== ".jpg,.jpeg,.png,.gif,.pdf,.doc,.docx,.csv") {
                    throw new Error(`The file chooser should offer what Zalo takes, not ${accept}`);
                }
                const message = document.querySelector(".o-mail-Message");
                if (message.querySelector("[title='Add a Reaction']")) {
                    throw new Error("A reaction in Odoo never reaches Zalo: no reaction button");
                }
                if (!message.querySelector("button[name='reply-to']")) {
                    throw new Error("Replying (quoting) works with Zalo");
                }
            },
        },
        {
            content: "A canned response",
            trigger: ".o-mail-Composer-input",
            run: "text :camon",
        },
        {
            content: "is suggested",
            trigger: `.o-mail-Composer-suggestion:contains('camon'):contains('${CANNED}')`,
        },
        {
            content: "and inserted",
            trigger: `.o-mail-Composer-input`,
            run() {
                if (this.$anchor[0].value.trim() !== CANNED) {
                    throw new Error(`Unexpected composer text: ${this.$anchor[0].value}`);
                }
            },
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
        },
        {
            content: "The queue sends it after the commit",
            trigger: `.o-mail-Message:contains('${CANNED}') .o-zalo-MessageStatus`,
            async run() {
                await deliverZaloBusNotifications((n) => n.zalo_state === "sent");
            },
        },
        {
            content: "Sent to Zalo",
            trigger: `.o-mail-Message:contains('${CANNED}') .o-zalo-MessageStatus-sent`,
            isCheck: true,
        },
        {
            content: "Attach an audio file (dropped or pasted, the file chooser aside)",
            trigger: ".o-mail-Composer button[aria-label='Attach files']",
            async run() {
                await inputFiles(".o-mail-Composer .o_input_file", [
                    await createFile({
                        content: "ID3",
                        contentType: "audio/mpeg",
                        name: "ghi_am.mp3",
                    }),
                ]);
            },
        },
        {
            content: "Try to send it",
            trigger: ".o-mail-Composer-send:enabled",
            extra_trigger: ".o-mail-AttachmentCard:not(.o-isUploading):contains('ghi_am')",
        },
        {
            content: "Refused before Zalo refuses it, with the reason",
            trigger: ".o_notification:contains('ghi_am.mp3: Zalo only accepts')",
            extra_trigger: ".o-mail-Composer .o-mail-AttachmentCard:contains('ghi_am')",
            isCheck: true,
        },
    ],
});

const FOLLOW_UP = "Còn màu đỏ không shop?";

/**
 * @param {string} model
 * @param {string} method
 * @param {Array} args
 * @param {Object} [kwargs]
 */
function call(model, method, args, kwargs = {}) {
    return jsonrpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs });
}

registry.category("web_tour.tours").add("zalo_oa_discuss_inbox", {
    test: true,
    url: "/web#action=zalo_oa.action_zalo_partner_link",
    steps: () => [
        {
            content: "Open the messaging menu",
            trigger: ".o_menu_systray i[aria-label='Messages']",
        },
        {
            content: "The Zalo conversation shows its last message and its unread messages",
            trigger: `.o-mail-NotificationItem:contains('Nguyễn Văn An'):contains('${FOLLOW_UP}') .o-mail-NotificationItem-counter:contains('3')`,
            async run() {
                // A colleague's internal note arrives on the bus (websockets are off while
                // tests run: hand it to Discuss as its bus subscription does).
                const { notifications } = await jsonrpc("/websocket/peek_notifications", {
                    channels: [],
                    last: 0,
                    is_first_poll: true,
                });
                const note = notifications
                    .map(({ message }) => message)
                    .find(
                        ({ type, payload }) =>
                            type === "discuss.channel/new_message" &&
                            payload.message.message_type === "notification"
                    );
                const service = odoo.__WOWL_DEBUG__.root.env.services["discuss.core.common"];
                await service._handleNotificationNewMessage({
                    id: Number.MAX_SAFE_INTEGER,
                    payload: note.payload,
                });
            },
        },
        {
            content: "A note is not an unread message (as on the server): still 3",
            trigger: `.o-mail-NotificationItem:contains('Nguyễn Văn An') .o-mail-NotificationItem-counter:contains('3')`,
            run() {
                const counter = this.$anchor[0].textContent.trim();
                if (counter !== "3") {
                    throw new Error(`The unread counter drifted from the server's: ${counter}`);
                }
            },
        },
        {
            content: "Open the conversation",
            trigger: ".o-mail-NotificationItem:contains('Nguyễn Văn An')",
        },
        {
            content: "It opens; a colleague's reply waits for a retry (rate limit)",
            trigger: `.o-mail-ChatWindow .o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus-pending`,
            async run() {
                // Its retry comes due: the queue sends it, and Zalo refuses it this time.
                const [{ id }] = await call("zalo.message", "search_read", [
                    [["state", "=", "pending"]],
                    ["id"],
                ]);
                await call("zalo.message", "write", [[id], { next_attempt_at: false }]);
                await deliverZaloBusNotifications((n) => n.zalo_state === "failed");
            },
        },
        {
            content: "Not sent: Odoo's failure icon, at once, without a reload",
            trigger: `.o-mail-ChatWindow .o-mail-Message:contains('${REPLY}') .o-mail-Message-notification.text-danger`,
            extra_trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageFailure:contains('blocked')`,
        },
        ...resendFromDialog(".o-mail-ChatWindow"),
    ],
});
