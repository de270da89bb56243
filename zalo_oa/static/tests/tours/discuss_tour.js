/* @odoo-module */

import { jsonrpc } from "@web/core/network/rpc_service";
import { registry } from "@web/core/registry";

const CATEGORY = ".o-zalo-DiscussSidebarCategory:contains('Zalo · Cửa hàng ABC')";
const CONVERSATION =
    ".o-mail-DiscussSidebarChannel:has(.o-zalo-ThreadIcon):contains('Nguyễn Văn An')";
const REPLY = "Dạ shop còn size M ạ";

/**
 * Websockets are off while Odoo runs tests: read the bus notifications the
 * server sent to this user and hand the Zalo status updates to the Discuss
 * service, as its bus subscription does.
 *
 * @param {(payload: Object) => boolean} until wait for such a notification
 */
async function deliverZaloBusNotifications(until) {
    const service = odoo.__WOWL_DEBUG__.root.env.services["zalo_oa.discuss"];
    for (let attempt = 0; attempt < 50; attempt++) {
        const { notifications } = await jsonrpc("/websocket/peek_notifications", {
            channels: [],
            last: 0,
            is_first_poll: true,
        });
        const updates = notifications
            .map(({ message }) => message)
            .filter(({ type }) => type === "zalo.message/update")
            .map(({ payload }) => payload);
        if (updates.some(until)) {
            for (const { message_id, zalo } of updates) {
                service.applyStatus(message_id, zalo);
            }
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("No such zalo.message/update notification on the bus");
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
            content: "Sent to Zalo",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus-sent`,
            async run() {
                await deliverZaloBusNotifications(({ zalo }) => zalo.state === "delivered");
            },
        },
        {
            content: "Delivered, updated from the bus",
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
            content: "Zalo refused it: the reason is shown",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus-failed[data-tooltip*='blocked']`,
            extra_trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageFailure:contains('blocked')`,
            isCheck: true,
        },
        {
            content: "Retry",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageFailure-retry`,
        },
        {
            content: "Sent this time",
            trigger: `.o-mail-Message:contains('${REPLY}') .o-zalo-MessageStatus-sent`,
            extra_trigger: `.o-mail-Message:contains('${REPLY}'):not(:has(.o-zalo-MessageFailure))`,
            isCheck: true,
        },
    ],
});
