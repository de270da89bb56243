/* @odoo-module */

import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";

import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/**
 * Header of a Zalo conversation, team inbox part: its status and owner, and the
 * actions Take over, Resolve, Snooze and Reopen (the server posts a note for each).
 *
 * @typedef {Object} Props
 * @property {import("models").Thread} thread
 * @extends {Component<Props, Env>}
 */
export class ZaloInboxBar extends Component {
    static template = "zalo_oa.InboxBar";
    static props = ["thread"];
    static components = { Dropdown, DropdownItem };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.userId = useService("user").userId;
        this.state = useState({ busy: false });
        // Owner and status may have changed elsewhere (the lists, a colleague) since
        // the thread was loaded: read them when the conversation is shown.
        onWillStart(() => this.refresh(this.props.thread));
        onWillUpdateProps((next) => {
            if (next.thread !== this.props.thread) {
                return this.refresh(next.thread);
            }
        });
    }

    /** @param {import("models").Thread} thread */
    async refresh(thread) {
        const [data] = await this.orm.silent.read(
            "discuss.channel",
            [thread.id],
            ["zalo_status", "zalo_owner_id"]
        );
        if (!data) {
            return;
        }
        thread.zaloStatus = data.zalo_status || "open";
        thread.zaloOwner = data.zalo_owner_id
            ? { id: data.zalo_owner_id[0], name: data.zalo_owner_id[1] }
            : false;
    }

    get thread() {
        return this.props.thread;
    }

    get status() {
        return this.thread.zaloStatus || "open";
    }

    get statusLabel() {
        return {
            open: _t("Open"),
            resolved: _t("Resolved"),
            snoozed: _t("Snoozed"),
        }[this.status];
    }

    get ownerName() {
        return this.thread.zaloOwner ? this.thread.zaloOwner.name : _t("Unassigned");
    }

    get isMine() {
        return Boolean(this.thread.zaloOwner && this.thread.zaloOwner.id === this.userId);
    }

    get snoozeOptions() {
        const tomorrow = luxon.DateTime.now().plus({ days: 1 }).set({ hour: 8, minute: 0 });
        return [
            { label: _t("1 hour"), minutes: 60 },
            { label: _t("3 hours"), minutes: 180 },
            {
                label: _t("Tomorrow 8:00"),
                minutes: Math.max(1, Math.round(tomorrow.diffNow("minutes").minutes)),
            },
        ];
    }

    async call(method, args = []) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            await this.orm.call("discuss.channel", method, [[this.thread.id], ...args]);
            // The bus tells every member too; this client updates at once, even offline.
            await this.refresh(this.thread);
            if (this.thread.zaloStatus !== "open") {
                this.thread.is_pinned = false;
            } else if (this.isMine) {
                this.thread.is_pinned = true;
            }
        } catch (error) {
            const message = error?.data?.message;
            if (!message) {
                throw error;
            }
            this.notification.add(message, { type: "danger" });
        } finally {
            this.state.busy = false;
        }
    }

    onClickTakeOver() {
        return this.call("action_zalo_take_over");
    }

    onClickResolve() {
        return this.call("action_zalo_resolve");
    }

    onClickReopen() {
        return this.call("action_zalo_reopen");
    }

    onSnooze(minutes) {
        return this.call("action_zalo_snooze", [minutes]);
    }
}
