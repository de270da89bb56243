/* @odoo-module */

import { Composer } from "@mail/core/common/composer";

import { useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

import { ZaloWindowBanner } from "./window_status";

patch(Composer, {
    components: { ...Composer.components, ZaloWindowBanner },
});

patch(Composer.prototype, {
    setup() {
        // before super.setup(): the composer's setup already reads `hasGifPicker`
        this.zaloDiscuss = useState(useService("zalo_oa.discuss"));
        super.setup();
    },

    get isZaloThread() {
        return this.thread?.type === "zalo";
    },

    /** Outside the 7-day window Zalo refuses free messages: nothing can be posted. */
    get zaloWindowClosed() {
        return (
            this.isZaloThread &&
            !this.props.composer.message &&
            !this.zaloDiscuss.isWindowOpen(this.thread)
        );
    },

    get allowUpload() {
        return super.allowUpload && !this.zaloWindowClosed;
    },

    get hasGifPicker() {
        return super.hasGifPicker && !this.zaloWindowClosed;
    },

    get isSendButtonDisabled() {
        return this.zaloWindowClosed || super.isSendButtonDisabled;
    },

    get placeholder() {
        if (this.isZaloThread && !this.props.placeholder && !this.props.composer.message) {
            if (this.zaloWindowClosed) {
                return _t("Free messages cannot be sent: the reply window is closed");
            }
            return _t("Reply to %(name)s on Zalo…", { name: this.thread.displayName });
        }
        return super.placeholder;
    },

    async sendMessage() {
        if (this.zaloWindowClosed) {
            return;
        }
        return super.sendMessage();
    },
});
