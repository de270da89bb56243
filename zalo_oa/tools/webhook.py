"""Webhook signature check and event parsing.

Signature (docs/zalo-api.md §2.3, H)::

    X-ZEvent-Signature: mac=<hex(SHA256(app_id + raw_body + timestamp + secret))>

* plain SHA-256 of the concatenation, **not** HMAC; ``raw_body`` byte for byte;
  ``timestamp`` is the ``timestamp`` field of the body (epoch ms string);
* the header may be ``mac=<hex>`` or bare hex;
* conflict C5 (first term ``app_id`` vs ``oa_id``) and C4 (OA Secret Key vs App
  Secret): :func:`verify_signature` tries ``app_id`` then the alternative ids, each
  with every secret in order (OA secret key first, then app secret), compares in
  constant time, and returns a label of the variant that matched (to be logged).

Events (§2.4–§2.6) are parsed into typed dataclasses. Ids and timestamps are kept
as strings (they exceed 2^53). Unknown events are never dropped: they become
:class:`UnknownEvent` with the raw payload. Shapes handled defensively:

* location: ``attachments[].payload.coordinates`` (C8, real log) and also
  ``message.location``;
* ZNS delivery receipt: nested ``message{delivery_time,msg_id,tracking_id}`` and the
  flat shape (C9);
* ``user_seen_message``: ``message.msg_ids`` array; OA receipts with ``msg_id``;
* ``user_send_gif`` (C7) is handled like any other message type; unknown
  ``user_send_*`` / ``oa_send_*`` names still parse as messages.

Group chat (GMF) events become :class:`GroupEvent` (never :class:`MessageEvent`) so
that group messages cannot be mistaken for 1:1 conversations.

Deduplication key (:func:`event_key`): the ``msg_id`` for message events; for every
other event a SHA-256 digest over the event name, timestamp and subject (ids,
template, status, tag...). Receipts and reactions deliberately do *not* use the
bare ``msg_id`` - it is the id of the message they refer to, shared by the
"received" and "seen" events and by the original message event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "EVENT_CATEGORIES",
    "EVENT_NAMES",
    "RETRY_HEADER",
    "SIGNATURE_HEADER",
    "Attachment",
    "FollowEvent",
    "GroupEvent",
    "MessageEvent",
    "QuotaChangeEvent",
    "ReactionEvent",
    "ReceiptEvent",
    "TagEvent",
    "TemplateQualityEvent",
    "TemplateStatusEvent",
    "UnknownEvent",
    "UserSubmitInfoEvent",
    "WebhookParseError",
    "ZaloEvent",
    "compute_signature",
    "customer_id",
    "event_key",
    "extract_timestamp",
    "parse_event",
    "retry_count",
    "verify_request",
    "verify_signature",
]

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
#: Redelivery counter header (§2.2, M).
RETRY_HEADER = "num_retry"
#: Extra header on ZNS events (§2.2, L-M).
ZNS_SERVER_HEADER = "X-ZEvent-Server"

#: Default labels of the secrets and alternative ids passed without labels.
DEFAULT_SECRET_LABELS = ("oa_secret", "app_secret")
DEFAULT_ALT_ID_LABELS = ("oa_id",)

_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


class WebhookParseError(ValueError):
    """The webhook body is not a JSON object."""


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


# ------------------------------------------------------------------ catalogue

CATEGORY_MESSAGE = "message"
CATEGORY_RECEIPT = "receipt"
CATEGORY_REACTION = "reaction"
CATEGORY_FOLLOW = "follow"
CATEGORY_USER_INFO = "user_info"
CATEGORY_TAG = "tag"
CATEGORY_TEMPLATE = "template"
CATEGORY_QUOTA = "quota"
CATEGORY_ZBS = "zbs"
CATEGORY_GROUP = "group"
CATEGORY_CALL = "call"
CATEGORY_WIDGET = "widget"
CATEGORY_INTERACTION = "interaction"
CATEGORY_OTHER = "other"
CATEGORY_UNKNOWN = "unknown"

_MESSAGE_TYPES = (
    "text",
    "image",
    "link",
    "audio",
    "video",
    "sticker",
    "location",
    "business_card",
    "file",
    "gif",
)

#: Every event of docs/zalo-api.md §2.5 → category.
EVENT_CATEGORIES: dict[str, str] = {
    # user → OA (C7: user_send_gif handled if received)
    **{f"user_send_{t}": CATEGORY_MESSAGE for t in _MESSAGE_TYPES},
    # OA → user echoes
    **{
        f"oa_send_{t}": CATEGORY_MESSAGE
        for t in ("text", "image", "gif", "list", "file", "sticker")
    },
    # anonymous (web widget) users; link/location/audio/video/gif are L
    **{
        f"anonymous_send_{t}": CATEGORY_MESSAGE
        for t in ("text", "image", "file", "sticker", "link", "location", "audio", "video", "gif")
    },
    "oa_send_anonymous_text": CATEGORY_MESSAGE,
    # lifecycle
    "user_received_message": CATEGORY_RECEIPT,
    "user_seen_message": CATEGORY_RECEIPT,
    "user_reacted_message": CATEGORY_REACTION,
    "oa_reacted_message": CATEGORY_REACTION,
    "user_click_chatnow": CATEGORY_INTERACTION,
    # user management
    "follow": CATEGORY_FOLLOW,
    "unfollow": CATEGORY_FOLLOW,
    "user_submit_info": CATEGORY_USER_INFO,
    "update_user_info": CATEGORY_USER_INFO,
    "user_withdraw": CATEGORY_USER_INFO,
    "add_user_to_tag": CATEGORY_TAG,
    "remove_user_from_tag": CATEGORY_TAG,
    "remove_tag": CATEGORY_TAG,
    "widget_interaction_accepted": CATEGORY_WIDGET,
    "widget_failed_to_sync_user_external_id": CATEGORY_WIDGET,
    # GMF groups (names differ between sources; any "*group*" name is a group event)
    **{
        f"user_send_group_{t}": CATEGORY_GROUP
        for t in (
            "text",
            "image",
            "link",
            "audio",
            "video",
            "sticker",
            "business_card",
            "file",
            "gif",
        )
    },
    **{
        f"oa_send_group_{t}": CATEGORY_GROUP
        for t in ("text", "image", "gif", "file", "sticker", "link", "audio", "video")
    },
    "create_group": CATEGORY_GROUP,
    "delete_group": CATEGORY_GROUP,
    "update_group_info": CATEGORY_GROUP,
    "add_group_admin": CATEGORY_GROUP,
    "remove_group_admin": CATEGORY_GROUP,
    "user_join_group": CATEGORY_GROUP,
    "user_request_join_group": CATEGORY_GROUP,
    "user_out_group": CATEGORY_GROUP,
    "user_leave_group": CATEGORY_GROUP,
    # voice call
    "oa_send_consent": CATEGORY_CALL,
    "user_reply_consent": CATEGORY_CALL,
    "user_call_oa": CATEGORY_CALL,
    # extension
    "extension_purchased": CATEGORY_OTHER,
    # ZNS / ZBS
    "change_template_status": CATEGORY_TEMPLATE,
    "change_template_quality": CATEGORY_TEMPLATE,
    "change_oa_daily_quota": CATEGORY_QUOTA,
    "user_feedback": CATEGORY_ZBS,
    "user_click_response_button": CATEGORY_ZBS,
    "event_journey_acknowledged": CATEGORY_ZBS,
    "event_journey_time_out": CATEGORY_ZBS,
}

#: The catalogue of known event names.
EVENT_NAMES: frozenset[str] = frozenset(EVENT_CATEGORIES)

#: Non-message events that count as an interaction for the 7-day window (§3.2).
_INTERACTION_EVENTS = frozenset(
    {
        "follow",
        "user_submit_info",
        "user_click_chatnow",
        "user_reply_consent",
        "user_call_oa",
        "user_feedback",
        "user_click_response_button",
        "widget_interaction_accepted",
    }
)


def _category_for(name: str) -> str:
    category = EVENT_CATEGORIES.get(name)
    if category:
        return category
    if "_group" in name:
        return CATEGORY_GROUP
    if name.startswith(("user_send_", "anonymous_send_", "oa_send_")):
        return CATEGORY_MESSAGE
    return CATEGORY_UNKNOWN


# --------------------------------------------------------------------- helpers


def _s(value) -> str | None:
    """Id/timestamp as a string (None for missing/empty)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _d(value) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return int(float(str(value).strip()))
        except ValueError:
            return None


