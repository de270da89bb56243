/* @odoo-module */

import { registry } from "@web/core/registry";

/**
 * Customer-controlled text (Zalo display name, message text, link title, file name)
 * carrying `<img src=x onerror=...>` must show as text: no such element in the page,
 * and its handler never ran.
 */
export const XSS_MARK = "<img src=x onerror=";

export function assertNoInjection(where) {
    if (window.__zaloXss) {
        throw new Error(`An injected onerror handler ran (${where})`);
    }
    const injected = [...document.querySelectorAll("img")].filter(
        (img) => img.getAttribute("src") === "x" || img.hasAttribute("onerror")
    );
    if (injected.length) {
        throw new Error(`An injected <img> is in the page (${where})`);
    }
    if (document.querySelector("a[href^='javascript:' i]")) {
        throw new Error(`A javascript: link is in the page (${where})`);
    }
}

function textOf(selector) {
    return [...document.querySelectorAll(selector)].map((el) => el.textContent).join("\n");
}

registry.category("web_tour.tours").add("zalo_oa_discuss_escapes_customer_text", {
    test: true,
    url: "/web#action=mail.action_discuss",
    steps: () => [
        {
            content: "The conversation is listed under its OA, its name shown as text",
            trigger: ".o-zalo-DiscussSidebarCategory",
            run() {
                const item = [...document.querySelectorAll(".o-mail-DiscussSidebarChannel")].find(
                    (el) => el.textContent.includes(XSS_MARK)
                );
                if (!item) {
                    throw new Error("The display name is not shown as text in the sidebar");
                }
                assertNoInjection("sidebar");
                item.click();
            },
        },
        {
            content: "The customer's messages are shown",
            trigger: ".o-mail-Message:contains('ordinary text')",
            run() {
                const messages = textOf(".o-mail-Message");
                for (const expected of [
                    `${XSS_MARK}"window.__zaloXss=1"> in a message`,
                    `${XSS_MARK}"window.__zaloXss=2"> link title`,
                ]) {
                    if (!messages.includes(expected)) {
                        throw new Error(`Not shown as text: ${expected}`);
                    }
                }
                if (!textOf(".o-mail-Message-author").includes(XSS_MARK)) {
                    throw new Error("The author's name is not shown as text");
                }
                const header = [...document.querySelectorAll(".o-mail-Discuss-header, .o-mail-Discuss-header *")]
                    .map((el) => `${el.value || ""} ${el.getAttribute("title") || ""}`)
                    .join("\n") + textOf(".o-mail-Discuss-header");
                if (!header.includes(XSS_MARK)) {
                    throw new Error("The conversation title is not shown as text");
                }
                assertNoInjection("thread");
            },
        },
        {
            content: "The file keeps its name, as text",
            trigger: ".o-mail-AttachmentCard, .o-mail-AttachmentImage",
            run() {
                const names = [...document.querySelectorAll(".o-mail-AttachmentCard, .o-mail-AttachmentImage")]
                    .map((el) => `${el.textContent} ${el.getAttribute("title") || ""} ${el.querySelector("[title]")?.getAttribute("title") || ""}`)
                    .join("\n");
                if (!names.includes(XSS_MARK)) {
                    throw new Error(`The file name is not shown as text: ${names}`);
                }
                assertNoInjection("attachments");
            },
        },
    ],
});
