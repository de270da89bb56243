"""Pure helpers (no Odoo import)."""

from urllib.parse import urlsplit

MAX_REDIRECT_LENGTH = 2048


def local_path(value):
    """Return ``value`` if it is a local path of this site, else None.

    Accepted: ``/some/path?query#fragment``. Refused: anything with a scheme or a
    host (``https://x``, ``//x``, ``/\\x``), control characters or backslashes,
    and overly long values.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_REDIRECT_LENGTH:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in value) or "\\" in value:
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return value