def _float(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _load(payload) -> dict:
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, (bytes, bytearray, memoryview)):
        try:
            payload = bytes(payload).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WebhookParseError(f"Webhook body is not UTF-8: {exc}") from None
    if not isinstance(payload, str):
        raise WebhookParseError(f"Unsupported webhook payload type {type(payload).__name__}")
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise WebhookParseError(f"Webhook body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WebhookParseError("Webhook body is not a JSON object")
    return data


def _ms_to_datetime(value: str | None) -> datetime | None:
    ms = _int(value)
    if ms is None:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


# ---------------------------------------------------------------------- events


@dataclass
class Attachment:
    """One ``message.attachments[]`` item (or a synthesised location)."""

    type: str = ""
    url: str | None = None
    thumbnail: str | None = None
    name: str | None = None
    size: int | None = None
    checksum: str | None = None
    title: str | None = None
    description: str | None = None
    sticker_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    file_type: str | None = None
    payload: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw) -> Attachment:
        raw = _d(raw)
        payload = raw.get("payload")
        if not isinstance(payload, dict):
            # some payloads are a bare URL string
            payload = {"url": payload} if isinstance(payload, str) else {}
        kind = (_s(raw.get("type")) or "").lower()
        coords = _d(payload.get("coordinates")) or _d(payload.get("location"))
        return cls(
            type=kind,
            url=_s(payload.get("url")) or _s(payload.get("href")),
            thumbnail=_s(payload.get("thumbnail")),
            name=_s(payload.get("name")),
            size=_int(payload.get("size")),
            checksum=_s(payload.get("checksum")),
            title=_s(payload.get("title")),
            description=_s(payload.get("description")),
            sticker_id=_s(payload.get("id"))
            if kind == "sticker"
            else _s(payload.get("sticker_id")),
            latitude=_float(coords.get("latitude")),
            longitude=_float(coords.get("longitude")),
            file_type=_s(payload.get("type")),
            payload=payload,
        )


