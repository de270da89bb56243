"""Retries run at their own time, not at the queue cron's tick (issue #19, point 1).

The crons keep their shipped interval here (5 minutes): a retry that waited for the next
tick would miss every bound below.
"""

from __future__ import annotations

import time

from test_outbound_outage import _delivered, _login, _open_conversations, _queue_settled, _reply

CUSTOMERS = 3
CRON_MINUTES = None  # the shipped interval


def _cs_calls(stack, run):
    calls = stack.sim.call("GET", "/_sim/requests?path=/message/cs")
    return [c for c in calls if f"zb:{run}." in str((c.get("body") or {}).get("json"))]


def _delivered_within(stack, run, key, timeout):
    t0 = time.time()
    ok = stack.wait(lambda: _delivered(stack, run).get(key), timeout=timeout, every=0.5)
    return ok, time.time() - t0


def test_reply_refused_twice_by_the_rate_limit_reaches_zalo_within_60s(stack):
    run = f"rl{int(time.time())}"
    channels = _open_conversations(stack, run)
    session = _login(stack)
    stack.sim.call("DELETE", "/_sim/requests")
    stack.sim.call("POST", "/_sim/faults", {"match": "/message/cs", "error": -32, "count": 2})
    t0 = time.time()
    _reply(session, stack, channels[0], f"zb:{run}.0 giới hạn tốc độ")
    ok = stack.wait(lambda: _delivered(stack, run).get(f"zb:{run}.0"), timeout=120, every=0.5)
    took = time.time() - t0
    stack.sim.call("DELETE", "/_sim/faults")
    assert stack.wait(lambda: _queue_settled(stack), timeout=30)
    calls = _cs_calls(stack, run)
    print(f"\nrate limit x2: delivered after {took:.1f}s, {len(calls)} send calls")
    assert ok, "not delivered within 120 s"
    assert took <= 60, f"delivered after {took:.1f}s"
    assert _delivered(stack, run) == {f"zb:{run}.0": 1}
    assert len(calls) == 3, [c.get("response", {}).get("json") for c in calls]


def _outage(stack, run, start, end, label):
    channels = _open_conversations(stack, run)
    session = _login(stack)
    start()
    _reply(session, stack, channels[0], f"zb:{run}.0 {label}")
    time.sleep(120)
    end()
    t_back = time.time()
    ok = stack.wait(lambda: _delivered(stack, run).get(f"zb:{run}.0"), timeout=180, every=0.5)
    after = time.time() - t_back
    assert stack.wait(lambda: _queue_settled(stack), timeout=60)
    print(f"\n{label}: delivered {after:.1f}s after Zalo came back: {_delivered(stack, run)}")
    assert ok, "not delivered 3 minutes after the outage"
    assert after <= 30, f"delivered {after:.1f}s after the recovery"
    assert _delivered(stack, run) == {f"zb:{run}.0": 1}


def test_two_minute_outage_refused_connections(stack):
    _outage(stack, f"down{int(time.time())}", stack.sim.stop, stack.sim.start, "Zalo down")


def test_two_minute_outage_503(stack):
    def start():
        stack.sim.call("POST", "/_sim/faults", {"match": "/message/cs", "http_status": 503})

    def end():
        stack.sim.call("DELETE", "/_sim/faults")

    _outage(stack, f"s503{int(time.time())}", start, end, "Zalo 503")
