/* @odoo-module */

import { Component, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/**
 * Delivery status icon of a message sent to Zalo: pending, sent, delivered,
 * read or failed (the reason shows on hover).
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
        return this.props.message.zalo;
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
 * Under a message that could not be sent to Zalo: the reason, and "Retry"
 * when the user may retry it.
 *
 * @typedef {Object} FailureProps
 * @property {import("models").Message} message
 * @extends {Component<FailureProps, Env>}
 */
export class ZaloMessageFailure extends Component {
    static template = "zalo_oa.MessageFailure";
    static props = ["message"];

    setup() {
        this.zaloDiscuss = useService("zalo_oa.discuss");
        this.state = useState({ retrying: false });
    }

    get reason() {
        return (
            this.props.message.zalo.failure_reason || _t("This message could not be sent to Zalo.")
        );
    }

    async onClickRetry() {
        if (this.state.retrying) {
            return;
        }
        this.state.retrying = true;
        try {
            await this.zaloDiscuss.retry(this.props.message);
        } finally {
            this.state.retrying = false;
        }
    }
}
