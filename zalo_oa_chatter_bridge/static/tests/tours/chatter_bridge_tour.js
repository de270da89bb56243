/* @odoo-module */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("zalo_oa_chatter_bridge_sync", {
    test: true,
    steps: () => [
        {
            content: "A document linked to a Zalo conversation offers to sync its history",
            trigger: ".o-mail-Chatter .o-zalo-Chatter-sync",
            run: "click",
        },
        {
            content: "The past customer message is copied into the chatter",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Chị muốn đặt 2 áo dài')",
            isCheck: true,
        },
        {
            content: "with a link back to the conversation",
            trigger: ".o-mail-Chatter .o-mail-Message a.o_zalo_mirror_link:contains('Phạm Thu Hà on Cửa hàng Test')",
            isCheck: true,
        },
        {
            content: "and the operator's reply",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Dạ shop nhận đơn ạ')",
            isCheck: true,
        },
    ],
});
