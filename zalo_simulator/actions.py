"""Things that happen in the simulated world: customers writing, following, reading,
OA staff typing in Zalo's own app, template reviews, ZNS deliveries.

Each action updates the store under its lock, then queues the matching signed webhook.
Used by the control API, the web page and the Zalo-facing handlers alike.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from . import errors as E
from . import webhooks as W
from .state import DEMO_CUSTOMERS, Customer, Message, Template
from .templates import render_lines
from .util import ControlError, colour_for, hex_id, make_pdf, make_png, phone_to_84, vn_day

if TYPE_CHECKING:
    from .state import OA, Media, Store
    from .webhooks import Delivery, Webhooks


class Simulator(Protocol):
    """What the actions need of the running simulator (:class:`.server.Simulator`).

    A protocol, so that this module does not import the server: the server imports
    the actions and the API handlers, which import the actions, never the reverse.
    """

    store: Store
    webhooks: Webhooks

    @property
    def public_url(self) -> str: ...

    def later(self, delay_ms: int, fn: Any, *args: Any) -> None: ...

    def mark_dirty(self) -> None: ...


USER_TYPES = (
    "text",
    "image",
    "gif",
    "file",
    "audio",
    "video",
    "sticker",
    "location",
    "link",
    "business_card",
)
TEMPLATE_STATUSES = ("ENABLE", "REJECT", "DISABLE", "PENDING_REVIEW", "DELETE")


def new_msg_id() -> str:
    return hex_id()


# ============================================================================ media helpers


def media_url(sim: Simulator, media: Media) -> str:
    return f"{sim.public_url}/_sim/media/{media.media_id}/{quote(media.filename)}"


def file_attachment(sim: Simulator, media: Media) -> dict:
    ext = media.filename.rsplit(".", 1)[-1].lower() if "." in media.filename else ""
    return {
        "type": "file",
        "payload": {
            "url": media_url(sim, media),
            "name": media.filename,
            "size": str(len(media.data)),
            "type": ext,
            "checksum": hashlib.md5(media.data).hexdigest(),
        },
    }


def sticker_attachment(sim: Simulator, sticker_id: str) -> dict:
    url = f"{sim.public_url}/_sim/img/sticker-{quote(sticker_id)}.png"
    return {"type": "sticker", "payload": {"id": sticker_id, "url": url}}


def _sample_media(sim: Simulator, kind: str, name: str | None) -> Media:
    if kind == "image":
        return sim.store.add_media(
            name or "anh.png", "image/png", make_png(320, 200, (0, 104, 255))
        )
    if kind == "gif":
        gif = (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x68\xff\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
        )
        return sim.store.add_media(name or "dong.gif", "image/gif", gif)
    if kind == "audio":
        return sim.store.add_media(name or "ghi-am.aac", "audio/aac", b"\xff\xf1simulated-audio")
    if kind == "video":
        return sim.store.add_media(name or "video.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42sim")
    return sim.store.add_media(
        name or "tai-lieu.pdf", "application/pdf", make_pdf("Tai lieu mo phong")
    )


def _resolve_media(sim: Simulator, spec: dict, kind: str) -> tuple[str, Media | None]:
    """URL (and media when hosted here) for a customer-sent image/file/…"""
    media_id = spec.get("media_id")
    if media_id:
        media = sim.store.media.get(str(media_id))
        if media is None:
            raise ControlError(f"unknown media_id {media_id}", 404)
        return media_url(sim, media), media
    if spec.get("url"):
        return str(spec["url"]), None
    media = _sample_media(sim, kind, spec.get("filename") or spec.get("name"))
    return media_url(sim, media), media


# ============================================================================ deliveries


def delivery_result(sim: Simulator, delivery: Delivery, wait: bool) -> dict:
    if wait:
        delivery.first_done.wait(sim.store.settings.webhook_timeout + 2)
    return delivery.to_dict(with_body=False)


def _ts(sim: Simulator, offset_ms: int = 0) -> str:
    return str(sim.store.now_ms() + offset_ms)


# ============================================================================ OA → customer


def after_oa_send(sim: Simulator, oa: OA, cust: Customer, msg: Message, echo: bool = True) -> None:
    """Automatic receipt (and optional ``oa_send_*`` echo) after an API send."""
    settings = sim.store.settings
    if echo and settings.echo_api_sends:
        sim.webhooks.emit(oa, W.oa_echo_event(oa, cust, msg, _ts(sim)))
    if settings.auto_receipts:
        delay = settings.auto_receipt_delay_ms
        with sim.store.lock:
            msg.delivered_ms = sim.store.now_ms() + delay
        payload = W.receipt_event(oa, cust, "user_received_message", [msg.msg_id], _ts(sim, delay))
        sim.webhooks.emit(oa, payload, delay_ms=delay)


def roll_zns_day(sim: Simulator, oa: OA) -> None:
    today = vn_day(sim.store.now_ms())
    if oa.zns_quota_day != today:
        oa.zns_quota_day = today
        oa.zns_used = 0


def take_zns_quota(sim: Simulator, oa: OA) -> int:
    """Spend one unit of the OA's daily ZNS/ZBS quota; -144 when none is left."""
    roll_zns_day(sim, oa)
    if oa.zns_used >= oa.zns_daily_quota:
        raise E.zns_error(E.ZNS_DAILY_QUOTA)
    oa.zns_used += 1
    return oa.zns_daily_quota - oa.zns_used


