"""Payload builders and validators for OA messages and ZBS templates.

Consultation messages (``POST /v3.0/oa/message/cs``, docs/zalo-api.md §3.1):
text (≤ 2000 characters after NFC normalisation), quote reply, image (``url`` or
``attachment_id``), GIF (with width/height), sticker, file (upload token) and the
``request_user_info`` card.

ZBS templates (§4): the UID payload uses a top-level ``user_id`` (conflict C11,
switch with :data:`ZBS_UID_RECIPIENT_STYLE`); the phone payload carries a
normalised ``84…`` phone (C10) and a mandatory ``tracking_id`` (≤ 48 chars).
Template bodies use object-keyed layout components with ``<param>`` variables
(C13). Limits (§4.3) are module constants.

Every validation failure raises a ``param`` :class:`~.errors.ZaloError` (``recipient``
for an invalid phone number) with a clear English message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import KIND_PARAM, KIND_RECIPIENT, ZaloError
from .phone import InvalidPhoneError, normalize_phone

__all__ = [
    "PARAM_TYPES",
    "TEMPLATE_QUALITIES",
    "TEMPLATE_STATUS",
    "TEMPLATE_STATUS_NAMES",
    "TEMPLATE_TAGS",
    "TEMPLATE_TYPES",
    "TEXT_MAX_LENGTH",
    "TRACKING_ID_MAX_LENGTH",
    "ZBS_UID_RECIPIENT_STYLE",
    "extract_layout_params",
    "file_message",
    "gif_message",
    "image_message",
    "normalize_text",
    "request_user_info_message",
    "split_text",
    "sticker_message",
    "template_create_body",
    "template_edit_body",
    "text_message",
    "validate_param_name",
    "validate_param_value",
    "validate_template_name",
    "zbs_phone_payload",
    "zbs_uid_payload",
    "zbs_uid_payload_alternate",
]

#: Maximum length of a consultation text message (§3.1, H).
TEXT_MAX_LENGTH = 2000
#: Maximum length of the ZBS phone-channel ``tracking_id`` (§4.1, M).
TRACKING_ID_MAX_LENGTH = 48
#: Template name length bounds (§4.3).
TEMPLATE_NAME_MIN_LENGTH = 10
TEMPLATE_NAME_MAX_LENGTH = 60
#: Maximum length of the template ``note`` (§4.3).
TEMPLATE_NOTE_MAX_LENGTH = 400
#: ``"top_level"`` → ``{"user_id": ...}``; ``"recipient"`` → ``{"recipient": {"user_id"}}`` (C11).
ZBS_UID_RECIPIENT_STYLE = "top_level"
#: Accepted ``mode`` values of the phone channel.
ZBS_MODES = ("development",)
#: Accepted ``sending_mode`` values of the phone channel ("3" needs whitelisting).
ZBS_SENDING_MODES = ("1", "3")

#: Param type code → (meaning, max characters) (§4.3, M).
PARAM_TYPES: dict[int, tuple[str, int]] = {
    1: ("name", 30),
    2: ("phone", 15),
    3: ("address", 200),
    4: ("code", 30),
    5: ("label", 30),
    6: ("status", 30),
    7: ("contact", 50),
    8: ("title/gender", 5),
    9: ("product", 200),
    10: ("quantity", 20),
    11: ("time", 20),
    12: ("OTP", 10),
    13: ("URL", 200),
    14: ("currency", 12),
    15: ("bank note", 90),
}

#: Template status name → numeric filter of ``template/all`` (§4.3).
TEMPLATE_STATUS: dict[str, int] = {
    "ENABLE": 1,
    "PENDING_REVIEW": 2,
    "REJECT": 3,
    "DISABLE": 4,
    "DELETE": 5,
}
TEMPLATE_STATUS_NAMES: dict[int, str] = {v: k for k, v in TEMPLATE_STATUS.items()}
#: ``template_type`` of ``/template/create``.
TEMPLATE_TYPES: dict[int, str] = {
    1: "custom",
    2: "authentication (OTP)",
    3: "payment request",
    4: "voucher",
    5: "service rating",
}
#: ``tag`` of ``/template/create``.
TEMPLATE_TAGS: dict[str, str] = {"1": "transaction", "2": "customer care", "3": "promotion"}
TEMPLATE_QUALITIES = ("HIGH", "MEDIUM", "LOW", "UNDEFINED")

_PARAM_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LAYOUT_PARAM_RE = re.compile(r"<([A-Za-z0-9_]+)>")


def _param_error(message: str) -> ZaloError:
    return ZaloError(None, message, KIND_PARAM, False)


def _require_id(value, label: str) -> str:
    if value is None or isinstance(value, bool) or not str(value).strip():
        raise _param_error(f"{label} is required")
    return str(value).strip()


# ------------------------------------------------------------------------ text


def normalize_text(text: str) -> str:
    """NFC-normalise text (Vietnamese may arrive decomposed) and normalise newlines."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _check_text(text: str, label: str = "Text") -> str:
    text = normalize_text(text)
    if not text.strip():
        raise _param_error(f"{label} is empty")
    if len(text) > TEXT_MAX_LENGTH:
        raise _param_error(
            f"{label} is {len(text)} characters long; Zalo allows at most "
            f"{TEXT_MAX_LENGTH} (split it into several messages)"
        )
    return text


