/* @odoo-module */

import { Component } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";

/**
 * Delivery status icon of a message sent to Zalo: pending, sent, delivered, read
 * or failed (the reason shows on hover). It reads `message.zaloStatus`, i.e. the
 * message's notification of type "zalo" (`zalo_state`, `failure_reason`).
 *
 * @typedef {Object} Props
 * @property {import("models").Message} message
 * @property {string} [className]
 * @extends {Component<Props, Env>}
 */
export class ZaloMessageStatus extends Component {
    static template = "zalo_oa.MessageStatus";
    static props = ["message", "className?"];
    static defaultProps = { className: "" };

    get status() {
        return this.props.message.zaloStatus;
    }

    get label() {
        switch (this.status.state) {
            case "pending":
                return _t("Sending to Zalo");
            case "sent":
                return _t("Sent to Zalo");
            case "delivered":
                return _t("Delivered");
            case "read":
                return _t("Read");
            case "failed":
                return _t("Not sent");
        }
        return "";
    }

    /** The failure (or retry) reason, when there is one. */
    get tooltip() {
        const reason = this.status.failure_reason;
        return reason ? _t("%(status)s: %(reason)s", { status: this.label, reason }) : this.label;
    }
}

/**
 * Under a message that could not be sent to Zalo: the reason (the failure icon
 * of the message opens the resend dialog).
 *
 * @typedef {Object} FailureProps
 * @property {import("models").Message} message
 * @extends {Component<FailureProps, Env>}
 */
export class ZaloMessageFailure extends Component {
    static template = "zalo_oa.MessageFailure";
    static props = ["message"];

    get reason() {
        return (
            this.props.message.zaloStatus.failure_reason ||
            _t("This message could not be sent to Zalo.")
        );
    }
}
