"""Fixtures for the simulator tests: a simulator on a free port, a webhook receiver."""

from __future__ import annotations

import pytest
import requests
from simhelpers import Api, Receiver

from zalo_simulator.server import Simulator


@pytest.fixture(scope="session")
def _receiver_server():
    rcv = Receiver()
    yield rcv
    rcv.stop()


@pytest.fixture
def receiver(_receiver_server):
    """The webhook receiver, emptied for each test."""
    _receiver_server.reset()
    yield _receiver_server
    _receiver_server.reset()


@pytest.fixture
def sim(receiver):
    simulator = Simulator(
        port=0,
        webhook_url=receiver.url,
        retry_scale=0.0002,
        auto_receipt_delay_ms=10,
        webhook_timeout=2.0,
    ).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def http():
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def api(http, sim):
    return Api(http, sim, sim.issue_tokens()["access_token"])


@pytest.fixture
def customer(sim):
    """A follower who wrote one minute ago (inside the 7-day window)."""
    return sim.add_customer(
        name="Nguyễn Văn An",
        phone="0912345678",
        last_interaction_ms=sim.store.now_ms() - 60_000,
    )