def record_template_message(
    sim: Simulator,
    oa: OA,
    tpl: Template,
    data: dict,
    cust: Customer | None,
    *,
    source: str,
    phone: str | None = None,
    tracking_id: str | None = None,
) -> Message:
    return sim.store.add_message(
        oa_id=oa.oa_id,
        user_id=cust.user_id if cust else None,
        direction="oa",
        type="template",
        text="\n".join(render_lines(tpl, data)),
        attachments=[
            {
                "type": "template",
                "payload": {
                    "template_id": tpl.template_id,
                    "template_name": tpl.template_name,
                    "template_data": data,
                },
            }
        ],
        source=source,
        template_id=tpl.template_id,
        tracking_id=tracking_id,
        phone=phone,
    )


def schedule_zns_receipt(sim: Simulator, oa: OA, msg: Message) -> None:
    settings = sim.store.settings
    if not settings.auto_receipts:
        return
    delay = settings.auto_receipt_delay_ms
    with sim.store.lock:
        msg.delivered_ms = sim.store.now_ms() + delay
    payload = W.zns_receipt_event(
        oa, msg.phone or "", msg.msg_id, msg.tracking_id or "", msg.delivered_ms
    )
    sim.webhooks.emit(oa, payload, delay_ms=delay, zns=True)


def mark_received(sim: Simulator, msg_id: str, wait: bool = True) -> dict:
    """Manual delivery receipt (when automatic receipts are off)."""
    store = sim.store
    with store.lock:
        msg = store.messages.get(msg_id)
        if msg is None or msg.direction != "oa":
            raise ControlError(f"unknown OA message {msg_id}", 404)
        oa = store.get_oa(msg.oa_id)
        msg.delivered_ms = store.now_ms()
        if msg.source == "zns":
            payload = W.zns_receipt_event(
                oa, msg.phone or "", msg.msg_id, msg.tracking_id or "", msg.delivered_ms
            )
        else:
            cust = store.get_customer(msg.user_id or "")
            payload = W.receipt_event(oa, cust, "user_received_message", [msg.msg_id], _ts(sim))
    delivery = sim.webhooks.emit(oa, payload, zns=msg.source == "zns")
    return {"event": payload, "delivery": delivery_result(sim, delivery, wait)}


def mark_seen(
    sim: Simulator, *, msg_id: str | None = None, user_id: str | None = None, wait: bool = True
) -> dict:
    """``user_seen_message`` for one OA message, or for every unseen one of a customer."""
    store = sim.store
    with store.lock:
        if msg_id:
            msg = store.messages.get(msg_id)
            if msg is None or msg.direction != "oa" or not msg.user_id:
                raise ControlError(
                    f"unknown OA message {msg_id} (or not sent to a known user)", 404
                )
            cust = store.get_customer(msg.user_id)
            msgs = [msg]
        else:
            cust = store.get_customer(user_id or "")
            msgs = [
                m
                for m in store.conversation(cust.oa_id, cust.user_id)
                if m.direction == "oa" and m.seen_ms is None
            ]
        if not msgs:
            return {"event": None, "delivery": None}
        now = store.now_ms()
        for m in msgs:
            m.seen_ms = now
            if m.delivered_ms is None or m.delivered_ms > now:
                m.delivered_ms = now
        oa = store.get_oa(cust.oa_id)
        payload = W.receipt_event(oa, cust, "user_seen_message", [m.msg_id for m in msgs], _ts(sim))
    delivery = sim.webhooks.emit(oa, payload)
    return {"event": payload, "delivery": delivery_result(sim, delivery, wait)}


