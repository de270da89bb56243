"""Checks of a rendered ZBS param value before it is sent.

Zalo refuses a whole message when one value is missing (``-1122``), too long
(``-1121``) or badly formatted (``-1124``). Checking before sending gives the user
one clear reason per record instead of an API error, and saves the quota.

:func:`check_value` returns ``None`` or a :class:`Problem` whose ``code`` is one of
``missing``, ``too_long``, ``wrong_type``; the Odoo layer turns it into a
translated sentence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = [
    "MISSING",
    "TOO_LONG",
    "TYPE_HINTS",
    "WRONG_TYPE",
    "Problem",
    "check_value",
    "clean_value",
]

MISSING = "missing"
TOO_LONG = "too_long"
WRONG_TYPE = "wrong_type"

_SPACES_RE = re.compile(r"\s+")
_PHONE_RE = re.compile(r"^\+?[\d\s.\-()]+$")
_NUMBER_RE = re.compile(r"^-?\d[\d.,\s]*$")
_OTP_RE = re.compile(r"^[A-Za-z0-9]{4,10}$")
_URL_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
_CURRENCY_TOKENS_RE = re.compile(
    r"(₫|đồng|đ|vnđ|vnd|usd|eur|us\$|\$|€|£|¥)", re.IGNORECASE | re.UNICODE
)

#: Type code → what a value of that type looks like (English; translated by the caller).
TYPE_HINTS = {
    2: "a phone number (digits, 8 to 15 of them)",
    10: "a number",
    11: "a date or time",
    12: "4 to 10 letters or digits",
    13: "a link starting with http:// or https://",
    14: "an amount (digits, optionally with separators and a currency symbol)",
}


class Problem(NamedTuple):
    code: str
    #: the value as checked (after cleaning)
    value: str
    #: max length for ``too_long``; the type code for ``wrong_type``
    detail: int | None = None


def clean_value(value) -> str:
    """The text Zalo gets: NFC, whitespace (line breaks included) collapsed, stripped."""
    if value is None or value is False:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES_RE.sub(" ", text).strip()


def _type_ok(type_code: int, text: str) -> bool:
    if type_code == 2:
        digits = sum(ch.isdigit() for ch in text)
        return bool(_PHONE_RE.match(text)) and 8 <= digits <= 15
    if type_code == 10:
        return bool(_NUMBER_RE.match(text))
    if type_code == 11:
        return any(ch.isdigit() for ch in text)
    if type_code == 12:
        return bool(_OTP_RE.match(text))
    if type_code == 13:
        return bool(_URL_RE.match(text))
    if type_code == 14:
        stripped = _CURRENCY_TOKENS_RE.sub("", text).strip()
        return bool(_NUMBER_RE.match(stripped))
    return True


def check_value(type_code, value, max_length=None, required: bool = True) -> Problem | None:
    """``None`` when ``value`` can be sent for a param of ``type_code`` (1..15)."""
    text = clean_value(value)
    if not text:
        return Problem(MISSING, text) if required else None
    if max_length and len(text) > int(max_length):
        return Problem(TOO_LONG, text, int(max_length))
    try:
        code = int(type_code)
    except (TypeError, ValueError):
        code = 0
    if not _type_ok(code, text):
        return Problem(WRONG_TYPE, text, code)
    return None
