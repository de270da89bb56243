/* @odoo-module */

import { Composer } from "@mail/core/common/composer";

import { useState } from "@odoo/owl";

import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

import { ZaloWindowBanner } from "./window_status";
import { ZALO_ACCEPTED_FILES, zaloAttachmentProblem } from "./zalo_attachments";

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

    /** The file types Zalo takes from an OA, in Zalo conversations. */
    get zaloAcceptedFiles() {
        return this.isZaloThread ? ZALO_ACCEPTED_FILES : undefined;
    },

    /**
     * The GIF picker posts a Tenor link as text, which Zalo shows as a bare URL: not in
     * Zalo conversations (GIF files can still be attached). The voice recorder is hidden
     * there too (composer_patch.xml): Zalo takes no audio from an OA.
     */
    get hasGifPicker() {
        return super.hasGifPicker && !this.isZaloThread;
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
        if (this.isZaloThread && !this.props.composer.message) {
            const problems = this.props.composer.attachments
                .map((attachment) => zaloAttachmentProblem(attachment))
                .filter(Boolean);
            if (problems.length) {
                this.env.services.notification.add(problems.join("\n"), {
                    title: _t("Not sent: remove these files"),
                    type: "warning",
                });
                return;
            }
        }
        return super.sendMessage();
    },
});
