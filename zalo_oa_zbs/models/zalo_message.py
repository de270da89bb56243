import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.zalo_oa.models.zalo_event import CONCURRENCY_ERRORS, may_commit
from odoo.addons.zalo_oa.tools import messages as zalo_messages
from odoo.addons.zalo_oa.tools import retry as zalo_retry
from odoo.addons.zalo_oa.tools.errors import (
    KIND_AUTH,
    KIND_QUOTA,
    KIND_TEMPLATE,
    ZBS_BALANCE_CODES,
    ZBS_DAILY_QUOTA_CODES,
    ZBS_TEMPLATE_DEAD_CODES,
    ZBS_TEMPLATE_QUOTA_CODES,
    ZBS_UID_UNSUPPORTED,
    ZaloError,
)
from odoo.addons.zalo_oa.tools.phone import InvalidPhoneError, normalize_phone
from odoo.exceptions import AccessError, UserError

from .zalo_zbs_mixin import call_hook, default_phone
from .zalo_zbs_quota import next_quota_reset

_logger = logging.getLogger(__name__)

ZBS_KINDS = ("zbs_uid", "zbs_phone")
#: After this many retryable failures in a row, the OA's other rows wait for the next run.
MAX_RETRIES_IN_A_ROW = 3
BALANCE_RETRY = timedelta(hours=1)
AUTH_RETRY = timedelta(minutes=30)
#: An OA that cannot send (auth) is waited for this many times AUTH_RETRY.
AUTH_MAX_ATTEMPTS = 6

#: In a batch, the status icons of this many rows are announced at once.
NOTIFY_EVERY = 25

SENT, FAILED, RETRY, STOP_OA, STOP_TEMPLATE = "sent", "failed", "retry", "stop_oa", "stop_template"