@dataclass
class ZaloEvent:
    """Base webhook event.

    ``user_id`` is the OA-scoped customer id (``sender.id`` for user events,
    ``recipient.id`` for ``oa_send_*`` echoes, ``follower.id`` for follows).
    ``timestamp`` is the epoch-ms string of the body. ``raw`` is the payload.
    """

    event_name: str = ""
    app_id: str | None = None
    oa_id: str | None = None
    timestamp: str | None = None
    user_id: str | None = None
    user_id_by_app: str | None = None
    msg_id: str | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def category(self) -> str:
        """``message``, ``receipt``, ``follow``, ``template``... (see EVENT_CATEGORIES)."""
        return _category_for(self.event_name)

    @property
    def direction(self) -> str | None:
        """``inbound`` (customer → OA), ``outbound`` (OA → customer) or None."""
        return None

    @property
    def is_known(self) -> bool:
        return self.event_name in EVENT_NAMES

    @property
    def is_interaction(self) -> bool:
        """True when the event opens/extends the 7-day consultation window (§3.2)."""
        return self.event_name in _INTERACTION_EVENTS

    @property
    def event_time(self) -> datetime | None:
        """``timestamp`` as a naive UTC datetime."""
        return _ms_to_datetime(self.timestamp)

    @property
    def key(self) -> str:
        return event_key(self)

    def _key_parts(self) -> list:
        return [
            self.event_name,
            self.app_id,
            self.oa_id,
            self.timestamp,
            self.user_id,
            self.msg_id,
        ]


