"""Typed webhook events (docs/zalo-api.md §2.4–§2.6) and the event catalogue (§2.5).

Ids and timestamps are kept as strings (they exceed 2^53). Every event name of the
catalogue maps to a category; group chat (GMF) events are :class:`GroupEvent`, never
:class:`MessageEvent`, so that group messages cannot be mistaken for 1:1
conversations. Parsing a body into these classes is :func:`.webhook.parse_event`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import ClassVar

__all__ = [
    "EVENT_CATEGORIES",
    "EVENT_NAMES",
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
    "event_key",
]


class WebhookParseError(ValueError):
    """The webhook body is not a JSON object."""


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
        for t in _MESSAGE_TYPES
        if t != "location"  # the catalogue has no group location message
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
        return _without_nul(payload)
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
    if "\\u0000" in payload:
        data = _without_nul(data)
    return data


def _without_nul(value):
    """``value`` with the NUL characters (JSON ``\\u0000``) removed from its strings.

    PostgreSQL text cannot hold them: an event whose ids or text carry one could be
    neither stored nor processed. Zalo sends none; a body that has them is read without.
    A value without any is returned as it is (not copied).
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        items = [_without_nul(item) for item in value]
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value
    if isinstance(value, dict):
        items = {_without_nul(key): _without_nul(item) for key, item in value.items()}
        changed = len(items) != len(value) or any(
            new_key is not key or items[new_key] is not item
            for new_key, (key, item) in zip(items, value.items(), strict=True)
        )
        return items if changed else value
    return value


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

    #: the subclass's fields that also identify the event in its dedup key, in order
    _key_fields: ClassVar[tuple[str, ...]] = ()

    def _key_parts(self) -> list:
        return [
            self.event_name,
            self.app_id,
            self.oa_id,
            self.timestamp,
            self.user_id,
            self.msg_id,
            *(getattr(self, name) for name in self._key_fields),
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
class _TemplateChangeEvent(ZaloEvent):
    """A ZBS template changed (its status or its quality)."""

    template_id: str | None = None
    reason: str | None = None


@dataclass
class TemplateStatusEvent(_TemplateChangeEvent):
    """``change_template_status`` (statuses as sent: ``ENABLE``, ``REJECT``...)."""

    prev_status: str | None = None
    new_status: str | None = None
    _key_fields: ClassVar[tuple[str, ...]] = ("template_id", "prev_status", "new_status")


@dataclass
class TemplateQualityEvent(_TemplateChangeEvent):
    """``change_template_quality`` (``HIGH``/``MEDIUM``/``LOW``/``UNDEFINED``)."""

    prev_quality: str | None = None
    new_quality: str | None = None
    _key_fields: ClassVar[tuple[str, ...]] = ("template_id", "prev_quality", "new_quality")


@dataclass
class QuotaChangeEvent(ZaloEvent):
    """``change_oa_daily_quota`` (``quota{prev_value,new_value}``)."""

    prev_value: int | None = None
    new_value: int | None = None
    _key_fields: ClassVar[tuple[str, ...]] = ("prev_value", "new_value")


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
    _key_fields: ClassVar[tuple[str, ...]] = ("react_icon", "react_msg_id")


@dataclass
class GroupEvent(ZaloEvent):
    """GMF group events, including group messages (kept apart from 1:1 messages)."""

    group_id: str | None = None
    text: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    _key_fields: ClassVar[tuple[str, ...]] = ("group_id", "text")


@dataclass
class UnknownEvent(ZaloEvent):
    """An event this version does not know (or could not parse); ``raw`` is kept."""

    parse_error: str | None = None

    def _key_parts(self) -> list:
        return [self.event_name, self.raw]


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
