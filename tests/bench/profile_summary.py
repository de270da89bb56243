#!/usr/bin/env python3
"""Summarise py-spy ``--format raw`` (collapsed stacks) files written by ``run.py --profile``.

    python3 tests/bench/profile_summary.py .cache/bench/profile-ours-10-*.txt [--top 25]

Prints, over all given files, the share of samples in which each function is on the stack
(inclusive) and at the top of it (self), for the functions that matter most.
"""

from __future__ import annotations

import argparse
import collections
import re

FRAME_RE = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def load(paths):
    stacks = collections.Counter()
    for path in paths:
        with open(path) as fh:
            for line in fh:
                line = line.rstrip("\n")
                if not line:
                    continue
                stack, _, count = line.rpartition(" ")
                try:
                    stacks[stack] += int(count)
                except ValueError:
                    continue
    return stacks


def short(frame):
    m = FRAME_RE.match(frame)
    if not m:
        return frame
    path = m.group("file")
    for marker in ("/odoo/addons/", "/addons/", "/odoo/", "/site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{m.group('func')} ({path})"


def summarise(stacks, top=25, idle=("select", "accept", "poll", "sleep", "wait")):
    total = sum(stacks.values())
    inclusive, self_ = collections.Counter(), collections.Counter()
    busy = 0
    for stack, count in stacks.items():
        frames = [short(f) for f in stack.split(";")]
        leaf = frames[-1] if frames else ""
        if any(leaf.startswith(i + " ") for i in idle) and "process_work" not in stack:
            continue
        busy += count
        for frame in set(frames):
            inclusive[frame] += count
        self_[leaf] += count
    lines = [f"{total} samples, {busy} busy ({100 * busy / max(total, 1):.0f}%)"]
    lines.append("inclusive % of busy samples:")
    for frame, count in inclusive.most_common(top):
        lines.append(f"  {100 * count / max(busy, 1):5.1f}%  {frame}")
    lines.append("self % of busy samples:")
    for frame, count in self_.most_common(12):
        lines.append(f"  {100 * count / max(busy, 1):5.1f}%  {frame}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(summarise(load(args.paths), args.top))


if __name__ == "__main__":
    main()