@dataclass
class MessageEvent(ZaloEvent):
    """``user_send_*``, ``oa_send_*`` echoes and ``anonymous_send_*`` messages."""

    text: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    quote_msg_id: str | None = None
    anonymous_id: str | None = None
    conversation_id: str | None = None
    admin_id: str | None = None

    @property
    def direction(self) -> str | None:
        return "outbound" if self.event_name.startswith("oa_send_") else "inbound"

    @property
    def message_type(self) -> str:
        """``text``, ``image``, ``sticker``... (suffix of the event name)."""
        name = self.event_name
        for prefix in ("oa_send_anonymous_", "anonymous_send_", "user_send_", "oa_send_"):
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    @property
    def is_anonymous(self) -> bool:
        return "anonymous" in self.event_name or bool(self.anonymous_id)

    @property
    def is_interaction(self) -> bool:
        return self.direction == "inbound" and not self.is_anonymous

    @property
    def location(self) -> tuple[float, float] | None:
        for att in self.attachments:
            if att.latitude is not None and att.longitude is not None:
                return att.latitude, att.longitude
        return None

    def _key_parts(self) -> list:
        return [
            *super()._key_parts(),
            self.text,
            [a.url or a.sticker_id for a in self.attachments],
        ]


@dataclass
class FollowEvent(ZaloEvent):
    """``follow`` / ``unfollow`` (``user_id`` is ``follower.id``)."""

    source: str | None = None
    follow: bool = True


@dataclass
class ReceiptEvent(ZaloEvent):
    """``user_received_message`` / ``user_seen_message`` for OA and ZNS messages.

    For ZNS receipts (``is_zns``), ``phone`` is ``recipient.id`` (the number or its
    SHA-256 hash) and ``user_id`` is None. ``msg_id`` is the first of ``msg_ids``.
    """

    msg_ids: list[str] = field(default_factory=list)
    seen: bool = False
    delivery_time: str | None = None
    tracking_id: str | None = None
    phone: str | None = None
    is_zns: bool = False

    def _key_parts(self) -> list:
        return [
            *super()._key_parts(),
            sorted(self.msg_ids),
            self.delivery_time,
            self.tracking_id,
            self.phone,
        ]


@dataclass
class UserSubmitInfoEvent(ZaloEvent):
    """``user_submit_info``: answer to a ``request_user_info`` card."""

    info: dict = field(default_factory=dict)
    phone: str | None = None

    @property
    def direction(self) -> str | None:
        return "inbound"


@dataclass
class TemplateStatusEvent(ZaloEvent):
    """``change_template_status`` (statuses as sent: ``ENABLE``, ``REJECT``...)."""

    template_id: str | None = None
    prev_status: str | None = None
    new_status: str | None = None
    reason: str | None = None

    def _key_parts(self) -> list:
        return [*super()._key_parts(), self.template_id, self.prev_status, self.new_status]


@dataclass
class TemplateQualityEvent(ZaloEvent):
    """``change_template_quality`` (``HIGH``/``MEDIUM``/``LOW``/``UNDEFINED``)."""

    template_id: str | None = None
    prev_quality: str | None = None
    new_quality: str | None = None
    reason: str | None = None

    def _key_parts(self) -> list:
        return [*super()._key_parts(), self.template_id, self.prev_quality, self.new_quality]


@dataclass
class QuotaChangeEvent(ZaloEvent):
    """``change_oa_daily_quota`` (``quota{prev_value,new_value}``)."""

    prev_value: int | None = None
    new_value: int | None = None

    def _key_parts(self) -> list:
        return [*super()._key_parts(), self.prev_value, self.new_value]


@dataclass
class TagEvent(ZaloEvent):
    """``add_user_to_tag`` / ``remove_user_from_tag`` / ``remove_tag``."""

    tag_name: str | None = None
    user_ids: list[str] = field(default_factory=list)
    action: str = "add"  # add | remove | delete

    def _key_parts(self) -> list:
        return [*super()._key_parts(), self.tag_name, sorted(self.user_ids)]


@dataclass
class ReactionEvent(ZaloEvent):
    """``user_reacted_message`` / ``oa_reacted_message``."""

    react_icon: str | None = None
    react_msg_id: str | None = None

    def _key_parts(self) -> list:
        return [*super()._key_parts(), self.react_icon, self.react_msg_id]