# ============================================================================ customer → OA


def _build_user_message(sim: Simulator, spec: dict) -> tuple[str, str, list[dict]]:
    mtype = spec.get("type", "text")
    if mtype not in USER_TYPES:
        raise ControlError(f"type must be one of {', '.join(USER_TYPES)}")
    text = spec.get("text") or ""
    if mtype == "text":
        if not text.strip():
            raise ControlError("text is required")
        return mtype, text, []
    if mtype in ("image", "gif"):
        url, _ = _resolve_media(sim, spec, mtype)
        thumb = spec.get("thumbnail") or url
        return mtype, text, [{"type": mtype, "payload": {"url": url, "thumbnail": thumb}}]
    if mtype == "file":
        url, media = _resolve_media(sim, spec, "file")
        if media is not None:
            return mtype, text, [file_attachment(sim, media)]
        name = spec.get("name") or url.rsplit("/", 1)[-1]
        payload = {
            "url": url,
            "name": name,
            "size": str(spec.get("size", "0")),
            "type": name.rsplit(".", 1)[-1].lower() if "." in name else "",
            "checksum": spec.get("checksum", ""),
        }
        return mtype, text, [{"type": "file", "payload": payload}]
    if mtype in ("audio", "video"):
        url, _ = _resolve_media(sim, spec, mtype)
        payload = {"url": url}
        if mtype == "video":
            payload["thumbnail"] = (
                spec.get("thumbnail") or f"{sim.public_url}/_sim/img/video-thumb.png"
            )
            payload["description"] = spec.get("description", "")
        return mtype, text, [{"type": mtype, "payload": payload}]
    if mtype == "sticker":
        return mtype, text, [sticker_attachment(sim, str(spec.get("sticker_id") or "sim-smile"))]
    if mtype == "location":
        try:
            lat, lon = float(spec.get("latitude", 10.7769)), float(spec.get("longitude", 106.7009))
        except (TypeError, ValueError):
            raise ControlError("latitude/longitude must be numbers") from None
        coords = {"latitude": str(lat), "longitude": str(lon)}
        return mtype, text, [{"type": "location", "payload": {"coordinates": coords}}]
    if mtype == "link":
        url = spec.get("url") or "https://example.com/san-pham"
        payload = {
            "url": url,
            "title": spec.get("title") or url,
            "description": spec.get("description", ""),
            "thumbnail": spec.get("thumbnail") or f"{sim.public_url}/_sim/img/link.png",
        }
        return mtype, text or url, [{"type": "link", "payload": payload}]
    # business_card: the attachment shape is not documented; Zalo is believed to send a
    # link-like attachment whose description is a JSON string with the phone / QR url.
    name = spec.get("name") or "Danh thiếp"
    phone = phone_to_84(spec.get("phone") or "0900000000")
    desc = json.dumps({"phone": phone, "qrCodeUrl": f"{sim.public_url}/_sim/img/qr-{phone}.png"})
    payload = {
        "title": name,
        "description": desc,
        "thumbnail": spec.get("thumbnail") or f"{sim.public_url}/_sim/img/card-{phone}.png",
        "url": "",
    }
    return mtype, text, [{"type": "link", "payload": payload}]


def customer_send(sim: Simulator, user_id: str, spec: dict, wait: bool = True) -> dict:
    """The customer sends a message: store it, refresh the window, deliver the webhook."""
    store = sim.store
    with store.lock:
        cust = store.get_customer(user_id)
        oa = store.get_oa(cust.oa_id)
        mtype, text, attachments = _build_user_message(sim, spec)
        msg = store.add_message(
            oa_id=oa.oa_id,
            user_id=cust.user_id,
            direction="user",
            type=mtype,
            text=text,
            attachments=attachments,
            source="user",
        )
        cust.last_interaction_ms = msg.sent_ms
        payload = W.user_message_event(oa, cust, msg, str(msg.sent_ms))
    delivery = sim.webhooks.emit(oa, payload)
    return {
        "event": payload,
        "message": msg_view(msg),
        "delivery": delivery_result(sim, delivery, wait),
    }


def follow(
    sim: Simulator, user_id: str, followed: bool, source: str = "oa_profile", wait: bool = True
) -> dict:
    store = sim.store
    with store.lock:
        cust = store.get_customer(user_id)
        oa = store.get_oa(cust.oa_id)
        cust.follower = followed
        if followed:  # following counts as an interaction (docs/zalo-api.md §3.2)
            cust.last_interaction_ms = store.now_ms()
        payload = W.follow_event(oa, cust, "follow" if followed else "unfollow", source, _ts(sim))
    delivery = sim.webhooks.emit(oa, payload)
    return {"event": payload, "delivery": delivery_result(sim, delivery, wait)}


