"""Backoff policy, uncertain outcomes and matching a lost send in Zalo's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
from zalo_fakes import BASE_URLS, FakeSession
from zalo_oa_tools import reconcile, retry
from zalo_oa_tools.client import ZaloClient
from zalo_oa_tools.errors import ZaloError, classify
from zalo_oa_tools.transport import connection_never_made
from zalo_oa_tools.webhook import customer_id, parse_event


@pytest.fixture
def fake_session():
    return FakeSession()


@pytest.fixture
def client(fake_session):
    return ZaloClient(access_token="tok", urls=BASE_URLS, session=fake_session)


# ------------------------------------------------------------------- backoff


def test_rate_limit_waits_seconds():
    assert [retry.delay("rate_limit", n).total_seconds() for n in range(1, 8)] == [
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]


def test_outage_backoff_is_capped_at_30_seconds_then_grows():
    seconds = [retry.delay("network", n).total_seconds() for n in range(1, 16)]
    assert seconds[:10] == [5, 10, 20, 30, 30, 30, 30, 30, 30, 30]
    assert seconds[10:] == [60, 120, 240, 480, 960]
    assert retry.delay("server", 40) == timedelta(minutes=30)


def test_give_up_after_hours_of_outage_not_minutes():
    total = sum((retry.delay("network", n) for n in range(1, 20)), timedelta())
    assert total > timedelta(hours=2)
    assert not retry.give_up("network", 19)
    assert retry.give_up("network", 20)
    assert retry.give_up("rate_limit", 16)


# --------------------------------------------------------- uncertain outcome


def test_http_5xx_is_uncertain_and_error_bodies_are_not():
    assert classify(None, None, "openapi", 503).uncertain
    assert not classify(-32, "rate", "openapi", 200).uncertain
    assert not classify(-200, "failed", "openapi", 200).uncertain
    assert not ZaloError(None, "x", "network", True).uncertain


def test_read_timeout_is_uncertain(client, fake_session):
    fake_session.queue.append(requests.ReadTimeout("read timed out"))
    with pytest.raises(ZaloError) as info:
        client.send_cs({"recipient": {"user_id": "1"}, "message": {"text": "x"}})
    assert info.value.uncertain and info.value.retryable


def test_connect_timeout_and_refused_are_certain(client, fake_session):
    fake_session.queue.append(requests.ConnectTimeout("connect timed out"))
    refused = NewConnectionError(None, "Failed to establish a new connection: refused")
    fake_session.queue.append(requests.ConnectionError(MaxRetryError(None, "/", refused)))
    for _i in range(2):
        with pytest.raises(ZaloError) as info:
            client.send_cs({"recipient": {"user_id": "1"}, "message": {"text": "x"}})
        assert not info.value.uncertain


def test_connection_dropped_after_the_request_is_uncertain(client, fake_session):
    dropped = ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    fake_session.queue.append(requests.ConnectionError(dropped))
    with pytest.raises(ZaloError) as info:
        client.send_cs({"recipient": {"user_id": "1"}, "message": {"text": "x"}})
    assert info.value.uncertain
    assert connection_never_made(requests.ConnectionError(ConnectionRefusedError(111, "no")))


# --------------------------------------------------------------- reconcile

SINCE = 1_700_000_000_000


def _item(msg_id, text, src=0, dt=1000, kind="text"):
    return {"message_id": msg_id, "message": text, "src": src, "time": SINCE + dt, "type": kind}


def test_found_by_text_after_the_attempt():
    history = [_item("m3", "khác"), _item("m2", "Dạ  vâng\nạ"), _item("m1", "Dạ vâng ạ", src=1)]
    found = reconcile.find_sent(history, content_type="text", text="Dạ vâng ạ", since_ms=SINCE)
    assert found == "m2"


def test_not_found_when_older_known_or_from_the_customer():
    history = [
        _item("old", "Dạ vâng", dt=-5 * 60_000),
        _item("known", "Dạ vâng"),
        _item("cust", "Dạ vâng", src=1),
    ]
    assert (
        reconcile.find_sent(
            history, content_type="text", text="Dạ vâng", since_ms=SINCE, known_ids={"known"}
        )
        is None
    )


def test_oldest_match_wins_and_media_match_by_type():
    history = [_item("b", "", dt=3000, kind="photo"), _item("a", "", dt=2000, kind="photo")]
    assert reconcile.find_sent(history, content_type="image", text=None, since_ms=SINCE) == "a"
    assert reconcile.find_sent(history, content_type="file", text=None, since_ms=SINCE) is None
    assert reconcile.find_sent(None, content_type="text", text="x", since_ms=SINCE) is None
    assert (
        reconcile.find_sent(["junk", {"src": "0"}], content_type="text", text="", since_ms=0)
        is None
    )


# ----------------------------------------------------------------- receipts


@pytest.mark.parametrize(
    ("sender", "recipient"),
    [("oa-1", "user-9"), ("user-9", "oa-1")],
    ids=["oa-sender", "oa-recipient"],
)
def test_receipt_customer_is_never_the_oa(sender, recipient):
    event = parse_event(
        {
            "event_name": "user_seen_message",
            "sender": {"id": sender},
            "recipient": {"id": recipient},
            "message": {"msg_ids": ["m1"]},
            "timestamp": "1700000000000",
        }
    )
    assert customer_id(event, "oa-1") == "user-9"


def test_customer_id_none_when_only_the_oa_is_named():
    event = parse_event(
        {
            "event_name": "user_received_message",
            "sender": {"id": "oa-1"},
            "message": {"msg_id": "x"},
        }
    )
    assert customer_id(event, "oa-1") is None
    assert customer_id(event, None) == event.user_id
