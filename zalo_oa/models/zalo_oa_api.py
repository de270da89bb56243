"""``zalo.oa``: calls to Zalo with a valid access token, and the token refresh.

Zalo's access tokens live 25 h and its refresh tokens are single use
(docs/zalo-api.md §1.3): the pair is refreshed ahead of expiry (cron, and before a
call) and once more on a token error, under a row lock in its own transaction.
"""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.errors import KIND_AUTH, ZaloError
from . import zalo_crypto
from .zalo_event import CONCURRENCY_ERRORS
from .zalo_oa import MANAGER

_logger = logging.getLogger(__name__)

TOKEN_CACHE_FIELDS = [
    "access_token",
    "refresh_token",
    "access_token_enc",
    "refresh_token_enc",
    "token_expires_at",
    "state",
    "last_error",
]
#: Refresh the access token when less than this is left (Zalo gives 25 h).
REFRESH_MARGIN = timedelta(hours=3)
#: A scheduled refresh that failed on a network or server error is tried again then.
REFRESH_RETRY = timedelta(minutes=5)
#: Transactions tried when workers refresh the same OA's tokens at once.
REFRESH_ATTEMPTS = 3


class ZaloOA(models.Model):
    _inherit = "zalo.oa"

    # --------------------------------------------------------------- API calls

    def _zalo_call(self, method, *args, res_model=None, res_id=None, **kwargs):
        """Call ``ZaloClient.<method>`` with a valid access token.

        The token is refreshed ahead of expiry, and once more when Zalo answers
        with a token error, after which the call is retried once. Every call is
        written to ``zalo.api.log``. Raises :class:`ZaloError`.
        """
        self.ensure_one()
        oa = self.sudo()
        if oa.state != "connected":
            raise ZaloError(
                None,
                f"The Official Account {oa.name} is not connected",
                KIND_AUTH,
                False,
            )
        log = oa._api_log(res_model, res_id)
        try:
            token = oa.access_token
            if not token or (
                oa.token_expires_at and oa.token_expires_at - fields.Datetime.now() < REFRESH_MARGIN
            ):
                token = oa._refresh_tokens(failed_token=token, api_log=log)
            client = oa._zalo_client(token, api_log=log)
            try:
                return getattr(client, method)(*args, **kwargs)
            except ZaloError as err:
                if not err.is_token_error:
                    raise
                client.access_token = oa._refresh_tokens(failed_token=token, api_log=log)
                return getattr(client, method)(*args, **kwargs)
        finally:
            log.flush()

    def _refresh_tokens(self, failed_token=None, api_log=None):
        """Refresh the token pair once, whatever the number of concurrent callers.

        Zalo's refresh tokens are single-use: the refresh runs in its own
        transaction, under a row lock on the OA, and commits the new pair at once.
        A caller that waited on the lock finds a token different from the one that
        failed and reuses it instead of refreshing again. Returns a valid access
        token; raises :class:`ZaloError` (and marks the OA Expired) when Zalo
        refuses the refresh.
        """
        self.ensure_one()
        for attempt in range(REFRESH_ATTEMPTS):
            try:
                return self._refresh_tokens_locked(failed_token, api_log)
            except CONCURRENCY_ERRORS:
                # Our snapshot predates the commit of a worker that refreshed while we
                # waited on the lock: a new transaction reads the pair it stored.
                if attempt == REFRESH_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _refresh_tokens_locked(self, failed_token, api_log):
        """One attempt of :meth:`_refresh_tokens`, in its own transaction.

        Callers must not have written the zalo_oa row in their own open transaction
        (the row lock below would wait for them).
        """
        with self.pool.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '30s'")
            cr.execute(
                "SELECT id FROM zalo_oa WHERE id = %s FOR UPDATE", [self.id], log_exceptions=False
            )
            oa = self.env(cr=cr, su=True)[self._name].browse(self.id)
            current = oa.access_token
            fresh = (
                current
                and current != failed_token
                and oa.state == "connected"
                and oa.token_expires_at
                and oa.token_expires_at - fields.Datetime.now() > timedelta(minutes=5)
            )
            if fresh:
                self.invalidate_recordset(TOKEN_CACHE_FIELDS)
                return current
            log = api_log if api_log is not None else oa._api_log()
            try:
                token = oa._zalo_oauth_client(api_log=log).refresh(oa.refresh_token)
            except ZaloError as err:
                if err.kind == KIND_AUTH:
                    oa._set_expired(err)
                    # Own transaction: the expiry must survive the caller's rollback.
                    cr.commit()  # pylint: disable=invalid-commit
                    self.invalidate_recordset(TOKEN_CACHE_FIELDS)
                raise
            finally:
                if api_log is None:
                    log.flush()
            oa._store_tokens(token)
            # Own transaction: a single-use refresh token must be replaced at once.
            cr.commit()  # pylint: disable=invalid-commit
            _logger.info("Zalo OA %s (id %s): access token refreshed", oa.name, oa.id)
        # Our own cache still holds the old pair; the new one was returned/committed above.
        self.invalidate_recordset(TOKEN_CACHE_FIELDS)
        return token.access_token

    def _store_tokens(self, token):
        self.ensure_one()
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "access_token_enc": zalo_crypto.encrypt(self.env, token.access_token),
                "refresh_token_enc": zalo_crypto.encrypt(self.env, token.refresh_token),
                "token_expires_at": now + timedelta(seconds=token.expires_in),
                "state": "connected",
                "last_error": False,
            }
        )

    def _set_expired(self, error):
        """Zalo refused the refresh: the OA must be authorised again by a human."""
        self.ensure_one()
        reason = self._zalo_error_text(error)
        self.sudo().write({"state": "expired", "last_error": reason})
        self._notify_managers(
            _("Reconnect the Zalo Official Account %s", self.name),
            _(
                "Zalo no longer accepts the tokens of this Official Account (%s). "
                "Open it and click Reconnect: messages cannot be sent until then.",
                reason,
            ),
        )
        _logger.warning(
            "Zalo OA %s (id %s) expired: the token refresh was refused (code %s)",
            self.name,
            self.id,
            error.code,
        )

    def _notify_managers(self, summary, note):
        """One to-do activity per Zalo manager, not repeated while one is open."""
        self.ensure_one()
        group = self.env.ref(MANAGER)
        todo = self.env.ref("mail.mail_activity_data_todo")
        oa = self.sudo()
        existing = oa.activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.summary == summary
        ).user_id
        users = group.users.filtered(
            lambda u: (
                u.active
                and not u.share
                and self.company_id in u.company_ids
                and u not in existing
                and u.id != self.env.ref("base.user_root").id
            )
        )
        for user in users:
            oa.activity_schedule(
                "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
            )

    def action_refresh_token(self):
        self.ensure_one()
        self._check_manager()
        log = self._api_log()
        try:
            self._refresh_tokens(failed_token=self.sudo().access_token, api_log=log)
        except ZaloError as err:
            raise UserError(self._zalo_error_text(err)) from None
        finally:
            log.flush()
        return self._notify(_("The access token was refreshed."), "success")

    # -------------------------------------------------------------------- cron

    @api.model
    def _cron_refresh_tokens(self):
        """Refresh tokens that expire within REFRESH_MARGIN, one OA per transaction."""
        limit = fields.Datetime.now() + REFRESH_MARGIN
        oas = self.sudo().search([("state", "=", "connected"), ("token_expires_at", "<", limit)])
        retry_at = set()
        for oa in oas:
            try:
                oa._refresh_tokens(failed_token=oa.access_token)
            except ZaloError as err:
                level = logging.INFO if err.retryable else logging.WARNING
                _logger.log(level, "Zalo OA %s: scheduled token refresh failed: %s", oa.id, err)
                if err.retryable:
                    # Zalo unreachable or busy: try again soon, not at the next hourly run.
                    retry_at.add(fields.Datetime.now() + REFRESH_RETRY)
        if retry_at:
            self.env.ref("zalo_oa.ir_cron_zalo_refresh_tokens").sudo()._trigger(at=min(retry_at))
