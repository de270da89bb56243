"""Phone number normalisation to Zalo's form.

Zalo (ZNS/ZBS phone channel, ``user_submit_info``) uses international digits
without ``+``: ``84912345678`` for Vietnam. Official ZNS docs accept ``84…``,
``0…`` and bare national numbers, SPEC-A only ``84…``/``+84…`` (conflict C10):
we always normalise to ``84…`` (docs/zalo-api.md §4.1).

Accepted inputs (default region VN): ``0912 345 678``, ``+84 912345678``,
``84912345678``, ``912345678``, ``0084912345678``, ``+84 (0) 912 345 678``, and
foreign numbers with ``+``/``00`` or bare international digits (``6581234567``),
which are kept as international digits (``6581234567``).
"""

from __future__ import annotations

import hashlib
import re

import phonenumbers

__all__ = ["InvalidPhoneError", "hash_phone", "is_valid_phone", "normalize_phone"]

_SEPARATORS_RE = re.compile(r"[\s.\-/()\u00a0]")


class InvalidPhoneError(ValueError):
    """Raised for a number that is not a valid phone number."""


def _candidates(text: str, region: str):
    """Yield phonenumbers parse attempts, most plausible first."""
    compact = text.replace("(0)", "")
    compact = _SEPARATORS_RE.sub("", compact)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        yield compact, None
        return
    # National first ("0912..", "912.." or "84912.." which phonenumbers recognises
    # as carrying the region's country code), then international without "+".
    yield compact, region
    if not compact.startswith("0"):
        yield "+" + compact, None


def normalize_phone(number, default_region: str = "VN", strict: bool = True) -> str:
    """Return the number as international digits without ``+`` (``84912345678``).

    ``strict`` requires a *valid* number for its country (phonenumbers metadata);
    with ``strict=False`` a *possible* number (right length) is enough.
    Raises :class:`InvalidPhoneError` naming the input when the number is invalid.
    """
    if number is None or isinstance(number, bool):
        raise InvalidPhoneError(f"Invalid phone number {number!r}: no number given")
    text = str(number).strip()
    if not text or not re.search(r"\d", text):
        raise InvalidPhoneError(f"Invalid phone number {number!r}: no digits")
    if re.search(r"[A-Za-z]", text):
        raise InvalidPhoneError(f"Invalid phone number {number!r}: it contains letters")
    region = (default_region or "VN").upper()
    for candidate, cand_region in _candidates(text, region):
        try:
            parsed = phonenumbers.parse(candidate, cand_region)
        except phonenumbers.NumberParseException:
            continue
        ok = (
            phonenumbers.is_valid_number(parsed)
            if strict
            else phonenumbers.is_possible_number(parsed)
        )
        if ok:
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            return e164.lstrip("+")
    raise InvalidPhoneError(
        f"Invalid phone number {number!r}: not a valid number "
        f"(expected e.g. 0912345678 or +84912345678)"
    )


def is_valid_phone(number, default_region: str = "VN") -> bool:
    """True when :func:`normalize_phone` accepts the number."""
    try:
        normalize_phone(number, default_region)
    except InvalidPhoneError:
        return False
    return True


def hash_phone(number, default_region: str = "VN") -> str:
    """SHA-256 hex of the normalised number (ZNS ``hash_phone`` / hashed receipts)."""
    return hashlib.sha256(normalize_phone(number, default_region).encode("ascii")).hexdigest()
