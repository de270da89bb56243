"""1,000 events, each delivered three times in random order over concurrent connections:
exactly 1,000 messages in the conversations (Zalo delivers at least once)."""

from __future__ import annotations

import itertools
import random
import time
from concurrent.futures import ThreadPoolExecutor

import harness as h

CUSTOMERS = 50
EVENTS = 1000
COPIES = 3
CONNECTIONS = 16


def test_each_event_three_times_gives_exactly_one_message(stack):
    run = f"dup{int(time.time())}"
    deliveries = []
    for i in range(EVENTS):
        customer = stack.customers[i % CUSTOMERS]
        raw, headers = h.zalo_body(customer, f"zb:{run}.{i} tin nhắn {i}", msg_id=f"{run}-{i}")
        deliveries += [(raw, headers)] * COPIES
    random.Random(2024).shuffle(deliveries)

    def deliver(item):
        status, body, _dt = stack.post_zalo(*item)
        if status != 200:  # Zalo delivers again until it gets a 200
            stack.deliver_until_ok(*item)
        return status, body

    t0 = time.time()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        answers = list(pool.map(deliver, deliveries))
    ack_time = time.time() - t0
    statuses = {}
    for status, _body in answers:
        statuses[status] = statuses.get(status, 0) + 1

    def all_processed():
        ((done,),) = stack.q(
            "SELECT count(*) FROM zalo_event WHERE event_key LIKE %s AND state = 'processed'",
            [f"{run}-%"],
        )
        return done == EVENTS

    processed = stack.wait(all_processed, timeout=6 * 60, every=2)
    drain_time = time.time() - t0
    (events, states) = (
        stack.q("SELECT count(*) FROM zalo_event WHERE event_key LIKE %s", [f"{run}-%"])[0][0],
        stack.q(
            "SELECT state, count(*) FROM zalo_event WHERE event_key LIKE %s GROUP BY 1",
            [f"{run}-%"],
        ),
    )
    rows = stack.q(
        """SELECT substring(body from 'zb:[0-9a-z]+\\.[0-9]+'), count(*) FROM mail_message
            WHERE body LIKE %s GROUP BY 1""",
        [f"%zb:{run}.%"],
    )
    inbound = stack.q(
        "SELECT count(*), count(DISTINCT zalo_msg_id) FROM zalo_message "
        "WHERE direction = 'inbound' AND zalo_msg_id LIKE %s",
        [f"{run}-%"],
    )[0]
    # Order inside each conversation (reported, not asserted: Zalo itself gives no order).
    order = stack.q(
        """SELECT res_id, array_agg(substring(body from 'zb:[0-9a-z]+\\.([0-9]+)')::int
                                    ORDER BY id)
             FROM mail_message WHERE body LIKE %s GROUP BY res_id""",
        [f"%zb:{run}.%"],
    )
    inversions = sum(sum(1 for a, b in itertools.pairwise(seq) if a > b) for _res, seq in order)
    print(
        f"\n{EVENTS}x{COPIES} deliveries acked in {ack_time:.1f}s "
        f"({EVENTS * COPIES / ack_time:.0f}/s), all processed after {drain_time:.1f}s; "
        f"events {events}, states {states}, messages {len(rows)}, inbound rows {inbound}, "
        f"out-of-order neighbours in conversations: {inversions} (deliveries were shuffled); "
        f"first answers by status: {statuses}"
    )
    assert processed, f"not all events processed after 6 min: {states}"
    assert events == EVENTS
    assert len(rows) == EVENTS, f"{len(rows)} distinct messages instead of {EVENTS}"
    doubled = [mark for mark, count in rows if count != 1]
    assert not doubled, f"messages posted more than once: {doubled[:10]}"
    assert tuple(inbound) == (EVENTS, EVENTS)
    # The contract: a delivery is never answered with a 5xx (Zalo would retry for hours).
    assert statuses == {200: EVENTS * COPIES}, f"answers by status: {statuses}"
