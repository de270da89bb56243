/* @odoo-module */

import { Message } from "@mail/core/common/message";
import { markEventHandled } from "@web/core/utils/misc";

import { patch } from "@web/core/utils/patch";

import { ZaloMessageFailure, ZaloMessageStatus } from "./message_status";

Object.assign(Message.components, { ZaloMessageFailure, ZaloMessageStatus });

patch(Message.prototype, {
    get isInZaloThread() {
        return this.message.originThread?.type === "zalo";
    },

    /**
     * The Zalo status icon (pending, sent, delivered, read), unless Odoo's failure
     * icon shows the message failed.
     */
    get hasZaloStatusIcon() {
        return Boolean(
            this.message.zaloStatus &&
                !this.message.failureNotifications.some((n) => n.notification_type === "zalo")
        );
    },

    /** A reaction in Odoo never reaches the customer on Zalo. */
    get canAddReaction() {
        return !this.isInZaloThread && super.canAddReaction;
    },

    /** What the customer wrote, or received on Zalo, is not rewritten in Odoo. */
    get editable() {
        return !this.isInZaloThread && super.editable;
    },

    /** A message Zalo refused: the resend dialog (as SMS's). */
    onClickFailure(ev) {
        if (this.message.failureNotifications.some((n) => n.notification_type === "zalo")) {
            markEventHandled(ev, "Message.ClickFailure");
            this.env.services.action.doAction("zalo_oa.zalo_resend_action", {
                additionalContext: { default_mail_message_id: this.message.id },
            });
            return;
        }
        return super.onClickFailure(...arguments);
    },
});
