"""The bench's ``samples_summary.py``: where in a load the slow messages were sent."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from samples_summary import summarize


def test_windows_show_the_slowest_message_and_mark_a_stall():
    load = {
        "system": "ours",
        "load": "10",
        "rows": [[0.0, 5, 20], [0.1, 5, 30], [0.3, 5, 250], [0.4, 5, 240], [0.6, 5, 25]],
    }
    head, windows = summarize(load, window=0.25, over=100).split("\n")
    assert head == "ours 10: n=5, e2e p50/p95/max 30/248/250 ms, 0 late"
    assert windows.split() == ["0.00s:2/30", "0.25s:2/250*", "0.50s:1/25"]


def test_a_message_never_committed_is_infinitely_late():
    load = {"system": "ours", "load": "1", "rows": [[0.0, 5, 20], [0.1, 5, None]]}
    head, windows = summarize(load, window=0.25, over=100).split("\n")
    assert head == "ours 1: n=2, e2e p50/p95/max inf/inf/inf ms, 1 late"
    assert windows.split() == ["0.00s:2/inf*"]