def submit_info(sim: Simulator, user_id: str, info: dict, wait: bool = True) -> dict:
    """The customer answers a ``request_user_info`` card."""
    store = sim.store
    with store.lock:
        cust = store.get_customer(user_id)
        oa = store.get_oa(cust.oa_id)
        phone = phone_to_84(info.get("phone") or cust.phone)
        shared = {
            "name": info.get("name") or cust.name,
            "phone": phone,
            "address": info.get("address", ""),
            "city": info.get("city", ""),
            "district": info.get("district", ""),
            "ward": info.get("ward", ""),
        }
        cust.shared_info = dict(shared)
        cust.phone = phone or cust.phone
        cust.last_interaction_ms = store.now_ms()
        payload = W.submit_info_event(oa, cust, shared, _ts(sim))
    delivery = sim.webhooks.emit(oa, payload)
    return {"event": payload, "delivery": delivery_result(sim, delivery, wait)}


def oa_app_send(sim: Simulator, user_id: str, spec: dict, wait: bool = True) -> dict:
    """OA staff reply from Zalo's own OA app/web: stored and echoed as ``oa_send_*``."""
    store = sim.store
    with store.lock:
        cust = store.get_customer(user_id)
        oa = store.get_oa(cust.oa_id)
        mtype, text, attachments = _build_user_message(sim, spec)
        if mtype not in ("text", "image", "gif", "file", "sticker"):
            raise ControlError("OA echoes exist for text, image, gif, file and sticker")
        msg = store.add_message(
            oa_id=oa.oa_id,
            user_id=cust.user_id,
            direction="oa",
            type=mtype,
            text=text,
            attachments=attachments,
            source="oa_app",
        )
        payload = W.oa_echo_event(oa, cust, msg, str(msg.sent_ms))
    delivery = sim.webhooks.emit(oa, payload)
    return {
        "event": payload,
        "message": msg_view(msg),
        "delivery": delivery_result(sim, delivery, wait),
    }


# ============================================================================ templates


def set_template_status(
    sim: Simulator, template_id: str, status: str, reason: str = "", wait: bool = True
) -> dict:
    """Zalo's reviewer changes a template status → ``change_template_status`` webhook."""
    status = (status or "").upper()
    if status not in TEMPLATE_STATUSES:
        raise ControlError(f"status must be one of {', '.join(TEMPLATE_STATUSES)}")
    store = sim.store
    with store.lock:
        tpl = store.templates.get(str(template_id))
        if tpl is None:
            raise ControlError(f"unknown template {template_id}", 404)
        prev = tpl.status
        tpl.status = status
        tpl.reason = reason or _default_reason(status)
        tpl.updated_ms = store.now_ms()
        if status == "ENABLE" and tpl.quality == "UNDEFINED":
            tpl.quality = "HIGH"
        oa = store.get_oa(tpl.oa_id)
        payload = W.template_status_event(oa, tpl, prev, status, tpl.reason, _ts(sim))
    delivery = sim.webhooks.emit(oa, payload, zns=True)
    return {"event": payload, "delivery": delivery_result(sim, delivery, wait)}


def _default_reason(status: str) -> str:
    return {
        "ENABLE": "Mẫu tin đã được duyệt",
        "REJECT": "Nội dung mẫu tin chưa phù hợp với quy định",
        "DISABLE": "Mẫu tin bị khóa do chất lượng thấp",
    }.get(status, "")


def schedule_template_review(sim: Simulator, template_id: str) -> None:
    mode = sim.store.settings.template_review
    if mode in ("approve", "reject"):
        status = "ENABLE" if mode == "approve" else "REJECT"
        sim.later(
            sim.store.settings.template_review_delay_ms,
            _review_quietly,
            sim,
            template_id,
            status,
        )


def _review_quietly(sim: Simulator, template_id: str, status: str) -> None:
    try:
        set_template_status(sim, template_id, status, wait=False)
    except ControlError:  # deleted meanwhile
        pass
    sim.mark_dirty()


# ============================================================================ views & demo


