import logging
import threading
from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged

from ..tools.errors import ZaloError
from .common import ZaloTransactionCase


@tagged("post_install", "-at_install")
class TestOATokens(ZaloTransactionCase):
    def setUp(self):
        super().setUp()
        self.sim.clear_faults()
        self.sim.clear_requests()
        self.oa = self.create_oa()
        self.tokens = self.connect_oa(self.oa)

    def refresh_calls(self):
        return [
            r
            for r in self.sim.requests(path="/v4/oa/access_token")
            if r["body"].get("form", {}).get("grant_type") == "refresh_token"
        ]

    def test_call_with_valid_token(self):
        info = self.oa._zalo_call("get_oa_info")
        self.assertEqual(info["oaid"], self.sim_oa_id)
        self.assertFalse(self.refresh_calls())
        call = self.sim.requests(path="/v2.0/oa/getoa")[-1]
        self.assertEqual(call["headers"]["Access-Token"], self.tokens["access_token"])
        log = self.env["zalo.api.log"].search([("oa_id", "=", self.oa.id)], limit=1)
        self.assertEqual(log.endpoint, "/v2.0/oa/getoa")
        self.assertTrue(log.ok)
        self.assertEqual(log.http_status, 200)

    def test_refresh_on_schedule(self):
        old = self.oa.sudo().refresh_token
        self.oa.sudo().token_expires_at = fields.Datetime.now() + timedelta(hours=1)
        self.env["zalo.oa"]._cron_refresh_tokens()
        self.assertEqual(len(self.refresh_calls()), 1)
        oa = self.oa.sudo()
        self.assertNotEqual(oa.refresh_token, old)
        self.assertGreater(oa.token_expires_at, fields.Datetime.now() + timedelta(hours=20))
        # Refresh tokens are single use: the old one is now refused by Zalo.
        with self.assertRaises(ZaloError) as ctx:
            oa._zalo_oauth_client().refresh(old)
        self.assertEqual(ctx.exception.kind, "auth")
        # A token far from expiry is left alone by the cron.
        calls = len(self.refresh_calls())
        self.env["zalo.oa"]._cron_refresh_tokens()
        self.assertEqual(len(self.refresh_calls()), calls)

    def test_refresh_ahead_of_expiry_on_call(self):
        self.oa.sudo().token_expires_at = fields.Datetime.now() + timedelta(minutes=30)
        self.env.flush_all()  # committed: the refresh reads it in its own transaction
        self.oa._zalo_call("get_oa_info")
        self.assertEqual(len(self.refresh_calls()), 1)

    def test_refresh_after_a_concurrent_refresh_reads_the_new_pair(self):
        """A worker whose snapshot predates another worker's refresh fails to lock the
        OA (serialisation failure): a new transaction reads the pair that worker stored,
        without a second refresh (Zalo's refresh tokens are single use)."""
        # about to expire: the first worker refreshes
        self.oa.sudo().token_expires_at = fields.Datetime.now() + timedelta(minutes=2)
        self.env.flush_all()
        OA = type(self.env["zalo.oa"])
        real = OA._refresh_tokens_locked
        attempts = []

        def locked(oa, failed_token, api_log):
            attempts.append(failed_token)
            if len(attempts) == 1:
                # meanwhile another worker refreshed and committed
                real(oa, failed_token, api_log)
                raise psycopg2.errors.SerializationFailure("could not serialize access")
            return real(oa, failed_token, api_log)

        with patch.object(OA, "_refresh_tokens_locked", locked):
            token = self.oa._refresh_tokens(failed_token="old-token")
        self.assertEqual(len(attempts), 2)
        self.assertEqual(len(self.refresh_calls()), 1, "one refresh, read again by the retry")
        self.assertEqual(token, self.oa.sudo().access_token)

    def test_refresh_gives_up_after_its_attempts(self):
        OA = type(self.env["zalo.oa"])
        attempts = []

        def locked(oa, failed_token, api_log):
            attempts.append(failed_token)
            raise psycopg2.errors.SerializationFailure("could not serialize access")

        with (
            patch.object(OA, "_refresh_tokens_locked", locked),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self.oa._refresh_tokens(failed_token="old-token")
        self.assertEqual(len(attempts), 3)

    def test_refresh_on_auth_error_then_retry_once(self):
        self.sim.expire_tokens()  # Zalo says -220 although our expiry is far away
        info = self.oa._zalo_call("get_oa_info")
        self.assertEqual(info["oaid"], self.sim_oa_id)
        self.assertEqual(len(self.refresh_calls()), 1)
        getoa = self.sim.requests(path="/v2.0/oa/getoa")
        self.assertEqual(len(getoa), 2)
        self.assertEqual(getoa[0]["response"]["json"]["error"], -220)
        self.assertEqual(self.oa.sudo().state, "connected")

    def test_non_token_error_is_not_retried(self):
        self.sim.add_fault(match="/v2.0/oa/getoa", error=-201, count=1)
        # Not assertRaises: it rolls back to a savepoint, and the log must survive.
        try:
            self.oa._zalo_call("get_oa_info")
        except ZaloError as err:
            self.assertEqual(err.kind, "param")
        else:
            self.fail("ZaloError expected")
        self.assertFalse(self.refresh_calls())
        self.assertEqual(len(self.sim.requests(path="/v2.0/oa/getoa")), 1)
        log = self.env["zalo.api.log"].search([("oa_id", "=", self.oa.id)], limit=1)
        self.assertFalse(log.ok)
        self.assertEqual(log.error_code, -201)

    def test_eight_threads_one_refresh(self):
        """8 workers holding the same expired token: one refresh, 8 successful calls."""
        self.sim.expire_tokens()
        stale = self.oa.sudo().access_token
        self.env.flush_all()  # the workers' cursors must see the connected OA
        barrier = threading.Barrier(8)
        results, errors = [], []
        oa_id = self.oa.id

        def worker():
            try:
                barrier.wait(timeout=10)
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    oa = env["zalo.oa"].browse(oa_id)
                    token = oa._refresh_tokens(failed_token=stale)
                    client = oa._zalo_client(token)
                    results.append(client.get_oa_info()["oaid"])
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertFalse(errors)
        self.assertEqual(results, [self.sim_oa_id] * 8)
        self.assertEqual(len(self.refresh_calls()), 1)

    def test_eight_threads_zalo_call(self):
        self.sim.expire_tokens()
        self.env.flush_all()
        results, errors = [], []
        oa_id = self.oa.id

        def worker():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    results.append(env["zalo.oa"].browse(oa_id)._zalo_call("get_oa_info"))
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertFalse(errors)
        self.assertEqual(len(results), 8)
        self.assertEqual(len(self.refresh_calls()), 1)

    def test_refresh_refused_marks_expired_with_activity(self):
        self.sim.expire_tokens()
        self.sim.add_fault(match="/v4/oa/access_token", error=-14020, count=1)
        with self.assertLogs("odoo.addons.zalo_oa.models.zalo_oa_api", "WARNING") as logs:
            try:
                self.oa._zalo_call("get_oa_info")
            except ZaloError as err:
                self.assertEqual(err.kind, "auth")
            else:
                self.fail("ZaloError expected")
        self.assertIn("the token refresh was refused (code -14020)", logs.output[0])
        self.oa.invalidate_recordset()
        self.assertEqual(self.oa.state, "expired")
        self.assertIn("Reconnect", self.oa.last_error)
        activities = self.oa.activity_ids
        admin = self.env.ref("base.user_admin")
        self.assertIn(admin, activities.user_id)
        self.assertTrue(all("Reconnect" in a.summary for a in activities))
        # Not repeated while open.
        with self.assertLogs("odoo.addons.zalo_oa.models.zalo_oa_api", "WARNING"):
            self.oa._set_expired(ZaloError(-14020, "Refresh token invalid", "auth"))
        self.assertEqual(len(self.oa.activity_ids), len(activities))
        # No call is attempted while expired.
        with self.assertRaises(ZaloError):
            self.oa._zalo_call("get_oa_info")

    def test_network_error_keeps_connected(self):
        self.sim.expire_tokens()
        self.sim.add_fault(match="/v4/oa/access_token", http_status=503, count=1)
        with self.assertRaises(ZaloError) as ctx:
            self.oa._zalo_call("get_oa_info")
        self.assertTrue(ctx.exception.retryable)
        self.assertEqual(self.oa.state, "connected")

    def test_test_connection_button(self):
        action = self.oa.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Cửa hàng Mô Phỏng", action["params"]["message"])
        self.sim.add_fault(match="/v2.0/oa/getoa", error=-224, count=1)
        action = self.oa.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("-224", action["params"]["message"])

    def test_zalo_is_never_reached_from_tests(self):
        """Odoo's test guard blocks every host but localhost (no test-mode branch of ours):
        a call to Zalo itself fails as a network error and is logged as blocked."""
        self.env["ir.config_parameter"].sudo().set_param(
            "zalo_oa.openapi_url", "https://openapi.zalo.me"
        )
        blocked = self.assertLogs("odoo.tests.common.requests", logging.INFO)
        with blocked as logs, self.assertRaises(ZaloError) as ctx:
            self.oa._zalo_call("get_oa_info")
        self.assertEqual(ctx.exception.kind, "network")
        self.assertIn("https://openapi.zalo.me/v2.0/oa/getoa", logs.output[0])
        self.env["ir.config_parameter"].sudo().set_param(
            "zalo_oa.openapi_url", self.sim.urls["openapi"]
        )

    def test_api_log_retention(self):
        self.oa._zalo_call("get_oa_info")
        logs = self.env["zalo.api.log"].search([("oa_id", "=", self.oa.id)])
        self.assertTrue(logs)
        self.env.cr.execute(
            "UPDATE zalo_api_log SET create_date = now() - interval '31 days' WHERE id IN %s",
            [tuple(logs.ids)],
        )
        self.oa._zalo_call("get_oa_info")
        self.env["zalo.api.log"]._gc_api_logs()
        remaining = self.env["zalo.api.log"].search([("oa_id", "=", self.oa.id)])
        self.assertEqual(len(remaining), 1)
        self.assertFalse(remaining & logs)

    def test_no_secret_anywhere(self):
        """No API log row, log line or error message contains a token or secret."""
        oa = self.oa.sudo()
        secrets = [oa.app_secret, oa.oa_secret_key, oa.access_token, oa.refresh_token]
        messages = []
        with self.assertLogs("odoo.addons.zalo_oa", level=logging.DEBUG) as logs:
            logging.getLogger("odoo.addons.zalo_oa").debug("start")
            self.oa._zalo_call("get_oa_info")
            self.sim.expire_tokens()
            self.oa._zalo_call("get_oa_info")  # refresh + retry
            secrets += [oa.access_token, oa.refresh_token]
            self.sim.add_fault(match="/v2.0/oa/getoa", error=-216, count=2)
            self.sim.add_fault(match="/v4/oa/access_token", error=-14020, count=1)
            try:
                self.oa._zalo_call("get_oa_info")
            except ZaloError as err:
                messages += [str(err), repr(err), self.oa._zalo_error_text(err)]
            messages.append(self.oa.last_error)
        messages += logs.output
        self.env.cr.execute("SELECT * FROM zalo_api_log WHERE oa_id = %s", [self.oa.id])
        rows = self.env.cr.fetchall()
        self.assertGreaterEqual(len(rows), 5)
        haystack = repr(rows) + "\n".join(m or "" for m in messages)
        for secret in filter(None, secrets):
            self.assertNotIn(secret, haystack)
