/* @odoo-module */

import { Record } from "@mail/core/common/record";
import { Thread } from "@mail/core/common/thread_model";

import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/**
 * @param {number} oaId
 * @returns {string} localStorage key of the open/closed state of an OA's sidebar category
 */
export function zaloCategoryStorageKey(oaId) {
    return `zalo_oa.discuss_category_open.${oaId}`;
}

patch(Thread.prototype, {
    setup() {
        super.setup();
        /** The customer of a Zalo conversation. */
        this.zaloPartner = Record.one("Persona");
        /** @type {{id: number, name: string}|undefined} */
        this.zaloOa = undefined;
        /** @type {string|false|undefined} UTC "YYYY-MM-DD HH:MM:SS" */
        this.zaloWindowExpiresAt = undefined;
        this.zaloPartnerIsShadow = false;
        this.zaloPartnerIsFollower = false;
        this.zaloCanSendTemplate = false;
        /** @type {"open"|"resolved"|"snoozed"} */
        this.zaloStatus = "open";
        /** @type {{id: number, name: string}|false} the owner (res.users) */
        this.zaloOwner = false;
    },

    /** @param {Object} data */
    update(data) {
        super.update(data);
        if (this.type !== "zalo") {
            return;
        }
        if ("zalo_window_expires_at" in data) {
            this.zaloWindowExpiresAt = data.zalo_window_expires_at || false;
        }
        if ("zalo_status" in data) {
            this.zaloStatus = data.zalo_status || "open";
        }
        if ("zalo_owner" in data) {
            this.zaloOwner = data.zalo_owner || false;
        }
        if ("zalo_can_send_template" in data) {
            this.zaloCanSendTemplate = Boolean(data.zalo_can_send_template);
        }
        if (data.zalo_partner) {
            const { id, name, is_shadow, is_follower } = data.zalo_partner;
            if (id) {
                this.zaloPartner = { type: "partner", id, name, is_company: false };
            }
            this.zaloPartnerIsShadow = Boolean(is_shadow);
            this.zaloPartnerIsFollower = Boolean(is_follower);
        }
        if (data.zalo_oa) {
            this.zaloOa = data.zalo_oa;
            this._zaloCategory(data.zalo_oa).threads.add(this);
        }
    },

    /**
     * The sidebar category of an Official Account, created on first use.
     *
     * @param {{id: number, name: string}} oa
     * @returns {import("models").DiscussAppCategory}
     */
    _zaloCategory(oa) {
        const id = `zalo_${oa.id}`;
        const name = _t("Zalo · %(oa)s", { oa: oa.name });
        let category = this._store.DiscussAppCategory.get({ id });
        if (category) {
            category.name = name;
        } else {
            const stored = browser.localStorage.getItem(zaloCategoryStorageKey(oa.id));
            category = this._store.DiscussAppCategory.insert({
                id,
                name,
                zaloOaId: oa.id,
                extraClass: `o-zalo-DiscussSidebarCategory o-zalo-DiscussSidebarCategory-${oa.id}`,
                isOpen: stored !== "false",
                canView: false,
                canAdd: false,
            });
            this._store.discuss.zaloCategories.add(category);
        }
        return category;
    },

    get isChatChannel() {
        return this.type === "zalo" || super.isChatChannel;
    },

    computeCorrespondent() {
        if (this.type === "zalo") {
            return this.zaloPartner;
        }
        return super.computeCorrespondent();
    },

    get imgUrl() {
        if (this.type === "zalo" && this.zaloPartner) {
            return this._store.env.services["mail.thread"].avatarUrl(this.zaloPartner, this);
        }
        return super.imgUrl;
    },
});
