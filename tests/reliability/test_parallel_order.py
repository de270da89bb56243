"""Parallel processing keeps each customer's order and processes every event once
(issue #15): 1,000 events of 50 customers, each delivered three times, on 2 cron workers;
the same with a cron worker SIGKILLed in the middle of the burst.

Each customer's events reach Odoo in their order (one connection per customer at a
time, like a person typing); the copies come back later at random. The conversations
must show every customer's messages exactly once and in that order, whichever of the
processing crons (and cron workers) took them.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import harness as h

CUSTOMERS = 50
EVENTS = 1000
COPIES = 3
CRON_WORKERS = 2


def _cron_worker_pids(stack):
    text = stack.server.log_path.read_text(errors="replace")
    pids = [int(p) for p in re.findall(r"Worker WorkerCron \((\d+)\) alive", text)]
    alive = set(stack.server.worker_pids())
    return [p for p in pids if p in alive]


def burst(stack, run, kill_cron_worker_after=None):
    base_ms = int(time.time() * 1000)
    per_customer = {c: [] for c in range(CUSTOMERS)}
    for i in range(EVENTS):
        c = i % CUSTOMERS
        raw, headers = h.zalo_body(
            stack.customers[c],
            f"zb:{run}.{i} tin nhắn {i}",
            msg_id=f"{run}-{i}",
            ts_ms=base_ms + i,
        )
        per_customer[c].append((raw, headers))
    rng = random.Random(15)
    copies = [item for items in per_customer.values() for item in items] * (COPIES - 1)
    rng.shuffle(copies)
    acked = itertools.count(1)
    killed = []
    lock = threading.Lock()

    def deliver(item):
        status, _body, _dt = stack.post_zalo(*item)
        if status != 200:
            stack.deliver_until_ok(*item)
        n = next(acked)
        if kill_cron_worker_after and n == kill_cron_worker_after:
            with lock:
                pids = _cron_worker_pids(stack)
                if pids:
                    os.kill(pids[0], signal.SIGKILL)  # the master starts another one
                    killed.append(pids[0])
        return status

    def customer_stream(c):
        return [deliver(item) for item in per_customer[c]]

    t0 = time.time()
    with ThreadPoolExecutor(16) as pool:
        firsts = list(pool.map(customer_stream, range(CUSTOMERS)))
        later = list(pool.map(deliver, copies))
    ack_time = time.time() - t0
    statuses = [s for seq in firsts for s in seq] + later

    def all_processed():
        ((done,),) = stack.q(
            "SELECT count(*) FROM zalo_event WHERE event_key LIKE %s AND state = 'processed'",
            [f"{run}-%"],
        )
        return done == EVENTS

    processed = stack.wait(all_processed, timeout=6 * 60, every=1)
    drain = time.time() - t0
    rows = stack.q(
        """SELECT substring(body from 'zb:[0-9a-z]+\\.[0-9]+'), count(*) FROM mail_message
            WHERE body LIKE %s GROUP BY 1""",
        [f"%zb:{run}.%"],
    )
    order = stack.q(
        """SELECT res_id, array_agg(substring(body from 'zb:[0-9a-z]+\\.([0-9]+)')::int
                                    ORDER BY id)
             FROM mail_message WHERE body LIKE %s GROUP BY res_id""",
        [f"%zb:{run}.%"],
    )
    inversions = sum(sum(1 for a, b in itertools.pairwise(seq) if a > b) for _r, seq in order)
    ran = stack.q(
        """SELECT count(*) FROM ir_cron
            WHERE cron_name LIKE 'Zalo: process webhook events%%' AND lastcall >= %s""",
        [time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t0 - 1))],
    )[0][0]
    print(
        f"\n{EVENTS}x{COPIES} deliveries acked in {ack_time:.1f}s, processed after "
        f"{drain:.1f}s on {stack.server.cron_workers} cron workers ({ran} processing jobs "
        f"ran); messages {len(rows)}, out-of-order neighbours {inversions}, killed cron "
        f"worker {killed}"
    )
    assert processed, "not all events processed after 6 minutes"
    assert len(rows) == EVENTS
    assert all(count == 1 for _mark, count in rows), "a message was posted twice"
    assert inversions == 0, "a customer's messages are out of order"
    assert set(statuses) == {200}
    if kill_cron_worker_after:
        assert killed, "no cron worker found to kill"


def test_parallel_processing_keeps_each_customers_order(stack):
    burst(stack, f"po{int(time.time())}")


def test_cron_worker_killed_mid_batch_loses_and_doubles_nothing(stack):
    burst(stack, f"pk{int(time.time())}", kill_cron_worker_after=EVENTS // 2)
