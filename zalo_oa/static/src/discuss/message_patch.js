/* @odoo-module */

import { Message } from "@mail/core/common/message";

import { patch } from "@web/core/utils/patch";

import { ZaloMessageFailure, ZaloMessageStatus } from "./message_status";

Object.assign(Message.components, { ZaloMessageFailure, ZaloMessageStatus });

patch(Message.prototype, {
    get isInZaloThread() {
        return this.message.originThread?.type === "zalo";
    },

    /** A reaction in Odoo never reaches the customer on Zalo. */
    get canAddReaction() {
        return !this.isInZaloThread && super.canAddReaction;
    },

    /** What the customer wrote, or received on Zalo, is not rewritten in Odoo. */
    get editable() {
        return !this.isInZaloThread && super.editable;
    },
});