@dataclass
class GroupEvent(ZaloEvent):
    """GMF group events, including group messages (kept apart from 1:1 messages)."""

    group_id: str | None = None
    text: str | None = None
    attachments: list[Attachment] = field(default_factory=list)

    def _key_parts(self) -> list:
        return [*super()._key_parts(), self.group_id, self.text]


@dataclass
class UnknownEvent(ZaloEvent):
    """An event this version does not know (or could not parse); ``raw`` is kept."""

    parse_error: str | None = None

    def _key_parts(self) -> list:
        return [self.event_name, self.raw]


# --------------------------------------------------------------------- parsing


def _base(name: str, data: dict) -> dict[str, Any]:
    sender, recipient = _d(data.get("sender")), _d(data.get("recipient"))
    outbound = name.startswith(("oa_send_", "oa_reacted_"))
    explicit_oa = _s(data.get("oa_id")) or _s(data.get("oaId")) or _s(data.get("oaid"))
    if outbound:
        user_id, oa_id = _s(recipient.get("id")), explicit_oa or _s(sender.get("id"))
    else:
        user_id = _s(sender.get("id")) or _s(_d(data.get("follower")).get("id"))
        oa_id = explicit_oa or _s(recipient.get("id"))
    message = _d(data.get("message"))
    return {
        "event_name": name,
        "app_id": _s(data.get("app_id")),
        "oa_id": oa_id,
        "timestamp": _s(data.get("timestamp")),
        "user_id": user_id or _s(data.get("user_id")),
        "user_id_by_app": _s(data.get("user_id_by_app")),
        "msg_id": _s(message.get("msg_id")) or _s(data.get("msg_id")),
        "raw": data,
    }


def _attachments(message: dict) -> list[Attachment]:
    items = message.get("attachments")
    if isinstance(items, dict):
        items = [items]
    result = [Attachment.from_raw(item) for item in items or [] if isinstance(item, dict)]
    location = _d(message.get("location"))  # C8 side B
    if location and not any(a.latitude is not None for a in result):
        result.append(
            Attachment(
                type="location",
                latitude=_float(location.get("latitude")),
                longitude=_float(location.get("longitude")),
                payload=location,
            )
        )
    return result


def _message_event(name: str, data: dict) -> MessageEvent:
    base = _base(name, data)
    message = _d(data.get("message"))
    sender, recipient = _d(data.get("sender")), _d(data.get("recipient"))
    anonymous_id = (
        _s(message.get("anonymous_id"))
        or _s(sender.get("anonymous_id"))
        or _s(recipient.get("anonymous_id"))
        or _s(data.get("anonymous_id"))
    )
    if anonymous_id is None and "anonymous" in name:
        anonymous_id = base["user_id"]
    conversation_id = (
        _s(message.get("conversation_id"))
        or _s(sender.get("conversation_id"))
        or _s(recipient.get("conversation_id"))
        or _s(data.get("conversation_id"))
    )
    text = message.get("text")
    return MessageEvent(
        **base,
        text=text if isinstance(text, str) else _s(text),
        attachments=_attachments(message),
        quote_msg_id=_s(message.get("quote_msg_id")) or _s(message.get("quote_message_id")),
        anonymous_id=anonymous_id,
        conversation_id=conversation_id,
        admin_id=_s(sender.get("admin_id")) if name.startswith("oa_send_") else None,
    )


def _receipt_event(name: str, data: dict) -> ReceiptEvent:
    base = _base(name, data)
    message = _d(data.get("message"))
    msg_ids: list[str] = []
    for source in (message, data):
        raw_ids = source.get("msg_ids")
        if isinstance(raw_ids, (list, tuple)):
            msg_ids.extend(i for i in (_s(x) for x in raw_ids) if i)
        single = _s(source.get("msg_id"))
        if single:
            msg_ids.append(single)
        if msg_ids:
            break
    msg_ids = list(dict.fromkeys(msg_ids))
    delivery_time = _s(message.get("delivery_time")) or _s(data.get("delivery_time"))
    tracking_id = _s(message.get("tracking_id")) or _s(data.get("tracking_id"))
    is_zns = bool(delivery_time or tracking_id)
    phone = None
    if is_zns:
        sender, recipient = _d(data.get("sender")), _d(data.get("recipient"))
        phone = _s(recipient.get("id")) or _s(data.get("phone"))
        base["user_id"] = None
        base["oa_id"] = _s(data.get("oa_id")) or _s(sender.get("id"))
    base["msg_id"] = msg_ids[0] if msg_ids else None
    return ReceiptEvent(
        **base,
        msg_ids=msg_ids,
        seen=name == "user_seen_message",
        delivery_time=delivery_time,
        tracking_id=tracking_id,
        phone=phone,
        is_zns=is_zns,
    )


