/* @odoo-module */

import { registry } from "@web/core/registry";

const XSS_MARK = "<img src=x onerror=";

function assertNoInjection(where) {
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

registry.category("web_tour.tours").add("zalo_oa_chatter_bridge_escapes_customer_text", {
    test: true,
    steps: () => [
        {
            content: "The mirrored customer messages are in the chatter, as text",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('ordinary text')",
            run() {
                const chatter = document.querySelector(".o-mail-Chatter");
                const text = chatter.textContent;
                for (const expected of [
                    `${XSS_MARK}"window.__zaloXss=1"> in a message`,
                    `${XSS_MARK}"window.__zaloXss=2"> link title`,
                ]) {
                    if (!text.includes(expected)) {
                        throw new Error(`Not shown as text in the chatter: ${expected}`);
                    }
                }
                const authors = [...chatter.querySelectorAll(".o-mail-Message-author")]
                    .map((el) => el.textContent)
                    .join("\n");
                if (!authors.includes(XSS_MARK)) {
                    throw new Error("The customer's name is not shown as text in the chatter");
                }
                const links = [...chatter.querySelectorAll("a.o_zalo_mirror_link")]
                    .map((el) => el.textContent)
                    .join("\n");
                if (!links.includes(XSS_MARK)) {
                    throw new Error("The conversation link is not shown as text");
                }
                assertNoInjection("chatter");
            },
        },
    ],
});
