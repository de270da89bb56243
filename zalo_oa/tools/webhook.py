"""Webhook events: parsing a body into typed events, the customer and the dedup key.

The signature check is :mod:`.signature`, the event classes and the catalogue are
:mod:`.events`; both are re-exported here, the one module the models import.

Events (docs/zalo-api.md §2.4–§2.6) are parsed into the typed dataclasses of
:mod:`.events`. Unknown events are never dropped: they become :class:`UnknownEvent`
with the raw payload. Shapes handled defensively:

* location: ``attachments[].payload.coordinates`` (C8, real log) and also
  ``message.location``;
* ZNS delivery receipt: nested ``message{delivery_time,msg_id,tracking_id}`` and the
  flat shape (C9);
* ``user_seen_message``: ``message.msg_ids`` array; OA receipts with ``msg_id``;
* ``user_send_gif`` (C7) is handled like any other message type; unknown
  ``user_send_*`` / ``oa_send_*`` names still parse as messages.

Deduplication key (:func:`event_key`): the ``msg_id`` for message events; for every
other event a SHA-256 digest over the event name, timestamp and subject (ids,
template, status, tag...). Receipts and reactions deliberately do *not* use the
bare ``msg_id`` - it is the id of the message they refer to, shared by the
"received" and "seen" events and by the original message event.
"""

from __future__ import annotations

import logging
from typing import Any

from . import events, signature
from .events import (
    CATEGORY_GROUP,
    CATEGORY_MESSAGE,
    CATEGORY_UNKNOWN,
    Attachment,
    FollowEvent,
    GroupEvent,
    MessageEvent,
    QuotaChangeEvent,
    ReactionEvent,
    ReceiptEvent,
    TagEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    UnknownEvent,
    UserSubmitInfoEvent,
    ZaloEvent,
    _category_for,
    _d,
    _float,
    _int,
    _load,
    _s,
)
from .events import EVENT_CATEGORIES as EVENT_CATEGORIES  # re-exported
from .events import EVENT_NAMES as EVENT_NAMES  # re-exported
from .events import WebhookParseError as WebhookParseError  # re-exported
from .events import event_key as event_key  # re-exported
from .signature import RETRY_HEADER as RETRY_HEADER  # re-exported
from .signature import SIGNATURE_HEADER as SIGNATURE_HEADER  # re-exported
from .signature import compute_signature as compute_signature  # re-exported
from .signature import extract_timestamp as extract_timestamp  # re-exported
from .signature import retry_count as retry_count  # re-exported
from .signature import verify_request as verify_request  # re-exported
from .signature import verify_signature as verify_signature  # re-exported

#: Everything :mod:`.events` and :mod:`.signature` export (re-exported above), and the parsing.
__all__ = [*events.__all__, *signature.__all__, "customer_id", "parse_event"]
_logger = logging.getLogger(__name__)


# --------------------------------------------------------------------- parsing


def _first(values) -> str | None:
    """The first of ``values`` that is an id or a text (see ``_s``), else None."""
    return next((text for text in map(_s, values) if text), None)


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
    sender = _d(data.get("sender"))
    # the message first, then either party, then the top level
    places = (message, sender, _d(data.get("recipient")), data)
    anonymous_id = _first(place.get("anonymous_id") for place in places)
    if anonymous_id is None and "anonymous" in name:
        anonymous_id = base["user_id"]
    conversation_id = _first(place.get("conversation_id") for place in places)
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


def _template_base(name: str, data: dict, box: dict) -> dict:
    """The common fields of a template event, at the top level or in the status box."""
    return {
        **_base(name, data),
        "template_id": _s(data.get("template_id")) or _s(box.get("template_id")),
        "reason": _s(data.get("reason")) or _s(box.get("reason")),
    }


def _template_status_event(name: str, data: dict) -> TemplateStatusEvent:
    prev, new, box = _status_pair(data, "status", ("prev_status",), ("new_status",))
    return TemplateStatusEvent(**_template_base(name, data, box), prev_status=prev, new_status=new)


def _template_quality_event(name: str, data: dict) -> TemplateQualityEvent:
    prev_keys = ("prev_quality", "prev_value", "prev_status", "prev")
    new_keys = ("new_quality", "new_value", "new_status", "new")
    prev, new, box = _status_pair(data, "quality", prev_keys, new_keys)
    if prev is None and new is None:
        prev, new, box = _status_pair(data, "status", prev_keys, new_keys)
    return TemplateQualityEvent(
        **_template_base(name, data, box), prev_quality=prev, new_quality=new
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
    group_id = _first(
        (
            data.get("group_id"),
            group.get("id"),
            group.get("group_id"),
            recipient.get("group_id"),
            message.get("group_id"),
        )
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
