"""Shared test helpers: the Zalo platform simulator, in-process, on a free port.

The simulator lives at the repository root (``zalo_simulator/``); Odoo tests talk to
it over loopback, never to Zalo (the client refuses other hosts while tests run).
"""

import itertools
import json
import sys
import time
from pathlib import Path

from odoo.tests import HttpCase, TransactionCase

from ..tools.oauth import TokenResponse
from ..tools.webhook import compute_signature

_SEQ = itertools.count(1)

REPO_ROOT = Path(__file__).resolve().parents[2]


def simulator_class():
    if not (REPO_ROOT / "zalo_simulator").is_dir():
        raise RuntimeError(
            f"The Zalo simulator is expected in {REPO_ROOT}/zalo_simulator; run the tests "
            "from a clone of the repository."
        )
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from zalo_simulator.server import Simulator

    return Simulator


class ZaloSimulatorMixin:
    """Starts one simulator per test class and an OA record matching its default app."""

    sim_kwargs = {}

    @classmethod
    def start_simulator(cls):
        Simulator = simulator_class()
        cls.sim = Simulator(port=0, retry_scale=0.001, auto_receipts=False, **cls.sim_kwargs)
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        params = cls.env["ir.config_parameter"].sudo()
        for family, url in cls.sim.urls.items():
            params.set_param(f"zalo_oa.{family}_url", url)
        from zalo_simulator.state import (
            DEFAULT_APP_ID,
            DEFAULT_APP_SECRET,
            DEFAULT_OA_ID,
            DEFAULT_OA_SECRET,
        )

        cls.app_id = DEFAULT_APP_ID
        cls.app_secret = DEFAULT_APP_SECRET
        cls.sim_oa_id = DEFAULT_OA_ID
        cls.oa_secret = DEFAULT_OA_SECRET

    @classmethod
    def create_oa(cls, **values):
        vals = {
            "name": "Cửa hàng Test",
            "app_id": cls.app_id,
            "app_secret": cls.app_secret,
            "oa_secret_key": cls.oa_secret,
        }
        vals.update(values)
        return cls.env["zalo.oa"].create(vals)

    @classmethod
    def connect_oa(cls, oa):
        """Connect through the simulator's API-Explorer shortcut (no consent page)."""
        tokens = cls.sim.issue_tokens()
        oa._store_tokens(
            TokenResponse(
                access_token=tokens["access_token"],
                refresh_token=tokens["refresh_token"],
                expires_in=int(tokens["expires_in"]),
            )
        )
        oa.sudo().zalo_oa_ref = tokens["oa_id"]
        return tokens

    def receive(self, oa, payload, secret=None):
        """Sign ``payload`` like Zalo, store it through the webhook code and process it."""
        payload.setdefault("app_id", oa.sudo().app_id)
        payload.setdefault("timestamp", str(int(time.time() * 1000)))
        raw = json.dumps(payload, ensure_ascii=False).encode()
        mac = compute_signature(
            payload["app_id"], raw, payload["timestamp"], secret or oa.sudo().oa_secret_key
        )
        result = self.env["zalo.event"]._webhook_receive(raw, {"X-ZEvent-Signature": f"mac={mac}"})
        if result.status == "stored":
            if result.inline:
                self.env["zalo.event"]._process_inline(result.event_id)
            else:
                self.env["zalo.event"].browse(result.event_id).write({"next_attempt_at": False})
                self.env["zalo.event"]._cron_process_events()
        return result

    def receive_text(self, oa, customer, text="Xin chào shop", msg_id=None):
        """The customer writes to the OA (signed user_send_text, processed)."""
        return self.receive(
            oa,
            {
                "sender": {"id": customer["user_id"]},
                "recipient": {"id": oa.zalo_oa_ref},
                "user_id_by_app": customer.get("user_id_by_app", ""),
                "event_name": "user_send_text",
                "message": {"text": text, "msg_id": msg_id or f"in-{next(_SEQ)}-{time.time()}"},
            },
        )

    def sim_calls(self, path_part):
        return [r for r in self.sim.requests() if path_part in r["path"]]


class ZaloTransactionCase(ZaloSimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Token refreshes and API logs use their own cursor: in test mode, those are
        # savepoints of the test transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.start_simulator()


class ZaloHttpCase(ZaloSimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_simulator()