def msg_view(msg: Message, now_ms: int | None = None) -> dict:
    """JSON view of a message with its receipt state for the control API / web page."""
    delivered = msg.delivered_ms is not None and (now_ms is None or msg.delivered_ms <= now_ms)
    state = "seen" if msg.seen_ms else "delivered" if delivered else "sent"
    return {
        "seq": msg.seq,
        "msg_id": msg.msg_id,
        "oa_id": msg.oa_id,
        "user_id": msg.user_id,
        "direction": msg.direction,
        "type": msg.type,
        "text": msg.text,
        "attachments": msg.attachments,
        "quote_message_id": msg.quote_message_id,
        "sent_ms": msg.sent_ms,
        "delivered_ms": msg.delivered_ms if delivered else None,
        "seen_ms": msg.seen_ms,
        "state": state if msg.direction == "oa" else None,
        "source": msg.source,
        "template_id": msg.template_id,
        "tracking_id": msg.tracking_id,
        "phone": msg.phone,
    }


def seed_demo(sim: Simulator, oa_id: str | None = None) -> list[Customer]:
    """A few Vietnamese customers, a short history and two approved templates."""
    store = sim.store
    with store.lock:
        oa = store.get_oa(oa_id)
        existing = [c for c in store.customers.values() if c.oa_id == oa.oa_id]
        if existing:
            return existing
        now = store.now_ms()
        hour = 3_600_000
        last = [now - 2 * hour, now - 30 * hour, now - 4 * 24 * hour, now - 9 * 24 * hour]
        custs = []
        for (name, phone), last_ms in zip(DEMO_CUSTOMERS, last, strict=True):
            cust = store.add_customer(oa.oa_id, name=name, phone=phone, last_interaction_ms=last_ms)
            custs.append(cust)
        custs[2].follower = False
        if custs[0].phone not in oa.admin_phones:
            oa.admin_phones.append(custs[0].phone)
        store.add_message(
            oa_id=oa.oa_id,
            user_id=custs[0].user_id,
            direction="user",
            type="text",
            text="Chào shop, mình muốn hỏi về đơn hàng DH001 ạ.",
            sent_ms=last[0],
        )
        store.add_message(
            oa_id=oa.oa_id,
            user_id=custs[1].user_id,
            direction="user",
            type="text",
            text="Cho mình xin báo giá máy lọc nước nhé.",
            sent_ms=last[1],
        )
        for tpl in _demo_templates(oa, now):
            tpl.template_id = store.new_template_id()
            store.templates[tpl.template_id] = tpl
        return custs


def _demo_templates(oa: OA, now: int) -> list[Template]:
    return [
        Template(
            template_id="",
            oa_id=oa.oa_id,
            app_id=oa.app_id,
            template_name="Xác nhận đơn hàng",
            tag="1",
            layout={
                "body": {
                    "components": [
                        {"TITLE": {"value": "Xác nhận đơn hàng <order_code>"}},
                        {
                            "PARAGRAPH": {
                                "value": "Cảm ơn <customer_name> đã đặt hàng tại cửa hàng."
                            }
                        },
                        {
                            "TABLE": {
                                "rows": [
                                    {"title": "Mã đơn", "value": "<order_code>"},
                                    {"title": "Tổng tiền", "value": "<amount>"},
                                ]
                            }
                        },
                    ]
                }
            },
            params=[
                {"name": "customer_name", "type": "1", "sample_value": "Nguyễn Văn An"},
                {"name": "order_code", "type": "4", "sample_value": "S00042"},
                {"name": "amount", "type": "14", "sample_value": "1.250.000đ"},
            ],
            status="ENABLE",
            quality="HIGH",
            created_ms=now,
            updated_ms=now,
        ),
        Template(
            template_id="",
            oa_id=oa.oa_id,
            app_id=oa.app_id,
            template_name="Nhắc thanh toán hóa đơn",
            tag="1",
            layout={
                "body": {
                    "components": [
                        {"TITLE": {"value": "Nhắc thanh toán hóa đơn <invoice>"}},
                        {
                            "PARAGRAPH": {
                                "value": "Kính gửi <customer_name>, hóa đơn còn nợ <amount>."
                            }
                        },
                    ]
                }
            },
            params=[
                {"name": "customer_name", "type": "1", "sample_value": "Trần Thị Bích"},
                {"name": "invoice", "type": "4", "sample_value": "INV/2025/0007"},
                {"name": "amount", "type": "14", "sample_value": "530.000đ"},
            ],
            status="ENABLE",
            quality="HIGH",
            price_sdt=300,
            price_uid=225,
            created_ms=now,
            updated_ms=now,
        ),
    ]


def avatar_png(key: str) -> bytes:
    return make_png(96, 96, colour_for(key))
