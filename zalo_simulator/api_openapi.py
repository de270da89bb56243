"""openapi.zalo.me: OA info, users, consultation messages, uploads, ZBS by UID.

Every call needs the ``access_token`` header (an OA token): unknown → -216, expired or
superseded → -220. A wrong optional ``appsecret_proof`` header → -242. GET endpoints take
one JSON-encoded ``data`` query parameter. Errors are HTTP 200 with a non-zero ``error``.
"""

from __future__ import annotations

import json
import mimetypes
import unicodedata
from typing import Any

from werkzeug.wrappers import Request

from . import actions
from . import errors as E
from .state import ATTACHMENT_LIFETIME_MS, FREE_WINDOW_MS, OA, WINDOW_MS, Customer, Media
from .templates import check_template_data
from .util import (
    ApiError,
    appsecret_proof,
    consteq,
    fmt_vn_date,
    fmt_vn_datetime,
    opaque_token,
    sniff_kind,
    zalo_ok,
)

MAX_TEXT = 2000
UPLOADS = {
    # kind: (extensions, max bytes, magic kinds accepted (None = any), response key)
    "image": ({"jpg", "jpeg", "png"}, 1024 * 1024, {"jpg", "png"}, "attachment_id"),
    "gif": ({"gif"}, 5 * 1024 * 1024, {"gif"}, "attachment_id"),
    "file": ({"pdf", "doc", "docx", "csv"}, 5 * 1024 * 1024, None, "token"),
}
BUTTON_TYPES = {"oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.phone", "oa.open.sms"}


# ============================================================================ auth & parsing


def require_oa(sim, request: Request, family: str = "openapi") -> OA:
    """Resolve the OA behind the ``access_token`` header or raise the family's error."""
    store = sim.store
    token = request.headers.get("access_token")
    state, tok = store.access_token_state(token, "oa")
    if family == "business":
        if state != "ok":
            raise E.zns_error(E.ZNS_TOKEN_INVALID)
    elif state == "invalid":
        raise E.oa_error(E.TOKEN_INVALID)
    elif state == "expired":
        raise E.oa_error(E.TOKEN_EXPIRED)
    oa = store.oas.get(tok.oa_id or "")
    if oa is None:
        raise (
            E.oa_error(E.TOKEN_INVALID)
            if family != "business"
            else E.zns_error(E.ZNS_TOKEN_INVALID)
        )
    proof = request.headers.get("appsecret_proof")
    if proof is not None and not consteq(
        proof.lower(), appsecret_proof(store.app_of(oa).app_secret, token)
    ):
        if family == "business":
            raise E.zns_error(E.ZNS_APPSECRET_PROOF_INVALID)
        raise E.oa_error(E.APPSECRET_PROOF_INVALID)
    return oa


def data_param(request: Request) -> dict:
    """The JSON ``data`` query parameter of GET endpoints (or a JSON body for POST)."""
    raw = request.args.get("data")
    if raw is None and request.method == "POST":
        return json_body(request)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        raise E.invalid("data") from None
    if not isinstance(data, dict):
        raise E.invalid("data")
    return data


def json_body(request: Request) -> dict:
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        raise E.invalid("body") from None
    if not isinstance(body, dict):
        raise E.invalid("body")
    return body


def _customer(sim, oa: OA, user_id: Any, field: str = "user_id") -> Customer:
    cust = sim.store.find_customer(oa.oa_id, user_id)
    if cust is None:
        raise E.invalid(field)
    return cust


# ============================================================================ OA & users


