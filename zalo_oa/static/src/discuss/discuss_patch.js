/* @odoo-module */

import { Discuss } from "@mail/core/common/discuss";

import { ZaloInboxBar } from "./inbox_bar";
import { ZaloWindowStatus } from "./window_status";

Object.assign(Discuss.components, { ZaloInboxBar, ZaloWindowStatus });
