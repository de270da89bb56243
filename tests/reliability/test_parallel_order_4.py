"""The same as test_parallel_order.py with 4 cron workers."""

from __future__ import annotations

import time

from test_parallel_order import burst

CUSTOMERS = 50
CRON_WORKERS = 4


def test_four_workers_keep_each_customers_order(stack):
    burst(stack, f"p4{int(time.time())}")