def get_oa(sim, request: Request) -> dict:
    oa = require_oa(sim, request)
    store = sim.store
    with store.lock:
        followers = sum(1 for c in store.customers.values() if c.oa_id == oa.oa_id and c.follower)
    img = f"{sim.public_url}/_sim/img"
    return zalo_ok(
        {
            "oaid": oa.oa_id,
            "name": oa.name,
            "description": oa.description,
            "oa_alias": oa.oa_alias,
            "is_verified": oa.is_verified,
            "oa_type": oa.oa_type,
            "cate_name": oa.cate_name,
            "num_follower": followers,
            "avatar": f"{img}/oa-{oa.oa_id}.png",
            "cover": f"{img}/cover-{oa.oa_id}.png",
            "package_name": oa.package_name,
            "package_valid_through_date": "31/12/2099",
            "package_auto_renew_date": "31/12/2099",
            "linked_zca": True,
        }
    )


def user_view(sim, cust: Customer) -> dict:
    avatar = cust.avatar or f"{sim.public_url}/_sim/img/{cust.user_id}.png"
    info = cust.shared_info or {}
    phone = info.get("phone") or ""
    return {
        "user_id": cust.user_id,
        "user_id_by_app": cust.user_id_by_app,
        "user_external_id": "",
        "display_name": cust.name,
        "user_alias": cust.name,
        "is_sensitive": False,
        "user_last_interaction_date": fmt_vn_date(cust.last_interaction_ms),
        "user_is_follower": cust.follower,
        "avatar": avatar,
        "avatars": {"120": avatar, "240": avatar},
        "dynamic_param": "",
        "tags_and_notes_info": {"notes": [], "tag_names": list(cust.tags)},
        "shared_info": {
            "address": info.get("address", ""),
            "city": info.get("city", ""),
            "district": info.get("district", ""),
            "phone": int(phone) if str(phone).isdigit() else 0,
            "name": info.get("name", ""),
            "user_dob": info.get("user_dob", ""),
        },
    }


def user_detail(sim, request: Request) -> dict:
    oa = require_oa(sim, request)
    data = data_param(request)
    with sim.store.lock:
        return zalo_ok(user_view(sim, _customer(sim, oa, data.get("user_id"))))


def user_getlist(sim, request: Request) -> dict:
    oa = require_oa(sim, request)
    data = data_param(request)
    try:
        offset = int(data.get("offset", 0))
        count = int(data.get("count", 50))
    except (TypeError, ValueError):
        raise E.invalid("offset") from None
    if not 0 < count <= 50:
        raise E.invalid("count")
    if not 0 <= offset <= 9951:
        raise E.invalid("offset")
    with sim.store.lock:
        users = [c for c in sim.store.customers.values() if c.oa_id == oa.oa_id]
        if "is_follower" in data:
            users = [c for c in users if c.follower == bool(data["is_follower"])]
        if data.get("tag_name"):
            users = [c for c in users if data["tag_name"] in c.tags]
        page = users[offset : offset + count]
        return zalo_ok(
            {
                "total": len(users),
                "count": len(page),
                "offset": offset,
                "users": [{"user_id": c.user_id} for c in page],
            }
        )


def _conversation_item(sim, oa: OA, cust: Customer, m) -> dict:
    from_user = m.direction == "user"
    src_name, dst_name = (cust.name, oa.name) if from_user else (oa.name, cust.name)
    item = {
        "src": 1 if from_user else 0,
        "time": m.sent_ms,
        "sent_time": fmt_vn_datetime(m.sent_ms),
        "from_id": cust.user_id if from_user else oa.oa_id,
        "from_display_name": src_name,
        "from_avatar": "",
        "to_id": oa.oa_id if from_user else cust.user_id,
        "to_display_name": dst_name,
        "to_avatar": "",
        "message_id": m.msg_id,
        "type": {"image": "photo"}.get(m.type, m.type),
        "message": m.text,
    }
    if m.attachments:
        payload = m.attachments[0].get("payload", {})
        if payload.get("url"):
            item["url"] = payload["url"]
        if payload.get("thumbnail"):
            item["thumb"] = payload["thumbnail"]
    return item


