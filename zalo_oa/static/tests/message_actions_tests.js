/* @odoo-module */

import { startServer } from "@bus/../tests/helpers/mock_python_environment";

import { start } from "@mail/../tests/helpers/test_utils";

import { click, contains } from "@web/../tests/utils";

import { createZaloConversation } from "@zalo_oa/../tests/helpers/zalo_test_utils";

/**
 * The titles of the actions of the message showing `body`, those behind "Expand" too.
 *
 * @param {string} body
 * @returns {Promise<string[]>}
 */
async function messageActions(body) {
    const parent = [".o-mail-Message", { text: body }];
    await contains(".o-mail-Message-actions [title='Reply']", { parent });
    const message = [...document.querySelectorAll(".o-mail-Message")].find((el) =>
        el.textContent.includes(body)
    );
    if (message.querySelector(".o-mail-Message-actions [title='Expand']")) {
        await click(".o-mail-Message-actions [title='Expand']", { parent });
        await contains(".o-mail-Message-moreMenu");
    }
    const titles = [
        ...message.querySelectorAll(".o-mail-Message-actions [title]"),
        ...document.querySelectorAll(".o-mail-Message-moreMenu [title]"),
    ].map((el) => el.title);
    if (message.querySelector(".o-mail-Message-actions [title='Expand']")) {
        await click(".o-mail-Message-actions [title='Expand']", { parent });
        await contains(".o-mail-Message-moreMenu", { count: 0 });
    }
    return titles;
}

QUnit.module("message actions");

QUnit.test("what Zalo received is not edited or reacted to in Odoo", async (assert) => {
    const pyEnv = await startServer();
    const { channelId, customerId } = createZaloConversation(pyEnv);
    const generalId = pyEnv["discuss.channel"].create({ name: "general" });
    for (const [threadId, authorId, body] of [
        [channelId, customerId, "Chào shop, áo còn size M không?"],
        [channelId, pyEnv.currentPartnerId, "Dạ shop còn size M ạ"],
        [generalId, pyEnv.currentPartnerId, "Hello team"],
    ]) {
        pyEnv["mail.message"].create({
            author_id: authorId,
            body,
            message_type: "comment",
            model: "discuss.channel",
            res_id: threadId,
        });
    }
    const { openDiscuss } = await start();
    await openDiscuss(channelId);
    for (const body of ["Chào shop, áo còn size M không?", "Dạ shop còn size M ạ"]) {
        const titles = await messageActions(body);
        assert.ok(titles.includes("Reply"), titles.join());
        assert.notOk(titles.includes("Add a Reaction"), titles.join());
        assert.notOk(titles.includes("Edit"), titles.join());
    }
    // in other channels, as usual
    await click(".o-mail-DiscussSidebarChannel", { text: "general" });
    const titles = await messageActions("Hello team");
    assert.ok(titles.includes("Add a Reaction"), titles.join());
    assert.ok(titles.includes("Edit"), titles.join());
});
