"""Small helpers shared by the simulator modules: ids, hashing, JSON answers, media stubs.

Everything here is written from the Zalo side of the wire and is deliberately independent
of ``zalo_oa/tools`` (the client side), so that the two can check each other.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import struct
import zlib
from typing import Any

from werkzeug.wrappers import Response

VN_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")

# --------------------------------------------------------------------------- ids


def numeric_id(digits: int | None = None) -> str:
    """A Zalo-like numeric id (user ids, OA ids, app ids): 18 or 19 digits, no leading zero."""
    n = digits or secrets.choice((18, 19))
    return str(secrets.randbelow(9 * 10 ** (n - 1)) + 10 ** (n - 1))


def hex_id(n: int = 20) -> str:
    """A Zalo-like message id, e.g. ``e2a641af6661713b2874`` (20 lowercase hex chars)."""
    return secrets.token_hex(n // 2)


def opaque_token(nbytes: int = 48) -> str:
    """An opaque url-safe token (access/refresh tokens, codes, attachment ids)."""
    return secrets.token_urlsafe(nbytes)


# --------------------------------------------------------------------------- crypto


def b64url_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: base64url (no padding) of the raw SHA-256 digest of the verifier."""
    return b64url_nopad(hashlib.sha256(verifier.encode("ascii", "replace")).digest())


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """Lowercase hex HMAC-SHA256(key=app_secret, msg=access_token) as the Zalo SDKs send it."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def event_mac(first_id: str, raw_body: bytes, timestamp: str, secret: str) -> str:
    """Webhook MAC: plain SHA-256 hex of ``id + raw_body + timestamp + secret`` (not HMAC)."""
    h = hashlib.sha256()
    h.update(first_id.encode())
    h.update(raw_body)
    h.update(timestamp.encode())
    h.update(secret.encode())
    return h.hexdigest()


def consteq(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())


# --------------------------------------------------------------------------- phones

_PHONE_84 = re.compile(r"^84(3|5|7|8|9)\d{8}$")


def normalize_zns_phone(raw: Any) -> str | None:
    """Return the ``84…`` form of a phone given as ``84…`` or ``+84…``; ``None`` when invalid.

    The simulator is deliberately strict (docs/zalo-api.md C10): the domestic ``0…`` form
    is rejected with -108 so that clients which forget to normalise are caught in tests.
    """
    if not isinstance(raw, str):
        return None
    phone = raw.strip().replace(" ", "")
    if phone.startswith("+"):
        phone = phone[1:]
    return phone if _PHONE_84.match(phone) else None


def phone_to_84(raw: str | None) -> str:
    """Lenient conversion used for simulator-side data entry (``0912…`` → ``84912…``)."""
    if not raw:
        return ""
    phone = re.sub(r"[^\d]", "", raw)
    if phone.startswith("0"):
        phone = "84" + phone[1:]
    return phone


# --------------------------------------------------------------------------- time


def fmt_vn_date(ms: int | None) -> str:
    """``DD/MM/YYYY`` in Vietnam time, as ``user_last_interaction_date``."""
    if not ms:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, VN_TZ).strftime("%d/%m/%Y")


def fmt_vn_datetime(ms: int) -> str:
    """``HH:mm:ss dd/MM/yyyy`` as ``sent_time`` in the conversation API."""
    return dt.datetime.fromtimestamp(ms / 1000, VN_TZ).strftime("%H:%M:%S %d/%m/%Y")


def vn_day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, VN_TZ).strftime("%Y-%m-%d")


# --------------------------------------------------------------------------- responses


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        dumps(data), status=status, headers=headers, content_type="application/json; charset=utf-8"
    )


def zalo_ok(data: Any = None, **extra: Any) -> dict:
    out: dict[str, Any] = {}
    if data is not None:
        out["data"] = data
    out.update(extra)
    out["error"] = 0
    out["message"] = "Success"
    return out


class ApiError(Exception):
    """A Zalo application error: answered as HTTP 200 ``{"error": code, "message": ...}``."""

    def __init__(self, code: int, message: str, **extra: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


class ControlError(Exception):
    """An error of the simulator's own control API (plain HTTP 4xx with a JSON reason)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# --------------------------------------------------------------------------- media stubs


def make_png(width: int = 64, height: int = 64, rgb: tuple[int, int, int] = (0, 104, 255)) -> bytes:
    """A valid, solid-colour PNG built with the standard library (avatars, sample images)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def colour_for(key: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(key.encode()).digest()
    return (64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160)


def make_pdf(text: str = "Zalo simulator sample file") -> bytes:
    """A tiny valid one-page PDF (ASCII text only)."""
    safe = re.sub(r"[^A-Za-z0-9 .,:_-]", "?", text)[:80]
    stream = f"BT /F1 18 Tf 40 760 Td ({safe}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def sniff_kind(data: bytes) -> str | None:
    """Very small magic-number sniffing for uploads."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"%PDF"):
        return "pdf"
    return None