def split_text(text: str, limit: int = TEXT_MAX_LENGTH) -> list[str]:
    """Split text into chunks of at most ``limit`` characters (after NFC).

    Cuts preferably at a line break in the second half of the window, else at
    the last whitespace; words longer than ``limit`` are cut hard (never inside
    a combining sequence). Whitespace at the cut is dropped; blank chunks are
    not returned. ``split_text("")`` is ``[]``.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    rest = normalize_text(text).strip()
    chunks: list[str] = []
    while len(rest) > limit:
        window = rest[: limit + 1]  # a whitespace right after the limit is a fine cut
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = max(window.rfind(ch) for ch in (" ", "\t", "\n", "\u00a0"))
        if cut <= 0:
            cut = limit
            while cut > 1 and unicodedata.combining(rest[cut]):
                cut -= 1
        chunk = rest[:cut].rstrip()
        if chunk:
            chunks.append(chunk)
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _cs(user_id, message: dict) -> dict:
    return {"recipient": {"user_id": _require_id(user_id, "user_id")}, "message": message}


def text_message(user_id: str, text: str, quote_message_id: str | None = None) -> dict:
    """Text consultation message, optionally quoting (replying to) a message."""
    message: dict[str, Any] = {"text": _check_text(text)}
    if quote_message_id:
        message["quote_message_id"] = str(quote_message_id)
    return _cs(user_id, message)


def _media(elements: list, text: str | None = None) -> dict:
    message: dict[str, Any] = {}
    if text is not None and normalize_text(text).strip():
        message["text"] = _check_text(text, "Caption")
    message["attachment"] = {
        "type": "template",
        "payload": {"template_type": "media", "elements": elements},
    }
    return message


def image_message(
    user_id: str,
    attachment_id: str | None = None,
    url: str | None = None,
    caption: str | None = None,
) -> dict:
    """Image message from an uploaded ``attachment_id`` or a public ``url``."""
    if bool(attachment_id) == bool(url):
        raise _param_error("An image message needs exactly one of attachment_id or url")
    element: dict[str, Any] = {"media_type": "image"}
    if attachment_id:
        element["attachment_id"] = str(attachment_id)
    else:
        if not str(url).lower().startswith(("https://", "http://")):
            raise _param_error(f"Image URL must be http(s): {url!r}")
        element["url"] = str(url)
    return _cs(user_id, _media([element], caption))


def gif_message(user_id: str, attachment_id: str, width: int, height: int) -> dict:
    """GIF message (``attachment_id`` from ``/upload/gif``); width/height are required."""
    for label, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _param_error(f"GIF {label} must be a positive integer, got {value!r}")
    element = {
        "media_type": "gif",
        "attachment_id": _require_id(attachment_id, "attachment_id"),
        "width": width,
        "height": height,
    }
    return _cs(user_id, _media([element]))


def sticker_message(user_id: str, sticker_id: str) -> dict:
    """Sticker message; the sticker id goes in ``attachment_id``."""
    element = {"media_type": "sticker", "attachment_id": _require_id(sticker_id, "sticker_id")}
    return _cs(user_id, _media([element]))


def file_message(user_id: str, token: str) -> dict:
    """File message; ``token`` comes from ``/upload/file`` (attachment type ``file``)."""
    attachment = {"type": "file", "payload": {"token": _require_id(token, "token")}}
    return _cs(user_id, {"attachment": attachment})


def request_user_info_message(user_id: str, title: str, subtitle: str, image_url: str) -> dict:
    """``request_user_info`` card (one element); answered by ``user_submit_info``."""
    element = {
        "title": _check_text(title, "Title"),
        "subtitle": _check_text(subtitle, "Subtitle"),
        "image_url": _require_id(image_url, "image_url"),
    }
    attachment = {
        "type": "template",
        "payload": {"template_type": "request_user_info", "elements": [element]},
    }
    return _cs(user_id, {"attachment": attachment})


# ------------------------------------------------------------------------- ZBS


def _clean_template_data(template_data: Mapping | None) -> dict[str, str]:
    if template_data is None:
        return {}
    if not isinstance(template_data, Mapping):
        raise _param_error("template_data must be a mapping of param name to value")
    cleaned: dict[str, str] = {}
    for key, value in template_data.items():
        if not isinstance(key, str) or not key:
            raise _param_error(f"Invalid template param name {key!r}")
        if value is None or isinstance(value, (dict, list, tuple, set)):
            raise _param_error(f"Template param {key!r} has no usable value ({value!r})")
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        cleaned[key] = normalize_text(str(value))
    return cleaned


def zbs_uid_payload(
    user_id: str, template_id: str, template_data: Mapping, style: str | None = None
) -> dict:
    """Body of the ZBS-by-UID send (``openapi /v3.0/oa/message/template``).

    ``style`` defaults to :data:`ZBS_UID_RECIPIENT_STYLE` (C11). There is no
    ``tracking_id`` on this channel (§4.2).
    """
    style = style or ZBS_UID_RECIPIENT_STYLE
    uid = _require_id(user_id, "user_id")
    payload: dict[str, Any] = {}
    if style == "top_level":
        payload["user_id"] = uid
    elif style == "recipient":
        payload["recipient"] = {"user_id": uid}
    else:
        raise ValueError(f"Unknown ZBS UID payload style {style!r}")
    payload["template_id"] = _require_id(template_id, "template_id")
    payload["template_data"] = _clean_template_data(template_data)
    return payload


def zbs_uid_payload_alternate(payload: Mapping) -> dict | None:
    """The same UID payload in the other C11 shape, or None if not convertible."""
    payload = dict(payload)
    if "user_id" in payload and "recipient" not in payload:
        payload["recipient"] = {"user_id": payload.pop("user_id")}
        return payload
    recipient = payload.get("recipient")
    if isinstance(recipient, Mapping) and recipient.get("user_id") and "user_id" not in payload:
        payload.pop("recipient")
        return {"user_id": recipient["user_id"], **payload}
    return None


def zbs_phone_payload(
    phone: str,
    template_id: str,
    template_data: Mapping,
    tracking_id: str,
    mode: str | None = None,
    sending_mode: str | None = None,
) -> dict:
    """Body of the ZBS phone send (``business /message/template``).

    The phone number is normalised to ``84…`` (C10); ``tracking_id`` is required
    and at most :data:`TRACKING_ID_MAX_LENGTH` characters; ``mode`` may be
    ``"development"`` (only app/OA admins receive it).
    """
    try:
        normalized = normalize_phone(phone)
    except InvalidPhoneError as exc:
        raise ZaloError(None, str(exc), KIND_RECIPIENT, False) from None
    tracking = "" if tracking_id is None else str(tracking_id).strip()
    if not tracking:
        raise _param_error("tracking_id is required for ZBS messages sent by phone")
    if len(tracking) > TRACKING_ID_MAX_LENGTH:
        raise _param_error(
            f"tracking_id is {len(tracking)} characters long; at most "
            f"{TRACKING_ID_MAX_LENGTH} are allowed"
        )
    payload: dict[str, Any] = {
        "phone": normalized,
        "template_id": _require_id(template_id, "template_id"),
        "template_data": _clean_template_data(template_data),
        "tracking_id": tracking,
    }
    if mode:
        if mode not in ZBS_MODES:
            raise _param_error(f"Invalid mode {mode!r}; allowed: {', '.join(ZBS_MODES)}")
        payload["mode"] = mode
    if sending_mode is not None:
        sending_mode = str(sending_mode)
        if sending_mode not in ZBS_SENDING_MODES:
            raise _param_error(f"Invalid sending_mode {sending_mode!r}")
        payload["sending_mode"] = sending_mode
    return payload


# ------------------------------------------------------------ template bodies


def validate_template_name(name: str) -> str:
    """Return the stripped template name; 10–60 characters."""
    name = normalize_text(name).strip()
    if not TEMPLATE_NAME_MIN_LENGTH <= len(name) <= TEMPLATE_NAME_MAX_LENGTH:
        raise _param_error(
            f"Template name {name!r} must be {TEMPLATE_NAME_MIN_LENGTH}-"
            f"{TEMPLATE_NAME_MAX_LENGTH} characters long (it has {len(name)})"
        )
    return name


def validate_param_name(name: str) -> str:
    """Param names are snake_case ASCII: ``[a-z][a-z0-9_]*`` (no diacritics, spaces, hyphens)."""
    if not isinstance(name, str) or not _PARAM_NAME_RE.match(name):
        raise _param_error(
            f"Invalid template param name {name!r}: use snake_case letters, digits and "
            "underscores, without diacritics, spaces or hyphens (e.g. customer_name)"
        )
    return name


def _param_type(type_code) -> int:
    try:
        code = int(type_code)
    except (TypeError, ValueError):
        code = 0
    if code not in PARAM_TYPES:
        raise _param_error(f"Invalid template param type {type_code!r}; use 1..15")
    return code


def validate_param_value(type_code, value, name: str = "value") -> str:
    """Check a param value against the max length of its type (§4.3)."""
    meaning, max_length = PARAM_TYPES[_param_type(type_code)]
    text = normalize_text("" if value is None else str(value))
    if len(text) > max_length:
        raise _param_error(
            f"Template param {name!r} ({meaning}) is {len(text)} characters long; "
            f"at most {max_length} are allowed"
        )
    return text


def extract_layout_params(layout: Any) -> set[str]:
    """Names of every ``<param>`` variable used in a layout (any nesting)."""
    found: set[str] = set()
    if isinstance(layout, str):
        found.update(_LAYOUT_PARAM_RE.findall(layout))
    elif isinstance(layout, Mapping):
        for value in layout.values():
            found |= extract_layout_params(value)
    elif isinstance(layout, (list, tuple)):
        for value in layout:
            found |= extract_layout_params(value)
    return found


def template_create_body(
    template_name: str,
    template_type: int,
    tag: str | int,
    layout: Mapping,
    params: list[Mapping] | None = None,
    note: str | None = None,
    tracking_id: str | None = None,
) -> dict:
    """Validated body of ``POST /template/create`` (§4.3).

    ``params`` items are ``{"name", "type" (1..15), "sample_value"}``; every
    ``<param>`` used in the layout must be declared.
    """
    try:
        ttype = int(template_type)
    except (TypeError, ValueError):
        ttype = 0
    if ttype not in TEMPLATE_TYPES:
        raise _param_error(f"Invalid template_type {template_type!r}; use 1..5")
    tag = str(tag)
    if tag not in TEMPLATE_TAGS:
        raise _param_error(f"Invalid template tag {tag!r}; use 1, 2 or 3")
    if not isinstance(layout, Mapping) or not layout:
        raise _param_error("The template layout must be a non-empty mapping")
    body_params = []
    declared: set[str] = set()
    for item in params or []:
        name = validate_param_name(item.get("name"))
        if name in declared:
            raise _param_error(f"Template param {name!r} is declared twice")
        declared.add(name)
        ptype = _param_type(item.get("type"))
        sample = item.get("sample_value")
        if sample is None or not str(sample).strip():
            raise _param_error(f"Template param {name!r} needs a sample_value")
        body_params.append(
            {
                "type": str(ptype),
                "name": name,
                "sample_value": validate_param_value(ptype, sample, name),
            }
        )
    undeclared = extract_layout_params(layout) - declared
    if undeclared:
        raise _param_error("The layout uses undeclared params: " + ", ".join(sorted(undeclared)))
    body: dict[str, Any] = {
        "template_name": validate_template_name(template_name),
        "template_type": ttype,
        "tag": tag,
        "layout": dict(layout),
        "params": body_params,
    }
    if note:
        note = normalize_text(note)
        if len(note) > TEMPLATE_NOTE_MAX_LENGTH:
            raise _param_error(f"The note is longer than {TEMPLATE_NOTE_MAX_LENGTH} characters")
        body["note"] = note
    if tracking_id:
        body["tracking_id"] = str(tracking_id)
    return body


def template_edit_body(template_id: str, **kwargs) -> dict:
    """Body of ``POST /template/edit``: a create body plus ``template_id``."""
    body = template_create_body(**kwargs)
    body["template_id"] = _require_id(template_id, "template_id")
    return body
