/* @odoo-module */

import { deserializeDateTime, serializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";

const { Duration } = luxon;

const MINUTE = 60 * 1000;
/** Zalo's reply window: 7 days after the customer's last message. */
export const ZALO_WINDOW_DAYS = 7;

/**
 * End of the 7-day reply window of a Zalo conversation.
 *
 * @param {import("models").Thread} thread
 * @returns {luxon.DateTime|undefined}
 */
export function zaloWindowEnd(thread) {
    return thread.zaloWindowExpiresAt ? deserializeDateTime(thread.zaloWindowExpiresAt) : undefined;
}

/**
 * Reopen or extend the window for a message the customer just sent (the
 * server's value, when it comes, is authoritative).
 *
 * @param {import("models").Thread} thread
 * @param {luxon.DateTime} datetime of the customer's message
 */
export function extendZaloWindow(thread, datetime) {
    const end = datetime.plus({ days: ZALO_WINDOW_DAYS });
    const current = zaloWindowEnd(thread);
    if (!current || current < end) {
        thread.zaloWindowExpiresAt = serializeDateTime(end);
    }
}

/**
 * @param {import("models").Thread} thread
 * @param {number} now timestamp in milliseconds
 * @returns {number} milliseconds left in the window (0 when closed or unknown)
 */
export function zaloWindowMsLeft(thread, now) {
    const end = zaloWindowEnd(thread);
    return end ? Math.max(0, end.toMillis() - now) : 0;
}

/**
 * "5 days, 3 hours", "4 hours, 12 minutes", "7 minutes" in the user's language.
 *
 * @param {number} ms
 * @returns {string}
 */
export function formatZaloTimeLeft(ms) {
    const totalMinutes = Math.max(1, Math.floor(ms / MINUTE));
    const days = Math.floor(totalMinutes / (24 * 60));
    const hours = Math.floor((totalMinutes % (24 * 60)) / 60);
    const minutes = totalMinutes % 60;
    const units = days ? { days, hours } : hours ? { hours, minutes } : { minutes };
    for (const [unit, value] of Object.entries(units)) {
        if (!value) {
            delete units[unit];
        }
    }
    return Duration.fromObject(units).toHuman();
}

/**
 * @param {number} ms
 * @returns {string}
 */
export function zaloWindowLeftText(ms) {
    return _t("Reply window: %(time)s left", { time: formatZaloTimeLeft(ms) });
}