def conversation(sim, request: Request) -> dict:
    oa = require_oa(sim, request)
    data = data_param(request)
    offset, count = int(data.get("offset", 0) or 0), int(data.get("count", 10) or 10)
    if not 0 < count <= 10:
        raise E.invalid("count")
    with sim.store.lock:
        cust = _customer(sim, oa, data.get("user_id"))
        msgs = sim.store.conversation(oa.oa_id, cust.user_id)[::-1][offset : offset + count]
        return zalo_ok([_conversation_item(sim, oa, cust, m) for m in msgs])


def list_recent_chat(sim, request: Request) -> dict:
    oa = require_oa(sim, request)
    data = data_param(request)
    offset, count = int(data.get("offset", 0) or 0), int(data.get("count", 10) or 10)
    if not 0 < count <= 10:
        raise E.invalid("count")
    with sim.store.lock:
        last: dict[str, Any] = {}
        for m in sim.store.messages.values():
            if m.oa_id == oa.oa_id and m.user_id:
                last[m.user_id] = m
        items = sorted(last.values(), key=lambda m: m.seq, reverse=True)[offset : offset + count]
        return zalo_ok(
            [_conversation_item(sim, oa, sim.store.customers[m.user_id], m) for m in items]
        )


def quota_message(sim, request: Request) -> dict:
    oa = require_oa(sim, request)
    body = json_body(request)
    with sim.store.lock:
        cust = _customer(sim, oa, body.get("user_id"))
        last = cust.last_interaction_ms
        free = bool(last) and sim.store.now_ms() - last <= FREE_WINDOW_MS
        return zalo_ok(
            {
                "last_interaction": last,
                "cs_reply": {"remain": 8 if free else 0, "total": 8},
                "promotion": {
                    "daily_remain": 0,
                    "daily_total": 0,
                    "monthly_remain": 0,
                    "monthly_total": 0,
                },
            }
        )


# ============================================================================ messages


def message_v2(sim, request: Request) -> dict:
    """The shut-down v2 message API: only reactions still work."""
    oa = require_oa(sim, request)
    body = json_body(request)
    action = body.get("sender_action")
    if isinstance(action, dict) and action.get("react_message_id"):
        with sim.store.lock:
            _customer(sim, oa, (body.get("recipient") or {}).get("user_id"))
            if action["react_message_id"] not in sim.store.messages:
                raise E.invalid("react_message_id")
        return zalo_ok(
            {"message_id": actions.new_msg_id(), "user_id": body["recipient"]["user_id"]}
        )
    raise E.oa_error(E.MESSAGE_V2_SHUT_DOWN)


def _check_media(media: Media | None, field: str, now: int) -> Media:
    if media is None:
        raise E.invalid(field)
    if now - media.created_ms > ATTACHMENT_LIFETIME_MS:
        raise E.oa_error(E.ATTACHMENT_EXPIRED)
    return media


def _check_buttons(buttons: Any) -> None:
    if buttons is None:
        return
    if not isinstance(buttons, list) or len(buttons) > 5:
        raise E.invalid("buttons")
    for b in buttons:
        if not isinstance(b, dict) or b.get("type") not in BUTTON_TYPES or not b.get("title"):
            raise E.invalid("buttons")


