/* @odoo-module */

import { Discuss } from "@mail/core/common/discuss";

import { ZaloWindowStatus } from "./window_status";

Object.assign(Discuss.components, { ZaloWindowStatus });
