"""Odoo SIGKILLed in the middle of a burst, then restarted: nothing lost, nothing doubled.

The client behaves like Zalo: an event that did not get a 200 (connection refused or
reset while Odoo is down, 5xx) is delivered again until it does. The kill hits the whole
process group at once (HTTP workers mid-request and mid-processing after the
acknowledgement, cron workers), like a power cut or the OOM killer.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import harness as h

CUSTOMERS = 20
PER_CUSTOMER = 30
KILL_AFTER_ACKS = 200
DOWN_SECONDS = 3


def test_kill_and_restart_mid_burst(stack):
    run = f"kill{int(time.time())}"
    acked = []
    lock = threading.Lock()
    killed = threading.Event()
    attempts = []

    def customer(index):
        c = stack.customers[index]
        for i in range(PER_CUSTOMER):
            n = index * PER_CUSTOMER + i
            raw, headers = h.zalo_body(c, f"zb:{run}.{n} tin nhắn", msg_id=f"{run}-{n}")
            tries = stack.deliver_until_ok(raw, headers, budget=120)
            with lock:
                acked.append(n)
                attempts.append(tries)

    def killer():
        while len(acked) < KILL_AFTER_ACKS:
            time.sleep(0.01)
        stack.server.kill()
        killed.set()
        time.sleep(DOWN_SECONDS)
        stack.server.start()

    kt = threading.Thread(target=killer)
    kt.start()
    t0 = time.time()
    with ThreadPoolExecutor(CUSTOMERS) as pool:
        list(pool.map(customer, range(CUSTOMERS)))
    kt.join()
    total = CUSTOMERS * PER_CUSTOMER
    assert killed.is_set()
    assert len(acked) == total

    def settled():
        ((left,),) = stack.q(
            "SELECT count(*) FROM zalo_event WHERE event_key LIKE %s AND state <> 'processed'",
            [f"{run}-%"],
        )
        ((stored,),) = stack.q(
            "SELECT count(*) FROM zalo_event WHERE event_key LIKE %s", [f"{run}-%"]
        )
        return stored == total and left == 0

    ok = stack.wait(settled, timeout=6 * 60, every=2)
    states = stack.q(
        "SELECT state, left(coalesce(error, ''), 80), count(*) FROM zalo_event "
        "WHERE event_key LIKE %s GROUP BY 1, 2",
        [f"{run}-%"],
    )
    rows = stack.q(
        """SELECT substring(body from 'zb:[0-9a-z]+\\.[0-9]+'), count(*) FROM mail_message
            WHERE body LIKE %s GROUP BY 1""",
        [f"%zb:{run}.%"],
    )
    print(
        f"\n{total} events, Odoo killed after {KILL_AFTER_ACKS} acks and restarted after "
        f"{DOWN_SECONDS}s; redeliveries {sum(attempts) - total}; settled after "
        f"{time.time() - t0:.0f}s; events by state {states}"
    )
    assert ok, f"events not all processed 6 min after the burst: {states}"
    assert len(rows) == total, f"{len(rows)} messages instead of {total}"
    doubled = [m for m, count in rows if count != 1]
    assert not doubled, f"doubled after the crash: {doubled[:10]}"
    ((inbound,),) = stack.q(
        "SELECT count(*) FROM zalo_message WHERE direction = 'inbound' AND zalo_msg_id LIKE %s",
        [f"{run}-%"],
    )
    assert inbound == total