def _parse_attachment(sim, oa: OA, attachment: Any, now: int) -> tuple[str, list[dict]]:
    """Validate ``message.attachment``; return (message type, attachments as stored)."""
    if not isinstance(attachment, dict):
        raise E.invalid("attachment")
    store = sim.store
    payload = attachment.get("payload")
    if not isinstance(payload, dict):
        raise E.invalid("payload")
    atype = attachment.get("type")
    if atype == "file":
        media = _check_media(
            store.media_by_ref(payload.get("token"), oa.oa_id, ("file",)), "token", now
        )
        return "file", [actions.file_attachment(sim, media)]
    if atype != "template":
        raise E.oa_error(E.MESSAGE_TYPE_INVALID)
    ttype = payload.get("template_type")
    elements = payload.get("elements")
    _check_buttons(payload.get("buttons"))
    if ttype == "media":
        if (
            not isinstance(elements, list)
            or len(elements) != 1
            or not isinstance(elements[0], dict)
        ):
            raise E.invalid("elements")
        el = elements[0]
        mtype = el.get("media_type")
        if mtype == "image":
            if el.get("attachment_id"):
                media = _check_media(
                    store.media_by_ref(el["attachment_id"], oa.oa_id, ("image",)),
                    "attachment_id",
                    now,
                )
                url = actions.media_url(sim, media)
            elif isinstance(el.get("url"), str) and el["url"].startswith(("http://", "https://")):
                url = el["url"]
            else:
                raise E.invalid("url")
            return "image", [{"type": "image", "payload": {"url": url, "thumbnail": url}}]
        if mtype == "gif":
            media = _check_media(
                store.media_by_ref(el.get("attachment_id"), oa.oa_id, ("gif",)),
                "attachment_id",
                now,
            )
            for dim in ("width", "height"):
                if not isinstance(el.get(dim), int) or el[dim] <= 0:
                    raise E.invalid(dim)
            url = actions.media_url(sim, media)
            return "gif", [{"type": "gif", "payload": {"url": url, "thumbnail": url}}]
        if mtype == "sticker":
            sticker = el.get("attachment_id")
            if not sticker or not isinstance(sticker, str):
                raise E.invalid("attachment_id")
            return "sticker", [actions.sticker_attachment(sim, sticker)]
        raise E.invalid("media_type")
    if ttype == "request_user_info":
        if (
            not isinstance(elements, list)
            or len(elements) != 1
            or not isinstance(elements[0], dict)
        ):
            raise E.invalid("elements")
        el = elements[0]
        title, subtitle = el.get("title"), el.get("subtitle")
        if not isinstance(title, str) or not title or len(title) > 100:
            raise E.invalid("title")
        if not isinstance(subtitle, str) or len(subtitle) > 500:
            raise E.invalid("subtitle")
        if not isinstance(el.get("image_url"), str) or not el["image_url"]:
            raise E.invalid("image_url")
        stored = {"type": "request_user_info", "payload": {"elements": [el]}}
        return "request_user_info", [stored]
    raise E.oa_error(E.MESSAGE_TYPE_INVALID)


def message_cs(sim, request: Request) -> dict:
    """``POST /v3.0/oa/message/cs``: a consultation message inside the 7-day window."""
    oa = require_oa(sim, request)
    body = json_body(request)
    recipient = body.get("recipient")
    message = body.get("message")
    store = sim.store
    with store.lock:
        if not isinstance(recipient, dict):
            raise E.invalid("recipient")
        cust = _customer(sim, oa, recipient.get("user_id"))
        now = store.now_ms()
        last = cust.last_interaction_ms
        if not last or now - last > WINDOW_MS:
            raise E.oa_error(E.NO_INTERACTION_7D)
        if not isinstance(message, dict):
            raise E.invalid("message")
        text = message.get("text")
        if text is not None:
            if not isinstance(text, str):
                raise E.invalid("text")
            if len(unicodedata.normalize("NFC", text)) > MAX_TEXT:
                raise ApiError(E.INVALID_PARAM, f"text is invalid! (max {MAX_TEXT} characters)")
        quote = message.get("quote_message_id")
        if quote is not None:
            quoted = store.messages.get(str(quote))
            if quoted is None or quoted.oa_id != oa.oa_id or quoted.user_id != cust.user_id:
                raise E.invalid("quote_message_id")
        if message.get("attachment") is not None:
            mtype, attachments = _parse_attachment(sim, oa, message["attachment"], now)
        elif text:
            mtype, attachments = "text", []
        else:
            raise E.invalid("message")
        msg = store.add_message(
            oa_id=oa.oa_id,
            user_id=cust.user_id,
            direction="oa",
            type=mtype,
            text=text or "",
            attachments=attachments,
            quote_message_id=str(quote) if quote is not None else None,
            source="api",
        )
        quota_type = "reply" if now - last <= FREE_WINDOW_MS else "purchase_quota"
    actions.after_oa_send(sim, oa, cust, msg)
    return zalo_ok(
        {
            "message_id": msg.msg_id,
            "user_id": cust.user_id,
            "sent_time": str(msg.sent_ms),
            "quota": {"quota_type": quota_type},
        }
    )


