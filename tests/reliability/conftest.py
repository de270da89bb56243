"""Reliability tests against a real Odoo server (``--workers=2``) and the simulator.

Not part of ``make test`` (too slow for it): run them with

    python3 -m pytest -p no:cacheprovider tests/reliability -v

Each test module gets its own throwaway database cloned from one template that has
``zalo_oa`` installed (``zt_bench_rel_*``, dropped at the end), its own simulator process
(with a state file, so that it can be stopped and started again) and its own Odoo server.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import harness as h

#: Both Zalo crons run every minute in these databases (5 minutes by default): the tests
#: wait for the queues to drain and should not spend most of their time idle.
CRON_MINUTES = 1


@pytest.fixture(scope="session")
def odoo():
    return h.find_odoo()


@pytest.fixture(scope="session")
def template_db(odoo):
    h.CACHE.mkdir(parents=True, exist_ok=True)
    name = f"zt_bench_rel_tpl_{os.getpid()}"
    h.create_db(odoo, name, ["zalo_oa"], h.CACHE / "rel-install.log")
    yield name
    h.dev.drop_db(name)


class Stack:
    def __init__(self, odoo, db, tag, cron_minutes=CRON_MINUTES, cron_workers=2):
        self.odoo, self.db, self.tag = odoo, db, tag
        self.cron_minutes = cron_minutes
        self.server = h.OdooServer(
            odoo, db, h.CACHE / f"rel-{tag}-odoo.log", cron_workers=cron_workers
        )
        self.state = h.CACHE / f"rel-{tag}-sim-state.json"
        self.state.unlink(missing_ok=True)
        self.sim = h.SimulatorProcess(
            h.CACHE / f"rel-{tag}-sim.log",
            odoo_port=self.server.port,
            extra=["--state-file", str(self.state), "--no-auto-receipts"],
        )

    def start(self, customers):
        self.sim.start()
        self.customers = h.sim_customers(self.sim, customers)
        self.info = h.setup_db(self.odoo, self.db, self.sim, h.CACHE / f"rel-{self.tag}-setup.log")
        if self.cron_minutes:
            h.query(
                self.db,
                """UPDATE ir_cron SET interval_number = %s, interval_type = 'minutes'
                    WHERE id IN (SELECT res_id FROM ir_model_data
                                  WHERE module = 'zalo_oa' AND model = 'ir.cron')""",
                [self.cron_minutes],
            )
        self.server.start()
        return self

    def stop(self):
        self.server.stop()
        self.sim.stop()

    # -------------------------------------------------------------- helpers

    def post_zalo(self, raw, headers, timeout=30):
        return h.post(self.server.port, "/zalo_oa/webhook", raw, headers, timeout=timeout)

    def deliver_until_ok(self, raw, headers, budget=120):
        """Like Zalo: deliver again (after a pause) until a 200 comes back."""
        deadline = time.time() + budget
        attempts = 0
        while True:
            attempts += 1
            try:
                status, _body, _dt = self.post_zalo(raw, headers, timeout=10)
                if status == 200:
                    return attempts
            except OSError:
                pass
            if time.time() > deadline:
                raise AssertionError(f"no 200 within {budget}s after {attempts} attempts")
            time.sleep(0.5)

    def q(self, sql, args=None):
        return h.query(self.db, sql, args)

    def wait(self, predicate, timeout, every=1.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(every)
        return predicate()


@pytest.fixture(scope="module")
def stack(request, odoo, template_db):
    tag = request.module.__name__.rsplit(".", 1)[-1].replace("test_", "")
    db = f"zt_bench_rel_{tag}_{os.getpid()}"
    h.clone_db(template_db, db)
    customers = getattr(request.module, "CUSTOMERS", 20)
    # A module may keep the crons' shipped interval (CRON_MINUTES = None): its retries
    # must then run at their own time, not at the next tick.
    st = Stack(
        odoo,
        db,
        tag,
        getattr(request.module, "CRON_MINUTES", CRON_MINUTES),
        getattr(request.module, "CRON_WORKERS", 2),
    )
    try:
        st.start(customers)
        yield st
    finally:
        st.stop()
        h.dev.drop_db(db)
