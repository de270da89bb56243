/* @odoo-module */

import { Message } from "@mail/core/common/message";

import { ZaloMessageFailure, ZaloMessageStatus } from "./message_status";

Object.assign(Message.components, { ZaloMessageFailure, ZaloMessageStatus });
