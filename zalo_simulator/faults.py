"""Fault injection and rate limiting for the Zalo-facing endpoints.

A fault matches requests by path substring (and optionally HTTP method / API family)
and applies, in this order: ``latency_ms`` (sleep), then either ``http_status`` (a bare
5xx/4xx answer) or ``error`` (HTTP 200 with ``{"error": code, "message": ...}``). A
fault with only ``latency_ms`` delays the call and lets it through. ``drop`` carries the
call out, then closes the connection without answering (the client cannot tell whether
it went through). ``count`` limits a
fault to the next N matching calls; ``null`` keeps it until cleared.

The rate limiter counts OpenAPI calls per app in a fixed window (Zalo: 4000/min/app) and
answers ``-32`` beyond the limit; every OpenAPI answer carries ``X-RateLimit-Limit`` and
``X-RateLimit-Remain``.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from .util import ControlError


@dataclass
class Fault:
    id: int
    match: str = ""
    method: str | None = None
    family: str | None = None
    error: int | None = None
    message: str | None = None
    http_status: int | None = None
    latency_ms: int = 0
    drop: bool = False
    count: int | None = None  # remaining hits; None = until cleared
    hits: int = 0

    def matches(self, method: str, path: str, family: str) -> bool:
        return (
            self.match in path
            and (self.method is None or self.method.upper() == method.upper())
            and (self.family is None or self.family == family)
        )


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict[str, Any]) -> Fault:
        allowed = {
            "match",
            "method",
            "family",
            "error",
            "message",
            "http_status",
            "latency_ms",
            "drop",
            "count",
        }
        unknown = set(spec) - allowed
        if unknown:
            raise ControlError(f"unknown fault keys: {sorted(unknown)}")
        count = spec.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ControlError("count must be a positive integer or null")
        if (
            spec.get("error") is None
            and spec.get("http_status") is None
            and not spec.get("latency_ms")
            and not spec.get("drop")
        ):
            raise ControlError("a fault needs error, http_status, latency_ms or drop")
        fault = Fault(
            id=next(self._ids),
            match=str(spec.get("match") or ""),
            method=spec.get("method"),
            family=spec.get("family"),
            error=int(spec["error"]) if spec.get("error") is not None else None,
            message=spec.get("message"),
            http_status=int(spec["http_status"]) if spec.get("http_status") is not None else None,
            latency_ms=int(spec.get("latency_ms") or 0),
            drop=bool(spec.get("drop")),
            count=count,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str, family: str) -> Fault | None:
        """Consume one hit of the first fault matching the request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, family):
                    fault.hits += 1
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self._faults.remove(fault)
                    return Fault(**asdict(fault))
        return None

    def list(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) != before

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


DEFAULT_LIMIT = 4000
DEFAULT_WINDOW_MS = 60_000


class RateLimiter:
    """Fixed-window counter per key (the app id behind the access token)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.limit = DEFAULT_LIMIT
        self.window_ms = DEFAULT_WINDOW_MS
        self.message = "Your application reached limit call api"
        self._windows: dict[str, tuple[int, int]] = {}  # key → (window start ms, count)

    def configure(
        self, limit: int | None = None, window_ms: int | None = None, message: str | None = None
    ) -> None:
        with self._lock:
            if limit is not None:
                if int(limit) < 0:
                    raise ControlError("limit must be >= 0")
                self.limit = int(limit)
            if window_ms is not None:
                if int(window_ms) <= 0:
                    raise ControlError("window_ms must be > 0")
                self.window_ms = int(window_ms)
            if message:
                self.message = message
            self._windows.clear()

    def reset(self) -> None:
        with self._lock:
            self.limit = DEFAULT_LIMIT
            self.window_ms = DEFAULT_WINDOW_MS
            self.message = "Your application reached limit call api"
            self._windows.clear()

    def hit(self, key: str) -> tuple[bool, int, int]:
        """Count one call; return (allowed, limit, remaining)."""
        now = int(time.monotonic() * 1000)
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window_ms:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
            remaining = max(self.limit - count, 0)
            return count <= self.limit, self.limit, remaining

    def to_dict(self) -> dict:
        with self._lock:
            return {"limit": self.limit, "window_ms": self.window_ms, "message": self.message}
