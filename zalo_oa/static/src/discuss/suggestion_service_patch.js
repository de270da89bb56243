/* @odoo-module */

import { SuggestionService } from "@mail/core/common/suggestion_service";
import { cleanTerm } from "@mail/utils/common/format";

import { patch } from "@web/core/utils/patch";

patch(SuggestionService.prototype, {
    /**
     * Zalo conversations: canned responses (``:shortcut``, Discuss > Configuration >
     * Canned Responses) like live chats, whether or not Live Chat is installed; no
     * ``#channel`` links, which mean nothing to the customer on Zalo.
     *
     * @override
     */
    getSupportedDelimiters(thread) {
        const delimiters = super.getSupportedDelimiters(...arguments);
        if (thread?.type !== "zalo") {
            return delimiters;
        }
        const result = delimiters.filter(([delimiter]) => delimiter !== "#");
        if (!result.some(([delimiter]) => delimiter === ":")) {
            result.push([":"]);
        }
        return result;
    },

    /** @override */
    async fetchSuggestions({ delimiter }, { thread } = {}) {
        if (thread?.type === "zalo" && delimiter === "#") {
            return;
        }
        return super.fetchSuggestions(...arguments);
    },

    /** @override */
    searchSuggestions({ delimiter, term }, { thread, sort = false } = {}) {
        if (thread?.type === "zalo" && delimiter === ":") {
            return this.zaloSearchCannedResponses(cleanTerm(term), sort);
        }
        return super.searchSuggestions(...arguments);
    },

    /**
     * @param {string} cleanedSearchTerm
     * @param {boolean} sort
     */
    zaloSearchCannedResponses(cleanedSearchTerm, sort) {
        const responses = Object.values(this.store.CannedResponse.records).filter((response) =>
            cleanTerm(response.source).includes(cleanedSearchTerm)
        );
        if (sort) {
            responses.sort((r1, r2) => {
                const name1 = cleanTerm(r1.source);
                const name2 = cleanTerm(r2.source);
                const starts1 = name1.startsWith(cleanedSearchTerm);
                const starts2 = name2.startsWith(cleanedSearchTerm);
                if (starts1 !== starts2) {
                    return starts1 ? -1 : 1;
                }
                return name1.localeCompare(name2) || r1.id - r2.id;
            });
        }
        return { type: "CannedResponse", mainSuggestions: responses };
    },
});
