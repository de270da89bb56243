/* @odoo-module */

import { _t } from "@web/core/l10n/translation";

const MB = 1024 * 1024;

/**
 * What Zalo's upload endpoints accept from an OA (/v2.0/oa/upload/image, /gif, /file):
 * anything else is refused by Zalo, so the composer refuses it first.
 */
export const ZALO_UPLOADS = [
    { extensions: ["jpg", "jpeg", "png"], maxSize: 1 * MB },
    { extensions: ["gif"], maxSize: 5 * MB },
    { extensions: ["pdf", "doc", "docx", "csv"], maxSize: 5 * MB },
];

/** The file chooser of a Zalo conversation offers these only. */
export const ZALO_ACCEPTED_FILES = ZALO_UPLOADS.flatMap(({ extensions }) =>
    extensions.map((extension) => `.${extension}`)
).join(",");

/**
 * @param {import("models").Attachment} attachment
 * @returns {string|false} why Zalo cannot receive this file, or false
 */
export function zaloAttachmentProblem(attachment) {
    const name = attachment.name || attachment.filename || "";
    const extension = name.includes(".") ? name.split(".").pop().toLowerCase() : "";
    const rule = ZALO_UPLOADS.find(({ extensions }) => extensions.includes(extension));
    if (!rule || attachment.isVoice) {
        return _t(
            "%(name)s: Zalo only accepts JPEG and PNG images (up to 1 MB), GIFs and PDF, DOC, DOCX or CSV files (up to 5 MB).",
            { name }
        );
    }
    if (attachment.size && attachment.size > rule.maxSize) {
        return _t("%(name)s: too large for Zalo (at most %(max)s MB for this type).", {
            name,
            max: rule.maxSize / MB,
        });
    }
    return false;
}
