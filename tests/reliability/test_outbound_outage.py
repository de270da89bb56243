"""The simulator down for a while (5xx, timeouts, refused connections): the outbound queue
drains afterwards and each reply reaches Zalo exactly once."""

from __future__ import annotations

import time

import harness as h
import requests

CUSTOMERS = 6


def _login(stack):
    session = requests.Session()
    login = stack.info["operator_logins"][0]
    resp = session.post(
        f"{stack.server.url}/web/session/authenticate",
        json={"params": {"db": stack.db, "login": login, "password": login}},
        timeout=60,
    )
    resp.raise_for_status()
    assert resp.json().get("result"), resp.text[:300]
    return session


def _open_conversations(stack, run):
    """Each customer writes first (the 7-day window opens); returns their channel ids."""
    for i, customer in enumerate(stack.customers):
        raw, headers = h.zalo_body(customer, f"zb:{run}in.{i} xin chào", msg_id=f"{run}-in-{i}")
        status, _body, _dt = stack.post_zalo(raw, headers)
        assert status == 200
    assert stack.wait(
        lambda: (
            stack.q(
                "SELECT count(*) FROM zalo_event WHERE event_key LIKE %s AND state = 'processed'",
                [f"{run}-in-%"],
            )[0][0]
            == len(stack.customers)
        ),
        timeout=180,
    )
    return [
        r[0]
        for r in stack.q("SELECT id FROM discuss_channel WHERE channel_type = 'zalo' ORDER BY id")
    ]


def _reply(session, stack, channel_id, text):
    t0 = time.time()
    resp = session.post(
        f"{stack.server.url}/mail/message/post",
        json={
            "params": {
                "thread_model": "discuss.channel",
                "thread_id": channel_id,
                "post_data": {
                    "body": text,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            }
        },
        timeout=120,
    )
    elapsed = time.time() - t0
    assert resp.status_code == 200, resp.text[:300]
    assert "error" not in resp.json(), resp.text[:500]
    return elapsed


def _delivered(stack, run):
    """Texts the simulator accepted through the API (kept in its state file across restarts)."""
    msgs = stack.sim.call("GET", "/_sim/messages?source=api")
    counts = {}
    for m in msgs:
        text = m.get("text") or ""
        if f"zb:{run}." in text:
            key = text.split()[0]
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_queue_drains_after_outage_each_reply_once(stack):
    run = f"out{int(time.time())}"
    channels = _open_conversations(stack, run)
    session = _login(stack)
    durations = {}
    texts = []

    def reply(phase, n):
        text = f"zb:{run}.{len(texts)} trả lời ({phase})"
        texts.append(text.split()[0])
        durations.setdefault(phase, []).append(
            _reply(session, stack, channels[len(texts) % len(channels)], text)
        )

    # 1. Zalo answers 503
    stack.sim.call("POST", "/_sim/faults", {"match": "/message/cs", "http_status": 503})
    for n in range(4):
        reply("5xx", n)
    # 2. Zalo times out (the client gives up after its read timeout, nothing is sent)
    stack.sim.call("DELETE", "/_sim/faults")
    stack.sim.call(
        "POST",
        "/_sim/faults",
        {"match": "/message/cs", "http_status": 503, "latency_ms": 25000, "count": 2},
    )
    for n in range(2):
        reply("timeout", n)
    stack.sim.call("DELETE", "/_sim/faults")
    # 3. Zalo unreachable (connection refused)
    stack.sim.stop()
    for n in range(4):
        reply("down", n)
    time.sleep(20)
    stack.sim.start()  # same port, state (customers, tokens) reloaded from the state file
    t_back = time.time()

    ok = stack.wait(lambda: _queue_settled(stack), timeout=8 * 60, every=3)
    drain = time.time() - t_back
    rows = stack.q(
        "SELECT state, attempts, left(coalesce(failure_reason, ''), 60) FROM zalo_message "
        "WHERE direction = 'outbound' ORDER BY id"
    )
    delivered = _delivered(stack, run)
    print(
        "\nreply RPC seconds by phase: "
        + ", ".join(f"{k}: {max(v):.1f} max" for k, v in durations.items())
        + f"; queue drained {drain:.0f}s after Zalo came back; rows {rows}; "
        f"delivered {delivered}"
    )
    assert ok, f"queue not drained 8 min after the outage: {rows}"
    assert [r[0] for r in rows] == ["sent"] * len(texts), rows
    missing = [t for t in texts if t not in delivered]
    doubled = {t: c for t, c in delivered.items() if c > 1}
    assert not missing, f"never reached Zalo: {missing}"
    assert not doubled, f"sent more than once: {doubled}"


def _queue_settled(stack):
    ((queued,),) = stack.q(
        "SELECT count(*) FROM zalo_message "
        "WHERE direction = 'outbound' AND state IN ('pending', 'uncertain')"
    )
    return queued == 0


def _answer_lost_then_reconciled(stack, run, fault, phase):
    """Zalo carries the send out but its answer is lost: delivered once, row ``sent``."""
    channels = _open_conversations(stack, run)
    session = _login(stack)
    stack.sim.call("POST", "/_sim/faults", dict(fault, match="/message/cs", count=1))
    text = f"zb:{run}.0 trả lời ({phase})"
    t0 = time.time()
    _reply(session, stack, channels[0], text)
    assert stack.wait(lambda: _queue_settled(stack), timeout=5 * 60, every=1)
    settled = time.time() - t0
    stack.sim.call("DELETE", "/_sim/faults")
    delivered = _delivered(stack, run)
    ((state, zalo_msg_id, checks),) = stack.q(
        "SELECT state, zalo_msg_id, reconcile_checks FROM zalo_message "
        "WHERE direction = 'outbound' AND text = %s",
        [text],
    )
    sim_ids = [
        m["msg_id"]
        for m in stack.sim.call("GET", "/_sim/messages?source=api")
        if (m.get("text") or "") == text
    ]
    print(
        f"\n{phase}: delivered {delivered}, row {state} after {settled:.0f}s "
        f"({checks} history checks), Zalo ids {sim_ids}, ours {zalo_msg_id}"
    )
    assert delivered.get(f"zb:{run}.0") == 1, delivered
    assert state == "sent"
    assert sim_ids == [zalo_msg_id]


def test_slow_success_after_the_read_timeout_is_not_sent_twice(stack):
    # Zalo takes 25 s, the client gives up after its read timeout, Zalo sends anyway.
    _answer_lost_then_reconciled(stack, f"slow{int(time.time())}", {"latency_ms": 25000}, "slow")


def test_connection_dropped_after_the_request_is_not_sent_twice(stack):
    _answer_lost_then_reconciled(stack, f"drop{int(time.time())}", {"drop": True}, "dropped")
