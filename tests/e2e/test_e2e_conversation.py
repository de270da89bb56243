"""End-to-end: a real Odoo HTTP server, the simulator as a separate process, real commits.

Started by ``scripts/dev.py test`` (the test command) with:

* ``ZALO_E2E_ODOO_URL`` - the Odoo server (database with the nine addons installed)
* ``ZALO_E2E_DB`` - its database
* ``ZALO_E2E_SIM_URL`` - the Zalo simulator, whose webhook URL points at the server

This exercises what unit tests cannot: the OAuth connect flow through a browser-like
session, the acknowledgement before processing (``call_on_close``), and the reply
sent after the commit of the request that posted it.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import pytest
import requests

ODOO = os.environ.get("ZALO_E2E_ODOO_URL")
DB = os.environ.get("ZALO_E2E_DB")
SIM = os.environ.get("ZALO_E2E_SIM_URL")

pytestmark = pytest.mark.skipif(
    not (ODOO and DB and SIM), reason="run by scripts/dev.py test against a live server"
)


def _load_demo():
    """scripts/demo.py: the JSON-RPC client and the OAuth connect flow it drives."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"
    spec = importlib.util.spec_from_file_location("zalo_demo_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = _load_demo()


def sim(method, path, **kwargs):
    resp = requests.request(method, f"{SIM}{path}", timeout=30, **kwargs)
    resp.raise_for_status()
    return resp.json()


def wait_for(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@pytest.fixture(scope="module")
def odoo():
    return demo.JsonRpc(ODOO, DB)


@pytest.fixture(scope="module")
def oa(odoo):
    """An OA created in Settings and connected through the real OAuth v4 flow
    (Odoo → Zalo's permission page, where the admin allows → Odoo's callback)."""
    return demo.connect_demo_oa(odoo, SIM)


def test_customer_message_reaches_discuss_within_two_seconds(odoo, oa):
    customer = sim(
        "POST", "/_sim/customers", json={"name": "Nguyễn Thị Mai", "phone": "0903123456"}
    )
    started = time.monotonic()
    sent = sim(
        "POST",
        f"/_sim/customers/{customer['user_id']}/send",
        json={"type": "text", "text": "Shop ơi, còn hàng không ạ?"},
    )
    assert sent["delivery"]["state"] == "delivered", sent["delivery"]

    def arrived():
        return odoo.call(
            "mail.message",
            "search_read",
            [("model", "=", "discuss.channel"), ("body", "ilike", "còn hàng không")],
            fields=["res_id", "author_id"],
        )

    messages = wait_for(arrived, timeout=2.0)
    elapsed = time.monotonic() - started
    assert messages, "the message did not reach Discuss"
    assert elapsed < 2.0, f"took {elapsed:.2f}s"
    channel = odoo.call(
        "discuss.channel", "read", [messages[0]["res_id"]], ["channel_type", "zalo_oa_id", "name"]
    )[0]
    assert channel["channel_type"] == "zalo"
    assert channel["zalo_oa_id"][0] == oa
    assert channel["name"] == "Nguyễn Thị Mai"


def test_reply_is_sent_after_commit_and_receipt_comes_back(odoo, oa):
    customer = sim("POST", "/_sim/customers", json={"name": "Trần Văn Bình"})
    sim(
        "POST",
        f"/_sim/customers/{customer['user_id']}/send",
        json={"type": "text", "text": "Cho hỏi giá"},
    )
    channel = wait_for(
        lambda: odoo.call(
            "discuss.channel",
            "search",
            [("channel_type", "=", "zalo"), ("name", "=", "Trần Văn Bình")],
        ),
        timeout=5,
    )
    assert channel
    message_id = odoo.call(
        "discuss.channel",
        "message_post",
        channel,
        body="Dạ giá 250.000đ ạ",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )

    def sent_to_zalo():
        calls = sim("GET", "/_sim/requests", params={"path": "/v3.0/oa/message/cs"})
        return [c for c in calls if "250.000" in str(c.get("body"))]

    assert wait_for(sent_to_zalo, timeout=5), "the reply never reached Zalo"
    row = wait_for(
        lambda: odoo.call(
            "zalo.message",
            "search_read",
            [("mail_message_id", "=", message_id), ("state", "in", ("delivered", "read"))],
            fields=["state"],
        ),
        timeout=5,
    )
    assert row, "no delivery receipt was applied"
