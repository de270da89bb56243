"""When to try a failed Zalo call again: one backoff policy for every queue of the suite.

The queues (replies, ZBS sends, webhook events, token refresh, template sync) each
record a ``next_attempt_at`` and wake their cron at that time; this module says how
far ahead, from the kind of the failure and the number of attempts so far:

* ``rate_limit`` (Zalo -32, HTTP 429): Zalo counts requests per second or minute, so
  the wait is seconds - 2, 4, 8, 16, 32, then every 60 s.
* ``network`` and ``server`` (timeouts, refused connections, HTTP 5xx, Zalo -200):
  an outage. Exponential from 5 s, capped at 30 s for the first ten attempts (about
  four minutes, so a short outage is over for the customer within 30 s of Zalo's
  recovery), then doubling from 1 minute up to 30 minutes.
* ``auth`` (the token was refused even after a refresh): an administrator must
  reconnect the OA; every 10 minutes.
* anything else retryable: like ``server``.

:func:`give_up` says when a failure is final; the row then fails with its reason
and its author can retry it by hand.
"""

from __future__ import annotations

from datetime import timedelta

from .errors import KIND_AUTH, KIND_NETWORK, KIND_RATE_LIMIT, KIND_SERVER

__all__ = ["MAX_ATTEMPTS", "delay", "give_up"]

#: Attempts (the first send included) after which a retryable failure becomes final:
#: about 4 hours of outage, or 10 minutes of rate limiting.
MAX_ATTEMPTS = {KIND_RATE_LIMIT: 16, KIND_NETWORK: 20, KIND_SERVER: 20, KIND_AUTH: 12}
DEFAULT_MAX_ATTEMPTS = 20

_FAST_ATTEMPTS = 10


def delay(kind: str | None, attempts: int) -> timedelta:
    """How long to wait before the next attempt, after ``attempts`` failed ones (≥ 1)."""
    attempts = max(int(attempts or 1), 1)
    if kind == KIND_RATE_LIMIT:
        return timedelta(seconds=min(2**attempts, 60))
    if kind == KIND_AUTH:
        return timedelta(minutes=10)
    if attempts <= _FAST_ATTEMPTS:
        return timedelta(seconds=min(5 * 2 ** (attempts - 1), 30))
    return timedelta(seconds=min(60 * 2 ** (attempts - _FAST_ATTEMPTS - 1), 1800))


def give_up(kind: str | None, attempts: int) -> bool:
    """True when ``attempts`` failed attempts of this kind are enough."""
    return int(attempts or 0) >= MAX_ATTEMPTS.get(kind, DEFAULT_MAX_ATTEMPTS)
