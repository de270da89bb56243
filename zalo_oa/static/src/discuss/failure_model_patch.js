/* @odoo-module */

import { Failure } from "@mail/core/common/failure_model";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(Failure.prototype, {
    get iconSrc() {
        if (this.type === "zalo") {
            return "/zalo_oa/static/description/icon.png";
        }
        return super.iconSrc;
    },

    get body() {
        if (this.type === "zalo") {
            return _t("An error occurred when sending a Zalo message");
        }
        return super.body;
    },
});