def _follow_event(name: str, data: dict) -> FollowEvent:
    base = _base(name, data)
    follower = _s(_d(data.get("follower")).get("id"))
    if follower:
        base["user_id"] = follower
    return FollowEvent(**base, source=_s(data.get("source")), follow=name == "follow")


def _submit_info_event(name: str, data: dict) -> UserSubmitInfoEvent:
    info = _d(data.get("info")) or _d(_d(data.get("message")).get("info"))
    phone = info.get("phone")
    return UserSubmitInfoEvent(
        **_base(name, data),
        info=info,
        phone=None if phone in (None, "", 0, "0") else _s(phone),
    )


def _status_pair(data: dict, container: str, prev_keys, new_keys):
    box = _d(data.get(container))
    prev = next((box[k] for k in prev_keys if box.get(k) not in (None, "")), None)
    new = next((box[k] for k in new_keys if box.get(k) not in (None, "")), None)
    if prev is None:
        prev = next((data[k] for k in prev_keys if data.get(k) not in (None, "")), None)
    if new is None:
        new = next((data[k] for k in new_keys if data.get(k) not in (None, "")), None)
    if new is None and isinstance(data.get(container), (str, int)):
        new = data.get(container)
    return _s(prev), _s(new), box


def _template_status_event(name: str, data: dict) -> TemplateStatusEvent:
    prev, new, box = _status_pair(data, "status", ("prev_status",), ("new_status",))
    return TemplateStatusEvent(
        **_base(name, data),
        template_id=_s(data.get("template_id")) or _s(box.get("template_id")),
        prev_status=prev,
        new_status=new,
        reason=_s(data.get("reason")) or _s(box.get("reason")),
    )


def _template_quality_event(name: str, data: dict) -> TemplateQualityEvent:
    prev_keys = ("prev_quality", "prev_value", "prev_status", "prev")
    new_keys = ("new_quality", "new_value", "new_status", "new")
    prev, new, box = _status_pair(data, "quality", prev_keys, new_keys)
    if prev is None and new is None:
        prev, new, box = _status_pair(data, "status", prev_keys, new_keys)
    return TemplateQualityEvent(
        **_base(name, data),
        template_id=_s(data.get("template_id")) or _s(box.get("template_id")),
        prev_quality=prev,
        new_quality=new,
        reason=_s(data.get("reason")) or _s(box.get("reason")),
    )


def _quota_event(name: str, data: dict) -> QuotaChangeEvent:
    prev, new, _box = _status_pair(data, "quota", ("prev_value",), ("new_value",))
    return QuotaChangeEvent(**_base(name, data), prev_value=_int(prev), new_value=_int(new))


def _tag_event(name: str, data: dict) -> TagEvent:
    base = _base(name, data)
    tag = _d(data.get("tag"))
    raw_ids = tag.get("user_ids") or data.get("user_ids") or []
    if not isinstance(raw_ids, (list, tuple)):
        raw_ids = [raw_ids]
    user_ids = [i for i in (_s(x) for x in raw_ids) if i]
    if not base["user_id"] and len(user_ids) == 1:
        base["user_id"] = user_ids[0]
    action = {"add_user_to_tag": "add", "remove_user_from_tag": "remove"}.get(name, "delete")
    return TagEvent(
        **base,
        tag_name=_s(tag.get("name")) or _s(tag.get("tag_name")) or _s(data.get("tag_name")),
        user_ids=user_ids,
        action=action,
    )


