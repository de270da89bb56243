#!/usr/bin/env python3
"""Where in a load the slow messages were sent, from a ``run.py --samples FILE`` file.

    python3 tests/bench/samples_summary.py FILE [--system ours] [--window 0.25] [--over 100]

For each measured load: the end-to-end p50/p95/max (ms) and, per window of send time, the
number of messages and the slowest one's latency, with the windows whose slowest message
took more than ``--over`` ms marked: a pause of the processing (every message of a window
late) reads differently from a slow tail spread over the load.
"""

from __future__ import annotations

import argparse
import json

from harness import percentile


def summarize(load, window, over):
    """The load's line and its windows' line. A message never committed counts as
    infinitely late, as in ``run.py``'s percentiles."""
    rows = load["rows"]
    e2e = [float("inf") if r[2] is None else r[2] for r in rows]
    late = sum(1 for r in rows if r[2] is None)
    head = f"{load['system']} {load['load']}: n={len(rows)}"
    if not rows:
        return head
    head += (
        f", e2e p50/p95/max {percentile(e2e, 50):.0f}/{percentile(e2e, 95):.0f}/"
        f"{max(e2e):.0f} ms, {late} late"
    )
    buckets = {}
    for (sent, _ack, _lat), lat in zip(rows, e2e, strict=True):
        buckets.setdefault(int(sent / window), []).append(lat)
    cells = []
    for key in sorted(buckets):
        worst = max(buckets[key])
        mark = "*" if worst > over else ""
        cells.append(f"{key * window:.2f}s:{len(buckets[key])}/{worst:.0f}{mark}")
    return head + "\n  " + " ".join(cells)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--system", help="only this system (floor, peer, ours)")
    parser.add_argument("--window", type=float, default=0.25, help="seconds (0.25)")
    parser.add_argument("--over", type=float, default=100.0, help="mark windows over (ms)")
    args = parser.parse_args()
    with open(args.file, encoding="utf-8") as fh:
        for line in fh:
            load = json.loads(line)
            if args.system and load["system"] != args.system:
                continue
            print(summarize(load, args.window, args.over))


if __name__ == "__main__":
    main()
