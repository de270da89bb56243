/* @odoo-module */

import { Component, useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

import { zaloWindowEnd, zaloWindowLeftText } from "./zalo_window";

/** Below this, the countdown turns orange. */
const SOON = 24 * 60 * 60 * 1000;

/**
 * Header of a Zalo conversation: time left in the 7-day reply window (or
 * "closed"), and a hint when the customer is not linked to a contact yet.
 *
 * @typedef {Object} Props
 * @property {import("models").Thread} thread
 * @extends {Component<Props, Env>}
 */
export class ZaloWindowStatus extends Component {
    static template = "zalo_oa.WindowStatus";
    static props = ["thread"];

    setup() {
        this.zaloDiscuss = useState(useService("zalo_oa.discuss"));
    }

    get msLeft() {
        return this.zaloDiscuss.windowMsLeft(this.props.thread);
    }

    get text() {
        return this.msLeft > 0 ? zaloWindowLeftText(this.msLeft) : _t("Reply window closed");
    }

    get tooltip() {
        const end = zaloWindowEnd(this.props.thread);
        if (!end) {
            return _t("The customer has not written yet: only ZBS templates can be sent.");
        }
        return this.msLeft > 0
            ? _t(
                  "Free replies are possible until %(end)s, 7 days after the customer's last message.",
                  { end: end.toLocaleString(luxon.DateTime.DATETIME_MED) }
              )
            : _t("Closed since %(end)s: the customer's last message is more than 7 days old.", {
                  end: end.toLocaleString(luxon.DateTime.DATETIME_MED),
              });
    }

    get soon() {
        return this.msLeft > 0 && this.msLeft < SOON;
    }
}

/**
 * Above the composer of a Zalo conversation whose reply window is closed:
 * free text cannot be sent, only an approved ZBS template.
 *
 * @typedef {Object} BannerProps
 * @property {import("models").Thread} thread
 * @extends {Component<BannerProps, Env>}
 */
export class ZaloWindowBanner extends Component {
    static template = "zalo_oa.WindowBanner";
    static props = ["thread"];

    setup() {
        this.action = useService("action");
        this.notification = useService("notification");
        this.orm = useService("orm");
    }

    async onClickSendTemplate() {
        const action = await this.orm.call("discuss.channel", "action_zalo_send_template", [
            [this.props.thread.id],
        ]);
        if (!action) {
            this.notification.add(_t("Sending ZBS templates needs the Zalo ZBS module."), {
                type: "warning",
            });
            return;
        }
        await this.action.doAction(action);
    }
}
