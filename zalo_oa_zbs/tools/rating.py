"""A customer's answer to a ZBS service-rating template, from Zalo's webhook.

Zalo reports the answer with the ``user_feedback`` event, whose body is not in
Zalo's public reference (M confidence: an agent's catalogue and community code
only). The answers of ``/rating/get`` are documented (M) with the fields
``rate``, ``note``, ``feedbacks``, ``submitDate``, ``msgId`` and ``trackingId``.
:func:`parse_feedback` therefore reads these names (and their snake_case forms)
at the top of the body, under ``message``, ``feedback`` or ``data``, and returns
only what it found: the caller keeps the raw event in any case.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RATING_MAX", "parse_feedback"]

RATING_MAX = 5

_CONTAINERS = ("message", "feedback", "data", "rating")
_KEYS = {
    "msg_id": ("msgId", "msg_id", "message_id", "messageId"),
    "tracking_id": ("trackingId", "tracking_id"),
    "template_id": ("templateId", "template_id"),
    "rate": ("rate", "rating", "star", "stars", "score"),
    "note": ("note", "comment"),
    "feedbacks": ("feedbacks", "feedback"),
    "submitted_ms": ("submitDate", "submit_date", "submitTime", "submit_time"),
}


def _scopes(body: dict) -> list[dict]:
    scopes = [body]
    for key in _CONTAINERS:
        inner = body.get(key)
        if isinstance(inner, dict):
            scopes.append(inner)
            scopes += [inner[k] for k in _CONTAINERS if isinstance(inner.get(k), dict)]
    return scopes


def _first(scopes: list[dict], names: tuple[str, ...]) -> Any:
    for scope in scopes:
        for name in names:
            value = scope.get(name)
            if value not in (None, "", [], {}):
                return value
    return None


def _rate(value) -> int | None:
    try:
        rate = int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None
    return rate if 1 <= rate <= RATING_MAX else None


def _feedbacks(value) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        items = (str(v).strip() for v in value if isinstance(v, str | int | float))
        return [item for item in items if item]
    return []


def parse_feedback(body: dict) -> dict[str, Any]:
    """What a ``user_feedback`` body says: ``msg_id``, ``tracking_id``, ``template_id``,
    ``rate`` (1..5 or None), ``note``, ``feedbacks`` (list of str), ``submitted_ms``.

    Missing or unusable values are ``None`` (``[]`` for ``feedbacks``).
    """
    body = body if isinstance(body, dict) else {}
    scopes = _scopes(body)
    result: dict[str, Any] = {}
    for key, names in _KEYS.items():
        if key == "feedbacks":
            # ``feedback`` may be the container itself: only a list or a string counts.
            result[key] = _feedbacks(_first(scopes, names))
            continue
        value = _first(scopes, names)
        result[key] = None if isinstance(value, dict | list) else value
    result["rate"] = _rate(result["rate"])
    for key in ("msg_id", "tracking_id", "template_id", "note", "submitted_ms"):
        if result[key] is not None:
            result[key] = str(result[key]).strip() or None
    return result