def _reaction_event(name: str, data: dict) -> ReactionEvent:
    base = _base(name, data)
    message = _d(data.get("message"))
    react_msg_id = _s(message.get("react_msg_id")) or _s(message.get("msg_id"))
    base["msg_id"] = None  # the reacted message's id is not this event's id
    return ReactionEvent(
        **base,
        react_icon=_s(message.get("react_icon")) or _s(data.get("react_icon")),
        react_msg_id=react_msg_id,
    )


def _group_event(name: str, data: dict) -> GroupEvent:
    base = _base(name, data)
    message = _d(data.get("message"))
    recipient, group = _d(data.get("recipient")), _d(data.get("group"))
    group_id = (
        _s(data.get("group_id"))
        or _s(group.get("id"))
        or _s(group.get("group_id"))
        or _s(recipient.get("group_id"))
        or _s(message.get("group_id"))
    )
    text = message.get("text")
    return GroupEvent(
        **base,
        group_id=group_id,
        text=text if isinstance(text, str) else None,
        attachments=_attachments(message),
    )


_FACTORIES = {
    "user_received_message": _receipt_event,
    "user_seen_message": _receipt_event,
    "follow": _follow_event,
    "unfollow": _follow_event,
    "user_submit_info": _submit_info_event,
    "change_template_status": _template_status_event,
    "change_template_quality": _template_quality_event,
    "change_oa_daily_quota": _quota_event,
    "add_user_to_tag": _tag_event,
    "remove_user_from_tag": _tag_event,
    "remove_tag": _tag_event,
    "user_reacted_message": _reaction_event,
    "oa_reacted_message": _reaction_event,
}


def _generic_event(name: str, data: dict) -> ZaloEvent:
    return ZaloEvent(**_base(name, data))


def _unknown_event(name: str, data: dict) -> UnknownEvent:
    return UnknownEvent(**_base(name, data))


def parse_event(payload) -> ZaloEvent:
    """Parse a webhook body (dict, or raw JSON bytes/str) into a typed event.

    Raises :class:`WebhookParseError` only when the body is not a JSON object.
    Unknown or malformed events become :class:`UnknownEvent` (never dropped).
    """
    data = _load(payload)
    name = _s(data.get("event_name")) or ""
    category = _category_for(name)
    factory = _FACTORIES.get(name)
    if factory is None:
        if category == CATEGORY_MESSAGE:
            factory = _message_event
        elif category == CATEGORY_GROUP:
            factory = _group_event
        elif category == CATEGORY_UNKNOWN:
            factory = _unknown_event
        else:
            factory = _generic_event
    try:
        return factory(name, data)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # never crash
        _logger.warning("Could not parse Zalo event %r: %s", name, exc)
        try:
            base = _base(name, data)
        except (TypeError, ValueError, AttributeError, KeyError):
            base = {"event_name": name, "raw": data}
        return UnknownEvent(**base, parse_error=f"{type(exc).__name__}: {exc}")


def customer_id(event: ZaloEvent, oa_id: str | None) -> str | None:
    """The Zalo user id of the customer an event is about, never the OA's own id.

    Zalo does not put the two parties of receipt events (``user_received_message``,
    ``user_seen_message``) on a fixed side: the OA may be the ``sender`` (the message's
    author) or the ``recipient`` (the event's addressee). Whichever side holds the OA
    id, the customer is the other one. ZNS receipts by phone have no customer id.
    """
    user_id = event.user_id
    if not oa_id or user_id != str(oa_id):
        return user_id
    raw = event.raw if isinstance(event.raw, dict) else {}
    for side in ("sender", "recipient"):
        other = _s(_d(raw.get(side)).get("id"))
        if other and other != str(oa_id):
            return other
    return None


def event_key(event: ZaloEvent) -> str:
    """Deduplication key: ``msg_id`` for message events, else a stable SHA-256 digest.

    The digest covers the event name, ids, timestamp and the event's subject, so
    redeliveries of the same event (Zalo retries) map to the same key.
    """
    if isinstance(event, MessageEvent) and event.msg_id:
        return event.msg_id
    canonical = json.dumps(
        event._key_parts(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