def message_template_uid(sim, request: Request) -> dict:
    """``POST /v3.0/oa/message/template``: ZBS template by UID (docs/zalo-api.md C11)."""
    oa = require_oa(sim, request)
    body = json_body(request)
    store = sim.store
    with store.lock:
        cust = _customer(sim, oa, body.get("user_id"))
        tpl = store.get_template(oa.oa_id, body.get("template_id"))
        if tpl is None:
            raise E.zns_error(E.ZNS_TEMPLATE_ID_INVALID)
        if tpl.status != "ENABLE":
            raise E.zns_error(E.ZNS_TEMPLATE_NOT_APPROVED)
        if not tpl.supports_uid:
            raise E.oa_error(E.TEMPLATE_NOT_UID)
        data = check_template_data(tpl, body.get("template_data"))
        remaining = actions.take_zns_quota(sim, oa)
        msg = actions.record_template_message(sim, oa, tpl, data, cust, source="zbs_uid")
    actions.after_oa_send(sim, oa, cust, msg, echo=False)
    return zalo_ok(
        {
            "message_id": msg.msg_id,
            "user_id": cust.user_id,
            "sent_time": str(msg.sent_ms),
            "quota": {"quota_type": "zbs_template", "remain": str(remaining)},
        }
    )


# ============================================================================ uploads


def upload(sim, request: Request, kind: str) -> dict:
    oa = require_oa(sim, request)
    exts, max_size, magics, key = UPLOADS[kind]
    f = request.files.get("file")
    if f is None or not f.filename:
        raise E.invalid("file")
    data = f.read()
    ext = f.filename.rsplit(".", 1)[-1].lower() if "." in f.filename else ""
    if not data:
        raise E.invalid("file")
    if ext not in exts or (magics is not None and sniff_kind(data) not in magics):
        raise ApiError(E.INVALID_PARAM, f"file is invalid! (accepted: {', '.join(sorted(exts))})")
    if len(data) > max_size:
        raise ApiError(
            E.PARAM_TOO_LARGE, f"{E.OA_MESSAGES[E.PARAM_TOO_LARGE]} (max {max_size} bytes)"
        )
    ctype = mimetypes.guess_type(f.filename)[0] or "application/octet-stream"
    ref = opaque_token(40)
    sim.store.add_media(f.filename, ctype, data, kind=kind, oa_id=oa.oa_id, ref=ref)
    return zalo_ok({key: ref})


def upload_image(sim, request: Request) -> dict:
    return upload(sim, request, "image")


def upload_gif(sim, request: Request) -> dict:
    return upload(sim, request, "gif")


def upload_file(sim, request: Request) -> dict:
    return upload(sim, request, "file")


ROUTES = [
    ("/openapi/v2.0/oa/getoa", ["GET"], get_oa),
    ("/openapi/v3.0/oa/user/detail", ["GET", "POST"], user_detail),
    ("/openapi/v3.0/oa/user/getlist", ["GET"], user_getlist),
    ("/openapi/v2.0/oa/conversation", ["GET"], conversation),
    ("/openapi/v2.0/oa/listrecentchat", ["GET"], list_recent_chat),
    ("/openapi/v3.0/oa/quota/message", ["POST"], quota_message),
    ("/openapi/v2.0/oa/message", ["POST"], message_v2),
    ("/openapi/v3.0/oa/message/cs", ["POST"], message_cs),
    ("/openapi/v3.0/oa/message/template", ["POST"], message_template_uid),
    ("/openapi/v2.0/oa/upload/image", ["POST"], upload_image),
    ("/openapi/v2.0/oa/upload/gif", ["POST"], upload_gif),
    ("/openapi/v2.0/oa/upload/file", ["POST"], upload_file),
]
