"""Webhook signature check (docs/zalo-api.md §2.3, H)::

    X-ZEvent-Signature: mac=<hex(SHA256(app_id + raw_body + timestamp + secret))>

* plain SHA-256 of the concatenation, **not** HMAC; ``raw_body`` byte for byte;
  ``timestamp`` is the ``timestamp`` field of the body (epoch ms string);
* the header may be ``mac=<hex>`` or bare hex;
* conflict C5 (first term ``app_id`` vs ``oa_id``) and C4 (OA Secret Key vs App
  Secret): :func:`verify_signature` tries ``app_id`` then the alternative ids, each
  with every secret in order (OA secret key first, then app secret), compares in
  constant time, and returns a label of the variant that matched (to be logged).

Also the delivery headers (§2.2): the redelivery counter ``num_retry``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

from .events import WebhookParseError, _load, _s

__all__ = [
    "RETRY_HEADER",
    "SIGNATURE_HEADER",
    "compute_signature",
    "extract_timestamp",
    "retry_count",
    "verify_request",
    "verify_signature",
]

SIGNATURE_HEADER = "X-ZEvent-Signature"
#: Redelivery counter header (§2.2, M).
RETRY_HEADER = "num_retry"
#: Extra header on ZNS events (§2.2, L-M).
ZNS_SERVER_HEADER = "X-ZEvent-Server"

#: Default labels of the secrets and alternative ids passed without labels.
DEFAULT_SECRET_LABELS = ("oa_secret", "app_secret")
DEFAULT_ALT_ID_LABELS = ("oa_id",)

_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


# ------------------------------------------------------------------ signature


def _to_bytes(value) -> bytes:
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8")


def compute_signature(app_id, raw_body: bytes | str, timestamp, secret: str) -> str:
    """Lowercase hex SHA-256 of ``app_id + raw_body + timestamp + secret`` (not HMAC)."""
    digest = hashlib.sha256()
    for part in (app_id, raw_body, timestamp, secret):
        digest.update(_to_bytes(part))
    return digest.hexdigest()


def _labelled(
    values, default_labels: tuple[str, ...], prefix: str, secret: bool = False
) -> list[tuple[str, str]]:
    """Normalise secrets/ids given as a str, a mapping, or an iterable of values/pairs.

    Empty values are skipped. With ``secret``, so are ``False``, numbers and blank
    strings: an unset secret must never sign as ``""``, ``"False"`` or ``"0"``.
    """
    if values is None or (secret and values is False):
        return []
    if isinstance(values, (str, bytes, int)):
        values = [values]
    items: Iterable = values.items() if isinstance(values, Mapping) else values
    result = []
    for index, item in enumerate(items):
        if isinstance(item, tuple) and len(item) == 2:
            label, value = item
        else:
            label = default_labels[index] if index < len(default_labels) else f"{prefix}{index + 1}"
            value = item
        if value is None or value == "" or value == b"":
            continue
        if secret and (
            not isinstance(value, (str, bytes))
            or not (value.decode() if isinstance(value, bytes) else value).strip()
        ):
            continue
        result.append((str(label), value.decode() if isinstance(value, bytes) else str(value)))
    return result


def extract_timestamp(raw_body: bytes | str) -> str | None:
    """The body's ``timestamp`` field as a string (the signed timestamp), or None."""
    try:
        data = _load(raw_body)
    except WebhookParseError:
        return None
    return _s(data.get("timestamp"))


def verify_signature(
    header_value: str | None,
    raw_body: bytes | str,
    app_id,
    timestamp,
    secrets,
    alt_ids=(),
) -> str | None:
    """Check an ``X-ZEvent-Signature`` value; return the matching variant label or None.

    Args:
        header_value: ``"mac=<hex>"`` or bare hex.
        raw_body: the request body exactly as received.
        app_id: the app id (first term, C5 side A).
        timestamp: the body's ``timestamp`` string; None → read it from ``raw_body``.
        secrets: secrets to try in order: a str, a sequence (labelled
            ``oa_secret``, ``app_secret``, ...), a sequence of ``(label, secret)``
            pairs, or a mapping label → secret. Empty values are skipped.
        alt_ids: alternative first terms (e.g. the OA id, C5 side B), same forms;
            unlabelled values are labelled ``oa_id``.

    Returns e.g. ``"app_id+oa_secret"`` or ``"oa_id+app_secret"``.
    """
    if not header_value:
        return None
    provided = str(header_value).strip()
    if provided[:4].lower() == "mac=":
        provided = provided[4:].strip()
    provided = provided.lower()
    if not _HEX64_RE.match(provided):
        return None
    if timestamp is None:
        timestamp = extract_timestamp(raw_body)
        if timestamp is None:
            return None
    body = _to_bytes(raw_body)
    ids = _labelled([("app_id", app_id)], (), "id") + _labelled(
        alt_ids, DEFAULT_ALT_ID_LABELS, "alt_id"
    )
    # Every variant needs a real secret: unset or blank ones are dropped here.
    keys = _labelled(secrets, DEFAULT_SECRET_LABELS, "secret", secret=True)
    for id_label, id_value in ids:
        for key_label, key in keys:
            expected = compute_signature(id_value, body, timestamp, key)
            if hmac.compare_digest(expected, provided):
                return f"{id_label}+{key_label}"
    return None


def _get_header(headers: Mapping | None, name: str):
    if not headers:
        return None
    lowered = name.lower()
    for key, value in headers.items():
        if str(key).lower() == lowered:
            return value
    return None


def verify_request(headers: Mapping, raw_body: bytes | str, app_id, secrets, alt_ids=()):
    """:func:`verify_signature` reading the ``X-ZEvent-Signature`` header (any case)."""
    return verify_signature(
        _get_header(headers, SIGNATURE_HEADER), raw_body, app_id, None, secrets, alt_ids
    )


def retry_count(headers: Mapping | None) -> int:
    """Value of the ``num_retry`` header (0 when absent or invalid)."""
    value = _get_header(headers, RETRY_HEADER)
    try:
        return max(0, int(str(value).strip()))
    except (TypeError, ValueError):
        return 0
