"""Did a send whose answer was lost reach the customer? Matching against Zalo's history.

Zalo's send API has no idempotency key. When a send times out after the request was
written (or the connection drops, or Zalo answers 5xx), the message may or may not
have been delivered. Before sending it again, the queue reads the customer's recent
conversation (``GET /v2.0/oa/conversation``: the last messages, newest first, each
with ``message_id``, ``src`` - 0 for the OA, 1 for the customer -, ``time`` in ms,
``type`` and the text in ``message``) and looks for the message here. The OA's own
echo events (``oa_send_*``) are matched the same way.

A message matches when the OA sent it (``src`` 0), at or after the attempt (less a
clock tolerance), with the same kind of content and, for text, the same text
(whitespace-normalised), and its ``message_id`` is not already recorded for another
message of ours. Of several matches the oldest is taken: it is the first attempt.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

__all__ = ["CLOCK_TOLERANCE_MS", "find_sent", "same_text"]

#: Zalo's clock and ours may differ by this much.
CLOCK_TOLERANCE_MS = 60_000

#: Our content types → the ``type`` values Zalo's history uses for them.
_HISTORY_TYPES = {
    "text": {"text"},
    "image": {"photo", "image"},
    "gif": {"gif", "photo", "image"},
    "file": {"file"},
}

_SPACE_RE = re.compile(r"\s+")


def _norm(text) -> str:
    return _SPACE_RE.sub(" ", str(text or "")).strip()


def same_text(a, b) -> bool:
    """Texts equal once whitespace is normalised (Zalo may change line endings)."""
    return _norm(a) == _norm(b)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def find_sent(
    history: Iterable[Mapping],
    *,
    content_type: str,
    text: str | None,
    since_ms: int,
    known_ids: Collection[str] = (),
) -> str | None:
    """The ``message_id`` of our message in ``history``, or None when it is not there."""
    types = _HISTORY_TYPES.get(content_type or "text", {content_type})
    candidates = []
    for item in history or ():
        if not isinstance(item, Mapping):
            continue
        if _int(item.get("src")) != 0:
            continue
        msg_id = str(item.get("message_id") or item.get("msg_id") or "")
        if not msg_id or msg_id in known_ids:
            continue
        when = _int(item.get("time"))
        if when is None or when < since_ms - CLOCK_TOLERANCE_MS:
            continue
        kind = str(item.get("type") or "text")
        if kind not in types:
            continue
        if content_type in (None, "text") and not same_text(item.get("message"), text):
            continue
        candidates.append((when, msg_id))
    if not candidates:
        return None
    return min(candidates)[1]