class ZaloMessage(models.Model):
    """ZBS template sends go through the same outbound queue as conversation replies.

    A ZBS row (``message_kind`` ``zbs_uid`` or ``zbs_phone``) carries the template, the
    rendered ``template_data``, the recipient (partner link or ``84…`` phone), the
    document it was sent from and a ``tracking_id`` echoed by Zalo's delivery
    receipt. Sending stops for an OA when Zalo says its quota is spent: the unsent
    rows stay ``pending`` with the reason and wait for the quota to come back.
    """

    _inherit = "zalo.message"

    message_kind = fields.Selection(
        [
            ("cs", "Conversation reply"),
            ("zbs_uid", "ZBS template by Zalo account"),
            ("zbs_phone", "ZBS template by phone"),
        ],
        string="Kind",
        default="cs",
        required=True,
        index=True,
        readonly=True,
    )
    content_type = fields.Selection(
        selection_add=[("template", "ZBS template")], ondelete={"template": "set null"}
    )
    zbs_template_id = fields.Many2one(
        "zalo.zbs.template",
        string="Template",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    template_data = fields.Json(string="Template data", readonly=True)
    tracking_id = fields.Char(index="btree_not_null", readonly=True, copy=False)
    phone = fields.Char(readonly=True, help="The 84… number a template is sent to.")
    partner_id = fields.Many2one("res.partner", string="Recipient", readonly=True, index=True)
    res_model = fields.Char(string="Document model", index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", index=True, readonly=True
    )
    res_name = fields.Char(string="Document", compute="_compute_res_name")
    zbs_development_mode = fields.Boolean(string="Development mode", readonly=True)
    zbs_batch_ref = fields.Char(string="Batch", index="btree_not_null", readonly=True)

    _sql_constraints = [
        (
            "tracking_unique",
            "UNIQUE(oa_id, tracking_id)",
            "This tracking id is already used by another message.",
        ),
    ]

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for row in self:
            try:
                record = row._zbs_record()
                row.res_name = record.display_name if record else False
            except AccessError:
                row.res_name = _("%(model)s #%(id)s", model=row.res_model, id=row.res_id)

    def _zbs_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("message_kind") in ZBS_KINDS and not vals.get("tracking_id"):
                # Unique and at most 48 characters (Zalo's limit); echoed by the receipt.
                vals["tracking_id"] = uuid.uuid4().hex
        return super().create(vals_list)

    # ================================================================= sending

    def _send(self):
        zbs = self.filtered(lambda r: r.message_kind in ZBS_KINDS)
        if self - zbs:
            super(ZaloMessage, self - zbs)._send()
        if zbs:
            return zbs._zbs_send()
        return None

    def _send_one(self):
        if self.message_kind in ZBS_KINDS:
            outcome, _info = self._zbs_send_one()
            return outcome in (SENT, FAILED)
        return super()._send_one()

    def _build_payload(self, oa):
        template = self.zbs_template_id
        if self.message_kind == "zbs_uid":
            return zalo_messages.zbs_uid_payload(
                self.partner_link_id.zalo_user_id,
                template.zalo_template_id,
                self.template_data or {},
            )
        if self.message_kind == "zbs_phone":
            return zalo_messages.zbs_phone_payload(
                self.phone,
                template.zalo_template_id,
                self.template_data or {},
                self.tracking_id,
                mode="development" if self.zbs_development_mode else None,
            )
        return super()._build_payload(oa)

    def _zbs_claim(self):
        """Lock this pending row for sending (another worker may have it)."""
        self.ensure_one()
        self.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """SELECT id FROM zalo_message WHERE id = %s AND state = 'pending'
                       FOR UPDATE SKIP LOCKED""",
                    [self.id],
                    log_exceptions=False,
                )
                claimed = self.env.cr.fetchone()
        except CONCURRENCY_ERRORS:
            return False  # another worker sent it since this transaction began
        if not claimed:
            return False
        self.invalidate_recordset()
        return True

    def _zbs_send(self):
        """Send pending ZBS rows in order; stop an OA when Zalo says its quota is spent.

        Returns a summary: counts ``sent``, ``failed``, ``waiting`` (still queued) and
        ``stops`` ({OA or template label: reason}).
        """
        rows = self.filtered(lambda r: r.direction == "outbound" and r.state == "pending")
        summary = {"sent": 0, "failed": 0, "waiting": 0, "stops": {}}
        if not rows:
            return summary
        rows = rows.sorted("id")
        autocommit = bool(self.env.context.get("zalo_zbs_autocommit")) and may_commit(self.env)
        Quota = self.env["zalo.zbs.quota"].sudo()
        now = fields.Datetime.now()
        stopped_oas = {}  # oa id -> (reason, kind, code, next attempt)
        stopped_templates = {}  # template id -> (reason, kind, code, next attempt)
        dead_templates = {}  # template id -> ZaloError
        retries_in_a_row = defaultdict(int)
        quotas = {}  # oa -> (daily, remaining)
        touched = self.browse()
        unannounced = self.browse()  # sent (autocommit) but not announced on the bus yet
        for oa in rows.oa_id:
            quota = Quota._zbs_get(oa)
            if quota._zbs_is_exhausted():
                stopped_oas[oa.id] = (
                    quota.exhausted_reason or _("Zalo's quota is spent."),
                    KIND_QUOTA,
                    0,
                    quota.exhausted_until,
                )
        for row in rows:
            if autocommit:
                # Each row is committed on its own, which empties the cache: read each
                # row alone, not the whole batch again for every row.
                row = row.with_prefetch(row._ids)
            if row.oa_id.id in stopped_oas or row.zbs_template_id.id in stopped_templates:
                continue
            if row.next_attempt_at and row.next_attempt_at > now:
                continue
            if not row._zbs_claim() or row.state != "pending":
                continue
            touched |= row
            if row.zbs_template_id.id in dead_templates:
                row.attempts += 1
                row._fail(dead_templates[row.zbs_template_id.id])
                summary["failed"] += 1
            else:
                outcome, info = row._zbs_send_one()
                if outcome == SENT:
                    summary["sent"] += 1
                    retries_in_a_row[row.oa_id.id] = 0
                    quota = (info or {}).get("quota") or {}
                    daily = _int(quota.get("dailyQuota"))
                    remaining = _int(quota.get("remainingQuota"))
                    if remaining is None:
                        remaining = _int(quota.get("remain"))
                    if remaining is not None:
                        quotas[row.oa_id] = (daily, remaining)
                elif outcome == FAILED:
                    summary["failed"] += 1
                    if info is not None and info.code in ZBS_TEMPLATE_DEAD_CODES:
                        dead_templates[row.zbs_template_id.id] = info
                elif outcome == RETRY:
                    retries_in_a_row[row.oa_id.id] += 1
                    if retries_in_a_row[row.oa_id.id] >= MAX_RETRIES_IN_A_ROW:
                        stopped_oas[row.oa_id.id] = (
                            _(
                                "Zalo is not answering (%s): sending is retried shortly.",
                                row.oa_id._zalo_error_text(info),
                            ),
                            info.kind,
                            info.code or 0,
                            fields.Datetime.now()
                            + zalo_retry.delay(info.kind, retries_in_a_row[row.oa_id.id]),
                        )
                elif outcome == STOP_OA:
                    stopped_oas[row.oa_id.id] = row._zbs_stop_reason(info)
                elif outcome == STOP_TEMPLATE:
                    stopped_templates[row.zbs_template_id.id] = row._zbs_stop_reason(info)
            if autocommit:
                unannounced |= row
                if len(unannounced) >= NOTIFY_EVERY:
                    # the status icons follow in groups (one bus insert each)
                    unannounced._notify_state_change()
                    unannounced = self.browse()
                self.env.cr.commit()  # pylint: disable=invalid-commit
        for oa, (daily, remaining) in quotas.items():
            Quota._zbs_record(oa, daily=daily, remaining=remaining)
        for oa_id, (reason, _kind, code, until) in stopped_oas.items():
            if code in ZBS_DAILY_QUOTA_CODES or code in ZBS_BALANCE_CODES:
                Quota._zbs_exhausted(self.env["zalo.oa"].browse(oa_id), reason, until)
        waiting = rows.filtered(
            lambda r: (
                r.state == "pending"
                and (r.oa_id.id in stopped_oas or r.zbs_template_id.id in stopped_templates)
            )
        )
        for row in waiting:
            stop = stopped_oas.get(row.oa_id.id) or stopped_templates[row.zbs_template_id.id]
            reason, kind, code, until = stop
            row.write(
                {
                    "failure_reason": reason,
                    "failure_kind": kind,
                    "failure_code": code or 0,
                    "next_attempt_at": until,
                }
            )
        touched |= waiting
        summary["waiting"] = len(rows.filtered(lambda r: r.state == "pending"))
        for oa_id, stop in stopped_oas.items():
            summary["stops"][self.env["zalo.oa"].browse(oa_id).name] = stop[0]
        for template_id, stop in stopped_templates.items():
            summary["stops"][self.env["zalo.zbs.template"].browse(template_id).name] = stop[0]
        # what was not announced yet (in autocommit mode, the groups above were)
        (unannounced | waiting if autocommit else touched)._notify_state_change()
        if autocommit and summary["stops"]:
            waiting._zbs_notify_authors(summary["stops"])
        # Every row given a time (retries, paused OAs and templates) wakes the queue then.
        wake = {r.next_attempt_at for r in touched if r.state == "pending" and r.next_attempt_at}
        if wake:
            self._trigger_queue(at=sorted(wake))
        return summary

    def _zbs_send_one(self):
        """Send one ZBS row: (outcome, send data or ZaloError)."""
        self.ensure_one()
        oa = self.oa_id.sudo()
        template = self.zbs_template_id
        self.attempts += 1
        if not template or template.state != "enabled" or not template.zalo_template_id:
            state = (
                dict(template._fields["state"]._description_selection(self.env)).get(template.state)
                if template
                else _("deleted in Odoo")
            )
            self.write(
                {
                    "state": "failed",
                    "failure_reason": _(
                        "The template «%(name)s» cannot be sent (it is %(state)s). Synchronise "
                        "it, or send another approved template.",
                        name=template.name or "?",
                        state=state,
                    ),
                    "failure_kind": KIND_TEMPLATE,
                    "failure_code": 0,
                    "next_attempt_at": False,
                }
            )
            return FAILED, None
        try:
            payload = self._build_payload(oa)
            method = "send_zbs_by_uid" if self.message_kind == "zbs_uid" else "send_zbs_by_phone"
            data = self._zalo_send_call(
                oa, method, payload, res_model=self.res_model or None, res_id=self.res_id or None
            )
        except ZaloError as err:
            return self._zbs_handle_error(err)
        data = data or {}
        self.write(
            {
                "state": "sent",
                "zalo_msg_id": data.get("message_id") or data.get("msg_id") or False,
                "sent_at": fields.Datetime.now(),
                "next_attempt_at": False,
                "failure_reason": False,
                "failure_kind": False,
                "failure_code": 0,
            }
        )
        return SENT, data

    def _zbs_handle_error(self, err):
        if err.code == ZBS_UID_UNSUPPORTED and self.message_kind == "zbs_uid":
            self.zbs_template_id.sudo().supports_uid = False
            phone = self._zbs_fallback_phone()
            if phone:
                self.write({"message_kind": "zbs_phone", "phone": phone})
                return self._zbs_send_one()
        if err.kind == KIND_AUTH and err.code not in ZBS_BALANCE_CODES:
            # The OA must be reconnected (or its permissions fixed): the messages wait a
            # few hours for it (each wait counts as an attempt), then fail with the reason.
            if self.attempts >= AUTH_MAX_ATTEMPTS:
                self._fail(err)
                return FAILED, err
            return STOP_OA, err
        if (
            err.code in ZBS_DAILY_QUOTA_CODES
            or err.code in ZBS_BALANCE_CODES
            or err.code in ZBS_TEMPLATE_QUOTA_CODES
        ):
            self.attempts -= 1  # not the message's fault: it waits, it did not fail
            outcome = STOP_TEMPLATE if err.code in ZBS_TEMPLATE_QUOTA_CODES else STOP_OA
            return outcome, err
        if err.retryable and not zalo_retry.give_up(err.kind, self.attempts):
            self.write(
                {
                    "next_attempt_at": fields.Datetime.now()
                    + zalo_retry.delay(err.kind, self.attempts),
                    "failure_reason": _("Retrying: %s", self.oa_id._zalo_error_text(err)),
                    "failure_kind": err.kind,
                    "failure_code": err.code or 0,
                }
            )
            return RETRY, err
        self._fail(err)
        return FAILED, err

    def _zbs_fallback_phone(self):
        """An 84… number for a row whose template cannot go by Zalo account (-249)."""
        record = self._zbs_record()
        partner = self.partner_id or self.partner_link_id.partner_id
        if record is not None:
            phone = call_hook(record, "_zalo_zbs_phone", partner)
        else:
            phone = default_phone(None, partner)
        phone = phone or self.partner_link_id.zalo_phone
        if not phone:
            return False
        try:
            return normalize_phone(phone, default_region=partner.country_id.code or "VN")
        except InvalidPhoneError:
            return False

    def _zbs_stop_reason(self, err):
        """(reason, kind, code, next attempt) when sending must stop for a while."""
        oa = self.oa_id
        error_text = oa._zalo_error_text(err)
        if err.code in ZBS_TEMPLATE_QUOTA_CODES:
            until = next_quota_reset()
            reason = _(
                "Zalo's daily quota of the template «%(template)s» is used up (%(error)s). The "
                "messages not sent yet stay queued and go out automatically after %(when)s "
                "(midnight, Vietnam time).",
                template=self.zbs_template_id.name,
                error=error_text,
                when=self._zbs_local_time(until),
            )
        elif err.code in ZBS_BALANCE_CODES:
            until = fields.Datetime.now() + BALANCE_RETRY
            reason = _(
                "Zalo refuses to send for %(oa)s (%(error)s): top up or link the ZBS account. "
                "The messages not sent yet stay queued and are retried every hour.",
                oa=oa.name,
                error=error_text,
            )
        elif err.kind == KIND_AUTH:
            until = fields.Datetime.now() + AUTH_RETRY
            reason = _(
                "The Official Account %(oa)s cannot send now (%(error)s). The messages not sent "
                "yet stay queued and are sent once it is connected again.",
                oa=oa.name,
                error=error_text,
            )
        else:
            until = next_quota_reset()
            reason = _(
                "Zalo's daily quota of %(oa)s is used up (%(error)s). The messages not sent yet "
                "stay queued and go out automatically after %(when)s (midnight, Vietnam time); "
                "cancel them from Zalo › Messages if they are no longer needed.",
                oa=oa.name,
                error=error_text,
                when=self._zbs_local_time(until),
            )
        return reason, err.kind, err.code or 0, until

    def _zbs_local_time(self, value):
        return fields.Datetime.context_timestamp(self, value).strftime("%d/%m/%Y %H:%M")

    def _zbs_notify_authors(self, stops):
        """A sticky notification to the users whose queued messages wait (cron sends)."""
        text = "\n".join(stops.values())
        bus = self.env["bus.bus"].sudo()
        for author in self.author_id:
            bus._sendone(
                author.partner_id,
                "simple_notification",
                {
                    "type": "warning",
                    "title": _("Zalo sending paused"),
                    "message": text,
                    "sticky": True,
                },
            )

    @api.model
    def _cron_send_messages(self, limit=200, shard=0):
        res = super(ZaloMessage, self.with_context(zalo_zbs_autocommit=True))._cron_send_messages(
            limit=limit, shard=shard
        )
        due = self.search_count(
            [
                ("direction", "=", "outbound"),
                ("state", "=", "pending"),
                ("message_kind", "in", ZBS_KINDS),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ],
            limit=1,
        )
        if due:
            self._trigger_queue()
        return res

    # ================================================================ receipts

    def _zbs_apply_receipt(self, state, when, msg_id=None):
        """A delivery receipt found by ``tracking_id``: move forward, never backward."""
        return self._move_forward(state, when, msg_id=msg_id)

    def _zalo_notification_partner(self):
        """A template goes to its recipient contact (or the linked Zalo user's)."""
        if self.message_kind in ZBS_KINDS:
            return self.partner_id or self.partner_link_id.partner_id
        return super()._zalo_notification_partner()

    def action_open_document(self):
        self.ensure_one()
        record = self._zbs_record()
        if record is None:
            raise UserError(_("The document of this message no longer exists."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [[False, "form"]],
        }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
