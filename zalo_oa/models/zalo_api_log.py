import logging
from datetime import timedelta

from psycopg2 import sql

from odoo import _, api, fields, models

from ..tools.errors import KIND_HELP, KINDS

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "zalo_oa.api_log_retention_days"
DEFAULT_RETENTION_DAYS = 30


class ApiLogBuffer:
    """Collects the secret-free call records of a ZaloClient and writes them at once.

    Rows are written in their own transaction, so that the log of a call that
    failed survives the rollback of the transaction that made it.
    """

    def __init__(self, env, oa, res_model=None, res_id=None):
        self.env = env
        self.oa_id = oa.id
        self.company_id = oa.company_id.id
        self.res_model = res_model
        self.res_id = res_id
        self.records = []

    def add(self, record):
        self.records.append(record)

    def flush(self):
        if not self.records:
            return
        records, self.records = self.records, []
        vals_list = [
            {
                "oa_id": self.oa_id,
                "family": rec.get("family") or None,
                "method": rec.get("method") or None,
                "endpoint": rec.get("endpoint") or None,
                "http_status": rec.get("http_status") or 0,
                "error_code": rec.get("error_code") or 0,
                "error_message": (rec.get("error_message") or "")[:500] or None,
                "kind": rec.get("kind") if rec.get("kind") in KINDS else None,
                "ok": bool(rec.get("ok")),
                "duration_ms": int(rec.get("duration_ms") or 0),
                "res_model": self.res_model or None,
                "res_id": self.res_id or 0,
                "user_id": self.env.uid or None,
            }
            for rec in records
        ]
        columns = list(vals_list[0])
        query = sql.SQL(
            "INSERT INTO zalo_api_log ({}, company_id, create_uid, write_uid, create_date,"
            " write_date) VALUES ({}, %s, %s, %s, now() at time zone 'UTC',"
            " now() at time zone 'UTC')"
        ).format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        try:
            # one plain INSERT per call: this runs for every send of a batch
            with self.env.registry.cursor() as cr:
                for vals in vals_list:
                    cr.execute(
                        query,
                        [vals[c] for c in columns]
                        + [self.company_id or None, self.env.uid, self.env.uid],
                    )
        except Exception:
            _logger.exception("Could not write %s Zalo API log row(s)", len(vals_list))


class ZaloApiLog(models.Model):
    _name = "zalo.api.log"
    _description = "Zalo API Call"
    _order = "id desc"
    _rec_name = "endpoint"

    oa_id = fields.Many2one(
        "zalo.oa", string="Official Account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    family = fields.Selection(
        [
            ("openapi", "OA API"),
            ("oauth", "OAuth"),
            ("business", "ZBS API"),
            ("graph", "Graph"),
            ("media", "Media download"),
        ],
        string="API",
    )
    method = fields.Char()
    endpoint = fields.Char(index=True)
    http_status = fields.Integer(string="HTTP status")
    error_code = fields.Integer(string="Zalo error code")
    error_message = fields.Char()
    kind = fields.Selection([(k, KIND_HELP[k].label) for k in KINDS], string="Error kind")
    ok = fields.Boolean(string="Success", index=True)
    duration_ms = fields.Integer(string="Duration (ms)")
    res_model = fields.Char(string="Related model")
    res_id = fields.Many2oneReference(string="Related record", model_field="res_model")
    user_id = fields.Many2one("res.users")

    @api.model
    def _buffer(self, oa, res_model=None, res_id=None):
        return ApiLogBuffer(self.env, oa, res_model=res_model, res_id=res_id)

    @api.autovacuum
    def _gc_api_logs(self):
        days = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            days = int(days or DEFAULT_RETENTION_DAYS)
        except ValueError:
            days = DEFAULT_RETENTION_DAYS
        if days <= 0:
            return
        limit = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute("DELETE FROM zalo_api_log WHERE create_date < %s", [limit])
        removed = self.env.cr.rowcount
        _logger.info("Zalo API log: %s row(s) older than %s days removed", removed, days)

    @api.model
    def _error_text(self, error):
        """Translated explanation of a ZaloError for users: what happened, what to do."""
        labels = {
            "auth": (
                _("Authorisation problem"),
                _(
                    "Zalo rejected the Official Account's access, or the Zalo app is not "
                    "activated, linked or allowed to use this feature. Reconnect the "
                    "Official Account and check the app in the Zalo developer console."
                ),
            ),
            "window": (
                _("Outside the 7-day window"),
                _(
                    "The customer has not written to the Official Account in the last 7 days "
                    "(or this message cannot be sent at this hour). Send an approved ZBS "
                    "template instead."
                ),
            ),
            "quota": (
                _("Quota reached"),
                _(
                    "A Zalo sending quota or the Zalo Cloud Account balance is exhausted. "
                    "Wait for the quota to reset or top up the account."
                ),
            ),
            "rate_limit": (
                _("Too many requests"),
                _("Zalo limits the number of calls per minute. It will be retried shortly."),
            ),
            "recipient": (
                _("Recipient cannot receive it"),
                _(
                    "The customer does not follow the OA, blocked it, is inactive or has no "
                    "Zalo account for this phone number. Check the contact."
                ),
            ),
            "template": (
                _("Template problem"),
                _(
                    "The ZBS template is unknown, not approved, disabled or not usable this "
                    "way. Check the template's status."
                ),
            ),
            "param": (
                _("Invalid data"),
                _("Zalo refused the data that was sent. Correct it and try again."),
            ),
            "server": (
                _("Zalo error"),
                _("Zalo could not process the request. Try again later."),
            ),
            "network": (
                _("Zalo unreachable"),
                _("Zalo could not be reached (timeout or connection error). Try again later."),
            ),
        }
        label, action = labels.get(error.kind, labels["server"])
        code = f" {error.code}" if error.code is not None else ""
        return _(
            "%(label)s (Zalo%(code)s: %(message)s). %(action)s",
            label=label,
            code=code,
            message=error.message,
            action=action,
        )
