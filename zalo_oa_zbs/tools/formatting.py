"""Vietnamese formatting of amounts and dates for ZBS template params.

Vietnamese usage (and what Zalo customers expect to read): a dot groups thousands,
a comma separates decimals, the currency symbol follows the number after a space
(``1.234.567 ₫``); dates are day/month/year with two-digit day and month
(``21/11/2026``), times are 24-hour (``21/11/2026 14:30``).

Zalo param values are short (a currency param holds at most 12 characters), so
:func:`fit_amount` picks the most readable form that fits.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "VN_DATETIME_FORMAT",
    "VN_DATE_FORMAT",
    "amount_candidates",
    "fit_amount",
    "format_vn_amount",
    "format_vn_date",
    "format_vn_datetime",
    "format_vn_number",
]

VN_DATE_FORMAT = "%d/%m/%Y"
VN_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
VND_SYMBOL = "₫"


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def format_vn_number(value, decimals: int = 0) -> str:
    """``1234567.5`` → ``1.234.567,5`` (dots group thousands, comma for decimals).

    Rounded half up to ``decimals`` places; ``-0`` is shown as ``0``.
    """
    decimals = max(int(decimals or 0), 0)
    quantum = Decimal(1).scaleb(-decimals)
    number = _decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    negative = number < 0
    number = abs(number)
    text = f"{number:.{decimals}f}"
    integer, _sep, fraction = text.partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    result = ".".join(groups)
    if fraction:
        result += "," + fraction
    if negative and number != 0:
        result = "-" + result
    return result


def format_vn_amount(value, symbol: str | None = VND_SYMBOL, decimals: int = 0) -> str:
    """``1234567`` → ``1.234.567 ₫``; another currency: ``12,50 $`` (symbol after)."""
    text = format_vn_number(value, decimals)
    return f"{text} {symbol}" if symbol else text


def amount_candidates(value, symbol: str | None = VND_SYMBOL, decimals: int = 0) -> list[str]:
    """Forms of an amount from the most to the least readable.

    ``1.234.567 ₫``, ``1.234.567``, ``1234567`` (the last has no separators at all,
    the form Zalo's numeric params always accept).
    """
    number = format_vn_number(value, decimals)
    plain = number.replace(".", "")
    forms = [f"{number} {symbol}" if symbol else number, number, plain]
    return list(dict.fromkeys(forms))


def fit_amount(value, max_length: int | None, symbol=VND_SYMBOL, decimals: int = 0) -> str:
    """The most readable form of an amount that fits in ``max_length`` characters.

    When none fits, the most readable one is returned (the param check then reports
    it as too long, with the value, instead of silently cutting it).
    """
    forms = amount_candidates(value, symbol, decimals)
    if max_length:
        for form in forms:
            if len(form) <= max_length:
                return form
    return forms[0]


def format_vn_date(value) -> str:
    """``date(2026, 11, 21)`` → ``21/11/2026`` (a datetime is shown as its date)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime(VN_DATE_FORMAT)


def format_vn_datetime(value) -> str:
    """``datetime(2026, 11, 21, 14, 30)`` → ``21/11/2026 14:30`` (already in local time)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value.strftime(VN_DATETIME_FORMAT)
